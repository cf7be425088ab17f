import { describe, expect, test } from "vitest";
import {
  affectedBy,
  changeOfPull,
  listedChange,
  locksMatter,
  mergeGroupPulls,
  mergeGroupStatus,
  mergeGroupTopPull,
  sameStatus,
  statusOf,
  streamsOfStatus,
  testPatternsOf,
} from "../../src/action/plan.js";
import { gate } from "../../src/engine/gate.js";
import type { GateChange, GateResult } from "../../src/engine/types.js";
import type { PullInfo } from "../../src/github/gate.js";
import { emptyLedgerFixture, seedConfig, stream, T0, iso, MIN } from "../engine/fixtures.js";

const config = seedConfig();

function pull(n: number, over: Partial<PullInfo> = {}): PullInfo {
  return { number: n, title: `PR ${n}`, draft: false, state: "open", merged: false, branch: `topic-${n}`, headSha: "a".repeat(40), baseRef: "main", labels: [], url: `https://github.com/o/r/pull/${n}`, author: "dev", body: "", authorIsBot: false, ...over };
}

const gc = (n: number, streams: string[], draft = false): GateChange => ({ change: `#${n}`, streams, draft });

describe("listedChange: streams without listing files", () => {
  test("a label, a [PUCS-ID] title or a feature/stream branch declares the stream", () => {
    expect(listedChange(pull(1, { labels: ["pucs:stream:OBS"] }), null, config)).toEqual({
      gate: { change: "#1", agent: "dev", streams: ["OBS"], draft: false, files: [], title: "PR 1", url: "https://github.com/o/r/pull/1", headSha: "a".repeat(40) },
      source: "declared",
    });
    expect(listedChange(pull(2, { title: "[PUCS-API] feat: x" }), null, config).gate.streams).toEqual(["API"]);
    expect(listedChange(pull(3, { branch: "feature/stream-exec-fills" }), null, config).gate.streams).toEqual(["EXEC"]);
  });

  test("the ledger's footprint adds the owners of the recorded files", () => {
    const ledger = emptyLedgerFixture({
      footprints: [{ change: "#4", agent: "a", stream: "OBS", headSha: "b".repeat(40), draft: false, files: [{ path: "observability/x.py", changes: null }, { path: "api/y.py", changes: null }], recordedAt: iso(T0) }],
    });
    const l = listedChange(pull(4, { labels: ["pucs:stream:OBS"] }), ledger, config);
    expect(l.source).toBe("footprint");
    expect(l.gate.streams).toEqual(["OBS", "API"]);
    expect(l.gate.files).toEqual(["observability/x.py", "api/y.py"]);
  });

  test("nothing declared and no footprint: the files are needed", () => {
    expect(listedChange(pull(5), null, config)).toMatchObject({ source: "none", gate: { streams: [] } });
  });

  test("changeOfPull keeps renames, the title and the commit messages (the title counts once for the stream)", () => {
    expect(changeOfPull(pull(6), [{ path: "b.py", previousPath: "a.py" }], ["m1"])).toMatchObject({
      id: "#6",
      title: "PR 6",
      commitMessages: ["m1"],
      files: [{ path: "b.py", previousPath: "a.py", hunks: null }],
    });
  });
});

describe("locksMatter", () => {
  test("only a live lock, and only when the config blocks on locks", () => {
    const lock = (exp: number) => ({ lease: "l", path: "api/**", agent: "x", stream: "API", task: "t", acquiredAt: iso(T0 - 60 * MIN), expiresAt: iso(exp) });
    expect(locksMatter(null, config, T0)).toBe(false);
    expect(locksMatter(emptyLedgerFixture({ locks: [lock(T0 - 1)] }), config, T0)).toBe(false);
    expect(locksMatter(emptyLedgerFixture({ locks: [lock(T0 + 1)] }), config, T0)).toBe(true);
    const noLocks = seedConfig({ mergeGate: { ...config.mergeGate, blockOnLocks: false } });
    expect(locksMatter(emptyLedgerFixture({ locks: [lock(T0 + 1)] }), noLocks, T0)).toBe(false);
  });
});

describe("statuses", () => {
  const result = (verdict: "pass" | "blocked", description: string): GateResult => ({ change: "#1", streams: [], phase: null, verdict, blockers: [], description });
  test("pass → success, blocked → failure; the link records the streams; the same state, description and streams is the same status whatever the run", () => {
    expect(statusOf({ ...result("pass", "Ready"), streams: ["OBS", "API"] }, "u")).toEqual({ state: "success", description: "Ready", targetUrl: "u#pucs-streams=OBS,API" });
    expect(statusOf(result("blocked", "Blocked"), null)).toEqual({ state: "failure", description: "Blocked", targetUrl: null });
    expect(sameStatus({ state: "failure", description: "Blocked", targetUrl: "old#pucs-streams=" }, statusOf(result("blocked", "Blocked"), "new"))).toBe(true);
    expect(sameStatus({ state: "failure", description: "Blocked", targetUrl: "old#pucs-streams=OBS" }, statusOf(result("blocked", "Blocked"), "new"))).toBe(false);
    expect(sameStatus({ state: "failure", description: "Blocked", targetUrl: "https://elsewhere" }, statusOf(result("blocked", "Blocked"), "new"))).toBe(false);
    expect(sameStatus({ state: "failure", description: "Blocked", targetUrl: "old" }, statusOf(result("blocked", "Blocked"), null))).toBe(true);
    expect(streamsOfStatus({ state: "success", description: "", targetUrl: "https://run/1#pucs-streams=EXEC,LLM" })).toEqual(["EXEC", "LLM"]);
    expect(streamsOfStatus({ state: "success", description: "", targetUrl: "https://run/1" })).toBeNull();
    expect(streamsOfStatus(null)).toBeNull();
    expect(sameStatus({ state: "failure", description: "Blocked by #2", targetUrl: null }, statusOf(result("blocked", "Blocked"), null))).toBe(false);
    expect(sameStatus(null, statusOf(result("pass", "Ready"), null))).toBe(false);
  });
});

describe("affectedBy: which other PRs an event on one PR can have changed", () => {
  const others = [gc(1, ["OBS"]), gc(2, ["EXEC"]), gc(3, ["API"]), gc(4, []), gc(5, ["SCAN"])];
  test("a new phase-1 PR can only change the later phases' verdicts", () => {
    expect(affectedBy("#9", null, gc(9, ["OBS"]), others, config, T0)).toEqual(["#2", "#3"]);
  });
  test("an event that leaves its streams as they were changes nobody's verdict", () => {
    expect(affectedBy("#9", gc(9, ["OBS"]), gc(9, ["OBS"]), others, config, T0)).toEqual([]);
    expect(affectedBy("#9", gc(9, ["OBS"]), gc(9, ["SCAN"]), others, config, T0)).toEqual(["#2", "#3"]);
  });
  test("a new phase-3 PR changes nobody's verdict", () => {
    expect(affectedBy("#9", null, gc(9, ["API"]), others, config, T0)).toEqual([]);
  });
  test("a closed PR: those it used to block", () => {
    expect(affectedBy("#9", gc(9, ["EXEC"]), null, others, config, T0)).toEqual(["#3"]);
  });
  test("a relabelled PR: those it blocked before or blocks now", () => {
    expect(affectedBy("#9", gc(9, ["EXEC"]), gc(9, ["OBS"]), others, config, T0)).toEqual(["#2", "#3"]);
  });
  test("an unknown earlier state: its declared streams plus possibly any other one; drafts block nobody", () => {
    expect(affectedBy("#9", { unknown: [] }, gc(9, ["API"]), others, config, T0)).toEqual(["#2", "#3"]);
    // Declared API (phase 3): whatever else it touched, it was phase 3 and blocked nobody.
    expect(affectedBy("#9", { unknown: ["API"] }, gc(9, ["API"]), others, config, T0)).toEqual([]);
    expect(affectedBy("#9", { unknown: ["EXEC"] }, gc(9, ["EXEC"]), others, config, T0)).toEqual(["#3"]);
    expect(affectedBy("#9", null, gc(9, ["OBS"], true), others, config, T0)).toEqual([]);
  });
  test("in dependencies mode only dependents are affected", () => {
    const deps = seedConfig({
      streams: [stream("A", ["a/**"]), stream("B", ["b/**"], { dependsOn: ["A"] }), stream("C", ["c/**"])],
      areas: [],
      mergeGate: { pinnedPhases: [["A", "C"], ["B"]], blockOn: "dependencies", blockOnLocks: true },
    });
    const list = [gc(1, ["B"]), gc(2, ["C"])];
    expect(affectedBy("#9", null, gc(9, ["A"]), list, deps, T0)).toEqual(["#1"]);
    expect(affectedBy("#9", null, gc(9, ["C"]), list, deps, T0)).toEqual([]);
  });
  test("agrees with gating against the whole list, on every pair", () => {
    for (const subject of [gc(9, ["OBS"]), gc(9, ["EXEC"]), gc(9, ["API"]), gc(9, [])]) {
      const affected = affectedBy("#9", null, subject, others, config, T0);
      const expected = others.filter((o) => gate(o, [...others, subject], null, config, T0).blockers.some((b) => b.change === "#9")).map((o) => o.change);
      expect(affected).toEqual(expected);
    }
  });
});

describe("merge groups", () => {
  test("the head ref names the top PR; merge and squash subjects name the rest", () => {
    const ref = "refs/heads/gh-readonly-queue/main/pr-104-929f8209d40f77f4abc622a499c93a83babdbe64";
    expect(mergeGroupTopPull(ref)).toBe(104);
    expect(mergeGroupTopPull("gh-readonly-queue/release/v2/pr-7-abc123")).toBe(7);
    expect(mergeGroupTopPull("refs/heads/main")).toBeNull();
    expect(mergeGroupPulls(ref, ["Merge pull request #101 from o/x\n\nbody", "Add the thing (#102)", "[PUCS-OBS] feat: tracing (#103)\n\nmore (#999)", "no number"])).toEqual([101, 102, 103, 104]);
  });

  test("the group status passes only when every PR does, and fits in 140 characters", () => {
    const ok: GateResult = { change: "#11", streams: ["OBS"], phase: 1, verdict: "pass", blockers: [], description: "" };
    const blocked: GateResult = {
      change: "#12",
      streams: ["API"],
      phase: 3,
      verdict: "blocked",
      blockers: [
        { change: "#10", stream: "SCAN", phase: 1, reason: "earlier-phase", unblock: "" },
        { change: "#9", stream: "API", phase: 3, reason: "lock", unblock: "" },
      ],
      description: "",
    };
    expect(mergeGroupStatus([ok], "u")).toEqual({ state: "success", description: "Queue group #11: every PR passes the phase order", targetUrl: "u" });
    expect(mergeGroupStatus([ok, blocked], null)).toEqual({ state: "failure", description: "#12 blocked by #10 (SCAN, phase 1), lock by #9", targetUrl: null });
    const many = Array.from({ length: 20 }, (_, i) => ({ ...blocked, change: `#${100 + i}` }));
    const d = mergeGroupStatus(many, null).description;
    expect(d.length).toBe(140);
    expect(d.endsWith("…")).toBe(true);
  });
});

test("testPatternsOf: the streams' test patterns in stream order, once each", () => {
  const c = seedConfig({
    streams: [stream("A", ["a/**"], { testPatterns: ["t/a*.py", "t/shared.py"] }), stream("B", ["b/**"], { testPatterns: ["t/shared.py", "t/b*.py"] })],
    areas: [],
    mergeGate: { pinnedPhases: null, blockOn: "phase", blockOnLocks: true },
  });
  expect(testPatternsOf(["B", "A"], c)).toEqual(["t/a*.py", "t/shared.py", "t/b*.py"]);
  expect(testPatternsOf([], c)).toEqual([]);
});

test("mapLimit keeps input order and never runs more than the limit at once", async () => {
  const { mapLimit } = await import("../../src/action/gate-run.js");
  let running = 0;
  let peak = 0;
  const out = await mapLimit([5, 1, 4, 2, 3, 0, 6], 3, async (n) => {
    running++;
    peak = Math.max(peak, running);
    await new Promise((r) => setTimeout(r, n));
    running--;
    return n * 10;
  });
  expect(out).toEqual([50, 10, 40, 20, 30, 0, 60]);
  expect(peak).toBe(3);
  expect(await mapLimit([], 3, async () => 1)).toEqual([]);
});
