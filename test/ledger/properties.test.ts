/**
 * Property tests of the ledger invariants (DESIGN.md §5), over random sequences of transitions with
 * random agents, changes, paths, globs and (non-monotonic) times:
 *  (1) never two live locks with intersecting paths held by different agents (in fact: never two
 *      locks at all, live or expired, whose paths intersect and whose holders differ);
 *  (2) a transition never removes or changes an entry it is not about;
 *  (3) expire removes exactly the expired entries;
 *  (4) serialize/parse round-trips, and "unchanged" is reported exactly when nothing changed.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { Ledger, Lock, QueueEntry } from "../../src/engine/types.js";
import { globsIntersect } from "../../src/engine/globs.js";
import { emptyLedger, parseLedger, serializeLedger } from "../../src/ledger/schema.js";
import {
  type TransitionResult,
  acquireLock,
  clearIntent,
  clearOverride,
  dequeue,
  enqueue,
  expire,
  extendLocks,
  isExpired,
  liveLocks,
  recordFootprint,
  releaseChange,
  releaseLock,
  removeFootprint,
  sameHolder,
  setOverride,
  signalIntent,
  startSession,
} from "../../src/ledger/transitions.js";
import { T0, deepFreeze, min } from "./fixtures.js";

const RUNS = 1000;

const agents = ["alice", "bob", "carol"] as const;
const changes = [undefined, "#1", "#2"] as const;
const paths = [
  "src/a.py",
  "src/b.py",
  "src/**",
  "src/*.py",
  "src/{a,c}.py",
  "docs/x.md",
  "docs/**",
  "**/*.md",
  "lib/c.ts",
  "lib/?.ts",
  "**",
] as const;

const agent = fc.constantFrom(...agents);
const change = fc.constantFrom(...changes);
const path = fc.constantFrom(...paths);
const minute = fc.integer({ min: 0, max: 90 });

type Op =
  | { t: "acquire"; path: string; agent: string; change?: string; ttl: number }
  | { t: "release"; path: string; agent: string; force: boolean }
  | { t: "extend"; agent: string; change?: string; paths?: string[]; minutes: number; maxTtl: number }
  | { t: "signal"; agent: string; change?: string; files: string[]; dur: number }
  | { t: "clear"; agent: string; change?: string }
  | { t: "footprint"; change: string; agent: string; headSha: string; files: string[] }
  | { t: "unfootprint"; change: string }
  | { t: "expire" }
  | { t: "enqueue"; path: string; agent: string; change?: string }
  | { t: "dequeue"; path: string; agent: string }
  | { t: "releaseChange"; change: string }
  | { t: "override"; change: string; by: string; reason: string }
  | { t: "clearOverride"; change: string }
  | { t: "session"; id: string };

type Timed = Op & { at: number };

const opt = (_k: "change", v: string | undefined): { change?: string } => (v === undefined ? {} : { change: v });

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ path, agent, change, ttl: fc.integer({ min: 1, max: 60 }) }).map(({ change: c, ...r }) => ({ t: "acquire" as const, ...r, ...opt("change", c) })) },
  { weight: 3, arbitrary: fc.record({ path, agent, force: fc.boolean() }).map((r) => ({ t: "release" as const, ...r })) },
  {
    weight: 2,
    arbitrary: fc
      .record({ agent, change, paths: fc.option(fc.subarray([...paths], { maxLength: 3 }), { nil: undefined }), minutes: fc.integer({ min: 1, max: 60 }), maxTtl: fc.integer({ min: 1, max: 120 }) })
      .map(({ change: c, paths: ps, ...r }) => ({ t: "extend" as const, ...r, ...opt("change", c), ...(ps ? { paths: ps } : {}) })),
  },
  { weight: 2, arbitrary: fc.record({ agent, change, files: fc.subarray([...paths], { minLength: 1, maxLength: 3 }), dur: fc.integer({ min: 1, max: 60 }) }).map(({ change: c, ...r }) => ({ t: "signal" as const, ...r, ...opt("change", c) })) },
  { weight: 1, arbitrary: fc.record({ agent, change }).map(({ change: c, ...r }) => ({ t: "clear" as const, ...r, ...opt("change", c) })) },
  { weight: 1, arbitrary: fc.record({ change: fc.constantFrom("#1", "#2", "#3"), agent, headSha: fc.constantFrom("aaa", "bbb"), files: fc.subarray(["src/a.py", "docs/x.md", "lib/c.ts"], { minLength: 1 }) }).map((r) => ({ t: "footprint" as const, ...r })) },
  { weight: 1, arbitrary: fc.constantFrom("#1", "#2", "#3").map((c) => ({ t: "unfootprint" as const, change: c })) },
  { weight: 2, arbitrary: fc.constant({ t: "expire" as const }) },
  { weight: 2, arbitrary: fc.record({ path, agent, change }).map(({ change: c, ...r }) => ({ t: "enqueue" as const, ...r, ...opt("change", c) })) },
  { weight: 1, arbitrary: fc.record({ path, agent }).map((r) => ({ t: "dequeue" as const, ...r })) },
  { weight: 1, arbitrary: fc.constantFrom("#1", "#2", "#3").map((c) => ({ t: "releaseChange" as const, change: c })) },
  { weight: 1, arbitrary: fc.record({ change: fc.constantFrom("#1", "#2"), by: fc.constantFrom("m1", "m2"), reason: fc.constantFrom("r1", "r2") }).map((r) => ({ t: "override" as const, ...r })) },
  { weight: 1, arbitrary: fc.constantFrom("#1", "#2").map((c) => ({ t: "clearOverride" as const, change: c })) },
  { weight: 1, arbitrary: fc.constantFrom("S1", "S2").map((id) => ({ t: "session" as const, id })) },
);

/** Mostly moving forward in time, sometimes jumping back (transitions must not assume a monotonic clock). */
const timedOps: fc.Arbitrary<Timed[]> = fc.array(fc.tuple(opArb, minute), { minLength: 1, maxLength: 25 }).map((xs) => xs.map(([op, m]) => ({ ...op, at: T0 + min(m) })));

function apply(l: Ledger, op: Timed, i: number): TransitionResult<unknown> {
  const now = op.at;
  switch (op.t) {
    case "acquire":
      return acquireLock(l, { path: op.path, agent: op.agent, stream: null, task: "t", ...opt("change", op.change), ttlMinutes: op.ttl, maxTtlMinutes: 480, queueGraceMinutes: 15, lease: `L${i}` }, now);
    case "release":
      return releaseLock(l, { path: op.path, agent: op.agent, force: op.force }, now);
    case "extend":
      return extendLocks(l, { agent: op.agent, ...opt("change", op.change), ...(op.paths ? { paths: op.paths } : {}), minutes: op.minutes, maxTtlMinutes: op.maxTtl }, now);
    case "signal":
      return signalIntent(l, { id: `I${i}`, agent: op.agent, stream: null, files: op.files, description: "d", durationMinutes: op.dur, ...opt("change", op.change) }, now);
    case "clear":
      return clearIntent(l, { agent: op.agent, ...opt("change", op.change) }, now);
    case "footprint":
      return recordFootprint(l, {
        change: op.change,
        agent: op.agent,
        stream: null,
        headSha: op.headSha,
        draft: false,
        files: op.files.map((p) => ({ path: p, changes: null })),
        recordedAt: new Date(now).toISOString(),
      });
    case "unfootprint":
      return removeFootprint(l, { change: op.change });
    case "expire":
      return expire(l, now);
    case "enqueue":
      return enqueue(l, { path: op.path, agent: op.agent, ...opt("change", op.change) }, now);
    case "dequeue":
      return dequeue(l, { path: op.path, agent: op.agent });
    case "releaseChange":
      return releaseChange(l, { change: op.change }, now);
    case "override":
      return setOverride(l, { change: op.change, by: op.by, reason: op.reason, at: new Date(T0).toISOString() });
    case "clearOverride":
      return clearOverride(l, { change: op.change });
    case "session":
      return startSession(l, { id: op.id }, now);
  }
}

interface About {
  lock: (k: Lock) => boolean;
  intent: (x: Ledger["intents"][number]) => boolean;
  footprint: (x: Ledger["footprints"][number]) => boolean;
  override: (x: Ledger["overrides"][number]) => boolean;
  waiter: (path: string, w: QueueEntry) => boolean;
  session: boolean;
}

const no = () => false;
const nothing: About = { lock: no, intent: no, footprint: no, override: no, waiter: no, session: false };

/** The waiter at the head of `path`'s queue in `l`, by identity (not object): it may be told (`notifiedAt`). */
const wasHead = (l: Ledger, path: string, w: QueueEntry): boolean => {
  const head = l.queues.find((q) => q.path === path)?.waiters[0];
  return head !== undefined && head.agent === w.agent && head.change === w.change && head.enqueuedAt === w.enqueuedAt;
};

/** What each transition is allowed to add, remove or change. Freeing a path may tell a queue head (`notifiedAt`). */
function aboutOf(op: Timed, before: Ledger, after: Ledger): About {
  const now = op.at;
  const told = (p: string, w: QueueEntry) => wasHead(before, p, w) || wasHead(after, p, w);
  switch (op.t) {
    case "acquire": {
      const h = { agent: op.agent, ...opt("change", op.change) };
      return {
        ...nothing,
        lock: (k) => (k.path === op.path && sameHolder(k, h)) || (isExpired(k, now) && globsIntersect(k.path, op.path)),
        // FIFO: the caller leaves or joins the queues of the path; their heads may be told or skipped.
        waiter: (p, w) => globsIntersect(p, op.path),
      };
    }
    case "release":
      return { ...nothing, lock: (k) => k.path === op.path && (op.force || k.agent === op.agent), waiter: told };
    case "extend":
      return {
        ...nothing,
        lock: (k) => k.agent === op.agent && (op.change === undefined || k.change === op.change) && (op.paths === undefined || op.paths.includes(k.path)),
      };
    case "signal":
    case "clear": {
      const h = { agent: op.agent, ...opt("change", op.change) };
      return { ...nothing, intent: (x) => sameHolder(x, h) };
    }
    case "footprint":
    case "unfootprint":
      return { ...nothing, footprint: (f) => f.change === op.change };
    case "expire":
      return { ...nothing, lock: (k) => isExpired(k, now), intent: (x) => isExpired(x, now), waiter: told };
    case "enqueue": {
      const h = { agent: op.agent, ...opt("change", op.change) };
      return { ...nothing, waiter: (p, w) => p === op.path && sameHolder(w, h) };
    }
    case "dequeue":
      return { ...nothing, waiter: (p, w) => p === op.path && w.agent === op.agent };
    case "releaseChange": {
      const c = op.change;
      return {
        lock: (k) => k.change === c,
        intent: (x) => x.change === c,
        footprint: (f) => f.change === c,
        override: (o) => o.change === c,
        // Its own places go; the next in line may be told.
        waiter: (p, w) => w.change === c || told(p, w),
        session: false,
      };
    }
    case "override":
    case "clearOverride":
      return { ...nothing, override: (o) => o.change === op.change };
    case "session":
      return { ...nothing, session: true };
  }
}

function checkCollection<T>(before: T[], after: T[], about: (x: T) => boolean, what: string): void {
  for (const e of before) if (!about(e) && !after.includes(e)) throw new Error(`${what}: an unrelated entry was dropped or changed: ${JSON.stringify(e)}`);
  for (const e of after) if (!before.includes(e) && !about(e)) throw new Error(`${what}: an unrelated entry appeared: ${JSON.stringify(e)}`);
}

function waiters(l: Ledger): Map<string, QueueEntry[]> {
  return new Map(l.queues.map((q) => [q.path, q.waiters]));
}

function checkUnrelated(before: Ledger, after: Ledger, a: About): void {
  checkCollection(before.locks, after.locks, a.lock, "locks");
  checkCollection(before.intents, after.intents, a.intent, "intents");
  checkCollection(before.footprints, after.footprints, a.footprint, "footprints");
  checkCollection(before.overrides, after.overrides, a.override, "overrides");
  if (!a.session) expect(after.session).toBe(before.session);
  const wb = waiters(before);
  const wa = waiters(after);
  for (const p of new Set([...wb.keys(), ...wa.keys()])) {
    const b = wb.get(p) ?? [];
    const c = wa.get(p) ?? [];
    checkCollection(b, c, (w) => a.waiter(p, w), `queue ${p}`);
    // FIFO: the unrelated waiters keep their relative order.
    expect(c.filter((w) => !a.waiter(p, w))).toStrictEqual(b.filter((w) => !a.waiter(p, w)));
  }
  expect(after.queues.every((q) => q.waiters.length > 0)).toBe(true);
}

/** Runs a sequence, calling `check` after every step. Inputs are deep-frozen: a mutation throws. */
function run(ops: Timed[], check: (before: Ledger, r: TransitionResult<unknown>, op: Timed) => void): void {
  let l: Ledger = deepFreeze(emptyLedger());
  ops.forEach((op, i) => {
    const r = apply(l, op, i);
    check(l, r, op);
    l = deepFreeze(r.ledger);
  });
}

describe("ledger invariants (property tests)", () => {
  it("(1) never two live locks on intersecting paths held by different agents", () => {
    fc.assert(
      fc.property(timedOps, fc.array(minute, { minLength: 1, maxLength: 4 }), (ops, probes) => {
        run(ops, (_before, r, op) => {
          const all = r.ledger.locks;
          // Strong form: no two locks at all (live or expired) whose paths intersect and whose holders differ.
          for (let i = 0; i < all.length; i++)
            for (let j = i + 1; j < all.length; j++) {
              const a = all[i]!;
              const b = all[j]!;
              if (!sameHolder(a, b) && globsIntersect(a.path, b.path)) throw new Error(`conflicting locks ${JSON.stringify(a)} / ${JSON.stringify(b)}`);
            }
          // The invariant as stated, at the transition's time and at random other times.
          for (const t of [op.at, ...probes.map((m) => T0 + min(m))]) {
            const live = liveLocks(r.ledger, t);
            for (const a of live) for (const b of live) if (a.agent !== b.agent) expect(globsIntersect(a.path, b.path)).toBe(false);
          }
        });
      }),
      { numRuns: RUNS },
    );
  });

  it("(2) a transition never drops or alters an entry it is not about, and never mutates its input", () => {
    fc.assert(
      fc.property(timedOps, (ops) => {
        run(ops, (before, r, op) => {
          checkUnrelated(before, r.ledger, aboutOf(op, before, r.ledger));
          if (op.t === "extend") {
            // Extending only moves expiry later; everything else about the lock stays.
            for (const k of r.ledger.locks) {
              if (before.locks.includes(k)) continue;
              const old = before.locks.find((x) => x.lease === k.lease)!;
              expect({ ...k, expiresAt: old.expiresAt }).toStrictEqual(old);
              expect(Date.parse(k.expiresAt)).toBeGreaterThan(Date.parse(old.expiresAt));
              expect(Date.parse(k.expiresAt)).toBeLessThanOrEqual(op.at + min(op.maxTtl));
            }
          }
        });
      }),
      { numRuns: RUNS },
    );
  });

  it("(3) expire removes exactly the expired locks and intents", () => {
    fc.assert(
      fc.property(timedOps, minute, (ops, m) => {
        const now = T0 + min(m);
        run([...ops, { t: "expire", at: now }], (before, r, op) => {
          if (op.t !== "expire") return;
          const out = r.outcome as { locks: Lock[]; intents: Ledger["intents"] };
          expect(r.ledger.locks).toStrictEqual(before.locks.filter((k) => Date.parse(k.expiresAt) > op.at));
          expect(r.ledger.intents).toStrictEqual(before.intents.filter((x) => Date.parse(x.expiresAt) > op.at));
          expect(out.locks).toStrictEqual(before.locks.filter((k) => Date.parse(k.expiresAt) <= op.at));
          expect(out.intents).toStrictEqual(before.intents.filter((x) => Date.parse(x.expiresAt) <= op.at));
          expect(r.ledger.footprints).toBe(before.footprints);
          // Queues keep every waiter in order; only heads the expiry freed are stamped as told.
          const plain = (qs: Ledger["queues"]) => qs.map((q) => ({ path: q.path, waiters: q.waiters.map(({ notifiedAt: _n, ...w }) => w) }));
          expect(plain(r.ledger.queues)).toStrictEqual(plain(before.queues));
          expect(r.ledger.overrides).toBe(before.overrides);
        });
      }),
      { numRuns: RUNS },
    );
  });

  it("(4) serialize/parse round-trips every ledger, and unchanged ⇔ same object ⇔ no message", () => {
    fc.assert(
      fc.property(timedOps, (ops) => {
        run(ops, (before, r) => {
          const text = serializeLedger(r.ledger);
          expect(parseLedger(text, "test")).toStrictEqual(r.ledger);
          const same = text === serializeLedger(before);
          expect(r.ledger === before).toBe(same);
          expect(r.message === null).toBe(same);
        });
      }),
      { numRuns: RUNS },
    );
  });
});
