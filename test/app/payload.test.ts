import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { checkIssueCommentEvent, checkPullRequestEvent } from "../../src/app/payload.js";
import { PULL_ACTIONS } from "../../src/app/index.js";
import { commentPayload, pullPayload } from "./fake.js";

const require = createRequire(import.meta.url);
const EXAMPLES = require("@octokit/webhooks-examples/api.github.com/index.json") as { name: string; examples: Record<string, unknown>[] }[];
const examplesOf = (name: string) => EXAMPLES.find((e) => e.name === name)!.examples;

describe("webhook payloads", () => {
  it("every real pull_request example of the actions the App handles passes", () => {
    const handled = examplesOf("pull_request").filter((e) => (PULL_ACTIONS as readonly string[]).includes(String(e.action)));
    expect(handled.length).toBeGreaterThan(5);
    for (const e of handled) expect(checkPullRequestEvent(e), String(e.action)).toMatchObject({ ok: true });
  });

  it("every real issue_comment example passes", () => {
    for (const e of examplesOf("issue_comment")) expect(checkIssueCommentEvent(e), String(e.action)).toMatchObject({ ok: true });
  });

  it("says what is wrong, where, and what it got", () => {
    const p = pullPayload(7, { action: "synchronize" });
    p.pull_request.number = "7";
    expect(checkPullRequestEvent(p)).toEqual({ ok: false, message: 'pull_request.synchronize: payload.pull_request.number must be a positive integer (got "7"); PUCS ignored this delivery' });
    const q = pullPayload(7, {});
    delete q.pull_request.head;
    expect(checkPullRequestEvent(q)).toEqual({ ok: false, message: "pull_request.opened: payload.pull_request.head is missing; PUCS ignored this delivery" });
    const r = pullPayload(7, {});
    r.pull_request.head.sha = "HEAD";
    r.repository.default_branch = "";
    expect(checkPullRequestEvent(r)).toEqual({ ok: false, message: 'pull_request.opened: payload.pull_request.head.sha must be a 40-hex commit sha (got "HEAD") (and 1 more problem); PUCS ignored this delivery' });
    const c = commentPayload(3, "/pucs lock a.py");
    c.comment.user = null;
    expect(checkIssueCommentEvent(c)).toEqual({ ok: false, message: "issue_comment.created: payload.comment.user must be an object (got null); PUCS ignored this delivery" });
    expect(checkIssueCommentEvent([1, 2])).toEqual({ ok: false, message: "issue_comment: the payload is not a JSON object (got [1,2])" });
  });
});
