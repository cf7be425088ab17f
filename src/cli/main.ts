/**
 * Entry of the `pucs` bin (bundled into dist/cli.js). Small on purpose: a plain local `pucs check` (what a
 * commit hook runs) starts its git processes (check-plan.ts, git-batch.ts), then loads only its fast path
 * (check-fast.ts, built as one CommonJS file, dist/chunks/check-fast.cjs, and compiled with V8 code cache
 * data: fast-load.ts); everything else, and any check the fast path hands back, loads the whole CLI
 * (run.ts), a chunk of the build's code splitting like the modules the fast path loads lazily
 * (check-lazy.ts).
 */
import { isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CACHE_DIR } from "./check-cache.js";
import { lazyImport } from "./check-lazy.js";
import { planCheck } from "./check-plan.js";
import { guessCommonDir, loadBundle, type Loaded } from "./fast-load.js";
import { startGitBatch, type BatchAnswer } from "./git-batch.js";

/** dist/chunks/check-fast.cjs (scripts/build.mjs): the fast path as one CommonJS file, compiled with a code cache. */
export const FAST_PATH_BUNDLE = "chunks/check-fast.cjs";

/**
 * The fast path, compiled with its code cache from `<git common dir>/pucs-cache/` (where git will say
 * the common dir is: guessed while git runs). null when the bundle is not there (main.ts run from its
 * source): the full command runs the check.
 */
function loadFastPath(): Loaded<typeof import("./check-fast.js")> | null {
  const common = guessCommonDir(io.cwd, io.env);
  try {
    return loadBundle(fileURLToPath(new URL(FAST_PATH_BUNDLE, import.meta.url)), common === null ? null : join(common, CACHE_DIR), lazyImport);
  } catch {
    return null;
  }
}

/** The common dir git named (the second line of the batch's rev-parse), or null. */
async function commonDirOf(rev: Promise<BatchAnswer | null> | undefined): Promise<string | null> {
  const r = await rev;
  const dir = r && r.code === 0 ? r.stdout.split("\n")[1] : undefined;
  return dir && isAbsolute(dir) ? dir : null;
}

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
    const rev = batch.peek(plan.first[0]!, io.cwd);
    const fast = loadFastPath();
    const code = fast ? await fast.exports.fastCheck(argv.slice(1), io, batch) : null;
    if (code !== null) {
      // After a miss, the cache is written where git says the common dir is (and only there).
      const common = await commonDirOf(rev);
      if (common !== null) fast!.save(join(common, CACHE_DIR));
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
