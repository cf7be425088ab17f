import { Octokit } from "@octokit/core";
import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { MAX_RATE_LIMIT_WAIT_S, RATE_LIMIT_RETRIES, SERVER_RETRIES, rateLimitWait, requestRetry } from "../../src/github/retry.js";

const API = "https://api.github.com";
const LIMITED = { message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again." };

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});

function client(rateLimits: boolean) {
  const waits: number[] = [];
  const retries: string[] = [];
  const Oct = Octokit.plugin(requestRetry({ rateLimits, baseMs: () => 1000, sleep: async (ms) => void waits.push(ms), now: () => 1_700_000_000_000, onRetry: (why) => retries.push(why) }));
  return { octokit: new Oct({ auth: "t" }), waits, retries };
}
const get = (o: Octokit) => o.request("GET /repos/{owner}/{repo}", { owner: "o", repo: "r" });

describe("requestRetry", () => {
  it(`5xx: ${SERVER_RETRIES} retries waiting 1, 4, 9, 16 × base, then GitHub's answer`, async () => {
    nock(API).get("/repos/o/r").times(SERVER_RETRIES + 1).reply(502, { message: "Server Error" });
    const c = client(false);
    await expect(get(c.octokit)).rejects.toMatchObject({ status: 502 });
    expect(c.waits).toEqual([1000, 4000, 9000, 16000]);
  });

  it("the Action's mode: a secondary rate limit waits what retry-after asks and succeeds; the App's mode leaves it to the throttle", async () => {
    nock(API).get("/repos/o/r").reply(403, LIMITED, { "retry-after": "7" }).get("/repos/o/r").reply(200, { id: 1 });
    const c = client(true);
    expect((await get(c.octokit)).data).toEqual({ id: 1 });
    expect(c.waits).toEqual([7000]);
    expect(c.retries).toEqual(["rate limited for 7 s"]);
    nock(API).get("/repos/o/r").reply(403, LIMITED, { "retry-after": "7" });
    await expect(get(client(false).octokit)).rejects.toMatchObject({ status: 403 });
  });

  it(`rate limits: at most ${RATE_LIMIT_RETRIES} retries, and none for a wait over ${MAX_RATE_LIMIT_WAIT_S} s`, async () => {
    nock(API).get("/repos/o/r").times(RATE_LIMIT_RETRIES + 1).reply(429, LIMITED, { "retry-after": "1" });
    const c = client(true);
    await expect(get(c.octokit)).rejects.toMatchObject({ status: 429 });
    expect(c.waits).toEqual([1000, 1000, 1000]);
    nock(API).get("/repos/o/r").reply(403, LIMITED, { "retry-after": String(MAX_RATE_LIMIT_WAIT_S + 1) });
    const d = client(true);
    await expect(get(d.octokit)).rejects.toMatchObject({ status: 403 });
    expect(d.waits).toEqual([]);
  });

  it("a 403 that is a missing permission, a 404 and a 422 fail at once", async () => {
    nock(API).get("/repos/o/r").reply(403, { message: "Resource not accessible by integration" }).get("/repos/o/r").reply(404, { message: "Not Found" }).get("/repos/o/r").reply(422, { message: "Validation Failed" });
    const c = client(true);
    for (const status of [403, 404, 422]) await expect(get(c.octokit)).rejects.toMatchObject({ status });
    expect(c.waits).toEqual([]);
  });

  it("request.retries: 0 opts out of server retries", async () => {
    nock(API).post("/repos/o/r/issues/1/comments").reply(504, { message: "timeout" });
    const c = client(true);
    await expect(c.octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", { owner: "o", repo: "r", issue_number: 1, body: "x", request: { retries: 0 } })).rejects.toMatchObject({ status: 504 });
    expect(c.waits).toEqual([]);
  });
});

describe("rateLimitWait", () => {
  const err = (status: number, message: string, headers: Record<string, string>) => Object.assign(new Error(message), { status, response: { status, headers } });
  it("reads retry-after, else the primary limit's reset; a plain 403 is no rate limit", () => {
    const now = 1_700_000_000_000;
    expect(rateLimitWait(err(403, LIMITED.message, { "retry-after": "30" }), now)).toBe(30);
    expect(rateLimitWait(err(429, LIMITED.message, {}), now)).toBe(60);
    expect(rateLimitWait(err(403, "API rate limit exceeded", { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(now / 1000 + 20) }), now)).toBe(21);
    expect(rateLimitWait(err(403, "Resource not accessible by integration", {}), now)).toBeNull();
    expect(rateLimitWait(err(500, LIMITED.message, {}), now)).toBeNull();
  });
});
