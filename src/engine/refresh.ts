/**
 * Which other open changes' reports a ledger update makes out of date, and the ledger's list of the
 * ones still to refresh (issue 14: no write storms, no report left stale forever). Pure.
 *
 * A report is out of date when its VERDICT or STRATEGY changed: the verdict, the stream, and each
 * conflict's type, file, holder and strategy (`reportKey`) — not its wording (line numbers of an
 * overlap, expiry times), which is refreshed by the change's own next event.
 *
 * The commit that makes a report out of date marks the change's footprint `stale` (durable with the
 * change that caused it: a crash or restart loses no refresh); whoever refreshes it clears the mark
 * in a later commit that has other work to carry (`settleRefresh`), and only while the report it
 * published still matches the ledger the mark is cleared in.
 */
import { activeHolders } from "./evaluate.js";
import { globsIntersect } from "./globs.js";
import { UNLISTED, type Config, type Evaluation, type Footprint, type Ledger } from "./types.js";

/** Paths (and globs) whose claims differ between two ledgers, and the streams involved. */
export function touched(before: Ledger, after: Ledger): { paths: string[]; streams: Set<string> } {
  const paths = new Set<string>();
  const streams = new Set<string>();
  const key = (x: unknown) => JSON.stringify(x);
  // Transitions keep every entry they do not change (same object), so identity finds the candidates
  // without serializing the whole ledger; among those, an entry replaced by an equal copy is no change.
  const diff = <T>(a: T[], b: T[], each: (x: T) => void) => {
    const inA = new Set(a);
    const inB = new Set(b);
    const onlyA = a.filter((x) => !inB.has(x));
    const onlyB = b.filter((x) => !inA.has(x));
    if (onlyA.length === 0 && onlyB.length === 0) return;
    const ak = new Set(onlyA.map(key));
    const bk = new Set(onlyB.map(key));
    for (const x of onlyA) if (!bk.has(key(x))) each(x);
    for (const x of onlyB) if (!ak.has(key(x))) each(x);
  };
  diff(before.locks, after.locks, (k) => {
    paths.add(k.path);
    if (k.stream) streams.add(k.stream);
  });
  diff(before.intents, after.intents, (i) => {
    i.files.forEach((f) => paths.add(f));
    if (i.stream) streams.add(i.stream);
  });
  diff(before.footprints, after.footprints, (f) => {
    f.files.forEach((x) => {
      paths.add(x.path);
      if (x.previousPath !== undefined) paths.add(x.previousPath); // a rename concerns whoever changes its old path
    });
    if (f.stream) streams.add(f.stream);
  });
  diff(before.queues, after.queues, (q) => paths.add(q.path));
  // A ROLLBACK suggested (or done) for a merged change concerns its stream's open changes (their note).
  diff(before.merges ?? [], after.merges ?? [], (m) => {
    if (m.stream) streams.add(m.stream);
  });
  return { paths: [...paths], streams };
}

/**
 * What a refresh is for: verdict, stream, and each conflict's type/file/holder/strategy. A CAPACITY
 * conflict's holders (who else is in the full stream) are wording: one more PR joining a full stream
 * does not rewrite the report of every PR already in it.
 */
export function reportKey(ev: Evaluation): string {
  const rollbacks = ev.suggestions.filter((s) => s.startsWith("ROLLBACK")).length;
  return JSON.stringify([
    ev.verdict,
    ev.stream,
    ev.conflicts.map((c) => (c.type === "CAPACITY" ? [c.type, c.strategy] : [c.type, c.file, c.holderChange ?? c.holder, c.decided ? "decided" : c.strategy])),
    // A ROLLBACK note is news for the stream's changes (issue 11): present only when there is one, so other keys stay as they were.
    ...(rollbacks > 0 ? [rollbacks] : []),
  ]);
}

/** The report key and whether the change waits in a queue (its `pucs:queued` label), as one string. */
export const shownKey = (key: string, queued: boolean): string => `${key}|${queued ? "queued" : "-"}`;

/** The report key of a footprint's change against a ledger (the caller evaluates: config, clock). */
export type KeyOf = (fp: Footprint, ledger: Ledger) => string;

/**
 * Open changes (other than `except`) whose report key differs between `before` and `after`, in
 * change order. Only footprints the update can concern are evaluated: a touched path, or a touched
 * stream (capacity).
 */
export function staleAfter(before: Ledger, after: Ledger, keyOf: KeyOf, except: string | null): string[] {
  if (before === after) return [];
  const { paths, streams } = touched(before, after);
  if (paths.length === 0 && streams.size === 0) return [];
  const out: string[] = [];
  for (const fp of after.footprints) {
    if (fp.change === except) continue;
    const concerns = (fp.stream !== null && streams.has(fp.stream)) || fp.files.some((f) => paths.some((p) => p === f.path || p === f.previousPath || globsIntersect(p, f.path)));
    if (!concerns) continue;
    if (keyOf(fp, before) !== keyOf(fp, after)) out.push(fp.change);
  }
  return out.sort(byNumber);
}

/**
 * Streams whose open changes' CAPACITY answer an update may change where `staleAfter` cannot see every
 * one of them: on a partial ledger whose stream has unlisted members (UNLISTED), when the stream's
 * count of active holders crosses its `max_agents` for a member (who counts the others) or for a
 * non-member such as a draft (who counts them all). The caller reads those streams' members whole
 * and asks again. Empty on whole ledgers and when a big stream only grows or shrinks far from its limit.
 */
export function unlistedCapacityChanges(before: Ledger, after: Ledger, config: Config, now: number): string[] {
  if (before === after) return [];
  const ub = before[UNLISTED] ?? {};
  const ua = after[UNLISTED] ?? {};
  const capped = config.streams.filter((s) => (ub[s.id] ?? 0) > 0 || (ua[s.id] ?? 0) > 0);
  if (capped.length === 0) return [];
  const cb = activeHolders(before, now);
  const ca = activeHolders(after, now);
  const out: string[] = [];
  for (const s of capped) {
    const b = cb.get(s.id)?.count ?? 0;
    const a = ca.get(s.id)?.count ?? 0;
    if (b === a) continue;
    const answers = (n: number) => `${n - 1 >= s.maxAgents}|${n >= s.maxAgents}`;
    if (answers(b) !== answers(a)) out.push(s.id);
  }
  return out;
}

const byNumber = (a: string, b: string) => (Number(a.slice(1)) || 0) - (Number(b.slice(1)) || 0) || (a < b ? -1 : a > b ? 1 : 0);

export interface Settlement {
  /** Changes whose report this batch made out of date. */
  add: readonly string[];
  /** Changes refreshed, with the key published (`shownKey`). */
  done: ReadonlyMap<string, string>;
  /** Report comments made for other changes (change → comment id), kept in their footprints. */
  comments: ReadonlyMap<string, number>;
}

/**
 * The ledger after a round of refreshes: the footprints of `add` get the `stale` mark; a `done`
 * change loses it when its key against THIS ledger is the one published (else a later update
 * changed it again: it stays marked); `comments` go into the footprints. Same ledger when nothing changes.
 */
export function settleRefresh(l: Ledger, s: Settlement, keyOf: KeyOf): { ledger: Ledger; outcome: null; message: string | null } {
  const add = new Set(s.add);
  const marked: string[] = [];
  const cleared: string[] = [];
  const noted: string[] = [];
  const footprints = l.footprints.map((f) => {
    let next = f;
    const published = s.done.get(f.change);
    const stale = (f.stale === true || add.has(f.change)) && !(published !== undefined && keyOf(f, l) === published);
    if (stale && f.stale !== true) {
      next = { ...f, stale: true };
      marked.push(f.change);
    } else if (!stale && f.stale === true) {
      const { stale: _, ...rest } = f;
      next = rest;
      cleared.push(f.change);
    }
    const c = s.comments.get(f.change);
    if (c !== undefined && next.comment !== c) {
      next = { ...next, comment: c };
      noted.push(f.change);
    }
    return next;
  });
  if (marked.length === 0 && cleared.length === 0 && noted.length === 0) return { ledger: l, outcome: null, message: null };
  const messages: string[] = [];
  if (marked.length > 0) messages.push(`reports out of date: ${marked.join(", ")}`);
  if (cleared.length > 0) messages.push(`reports refreshed: ${cleared.join(", ")}`);
  if (noted.length > 0) messages.push(`report comments of ${noted.join(", ")}`);
  return { ledger: { ...l, footprints }, outcome: null, message: messages.join("; ") };
}
