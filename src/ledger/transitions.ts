/**
 * Pure ledger transitions: (ledger, args, now) → { ledger, outcome, message }.
 *
 * Rules every transition keeps:
 * - Pure: no clock (time is `now`, epoch ms), no randomness (lease and intent ids are passed in),
 *   the input ledger is never mutated.
 * - When nothing changes, the SAME ledger object is returned (`result.ledger === input`) and
 *   `message` is null: callers skip the write. Otherwise `message` is the audit line for the commit.
 * - An entry the transition is not about is never dropped or altered. The only entries removed
 *   "on the side" are documented: an acquisition drops EXPIRED locks whose paths intersect the
 *   acquired path (named in the message) and removes the acquirer's own queue entry for that path.
 * - Output arrays are in canonical order (see schema.ts), so serialize/parse round-trips exactly.
 *
 * A holder is (agent, change): the same agent working through two changes holds two different
 * claims. Expired = `expiresAt <= now`. Live locks conflict when `globsIntersect` says their paths
 * can match a common file and their holders differ.
 */
import type { Change, Config, Conflict, Footprint, GateOverride, Intent, Ledger, Lock, QueueEntry, Session } from "../engine/types.js";
import type { BreakerFailure, CircuitBreakerConfig, Handoff, StreamBreaker } from "../engine/types.js";
import type { Arbitration, ArbitrationDecision, MergedChange } from "../engine/types.js";
import type { AgentRecord } from "../engine/types.js";
import { nextSessionId } from "../engine/session.js";
import { breakerOf, breakerState, describeBreaker, type BreakerState } from "../engine/breaker.js";
import { blocksIntent, evaluate } from "../engine/evaluate.js";
import { globsIntersect } from "../engine/globs.js";
import { formatDuration } from "../engine/duration.js";
import {
  FootprintSchema,
  GateOverrideSchema,
  compareAgents,
  compareFootprints,
  compareIntents,
  compareLocks,
  compareOverrides,
  compareQueues,
  serializeLedger,
} from "./schema.js";

export interface TransitionResult<O> {
  ledger: Ledger;
  outcome: O;
  /** Audit line for the commit; null exactly when the ledger is unchanged. */
  message: string | null;
}

/** A waiter who can now take a path that was just freed. */
export interface Notice {
  path: string;
  next: QueueEntry;
}

// ---------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------

const MINUTE = 60_000;

function checkNow(now: number): void {
  if (!Number.isFinite(now)) throw new RangeError(`now must be a finite epoch-ms number, got ${now}`);
}

function checkMinutes(name: string, v: number): void {
  if (!Number.isFinite(v) || v <= 0) throw new RangeError(`${name} must be a positive number of minutes, got ${v}`);
}

function checkNonEmpty(name: string, v: string): void {
  if (typeof v !== "string" || v.length === 0) throw new TypeError(`${name} must be a non-empty string`);
}

export function isoTime(ms: number): string {
  return new Date(Math.round(ms)).toISOString();
}

/** "2026-11-23T21:30:00Z" (drops ".000" when there are no milliseconds). */
export function shortTime(iso: string): string {
  return iso.replace(/\.000Z$/, "Z");
}

const ms = (iso: string): number => Date.parse(iso);

export function isExpired(entry: { expiresAt: string }, now: number): boolean {
  return ms(entry.expiresAt) <= now;
}

interface Holder {
  agent: string;
  change?: string;
}

export function sameHolder(a: Holder, b: Holder): boolean {
  return a.agent === b.agent && (a.change ?? null) === (b.change ?? null);
}

/**
 * Whether `claim` is the holder's own: the same holder, or a claim its agent made without a change (a
 * local agent's claim covers all its work). The engine's `ownsClaim` (src/engine/change.ts) is the same rule.
 */
export function ownedBy(claim: Holder, holder: Holder): boolean {
  return sameHolder(claim, holder) || (claim.change === undefined && claim.agent === holder.agent);
}

/** "exec-agent-1 (EXEC, #12)", "exec-agent-1 (EXEC)", "exec-agent-1". */
export function holderLabel(h: { agent: string; stream?: string | null; change?: string }): string {
  const tags = [h.stream ?? null, h.change ?? null].filter((x): x is string => x !== null && x !== "");
  return tags.length > 0 ? `${h.agent} (${tags.join(", ")})` : h.agent;
}

function listPaths(paths: string[], max = 5): string {
  const shown = paths.slice(0, max).join(", ");
  return paths.length > max ? `${shown} (+${paths.length - max} more)` : shown;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function withLedger(l: Ledger, patch: Partial<Omit<Ledger, "kind" | "schemaVersion">>): Ledger {
  const next: Ledger = { ...l, ...patch };
  if (patch.locks) next.locks = [...patch.locks].sort(compareLocks);
  if (patch.intents) next.intents = [...patch.intents].sort(compareIntents);
  if (patch.footprints) next.footprints = [...patch.footprints].sort(compareFootprints);
  if (patch.queues) next.queues = [...patch.queues].sort(compareQueues);
  if (patch.overrides) next.overrides = [...patch.overrides].sort(compareOverrides);
  return next;
}

const unchanged = <O>(ledger: Ledger, outcome: O): TransitionResult<O> => ({ ledger, outcome, message: null });

// ---------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------

export function liveLocks(l: Ledger, now: number): Lock[] {
  return l.locks.filter((k) => !isExpired(k, now));
}

export function liveIntents(l: Ledger, now: number): Intent[] {
  return l.intents.filter((i) => !isExpired(i, now));
}

/** Live locks held by another holder than `holder` (agent and change) whose paths can share a file with `path`. */
export function conflictingLocks(l: Ledger, path: string, holder: Holder, now: number): Lock[] {
  return liveLocks(l, now)
    .filter((k) => !sameHolder(k, holder) && globsIntersect(k.path, path))
    .sort(compareLocks);
}

/** 1-based position of the holder in the queue for `path` (exact path), or null. */
export function queuePosition(l: Ledger, path: string, holder: Holder): number | null {
  const q = l.queues.find((x) => x.path === path);
  const i = q ? q.waiters.findIndex((w) => sameHolder(w, holder)) : -1;
  return i >= 0 ? i + 1 : null;
}

/**
 * After locks were removed (`before` → `after`): the head of every queue whose path intersects a
 * freed path, who can take it now (no live lock of another holder blocks it in `after`) and could
 * not before (not yet at the head, or blocked by a live lock or by one of the `removed` locks, expired
 * or not: an expired lock nobody has cleaned up yet is news when it goes). In canonical (path) order.
 */
export function noticesFor(before: Ledger, after: Ledger, freedPaths: string[], now: number, removed: Lock[] = []): Notice[] {
  if (freedPaths.length === 0) return [];
  const out: Notice[] = [];
  for (const q of after.queues) {
    const head = q.waiters[0];
    if (!head) continue;
    if (!freedPaths.some((p) => globsIntersect(p, q.path))) continue;
    if (conflictingLocks(after, q.path, head, now).length > 0) continue;
    const headBefore = before.queues.find((x) => x.path === q.path)?.waiters[0];
    const blockedBefore =
      conflictingLocks(before, q.path, head, now).length > 0 ||
      removed.some((k) => !sameHolder(k, head) && globsIntersect(k.path, q.path));
    if (headBefore !== undefined && sameHolder(headBefore, head) && !blockedBefore) continue;
    out.push({ path: q.path, next: head });
  }
  return out;
}

/**
 * Marks the waiters named in `notices` as told (`notifiedAt = now`, kept when already set): their
 * `queue_grace` runs from then. Same object when nothing changes.
 */
export function stampNotified(l: Ledger, notices: readonly Notice[], now: number): Ledger {
  if (notices.length === 0) return l;
  let changed = false;
  const queues = l.queues.map((q) => {
    const n = notices.find((x) => x.path === q.path);
    const head = q.waiters[0];
    if (!n || !head || !sameHolder(head, n.next) || head.notifiedAt !== undefined) return q;
    changed = true;
    return { path: q.path, waiters: [{ ...head, notifiedAt: isoTime(now) }, ...q.waiters.slice(1)] };
  });
  return changed ? { ...l, queues } : l;
}

function removeFromQueue(l: Ledger, path: string, match: (w: QueueEntry) => boolean): { queues: Ledger["queues"]; removed: QueueEntry[] } {
  const removed: QueueEntry[] = [];
  const queues: Ledger["queues"] = [];
  for (const q of l.queues) {
    if (q.path !== path) {
      queues.push(q);
      continue;
    }
    const keep = q.waiters.filter((w) => {
      if (match(w)) {
        removed.push(w);
        return false;
      }
      return true;
    });
    if (removed.length === 0) queues.push(q);
    else if (keep.length > 0) queues.push({ path: q.path, waiters: keep });
  }
  return { queues, removed };
}

// ---------------------------------------------------------------------------
// Session
// ---------------------------------------------------------------------------

export type StartSessionOutcome = { kind: "started"; session: Session; previous: Session | null } | { kind: "existing"; session: Session };

/** Starts session `id` (replacing another session's metadata; claims are untouched). Same id → unchanged. */
export function startSession(l: Ledger, args: { id: string }, now: number): TransitionResult<StartSessionOutcome> {
  checkNow(now);
  checkNonEmpty("session id", args.id);
  if (l.session && l.session.id === args.id) return unchanged(l, { kind: "existing", session: l.session });
  const session: Session = { id: args.id, startedAt: isoTime(now) };
  const message = l.session
    ? `start session ${args.id} (replacing ${l.session.id})`
    : `start session ${args.id}`;
  return { ledger: withLedger(l, { session }), outcome: { kind: "started", session, previous: l.session }, message };
}

/** Starts a new session with the next free id of `now`'s day (`PUCS-YYYYMMDD-NNN`, chosen inside the compare-and-swap). */
export function startNewSession(l: Ledger, now: number): TransitionResult<StartSessionOutcome> {
  checkNow(now);
  return startSession(l, { id: nextSessionId(l, now) }, now);
}

// ---------------------------------------------------------------------------
// Agent registry (seed §6 steps 1-2, §4.1)
// ---------------------------------------------------------------------------

export interface RegisterAgentArgs {
  agent: string;
  stream: string | null;
  /** A session id; "new" = the next free id of the day; omitted = the agent's current session, else the ledger's, else a new one. */
  session?: string;
  worktree: string | null;
}

export type RegisterAgentOutcome = {
  kind: "registered" | "updated";
  agent: AgentRecord;
  previous: AgentRecord | null;
  /** The session id was generated by this registration. */
  newSession: boolean;
};

/** The session a claim by `agent` is recorded in: its registered session, else the ledger's; undefined when neither. */
export function sessionOf(l: Ledger, agent: string): string | undefined {
  const registered = (l.agents ?? []).find((a) => a.agent === agent)?.session;
  return registered ?? l.session?.id ?? undefined;
}

function withSessionOf<A extends { agent: string; session?: string }>(l: Ledger, args: A): A {
  if (args.session !== undefined) return args;
  const session = sessionOf(l, args.agent);
  return session === undefined ? args : { ...args, session };
}

function withAgents(l: Ledger, agents: AgentRecord[]): Ledger {
  return { ...l, agents: [...agents].sort(compareAgents) };
}

/** A registered agent's "last seen" moved to `now` (unchanged when it is not registered). */
export function touchAgent(l: Ledger, agent: string, now: number): Ledger {
  const prev = (l.agents ?? []).find((a) => a.agent === agent);
  const at = isoTime(now);
  if (!prev || prev.lastSeen >= at) return l;
  return withAgents(l, l.agents!.map((a) => (a === prev ? { ...a, lastSeen: at } : a)));
}

/** A claim that wrote something refreshes its agent's "last seen" in the same write. */
function seen<O>(r: TransitionResult<O>, agent: string, now: number): TransitionResult<O> {
  if (r.message === null) return r;
  const ledger = touchAgent(r.ledger, agent, now);
  return ledger === r.ledger ? r : { ...r, ledger };
}

/**
 * Records an agent (seed §6 REGISTER): its stream, session, worktree, first and last seen. Registering
 * again updates the record (first seen stays). The session is resolved here, inside the compare-and-swap,
 * so two agents asking for a new session at once get two ids. Claims keep "last seen" current (`touchAgent`).
 */
export function registerAgent(l: Ledger, args: RegisterAgentArgs, now: number): TransitionResult<RegisterAgentOutcome> {
  checkNow(now);
  checkNonEmpty("agent", args.agent);
  const previous = (l.agents ?? []).find((a) => a.agent === args.agent) ?? null;
  const existing = args.session === undefined ? (previous?.session ?? l.session?.id ?? null) : args.session === "new" ? null : args.session;
  const session = existing ?? nextSessionId(l, now);
  const at = isoTime(now);
  const agent: AgentRecord = {
    agent: args.agent,
    stream: args.stream,
    session,
    worktree: args.worktree,
    firstSeen: previous?.firstSeen ?? at,
    lastSeen: previous && previous.lastSeen > at ? previous.lastSeen : at,
  };
  const outcome: RegisterAgentOutcome = { kind: previous ? "updated" : "registered", agent, previous, newSession: existing === null };
  if (previous && JSON.stringify(previous) === JSON.stringify(agent)) return unchanged(l, outcome);
  const others = (l.agents ?? []).filter((a) => a !== previous);
  const where = [args.stream ?? "no stream", `session ${session}`].join(", ");
  return {
    ledger: withAgents(l, [...others, agent]),
    outcome,
    message: `${previous ? "re-register" : "register"} agent ${args.agent} (${where})${args.worktree ? ` at ${args.worktree}` : ""}`,
  };
}

// ---------------------------------------------------------------------------
// Locks
// ---------------------------------------------------------------------------

/**
 * The one reason a claim past `locks.max_ttl` is refused, whichever surface asked (the CLI prints it,
 * the App replies with it).
 */
export function tooLongReason(what: "lock" | "intent" | "extension", askedMinutes: number, maxTtlMinutes: number): string {
  const asked = formatDuration(askedMinutes * MINUTE);
  const max = formatDuration(maxTtlMinutes * MINUTE);
  const then = what === "intent" ? "declare less and signal again later" : what === "lock" ? "ask for less and extend it later" : "extend by less, again later if needed";
  return `a${what === "intent" || what === "extension" ? "n" : ""} ${what} of ${asked} is longer than the configured locks.max_ttl (${max}): ${then}`;
}

export interface AcquireLockArgs {
  path: string;
  agent: string;
  stream: string | null;
  task: string;
  change?: string;
  ttlMinutes: number;
  /** Lease id for a new lock (random, from the caller). Unused on renewal. */
  lease: string;
  /** `locks.max_ttl`: a longer ttl is refused ("too-long"). */
  maxTtlMinutes: number;
  /** `locks.queue_grace`: a queue head told the path is free and silent this long is skipped. */
  queueGraceMinutes: number;
  /** The session the lock is taken in; omitted = the agent's registered session, else the ledger's (see sessionOf). */
  session?: string;
}

export type AcquireLockOutcome =
  /** skipped: queue heads passed over because they stayed silent past the grace after being told. */
  | { kind: "acquired"; lock: Lock; droppedExpired: Lock[]; skipped: QueuedSkip[] }
  /** The same holder already held exactly this path live: expiry extended (never shortened). */
  | { kind: "renewed"; lock: Lock; droppedExpired: Lock[]; skipped: QueuedSkip[] }
  /** The caller's agent holds it already without a change (a local lock): that lock covers the change too. */
  | { kind: "covered"; lock: Lock }
  /** Another holder's live lock intersects: nothing written. queuePosition = the caller's place in this path's queue, if queued. */
  | { kind: "held"; lock: Lock; queuePosition?: number }
  /**
   * Free, but others wait in line for it (FIFO): the caller is queued (or already was) at `position` of
   * `path`'s queue behind `head`, who is told it may take it now (`notify`).
   */
  | { kind: "queued"; path: string; position: number; already: boolean; head: QueueEntry; notify: Notice[]; skipped: QueuedSkip[] }
  /** The ttl asked for is longer than `locks.max_ttl`: nothing written. */
  | { kind: "too-long"; maxTtlMinutes: number; reason: string }
  /** The stream's circuit breaker refuses new claims (OPEN, or HALF_OPEN with its one trial taken): nothing written. */
  | BreakerOpenOutcome;

/** A waiter removed from a queue because it stayed silent past `queue_grace` after being told. */
export interface QueuedSkip {
  path: string;
  entry: QueueEntry;
}

/**
 * One queue rule for every surface: while a path has waiters, only the head of its queue may take it.
 * Returns the queues with silent heads removed (told at `notifiedAt`, silent for `graceMinutes`), the
 * skips, and the first queue (intersecting `path`) whose head is someone else.
 */
function queueGate(l: Ledger, path: string, holder: Holder, now: number, graceMinutes: number): { queues: Ledger["queues"]; skipped: QueuedSkip[]; ahead: { path: string; head: QueueEntry } | null } {
  const skipped: QueuedSkip[] = [];
  let ahead: { path: string; head: QueueEntry } | null = null;
  const queues = l.queues.map((q) => {
    if (!globsIntersect(q.path, path)) return q;
    let waiters = q.waiters;
    while (waiters.length > 0) {
      const head = waiters[0]!;
      if (ownedBy(head, holder)) break;
      const told = head.notifiedAt !== undefined ? ms(head.notifiedAt) : null;
      if (told === null || now - told < graceMinutes * MINUTE) {
        ahead ??= { path: q.path, head };
        break;
      }
      skipped.push({ path: q.path, entry: head });
      waiters = waiters.slice(1);
    }
    return waiters === q.waiters ? q : { path: q.path, waiters };
  });
  return { queues: queues.filter((q) => q.waiters.length > 0), skipped, ahead };
}

function skipNote(skipped: readonly QueuedSkip[], graceMinutes: number): string {
  return skipped.length > 0
    ? `; skipped ${skipped.map((x) => `${holderLabel(x.entry)} in the queue for ${x.path}`).join(", ")} (silent ${graceMinutes} min after being told it was free)`
    : "";
}

function acquireLockUnguarded(l: Ledger, args: AcquireLockArgs, now: number): TransitionResult<AcquireLockOutcome> {
  checkNow(now);
  checkNonEmpty("lock path", args.path);
  checkNonEmpty("agent", args.agent);
  checkNonEmpty("lease", args.lease);
  checkMinutes("ttlMinutes", args.ttlMinutes);
  checkMinutes("maxTtlMinutes", args.maxTtlMinutes);
  if (!Number.isFinite(args.queueGraceMinutes) || args.queueGraceMinutes < 0) throw new RangeError(`queueGraceMinutes must be a number of minutes >= 0, got ${args.queueGraceMinutes}`);
  if (args.ttlMinutes > args.maxTtlMinutes) return unchanged(l, { kind: "too-long", maxTtlMinutes: args.maxTtlMinutes, reason: tooLongReason("lock", args.ttlMinutes, args.maxTtlMinutes) });
  const holder: Holder = { agent: args.agent, ...(args.change !== undefined ? { change: args.change } : {}) };

  const blockers = conflictingLocks(l, args.path, holder, now);
  const foreign = blockers.filter((k) => !ownedBy(k, holder));
  if (foreign[0]) {
    const pos = queuePosition(l, args.path, holder);
    return unchanged(l, { kind: "held", lock: foreign[0], ...(pos !== null ? { queuePosition: pos } : {}) });
  }
  // The agent's own change-less lock (taken locally) already covers this change: one holder, one lock.
  if (blockers[0]) return unchanged(l, { kind: "covered", lock: blockers[0] });

  // FIFO: while others wait in line for the path, only the head may take it.
  const gateQ = queueGate(l, args.path, holder, now, args.queueGraceMinutes);
  const skipNoteText = skipNote(gateQ.skipped, args.queueGraceMinutes);
  if (gateQ.ahead) {
    const { path: qPath, head } = gateQ.ahead;
    let cur = gateQ.skipped.length > 0 ? withLedger(l, { queues: gateQ.queues }) : l;
    const notice: Notice = { path: qPath, next: head };
    const told = stampNotified(cur, [notice], now);
    const notify = told !== cur ? [notice] : [];
    cur = told;
    const pos = queuePosition(cur, qPath, holder);
    let position: number;
    let already = true;
    if (pos !== null) position = pos;
    else {
      const q = enqueue(cur, { path: qPath, agent: args.agent, ...(args.change !== undefined ? { change: args.change } : {}) }, now);
      cur = q.ledger;
      position = q.outcome.position;
      already = false;
    }
    const outcome: AcquireLockOutcome = { kind: "queued", path: qPath, position, already, head, notify, skipped: gateQ.skipped };
    if (cur === l) return unchanged(l, outcome);
    const parts = [
      ...(already ? [] : [`queue ${holderLabel(holder)} for ${qPath} (position ${position}): ${holderLabel(head)} is first in line`]),
      ...(notify.length > 0 ? [`tell ${holderLabel(head)} that ${qPath} is free`] : []),
    ];
    return { ledger: cur, outcome, message: `${parts.join("; ") || `queue for ${qPath}`}${skipNoteText}` };
  }
  const base = gateQ.skipped.length > 0 ? withLedger(l, { queues: gateQ.queues }) : l;

  const droppedExpired = base.locks
    .filter((k) => isExpired(k, now) && globsIntersect(k.path, args.path))
    .sort(compareLocks);
  const own = base.locks.find((k) => k.path === args.path && sameHolder(k, holder) && !isExpired(k, now));
  // The caller leaves every queue it headed for a path this lock covers.
  let queues = base.queues;
  let left = 0;
  for (const q of base.queues) {
    if (!globsIntersect(q.path, args.path)) continue;
    const r = removeFromQueue({ ...base, queues }, q.path, (w) => sameHolder(w, holder));
    queues = r.queues;
    left += r.removed.length;
  }
  const queuesChanged = queues !== base.queues || base !== l;
  const until = isoTime(now + args.ttlMinutes * MINUTE);
  const dropNote =
    droppedExpired.length > 0
      ? `; dropped expired ${droppedExpired.map((k) => `${k.path} by ${holderLabel(k)} (expired ${shortTime(k.expiresAt)})`).join(", ")}`
      : "";
  const queueNote = left > 0 ? "; left its queue" : "";

  if (own) {
    const expiresAt = ms(own.expiresAt) >= ms(until) ? own.expiresAt : until;
    const lock: Lock = expiresAt === own.expiresAt ? own : { ...own, expiresAt };
    if (lock === own && droppedExpired.length === 0 && !queuesChanged) {
      return unchanged(l, { kind: "renewed", lock, droppedExpired, skipped: [] });
    }
    const locks = base.locks.filter((k) => k !== own && !droppedExpired.includes(k)).concat(lock);
    return {
      ledger: withLedger(base, { locks, ...(queuesChanged ? { queues } : {}) }),
      outcome: { kind: "renewed", lock, droppedExpired, skipped: gateQ.skipped },
      message: `renew lock ${lock.path} by ${holderLabel(lock)} until ${shortTime(lock.expiresAt)}${dropNote}${queueNote}${skipNoteText}`,
    };
  }

  const lock: Lock = {
    lease: args.lease,
    path: args.path,
    agent: args.agent,
    stream: args.stream,
    task: args.task,
    ...(args.change !== undefined ? { change: args.change } : {}),
    acquiredAt: isoTime(now),
    expiresAt: until,
    ...(args.session !== undefined ? { session: args.session } : {}),
  };
  const locks = base.locks.filter((k) => !droppedExpired.includes(k)).concat(lock);
  return {
    ledger: withLedger(base, { locks, ...(queuesChanged ? { queues } : {}) }),
    outcome: { kind: "acquired", lock, droppedExpired, skipped: gateQ.skipped },
    message: `lock ${lock.path} by ${holderLabel(lock)} until ${shortTime(lock.expiresAt)}${dropNote}${queueNote}${skipNoteText}`,
  };
}

export interface ReleaseLockArgs {
  path: string;
  agent: string;
  /** Maintainers releasing someone else's lock. */
  force?: boolean;
}

export type ReleaseLockOutcome =
  /** next: head of this path's queue, when nothing else still blocks it (who should be told). notify: every queue head the release unblocked. */
  | { kind: "released"; lock: Lock; next?: QueueEntry; notify: Notice[] }
  | { kind: "not-locked" }
  | { kind: "not-holder"; lock: Lock };

/**
 * Releases the lock on exactly `path`. The agent's own locks there (live or expired, any change) are
 * removed; with `force`, every lock on that path is. Without force, another holder's live lock →
 * not-holder; another holder's expired lock counts as not locked (`expire` removes it).
 */
export function releaseLock(l: Ledger, args: ReleaseLockArgs, now: number): TransitionResult<ReleaseLockOutcome> {
  checkNow(now);
  checkNonEmpty("lock path", args.path);
  checkNonEmpty("agent", args.agent);
  const atPath = l.locks.filter((k) => k.path === args.path).sort(compareLocks);
  const own = atPath.filter((k) => k.agent === args.agent);
  let removed: Lock[];
  if (args.force) removed = atPath;
  else if (own.length > 0) removed = own;
  else {
    const other = atPath.find((k) => !isExpired(k, now));
    return unchanged(l, other ? { kind: "not-holder", lock: other } : { kind: "not-locked" });
  }
  if (removed.length === 0) return unchanged(l, { kind: "not-locked" });
  const lock = removed.find((k) => !isExpired(k, now)) ?? removed[0]!;
  const freed = withLedger(l, { locks: l.locks.filter((k) => !removed.includes(k)) });
  const notify = noticesFor(l, freed, [args.path], now, removed);
  const ledger = stampNotified(freed, notify, now);
  const next = notify.find((n) => n.path === args.path)?.next;
  const forced = lock.agent !== args.agent;
  const message = forced
    ? `force-unlock ${lock.path} held by ${holderLabel(lock)}, by ${args.agent}`
    : `unlock ${lock.path} by ${holderLabel(lock)}`;
  const nextNote = notify.length > 0 ? `; next: ${notify.map((n) => `${n.next.agent} for ${n.path}`).join(", ")}` : "";
  return {
    ledger,
    outcome: { kind: "released", lock, ...(next ? { next } : {}), notify },
    message: message + nextNote,
  };
}

export interface ExtendLocksArgs {
  agent: string;
  /** Only this change's locks; omitted = all of the agent's locks. */
  change?: string;
  /** Only these exact lock paths; omitted = all. */
  paths?: string[];
  minutes: number;
  maxTtlMinutes: number;
}

export type ExtendLocksOutcome = ExtendedLocks | { kind: "too-long"; maxTtlMinutes: number; reason: string };

export interface ExtendedLocks {
  kind: "extended";
  /** The locks as extended. */
  extended: Lock[];
  /** Matching live locks already at the cap (now + maxTtlMinutes). */
  atCap: Lock[];
  /** Requested paths the agent holds no live lock on. */
  notFound: string[];
}

/** Adds `minutes` to each matching live lock's expiry, capped at now + maxTtlMinutes; never shortens. */
export function extendLocks(l: Ledger, args: ExtendLocksArgs, now: number): TransitionResult<ExtendLocksOutcome> {
  checkNow(now);
  checkNonEmpty("agent", args.agent);
  checkMinutes("minutes", args.minutes);
  checkMinutes("maxTtlMinutes", args.maxTtlMinutes);
  // Asking for more than any lock may ever hold is refused, like a lock or intent that long.
  if (args.minutes > args.maxTtlMinutes) return unchanged(l, { kind: "too-long", maxTtlMinutes: args.maxTtlMinutes, reason: tooLongReason("extension", args.minutes, args.maxTtlMinutes) });
  const cap = now + args.maxTtlMinutes * MINUTE;
  const targets = liveLocks(l, now)
    .filter(
      (k) =>
        k.agent === args.agent &&
        (args.change === undefined || k.change === args.change) &&
        (args.paths === undefined || args.paths.includes(k.path)),
    )
    .sort(compareLocks);
  const notFound = (args.paths ?? []).filter((p) => !targets.some((k) => k.path === p));
  const extended: Lock[] = [];
  const atCap: Lock[] = [];
  const replaced = new Map<Lock, Lock>();
  for (const k of targets) {
    const nextMs = Math.min(ms(k.expiresAt) + args.minutes * MINUTE, cap);
    if (nextMs <= ms(k.expiresAt)) {
      atCap.push(k);
      continue;
    }
    const n = { ...k, expiresAt: isoTime(nextMs) };
    extended.push(n);
    replaced.set(k, n);
  }
  const outcome: ExtendedLocks = { kind: "extended", extended, atCap, notFound };
  if (extended.length === 0) return unchanged(l, outcome);
  const locks = l.locks.map((k) => replaced.get(k) ?? k);
  const detail = extended.map((k) => `${k.path} until ${shortTime(k.expiresAt)}`);
  return {
    ledger: touchAgent(withLedger(l, { locks }), args.agent, now),
    outcome,
    message: `extend ${plural(extended.length, "lock")} of ${args.agent}${args.change ? ` (${args.change})` : ""}: ${listPaths(detail)}`,
  };
}

// ---------------------------------------------------------------------------
// Intents
// ---------------------------------------------------------------------------

export interface SignalIntentArgs {
  id: string;
  agent: string;
  stream: string | null;
  files: string[];
  description: string;
  durationMinutes: number;
  change?: string;
  /** The session it is signalled in; omitted = the agent's registered session, else the ledger's (see sessionOf). */
  session?: string;
}

export type SignalIntentOutcome = { kind: "recorded"; intent: Intent; replaced: Intent[] };

/** Records an intent, replacing the same holder's (agent + change) previous intents, as the seed does. */
export function signalIntent(l: Ledger, args: SignalIntentArgs, now: number): TransitionResult<SignalIntentOutcome> {
  checkNow(now);
  checkNonEmpty("intent id", args.id);
  checkNonEmpty("agent", args.agent);
  checkMinutes("durationMinutes", args.durationMinutes);
  if (args.files.length === 0) throw new TypeError("an intent needs at least one file or glob");
  for (const f of args.files) checkNonEmpty("intent file", f);
  const intent: Intent = {
    id: args.id,
    agent: args.agent,
    stream: args.stream,
    files: [...args.files],
    description: args.description,
    durationMinutes: args.durationMinutes,
    signalledAt: isoTime(now),
    expiresAt: isoTime(now + args.durationMinutes * MINUTE),
    ...(args.change !== undefined ? { change: args.change } : {}),
    ...(args.session !== undefined ? { session: args.session } : {}),
  };
  const replaced = l.intents.filter((i) => sameHolder(i, intent));
  const intents = l.intents.filter((i) => !replaced.includes(i)).concat(intent);
  const desc = args.description ? `: ${args.description}` : "";
  return {
    ledger: withLedger(l, { intents }),
    outcome: { kind: "recorded", intent, replaced },
    message: `intent by ${holderLabel(intent)} on ${listPaths(intent.files)} for ${args.durationMinutes} min${desc}`,
  };
}

export interface DeclareIntentArgs extends SignalIntentArgs {
  /** Record it even when it collides with other work (`--force`). */
  force: boolean;
  /** The stream config the collisions are judged by; its `locks.max_ttl` caps the duration. */
  config: Config;
}

export type DeclareIntentOutcome =
  /** conflicts: the collisions it was recorded despite (forced); notes: what does not stop an intent (safe merges, review notes). */
  | { kind: "recorded"; intent: Intent; replaced: Intent[]; conflicts: Conflict[]; notes: Conflict[]; suggestions: string[] }
  /** It collides with other work and was not forced: nothing written. */
  | { kind: "refused"; conflicts: Conflict[]; notes: Conflict[]; suggestions: string[] }
  | { kind: "too-long"; maxTtlMinutes: number; reason: string }
  | BreakerOpenOutcome;

/**
 * The one intent rule for every surface (`pucs intent`, `/pucs intent`): the declared files are judged
 * against everyone else's live claims by the engine (`evaluate`), inside the same compare-and-swap as the
 * record, so the check and the write see one ledger. A collision (`blocksIntent`) is recorded only when
 * forced; a duration past `locks.max_ttl` is refused.
 */
function declareIntentUnguarded(l: Ledger, args: DeclareIntentArgs, now: number): TransitionResult<DeclareIntentOutcome> {
  checkNow(now);
  checkMinutes("durationMinutes", args.durationMinutes);
  const max = args.config.locks.maxTtlMinutes;
  if (args.durationMinutes > max) return unchanged(l, { kind: "too-long", maxTtlMinutes: max, reason: tooLongReason("intent", args.durationMinutes, max) });
  const probe: Change = { id: args.change ?? `agent:${args.agent}`, agent: args.agent, files: args.files.map((path) => ({ path, hunks: null })) };
  const ev = evaluate(probe, l, args.config, now, { stream: args.stream });
  const conflicts = ev.conflicts.filter(blocksIntent);
  const notes = ev.conflicts.filter((c) => !blocksIntent(c));
  if (conflicts.length > 0 && !args.force) return unchanged(l, { kind: "refused", conflicts, notes, suggestions: ev.suggestions });
  const { force: _force, config: _config, ...signal } = args;
  const r = signalIntent(l, signal, now);
  const forced = conflicts.length > 0 ? ` (forced over ${plural(conflicts.length, "conflict")})` : "";
  return {
    ledger: r.ledger,
    outcome: { kind: "recorded", intent: r.outcome.intent, replaced: r.outcome.replaced, conflicts, notes, suggestions: ev.suggestions },
    message: r.message === null ? null : r.message + forced,
  };
}

export type ClearIntentOutcome = { kind: "cleared"; intents: Intent[] } | { kind: "not-found" };

/** Removes the holder's (agent + change; no change = the agent's change-less) intents. */
export function clearIntent(l: Ledger, args: { agent: string; change?: string }, now: number): TransitionResult<ClearIntentOutcome> {
  checkNow(now);
  checkNonEmpty("agent", args.agent);
  const removed = l.intents.filter((i) => sameHolder(i, args));
  if (removed.length === 0) return unchanged(l, { kind: "not-found" });
  return {
    ledger: withLedger(l, { intents: l.intents.filter((i) => !removed.includes(i)) }),
    outcome: { kind: "cleared", intents: removed },
    message: `clear ${plural(removed.length, "intent")} of ${holderLabel(args)}`,
  };
}

// ---------------------------------------------------------------------------
// Footprints
// ---------------------------------------------------------------------------

export type RecordFootprintOutcome =
  | { kind: "recorded"; footprint: Footprint; previous: Footprint | null }
  | { kind: "unchanged"; footprint: Footprint };

function footprintKey(f: Footprint): string {
  // Canonical text of everything but recordedAt.
  return serializeLedger({
    kind: "pucs-ledger",
    schemaVersion: 1,
    session: null,
    locks: [],
    intents: [],
    footprints: [{ ...f, recordedAt: "1970-01-01T00:00:00.000Z" }],
    queues: [],
    overrides: [],
  });
}

/** Replaces the footprint of `footprint.change`. Same content (headSha, files, ... all but recordedAt) → unchanged. */
export function recordFootprint(l: Ledger, footprint: Footprint): TransitionResult<RecordFootprintOutcome> {
  const parsed = FootprintSchema.safeParse(footprint);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new TypeError(`invalid footprint for ${String(footprint?.change)}: ${first ? `${first.path.join(".")}: ${first.message}` : "invalid"}`);
  }
  const previous = l.footprints.find((f) => f.change === footprint.change) ?? null;
  if (previous && footprintKey(previous) === footprintKey(footprint)) {
    return unchanged(l, { kind: "unchanged", footprint: previous });
  }
  const footprints = l.footprints.filter((f) => f !== previous).concat(footprint);
  const sha = footprint.headSha ? ` at ${footprint.headSha.slice(0, 7)}` : "";
  const trunc = footprint.truncated ? " (truncated)" : "";
  return {
    ledger: withLedger(l, { footprints }),
    outcome: { kind: "recorded", footprint, previous },
    message: `footprint ${footprint.change}${sha} by ${holderLabel({ agent: footprint.agent, stream: footprint.stream })}: ${plural(footprint.files.length, "file")}${trunc}`,
  };
}

export type RemoveFootprintOutcome = { kind: "removed"; footprint: Footprint } | { kind: "not-found" };

export function removeFootprint(l: Ledger, args: { change: string }): TransitionResult<RemoveFootprintOutcome> {
  const footprint = l.footprints.find((f) => f.change === args.change);
  if (!footprint) return unchanged(l, { kind: "not-found" });
  return {
    ledger: withLedger(l, { footprints: l.footprints.filter((f) => f !== footprint) }),
    outcome: { kind: "removed", footprint },
    message: `remove footprint ${args.change}`,
  };
}

// ---------------------------------------------------------------------------
// Expiry
// ---------------------------------------------------------------------------

export interface ExpireOutcome {
  kind: "expired";
  locks: Lock[];
  intents: Intent[];
  /** Queue heads the expired locks unblocked. */
  notify: Notice[];
}

/** Removes exactly the expired locks and intents (`expiresAt <= now`). */
export function expire(l: Ledger, now: number): TransitionResult<ExpireOutcome> {
  checkNow(now);
  const locks = l.locks.filter((k) => isExpired(k, now));
  const intents = l.intents.filter((i) => isExpired(i, now));
  if (locks.length === 0 && intents.length === 0) return unchanged(l, { kind: "expired", locks, intents, notify: [] });
  const cleaned = withLedger(l, {
    ...(locks.length > 0 ? { locks: l.locks.filter((k) => !locks.includes(k)) } : {}),
    ...(intents.length > 0 ? { intents: l.intents.filter((i) => !intents.includes(i)) } : {}),
  });
  const notify = noticesFor(l, cleaned, locks.map((k) => k.path), now, locks);
  const ledger = stampNotified(cleaned, notify, now);
  const parts: string[] = [];
  if (locks.length > 0) parts.push(`${plural(locks.length, "lock")} (${listPaths(locks.map((k) => `${k.path} by ${k.agent}`))})`);
  if (intents.length > 0) parts.push(`${plural(intents.length, "intent")} (${listPaths(intents.map((i) => `by ${i.agent}`))})`);
  return { ledger, outcome: { kind: "expired", locks, intents, notify }, message: `expire ${parts.join(" and ")}` };
}

// ---------------------------------------------------------------------------
// Queues
// ---------------------------------------------------------------------------

export type EnqueueOutcome = { kind: "queued"; position: number; already: boolean };

/** Appends the holder to `path`'s FIFO queue; already queued → same position, unchanged. */
export function enqueue(l: Ledger, args: { path: string; agent: string; change?: string }, now: number): TransitionResult<EnqueueOutcome> {
  checkNow(now);
  checkNonEmpty("queue path", args.path);
  checkNonEmpty("agent", args.agent);
  const pos = queuePosition(l, args.path, args);
  if (pos !== null) return unchanged(l, { kind: "queued", position: pos, already: true });
  const entry: QueueEntry = {
    agent: args.agent,
    ...(args.change !== undefined ? { change: args.change } : {}),
    enqueuedAt: isoTime(now),
  };
  const existing = l.queues.find((q) => q.path === args.path);
  const waiters = existing ? [...existing.waiters, entry] : [entry];
  const queues = l.queues.filter((q) => q !== existing).concat({ path: args.path, waiters });
  return {
    ledger: withLedger(l, { queues }),
    outcome: { kind: "queued", position: waiters.length, already: false },
    message: `queue ${holderLabel(args)} for ${args.path} (position ${waiters.length})`,
  };
}

export type DequeueOutcome = { kind: "dequeued"; entries: QueueEntry[] } | { kind: "not-queued" };

/** Removes the agent's entries (any change) from `path`'s queue; an emptied queue is dropped. */
export function dequeue(l: Ledger, args: { path: string; agent: string }): TransitionResult<DequeueOutcome> {
  const { queues, removed } = removeFromQueue(l, args.path, (w) => w.agent === args.agent);
  if (removed.length === 0) return unchanged(l, { kind: "not-queued" });
  return {
    ledger: withLedger(l, { queues }),
    outcome: { kind: "dequeued", entries: removed },
    message: `dequeue ${args.agent} from ${args.path}`,
  };
}

// ---------------------------------------------------------------------------
// A change closes or merges
// ---------------------------------------------------------------------------

export interface ReleaseOutcome {
  kind: "released";
  locks: Lock[];
  intents: Intent[];
  footprint: Footprint | null;
  queueEntries: { path: string; entry: QueueEntry }[];
  override: GateOverride | null;
  /** For each freed path: the queue head to tell. */
  notify: Notice[];
}
/** @deprecated name kept for callers: the outcome of `release`. */
export type ReleaseChangeOutcome = ReleaseOutcome;

export interface ReleaseArgs {
  /** Whose claims: a change ("#12", "branch:x") — or, without one, the agent's change-less (local) claims. */
  change?: string;
  agent: string;
  /**
   * "claims": locks, intents and queue places (`/pucs release`, `pucs release`): the work goes on, its
   * footprint (the files it changes) and gate override stay.
   * "all": everything, footprint and override too (the change is closed or merged).
   */
  scope: "claims" | "all";
}

/**
 * The one release rule for every surface. Frees the chosen claims, tells (`notify`, and `notifiedAt`
 * in the ledger) the head of every queue that can now take its path.
 */
export function release(l: Ledger, args: ReleaseArgs, now: number): TransitionResult<ReleaseOutcome> {
  checkNow(now);
  checkNonEmpty("agent", args.agent);
  if (args.change !== undefined) checkNonEmpty("change", args.change);
  const c = args.change;
  const mine = (x: { agent: string; change?: string }): boolean => (c !== undefined ? x.change === c : x.change === undefined && x.agent === args.agent);
  const locks = l.locks.filter(mine);
  const intents = l.intents.filter(mine);
  const all = args.scope === "all" && c !== undefined;
  const footprint = all ? (l.footprints.find((f) => f.change === c) ?? null) : null;
  const override = all ? (l.overrides.find((o) => o.change === c) ?? null) : null;
  const arbitration = all ? ((l.arbitrations ?? []).find((a) => a.change === c) ?? null) : null;
  const queueEntries: { path: string; entry: QueueEntry }[] = [];
  const queues: Ledger["queues"] = [];
  let queuesChanged = false;
  for (const q of l.queues) {
    const gone = q.waiters.filter(mine);
    if (gone.length === 0) {
      queues.push(q);
      continue;
    }
    queuesChanged = true;
    for (const w of gone) queueEntries.push({ path: q.path, entry: w });
    const keep = q.waiters.filter((w) => !mine(w));
    if (keep.length > 0) queues.push({ path: q.path, waiters: keep });
  }
  const nothing = locks.length === 0 && intents.length === 0 && !footprint && !override && !queuesChanged && !arbitration;
  if (nothing) {
    return unchanged(l, { kind: "released", locks, intents, footprint, queueEntries, override, notify: [] });
  }
  const freedLedger = withLedger(l, {
    ...(locks.length > 0 ? { locks: l.locks.filter((k) => !locks.includes(k)) } : {}),
    ...(intents.length > 0 ? { intents: l.intents.filter((i) => !intents.includes(i)) } : {}),
    ...(footprint ? { footprints: l.footprints.filter((f) => f !== footprint) } : {}),
    ...(override ? { overrides: l.overrides.filter((o) => o !== override) } : {}),
    ...(queuesChanged ? { queues } : {}),
    ...(arbitration ? { arbitrations: (l.arbitrations ?? []).filter((a) => a !== arbitration) } : {}),
  });
  // A waiter leaving the head of a queue can free the next one in line, as can an unlocked path.
  const freed = [...locks.map((k) => k.path), ...queueEntries.map((e) => e.path)];
  const notify = noticesFor(l, freedLedger, freed, now, locks);
  const ledger = stampNotified(freedLedger, notify, now);
  const parts: string[] = [];
  if (locks.length > 0) parts.push(plural(locks.length, "lock"));
  if (intents.length > 0) parts.push(plural(intents.length, "intent"));
  if (footprint) parts.push("footprint");
  if (queueEntries.length > 0) parts.push(queueEntries.length === 1 ? "1 queue entry" : `${queueEntries.length} queue entries`);
  if (override) parts.push("gate override");
  if (arbitration) parts.push("arbitration");
  const nextNote = notify.length > 0 ? `; next: ${notify.map((n) => `${n.next.agent} for ${n.path}`).join(", ")}` : "";
  return {
    ledger,
    outcome: { kind: "released", locks, intents, footprint, queueEntries, override, notify },
    message: `release ${c ?? args.agent}${all ? "" : " (claims)"}: ${parts.join(", ")}${nextNote}`,
  };
}

/** Drops every lock, intent, queue entry, the footprint and the override of `change` (it closed or merged). */
export function releaseChange(l: Ledger, args: { change: string }, now: number): TransitionResult<ReleaseOutcome> {
  checkNonEmpty("change", args.change);
  const r = release(l, { change: args.change, agent: "-", scope: "all" }, now);
  return r.message === null ? r : { ...r, message: r.message.replace(/^release (\S+) \(claims\)/, "release $1") };
}

// ---------------------------------------------------------------------------
// Gate overrides
// ---------------------------------------------------------------------------

export type SetOverrideOutcome = { kind: "set"; override: GateOverride; previous: GateOverride | null } | { kind: "unchanged"; override: GateOverride };

export function setOverride(l: Ledger, override: GateOverride): TransitionResult<SetOverrideOutcome> {
  const parsed = GateOverrideSchema.safeParse(override);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new TypeError(`invalid gate override: ${first ? `${first.path.join(".")}: ${first.message}` : "invalid"}`);
  }
  const previous = l.overrides.find((o) => o.change === override.change) ?? null;
  const same =
    previous &&
    previous.by === override.by &&
    previous.reason === override.reason &&
    previous.at === override.at &&
    previous.headSha === override.headSha;
  if (previous && same) return unchanged(l, { kind: "unchanged", override: previous });
  const overrides = l.overrides.filter((o) => o !== previous).concat(override);
  return {
    ledger: withLedger(l, { overrides }),
    outcome: { kind: "set", override, previous },
    message: `override gate for ${override.change} by ${override.by}: ${override.reason}`,
  };
}

export type ClearOverrideOutcome = { kind: "cleared"; override: GateOverride } | { kind: "not-found" };

export function clearOverride(l: Ledger, args: { change: string }): TransitionResult<ClearOverrideOutcome> {
  const override = l.overrides.find((o) => o.change === args.change);
  if (!override) return unchanged(l, { kind: "not-found" });
  return {
    ledger: withLedger(l, { overrides: l.overrides.filter((o) => o !== override) }),
    outcome: { kind: "cleared", override },
    message: `clear gate override for ${args.change}`,
  };
}

// ---------------------------------------------------------------------------
// Composition: several transitions in one write (the write budget: coalesce)
// ---------------------------------------------------------------------------

/**
 * Applies steps in order, each to the previous step's ledger; one combined result whose message is
 * the changed steps' messages, one per line (null when none changed; the ledger is then the input).
 */
export function applyAll(l: Ledger, steps: ((l: Ledger) => TransitionResult<unknown>)[]): TransitionResult<unknown[]> {
  let cur = l;
  const outcomes: unknown[] = [];
  const messages: string[] = [];
  for (const step of steps) {
    const r = step(cur);
    outcomes.push(r.outcome);
    if (r.ledger !== cur && r.message !== null) messages.push(r.message);
    cur = r.ledger;
  }
  return { ledger: cur, outcome: outcomes, message: messages.length > 0 ? messages.join("\n") : null };
}

// ---------------------------------------------------------------------------
// Stream circuit breakers (seed §3.3; the rules of state in src/engine/breaker.ts)
// ---------------------------------------------------------------------------

/** A claim refused by the stream's breaker. `state` OPEN: until `halfOpensAt`; HALF_OPEN: `trial` holds the one trial. */
export interface BreakerOpenOutcome {
  kind: "breaker-open";
  stream: string;
  state: Exclude<BreakerState, "CLOSED">;
  breaker: StreamBreaker;
  trippedBy: BreakerFailure | null;
  halfOpensAt: string;
  trial: StreamBreaker["trial"] | null;
  /** One sentence: who tripped it, when it half-opens, how to reset. */
  details: string;
}

function withBreakers(l: Ledger, breakers: StreamBreaker[]): Ledger {
  return { ...l, breakers: [...breakers].sort((a, b) => (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0)) };
}

/**
 * Whether the holder may make a new claim in `stream`: null = yes, nothing to record; "trial" = yes,
 * and it is the HALF_OPEN stream's one trial (`mark` records it); otherwise the refusal.
 */
function breakerGate(l: Ledger, stream: string | null, holder: Holder, now: number): null | { kind: "trial"; mark: (x: Ledger) => Ledger } | BreakerOpenOutcome {
  const b = breakerOf(l, stream);
  const state = breakerState(b, now);
  if (!b || state === "CLOSED") return null;
  const refusal = (): BreakerOpenOutcome => ({
    kind: "breaker-open",
    stream: b.stream,
    state,
    breaker: b,
    trippedBy: b.trippedBy ?? null,
    halfOpensAt: b.halfOpensAt!,
    trial: b.trial ?? null,
    details: describeBreaker(b, now),
  });
  if (state === "OPEN") return refusal();
  if (b.trial) return ownedBy(b.trial, holder) || sameHolder(b.trial, holder) ? null : refusal();
  const trial = { agent: holder.agent, ...(holder.change !== undefined ? { change: holder.change } : {}), at: isoTime(now) };
  return {
    kind: "trial",
    mark: (x) => withBreakers(x, (x.breakers ?? []).map((y) => (y.stream === b.stream ? { ...y, trial } : y))),
  };
}

/** Applies the breaker gate around an unguarded claim transition: refuses, or marks the trial when the claim is made. */
function guarded<O extends { kind: string }>(l: Ledger, stream: string | null, holder: Holder, now: number, made: readonly string[], run: () => TransitionResult<O>): TransitionResult<O | BreakerOpenOutcome> {
  checkNow(now);
  const gate = breakerGate(l, stream, holder, now);
  if (gate === null) return run();
  if (gate.kind === "breaker-open") return unchanged(l, gate);
  const r = run();
  if (!made.includes(r.outcome.kind) || r.message === null) return r;
  return { ...r, ledger: gate.mark(r.ledger), message: `${r.message}; the HALF_OPEN ${stream} breaker's trial` };
}

/**
 * The one lock rule for every surface (`pucs lock`, `/pucs lock`, the App's PR locks). While the lock's
 * stream breaker is OPEN (or HALF_OPEN with its trial taken by another holder), a new lock is refused
 * (`breaker-open`); the first lock in a HALF_OPEN stream is its trial.
 */
export function acquireLock(l: Ledger, args: AcquireLockArgs, now: number): TransitionResult<AcquireLockOutcome> {
  const holder: Holder = { agent: args.agent, ...(args.change !== undefined ? { change: args.change } : {}) };
  const a = withSessionOf(l, args);
  // Renewing a lock the holder already has is not a new claim.
  const renewal = l.locks.some((k) => k.path === args.path && sameHolder(k, holder) && !isExpired(k, now));
  if (renewal) return seen(acquireLockUnguarded(l, a, now), args.agent, now);
  return seen(guarded(l, args.stream, holder, now, ["acquired"], () => acquireLockUnguarded(l, a, now)), args.agent, now);
}

/** `declareIntentUnguarded` behind the stream's breaker (see acquireLock). */
export function declareIntent(l: Ledger, args: DeclareIntentArgs, now: number): TransitionResult<DeclareIntentOutcome> {
  const holder: Holder = { agent: args.agent, ...(args.change !== undefined ? { change: args.change } : {}) };
  const a = withSessionOf(l, args);
  return seen(guarded(l, args.stream, holder, now, ["recorded"], () => declareIntentUnguarded(l, a, now)), args.agent, now);
}

export interface RecordFailureArgs {
  stream: string;
  agent: string;
  error: string;
  change?: string;
  /** Identity of the source event ("check_suite:123"): the same ref is counted once. */
  ref?: string;
}

export type RecordFailureOutcome =
  /** Counted in the window, below the threshold. */
  | { kind: "counted"; breaker: StreamBreaker; count: number; threshold: number }
  /** This failure reached the threshold (CLOSED → OPEN), or failed the HALF_OPEN trial (→ OPEN again). */
  | { kind: "tripped"; breaker: StreamBreaker; from: BreakerState }
  /** Already OPEN: nothing to add (no write). */
  | { kind: "already-open"; breaker: StreamBreaker }
  /** The same event (ref) was counted before (a redelivery): no write. */
  | { kind: "duplicate"; breaker: StreamBreaker };

export function recordFailure(l: Ledger, args: RecordFailureArgs, config: CircuitBreakerConfig, now: number): TransitionResult<RecordFailureOutcome> {
  checkNow(now);
  checkNonEmpty("stream", args.stream);
  checkNonEmpty("agent", args.agent);
  if (!Number.isInteger(config.failureThreshold) || config.failureThreshold < 1) throw new RangeError(`failureThreshold must be a positive integer, got ${config.failureThreshold}`);
  checkMinutes("windowMinutes", config.windowMinutes);
  checkMinutes("cooldownMinutes", config.cooldownMinutes);
  const prev = breakerOf(l, args.stream);
  const state = breakerState(prev, now);
  if (prev && args.ref !== undefined && (prev.failures.some((f) => f.ref === args.ref) || prev.trippedBy?.ref === args.ref)) {
    return unchanged(l, { kind: "duplicate", breaker: prev });
  }
  if (prev && state === "OPEN") return unchanged(l, { kind: "already-open", breaker: prev });
  const failure: BreakerFailure = {
    at: isoTime(now),
    agent: args.agent,
    error: args.error,
    ...(args.change !== undefined ? { change: args.change } : {}),
    ...(args.ref !== undefined ? { ref: args.ref } : {}),
  };
  const others = (l.breakers ?? []).filter((b) => b !== prev);
  const who = holderLabel({ agent: args.agent, ...(args.change !== undefined ? { change: args.change } : {}) });
  const open = (failures: BreakerFailure[]): StreamBreaker => ({
    stream: args.stream,
    failures,
    openedAt: isoTime(now),
    halfOpensAt: isoTime(now + config.cooldownMinutes * MINUTE),
    trippedBy: failure,
  });
  if (prev && state === "HALF_OPEN") {
    const breaker = open([failure]);
    return {
      ledger: withBreakers(l, [...others, breaker]),
      outcome: { kind: "tripped", breaker, from: "HALF_OPEN" },
      message: `breaker ${args.stream} OPEN again: the half-open trial failed (${who}: ${args.error}); half-opens at ${shortTime(breaker.halfOpensAt!)}`,
    };
  }
  const since = now - config.windowMinutes * MINUTE;
  const failures = [...(prev?.failures ?? []).filter((f) => ms(f.at) > since), failure].slice(-config.failureThreshold);
  if (failures.length >= config.failureThreshold) {
    const breaker = open(failures);
    return {
      ledger: withBreakers(l, [...others, breaker]),
      outcome: { kind: "tripped", breaker, from: "CLOSED" },
      message: `breaker ${args.stream} OPEN: ${plural(failures.length, "failure")} in ${config.windowMinutes} min, the last by ${who}: ${args.error}; half-opens at ${shortTime(breaker.halfOpensAt!)}`,
    };
  }
  const breaker: StreamBreaker = { stream: args.stream, failures };
  return {
    ledger: withBreakers(l, [...others, breaker]),
    outcome: { kind: "counted", breaker, count: failures.length, threshold: config.failureThreshold },
    message: `breaker ${args.stream}: failure ${failures.length} of ${config.failureThreshold} by ${who}: ${args.error}`,
  };
}

export type RecordSuccessOutcome =
  /** HALF_OPEN → CLOSED: the breaker is gone from the ledger. */
  | { kind: "closed"; breaker: StreamBreaker }
  /** CLOSED or OPEN: a success changes nothing (OPEN waits for its cooldown). No write. */
  | { kind: "unchanged"; state: BreakerState };

/** A success in the stream (a green check suite): closes a HALF_OPEN breaker; otherwise nothing. */
export function recordSuccess(l: Ledger, args: { stream: string; agent?: string; change?: string }, now: number): TransitionResult<RecordSuccessOutcome> {
  checkNow(now);
  checkNonEmpty("stream", args.stream);
  const prev = breakerOf(l, args.stream);
  const state = breakerState(prev, now);
  if (!prev || state !== "HALF_OPEN") return unchanged(l, { kind: "unchanged", state });
  const by = args.agent ? ` (${holderLabel({ agent: args.agent, ...(args.change !== undefined ? { change: args.change } : {}) })})` : "";
  return {
    ledger: withBreakers(l, (l.breakers ?? []).filter((b) => b !== prev)),
    outcome: { kind: "closed", breaker: prev },
    message: `breaker ${args.stream} CLOSED: a success while half-open${by}`,
  };
}

export type ResetBreakerOutcome = { kind: "reset"; breaker: StreamBreaker; state: BreakerState } | { kind: "not-found" };

/** A person closes the breaker (and forgets its failures). */
export function resetBreaker(l: Ledger, args: { stream: string; by: string; reason: string }, now: number): TransitionResult<ResetBreakerOutcome> {
  checkNow(now);
  checkNonEmpty("stream", args.stream);
  checkNonEmpty("by", args.by);
  const prev = breakerOf(l, args.stream);
  if (!prev) return unchanged(l, { kind: "not-found" });
  const state = breakerState(prev, now);
  return {
    ledger: withBreakers(l, (l.breakers ?? []).filter((b) => b !== prev)),
    outcome: { kind: "reset", breaker: prev, state },
    message: `breaker ${args.stream} reset (was ${state}) by ${args.by}${args.reason ? `: ${args.reason}` : ""}`,
  };
}

// ---------------------------------------------------------------------------
// Handoff (seed §3.2)
// ---------------------------------------------------------------------------

/** How many handoffs the ledger keeps (the oldest go first). */
export const HANDOFFS_KEPT = 50;

export interface HandoffArgs {
  /** Unique id of the record (from the caller). */
  id: string;
  from: string;
  to: string;
  /** Only this change's claims move (the App's `/pucs handoff` on a PR); omitted = every claim of `from`. */
  change?: string;
  sessionId?: string | null;
  completed?: string[];
  pending?: string[];
  warnings?: string[];
  commits?: string[];
  branch?: string | null;
  /** The stream named in the record; omitted = the stream of the first claim moved. */
  stream?: string | null;
  relatedFiles?: string[];
  filesToReview?: string[];
  note?: string;
}

export type HandoffOutcome =
  | {
      kind: "handed-off";
      handoff: Handoff;
      locks: Lock[];
      intents: Intent[];
      queueEntries: { path: string; entry: QueueEntry }[];
      /** The oldest handoffs dropped to keep HANDOFFS_KEPT. */
      dropped: Handoff[];
    }
  /** The receiver is the giver: nothing written. */
  | { kind: "same-agent"; reason: string }
  /** The receiver already holds live locks that intersect the giver's (another claim of its own): nothing written. */
  | { kind: "receiver-conflict"; reason: string; pairs: { giver: Lock; receiver: Lock }[] };

/**
 * Records a handoff in the seed's shape and, in the same write, moves the giver's claims (locks,
 * intents, queue places; only `change`'s when given) to the receiver. A claim made through a change
 * stays that change's (only its agent changes); a lock keeps its lease and expiry; a queue place keeps
 * its position (the receiver's own earlier place in the same queue wins). Nothing is ever held by
 * nobody: the claims change hands in one compare-and-swap. A giver with no claims still records it.
 */
export function handoff(l: Ledger, args: HandoffArgs, now: number): TransitionResult<HandoffOutcome> {
  checkNow(now);
  checkNonEmpty("handoff id", args.id);
  checkNonEmpty("from agent", args.from);
  checkNonEmpty("to agent", args.to);
  if (args.change !== undefined) checkNonEmpty("change", args.change);
  if (args.from === args.to) {
    return unchanged(l, { kind: "same-agent", reason: `${args.from} cannot hand off to itself: name another agent with --to` });
  }
  const moves = (x: { agent: string; change?: string }): boolean => x.agent === args.from && (args.change === undefined || x.change === args.change);
  const locks = l.locks.filter((k) => moves(k) && !isExpired(k, now));
  const intents = l.intents.filter((i) => moves(i) && !isExpired(i, now));
  // The receiver's own live locks that would meet the moved ones as another holder's.
  const pairs: { giver: Lock; receiver: Lock }[] = [];
  for (const g of locks) {
    for (const r of liveLocks(l, now)) {
      if (r.agent !== args.to || (r.change ?? null) === (g.change ?? null)) continue;
      if (globsIntersect(r.path, g.path)) pairs.push({ giver: g, receiver: r });
    }
  }
  if (pairs.length > 0) {
    const list = pairs.map((p) => `${p.giver.path} (${holderLabel(p.giver)}) meets ${p.receiver.path} (${holderLabel(p.receiver)})`);
    return unchanged(l, {
      kind: "receiver-conflict",
      pairs,
      reason: `${args.to} already holds locks that overlap ${args.from}'s: ${listPaths(list, 3)}. Release one side first (\`pucs release\`), then hand off.`,
    });
  }
  const moved = <T extends { agent: string }>(x: T): T => ({ ...x, agent: args.to });
  const queueEntries: { path: string; entry: QueueEntry }[] = [];
  let queuesChanged = false;
  const queues = l.queues.map((q) => {
    if (!q.waiters.some(moves)) return q;
    queuesChanged = true;
    const waiters: QueueEntry[] = [];
    for (const w of q.waiters) {
      const n = moves(w) ? moved(w) : w;
      if (moves(w)) queueEntries.push({ path: q.path, entry: w });
      if (!waiters.some((x) => sameHolder(x, n))) waiters.push(n);
    }
    return { path: q.path, waiters };
  });
  const stream = args.stream !== undefined ? args.stream : (locks[0]?.stream ?? intents[0]?.stream ?? null);
  const related = [...new Set([...(args.relatedFiles ?? []), ...intents.flatMap((i) => i.files)])];
  const record: Handoff = {
    id: args.id,
    from_agent: args.from,
    to_agent: args.to,
    timestamp: isoTime(now),
    session_id: args.sessionId !== undefined ? args.sessionId : (l.session?.id ?? null),
    context: {
      completed: [...(args.completed ?? [])],
      pending: [...(args.pending ?? [])],
      warnings: [...(args.warnings ?? [])],
      commits: [...(args.commits ?? [])],
      branch: args.branch ?? null,
    },
    stream_context: { stream_id: stream, locked_files: locks.map((k) => k.path), related_files: related },
    files_to_review: [...(args.filesToReview ?? [])],
    ...(args.change !== undefined ? { change: args.change } : {}),
    ...(args.note ? { note: args.note } : {}),
  };
  const all = [...(l.handoffs ?? []).filter((h) => h.id !== args.id), record].sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : a.id < b.id ? -1 : 1));
  const dropped = all.length > HANDOFFS_KEPT ? all.slice(0, all.length - HANDOFFS_KEPT) : [];
  const handoffs = all.slice(dropped.length);
  const ledger = withLedger(l, {
    ...(locks.length > 0 ? { locks: l.locks.map((k) => (locks.includes(k) ? moved(k) : k)) } : {}),
    ...(intents.length > 0 ? { intents: l.intents.map((i) => (intents.includes(i) ? moved(i) : i)) } : {}),
    ...(queuesChanged ? { queues } : {}),
    handoffs,
  });
  const parts: string[] = [];
  if (locks.length > 0) parts.push(plural(locks.length, "lock"));
  if (intents.length > 0) parts.push(plural(intents.length, "intent"));
  if (queueEntries.length > 0) parts.push(queueEntries.length === 1 ? "1 queue place" : `${queueEntries.length} queue places`);
  return {
    ledger,
    outcome: { kind: "handed-off", handoff: record, locks, intents, queueEntries, dropped },
    message: `handoff ${args.from} → ${args.to}${args.change ? ` (${args.change})` : ""}: ${parts.length > 0 ? parts.join(", ") : "no claims"} moved`,
  };
}

/** Handoffs to `agent` not yet acknowledged, newest first. */
export function pendingHandoffs(l: Ledger, agent: string): Handoff[] {
  return (l.handoffs ?? []).filter((h) => h.to_agent === agent && h.acknowledgedAt === undefined).reverse();
}

export type AckHandoffsOutcome = { kind: "acknowledged"; handoffs: Handoff[] };

/** The receiver has read its handoffs: they stop being pending. Nothing pending → unchanged. */
export function ackHandoffs(l: Ledger, args: { agent: string }, now: number): TransitionResult<AckHandoffsOutcome> {
  checkNow(now);
  checkNonEmpty("agent", args.agent);
  const pending = (l.handoffs ?? []).filter((h) => h.to_agent === args.agent && h.acknowledgedAt === undefined);
  if (pending.length === 0) return unchanged(l, { kind: "acknowledged", handoffs: [] });
  const at = isoTime(now);
  return {
    ledger: { ...l, handoffs: (l.handoffs ?? []).map((h) => (pending.includes(h) ? { ...h, acknowledgedAt: at } : h)) },
    outcome: { kind: "acknowledged", handoffs: pending },
    message: `${args.agent} acknowledged ${plural(pending.length, "handoff")}`,
  };
}

// ---------------------------------------------------------------------------
// ROLLBACK (seed §8.1: a breaking change detected → revert + notify)
// ---------------------------------------------------------------------------

/** How many merged changes the ledger keeps for ROLLBACK (the oldest go first). */
export const MERGES_KEPT = 50;

export interface RecordMergeArgs {
  change: string;
  mergeSha: string;
  author?: string;
  title?: string;
  nodeId?: string;
}

export type RecordMergeOutcome =
  | { kind: "recorded"; merge: MergedChange; dropped: MergedChange[] }
  /** PUCS did not track the change (no footprint): nothing recorded. */
  | { kind: "untracked" }
  /** Recorded before (a redelivered `closed`). */
  | { kind: "known"; merge: MergedChange };

/**
 * A tracked change merged: remember its merge commit, stream and agent (from its footprint, which the
 * same commit's release then drops), so CI failing on that commit can suggest its ROLLBACK.
 */
export function recordMerge(l: Ledger, args: RecordMergeArgs, now: number): TransitionResult<RecordMergeOutcome> {
  checkNow(now);
  checkNonEmpty("change", args.change);
  checkNonEmpty("mergeSha", args.mergeSha);
  const known = (l.merges ?? []).find((m) => m.change === args.change && m.mergeSha === args.mergeSha);
  if (known) return unchanged(l, { kind: "known", merge: known });
  const fp = l.footprints.find((f) => f.change === args.change);
  if (!fp) return unchanged(l, { kind: "untracked" });
  const title = args.title ?? fp.title;
  const merge: MergedChange = {
    change: args.change,
    mergeSha: args.mergeSha,
    stream: fp.stream,
    agent: fp.agent,
    ...(args.author ? { author: args.author } : {}),
    ...(title ? { title } : {}),
    ...(args.nodeId ? { nodeId: args.nodeId } : {}),
    mergedAt: isoTime(now),
  };
  const all = [...(l.merges ?? []).filter((m) => m.change !== args.change), merge].sort((a, b) => (a.mergedAt < b.mergedAt ? -1 : a.mergedAt > b.mergedAt ? 1 : a.change < b.change ? -1 : 1));
  const dropped = all.length > MERGES_KEPT ? all.slice(0, all.length - MERGES_KEPT) : [];
  return {
    ledger: { ...l, merges: all.slice(dropped.length) },
    outcome: { kind: "recorded", merge, dropped },
    message: `merged ${args.change} as ${args.mergeSha.slice(0, 7)} (${holderLabel({ agent: fp.agent, stream: fp.stream })}): kept for ROLLBACK`,
  };
}

export type SuggestRollbackOutcome =
  | { kind: "suggested"; merge: MergedChange }
  /** The commit is no merge PUCS tracked. */
  | { kind: "untracked" }
  /** Suggested before (another suite of the same commit, or a redelivery): nothing new. */
  | { kind: "already"; merge: MergedChange };

/** CI failed on the default branch at `mergeSha`: suggest reverting the tracked change it merged. */
export function suggestRollback(l: Ledger, args: { mergeSha: string; checks: string[]; ref: string }, now: number): TransitionResult<SuggestRollbackOutcome> {
  checkNow(now);
  checkNonEmpty("ref", args.ref);
  const prev = (l.merges ?? []).find((m) => m.mergeSha === args.mergeSha);
  if (!prev) return unchanged(l, { kind: "untracked" });
  if (prev.rollback) return unchanged(l, { kind: "already", merge: prev });
  const merge: MergedChange = { ...prev, rollback: { at: isoTime(now), checks: [...args.checks], ref: args.ref } };
  return {
    ledger: { ...l, merges: (l.merges ?? []).map((m) => (m === prev ? merge : m)) },
    outcome: { kind: "suggested", merge },
    message: `ROLLBACK suggested for ${prev.change}${prev.stream ? ` (${prev.stream})` : ""}: its merge ${args.mergeSha.slice(0, 7)} fails on the default branch (${args.checks.join(", ") || args.ref})`,
  };
}

export type MarkRolledBackOutcome =
  | { kind: "done"; merge: MergedChange }
  | { kind: "no-suggestion"; merge: MergedChange | null }
  | { kind: "already-done"; merge: MergedChange };

/** The revert of `change` was opened (`/pucs rollback`): the suggestion is done and the stream's notes go. */
export function markRolledBack(l: Ledger, args: { change: string; by: string; revert: number; url?: string }, now: number): TransitionResult<MarkRolledBackOutcome> {
  checkNow(now);
  checkNonEmpty("by", args.by);
  const prev = (l.merges ?? []).find((m) => m.change === args.change) ?? null;
  if (!prev || !prev.rollback) return unchanged(l, { kind: "no-suggestion", merge: prev });
  if (prev.rollback.done) return unchanged(l, { kind: "already-done", merge: prev });
  const merge: MergedChange = { ...prev, rollback: { ...prev.rollback, done: { by: args.by, at: isoTime(now), revert: args.revert, ...(args.url ? { url: args.url } : {}) } } };
  return {
    ledger: { ...l, merges: (l.merges ?? []).map((m) => (m === prev ? merge : m)) },
    outcome: { kind: "done", merge },
    message: `ROLLBACK of ${args.change} opened by ${args.by}: revert #${args.revert}`,
  };
}

// ---------------------------------------------------------------------------
// ARBITRATE with a decider (seed §8.1: the coordinator decides)
// ---------------------------------------------------------------------------

function withArbitration(l: Ledger, prev: Arbitration | null, next: Arbitration): Ledger {
  const rest = (l.arbitrations ?? []).filter((a) => a !== prev);
  return { ...l, arbitrations: [...rest, next].sort((a, b) => (a.change < b.change ? -1 : a.change > b.change ? 1 : 0)) };
}

export type RequestArbitrationOutcome = { kind: "requested"; arbitration: Arbitration } | { kind: "already"; arbitration: Arbitration };

/** The coordinators were asked to review `change` (once per change: a second ask changes nothing). */
export function requestArbitration(l: Ledger, args: { change: string; reviewers: string[]; teams: string[] }, now: number): TransitionResult<RequestArbitrationOutcome> {
  checkNow(now);
  checkNonEmpty("change", args.change);
  const prev = (l.arbitrations ?? []).find((a) => a.change === args.change) ?? null;
  if (prev?.requested) return unchanged(l, { kind: "already", arbitration: prev });
  const arbitration: Arbitration = { change: args.change, requested: { at: isoTime(now), reviewers: [...args.reviewers], teams: [...args.teams] }, decisions: prev?.decisions ?? [] };
  const names = [...args.reviewers, ...args.teams].map((x) => `@${x}`).join(", ");
  return {
    ledger: withArbitration(l, prev, arbitration),
    outcome: { kind: "requested", arbitration },
    message: `ARBITRATE ${args.change}: review requested from ${names}`,
  };
}

export type DecideOutcome = { kind: "decided"; decision: ArbitrationDecision; arbitration: Arbitration } | { kind: "nothing-to-decide" };

/** A coordinator (or maintainer) decided the change's ARBITRATE conflicts `keys`: they stop blocking. */
export function decideArbitration(l: Ledger, args: { change: string; by: string; note: string; headSha: string; keys: string[] }, now: number): TransitionResult<DecideOutcome> {
  checkNow(now);
  checkNonEmpty("change", args.change);
  checkNonEmpty("by", args.by);
  if (args.keys.length === 0) return unchanged(l, { kind: "nothing-to-decide" });
  const prev = (l.arbitrations ?? []).find((a) => a.change === args.change) ?? null;
  const decision: ArbitrationDecision = { by: args.by, note: args.note, at: isoTime(now), headSha: args.headSha, keys: [...args.keys] };
  const arbitration: Arbitration = { ...(prev ?? { change: args.change }), decisions: [...(prev?.decisions ?? []), decision] };
  return {
    ledger: withArbitration(l, prev, arbitration),
    outcome: { kind: "decided", decision, arbitration },
    message: `ARBITRATE ${args.change} decided by ${args.by}${args.headSha ? ` at ${args.headSha.slice(0, 7)}` : ""} (${args.keys.join(", ")})${args.note ? `: ${args.note}` : ""}`,
  };
}
