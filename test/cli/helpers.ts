/** Real git repositories in temp dirs for CLI tests. */
import { execFileSync, spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { runCli, type CliContext } from "../../src/cli/run.js";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const BIN = join(ROOT, "bin", "pucs.js");

const GIT_ENV = {
  GIT_AUTHOR_NAME: "Test",
  GIT_AUTHOR_EMAIL: "test@example.com",
  GIT_COMMITTER_NAME: "Test",
  GIT_COMMITTER_EMAIL: "test@example.com",
  GIT_CONFIG_NOSYSTEM: "1",
  HOME: tmpdir(),
};

export function sh(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, env: { ...process.env, ...GIT_ENV }, encoding: "utf8" });
}

export interface TestRepo {
  base: string;
  dir: string;
  cleanup(): void;
  write(path: string, content: string): void;
}

/** A repository with the shipped config and a few files of the seed's streams, committed on main. */
export function makeRepo(files: Record<string, string> = {}): TestRepo {
  const base = mkdtempSync(join(tmpdir(), "pucs-cli-"));
  const dir = join(base, "bot");
  mkdirSync(dir);
  sh(dir, "init", "-q", "-b", "main");
  const write = (path: string, content: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  };
  mkdirSync(join(dir, "config"), { recursive: true });
  copyFileSync(join(ROOT, "config", "pucs_streams.yaml"), join(dir, "config", "pucs_streams.yaml"));
  const defaults: Record<string, string> = {
    "execution/fill_predictor.py": lines("def predict():", 30),
    "observability/metrics.py": lines("def collect():", 30),
    "api/routes.py": lines("def route():", 10),
    ...files,
  };
  for (const [p, c] of Object.entries(defaults)) write(p, c);
  sh(dir, "add", "-A");
  sh(dir, "commit", "-q", "-m", "initial");
  return { base, dir, write, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

export function lines(head: string, n: number): string {
  return [head, ...Array.from({ length: n }, (_, i) => `    x${i} = ${i}`)].join("\n") + "\n";
}

export interface CliRun {
  code: number;
  out: string;
  err: string;
  json: any;
}

/** Runs the CLI in-process with a fixed clock. */
export async function pucs(cwd: string, argv: string[], opts: { now?: number; env?: Record<string, string> } = {}): Promise<CliRun> {
  let out = "";
  let err = "";
  let n = 0;
  const ctx: CliContext = {
    cwd,
    env: { ...GIT_ENV, ...opts.env },
    now: () => opts.now ?? Date.parse("2026-11-23T20:00:00Z"),
    newId: () => `id-${++n}-${Math.random().toString(16).slice(2, 8)}`,
    out: (s) => void (out += s),
    err: (s) => void (err += s),
  };
  const code = await runCli(argv, ctx);
  let json: unknown = undefined;
  if (argv.includes("--json")) {
    try {
      json = JSON.parse(out);
    } catch {
      json = undefined;
    }
  }
  return { code, out, err, json };
}

/** Runs the real bin (dist/cli.js) as a separate process. */
export function pucsProcess(cwd: string, argv: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], { cwd, env: { ...process.env, ...GIT_ENV, ...env } });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code: code ?? -1, out, err, json: undefined }));
  });
}

/**
 * The repository the `pucs check` fast-path tests share: another agent's lock on a file this branch
 * (feature/stream-EXEC) commits, and an untracked new file under its glob lock on api/**.
 */
export async function lockedBranchRepo(now: number): Promise<TestRepo> {
  const r = makeRepo();
  for (const args of [
    ["lock", "execution/fill_predictor.py", "--agent", "other", "--stream", "EXEC", "--task", "ML model"],
    ["lock", "api/**", "--agent", "other", "--stream", "API", "--task", "routes"],
  ]) {
    const res = await pucs(r.dir, args, { now });
    if (res.code !== 0) throw new Error(`pucs ${args.join(" ")} failed (${res.code}): ${res.err}`);
  }
  sh(r.dir, "checkout", "-q", "-b", "feature/stream-EXEC");
  r.write("execution/fill_predictor.py", "def predict():\n    return 42\n");
  sh(r.dir, "commit", "-qam", "[PUCS-EXEC] feat: predict");
  r.write("observability/metrics.py", "def collect():\n    return []\n");
  r.write("api/new_handler.py", "def handle():\n    return 1\n");
  return r;
}
