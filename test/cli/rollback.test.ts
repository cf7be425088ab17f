// `pucs rollback <commit>` in a real repository: the revert prepared in a new worktree (seed §8.1).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { GitRefStore } from "../../src/git/ledger-store.js";
import { recordMerge, suggestRollback } from "../../src/ledger/transitions.js";
import { emptyLedger } from "../../src/ledger/schema.js";
import { makeRepo, pucs, sh, type TestRepo } from "./helpers.js";

let repo: TestRepo | null = null;
afterEach(() => {
  repo?.cleanup();
  repo = null;
});

/** A feature branch changing fill_predictor.py, merged into main with a merge commit; its sha. */
function mergeFeature(r: TestRepo): string {
  sh(r.dir, "checkout", "-q", "-b", "feature/stream-EXEC");
  r.write("execution/fill_predictor.py", "def predict():\n    return 42\n");
  sh(r.dir, "commit", "-q", "-am", "[PUCS-EXEC] feat: ML model");
  sh(r.dir, "checkout", "-q", "main");
  sh(r.dir, "merge", "-q", "--no-ff", "-m", "Merge #12", "feature/stream-EXEC");
  return sh(r.dir, "rev-parse", "HEAD").trim();
}

describe("pucs rollback", () => {
  it("reverts a merge (-m 1) in a new worktree on a new branch, names the PR and stream the ledger tracked, and says what is next", async () => {
    repo = makeRepo();
    const before = readFileSync(join(repo.dir, "execution/fill_predictor.py"), "utf8");
    const sha = mergeFeature(repo);
    // The ledger as the App leaves it: #12 merged as `sha`, CI failed on it.
    const store = new GitRefStore({ cwd: repo.dir });
    const l0 = { ...emptyLedger(), footprints: [{ change: "#12", agent: "exec-agent-1", stream: "EXEC", headSha: "x", draft: false, title: "ML model", files: [], recordedAt: "2026-11-23T19:00:00.000Z" }] };
    const l1 = suggestRollback(recordMerge(l0, { change: "#12", mergeSha: sha }, Date.parse("2026-11-23T19:30:00Z")).ledger, { mergeSha: sha, checks: ["tests"], ref: "check_suite:1" }, Date.parse("2026-11-23T19:40:00Z")).ledger;
    expect((await store.write(l1, null, "seed")).ok).toBe(true);

    const r = await pucs(repo.dir, ["rollback", sha.slice(0, 9)]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const short = sha.slice(0, 7);
    const wt = join(repo.base, `bot-rollback-${short}`);
    const lines = r.out.trimEnd().split("\n");
    expect(lines[0]).toBe(`Prepared the revert of #12 ("ML model") of EXEC in ${wt}`);
    expect(lines[1]).toMatch(new RegExp(`^  branch pucs/rollback-${short} from main: git revert --no-edit -m 1 ${short} → [0-9a-f]{7}$`));
    expect(lines.slice(2)).toEqual([
      "  ROLLBACK was suggested: its merge fails on the default branch (tests)",
      "Next: run the tests there, then push and open the PR:",
      `  git -C ${wt} push -u origin pucs/rollback-${short}`,
      `  gh pr create --head pucs/rollback-${short} --label pucs:stream:EXEC --title "Revert #12"`,
      "  (on GitHub, a maintainer's `/pucs rollback` on #12 opens GitHub's own revert instead)",
    ]);
    // The worktree holds the revert: the file is back to what main had before the merge.
    expect(readFileSync(join(wt, "execution/fill_predictor.py"), "utf8")).toBe(before);
    expect(sh(wt, "log", "-1", "--format=%s").trim()).toBe('Revert "Merge #12"');
    expect(sh(wt, "rev-parse", "HEAD^").trim()).toBe(sha);
    // The main worktree is untouched.
    expect(sh(repo.dir, "rev-parse", "HEAD").trim()).toBe(sha);

    // Again: refused, the worktree is named.
    const again = await pucs(repo.dir, ["rollback", sha, "--json"]);
    expect(again.code).toBe(1);
    expect(again.json).toMatchObject({ ok: false, command: "rollback", result: "exists", worktree: wt });
  });

  it("a plain commit is reverted without -m; an unknown commit and a revert that conflicts are refused with what to do", async () => {
    repo = makeRepo();
    repo.write("observability/metrics.py", "def collect():\n    return 1\n");
    sh(repo.dir, "commit", "-q", "-am", "change metrics");
    const sha = sh(repo.dir, "rev-parse", "HEAD").trim();
    const r = await pucs(repo.dir, ["rollback", sha, "--json"]);
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ ok: true, command: "rollback", commit: sha, merge: false, branch: `pucs/rollback-${sha.slice(0, 7)}`, base: "main", change: null, stream: null, suggested: false });
    expect(existsSync(r.json.worktree)).toBe(true);

    const unknown = await pucs(repo.dir, ["rollback", "deadbeef"]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toBe('pucs rollback: "deadbeef" names no commit in this repository. Fetch it first (git fetch origin), or pass the merge commit\'s sha.\n');

    // A later commit rewrites the same lines: reverting the first one conflicts.
    repo.write("observability/metrics.py", "def collect():\n    return 2\n");
    sh(repo.dir, "commit", "-q", "-am", "change metrics again");
    repo.write("api/routes.py", "x = 1\n");
    sh(repo.dir, "commit", "-q", "-am", "routes");
    const routes = sh(repo.dir, "rev-parse", "HEAD").trim();
    repo.write("api/routes.py", "x = 2\n");
    sh(repo.dir, "commit", "-q", "-am", "routes again");
    const c = await pucs(repo.dir, ["rollback", routes]);
    expect(c.code).toBe(1);
    const wt = join(repo.base, `bot-rollback-${routes.slice(0, 7)}`);
    expect(c.err.split("\n").slice(0, 3)).toEqual([
      `pucs rollback: the revert of commit ${routes.slice(0, 7)} does not apply cleanly on main; it is left half-done in ${wt} (branch pucs/rollback-${routes.slice(0, 7)}).`,
      "Conflicting files: api/routes.py",
      `Resolve them there, then: git -C ${wt} revert --continue   (or give up: git -C ${wt} revert --abort && git worktree remove ${wt})`,
    ]);
  });
});
