/** The gate's GitHub gateway through a real Octokit client (@actions/github) against the fake GitHub. */
import { getOctokit } from "@actions/github";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { GateApiError, GateGateway, countingClient, pullInfoOf, type RequestClient } from "../../src/github/gate.js";
import { FakeGitHub } from "../support/fake-github.js";
import { FakeRepo, sha } from "../support/github-repo.js";

let gh: FakeGitHub;
let repo: FakeRepo;
let gw: GateGateway;
let calls: { reads: number; writes: number };

beforeAll(async () => {
  gh = await FakeGitHub.start();
});
afterAll(async () => {
  await gh.stop();
});
beforeEach(() => {
  repo = new FakeRepo(gh);
  gh.clearLog();
  const counted = countingClient(getOctokit("t", { baseUrl: gh.url }) as unknown as RequestClient);
  calls = counted.calls;
  gw = new GateGateway(counted.client, { owner: "octo-org", repo: "octo-repo" });
});

describe("reads", () => {
  test("open PRs: one request per 100, following Link", async () => {
    for (let n = 1; n <= 250; n++) repo.addPull({ number: n, labels: n % 2 ? ["pucs:stream:OBS"] : [] });
    repo.addPull({ number: 999, state: "closed" });
    const pulls = await gw.openPulls();
    expect(pulls).toHaveLength(250);
    expect(pulls[0]).toEqual({
      number: 250,
      title: "PR 250",
      draft: false,
      state: "open",
      merged: false,
      branch: "topic-250",
      headSha: sha("head-250"),
      baseRef: "main",
      labels: [],
      url: "https://github.com/octo-org/octo-repo/pull/250",
      author: "octocat",
      authorIsBot: false,
      body: "",
    });
    expect(gh.log.map((r) => r.query.page)).toEqual(["1", "2", "3"]);
    expect(calls).toEqual({ reads: 3, writes: 0 });
  });

  test("a PR's files stop at GitHub's 3,000 (30 pages) and say so; renames keep the old path", async () => {
    repo.addPull({ number: 1, files: [{ path: "b.py", previousPath: "a.py" }, ...Array.from({ length: 3100 }, (_, i) => ({ path: `f${i}.py` }))] });
    const { files, truncated } = await gw.pullFiles(1);
    expect(files).toHaveLength(3000);
    expect(files[0]).toEqual({ path: "b.py", previousPath: "a.py" });
    expect(truncated).toBe(true);
    expect(gh.log).toHaveLength(30);
    repo.addPull({ number: 2, files: [{ path: "x.py" }] });
    gh.clearLog();
    expect(await gw.pullFiles(2)).toEqual({ files: [{ path: "x.py" }], truncated: false });
    expect(gh.log).toHaveLength(1);
  });

  test("config text by path and ref; a missing file is null; a directory is an error", async () => {
    repo.setFile("main", "config/pucs_streams.yaml", "version: 1\n");
    expect(await gw.fileText("config/pucs_streams.yaml", "main")).toBe("version: 1\n");
    expect(gh.log[0]).toMatchObject({ path: "/repos/octo-org/octo-repo/contents/config/pucs_streams.yaml", query: { ref: "main" } });
    expect(await gw.fileText("config/pucs_streams.yaml", "other")).toBeNull();
    gh.route("GET", "/repos/:owner/:repo/contents/dir", () => ({ body: [{ type: "file" }] }));
    await expect(gw.fileText("dir", "main")).rejects.toThrow("dir at main is a non-file, not a file: point the `config` input at the YAML file");
  });

  test("the gate status: the latest of its context only", async () => {
    const s = sha("x");
    expect(await gw.gateStatus(s)).toBeNull();
    repo.addStatus(s, { state: "failure", description: "old", context: "PUCS / merge-gate", target_url: null });
    repo.addStatus(s, { state: "success", description: "ci", context: "ci/test", target_url: null });
    repo.addStatus(s, { state: "success", description: "new", context: "PUCS / merge-gate", target_url: "u" });
    expect(await gw.gateStatus(s)).toEqual({ state: "success", description: "new", targetUrl: "u" });
  });

  test("ledger head: null without the ref", async () => {
    expect(await gw.ledgerHead()).toBeNull();
    repo.ledgerText = "{}";
    expect(await gw.ledgerHead()).toBe(repo.ledgerSha);
    expect(gh.log.map((r) => r.path)).toEqual(["/repos/octo-org/octo-repo/git/ref/pucs/ledger", "/repos/octo-org/octo-repo/git/ref/pucs/ledger"]);
  });
});

describe("writes", () => {
  test("a status with its context, description and link; counted as a write", async () => {
    await gw.setGateStatus(sha("y"), { state: "failure", description: "Blocked by #1", targetUrl: "https://run" });
    expect(gh.log).toEqual([
      {
        method: "POST",
        path: `/repos/octo-org/octo-repo/statuses/${sha("y")}`,
        query: {},
        body: { state: "failure", context: "PUCS / merge-gate", description: "Blocked by #1", target_url: "https://run" },
        status: 201,
      },
    ]);
    expect(calls).toEqual({ reads: 0, writes: 1 });
  });
});

describe("errors say what to fix", () => {
  test("rate limit", async () => {
    repo.fail("GET", /\/pulls$/, 403, "API rate limit exceeded for installation", { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1795550400" });
    const e = await gw.openPulls().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(GateApiError);
    expect((e as Error).message).toBe(
      "GitHub's API rate limit is exhausted, so the gate could not list the open pull requests (resets at 2026-11-24T20:00:00.000Z): re-run the job after the reset.",
    );
  });

  test("bad token", async () => {
    repo.fail("GET", /\/pulls$/, 401, "Bad credentials");
    await expect(gw.openPulls()).rejects.toThrow(
      "GitHub rejected the token (401 Bad credentials) when trying to list the open pull requests: pass a valid token in the `token` input (default: ${{ github.token }}).",
    );
  });

  test("a repository the token cannot see", async () => {
    const other = new GateGateway(getOctokit("t", { baseUrl: gh.url }) as unknown as RequestClient, { owner: "someone", repo: "private" });
    await expect(other.pull(1)).rejects.toThrow(
      "GitHub could not find what the gate needed to read pull request #1 (404 Not Found) in someone/private: check that the repository exists and the token can read it.",
    );
  });

  test("an unreachable API", async () => {
    const dead = new GateGateway(getOctokit("t", { baseUrl: "http://127.0.0.1:1" }) as unknown as RequestClient, { owner: "o", repo: "r" });
    const e = (await dead.openPulls().catch((x: unknown) => x)) as GateApiError;
    expect(e.status).toBeNull();
    expect(e.message).toMatch(/^Could not reach the GitHub API to list the open pull requests: .+\. Check GITHUB_API_URL and the network, then re-run the job\.$/);
  });
});

test("pullInfoOf reads webhook payloads and list items alike", () => {
  expect(pullInfoOf({ number: 3, title: "t", draft: true, state: "closed", merged_at: "2026-01-01T00:00:00Z", head: { ref: "h", sha: "s" }, base: { ref: "main" }, labels: [{ name: "a" }, "b"], html_url: "u", user: { login: "me" } })).toEqual({
    number: 3,
    title: "t",
    draft: true,
    state: "closed",
    merged: true,
    branch: "h",
    headSha: "s",
    baseRef: "main",
    labels: ["a", "b"],
    url: "u",
    author: "me",
    authorIsBot: false,
    body: "",
  });
});
