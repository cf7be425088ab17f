/**
 * The commit guard's cost (issue 11): the pre-commit hook (dist/hook.js) and `pucs check` (dist/pucs.cjs, the bin's entry; dist/cli.js beside it)
 * on a 10,000-file repository, each against a bare `node -e 0` start on the same machine.
 * Target: both ≤ 2× the bare start.
 *
 * The repository (generated in a temp dir): 10,000 files under the shipped config's six stream
 * directories, one commit, a ledger with 20 live locks of another agent (one of them a glob) and one of
 * ours, and three staged edits (one under our own lock), so the hook reads and matches the whole ledger
 * and lets the commit through. Bundles are built from src/ into node_modules/.cache/pucs-bench/ (next to
 * node_modules, so the CLI finds its grammars) with scripts/build.mjs's options, so the figures are the
 * code in the tree. The warm-up rounds include the check's first run, which validates and caches the
 * ledger and config (src/cli/check-cache.ts) and writes the fast path's V8 code cache
 * (src/cli/fast-load.ts): the rounds measure what every later check pays.
 * 15 rounds after 2 warm-ups, each round running the three commands one after the other (so a load
 * change hits them alike); the ratio is the median of the per-round ratios.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { build } from "esbuild";
import { runCli } from "../src/cli/run.js";
// @ts-expect-error: an untyped .mjs script (its options are plain esbuild options)
import { buildCli, common } from "../scripts/build.mjs";

const ROOT = process.cwd();
const FILES = 10_000;
const RUNS = 15;
const DIRS = ["execution", "llm", "scanners", "backtesting", "observability", "api"];
const GIT_ENV = { GIT_AUTHOR_NAME: "Bench", GIT_AUTHOR_EMAIL: "bench@example.com", GIT_COMMITTER_NAME: "Bench", GIT_COMMITTER_EMAIL: "bench@example.com", GIT_CONFIG_NOSYSTEM: "1" };

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function once(cmd: string, args: string[], cwd: string, env: Record<string, string>, expect: number[]): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, env: { ...process.env, ...GIT_ENV, ...env }, encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status === null || !expect.includes(r.status)) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return ms;
}

/** The three commands interleaved (bare, hook, check in each round), so a load change on the machine hits all three alike. */
function measure(runs: { cmd: string; args: string[]; expect: number[] }[], cwd: string, env: Record<string, string>): number[][] {
  const samples: number[][] = runs.map(() => []);
  for (let i = 0; i < RUNS + 2; i++) {
    runs.forEach((r, k) => {
      const ms = once(r.cmd, r.args, cwd, env, r.expect);
      if (i >= 2) samples[k]!.push(ms);
    });
  }
  return samples;
}

/** The CLI and the hook built as scripts/build.mjs builds them (the CLI split into chunks, and its fast path's CommonJS file). */
async function bundles(): Promise<{ cli: string; esm: string; hook: string }> {
  const outdir = join(ROOT, "node_modules", ".cache", "pucs-bench");
  rmSync(outdir, { recursive: true, force: true });
  await Promise.all([
    buildCli(outdir, { cli: "src/cli/main.ts" }, ROOT, { logLevel: "error" }),
    build({ ...common, absWorkingDir: ROOT, entryPoints: { hook: "src/cli/hook-main.ts" }, outdir, logLevel: "error" }),
  ]);
  // The bin runs dist/pucs.cjs (the CommonJS entry); dist/cli.js (the ES module entry) is measured beside it.
  return { cli: join(outdir, "pucs.cjs"), esm: join(outdir, "cli.js"), hook: join(outdir, "hook.js") };
}

async function makeRepo(): Promise<{ base: string; dir: string }> {
  const base = mkdtempSync(join(tmpdir(), "pucs-bench-hook-"));
  const dir = join(base, "repo");
  mkdirSync(join(dir, "config"), { recursive: true });
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, env: { ...process.env, ...GIT_ENV }, encoding: "utf8", maxBuffer: 1 << 28 });
  git("init", "-q", "-b", "main");
  copyFileSync(join(ROOT, "config", "pucs_streams.yaml"), join(dir, "config", "pucs_streams.yaml"));
  for (let i = 0; i < FILES; i++) {
    const p = join(dir, DIRS[i % DIRS.length]!, `m${i % 50}`, `file_${i}.py`);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, `def f_${i}():\n    return ${i}\n`);
  }
  git("add", "-A");
  git("commit", "-q", "-m", "10,000 files");
  const T = Date.now();
  const ctx = { cwd: dir, env: { ...GIT_ENV }, now: () => T, newId: () => Math.random().toString(16).slice(2), out: () => {}, err: () => {} };
  const lock = async (path: string, agent: string) => {
    const code = await runCli(["lock", path, "--agent", agent, "--stream", "EXEC", "--task", "bench", "--duration", "8h", "--local"], ctx);
    if (code !== 0) throw new Error(`pucs lock ${path} exited ${code}`);
  };
  for (let i = 0; i < 19; i++) await lock(`execution/m${(i * 6) % 50}/file_${i * 6}.py`, "other-agent");
  await lock("execution/m49/**", "other-agent");
  // Three staged edits: one under our own lock, two unlocked.
  const edits = ["execution/m0/file_600.py", "api/m5/file_5.py", "llm/m1/file_1.py"];
  await lock(edits[0]!, "bench-agent");
  for (const e of edits) writeFileSync(join(dir, e), "changed\n");
  git("add", ...edits);
  return { base, dir };
}

export async function benchHook(): Promise<{ lines: string[]; hookRatio: number; checkRatio: number }> {
  const { cli, esm, hook } = await bundles();
  const { base, dir } = await makeRepo();
  try {
    const env = { PUCS_AGENT: "bench-agent" };
    const [bareS, hookS, checkS, esmS] = measure(
      [
        { cmd: process.execPath, args: ["-e", "0"], expect: [0] },
        { cmd: process.execPath, args: [hook, "pre-commit"], expect: [0] },
        { cmd: process.execPath, args: [cli, "check", "--base", "main", "--local"], expect: [0, 1] },
        { cmd: process.execPath, args: [esm, "check", "--base", "main", "--local"], expect: [0, 1] },
      ],
      dir,
      env,
    );
    const bare = median(bareS!);
    const hookMs = median(hookS!);
    const checkMs = median(checkS!);
    // Ratios per round (same moment, same load), then their median.
    const hookRatio = median(hookS!.map((h, i) => h / bareS![i]!));
    const checkRatio = median(checkS!.map((c, i) => c / bareS![i]!));
    const esmRatio = median(esmS!.map((c, i) => c / bareS![i]!));
    const ok = (r: number) => (r <= 2 ? "ok" : "MISSED");
    return {
      hookRatio,
      checkRatio,
      lines: [
        `Commit guard on a ${FILES.toLocaleString("en-US")}-file repository (21 locks, 3 staged files; ${RUNS} interleaved rounds, medians; ratio = median of the per-round ratios)`,
        `  bare node -e 0:          ${bare.toFixed(1)} ms (baseline)`,
        `  pre-commit hook:         ${hookMs.toFixed(1)} ms = ${hookRatio.toFixed(2)}× baseline (target ≤ 2×: ${ok(hookRatio)})`,
        `  pucs check:              ${checkMs.toFixed(1)} ms = ${checkRatio.toFixed(2)}× baseline (target ≤ 2×: ${ok(checkRatio)}) — the bin's CommonJS entry, dist/pucs.cjs`,
        `    through dist/cli.js:   ${median(esmS!).toFixed(1)} ms = ${esmRatio.toFixed(2)}× baseline (the ES module entry, for comparison)`,
      ],
    };
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}
