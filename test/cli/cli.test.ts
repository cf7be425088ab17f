import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { lines, makeRepo, pucs, sh, type TestRepo } from "./helpers.js";

const T0 = Date.parse("2026-11-23T20:00:00Z");
const MIN = 60_000;

let repo: TestRepo;
beforeEach(() => {
  repo = makeRepo();
});
afterEach(() => repo.cleanup());

const lockArgs = (path: string, agent: string, extra: string[] = []) => ["lock", path, "--agent", agent, "--stream", "EXEC", "--task", "ML model", ...extra];

describe("pucs init / status", () => {
  it("starts a session in the shared ledger and shows it", async () => {
    const r = await pucs(repo.dir, ["init", "--session", "PUCS-20251207-001"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("PUCS session initialized: PUCS-20251207-001");
    const s = await pucs(repo.dir, ["status", "--json"]);
    expect(s.code).toBe(0);
    expect(s.json).toMatchObject({ ok: true, command: "status", session: { id: "PUCS-20251207-001", startedAt: "2026-11-23T20:00:00.000Z" }, locks: [], intents: [], queues: [] });
  });

  it("offers and writes a starter config when there is none", async () => {
    sh(repo.dir, "rm", "-q", "config/pucs_streams.yaml");
    const r = await pucs(repo.dir, ["init"]);
    expect(r.out).toContain("No stream config found (config/pucs_streams.yaml or .github/pucs.yml). Run `pucs init --write-config`");
    const w = await pucs(repo.dir, ["init", "--write-config"]);
    expect(w.code).toBe(0);
    const text = readFileSync(join(repo.dir, "config", "pucs_streams.yaml"), "utf8");
    expect(text).toContain("  API:\n    name: \"api\"\n    files_pattern: \"api/**\"");
    const c = await pucs(repo.dir, ["config", "--json"]);
    expect(c.code).toBe(0);
    expect(c.json.streams.map((s: { id: string }) => s.id)).toEqual(["API", "EXECUTION", "OBSERVABILITY"]);
  });
});

describe("pucs lock / unlock", () => {
  it("acquires, refuses another agent with holder, stream, task, expiry and the QUEUE suggestion, and releases", async () => {
    const a = await pucs(repo.dir, lockArgs("execution/fill_predictor.py", "exec-agent-1"));
    expect(a.code).toBe(0);
    expect(a.out).toBe("Lock acquired: execution/fill_predictor.py by exec-agent-1 (EXEC) until 2026-11-23T20:30:00.000Z\n");

    const b = await pucs(repo.dir, lockArgs("execution/fill_predictor.py", "exec-agent-2"), { now: T0 + 5 * MIN });
    expect(b.code).toBe(1);
    expect(b.err).toBe(
      [
        "ERROR: execution/fill_predictor.py is already locked by exec-agent-1",
        "  Stream: EXEC",
        "  Task: ML model",
        "  Expires: 2026-11-23T20:30:00.000Z (in 25m)",
        "Suggestion (QUEUE): wait for exec-agent-1 to release it or for the lock to expire; `pucs queue execution/fill_predictor.py --agent exec-agent-2` puts you next in line.",
        "",
      ].join("\n"),
    );

    const wrong = await pucs(repo.dir, ["unlock", "execution/fill_predictor.py", "--agent", "exec-agent-2"]);
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain("is held by exec-agent-1, not exec-agent-2");
    const ok = await pucs(repo.dir, ["unlock", "execution/fill_predictor.py", "--agent", "exec-agent-1"]);
    expect(ok.code).toBe(0);
    expect(ok.out).toBe("Lock released: execution/fill_predictor.py\n");
    const again = await pucs(repo.dir, ["unlock", "execution/fill_predictor.py", "--agent", "exec-agent-1"]);
    expect(again.code).toBe(1);
    expect(again.err).toBe("Failed to release lock: execution/fill_predictor.py is not locked.\n");
  });

  it("lets the next agent in after the TTL (injected clock) and cleanup removes expired locks", async () => {
    await pucs(repo.dir, lockArgs("execution/fill_predictor.py", "exec-agent-1", ["--duration", "45"]));
    expect((await pucs(repo.dir, lockArgs("execution/fill_predictor.py", "b"), { now: T0 + 44 * MIN })).code).toBe(1);
    await pucs(repo.dir, lockArgs("execution/other.py", "c", ["--duration", "90s"]));
    const clean = await pucs(repo.dir, ["cleanup"], { now: T0 + 45 * MIN });
    expect(clean.code).toBe(0);
    expect(clean.out).toBe("Cleaned up 2 expired lock(s)\n");
    expect((await pucs(repo.dir, lockArgs("execution/fill_predictor.py", "b"), { now: T0 + 45 * MIN })).code).toBe(0);
  });

  it("names the next agent in the queue when a lock is released", async () => {
    await pucs(repo.dir, lockArgs("execution/fill_predictor.py", "a"));
    const q = await pucs(repo.dir, ["queue", "execution/fill_predictor.py", "--agent", "b"]);
    expect(q.out).toBe("Queued for execution/fill_predictor.py: position 1\n");
    const r = await pucs(repo.dir, ["unlock", "execution/fill_predictor.py", "--agent", "a", "--json"]);
    expect(r.json).toMatchObject({ ok: true, result: "released", next: { agent: "b" } });
  });

  it("refuses bad input with exit 2 and a message saying what and how", async () => {
    const unknown = await pucs(repo.dir, ["lock", "x.py", "--agent", "a", "--stream", "NOPE", "--task", "t"]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toBe(
      'pucs lock: unknown stream "NOPE"; configured streams: EXEC, LLM, SCAN, RISK, BACK, OBS, API\nusage: pucs lock <path|glob> --agent A --stream S --task T [--duration D]\n',
    );
    const dur = await pucs(repo.dir, lockArgs("x.py", "a", ["--duration", "soon"]));
    expect(dur.code).toBe(2);
    expect(dur.err).toContain('pucs lock: --duration: invalid duration "soon"');
    const tooLong = await pucs(repo.dir, lockArgs("x.py", "a", ["--duration", "9h"]));
    expect(tooLong.err).toContain("longer than the configured locks.max_ttl (8h)");
    const noAgent = await pucs(repo.dir, ["lock", "x.py", "--stream", "EXEC", "--task", "t"]);
    expect(noAgent.err).toContain("pucs lock: --agent is required (or set PUCS_AGENT)");
    const badOpt = await pucs(repo.dir, ["lock", "x.py", "--agnet", "a"]);
    expect(badOpt.code).toBe(2);
    expect(badOpt.err).toContain("pucs lock: Unknown option '--agnet'");
    const outside = await pucs(repo.dir, lockArgs("../elsewhere.py", "a"));
    expect(outside.err).toContain("is outside the repository");
    const cmd = await pucs(repo.dir, ["lokc"]);
    expect(cmd.code).toBe(2);
    expect(cmd.err).toBe('pucs: unknown command "lokc" (did you mean lock?). Run \'pucs help\' for the list.\n');
    const json = await pucs(repo.dir, ["lock", "x.py", "--json"]);
    expect(json.json).toMatchObject({ ok: false, command: "lock", exitCode: 2 });
  });

  it("locks a directory as everything under it", async () => {
    const r = await pucs(repo.dir, ["lock", "execution", "--agent", "a", "--stream", "EXEC", "--task", "t", "--json"]);
    expect(r.json.lock.path).toBe("execution/**");
    expect((await pucs(repo.dir, lockArgs("execution/fill_predictor.py", "b"))).code).toBe(1);
  });
});

describe("pucs intent", () => {
  it("records an intent when nothing conflicts", async () => {
    const r = await pucs(repo.dir, ["intent", "--agent", "obs-1", "--stream", "OBS", "--files", "observability/metrics.py", "--description", "new metric", "--duration", "45"]);
    expect(r.code).toBe(0);
    expect(r.out).toBe("Intent signaled successfully for 1 file(s) (OBS, until 2026-11-23T20:45:00.000Z)\n");
    const s = await pucs(repo.dir, ["status", "--json"]);
    expect(s.json.intents).toEqual([
      expect.objectContaining({ agent: "obs-1", stream: "OBS", files: ["observability/metrics.py"], description: "new metric", durationMinutes: 45 }),
    ]);
  });

  it("lists each conflict (type, file, holder, stream, details) with suggestions and records nothing", async () => {
    await pucs(repo.dir, lockArgs("execution/fill_predictor.py", "exec-agent-1"));
    await pucs(repo.dir, ["intent", "--agent", "exec-agent-3", "--stream", "EXEC", "--files", "execution/fill_ml_model.py", "--description", "model"]);
    const r = await pucs(repo.dir, [
      "intent",
      "--agent",
      "exec-agent-2",
      "--stream",
      "EXEC",
      "--files",
      "execution/fill_predictor.py,execution/fill_ml_model.py",
      "--description",
      "Adding ML model",
    ]);
    expect(r.code).toBe(1);
    expect(r.out).toContain("CONFLICTS DETECTED:\n  - LOCKED: execution/fill_predictor.py\n    Holder: exec-agent-1 (EXEC)\n    Details: Locked by exec-agent-1 for EXEC until 2026-11-23T20:30:00.000Z: ML model.\n");
    expect(r.out).toContain("  - INTENT_OVERLAP: execution/fill_ml_model.py\n    Holder: exec-agent-3 (EXEC)\n    Details: exec-agent-3 (EXEC) intends to work on execution/fill_ml_model.py: model.\n");
    expect(r.out).toContain("Suggestions:\n  - Wait until exec-agent-1 releases execution/fill_predictor.py");
    const s = await pucs(repo.dir, ["status", "--json"]);
    expect(s.json.intents.map((i: { agent: string }) => i.agent)).toEqual(["exec-agent-3"]);
  });

  it("refuses a pathological glob before touching the ledger", async () => {
    const r = await pucs(repo.dir, ["intent", "--agent", "a", "--stream", "OBS", "--files", "{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}{o,p}{q,r}/x", "--description", "d"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^pucs intent: ".*": /);
    expect(sh(repo.dir, "for-each-ref", "refs/pucs/")).toBe("");
  });
});

describe("pucs check", () => {
  it("reports the branch's changes against the ledger, as the App would", async () => {
    sh(repo.dir, "checkout", "-q", "-b", "feature/stream-EXEC");
    repo.write("execution/fill_predictor.py", lines("def predict():", 30).replace("x3 = 3", "x3 = 33"));
    const clear = await pucs(repo.dir, ["check", "--base", "main", "--agent", "exec-agent-2"]);
    expect(clear.code).toBe(0);
    expect(clear.out).toContain("Change: branch:feature/stream-EXEC   Stream: EXEC (from branch)   Files: 1");
    expect(clear.out).toContain("No conflicts");

    await pucs(repo.dir, lockArgs("execution/fill_predictor.py", "exec-agent-1"));
    const blocked = await pucs(repo.dir, ["check", "--base", "main", "--agent", "exec-agent-2", "--json"]);
    expect(blocked.code).toBe(1);
    expect(blocked.json.report).toMatchObject({ schema: "pucs.report/v1", change: "branch:feature/stream-EXEC", verdict: "blocked", counts: { LOCKED: 1 } });
    const md = await pucs(repo.dir, ["check", "--base", "main", "--agent", "exec-agent-2", "--format", "markdown"]);
    expect(md.out.startsWith("<!-- pucs:report -->\n### PUCS: Blocked: 1 locked")).toBe(true);
  });

  it("records the branch's footprint so other worktrees see line-level overlaps", async () => {
    sh(repo.dir, "checkout", "-q", "-b", "feature/stream-OBS");
    repo.write("observability/metrics.py", lines("def collect():", 30).replace("x3 = 3", "x3 = 4"));
    expect((await pucs(repo.dir, ["check", "--base", "main", "--agent", "obs-1", "--record"])).code).toBe(0);
    const recorded = (await pucs(repo.dir, ["status", "--json"])).json.changes;
    expect(recorded).toMatchObject([{ change: "branch:feature/stream-OBS", agent: "obs-1", stream: "OBS", files: 1, draft: false, headSha: sh(repo.dir, "rev-parse", "HEAD").trim() }]);
    sh(repo.dir, "stash", "-q");
    sh(repo.dir, "checkout", "-q", "-b", "feature/stream-OBS-2", "main");
    repo.write("observability/metrics.py", lines("def collect():", 30).replace("x4 = 4", "x4 = 5"));
    const overlap = await pucs(repo.dir, ["check", "--base", "main", "--agent", "obs-2", "--json"]);
    expect(overlap.json.report.conflicts).toEqual([
      expect.objectContaining({ type: "INTENT_OVERLAP", strategy: "PARTITION", file: "observability/metrics.py", holderChange: "branch:feature/stream-OBS" }),
    ]);
    repo.write("observability/metrics.py", lines("def collect():", 30).replace("x20 = 20", "x20 = 21"));
    const disjoint = await pucs(repo.dir, ["check", "--base", "main", "--agent", "obs-2", "--json"]);
    expect(disjoint.code).toBe(0);
    expect(disjoint.json.report.conflicts.map((c: { strategy: string }) => c.strategy)).toEqual(["MERGE"]);
  });
});

describe("pucs log / worktree / ledger errors", () => {
  it("keeps one commit per transition as the audit trail", async () => {
    await pucs(repo.dir, ["init", "--session", "PUCS-20261123-001"]);
    await pucs(repo.dir, lockArgs("execution/fill_predictor.py", "exec-agent-1"));
    await pucs(repo.dir, ["unlock", "execution/fill_predictor.py", "--agent", "exec-agent-1"]);
    const r = await pucs(repo.dir, ["log", "--json"]);
    expect(r.json.entries.map((e: { message: string }) => e.message.split(" ")[0])).toEqual(["unlock", "lock", "start"]);
    expect(sh(repo.dir, "rev-list", "--count", "refs/pucs/ledger").trim()).toBe("3");
  });

  it("creates a stream worktree on feature/stream-<ID> and every worktree sees the same ledger", async () => {
    const r = await pucs(repo.dir, ["worktree", "add", "OBS"]);
    expect(r.code).toBe(0);
    const wt = join(repo.base, "bot-stream-obs");
    expect(r.out).toBe(`Worktree for OBS: ${wt} on feature/stream-OBS\nCommit with the prefix [PUCS-OBS] <type>: <description>\n`);
    expect(sh(wt, "branch", "--show-current").trim()).toBe("feature/stream-OBS");
    await pucs(wt, ["lock", "observability/metrics.py", "--agent", "obs-1", "--stream", "OBS", "--task", "t"]);
    const s = await pucs(repo.dir, ["status", "--json"]);
    expect(s.json.locks.map((l: { path: string; agent: string }) => [l.path, l.agent])).toEqual([["observability/metrics.py", "obs-1"]]);
    expect((await pucs(repo.dir, ["worktree", "add", "NOPE"])).code).toBe(2);
    expect((await pucs(repo.dir, ["worktree", "add", "OBS"])).code).toBe(1);
  });

  it("reports a corrupt ledger clearly and never overwrites it", async () => {
    await pucs(repo.dir, ["init"]);
    const bad = execGit(repo.dir, ["hash-object", "-w", "--stdin"], "{ not json");
    const tree = execGit(repo.dir, ["mktree"], `100644 blob ${bad}\tledger.json\n`);
    const commit = execGit(repo.dir, ["commit-tree", tree, "-m", "corrupt"]);
    sh(repo.dir, "update-ref", "refs/pucs/ledger", commit);
    const r = await pucs(repo.dir, lockArgs("execution/fill_predictor.py", "a"));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^ledger error \(corrupt\): .*not valid JSON/);
    expect(sh(repo.dir, "rev-parse", "refs/pucs/ledger").trim()).toBe(commit);
    expect(existsSync(join(repo.dir, ".git"))).toBe(true);
  });
});

function execGit(cwd: string, args: string[], input?: string): string {
  return execFileSync("git", args, { cwd, input, encoding: "utf8", env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@t", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@t" } }).trim();
}

describe("pucs --config", () => {
  it("resolves a relative --config against the directory pucs runs in and reports its problems with positions", async () => {
    repo.write("sub/bad.yaml", "streams:\n  OBS:\n    name: Obs\n    files_pattern: observability/**\n    max_agent: 2\n");
    const r = await pucs(join(repo.dir, "sub"), ["config", "--config", "bad.yaml"]);
    expect(r.code).toBe(2);
    expect(r.err).toBe('sub/bad.yaml:5:5: error: streams.OBS: unknown key "max_agent"; did you mean "max_agents"?\n');
  });
});
