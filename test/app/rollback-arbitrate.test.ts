// The App's side of issue 11's ROLLBACK and ARBITRATE-with-a-decider (seed §8.1), over the fake GitHub
// with real payloads from @octokit/webhooks-examples: exact requests, refusals, GitHub errors, a lost race.
import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { acquireLock } from "../../src/ledger/transitions.js";
import { parseReportFromMarkdown } from "../../src/engine/report.js";
import { validateReport } from "../support/schemas.js";
import { BASE, CONFIG, commentPayload, example, harness, patch, pullPayload } from "./fake.js";

afterEach(() => nock.cleanAll());
// The background refresh of other PRs' reports runs after a delay: never inside these tests.
const drainMs = process.env.PUCS_REFRESH_DRAIN_MS;
beforeAll(() => void (process.env.PUCS_REFRESH_DRAIN_MS = "3600000"));
afterAll(() => (drainMs === undefined ? delete process.env.PUCS_REFRESH_DRAIN_MS : void (process.env.PUCS_REFRESH_DRAIN_MS = drainMs)));

type H = Awaited<ReturnType<typeof harness>>;
const prose = (body: string) => body.replace(/\n\n<details><summary>Machine-readable reply \(pucs\.reply\/v1\)<\/summary>[\s\S]*$/, "");
const replies = (h: H, n: number) =>
  h.gh.comments.filter((c) => c.issue === n && c.body.startsWith("<!-- pucs:reply -->")).map((c) => prose(String(c.body)).replace(/^(<!-- pucs:reply -->\n)<!-- pucs:reply-to \d+ -->\n/, "$1"));
const MERGE = "feedface".padEnd(40, "0");

async function openPr(h: H, n: number, file: string, author = `agent${n}`) {
  h.gh.prFiles.set(n, [{ filename: file, patch: patch(1, 1) }]);
  await h.send("pull_request", pullPayload(n, { author }));
}

async function merge(h: H, n: number, author = `agent${n}`, sha = MERGE) {
  const p = pullPayload(n, { action: "closed", merged: true, author });
  p.pull_request.merge_commit_sha = sha;
  p.pull_request.node_id = `PR_node_${n}`;
  await h.send("pull_request", p);
}

/** check_suite.completed on the default branch (the example without PRs), failing at `sha`. */
function suiteOnMaster(id: number, sha: string, conclusion = "failure") {
  const e = example("check_suite", "completed");
  e.check_suite.id = id;
  e.check_suite.conclusion = conclusion;
  e.check_suite.head_sha = sha;
  e.check_suite.head_branch = "master";
  e.check_suite.pull_requests = [];
  e.repository.default_branch = "master";
  return e;
}

function runOnMaster(id: number, sha: string) {
  const p = example("workflow_run", "completed");
  p.workflow_run.id = id;
  p.workflow_run.conclusion = "failure";
  p.workflow_run.name = "tests";
  p.workflow_run.head_sha = sha;
  p.workflow_run.head_branch = "master";
  p.workflow_run.pull_requests = [];
  p.repository.default_branch = "master";
  return p;
}

const reads = (h: H) => h.gh.calls().filter((c) => c === "POST /graphql" || c.startsWith("GET "));
const ledgerWrites = (h: H) => h.gh.calls().filter((c) => c === `PATCH ${BASE}/git/refs/pucs%2Fledger` || c === `POST ${BASE}/git/refs`);

describe("ROLLBACK: CI failing on the merge commit of a tracked PR", () => {
  it("is suggested once (2 reads, 1 ledger write, a comment naming the failing checks); the stream's PRs are told; /pucs rollback opens GitHub's revert", async () => {
    const h = await harness();
    await openPr(h, 3, "execution/a.py", "octocat");
    await openPr(h, 4, "execution/b.py");
    await merge(h, 3, "octocat");
    expect(h.gh.ledger!.merges).toEqual([{ change: "#3", mergeSha: MERGE, stream: "EXEC", agent: "octocat", author: "octocat", title: "PR 3", nodeId: "PR_node_3", mergedAt: "2026-11-23T12:00:00.000Z" }]);
    expect(h.gh.commits.get(h.gh.ledgerRef!)!.message.split("\n").slice(0, 2)).toEqual(["release #3: footprint", "merged #3 as feedfac (octocat (EXEC)): kept for ROLLBACK"]);

    h.gh.checkRuns.push({ id: 1, name: "tests", head_sha: MERGE, status: "completed", conclusion: "failure" }, { id: 2, name: "lint", head_sha: MERGE, status: "completed", conclusion: "success" }, { id: 3, name: "e2e", head_sha: MERGE, status: "completed", conclusion: "timed_out" });
    h.gh.reset();
    await h.send("check_suite", suiteOnMaster(700, MERGE));
    expect(h.gh.calls()).toEqual([
      "POST /graphql",
      `GET ${BASE}/commits/${MERGE}/check-runs`,
      `POST ${BASE}/git/trees`,
      `POST ${BASE}/git/commits`,
      `PATCH ${BASE}/git/refs/pucs%2Fledger`,
      `POST ${BASE}/issues/3/comments`,
    ]);
    expect(reads(h)).toHaveLength(2);
    expect(ledgerWrites(h)).toHaveLength(1);
    const l = h.gh.ledger!;
    expect(l.merges![0]!.rollback).toEqual({ at: "2026-11-23T12:00:00.000Z", checks: ["e2e", "tests"], ref: "check_suite:700" });
    expect(h.gh.commits.get(h.gh.ledgerRef!)!.message.split("\n")[0]).toBe("ROLLBACK suggested for #3 (EXEC): its merge feedfac fails on the default branch (e2e, tests)");
    // The stream's other open PR is marked for a refresh in that same commit.
    expect(l.footprints.map((f) => [f.change, f.stale ?? false])).toEqual([["#4", true]]);
    const comment = h.gh.comments.find((c) => c.issue === 3 && String(c.body).includes("pucs:rollback "))!;
    expect(comment.body).toBe(
      [
        "<!-- pucs:notice -->",
        `<!-- pucs:rollback ${MERGE} -->`,
        "### PUCS: ↩️ ROLLBACK suggested",
        "",
        '@octocat: the merge of this PR (`feedfac`) fails on `master`: check suite "octocoders-linter" failure. Failing checks: `e2e`, `tests`.',
        "",
        "- A maintainer opens the revert PR by commenting `/pucs rollback` here: GitHub's own revert of this PR, labelled `pucs:stream:EXEC`, and @octocat is told.",
        "- Locally, `pucs rollback feedfac` prepares the same revert in a new worktree.",
        "",
        "Until the revert is opened, the open PRs of EXEC show this in their PUCS reports.",
      ].join("\n"),
    );

    // The workflow run of the same commit, and a redelivery: one read, nothing else.
    h.gh.reset();
    await h.send("workflow_run", runOnMaster(701, MERGE));
    await h.send("check_suite", suiteOnMaster(700, MERGE));
    expect(h.gh.calls()).toEqual(["POST /graphql", "POST /graphql"]);
    // A failure at a commit that is no tracked merge, and a green one: one read, or none.
    h.gh.reset();
    await h.send("check_suite", suiteOnMaster(702, "0".repeat(40)));
    await h.send("check_suite", suiteOnMaster(703, MERGE, "success"));
    expect(h.gh.calls()).toEqual(["POST /graphql"]);

    // #4's next report says so (the engine's note, the same on every surface).
    await h.send("pull_request", pullPayload(4, { action: "synchronize" }));
    const run4 = h.gh.checkRuns.filter((r) => r.head_sha === pullPayload(4, {}).pull_request.head.sha).at(-1)!;
    expect(run4.output.summary).toContain(
      '> ↩️ ROLLBACK suggested: #3 ("PR 3") of EXEC merged as feedfac and fails on the default branch (e2e, tests). A maintainer reverts it with `/pucs rollback` on #3 (or `pucs rollback feedfac` locally); rebase onto the revert before merging.',
    );
    expect(run4.conclusion).toBe("success");

    // Refusals: no maintain; GitHub's error on revertPullRequest. The ledger is untouched by both.
    const before = h.gh.ledgerRef;
    await h.send("issue_comment", commentPayload(3, "/pucs rollback", { author: "octocat", commenter: "octocat" }));
    expect(replies(h, 3).at(-1)).toContain("- ❌ `/pucs rollback`: `/pucs rollback` is for maintainers and admins; @octocat has no access to this repository.");
    h.gh.permissions.set("boss", "maintain");
    h.gh.revertError = { type: "FORBIDDEN", message: "Resource not accessible by integration" };
    await h.send("issue_comment", commentPayload(3, "/pucs rollback", { author: "octocat", commenter: "boss" }));
    expect(replies(h, 3).at(-1)).toBe(
      "<!-- pucs:reply -->\n@boss\n\n- ❌ the revert of #3 was NOT opened: GitHub's GraphQL API could not open the revert of #3: Resource not accessible by integration. Nothing was recorded; fix the cause and comment `/pucs rollback` again, or revert locally with `pucs rollback feedfac`.",
    );
    expect(h.gh.ledgerRef).toBe(before);
    expect(h.gh.reverts).toEqual([]);

    // A maintainer opens the revert; another writer wins the ledger race meanwhile: one revert, both changes kept.
    let raced = false;
    h.gh.beforeRefUpdate = () => {
      if (raced) return;
      raced = true;
      h.gh.setLedger(acquireLock(h.gh.ledger!, { path: "api/z.py", agent: "agent9", stream: "API", task: "t", change: "#9", ttlMinutes: 30, maxTtlMinutes: 480, queueGraceMinutes: 15, lease: "other" }, h.clock.now).ledger);
    };
    h.gh.reset();
    await h.send("issue_comment", commentPayload(3, "/pucs rollback", { author: "octocat", commenter: "boss" }));
    expect(h.gh.reverts).toEqual([{ pullRequestId: "PR_node_3", title: 'Revert #3 "PR 3" (PUCS ROLLBACK)', body: "Reverts #3: its merge feedfac fails on master (e2e, tests).\n\nOpened by @boss with the PUCS ROLLBACK command on #3." }]);
    expect(h.gh.writes().filter((w) => w.path.includes("/labels")).map((w) => [w.path, w.body])).toEqual([[`${BASE}/issues/500/labels`, { labels: ["pucs:stream:EXEC"] }]]);
    expect(h.gh.comments.filter((c) => c.issue === 3).at(-2)!.body).toBe(
      "<!-- pucs:notice -->\n<!-- pucs:rollback-opened 500 -->\n@octocat: @boss opened #500 to revert this PR (ROLLBACK: its merge `feedfac` fails on `master`: e2e, tests). Rework the change on a new branch once the revert merges.",
    );
    expect(replies(h, 3).at(-1)).toBe("<!-- pucs:reply -->\n@boss\n\n- ✅ opened #500 reverting #3, labelled `pucs:stream:EXEC`; @octocat was told, and the ROLLBACK suggestion is done");
    expect(raced).toBe(true);
    const after = h.gh.ledger!;
    expect(after.merges![0]!.rollback!.done).toEqual({ by: "boss", at: "2026-11-23T12:00:00.000Z", revert: 500, url: `https://github.com/Codertocat/Hello-World/pull/500` });
    expect(after.locks.map((k) => k.change)).toEqual(["#9"]);
    expect(h.gh.commits.get(h.gh.ledgerRef!)!.message.split("\n")[0]).toBe("ROLLBACK of #3 opened by boss: revert #500");

    // Done: asking again is refused with the revert named; #4's report has no note any more.
    h.gh.beforeRefUpdate = null;
    await h.send("issue_comment", commentPayload(3, "/pucs rollback", { author: "octocat", commenter: "boss" }));
    expect(replies(h, 3).at(-1)).toContain("- ❌ #3 was reverted already: #500 (opened by @boss at 2026-11-23T12:00:00Z).");
    expect(h.gh.reverts).toHaveLength(1);
    h.gh.prFiles.set(4, [{ filename: "execution/b.py", patch: patch(2, 1) }]);
    await h.send("pull_request", pullPayload(4, { action: "synchronize", headSha: "4444".padEnd(40, "b") }));
    expect(h.gh.checkRuns.at(-1)!.output.summary).not.toContain("ROLLBACK");
  });

  it("a PR PUCS did not track, or one without a suggestion, gets no revert", async () => {
    const h = await harness();
    h.gh.permissions.set("boss", "maintain");
    // Closed without ever being tracked (no footprint): nothing kept.
    await merge(h, 8);
    expect(h.gh.ledger?.merges).toBeUndefined();
    await h.send("issue_comment", commentPayload(8, "/pucs rollback", { commenter: "boss" }));
    expect(replies(h, 8).at(-1)).toContain("- ❌ no ROLLBACK is suggested for #8: #8 is not a merged PR PUCS tracked.");
    await openPr(h, 5, "execution/c.py");
    await merge(h, 5);
    await h.send("issue_comment", commentPayload(5, "/pucs rollback", { commenter: "boss" }));
    expect(replies(h, 5).at(-1)).toContain("- ❌ no ROLLBACK is suggested for #5: CI has not failed on #5's merge commit `feedfac` on `master`.");
    expect(h.gh.reverts).toEqual([]);
  });
});

const ARBITRATE_CONFIG = CONFIG.replace(
  "  API:\n    name: API\n",
  "    critical_files: [execution/core.py]\n    coordinators: [exec-lead, \"@Codertocat/exec-team\"]\n  API:\n    name: API\n",
);

describe("ARBITRATE with a decider", () => {
  it("asks the coordinators once per PR (users and teams), names them in the report; /pucs decide by a team member records the decision and the conflict stops blocking", async () => {
    const h = await harness();
    h.gh.defaultFiles.set("config/pucs_streams.yaml", ARBITRATE_CONFIG);
    h.gh.prFiles.set(6, [{ filename: "execution/core.py", patch: patch(1, 1) }]);
    await h.send("pull_request", pullPayload(6, {}));
    expect([...h.gh.reviewRequests]).toEqual([[6, [{ reviewers: ["exec-lead"], team_reviewers: ["exec-team"] }]]]);
    expect(h.gh.ledger!.arbitrations).toEqual([{ change: "#6", requested: { at: "2026-11-23T12:00:00.000Z", reviewers: ["exec-lead"], teams: ["Codertocat/exec-team"] }, decisions: [] }]);
    const report = () => String(h.gh.comments.find((c) => c.issue === 6 && String(c.body).startsWith("<!-- pucs:report -->"))!.body);
    expect(report()).toContain("> ℹ️ Coordinators asked to review (ARBITRATE): @exec-lead, @Codertocat/exec-team; one of them, or a maintainer, records the decision with `/pucs decide -- note`.");
    expect(h.gh.issueLabels.get(6)).toContain("pucs:conflict");

    // A second push: no second request.
    h.gh.prFiles.set(6, [{ filename: "execution/core.py", patch: patch(2, 1) }]);
    await h.send("pull_request", pullPayload(6, { action: "synchronize", headSha: "6666".padEnd(40, "c") }));
    expect(h.gh.reviewRequests.get(6)).toHaveLength(1);

    // Refused: the author (no coordinator, no maintain), and an empty note.
    await h.send("issue_comment", commentPayload(6, "/pucs decide -- fine by me"));
    expect(replies(h, 6).at(-1)).toContain("- ❌ @agent6 is not a coordinator of #6's ARBITRATE conflicts (@exec-lead, @Codertocat/exec-team) and has no access: ask one of them, or a maintainer, to decide.");
    await h.send("issue_comment", commentPayload(6, "/pucs decide"));
    expect(replies(h, 6).at(-1)).toContain("say why after --: the decision is recorded with your name and the note");
    expect(h.gh.ledger!.arbitrations![0]!.decisions).toEqual([]);

    // A member of the coordinators' team decides.
    h.gh.teamMembers.set("Codertocat/exec-team", ["carol"]);
    h.gh.reset();
    await h.send("issue_comment", commentPayload(6, "/pucs decide -- core change reviewed with the EXEC team", { commenter: "carol" }));
    expect(h.gh.calls()).toContain("GET /orgs/Codertocat/teams/exec-team/memberships/carol");
    expect(replies(h, 6).at(-1)).toBe(
      "<!-- pucs:reply -->\n@carol\n\n- ✅ decided by @carol at `6666ccc`: CRITICAL `execution/core.py`: core change reviewed with the EXEC team. It no longer blocks; a new conflict needs its own decision.",
    );
    const a = h.gh.ledger!.arbitrations![0]!;
    expect(a.decisions).toEqual([{ by: "carol", note: "core change reviewed with the EXEC team", at: "2026-11-23T12:00:00.000Z", headSha: "6666".padEnd(40, "c"), keys: [expect.stringMatching(/^CRITICAL:EXEC:execution\/core\.py@[0-9a-f]{8}$/)] }]);
    expect(h.gh.commits.get(h.gh.ledgerRef!)!.message.split("\n")[0]).toBe(`ARBITRATE #6 decided by carol at 6666ccc (${a.decisions[0]!.keys[0]}): core change reviewed with the EXEC team`);
    // The PR's report was republished: the row says who decided, the verdict no longer needs a decision.
    expect(report()).toContain("✔️ decided by @carol: core change reviewed with the EXEC team |");
    expect(report()).toContain("**Verdict:** safe-overlap");
    // The machine-readable report says so too, and still matches its published schema (pucs.report/v1).
    const json = parseReportFromMarkdown(report())!;
    expect(json.conflicts.map((c) => [c.type, c.strategy, c.decided])).toEqual([["CRITICAL", "ARBITRATE", { by: "carol", note: "core change reviewed with the EXEC team", at: "2026-11-23T12:00:00.000Z" }]]);
    expect(validateReport(json), JSON.stringify(validateReport.errors)).toBe(true);
    expect(h.gh.issueLabels.get(6)).not.toContain("pucs:conflict");
    // Deciding again: nothing left to decide.
    await h.send("issue_comment", commentPayload(6, "/pucs decide -- again", { commenter: "carol" }));
    expect(replies(h, 6).at(-1)).toContain("- ❌ #6 has no undecided ARBITRATE conflict: nothing to decide.");
  });
});
