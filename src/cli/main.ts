/**
 * Entry of the `pucs` bin (bundled into dist/cli.js). Small on purpose: a plain local `pucs check` (what a
 * commit hook runs) goes to dist/chunks/check-boot.cjs (check-boot.ts: it starts the check's git
 * processes, then compiles only the fast path, dist/chunks/check-fast.cjs, with V8 code cache data);
 * everything else, and any check the fast path hands back, loads the whole CLI (run.ts), a chunk of the
 * build's code splitting like the modules the fast path loads lazily (check-lazy.ts). Both .cjs files
 * are scripts/build.mjs's; without them (main.ts run from its source) the full command runs the check.
 */
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { lazyImport } from "./check-lazy.js";

/** dist/chunks/check-boot.cjs (scripts/build.mjs), next to the fast path's bundle. */
export const CHECK_BOOT = "chunks/check-boot.cjs";

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
/** Whether stdout and stderr have been written to (the fast path's exit waits for what was written to flush). */
const wrote = { out: false, err: false };
const io = {
  cwd: process.cwd(),
  env: process.env,
  now,
  out: (s: string) => void ((wrote.out = true), process.stdout.write(s)),
  err: (s: string) => void ((wrote.err = true), process.stderr.write(s)),
};

async function main(): Promise<number> {
  if (argv[0] === "check") {
    const file = fileURLToPath(new URL(CHECK_BOOT, import.meta.url));
    let boot: typeof import("./check-boot.js") | null = null;
    try {
      boot = createRequire(import.meta.url)(file) as typeof import("./check-boot.js");
    } catch {
      boot = null;
    }
    // The fast path prints nothing before its answer is complete: whatever throws, the full command runs.
    const code = boot ? await boot.bootCheck(argv.slice(1), io, dirname(file), lazyImport).catch(() => null) : null;
    if (code !== null) {
      // The report is out: end now when nothing is left to flush (check-boot.ts's endsNow).
      if (typeof boot?.endsNow === "function" && boot.endsNow([wrote.out ? process.stdout : null, wrote.err ? process.stderr : null], process)) process.exit(code);
      return code;
    }
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
