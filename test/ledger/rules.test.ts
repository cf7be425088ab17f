/**
 * The rules every surface shares, decided by the ledger transitions themselves (issue 10): FIFO queues
 * with a grace for silent heads, max_ttl, intents refused on conflict unless forced, one release rule.
 */
import { describe, expect, it } from "vitest";
import type { Ledger } from "../../src/engine/types.js";
import { emptyLedger } from "../../src/ledger/schema.js";
import { acquireLock, declareIntent, enqueue, release, releaseLock } from "../../src/ledger/transitions.js";
import { seedConfig } from "../engine/fixtures.js";
import { T0, at, deepFreeze, footprint, intent, ledgerWith, lock, min } from "./fixtures.js";

const GRACE = 15;
const acq = (l: Ledger, path: string, agent: string, now = T0, extra: { change?: string; ttl?: number } = {}) =>
  acquireLock(
    l,
    { path, agent, stream: "EXEC", task: "t", ...(extra.change ? { change: extra.change } : {}), ttlMinutes: extra.ttl ?? 30, lease: `L-${agent}`, maxTtlMinutes: 240, queueGraceMinutes: GRACE },
    now,
  );

describe("FIFO queues: only the head may take a freed path", () => {
  // A holds; B then C queue; A unlocks (B is told).
  function scene(): Ledger {
    let l = acq(emptyLedger(), "x.py", "A").ledger;
    l = enqueue(l, { path: "x.py", agent: "B" }, T0 + min(1)).ledger;
    l = enqueue(l, { path: "x.py", agent: "C" }, T0 + min(2)).ledger;
    const r = releaseLock(l, { path: "x.py", agent: "A" }, T0 + min(3));
    expect(r.outcome).toMatchObject({ kind: "released", next: { agent: "B" } });
    return deepFreeze(r.ledger);
  }

  it("C cannot jump the queue: C stays queued second, B keeps its place (issue 10, problem 3)", () => {
    const l = scene();
    const r = acq(l, "x.py", "C", T0 + min(4));
    expect(r.outcome).toMatchObject({ kind: "queued", path: "x.py", position: 2, already: true, head: { agent: "B", notifiedAt: at(3) }, notify: [], skipped: [] });
    expect(r.ledger).toBe(l);
    expect(r.message).toBeNull();
    const b = acq(l, "x.py", "B", T0 + min(5));
    expect(b.outcome).toMatchObject({ kind: "acquired", lock: { agent: "B", path: "x.py" } });
    expect(b.ledger.queues).toStrictEqual([{ path: "x.py", waiters: [{ agent: "C", enqueuedAt: at(2) }] }]);
  });

  it("a head silent past queue_grace after being told is skipped, and the audit line says so", () => {
    const l = scene();
    const r = acq(l, "x.py", "C", T0 + min(3 + GRACE));
    expect(r.outcome).toMatchObject({ kind: "acquired", lock: { agent: "C" }, skipped: [{ path: "x.py", entry: { agent: "B" } }] });
    expect(r.ledger.queues).toStrictEqual([]);
    expect(r.message).toBe(`lock x.py by C (EXEC) until ${at(3 + GRACE + 30).replace(".000Z", "Z")}; left its queue; skipped B in the queue for x.py (silent ${GRACE} min after being told it was free)`);
  });

  it("someone not in line asking for a free path with waiters is queued last, and the untold head is told now", () => {
    let l = enqueue(emptyLedger(), { path: "x.py", agent: "B" }, T0).ledger;
    l = deepFreeze(l);
    const r = acq(l, "x.py", "D", T0 + min(1));
    expect(r.outcome).toMatchObject({ kind: "queued", position: 2, already: false, head: { agent: "B" }, notify: [{ path: "x.py", next: { agent: "B" } }] });
    expect(r.ledger.queues).toStrictEqual([{ path: "x.py", waiters: [{ agent: "B", enqueuedAt: at(0), notifiedAt: at(1) }, { agent: "D", enqueuedAt: at(1) }] }]);
    expect(r.message).toBe("queue D for x.py (position 2): B is first in line; tell B that x.py is free");
  });

  it("a queue on a glob holds back a lock on a file it covers", () => {
    const l = deepFreeze(enqueue(emptyLedger(), { path: "src/**", agent: "B" }, T0).ledger);
    expect(acq(l, "src/a.py", "C", T0).outcome).toMatchObject({ kind: "queued", path: "src/**", head: { agent: "B" } });
    expect(acq(l, "lib/a.py", "C", T0).outcome.kind).toBe("acquired");
  });
});

describe("max_ttl is the ledger's rule", () => {
  it("a lock longer than max_ttl is refused and nothing is written", () => {
    const l = deepFreeze(emptyLedger());
    const r = acq(l, "x.py", "A", T0, { ttl: 241 });
    expect(r.outcome).toStrictEqual({ kind: "too-long", maxTtlMinutes: 240, reason: "a lock of 4h 1m is longer than the configured locks.max_ttl (4h): ask for less and extend it later" });
    expect(r.ledger).toBe(l);
  });
  it("an intent longer than max_ttl is refused", () => {
    const config = seedConfig();
    const r = declareIntent(emptyLedger(), { id: "i", agent: "A", stream: "EXEC", files: ["execution/a.py"], description: "d", durationMinutes: config.locks.maxTtlMinutes + 1, force: true, config }, T0);
    expect(r.outcome).toStrictEqual({ kind: "too-long", maxTtlMinutes: config.locks.maxTtlMinutes, reason: "an intent of 8h 1m is longer than the configured locks.max_ttl (8h): declare less and signal again later" });
    expect(r.message).toBeNull();
  });
});

describe("an agent's own local lock covers its PR", () => {
  it("a PR of the agent asking for a path the agent holds locally gets 'covered': one holder, one lock", () => {
    const l = deepFreeze(acq(emptyLedger(), "x.py", "A").ledger);
    const r = acq(l, "x.py", "A", T0 + 1, { change: "#7" });
    expect(r.outcome).toMatchObject({ kind: "covered", lock: { agent: "A", path: "x.py" } });
    expect(r.ledger).toBe(l);
    // Another agent's PR is refused as before.
    expect(acq(l, "x.py", "B", T0 + 1, { change: "#8" }).outcome.kind).toBe("held");
  });
});

describe("declareIntent: recorded only without conflicts, unless forced", () => {
  const config = seedConfig();
  const base = () =>
    deepFreeze(ledgerWith({ intents: [intent({ id: "i1", agent: "other", stream: "EXEC", files: ["execution/a.py"], expiresAt: at(60) })] }));
  const args = (force: boolean) => ({ id: "i2", agent: "me", stream: "EXEC", files: ["execution/a.py"], description: "d", durationMinutes: 30, force, config, change: "#9" });

  it("a conflicting intent is refused with the conflicts and not written", () => {
    const l = base();
    const r = declareIntent(l, args(false), T0);
    expect(r.outcome.kind).toBe("refused");
    expect((r.outcome as { conflicts: { type: string; holder: string }[] }).conflicts.map((c) => [c.type, c.holder])).toEqual([["INTENT_OVERLAP", "other"]]);
    expect(r.ledger).toBe(l);
  });
  it("forced, it is recorded and the audit line says it was forced", () => {
    const r = declareIntent(base(), args(true), T0);
    expect(r.outcome.kind).toBe("recorded");
    expect(r.ledger.intents.map((i) => i.id).sort()).toEqual(["i1", "i2"]);
    expect(r.message).toMatch(/\(forced over 1 conflict\)$/);
  });
  it("its own earlier intent is no conflict", () => {
    const l = deepFreeze(ledgerWith({ intents: [intent({ id: "i1", agent: "me", change: "#9", files: ["execution/a.py"], expiresAt: at(60) })] }));
    expect(declareIntent(l, args(false), T0).outcome.kind).toBe("recorded");
  });
});

describe("release: one rule, an explicit scope", () => {
  const l = () =>
    deepFreeze(
      ledgerWith({
        locks: [lock({ path: "a", agent: "me", change: "#9" }), lock({ path: "b", agent: "me" })],
        intents: [intent({ id: "i", agent: "me", change: "#9" })],
        footprints: [footprint({ change: "#9", agent: "me" })],
        queues: [{ path: "q", waiters: [{ agent: "me", change: "#9", enqueuedAt: at(0) }] }],
        overrides: [{ change: "#9", by: "boss", reason: "r", at: at(0) }],
      }),
    );
  it("claims: the change's locks, intents and queue places; the footprint and override stay (/pucs release ≡ pucs release --change)", () => {
    const r = release(l(), { agent: "me", change: "#9", scope: "claims" }, T0);
    expect(r.ledger.locks.map((k) => k.path)).toEqual(["b"]);
    expect(r.ledger.intents).toEqual([]);
    expect(r.ledger.queues).toEqual([]);
    expect(r.ledger.footprints.map((f) => f.change)).toEqual(["#9"]);
    expect(r.ledger.overrides.map((o) => o.change)).toEqual(["#9"]);
    expect(r.message).toBe("release #9 (claims): 1 lock, 1 intent, 1 queue entry");
  });
  it("all: the change closed, everything goes", () => {
    const r = release(l(), { agent: "me", change: "#9", scope: "all" }, T0);
    expect(r.ledger.footprints).toEqual([]);
    expect(r.ledger.overrides).toEqual([]);
    expect(r.ledger.locks.map((k) => k.path)).toEqual(["b"]);
  });
  it("without a change: the agent's local claims only", () => {
    const r = release(l(), { agent: "me", scope: "claims" }, T0);
    expect(r.ledger.locks.map((k) => k.path)).toEqual(["a"]);
    expect(r.message).toBe("release me (claims): 1 lock");
  });
});
