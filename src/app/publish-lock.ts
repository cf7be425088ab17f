/**
 * One publisher per PR report at a time (issue 14). A PR's report (check run, sticky comment, labels)
 * is published by the PR's own events AND by other events that change its verdict (refreshes); the
 * comment is created only after a look-up finds none, so two publishers of one PR at once both
 * found none and both created one. `keyedSerial` orders a PR's OWN events only: a refresh of #7 by
 * #3's event ran beside #7's own event and beside the refreshes of #7 by every other event of the
 * same ledger batch — up to 27 copies of one report comment in a burst of 30 openings.
 *
 * `PublishLocks.run(key, fn)` runs `fn` while no other publisher of `key` ("owner/repo#n") runs:
 * - in one process, a queue per key (`localLocks`);
 * - across App replicas (REDIS_URL), the same plus a Redis lock per key (`SET key token NX PX ttl`,
 *   released only by its owner), so a replica's publisher waits for the other's and then finds its
 *   comment. The lock expires after `ttlMs` (a crashed replica frees it); `fn` is a few requests.
 *
 * Publishing is never nested (a publisher holds one key and takes no other), so there is no deadlock.
 */

import { keyedSerial } from "./serial.js";

export interface PublishLocks {
  run<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

export function localLocks(): PublishLocks {
  const serial = keyedSerial();
  return { run: (key, fn) => serial(key, fn) };
}

/** The few ioredis calls used (so tests and the App can hand any client that has them). */
export interface RedisLike {
  set(key: string, value: string, px: "PX", ms: number, nx: "NX"): Promise<string | null>;
  eval(script: string, keys: number, ...args: string[]): Promise<unknown>;
}

const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

export interface RedisLockOptions {
  /** How long a lock lives when its owner never releases it (crash). */
  ttlMs?: number;
  /** Longest wait for a lock before publishing fails (the delivery fails and is redelivered). */
  waitMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export function redisLocks(redis: RedisLike, opts: RedisLockOptions = {}): PublishLocks {
  const local = keyedSerial();
  const ttl = opts.ttlMs ?? 60_000;
  const wait = opts.waitMs ?? 120_000;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let n = 0;
  const owner = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  return {
    run: <T>(key: string, fn: () => Promise<T>): Promise<T> =>
      local(key, async () => {
        const name = `pucs:publish:${key}`;
        const token = `${owner}-${++n}`;
        const deadline = Date.now() + wait;
        for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
          if ((await redis.set(name, token, "PX", ttl, "NX")) === "OK") break;
          if (Date.now() > deadline) throw new Error(`another PUCS replica has been publishing ${key} for over ${Math.round(wait / 1000)} s (Redis lock ${name}); the delivery fails and can be redelivered`);
          await sleep(delay);
        }
        try {
          return await fn();
        } finally {
          await redis.eval(RELEASE, 1, name, token).catch(() => undefined);
        }
      }),
  };
}

/**
 * The App's locks: with REDIS_URL (the replicas' shared Redis, as Probot's throttling uses it), a
 * Redis lock per PR shared by every replica; without, this process's own.
 */
const IOREDIS = "ioredis";

export function locksFromEnv(env: NodeJS.ProcessEnv = process.env): PublishLocks {
  const url = env.REDIS_URL;
  if (!url) return localLocks();
  let ready: Promise<PublishLocks> | null = null;
  const get = () =>
    // Not bundled (a variable specifier): ioredis is a dependency, loaded from node_modules only with REDIS_URL.
    (ready ??= import(IOREDIS).then((m: { Redis: new (url: string, opts: object) => RedisLike & { on(e: string, f: () => void): void } }) => {
      const client = new m.Redis(url, { maxRetriesPerRequest: 5 });
      client.on("error", () => undefined); // a lost connection is retried by ioredis; a lock call then fails the delivery
      return redisLocks(client);
    }));
  return { run: async (key, fn) => (await get()).run(key, fn) };
}
