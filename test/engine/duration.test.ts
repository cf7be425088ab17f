import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { formatDuration, parseDuration, MAX_DURATION_MS } from "../../src/engine/duration.js";

const ACCEPTED =
  "use a number of minutes (45), or a number with a unit s, m, h or d (90s, 45m, 2h, 1.5h), or combined largest unit first (1h30m)";

describe("parseDuration", () => {
  it.each([
    ["45", 45 * 60_000],
    ["30", 30 * 60_000],
    ["1.5", 90_000],
    ["90s", 90_000],
    ["45m", 45 * 60_000],
    ["2h", 2 * 3_600_000],
    ["1h30m", 90 * 60_000],
    ["1h 30m", 90 * 60_000],
    ["1.5h", 90 * 60_000],
    ["2m30s", 150_000],
    ["1d", 86_400_000],
    ["7d", MAX_DURATION_MS],
    ["  2H ", 2 * 3_600_000],
    ["1d 2h 3m 4s", 86_400_000 + 2 * 3_600_000 + 3 * 60_000 + 4_000],
  ])("reads %j as %d ms", (input, ms) => {
    expect(parseDuration(input)).toEqual({ ok: true, ms });
  });

  it.each([
    ["", "it is empty"],
    ["   ", "it is empty"],
    ["0", "it is zero"],
    ["0m", "it is zero"],
    ["0h0m", "it is zero"],
    ["-5", "it is negative"],
    ["-5m", "it is negative"],
    ["5w", 'unknown unit "w"'],
    ["10 minutes", 'unknown unit "minutes"'],
    ["30m1h", 'unit "h" is repeated or out of order (write the largest unit first, each once)'],
    ["1h1h", 'unit "h" is repeated or out of order (write the largest unit first, each once)'],
    ["1h30", 'cannot read "30" (expected a number followed by a unit)'],
    ["abc", 'cannot read "abc" (expected a number followed by a unit)'],
    ["m", 'cannot read "m" (expected a number followed by a unit)'],
    ["0.001s", "it is shorter than one second"],
    ["8d", "it is longer than the maximum of 7 days (7d)"],
    ["10081", "it is longer than the maximum of 7 days (7d)"],
    ["1e9", 'unknown unit "e"'],
  ])("refuses %j: %s", (input, why) => {
    expect(parseDuration(input)).toEqual({
      ok: false,
      message: `invalid duration ${JSON.stringify(input)}: ${why}; ${ACCEPTED}`,
    });
  });
});

describe("formatDuration", () => {
  it.each([
    [90 * 60_000, "1h 30m"],
    [45 * 60_000, "45m"],
    [90_000, "1m 30s"],
    [30_000, "30s"],
    [0, "0s"],
    [250, "250ms"],
    [2 * 86_400_000 + 3 * 3_600_000, "2d 3h"],
    [3_600_000 + 1_500, "1h 1s"],
    [-5 * 60_000, "-5m"],
  ])("formats %d ms as %j", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it("round-trips whole seconds through parseDuration", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_DURATION_MS / 1000 }), (seconds) => {
        const ms = seconds * 1000;
        expect(parseDuration(formatDuration(ms))).toEqual({ ok: true, ms });
      }),
    );
  });
});
