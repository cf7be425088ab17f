/**
 * src/engine/refresh.ts: which reports a ledger update makes out of date (verdict or strategy, not
 * wording), and the `stale` marks a commit sets and clears.
 */
import { describe, expect, it } from "vitest";
import { activeHolders, evaluate } from "../../src/engine/evaluate.js";
import { reportKey, settleRefresh, shownKey, staleAfter, unlistedCapacityChanges, type KeyOf } from "../../src/engine/refresh.js";
import { UNLISTED, type Change, type Footprint, type Ledger } from "../../src/engine/types.js";
import { T0, emptyLedgerFixture, footprint, seedConfig } from "./fixtures.js";

const config = seedConfig();
const changeOf = (fp: Footprint): Change => ({
  id: fp.change,
  agent: fp.agent,
  files: fp.files.map((f) => ({ path: f.path, hunks: f.changes === null ? null : f.changes.map((r) => ({ oldStart: r.start, oldLines: r.end - r.start + 1, newStart: r.start, newLines: r.end - r.start + 1, section: "", changes: [r] })) })),
});
const keyOf: KeyOf = (fp, l) => shownKey(reportKey(evaluate(changeOf(fp), l, config, T0, { stream: fp.stream })), false);

/** n PRs in OBS (max_agents 3), each on its own file. */
const obs = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => footprint(`#${from + i}`, `a${from + i}`, "OBS", [{ path: `observability/f${from + i}.py`, ranges: [[1, 2]] }]));

describe("staleAfter: the reports a ledger update makes out of date", () => {
  it("a 4th PR in a stream of max 3: the three others become CAPACITY; the 5th changes nobody's verdict (who else is in the stream is wording)", () => {
    const three = emptyLedgerFixture({ footprints: obs(1, 3) });
    const four = { ...three, footprints: [...three.footprints, ...obs(4, 4)] };
    expect(staleAfter(three, four, keyOf, "#4")).toEqual(["#1", "#2", "#3"]);
    const five = { ...four, footprints: [...four.footprints, ...obs(5, 5)] };
    expect(staleAfter(four, five, keyOf, "#5")).toEqual([]);
    // and back: #4 leaves, the three are clear again
    expect(staleAfter(four, three, keyOf, null)).toEqual(["#1", "#2", "#3"]);
  });

  it("an overlap concerns the PRs on the touched file only, and not a PR in another stream", () => {
    const base = emptyLedgerFixture({ footprints: [...obs(1, 2), footprint("#9", "x", "API", [{ path: "api/r.py", ranges: [[1, 1]] }])] });
    const next = { ...base, footprints: [...base.footprints, footprint("#3", "a3", "OBS", [{ path: "observability/f1.py", ranges: [[1, 1]] }])] };
    expect(staleAfter(base, next, keyOf, "#3")).toEqual(["#1"]);
    expect(staleAfter(base, base, keyOf, null)).toEqual([]);
  });
});

describe("settleRefresh: the stale marks", () => {
  const four = emptyLedgerFixture({ footprints: obs(1, 4) });

  it("marks what a batch made out of date, keeps the mark while the published key differs, clears it when it matches, and records comment ids", () => {
    const marked = settleRefresh(four, { add: ["#1", "#2"], done: new Map(), comments: new Map() }, keyOf);
    expect(marked.ledger.footprints.map((f) => [f.change, f.stale ?? false])).toEqual([
      ["#1", true],
      ["#2", true],
      ["#3", false],
      ["#4", false],
    ]);
    expect(marked.message).toBe("reports out of date: #1, #2");
    const l: Ledger = marked.ledger;
    const fp1 = l.footprints[0]!;
    // #1 refreshed with the key it has now; #2 refreshed with an older key (a later update changed it again).
    const done = new Map([
      ["#1", keyOf(fp1, l)],
      ["#2", "an older verdict"],
    ]);
    const settled = settleRefresh(l, { add: [], done, comments: new Map([["#3", 42]]) }, keyOf);
    expect(settled.ledger.footprints.map((f) => [f.change, f.stale ?? false, f.comment ?? null])).toEqual([
      ["#1", false, null],
      ["#2", true, null],
      ["#3", false, 42],
      ["#4", false, null],
    ]);
    expect(settled.message).toBe("reports refreshed: #1; report comments of #3");
    expect("stale" in settled.ledger.footprints[0]!).toBe(false);
  });

  it("changes nothing (the same ledger object: no commit) when there is nothing to mark, clear or record", () => {
    const r = settleRefresh(four, { add: [], done: new Map([["#9", "x"]]), comments: new Map() }, keyOf);
    expect(r.ledger).toBe(four);
    expect(r.message).toBeNull();
  });
});

describe("a partial ledger's unlisted members (UNLISTED): counted by CAPACITY, and a crossing of max_agents asks for every member", () => {
  const config = { ...seedConfig(), streams: seedConfig().streams.map((s) => (s.id === "EXEC" ? { ...s, maxAgents: 20 } : s)) };
  const member = (n: number) => footprint(`#${n}`, `agent${n}`, "EXEC", []);
  /** A view listing the first `listed` of `open` EXEC members, the rest counted. */
  const view = (open: number, listed: number): Ledger => Object.assign(emptyLedgerFixture({ footprints: Array.from({ length: listed }, (_, i) => member(i + 1)) }), { [UNLISTED]: { EXEC: open - listed } });
  const newcomer: Change = { id: "#900", agent: "zed", files: [{ path: "execution/z.py", status: "modified", hunks: null }] };

  it("activeHolders and CAPACITY count them; the conflict names the first 6 and counts the rest, as on the whole ledger", () => {
    expect(activeHolders(view(25, 16), T0).get("EXEC")).toEqual({ holders: Array.from({ length: 16 }, (_, i) => `#${i + 1}`), count: 25 });
    const whole = emptyLedgerFixture({ footprints: Array.from({ length: 25 }, (_, i) => member(i + 1)) });
    const cap = (l: Ledger) => evaluate(newcomer, l, config, T0, { stream: "EXEC" }).conflicts.find((c) => c.type === "CAPACITY");
    expect(cap(view(25, 16))).toStrictEqual(cap(whole));
    expect(cap(whole)).toMatchObject({ holder: "#1, #2, #3, #4, #5, #6 and 19 more", details: "EXEC already has 25 active (max_agents 20): #1, #2, #3, #4, #5, #6 and 19 more." });
    expect(cap(view(19, 16))).toBeUndefined();
  });

  it("unlistedCapacityChanges: a member joining at the limit (20 → 21) asks for EXEC; far from it (30 → 31), or on a whole ledger, nothing", () => {
    const join = (l: Ledger) => ({ ...l, footprints: [...l.footprints, member(800)] });
    expect(unlistedCapacityChanges(view(20, 16), join(view(20, 16)), config, T0)).toEqual(["EXEC"]);
    expect(unlistedCapacityChanges(view(19, 16), join(view(19, 16)), config, T0)).toEqual(["EXEC"]); // drafts count all 20
    expect(unlistedCapacityChanges(view(30, 16), join(view(30, 16)), config, T0)).toEqual([]);
    const whole = emptyLedgerFixture({ footprints: Array.from({ length: 20 }, (_, i) => member(i + 1)) });
    expect(unlistedCapacityChanges(whole, join(whole), config, T0)).toEqual([]);
  });
});
