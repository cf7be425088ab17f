import nock from "nock";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { MAX_RATE_LIMIT_WAIT_S, PucsOctokit, isGraphqlQuery, RATE_LIMIT_RETRIES, SERVER_RETRIES, retryBaseMs, retryRateLimited, serverRetryable } from "../../src/app/octokit.js";

const API = "https://api.github.com";
const LIMITED = { message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again." };

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
  vi.unstubAllEnvs();
});

describe("retry policy", () => {
  it("retries a rate limit a bounded number of times, and only for waits a webhook handler can afford", () => {
    expect(retryRateLimited(1, 0)).toBe(true);
    expect(retryRateLimited(1, RATE_LIMIT_RETRIES - 1)).toBe(true);
    expect(retryRateLimited(1, RATE_LIMIT_RETRIES)).toBe(false);
    expect(retryRateLimited(MAX_RATE_LIMIT_WAIT_S, 0)).toBe(true);
    expect(retryRateLimited(MAX_RATE_LIMIT_WAIT_S + 1, 0)).toBe(false);
    expect(retryRateLimited(Number.NaN, 0)).toBe(false);
  });

  it("PUCS_RETRY_BASE_MS scales the waits; anything but a positive number means the default 1000", () => {
    expect(retryBaseMs({})).toBe(1000);
    expect(retryBaseMs({ PUCS_RETRY_BASE_MS: "5" })).toBe(5);
    for (const bad of ["", " ", "0", "-3", "soon"]) expect(retryBaseMs({ PUCS_RETRY_BASE_MS: bad })).toBe(1000);
  });
});

describe("PucsOctokit (what `npm start` runs with)", () => {
  const client = () => {
    vi.stubEnv("PUCS_RETRY_BASE_MS", "1");
    return new PucsOctokit({ auth: "t", log: { debug() {}, info() {}, warn() {}, error() {} } });
  };

  it("retries a secondary rate limit (Probot's own setting would give up) and a 502, then succeeds", async () => {
    nock(API)
      .get("/repos/o/r")
      .reply(403, LIMITED, { "retry-after": "1" })
      .get("/repos/o/r")
      .reply(502, { message: "Server Error" })
      .get("/repos/o/r")
      .reply(200, { id: 1 });
    const r = await client().request("GET /repos/{owner}/{repo}", { owner: "o", repo: "r" });
    expect(r.data).toEqual({ id: 1 });
  });

  it("parses answers with JSON.parse (nativeJson): an integer past 2^53 is a number, not Octokit's BigInt", async () => {
    nock(API).get("/repos/o/r").reply(200, '{"id": 9007199254740993}', { "content-type": "application/json; charset=utf-8" });
    const r = await client().request("GET /repos/{owner}/{repo}", { owner: "o", repo: "r" });
    expect(typeof (r.data as { id: unknown }).id).toBe("number");
  });

  it("gives up on a rate limit that asks for more than a minute: the delivery fails and can be redelivered", async () => {
    nock(API).get("/repos/o/r").reply(403, LIMITED, { "retry-after": String(MAX_RATE_LIMIT_WAIT_S + 1) });
    await expect(client().request("GET /repos/{owner}/{repo}", { owner: "o", repo: "r" })).rejects.toMatchObject({ status: 403 });
  });

  it("a request that opts out (`request.retries: 0`) is not retried on a 504", async () => {
    nock(API).post("/repos/o/r/issues/1/comments").reply(504, { message: "timeout" });
    await expect(client().request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", { owner: "o", repo: "r", issue_number: 1, body: "x", request: { retries: 0 } })).rejects.toMatchObject({ status: 504 });
  });

  it(`retries a 5xx ${SERVER_RETRIES} times and then fails with GitHub's answer; a 404 is not retried`, async () => {
    const scope = nock(API).get("/repos/o/r").times(SERVER_RETRIES + 1).reply(503, { message: "Unavailable" });
    await expect(client().request("GET /repos/{owner}/{repo}", { owner: "o", repo: "r" })).rejects.toMatchObject({ status: 503 });
    expect(scope.isDone()).toBe(true);
    nock(API).get("/repos/o/x").reply(404, { message: "Not Found" });
    await expect(client().request("GET /repos/{owner}/{repo}", { owner: "o", repo: "x" })).rejects.toMatchObject({ status: 404 });
  });

  it("retries GraphQL's 'Something went wrong while executing your query' (answered 200 with errors)", async () => {
    nock(API)
      .post("/graphql")
      .reply(200, { data: null, errors: [{ message: "Something went wrong while executing your query. Please include `ABCD` when reporting this issue." }] })
      .post("/graphql")
      .reply(200, { data: { viewer: { login: "x" } } });
    const r = await client().request("POST /graphql", { query: "{ viewer { login } }" });
    expect(r.data).toEqual({ data: { viewer: { login: "x" } } });
  });
});

describe("serverRetryable", () => {
  it("5xx, a 429 that is not a rate limit, and no answer at all are retryable; other errors are not", () => {
    const e = (status: number, message = "x") => Object.assign(new Error(message), { status, response: { status } });
    expect([500, 502, 503, 504].map((s) => serverRetryable(e(s)))).toEqual([true, true, true, true]);
    expect(serverRetryable(e(429, "Too many requests"))).toBe(true);
    expect(serverRetryable(e(429, "You have exceeded a secondary rate limit"))).toBe(false);
    expect([400, 401, 403, 404, 409, 422].map((s) => serverRetryable(e(s)))).toEqual([false, false, false, false, false, false]);
    expect(serverRetryable(Object.assign(new Error("fetch failed"), { status: 500 }))).toBe(true);
    expect(serverRetryable(new TypeError("a bug"))).toBe(false);
  });
});

describe("isGraphqlQuery (queries skip the throttle's 1 s write queue; mutations do not)", () => {
  it("tells a GraphQL query from a mutation and from REST writes", () => {
    expect(isGraphqlQuery({ method: "POST", url: "/graphql", query: "query($o: String!) { repository(owner: $o) { id } }" })).toBe(true);
    expect(isGraphqlQuery({ method: "POST", url: "/api/graphql", query: "{ viewer { login } }" })).toBe(true);
    expect(isGraphqlQuery({ method: "POST", url: "/graphql", query: "  mutation { updateRefs(input: {}) { clientMutationId } }" })).toBe(false);
    expect(isGraphqlQuery({ method: "POST", url: "/repos/{owner}/{repo}/check-runs", query: "{ x }" })).toBe(false);
    expect(isGraphqlQuery({ method: "GET", url: "/graphql", query: "{ x }" })).toBe(false);
    expect(isGraphqlQuery({ method: "POST", url: "/graphql" })).toBe(false);
  });
});
