/** The Action's `report` output document, built from gate results, against the published schema. */
import { describe, expect, it } from "vitest";
import { gateReportJson } from "../../src/action/report-json.js";
import { gate } from "../../src/engine/gate.js";
import { emptyLedgerFixture, seedConfig, T0 } from "../engine/fixtures.js";
import { assertValid } from "../support/schemas.js";

describe("gateReportJson", () => {
  it("names each blocker once with its PR number and stream; a lock held outside a PR has no number", () => {
    const config = seedConfig();
    const ledger = emptyLedgerFixture({
      locks: [{ lease: "L", path: "api/a.py", agent: "cli-agent", stream: "API", task: "t", acquiredAt: "2026-11-23T19:00:00.000Z", expiresAt: "2026-11-23T21:00:00.000Z" }],
      overrides: [],
    });
    const open = [
      { change: "#1", streams: ["OBS"], draft: false },
      { change: "#2", streams: ["API"], draft: false, files: ["api/a.py"] },
      { change: "#3", streams: ["API"], draft: false, files: ["api/b.py"] },
    ];
    const results = [gate(open[1]!, open, ledger, config, T0), gate(open[2]!, open, ledger, config, T0)];
    const doc = gateReportJson(results, ["tests/test_api*.py"]);
    assertValid("report", doc);
    expect(doc.verdict).toBe("blocked");
    expect(doc.phase).toBe(3);
    expect(doc.blockers.map((b) => [b.pr, b.change, b.stream, b.reason])).toEqual([
      [1, "#1", "OBS", "earlier-phase"],
      [null, "cli-agent", "API", "lock"],
    ]);
    expect(doc.changes.map((c) => c.pr)).toEqual([2, 3]);
  });

  it("an event that gated no PR: verdict none, still a valid document", () => {
    const doc = gateReportJson([], []);
    assertValid("report", doc);
    expect(doc).toEqual({ schema: "pucs.report/v1", kind: "gate", verdict: "none", streams: [], phase: null, blockers: [], testPatterns: [], changes: [] });
  });

  it("the conflict report (pucs check --json, the App's comment) validates against the same schema id", async () => {
    const { evaluate } = await import("../../src/engine/evaluate.js");
    const { reportJson } = await import("../../src/engine/report.js");
    const { footprint, change, file, hunk, lock } = await import("../engine/fixtures.js");
    const ledger = emptyLedgerFixture({
      footprints: [footprint("#9", "other", "EXEC", [{ path: "execution/x.py", ranges: [[1, 10, "def f"]] }])],
      locks: [lock("execution/y.py", "holder", { stream: "EXEC" })],
    });
    const ev = evaluate(change("#5", "me", [file("execution/x.py", [hunk(5, 6, "def f")]), file("execution/y.py", null)]), ledger, seedConfig(), T0);
    expect(ev.conflicts.length).toBeGreaterThan(1);
    assertValid("report", reportJson(ev));
  });
});
