import nock from "nock";
import { ProbotOctokit } from "probot";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { AppGateway, CHECK_NAME, CREATE_ATTEMPTS } from "../../src/github/app-gateway.js";
import type { GitHubClient } from "../../src/github/client.js";
import type { Annotation } from "../../src/engine/report.js";

const API = "https://api.github.com";
const R = "/repos/octo/demo";
const gw = () =>
  new AppGateway(new ProbotOctokit({ auth: { token: "t" }, retry: { enabled: false }, throttle: { enabled: false } }) as unknown as GitHubClient, { owner: "octo", repo: "demo" });

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});

const ann = (i: number): Annotation => ({ path: `f${i}.py`, start_line: i + 1, end_line: i + 1, annotation_level: "warning", title: "t", message: "m" });

describe("AppGateway", () => {
  it("sends annotations 50 per request: the create carries the first 50, then PATCHes of 50 and 20", async () => {
    const sizes: number[] = [];
    nock(API)
      .post(`${R}/check-runs`, (b) => (sizes.push(b.output.annotations.length), b.name === CHECK_NAME && b.head_sha === "abc" && b.conclusion === "failure"))
      .reply(201, { id: 5 })
      .patch(`${R}/check-runs/5`, (b) => (sizes.push(b.output.annotations.length), b.output.title === "T"))
      .times(2)
      .reply(200, {});
    await gw().createCheckRun("abc", "failure", { title: "T", summary: "S", annotations: Array.from({ length: 120 }, (_, i) => ann(i)) });
    expect(sizes).toEqual([50, 50, 20]);
  });

  it("lists a PR's files 100 per page; no patch or an unreadable one → hunks null (whole file); renames keep the previous path", async () => {
    nock(API)
      .get(`${R}/pulls/7/files`)
      .query({ per_page: "100", page: "1" })
      .reply(200, [
        { filename: "a.py", status: "modified", patch: "@@ -3,2 +3,2 @@ def f():\n-x\n-y\n+x2\n+y2" },
        { filename: "logo.png", status: "added" },
        { filename: "b.py", status: "renamed", previous_filename: "old/b.py", patch: "garbage" },
      ]);
    const r = await gw().pullFiles(7);
    expect(r.truncated).toBe(false);
    expect(r.files.map((f) => [f.path, f.previousPath, f.hunks === null ? null : f.hunks.map((h) => [h.oldStart, h.oldLines, h.section])])).toEqual([
      ["a.py", undefined, [[3, 2, "def f():"]]],
      ["logo.png", undefined, null],
      ["b.py", "old/b.py", null],
    ]);
  });

  it("stops at GitHub's 3,000-file limit and says the list is truncated", async () => {
    const page = (p: number) => Array.from({ length: 100 }, (_, i) => ({ filename: `f${p}-${i}.py`, status: "added" }));
    const scope = nock(API);
    for (let p = 1; p <= 30; p++) scope.get(`${R}/pulls/8/files`).query({ per_page: "100", page: String(p) }).reply(200, page(p), { link: `<${API}/x?page=${p + 1}>; rel="next"` });
    const r = await gw().pullFiles(8);
    expect([r.files.length, r.truncated]).toEqual([3000, true]);
  });

  it("finds the sticky comment by its marker across pages", async () => {
    nock(API)
      .get(`${R}/issues/3/comments`)
      .query({ per_page: "100", page: "1" })
      .reply(200, Array.from({ length: 100 }, (_, i) => ({ id: i, body: "chat", user: { login: "u" } })), { link: '<x>; rel="next"' })
      .get(`${R}/issues/3/comments`)
      .query({ per_page: "100", page: "2" })
      .reply(200, [{ id: 777, body: "<!-- pucs:report -->\nhi", user: { login: "pucs[bot]" } }]);
    expect(await gw().findComment(3, "<!-- pucs:report -->")).toEqual({ id: 777, body: "<!-- pucs:report -->\nhi", author: "pucs[bot]", authorIsBot: false, createdAt: "" });
  });

  it("creates a missing label with its colour and description; an existing one costs one read", async () => {
    const spec = { name: "pucs:queued", color: "fbca04", description: "d" };
    nock(API).get(`${R}/labels/pucs%3Aqueued`).reply(404, { message: "Not Found" }).post(`${R}/labels`, spec).reply(201, spec);
    expect(await gw().ensureLabel(spec)).toBe(true);
    nock(API).get(`${R}/labels/pucs%3Aqueued`).reply(200, spec);
    expect(await gw().ensureLabel(spec)).toBe(false);
  });

  it("removing a label that is already gone is fine; other failures are not", async () => {
    nock(API).delete(`${R}/issues/3/labels/pucs%3Aconflict`).reply(404, { message: "Label does not exist" });
    await gw().removeLabel(3, "pucs:conflict");
    nock(API).delete(`${R}/issues/3/labels/pucs%3Aconflict`).reply(500, { message: "oops" });
    await expect(gw().removeLabel(3, "pucs:conflict")).rejects.toMatchObject({ kind: "server" });
  });

  it("reads role_name; a non-collaborator (404) has no access", async () => {
    nock(API).get(`${R}/collaborators/m/permission`).reply(200, { permission: "write", role_name: "maintain" });
    expect(await gw().permission("m")).toBe("maintain");
    nock(API).get(`${R}/collaborators/x/permission`).reply(404, { message: "Not Found" });
    expect(await gw().permission("x")).toBe("none");
  });
});

describe("creating exactly once when an answer is lost", () => {
  // Octokit's retry ON (as in the App), with no waiting: the creates must opt out of it themselves.
  const slept: number[] = [];
  const gwRetrying = () =>
    new AppGateway(
      new ProbotOctokit({ auth: { token: "t" }, retry: { retryAfterBaseValue: 0 }, throttle: { enabled: false } }) as unknown as GitHubClient,
      { owner: "octo", repo: "demo" },
      { sleep: async (ms) => void slept.push(ms) },
    );
  const KEY = "<!-- pucs:reply-to 77 -->";
  const BODY = `<!-- pucs:reply -->\n${KEY}\n@alice\n\n- ✅ done`;

  it("a 504 after the comment was made: it is found by its key, not made again", async () => {
    nock(API)
      .post(`${R}/issues/3/comments`, { body: BODY })
      .reply(504, { message: "We couldn't respond to your request in time." })
      .get(`${R}/issues/3/comments`)
      .query({ per_page: "100", page: "1" })
      .reply(200, [{ id: 11, body: "hi", user: { login: "bob" } }, { id: 12, body: BODY, user: { login: "pucs[bot]", type: "Bot" } }]);
    expect(await gwRetrying().createCommentOnce(3, BODY, KEY)).toBe(12);
  });

  it("a 502 before it was made: looked for, not there, made on the second try", async () => {
    nock(API)
      .post(`${R}/issues/3/comments`, { body: BODY })
      .reply(502, { message: "Server Error" })
      .get(`${R}/issues/3/comments`)
      .query({ per_page: "100", page: "1" })
      .reply(200, [])
      .post(`${R}/issues/3/comments`, { body: BODY })
      .reply(201, { id: 13, body: BODY });
    slept.length = 0;
    expect(await gwRetrying().createCommentOnce(3, BODY, KEY)).toBe(13);
    expect(slept).toHaveLength(1);
  });

  it("gives up after CREATE_ATTEMPTS unknown outcomes with GitHub's error; a 422 is not retried at all", async () => {
    const s = nock(API);
    for (let i = 0; i < CREATE_ATTEMPTS; i++) s.post(`${R}/issues/3/comments`).reply(502, { message: "Server Error" });
    for (let i = 0; i < CREATE_ATTEMPTS - 1; i++) s.get(`${R}/issues/3/comments`).query(true).reply(200, []);
    await expect(gwRetrying().createCommentOnce(3, BODY, KEY)).rejects.toMatchObject({ name: "GitHubError", status: 502, kind: "server" });
    nock(API).post(`${R}/issues/3/comments`).reply(422, { message: "Validation Failed", errors: [{ message: "body is too long" }] });
    await expect(gwRetrying().createCommentOnce(3, BODY, KEY)).rejects.toMatchObject({ status: 422, kind: "validation" });
  });

  it("refuses a body that does not carry its key (it could never be found again)", async () => {
    await expect(gwRetrying().createCommentOnce(3, "no key here", KEY)).rejects.toThrow(/must contain its key/);
  });

  it("a check run whose create timed out is found on its head and brought up to date, not duplicated", async () => {
    const out = { title: "No conflicts", summary: "S", annotations: [] };
    nock(API)
      .post(`${R}/check-runs`, (b) => b.head_sha === "abc" && b.conclusion === "success")
      .reply(504, { message: "timeout" })
      .get(`${R}/commits/abc/check-runs`)
      .query(true)
      .reply(200, { total_count: 1, check_runs: [{ id: 40, name: CHECK_NAME, head_sha: "abc", status: "completed", conclusion: "neutral", output: { title: "old", summary: "old", annotations_count: 0 } }] })
      .patch(`${R}/check-runs/40`, (b) => b.conclusion === "success" && b.output.title === "No conflicts")
      .reply(200, {});
    expect(await gwRetrying().createCheckRunOnce("abc", "success", out)).toBe(40);
  });
});

describe("a report's comment and labels in one request (writeReport)", () => {
  const slept: number[] = [];
  const gwRetrying = () =>
    new AppGateway(
      new ProbotOctokit({ auth: { token: "t" }, retry: { retryAfterBaseValue: 0 }, throttle: { enabled: false } }) as unknown as GitHubClient,
      { owner: "octo", repo: "demo" },
      { sleep: async (ms) => void slept.push(ms) },
    );
  const BODY = "<!-- pucs:report -->\n### PUCS: Blocked";
  const conflict = { name: "pucs:conflict", id: "LA_c" };
  const queued = { name: "pucs:queued", id: "LA_q" };
  const create = { number: 3, node: "PR_3", comment: { create: { body: BODY, key: "<!-- pucs:report -->" } }, add: [conflict], remove: [queued] };

  it("one GraphQL request: addComment, addLabelsToLabelable and removeLabelsFromLabelable, in that order; the new comment's id", async () => {
    const sent: unknown[] = [];
    nock(API)
      .post("/graphql", (b) => (sent.push(b), true))
      .reply(200, { data: { c: { commentEdge: { node: { databaseId: 91 } } }, a: { clientMutationId: null }, r: { clientMutationId: null } } });
    expect(await gwRetrying().writeReport(create)).toBe(91);
    expect(sent).toEqual([
      {
        query:
          "mutation PucsReport($c: AddCommentInput!, $a: AddLabelsToLabelableInput!, $r: RemoveLabelsFromLabelableInput!) { c: addComment(input: $c) { commentEdge { node { databaseId } } } a: addLabelsToLabelable(input: $a) { clientMutationId } r: removeLabelsFromLabelable(input: $r) { clientMutationId } }",
        variables: { c: { subjectId: "PR_3", body: BODY }, a: { labelableId: "PR_3", labelIds: ["LA_c"] }, r: { labelableId: "PR_3", labelIds: ["LA_q"] } },
      },
    ]);
  });

  it("an edit goes by the comment's node id and answers its id; nothing to write sends nothing", async () => {
    const sent: { query: string; variables: unknown }[] = [];
    nock(API)
      .post("/graphql", (b) => (sent.push(b), true))
      .reply(200, { data: { u: { issueComment: { databaseId: 12 } } } });
    expect(await gwRetrying().writeReport({ number: 3, node: "PR_3", comment: { update: { id: 12, nodeId: "IC_12", body: BODY } }, add: [], remove: [] })).toBe(12);
    expect(sent.map((b) => [b.query, b.variables])).toEqual([["mutation PucsReport($u: UpdateIssueCommentInput!) { u: updateIssueComment(input: $u) { issueComment { databaseId } } }", { u: { id: "IC_12", body: BODY } }]]);
    expect(await gwRetrying().writeReport({ number: 3, node: "PR_3", comment: null, add: [], remove: [] })).toBeNull();
  });

  it("a part GitHub refuses (its field null, an error) is redone over REST; the parts done are not", async () => {
    nock(API)
      .post("/graphql")
      .reply(200, { data: { c: { commentEdge: { node: { databaseId: 91 } } }, a: null, r: { clientMutationId: null } }, errors: [{ type: "NOT_FOUND", path: ["a"], message: "Could not resolve to a node with the global id of 'LA_c'." }] })
      .post(`${R}/issues/3/labels`, { labels: ["pucs:conflict"] })
      .reply(200, []);
    expect(await gwRetrying().writeReport(create)).toBe(91);
  });

  // Requests no interceptor answered (a blind retry of the mutation would be one).
  const unmatched: string[] = [];
  const onNoMatch = (req: { method?: string; path?: string }) => void unmatched.push(`${req.method} ${req.path}`);
  beforeAll(() => void nock.emitter.on("no match", onNoMatch));
  afterEach(() => {
    expect(unmatched.splice(0)).toEqual([]);
  });

  it("a 502 (the comment may be made): looked for by its key, brought up to date, never made twice; the labels over REST", async () => {
    nock(API)
      .post("/graphql")
      .reply(502, { message: "Server Error" })
      .get(`${R}/issues/3/comments`)
      .query({ per_page: "100", page: "1" })
      .reply(200, [{ id: 91, body: BODY, user: { login: "pucs[bot]", type: "Bot" } }])
      .delete(`${R}/issues/3/labels/pucs%3Aqueued`)
      .reply(200, [])
      .post(`${R}/issues/3/labels`, { labels: ["pucs:conflict"] })
      .reply(200, []);
    expect(await gwRetrying().writeReport(create)).toBe(91);
  });

  it("a 502 before anything was made: not found, so made once over REST", async () => {
    nock(API)
      .post("/graphql")
      .reply(502, { message: "Server Error" })
      .get(`${R}/issues/3/comments`)
      .query({ per_page: "100", page: "1" })
      .reply(200, [])
      .post(`${R}/issues/3/comments`, { body: BODY })
      .reply(201, { id: 92, body: BODY })
      .delete(`${R}/issues/3/labels/pucs%3Aqueued`)
      .reply(200, [])
      .post(`${R}/issues/3/labels`, { labels: ["pucs:conflict"] })
      .reply(200, []);
    expect(await gwRetrying().writeReport(create)).toBe(92);
  });

  it("a refusal of the whole request (403) is redone over REST, whose error names what to fix", async () => {
    nock(API)
      .post("/graphql")
      .reply(403, { message: "Resource not accessible by integration" })
      .post(`${R}/issues/3/comments`, { body: BODY })
      .reply(403, { message: "Resource not accessible by integration" });
    await expect(gwRetrying().writeReport(create)).rejects.toMatchObject({ name: "GitHubError", status: 403, message: expect.stringContaining("issues: write") });
  });

  it("a label's node id: read once, or the label made when missing", async () => {
    const spec = { name: "pucs:conflict", color: "d93f0b", description: "d" };
    nock(API).get(`${R}/labels/pucs%3Aconflict`).reply(200, { ...spec, node_id: "LA_1" });
    expect(await gw().labelNodeId(spec)).toBe("LA_1");
    nock(API).get(`${R}/labels/pucs%3Aconflict`).reply(404, { message: "Not Found" }).post(`${R}/labels`, spec).reply(201, { ...spec, node_id: "LA_2" });
    expect(await gw().labelNodeId(spec)).toBe("LA_2");
    // Made by someone else meanwhile: read again.
    nock(API)
      .get(`${R}/labels/pucs%3Aconflict`)
      .reply(404, { message: "Not Found" })
      .post(`${R}/labels`, spec)
      .reply(422, { message: "Validation Failed", errors: [{ resource: "Label", code: "already_exists", field: "name" }] })
      .get(`${R}/labels/pucs%3Aconflict`)
      .reply(200, { ...spec, node_id: "LA_3" });
    expect(await gw().labelNodeId(spec)).toBe("LA_3");    // To remove a label: a repository without it answers null, and nothing is made.
    nock(API).get(`${R}/labels/pucs%3Aconflict`).reply(404, { message: "Not Found" });
    expect(await gw().labelNodeId(spec, { create: false })).toBeNull();
  });
});
