import { describe, expect, it } from "vitest";
import type { Ledger } from "../../src/engine/types.js";
import { MemoryStore } from "../../src/ledger/memory-store.js";
import { emptyLedger, serializeLedger } from "../../src/ledger/schema.js";
import { LedgerError } from "../../src/ledger/store.js";
import { backoffDelay, transact } from "../../src/ledger/transact.js";
import { acquireLock, enqueue, expire } from "../../src/ledger/transitions.js";
import { T0, ledgerWith, lock } from "./fixtures.js";

const lockA = (agent: string, path = "a.py") => (l: Ledger) =>
  acquireLock(l, { path, agent, stream: null, task: "t", ttlMinutes: 30, maxTtlMinutes: 480, queueGraceMinutes: 15, lease: `lease-${agent}-${path}` }, T0);

function recorder() {
  const delays: number[] = [];
  return { delays, sleep: async (ms: number) => void delays.push(ms) };
}

describe("MemoryStore", () => {
  it("starts empty at version null, then counts versions", async () => {
    const s = new MemoryStore();
    expect(await s.read()).toStrictEqual({ ledger: emptyLedger(), version: null });
    expect(await s.write(emptyLedger(), "1", "x")).toStrictEqual({ ok: false, reason: "conflict" });
    expect(await s.write(emptyLedger(), null, "first")).toStrictEqual({ ok: true, version: "1" });
    expect(await s.write(emptyLedger(), null, "again")).toStrictEqual({ ok: false, reason: "conflict" });
    expect(await s.write(ledgerWith({ session: { id: "S", startedAt: new Date(T0).toISOString() } }), "1", "second")).toStrictEqual({ ok: true, version: "2" });
    expect((await s.read()).ledger.session?.id).toBe("S");
    expect(s.reads).toBe(2);
    expect(s.writes).toBe(4);
    expect(s.conflicts).toBe(2);
    expect(s.log.map((c) => `${c.version}:${c.message}`)).toEqual(["1:first", "2:second"]);
  });

  it("never hands out its own objects", async () => {
    const s = new MemoryStore({ ledger: ledgerWith({ locks: [lock({ path: "a", agent: "x" })] }) });
    const a = await s.read();
    a.ledger.locks.pop();
    expect((await s.read()).ledger.locks).toHaveLength(1);
  });

  it("reports a corrupt document on read", async () => {
    const s = new MemoryStore({ text: "{oops" });
    await expect(s.read()).rejects.toThrow(
      new LedgerError(
        "memory ledger at version 1: ledger.json is not valid JSON (Expected property name or '}' at line 1, column 2). " +
          "The ledger was not changed. Inspect it, then fix it or set it aside; pucs never overwrites a ledger it cannot read.",
        "corrupt",
      ),
    );
  });
});

describe("transact", () => {
  it("reads, applies, writes once, and returns the outcome", async () => {
    const s = new MemoryStore();
    const r = await transact(s, lockA("alice"));
    expect(r).toMatchObject({ version: "1", attempts: 1, wrote: true, outcome: { kind: "acquired" } });
    expect(s.log.map((c) => c.message)).toEqual(["lock a.py by alice until 2026-11-23T21:30:00Z"]);
    expect(s.text).toBe(serializeLedger((await s.read()).ledger));
  });

  it("skips the write when the transition changes nothing", async () => {
    const s = new MemoryStore();
    await transact(s, lockA("alice"));
    const r = await transact(s, lockA("bob"));
    expect(r).toMatchObject({ version: "1", attempts: 1, wrote: false, outcome: { kind: "held" } });
    expect(s.writes).toBe(1);
    const e = await transact(s, (l) => expire(l, T0));
    expect(e.wrote).toBe(false);
    expect(s.writes).toBe(1);
  });

  it("on a lost race re-runs the transition on the fresh ledger", async () => {
    const s = new MemoryStore();
    // Another writer takes the lock between our read and our write.
    s.loseNextWrites(1, (l) => lockA("bob")(l).ledger);
    const { delays, sleep } = recorder();
    const r = await transact(s, lockA("alice"), { sleep, random: () => 0.5, baseDelayMs: 100 });
    expect(r).toMatchObject({ attempts: 2, wrote: false, outcome: { kind: "held", lock: { agent: "bob" } } });
    expect(delays).toEqual([75]);
    expect(s.log.map((c) => c.message)).toEqual(["interfering write"]);
  });

  it("keeps both updates when racing writers touch different entries (no lost update)", async () => {
    const s = new MemoryStore();
    s.loseNextWrites(2, (l) => enqueue(l, { path: "z", agent: `w${l.queues[0]?.waiters.length ?? 0}` }, T0).ledger);
    const r = await transact(s, lockA("alice"), { sleep: async () => {} });
    expect(r).toMatchObject({ attempts: 3, wrote: true, version: "3" });
    const l = (await s.read()).ledger;
    expect(l.locks.map((k) => k.agent)).toEqual(["alice"]);
    expect(l.queues[0]!.waiters.map((w) => w.agent)).toEqual(["w0", "w1"]);
  });

  it("backs off exponentially with jitter, capped", async () => {
    const s = new MemoryStore();
    s.loseNextWrites(6);
    const { delays, sleep } = recorder();
    await transact(s, lockA("alice"), { sleep, random: () => 1, baseDelayMs: 10, maxDelayMs: 100, retries: 6 });
    expect(delays).toEqual([10, 20, 40, 80, 100, 100]);
    expect(backoffDelay(3, 10, 1000, () => 0)).toBe(20);
    expect(backoffDelay(3, 10, 1000, () => 0.5)).toBe(30);
  });

  it("gives up after the retries with a contention error saying how many attempts", async () => {
    const s = new MemoryStore();
    s.loseNextWrites(100);
    const { delays, sleep } = recorder();
    const err = await transact(s, lockA("alice"), { sleep, retries: 3 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LedgerError);
    expect((err as LedgerError).code).toBe("contention");
    expect((err as LedgerError).message).toBe(
      'The ledger kept changing under this update: 4 attempts lost the compare-and-swap race to other writers ("lock a.py by alice until 2026-11-23T21:30:00Z" was not applied). ' +
        "Try again in a moment; if it persists, something is rewriting the ledger in a loop.",
    );
    expect(delays).toHaveLength(3);
    expect(s.writes).toBe(4);
    // Defaults: 10 retries = 11 attempts.
    const s2 = new MemoryStore();
    s2.loseNextWrites(100);
    await expect(transact(s2, lockA("alice"), { sleep: async () => {} })).rejects.toThrow("11 attempts lost");
  });

  it("writes nothing over a corrupt ledger", async () => {
    const s = new MemoryStore({ text: '{"kind":"something-else"}' });
    await expect(transact(s, lockA("alice"))).rejects.toMatchObject({ code: "foreign" });
    expect(s.writes).toBe(0);
    expect(s.text).toBe('{"kind":"something-else"}');
  });

  it("16 concurrent transactions on one path: exactly one acquires, none is lost on different paths", async () => {
    const s = new MemoryStore();
    const slowStore = {
      read: async () => {
        await new Promise((r) => setTimeout(r, Math.random() * 3));
        return s.read();
      },
      write: async (l: Ledger, v: string | null, m: string) => {
        await new Promise((r) => setTimeout(r, Math.random() * 3));
        return s.write(l, v, m);
      },
    };
    const same = await Promise.all(Array.from({ length: 16 }, (_, i) => transact(slowStore, lockA(`agent-${i}`), { baseDelayMs: 1 })));
    expect(same.filter((r) => r.outcome.kind === "acquired")).toHaveLength(1);
    expect(same.filter((r) => r.outcome.kind === "held")).toHaveLength(15);
    const diff = await Promise.all(Array.from({ length: 16 }, (_, i) => transact(slowStore, lockA(`agent-${i}`, `p${i}.py`), { baseDelayMs: 1, retries: 40 })));
    expect(diff.every((r) => r.outcome.kind === "acquired")).toBe(true);
    expect((await s.read()).ledger.locks).toHaveLength(17);
  });

  it("rejects a negative retry count", async () => {
    await expect(transact(new MemoryStore(), lockA("a"), { retries: -1 })).rejects.toThrow("retries must be a non-negative integer, got -1");
  });
});
