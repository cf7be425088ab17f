/**
 * What `dist/cli.js` does for a `pucs check` (issue 11), built as a small CommonJS file of its own
 * (dist/chunks/check-boot.cjs, required by dist/cli.js: a CommonJS file costs less to load than ES
 * module chunks): decide the plan from the arguments (check-plan.ts), start the git commands through
 * one shell (git-batch.ts), compile the fast path with its code cache while git runs (fast-load.ts),
 * run it, and after a code cache miss write the cache where git says the common dir is.
 */
import { isAbsolute, join } from "node:path";
import type { FastCheckContext } from "./check-fast.js";
import { CACHE_DIR } from "./check-cache.js";
import { planCheck } from "./check-plan.js";
import { startGitBatch, type BatchAnswer } from "./git-batch.js";

/** Next to this file in dist/chunks/ (scripts/build.mjs). */
export const FAST_PATH_FILE = "check-fast.cjs";

type FastPath = typeof import("./check-fast.js");

/** The common dir git named (the second line of the batch's rev-parse), or null. */
async function gitCommonDir(rev: Promise<BatchAnswer | null> | undefined): Promise<string | null> {
  const r = await rev;
  const dir = r && r.code === 0 ? r.stdout.split("\n")[1] : undefined;
  return dir && isAbsolute(dir) ? dir : null;
}

/**
 * `pucs check <argv>` by the fast path: its exit code (the report printed), or null (nothing printed)
 * when the full command must run. `dir`: the directory of the fast path's bundle; `importer`: the
 * bundle's lazy imports (check-lazy.ts).
 */
export async function bootCheck(argv: string[], io: FastCheckContext, dir: string, importer: (key: string) => Promise<unknown>): Promise<number | null> {
  const plan = planCheck(argv, io.env);
  if (!plan) return null;
  const batch = startGitBatch(plan.first, io.cwd);
  const rev = batch.peek(plan.revParse, io.cwd);
  // Loaded after the fork: node:vm and node:zlib are not in memory yet when node forks the shell.
  const { guessCommonDir, loadBundle } = await import("./fast-load.js");
  // The code cache is read from where git will say the common dir is, guessed while git runs.
  const guess = guessCommonDir(io.cwd, io.env);
  let fast;
  try {
    fast = loadBundle<FastPath>(join(dir, FAST_PATH_FILE), guess === null ? null : join(guess, CACHE_DIR), importer);
  } catch {
    return null; // no bundle there: the full command runs the check
  }
  if (typeof fast.exports.fastCheck !== "function") return null; // not the fast path: the full command
  const code = await fast.exports.fastCheck(argv, io, batch);
  if (code !== null) {
    // After a miss, the cache is written where git says the common dir is (and only there).
    const common = await gitCommonDir(rev);
    if (common !== null) fast.save(join(common, CACHE_DIR));
  }
  return code;
}

/**
 * Whether `pucs check` may end the process as soon as the fast path's report is printed
 * (`process.exit`), instead of letting node's event loop run dry: that natural exit tears down the
 * environment and V8's heap first, which costs a check ~5-7 ms more than a bare node's exit here (after
 * the shell's fork every page node writes to again costs a page fault). Only when nothing is left
 * to do: every stream written to (`streams`: stdout and stderr, null when never written) has flushed
 * (a pipe's write can be pending on POSIX, and `process.exit` would drop it) and has not failed (a
 * reader that went away: node reports the EPIPE as it always did), and nobody listens for
 * 'beforeExit' (which `process.exit` does not emit; 'exit' it does). The git processes are done by then:
 * the fast path has read each answer to its end.
 */
export function endsNow(streams: ({ writableLength: number; errored?: unknown } | null)[], proc: { listenerCount(event: "beforeExit"): number }): boolean {
  return streams.every((s) => s === null || (s.writableLength === 0 && (s.errored === null || s.errored === undefined))) && proc.listenerCount("beforeExit") === 0;
}
