import { describe, expect, it } from "vitest";
import { changeOfFootprint } from "../../src/engine/change.js";
import { footprintFile, textHash } from "../../src/engine/diff.js";
import { evaluate, verdictOf } from "../../src/engine/evaluate.js";
import { UNLISTED, type ChangedFile, type Conflict, type Hunk, type Ledger } from "../../src/engine/types.js";
import { MIN, T0, change, emptyLedgerFixture, file, footprint, hunk, intent, iso, lock, seedConfig } from "./fixtures.js";

const config = seedConfig();

describe("evaluate", () => {
  it("is clear when nobody else holds anything", () => {
    const ev = evaluate(change("#1", "alice", [file("observability/metrics.py", [hunk(3, 4)])]), emptyLedgerFixture(), config, T0);
    expect(ev).toEqual({
      change: "#1",
      stream: "OBS",
      streamSource: "files",
      files: [{ path: "observability/metrics.py", stream: "OBS", also: [] }],
      conflicts: [],
      verdict: "clear",
      suggestions: [],
    });
  });

  it("reports a live lock held by someone else as LOCKED with QUEUE and when it ends", () => {
    const ledger = emptyLedgerFixture({ locks: [lock("execution/fill.py", "exec-agent-1", { stream: "EXEC", task: "ML model", change: "#7" })] });
    const ev = evaluate(change("#1", "alice", [file("execution/fill.py", [hunk(10, 12)])]), ledger, config, T0);
    expect(ev.verdict).toBe("blocked");
    expect(ev.conflicts).toEqual([
      {
        type: "LOCKED",
        strategy: "QUEUE",
        file: "execution/fill.py",
        holder: "exec-agent-1",
        holderChange: "#7",
        holderStream: "EXEC",
        details: `Locked by #7 (exec-agent-1) for EXEC until ${iso(T0 + 25 * MIN)}: ML model.`,
        nextStep: `Wait until #7 (exec-agent-1) releases execution/fill.py or the lock expires at ${iso(T0 + 25 * MIN)}; to be next in line run \`/pucs queue execution/fill.py\` on the PR or \`pucs queue execution/fill.py\` locally.`,
        until: iso(T0 + 25 * MIN),
      },
    ]);
    expect(ev.suggestions).toEqual([ev.conflicts[0]!.nextStep]);
  });

  it("ignores expired locks, the change's own locks and the agent's own CLI locks", () => {
    const ledger = emptyLedgerFixture({
      locks: [
        lock("execution/a.py", "bob", { expiresAt: iso(T0) }), // expires exactly now: expired
        lock("execution/b.py", "bob", { change: "#1" }), // held by this change
        lock("execution/c.py", "alice"), // alice's own CLI lock
      ],
    });
    const ev = evaluate(change("#1", "alice", ["execution/a.py", "execution/b.py", "execution/c.py"].map((p) => file(p))), ledger, config, T0);
    expect(ev.conflicts).toEqual([]);
    // One millisecond earlier the first lock was still live.
    expect(evaluate(change("#1", "alice", [file("execution/a.py")]), ledger, config, T0 - 1).conflicts.map((c) => c.type)).toEqual(["LOCKED"]);
  });

  it("matches glob locks whatever their first segment: literal, magic or **", () => {
    const ledger = emptyLedgerFixture({
      locks: [lock("**/secrets.py", "bob"), lock("obs*/x/**", "carol", { lease: "l2" }), lock("api/**", "dave", { lease: "l3" })],
    });
    const ev = evaluate(change("#2", "alice", [file("observability/x/secrets.py"), file("api/routes.py"), file("llm/secrets.txt")]), ledger, config, T0);
    expect(ev.conflicts.map((c) => [c.file, c.holder])).toEqual([
      ["api/routes.py", "dave"],
      ["observability/x/secrets.py", "bob"],
      ["observability/x/secrets.py", "carol"],
    ]);
  });

  it("matches glob locks and renamed files' old paths", () => {
    const ledger = emptyLedgerFixture({ locks: [lock("observability/**", "bob"), lock("observability/old.py", "carol", { lease: "l2" })] });
    const ev = evaluate(change("#2", "alice", [{ path: "observability/new.py", previousPath: "observability/old.py", hunks: null }]), ledger, config, T0);
    expect(ev.conflicts.map((c) => [c.type, c.file, c.holder])).toEqual([
      ["LOCKED", "observability/new.py", "bob"],
      ["LOCKED", "observability/old.py", "bob"],
      ["LOCKED", "observability/old.py", "carol"],
    ]);
  });

  it("reports another open change on the same file as MERGE when the changed lines are disjoint", () => {
    const ledger = emptyLedgerFixture({ footprints: [footprint("#9", "bob", "OBS", [{ path: "observability/metrics.py", ranges: [[40, 45, "def export():"]] }])] });
    const ev = evaluate(change("#1", "alice", [file("observability/metrics.py", [hunk(3, 4, "def collect():")])]), ledger, config, T0);
    expect(ev.verdict).toBe("safe-overlap");
    expect(ev.conflicts).toEqual([
      {
        type: "INTENT_OVERLAP",
        strategy: "MERGE",
        file: "observability/metrics.py",
        holder: "bob",
        holderChange: "#9",
        holderStream: "OBS",
        details: "#9 (OBS) also changes observability/metrics.py, in other lines: the changes are disjoint.",
        nextStep: "Safe in parallel: whichever merges second rebases onto the first (git merges disjoint hunks cleanly).",
      },
    ]);
  });

  it("reports overlapping lines as PARTITION naming both sides' functions and the lines", () => {
    const ledger = emptyLedgerFixture({ footprints: [footprint("#9", "bob", "OBS", [{ path: "observability/metrics.py", ranges: [[10, 14, "def export():"]] }])] });
    const ev = evaluate(change("#1", "alice", [file("observability/metrics.py", [hunk(12, 20, "def collect():")])]), ledger, config, T0);
    expect(ev.verdict).toBe("needs-decision");
    const c = ev.conflicts[0]!;
    expect(c.strategy).toBe("PARTITION");
    expect(c.lines).toEqual({ overlapping: [{ start: 10, end: 20 }], mine: ["def collect():"], theirs: ["def export():"] });
    expect(c.details).toBe("#9 (OBS) changes the same lines of observability/metrics.py (lines 10-20).");
    expect(c.nextStep).toBe(
      "Partition observability/metrics.py with #9: this change keeps def collect():, #9 keeps def export():; move the overlapping edit (lines 10-20) to one side, or queue behind #9.",
    );
  });

  it("treats an unknown patch as the whole file", () => {
    const ledger = emptyLedgerFixture({ footprints: [footprint("#9", "bob", "OBS", [{ path: "observability/metrics.py", ranges: [[400, 401]] }])] });
    const ev = evaluate(change("#1", "alice", [file("observability/metrics.py", null)]), ledger, config, T0);
    expect(ev.conflicts.map((c) => c.strategy)).toEqual(["PARTITION"]);
  });

  it("applies hot-file rules: ignore never conflicts, merge is always MERGE", () => {
    const ledger = emptyLedgerFixture({
      locks: [lock("package-lock.json", "bob")],
      footprints: [footprint("#9", "bob", null, [{ path: "CHANGELOG.md", ranges: [[1, 5]] }, { path: "package-lock.json", ranges: [[1, 5]] }])],
    });
    const ev = evaluate(change("#1", "alice", [file("package-lock.json", [hunk(1, 5)]), file("CHANGELOG.md", [hunk(1, 5)])]), ledger, config, T0);
    expect(ev.conflicts.map((c) => [c.type, c.file, c.strategy])).toEqual([["INTENT_OVERLAP", "CHANGELOG.md", "MERGE"]]);
    expect(ev.verdict).toBe("safe-overlap");
  });

  it("reports declared intents (literal and glob) of other agents as INTENT_OVERLAP / PARTITION", () => {
    const ledger = emptyLedgerFixture({
      intents: [
        intent("bob", ["scanners/momentum.py"], { stream: "SCAN", description: "rewrite momentum" }),
        intent("carol", ["scanners/**"], { id: "i2", stream: "SCAN", description: "rename scanners" }),
        intent("dave", ["scanners/momentum.py"], { id: "i3", expiresAt: iso(T0 - 1) }),
      ],
    });
    const ev = evaluate(change("#1", "alice", [file("scanners/momentum.py")]), ledger, config, T0);
    expect(ev.conflicts.map((c) => [c.type, c.strategy, c.holder, c.details])).toEqual([
      ["INTENT_OVERLAP", "PARTITION", "bob", "bob (SCAN) intends to work on scanners/momentum.py: rewrite momentum."],
      ["INTENT_OVERLAP", "PARTITION", "carol", "carol (SCAN) intends to work on scanners/momentum.py: rename scanners."],
    ]);
  });

  it("compares a declared glob against literal claims (an intent probe)", () => {
    const ledger = emptyLedgerFixture({
      locks: [lock("llm/agents/base.py", "bob")],
      footprints: [footprint("#4", "carol", "LLM", [{ path: "llm/agents/supervisor.py", ranges: [[1, 2]] }, { path: "api/x.py", ranges: [[1, 2]] }])],
    });
    const ev = evaluate(change("agent:alice", "alice", [file("llm/agents/**")]), ledger, config, T0, { stream: "LLM" });
    expect(ev.streamSource).toBe("declared");
    expect(ev.conflicts.map((c) => [c.type, c.file, c.holder])).toEqual([
      ["LOCKED", "llm/agents/**", "bob"],
      ["INTENT_OVERLAP", "llm/agents/supervisor.py", "carol"],
    ]);
  });

  it("reports DEPENDENCY on an area the stream depends on: ARBITRATE when its owner has no open work", () => {
    const ev = evaluate(change("#1", "alice", [file("api/routes.py"), file("models/pricing.py")], { labels: ["pucs:stream:API"] }), emptyLedgerFixture(), config, T0);
    expect(ev.stream).toBe("API");
    expect(ev.streamSource).toBe("label");
    expect(ev.conflicts).toEqual([
      {
        type: "DEPENDENCY",
        strategy: "ARBITRATE",
        file: "models/pricing.py",
        holder: "@maintainers",
        holderStream: null,
        details: "models/pricing.py belongs to area `models`, which API depends on.",
        nextStep: "Ask @maintainers to approve changing `models` from API, or move the edit into a models change.",
      },
    ]);
  });

  it("reports DEPENDENCY as QUEUE behind the owning stream's open work", () => {
    const ledger = emptyLedgerFixture({ footprints: [footprint("#5", "rita", "RISK", [{ path: "models/risk_limits.py", ranges: [[1, 3]] }])] });
    const ev = evaluate(change("#1", "alice", [file("execution/fill.py"), file("models/risk_var.py")], { labels: ["pucs:stream:EXEC"] }), ledger, config, T0);
    const dep = ev.conflicts.find((c) => c.type === "DEPENDENCY")!;
    expect(dep).toMatchObject({
      strategy: "QUEUE",
      file: "models/risk_var.py",
      holder: "#5",
      holderStream: "RISK",
      details: "models/risk_var.py belongs to area `models` (owned by RISK), which EXEC depends on.",
      nextStep: "Queue behind RISK's open work (#5): merge after it, or hand this edit to RISK.",
    });
  });

  it("DEPENDENCY on a stream a partial ledger only counts (UNLISTED): still QUEUE, the others counted, not the coordinators named", () => {
    const listed = emptyLedgerFixture({ footprints: [footprint("#5", "rita", "RISK", [{ path: "models/risk_limits.py", ranges: [[1, 3]] }])] });
    const some = Object.assign(listed, { [UNLISTED]: { RISK: 7 } });
    const none = Object.assign(emptyLedgerFixture(), { [UNLISTED]: { RISK: 1 } });
    const dep = (l: Ledger) => evaluate(change("#1", "alice", [file("execution/fill.py"), file("models/risk_var.py")], { labels: ["pucs:stream:EXEC"] }), l, config, T0).conflicts.find((c) => c.type === "DEPENDENCY")!;
    expect(dep(some)).toMatchObject({ strategy: "QUEUE", holder: "#5", nextStep: "Queue behind RISK's open work (#5 and 7 more): merge after it, or hand this edit to RISK." });
    expect(dep(none)).toMatchObject({ strategy: "QUEUE", holder: "RISK's open work", nextStep: "Queue behind RISK's open work (1 open change): merge after it, or hand this edit to RISK." });
  });

  it("reports CAPACITY when the stream already has max_agents active holders", () => {
    const ledger = emptyLedgerFixture({
      footprints: [footprint("#5", "rita", "RISK", [{ path: "models/risk_a.py" }]), footprint("#6", "ravi", "RISK", [{ path: "models/risk_b.py" }])],
    });
    const ev = evaluate(change("#1", "alice", [file("compliance/rules.py")]), ledger, config, T0);
    const cap = ev.conflicts.find((c) => c.type === "CAPACITY");
    expect(cap).toEqual({
      type: "CAPACITY",
      strategy: "QUEUE",
      file: "",
      holder: "#5, #6",
      holderStream: "RISK",
      details: "RISK already has 2 active (max_agents 2): #5, #6.",
      nextStep: "Wait until one of them merges or releases its claims, pick work in another stream, or raise max_agents for RISK.",
    });
    expect(ev.verdict).toBe("blocked");
    // With one of them gone the stream has room again.
    const fewer = { ...ledger, footprints: ledger.footprints.slice(1) };
    expect(evaluate(change("#1", "alice", [file("compliance/rules.py")]), fewer, config, T0).conflicts.some((c) => c.type === "CAPACITY")).toBe(false);
  });

  it("reports CRITICAL files and groups a critical stream's files", () => {
    const ev = evaluate(
      change("#1", "alice", [file("execution/smart_execution.py"), file("compliance/a.py"), file("compliance/b.py")], { labels: ["pucs:stream:EXEC"] }),
      emptyLedgerFixture(),
      config,
      T0,
    );
    expect(ev.conflicts.filter((c) => c.type === "CRITICAL").map((c) => [c.file, c.holder, c.details])).toEqual([
      ["compliance/a.py", "@risk-lead", "RISK is a critical stream; this change touches 2 of its file(s): compliance/a.py, compliance/b.py."],
      ["execution/smart_execution.py", "@maintainers", "execution/smart_execution.py is a critical file of EXEC."],
    ]);
    expect(ev.verdict).toBe("needs-decision");
  });

  it("is deterministic whatever the order of the ledger's entries", () => {
    const locks = [lock("observability/a.py", "bob"), lock("observability/b.py", "carol", { lease: "x" }), lock("observability/**", "dave", { lease: "y" })];
    const fps = [footprint("#3", "erin", "OBS", [{ path: "observability/a.py" }]), footprint("#2", "fred", "OBS", [{ path: "observability/b.py", ranges: [[1, 1]] }])];
    const c = change("#1", "alice", [file("observability/b.py", [hunk(50, 50)]), file("observability/a.py")]);
    const a = evaluate(c, emptyLedgerFixture({ locks, footprints: fps }), config, T0);
    const b = evaluate(c, emptyLedgerFixture({ locks: [...locks].reverse(), footprints: [...fps].reverse() }), config, T0);
    expect(b.conflicts).toEqual(a.conflicts);
    expect(a.conflicts.map((x) => `${x.type}:${x.file}:${x.holderChange ?? x.holder}`)).toEqual([
      "LOCKED:observability/a.py:bob",
      "LOCKED:observability/a.py:dave",
      "LOCKED:observability/b.py:carol",
      "LOCKED:observability/b.py:dave",
      "INTENT_OVERLAP:observability/a.py:#3",
      "INTENT_OVERLAP:observability/b.py:#2",
    ]);
  });

  it("derives the verdict from the worst conflict", () => {
    expect(verdictOf([])).toBe("clear");
  });
});

describe("evaluate: renames (a footprint keeps a rename's old path)", () => {
  const OLD = "docs/guide.md";
  const renamed = (to: string, hunks: Hunk[] = []): ChangedFile => ({ path: to, previousPath: OLD, status: "renamed", hunks });
  const edited = (hunks: Hunk[]): ChangedFile => ({ path: OLD, status: "modified", hunks });
  const other = (files: ChangedFile[]): Ledger => emptyLedgerFixture({ footprints: [{ ...footprint("#9", "bob", null, []), files: files.map(footprintFile) }] });
  const run = (mine: ChangedFile[], theirs: ChangedFile[]) => evaluate(change("#1", "alice", mine), other(theirs), config, T0).conflicts;
  const brief = (cs: Conflict[]) => cs.map((c) => [c.file, c.strategy, c.details]);

  it("the footprint stores the old path of a rename only (not of a copy), and a footprint's change gets it back", () => {
    expect(footprintFile(renamed("docs/new.md", [hunk(3, 4)]))).toEqual({ path: "docs/new.md", previousPath: OLD, changes: [{ start: 3, end: 4 }] });
    expect(footprintFile({ path: "docs/copy.md", previousPath: OLD, status: "copied", hunks: [] })).toEqual({ path: "docs/copy.md", changes: [] });
    const back = changeOfFootprint({ ...footprint("#9", "bob", null, []), files: [footprintFile(renamed("docs/new.md", [hunk(3, 4)]))] });
    expect(back.files.map((f) => [f.path, f.previousPath, f.status])).toEqual([["docs/new.md", OLD, "renamed"]]);
  });

  it("another change renames the file this change edits: the same file, on its old path's lines", () => {
    expect(brief(run([edited([hunk(30, 31)])], [renamed("docs/new.md", [hunk(3, 4)])]))).toEqual([
      [OLD, "MERGE", `#9 also changes ${OLD}, in other lines: the changes are disjoint. #9 renames it to docs/new.md: git carries this change's edits there.`],
    ]);
    expect(brief(run([edited([hunk(4, 5)])], [renamed("docs/new.md", [hunk(3, 4)])]))).toEqual([
      [OLD, "PARTITION", `#9 changes the same lines of ${OLD} (lines 3-5). #9 renames it to docs/new.md: git carries this change's edits there.`],
    ]);
    // A pure rename changes no line: an edit anywhere merges (git follows the rename).
    expect(run([edited([hunk(1, 1)])], [renamed("docs/new.md")]).map((c) => c.strategy)).toEqual(["MERGE"]);
  });

  it("this change renames the file another change edits: found on the old path, once", () => {
    expect(brief(run([renamed("docs/new.md", [hunk(3, 4)])], [edited([hunk(30, 31)])]))).toEqual([
      [OLD, "MERGE", `#9 also changes ${OLD}, in other lines: the changes are disjoint. This change renames it to docs/new.md: git carries #9's edits there.`],
    ]);
    expect(run([renamed("docs/new.md", [hunk(3, 4)])], [edited([hunk(2, 2)])]).map((c) => c.strategy)).toEqual(["PARTITION"]);
  });

  it("rename/rename to different names conflicts whatever the lines", () => {
    const cs = run([renamed("docs/a.md")], [renamed("docs/b.md")]);
    expect(cs).toEqual([
      {
        type: "INTENT_OVERLAP",
        strategy: "PARTITION",
        file: OLD,
        holder: "bob",
        holderChange: "#9",
        holderStream: null,
        details: `#9 renames ${OLD} to docs/b.md; this change renames it to docs/a.md: git stops on the two names (a rename/rename conflict), whatever the lines.`,
        nextStep: `Agree with #9 on one name for ${OLD} (docs/a.md or docs/b.md): one of you drops the rename and rebases onto the other, or queue behind #9.`,
      },
    ]);
    expect(run([renamed("docs/a.md", [hunk(1, 1)])], [renamed("docs/b.md", [hunk(50, 50)])]).map((c) => c.strategy)).toEqual(["PARTITION"]);
  });

  it("rename to the same name: one file, judged by its lines", () => {
    expect(brief(run([renamed("docs/new.md", [hunk(3, 4)])], [renamed("docs/new.md", [hunk(30, 31)])]))).toEqual([
      [OLD, "MERGE", `#9 also changes ${OLD}, in other lines: the changes are disjoint. Both rename it to docs/new.md.`],
    ]);
    expect(brief(run([renamed("docs/new.md", [hunk(3, 4)])], [renamed("docs/new.md", [hunk(4, 6)])]))).toEqual([
      [OLD, "PARTITION", `#9 changes the same lines of ${OLD} (lines 3-6). Both rename it to docs/new.md.`],
    ]);
  });

  it("a pure rename against a deletion of the file (or a patch not known) is git's rename/delete conflict", () => {
    const deleted: ChangedFile = { path: OLD, status: "removed", hunks: [{ oldStart: 1, oldLines: 40, newStart: 0, newLines: 0, section: "", changes: [{ start: 1, end: 40, hash: textHash([], false) }] }] };
    expect(brief(run([renamed("docs/new.md")], [deleted]))).toEqual([
      [OLD, "PARTITION", `#9 may delete ${OLD} (it removes every line from line 1, or its patch is unknown) while this change renames it to docs/new.md: git stops on a rename/delete conflict.`],
    ]);
    expect(run([deleted], [renamed("docs/new.md")]).map((c) => c.strategy)).toEqual(["PARTITION"]);
    expect(run([renamed("docs/new.md")], [{ path: OLD, hunks: null }]).map((c) => c.strategy)).toEqual(["PARTITION"]);
    // Deleting lines at the top of a file another change renames and edits further down: git merges it.
    const topCut: ChangedFile = { path: OLD, hunks: [{ oldStart: 1, oldLines: 2, newStart: 0, newLines: 0, section: "", changes: [{ start: 1, end: 2, hash: textHash([], false) }] }] };
    expect(run([renamed("docs/new.md", [hunk(30, 30)])], [topCut]).map((c) => c.strategy)).toEqual(["MERGE"]);
  });
});
