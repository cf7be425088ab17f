/** mode: app — the App runs inside the job on the job's event and token; a throwing handler fails the step. */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { loadApp } from "../../src/action/app-mode.js";
import { afterAll, beforeAll, beforeEach, expect, test } from "vitest";
import { FakeGitHub } from "../support/fake-github.js";
import { example, ROOT, runAction } from "./harness.js";

let gh: FakeGitHub;
beforeAll(async () => {
  gh = await FakeGitHub.start();
  gh.route("POST", "/repos/:owner/:repo/issues/:n/comments", (req) => ({ status: 201, body: { id: 1, body: (req.body as { body: string }).body } }));
});
afterAll(async () => {
  await gh.stop();
});
beforeEach(() => gh.clearLog());

const fixture = (name: string) => join(ROOT, "test/action/fixtures", name);

test("the App handles the workflow's event with the job's token", async () => {
  const r = await runAction({ apiUrl: gh.url, event: "pull_request", payload: example("pull_request", "opened"), inputs: { mode: "app" }, env: { PUCS_APP_MODULE: fixture("app-comment.mjs") } });
  expect(r.code).toBe(0);
  expect(gh.log.map((x) => ({ method: x.method, path: x.path, body: x.body }))).toEqual([
    { method: "POST", path: "/repos/Codertocat/Hello-World/issues/2/comments", body: { body: "PUCS saw #2" } },
  ]);
  expect(r.stdout).toContain("The PUCS App handled pull_request.");
});

test("a handler that throws fails the step with its message", async () => {
  const r = await runAction({ apiUrl: gh.url, event: "pull_request", payload: example("pull_request", "opened"), inputs: { mode: "app" }, env: { PUCS_APP_MODULE: fixture("app-throws.mjs") } });
  expect(r.code).toBe(1);
  expect(r.commands.filter((c) => c.command === "error").map((c) => c.message)).toEqual([
    "The PUCS App failed on pull_request.opened: ledger write lost 5 races in a row. Fix the cause and re-run the job.",
  ]);
});

test("no App bundle beside the Action, or a module that is not an App", async () => {
  await expect(loadApp(undefined, "file:///nowhere/dist/index.js")).rejects.toThrow(
    "mode: app needs the PUCS App bundle (file:///nowhere/dist/app.js) beside the Action's dist/index.js, and this build has none: use a release that ships dist/app.js, or mode: gate.",
  );
  await expect(loadApp(fixture("app-none.mjs"), "file:///x/index.js")).rejects.toThrow(`mode: app: ${pathToFileURL(fixture("app-none.mjs")).href} has no default export that is the App function.`);
  const r = await runAction({ apiUrl: gh.url, event: "pull_request", payload: example("pull_request", "opened"), inputs: { mode: "app" }, env: { PUCS_APP_MODULE: fixture("app-none.mjs") } });
  expect(r.code).toBe(1);
  expect(r.commands[0]!.message).toBe(`mode: app: ${pathToFileURL(fixture("app-none.mjs")).href} has no default export that is the App function.`);
  expect(gh.log).toEqual([]);
});
