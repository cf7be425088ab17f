/** Issue 11: `pucs register`, session ids on `pucs init`, claims' sessions and `pucs status --stream/--agent`, in a real repository. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertValid } from "../support/schemas.js";
import { makeRepo, pucs, type TestRepo } from "./helpers.js";

const T = Date.parse("2026-11-23T20:00:00Z");
const MIN = 60_000;
let r: TestRepo;
beforeAll(() => {
  r = makeRepo();
});
afterAll(() => r.cleanup());

describe("pucs register and sessions", () => {
  it("bad input: a malformed --session and an unknown stream are usage errors saying what and where; nothing is written", async () => {
    const bad = await pucs(r.dir, ["register", "--agent", "exec-1", "--stream", "EXEC", "--session", "sprint-12"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('pucs register: --session "sprint-12" is not a session id: expected PUCS-YYYYMMDD-NNN');
    expect(bad.err).toContain("--session new");
    expect(bad.err).not.toMatch(/bug|    at /);
    const init = await pucs(r.dir, ["init", "--session", "PUCS-20261299-001"]);
    expect(init.code).toBe(2);
    expect(init.err).toContain('pucs init: --session "PUCS-20261299-001" is not a session id: 2026-12-99 is not a date');
    const stream = await pucs(r.dir, ["register", "--agent", "exec-1", "--stream", "NOPE", "--json"]);
    expect(stream.code).toBe(2);
    expect(stream.json).toMatchObject({ ok: false, command: "register", exitCode: 2 });
    expect(stream.err).toContain('pucs register: unknown stream "NOPE"; configured streams: ');
    expect((await pucs(r.dir, ["status", "--json"])).json.agents).toEqual([]);
  });

  it("init without --session starts the next free session of the day; register joins it; claims carry it and refresh last seen", async () => {
    const a = await pucs(r.dir, ["init", "--json"], { now: T });
    const b = await pucs(r.dir, ["init", "--session", "new", "--json"], { now: T + MIN });
    expect([a.json.session.id, b.json.session.id]).toEqual(["PUCS-20261123-001", "PUCS-20261123-002"]);

    const reg = await pucs(r.dir, ["register", "--agent", "exec-1", "--stream", "exec"], { now: T + 2 * MIN });
    expect(reg.code, reg.err).toBe(0);
    expect(reg.out).toBe(
      `Registered: exec-1 in EXEC, session PUCS-20261123-002\n  Worktree: ${r.dir}\n  First seen: 2026-11-23T20:02:00.000Z  Last seen: 2026-11-23T20:02:00.000Z (its locks, intents and extensions keep it current)\n`,
    );
    const own = await pucs(r.dir, ["register", "--agent", "risk-1", "--stream", "RISK", "--session", "new", "--json"], { now: T + 2 * MIN });
    expect(own.json).toMatchObject({ ok: true, command: "register", result: "registered", newSession: true, agent: { agent: "risk-1", session: "PUCS-20261123-003" } });

    const lock = await pucs(r.dir, ["lock", "execution/fill_predictor.py", "--agent", "exec-1", "--stream", "EXEC", "--task", "ML model", "--json"], { now: T + 10 * MIN });
    expect(lock.json).toMatchObject({ ok: true, result: "acquired", lock: { agent: "exec-1", session: "PUCS-20261123-002" } });
    const intent = await pucs(r.dir, ["intent", "--agent", "risk-1", "--stream", "RISK", "--files", "models/risk_limits.py", "--description", "limits", "--json"], { now: T + 11 * MIN });
    expect(intent.code, intent.err).toBe(0);

    const all = await pucs(r.dir, ["status", "--json"], { now: T + 12 * MIN });
    assertValid("status", all.json);
    expect(all.json.agents).toEqual([
      { agent: "exec-1", stream: "EXEC", session: "PUCS-20261123-002", worktree: r.dir, firstSeen: "2026-11-23T20:02:00.000Z", lastSeen: "2026-11-23T20:10:00.000Z" },
      { agent: "risk-1", stream: "RISK", session: "PUCS-20261123-003", worktree: r.dir, firstSeen: "2026-11-23T20:02:00.000Z", lastSeen: "2026-11-23T20:11:00.000Z" },
    ]);
    expect(all.json.intents.map((i: { agent: string; session: string }) => `${i.agent} ${i.session}`)).toEqual(["risk-1 PUCS-20261123-003"]);
  });

  it("status --stream / --agent: that stream's or agent's part, in text and --json", async () => {
    const exec = await pucs(r.dir, ["status", "--stream", "EXEC", "--json"], { now: T + 12 * MIN });
    assertValid("status", exec.json);
    expect(exec.json.filter).toEqual({ stream: "EXEC" });
    expect(exec.json.locks.map((k: { path: string }) => k.path)).toEqual(["execution/fill_predictor.py"]);
    expect(exec.json.intents).toEqual([]);
    expect(exec.json.agents.map((a: { agent: string }) => a.agent)).toEqual(["exec-1"]);

    const text = await pucs(r.dir, ["status", "--agent", "risk-1"], { now: T + 12 * MIN });
    expect(text.code).toBe(0);
    expect(text.out).toContain("Showing: agent risk-1 only\n\n--- Agents ---\n  risk-1 (RISK)  Session: PUCS-20261123-003\n");
    expect(text.out).toContain("--- Active Locks ---\n  (none)\n");
    expect(text.out).toContain("--- Active Intents ---\n  risk-1 (RISK)\n    Files: models/risk_limits.py\n");
    expect(text.out).not.toContain("exec-1");

    const unknown = await pucs(r.dir, ["status", "--stream", "NOPE"]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('pucs status: unknown stream "NOPE"');
  });
});
