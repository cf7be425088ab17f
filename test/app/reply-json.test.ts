/**
 * Every `/pucs` reply ends with a fenced JSON block (pucs.reply/v1) an agent parses instead of the
 * prose: checked through the App with real issue_comment payloads and against the published schema.
 */
import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { parseReplyJson, replyJson } from "../../src/app/reply-json.js";
import { commentPayload, harness, patch, pullPayload } from "./fake.js";
import { parseReportFromMarkdown } from "../../src/engine/report.js";
import { assertValid, validateReply } from "../support/schemas.js";

afterEach(() => nock.cleanAll());

const replyOn = (h: Awaited<ReturnType<typeof harness>>, n: number) => h.gh.comments.filter((c) => c.issue === n && String(c.body).startsWith("<!-- pucs:reply -->")).map((c) => String(c.body));

describe("the reply's JSON block", () => {
  it("says what was done, and what to do next when refused", async () => {
    const h = await harness();
    await h.send("issue_comment", commentPayload(3, "/pucs lock execution/a.py -- routing\n/pucs intent api/**"));
    const [done] = replyOn(h, 3);
    expect(done!.trimEnd().endsWith("</details>")).toBe(true);
    const json = parseReplyJson(done!)!;
    assertValid("reply", json);
    expect(json).toEqual({
      schema: "pucs.reply/v1",
      comment: 9003,
      pr: 3,
      commands: ["lock", "intent"],
      ok: true,
      results: [
        { ok: true, text: "`execution/a.py` locked for #3 until 2026-11-23T12:30:00Z" },
        { ok: true, text: "intent on `api/**` recorded until 2026-11-23T12:30:00Z; others touching these files see it as INTENT_OVERLAP" },
      ],
      changed: ["`execution/a.py` locked for #3 until 2026-11-23T12:30:00Z", "intent on `api/**` recorded until 2026-11-23T12:30:00Z; others touching these files see it as INTENT_OVERLAP"],
      next: null,
    });

    await h.send("issue_comment", commentPayload(4, "/pucs lock execution/a.py", { author: "agent4" }));
    const refused = parseReplyJson(replyOn(h, 4)[0]!)!;
    assertValid("reply", refused);
    expect(refused).toMatchObject({ pr: 4, commands: ["lock"], ok: false, changed: [], next: "/pucs queue execution/a.py" });
  });

  it("is valid for help and status (their markdown is not a change) and for parse errors", () => {
    const j = replyJson({ commentId: 1, number: 2, body: "/pucs help\n/pucs lokc x" }, [
      { ok: false, text: "Line 2 (`/pucs lokc x`): unknown command `lokc`. Did you mean `/pucs lock`?" },
      { ok: true, text: "| command | …\n|---|" },
    ]);
    expect(validateReply(j)).toBe(true);
    expect(j).toMatchObject({ commands: ["help"], ok: false, changed: [], next: "/pucs lock" });
  });

  it("the App's report (check run and sticky comment) embeds a valid pucs.report/v1 document", async () => {
    const h = await harness();
    await h.send("issue_comment", commentPayload(3, "/pucs lock execution/a.py -- routing"));
    h.gh.prFiles.set(4, [{ filename: "execution/a.py", patch: patch(1, 2) }]);
    await h.send("pull_request", pullPayload(4, { files: [] }));
    const comment = h.gh.comments.find((c) => c.issue === 4 && String(c.body).includes("<!-- pucs:report -->"))!;
    const fromComment = parseReportFromMarkdown(String(comment.body))!;
    assertValid("report", fromComment);
    expect(fromComment).toMatchObject({ change: "#4", verdict: "blocked", conflicts: [{ type: "LOCKED", file: "execution/a.py", strategy: "QUEUE" }] });
    const run = h.gh.checkRuns.find((r) => r.head_sha === pullPayload(4, { files: [] }).pull_request.head.sha)!;
    assertValid("report", parseReportFromMarkdown(String(run.output.summary)));
  });
});
