import nock from "nock";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { MAX_RATE_LIMIT_WAIT_S, PucsOctokit, RATE_LIMIT_RETRIES, retryBaseMs, retryRateLimited } from "../../src/app/octokit.js";

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

  it("gives up on a rate limit that asks for more than a minute: the delivery fails and can be redelivered", async () => {
    nock(API).get("/repos/o/r").reply(403, LIMITED, { "retry-after": String(MAX_RATE_LIMIT_WAIT_S + 1) });
    await expect(client().request("GET /repos/{owner}/{repo}", { owner: "o", repo: "r" })).rejects.toMatchObject({ status: 403 });
  });

  it("a request that opts out (`request.retries: 0`) is not retried on a 504", async () => {
    nock(API).post("/repos/o/r/issues/1/comments").reply(504, { message: "timeout" });
    await expect(client().request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", { owner: "o", repo: "r", issue_number: 1, body: "x", request: { retries: 0 } })).rejects.toMatchObject({ status: 504 });
  });
});
