/**
 * Session ids (seed §9.1): `PUCS-YYYYMMDD-NNN`, the date in UTC and NNN the session's number that day.
 * Pure: the shape, its check (with the message every surface prints) and the next free id of a day.
 */
import type { Ledger } from "./types.js";

export const SESSION_ID_SHAPE = "PUCS-YYYYMMDD-NNN";
const SESSION_RE = /^PUCS-(\d{4})(\d{2})(\d{2})-(\d{3})$/;

/** null when `id` is a session id; otherwise what is wrong with it (one clause, without the flag's name). */
export function sessionIdProblem(id: string): string | null {
  const m = SESSION_RE.exec(id);
  if (!m) return `expected ${SESSION_ID_SHAPE} (seed §9.1: the UTC date and the session's number that day, e.g. PUCS-20251207-001)`;
  const [, y, mo, d, n] = m;
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (date.getUTCFullYear() !== Number(y) || date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d)) return `${y}-${mo}-${d} is not a date (${SESSION_ID_SHAPE})`;
  if (n === "000") return `the session's number starts at 001 (${SESSION_ID_SHAPE})`;
  return null;
}

/** The day part of a session id for `now`: "20261128" (UTC). */
export function sessionDay(now: number): string {
  return new Date(now).toISOString().slice(0, 10).replace(/-/g, "");
}

/** Every session id the ledger mentions: its session, the agents', the claims' and the handoffs'. */
export function sessionIdsOf(l: Ledger): string[] {
  const ids: (string | null | undefined)[] = [
    l.session?.id,
    ...(l.agents ?? []).map((a) => a.session),
    ...l.locks.map((k) => k.session),
    ...l.intents.map((i) => i.session),
    ...(l.handoffs ?? []).map((h) => h.session_id),
  ];
  return ids.filter((x): x is string => typeof x === "string");
}

/**
 * The next free session id of `now`'s day: one past the highest NNN of that day the ledger mentions
 * (PUCS-…-001 when none). Computed inside the ledger transition, so two agents asking at once get two ids.
 */
export function nextSessionId(l: Ledger, now: number): string {
  const day = sessionDay(now);
  let max = 0;
  for (const id of sessionIdsOf(l)) {
    const m = SESSION_RE.exec(id);
    if (m && `${m[1]}${m[2]}${m[3]}` === day) max = Math.max(max, Number(m[4]));
  }
  if (max >= 999) throw new RangeError(`no free session id left for ${day}: PUCS-${day}-999 is taken (${SESSION_ID_SHAPE} counts to 999 a day)`);
  return `PUCS-${day}-${String(max + 1).padStart(3, "0")}`;
}
