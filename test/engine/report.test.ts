import { describe, expect, it } from "vitest";
import { evaluate } from "../../src/engine/evaluate.js";
import { REPORT_MARKER, annotationsFor, checkConclusion, checkTitle, parseReportFromMarkdown, renderMarkdown, renderText } from "../../src/engine/report.js";
import type { Evaluation, Hunk } from "../../src/engine/types.js";
import { T0, change, emptyLedgerFixture, file, footprint, hunk, lock, seedConfig } from "./fixtures.js";

const config = seedConfig();

function shifted(start: number, end: number, newStart: number, section: string): Hunk {
  return { ...hunk(start, end, section), newStart, newLines: end - start + 1 };
}

describe("report", () => {
  const c = change("#1", "alice", [file("observability/m.py", [shifted(3, 4, 5, "def a():"), shifted(40, 42, 44, "def b():")]), file("observability/n.py")]);
  const ledger = emptyLedgerFixture({
    locks: [lock("observability/n.py", "bob", { change: "#8", task: "fix | pipes" })],
    footprints: [footprint("#9", "carol", "OBS", [{ path: "observability/m.py", ranges: [[41, 41, "def b():"]] }])],
  });
  const ev = evaluate(c, ledger, config, T0);

  it("renders the sticky comment: marker, verdict, one table row per conflict, the JSON for agents", () => {
    const md = renderMarkdown(ev);
    expect(md.startsWith(`${REPORT_MARKER}\n### PUCS: Blocked: 1 locked, 1 overlap\n`)).toBe(true);
    expect(md).toContain("**Stream:** OBS (from files) · **Files:** 2 · **Verdict:** blocked");
    expect(md).toContain("| LOCKED | `observability/n.py` | #8 (@bob) | — | ⏳ QUEUE | Locked by #8 (bob) until");
    expect(md).toContain("fix \\| pipes"); // cell content cannot break the table
    expect(md).toContain("| INTENT_OVERLAP | `observability/m.py` (L40-42) | #9 (@carol) | OBS | ✂️ PARTITION |");
    const json = parseReportFromMarkdown(md)!;
    expect(json.schema).toBe("pucs.report/v1");
    expect(json.conflicts).toEqual(ev.conflicts);
    expect(json.counts).toEqual({ LOCKED: 1, INTENT_OVERLAP: 1 });
    expect(json.omitted).toBe(0);
  });

  it("stays within GitHub's body limit with thousands of conflicts", () => {
    const many: Evaluation = { ...ev, conflicts: Array.from({ length: 5000 }, (_, i) => ({ ...ev.conflicts[0]!, file: `observability/${"x".repeat(80)}${i}.py` })) };
    const md = renderMarkdown(many);
    expect(md.length).toBeLessThan(65_536);
    expect(md).toContain("…and 4950 more");
    const json = parseReportFromMarkdown(md)!;
    expect(json.conflicts.length + json.omitted).toBe(5000);
  });

  it("titles and concludes check runs by verdict", () => {
    expect(checkTitle(ev)).toBe("Blocked: 1 locked, 1 overlap");
    expect(checkConclusion(ev)).toBe("failure");
    const clear = evaluate(change("#1", "alice", [file("observability/z.py")]), emptyLedgerFixture(), config, T0);
    expect([checkTitle(clear), checkConclusion(clear)]).toEqual(["No conflicts", "success"]);
    const partitionOnly = { ...ev, verdict: "needs-decision" as const, conflicts: ev.conflicts.filter((x) => x.type !== "LOCKED") };
    expect([checkTitle(partitionOnly), checkConclusion(partitionOnly)]).toEqual(["Needs a decision: 1 overlap", "neutral"]);
  });

  it("annotates the head-side lines of the overlapping hunks, and the first hunk otherwise", () => {
    expect(annotationsFor(ev, c)).toEqual([
      {
        path: "observability/n.py",
        start_line: 1,
        end_line: 1,
        annotation_level: "failure",
        title: "PUCS LOCKED → QUEUE",
        message: `${ev.conflicts[0]!.details}\n${ev.conflicts[0]!.nextStep}`,
      },
      {
        path: "observability/m.py",
        start_line: 44,
        end_line: 46,
        annotation_level: "warning",
        title: "PUCS INTENT_OVERLAP → PARTITION",
        message: `${ev.conflicts[1]!.details}\n${ev.conflicts[1]!.nextStep}`,
      },
    ]);
  });

  it("prints the seed's conflict listing in a terminal", () => {
    const text = renderText(ev);
    expect(text).toContain("CONFLICTS DETECTED (2): Blocked: 1 locked, 1 overlap");
    expect(text).toContain("  - LOCKED: observability/n.py   [QUEUE]\n    Holder: #8 (@bob)\n");
    expect(text).toContain("    Lines: L40-42; this side: def b():; other side: def b():");
    expect(text).toContain("Suggestions:\n  - Wait until #8 (bob)");
  });
});
