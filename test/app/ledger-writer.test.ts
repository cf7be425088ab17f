import { describe, expect, it } from "vitest";
import { LedgerWriter } from "../../src/app/ledger-writer.js";
import { emptyLedger } from "../../src/ledger/schema.js";
import { MemoryStore } from "../../src/ledger/memory-store.js";
import { acquireLock, enqueue } from "../../src/ledger/transitions.js";

const NOW = Date.parse("2026-11-23T12:00:00Z");
const lock = (path: string, change: string) => (l: ReturnType<typeof emptyLedger>) =>
  acquireLock(l, { path, agent: `a${change}`, stream: null, task: "t", change, ttlMinutes: 30, maxTtlMinutes: 480, queueGraceMinutes: 15, lease: `L${change}` }, NOW);

describe("LedgerWriter", () => {
  it("a batch about to commit waits for updates announced to it (a burst: one commit), up to its bound; busy() says a burst is under way", async () => {
    const store = new MemoryStore();
    const w = new LedgerWriter({ sleep: async () => {} }, 2000);
    const a = w.announce("r");
    const b = w.announce("r");
    expect([w.busy("r", 1), w.busy("x", 0)]).toEqual([true, false]);
    a();
    const first = w.update("r", store, lock("a.py", "#1"));
    // B is still reading when A's update is queued: A's batch waits for it.
    await new Promise((r) => setTimeout(r, 50));
    expect(store.log).toEqual([]);
    b();
    const second = w.update("r", store, lock("b.py", "#2"));
    const rs = await Promise.all([first, second]);
    expect(rs.map((r) => r.batched)).toEqual([2, 2]);
    expect(store.log).toHaveLength(1);
    // An announced update that never comes holds a batch back no longer than the bound.
    const w2 = new LedgerWriter({ sleep: async () => {} }, 30);
    w2.announce("r");
    const t0 = Date.now();
    await w2.update("r", new MemoryStore(), lock("c.py", "#3"));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(25);
    expect(w2.busy("r", 0)).toBe(true); // still announced, never arrived
  });


  it("updates issued together are ONE commit; each caller gets its own outcome after the CAS", async () => {
    const store = new MemoryStore();
    const w = new LedgerWriter({ sleep: async () => {} });
    const rs = await Promise.all([
      w.update("r", store, lock("a.py", "#1")),
      w.update("r", store, lock("b.py", "#2")),
      w.update("r", store, lock("a.py", "#3")),
    ]);
    expect(store.log.map((c) => c.message)).toEqual([
      "lock a.py by a#1 (#1) until 2026-11-23T12:30:00Z\nlock b.py by a#2 (#2) until 2026-11-23T12:30:00Z",
    ]);
    expect(rs.map((r) => [r.outcome.kind, r.batched, r.wrote])).toEqual([
      ["acquired", 3, true],
      ["acquired", 3, true],
      ["held", 3, true],
    ]);
    expect(rs[0]!.before).toEqual(emptyLedger());
    expect(rs[0]!.after.locks.map((k) => k.path)).toEqual(["a.py", "b.py"]);
  });

  it("updates arriving while a commit is in flight share the NEXT commit", async () => {
    const store = new MemoryStore();
    const w = new LedgerWriter({ sleep: async () => {} });
    const first = w.update("r", store, lock("a.py", "#1"));
    await new Promise((r) => setImmediate(r)); // the first batch has started
    const later = [w.update("r", store, (l) => enqueue(l, { path: "a.py", agent: "x", change: "#2" }, NOW)), w.update("r", store, lock("c.py", "#3"))];
    await Promise.all([first, ...later]);
    expect(store.log.map((c) => c.message.split("\n").length)).toEqual([1, 2]);
    expect(w.commits).toBe(2);
  });

  it("different repositories never share a commit; a failure rejects every caller of its batch", async () => {
    const s1 = new MemoryStore();
    const s2 = new MemoryStore({ text: "{ corrupt" });
    const w = new LedgerWriter({ sleep: async () => {} });
    const [ok, bad] = await Promise.allSettled([w.update("r1", s1, lock("a.py", "#1")), w.update("r2", s2, lock("a.py", "#1"))]);
    expect(ok.status).toBe("fulfilled");
    expect(bad.status).toBe("rejected");
    expect(s1.log).toHaveLength(1);
  });
});
