/**
 * `pucs status --json` / `--format markdown` (one status document, the dashboard's exact body) and
 * `pucs board`: a plain print off a terminal, and live under tmux (a real terminal): it redraws when
 * another shell takes a lock, and quits on q. tmux is installed with apt-get when missing; the test
 * fails, never skips, when it cannot be.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseDashboardStatus, renderDashboardDoc } from "../../src/engine/dashboard.js";
import { makeRepo, pucs, ROOT, type TestRepo } from "./helpers.js";
import { assertValid } from "../support/schemas.js";
import { loadConfigFile } from "../../src/config-file.js";

const T0 = Date.parse("2026-11-23T20:00:00Z");

let repo: TestRepo;
beforeEach(() => {
  repo = makeRepo();
});
afterEach(() => repo.cleanup());

const lockArgs = (path: string, agent: string) => ["lock", path, "--agent", agent, "--stream", "EXEC", "--task", "ML model"];

describe("pucs status: one status document", () => {
  it("--json is a pucs.status/v1 document, and --format markdown is the dashboard body embedding the same document", async () => {
    await pucs(repo.dir, ["init", "--session", "PUCS-20261123-001"]);
    expect((await pucs(repo.dir, lockArgs("execution/fill_predictor.py", "exec-1"))).code).toBe(0);
    expect((await pucs(repo.dir, ["queue", "execution/fill_predictor.py", "--agent", "exec-2"])).code).toBe(0);
    expect((await pucs(repo.dir, ["unlock", "execution/fill_predictor.py", "--agent", "exec-1"])).code).toBe(0);
    expect((await pucs(repo.dir, lockArgs("execution/fill_predictor.py", "exec-2"))).code).toBe(0);

    const s = await pucs(repo.dir, ["status", "--json"]);
    expect(s.code).toBe(0);
    assertValid("status", s.json);
    expect(s.json).toMatchObject({ ok: true, command: "status", schema: "pucs.status/v1", generatedAt: "2026-11-23T20:00:00.000Z", session: { id: "PUCS-20261123-001" } });
    expect(s.json.locks.map((k: { path: string; agent: string }) => [k.path, k.agent])).toEqual([["execution/fill_predictor.py", "exec-2"]]);
    expect(s.json.streams.find((x: { id: string }) => x.id === "EXEC").state).toBe("active");
    expect(s.json.streams.find((x: { id: string }) => x.id === "API").state).toBe("idle");
    // The release is read from the ledger's history (its commit messages).
    expect(s.json.history).toEqual([{ at: expect.any(String), message: expect.stringMatching(/^unlock execution\/fill_predictor\.py by exec-1/), kind: "release" }]);

    const md = await pucs(repo.dir, ["status", "--format", "markdown"]);
    expect(md.code).toBe(0);
    expect(md.out.startsWith("<!-- pucs:dashboard -->\n## PUCS dashboard\n")).toBe(true);
    const { ok: _ok, command: _c, generatedAt: _g, ...doc } = s.json;
    expect(parseDashboardStatus(md.out)).toEqual(doc);
    // Exactly the renderer's body for that document (what the App puts in the issue).
    const config = await loadConfigFile(repo.dir);
    if (!config.ok) throw new Error("config");
    expect(md.out).toBe(renderDashboardDoc({ ...doc, generatedAt: "x" }, config.config));
  });

  it("--format markdown needs a valid config and says so; a bad --format is a usage error", async () => {
    repo.write("config/pucs_streams.yaml", "streams: 3\n");
    const r = await pucs(repo.dir, ["status", "--format", "markdown"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("config/pucs_streams.yaml:1:10: error: streams: expected a mapping of stream id to stream settings");
    const j = await pucs(repo.dir, ["status", "--json"]);
    expect(j.code).toBe(0); // status itself works without a config
    assertValid("status", j.json);
    const bad = await pucs(repo.dir, ["status", "--format", "html"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('pucs status: --format must be text or markdown, not "html"');
  });
});

describe("pucs board", () => {
  it("prints the board once, plainly, when stdout is not a terminal", async () => {
    await pucs(repo.dir, lockArgs("execution/fill_predictor.py", "exec-1"));
    const r = await pucs(repo.dir, ["board"], { now: T0 + 60_000 });
    expect(r.code).toBe(0);
    expect(r.out).not.toContain("\x1b");
    expect(r.out).toContain("PUCS board — ");
    expect(r.out).toContain("  Phase 2: ● EXEC active");
    expect(r.out).toContain('  execution/fill_predictor.py  exec-1 [EXEC] "ML model"  29m left');
    expect(r.out).toContain("QUEUES\n  (none)");
  });
});

// ---------------------------------------------------------------------------------------------
// Under tmux: a real terminal
// ---------------------------------------------------------------------------------------------

function ensureTmux(): void {
  if (spawnSync("tmux", ["-V"]).status === 0) return;
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  execFileSync("apt-get", ["update", "-qq"], { env, stdio: "ignore", timeout: 300_000 });
  execFileSync("apt-get", ["install", "-y", "-qq", "tmux"], { env, stdio: "ignore", timeout: 300_000 });
  if (spawnSync("tmux", ["-V"]).status !== 0) throw new Error("tmux could not be installed with apt-get: the board test needs a terminal");
}

describe("pucs board in a terminal (tmux)", () => {
  let work: string;
  let cli: string;
  const socket = `pucs-board-${process.pid}`;
  const tmux = (...args: string[]) => execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8" });
  const pane = () => tmux("capture-pane", "-p", "-t", "board");

  beforeAll(async () => {
    ensureTmux();
    work = mkdtempSync(join(tmpdir(), "pucs-board-"));
    // The CLI as it is in src/ (the committed dist/ is rebuilt at release time).
    cli = join(work, "pucs.mjs");
    await build({ entryPoints: [join(ROOT, "src/cli/main.ts")], bundle: true, platform: "node", format: "esm", target: "node20", outfile: cli, logLevel: "silent", banner: { js: "import { createRequire as __pucsCreateRequire } from 'node:module'; const require = __pucsCreateRequire(import.meta.url);" } });
  }, 600_000);
  afterAll(() => {
    spawnSync("tmux", ["-L", socket, "kill-server"]);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** Waits for the pane to show `text` (the board redraws on its own; a hang fails the test by its timeout). */
  async function until(text: string | RegExp): Promise<string> {
    for (;;) {
      const screen = pane();
      if (typeof text === "string" ? screen.includes(text) : text.test(screen)) return screen;
      // The board ended (a crash at start, say): fail with what it printed, not by the test's timeout.
      if (screen.includes("BOARD-EXIT=")) throw new Error(`pucs board exited before showing ${String(text)}:\n${screen}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it("draws full-screen, redraws when another shell takes a lock, and quits on q", async () => {
    const env = `GIT_CONFIG_NOSYSTEM=1 HOME=${tmpdir()} GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@t GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@t`;
    const script = join(work, "board.sh");
    writeFileSync(script, `cd ${JSON.stringify(repo.dir)} && env ${env} ${JSON.stringify(process.execPath)} ${JSON.stringify(cli)} board; echo "BOARD-EXIT=$?"; sleep 600\n`);
    tmux("new-session", "-d", "-s", "board", "-x", "120", "-y", "40", `sh ${script}`);
    const first = await until("q quit");
    expect(first).toContain("PUCS board — ");
    expect(first).toContain("LOCKS\n  (none)");
    expect(first).toContain("Phase 2: · EXEC idle");

    // Another shell (here: another process in the repository) takes a lock: the board redraws.
    const lock = spawnSync(process.execPath, [cli, ...lockArgs("execution/fill_predictor.py", "exec-9")], { cwd: repo.dir, env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", HOME: tmpdir(), GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@t", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@t" }, encoding: "utf8" });
    expect(lock.status, lock.stderr).toBe(0);
    const after = await until("execution/fill_predictor.py  exec-9");
    expect(after).toContain("Phase 2: ● EXEC active");
    expect(after).toMatch(/execution\/fill_predictor\.py {2}exec-9 \[EXEC\] "ML model" {2}(29m|30m)/);

    // A worktree's lock shows too: every worktree shares the ledger.
    const wt = join(work, "wt");
    execFileSync("git", ["worktree", "add", "-q", "-b", "feature/stream-OBS", wt], { cwd: repo.dir, env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", HOME: tmpdir() } });
    const lock2 = spawnSync(process.execPath, [cli, "lock", "observability/metrics.py", "--agent", "obs-1", "--stream", "OBS", "--task", "metrics"], { cwd: wt, env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", HOME: tmpdir(), GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@t", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@t" }, encoding: "utf8" });
    expect(lock2.status, lock2.stderr).toBe(0);
    await until("observability/metrics.py  obs-1");

    tmux("send-keys", "-t", "board", "q");
    const end = await until("BOARD-EXIT=");
    expect(end).toContain("BOARD-EXIT=0");
    expect(end).not.toContain("q quit"); // the alternate screen is gone
  }, 120_000);
});
