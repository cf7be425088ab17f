/**
 * The local GitHub's GraphQL mutations (the App's report in one request: its comment and its label
 * changes) write the same comments and labels REST reads, with node ids REST and GraphQL share, the
 * partial answers GitHub gives for a bad node id, and a log entry that names the PR each part touched.
 */
import { getOctokit } from "@actions/github";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { LocalGitHub, type LocalRepo } from "./local-github.js";

const T0 = Date.parse("2026-11-23T12:00:00Z");
let clock = T0;
let gh: LocalGitHub;
let repo: LocalRepo;
type Client = ReturnType<typeof getOctokit>;
let octokit: Client;
const o = { owner: "octo-org", repo: "octo-repo" };

beforeAll(async () => {
  gh = await LocalGitHub.start({ app: { id: 4242, slug: "pucs-test" }, now: () => clock });
  repo = await gh.createRepo("octo-org/octo-repo", { files: { "README.md": "# octo\n" } });
  octokit = getOctokit("test-token", { baseUrl: gh.url });
});
afterAll(async () => gh.stop());
beforeEach(() => {
  gh.faults(null);
  gh.clearLog();
  clock = T0;
});

/** A GraphQL request over HTTP: the status and the exact body GitHub would answer. */
async function gql(query: string, variables: Record<string, unknown> = {}, opts: { token?: string; url?: string } = {}): Promise<{ status: number; body: any }> {
  const r = await fetch(`${opts.url ?? gh.url}/graphql`, {
    method: "POST",
    headers: { authorization: `token ${opts.token ?? "test-token"}`, "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
}

const REPORT = `mutation PucsReport($c: AddCommentInput!, $a: AddLabelsToLabelableInput!) {
  c: addComment(input: $c) { clientMutationId commentEdge { node { id databaseId body url author { login } } } subject { id } }
  a: addLabelsToLabelable(input: $a) { clientMutationId labelable { __typename ... on PullRequest { number } } }
}`;
const LABELS = `mutation Labels($a: AddLabelsToLabelableInput!, $r: RemoveLabelsFromLabelableInput!) {
  a: addLabelsToLabelable(input: $a) { clientMutationId }
  r: removeLabelsFromLabelable(input: $r) { clientMutationId labelable { ... on PullRequest { number labels(first: 10) { nodes { id name } } } } }
}`;

async function pullId(number: number, name = "octo-repo"): Promise<string> {
  const r = await gql(`query($n: Int!, $name: String!) { repository(owner: "octo-org", name: $name) { pullRequest(number: $n) { id } } }`, { n: number, name });
  return r.body.data.repository.pullRequest.id;
}

async function labelId(name: string): Promise<string> {
  try {
    return (await octokit.rest.issues.getLabel({ ...o, name })).data.node_id;
  } catch {
    return (await octokit.rest.issues.createLabel({ ...o, name, color: "fbca04" })).data.node_id;
  }
}

const restLabels = async (n: number) => (await octokit.rest.issues.listLabelsOnIssue({ ...o, issue_number: n })).data.map((l) => l.name);
const graphqlLog = () => gh.log.filter((e) => e.operationId === "graphql").map((e) => ({ kind: e.kind, status: e.status, mutations: e.mutations, problem: e.problem }));

describe("node ids", () => {
  it("gives a PR the same id in GraphQL as REST's node_id, unique across repositories, and resolves ids back to their objects", async () => {
    const other = await gh.createRepo("octo-org/other-repo");
    const a = await repo.createPull({ title: "in octo-repo" });
    const b = await other.createPull({ title: "in other-repo" });
    const restA = (await octokit.rest.pulls.get({ ...o, pull_number: a.number })).data.node_id;
    const restB = (await octokit.rest.pulls.get({ owner: "octo-org", repo: "other-repo", pull_number: b.number })).data.node_id;
    expect(restA).toBe(Buffer.from(`011:PullRequest${repo.id}:${a.number}`).toString("base64"));
    expect(restB).toBe(Buffer.from(`011:PullRequest${other.id}:${b.number}`).toString("base64"));
    expect(await pullId(a.number)).toBe(restA);
    expect(await pullId(b.number, "other-repo")).toBe(restB);
    expect(restA).not.toBe(restB);
    expect((await octokit.rest.issues.get({ ...o, issue_number: a.number })).data.node_id).toBe(restA);

    const r = await gql(`query($a: ID!, $b: ID!) { a: node(id: $a) { __typename ... on PullRequest { number title } } b: node(id: $b) { id ... on PullRequest { title } } }`, { a: restA, b: restB });
    expect(r).toEqual({ status: 200, body: { data: { a: { __typename: "PullRequest", number: a.number, title: "in octo-repo" }, b: { id: restB, title: "in other-repo" } } } });
  });

  it("gives a label one node id in every REST answer and in GraphQL", async () => {
    const pr = await repo.createPull({});
    const created = (await octokit.rest.issues.createLabel({ ...o, name: "pucs:ids", color: "0e8a16" })).data;
    expect(created.node_id).toBe(Buffer.from(`08:Label${created.id}`).toString("base64"));
    const added = (await octokit.rest.issues.addLabels({ ...o, issue_number: pr.number, labels: ["pucs:ids"] })).data;
    const ids = [
      (await octokit.rest.issues.getLabel({ ...o, name: "pucs:ids" })).data.node_id,
      (await octokit.paginate(octokit.rest.issues.listLabelsForRepo, o)).find((l) => l.name === "pucs:ids")!.node_id,
      (await octokit.rest.issues.listLabelsOnIssue({ ...o, issue_number: pr.number })).data[0]!.node_id,
      added[0]!.node_id,
      (await octokit.rest.pulls.get({ ...o, pull_number: pr.number })).data.labels[0]!.node_id,
      (await octokit.rest.issues.get({ ...o, issue_number: pr.number })).data.labels.map((l) => (typeof l === "string" ? l : l.node_id))[0],
    ];
    expect(ids).toEqual(Array(6).fill(created.node_id));
    const r = await gql(`query($n: Int!) { repository(owner: "octo-org", name: "octo-repo") { label(name: "PUCS:ids") { id name } pullRequest(number: $n) { labels(first: 5) { nodes { id name } } } } }`, { n: pr.number });
    expect(r.body).toEqual({ data: { repository: { label: { id: created.node_id, name: "pucs:ids" }, pullRequest: { labels: { nodes: [{ id: created.node_id, name: "pucs:ids" }] } } } } });
  });
});

describe("the report in one request", () => {
  it("creates the comment and adds the label: REST lists both, the comment with the databaseId, by the token's actor", async () => {
    const pr = await repo.createPull({ author: "alice" });
    const node = await pullId(pr.number);
    const queued = await labelId("pucs:queued");
    gh.clearLog();
    const r = await gql(REPORT, { c: { subjectId: node, body: "PUCS report <!-- pucs-report -->", clientMutationId: "m1" }, a: { labelableId: node, labelIds: [queued] } });
    const comments = (await octokit.rest.issues.listComments({ ...o, issue_number: pr.number })).data;
    expect(comments).toHaveLength(1);
    const c = comments[0]!;
    expect(r).toEqual({
      status: 200,
      body: {
        data: {
          c: {
            clientMutationId: "m1",
            commentEdge: { node: { id: c.node_id, databaseId: c.id, body: "PUCS report <!-- pucs-report -->", url: `https://github.com/octo-org/octo-repo/pull/${pr.number}#issuecomment-${c.id}`, author: { login: "pucs-test" } } },
            subject: { id: node },
          },
          a: { clientMutationId: null, labelable: { __typename: "PullRequest", number: pr.number } },
        },
      },
    });
    expect(c).toMatchObject({ body: "PUCS report <!-- pucs-report -->", user: { login: "pucs-test[bot]", type: "Bot" }, performed_via_github_app: { slug: "pucs-test" }, created_at: "2026-11-23T12:00:00Z" });
    expect(c.node_id).toBe(Buffer.from(`012:IssueComment${c.id}`).toString("base64"));
    expect(await restLabels(pr.number)).toEqual(["pucs:queued"]);
    expect(graphqlLog()).toEqual([
      {
        kind: "write",
        status: 200,
        mutations: [
          { field: "addComment", repo: "octo-org/octo-repo", issue: pr.number },
          { field: "addLabelsToLabelable", repo: "octo-org/octo-repo", issue: pr.number },
        ],
        problem: undefined,
      },
    ]);
    expect(gh.writes).toBe(1);
    expect(gh.problems()).toEqual([]);
  });

  it("updates a comment's body (REST reads it, updated_at moves), also from an inline input object", async () => {
    const pr = await repo.createPull({});
    const made = (await octokit.rest.issues.createComment({ ...o, issue_number: pr.number, body: "v1" })).data;
    clock = T0 + 60_000;
    const r = await gql(`mutation($u: UpdateIssueCommentInput!) { u: updateIssueComment(input: $u) { clientMutationId issueComment { id databaseId body updatedAt } } }`, { u: { id: made.node_id, body: "v2" } });
    expect(r.body).toEqual({ data: { u: { clientMutationId: null, issueComment: { id: made.node_id, databaseId: made.id, body: "v2", updatedAt: "2026-11-23T12:01:00Z" } } } });
    const read = (await octokit.rest.issues.getComment({ ...o, comment_id: made.id })).data;
    expect([read.body, read.created_at, read.updated_at]).toEqual(["v2", "2026-11-23T12:00:00Z", "2026-11-23T12:01:00Z"]);
    const inline = await gql(`mutation { updateIssueComment(input: { id: "${made.node_id}", body: "v3" }) { issueComment { body } } }`);
    expect(inline.body).toEqual({ data: { updateIssueComment: { issueComment: { body: "v3" } } } });
    expect((await octokit.rest.issues.getComment({ ...o, comment_id: made.id })).data.body).toBe("v3");
    expect(graphqlLog().map((e) => e.mutations)).toEqual([[{ field: "updateIssueComment", repo: "octo-org/octo-repo", issue: pr.number }], [{ field: "updateIssueComment", repo: "octo-org/octo-repo", issue: pr.number }]]);
  });

  it("removes labels; adding one already there or removing one not there changes nothing and is no error", async () => {
    const pr = await repo.createPull({ labels: ["pucs:blocked", "pucs:stream:EXEC"] });
    const node = await pullId(pr.number);
    const [blocked, exec, clear] = [await labelId("pucs:blocked"), await labelId("pucs:stream:EXEC"), await labelId("pucs:clear")];
    clock = T0 + 1000;
    const r1 = await gql(LABELS, { a: { labelableId: node, labelIds: [clear] }, r: { labelableId: node, labelIds: [blocked] } });
    expect(r1.body).toEqual({ data: { a: { clientMutationId: null }, r: { clientMutationId: null, labelable: { number: pr.number, labels: { nodes: [{ id: exec, name: "pucs:stream:EXEC" }, { id: clear, name: "pucs:clear" }] } } } } });
    expect(await restLabels(pr.number)).toEqual(["pucs:stream:EXEC", "pucs:clear"]);
    expect((await octokit.rest.pulls.get({ ...o, pull_number: pr.number })).data.updated_at).toBe("2026-11-23T12:00:01Z");

    // Again: "clear" is on it already and "blocked" is gone. Removing a label the PR lacks leaves updated_at as it is (REST's 404 changes nothing either).
    clock = T0 + 2000;
    const r2 = await gql(LABELS, { a: { labelableId: node, labelIds: [clear, exec] }, r: { labelableId: node, labelIds: [blocked] } });
    expect(r2).toEqual({ status: 200, body: { data: { a: { clientMutationId: null }, r: { clientMutationId: null, labelable: { number: pr.number, labels: { nodes: [{ id: exec, name: "pucs:stream:EXEC" }, { id: clear, name: "pucs:clear" }] } } } } } });
    expect(await restLabels(pr.number)).toEqual(["pucs:stream:EXEC", "pucs:clear"]);
    const onlyRemove = await gql(`mutation($r: RemoveLabelsFromLabelableInput!) { r: removeLabelsFromLabelable(input: $r) { clientMutationId } }`, { r: { labelableId: node, labelIds: [blocked], clientMutationId: "x" } });
    expect(onlyRemove.body).toEqual({ data: { r: { clientMutationId: "x" } } });
    expect(repo.pull(pr.number).labels).toEqual(["pucs:stream:EXEC", "pucs:clear"]);
    expect(gh.problems()).toEqual([]);
  });
});

describe("errors", () => {
  it("answers a bad or wrong-typed node id with null and NOT_FOUND for that field; the other fields still run", async () => {
    const pr = await repo.createPull({ labels: ["pucs:blocked"] });
    const node = await pullId(pr.number);
    const [blocked, queued] = [await labelId("pucs:blocked"), await labelId("pucs:queued")];
    const comment = (await octokit.rest.issues.createComment({ ...o, issue_number: pr.number, body: "old" })).data;
    gh.clearLog();
    const q = `mutation R($c: AddCommentInput!, $a: AddLabelsToLabelableInput!, $r: RemoveLabelsFromLabelableInput!, $u: UpdateIssueCommentInput!) {
      c: addComment(input: $c) { commentEdge { node { databaseId } } }
      a: addLabelsToLabelable(input: $a) { clientMutationId }
      r: removeLabelsFromLabelable(input: $r) { clientMutationId }
      u: updateIssueComment(input: $u) { issueComment { body } }
    }`;
    const r = await gql(q, {
      c: { subjectId: "PR_nope", body: "never" },
      a: { labelableId: node, labelIds: [queued] },
      r: { labelableId: node, labelIds: [blocked, node] }, // a PR's id is no label: nothing is removed
      u: { id: comment.node_id, body: "new" },
    });
    const missing = (id: string, path: string) => ({ type: "NOT_FOUND", path: [path], message: `Could not resolve to a node with the global id of '${id}'.` });
    expect(r).toEqual({ status: 200, body: { data: { c: null, a: { clientMutationId: null }, r: null, u: { issueComment: { body: "new" } } }, errors: [missing("PR_nope", "c"), missing(node, "r")] } });
    expect(await restLabels(pr.number)).toEqual(["pucs:blocked", "pucs:queued"]);
    expect((await octokit.rest.issues.listComments({ ...o, issue_number: pr.number })).data.map((c) => c.body)).toEqual(["new"]);
    expect(graphqlLog()).toEqual([
      {
        kind: "write",
        status: 200,
        problem: undefined,
        mutations: [
          { field: "addComment", repo: null, issue: null },
          { field: "addLabelsToLabelable", repo: "octo-org/octo-repo", issue: pr.number },
          { field: "removeLabelsFromLabelable", repo: null, issue: null },
          { field: "updateIssueComment", repo: "octo-org/octo-repo", issue: pr.number },
        ],
      },
    ]);

    // Wrong types: a label's id as the subject, a comment's as the labelable, a PR's as the comment.
    const wrong = await gql(`mutation($c: AddCommentInput!, $a: AddLabelsToLabelableInput!, $u: UpdateIssueCommentInput!) { c: addComment(input: $c) { clientMutationId } a: addLabelsToLabelable(input: $a) { clientMutationId } u: updateIssueComment(input: $u) { clientMutationId } }`, {
      c: { subjectId: blocked, body: "x" },
      a: { labelableId: comment.node_id, labelIds: [queued] },
      u: { id: node, body: "x" },
    });
    expect(wrong.body).toEqual({ data: { c: null, a: null, u: null }, errors: [missing(blocked, "c"), missing(comment.node_id, "a"), missing(node, "u")] });
    expect(repo.commentsOn(pr.number).map((c) => c.body)).toEqual(["new"]);
    expect(gh.problems()).toEqual([]);
  });

  it("refuses a body over 65,536 characters on that field like REST does, and runs the rest", async () => {
    const pr = await repo.createPull({});
    const node = await pullId(pr.number);
    const queued = await labelId("pucs:queued");
    const r = await gql(REPORT, { c: { subjectId: node, body: "x".repeat(65537) }, a: { labelableId: node, labelIds: [queued] } });
    expect(r.body).toEqual({ data: { c: null, a: { clientMutationId: null, labelable: { __typename: "PullRequest", number: pr.number } } }, errors: [{ type: "UNPROCESSABLE", path: ["c"], message: "body is too long (maximum is 65536 characters)" }] });
    expect(repo.commentsOn(pr.number)).toEqual([]);
    expect(await restLabels(pr.number)).toEqual(["pucs:queued"]);
    const rest = await octokit.rest.issues.createComment({ ...o, issue_number: pr.number, body: "x".repeat(65537) }).catch((e: { status: number; response: { data: { errors: { message: string }[] } } }) => [e.status, e.response.data.errors[0]!.message]);
    expect(rest).toEqual([422, "body is too long (maximum is 65536 characters)"]);
    const exact = await gql(REPORT, { c: { subjectId: node, body: "y".repeat(65536) }, a: { labelableId: node, labelIds: [] } });
    expect(exact.body.errors).toBeUndefined();
    expect(repo.commentsOn(pr.number).map((c) => c.body.length)).toEqual([65536]);
  });

  it("checks the whole document first: an unknown field, a wrong input or a misspelt answer field writes nothing", async () => {
    const pr = await repo.createPull({});
    const node = await pullId(pr.number);
    const queued = await labelId("pucs:queued");
    gh.clearLog();
    const good = `c: addComment(input: $c) { clientMutationId }`;
    const errorOf = async (q: string, v: Record<string, unknown>) => {
      const r = await gql(q, v);
      expect(r.status).toBe(200);
      expect(r.body.data).toBeNull();
      return r.body.errors.map((e: { message: string }) => e.message);
    };
    const c = { subjectId: node, body: "never" };
    expect(await errorOf(`mutation($c: AddCommentInput!) { ${good} x: updateRefs(input: {}) { clientMutationId } }`, { c })).toEqual(["Field 'updateRefs' doesn't exist on type 'Mutation'"]);
    expect(await errorOf(`mutation($c: AddCommentInput!) { ${good} }`, { c: { subjectId: node } })).toEqual(["Variable $c of type AddCommentInput! was provided invalid value for body (Expected value to not be null)"]);
    expect(await errorOf(`mutation($c: AddCommentInput!) { ${good} }`, { c: { ...c, labelIds: [] } })).toEqual(["Variable $c of type AddCommentInput! was provided invalid value for labelIds (Field is not defined on AddCommentInput)"]);
    expect(await errorOf(`mutation($c: AddLabelsToLabelableInput!) { ${good} }`, { c })).toEqual(["Type mismatch on variable $c and argument input (AddLabelsToLabelableInput! / AddCommentInput!)"]);
    expect(await errorOf(`mutation($c: AddCommentInput!, $a: AddLabelsToLabelableInput!) { ${good} a: addLabelsToLabelable(input: $a) { labelable { number } } }`, { c, a: { labelableId: node, labelIds: [queued] } })).toEqual([
      "Field 'number' doesn't exist on type 'Labelable'",
    ]);
    expect(await errorOf(`mutation($c: AddCommentInput!) { c: addComment(input: $c) { commentEdge { node { databaseId bogus } } } }`, { c })).toEqual(["Field 'bogus' doesn't exist on type 'IssueComment'"]);
    expect(repo.commentsOn(pr.number)).toEqual([]);
    expect(repo.pull(pr.number).labels).toEqual([]);
    expect(gh.log.map((e) => [e.kind, e.mutations, e.problem])).toEqual([
      ["write", undefined, "not-modelled"],
      ["write", undefined, "invalid-body"],
      ["write", undefined, "invalid-body"],
      ["write", undefined, "invalid-body"],
      ["write", undefined, "not-modelled"],
      ["write", undefined, "not-modelled"],
    ]);
  });
});

describe("authentication and faults", () => {
  it("comments as the token's user (not via the App) and refuses an unknown token with 401, writing nothing", async () => {
    const strict = await LocalGitHub.start({ requireToken: true, now: () => T0 });
    try {
      const r = await strict.createRepo("a/b");
      const pr = await r.createPull({});
      strict.addToken("ghp_alice", "alice");
      const node = (await gql(`{ repository(owner: "a", name: "b") { pullRequest(number: 1) { id } } }`, {}, { token: "ghp_alice", url: strict.url })).body.data.repository.pullRequest.id;
      const refused = await gql(`mutation($c: AddCommentInput!) { addComment(input: $c) { clientMutationId } }`, { c: { subjectId: node, body: "hi" } }, { token: "nope", url: strict.url });
      expect([refused.status, refused.body.message]).toEqual([401, "Bad credentials"]);
      expect(r.commentsOn(pr.number)).toEqual([]);
      const ok = await gql(`mutation($c: AddCommentInput!) { addComment(input: $c) { commentEdge { node { author { __typename login } } } } }`, { c: { subjectId: node, body: "hi" } }, { token: "ghp_alice", url: strict.url });
      expect(ok.body).toEqual({ data: { addComment: { commentEdge: { node: { author: { __typename: "User", login: "alice" } } } } } });
      const rest = (await getOctokit("ghp_alice", { baseUrl: strict.url }).rest.issues.listComments({ owner: "a", repo: "b", issue_number: pr.number })).data;
      expect(rest.map((c) => [c.body, c.user?.login, c.performed_via_github_app])).toEqual([["hi", "alice", null]]);
      expect(strict.log.filter((e) => e.kind === "write").map((e) => [e.status, e.actor, e.problem, e.mutations])).toEqual([
        [401, undefined, "bad-credentials", undefined],
        [200, "alice", undefined, [{ field: "addComment", repo: "a/b", issue: pr.number }]],
      ]);
    } finally {
      await strict.stop();
    }
  });

  it("faults apply to mutations as writes: a 502 writes nothing, a timeout writes and answers 504", async () => {
    const hung = await LocalGitHub.start({ hangMs: 50 });
    try {
      const r = await hung.createRepo("a/b");
      const pr = await r.createPull({});
      const node = (await gql(`{ repository(owner: "a", name: "b") { pullRequest(number: 1) { id } } }`, {}, { url: hung.url })).body.data.repository.pullRequest.id;
      const comment = (body: string) => gql(`mutation($c: AddCommentInput!) { addComment(input: $c) { clientMutationId } }`, { c: { subjectId: node, body } }, { url: hung.url });
      hung.faults({ rate: 1, kinds: ["502"], only: "writes" });
      expect((await gql(`{ repository(owner: "a", name: "b") { pullRequest(number: 1) { number } } }`, {}, { url: hung.url })).status).toBe(200); // a read
      expect((await comment("lost")).status).toBe(502);
      expect(r.commentsOn(pr.number)).toEqual([]);
      hung.faults({ rate: 1, kinds: ["timeout"], only: "writes" });
      expect((await comment("applied")).status).toBe(504);
      expect(r.commentsOn(pr.number).map((c) => c.body)).toEqual(["applied"]);
      expect(hung.log.filter((e) => e.fault).map((e) => [e.kind, e.fault, e.status, e.mutations])).toEqual([
        ["write", "502", 502, undefined],
        ["write", "timeout", 504, [{ field: "addComment", repo: "a/b", issue: pr.number }]],
      ]);
    } finally {
      await hung.stop();
    }
  });
});
