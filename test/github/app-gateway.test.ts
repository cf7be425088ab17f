import nock from "nock";
import { ProbotOctokit } from "probot";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { AppGateway, CHECK_NAME } from "../../src/github/app-gateway.js";
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
