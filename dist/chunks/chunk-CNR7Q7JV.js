import { createRequire as __pucsCreateRequire } from 'node:module'; const require = __pucsCreateRequire(import.meta.url);
import {
  formatDuration
} from "./chunk-OOWPGEFG.js";
import {
  FootprintSchema,
  GateOverrideSchema,
  compareAgents,
  compareFootprints,
  compareIntents,
  compareLocks,
  compareOverrides,
  compareQueues,
  serializeLedger
} from "./chunk-JLMHI7R5.js";
import {
  blocksIntent,
  evaluate
} from "./chunk-4RAJHGMS.js";
import {
  breakerOf,
  breakerState,
  describeBreaker,
  globsIntersect
} from "./chunk-PFKP6KD3.js";

// src/engine/session.ts
var SESSION_ID_SHAPE = "PUCS-YYYYMMDD-NNN";
var SESSION_RE = /^PUCS-(\d{4})(\d{2})(\d{2})-(\d{3})$/;
function sessionIdProblem(id) {
  const m = SESSION_RE.exec(id);
  if (!m) return `expected ${SESSION_ID_SHAPE} (seed §9.1: the UTC date and the session's number that day, e.g. PUCS-20251207-001)`;
  const [, y, mo, d, n] = m;
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (date.getUTCFullYear() !== Number(y) || date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d)) return `${y}-${mo}-${d} is not a date (${SESSION_ID_SHAPE})`;
  if (n === "000") return `the session's number starts at 001 (${SESSION_ID_SHAPE})`;
  return null;
}
function sessionDay(now) {
  return new Date(now).toISOString().slice(0, 10).replace(/-/g, "");
}
function sessionIdsOf(l) {
  const ids = [
    l.session?.id,
    ...(l.agents ?? []).map((a) => a.session),
    ...l.locks.map((k) => k.session),
    ...l.intents.map((i) => i.session),
    ...(l.handoffs ?? []).map((h) => h.session_id)
  ];
  return ids.filter((x) => typeof x === "string");
}
function nextSessionId(l, now) {
  const day = sessionDay(now);
  let max = 0;
  for (const id of sessionIdsOf(l)) {
    const m = SESSION_RE.exec(id);
    if (m && `${m[1]}${m[2]}${m[3]}` === day) max = Math.max(max, Number(m[4]));
  }
  if (max >= 999) throw new RangeError(`no free session id left for ${day}: PUCS-${day}-999 is taken (${SESSION_ID_SHAPE} counts to 999 a day)`);
  return `PUCS-${day}-${String(max + 1).padStart(3, "0")}`;
}

// src/ledger/transitions.ts
var MINUTE = 6e4;
function checkNow(now) {
  if (!Number.isFinite(now)) throw new RangeError(`now must be a finite epoch-ms number, got ${now}`);
}
function checkMinutes(name, v) {
  if (!Number.isFinite(v) || v <= 0) throw new RangeError(`${name} must be a positive number of minutes, got ${v}`);
}
function checkNonEmpty(name, v) {
  if (typeof v !== "string" || v.length === 0) throw new TypeError(`${name} must be a non-empty string`);
}
function isoTime(ms2) {
  return new Date(Math.round(ms2)).toISOString();
}
function shortTime(iso) {
  return iso.replace(/\.000Z$/, "Z");
}
var ms = (iso) => Date.parse(iso);
function isExpired(entry, now) {
  return ms(entry.expiresAt) <= now;
}
function sameHolder(a, b) {
  return a.agent === b.agent && (a.change ?? null) === (b.change ?? null);
}
function ownedBy(claim, holder) {
  return sameHolder(claim, holder) || claim.change === void 0 && claim.agent === holder.agent;
}
function holderLabel(h) {
  const tags = [h.stream ?? null, h.change ?? null].filter((x) => x !== null && x !== "");
  return tags.length > 0 ? `${h.agent} (${tags.join(", ")})` : h.agent;
}
function listPaths(paths, max = 5) {
  const shown = paths.slice(0, max).join(", ");
  return paths.length > max ? `${shown} (+${paths.length - max} more)` : shown;
}
function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
function withLedger(l, patch) {
  const next = { ...l, ...patch };
  if (patch.locks) next.locks = [...patch.locks].sort(compareLocks);
  if (patch.intents) next.intents = [...patch.intents].sort(compareIntents);
  if (patch.footprints) next.footprints = [...patch.footprints].sort(compareFootprints);
  if (patch.queues) next.queues = [...patch.queues].sort(compareQueues);
  if (patch.overrides) next.overrides = [...patch.overrides].sort(compareOverrides);
  return next;
}
var unchanged = (ledger, outcome) => ({ ledger, outcome, message: null });
function liveLocks(l, now) {
  return l.locks.filter((k) => !isExpired(k, now));
}
function liveIntents(l, now) {
  return l.intents.filter((i) => !isExpired(i, now));
}
function conflictingLocks(l, path, holder, now) {
  return liveLocks(l, now).filter((k) => !sameHolder(k, holder) && globsIntersect(k.path, path)).sort(compareLocks);
}
function queuePosition(l, path, holder) {
  const q = l.queues.find((x) => x.path === path);
  const i = q ? q.waiters.findIndex((w) => sameHolder(w, holder)) : -1;
  return i >= 0 ? i + 1 : null;
}
function noticesFor(before, after, freedPaths, now, removed = []) {
  if (freedPaths.length === 0) return [];
  const out = [];
  for (const q of after.queues) {
    const head = q.waiters[0];
    if (!head) continue;
    if (!freedPaths.some((p) => globsIntersect(p, q.path))) continue;
    if (conflictingLocks(after, q.path, head, now).length > 0) continue;
    const headBefore = before.queues.find((x) => x.path === q.path)?.waiters[0];
    const blockedBefore = conflictingLocks(before, q.path, head, now).length > 0 || removed.some((k) => !sameHolder(k, head) && globsIntersect(k.path, q.path));
    if (headBefore !== void 0 && sameHolder(headBefore, head) && !blockedBefore) continue;
    out.push({ path: q.path, next: head });
  }
  return out;
}
function stampNotified(l, notices, now) {
  if (notices.length === 0) return l;
  let changed = false;
  const queues = l.queues.map((q) => {
    const n = notices.find((x) => x.path === q.path);
    const head = q.waiters[0];
    if (!n || !head || !sameHolder(head, n.next) || head.notifiedAt !== void 0) return q;
    changed = true;
    return { path: q.path, waiters: [{ ...head, notifiedAt: isoTime(now) }, ...q.waiters.slice(1)] };
  });
  return changed ? { ...l, queues } : l;
}
function removeFromQueue(l, path, match) {
  const removed = [];
  const queues = [];
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
function startSession(l, args, now) {
  checkNow(now);
  checkNonEmpty("session id", args.id);
  if (l.session && l.session.id === args.id) return unchanged(l, { kind: "existing", session: l.session });
  const session = { id: args.id, startedAt: isoTime(now) };
  const message = l.session ? `start session ${args.id} (replacing ${l.session.id})` : `start session ${args.id}`;
  return { ledger: withLedger(l, { session }), outcome: { kind: "started", session, previous: l.session }, message };
}
function startNewSession(l, now) {
  checkNow(now);
  return startSession(l, { id: nextSessionId(l, now) }, now);
}
function sessionOf(l, agent) {
  const registered = (l.agents ?? []).find((a) => a.agent === agent)?.session;
  return registered ?? l.session?.id ?? void 0;
}
function withSessionOf(l, args) {
  if (args.session !== void 0) return args;
  const session = sessionOf(l, args.agent);
  return session === void 0 ? args : { ...args, session };
}
function withAgents(l, agents) {
  return { ...l, agents: [...agents].sort(compareAgents) };
}
function touchAgent(l, agent, now) {
  const prev = (l.agents ?? []).find((a) => a.agent === agent);
  const at = isoTime(now);
  if (!prev || prev.lastSeen >= at) return l;
  return withAgents(l, l.agents.map((a) => a === prev ? { ...a, lastSeen: at } : a));
}
function seen(r, agent, now) {
  if (r.message === null) return r;
  const ledger = touchAgent(r.ledger, agent, now);
  return ledger === r.ledger ? r : { ...r, ledger };
}
function registerAgent(l, args, now) {
  checkNow(now);
  checkNonEmpty("agent", args.agent);
  const previous = (l.agents ?? []).find((a) => a.agent === args.agent) ?? null;
  const existing = args.session === void 0 ? previous?.session ?? l.session?.id ?? null : args.session === "new" ? null : args.session;
  const session = existing ?? nextSessionId(l, now);
  const at = isoTime(now);
  const agent = {
    agent: args.agent,
    stream: args.stream,
    session,
    worktree: args.worktree,
    firstSeen: previous?.firstSeen ?? at,
    lastSeen: previous && previous.lastSeen > at ? previous.lastSeen : at
  };
  const outcome = { kind: previous ? "updated" : "registered", agent, previous, newSession: existing === null };
  if (previous && JSON.stringify(previous) === JSON.stringify(agent)) return unchanged(l, outcome);
  const others = (l.agents ?? []).filter((a) => a !== previous);
  const where = [args.stream ?? "no stream", `session ${session}`].join(", ");
  return {
    ledger: withAgents(l, [...others, agent]),
    outcome,
    message: `${previous ? "re-register" : "register"} agent ${args.agent} (${where})${args.worktree ? ` at ${args.worktree}` : ""}`
  };
}
function tooLongReason(what, askedMinutes, maxTtlMinutes) {
  const asked = formatDuration(askedMinutes * MINUTE);
  const max = formatDuration(maxTtlMinutes * MINUTE);
  const then = what === "intent" ? "declare less and signal again later" : what === "lock" ? "ask for less and extend it later" : "extend by less, again later if needed";
  return `a${what === "intent" || what === "extension" ? "n" : ""} ${what} of ${asked} is longer than the configured locks.max_ttl (${max}): ${then}`;
}
function queueGate(l, path, holder, now, graceMinutes) {
  const skipped = [];
  let ahead = null;
  const queues = l.queues.map((q) => {
    if (!globsIntersect(q.path, path)) return q;
    let waiters = q.waiters;
    while (waiters.length > 0) {
      const head = waiters[0];
      if (ownedBy(head, holder)) break;
      const told = head.notifiedAt !== void 0 ? ms(head.notifiedAt) : null;
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
function skipNote(skipped, graceMinutes) {
  return skipped.length > 0 ? `; skipped ${skipped.map((x) => `${holderLabel(x.entry)} in the queue for ${x.path}`).join(", ")} (silent ${graceMinutes} min after being told it was free)` : "";
}
function acquireLockUnguarded(l, args, now) {
  checkNow(now);
  checkNonEmpty("lock path", args.path);
  checkNonEmpty("agent", args.agent);
  checkNonEmpty("lease", args.lease);
  checkMinutes("ttlMinutes", args.ttlMinutes);
  checkMinutes("maxTtlMinutes", args.maxTtlMinutes);
  if (!Number.isFinite(args.queueGraceMinutes) || args.queueGraceMinutes < 0) throw new RangeError(`queueGraceMinutes must be a number of minutes >= 0, got ${args.queueGraceMinutes}`);
  if (args.ttlMinutes > args.maxTtlMinutes) return unchanged(l, { kind: "too-long", maxTtlMinutes: args.maxTtlMinutes, reason: tooLongReason("lock", args.ttlMinutes, args.maxTtlMinutes) });
  const holder = { agent: args.agent, ...args.change !== void 0 ? { change: args.change } : {} };
  const blockers = conflictingLocks(l, args.path, holder, now);
  const foreign = blockers.filter((k) => !ownedBy(k, holder));
  if (foreign[0]) {
    const pos = queuePosition(l, args.path, holder);
    return unchanged(l, { kind: "held", lock: foreign[0], ...pos !== null ? { queuePosition: pos } : {} });
  }
  if (blockers[0]) return unchanged(l, { kind: "covered", lock: blockers[0] });
  const gateQ = queueGate(l, args.path, holder, now, args.queueGraceMinutes);
  const skipNoteText = skipNote(gateQ.skipped, args.queueGraceMinutes);
  if (gateQ.ahead) {
    const { path: qPath, head } = gateQ.ahead;
    let cur = gateQ.skipped.length > 0 ? withLedger(l, { queues: gateQ.queues }) : l;
    const notice = { path: qPath, next: head };
    const told = stampNotified(cur, [notice], now);
    const notify = told !== cur ? [notice] : [];
    cur = told;
    const pos = queuePosition(cur, qPath, holder);
    let position;
    let already = true;
    if (pos !== null) position = pos;
    else {
      const q = enqueue(cur, { path: qPath, agent: args.agent, ...args.change !== void 0 ? { change: args.change } : {} }, now);
      cur = q.ledger;
      position = q.outcome.position;
      already = false;
    }
    const outcome = { kind: "queued", path: qPath, position, already, head, notify, skipped: gateQ.skipped };
    if (cur === l) return unchanged(l, outcome);
    const parts = [
      ...already ? [] : [`queue ${holderLabel(holder)} for ${qPath} (position ${position}): ${holderLabel(head)} is first in line`],
      ...notify.length > 0 ? [`tell ${holderLabel(head)} that ${qPath} is free`] : []
    ];
    return { ledger: cur, outcome, message: `${parts.join("; ") || `queue for ${qPath}`}${skipNoteText}` };
  }
  const base = gateQ.skipped.length > 0 ? withLedger(l, { queues: gateQ.queues }) : l;
  const droppedExpired = base.locks.filter((k) => isExpired(k, now) && globsIntersect(k.path, args.path)).sort(compareLocks);
  const own = base.locks.find((k) => k.path === args.path && sameHolder(k, holder) && !isExpired(k, now));
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
  const dropNote = droppedExpired.length > 0 ? `; dropped expired ${droppedExpired.map((k) => `${k.path} by ${holderLabel(k)} (expired ${shortTime(k.expiresAt)})`).join(", ")}` : "";
  const queueNote = left > 0 ? "; left its queue" : "";
  if (own) {
    const expiresAt = ms(own.expiresAt) >= ms(until) ? own.expiresAt : until;
    const lock2 = expiresAt === own.expiresAt ? own : { ...own, expiresAt };
    if (lock2 === own && droppedExpired.length === 0 && !queuesChanged) {
      return unchanged(l, { kind: "renewed", lock: lock2, droppedExpired, skipped: [] });
    }
    const locks2 = base.locks.filter((k) => k !== own && !droppedExpired.includes(k)).concat(lock2);
    return {
      ledger: withLedger(base, { locks: locks2, ...queuesChanged ? { queues } : {} }),
      outcome: { kind: "renewed", lock: lock2, droppedExpired, skipped: gateQ.skipped },
      message: `renew lock ${lock2.path} by ${holderLabel(lock2)} until ${shortTime(lock2.expiresAt)}${dropNote}${queueNote}${skipNoteText}`
    };
  }
  const lock = {
    lease: args.lease,
    path: args.path,
    agent: args.agent,
    stream: args.stream,
    task: args.task,
    ...args.change !== void 0 ? { change: args.change } : {},
    acquiredAt: isoTime(now),
    expiresAt: until,
    ...args.session !== void 0 ? { session: args.session } : {}
  };
  const locks = base.locks.filter((k) => !droppedExpired.includes(k)).concat(lock);
  return {
    ledger: withLedger(base, { locks, ...queuesChanged ? { queues } : {} }),
    outcome: { kind: "acquired", lock, droppedExpired, skipped: gateQ.skipped },
    message: `lock ${lock.path} by ${holderLabel(lock)} until ${shortTime(lock.expiresAt)}${dropNote}${queueNote}${skipNoteText}`
  };
}
function releaseLock(l, args, now) {
  checkNow(now);
  checkNonEmpty("lock path", args.path);
  checkNonEmpty("agent", args.agent);
  const atPath = l.locks.filter((k) => k.path === args.path).sort(compareLocks);
  const own = atPath.filter((k) => k.agent === args.agent);
  let removed;
  if (args.force) removed = atPath;
  else if (own.length > 0) removed = own;
  else {
    const other = atPath.find((k) => !isExpired(k, now));
    return unchanged(l, other ? { kind: "not-holder", lock: other } : { kind: "not-locked" });
  }
  if (removed.length === 0) return unchanged(l, { kind: "not-locked" });
  const lock = removed.find((k) => !isExpired(k, now)) ?? removed[0];
  const freed = withLedger(l, { locks: l.locks.filter((k) => !removed.includes(k)) });
  const notify = noticesFor(l, freed, [args.path], now, removed);
  const ledger = stampNotified(freed, notify, now);
  const next = notify.find((n) => n.path === args.path)?.next;
  const forced = lock.agent !== args.agent;
  const message = forced ? `force-unlock ${lock.path} held by ${holderLabel(lock)}, by ${args.agent}` : `unlock ${lock.path} by ${holderLabel(lock)}`;
  const nextNote = notify.length > 0 ? `; next: ${notify.map((n) => `${n.next.agent} for ${n.path}`).join(", ")}` : "";
  return {
    ledger,
    outcome: { kind: "released", lock, ...next ? { next } : {}, notify },
    message: message + nextNote
  };
}
function extendLocks(l, args, now) {
  checkNow(now);
  checkNonEmpty("agent", args.agent);
  checkMinutes("minutes", args.minutes);
  checkMinutes("maxTtlMinutes", args.maxTtlMinutes);
  if (args.minutes > args.maxTtlMinutes) return unchanged(l, { kind: "too-long", maxTtlMinutes: args.maxTtlMinutes, reason: tooLongReason("extension", args.minutes, args.maxTtlMinutes) });
  const cap = now + args.maxTtlMinutes * MINUTE;
  const targets = liveLocks(l, now).filter(
    (k) => k.agent === args.agent && (args.change === void 0 || k.change === args.change) && (args.paths === void 0 || args.paths.includes(k.path))
  ).sort(compareLocks);
  const notFound = (args.paths ?? []).filter((p) => !targets.some((k) => k.path === p));
  const extended = [];
  const atCap = [];
  const replaced = /* @__PURE__ */ new Map();
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
  const outcome = { kind: "extended", extended, atCap, notFound };
  if (extended.length === 0) return unchanged(l, outcome);
  const locks = l.locks.map((k) => replaced.get(k) ?? k);
  const detail = extended.map((k) => `${k.path} until ${shortTime(k.expiresAt)}`);
  return {
    ledger: touchAgent(withLedger(l, { locks }), args.agent, now),
    outcome,
    message: `extend ${plural(extended.length, "lock")} of ${args.agent}${args.change ? ` (${args.change})` : ""}: ${listPaths(detail)}`
  };
}
function signalIntent(l, args, now) {
  checkNow(now);
  checkNonEmpty("intent id", args.id);
  checkNonEmpty("agent", args.agent);
  checkMinutes("durationMinutes", args.durationMinutes);
  if (args.files.length === 0) throw new TypeError("an intent needs at least one file or glob");
  for (const f of args.files) checkNonEmpty("intent file", f);
  const intent = {
    id: args.id,
    agent: args.agent,
    stream: args.stream,
    files: [...args.files],
    description: args.description,
    durationMinutes: args.durationMinutes,
    signalledAt: isoTime(now),
    expiresAt: isoTime(now + args.durationMinutes * MINUTE),
    ...args.change !== void 0 ? { change: args.change } : {},
    ...args.session !== void 0 ? { session: args.session } : {}
  };
  const replaced = l.intents.filter((i) => sameHolder(i, intent));
  const intents = l.intents.filter((i) => !replaced.includes(i)).concat(intent);
  const desc = args.description ? `: ${args.description}` : "";
  return {
    ledger: withLedger(l, { intents }),
    outcome: { kind: "recorded", intent, replaced },
    message: `intent by ${holderLabel(intent)} on ${listPaths(intent.files)} for ${args.durationMinutes} min${desc}`
  };
}
function declareIntentUnguarded(l, args, now) {
  checkNow(now);
  checkMinutes("durationMinutes", args.durationMinutes);
  const max = args.config.locks.maxTtlMinutes;
  if (args.durationMinutes > max) return unchanged(l, { kind: "too-long", maxTtlMinutes: max, reason: tooLongReason("intent", args.durationMinutes, max) });
  const probe = { id: args.change ?? `agent:${args.agent}`, agent: args.agent, files: args.files.map((path) => ({ path, hunks: null })) };
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
    message: r.message === null ? null : r.message + forced
  };
}
function clearIntent(l, args, now) {
  checkNow(now);
  checkNonEmpty("agent", args.agent);
  const removed = l.intents.filter((i) => sameHolder(i, args));
  if (removed.length === 0) return unchanged(l, { kind: "not-found" });
  return {
    ledger: withLedger(l, { intents: l.intents.filter((i) => !removed.includes(i)) }),
    outcome: { kind: "cleared", intents: removed },
    message: `clear ${plural(removed.length, "intent")} of ${holderLabel(args)}`
  };
}
function footprintKey(f) {
  return serializeLedger({
    kind: "pucs-ledger",
    schemaVersion: 1,
    session: null,
    locks: [],
    intents: [],
    footprints: [{ ...f, recordedAt: "1970-01-01T00:00:00.000Z" }],
    queues: [],
    overrides: []
  });
}
function recordFootprint(l, footprint) {
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
    message: `footprint ${footprint.change}${sha} by ${holderLabel({ agent: footprint.agent, stream: footprint.stream })}: ${plural(footprint.files.length, "file")}${trunc}`
  };
}
function removeFootprint(l, args) {
  const footprint = l.footprints.find((f) => f.change === args.change);
  if (!footprint) return unchanged(l, { kind: "not-found" });
  return {
    ledger: withLedger(l, { footprints: l.footprints.filter((f) => f !== footprint) }),
    outcome: { kind: "removed", footprint },
    message: `remove footprint ${args.change}`
  };
}
function expire(l, now) {
  checkNow(now);
  const locks = l.locks.filter((k) => isExpired(k, now));
  const intents = l.intents.filter((i) => isExpired(i, now));
  if (locks.length === 0 && intents.length === 0) return unchanged(l, { kind: "expired", locks, intents, notify: [] });
  const cleaned = withLedger(l, {
    ...locks.length > 0 ? { locks: l.locks.filter((k) => !locks.includes(k)) } : {},
    ...intents.length > 0 ? { intents: l.intents.filter((i) => !intents.includes(i)) } : {}
  });
  const notify = noticesFor(l, cleaned, locks.map((k) => k.path), now, locks);
  const ledger = stampNotified(cleaned, notify, now);
  const parts = [];
  if (locks.length > 0) parts.push(`${plural(locks.length, "lock")} (${listPaths(locks.map((k) => `${k.path} by ${k.agent}`))})`);
  if (intents.length > 0) parts.push(`${plural(intents.length, "intent")} (${listPaths(intents.map((i) => `by ${i.agent}`))})`);
  return { ledger, outcome: { kind: "expired", locks, intents, notify }, message: `expire ${parts.join(" and ")}` };
}
function enqueue(l, args, now) {
  checkNow(now);
  checkNonEmpty("queue path", args.path);
  checkNonEmpty("agent", args.agent);
  const pos = queuePosition(l, args.path, args);
  if (pos !== null) return unchanged(l, { kind: "queued", position: pos, already: true });
  const entry = {
    agent: args.agent,
    ...args.change !== void 0 ? { change: args.change } : {},
    enqueuedAt: isoTime(now)
  };
  const existing = l.queues.find((q) => q.path === args.path);
  const waiters = existing ? [...existing.waiters, entry] : [entry];
  const queues = l.queues.filter((q) => q !== existing).concat({ path: args.path, waiters });
  return {
    ledger: withLedger(l, { queues }),
    outcome: { kind: "queued", position: waiters.length, already: false },
    message: `queue ${holderLabel(args)} for ${args.path} (position ${waiters.length})`
  };
}
function dequeue(l, args) {
  const { queues, removed } = removeFromQueue(l, args.path, (w) => w.agent === args.agent);
  if (removed.length === 0) return unchanged(l, { kind: "not-queued" });
  return {
    ledger: withLedger(l, { queues }),
    outcome: { kind: "dequeued", entries: removed },
    message: `dequeue ${args.agent} from ${args.path}`
  };
}
function release(l, args, now) {
  checkNow(now);
  checkNonEmpty("agent", args.agent);
  if (args.change !== void 0) checkNonEmpty("change", args.change);
  const c = args.change;
  const mine = (x) => c !== void 0 ? x.change === c : x.change === void 0 && x.agent === args.agent;
  const locks = l.locks.filter(mine);
  const intents = l.intents.filter(mine);
  const all = args.scope === "all" && c !== void 0;
  const footprint = all ? l.footprints.find((f) => f.change === c) ?? null : null;
  const override = all ? l.overrides.find((o) => o.change === c) ?? null : null;
  const arbitration = all ? (l.arbitrations ?? []).find((a) => a.change === c) ?? null : null;
  const queueEntries = [];
  const queues = [];
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
    ...locks.length > 0 ? { locks: l.locks.filter((k) => !locks.includes(k)) } : {},
    ...intents.length > 0 ? { intents: l.intents.filter((i) => !intents.includes(i)) } : {},
    ...footprint ? { footprints: l.footprints.filter((f) => f !== footprint) } : {},
    ...override ? { overrides: l.overrides.filter((o) => o !== override) } : {},
    ...queuesChanged ? { queues } : {},
    ...arbitration ? { arbitrations: (l.arbitrations ?? []).filter((a) => a !== arbitration) } : {}
  });
  const freed = [...locks.map((k) => k.path), ...queueEntries.map((e) => e.path)];
  const notify = noticesFor(l, freedLedger, freed, now, locks);
  const ledger = stampNotified(freedLedger, notify, now);
  const parts = [];
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
    message: `release ${c ?? args.agent}${all ? "" : " (claims)"}: ${parts.join(", ")}${nextNote}`
  };
}
function releaseChange(l, args, now) {
  checkNonEmpty("change", args.change);
  const r = release(l, { change: args.change, agent: "-", scope: "all" }, now);
  return r.message === null ? r : { ...r, message: r.message.replace(/^release (\S+) \(claims\)/, "release $1") };
}
function setOverride(l, override) {
  const parsed = GateOverrideSchema.safeParse(override);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new TypeError(`invalid gate override: ${first ? `${first.path.join(".")}: ${first.message}` : "invalid"}`);
  }
  const previous = l.overrides.find((o) => o.change === override.change) ?? null;
  const same = previous && previous.by === override.by && previous.reason === override.reason && previous.at === override.at && previous.headSha === override.headSha;
  if (previous && same) return unchanged(l, { kind: "unchanged", override: previous });
  const overrides = l.overrides.filter((o) => o !== previous).concat(override);
  return {
    ledger: withLedger(l, { overrides }),
    outcome: { kind: "set", override, previous },
    message: `override gate for ${override.change} by ${override.by}: ${override.reason}`
  };
}
function clearOverride(l, args) {
  const override = l.overrides.find((o) => o.change === args.change);
  if (!override) return unchanged(l, { kind: "not-found" });
  return {
    ledger: withLedger(l, { overrides: l.overrides.filter((o) => o !== override) }),
    outcome: { kind: "cleared", override },
    message: `clear gate override for ${args.change}`
  };
}
function applyAll(l, steps) {
  let cur = l;
  const outcomes = [];
  const messages = [];
  for (const step of steps) {
    const r = step(cur);
    outcomes.push(r.outcome);
    if (r.ledger !== cur && r.message !== null) messages.push(r.message);
    cur = r.ledger;
  }
  return { ledger: cur, outcome: outcomes, message: messages.length > 0 ? messages.join("\n") : null };
}
function withBreakers(l, breakers) {
  return { ...l, breakers: [...breakers].sort((a, b) => a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0) };
}
function breakerGate(l, stream, holder, now) {
  const b = breakerOf(l, stream);
  const state = breakerState(b, now);
  if (!b || state === "CLOSED") return null;
  const refusal = () => ({
    kind: "breaker-open",
    stream: b.stream,
    state,
    breaker: b,
    trippedBy: b.trippedBy ?? null,
    halfOpensAt: b.halfOpensAt,
    trial: b.trial ?? null,
    details: describeBreaker(b, now)
  });
  if (state === "OPEN") return refusal();
  if (b.trial) return ownedBy(b.trial, holder) || sameHolder(b.trial, holder) ? null : refusal();
  const trial = { agent: holder.agent, ...holder.change !== void 0 ? { change: holder.change } : {}, at: isoTime(now) };
  return {
    kind: "trial",
    mark: (x) => withBreakers(x, (x.breakers ?? []).map((y) => y.stream === b.stream ? { ...y, trial } : y))
  };
}
function guarded(l, stream, holder, now, made, run) {
  checkNow(now);
  const gate = breakerGate(l, stream, holder, now);
  if (gate === null) return run();
  if (gate.kind === "breaker-open") return unchanged(l, gate);
  const r = run();
  if (!made.includes(r.outcome.kind) || r.message === null) return r;
  return { ...r, ledger: gate.mark(r.ledger), message: `${r.message}; the HALF_OPEN ${stream} breaker's trial` };
}
function acquireLock(l, args, now) {
  const holder = { agent: args.agent, ...args.change !== void 0 ? { change: args.change } : {} };
  const a = withSessionOf(l, args);
  const renewal = l.locks.some((k) => k.path === args.path && sameHolder(k, holder) && !isExpired(k, now));
  if (renewal) return seen(acquireLockUnguarded(l, a, now), args.agent, now);
  return seen(guarded(l, args.stream, holder, now, ["acquired"], () => acquireLockUnguarded(l, a, now)), args.agent, now);
}
function declareIntent(l, args, now) {
  const holder = { agent: args.agent, ...args.change !== void 0 ? { change: args.change } : {} };
  const a = withSessionOf(l, args);
  return seen(guarded(l, args.stream, holder, now, ["recorded"], () => declareIntentUnguarded(l, a, now)), args.agent, now);
}
function recordFailure(l, args, config, now) {
  checkNow(now);
  checkNonEmpty("stream", args.stream);
  checkNonEmpty("agent", args.agent);
  if (!Number.isInteger(config.failureThreshold) || config.failureThreshold < 1) throw new RangeError(`failureThreshold must be a positive integer, got ${config.failureThreshold}`);
  checkMinutes("windowMinutes", config.windowMinutes);
  checkMinutes("cooldownMinutes", config.cooldownMinutes);
  const prev = breakerOf(l, args.stream);
  const state = breakerState(prev, now);
  if (prev && args.ref !== void 0 && (prev.failures.some((f) => f.ref === args.ref) || prev.trippedBy?.ref === args.ref)) {
    return unchanged(l, { kind: "duplicate", breaker: prev });
  }
  if (prev && state === "OPEN") return unchanged(l, { kind: "already-open", breaker: prev });
  const failure = {
    at: isoTime(now),
    agent: args.agent,
    error: args.error,
    ...args.change !== void 0 ? { change: args.change } : {},
    ...args.ref !== void 0 ? { ref: args.ref } : {}
  };
  const others = (l.breakers ?? []).filter((b) => b !== prev);
  const who = holderLabel({ agent: args.agent, ...args.change !== void 0 ? { change: args.change } : {} });
  const open = (failures2) => ({
    stream: args.stream,
    failures: failures2,
    openedAt: isoTime(now),
    halfOpensAt: isoTime(now + config.cooldownMinutes * MINUTE),
    trippedBy: failure
  });
  if (prev && state === "HALF_OPEN") {
    const breaker2 = open([failure]);
    return {
      ledger: withBreakers(l, [...others, breaker2]),
      outcome: { kind: "tripped", breaker: breaker2, from: "HALF_OPEN" },
      message: `breaker ${args.stream} OPEN again: the half-open trial failed (${who}: ${args.error}); half-opens at ${shortTime(breaker2.halfOpensAt)}`
    };
  }
  const since = now - config.windowMinutes * MINUTE;
  const failures = [...(prev?.failures ?? []).filter((f) => ms(f.at) > since), failure].slice(-config.failureThreshold);
  if (failures.length >= config.failureThreshold) {
    const breaker2 = open(failures);
    return {
      ledger: withBreakers(l, [...others, breaker2]),
      outcome: { kind: "tripped", breaker: breaker2, from: "CLOSED" },
      message: `breaker ${args.stream} OPEN: ${plural(failures.length, "failure")} in ${config.windowMinutes} min, the last by ${who}: ${args.error}; half-opens at ${shortTime(breaker2.halfOpensAt)}`
    };
  }
  const breaker = { stream: args.stream, failures };
  return {
    ledger: withBreakers(l, [...others, breaker]),
    outcome: { kind: "counted", breaker, count: failures.length, threshold: config.failureThreshold },
    message: `breaker ${args.stream}: failure ${failures.length} of ${config.failureThreshold} by ${who}: ${args.error}`
  };
}
function recordSuccess(l, args, now) {
  checkNow(now);
  checkNonEmpty("stream", args.stream);
  const prev = breakerOf(l, args.stream);
  const state = breakerState(prev, now);
  if (!prev || state !== "HALF_OPEN") return unchanged(l, { kind: "unchanged", state });
  const by = args.agent ? ` (${holderLabel({ agent: args.agent, ...args.change !== void 0 ? { change: args.change } : {} })})` : "";
  return {
    ledger: withBreakers(l, (l.breakers ?? []).filter((b) => b !== prev)),
    outcome: { kind: "closed", breaker: prev },
    message: `breaker ${args.stream} CLOSED: a success while half-open${by}`
  };
}
function resetBreaker(l, args, now) {
  checkNow(now);
  checkNonEmpty("stream", args.stream);
  checkNonEmpty("by", args.by);
  const prev = breakerOf(l, args.stream);
  if (!prev) return unchanged(l, { kind: "not-found" });
  const state = breakerState(prev, now);
  return {
    ledger: withBreakers(l, (l.breakers ?? []).filter((b) => b !== prev)),
    outcome: { kind: "reset", breaker: prev, state },
    message: `breaker ${args.stream} reset (was ${state}) by ${args.by}${args.reason ? `: ${args.reason}` : ""}`
  };
}
var HANDOFFS_KEPT = 50;
function handoff(l, args, now) {
  checkNow(now);
  checkNonEmpty("handoff id", args.id);
  checkNonEmpty("from agent", args.from);
  checkNonEmpty("to agent", args.to);
  if (args.change !== void 0) checkNonEmpty("change", args.change);
  if (args.from === args.to) {
    return unchanged(l, { kind: "same-agent", reason: `${args.from} cannot hand off to itself: name another agent with --to` });
  }
  const moves = (x) => x.agent === args.from && (args.change === void 0 || x.change === args.change);
  const locks = l.locks.filter((k) => moves(k) && !isExpired(k, now));
  const intents = l.intents.filter((i) => moves(i) && !isExpired(i, now));
  const pairs = [];
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
      reason: `${args.to} already holds locks that overlap ${args.from}'s: ${listPaths(list, 3)}. Release one side first (\`pucs release\`), then hand off.`
    });
  }
  const moved = (x) => ({ ...x, agent: args.to });
  const queueEntries = [];
  let queuesChanged = false;
  const queues = l.queues.map((q) => {
    if (!q.waiters.some(moves)) return q;
    queuesChanged = true;
    const waiters = [];
    for (const w of q.waiters) {
      const n = moves(w) ? moved(w) : w;
      if (moves(w)) queueEntries.push({ path: q.path, entry: w });
      if (!waiters.some((x) => sameHolder(x, n))) waiters.push(n);
    }
    return { path: q.path, waiters };
  });
  const stream = args.stream !== void 0 ? args.stream : locks[0]?.stream ?? intents[0]?.stream ?? null;
  const related = [.../* @__PURE__ */ new Set([...args.relatedFiles ?? [], ...intents.flatMap((i) => i.files)])];
  const record = {
    id: args.id,
    from_agent: args.from,
    to_agent: args.to,
    timestamp: isoTime(now),
    session_id: args.sessionId !== void 0 ? args.sessionId : l.session?.id ?? null,
    context: {
      completed: [...args.completed ?? []],
      pending: [...args.pending ?? []],
      warnings: [...args.warnings ?? []],
      commits: [...args.commits ?? []],
      branch: args.branch ?? null
    },
    stream_context: { stream_id: stream, locked_files: locks.map((k) => k.path), related_files: related },
    files_to_review: [...args.filesToReview ?? []],
    ...args.change !== void 0 ? { change: args.change } : {},
    ...args.note ? { note: args.note } : {}
  };
  const all = [...(l.handoffs ?? []).filter((h) => h.id !== args.id), record].sort((a, b) => a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : a.id < b.id ? -1 : 1);
  const dropped = all.length > HANDOFFS_KEPT ? all.slice(0, all.length - HANDOFFS_KEPT) : [];
  const handoffs = all.slice(dropped.length);
  const ledger = withLedger(l, {
    ...locks.length > 0 ? { locks: l.locks.map((k) => locks.includes(k) ? moved(k) : k) } : {},
    ...intents.length > 0 ? { intents: l.intents.map((i) => intents.includes(i) ? moved(i) : i) } : {},
    ...queuesChanged ? { queues } : {},
    handoffs
  });
  const parts = [];
  if (locks.length > 0) parts.push(plural(locks.length, "lock"));
  if (intents.length > 0) parts.push(plural(intents.length, "intent"));
  if (queueEntries.length > 0) parts.push(queueEntries.length === 1 ? "1 queue place" : `${queueEntries.length} queue places`);
  return {
    ledger,
    outcome: { kind: "handed-off", handoff: record, locks, intents, queueEntries, dropped },
    message: `handoff ${args.from} → ${args.to}${args.change ? ` (${args.change})` : ""}: ${parts.length > 0 ? parts.join(", ") : "no claims"} moved`
  };
}
function pendingHandoffs(l, agent) {
  return (l.handoffs ?? []).filter((h) => h.to_agent === agent && h.acknowledgedAt === void 0).reverse();
}
function ackHandoffs(l, args, now) {
  checkNow(now);
  checkNonEmpty("agent", args.agent);
  const pending = (l.handoffs ?? []).filter((h) => h.to_agent === args.agent && h.acknowledgedAt === void 0);
  if (pending.length === 0) return unchanged(l, { kind: "acknowledged", handoffs: [] });
  const at = isoTime(now);
  return {
    ledger: { ...l, handoffs: (l.handoffs ?? []).map((h) => pending.includes(h) ? { ...h, acknowledgedAt: at } : h) },
    outcome: { kind: "acknowledged", handoffs: pending },
    message: `${args.agent} acknowledged ${plural(pending.length, "handoff")}`
  };
}
var MERGES_KEPT = 50;
function recordMerge(l, args, now) {
  checkNow(now);
  checkNonEmpty("change", args.change);
  checkNonEmpty("mergeSha", args.mergeSha);
  const known = (l.merges ?? []).find((m) => m.change === args.change && m.mergeSha === args.mergeSha);
  if (known) return unchanged(l, { kind: "known", merge: known });
  const fp = l.footprints.find((f) => f.change === args.change);
  if (!fp) return unchanged(l, { kind: "untracked" });
  const title = args.title ?? fp.title;
  const merge = {
    change: args.change,
    mergeSha: args.mergeSha,
    stream: fp.stream,
    agent: fp.agent,
    ...args.author ? { author: args.author } : {},
    ...title ? { title } : {},
    ...args.nodeId ? { nodeId: args.nodeId } : {},
    mergedAt: isoTime(now)
  };
  const all = [...(l.merges ?? []).filter((m) => m.change !== args.change), merge].sort((a, b) => a.mergedAt < b.mergedAt ? -1 : a.mergedAt > b.mergedAt ? 1 : a.change < b.change ? -1 : 1);
  const dropped = all.length > MERGES_KEPT ? all.slice(0, all.length - MERGES_KEPT) : [];
  return {
    ledger: { ...l, merges: all.slice(dropped.length) },
    outcome: { kind: "recorded", merge, dropped },
    message: `merged ${args.change} as ${args.mergeSha.slice(0, 7)} (${holderLabel({ agent: fp.agent, stream: fp.stream })}): kept for ROLLBACK`
  };
}
function suggestRollback(l, args, now) {
  checkNow(now);
  checkNonEmpty("ref", args.ref);
  const prev = (l.merges ?? []).find((m) => m.mergeSha === args.mergeSha);
  if (!prev) return unchanged(l, { kind: "untracked" });
  if (prev.rollback) return unchanged(l, { kind: "already", merge: prev });
  const merge = { ...prev, rollback: { at: isoTime(now), checks: [...args.checks], ref: args.ref } };
  return {
    ledger: { ...l, merges: (l.merges ?? []).map((m) => m === prev ? merge : m) },
    outcome: { kind: "suggested", merge },
    message: `ROLLBACK suggested for ${prev.change}${prev.stream ? ` (${prev.stream})` : ""}: its merge ${args.mergeSha.slice(0, 7)} fails on the default branch (${args.checks.join(", ") || args.ref})`
  };
}
function markRolledBack(l, args, now) {
  checkNow(now);
  checkNonEmpty("by", args.by);
  const prev = (l.merges ?? []).find((m) => m.change === args.change) ?? null;
  if (!prev || !prev.rollback) return unchanged(l, { kind: "no-suggestion", merge: prev });
  if (prev.rollback.done) return unchanged(l, { kind: "already-done", merge: prev });
  const merge = { ...prev, rollback: { ...prev.rollback, done: { by: args.by, at: isoTime(now), revert: args.revert, ...args.url ? { url: args.url } : {} } } };
  return {
    ledger: { ...l, merges: (l.merges ?? []).map((m) => m === prev ? merge : m) },
    outcome: { kind: "done", merge },
    message: `ROLLBACK of ${args.change} opened by ${args.by}: revert #${args.revert}`
  };
}
function withArbitration(l, prev, next) {
  const rest = (l.arbitrations ?? []).filter((a) => a !== prev);
  return { ...l, arbitrations: [...rest, next].sort((a, b) => a.change < b.change ? -1 : a.change > b.change ? 1 : 0) };
}
function requestArbitration(l, args, now) {
  checkNow(now);
  checkNonEmpty("change", args.change);
  const prev = (l.arbitrations ?? []).find((a) => a.change === args.change) ?? null;
  if (prev?.requested) return unchanged(l, { kind: "already", arbitration: prev });
  const arbitration = { change: args.change, requested: { at: isoTime(now), reviewers: [...args.reviewers], teams: [...args.teams] }, decisions: prev?.decisions ?? [] };
  const names = [...args.reviewers, ...args.teams].map((x) => `@${x}`).join(", ");
  return {
    ledger: withArbitration(l, prev, arbitration),
    outcome: { kind: "requested", arbitration },
    message: `ARBITRATE ${args.change}: review requested from ${names}`
  };
}
function decideArbitration(l, args, now) {
  checkNow(now);
  checkNonEmpty("change", args.change);
  checkNonEmpty("by", args.by);
  if (args.keys.length === 0) return unchanged(l, { kind: "nothing-to-decide" });
  const prev = (l.arbitrations ?? []).find((a) => a.change === args.change) ?? null;
  const decision = { by: args.by, note: args.note, at: isoTime(now), headSha: args.headSha, keys: [...args.keys] };
  const arbitration = { ...prev ?? { change: args.change }, decisions: [...prev?.decisions ?? [], decision] };
  return {
    ledger: withArbitration(l, prev, arbitration),
    outcome: { kind: "decided", decision, arbitration },
    message: `ARBITRATE ${args.change} decided by ${args.by}${args.headSha ? ` at ${args.headSha.slice(0, 7)}` : ""} (${args.keys.join(", ")})${args.note ? `: ${args.note}` : ""}`
  };
}

export {
  sessionIdProblem,
  isoTime,
  shortTime,
  isExpired,
  sameHolder,
  ownedBy,
  holderLabel,
  liveLocks,
  liveIntents,
  conflictingLocks,
  queuePosition,
  noticesFor,
  stampNotified,
  startSession,
  startNewSession,
  sessionOf,
  touchAgent,
  registerAgent,
  tooLongReason,
  releaseLock,
  extendLocks,
  signalIntent,
  clearIntent,
  recordFootprint,
  removeFootprint,
  expire,
  enqueue,
  dequeue,
  release,
  releaseChange,
  setOverride,
  clearOverride,
  applyAll,
  acquireLock,
  declareIntent,
  recordFailure,
  recordSuccess,
  resetBreaker,
  HANDOFFS_KEPT,
  handoff,
  pendingHandoffs,
  ackHandoffs,
  MERGES_KEPT,
  recordMerge,
  suggestRollback,
  markRolledBack,
  requestArbitration,
  decideArbitration
};
