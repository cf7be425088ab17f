// @vitest-environment happy-dom
/**
 * The dashboard renderer and the status document: exact content, Mermaid's own parser on every graph,
 * the published JSON Schemas on every document, and the checkbox rules.
 */
import { describe, expect, it } from "vitest";
import { actionAllowed, dashboardGraph, newlyTicked, parseActions, parseDashboardStatus, renderDashboard, DASHBOARD_MARKER } from "../../src/engine/dashboard.js";
import { statusDocument, historyKind } from "../../src/engine/status.js";
import { renderPhaseGraph } from "../../src/action/summary.js";
import { gate } from "../../src/engine/gate.js";
import { emptyLedgerFixture, footprint, intent, iso, lock, MIN, seedConfig, stream, T0 } from "./fixtures.js";
import { assertValid } from "../support/schemas.js";
import { mermaidBlocks, parseMermaid } from "../support/mermaid.js";
import type { Ledger } from "../../src/engine/types.js";

function busyLedger(): Ledger {
  return emptyLedgerFixture({
    session: { id: "S1", startedAt: iso(T0 - 60 * MIN) },
    footprints: [
      footprint("#1", "obs-agent", "OBS", [{ path: "observability/log.py", ranges: [[1, 5]] }], { title: "logs", url: "https://github.com/o/r/pull/1" }),
      footprint("#2", "exec-agent", "EXEC", [{ path: "execution/fill.py", ranges: [[10, 20]] }], { title: 'fill "predictor" | v2' }),
      footprint("#3", "exec-2", "EXEC", [{ path: "execution/fill.py", ranges: [[15, 30]] }]),
    ],
    locks: [
      lock("execution/fill.py", "exec-agent", { stream: "EXEC", change: "#2", task: "ML model", lease: "L1" }),
      lock("api/old.py", "api-agent", { stream: "API", lease: "L2", expiresAt: iso(T0 - MIN) }),
    ],
    intents: [intent("llm-agent", ["llm/agents/base.py"], { stream: "LLM" })],
    queues: [{ path: "execution/fill.py", waiters: [{ agent: "exec-2", change: "#3", enqueuedAt: iso(T0 - 2 * MIN) }] }],
    overrides: [{ change: "#9", by: "lead", reason: "hotfix", at: iso(T0 - 3 * MIN) }],
  });
}

describe("status document (pucs.status/v1)", () => {
  it("states every stream from evaluate and gate, and validates against the schema", () => {
    const doc = statusDocument({ ledger: busyLedger(), config: seedConfig(), now: T0 });
    assertValid("status", doc);
    const state = Object.fromEntries(doc.streams.map((s) => [s.id, s.state]));
    // #2 and #3 (EXEC, phase 2) wait for #1 (OBS, phase 1): EXEC is blocked; OBS has an open PR; LLM an intent.
    expect(state).toEqual({ EXEC: "blocked", LLM: "active", SCAN: "idle", RISK: "idle", BACK: "idle", OBS: "active", API: "idle" });
    const c2 = doc.changes.find((c) => c.change === "#2")!;
    expect(c2.gate).toBe("blocked");
    expect(c2.blockedBy).toEqual(["#1"]);
    expect(c2.phase).toBe(2);
    const c3 = doc.changes.find((c) => c.change === "#3")!;
    expect(c3.conflicts.map((c) => [c.type, c.file, c.holderChange ?? c.holder, c.strategy])).toContainEqual(["LOCKED", "execution/fill.py", "#2", "QUEUE"]);
    expect(doc.locks.map((k) => k.lease)).toEqual(["L1"]);
    expect(doc.expiredLocks).toBe(1);
    expect(doc.queues).toEqual([{ path: "execution/fill.py", waiters: [{ agent: "exec-2", change: "#3", enqueuedAt: iso(T0 - 2 * MIN), position: 1 }] }]);
    expect(doc.history).toBeNull();
  });

  it("keeps releases, expiries and overrides from the ledger's history, newest first", () => {
    const history = [
      { date: "2026-11-23T19:59:00Z", message: "force-unlock a.py held by x, by lead\n\n(dashboard: @lead)" },
      { date: "2026-11-23T19:58:00Z", message: "footprint #2" },
      { date: "2026-11-23T19:57:00Z", message: "expire 1 lock (b.py by y)" },
      { date: "2026-11-23T19:56:00Z", message: "gate override #4 by lead: hotfix" },
    ];
    const doc = statusDocument({ ledger: emptyLedgerFixture(), config: seedConfig(), now: T0, history });
    assertValid("status", doc);
    expect(doc.history).toEqual([
      { at: "2026-11-23T19:59:00Z", message: "force-unlock a.py held by x, by lead", kind: "release" },
      { at: "2026-11-23T19:57:00Z", message: "expire 1 lock (b.py by y)", kind: "expire" },
      { at: "2026-11-23T19:56:00Z", message: "gate override #4 by lead: hotfix", kind: "override" },
    ]);
    expect(historyKind("unlock x by y")).toBe("release");
    expect(historyKind("lock x by y")).toBe("other");
  });

  it("without a config: no streams, every change clear, still valid", () => {
    const doc = statusDocument({ ledger: busyLedger(), config: null, now: T0 });
    assertValid("status", doc);
    expect(doc.streams).toEqual([]);
    expect(doc.changes.every((c) => c.verdict === "clear" && c.gate === "pass")).toBe(true);
  });
});

describe("dashboard body", () => {
  it("shows phases, streams with state, PRs, locks, intents, queues, conflicts and actions", async () => {
    const body = renderDashboard({ ledger: busyLedger(), config: seedConfig(), now: T0, history: [] });
    expect(body.startsWith(`${DASHBOARD_MARKER}\n## PUCS dashboard\n`)).toBe(true);
    expect(body).toContain("**3** open PRs (2 blocked) · **1** live lock (+1 expired) · **1** intent · **1** waiting in queues · session `S1`");
    expect(body).toContain("#### 🔴 EXEC · blocked");
    expect(body).toContain("#### 🟢 OBS · active");
    expect(body).toContain("| [#1 logs by @obs-agent](https://github.com/o/r/pull/1) | clear | pass | — |");
    expect(body).toContain('| #2 fill "predictor" \\| v2 by @exec-agent | ');
    expect(body).toContain("blocked by #1");
    expect(body).toContain("- `execution/fill.py` held by exec-agent (#2) for “ML model” until 2026-11-23T20:25:00.000Z");
    expect(body).toContain("- llm-agent: `llm/agents/base.py` — planned work until 2026-11-23T20:29:00.000Z");
    expect(body).toContain("- `execution/fill.py`: 1. exec-2 (#3)");
    expect(body).toContain("- [ ] <!-- pucs:action release-expired --> Release expired locks (1 now)");
    expect(body).toContain("- [ ] <!-- pucs:action rerun-gate --> Re-run the gate for all open PRs");
    expect(body).toContain("- [ ] <!-- pucs:action release-lock L1 --> Release `execution/fill.py` held by exec-agent (#2)");
    expect(body).not.toContain("release-lock L2"); // expired: released by "release expired locks"
    expect(body).toContain("- #9 by @lead at 2026-11-23T19:57:00.000Z: hotfix");
    // The machine-readable block is the status document minus the clock reading.
    const embedded = parseDashboardStatus(body)!;
    expect(embedded).not.toBeNull();
    expect(embedded).not.toHaveProperty("generatedAt");
    assertValid("status", embedded);
    const { generatedAt: _g, ...doc } = statusDocument({ ledger: busyLedger(), config: seedConfig(), now: T0, history: [] });
    void _g;
    expect(embedded).toEqual(JSON.parse(JSON.stringify(doc)));
    // Mermaid's own parser accepts the graph.
    const blocks = mermaidBlocks(body);
    expect(blocks).toHaveLength(1);
    expect(await parseMermaid(blocks[0]!)).toMatch(/^flowchart/);
  });

  it("is the same body for the same state at another time (no clock in it), and changes when the state does", () => {
    const a = renderDashboard({ ledger: busyLedger(), config: seedConfig(), now: T0, history: [] });
    const b = renderDashboard({ ledger: busyLedger(), config: seedConfig(), now: T0 + 30_000, history: [] });
    expect(b).toBe(a);
    const l = busyLedger();
    l.locks = l.locks.slice(1);
    expect(renderDashboard({ ledger: l, config: seedConfig(), now: T0, history: [] })).not.toBe(a);
  });

  it("draws a graph Mermaid parses for awkward names, keyword-like ids and every state", async () => {
    const config = seedConfig({
      streams: [
        stream("end", ["a/**"], { name: 'The "end" # stream | [x]' }),
        stream("graph", ["b/**"], { dependsOn: ["end"] }),
        stream("subgraph", ["c/**"], { dependsOn: ["graph"] }),
      ],
      areas: [],
      mergeGate: { pinnedPhases: null, blockOn: "phase", blockOnLocks: true },
    });
    const ledger = emptyLedgerFixture({
      footprints: [footprint("#1", "a", "end", [{ path: "a/x", ranges: null }]), footprint("#2", "b", "graph", [{ path: "b/x", ranges: null }])],
    });
    const doc = statusDocument({ ledger, config, now: T0 });
    expect(doc.streams.map((s) => s.state)).toEqual(["active", "blocked", "idle"]);
    const graph = dashboardGraph(doc, config);
    expect(graph).toContain("s_end --> s_graph");
    expect(graph).toContain("class s_graph blocked");
    expect(await parseMermaid(graph)).toMatch(/^flowchart/);
    // The Action's job-summary graph, too.
    expect(await parseMermaid(renderPhaseGraph(config))).toMatch(/^flowchart/);
    expect(await parseMermaid(renderPhaseGraph(seedConfig()))).toMatch(/^flowchart/);
    // ...and with a blocked PR's path drawn (red edges, dotted "#n blocks" edges, classes).
    const open = [
      { change: "#1", streams: ["OBS"], draft: false },
      { change: "#7", streams: ["SCAN"], draft: false },
      { change: "#2", streams: ["API"], draft: false, files: ["api/x.py"] },
    ];
    const blocked = gate(open[2]!, open, emptyLedgerFixture({ locks: [lock("api/x.py", "other", { stream: "EXEC" })] }), seedConfig(), T0);
    expect(blocked.verdict).toBe("blocked");
    const summaryGraph = renderPhaseGraph(seedConfig(), blocked);
    expect(summaryGraph).toContain("#35;1 blocks");
    expect(await parseMermaid(summaryGraph)).toMatch(/^flowchart/);
  });

  it("a broken graph is caught by the parser (the check can fail)", async () => {
    await expect(parseMermaid('flowchart LR\n  s_A["unclosed --> s_B')).rejects.toThrow(/Parse error/);
  });

  it("stays under GitHub's body limit with many PRs, leaving the JSON out", () => {
    const footprints = Array.from({ length: 400 }, (_, i) => footprint(`#${i + 1}`, `agent-${i}`, "EXEC", [{ path: `execution/f${i}.py`, ranges: null }], { title: "x".repeat(40) }));
    const body = renderDashboard({ ledger: emptyLedgerFixture({ footprints }), config: seedConfig(), now: T0, history: null });
    expect(body.length).toBeLessThan(65_536);
    expect(body).toContain("…and 380 more PRs");
    expect(body).toContain("_The machine-readable status is left out");
    expect(body).toContain("_From what the ledger holds (its history was not read): overrides only._");
  });
});

describe("checkboxes", () => {
  const body = renderDashboard({ ledger: busyLedger(), config: seedConfig(), now: T0, history: [] });
  const tick = (b: string, key: string) => b.replace(`- [ ] ${key}`, `- [x] ${key}`);

  it("finds the boxes ticked since the previous body, once each; PUCS's own body ticks none", () => {
    expect(parseActions(body).map((a) => [a.action.name, a.ticked])).toEqual([
      ["release-expired", false],
      ["rerun-gate", false],
      ["release-lock", false],
    ]);
    const ticked = tick(tick(body, "<!-- pucs:action release-lock L1 -->"), "<!-- pucs:action rerun-gate -->");
    expect(newlyTicked(body, ticked)).toEqual([{ name: "rerun-gate" }, { name: "release-lock", lease: "L1" }]);
    expect(newlyTicked(ticked, ticked)).toEqual([]); // already ticked before: not again
    expect(newlyTicked(ticked, body)).toEqual([]); // unticking acts on nothing
    expect(newlyTicked(null, ticked)).toHaveLength(2);
    expect(newlyTicked(body, body.replace("- [ ] <!-- pucs:action rerun-gate -->", "- [X] <!-- pucs:action rerun-gate -->"))).toEqual([{ name: "rerun-gate" }]);
  });

  it("allows by role: write for sweeps, maintain (or being the holder) for a lock, never a bot", () => {
    const who = (role: "admin" | "maintain" | "write" | "triage" | "read" | "none", login = "u", isBot = false) => ({ login, role, isBot });
    expect(actionAllowed({ name: "release-expired" }, who("write")).ok).toBe(true);
    expect(actionAllowed({ name: "release-expired" }, who("triage"))).toEqual({ ok: false, needs: "write access" });
    expect(actionAllowed({ name: "rerun-gate" }, who("read")).ok).toBe(false);
    expect(actionAllowed({ name: "release-lock", lease: "L1" }, who("write"), "exec-agent")).toEqual({ ok: false, needs: "maintain or admin access (releasing someone else's lock)" });
    expect(actionAllowed({ name: "release-lock", lease: "L1" }, who("maintain"), "exec-agent").ok).toBe(true);
    expect(actionAllowed({ name: "release-lock", lease: "L1" }, who("write", "Exec-Agent"), "exec-agent").ok).toBe(true);
    expect(actionAllowed({ name: "release-lock", lease: "L1" }, who("admin", "x", true), "exec-agent").ok).toBe(false);
  });
});
