import { createRequire as __pucsCreateRequire } from 'node:module'; const require = __pucsCreateRequire(import.meta.url);

// src/engine/duration.ts
var SECOND_MS = 1e3;
var MINUTE_MS = 60 * SECOND_MS;
var HOUR_MS = 60 * MINUTE_MS;
var DAY_MS = 24 * HOUR_MS;
var MAX_DURATION_MS = 7 * DAY_MS;
var ACCEPTED = "a number of minutes (45), or a number with a unit s, m, h or d (90s, 45m, 2h, 1.5h), or combined largest unit first (1h30m)";
var UNIT_MS = { d: DAY_MS, h: HOUR_MS, m: MINUTE_MS, s: SECOND_MS };
var UNIT_ORDER = ["d", "h", "m", "s"];
var NUMBER = /^(?:\d+(?:\.\d*)?|\.\d+)$/;
var COMPONENT = /(\d+(?:\.\d*)?|\.\d+)\s*([a-z]+)\s*/y;
function refuse(input, why) {
  return { ok: false, message: `invalid duration ${JSON.stringify(input)}: ${why}; use ${ACCEPTED}` };
}
function parseDuration(s) {
  const text = s.trim().toLowerCase();
  if (text === "") return refuse(s, "it is empty");
  if (text.startsWith("-")) return refuse(s, "it is negative");
  let ms;
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
      const value = m[1];
      const unit = m[2];
      const unitMs = UNIT_MS[unit];
      if (unitMs === void 0) return refuse(s, `unknown unit ${JSON.stringify(unit)}`);
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
function formatDuration(ms) {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (ms === 0) return "0s";
  if (ms < SECOND_MS) return `${Math.round(ms)}ms`;
  let rest = Math.floor(ms / SECOND_MS);
  const parts = [];
  for (const unit of UNIT_ORDER) {
    const size = UNIT_MS[unit] / SECOND_MS;
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(`${n}${unit}`);
  }
  return parts.join(" ");
}

export {
  MINUTE_MS,
  parseDuration,
  formatDuration
};
