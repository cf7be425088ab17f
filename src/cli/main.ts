/**
 * Entry of the `pucs` bin (bundled into dist/cli.js). Small on purpose: a plain local `pucs check` (what a
 * commit hook runs) loads only its fast path (check-fast.ts); everything else, and any check the fast
 * path hands back, loads the whole CLI (run.ts). With the build's code splitting each is its own chunk.
 */
import { planCheck } from "./check-plan.js";
import { startGitBatch } from "./git-batch.js";

function now(): number {
  const fixed = process.env.PUCS_NOW;
  if (fixed) {
    const t = Date.parse(fixed);
    if (Number.isNaN(t)) {
      process.stderr.write(`PUCS_NOW=${JSON.stringify(fixed)} is not an ISO time (e.g. 2026-11-23T20:00:00Z)\n`);
      process.exit(2);
    }
    return t;
  }
  return Date.now();
}

const argv = process.argv.slice(2);
const io = { cwd: process.cwd(), env: process.env, now, out: (s: string) => void process.stdout.write(s), err: (s: string) => void process.stderr.write(s) };

async function main(): Promise<number> {
  // A plain local check: its git processes start first (one shell for all), so git's scan of the
  // working tree runs while the fast path loads; the fast path uses their answers.
  const plan = argv[0] === "check" ? planCheck(argv.slice(1), io.env) : null;
  if (plan) {
    const batch = startGitBatch(plan.first, io.cwd);
    const { fastCheck } = await import("./check-fast.js");
    const code = await fastCheck(argv.slice(1), io, batch);
    if (code !== null) return code;
  }
  const [{ runCli }, { randomUUID }] = await Promise.all([import("./run.js"), import("node:crypto")]);
  return runCli(argv, {
    ...io,
    newId: () => randomUUID(),
    ...(process.stdout.isTTY && process.stdin.isTTY
      ? { tty: { write: (s: string) => void process.stdout.write(s), isTTY: true, get columns() { return process.stdout.columns ?? 80; }, get rows() { return process.stdout.rows ?? 24; }, keys: process.stdin } }
      : {}),
  });
}

process.exitCode = await main();
