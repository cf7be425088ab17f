// The App's side of issue 11 part B: CI results feed the stream circuit breakers; /pucs handoff and
// /pucs breaker reset. Real payloads from @octokit/webhooks-examples.
import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { BASE, commentPayload, example, harness, patch, pullPayload } from "./fake.js";

afterEach(() => nock.cleanAll());

const prose = (body: string) => body.replace(/\n\n<details><summary>Machine-readable reply \(pucs\.reply\/v1\)<\/summary>[\s\S]*$/, "");
const replies = (h: Awaited<ReturnType<typeof harness>>, n: number) =>
  h.gh.comments.filter((c) => c.issue === n && c.body.startsWith("<!-- pucs:reply -->")).map((c) => prose(String(c.body)).replace(/^(<!-- pucs:reply -->\n)<!-- pucs:reply-to \d+ -->\n/, "$1"));

function suite(id: number, pr: number, conclusion: string) {
  const p = example("check_suite", "completed");
  p.check_suite.id = id;
  p.check_suite.conclusion = conclusion;
  p.check_suite.head_sha = "abcdef1234567890abcdef1234567890abcdef12";
  p.check_suite.pull_requests = [{ ...p.check_suite.pull_requests[0], number: pr }];
  return p;
}

function run(id: number, pr: number, conclusion: string) {
  const p = example("workflow_run", "completed");
  p.workflow_run.id = id;
  p.workflow_run.conclusion = conclusion;
  p.workflow_run.name = "tests";
  p.workflow_run.head_sha = "1234567abcdef1234567abcdef1234567abcdef1";
  p.repository.default_branch = "master"; // this example's repository says main; the fake repository's is master
  p.workflow_run.pull_requests = [{ number: pr, url: `https://api.github.com${BASE}/pulls/${pr}`, id: pr, head: { ref: "x", sha: "1234567" }, base: { ref: "master", sha: "0000000" } }];
  return p;
}

async function openExecPr(h: Awaited<ReturnType<typeof harness>>, n: number) {
  h.gh.prFiles.set(n, [{ filename: `execution/f${n}.py`, patch: patch(1, 1) }]);
  await h.send("pull_request", pullPayload(n, {}));
}

describe("CI results and the stream circuit breaker", () => {
  it("five failed suites on an EXEC PR trip EXEC OPEN (one read and at most one write each); a lock in EXEC is then refused; a redelivery counts once", async () => {
    const h = await harness();
    await openExecPr(h, 3);
    expect(h.gh.ledger!.footprints.map((f) => [f.change, f.stream])).toEqual([["#3", "EXEC"]]);
    for (let i = 1; i <= 4; i++) {
      h.gh.reset();
      await h.send("check_suite", suite(100 + i, 3, i === 2 ? "timed_out" : "failure"));
      const calls = h.gh.calls();
      expect(calls.filter((c) => c === "POST /graphql" || c.startsWith("GET "))).toHaveLength(1);
      expect(calls.filter((c) => c.endsWith("/git/refs") || /\/git\/refs\//.test(c) && c.startsWith("PATCH"))).toHaveLength(1);
      expect(h.gh.ledger!.breakers![0]!.failures).toHaveLength(i);
    }
    // The same suite delivered again: one read, no write.
    h.gh.reset();
    await h.send("check_suite", suite(104, 3, "failure"));
    expect(h.gh.calls()).toEqual(["POST /graphql"]);
    await h.send("check_suite", suite(105, 3, "failure"));
    const b = h.gh.ledger!.breakers![0]!;
    expect(b).toMatchObject({ stream: "EXEC", openedAt: "2026-11-23T12:00:00.000Z", halfOpensAt: "2026-11-23T12:05:00.000Z", trippedBy: { agent: "agent3", change: "#3", error: 'check suite "octocoders-linter" failure at abcdef1', ref: "check_suite:105" } });
    const commit = h.gh.commits.get(h.gh.ledgerRef!)!;
    expect(commit.message.split("\n")[0]).toBe('breaker EXEC OPEN: 5 failures in 10 min, the last by agent3 (#3): check suite "octocoders-linter" failure at abcdef1; half-opens at 2026-11-23T12:05:00Z');

    // A lock in EXEC from another PR is refused, saying who tripped it, when it half-opens and how to reset.
    await openExecPr(h, 4);
    await h.send("issue_comment", commentPayload(4, "/pucs lock execution/g.py"));
    expect(replies(h, 4)).toEqual([
      expect.stringContaining("- ❌ `execution/g.py` NOT locked: The EXEC circuit breaker is OPEN (5 failures; tripped by agent3 (#3) at 2026-11-23T12:00:00Z: check suite \"octocoders-linter\" failure at abcdef1); it half-opens at 2026-11-23T12:05:00Z."),
    ]);
    expect(h.gh.ledger!.locks).toEqual([]);
  });

  it("a green workflow run on a HALF_OPEN stream closes it; a green one on a CLOSED stream costs no write; suites on no PR cost nothing", async () => {
    const h = await harness();
    await openExecPr(h, 3);
    for (let i = 1; i <= 5; i++) await h.send("workflow_run", run(200 + i, 3, "failure"));
    expect(h.gh.ledger!.breakers![0]!.openedAt).toBeDefined();
    // Still OPEN: a success does nothing.
    h.gh.reset();
    await h.send("workflow_run", run(300, 3, "success"));
    expect(h.gh.calls()).toEqual(["POST /graphql"]);
    h.clock.now += 6 * 60_000;
    await h.send("workflow_run", run(301, 3, "success"));
    expect(h.gh.ledger!.breakers).toEqual([]);
    expect(h.gh.commits.get(h.gh.ledgerRef!)!.message.split("\n")[0]).toBe("breaker EXEC CLOSED: a success while half-open (agent3 (#3))");
    h.gh.reset();
    await h.send("check_suite", suite(400, 3, "success"));
    expect(h.gh.calls()).toEqual(["POST /graphql"]);
    h.gh.reset();
    const none = example("check_suite", "completed");
    none.check_suite.conclusion = "failure";
    none.check_suite.pull_requests = [];
    await h.send("check_suite", none);
    const neutral = suite(401, 3, "neutral");
    await h.send("check_suite", neutral);
    expect(h.gh.calls()).toEqual([]);
  });

  it("/pucs breaker reset needs maintain; a maintainer closes the breaker and it is recorded", async () => {
    const h = await harness();
    await openExecPr(h, 3);
    for (let i = 1; i <= 5; i++) await h.send("check_suite", suite(500 + i, 3, "failure"));
    await h.send("issue_comment", commentPayload(3, "/pucs breaker reset -- runner replaced"));
    expect(replies(h, 3).at(-1)).toContain("`/pucs breaker reset -- reason` is for maintainers and admins; @agent3 has no access to this repository.");
    expect(h.gh.ledger!.breakers).toHaveLength(1);
    h.gh.permissions.set("boss", "maintain");
    await h.send("issue_comment", commentPayload(3, "/pucs breaker reset -- runner replaced", { commenter: "boss" }));
    expect(replies(h, 3).at(-1)).toContain("- ✅ the EXEC circuit breaker was OPEN; reset to CLOSED by @boss: runner replaced");
    expect(h.gh.ledger!.breakers).toEqual([]);
    expect(h.gh.commits.get(h.gh.ledgerRef!)!.message.split("\n")[0]).toBe("breaker EXEC reset (was OPEN) by boss: runner replaced");
  });
});

describe("/pucs handoff", () => {
  it("moves the PR's claims to the receiver, names them in the reply, and records the handoff", async () => {
    const h = await harness();
    await openExecPr(h, 3);
    await h.send("issue_comment", commentPayload(3, "/pucs lock execution/f3.py -- model\n/pucs intent execution/h.py -- tests"));
    await h.send("issue_comment", commentPayload(3, "/pucs handoff @exec-agent-2 -- integration tests left"));
    expect(replies(h, 3).at(-1)).toBe(
      "<!-- pucs:reply -->\n@agent3\n\n- ✅ #3 handed off from agent3 to @exec-agent-2 by @agent3: 1 lock(s), 1 intent(s), 0 queue place(s) moved (`execution/f3.py`). Note: integration tests left",
    );
    const l = h.gh.ledger!;
    expect(l.locks.map((k) => [k.path, k.agent, k.change])).toEqual([["execution/f3.py", "exec-agent-2", "#3"]]);
    expect(l.intents.map((i) => [i.agent, i.change])).toEqual([["exec-agent-2", "#3"]]);
    expect(l.handoffs).toEqual([
      expect.objectContaining({ from_agent: "agent3", to_agent: "exec-agent-2", change: "#3", note: "integration tests left", context: expect.objectContaining({ pending: ["integration tests left"] }), stream_context: { stream_id: "EXEC", locked_files: ["execution/f3.py"], related_files: ["execution/h.py"] } }),
    ]);
  });

  it("refuses a read-only commenter and a handoff to the PR's own agent; the ledger is untouched", async () => {
    const h = await harness();
    await openExecPr(h, 3);
    await h.send("issue_comment", commentPayload(3, "/pucs lock execution/f3.py"));
    const before = h.gh.ledgerRef;
    h.gh.permissions.set("reader", "read");
    await h.send("issue_comment", commentPayload(3, "/pucs handoff @reader", { commenter: "reader" }));
    expect(replies(h, 3).at(-1)).toContain("`/pucs handoff @login [-- note]` is for the PR's author, or anyone with write access; @reader has read access");
    await h.send("issue_comment", commentPayload(3, "/pucs handoff @agent3"));
    expect(replies(h, 3).at(-1)).toContain("- ❌ handoff NOT recorded: agent3 cannot hand off to itself");
    await h.send("issue_comment", commentPayload(3, "/pucs handoff not/a/login"));
    expect(replies(h, 3).at(-1)).toContain('"not/a/login" is not a GitHub login');
    expect(h.gh.ledgerRef).toBe(before);
  });
});
