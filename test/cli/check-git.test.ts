import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { confirmWithGit } from "../../src/engine/merge-check.js";
import type { Conflict, Evaluation } from "../../src/engine/types.js";
import { makeRepo, pucs, sh, type TestRepo } from "./helpers.js";

// observability/model.py: `fit` lines 1-6, `predict` lines 7-10.
const MODEL = [
  "def fit(x):", // 1
  "    a = x + 1", // 2
  "    b = a * 2", // 3
  "    c = b - 3", // 4
  "    d = c / 4", // 5
  "    return d", // 6
  "def predict(z):", // 7
  "    y = z - 1", // 8
  "    w = y * 2", // 9
  "    return w", // 10
  "",
].join("\n");
const edit = (n: number, text: string): string => {
  const l = MODEL.split("\n");
  l[n - 1] = text;
  return l.join("\n");
};

let repo: TestRepo;
beforeEach(() => {
  repo = makeRepo({ "observability/model.py": MODEL });
});
afterEach(() => repo.cleanup());

/** Branch `name` from main with `content` committed, recorded in the ledger by `pucs check --record`. */
async function recordBranch(name: string, content: string, agent: string) {
  sh(repo.dir, "checkout", "-q", "-b", name, "main");
  repo.write("observability/model.py", content);
  sh(repo.dir, "commit", "-qam", `[PUCS-OBS] ${name}`);
  return pucs(repo.dir, ["check", "--base", "main", "--agent", agent, "--record", "--json"]);
}

describe("pucs check with local git: symbols from the merge base, and git merge-tree's verdict", () => {
  it("adjacent edits in two functions: PARTITION naming `fit` and `predict`, confirmed by git merge-tree", async () => {
    expect((await recordBranch("feature/stream-OBS", edit(6, "    return d + 0"), "obs-1")).code).toBe(0);
    const other = sh(repo.dir, "rev-parse", "HEAD").trim();
    const r = await recordBranch("feature/stream-OBS-2", edit(7, "def predict(z, k=0):"), "obs-2");
    expect(r.code).toBe(1);
    const c = r.json.report.conflicts.find((x: Conflict) => x.type === "INTENT_OVERLAP");
    expect(c).toMatchObject({ strategy: "PARTITION", file: "observability/model.py", holderChange: "branch:feature/stream-OBS" });
    expect(c.nextStep).toBe(
      "branch:feature/stream-OBS changes `fit` (line 6), this change changes `predict` (line 7): split by function — keep each edit inside its own, or queue behind branch:feature/stream-OBS.",
    );
    expect(c.details).toContain(`Confirmed by git merge-tree with branch:feature/stream-OBS (${other.slice(0, 7)}).`);
  });

  it("the identical change on two branches: MERGE, and git merge-tree agrees", async () => {
    await recordBranch("feature/stream-OBS", edit(3, "    b = a * 3"), "obs-1");
    const r = await recordBranch("feature/stream-OBS-2", edit(3, "    b = a * 3"), "obs-2");
    expect(r.code).toBe(0);
    const c = r.json.report.conflicts.find((x: Conflict) => x.type === "INTENT_OVERLAP");
    expect(c.strategy).toBe("MERGE");
    expect(c.details).toContain("already makes this exact change to line 3 of observability/model.py");
    expect(c.details).toContain("Confirmed by git merge-tree");
  });

  it("uncommitted work is not merged with git (merge-tree sees commits only): the line rule alone answers", async () => {
    await recordBranch("feature/stream-OBS", edit(6, "    return d + 0"), "obs-1");
    sh(repo.dir, "checkout", "-q", "-b", "feature/stream-OBS-2", "main");
    repo.write("observability/model.py", edit(7, "def predict(z, k=0):"));
    const r = await pucs(repo.dir, ["check", "--base", "main", "--agent", "obs-2", "--json"]);
    const c = r.json.report.conflicts.find((x: Conflict) => x.type === "INTENT_OVERLAP");
    expect(c.strategy).toBe("PARTITION");
    expect(c.details).not.toContain("merge-tree");
  });
});

describe("confirmWithGit", () => {
  const base: Conflict = { type: "INTENT_OVERLAP", strategy: "PARTITION", file: "a.py", holder: "x", holderChange: "#12", holderStream: null, details: "#12 changes the same lines of a.py (line 4).", nextStep: "Partition." , lines: { overlapping: [{ start: 4, end: 4 }], mine: [], theirs: [] } };
  const ev = (conflicts: Conflict[]): Evaluation => ({ change: "#20", stream: null, streamSource: "none", files: [], conflicts, verdict: "needs-decision", suggestions: [] });
  const sha = "c".repeat(40);
  it("turns a PARTITION git merges cleanly into MERGE, and a MERGE git conflicts on into PARTITION", () => {
    const clean = confirmWithGit(ev([base]), [{ change: "#12", headSha: sha, conflicted: new Set() }]);
    expect(clean.verdict).toBe("safe-overlap");
    expect(clean.conflicts[0]).toMatchObject({ strategy: "MERGE", nextStep: "Safe in parallel: git merges this branch and #12 cleanly in a.py (checked with git merge-tree at ccccccc)." });
    expect(clean.conflicts[0]!.lines).toBeUndefined();
    const merge: Conflict = { ...base, strategy: "MERGE", details: "#12 also changes a.py, in other lines: the changes are disjoint." };
    const conflicting = confirmWithGit(ev([merge]), [{ change: "#12", headSha: sha, conflicted: new Set(["a.py"]) }]);
    expect(conflicting.verdict).toBe("needs-decision");
    expect(conflicting.conflicts[0]!.strategy).toBe("PARTITION");
    expect(conflicting.conflicts[0]!.details).toContain("git's own merge of this branch with #12 (ccccccc) conflicts in a.py");
  });
  it("leaves declared intents, other conflict types and changes git was not asked about alone", () => {
    const intent: Conflict = { ...base, details: "bob (#12) intends to work on a.py: refactor." };
    const locked: Conflict = { ...base, type: "LOCKED", strategy: "QUEUE" };
    const other: Conflict = { ...base, holderChange: "#13" };
    const out = confirmWithGit(ev([intent, locked, other]), [{ change: "#12", headSha: sha, conflicted: new Set() }]);
    expect(out.conflicts.map((c) => [c.type, c.strategy, c.holderChange, c.details])).toEqual(
      [locked, intent, other].map((c) => [c.type, c.strategy, c.holderChange, c.details]),
    );
  });
});
