/**
 * The bundled Action (dist/index.js) run as GitHub runs it, against a fake GitHub: the statuses it
 * posts (exact bodies), its outputs and its job summary, for every gate situation.
 */
import { readFileSync } from "node:fs";
import { assertValid } from "../support/schemas.js";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { FakeGitHub } from "../support/fake-github.js";
import { FakeRepo, sha } from "../support/github-repo.js";
import { example, ROOT, runAction } from "./harness.js";

const CONFIG = readFileSync(join(ROOT, "config/pucs_streams.yaml"), "utf8");
const RUN_URL = "https://github.com/octo-org/octo-repo/actions/runs/4242";
const NOW = "2026-11-23T20:00:00.000Z";
const CTX = "PUCS / merge-gate";

let gh: FakeGitHub;
let repo: FakeRepo;

beforeAll(async () => {
  gh = await FakeGitHub.start();
});
afterAll(async () => {
  await gh.stop();
});
beforeEach(() => {
  // A fresh repository model on the same server (later routes win).
  repo = new FakeRepo(gh);
  repo.setFile("main", "config/pucs_streams.yaml", CONFIG);
  gh.clearLog();
});

const url = (n: number): string => `https://github.com/octo-org/octo-repo/pull/${n}`;

/** A real pull_request webhook payload, rewritten to describe the fake PR `n`. */
function prEvent(action: string, n: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const payload = example("pull_request", action);
  const p = repo.pulls.get(n)!;
  payload.number = n;
  payload.pull_request = { ...(payload.pull_request as object), ...repo.pullJson(p) };
  payload.repository = { ...(payload.repository as object), full_name: "octo-org/octo-repo", default_branch: "main" };
  return { ...payload, ...extra };
}

function ledger(over: Record<string, unknown>): string {
  return JSON.stringify({ kind: "pucs-ledger", schemaVersion: 1, session: null, locks: [], intents: [], footprints: [], queues: [], overrides: [], ...over });
}

const sorted = <T extends { path: string }>(xs: T[]): T[] => [...xs].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
const statusReads = () => gh.requests("GET", /\/commits\/.*\/status$/).map((x) => x.path).sort();
const statusReadsOf = (ns: number[]) => ns.map((n) => `/repos/octo-org/octo-repo/commits/${repo.pulls.get(n)!.headSha}/status`).sort();
/** What the gate wrote (GraphQL queries are POSTs but read). */
const posts = () => gh.requests("POST").filter((r) => r.path !== "/graphql").map((r) => ({ path: r.path, body: r.body }));
const statusPath = (n: number) => `/repos/octo-org/octo-repo/statuses/${repo.pulls.get(n)!.headSha}`;
/** The status body the gate posts; its link records the PR's streams. */
const body = (state: string, description: string, streams: string) => ({ state, context: CTX, description, target_url: `${RUN_URL}#pucs-streams=${streams}` });
const groupBody = (state: string, description: string) => ({ state, context: CTX, description, target_url: RUN_URL });

describe("pull_request", () => {
  test("pass: a phase-1 PR with nothing earlier open, and the later PR it now blocks is re-published", async () => {
    repo.addPull({ number: 5, title: "[PUCS-OBS] feat: tracing", files: [{ path: "observability/trace.py" }], commits: [{ sha: sha("c5"), message: "[PUCS-OBS] feat: tracing" }] });
    repo.addPull({ number: 6, title: "API work", labels: ["pucs:stream:API"] });
    repo.addStatus(repo.pulls.get(6)!.headSha, { state: "success", description: "Ready: phase 3 (API), nothing earlier is open", context: CTX, target_url: null });

    const r = await runAction({ apiUrl: gh.url, event: "pull_request", payload: prEvent("opened", 5) });

    expect(r.code).toBe(0);
    // The gated PR's own status first, then the re-published ones.
    expect(posts()).toEqual([
      { path: statusPath(5), body: body("success", "Ready: phase 1 (OBS), nothing earlier is open", "OBS") },
      { path: statusPath(6), body: body("failure", "Blocked by #5 (OBS, phase 1)", "API") },
    ]);
    expect(r.outputs).toEqual({ streams: "OBS", phase: "1", verdict: "pass", "blocked-by": "", "test-patterns": "tests/test_*observability*.py", report: expect.any(String) });
    expect(r.summary).toContain("## PUCS merge gate: ✅ pass");
    expect(r.summary).toContain("| OBS | Observability | 1 (decides the phase) | `tests/test_*observability*.py` |");
    expect(r.summary).toContain(`| [#6](${url(6)}) | success: Ready: phase 3 (API), nothing earlier is open | **failure**: Blocked by #5 (OBS, phase 1) |`);
    // Only the gated PR's files and commits were listed; #6's stream came from its label.
    expect(gh.requests("GET", /\/pulls\/\d+\/files$/).map((x) => x.path)).toEqual(["/repos/octo-org/octo-repo/pulls/5/files"]);
    expect(gh.log.filter((x) => x.unknown)).toEqual([]);
  });

  test("blocked by an earlier phase: the status names the blocker; outputs and summary say why", async () => {
    repo.addPull({ number: 1, title: "Metrics", labels: ["pucs:stream:OBS"] });
    repo.addPull({ number: 7, headRef: "feature/stream-SCAN", title: "Scanner" });
    repo.addPull({ number: 2, title: "Endpoint", files: [{ path: "api/orders.py" }], commits: [{ sha: sha("c2"), message: "[PUCS-API] feat: orders endpoint" }] });

    const r = await runAction({ apiUrl: gh.url, event: "pull_request", payload: prEvent("synchronize", 2) });

    expect(r.code).toBe(0);
    expect(posts()).toEqual([{ path: statusPath(2), body: body("failure", "Blocked by #1 (OBS, phase 1), #7 (SCAN, phase 1)", "API") }]);
    expect(r.outputs).toEqual({ streams: "API", phase: "3", verdict: "blocked", "blocked-by": "1,7", "test-patterns": "tests/test_*api*.py", report: expect.any(String) });
    // The same verdict as one JSON document (the `report` output), valid against the published schema.
    const report = JSON.parse(r.outputs.report!);
    assertValid("report", report);
    expect(report).toMatchObject({
      schema: "pucs.report/v1",
      kind: "gate",
      verdict: "blocked",
      streams: ["API"],
      phase: 3,
      blockers: [
        { pr: 1, change: "#1", stream: "OBS", phase: 1, reason: "earlier-phase" },
        { pr: 7, change: "#7", stream: "SCAN", phase: 1, reason: "earlier-phase" },
      ],
      testPatterns: ["tests/test_*api*.py"],
      changes: [{ change: "#2", pr: 2, verdict: "blocked", streams: ["API"], phase: 3, description: "Blocked by #1 (OBS, phase 1), #7 (SCAN, phase 1)" }],
    });
    expect(r.summary).toContain("## PUCS merge gate: ⛔ blocked");
    expect(r.summary).toContain(`| [#1 Metrics](${url(1)}) | OBS | 1 | earlier phase | #1 (OBS, phase 1) must be merged or closed first. |`);
    expect(r.summary).toContain(`| [#7 Scanner](${url(7)}) | SCAN | 1 | earlier phase | #7 (SCAN, phase 1) must be merged or closed first. |`);
    expect(r.summary).toContain('  s_OBS -. "#35;1 blocks" .-> s_API');
    expect(r.summary).toContain("  class s_OBS,s_SCAN blocker");
    // synchronize: the previous head's status is read (for the streams it recorded) and the new
    // head's; #1 and #7 are phase 1, which no PR can block, so no other status is read.
    expect(gh.requests("GET", /\/commits\/.*\/status$/).length).toBe(2);
  });

  test("an unchanged verdict is not re-posted", async () => {
    repo.addPull({ number: 1, labels: ["pucs:stream:OBS"] });
    repo.addPull({ number: 2, labels: ["pucs:stream:API"], files: [{ path: "api/a.py" }] });
    repo.addStatus(repo.pulls.get(2)!.headSha, { state: "failure", description: "Blocked by #1 (OBS, phase 1)", context: CTX, target_url: "https://x/runs/1#pucs-streams=API" });
    const r = await runAction({ apiUrl: gh.url, event: "pull_request", payload: prEvent("labeled", 2, { label: { name: "pucs:stream:API" } }) });
    expect(r.code).toBe(0);
    expect(posts()).toEqual([]);
    expect(r.summary).toContain("Status `PUCS / merge-gate` on");
    expect(r.summary).toContain("(unchanged)");
  });

  test("blocked by a live lock another change holds on one of its files; an expired lock does not block", async () => {
    repo.ledgerText = ledger({
      locks: [
        { lease: "L1", path: "api/**", agent: "api-agent-2", stream: "API", task: "auth rewrite", change: "#9", acquiredAt: "2026-11-23T19:50:00.000Z", expiresAt: "2026-11-23T20:20:00.000Z" },
        { lease: "L2", path: "api/old.py", agent: "gone", stream: "API", task: "x", acquiredAt: "2026-11-23T18:00:00.000Z", expiresAt: "2026-11-23T18:30:00.000Z" },
      ],
    });
    repo.addPull({ number: 3, title: "Orders", labels: ["pucs:stream:API"], files: [{ path: "api/orders.py" }, { path: "api/old.py" }] });

    const r = await runAction({ apiUrl: gh.url, event: "pull_request", payload: prEvent("opened", 3), env: { PUCS_NOW: NOW } });

    expect(r.code).toBe(0);
    expect(posts()).toEqual([{ path: statusPath(3), body: body("failure", "Blocked by lock by #9", "API") }]);
    expect(r.outputs.verdict).toBe("blocked");
    expect(r.outputs["blocked-by"]).toBe("9");
    expect(r.summary).toContain(
      "| #9 | API | 3 | lock | api/orders.py is locked by api-agent-2 (#9) until 2026-11-23T20:20:00.000Z: wait for release or expiry, or `/pucs queue api/orders.py`. |",
    );
  });

  test("a draft blocker is ignored", async () => {
    repo.addPull({ number: 1, labels: ["pucs:stream:OBS"], draft: true });
    repo.addPull({ number: 2, labels: ["pucs:stream:API"], files: [{ path: "api/a.py" }] });
    const r = await runAction({ apiUrl: gh.url, event: "pull_request", payload: prEvent("opened", 2) });
    expect(r.code).toBe(0);
    expect(posts()).toEqual([{ path: statusPath(2), body: body("success", "Ready: phase 3 (API), nothing earlier is open", "API") }]);
    expect(r.outputs.verdict).toBe("pass");
  });

  test("a recorded override lets the PR pass and says who decided", async () => {
    repo.ledgerText = ledger({ overrides: [{ change: "#2", by: "lead", reason: "hotfix, OBS change is unrelated", at: "2026-11-23T19:00:00.000Z" }] });
    repo.addPull({ number: 1, labels: ["pucs:stream:OBS"] });
    repo.addPull({ number: 2, labels: ["pucs:stream:API"], files: [{ path: "api/a.py" }] });
    const r = await runAction({ apiUrl: gh.url, event: "pull_request", payload: prEvent("reopened", 2) });
    expect(r.code).toBe(0);
    expect(posts()).toEqual([{ path: statusPath(2), body: body("success", "Overridden by @lead: hotfix, OBS change is unrelated", "API") }]);
    expect(r.outputs).toMatchObject({ verdict: "pass", "blocked-by": "" });
    expect(r.summary).toContain("✅ pass (overridden)");
    expect(r.summary).toContain("Gate overridden by @lead at 2026-11-23T19:00:00.000Z: hotfix, OBS change is unrelated");
  });

  test("re-publication: when a blocker merges, each PR it blocked turns green by itself (and a replay posts nothing)", async () => {
    repo.addPull({ number: 1, title: "Metrics", labels: ["pucs:stream:OBS"] });
    repo.addPull({ number: 2, labels: ["pucs:stream:API"] });
    repo.addPull({ number: 3, headRef: "feature/stream-EXEC-fills" });
    repo.addPull({ number: 4, labels: ["pucs:stream:OBS"], draft: true });
    repo.addPull({ number: 5, title: "[PUCS-API] feat: orders" });
    repo.addPull({ number: 6, labels: ["pucs:stream:SCAN"] });
    const st = (n: number, state: string, description: string, streams: string) =>
      repo.addStatus(repo.pulls.get(n)!.headSha, { state, description, context: CTX, target_url: `https://github.com/octo-org/octo-repo/actions/runs/1#pucs-streams=${streams}` });
    st(2, "failure", "Blocked by #1 (OBS, phase 1), #6 (SCAN, phase 1), #3 (EXEC, phase 2)", "API");
    st(3, "failure", "Blocked by #6 (SCAN, phase 1)", "EXEC"); // already what it will be once #1 is gone
    st(4, "success", "Ready: phase 1 (OBS), nothing earlier is open", "OBS");
    st(5, "failure", "Blocked by #1 (OBS, phase 1), #6 (SCAN, phase 1), #3 (EXEC, phase 2)", "API");
    const merge = (n: number) => {
      const p = repo.pulls.get(n)!;
      p.state = "closed";
      p.merged = true;
    };

    merge(1);
    const r = await runAction({ apiUrl: gh.url, event: "pull_request", payload: prEvent("closed", 1) });
    expect(r.code).toBe(0);
    expect(sorted(posts())).toEqual(
      sorted([
        { path: statusPath(2), body: body("failure", "Blocked by #6 (SCAN, phase 1), #3 (EXEC, phase 2)", "API") },
        { path: statusPath(5), body: body("failure", "Blocked by #6 (SCAN, phase 1), #3 (EXEC, phase 2)", "API") },
      ]),
    );
    // Only PRs #1 could have blocked are read: not #4 (a draft) nor #6 (phase 1).
    expect(statusReads()).toEqual(statusReadsOf([2, 3, 5]));
    expect(r.outputs.verdict).toBe("none");
    expect(r.summary).toContain("Already up to date: #3.");

    merge(6);
    gh.clearLog();
    const r2 = await runAction({ apiUrl: gh.url, event: "pull_request", payload: prEvent("closed", 6) });
    expect(r2.code).toBe(0);
    expect(sorted(posts())).toEqual(
      sorted([
        { path: statusPath(2), body: body("failure", "Blocked by #3 (EXEC, phase 2)", "API") },
        { path: statusPath(3), body: body("success", "Ready: phase 2 (EXEC), nothing earlier is open", "EXEC") },
        { path: statusPath(5), body: body("failure", "Blocked by #3 (EXEC, phase 2)", "API") },
      ]),
    );

    merge(3);
    gh.clearLog();
    const r3 = await runAction({ apiUrl: gh.url, event: "pull_request", payload: prEvent("closed", 3) });
    expect(r3.code).toBe(0);
    expect(sorted(posts())).toEqual(
      sorted([
        { path: statusPath(2), body: body("success", "Ready: phase 3 (API), nothing earlier is open", "API") },
        { path: statusPath(5), body: body("success", "Ready: phase 3 (API), nothing earlier is open", "API") },
      ]),
    );

    // Replaying the same webhook changes nothing.
    gh.clearLog();
    const r4 = await runAction({ apiUrl: gh.url, event: "pull_request", payload: prEvent("closed", 3) });
    expect(r4.code).toBe(0);
    expect(posts()).toEqual([]);
    expect(statusReads()).toEqual(statusReadsOf([2, 5]));
  });

  test("a push that moves a PR to a later phase re-publishes the PR it no longer blocks (streams read back from the previous head's status)", async () => {
    const before = sha("head-4-old");
    repo.addPull({ number: 4, title: "Tracing", files: [{ path: "observability/a.py" }, { path: "api/b.py" }] });
    repo.addPull({ number: 2, labels: ["pucs:stream:API"] });
    repo.addPull({ number: 1, labels: ["pucs:stream:OBS"], draft: true });
    repo.addStatus(before, { state: "success", description: "Ready: phase 1 (OBS), nothing earlier is open", context: CTX, target_url: `${RUN_URL}#pucs-streams=OBS` });
    repo.addStatus(repo.pulls.get(2)!.headSha, { state: "failure", description: "Blocked by #4 (OBS, phase 1)", context: CTX, target_url: `${RUN_URL}#pucs-streams=API` });

    const r = await runAction({ apiUrl: gh.url, event: "pull_request", payload: prEvent("synchronize", 4, { before }) });

    expect(r.code).toBe(0);
    expect(posts()).toEqual([
      { path: statusPath(4), body: body("success", "Ready: phase 3 (OBS, API), nothing earlier is open", "OBS,API") },
      { path: statusPath(2), body: body("success", "Ready: phase 3 (API), nothing earlier is open", "API") },
    ]);
    expect(r.outputs).toMatchObject({ streams: "OBS,API", phase: "3", verdict: "pass" });
  });

  test("a push to a phase-3 PR that stays phase 3 reads no other PR's status", async () => {
    const before = sha("head-4-old");
    repo.addPull({ number: 4, title: "Endpoint", files: [{ path: "api/b.py" }] });
    repo.addPull({ number: 2, labels: ["pucs:stream:EXEC"] });
    repo.addPull({ number: 3, labels: ["pucs:stream:API"] });
    repo.addStatus(before, { state: "failure", description: "Blocked by #2 (EXEC, phase 2)", context: CTX, target_url: `${RUN_URL}#pucs-streams=API` });
    const r = await runAction({ apiUrl: gh.url, event: "pull_request", payload: prEvent("synchronize", 4, { before }) });
    expect(r.code).toBe(0);
    // Without the recorded streams, #4 might have been an EXEC (or OBS...) PR blocking #3: #3 would be read.
    expect(statusReads()).toEqual([before, repo.pulls.get(4)!.headSha].map((s) => `/repos/octo-org/octo-repo/commits/${s}/status`).sort());
    expect(posts()).toEqual([{ path: statusPath(4), body: body("failure", "Blocked by #2 (EXEC, phase 2)", "API") }]);
  });

  test("commit protocol warn: one annotation per offending commit, the step passes", async () => {
    repo.addPull({
      number: 2,
      labels: ["pucs:stream:API"],
      files: [{ path: "api/a.py" }],
      commits: [
        { sha: sha("good"), message: "[PUCS-API] feat: orders" },
        { sha: "badc0ffee" + "0".repeat(31), message: "fix stuff" },
        { sha: "Merge0000" + "0".repeat(31), message: "Merge branch 'main' into topic" },
      ],
    });
    const r = await runAction({ apiUrl: gh.url, event: "pull_request", payload: prEvent("synchronize", 2), inputs: { "commit-protocol": "warn" } });
    expect(r.code).toBe(0);
    const problem =
      'commit subject "fix stuff": it does not start with the stream prefix; expected "[PUCS-<STREAM>] <type>: <description>" with <type> one of feat, fix, refactor, perf, test, docs, build, ci, chore, style, revert, e.g. "[PUCS-EXEC] feat: Add ML model to fill predictor"';
    expect(r.commands).toEqual([{ command: "warning", props: "title=PUCS commit protocol: badc0ff", message: problem }]);
    expect(r.summary).toContain(`- \`badc0ff\` ${problem}`);
  });

  test("commit protocol enforce: the step fails after publishing the verdict", async () => {
    repo.addPull({ number: 2, labels: ["pucs:stream:API"], files: [{ path: "api/a.py" }], commits: [{ sha: "badc0ffee" + "0".repeat(31), message: "[PUCS-NOPE] feat: x" }] });
    const r = await runAction({ apiUrl: gh.url, event: "pull_request", payload: prEvent("synchronize", 2), inputs: { "commit-protocol": "enforce" } });
    expect(r.code).toBe(1);
    expect(posts()).toHaveLength(1);
    expect(r.commands.map((c) => c.command)).toEqual(["error"]);
    expect(r.commands[0]!.message).toBe(
      'Commit protocol (enforce): 1 commit of #2 do not follow "[PUCS-<STREAM>] <type>: <description>"; reword it (git rebase -i) and push:\n' +
        'badc0ff: commit subject "[PUCS-NOPE] feat: x": stream "NOPE" is not configured (configured streams: EXEC, LLM, SCAN, RISK, BACK, OBS, API); expected "[PUCS-<STREAM>] <type>: <description>" with <type> one of feat, fix, refactor, perf, test, docs, build, ci, chore, style, revert, e.g. "[PUCS-EXEC] feat: Add ML model to fill predictor"',
    );
  });

  test("mode check: reads only, and a blocked verdict fails the step", async () => {
    repo.addPull({ number: 1, labels: ["pucs:stream:OBS"] });
    repo.addPull({ number: 2, labels: ["pucs:stream:API"], files: [{ path: "api/a.py" }] });
    const r = await runAction({ apiUrl: gh.url, event: "pull_request", payload: prEvent("opened", 2), inputs: { mode: "check" } });
    expect(r.code).toBe(1);
    expect(gh.log.filter((x) => x.method !== "GET" || /\/status$/.test(x.path))).toEqual([]);
    expect(r.commands).toEqual([
      { command: "error", props: "", message: "Merge gate: blocked (mode: check fails the step). #2: #1 (OBS, phase 1) must be merged or closed first." },
    ]);
    expect(r.outputs.verdict).toBe("blocked");
  });
});

describe("merge_group", () => {
  function groupEvent(top: number, others: number[]): Record<string, unknown> {
    const payload = example("merge_group", "checks_requested");
    const mg = payload.merge_group as Record<string, unknown>;
    mg.head_ref = `refs/heads/gh-readonly-queue/main/pr-${top}-${sha(`q${top}`)}`;
    mg.head_sha = sha(`group-${top}`);
    mg.base_sha = sha("base");
    mg.base_ref = "refs/heads/main";
    repo.compares.set(
      `${mg.base_sha}...${mg.head_sha}`,
      [...others, top].map((n) => ({ sha: sha(`m${n}`), message: `Merge pull request #${n} from octo-org/topic-${n}\n\nbody` })),
    );
    return payload;
  }

  test("two queued PRs of phases 1 and 3: gated against the open PRs outside the group, so the group passes", async () => {
    repo.addPull({ number: 11, labels: ["pucs:stream:OBS"], files: [{ path: "observability/a.py" }] });
    repo.addPull({ number: 12, labels: ["pucs:stream:API"], files: [{ path: "api/a.py" }] });
    repo.addPull({ number: 13, labels: ["pucs:stream:EXEC"], draft: true });
    const payload = groupEvent(12, [11]);
    const r = await runAction({ apiUrl: gh.url, event: "merge_group", payload });
    expect(r.code).toBe(0);
    expect(posts()).toEqual([
      { path: `/repos/octo-org/octo-repo/statuses/${sha("group-12")}`, body: groupBody("success", "Queue group #11, #12: every PR passes the phase order") },
    ]);
    expect(r.outputs).toEqual({ streams: "OBS,API", phase: "3", verdict: "pass", "blocked-by": "", "test-patterns": "tests/test_*observability*.py tests/test_*api*.py", report: expect.any(String) });
    assertValid("report", JSON.parse(r.outputs.report!));
    expect(JSON.parse(r.outputs.report!).changes.map((c: { pr: number; verdict: string }) => [c.pr, c.verdict])).toEqual([[11, "pass"], [12, "pass"]]);
    expect(r.summary).toContain("holds #11, #12.");
    expect(gh.requests("GET", /\/files$/).map((x) => x.path)).toEqual(["/repos/octo-org/octo-repo/pulls/11/files", "/repos/octo-org/octo-repo/pulls/12/files"]);
  });

  test("a phase-1 PR open outside the group blocks the group's phase-3 PR: never a blind pass", async () => {
    repo.addPull({ number: 10, labels: ["pucs:stream:SCAN"] });
    repo.addPull({ number: 11, labels: ["pucs:stream:OBS"], files: [{ path: "observability/a.py" }] });
    repo.addPull({ number: 12, labels: ["pucs:stream:API"], files: [{ path: "api/a.py" }] });
    const r = await runAction({ apiUrl: gh.url, event: "merge_group", payload: groupEvent(12, [11]) });
    expect(r.code).toBe(0);
    expect(posts()).toEqual([{ path: `/repos/octo-org/octo-repo/statuses/${sha("group-12")}`, body: groupBody("failure", "#12 blocked by #10 (SCAN, phase 1)") }]);
    expect(r.outputs).toMatchObject({ verdict: "blocked", "blocked-by": "10" });
  });

  test("a head ref that is not a merge-queue ref fails the step and posts nothing", async () => {
    const payload = groupEvent(12, []);
    (payload.merge_group as Record<string, unknown>).head_ref = "refs/heads/some-branch";
    const r = await runAction({ apiUrl: gh.url, event: "merge_group", payload });
    expect(r.code).toBe(1);
    expect(posts()).toEqual([]);
    expect(r.commands[0]!.message).toBe(
      'The merge group\'s head ref "refs/heads/some-branch" is not a merge-queue ref (refs/heads/gh-readonly-queue/<base>/pr-<number>-<sha>), so the gate cannot tell which pull requests are queued and will not pass the group blindly.',
    );
  });
});

describe("push and workflow_dispatch", () => {
  function pushEvent(files: string[]): Record<string, unknown> {
    const payload = example("push");
    payload.ref = "refs/heads/main";
    payload.after = sha("after");
    payload.forced = false;
    payload.repository = { ...(payload.repository as object), default_branch: "main" };
    payload.commits = [{ id: sha("p1"), message: "x", added: [], removed: [], modified: files }];
    return payload;
  }

  test("a push to the default branch that leaves the config alone makes no API call", async () => {
    const r = await runAction({ apiUrl: gh.url, event: "push", payload: pushEvent(["README.md"]) });
    expect(r.code).toBe(0);
    expect(gh.log).toEqual([]);
    expect(r.outputs.verdict).toBe("none");
  });

  test("a push that changes the config re-checks every open PR with the new phases", async () => {
    repo.setFile(sha("after"), "config/pucs_streams.yaml", CONFIG.replace("- [OBS, SCAN, BACK]\n    - [EXEC, LLM, RISK]\n    - [API]", "- [OBS, SCAN, BACK, API]\n    - [EXEC, LLM, RISK]"));
    repo.addPull({ number: 1, labels: ["pucs:stream:OBS"] });
    repo.addPull({ number: 2, labels: ["pucs:stream:API"] });
    repo.addStatus(repo.pulls.get(2)!.headSha, { state: "failure", description: "Blocked by #1 (OBS, phase 1)", context: CTX, target_url: `${RUN_URL}#pucs-streams=API` });
    repo.addStatus(repo.pulls.get(1)!.headSha, { state: "success", description: "Ready: phase 1 (OBS), nothing earlier is open", context: CTX, target_url: `${RUN_URL}#pucs-streams=OBS` });
    const r = await runAction({ apiUrl: gh.url, event: "push", payload: pushEvent(["config/pucs_streams.yaml"]) });
    expect(r.code).toBe(0);
    expect(posts()).toEqual([{ path: statusPath(2), body: body("success", "Ready: phase 1 (API), nothing earlier is open", "API") }]);
  });

  test("workflow_dispatch re-publishes every stale status", async () => {
    repo.addPull({ number: 1, labels: ["pucs:stream:OBS"] });
    repo.addPull({ number: 2, labels: ["pucs:stream:API"] });
    const r = await runAction({ apiUrl: gh.url, event: "workflow_dispatch", payload: example("workflow_dispatch") });
    expect(r.code).toBe(0);
    expect(sorted(posts())).toEqual(
      sorted([
        { path: statusPath(1), body: body("success", "Ready: phase 1 (OBS), nothing earlier is open", "OBS") },
        { path: statusPath(2), body: body("failure", "Blocked by #1 (OBS, phase 1)", "API") },
      ]),
    );
  });
});

describe("errors say what to fix", () => {
  test("bad config: every problem with file:line:col, nothing posted", async () => {
    repo.setFile("main", "config/pucs_streams.yaml", "version: 1\nstreams:\n  EXEC:\n    name: Exec\n    files_pattern: 'execution/**/*.py'\n    dependencies: [NOPE]\n    colour: red\n");
    repo.addPull({ number: 2, labels: ["pucs:stream:API"] });
    const r = await runAction({ apiUrl: gh.url, event: "pull_request", payload: prEvent("opened", 2) });
    expect(r.code).toBe(1);
    expect(posts()).toEqual([]);
    const msg = r.commands.find((c) => c.command === "error")!.message;
    expect(msg.split("\n")[0]).toBe("The PUCS stream config config/pucs_streams.yaml on main has 2 problems; fix them on main (the gate reads the base branch's config):");
    expect(msg.split("\n").slice(1)).toEqual([
      'config/pucs_streams.yaml:6:20: error: streams.EXEC.dependencies[0]: unknown stream or area "NOPE" (declare non-stream parts of the repository under `areas:`)',
      'config/pucs_streams.yaml:7:5: error: streams.EXEC: unknown key "colour"',
    ]);
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
    expect(r.summary).toContain("## PUCS merge gate: ❌ error");
  });

  test("no config on the base branch", async () => {
    repo.files.clear();
    repo.addPull({ number: 2 });
    const r = await runAction({ apiUrl: gh.url, event: "pull_request", payload: prEvent("opened", 2) });
    expect(r.code).toBe(1);
    expect(r.commands[0]!.message).toBe(
      "No PUCS stream config on main: tried config/pucs_streams.yaml and .github/pucs.yml. Commit one (`npx pucs init --write-config` writes a starter) or set the `config` input.",
    );
  });

  test("a token without statuses: write (403) names the permission to add", async () => {
    repo.addPull({ number: 2, labels: ["pucs:stream:API"] });
    repo.fail("POST", /\/statuses\//, 403, "Resource not accessible by integration");
    const r = await runAction({ apiUrl: gh.url, event: "pull_request", payload: prEvent("opened", 2) });
    expect(r.code).toBe(1);
    expect(r.commands[0]!.message).toBe(
      `GitHub refused to set the PUCS / merge-gate status on ${repo.pulls.get(2)!.headSha.slice(0, 7)} (403 Resource not accessible by integration): the token lacks \`statuses: write\` on octo-org/octo-repo. Add \`permissions: { statuses: write }\` to the workflow job (the gate needs contents: read, pull-requests: read, statuses: write); on pull requests from forks the GITHUB_TOKEN is read-only, so use \`mode: check\` there.`,
    );
  });

  test("an API failure (502) is retried 4 times, then says to re-run", async () => {
    repo.addPull({ number: 2 });
    repo.fail("GET", /\/pulls$/, 502, "Server Error");
    const r = await runAction({ apiUrl: gh.url, event: "pull_request", payload: prEvent("opened", 2) });
    expect(r.code).toBe(1);
    expect(r.commands[0]!.message).toBe("GitHub failed to list the open pull requests (502 Server Error): re-run the job; if it keeps failing, see https://www.githubstatus.com.");
    expect(gh.log.filter((x) => x.method === "GET" && x.path.endsWith("/pulls")).map((x) => x.status)).toEqual([502, 502, 502, 502, 502]);
  });

  test("a transient 502 is retried and the run succeeds", async () => {
    repo.addPull({ number: 2, labels: ["pucs:stream:API"] });
    repo.fail("GET", /\/pulls$/, 502, "Server Error", undefined, 1);
    const r = await runAction({ apiUrl: gh.url, event: "pull_request", payload: prEvent("opened", 2) });
    expect(r.code).toBe(0);
    expect(gh.log.filter((x) => x.method === "GET" && x.path.endsWith("/pulls")).map((x) => x.status)).toEqual([502, 200]);
    expect(posts().map((p) => (p.body as { state: string }).state)).toEqual(["success"]);
  });

  test("a secondary rate limit is waited out (retry-after) and the run succeeds; the log says so", async () => {
    repo.addPull({ number: 2, labels: ["pucs:stream:API"] });
    repo.fail("GET", /\/pulls$/, 403, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.", { "retry-after": "2" }, 2);
    const r = await runAction({ apiUrl: gh.url, event: "pull_request", payload: prEvent("opened", 2) });
    expect(r.code, r.stdout).toBe(0);
    expect(gh.log.filter((x) => x.method === "GET" && x.path.endsWith("/pulls")).map((x) => x.status)).toEqual([403, 403, 200]);
    expect(r.stdout).toContain("rate limited for 2 s; trying again in 0.0 s");
    expect(posts().map((p) => (p.body as { state: string }).state)).toEqual(["success"]);
  });

  test("a corrupt ledger fails the run instead of ignoring its locks and overrides", async () => {
    repo.ledgerText = "{ not json";
    repo.addPull({ number: 2, labels: ["pucs:stream:API"] });
    const r = await runAction({ apiUrl: gh.url, event: "pull_request", payload: prEvent("opened", 2) });
    expect(r.code).toBe(1);
    expect(posts()).toEqual([]);
    expect(r.commands[0]!.message).toMatch(/^refs\/pucs\/ledger at [0-9a-f]{7}: ledger\.json is not valid JSON \(.*\)\. The gate did not use it and changed nothing\./);
  });

  test("bad inputs and an unhandled event", async () => {
    const r = await runAction({ apiUrl: gh.url, event: "pull_request", payload: {}, inputs: { mode: "merge", "commit-protocol": "strict" } });
    expect(r.code).toBe(1);
    expect(r.commands[0]!.message).toBe(
      'The PUCS merge gate\'s inputs are wrong:\n- input `mode` is "merge"; use one of gate, check, app\n- input `commit-protocol` is "strict"; use one of off, warn, enforce',
    );
    const r2 = await runAction({ apiUrl: gh.url, event: "issues", payload: example("issues", "opened") });
    expect(r2.code).toBe(1);
    expect(r2.commands[0]!.message).toBe(
      'The merge gate does not handle the "issues" event: trigger it on pull_request (opened, synchronize, reopened, ready_for_review, labeled, unlabeled, closed), merge_group, push and workflow_dispatch.',
    );
    expect(gh.log).toEqual([]);
  });
});
