/** Issue 11: the agent registry and session ids, as ledger transitions (seed §6 steps 1-2, §4.1, §9.1). */
import { describe, expect, it } from "vitest";
import type { Ledger } from "../../src/engine/types.js";
import { nextSessionId, sessionIdProblem } from "../../src/engine/session.js";
import { filterStatus, statusDocument } from "../../src/engine/status.js";
import { renderDashboardDoc } from "../../src/engine/dashboard.js";
import { layoutDiff, layoutFiles, ledgerFromFiles } from "../../src/ledger/layout.js";
import { emptyLedger, parseLedger, serializeLedger } from "../../src/ledger/schema.js";
import { acquireLock, declareIntent, extendLocks, registerAgent, startNewSession, startSession } from "../../src/ledger/transitions.js";
import { seedConfig } from "../engine/fixtures.js";
import { assertValid } from "../support/schemas.js";

const T = Date.parse("2026-11-28T09:00:00Z");
const MIN = 60_000;
const at = (ms: number) => new Date(ms).toISOString();

const lockArgs = (agent: string, path: string, extra: { session?: string } = {}) => ({ path, agent, stream: "EXEC", task: "t", ttlMinutes: 30, lease: `lease-${agent}-${path}`, maxTtlMinutes: 480, queueGraceMinutes: 15, ...extra });

function registered(): Ledger {
  return registerAgent(emptyLedger(), { agent: "exec-1", stream: "EXEC", session: "PUCS-20261128-004", worktree: "/w/bot-stream-exec" }, T).ledger;
}

describe("session ids (seed §9.1)", () => {
  it("accepts PUCS-YYYYMMDD-NNN and says what is wrong with anything else", () => {
    expect(sessionIdProblem("PUCS-20251207-001")).toBeNull();
    expect(sessionIdProblem("s1")).toMatch(/^expected PUCS-YYYYMMDD-NNN/);
    expect(sessionIdProblem("PUCS-20261331-001")).toBe("2026-13-31 is not a date (PUCS-YYYYMMDD-NNN)");
    expect(sessionIdProblem("PUCS-20260230-001")).toBe("2026-02-30 is not a date (PUCS-YYYYMMDD-NNN)");
    expect(sessionIdProblem("PUCS-20261128-000")).toBe("the session's number starts at 001 (PUCS-YYYYMMDD-NNN)");
    expect(sessionIdProblem("PUCS-20261128-1")).not.toBeNull();
  });

  it("the next free id of the day counts every id of that day the ledger mentions, and only that day's", () => {
    expect(nextSessionId(emptyLedger(), T)).toBe("PUCS-20261128-001");
    const l = startSession(registered(), { id: "PUCS-20261127-009" }, T).ledger; // yesterday's 009 does not count
    expect(nextSessionId(l, T)).toBe("PUCS-20261128-005"); // the agent's 004
    const s = startNewSession(l, T);
    expect(s.outcome).toMatchObject({ kind: "started", session: { id: "PUCS-20261128-005" }, previous: { id: "PUCS-20261127-009" } });
    expect(startNewSession(s.ledger, T + MIN).outcome).toMatchObject({ session: { id: "PUCS-20261128-006" } });
  });
});

describe("registerAgent", () => {
  it("records stream, session, worktree, first and last seen; again, only last seen (and what changed) moves", () => {
    const r = registerAgent(emptyLedger(), { agent: "exec-1", stream: "EXEC", session: "PUCS-20261128-004", worktree: "/w/bot-stream-exec" }, T);
    expect(r.outcome).toMatchObject({ kind: "registered", previous: null, newSession: false });
    expect(r.ledger.agents).toEqual([{ agent: "exec-1", stream: "EXEC", session: "PUCS-20261128-004", worktree: "/w/bot-stream-exec", firstSeen: at(T), lastSeen: at(T) }]);
    expect(r.message).toBe("register agent exec-1 (EXEC, session PUCS-20261128-004) at /w/bot-stream-exec");
    const again = registerAgent(r.ledger, { agent: "exec-1", stream: "RISK", worktree: "/w/other" }, T + 5 * MIN);
    expect(again.outcome.kind).toBe("updated");
    expect(again.ledger.agents).toEqual([{ agent: "exec-1", stream: "RISK", session: "PUCS-20261128-004", worktree: "/w/other", firstSeen: at(T), lastSeen: at(T + 5 * MIN) }]);
  });

  it("without --session: the ledger's session; with none anywhere, or with 'new': the next free id of the day", () => {
    const withSession = startSession(emptyLedger(), { id: "PUCS-20261128-002" }, T).ledger;
    expect(registerAgent(withSession, { agent: "a", stream: "EXEC", worktree: null }, T).outcome).toMatchObject({ agent: { session: "PUCS-20261128-002" }, newSession: false });
    expect(registerAgent(emptyLedger(), { agent: "a", stream: "EXEC", worktree: null }, T).outcome).toMatchObject({ agent: { session: "PUCS-20261128-001" }, newSession: true });
    const a = registerAgent(withSession, { agent: "a", stream: "EXEC", worktree: null, session: "new" }, T);
    const b = registerAgent(a.ledger, { agent: "b", stream: "EXEC", worktree: null, session: "new" }, T);
    expect([a.outcome.agent.session, b.outcome.agent.session]).toEqual(["PUCS-20261128-003", "PUCS-20261128-004"]);
  });
});

describe("claims record their session and refresh their agent's last seen in the same write", () => {
  it("a lock: session from the registration, last seen = the claim's time; a refused lock changes nothing", () => {
    const r = acquireLock(registered(), lockArgs("exec-1", "execution/a.py"), T + 10 * MIN);
    expect(r.outcome).toMatchObject({ kind: "acquired", lock: { session: "PUCS-20261128-004" } });
    expect(r.ledger.locks.map((k) => k.session)).toEqual(["PUCS-20261128-004"]);
    expect(r.ledger.agents!.map((a) => [a.firstSeen, a.lastSeen])).toEqual([[at(T), at(T + 10 * MIN)]]);
    const other = registerAgent(r.ledger, { agent: "exec-2", stream: "EXEC", session: "PUCS-20261128-005", worktree: null }, T).ledger;
    const held = acquireLock(other, lockArgs("exec-2", "execution/a.py"), T + 20 * MIN);
    expect(held.outcome.kind).toBe("held");
    expect(held.ledger).toBe(other);
  });

  it("an unregistered agent's lock carries the ledger's session (none: no field) and adds no agent", () => {
    const s = startSession(emptyLedger(), { id: "PUCS-20261128-001" }, T).ledger;
    const r = acquireLock(s, lockArgs("x", "api/a.py"), T);
    expect(r.ledger.locks[0]!.session).toBe("PUCS-20261128-001");
    expect(r.ledger.agents).toBeUndefined();
    expect("session" in acquireLock(emptyLedger(), lockArgs("x", "api/a.py"), T).ledger.locks[0]!).toBe(false);
  });

  it("an intent and an extension refresh last seen too", () => {
    const i = declareIntent(registered(), { id: "i1", agent: "exec-1", stream: "EXEC", files: ["execution/b.py"], description: "d", durationMinutes: 30, force: false, config: seedConfig() }, T + MIN);
    expect(i.outcome).toMatchObject({ kind: "recorded", intent: { session: "PUCS-20261128-004" } });
    expect(i.ledger.agents![0]!.lastSeen).toBe(at(T + MIN));
    const locked = acquireLock(i.ledger, lockArgs("exec-1", "execution/b.py"), T + 2 * MIN).ledger;
    const e = extendLocks(locked, { agent: "exec-1", minutes: 30, maxTtlMinutes: 480 }, T + 3 * MIN);
    expect(e.ledger.agents![0]!.lastSeen).toBe(at(T + 3 * MIN));
  });
});

describe("the ledger keeps agents and sessions in both layouts, and reads ledgers without them", () => {
  it("v2: one blob per agent under agents/; a round trip gives the same ledger; the diff of a claim touches the lock and the agent only", () => {
    const l = acquireLock(registered(), lockArgs("exec-1", "execution/a.py"), T + MIN).ledger;
    const files = layoutFiles(l);
    const agentFiles = [...files.keys()].filter((p) => p.startsWith("agents/"));
    expect(agentFiles).toHaveLength(1);
    expect(agentFiles[0]).toMatch(/^agents\/[0-9a-f]\/[0-9a-f]{20}\.json$/);
    expect(JSON.parse(files.get(agentFiles[0]!)!)).toEqual({ agent: "exec-1", stream: "EXEC", session: "PUCS-20261128-004", worktree: "/w/bot-stream-exec", firstSeen: at(T), lastSeen: at(T + MIN) });
    expect(ledgerFromFiles(files, "test", "")).toEqual(l);
    const next = acquireLock(l, lockArgs("exec-1", "execution/c.py"), T + 2 * MIN).ledger;
    expect([...layoutDiff(l, next).keys()].map((p) => p.split("/")[0]).sort()).toEqual(["agents", "locks"]);
  });

  it("v1: serialised and parsed back; an older ledger (no agents, no session fields) reads as it was", () => {
    const l = acquireLock(registered(), lockArgs("exec-1", "execution/a.py"), T + MIN).ledger;
    expect(parseLedger(serializeLedger(l), "test")).toEqual(l);
    const old = serializeLedger(acquireLock(emptyLedger(), lockArgs("x", "api/a.py"), T).ledger);
    expect(old).not.toContain("session\": \"");
    expect(parseLedger(old, "test").agents).toBeUndefined();
    expect(ledgerFromFiles(layoutFiles(parseLedger(old, "test")), "test", "").agents).toBeUndefined();
  });
});

describe("status: agents, and one stream's or agent's part (seed §4.1 get_stream_locks)", () => {
  const ledger = (): Ledger => {
    let l = registered();
    l = registerAgent(l, { agent: "risk-1", stream: "RISK", session: "PUCS-20261128-005", worktree: null }, T).ledger;
    l = acquireLock(l, lockArgs("exec-1", "execution/a.py"), T + MIN).ledger;
    l = acquireLock(l, { ...lockArgs("risk-1", "models/risk.py"), stream: "RISK" }, T + MIN).ledger;
    return l;
  };

  it("--stream keeps that stream's locks, agents and stream entry; --agent that agent's; both valid pucs.status/v1", () => {
    const doc = statusDocument({ ledger: ledger(), config: seedConfig(), now: T + 2 * MIN, history: [{ date: at(T), message: "unlock execution/x.py by exec-1 (EXEC)" }, { date: at(T), message: "unlock models/y.py by risk-1 (RISK)" }] });
    assertValid("status", { ok: true, command: "status", ...doc });
    expect(doc.agents.map((a) => a.agent)).toEqual(["exec-1", "risk-1"]);
    const exec = filterStatus(doc, { stream: "EXEC" });
    assertValid("status", { ok: true, command: "status", ...exec });
    expect(exec.locks.map((k) => `${k.path} ${k.agent}`)).toEqual(["execution/a.py exec-1"]);
    expect(exec.agents.map((a) => a.agent)).toEqual(["exec-1"]);
    expect(exec.streams.map((s) => s.id)).toEqual(["EXEC"]);
    expect(exec.history!.map((h) => h.message)).toEqual(["unlock execution/x.py by exec-1 (EXEC)"]);
    expect(exec.filter).toEqual({ stream: "EXEC" });
    const risk = filterStatus(doc, { agent: "risk-1" });
    expect(risk.locks.map((k) => k.path)).toEqual(["models/risk.py"]);
    expect(risk.streams.map((s) => s.id)).toEqual(["RISK"]);
    expect(filterStatus(doc, { stream: "EXEC", agent: "risk-1" }).locks).toEqual([]);
  });

  it("the dashboard lists the registered agents", () => {
    const body = renderDashboardDoc(statusDocument({ ledger: ledger(), config: seedConfig(), now: T + 2 * MIN }), seedConfig());
    expect(body).toContain("### Agents\n\n| agent | stream | session | last seen | worktree |\n|---|---|---|---|---|\n| exec-1 | EXEC | `PUCS-20261128-004` | 2026-11-28T09:01:00.000Z | `/w/bot-stream-exec` |\n| risk-1 | RISK | `PUCS-20261128-005` | 2026-11-28T09:01:00.000Z | — |");
    expect(renderDashboardDoc(statusDocument({ ledger: emptyLedger(), config: seedConfig(), now: T }), seedConfig())).not.toContain("### Agents");
  });
});
