/** Entry of dist/hook.js: what the pre-commit hook `pucs hook install` writes runs (see hook.ts). Small on purpose: it runs on every commit. */
import { preCommit } from "./hook.js";

const fixed = process.env.PUCS_NOW;
const now = fixed && !Number.isNaN(Date.parse(fixed)) ? Date.parse(fixed) : Date.now();
try {
  const r = await preCommit(process.cwd(), process.env, now);
  if (r.message) process.stderr.write(r.message);
  process.exitCode = r.code;
} catch (e) {
  process.stderr.write(`PUCS commit guard: ${(e as Error).message ?? String(e)}; this commit was not checked.\n`);
  process.exitCode = 0;
}
