import { getOctokit } from "@actions/github";
import nock from "nock";
import { ProbotOctokit } from "probot";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { GitHubError, RepoClient, countingClient, isWrite, paginate, toGitHubError, type GitHubClient } from "../../src/github/client.js";

const repo = { owner: "octo", repo: "demo" };

/** A real Octokit with throttling and retries off, so failures surface at once. */
function probotOctokit(): GitHubClient {
  return new ProbotOctokit({ auth: { token: "t" }, retry: { enabled: false }, throttle: { enabled: false } }) as unknown as GitHubClient;
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});

describe("GitHubClient", () => {
  it("is satisfied by Probot's and @actions/github's clients without casts", () => {
    // Compile-time: these assignments fail `tsc -p .` if the structural type stops matching.
    const a: GitHubClient = new ProbotOctokit({ auth: { token: "t" } });
    const b: GitHubClient = getOctokit("t");
    expect([a, b].every((x) => typeof x.request === "function")).toBe(true);
  });

  it("classifies reads and writes, GraphQL queries as reads and mutations as writes", () => {
    expect(isWrite("GET /repos/{owner}/{repo}")).toBe(false);
    expect(isWrite("POST /repos/{owner}/{repo}/check-runs")).toBe(true);
    expect(isWrite("PATCH /repos/{owner}/{repo}/git/refs/{ref}")).toBe(true);
    expect(isWrite("DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}")).toBe(true);
    expect(isWrite("POST /graphql", { query: "query { viewer { login } }" })).toBe(false);
    expect(isWrite("POST /graphql", { query: " mutation { x }" })).toBe(true);
  });
});

describe("paginate", () => {
  it("follows Link rel=next with per_page 100 and stops at the page cap, saying so", async () => {
    const page = (n: number) => Array.from({ length: 100 }, (_, i) => ({ id: n * 100 + i }));
    const scope = nock("https://api.github.com")
      .get("/repos/octo/demo/issues/1/comments")
      .query({ per_page: "100", page: "1" })
      .reply(200, page(0), { link: '<https://api.github.com/x?page=2>; rel="next"' })
      .get("/repos/octo/demo/issues/1/comments")
      .query({ per_page: "100", page: "2" })
      .reply(200, page(1), { link: '<https://api.github.com/x?page=3>; rel="next"' });
    const rc = new RepoClient(probotOctokit(), repo);
    const r = await paginate((p) => rc.call("list comments", "issues: read", "GET /repos/{owner}/{repo}/issues/{issue_number}/comments", { issue_number: 1, ...p }), {}, { maxPages: 2 });
    expect(r.items).toHaveLength(200);
    expect(r.truncated).toBe(true);
    scope.done();
  });

  it("reads lists nested under a key (check runs) and stops on a short page", async () => {
    nock("https://api.github.com")
      .get("/repos/octo/demo/commits/abc/check-runs")
      .query({ check_name: "PUCS / conflicts", per_page: "100", page: "1" })
      .reply(200, { total_count: 1, check_runs: [{ id: 7 }] });
    const rc = new RepoClient(probotOctokit(), repo);
    const r = await paginate(
      (p) => rc.call("list check runs", "checks: read", "GET /repos/{owner}/{repo}/commits/{ref}/check-runs", { ref: "abc", check_name: "PUCS / conflicts", ...p }),
      {},
      { maxPages: 5, key: "check_runs" },
    );
    expect(r).toEqual({ items: [{ id: 7 }], truncated: false });
  });
});

describe("GitHubError", () => {
  const call = async (status: number, body: unknown, headers: Record<string, string> = {}) => {
    nock("https://api.github.com").get("/repos/octo/demo/pulls/5").reply(status, body as nock.Body, headers);
    const rc = new RepoClient(probotOctokit(), repo);
    try {
      await rc.call("read pull request #5", "pull_requests: read", "GET /repos/{owner}/{repo}/pulls/{pull_number}", { pull_number: 5 });
    } catch (e) {
      return e as GitHubError;
    }
    throw new Error("expected a failure");
  };

  it("404: says what was missing and that a missing permission looks the same", async () => {
    const e = await call(404, { message: "Not Found" });
    expect(e).toBeInstanceOf(GitHubError);
    expect([e.status, e.kind]).toEqual([404, "not-found"]);
    expect(e.message).toBe(
      "GitHub could not find what PUCS needed to read pull request #5 (404 Not Found) in octo/demo: it was deleted, or the App cannot see it (a missing `pull_requests: read` permission also answers 404).",
    );
  });

  it("422: includes GitHub's validation details", async () => {
    const e = await call(422, { message: "Validation Failed", errors: [{ resource: "Label", field: "name", code: "already_exists" }, { message: "bad color" }] });
    expect(e.kind).toBe("validation");
    expect(e.message).toBe("GitHub rejected the request to read pull request #5 (422 Validation Failed: Label name already_exists; bad color) in octo/demo.");
  });

  it("5xx: a GitHub-side error that the next event retries", async () => {
    const e = await call(502, { message: "Server Error" });
    expect([e.status, e.kind]).toEqual([502, "server"]);
    expect(e.message).toMatch(/^GitHub failed to read pull request #5 \(502 Server Error\): a GitHub-side error; the next event retries/);
  });

  it("403 with the rate limit exhausted: says when it resets", async () => {
    const e = await call(403, { message: "API rate limit exceeded" }, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1800000000" });
    expect(e.kind).toBe("rate-limit");
    expect(e.message).toBe("GitHub's API rate limit is exhausted, so PUCS could not read pull request #5 (resets at 2027-01-15T08:00:00.000Z). It retries on the next event; nothing was lost.");
  });

  it("403 otherwise: names the missing permission", async () => {
    const e = await call(403, { message: "Resource not accessible by integration" });
    expect(e.kind).toBe("forbidden");
    expect(e.message).toMatch(/the App lacks `pull_requests: read` on octo\/demo/);
  });

  it("no answer at all: unreachable, not a 500", () => {
    const e = toGitHubError(Object.assign(new Error("connect ECONNREFUSED"), { status: 500 }), "read x", "contents: read", repo);
    expect([e.status, e.kind]).toEqual([null, "unreachable"]);
    expect(e.message).toBe("Could not reach the GitHub API to read x: connect ECONNREFUSED. Check the network and GHE_HOST; the next event retries.");
  });

  it("GraphQL errors become GitHubErrors", async () => {
    nock("https://api.github.com").post("/graphql").reply(200, { data: null, errors: [{ type: "NOT_FOUND", message: "Could not resolve to a Repository" }] });
    const rc = new RepoClient(probotOctokit(), repo);
    await expect(rc.graphql("read the ledger", "contents: read", "query { x }", {})).rejects.toMatchObject({ kind: "not-found", message: "GitHub's GraphQL API could not read the ledger: Could not resolve to a Repository." });
  });

  it("countingClient counts reads and writes separately", async () => {
    nock("https://api.github.com").get("/repos/octo/demo").reply(200, {}).post("/repos/octo/demo/issues/1/comments").reply(201, {});
    const { client, calls } = countingClient(probotOctokit());
    const rc = new RepoClient(client, repo);
    await rc.call("read", "metadata: read", "GET /repos/{owner}/{repo}");
    await rc.call("comment", "issues: write", "POST /repos/{owner}/{repo}/issues/{issue_number}/comments", { issue_number: 1, body: "x" });
    expect(calls).toEqual({ reads: 1, writes: 1, log: ["GET /repos/{owner}/{repo}", "POST /repos/{owner}/{repo}/issues/{issue_number}/comments"] });
  });
});
