// `pucs handoff` and `pucs breaker` in a real git repository (issue 11, part B).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeRepo, pucs, type TestRepo } from "./helpers.js";

const T0 = Date.parse("2026-11-23T20:00:00Z");
const MIN = 60_000;

let repo: TestRepo;
beforeEach(() => {
  repo = makeRepo();
});
afterEach(() => repo.cleanup());

const lock = (path: string, agent: string, now = T0) => pucs(repo.dir, ["lock", path, "--agent", agent, "--stream", "EXEC", "--task", "fill model"], { now });

describe("pucs handoff", () => {
  it("moves the giver's locks, intents and queue places to the receiver and records the seed's handoff", async () => {
    await pucs(repo.dir, ["init", "--session", "PUCS-20261123-001"]);
    expect((await lock("execution/fill_predictor.py", "exec-agent-1")).code).toBe(0);
    expect((await pucs(repo.dir, ["intent", "--agent", "exec-agent-1", "--stream", "EXEC", "--files", "execution/other.py", "--description", "tests"])).code).toBe(0);
    const r = await pucs(
      repo.dir,
      ["handoff", "--to", "exec-agent-2", "--agent", "exec-agent-1", "--completed", "Fill predictor ML model added", "--completed", "Unit tests", "--pending", "Integration tests,Docs", "--warnings", "complexity", "--review", "execution/fill_predictor.py", "--commits", "abc1234", "--json"],
      { now: T0 + MIN },
    );
    expect(r.code).toBe(0);
    expect(r.json.handoff).toMatchObject({
      from_agent: "exec-agent-1",
      to_agent: "exec-agent-2",
      timestamp: "2026-11-23T20:01:00.000Z",
      session_id: "PUCS-20261123-001",
      context: { completed: ["Fill predictor ML model added", "Unit tests"], pending: ["Integration tests", "Docs"], warnings: ["complexity"], commits: ["abc1234"], branch: "main" },
      stream_context: { stream_id: "EXEC", locked_files: ["execution/fill_predictor.py"], related_files: ["execution/other.py"] },
      files_to_review: ["execution/fill_predictor.py"],
    });
    const s = await pucs(repo.dir, ["status", "--json"], { now: T0 + 2 * MIN });
    expect(s.json.locks.map((k: { path: string; agent: string }) => [k.path, k.agent])).toEqual([["execution/fill_predictor.py", "exec-agent-2"]]);
    expect(s.json.intents.map((i: { agent: string }) => i.agent)).toEqual(["exec-agent-2"]);
    // The giver can no longer take the lock back: it is the receiver's now.
    expect((await lock("execution/fill_predictor.py", "exec-agent-1", T0 + 2 * MIN)).code).toBe(1);
    // The receiver's status shows the pending handoff; show writes the seed's file; ack clears it.
    const st = await pucs(repo.dir, ["status"], { now: T0 + 2 * MIN, env: { PUCS_AGENT: "exec-agent-2" } });
    expect(st.out).toContain("--- Pending Handoffs to exec-agent-2 ---\n  from exec-agent-1 at 2026-11-23T20:01:00.000Z: 2 pending item(s), 1 lock(s)");
    const show = await pucs(repo.dir, ["handoff", "show", "--agent", "exec-agent-2", "--write-file", ".claude/state/handoff.json"], { now: T0 + 3 * MIN });
    expect(show.code).toBe(0);
    expect(show.out).toContain("Handoff exec-agent-1 → exec-agent-2 at 2026-11-23T20:01:00.000Z, session PUCS-20261123-001");
    const file = JSON.parse(readFileSync(join(repo.dir, ".claude/state/handoff.json"), "utf8"));
    expect(Object.keys(file)).toEqual(["from_agent", "to_agent", "timestamp", "session_id", "context", "stream_context", "files_to_review"]);
    expect(file.context.pending).toEqual(["Integration tests", "Docs"]);
    expect((await pucs(repo.dir, ["handoff", "ack", "--agent", "exec-agent-2"], { now: T0 + 4 * MIN })).out).toBe("Acknowledged 1 handoff(s) to exec-agent-2.\n");
    const after = await pucs(repo.dir, ["status"], { now: T0 + 5 * MIN, env: { PUCS_AGENT: "exec-agent-2" } });
    expect(after.out).not.toContain("Pending Handoffs");
    const log = await pucs(repo.dir, ["log"]);
    expect(log.out).toContain("handoff exec-agent-1 → exec-agent-2: 1 lock, 1 intent moved");
  });

  it("refuses a handoff to oneself with a usage error, and moves nothing", async () => {
    await lock("execution/fill_predictor.py", "a");
    const self = await pucs(repo.dir, ["handoff", "--to", "@a", "--agent", "a"]);
    expect(self.code).toBe(2);
    expect(self.err).toContain("pucs handoff: a cannot hand off to itself");
    const s = await pucs(repo.dir, ["status", "--json"]);
    expect(s.json.locks.map((k: { agent: string }) => k.agent)).toEqual(["a"]);
    const none = await pucs(repo.dir, ["handoff", "show", "--agent", "a", "--write-file", "h.json"]);
    expect(none.code).toBe(1);
    expect(none.err).toContain("No handoff to a in the ledger: h.json was not written.");
  });
});

describe("pucs breaker", () => {
  it("trips OPEN after the threshold, refuses locks and intents in the stream, half-opens, and resets", async () => {
    for (let i = 0; i < 4; i++) {
      const r = await pucs(repo.dir, ["breaker", "record-failure", "--stream", "EXEC", "--agent", "ci", "--error", `tests red ${i}`], { now: T0 + i * 1000 });
      expect(r.out).toBe(`Failure ${i + 1} of 5 recorded for EXEC (CLOSED).\n`);
    }
    const fifth = await pucs(repo.dir, ["breaker", "record-failure", "--stream", "exec", "--agent", "ci", "--error", "tests red 4", "--json"], { now: T0 + 5000 });
    expect(fifth.json).toMatchObject({ result: "tripped", stream: "EXEC", state: "OPEN" });
    const refused = await lock("execution/fill_predictor.py", "alice", T0 + MIN);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("ERROR: The EXEC circuit breaker is OPEN (5 failures; tripped by ci at 2026-11-23T20:00:05Z: tests red 4); it half-opens at 2026-11-23T20:05:05Z.");
    expect(refused.err).toContain("pucs breaker reset --stream EXEC");
    const intent = await pucs(repo.dir, ["intent", "--agent", "alice", "--stream", "EXEC", "--files", "execution/x.py", "--description", "d", "--force"], { now: T0 + MIN });
    expect(intent.code).toBe(1);
    expect(intent.err).toContain("circuit breaker is OPEN");
    const st = await pucs(repo.dir, ["breaker", "status", "--json"], { now: T0 + MIN });
    expect(st.json.breakers.find((b: { stream: string }) => b.stream === "EXEC")).toMatchObject({ state: "OPEN", failures: 5, threshold: 5 });
    // Past the 5-minute cooldown: HALF_OPEN admits one agent.
    const trial = await lock("execution/fill_predictor.py", "alice", T0 + 6 * MIN);
    expect(trial.err).toBe("");
    expect(trial.code).toBe(0);
    const bob = await pucs(repo.dir, ["lock", "api/routes.py", "--agent", "bob", "--stream", "API", "--task", "t"], { now: T0 + 6 * MIN });
    expect(bob.code).toBe(0); // another stream (API) is not affected
    const second = await pucs(repo.dir, ["lock", "execution/z.py", "--agent", "bob", "--stream", "EXEC", "--task", "t"], { now: T0 + 6 * MIN });
    expect(second.code).toBe(1);
    expect(second.err).toContain("HALF_OPEN (tripped by ci");
    expect(second.err).toContain("alice holds the one trial");
    const reset = await pucs(repo.dir, ["breaker", "reset", "--stream", "EXEC", "--reason", "flaky runner", "--agent", "maint"], { now: T0 + 7 * MIN });
    expect(reset.out).toBe("Breaker EXEC reset (was HALF_OPEN): CLOSED.\n");
    expect((await pucs(repo.dir, ["lock", "execution/z.py", "--agent", "bob", "--stream", "EXEC", "--task", "t"], { now: T0 + 7 * MIN })).code).toBe(0);
    const log = await pucs(repo.dir, ["log"]);
    expect(log.out).toContain("breaker EXEC reset (was HALF_OPEN) by maint: flaky runner");
  });

  it("names a bad stream or subcommand", async () => {
    const r = await pucs(repo.dir, ["breaker", "reset", "--stream", "NOPE"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('pucs breaker: unknown stream "NOPE"');
    const s = await pucs(repo.dir, ["breaker", "explode"]);
    expect(s.code).toBe(2);
    expect(s.err).toContain('unknown subcommand "explode"');
  });
});
