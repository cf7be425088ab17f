import { describe, expect, test } from "vitest";
import { renderPhaseGraph, renderSummary, type RunReport } from "../../src/action/summary.js";
import type { GateResult } from "../../src/engine/types.js";
import { seedConfig, stream } from "../engine/fixtures.js";

const chain = seedConfig({
  streams: [
    stream("CORE", ["core/**"], { testPatterns: ["tests/core*.py"] }),
    stream("end", ["end/**"]),
    stream("MID", ["mid/**"], { dependsOn: ["CORE"], name: 'Mid "layer"' }),
    stream("TOP", ["top/**"], { dependsOn: ["MID"], testPatterns: ["tests/top*.py"] }),
  ],
  areas: [],
  mergeGate: { pinnedPhases: null, blockOn: "dependencies", blockOnLocks: true },
});

const blockedTop: GateResult = {
  change: "#7",
  streams: ["TOP"],
  phase: 3,
  verdict: "blocked",
  blockers: [{ change: "#3", stream: "CORE", phase: 1, reason: "dependency", unblock: "#3 (CORE, phase 1) must be merged or closed first: TOP depends on CORE.", title: "Core | API", url: "https://github.com/o/r/pull/3" }],
  description: "Blocked by #3 (CORE, phase 1)",
};

describe("renderPhaseGraph", () => {
  test("phases as subgraphs, dependency edges, ids that cannot clash with Mermaid keywords, quoted names", () => {
    expect(renderPhaseGraph(chain)).toBe(
      [
        "flowchart LR",
        '  subgraph phase1["Phase 1"]',
        '    s_CORE["CORE"]',
        '    s_end["end"]',
        "  end",
        '  subgraph phase2["Phase 2"]',
        '    s_MID["MID: Mid #quot;layer#quot;"]',
        "  end",
        '  subgraph phase3["Phase 3"]',
        '    s_TOP["TOP"]',
        "  end",
        "  s_CORE --> s_MID",
        "  s_MID --> s_TOP",
      ].join("\n"),
    );
  });

  test("a dependency blocker: the path from its stream to the change's stream is drawn red", () => {
    expect(renderPhaseGraph(chain, blockedTop).split("\n").slice(13)).toEqual([
      "  classDef pr fill:#dbeafe,stroke:#1d4ed8,stroke-width:2px",
      "  classDef blocker fill:#fee2e2,stroke:#b91c1c,stroke-width:2px",
      "  class s_TOP pr",
      "  class s_CORE blocker",
      "  linkStyle 0,1 stroke:#b91c1c,stroke-width:3px",
    ]);
  });

  test("a phase blocker with no dependency path: a dotted edge labelled with the PR; locks are only coloured", () => {
    const r: GateResult = {
      ...blockedTop,
      blockers: [
        { change: "#4", stream: "end", phase: 1, reason: "earlier-phase", unblock: "" },
        { change: "#5", stream: "TOP", phase: 3, reason: "lock", unblock: "" },
      ],
    };
    expect(renderPhaseGraph(chain, r).split("\n").slice(13)).toEqual([
      '  s_end -. "#35;4 blocks" .-> s_TOP',
      "  classDef pr fill:#dbeafe,stroke:#1d4ed8,stroke-width:2px",
      "  classDef blocker fill:#fee2e2,stroke:#b91c1c,stroke-width:2px",
      "  class s_end,s_TOP blocker",
      "  linkStyle 2 stroke:#b91c1c,stroke-width:3px",
    ]);
  });
});

function report(over: Partial<RunReport> = {}): RunReport {
  return {
    event: "pull_request (synchronize)",
    mode: "gate",
    gated: [{ number: 7, title: "Top | work", url: "https://github.com/o/r/pull/7", result: blockedTop }],
    status: { sha: "abcdef1234567890", status: { state: "failure", description: "Blocked by #3 (CORE, phase 1)", targetUrl: null }, action: "published" },
    group: null,
    republished: [],
    unchanged: [],
    commitProtocol: "off",
    commitFindings: [],
    notes: [],
    calls: { reads: 6, writes: 1 },
    ...over,
  };
}

describe("renderSummary", () => {
  test("verdict, streams table, blockers with links, graph, API figures", () => {
    const md = renderSummary(report(), chain);
    expect(md).toBe(
      [
        "## PUCS merge gate: ⛔ blocked",
        "",
        "Event: `pull_request (synchronize)` · mode: `gate`",
        "",
        "Status `PUCS / merge-gate` on `abcdef1`: **failure** — Blocked by #3 (CORE, phase 1) (published)",
        "",
        "### [#7 Top \\| work](https://github.com/o/r/pull/7): ⛔ blocked",
        "",
        "| Stream | Name | Phase | Tests |",
        "|---|---|---|---|",
        "| TOP | TOP | 3 (decides the phase) | `tests/top*.py` |",
        "",
        "Blocked by:",
        "",
        "| Blocking | Stream | Phase | Why | What unblocks it |",
        "|---|---|---|---|---|",
        "| [#3 Core \\| API](https://github.com/o/r/pull/3) | CORE | 1 | dependency | #3 (CORE, phase 1) must be merged or closed first: TOP depends on CORE. |",
        "",
        "```mermaid",
        renderPhaseGraph(chain, blockedTop),
        "```",
        "",
        "<sub>GitHub API: 6 reads, 1 writes</sub>",
        "",
      ].join("\n"),
    );
  });

  test("an overridden pass, other PRs re-published, commit findings and notes", () => {
    const overridden: GateResult = { ...blockedTop, verdict: "pass", overriddenBy: { change: "#7", by: "lead", reason: "urgent", at: "2026-11-23T19:00:00.000Z" } };
    const md = renderSummary(
      report({
        gated: [{ number: 7, title: "t", url: "", result: overridden }],
        republished: [{ change: "#9", url: "https://github.com/o/r/pull/9", previous: null, status: { state: "success", description: "Ready", targetUrl: null } }],
        unchanged: ["#10"],
        commitProtocol: "warn",
        commitFindings: [{ sha: "0123456789", problem: "bad subject" }],
        notes: ["a note"],
      }),
      chain,
    );
    expect(md).toContain("## PUCS merge gate: ✅ pass");
    expect(md).toContain("### #7 t: ✅ pass (overridden)");
    expect(md).toContain("Blockers (overridden):");
    expect(md).toContain("Gate overridden by @lead at 2026-11-23T19:00:00.000Z: urgent");
    expect(md).toContain("| PR | Was | Now |\n|---|---|---|\n| [#9](https://github.com/o/r/pull/9) | no status | **success**: Ready |");
    expect(md).toContain("Already up to date: #10.");
    expect(md).toContain("### Commit protocol (warn)\n\n- `0123456` bad subject\n");
    expect(md).toContain("> a note");
  });

  test("a PR with no stream, and an event that gated nothing", () => {
    const none: GateResult = { change: "#8", streams: [], phase: null, verdict: "pass", blockers: [], description: "" };
    const md = renderSummary(report({ gated: [{ number: 8, title: "docs", url: "", result: none }], status: null }), chain);
    expect(md).toContain("No stream: this PR is outside the phase order (only locks can block it).");
    expect(md).not.toContain("```mermaid");
    expect(renderSummary(report({ gated: [], status: null }), chain).split("\n")[0]).toBe("## PUCS merge gate: nothing gated");
  });
});
