import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { acquireLock } from "../../src/ledger/transitions.js";
import { BASE, commentPayload, harness, patch, pullPayload, shaFor } from "./fake.js";

afterEach(() => nock.cleanAll());

/** The JSON block that ends every reply (test/app/reply-json.test.ts checks it): left out of the prose compared here. */
const prose = (body: string) => body.replace(/\n\n<details><summary>Machine-readable reply \(pucs\.reply\/v1\)<\/summary>[\s\S]*$/, "");

/** The replies on PR n, without the line naming the comment answered (the first test pins that line). */
const replies = (h: Awaited<ReturnType<typeof harness>>, n: number) =>
  h.gh.comments.filter((c) => c.issue === n && c.body.startsWith("<!-- pucs:reply -->")).map((c) => prose(String(c.body)).replace(/^(<!-- pucs:reply -->\n)<!-- pucs:reply-to \d+ -->\n/, "$1"));

describe("/pucs commands", () => {
  it("lock: 👀, the lock wins its compare-and-swap, THEN the reply and 👍; the author needs no permission lookup", async () => {
    const h = await harness();
    await h.send("issue_comment", commentPayload(3, "Taking this.\n/pucs lock execution/a.py --duration 45 -- rework routing"));
    expect(h.gh.calls()).toEqual([
      `GET ${BASE}/issues/3/comments`,
      `POST ${BASE}/issues/comments/9003/reactions`,
      "POST /graphql",
      `POST ${BASE}/git/trees`,
      `POST ${BASE}/git/commits`,
      `POST ${BASE}/git/refs`,
      `POST ${BASE}/issues/9003/comments`.replace("9003", "3"),
      `POST ${BASE}/issues/comments/9003/reactions`,
    ]);
    expect(h.gh.reactions).toEqual([
      { comment: 9003, content: "eyes" },
      { comment: 9003, content: "+1" },
    ]);
    expect(h.gh.ledger!.locks).toEqual([
      { lease: "id-2", path: "execution/a.py", agent: "agent3", stream: null, task: "rework routing", change: "#3", acquiredAt: "2026-11-23T12:00:00.000Z", expiresAt: "2026-11-23T12:45:00.000Z" },
    ]);
    const commit = h.gh.commits.get(h.gh.ledgerRef!)!;
    expect(commit.message).toBe("lock execution/a.py by agent3 (#3) until 2026-11-23T12:45:00Z\n\n(/pucs on #3 by @agent3)\n\nPucs-Nonce: " + commit.message.split("Pucs-Nonce: ")[1]);
    expect(h.gh.comments.filter((c) => c.issue === 3).map((c) => prose(c.body))).toEqual([
      "<!-- pucs:reply -->\n<!-- pucs:reply-to 9003 -->\n@agent3\n\n- ✅ `execution/a.py` locked for #3 until 2026-11-23T12:45:00Z",
    ]);
  });

  it("a redelivered command comment (same comment id) is recognized by its reply and does nothing", async () => {
    const h = await harness();
    const payload = commentPayload(3, "/pucs lock execution/a.py -- mine");
    await h.send("issue_comment", payload);
    const ledger = h.gh.ledgerRef;
    h.gh.reset();
    await h.send("issue_comment", structuredClone(payload));
    expect(h.gh.calls()).toEqual([`GET ${BASE}/issues/3/comments`]);
    expect(h.gh.ledgerRef).toBe(ledger);
    expect(replies(h, 3)).toHaveLength(1);
    // Both deliveries at once: handled one after the other in this process, so still one reply.
    const h2 = await harness();
    const p2 = commentPayload(3, "/pucs lock execution/a.py -- mine");
    await Promise.all([h2.send("issue_comment", p2), h2.send("issue_comment", structuredClone(p2))]);
    expect(replies(h2, 3)).toHaveLength(1);
    expect(h2.gh.reactions.map((r) => r.content)).toEqual(["eyes", "+1"]);
  });

  it("a lock held by another PR is refused with the holder, expiry and the queue command; 😕", async () => {
    const h = await harness();
    await h.send("issue_comment", commentPayload(3, "/pucs lock execution/a.py -- mine"));
    h.gh.reset();
    await h.send("issue_comment", commentPayload(4, "/pucs lock execution/a.py"));
    expect(replies(h, 4)).toEqual([
      "<!-- pucs:reply -->\n@agent4\n\n- ❌ `execution/a.py` is locked by agent3 (#3) until 2026-11-23T12:30:00Z (mine): wait in line with `/pucs queue execution/a.py`",
    ]);
    expect(h.gh.reactions.filter((r) => r.comment === 9004).map((r) => r.content)).toEqual(["eyes", "confused"]);
    // Refused: nothing written to the ledger.
    expect(h.gh.calls().filter((c) => c.includes("/git/"))).toEqual([]);
  });

  it("a read-only user is refused with why and what to do; the ledger is untouched", async () => {
    const h = await harness();
    h.gh.permissions.set("reader", "read");
    await h.send("issue_comment", commentPayload(3, "/pucs lock execution/a.py", { commenter: "reader" }));
    expect(h.gh.calls()).toContain(`GET ${BASE}/collaborators/reader/permission`);
    expect(replies(h, 3)).toEqual([
      "<!-- pucs:reply -->\n@reader\n\n- ❌ `/pucs lock execution/a.py`: `/pucs lock <paths|globs> [--duration D] [-- task]` is for the PR's author, or anyone with write access; @reader has read access to this repository. Ask a maintainer to run it, or to grant you write access.",
    ]);
    expect(h.gh.reactions.map((r) => r.content)).toEqual(["eyes", "confused"]);
    expect(h.gh.ledgerRef).toBeNull();
  });

  it("a bot that did not open the PR and is not in agents.bots is refused with how to allow it; the App's own comments are ignored without a single request", async () => {
    const h = await harness();
    await h.send("issue_comment", commentPayload(3, "/pucs release", { commenter: "other[bot]", bot: true }));
    expect(replies(h, 3)).toEqual([
      '<!-- pucs:reply -->\n@other[bot]\n\n- ❌ `/pucs release`: `/pucs release` is for the PR\'s author, or anyone with write access; @other[bot] is a bot that did not open this PR and is not listed in the config\'s `agents.bots`. To let it act, add `agents: { bots: { "other[bot]": write } }` to the PUCS config on the default branch.',
    ]);
    expect(h.gh.calls().filter((c) => c.includes("/collaborators/"))).toEqual([]);
    h.gh.reset();
    await h.send("issue_comment", commentPayload(3, "<!-- pucs:reply -->\n/pucs release", { commenter: "pucs[bot]", bot: true }));
    await h.send("issue_comment", commentPayload(3, "LGTM, no commands here"));
    expect(h.gh.log).toEqual([]);
  });

  it("an unknown command gets the suggestion and /pucs help; a parse error says the usage", async () => {
    const h = await harness();
    await h.send("issue_comment", commentPayload(3, "/pucs lokc a.py\n/pucs queue a.py b.py"));
    expect(replies(h, 3)).toEqual([
      "<!-- pucs:reply -->\n@agent3\n\n- ❌ Line 1 (`/pucs lokc a.py`): unknown command `lokc`. Did you mean `/pucs lock`? `/pucs help` lists the commands.\n- ❌ Line 2 (`/pucs queue a.py b.py`): queue takes exactly one path. Usage: `/pucs queue <path>`",
    ]);
    expect(h.gh.reactions.map((r) => r.content)).toEqual(["eyes", "confused"]);
  });

  it("several commands in one comment run in order in ONE ledger commit", async () => {
    const h = await harness();
    await h.send("issue_comment", commentPayload(3, "/pucs lock execution/a.py\n/pucs intent api/** --duration 2h -- new endpoints\n/pucs queue execution/b.py"));
    expect(h.gh.calls().filter((c) => c.endsWith("/git/commits"))).toHaveLength(1);
    const l = h.gh.ledger!;
    expect(l.locks.map((k) => k.path)).toEqual(["execution/a.py"]);
    expect(l.intents.map((i) => [i.files, i.description, i.expiresAt])).toEqual([[["api/**"], "new endpoints", "2026-11-23T14:00:00.000Z"]]);
    expect(l.queues).toEqual([{ path: "execution/b.py", waiters: [{ agent: "agent3", change: "#3", enqueuedAt: "2026-11-23T12:00:00.000Z" }] }]);
    expect(replies(h, 3)[0]).toBe(
      "<!-- pucs:reply -->\n@agent3\n\n- ✅ `execution/a.py` locked for #3 until 2026-11-23T12:30:00Z\n- ✅ intent on `api/**` recorded until 2026-11-23T14:00:00Z; others touching these files see it as INTENT_OVERLAP\n- ✅ #3 is number 1 in line for `execution/b.py` (not locked right now: take it with `/pucs lock execution/b.py`); this PR is told when it frees",
    );
  });

  it("unlocking another PR's lock needs maintain; a maintainer can force it and the queued PR is told", async () => {
    const h = await harness();
    h.gh.permissions.set("writer", "write");
    h.gh.permissions.set("boss", "maintain");
    await h.send("issue_comment", commentPayload(3, "/pucs lock execution/a.py"));
    await h.send("issue_comment", commentPayload(4, "/pucs queue execution/a.py"));
    await h.send("issue_comment", commentPayload(4, "/pucs unlock execution/a.py", { commenter: "writer" }));
    expect(replies(h, 4).at(-1)).toBe(
      "<!-- pucs:reply -->\n@writer\n\n- ❌ `execution/a.py` is held by agent3 (#3), not #4: releasing another PR's lock needs maintain or admin access (@writer has write)",
    );
    expect(h.gh.ledger!.locks).toHaveLength(1);
    await h.send("issue_comment", commentPayload(4, "/pucs unlock execution/a.py", { commenter: "boss" }));
    expect(h.gh.ledger!.locks).toEqual([]);
    expect(h.gh.comments.filter((c) => c.issue === 4 && c.body.startsWith("<!-- pucs:notice -->")).map((c) => c.body)).toEqual([
      expect.stringMatching(/^<!-- pucs:notice -->\n<!-- pucs:notice-key [0-9a-f]{16} -->\n@agent4: `execution\/a\.py` is free now \(released on #4\), and this PR is next in line\. Take it with `\/pucs lock execution\/a\.py`\.$/),
    ]);
  });

  it("gate override: maintainers only, recorded in the ledger with who and why", async () => {
    const h = await harness();
    h.gh.permissions.set("boss", "admin");
    await h.send("issue_comment", commentPayload(3, "/pucs gate override -- hotfix"));
    expect(replies(h, 3)[0]).toContain("is for maintainers and admins; @agent3 has no access");
    await h.send("issue_comment", commentPayload(3, "/pucs gate override -- hotfix for the outage", { commenter: "boss" }));
    expect(h.gh.ledger!.overrides).toEqual([{ change: "#3", by: "boss", reason: "hotfix for the outage", at: "2026-11-23T12:00:00.000Z" }]);
  });

  it("help is generated from the registry; status shows this PR's claims", async () => {
    const h = await harness();
    await h.send("issue_comment", commentPayload(3, "/pucs lock execution/a.py\n/pucs help\n/pucs status"));
    const body = replies(h, 3)[0]!;
    const { helpMarkdown } = await import("../../src/engine/commands.js");
    expect(body).toContain(helpMarkdown());
    expect(body).toContain("### PUCS status of #3");
  });

  it("a lost compare-and-swap race is retried on the new head and the other writer's update is kept", async () => {
    const h = await harness();
    await h.send("issue_comment", commentPayload(3, "/pucs lock execution/a.py"));
    // Another instance commits #5's lock between our read and our ref update.
    let raced = false;
    h.gh.beforeRefUpdate = () => {
      if (raced) return;
      raced = true;
      h.gh.setLedger(acquireLock(h.gh.ledger!, { path: "execution/z.py", agent: "agent5", stream: null, task: "t", change: "#5", ttlMinutes: 30, maxTtlMinutes: 480, queueGraceMinutes: 15, lease: "other" }, h.clock.now).ledger);
    };
    h.gh.reset();
    await h.send("issue_comment", commentPayload(4, "/pucs lock execution/b.py"));
    expect(h.gh.calls().filter((c) => c.includes("graphql") || c.includes("/git/"))).toEqual([
      "POST /graphql",
      `POST ${BASE}/git/trees`,
      `POST ${BASE}/git/commits`,
      `PATCH ${BASE}/git/refs/pucs%2Fledger`,
      "POST /graphql",
      `POST ${BASE}/git/trees`,
      `POST ${BASE}/git/commits`,
      `PATCH ${BASE}/git/refs/pucs%2Fledger`,
    ]);
    expect(h.gh.ledger!.locks.map((k) => `${k.path} ${k.change}`)).toEqual(["execution/a.py #3", "execution/b.py #4", "execution/z.py #5"]);
    expect(replies(h, 4)).toEqual(["<!-- pucs:reply -->\n@agent4\n\n- ✅ `execution/b.py` locked for #4 until 2026-11-23T12:30:00Z"]);
  });
});

describe("/pucs sync", () => {
  it("rebuilds a lost ledger from the PR's comments (each claim at the time it was written) and its files", async () => {
    const h = await harness();
    h.gh.permissions.set("reader", "read");
    h.gh.prFiles.set(3, [{ filename: "execution/a.py", patch: patch(1, 1) }]);
    const at = (min: number) => new Date(Date.parse("2026-11-23T11:00:00Z") + min * 60_000).toISOString();
    h.gh.comments.push(
      { id: 1, issue: 3, body: "/pucs lock execution/a.py -- routing", user: { login: "agent3", type: "User" }, created_at: at(40) },
      { id: 2, issue: 3, body: "/pucs intent api/** --duration 2h", user: { login: "agent3", type: "User" }, created_at: at(45) },
      { id: 3, issue: 3, body: "/pucs lock execution/old.py", user: { login: "agent3", type: "User" }, created_at: at(0) }, // expired by now
      { id: 4, issue: 3, body: "/pucs lock execution/c.py", user: { login: "reader", type: "User" }, created_at: at(50) }, // may not claim
      { id: 5, issue: 3, body: "<!-- pucs:report -->\n/pucs lock x.py", user: { login: "pucs[bot]", type: "Bot" }, created_at: at(51) },
    );
    await h.send("issue_comment", commentPayload(3, "/pucs sync"));
    const l = h.gh.ledger!;
    expect(l.locks.map((k) => [k.path, k.task, k.acquiredAt, k.expiresAt])).toEqual([["execution/a.py", "routing", at(40), at(70)]]);
    expect(l.intents.map((i) => [i.files, i.signalledAt, i.expiresAt])).toEqual([[["api/**"], at(45), at(165)]]);
    expect(l.footprints.map((f) => [f.change, f.files.map((x) => x.path)])).toEqual([["#3", ["execution/a.py"]]]);
    expect(replies(h, 3)).toEqual([
      "<!-- pucs:reply -->\n@agent3\n\n- ✅ synced #3: replayed 3 claim command(s) from its comments → 1 lock(s), 1 intent(s), 0 queue place(s); footprint re-read from its files and labels.",
    ]);
    // The second sync knows the PR's stream from its footprint now and records it on the claims ...
    await h.send("issue_comment", commentPayload(3, "/pucs sync"));
    expect(h.gh.ledger!.locks.map((k) => [k.stream, k.lease])).toEqual([["EXEC", l.locks[0]!.lease]]);
    // ... and a third changes nothing: same leases, same ids, no commit.
    const ref = h.gh.ledgerRef;
    await h.send("issue_comment", commentPayload(3, "/pucs sync"));
    expect(h.gh.ledgerRef).toBe(ref);
  });
});

describe("failures while running commands", () => {
  it("a corrupt ledger: the reply says so and how to fix it, 😕, nothing written", async () => {
    const h = await harness();
    h.gh.commits.set("c".repeat(40), { sha: "c".repeat(40), text: '{"kind":"other"}', parents: [], message: "x" });
    h.gh.ledgerRef = "c".repeat(40);
    await expect(h.send("issue_comment", commentPayload(3, "/pucs lock execution/a.py"))).rejects.toBeTruthy();
    expect(replies(h, 3)[0]).toMatch(/^<!-- pucs:reply -->\n@agent3\n\n- ❌ nothing was done: refs\/pucs\/ledger at ccccccc: .*Inspect it with `git fetch https:\/\/github.com\/Codertocat\/Hello-World refs\/pucs\/ledger/);
    expect(h.gh.reactions.map((r) => r.content)).toEqual(["eyes", "confused"]);
    expect(h.gh.ledgerRef).toBe("c".repeat(40));
  });

  it("a lock or intent longer than the configured maximum is refused with the limit", async () => {
    const h = await harness();
    await h.send("issue_comment", commentPayload(3, "/pucs lock execution/a.py --duration 9h\n/pucs intent api/** --duration 3d"));
    expect(replies(h, 3)).toEqual([
      "<!-- pucs:reply -->\n@agent3\n\n- ❌ `/pucs lock execution/a.py --duration 9h`: a lock of 9h is longer than the configured locks.max_ttl (8h): ask for less and extend it later\n- ❌ `/pucs intent api/** --duration 3d`: an intent of 3d is longer than the configured locks.max_ttl (8h): declare less and signal again later",
    ]);
    expect(h.gh.ledgerRef).toBeNull();
  });
});
