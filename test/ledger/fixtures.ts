// Shared builders for ledger tests (not a test file itself).
import type { Footprint, Intent, Ledger, Lock } from "../../src/engine/types.js";
import { emptyLedger } from "../../src/ledger/schema.js";

export const T0 = Date.parse("2026-11-23T21:00:00Z");
export const min = (n: number): number => n * 60_000;
export const at = (minutes: number): string => new Date(T0 + min(minutes)).toISOString();

export function lock(p: Partial<Lock> & { path: string; agent: string }): Lock {
  return {
    lease: p.lease ?? `lease-${p.agent}-${p.path}`,
    path: p.path,
    agent: p.agent,
    stream: p.stream ?? null,
    task: p.task ?? "task",
    ...(p.change !== undefined ? { change: p.change } : {}),
    acquiredAt: p.acquiredAt ?? at(0),
    expiresAt: p.expiresAt ?? at(30),
  };
}

export function intent(p: Partial<Intent> & { id: string; agent: string }): Intent {
  return {
    id: p.id,
    agent: p.agent,
    stream: p.stream ?? null,
    files: p.files ?? ["src/a.py"],
    description: p.description ?? "work",
    durationMinutes: p.durationMinutes ?? 30,
    signalledAt: p.signalledAt ?? at(0),
    expiresAt: p.expiresAt ?? at(30),
    ...(p.change !== undefined ? { change: p.change } : {}),
  };
}

export function footprint(p: Partial<Footprint> & { change: string }): Footprint {
  return {
    change: p.change,
    agent: p.agent ?? "alice",
    stream: p.stream ?? "EXEC",
    headSha: p.headSha ?? "a".repeat(40),
    draft: p.draft ?? false,
    ...(p.title !== undefined ? { title: p.title } : {}),
    files: p.files ?? [{ path: "src/a.py", changes: [{ start: 3, end: 5, section: "def f" }] }],
    recordedAt: p.recordedAt ?? at(0),
  };
}

export function ledgerWith(p: Partial<Ledger>): Ledger {
  return { ...emptyLedger(), ...p };
}

/** Deep-freezes a value so any mutation by code under test throws (ESM is strict mode). */
export function deepFreeze<T>(v: T): T {
  if (v && typeof v === "object" && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v as object)) deepFreeze(x);
  }
  return v;
}

/** A ledger with every kind of claim, as a v1 document may hold it. */
export function fullLedger(): Ledger {
  return ledgerWith({
    session: { id: "S1", startedAt: at(0) },
    locks: [lock({ path: "execution/a.py", agent: "alice", stream: "EXEC", change: "#1" }), lock({ path: "docs/**", agent: "bob" })],
    intents: [intent({ id: "i1", agent: "carol", files: ["api/x.py", "api/**/*.ts"], stream: "API" })],
    footprints: [
      footprint({ change: "#1", files: [{ path: "execution/a.py", changes: [{ start: 3, end: 9, section: "def run():" }] }, { path: "execution/b.py", changes: null }] }),
      { ...footprint({ change: "#2", agent: "dan", draft: true, files: [{ path: "execution/a.py", changes: [{ start: 40, end: 41 }] }] }), stream: null, comment: 77, truncated: true },
    ],
    queues: [{ path: "execution/a.py", waiters: [{ agent: "erin", change: "#3", enqueuedAt: at(1) }, { agent: "fay", enqueuedAt: at(2) }] }],
    overrides: [{ change: "#2", by: "lead", reason: "hotfix", at: at(3), headSha: "abc" }],
  });
}

