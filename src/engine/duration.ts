/**
 * Durations for locks and intents (`--duration`, `/pucs lock ... for 2h`).
 *
 * Accepted forms (case-insensitive, surrounding whitespace ignored):
 *   - a bare number: minutes, as in the seed's CLI (`--duration 45` = 45 minutes; `1.5` = 90 seconds);
 *   - a number with a unit: `90s`, `45m`, `2h`, `1d`, `1.5h`;
 *   - several components, largest unit first, each unit at most once, optionally separated by
 *     spaces: `1h30m`, `1h 30m`, `1d 2h`, `2m30s` (what `formatDuration` prints parses back).
 * Refused, with a message naming the input and these forms: empty input, zero, negative numbers,
 * unknown units, components out of order or repeated, anything under one second, anything over 7 days.
 *
 * Pure: no clock, no I/O.
 */

export const SECOND_MS = 1_000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
/** The longest duration accepted. */
export const MAX_DURATION_MS = 7 * DAY_MS;

export type DurationResult = { ok: true; ms: number } | { ok: false; message: string };

const ACCEPTED = "a number of minutes (45), or a number with a unit s, m, h or d (90s, 45m, 2h, 1.5h), or combined largest unit first (1h30m)";

const UNIT_MS: Record<string, number> = { d: DAY_MS, h: HOUR_MS, m: MINUTE_MS, s: SECOND_MS };
const UNIT_ORDER = ["d", "h", "m", "s"];

const NUMBER = /^(?:\d+(?:\.\d*)?|\.\d+)$/;
const COMPONENT = /(\d+(?:\.\d*)?|\.\d+)\s*([a-z]+)\s*/y;

function refuse(input: string, why: string): { ok: false; message: string } {
  return { ok: false, message: `invalid duration ${JSON.stringify(input)}: ${why}; use ${ACCEPTED}` };
}

export function parseDuration(s: string): DurationResult {
  const text = s.trim().toLowerCase();
  if (text === "") return refuse(s, "it is empty");
  if (text.startsWith("-")) return refuse(s, "it is negative");
  let ms: number;
  if (NUMBER.test(text)) {
    ms = Number(text) * MINUTE_MS;
  } else {
    ms = 0;
    let pos = 0;
    let lastUnit = -1;
    COMPONENT.lastIndex = 0;
    while (pos < text.length) {
      COMPONENT.lastIndex = pos;
      const m = COMPONENT.exec(text);
      if (!m) {
        return refuse(s, `cannot read ${JSON.stringify(text.slice(pos))} (expected a number followed by a unit)`);
      }
      const value = m[1] as string;
      const unit = m[2] as string;
      const unitMs = UNIT_MS[unit];
      if (unitMs === undefined) return refuse(s, `unknown unit ${JSON.stringify(unit)}`);
      const order = UNIT_ORDER.indexOf(unit);
      if (order <= lastUnit) {
        return refuse(s, `unit "${unit}" is repeated or out of order (write the largest unit first, each once)`);
      }
      lastUnit = order;
      ms += Number(value) * unitMs;
      pos = COMPONENT.lastIndex;
    }
  }
  ms = Math.round(ms);
  if (!Number.isFinite(ms)) return refuse(s, "it is not a finite number");
  if (ms === 0) return refuse(s, "it is zero");
  if (ms < SECOND_MS) return refuse(s, "it is shorter than one second");
  if (ms > MAX_DURATION_MS) return refuse(s, `it is longer than the maximum of 7 days (${formatDuration(MAX_DURATION_MS)})`);
  return { ok: true, ms };
}

/**
 * Human-readable duration: the non-zero components among days, hours, minutes and seconds,
 * largest first, separated by a space ("1h 30m", "45m", "1m 30s", "2d 3h"); a sub-second
 * remainder is dropped unless the whole duration is under a second ("250ms"); 0 is "0s";
 * negative durations get a leading "-" ("-5m"). Deterministic, and parseDuration reads it back.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (ms === 0) return "0s";
  if (ms < SECOND_MS) return `${Math.round(ms)}ms`;
  let rest = Math.floor(ms / SECOND_MS);
  const parts: string[] = [];
  for (const unit of UNIT_ORDER) {
    const size = (UNIT_MS[unit] as number) / SECOND_MS;
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(`${n}${unit}`);
  }
  return parts.join(" ");
}
