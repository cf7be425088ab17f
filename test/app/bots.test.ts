/**
 * Agents are first-class users (issue 13): bot accounts use commands like people, judged by the same
 * permissions (the PR's bot author is its author; other bots through agents.bots); a command rate
 * breaks bot-to-bot loops; a PUCS-Agent trailer makes an agent's CLI lock its PR's own.
 */
import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { acquireLock } from "../../src/ledger/transitions.js";
import { emptyLedger } from "../../src/ledger/schema.js";
import { BASE, CONFIG, NOW, commentPayload, harness, patch, pullPayload } from "./fake.js";

afterEach(() => nock.cleanAll());

const prose = (body: string) => body.replace(/\n\n<details><summary>Machine-readable reply[\s\S]*$/, "");
const replies = (h: Awaited<ReturnType<typeof harness>>, n: number) =>
  h.gh.comments.filter((c) => c.issue === n && String(c.body).startsWith("<!-- pucs:reply -->")).map((c) => prose(String(c.body)).replace(/^<!-- pucs:reply -->\n<!-- pucs:reply-to \d+ -->\n/, ""));

const BOT = "exec-agent[bot]";

describe("bots as users", () => {
  it("the bot that opened the PR can declare, lock, queue and release through comments alone, with no permission look-up", async () => {
    const h = await harness();
    const pr = pullPayload(3, { author: BOT }).pull_request;
    pr.user.type = "Bot";
    h.gh.pulls.set(3, pr);
    const say = (body: string) => h.send("issue_comment", commentPayload(3, body, { commenter: BOT, author: BOT, bot: true }));
    await say("/pucs intent execution/a.py -- fill predictor");
    await say("/pucs lock execution/a.py -- fill predictor");
    expect(h.gh.ledger!.locks).toMatchObject([{ path: "execution/a.py", agent: BOT, change: "#3" }]);
    await say("/pucs queue execution/b.py");
    expect(h.gh.ledger!.queues).toMatchObject([{ path: "execution/b.py", waiters: [{ agent: BOT, change: "#3" }] }]);
    await say("/pucs release");
    expect(h.gh.ledger!.locks).toEqual([]);
    expect(h.gh.ledger!.intents).toEqual([]);
    expect(h.gh.ledger!.queues).toEqual([]);
    expect(replies(h, 3).every((r) => r.includes("✅") && !r.includes("❌"))).toBe(true);
    expect(h.gh.calls().filter((c) => c.includes("/collaborators/"))).toEqual([]);
  });

  it("a bot listed in agents.bots acts with the permission the config gives it; unlisted and read-only bots are refused", async () => {
    const h = await harness();
    h.gh.defaultFiles.set("config/pucs_streams.yaml", `${CONFIG}agents:\n  bots:\n    "Helper[bot]": write\n    "reader[bot]": read\n`);
    h.gh.pulls.set(4, pullPayload(4, { author: "alice" }).pull_request);
    await h.send("issue_comment", commentPayload(4, "/pucs lock execution/x.py", { commenter: "helper[bot]", author: "alice", bot: true }));
    expect(h.gh.ledger!.locks).toMatchObject([{ path: "execution/x.py", agent: "alice", change: "#4" }]);
    await h.send("issue_comment", commentPayload(4, "/pucs lock execution/y.py", { commenter: "reader[bot]", author: "alice", bot: true }));
    expect(replies(h, 4).at(-1)).toContain("the config's `agents.bots` gives @reader[bot] read access. Raise it to write there to let it run this.");
    expect(h.gh.ledger!.locks).toHaveLength(1);
    expect(h.gh.calls().filter((c) => c.includes("/collaborators/"))).toEqual([]);
  });

  it("a malformed agents section is a config error at its line, and no command runs", async () => {
    const h = await harness();
    h.gh.defaultFiles.set("config/pucs_streams.yaml", `${CONFIG}agents:\n  bots:\n    "not a bot": write\n`);
    await h.send("issue_comment", commentPayload(4, "/pucs lock execution/x.py", { commenter: "alice", author: "alice" }));
    expect(replies(h, 4)).toEqual([expect.stringContaining("does not validate, so no command can run")]);
    expect(h.gh.ledger).toBeNull();
  });

  it("more than agents.command_rate commands a minute from one commenter on a PR: one reply, then silence until the minute passes", async () => {
    const h = await harness();
    h.gh.defaultFiles.set("config/pucs_streams.yaml", `${CONFIG}agents:\n  command_rate: 2\n`);
    const say = () => h.send("issue_comment", commentPayload(5, "/pucs status", { commenter: "chatty[bot]", author: "chatty[bot]", bot: true }));
    await say();
    await say();
    await say(); // over: told once
    await say(); // over: ignored
    const r = replies(h, 5);
    expect(r).toHaveLength(3);
    expect(r[2]).toContain("gave more than 2 commands in a minute on this PR (`agents.command_rate`)");
    h.clock.now = NOW + 61_000;
    await say();
    expect(replies(h, 5)).toHaveLength(4);
  });

  it("PUCS's own bot and its marked comments are never acted on", async () => {
    const h = await harness();
    h.gh.reset();
    await h.send("issue_comment", commentPayload(3, "<!-- pucs:report -->\n/pucs lock execution/a.py", { commenter: "pucs[bot]", bot: true }));
    await h.send("issue_comment", commentPayload(3, "<!-- pucs:notice -->\n@x: /pucs lock execution/a.py", { commenter: "pucs[bot]", bot: true }));
    expect(h.gh.log).toEqual([]);
  });
});

describe("one identity across CLI and PRs", () => {
  it("a lock taken from the CLI under an agent id is the PR's own when its body carries PUCS-Agent: <id>", async () => {
    const h = await harness();
    h.gh.setLedger(acquireLock(emptyLedger(), { path: "execution/a.py", agent: "exec-agent-1", stream: "EXEC", task: "local work", ttlMinutes: 60, maxTtlMinutes: 480, queueGraceMinutes: 15, lease: "L" }, NOW).ledger);
    h.gh.prFiles.set(7, [{ filename: "execution/a.py", patch: patch(3, 2) }]);
    h.gh.prFiles.set(8, [{ filename: "execution/a.py", patch: patch(20, 2) }]);
    const p = pullPayload(7, { author: BOT });
    p.pull_request.user.type = "Bot";
    p.pull_request.body = "Fill predictor.\n\nPUCS-Agent: exec-agent-1\n";
    await h.send("pull_request", p);
    const run = h.gh.log.find((r) => r.path === `${BASE}/check-runs` && r.method === "POST");
    expect(run?.body).toMatchObject({ head_sha: p.pull_request.head.sha, conclusion: "success" });
    expect(h.gh.ledger!.footprints).toMatchObject([{ change: "#7", agent: "exec-agent-1" }]);
    // Without the trailer the same lock is someone else's.
    const q = pullPayload(8, { author: "stranger" });
    await h.send("pull_request", q);
    const run8 = h.gh.log.filter((r) => r.path === `${BASE}/check-runs` && r.method === "POST").at(-1);
    expect(run8?.body).toMatchObject({ head_sha: q.pull_request.head.sha, conclusion: "failure", output: { title: "Blocked: 1 locked, 1 overlap" } });
  });
});
