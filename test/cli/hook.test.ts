/**
 * `pucs hook install|uninstall` and the commit guard it installs, in real git repositories: real
 * `git commit` runs the installed pre-commit hook, which runs the hook bundle (built here from
 * src/cli/hook-main.ts with the build's esbuild options).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { HOOK_MARKER } from "../../src/cli/hook.js";
import { makeRepo, pucs, ROOT, sh, type TestRepo } from "./helpers.js";

const T0 = Date.parse("2026-11-23T20:00:00Z");
let bundleDir: string;
let BUNDLE: string;

beforeAll(async () => {
  bundleDir = mkdtempSync(join(tmpdir(), "pucs-hook-bundle-"));
  BUNDLE = join(bundleDir, "hook.js");
  await build({
    absWorkingDir: ROOT,
    entryPoints: ["src/cli/hook-main.ts"],
    outfile: BUNDLE,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    banner: { js: "import { createRequire as __pucsCreateRequire } from 'node:module'; const require = __pucsCreateRequire(import.meta.url);" },
    logLevel: "error",
  });
});
afterAll(() => rmSync(bundleDir, { recursive: true, force: true }));

const repos: TestRepo[] = [];
afterEach(() => {
  while (repos.length) repos.pop()!.cleanup();
});

function repo(): TestRepo {
  const r = makeRepo();
  repos.push(r);
  return r;
}

const GIT_ENV = {
  GIT_AUTHOR_NAME: "Test",
  GIT_AUTHOR_EMAIL: "test@example.com",
  GIT_COMMITTER_NAME: "Test",
  GIT_COMMITTER_EMAIL: "test@example.com",
  GIT_CONFIG_NOSYSTEM: "1",
  HOME: tmpdir(),
};

/** `git commit` as an agent would run it, at time `now` (the hook reads PUCS_NOW). */
function commit(cwd: string, args: string[], env: Record<string, string> = {}, now = T0 + 60_000) {
  const base: Record<string, string | undefined> = { ...process.env, ...GIT_ENV, PUCS_NOW: new Date(now).toISOString() };
  delete base.PUCS_AGENT;
  delete base.PUCS_REMOTE;
  const r = spawnSync("git", ["commit", "-q", ...args], { cwd, env: { ...base, ...env }, encoding: "utf8" });
  return { code: r.status, err: r.stderr, out: r.stdout };
}

const head = (cwd: string) => sh(cwd, "rev-parse", "HEAD").trim();

async function install(cwd: string) {
  const r = await pucs(cwd, ["hook", "install", "--json"], { env: { PUCS_HOOK_BUNDLE: BUNDLE } });
  expect(r.code).toBe(0);
  return r.json;
}

async function lock(cwd: string, path: string, agent: string, extra: string[] = []) {
  const r = await pucs(cwd, ["lock", path, "--agent", agent, "--stream", "EXEC", "--task", "ML model", "--duration", "1h", ...extra], { now: T0 });
  expect(r.code, r.err).toBe(0);
}

/** Stage an edit of `path`. */
function edit(r: TestRepo, path: string, text = "# edited\n") {
  r.write(path, readFileSync(join(r.dir, path), "utf8") + text);
  sh(r.dir, "add", path);
}

const REFUSED_FILL = [
  "PUCS: commit refused: 1 staged file(s) are under another agent's live lock (you are agent-b, on main):",
  "  execution/fill_predictor.py: locked by agent-a for EXEC until 2026-11-23T21:00:00.000Z, task: ML model",
  "To wait in line (you are named when the lock is released):",
  "  pucs queue execution/fill_predictor.py --agent agent-b",
  "or unstage those files (git restore --staged <file>). To commit anyway: git commit --no-verify",
  "",
].join("\n");

describe("pucs hook install", () => {
  it("installs an executable pre-commit hook in the common git dir and refuses a commit on another agent's lock with the exact message", async () => {
    const r = repo();
    const j = await install(r.dir);
    const hook = join(r.dir, ".git", "hooks", "pre-commit");
    expect(j).toEqual({ ok: true, command: "hook", action: "install", hook, chained: null, updated: false });
    expect(readFileSync(hook, "utf8")).toContain(HOOK_MARKER);
    expect(statSync(hook).mode & 0o111).not.toBe(0);

    await lock(r.dir, "execution/fill_predictor.py", "agent-a");
    const before = head(r.dir);
    edit(r, "execution/fill_predictor.py");
    const c = commit(r.dir, ["-m", "touch locked"], { PUCS_AGENT: "agent-b" });
    expect(c.code).toBe(1);
    expect(c.err).toBe(REFUSED_FILL);
    expect(head(r.dir)).toBe(before);

    // --no-verify stays git's escape hatch.
    const forced = commit(r.dir, ["--no-verify", "-m", "anyway"], { PUCS_AGENT: "agent-b" });
    expect(forced.code).toBe(0);
    expect(head(r.dir)).not.toBe(before);
  });

  it("lets through the lock's own agent (PUCS_AGENT or git config pucs.agent), unlocked files and expired locks", async () => {
    const r = repo();
    await install(r.dir);
    await lock(r.dir, "execution/fill_predictor.py", "agent-a");

    edit(r, "execution/fill_predictor.py");
    expect(commit(r.dir, ["-m", "mine"], { PUCS_AGENT: "agent-a" })).toMatchObject({ code: 0, err: "" });

    sh(r.dir, "config", "pucs.agent", "agent-a");
    edit(r, "execution/fill_predictor.py", "# again\n");
    expect(commit(r.dir, ["-m", "mine by config"])).toMatchObject({ code: 0, err: "" });
    sh(r.dir, "config", "--unset", "pucs.agent");

    edit(r, "api/routes.py");
    expect(commit(r.dir, ["-m", "no lock here"], { PUCS_AGENT: "agent-b" })).toMatchObject({ code: 0, err: "" });

    edit(r, "execution/fill_predictor.py", "# later\n");
    const late = commit(r.dir, ["-m", "after expiry"], { PUCS_AGENT: "agent-b" }, T0 + 61 * 60_000);
    expect(late).toMatchObject({ code: 0, err: "" });
  });

  it("follows the engine's rule of whose claim is whose: the same agent's lock taken through another change is someone else's", async () => {
    const r = repo();
    await install(r.dir);
    await lock(r.dir, "execution/**", "agent-a", ["--change", "#12"]);
    edit(r, "execution/fill_predictor.py");
    const c = commit(r.dir, ["-m", "x"], { PUCS_AGENT: "agent-a" });
    expect(c.code).toBe(1);
    expect(c.err).toContain(
      "  execution/fill_predictor.py: locked by agent-a (#12) for EXEC until 2026-11-23T21:00:00.000Z, task: ML model (lock on execution/**)\n",
    );
    expect(c.err).toContain("  pucs queue execution/** --agent agent-a\n");
  });

  it("refuses in every worktree of the repository (one hook in the common git dir)", async () => {
    const r = repo();
    await install(r.dir);
    await lock(r.dir, "execution/fill_predictor.py", "agent-a");
    const wt = join(r.base, "wt");
    sh(r.dir, "worktree", "add", "-q", "-b", "feature/x", wt);
    writeFileSync(join(wt, "execution/fill_predictor.py"), "changed\n");
    sh(wt, "add", "execution/fill_predictor.py");
    const c = commit(wt, ["-m", "from the worktree"], { PUCS_AGENT: "agent-b" });
    expect(c.code).toBe(1);
    expect(c.err).toContain("(you are agent-b, on feature/x):");
    expect(c.err).toContain("execution/fill_predictor.py: locked by agent-a for EXEC");
    // `pucs hook install` run from the worktree finds the same hook.
    const again = await pucs(wt, ["hook", "install", "--json"], { env: { PUCS_HOOK_BUNDLE: BUNDLE } });
    expect(again.json).toMatchObject({ hook: join(r.dir, ".git", "hooks", "pre-commit"), updated: true, chained: null });
  });

  it("honours core.hooksPath", async () => {
    const r = repo();
    sh(r.dir, "config", "core.hooksPath", join(r.base, "shared-hooks"));
    const j = await install(r.dir);
    expect(j.hook).toBe(join(r.base, "shared-hooks", "pre-commit"));
    await lock(r.dir, "execution/fill_predictor.py", "agent-a");
    edit(r, "execution/fill_predictor.py");
    expect(commit(r.dir, ["-m", "x"], { PUCS_AGENT: "agent-b" }).err).toBe(REFUSED_FILL);
  });

  it("reads the last fetched copy of a remote ledger (pucs.ledger remote:NAME) and says so; asks no remote", async () => {
    const r = repo();
    await install(r.dir);
    await lock(r.dir, "execution/fill_predictor.py", "agent-a");
    sh(r.dir, "update-ref", "refs/pucs/remotes/origin/ledger", "refs/pucs/ledger");
    sh(r.dir, "update-ref", "-d", "refs/pucs/ledger");
    sh(r.dir, "config", "pucs.ledger", "remote:origin"); // there is no remote "origin" at all: any network call would fail
    edit(r, "execution/fill_predictor.py");
    const c = commit(r.dir, ["-m", "x"], { PUCS_AGENT: "agent-b" });
    expect(c.code).toBe(1);
    expect(c.err).toBe(REFUSED_FILL + "(Checked against origin's ledger as last fetched: refs/pucs/remotes/origin/ledger.)\n");
  });

  it("without a ledger, or with an unreadable one, lets the commit through (saying so when unreadable)", async () => {
    const r = repo();
    await install(r.dir);
    edit(r, "execution/fill_predictor.py");
    expect(commit(r.dir, ["-m", "no ledger"], { PUCS_AGENT: "agent-b" })).toMatchObject({ code: 0, err: "" });
    // A v1 ledger.json that does not parse.
    const tree = spawnSync("sh", ["-c", `printf '{not json' | git hash-object -w --stdin | xargs -I{} printf '100644 blob {}\\tledger.json\\n' | git mktree`], { cwd: r.dir, encoding: "utf8" }).stdout.trim();
    const c0 = sh(r.dir, "commit-tree", tree, "-m", "broken").trim();
    sh(r.dir, "update-ref", "refs/pucs/ledger", c0);
    edit(r, "execution/fill_predictor.py", "# 2\n");
    const c = commit(r.dir, ["-m", "broken ledger"], { PUCS_AGENT: "agent-b" });
    expect(c.code).toBe(0);
    expect(c.err).toMatch(/^PUCS commit guard: could not read the ledger refs\/pucs\/ledger \(.+\); this commit was not checked\.\n$/);
  });
});

describe("a v1 ledger (one ledger.json, before the tree layout)", () => {
  it("is read too: its live locks guard the commit", async () => {
    const r = repo();
    await install(r.dir);
    const v1 = JSON.stringify({
      kind: "pucs-ledger",
      schemaVersion: 1,
      session: null,
      locks: [{ lease: "l1", path: "execution/**", agent: "agent-a", stream: "EXEC", task: "old ledger", acquiredAt: "2026-11-23T20:00:00.000Z", expiresAt: "2026-11-23T21:00:00.000Z" }],
      intents: [],
      footprints: [],
      queues: [],
      overrides: [],
    }, null, 2);
    const tree = spawnSync("sh", ["-c", `git hash-object -w --stdin | xargs -I{} printf '100644 blob {}\\tledger.json\\n' | git mktree`], { cwd: r.dir, input: v1, encoding: "utf8" }).stdout.trim();
    sh(r.dir, "update-ref", "refs/pucs/ledger", sh(r.dir, "commit-tree", tree, "-m", "v1").trim());
    edit(r, "execution/fill_predictor.py");
    const c = commit(r.dir, ["-m", "x"], { PUCS_AGENT: "agent-b" });
    expect(c.code).toBe(1);
    expect(c.err).toContain("  execution/fill_predictor.py: locked by agent-a for EXEC until 2026-11-23T21:00:00.000Z, task: old ledger (lock on execution/**)\n");
    expect(commit(r.dir, ["-m", "mine"], { PUCS_AGENT: "agent-a" })).toMatchObject({ code: 0, err: "" });
  });
});

describe("an existing pre-commit hook", () => {
  it("is chained (runs first, its refusal stands) and survives uninstall byte for byte", async () => {
    const r = repo();
    const hook = join(r.dir, ".git", "hooks", "pre-commit");
    const mark = join(r.base, "ran");
    const original = `#!/bin/sh\necho ran >> ${JSON.stringify(mark)}\n[ -f ${JSON.stringify(join(r.base, "veto"))} ] && exit 3\nexit 0\n`;
    writeFileSync(hook, original);
    chmodSync(hook, 0o755);

    const j = await install(r.dir);
    expect(j.chained).toBe(hook + ".pucs-chained");
    expect(readFileSync(hook + ".pucs-chained", "utf8")).toBe(original);

    await lock(r.dir, "execution/fill_predictor.py", "agent-a");
    edit(r, "execution/fill_predictor.py");
    expect(commit(r.dir, ["-m", "x"], { PUCS_AGENT: "agent-b" }).err).toBe(REFUSED_FILL);
    expect(readFileSync(mark, "utf8")).toBe("ran\n");

    writeFileSync(join(r.base, "veto"), "");
    edit(r, "api/routes.py");
    sh(r.dir, "restore", "--staged", "execution/fill_predictor.py");
    const vetoed = commit(r.dir, ["-m", "vetoed by the old hook"], { PUCS_AGENT: "agent-b" });
    expect(vetoed.code).toBe(1);
    expect(vetoed.err).toBe("");
    rmSync(join(r.base, "veto"));
    expect(commit(r.dir, ["-m", "ok"], { PUCS_AGENT: "agent-b" }).code).toBe(0);
    expect(readFileSync(mark, "utf8")).toBe("ran\nran\nran\n");

    // Installing twice keeps the chain.
    expect(await install(r.dir)).toMatchObject({ updated: true, chained: hook + ".pucs-chained" });

    const u = await pucs(r.dir, ["hook", "uninstall", "--json"]);
    expect(u.json).toEqual({ ok: true, command: "hook", action: "uninstall", hook, removed: true, restored: hook });
    expect(readFileSync(hook, "utf8")).toBe(original);
    expect(existsSync(hook + ".pucs-chained")).toBe(false);
    edit(r, "execution/fill_predictor.py", "# now\n");
    expect(commit(r.dir, ["-m", "guard gone"], { PUCS_AGENT: "agent-b" }).code).toBe(0);
    expect(readFileSync(mark, "utf8")).toBe("ran\nran\nran\nran\n");

    // Uninstalling again touches nothing that is not ours.
    const again = await pucs(r.dir, ["hook", "uninstall"]);
    expect(again.out).toBe(`No PUCS commit guard in ${hook}: nothing removed.\n`);
    expect(readFileSync(hook, "utf8")).toBe(original);
  });

  it("refuses to install over a foreign hook when a kept one is already there", async () => {
    const r = repo();
    const hook = join(r.dir, ".git", "hooks", "pre-commit");
    writeFileSync(hook, "#!/bin/sh\nexit 0\n");
    writeFileSync(hook + ".pucs-chained", "#!/bin/sh\nexit 0\n");
    const res = await pucs(r.dir, ["hook", "install"], { env: { PUCS_HOOK_BUNDLE: BUNDLE } });
    expect(res.code).toBe(1);
    expect(res.err).toBe(
      `${hook} is not PUCS's hook, and ${hook}.pucs-chained (a hook PUCS kept earlier) exists too: PUCS will not overwrite either. Move one of them away and run pucs hook install again.\n`,
    );
    expect(readFileSync(hook, "utf8")).toBe("#!/bin/sh\nexit 0\n");
  });

  it("names the package's dist/hook.js by default and rejects an unknown subcommand", async () => {
    const r = repo();
    const ok = await pucs(r.dir, ["hook", "install"]);
    expect(ok.code).toBe(0);
    expect(readFileSync(join(r.dir, ".git", "hooks", "pre-commit"), "utf8")).toContain(`PUCS_HOOK_JS='${join(ROOT, "dist", "hook.js")}'`);
    const bad = await pucs(r.dir, ["hook", "remove"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toBe('pucs hook: unknown subcommand "remove" (install or uninstall)\nusage: pucs hook install|uninstall\n');
  });
});
