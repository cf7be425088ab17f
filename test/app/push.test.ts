import nock from "nock";
import { afterEach, describe, expect, it, vi } from "vitest";
import { drainsIdle } from "../../src/app/core.js";
import { BASE, CONFIG, harness, patch, pullPayload, shaFor } from "./fake.js";
import { textHash } from "../../src/engine/diff.js";

afterEach(() => {
  nock.cleanAll();
  vi.unstubAllEnvs();
});

describe("a push", () => {
  it("a lone PR just opened: one read of ledger+config (and the PR), its files, a success check run (nothing to look for on a new PR), no comment, then the footprint in one commit", async () => {
    const h = await harness();
    h.gh.prFiles.set(1, [{ filename: "execution/a.py", patch: patch(10, 2, "def run():") }]);
    await h.send("pull_request", pullPayload(1, {}));
    expect(h.gh.calls()).toEqual([
      `GET ${BASE}/pulls/1/files`,
      "POST /graphql",
      `POST ${BASE}/check-runs`,
      `POST ${BASE}/git/trees`,
      `POST ${BASE}/git/commits`,
      `POST ${BASE}/git/refs`,
    ]);
    const run = h.gh.log.find((r) => r.path === `${BASE}/check-runs`)!.body;
    expect(run).toMatchObject({ name: "PUCS / conflicts", head_sha: shaFor(1), status: "completed", conclusion: "success", output: { title: "No conflicts" } });
    expect(h.gh.ledger!.footprints).toEqual([
      {
        change: "#1",
        agent: "agent1",
        stream: "EXEC",
        streams: ["EXEC"], // the merge gate's streams, for its entries in the ledger's gates/
        headSha: shaFor(1),
        draft: false,
        title: "PR 1",
        url: "https://github.com/Codertocat/Hello-World/pull/1",
        labels: [],
        // The hash of each region's new text lets an identical change in another PR merge (issue 15).
        files: [{ path: "execution/a.py", changes: [{ start: 10, end: 11, section: "def run():", hash: textHash(["new 10", "new 11"], false) }] }],
        recordedAt: "2026-11-23T12:00:00.000Z",
      },
    ]);
  });
});

describe("a stream's summary (the partial read of issue 14)", () => {
  it("a fourth PR in a stream of max_agents 3: the other three turn to CAPACITY though none shares a file with it (their stream's summary, not their footprints)", async () => {
    const h = await harness();
    for (let n = 1; n <= 3; n++) {
      h.gh.prFiles.set(n, [{ filename: `execution/m${n}.py`, patch: patch(1, 2) }]);
      await h.send("pull_request", pullPayload(n, {}));
    }
    expect(h.gh.checkRuns.map((r) => r.conclusion)).toEqual(["success", "success", "success"]);
    h.gh.reset();
    h.gh.prFiles.set(4, [{ filename: "execution/m4.py", patch: patch(1, 2) }]);
    await h.send("pull_request", pullPayload(4, {}));
    const latest = (n: number) => h.gh.checkRuns.filter((r) => r.head_sha === shaFor(n)).at(-1)!;
    expect([1, 2, 3, 4].map((n) => [n, latest(n).conclusion, (latest(n).output as { title: string }).title])).toEqual([1, 2, 3, 4].map((n) => [n, "failure", "Blocked: 1 at capacity"]));
    // #4's event read no other footprint: the EXEC summary named #1–#3; each refresh read that PR's own scope.
    const first = String((h.gh.log.find((r) => r.path === "/graphql")!.body as { query: string }).query);
    expect(first).toContain('file(path: "streams/=EXEC")');
    expect(first).not.toContain('file(path: "footprints")');
    expect(h.gh.ledger!.footprints.map((f) => [f.change, f.files.length])).toEqual([["#1", 1], ["#2", 1], ["#3", 1], ["#4", 1]]);
  });
});

describe("a stream bigger than its head lists (issue 14: a push reads the head, not every member)", () => {
  it("20 PRs in a stream of max_agents 20; the 21st turns all of them to CAPACITY: the commit reads the stream whole and marks every one stale, not only the 16 its head lists", async () => {
    // The background refresh 5 ms after an event (its timer cannot fire before the checks that follow
    // the event, which await nothing).
    vi.stubEnv("PUCS_REFRESH_DRAIN_MS", "5");
    const h = await harness();
    h.gh.defaultFiles.set("config/pucs_streams.yaml", CONFIG.replace("max_agents: 3\n  API", "max_agents: 20\n  API"));
    for (let n = 1; n <= 20; n++) {
      h.gh.prFiles.set(n, [{ filename: `execution/m${n}.py`, patch: patch(1, 2) }]);
      await h.send("pull_request", pullPayload(n, {}));
    }
    expect(h.gh.checkRuns.map((r) => r.conclusion)).toEqual(Array(20).fill("success"));
    h.gh.reset();
    h.gh.prFiles.set(21, [{ filename: "execution/m21.py", patch: patch(1, 2) }]);
    await h.send("pull_request", pullPayload(21, {}));
    const queries = h.gh.log.filter((r) => r.path === "/graphql").map((r) => String((r.body as { query: string }).query));
    // #21's own read: EXEC's head (16 listed, 4 counted), not its summary's texts...
    expect(queries[0]).toContain('h0: file(path: "heads/=EXEC.json")');
    expect(queries[0]).not.toContain("m0: file(");
    // ...and its commit, which crosses max_agents for every member: read again with every member.
    expect(queries.some((q) => q.includes('m0: file(path: "streams/=EXEC")'))).toBe(true);
    const latest = (n: number) => h.gh.checkRuns.filter((r) => r.head_sha === shaFor(n)).at(-1)!;
    expect(latest(21).conclusion).toBe("failure");
    // Every member is either refreshed now (5 per event) or marked for the next ones; none forgotten.
    const ledger = h.gh.ledger!;
    const refreshed = Array.from({ length: 20 }, (_, i) => i + 1).filter((n) => latest(n).conclusion === "failure");
    const marked = ledger.footprints.filter((f) => f.stale === true).map((f) => Number(f.change.slice(1)));
    expect(refreshed).toHaveLength(5);
    expect([...new Set([...refreshed, ...marked])].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    // The commit marked all 20 (the 4 the head did not list among them: "#6".."#9" sort last).
    expect(marked.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));

    // The background refresh takes the other 15: it reads the ledger's stale/ entries, then their
    // footprints — never the whole ledger.
    h.gh.reset();
    await drainsIdle(h.drains);
    const drained = h.gh.log.filter((r) => r.path === "/graphql").map((r) => String((r.body as { query: string }).query));
    expect(drained.some((q) => q.includes('stale: file(path: "stale")'))).toBe(true);
    expect(drained.some((q) => q.includes('footprints: file(path: "footprints")'))).toBe(false);
    expect(Array.from({ length: 21 }, (_, i) => latest(i + 1).conclusion)).toEqual(Array(21).fill("failure"));
  });
});

describe("a burst: events of one repository handled at once", () => {
  it("two PRs opened together in a stream of max_agents 1: each report is made on the commit holding both, right the first time (no check run corrected, one label each)", async () => {
    const h = await harness();
    h.gh.defaultFiles.set("config/pucs_streams.yaml", CONFIG.replace("max_agents: 3\n  API", "max_agents: 1\n  API"));
    for (const n of [1, 2]) h.gh.prFiles.set(n, [{ filename: `execution/m${n}.py`, patch: patch(1, 2) }]);
    await Promise.all([h.send("pull_request", pullPayload(1, {})), h.send("pull_request", pullPayload(2, {}))]);
    const runs = h.gh.checkRuns.map((r) => [r.head_sha, r.conclusion, (r.output as { title: string }).title]);
    expect(runs.sort()).toEqual([1, 2].map((n) => [shaFor(n), "failure", "Blocked: 1 at capacity"]).sort());
    expect(h.gh.log.filter((r) => r.method === "PATCH" && r.path.includes("/check-runs/"))).toEqual([]);
    // Each PR's comment and label in one request (GraphQL, a mutation per part): 2 writes per PR, not 3.
    expect(h.gh.log.filter((r) => r.method === "POST" && /\/issues\/\d+\/(labels|comments)$/.test(r.path))).toEqual([]);
    const mutations = h.gh.writes().filter((r) => r.path === "/graphql");
    expect(mutations.map((r) => [r.body.variables.c.subjectId, r.body.variables.a]).sort()).toEqual([1, 2].map((n) => [`PR_node_${n}`, { labelableId: `PR_node_${n}`, labelIds: ["LA_pucs:conflict"] }]));
    expect(mutations[0]!.body.query).toBe("mutation PucsReport($c: AddCommentInput!, $a: AddLabelsToLabelableInput!) { c: addComment(input: $c) { commentEdge { node { databaseId } } } a: addLabelsToLabelable(input: $a) { clientMutationId } }");
    // Two check runs, the label made once, two GraphQL writes (comment + label each); then the ledger.
    expect(h.gh.writes().filter((r) => !r.path.includes("/git/")).map((r) => `${r.method} ${r.path}`).sort()).toEqual([`POST ${BASE}/check-runs`, `POST ${BASE}/check-runs`, `POST ${BASE}/labels`, "POST /graphql", "POST /graphql"].sort());
    expect([1, 2].map((n) => h.gh.issueLabels.get(n))).toEqual([["pucs:conflict"], ["pucs:conflict"]]);
    expect(h.gh.comments.map((c) => c.issue).sort()).toEqual([1, 2]);
    // Their report comments' ids reach their footprints with a later commit (theirs was made before them).
    h.gh.prFiles.set(3, [{ filename: "api/x.py", patch: patch(1, 2) }]);
    await h.send("pull_request", pullPayload(3, {}));
    expect(h.gh.ledger!.footprints.filter((f) => f.change !== "#3").map((f) => [f.change, f.comment])).toEqual([1, 2].map((n) => [`#${n}`, h.gh.comments.find((c) => c.issue === n)!.id]));
  });

  it("a lone event shows its report before its ledger commit (the control)", async () => {
    const h = await harness();
    h.gh.prFiles.set(1, [{ filename: "execution/m1.py", patch: patch(1, 2) }]);
    await h.send("pull_request", pullPayload(1, {}));
    const order = h.gh.calls();
    expect(order.indexOf(`POST ${BASE}/check-runs`)).toBeLessThan(order.indexOf(`POST ${BASE}/git/trees`));
  });
});

describe("two PRs touching the same file", () => {
  async function twoPrs(second: string) {
    const h = await harness();
    h.gh.prFiles.set(1, [{ filename: "execution/a.py", patch: patch(10, 5, "def route():") }]);
    await h.send("pull_request", pullPayload(1, {}));
    h.gh.prFiles.set(2, [{ filename: "execution/a.py", patch: second }]);
    h.gh.reset();
    await h.send("pull_request", pullPayload(2, {}));
    return h;
  }

  it("overlapping hunks: PARTITION, a neutral check with a warning annotation on the new-side lines, one sticky comment, pucs:conflict label created and set, #1 refreshed", async () => {
    const h = await twoPrs(patch(12, 2, "def route():"));
    const run2 = h.gh.checkRuns.find((r) => r.head_sha === shaFor(2))!;
    expect(run2.conclusion).toBe("neutral");
    expect(run2.output.title).toBe("Needs a decision: 1 overlap");
    expect(run2.output.annotations).toEqual([
      { path: "execution/a.py", start_line: 12, end_line: 13, annotation_level: "warning", title: "PUCS INTENT_OVERLAP → PARTITION", message: expect.stringContaining("#1") },
    ]);
    const c2 = h.gh.comments.filter((c) => c.issue === 2);
    expect(c2).toHaveLength(1);
    expect(c2[0]!.body.startsWith("<!-- pucs:report -->\n### PUCS: Needs a decision: 1 overlap")).toBe(true);
    expect(c2[0]!.body).toContain("| INTENT_OVERLAP | `execution/a.py` (L10-14) | #1 (@agent1) | EXEC | ✂️ PARTITION |");
    expect(h.gh.repoLabels.get("pucs:conflict")).toEqual({ name: "pucs:conflict", color: "d93f0b", description: "PUCS: this PR conflicts with other work (see the PUCS / conflicts check)", node_id: "LA_pucs:conflict" });
    expect(h.gh.issueLabels.get(2)).toEqual(["pucs:conflict"]);
    // #1 learns about #2 from the ledger, without listing #1's files.
    expect(h.gh.calls()).not.toContain(`GET ${BASE}/pulls/1/files`);
    const run1 = h.gh.checkRuns.find((r) => r.head_sha === shaFor(1))!;
    expect([run1.conclusion, run1.output.title]).toEqual(["neutral", "Needs a decision: 1 overlap"]);
    expect(h.gh.comments.filter((c) => c.issue === 1)).toHaveLength(1);
    expect(h.gh.issueLabels.get(1)).toEqual(["pucs:conflict"]);
    // The report was out after 2 writes: check run, comment; the ledger commit came after.
    expect(h.gh.writes().slice(0, 5).map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST ${BASE}/check-runs`,
      `POST ${BASE}/issues/2/comments`,
      `POST ${BASE}/git/trees`,
      `POST ${BASE}/git/commits`,
      `PATCH ${BASE}/git/refs/pucs%2Fledger`,
    ]);
  });

  it("disjoint hunks: MERGE, safe in parallel: neutral check with a notice, report comment, no pucs:conflict label", async () => {
    const h = await twoPrs(patch(80, 2, "def other():"));
    const run2 = h.gh.checkRuns.find((r) => r.head_sha === shaFor(2))!;
    expect([run2.conclusion, run2.output.title]).toEqual(["neutral", "Safe to merge in parallel: 1 overlap"]);
    expect(run2.output.annotations).toEqual([
      { path: "execution/a.py", start_line: 80, end_line: 81, annotation_level: "notice", title: "PUCS INTENT_OVERLAP → MERGE", message: expect.any(String) },
    ]);
    expect(h.gh.issueLabels.get(2) ?? []).toEqual([]);
    expect(h.gh.repoLabels.size).toBe(0);
  });

  it("a replayed delivery changes nothing: no second check run, no second comment, no ledger commit", async () => {
    const h = await twoPrs(patch(12, 2));
    const before = { runs: h.gh.checkRuns.length, comments: h.gh.comments.length, ref: h.gh.ledgerRef, labels: h.gh.issueLabels.get(2) };
    h.gh.reset();
    await h.send("pull_request", pullPayload(2, {}));
    expect({ runs: h.gh.checkRuns.length, comments: h.gh.comments.length, ref: h.gh.ledgerRef, labels: h.gh.issueLabels.get(2) }).toEqual(before);
    // The old payload still lists no labels, so the (idempotent) label request is repeated; nothing else is written.
    expect(h.gh.writes().map((r) => `${r.method} ${r.path}`)).toEqual([`POST ${BASE}/issues/2/labels`]);
    h.gh.reset();
    await h.send("pull_request", pullPayload(2, { labels: ["pucs:conflict"] }));
    expect(h.gh.writes()).toEqual([]);
  });

  it("when the overlap goes away the comment is marked resolved (edited, not a new one) and the label removed", async () => {
    const h = await twoPrs(patch(12, 2));
    h.gh.issueLabels.set(2, ["pucs:conflict"]);
    h.gh.prFiles.set(2, [{ filename: "execution/b.py", patch: patch(1, 1) }]);
    await h.send("pull_request", pullPayload(2, { action: "synchronize", headSha: "f".repeat(40), labels: ["pucs:conflict"] }));
    const c2 = h.gh.comments.filter((c) => c.issue === 2);
    expect(c2).toHaveLength(1);
    expect(c2[0]!.body).toBe(
      "<!-- pucs:report -->\n### PUCS: ✅ resolved\n\nNo conflicts as of fffffff. This comment showed earlier conflicts; it is kept as the record and will be edited again if new ones appear.\n",
    );
    expect(h.gh.issueLabels.get(2)).toEqual([]);
    expect(h.gh.checkRuns.find((r) => r.head_sha === "f".repeat(40))!.conclusion).toBe("success");
  });
});

describe("refreshing other PRs", () => {
  it("a PR whose verdict flips costs 2 writes: its check run, then its comment and label in one GraphQL request (both ways)", async () => {
    const h = await harness();
    h.gh.prFiles.set(1, [{ filename: "execution/a.py", patch: patch(10, 5) }]);
    await h.send("pull_request", pullPayload(1, {}));
    const run1 = h.gh.checkRuns.find((r) => r.head_sha === shaFor(1))!;
    // #2 overlaps #1's lines: #1 turns to PARTITION.
    h.gh.prFiles.set(2, [{ filename: "execution/a.py", patch: patch(12, 2) }]);
    h.gh.reset();
    await h.send("pull_request", pullPayload(2, {}));
    const forOne = () =>
      h.gh.writes().filter((r) => r.path === `${BASE}/check-runs/${run1.id}` || (r.path === "/graphql" && JSON.stringify(r.body.variables).includes('"PR_node_1"')));
    const c1 = h.gh.comments.filter((c) => c.issue === 1);
    expect(c1).toHaveLength(1);
    expect(forOne().map((r) => (r.path === "/graphql" ? r.body.variables : `${r.method} ${r.body.conclusion}`))).toEqual([
      "PATCH neutral",
      { c: { subjectId: "PR_node_1", body: c1[0]!.body }, a: { labelableId: "PR_node_1", labelIds: ["LA_pucs:conflict"] } },
    ]);
    expect(h.gh.issueLabels.get(1)).toEqual(["pucs:conflict"]);
    // #2 leaves the file: #1 is clear again — its comment marked resolved and its label removed, in one request.
    h.gh.prFiles.set(2, [{ filename: "execution/b.py", patch: patch(1, 1) }]);
    h.gh.reset();
    await h.send("pull_request", pullPayload(2, { action: "synchronize", headSha: "f".repeat(40) }));
    expect(forOne().map((r) => (r.path === "/graphql" ? r.body.variables : `${r.method} ${r.body.conclusion}`))).toEqual([
      "PATCH success",
      { u: { id: c1[0]!.node_id, body: expect.stringContaining("PUCS: ✅ resolved") }, r: { labelableId: "PR_node_1", labelIds: ["LA_pucs:conflict"] } },
    ]);
    expect(h.gh.issueLabels.get(1)).toEqual([]);
    expect(h.gh.comments.filter((c) => c.issue === 1)).toHaveLength(1);
  });

  it("is bounded: with 7 PRs on the same lines, a push refreshes at most 5 others", async () => {
    const { MAX_REFRESH } = await import("../../src/app/core.js");
    const h = await harness();
    for (let n = 1; n <= 7; n++) {
      h.gh.prFiles.set(n, [{ filename: "execution/hot.py", patch: patch(1, 3) }]);
      await h.send("pull_request", pullPayload(n, {}));
    }
    h.gh.prFiles.set(8, [{ filename: "execution/hot.py", patch: patch(2, 1) }]);
    h.gh.reset();
    await h.send("pull_request", pullPayload(8, {}));
    const refreshedRuns = h.gh.log.filter((r) => r.method === "PATCH" && /\/check-runs\/\d+$/.test(r.path));
    expect(MAX_REFRESH).toBe(5);
    expect(refreshedRuns).toHaveLength(5);
  });
});

describe("check run updates", () => {
  it("an update of a run that already has annotations sends none (GitHub would append duplicates)", async () => {
    const h = await harness();
    h.gh.prFiles.set(1, [{ filename: "execution/a.py", patch: patch(10, 5) }]);
    await h.send("pull_request", pullPayload(1, {}));
    h.gh.prFiles.set(2, [{ filename: "execution/a.py", patch: patch(12, 2) }]);
    await h.send("pull_request", pullPayload(2, {}));
    // A title edit changes #2's report text but not its annotations, same head: the run is updated
    // in place without re-sending annotations.
    h.gh.reset();
    const edited = pullPayload(2, { action: "edited" });
    edited.pull_request.title = "A better title";
    await h.send("pull_request", edited);
    const run2 = h.gh.checkRuns.find((r) => r.head_sha === shaFor(2))!;
    const patches = h.gh.log.filter((r) => r.method === "PATCH" && r.path.endsWith(`/check-runs/${run2.id}`));
    expect(h.gh.log.filter((r) => r.method === "POST" && r.path === `${BASE}/check-runs`)).toEqual([]);
    expect(patches.length).toBeLessThanOrEqual(1);
    for (const p of patches) expect(p.body.output.annotations).toBeUndefined();
  });

  it("a run whose annotations no longer match the report is replaced by a new run with exactly the current ones (issue 10, problem 6)", async () => {
    const h = await harness();
    h.gh.prFiles.set(1, [{ filename: "execution/a.py", patch: patch(10, 5) }]);
    await h.send("pull_request", pullPayload(1, {}));
    h.gh.prFiles.set(2, [{ filename: "execution/a.py", patch: patch(12, 2) }]);
    await h.send("pull_request", pullPayload(2, {}));
    const first = h.gh.checkRuns.filter((r) => r.head_sha === shaFor(2));
    expect(first).toHaveLength(1);
    expect(first[0]!.output.annotations.length).toBeGreaterThan(0);
    // #1 closes: #2's overlap is gone, so its annotations would lie. Same head: a new run, no annotations.
    h.gh.reset();
    await h.send("pull_request", pullPayload(1, { action: "closed" }));
    await h.send("pull_request", pullPayload(2, { action: "synchronize" }));
    const runs = h.gh.checkRuns.filter((r) => r.head_sha === shaFor(2));
    expect(runs).toHaveLength(2);
    const latest = runs.at(-1)!;
    expect(latest.conclusion).toBe("success");
    expect(latest.output.annotations ?? []).toEqual([]);
    // The old run was not patched with a success it would have carried stale annotations into.
    expect(h.gh.log.filter((r) => r.method === "PATCH" && r.path.endsWith(`/check-runs/${first[0]!.id}`))).toEqual([]);
  });
});
