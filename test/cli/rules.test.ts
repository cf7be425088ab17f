/** The CLI renders the ledger's rules (issue 10): queue order, intents, init, and a working tree with new files. */
import { afterEach, describe, expect, it } from "vitest";
import { makeRepo, pucs, sh } from "./helpers.js";

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});
function repo() {
  const r = makeRepo();
  cleanups.push(r.cleanup);
  return r;
}
const T = Date.parse("2026-11-23T20:00:00Z");
const MIN = 60_000;

describe("pucs lock keeps the queue's order", () => {
  it("after A unlocks (B is named next), C is refused and told its place; B takes it", async () => {
    const r = repo();
    const lock = (agent: string, now: number) => pucs(r.dir, ["lock", "execution/fill_predictor.py", "--agent", agent, "--stream", "EXEC", "--task", "t", "--json"], { now });
    expect((await lock("A", T)).code).toBe(0);
    expect((await pucs(r.dir, ["queue", "execution/fill_predictor.py", "--agent", "B"], { now: T + MIN })).code).toBe(0);
    expect((await pucs(r.dir, ["queue", "execution/fill_predictor.py", "--agent", "C"], { now: T + 2 * MIN })).code).toBe(0);
    const un = await pucs(r.dir, ["unlock", "execution/fill_predictor.py", "--agent", "A"], { now: T + 3 * MIN });
    expect(un.out).toContain("Next in line for execution/fill_predictor.py: B");
    const c = await lock("C", T + 4 * MIN);
    expect(c.code).toBe(1);
    expect(c.json).toMatchObject({ ok: false, result: "queued", position: 2, head: { agent: "B" } });
    expect((await lock("B", T + 5 * MIN)).json).toMatchObject({ ok: true, result: "acquired" });
  });

  it("a longer lock than locks.max_ttl is refused by the ledger with the configured maximum named", async () => {
    const r = repo();
    const x = await pucs(r.dir, ["lock", "execution/fill_predictor.py", "--agent", "A", "--stream", "EXEC", "--task", "t", "--duration", "9h"], { now: T });
    expect(x.code).toBe(2);
    expect(x.err).toContain("pucs lock: a lock of 9h is longer than the configured locks.max_ttl (8h): ask for less and extend it later");
  });
});

describe("pucs intent", () => {
  it("refuses a conflicting intent (nothing recorded), records it with --force", async () => {
    const r = repo();
    const intent = (agent: string, extra: string[] = []) =>
      pucs(r.dir, ["intent", "--agent", agent, "--stream", "EXEC", "--files", "execution/fill_predictor.py", "--description", "d", "--json", ...extra], { now: T });
    expect((await intent("A")).code).toBe(0);
    const b = await intent("B");
    expect(b.code).toBe(1);
    expect(b.json).toMatchObject({ ok: false, recorded: false, conflicts: [{ type: "INTENT_OVERLAP", holder: "A" }] });
    expect((await pucs(r.dir, ["status", "--json"], { now: T })).json.intents.map((i: { agent: string }) => i.agent)).toEqual(["A"]);
    expect((await intent("B", ["--force"])).json).toMatchObject({ ok: true, recorded: true, conflicts: [{ type: "INTENT_OVERLAP" }] });
  });
});

describe("pucs init", () => {
  it("an empty --session is a usage error that says what an id looks like, not a bug report", async () => {
    const r = repo();
    const x = await pucs(r.dir, ["init", "--session", ""]);
    expect(x.code).toBe(2);
    expect(x.err).toContain('--session "" is not a session id');
    expect(x.err).not.toContain("This is a bug");
  });
  it("run again, it resumes the session and prints the startedAt the ledger keeps", async () => {
    const r = repo();
    const first = await pucs(r.dir, ["init", "--session", "PUCS-20261123-001", "--json"], { now: T });
    const again = await pucs(r.dir, ["init", "--session", "PUCS-20261123-001", "--json"], { now: T + 60 * MIN });
    expect(first.json.session).toEqual({ id: "PUCS-20261123-001", startedAt: "2026-11-23T20:00:00.000Z" });
    expect(again.json).toMatchObject({ resumed: true, session: { startedAt: "2026-11-23T20:00:00.000Z" } });
  });
});

describe("pucs check sees the working tree, new files included", () => {
  it("an untracked new file under another agent's lock is LOCKED before git add", async () => {
    const r = repo();
    sh(r.dir, "checkout", "-q", "-b", "feature/stream-API");
    expect((await pucs(r.dir, ["lock", "api/new_handler.py", "--agent", "other", "--stream", "API", "--task", "t"], { now: T })).code).toBe(0);
    r.write("api/new_handler.py", "def handle():\n    return 1\n");
    const x = await pucs(r.dir, ["check", "--base", "main", "--agent", "me", "--json"], { now: T });
    expect(x.code).toBe(1);
    expect(x.json.files.map((f: { path: string }) => f.path)).toEqual(["api/new_handler.py"]);
    expect(x.json.report.conflicts).toMatchObject([{ type: "LOCKED", file: "api/new_handler.py", holder: "other" }]);
  });
});

describe("a local branch that is a PR's head", () => {
  it("is judged as that PR: it does not overlap with its own footprint, and --record leaves the App's footprint alone", async () => {
    const r = repo();
    sh(r.dir, "checkout", "-q", "-b", "topic");
    r.write("api/routes.py", "def route():\n    return 2\n");
    sh(r.dir, "commit", "-qam", "[PUCS-API] feat: x");
    const head = sh(r.dir, "rev-parse", "HEAD").trim();
    // The App recorded PR #12 at this head (a footprint with the same file), and another PR #13 on it too.
    const { GitRefStore } = await import("../../src/git/ledger-store.js");
    const { transact } = await import("../../src/ledger/transact.js");
    const { recordFootprint } = await import("../../src/ledger/transitions.js");
    const fp = (change: string, sha: string) => ({ change, agent: "someone", stream: "API", headSha: sha, draft: false, files: [{ path: "api/routes.py", changes: null }], recordedAt: "2026-11-23T20:00:00.000Z" });
    await transact(new GitRefStore({ cwd: r.dir }), (l) => {
      const a = recordFootprint(l, fp("#12", head));
      const b = recordFootprint(a.ledger, fp("#13", "b".repeat(40)));
      return { ledger: b.ledger, outcome: null, message: "seed" };
    });
    const x = await pucs(r.dir, ["check", "--base", "main", "--json"], { now: T });
    expect(x.json.report.change).toBe("#12");
    expect(x.json.report.conflicts.map((c: { holderChange?: string }) => c.holderChange)).toEqual(["#13"]);
    const rec = await pucs(r.dir, ["check", "--base", "main", "--record"], { now: T });
    expect(rec.err).toContain("HEAD is #12's head");
  });
});
