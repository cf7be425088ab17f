// Handoff and stream circuit breakers as ledger transitions (issue 11, part B).
import { describe, expect, it } from "vitest";
import { breakerState, BREAKER_DEFAULTS } from "../../src/engine/breaker.js";
import type { CircuitBreakerConfig, Ledger } from "../../src/engine/types.js";
import { layoutDiff, layoutFiles, ledgerFromFiles } from "../../src/ledger/layout.js";
import { MemoryStore } from "../../src/ledger/memory-store.js";
import { canonicalLedger, emptyLedger, parseLedger, serializeLedger } from "../../src/ledger/schema.js";
import { transact } from "../../src/ledger/transact.js";
import {
  HANDOFFS_KEPT,
  ackHandoffs,
  acquireLock,
  declareIntent,
  handoff,
  pendingHandoffs,
  recordFailure,
  recordSuccess,
  resetBreaker,
} from "../../src/ledger/transitions.js";
import { seedConfig } from "../engine/fixtures.js";
import { T0, at, intent, ledgerWith, lock, min } from "./fixtures.js";

const CB: CircuitBreakerConfig = { failureThreshold: 3, windowMinutes: 10, cooldownMinutes: 5, blockMerges: true };
const lockArgs = (agent: string, path: string, extra: { change?: string; stream?: string } = {}) => ({
  path,
  agent,
  stream: extra.stream ?? "EXEC",
  task: "t",
  ttlMinutes: 30,
  lease: `L-${agent}-${path}`,
  maxTtlMinutes: 240,
  queueGraceMinutes: 10,
  ...(extra.change ? { change: extra.change } : {}),
});

function tripped(l: Ledger = emptyLedger(), now = T0): Ledger {
  let cur = l;
  for (let i = 0; i < CB.failureThreshold; i++) cur = recordFailure(cur, { stream: "EXEC", agent: "bot", error: `fail ${i}`, change: "#4" }, CB, now).ledger;
  return cur;
}

describe("handoff", () => {
  const base = ledgerWith({
    session: { id: "PUCS-20261123-001", startedAt: at(0) },
    locks: [
      lock({ path: "execution/a.py", agent: "alice", stream: "EXEC", lease: "LA" }),
      lock({ path: "execution/b.py", agent: "alice", stream: "EXEC", change: "#7", lease: "LB" }),
      lock({ path: "other.py", agent: "carol", lease: "LC" }),
    ],
    intents: [intent({ id: "i1", agent: "alice", files: ["execution/c.py"], stream: "EXEC" })],
    queues: [
      { path: "execution/q.py", waiters: [{ agent: "carol", enqueuedAt: at(0) }, { agent: "alice", enqueuedAt: at(1) }] },
      { path: "execution/r.py", waiters: [{ agent: "bob", enqueuedAt: at(0) }, { agent: "alice", enqueuedAt: at(1) }] },
    ],
  });

  it("records the seed's shape and moves every claim of the giver to the receiver in one transition", () => {
    const r = handoff(base, { id: "h1", from: "alice", to: "bob", completed: ["model"], pending: ["tests"], warnings: ["complex"], commits: ["abc1234"], branch: "feature/x", filesToReview: ["execution/a.py"] }, T0 + min(2));
    expect(r.outcome.kind).toBe("handed-off");
    const h = r.ledger.handoffs![0]!;
    expect(h).toStrictEqual({
      id: "h1",
      from_agent: "alice",
      to_agent: "bob",
      timestamp: at(2),
      session_id: "PUCS-20261123-001",
      context: { completed: ["model"], pending: ["tests"], warnings: ["complex"], commits: ["abc1234"], branch: "feature/x" },
      stream_context: { stream_id: "EXEC", locked_files: ["execution/a.py", "execution/b.py"], related_files: ["execution/c.py"] },
      files_to_review: ["execution/a.py"],
    });
    // Locks: the agent changes, lease, change and expiry stay; carol's is untouched.
    expect(r.ledger.locks.map((k) => [k.path, k.agent, k.lease, k.change ?? null, k.expiresAt])).toStrictEqual([
      ["execution/a.py", "bob", "LA", null, at(30)],
      ["execution/b.py", "bob", "LB", "#7", at(30)],
      ["other.py", "carol", "LC", null, at(30)],
    ]);
    expect(r.ledger.intents.map((i) => [i.id, i.agent])).toStrictEqual([["i1", "bob"]]);
    // Queue places keep their position; in r.py bob was already ahead, so his earlier place wins.
    expect(r.ledger.queues).toStrictEqual([
      { path: "execution/q.py", waiters: [{ agent: "carol", enqueuedAt: at(0) }, { agent: "bob", enqueuedAt: at(1) }] },
      { path: "execution/r.py", waiters: [{ agent: "bob", enqueuedAt: at(0) }] },
    ]);
    expect(r.message).toBe("handoff alice → bob: 2 locks, 1 intent, 2 queue places moved");
    // Nothing is held by nobody: every path held before is held after.
    expect(r.ledger.locks.map((k) => k.path)).toStrictEqual(base.locks.map((k) => k.path));
    expect(pendingHandoffs(r.ledger, "bob").map((x) => x.id)).toStrictEqual(["h1"]);
    // The round trip keeps it (v1 document and v2 tree).
    expect(parseLedger(serializeLedger(r.ledger), "t")).toStrictEqual(r.ledger);
    expect(ledgerFromFiles(layoutFiles(r.ledger), "t", "")).toStrictEqual(canonicalLedger(r.ledger));
  });

  it("moves only the named change's claims (the App on a PR)", () => {
    const r = handoff(base, { id: "h2", from: "alice", to: "dave", change: "#7" }, T0 + min(2));
    expect(r.ledger.locks.filter((k) => k.agent === "dave").map((k) => k.path)).toStrictEqual(["execution/b.py"]);
    expect(r.ledger.locks.find((k) => k.path === "execution/a.py")!.agent).toBe("alice");
    expect(r.ledger.intents[0]!.agent).toBe("alice");
    expect(r.ledger.handoffs![0]!.change).toBe("#7");
  });

  it("records a handoff from a giver with no claims, refuses a self-handoff and a receiver holding an overlapping lock", () => {
    const none = handoff(base, { id: "h3", from: "zed", to: "bob", pending: ["all of it"] }, T0);
    expect(none.outcome.kind).toBe("handed-off");
    expect(none.message).toBe("handoff zed → bob: no claims moved");
    expect(none.ledger.locks).toBe(base.locks);

    const self = handoff(base, { id: "h4", from: "alice", to: "alice" }, T0);
    expect(self.outcome).toStrictEqual({ kind: "same-agent", reason: "alice cannot hand off to itself: name another agent with --to" });
    expect(self.ledger).toBe(base);

    const clash = ledgerWith({ ...base, locks: [...base.locks, lock({ path: "execution/*.py", agent: "carol", change: "#9", lease: "LX" })] });
    const r = handoff(clash, { id: "h5", from: "alice", to: "carol" }, T0);
    expect(r.ledger).toBe(clash);
    expect(r.outcome.kind).toBe("receiver-conflict");
    if (r.outcome.kind !== "receiver-conflict") throw new Error("unreachable");
    expect(r.outcome.pairs.map((p) => [p.giver.path, p.receiver.path])).toStrictEqual([
      ["execution/a.py", "execution/*.py"],
      ["execution/b.py", "execution/*.py"],
    ]);
  });

  it(`keeps the last ${HANDOFFS_KEPT} handoffs, and acknowledging clears pending`, () => {
    let l = emptyLedger();
    for (let i = 0; i < HANDOFFS_KEPT + 3; i++) l = handoff(l, { id: `h${String(i).padStart(3, "0")}`, from: "a", to: "b" }, T0 + i * 1000).ledger;
    expect(l.handoffs).toHaveLength(HANDOFFS_KEPT);
    expect(l.handoffs![0]!.id).toBe("h003");
    const ack = ackHandoffs(l, { agent: "b" }, T0 + min(60));
    expect(ack.outcome.handoffs).toHaveLength(HANDOFFS_KEPT);
    expect(pendingHandoffs(ack.ledger, "b")).toStrictEqual([]);
    expect(ackHandoffs(ack.ledger, { agent: "b" }, T0).ledger).toBe(ack.ledger);
  });

  it("a lost compare-and-swap re-applies the handoff on the new ledger: the lock taken meanwhile moves too", async () => {
    const store = new MemoryStore({ ledger: base });
    // Another writer gives alice a new lock just before our first write.
    store.loseNextWrites(1, (l) => acquireLock(l, lockArgs("alice", "execution/new.py", { stream: "EXEC" }), T0 + min(1)).ledger);
    const r = await transact(store, (l) => handoff(l, { id: "h9", from: "alice", to: "bob" }, T0 + min(2)), { sleep: async () => {} });
    expect(r.attempts).toBe(2);
    expect(store.conflicts).toBe(1);
    const after = parseLedger(store.text!, "t");
    expect(after.locks.filter((k) => k.agent === "alice")).toStrictEqual([]);
    expect(after.locks.filter((k) => k.agent === "bob").map((k) => k.path)).toStrictEqual(["execution/a.py", "execution/b.py", "execution/new.py"]);
    expect(after.handoffs!.map((h) => h.stream_context.locked_files)).toStrictEqual([["execution/a.py", "execution/b.py", "execution/new.py"]]);
  });
});

describe("stream circuit breakers", () => {
  it("counts failures in the window and trips OPEN at the threshold; older failures fall out of the window", () => {
    let l = emptyLedger();
    const a = recordFailure(l, { stream: "EXEC", agent: "x", error: "e1" }, CB, T0);
    expect(a.outcome).toMatchObject({ kind: "counted", count: 1, threshold: 3 });
    l = a.ledger;
    // 11 minutes later the first failure is out of the 10-minute window.
    l = recordFailure(l, { stream: "EXEC", agent: "x", error: "e2" }, CB, T0 + min(11)).ledger;
    const c = recordFailure(l, { stream: "EXEC", agent: "x", error: "e3" }, CB, T0 + min(12));
    expect(c.outcome).toMatchObject({ kind: "counted", count: 2 });
    const d = recordFailure(c.ledger, { stream: "EXEC", agent: "y", error: "tests red", change: "#4" }, CB, T0 + min(13));
    expect(d.outcome.kind).toBe("tripped");
    expect(d.message).toBe("breaker EXEC OPEN: 3 failures in 10 min, the last by y (#4): tests red; half-opens at 2026-11-23T21:18:00Z");
    expect(breakerState(d.ledger.breakers![0]!, T0 + min(17))).toBe("OPEN");
    expect(breakerState(d.ledger.breakers![0]!, T0 + min(18))).toBe("HALF_OPEN");
    // OPEN: another failure writes nothing; the same event twice is counted once.
    expect(recordFailure(d.ledger, { stream: "EXEC", agent: "z", error: "x" }, CB, T0 + min(14)).ledger).toBe(d.ledger);
    const r1 = recordFailure(emptyLedger(), { stream: "EXEC", agent: "x", error: "e", ref: "check_suite:1" }, CB, T0);
    expect(recordFailure(r1.ledger, { stream: "EXEC", agent: "x", error: "e", ref: "check_suite:1" }, CB, T0 + 1).outcome.kind).toBe("duplicate");
    expect(ledgerFromFiles(layoutFiles(d.ledger), "t", "")).toStrictEqual(canonicalLedger(d.ledger));
  });

  it("refuses new locks and intents while OPEN, naming who tripped it, when it half-opens and how to reset", () => {
    const l = tripped(ledgerWith({ locks: [lock({ path: "execution/mine.py", agent: "alice", stream: "EXEC", expiresAt: at(30) })] }));
    const r = acquireLock(l, lockArgs("bob", "execution/x.py"), T0 + min(1));
    expect(r.ledger).toBe(l);
    expect(r.outcome).toMatchObject({ kind: "breaker-open", stream: "EXEC", state: "OPEN", halfOpensAt: at(5), trippedBy: { agent: "bot", error: "fail 2", change: "#4" } });
    if (r.outcome.kind !== "breaker-open") throw new Error("unreachable");
    expect(r.outcome.details).toContain("tripped by bot (#4)");
    expect(r.outcome.details).toContain("half-opens at 2026-11-23T21:05:00Z");
    expect(r.outcome.details).toContain("pucs breaker reset --stream EXEC");
    // Another stream is not affected; renewing a lock one holds already is not a new claim.
    expect(acquireLock(l, lockArgs("bob", "llm/x.py", { stream: "LLM" }), T0 + min(1)).outcome.kind).toBe("acquired");
    expect(acquireLock(l, { ...lockArgs("alice", "execution/mine.py"), lease: "L-alice-execution/mine.py" }, T0 + min(1)).outcome.kind).toBe("renewed");
    const config = seedConfig();
    const i = declareIntent(l, { id: "i", agent: "bob", stream: "EXEC", files: ["execution/x.py"], description: "d", durationMinutes: 30, force: true, config }, T0 + min(1));
    expect(i.outcome.kind).toBe("breaker-open");
    expect(i.ledger).toBe(l);
  });

  it("HALF_OPEN admits one holder (the first claim is the trial); a green suite closes it, a failure reopens it", () => {
    const l = tripped();
    const t = T0 + min(6);
    const first = acquireLock(l, lockArgs("bob", "execution/x.py"), t);
    expect(first.outcome.kind).toBe("acquired");
    expect(first.ledger.breakers![0]!.trial).toStrictEqual({ agent: "bob", at: new Date(t).toISOString() });
    expect(first.message).toContain("the HALF_OPEN EXEC breaker's trial");
    // The trial holder may take more; someone else may not.
    expect(acquireLock(first.ledger, lockArgs("bob", "execution/y.py"), t + 1).outcome.kind).toBe("acquired");
    const other = acquireLock(first.ledger, lockArgs("carol", "execution/z.py"), t + 1);
    expect(other.outcome).toMatchObject({ kind: "breaker-open", state: "HALF_OPEN", trial: { agent: "bob" } });
    // A green suite closes it: the breaker leaves the ledger.
    const ok = recordSuccess(first.ledger, { stream: "EXEC", agent: "bob" }, t + 2);
    expect(ok.outcome.kind).toBe("closed");
    expect(ok.ledger.breakers).toStrictEqual([]);
    // A success while OPEN or CLOSED writes nothing.
    expect(recordSuccess(l, { stream: "EXEC" }, T0 + min(1)).ledger).toBe(l);
    expect(recordSuccess(emptyLedger(), { stream: "EXEC" }, T0).ledger.breakers).toStrictEqual([]);
    // A failure during the trial opens it again for a full cooldown.
    const again = recordFailure(first.ledger, { stream: "EXEC", agent: "bob", error: "still red" }, CB, t + 3);
    expect(again.outcome).toMatchObject({ kind: "tripped", from: "HALF_OPEN" });
    expect(again.ledger.breakers![0]!.halfOpensAt).toBe(new Date(t + 3 + min(5)).toISOString());
    expect(again.ledger.breakers![0]!.trial).toBeUndefined();
  });

  it("reset closes it and says what it was; v2 stores only the breaker entry that changed", () => {
    const l = tripped();
    const r = resetBreaker(l, { stream: "EXEC", by: "maint", reason: "flaky runner" }, T0 + min(1));
    expect(r.outcome).toMatchObject({ kind: "reset", state: "OPEN" });
    expect(r.message).toBe("breaker EXEC reset (was OPEN) by maint: flaky runner");
    expect(r.ledger.breakers).toStrictEqual([]);
    expect(resetBreaker(r.ledger, { stream: "EXEC", by: "m", reason: "" }, T0).outcome.kind).toBe("not-found");
    const diff = layoutDiff(l, r.ledger);
    expect([...diff.keys()].every((p) => p.startsWith("breakers/"))).toBe(true);
    expect([...diff.values()]).toStrictEqual([null]);
    expect(BREAKER_DEFAULTS).toStrictEqual({ failureThreshold: 5, windowMinutes: 10, cooldownMinutes: 5, blockMerges: true });
  });

  it("an old ledger without handoffs or breakers still parses and serialises to the same bytes", () => {
    const old = { ...emptyLedger() } as Ledger;
    delete old.handoffs;
    delete old.breakers;
    const text = serializeLedger(old);
    expect(text).not.toContain("handoffs");
    expect(serializeLedger(parseLedger(text, "t"))).toBe(text);
  });
});
