/**
 * src/app/publish-lock.ts: one publisher per key, in a process and across processes (a Redis lock:
 * SET NX PX, released only by its owner). The Redis side is a small in-memory model of the two
 * commands used; test/e2e/replicas.test.ts runs the real thing.
 */
import { describe, expect, it } from "vitest";
import { localLocks, redisLocks, type RedisLike } from "../../src/app/publish-lock.js";

/** SET key value PX ms NX and the owner-only delete script, over a Map (expiry by a settable clock). */
function fakeRedis(): RedisLike & { keys: Map<string, { value: string; until: number }>; now: number } {
  const keys = new Map<string, { value: string; until: number }>();
  const r = {
    keys,
    now: 0,
    async set(key: string, value: string, _px: "PX", ms: number, _nx: "NX"): Promise<string | null> {
      const cur = keys.get(key);
      if (cur && cur.until > r.now) return null;
      keys.set(key, { value, until: r.now + ms });
      return "OK";
    },
    async eval(_script: string, _n: number, key: string, token: string): Promise<unknown> {
      if (keys.get(key)?.value === token) {
        keys.delete(key);
        return 1;
      }
      return 0;
    },
  };
  return r;
}

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 1));

describe("publish locks", () => {
  it("in one process: one fn per key at a time, other keys in parallel", async () => {
    const locks = localLocks();
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const a1 = locks.run("r#1", async () => {
      order.push("a1 start");
      await gate;
      order.push("a1 end");
    });
    const a2 = locks.run("r#1", async () => void order.push("a2"));
    const b = locks.run("r#2", async () => void order.push("b"));
    await b;
    expect(order).toEqual(["a1 start", "b"]);
    release();
    await Promise.all([a1, a2]);
    expect(order).toEqual(["a1 start", "b", "a1 end", "a2"]);
  });

  it("two processes sharing Redis: the second waits for the first's lock, and a lock is released by its owner only", async () => {
    const redis = fakeRedis();
    const p1 = redisLocks(redis, { sleep: tick });
    const p2 = redisLocks(redis, { sleep: tick });
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = p1.run("o/r#7", async () => {
      order.push("p1 start");
      await gate;
      order.push("p1 end");
    });
    await tick();
    const second = p2.run("o/r#7", async () => void order.push("p2"));
    for (let i = 0; i < 20; i++) await tick();
    expect(order).toEqual(["p1 start"]);
    expect([...redis.keys.keys()]).toEqual(["pucs:publish:o/r#7"]);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(["p1 start", "p1 end", "p2"]);
    expect(redis.keys.size).toBe(0);
  });

  it("a lock whose owner died expires (ttl), and a publisher that cannot get one within waitMs fails with a message saying so", async () => {
    const redis = fakeRedis();
    await redis.set("pucs:publish:o/r#1", "dead-owner", "PX", 1000, "NX");
    const p = redisLocks(redis, { sleep: async () => void (redis.now += 600), waitMs: 60_000 });
    let ran = false;
    await p.run("o/r#1", async () => void (ran = true));
    expect(ran).toBe(true);

    await redis.set("pucs:publish:o/r#2", "stuck", "PX", 10 ** 12, "NX");
    const impatient = redisLocks(redis, { sleep: tick, waitMs: 0 });
    await expect(impatient.run("o/r#2", async () => "never")).rejects.toThrow(/another PUCS replica has been publishing o\/r#2/);
  });

  it("releases the lock when the publisher throws", async () => {
    const redis = fakeRedis();
    const p = redisLocks(redis, { sleep: tick });
    await expect(p.run("o/r#3", async () => Promise.reject(new Error("GitHub said no")))).rejects.toThrow("GitHub said no");
    expect(redis.keys.size).toBe(0);
  });
});
