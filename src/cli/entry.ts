/**
 * What both entries of the `pucs` command share (issue 11): the terminal I/O and clock, and a plain
 * `pucs check` run by its fast path (dist/chunks/check-boot.cjs → check-fast.cjs). dist/cli.js (the ES
 * module entry, src/cli/main.ts) and dist/pucs.cjs (the CommonJS entry the `pucs` bin runs,
 * src/cli/bin.ts: Node starts a CommonJS entry ~10 ms sooner than an ES module one) use it.
 */

import { dirname } from "node:path";

/** Where an entry records that it tried the fast path already (dist/pucs.cjs, before it loads dist/cli.js). */
export const FAST_TRIED = Symbol.for("pucs.fast-path-tried");

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

/** Whether stdout and stderr have been written to (the fast path's exit waits for what was written to flush). */
const wrote = { out: false, err: false };

/** The process's terminal, clock and environment as the CLI takes them. */
export const io = {
  cwd: process.cwd(),
  env: process.env,
  now,
  out: (s: string) => void ((wrote.out = true), process.stdout.write(s)),
  err: (s: string) => void ((wrote.err = true), process.stderr.write(s)),
};

interface Boot {
  bootCheck: (argv: string[], io: typeof import("./entry.js").io, dir: string, importer: (key: string) => Promise<unknown>) => Promise<number | null>;
  endsNow?: (streams: (NodeJS.WriteStream | null)[], proc: NodeJS.Process) => boolean;
}

/**
 * `pucs check <args>` by its fast path: its exit code, or null when the full command must run it (no
 * fast path in this build, or it handed over). The fast path prints nothing before its answer is
 * complete, so whatever throws, the full command runs. When the report is out and nothing is left to
 * flush, the process ends at once (check-boot.ts's endsNow).
 */
export async function fastCheck(args: string[], bootFile: string, load: (file: string) => unknown, importer: (key: string) => Promise<unknown>): Promise<number | null> {
  let boot: Boot | null = null;
  try {
    boot = load(bootFile) as Boot;
  } catch {
    boot = null;
  }
  const code = boot ? await boot.bootCheck(args, io, dirname(bootFile), importer).catch(() => null) : null;
  if (code !== null && typeof boot?.endsNow === "function" && boot.endsNow([wrote.out ? process.stdout : null, wrote.err ? process.stderr : null], process)) process.exit(code);
  return code;
}
