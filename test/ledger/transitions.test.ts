import { describe, expect, it } from "vitest";
import type { Ledger } from "../../src/engine/types.js";
import { emptyLedger } from "../../src/ledger/schema.js";
import {
  acquireLock,
  applyAll,
  clearIntent,
  clearOverride,
  dequeue,
  enqueue,
  expire,
  extendLocks,
  liveIntents,
  liveLocks,
  recordFootprint,
  releaseChange,
  releaseLock,
  removeFootprint,
  setOverride,
  signalIntent,
  startSession,
} from "../../src/ledger/transitions.js";
import { T0, at, deepFreeze, footprint, intent, ledgerWith, lock, min } from "./fixtures.js";

const acq = (l: Ledger, path: string, agent: string, now = T0, extra: { change?: string; ttl?: number; lease?: string } = {}) =>
  acquireLock(
    l,
    {
      path,
      agent,
      stream: "EXEC",
      task: "refactor",
      ...(extra.change ? { change: extra.change } : {}),
      ttlMinutes: extra.ttl ?? 30, maxTtlMinutes: 480, queueGraceMinutes: 15,
      lease: extra.lease ?? `lease-${agent}`,
    },
    now,
  );

describe("startSession", () => {
  it("starts, replaces, and is a no-op for the same id", () => {
    const l0 = deepFreeze(emptyLedger());
    const r1 = startSession(l0, { id: "S1" }, T0);
    expect(r1.outcome).toStrictEqual({ kind: "started", session: { id: "S1", startedAt: at(0) }, previous: null });
    expect(r1.message).toBe("start session S1");
    const r2 = startSession(r1.ledger, { id: "S1" }, T0 + min(5));
    expect(r2.ledger).toBe(r1.ledger);
    expect(r2.message).toBeNull();
    const withLock = acq(r1.ledger, "a", "x").ledger;
    const r3 = startSession(withLock, { id: "S2" }, T0 + min(1));
    expect(r3.message).toBe("start session S2 (replacing S1)");
    expect(r3.ledger.locks).toBe(withLock.locks);
  });
});

describe("acquireLock", () => {
  it("acquires a free path with the audit line of DESIGN.md", () => {
    const l0 = deepFreeze(emptyLedger());
    const r = acquireLock(
      l0,
      { path: "execution/x.py", agent: "exec-agent-1", stream: "EXEC", task: "retry logic", change: "#12", ttlMinutes: 30, maxTtlMinutes: 480, queueGraceMinutes: 15, lease: "L1" },
      Date.parse("2026-11-23T21:00:00Z"),
    );
    expect(r.outcome).toStrictEqual({
      kind: "acquired",
      lock: {
        lease: "L1",
        path: "execution/x.py",
        agent: "exec-agent-1",
        stream: "EXEC",
        task: "retry logic",
        change: "#12",
        acquiredAt: "2026-11-23T21:00:00.000Z",
        expiresAt: "2026-11-23T21:30:00.000Z",
      },
      droppedExpired: [],
      skipped: [],
    });
    expect(r.message).toBe("lock execution/x.py by exec-agent-1 (EXEC, #12) until 2026-11-23T21:30:00Z");
    expect(r.ledger.locks).toStrictEqual([(r.outcome as { lock: unknown }).lock]);
    expect(l0.locks).toEqual([]);
  });

  it("is refused (held, unchanged ledger) when another agent's live lock intersects, glob or literal", () => {
    const l1 = deepFreeze(acq(emptyLedger(), "src/**/*.py", "alice").ledger);
    const r = acq(l1, "src/core/x.py", "bob", T0 + min(10));
    expect(r.ledger).toBe(l1);
    expect(r.message).toBeNull();
    expect(r.outcome).toStrictEqual({ kind: "held", lock: l1.locks[0] });
    expect(acq(l1, "src/core/x.ts", "bob").outcome.kind).toBe("acquired");
    expect(acq(l1, "src/{a,b}.py", "bob").outcome.kind).toBe("held");
    expect(acq(l1, "**", "bob").outcome.kind).toBe("held");
  });

  it("tells a refused agent its queue position", () => {
    let l = acq(emptyLedger(), "a.py", "alice").ledger;
    l = enqueue(l, { path: "a.py", agent: "carol" }, T0).ledger;
    l = enqueue(l, { path: "a.py", agent: "bob" }, T0).ledger;
    const r = acq(l, "a.py", "bob");
    expect(r.outcome).toStrictEqual({ kind: "held", lock: l.locks[0], queuePosition: 2 });
  });

  it("treats the same agent through another change as another holder", () => {
    const l1 = acq(emptyLedger(), "a.py", "alice", T0, { change: "#1" }).ledger;
    expect(acq(l1, "a.py", "alice", T0, { change: "#2" }).outcome.kind).toBe("held");
    expect(acq(l1, "a.py", "alice", T0).outcome.kind).toBe("held");
  });

  it("lets the same holder take an overlapping path as a second lock", () => {
    const l1 = acq(emptyLedger(), "src/**", "alice").ledger;
    const r = acq(l1, "src/a.py", "alice", T0, { lease: "L2" });
    expect(r.outcome.kind).toBe("acquired");
    expect(r.ledger.locks.map((k) => k.path)).toEqual(["src/**", "src/a.py"]);
  });

  it("renews the holder's own lock on exactly this path, never shortening it", () => {
    const l1 = acq(emptyLedger(), "a.py", "alice", T0, { ttl: 30, lease: "L1" }).ledger;
    const r = acq(l1, "a.py", "alice", T0 + min(20), { ttl: 30, lease: "L2" });
    expect(r.outcome).toStrictEqual({ kind: "renewed", lock: { ...l1.locks[0], expiresAt: at(50) }, droppedExpired: [], skipped: [] });
    expect(r.message).toBe("renew lock a.py by alice (EXEC) until 2026-11-23T21:50:00Z");
    const shorter = acq(r.ledger, "a.py", "alice", T0 + min(21), { ttl: 5 });
    expect(shorter.ledger).toBe(r.ledger);
    expect(shorter.outcome).toStrictEqual({ kind: "renewed", lock: r.ledger.locks[0], droppedExpired: [], skipped: [] });
    expect(shorter.message).toBeNull();
  });

  it("takes over an expired lock and drops every expired intersecting lock, naming them", () => {
    const l = deepFreeze(
      ledgerWith({
        locks: [
          lock({ path: "src/**", agent: "old", expiresAt: at(10) }),
          lock({ path: "src/a.py", agent: "older", expiresAt: at(5) }),
          lock({ path: "docs/x.md", agent: "gone", expiresAt: at(1) }),
          lock({ path: "lib/y.ts", agent: "live", expiresAt: at(60) }),
        ],
      }),
    );
    const r = acq(l, "src/a.py", "bob", T0 + min(10), { lease: "LB" });
    expect(r.outcome.kind).toBe("acquired");
    expect(r.message).toBe(
      "lock src/a.py by bob (EXEC) until 2026-11-23T21:40:00Z; dropped expired src/** by old (expired 2026-11-23T21:10:00Z), src/a.py by older (expired 2026-11-23T21:05:00Z)",
    );
    expect(r.ledger.locks.map((k) => `${k.path}:${k.agent}`)).toEqual(["docs/x.md:gone", "lib/y.ts:live", "src/a.py:bob"]);
    expect(r.ledger.locks[0]).toBe(l.locks[2]);
  });

  it("removes the acquirer from the path's queue and leaves other waiters", () => {
    let l = acq(emptyLedger(), "a.py", "alice", T0, { ttl: 10 }).ledger;
    l = enqueue(l, { path: "a.py", agent: "bob" }, T0).ledger;
    l = enqueue(l, { path: "a.py", agent: "carol" }, T0 + 1).ledger;
    l = releaseLock(l, { path: "a.py", agent: "alice" }, T0 + min(1)).ledger;
    const r = acq(l, "a.py", "bob", T0 + min(2));
    expect(r.message).toBe("lock a.py by bob (EXEC) until 2026-11-23T21:32:00Z; left its queue");
    expect(r.ledger.queues).toStrictEqual([{ path: "a.py", waiters: [{ agent: "carol", enqueuedAt: new Date(T0 + 1).toISOString() }] }]);
  });

  it("rejects nonsense arguments", () => {
    expect(() => acq(emptyLedger(), "", "a")).toThrow("lock path must be a non-empty string");
    expect(() => acq(emptyLedger(), "a", "x", T0, { ttl: 0 })).toThrow("ttlMinutes must be a positive number of minutes, got 0");
    expect(() => acq(emptyLedger(), "a", "x", Number.NaN)).toThrow("now must be a finite epoch-ms number, got NaN");
  });
});

describe("releaseLock", () => {
  it("releases the holder's lock and names the next waiter", () => {
    let l = acq(emptyLedger(), "a.py", "alice").ledger;
    l = enqueue(l, { path: "a.py", agent: "bob", change: "#4" }, T0 + 1).ledger;
    l = deepFreeze(l);
    const r = releaseLock(l, { path: "a.py", agent: "alice" }, T0 + min(3));
    const next = { agent: "bob", change: "#4", enqueuedAt: new Date(T0 + 1).toISOString() };
    expect(r.outcome).toStrictEqual({ kind: "released", lock: l.locks[0], next, notify: [{ path: "a.py", next }] });
    expect(r.message).toBe("unlock a.py by alice (EXEC); next: bob for a.py");
    expect(r.ledger.locks).toEqual([]);
    // The waiter told is stamped: its queue_grace runs from now.
    expect(r.ledger.queues).toStrictEqual([{ path: "a.py", waiters: [{ ...next, notifiedAt: new Date(T0 + min(3)).toISOString() }] }]);
  });

  it("reports not-holder and not-locked without changing anything", () => {
    const l = deepFreeze(acq(emptyLedger(), "a.py", "alice").ledger);
    const r1 = releaseLock(l, { path: "a.py", agent: "bob" }, T0);
    expect(r1).toStrictEqual({ ledger: l, outcome: { kind: "not-holder", lock: l.locks[0] }, message: null });
    expect(r1.ledger).toBe(l);
    const r2 = releaseLock(l, { path: "b.py", agent: "alice" }, T0);
    expect(r2.outcome).toStrictEqual({ kind: "not-locked" });
    expect(r2.ledger).toBe(l);
    // A glob lock is released by its exact text only.
    const g = acq(emptyLedger(), "src/**", "alice").ledger;
    expect(releaseLock(g, { path: "src/a.py", agent: "alice" }, T0).outcome).toStrictEqual({ kind: "not-locked" });
    // Another agent's expired lock is not a lock.
    expect(releaseLock(l, { path: "a.py", agent: "bob" }, T0 + min(30)).outcome).toStrictEqual({ kind: "not-locked" });
  });

  it("force releases someone else's lock and says who did it", () => {
    const l = acq(emptyLedger(), "a.py", "alice", T0, { change: "#7" }).ledger;
    const r = releaseLock(l, { path: "a.py", agent: "maintainer", force: true }, T0);
    expect(r.outcome).toStrictEqual({ kind: "released", lock: l.locks[0], notify: [] });
    expect(r.message).toBe("force-unlock a.py held by alice (EXEC, #7), by maintainer");
    expect(r.ledger.locks).toEqual([]);
  });

  it("does not name a waiter who is still blocked by another lock", () => {
    let l = acq(emptyLedger(), "src/a.py", "alice").ledger;
    l = acq(l, "src/**", "alice", T0, { lease: "L2" }).ledger;
    l = enqueue(l, { path: "src/a.py", agent: "bob" }, T0).ledger;
    const r = releaseLock(l, { path: "src/a.py", agent: "alice" }, T0);
    expect(r.outcome).toStrictEqual({ kind: "released", lock: l.locks.find((k) => k.path === "src/a.py"), notify: [] });
    expect(r.message).toBe("unlock src/a.py by alice (EXEC)");
  });

  it("notifies waiters on other paths a released glob unblocks", () => {
    let l = acq(emptyLedger(), "src/**", "alice").ledger;
    l = enqueue(l, { path: "src/b.py", agent: "bob" }, T0).ledger;
    l = enqueue(l, { path: "docs/c.md", agent: "carol" }, T0).ledger;
    const r = releaseLock(l, { path: "src/**", agent: "alice" }, T0);
    expect(r.outcome).toMatchObject({ kind: "released", notify: [{ path: "src/b.py", next: { agent: "bob" } }] });
    expect(r.outcome).not.toHaveProperty("next");
  });
});

describe("extendLocks", () => {
  it("extends the agent's live locks, capped at now + max TTL, reporting paths it does not hold", () => {
    let l = acq(emptyLedger(), "a", "alice", T0, { ttl: 30, lease: "1" }).ledger; // until +30
    l = acq(l, "b", "alice", T0, { ttl: 100, lease: "2" }).ledger; // until +100
    l = acq(l, "c", "bob", T0, { ttl: 30, lease: "3" }).ledger;
    l = deepFreeze(l);
    const r = extendLocks(l, { agent: "alice", paths: ["a", "b", "zzz"], minutes: 30, maxTtlMinutes: 120 }, T0 + min(10));
    expect(r.outcome).toStrictEqual({
      kind: "extended",
      extended: [{ ...l.locks[0], expiresAt: at(60) }, { ...l.locks[1], expiresAt: at(130) }],
      atCap: [],
      notFound: ["zzz"],
    });
    expect(r.message).toBe("extend 2 locks of alice: a until 2026-11-23T22:00:00Z, b until 2026-11-23T23:10:00Z");
    expect(r.ledger.locks[2]).toBe(l.locks[2]);
    const again = extendLocks(r.ledger, { agent: "alice", paths: ["b"], minutes: 30, maxTtlMinutes: 120 }, T0 + min(10));
    expect(again.ledger).toBe(r.ledger);
    expect(again.outcome).toStrictEqual({ kind: "extended", extended: [], atCap: [r.ledger.locks[1]], notFound: [] });
  });

  it("filters by change and ignores expired locks", () => {
    let l = acq(emptyLedger(), "a", "alice", T0, { change: "#1", lease: "1" }).ledger;
    l = acq(l, "b", "alice", T0, { change: "#2", lease: "2" }).ledger;
    const r = extendLocks(l, { agent: "alice", change: "#2", minutes: 10, maxTtlMinutes: 60 }, T0);
    expect(r.outcome.kind === "extended" && r.outcome.extended.map((k) => k.path)).toEqual(["b"]);
    expect(r.message).toBe("extend 1 lock of alice (#2): b until 2026-11-23T21:40:00Z");
    const late = extendLocks(l, { agent: "alice", minutes: 10, maxTtlMinutes: 60 }, T0 + min(30));
    expect(late.ledger).toBe(l);
    expect(late.outcome).toMatchObject({ kind: "extended", extended: [] });
  });

  it("refuses an extension longer than max_ttl itself, with the reason every surface prints", () => {
    const l = acq(emptyLedger(), "a", "alice", T0, { change: "#1", lease: "1" }).ledger;
    const r = extendLocks(l, { agent: "alice", minutes: 180, maxTtlMinutes: 120 }, T0);
    expect(r.ledger).toBe(l);
    expect(r.outcome).toEqual({ kind: "too-long", maxTtlMinutes: 120, reason: "an extension of 3h is longer than the configured locks.max_ttl (2h): extend by less, again later if needed" });
  });
});

describe("intents", () => {
  it("records an intent and replaces the same holder's previous one only", () => {
    const base = deepFreeze(
      ledgerWith({ intents: [intent({ id: "old", agent: "alice" }), intent({ id: "pr", agent: "alice", change: "#3" }), intent({ id: "b", agent: "bob" })] }),
    );
    const r = signalIntent(
      base,
      { id: "new", agent: "alice", stream: "LLM", files: ["llm/a.py", "llm/**/*.md"], description: "prompt cache", durationMinutes: 45 },
      T0,
    );
    expect(r.outcome).toStrictEqual({
      kind: "recorded",
      intent: {
        id: "new",
        agent: "alice",
        stream: "LLM",
        files: ["llm/a.py", "llm/**/*.md"],
        description: "prompt cache",
        durationMinutes: 45,
        signalledAt: at(0),
        expiresAt: at(45),
      },
      replaced: [base.intents[0]],
    });
    expect(r.message).toBe("intent by alice (LLM) on llm/a.py, llm/**/*.md for 45 min: prompt cache");
    expect(r.ledger.intents.map((i) => i.id)).toEqual(["new", "pr", "b"]);
    expect(r.ledger.intents[1]).toBe(base.intents[1]);
  });

  it("shortens long file lists in the message", () => {
    const files = ["a", "b", "c", "d", "e", "f", "g"];
    const r = signalIntent(emptyLedger(), { id: "i", agent: "x", stream: null, files, description: "", durationMinutes: 5 }, T0);
    expect(r.message).toBe("intent by x on a, b, c, d, e (+2 more) for 5 min");
  });

  it("refuses an intent with no files", () => {
    expect(() => signalIntent(emptyLedger(), { id: "i", agent: "x", stream: null, files: [], description: "", durationMinutes: 5 }, T0)).toThrow(
      "an intent needs at least one file or glob",
    );
  });

  it("clears the holder's intents", () => {
    const base = ledgerWith({ intents: [intent({ id: "a", agent: "alice" }), intent({ id: "c", agent: "alice", change: "#3" })] });
    const r = clearIntent(base, { agent: "alice", change: "#3" }, T0);
    expect(r.outcome).toStrictEqual({ kind: "cleared", intents: [base.intents[1]] });
    expect(r.message).toBe("clear 1 intent of alice (#3)");
    expect(r.ledger.intents).toStrictEqual([base.intents[0]]);
    const none = clearIntent(base, { agent: "bob" }, T0);
    expect(none).toStrictEqual({ ledger: base, outcome: { kind: "not-found" }, message: null });
  });
});

describe("footprints", () => {
  it("records, replaces by change, and ignores a re-record of the same content", () => {
    const l0 = deepFreeze(emptyLedger());
    const f1 = footprint({ change: "#12", headSha: "0123456789abcdef" });
    const r1 = recordFootprint(l0, f1);
    expect(r1.outcome).toStrictEqual({ kind: "recorded", footprint: f1, previous: null });
    expect(r1.message).toBe("footprint #12 at 0123456 by alice (EXEC): 1 file");
    const same = recordFootprint(r1.ledger, { ...f1, recordedAt: at(9) });
    expect(same.ledger).toBe(r1.ledger);
    expect(same.outcome).toStrictEqual({ kind: "unchanged", footprint: f1 });
    const f2 = { ...f1, headSha: "fedcba9876543210", truncated: true };
    const r2 = recordFootprint(r1.ledger, f2);
    expect(r2.outcome).toStrictEqual({ kind: "recorded", footprint: f2, previous: f1 });
    expect(r2.message).toBe("footprint #12 at fedcba9 by alice (EXEC): 1 file (truncated)");
    expect(r2.ledger.footprints).toStrictEqual([f2]);
  });

  it("refuses an invalid footprint", () => {
    expect(() => recordFootprint(emptyLedger(), { ...footprint({ change: "#1" }), recordedAt: "soon" })).toThrow(
      "invalid footprint for #1: recordedAt: expected an ISO-8601 UTC time such as 2026-01-02T03:04:05Z",
    );
  });

  it("removes by change", () => {
    const l = ledgerWith({ footprints: [footprint({ change: "#1" }), footprint({ change: "#2" })] });
    const r = removeFootprint(l, { change: "#1" });
    expect(r.message).toBe("remove footprint #1");
    expect(r.ledger.footprints).toStrictEqual([l.footprints[1]]);
    expect(removeFootprint(l, { change: "#9" }).ledger).toBe(l);
  });
});

describe("expire", () => {
  it("removes exactly the expired locks and intents (expiresAt <= now) and names freed waiters", () => {
    const l = deepFreeze(
      ledgerWith({
        locks: [lock({ path: "a", agent: "x", expiresAt: at(10) }), lock({ path: "b", agent: "y", expiresAt: at(11) })],
        intents: [intent({ id: "1", agent: "x", expiresAt: at(10) }), intent({ id: "2", agent: "y", expiresAt: at(10.001) })],
        queues: [{ path: "a", waiters: [{ agent: "w", enqueuedAt: at(1) }] }],
      }),
    );
    const r = expire(l, T0 + min(10));
    expect(r.outcome).toStrictEqual({
      kind: "expired",
      locks: [l.locks[0]],
      intents: [l.intents[0]],
      notify: [{ path: "a", next: { agent: "w", enqueuedAt: at(1) } }],
    });
    expect(r.message).toBe("expire 1 lock (a by x) and 1 intent (by x)");
    expect(r.ledger.locks).toStrictEqual([l.locks[1]]);
    expect(r.ledger.intents).toStrictEqual([l.intents[1]]);
    expect(r.ledger.queues).toStrictEqual([{ path: "a", waiters: [{ agent: "w", enqueuedAt: at(1), notifiedAt: at(10) }] }]);
    expect(liveLocks(l, T0 + min(10))).toStrictEqual([l.locks[1]]);
    expect(liveIntents(l, T0 + min(10))).toStrictEqual([l.intents[1]]);
  });

  it("changes nothing when nothing expired", () => {
    const l = ledgerWith({ locks: [lock({ path: "a", agent: "x", expiresAt: at(10) })] });
    expect(expire(l, T0)).toStrictEqual({ ledger: l, outcome: { kind: "expired", locks: [], intents: [], notify: [] }, message: null });
  });
});

describe("queues", () => {
  it("appends FIFO, keeps the position of someone already queued, dequeues", () => {
    const l0 = deepFreeze(emptyLedger());
    const a = enqueue(l0, { path: "p", agent: "a" }, T0);
    expect(a.outcome).toStrictEqual({ kind: "queued", position: 1, already: false });
    expect(a.message).toBe("queue a for p (position 1)");
    const b = enqueue(a.ledger, { path: "p", agent: "b", change: "#2" }, T0 + 1);
    expect(b.outcome).toStrictEqual({ kind: "queued", position: 2, already: false });
    expect(b.message).toBe("queue b (#2) for p (position 2)");
    const again = enqueue(b.ledger, { path: "p", agent: "a" }, T0 + 2);
    expect(again.ledger).toBe(b.ledger);
    expect(again.outcome).toStrictEqual({ kind: "queued", position: 1, already: true });
    const d = dequeue(b.ledger, { path: "p", agent: "a" });
    expect(d.outcome).toStrictEqual({ kind: "dequeued", entries: [{ agent: "a", enqueuedAt: at(0) }] });
    expect(d.message).toBe("dequeue a from p");
    expect(d.ledger.queues).toStrictEqual([{ path: "p", waiters: [{ agent: "b", change: "#2", enqueuedAt: new Date(T0 + 1).toISOString() }] }]);
    const empty = dequeue(d.ledger, { path: "p", agent: "b" });
    expect(empty.ledger.queues).toEqual([]);
    expect(dequeue(empty.ledger, { path: "p", agent: "b" }).outcome).toStrictEqual({ kind: "not-queued" });
  });
});

describe("releaseChange", () => {
  it("drops everything of the change, keeps everything else, and names who to tell", () => {
    let l = acq(emptyLedger(), "src/a.py", "alice", T0, { change: "#12", lease: "1" }).ledger;
    l = acq(l, "docs/**", "alice", T0, { change: "#12", lease: "2" }).ledger;
    l = acq(l, "lib/x", "bob", T0, { change: "#13", lease: "3" }).ledger;
    l = signalIntent(l, { id: "i1", agent: "alice", stream: null, files: ["x"], description: "", durationMinutes: 5, change: "#12" }, T0).ledger;
    l = signalIntent(l, { id: "i2", agent: "bob", stream: null, files: ["y"], description: "", durationMinutes: 5 }, T0).ledger;
    l = recordFootprint(l, footprint({ change: "#12" })).ledger;
    l = recordFootprint(l, footprint({ change: "#13" })).ledger;
    l = enqueue(l, { path: "src/a.py", agent: "carol", change: "#14" }, T0).ledger;
    l = enqueue(l, { path: "lib/x", agent: "alice", change: "#12" }, T0).ledger;
    l = enqueue(l, { path: "lib/x", agent: "dave" }, T0).ledger;
    l = setOverride(l, { change: "#12", by: "m", reason: "hotfix", at: at(0) }).ledger;
    l = deepFreeze(l);
    const r = releaseChange(l, { change: "#12" }, T0 + min(1));
    expect(r.message).toBe("release #12: 2 locks, 1 intent, footprint, 1 queue entry, gate override; next: carol for src/a.py");
    expect(r.outcome).toStrictEqual({
      kind: "released",
      locks: l.locks.filter((k) => k.change === "#12"),
      intents: [l.intents.find((i) => i.id === "i1")],
      footprint: l.footprints[0],
      queueEntries: [{ path: "lib/x", entry: { agent: "alice", change: "#12", enqueuedAt: at(0) } }],
      override: l.overrides[0],
      notify: [{ path: "src/a.py", next: { agent: "carol", change: "#14", enqueuedAt: at(0) } }],
    });
    expect(r.ledger.locks.map((k) => k.path)).toEqual(["lib/x"]);
    expect(r.ledger.intents.map((i) => i.id)).toEqual(["i2"]);
    expect(r.ledger.footprints.map((f) => f.change)).toEqual(["#13"]);
    expect(r.ledger.queues).toStrictEqual([
      { path: "lib/x", waiters: [{ agent: "dave", enqueuedAt: at(0) }] },
      { path: "src/a.py", waiters: [{ agent: "carol", change: "#14", enqueuedAt: at(0), notifiedAt: at(1) }] },
    ]);
    expect(r.ledger.overrides).toEqual([]);
    const again = releaseChange(r.ledger, { change: "#12" }, T0 + min(1));
    expect(again.ledger).toBe(r.ledger);
    expect(again.message).toBeNull();
  });
});

describe("gate overrides", () => {
  it("sets, ignores an identical set, replaces, clears", () => {
    const o = { change: "#5", by: "maint", reason: "release blocker", at: at(0) };
    const r1 = setOverride(emptyLedger(), o);
    expect(r1.outcome).toStrictEqual({ kind: "set", override: o, previous: null });
    expect(r1.message).toBe("override gate for #5 by maint: release blocker");
    expect(setOverride(r1.ledger, { ...o }).ledger).toBe(r1.ledger);
    const r2 = setOverride(r1.ledger, { ...o, headSha: "abc" });
    expect(r2.ledger.overrides).toStrictEqual([{ ...o, headSha: "abc" }]);
    const c = clearOverride(r2.ledger, { change: "#5" });
    expect(c.message).toBe("clear gate override for #5");
    expect(c.ledger.overrides).toEqual([]);
    expect(clearOverride(c.ledger, { change: "#5" }).outcome).toStrictEqual({ kind: "not-found" });
  });
});

describe("applyAll", () => {
  it("chains steps into one result with one message line per changed step", () => {
    const l0 = emptyLedger();
    const r = applyAll(l0, [
      (l) => acq(l, "a", "x"),
      (l) => acq(l, "a", "y"), // held: no line
      (l) => enqueue(l, { path: "a", agent: "y" }, T0),
    ]);
    expect(r.message).toBe("lock a by x (EXEC) until 2026-11-23T21:30:00Z\nqueue y for a (position 1)");
    expect((r.outcome as { kind: string }[]).map((o) => o.kind)).toEqual(["acquired", "held", "queued"]);
    expect(applyAll(l0, [(l) => expire(l, T0)])).toStrictEqual({ ledger: l0, outcome: [{ kind: "expired", locks: [], intents: [], notify: [] }], message: null });
  });
});
