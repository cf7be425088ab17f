import nock from "nock";
import { footprintPath } from "../../src/ledger/layout.js";
import { afterEach, describe, expect, it } from "vitest";
import { emptyLedger } from "../../src/ledger/schema.js";
import { isoTime, recordFootprint } from "../../src/ledger/transitions.js";
import { BASE, commentPayload, harness, NOW, patch, pullPayload, shaFor } from "./fake.js";

afterEach(() => nock.cleanAll());

describe("locks, merges and queues", () => {
  it("a lock taken by one PR fails another PR's push: LOCKED → QUEUE, failure annotation, pucs:conflict", async () => {
    const h = await harness();
    await h.send("issue_comment", commentPayload(3, "/pucs lock execution/a.py -- rework"));
    h.gh.prFiles.set(4, [{ filename: "execution/a.py", patch: patch(5, 1) }]);
    await h.send("pull_request", pullPayload(4, {}));
    const run = h.gh.checkRuns.find((r) => r.head_sha === shaFor(4))!;
    expect([run.conclusion, run.output.title]).toEqual(["failure", "Blocked: 1 locked"]);
    expect(run.output.annotations).toEqual([
      {
        path: "execution/a.py",
        start_line: 5,
        end_line: 5,
        annotation_level: "failure",
        title: "PUCS LOCKED → QUEUE",
        message: expect.stringMatching(/^Locked by #3 \(agent3\) until 2026-11-23T12:30:00.000Z: rework\.\nWait until #3 \(agent3\) releases execution\/a.py/),
      },
    ]);
    expect(h.gh.issueLabels.get(4)).toEqual(["pucs:conflict"]);
  });

  it("merging releases the PR's locks, intents and footprint in one commit and tells the next PR in line", async () => {
    const h = await harness();
    h.gh.prFiles.set(3, [{ filename: "execution/a.py", patch: patch(5, 1) }]);
    await h.send("pull_request", pullPayload(3, {}));
    await h.send("issue_comment", commentPayload(3, "/pucs lock execution/a.py\n/pucs intent api/x.py"));
    await h.send("issue_comment", commentPayload(4, "/pucs queue execution/a.py"));
    h.gh.reset();
    await h.send("pull_request", pullPayload(3, { action: "closed", merged: true }));
    const l = h.gh.ledger!;
    expect([l.locks, l.intents, l.footprints.map((f) => f.change)]).toEqual([[], [], []]);
    // #4 was told the path is free: its queue_grace runs from now (a third PR asking now would queue behind it).
    expect(l.queues).toEqual([{ path: "execution/a.py", waiters: [{ agent: "agent4", change: "#4", enqueuedAt: isoTime(NOW), notifiedAt: isoTime(NOW) }] }]);
    expect(h.gh.commits.get(h.gh.ledgerRef!)!.message.split("\n")[0]).toBe("release #3: 1 lock, 1 intent, footprint; next: agent4 for execution/a.py");
    expect(h.gh.writes().map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST ${BASE}/git/trees`,
      `POST ${BASE}/git/commits`,
      `PATCH ${BASE}/git/refs/pucs%2Fledger`,
      `POST ${BASE}/issues/4/comments`,
    ]);
    expect(h.gh.log.find((r) => r.path === `${BASE}/issues/4/comments` && r.method === "POST")!.body).toEqual({
      body: expect.stringMatching(/^<!-- pucs:notice -->\n<!-- pucs:notice-key [0-9a-f]{16} -->\n@agent4: `execution\/a\.py` is free now \(#3 was merged\), and this PR is next in line\. Take it with `\/pucs lock execution\/a\.py`\.$/),
    });
  });

  it("the pucs:lock label locks every changed file; removing it releases them", async () => {
    const h = await harness();
    h.gh.prFiles.set(3, [{ filename: "execution/a.py", patch: patch(5, 1) }, { filename: "api/b.py", patch: patch(1, 1) }]);
    await h.send("pull_request", pullPayload(3, { action: "labeled", labels: ["pucs:lock"] }));
    expect(h.gh.ledger!.locks.map((k) => [k.path, k.change, k.task, k.expiresAt])).toEqual([
      ["api/b.py", "#3", "pucs:lock label on #3", "2026-11-23T12:30:00.000Z"],
      ["execution/a.py", "#3", "pucs:lock label on #3", "2026-11-23T12:30:00.000Z"],
    ]);
    const p = pullPayload(3, { action: "unlabeled" });
    p.label = { name: "pucs:lock" };
    await h.send("pull_request", p);
    expect(h.gh.ledger!.locks).toEqual([]);
  });

  it("concurrent commands: no lost update, the loser refused", async () => {
    const h = await harness();
    await Promise.all([
      h.send("issue_comment", commentPayload(3, "/pucs lock execution/a.py")),
      h.send("issue_comment", commentPayload(4, "/pucs lock execution/b.py")),
      h.send("issue_comment", commentPayload(5, "/pucs lock execution/a.py")),
    ]);
    // At most one commit per command. How many share a commit depends on how the three deliveries
    // interleave (so it is not asserted here: it made this test flaky); test/app/ledger-writer.test.ts
    // pins the batching deterministically (what arrives while a commit is in flight shares the next).
    expect(h.gh.calls().filter((c) => c.endsWith("/git/commits")).length).toBeLessThanOrEqual(3);
    expect(h.gh.ledger!.locks.map((k) => `${k.path} ${k.change}`)).toEqual(["execution/a.py #3", "execution/b.py #4"]);
    expect(h.gh.comments.find((c) => c.issue === 5)!.body).toContain("❌ `execution/a.py` is locked by agent3 (#3)");
  });
});

describe("config", () => {
  it("no config: one neutral check saying how to add one, nothing else (no comment, no ledger)", async () => {
    const h = await harness();
    h.gh.defaultFiles.clear();
    h.gh.prFiles.set(1, [{ filename: "src/a.ts", patch: patch(1, 1) }]);
    await h.send("pull_request", pullPayload(1, {}));
    expect(h.gh.writes().map((r) => `${r.method} ${r.path}`)).toEqual([`POST ${BASE}/check-runs`]);
    const run = h.gh.checkRuns[0]!;
    expect([run.conclusion, run.output.title]).toEqual(["neutral", "PUCS is not configured for this repository"]);
    expect(run.output.summary).toContain("`npx pucs init --write-config`");
  });

  it("a PR that breaks the config gets a failing check with file:line:col annotations", async () => {
    const h = await harness();
    const bad = "version: 1\nstreams:\n  EXEC:\n    name: Execution\n    files_pattern: \"execution/**\"\n    max_agents: many\n";
    h.gh.headFiles.set(shaFor(6), new Map([["config/pucs_streams.yaml", bad]]));
    h.gh.prFiles.set(6, [{ filename: "config/pucs_streams.yaml", patch: patch(6, 1) }]);
    await h.send("pull_request", pullPayload(6, {}));
    const run = h.gh.checkRuns.find((r) => r.head_sha === shaFor(6))!;
    expect(run.conclusion).toBe("failure");
    expect(run.output.title).toMatch(/^Invalid PUCS config: 1 problem · /);
    expect(run.output.summary).toMatch(/```\nconfig\/pucs_streams\.yaml:6:17: error: .*max_agents/);
    expect(run.output.annotations[0]).toMatchObject({ path: "config/pucs_streams.yaml", start_line: 6, end_line: 6, annotation_level: "failure", title: "PUCS config" });
  });
});

describe("GitHub failures", () => {
  it("404 on the PR's files: the handler fails with what was missing; nothing is published or written", async () => {
    const h = await harness();
    h.gh.failNext("GET", /\/pulls\/1\/files$/, 404, { message: "Not Found" });
    const err = await h.send("pull_request", pullPayload(1, {})).catch((e) => e);
    expect(String(err.errors?.[0]?.message ?? err.message)).toContain("GitHub could not find what PUCS needed to list the files of pull request #1 (404 Not Found)");
    expect(h.gh.writes()).toEqual([]);
  });

  it("422 on the check run: the error carries GitHub's validation message", async () => {
    const h = await harness();
    h.gh.prFiles.set(1, [{ filename: "execution/a.py", patch: patch(1, 1) }]);
    h.gh.failNext("POST", /\/check-runs$/, 422, { message: "Validation Failed", errors: [{ resource: "CheckRun", field: "head_sha", code: "invalid" }] });
    const err = await h.send("pull_request", pullPayload(1, {})).catch((e) => e);
    expect(String(err.errors?.[0]?.message ?? err.message)).toContain("GitHub rejected the request to create the PUCS / conflicts check run on 0001aaa (422 Validation Failed: CheckRun head_sha invalid)");
    expect(h.gh.ledgerRef).toBeNull();
  });

  it("5xx on the ledger write: the report is already out; the failure is reported, the ledger unchanged, the next event retries", async () => {
    const h = await harness();
    h.gh.prFiles.set(1, [{ filename: "execution/a.py", patch: patch(1, 1) }]);
    h.gh.failNext("POST", /\/git\/trees$/, 502, { message: "Server Error" });
    const err = await h.send("pull_request", pullPayload(1, {})).catch((e) => e);
    expect(String(err.errors?.[0]?.message ?? err.message)).toContain("GitHub failed to write the ledger tree for refs/pucs/ledger (502 Server Error)");
    expect(h.gh.checkRuns).toHaveLength(1);
    expect(h.gh.ledgerRef).toBeNull();
    await h.send("pull_request", pullPayload(1, { action: "synchronize" }));
    expect(h.gh.ledger!.footprints.map((f) => f.change)).toEqual(["#1"]);
    expect(h.gh.checkRuns).toHaveLength(1);
  });

  it("a corrupt ledger is shown on the PR and never overwritten", async () => {
    const h = await harness();
    h.gh.commits.set("b".repeat(40), { sha: "b".repeat(40), text: "{ not json", parents: [], message: "x" });
    h.gh.ledgerRef = "b".repeat(40);
    h.gh.prFiles.set(1, [{ filename: "execution/a.py", patch: patch(1, 1) }]);
    await expect(h.send("pull_request", pullPayload(1, {}))).rejects.toBeTruthy();
    expect(h.gh.ledgerRef).toBe("b".repeat(40));
    const run = h.gh.checkRuns[0]!;
    expect([run.conclusion, run.output.title]).toEqual(["failure", "PUCS ledger unusable: nothing was checked"]);
    expect(run.output.summary).toMatch(/^refs\/pucs\/ledger at bbbbbbb: /);
  });
});

describe("webhooks late, twice or out of order: the App acts on the PR as it is now", () => {
  const late = (h: Awaited<ReturnType<typeof harness>>, payload: Record<string, unknown>) =>
    h.probot.receive({ id: `late-${Math.random()}`, name: "pull_request", payload } as Parameters<typeof h.probot.receive>[0]);

  it("a synchronize for an older head arriving after the newer one records the newer head and reports nothing on the old one", async () => {
    const h = await harness();
    h.gh.prFiles.set(1, [{ filename: "execution/a.py", patch: patch(1, 1) }]);
    const A = "a".repeat(40);
    const B = "b".repeat(40);
    const old = pullPayload(1, { action: "synchronize", headSha: A });
    await h.send("pull_request", pullPayload(1, { headSha: A }));
    await h.send("pull_request", pullPayload(1, { action: "synchronize", headSha: B }));
    const ref = h.gh.ledgerRef;
    await late(h, old);
    expect(h.gh.ledger!.footprints.map((f) => f.headSha)).toEqual([B]);
    expect(h.gh.ledgerRef).toBe(ref);
    expect(h.gh.checkRuns.map((r) => r.head_sha)).toEqual([A, B]);
  });

  it("a synchronize or a labeled event delivered after `closed` claims nothing for the closed PR (no phantom footprint or lock)", async () => {
    const h = await harness();
    h.gh.prFiles.set(1, [{ filename: "execution/a.py", patch: patch(1, 1) }]);
    const labeled = pullPayload(1, { action: "labeled", labels: ["pucs:lock"] });
    labeled.label = { name: "pucs:lock" };
    await h.send("pull_request", labeled);
    expect(h.gh.ledger!.locks.map((k) => k.path)).toEqual(["execution/a.py"]);
    await h.send("pull_request", pullPayload(1, { action: "closed", merged: true, labels: ["pucs:lock"] }));
    expect(h.gh.ledger!.locks).toEqual([]);
    const ref = h.gh.ledgerRef;
    await late(h, pullPayload(1, { action: "synchronize", labels: ["pucs:lock"] }));
    await late(h, labeled);
    expect(h.gh.ledger!.footprints).toEqual([]);
    expect(h.gh.ledger!.locks).toEqual([]);
    expect(h.gh.ledgerRef).toBe(ref);
  });

  it("a `closed` arriving after the PR was reopened releases nothing: the PR is open, so it is analyzed", async () => {
    const h = await harness();
    h.gh.prFiles.set(1, [{ filename: "execution/a.py", patch: patch(1, 1) }]);
    const closed = pullPayload(1, { action: "closed" });
    await h.send("pull_request", pullPayload(1, { action: "reopened" }));
    await late(h, closed);
    expect(h.gh.ledger!.footprints.map((f) => f.change)).toEqual(["#1"]);
  });
});

describe("API budget", () => {
  async function pushWith(openPrs: number) {
    const h = await harness();
    let l = emptyLedger();
    for (let i = 100; i < 100 + openPrs; i++) {
      l = recordFootprint(l, {
        change: `#${i}`,
        agent: `a${i}`,
        stream: "EXEC",
        headSha: shaFor(i),
        draft: false,
        files: Array.from({ length: 20 }, (_, j) => ({ path: `execution/pr${i}/f${j}.py`, changes: [{ start: 1, end: 3 }] })),
        recordedAt: isoTime(NOW),
      }).ledger;
    }
    // The pushed PR's own footprint, from its previous head.
    l = recordFootprint(l, { change: "#1", agent: "agent1", stream: "API", headSha: "f".repeat(40), draft: false, files: [{ path: "api/own.py", changes: [{ start: 1, end: 1 }] }], recordedAt: isoTime(NOW) }).ledger;
    h.gh.setLedger(l);
    h.gh.prFiles.set(1, [{ filename: "api/own.py", patch: patch(1, 1) }]);
    await h.send("pull_request", pullPayload(1, { action: "synchronize" }));
    return h;
  }

  it("a push costs the same requests with 1 or 500 open PRs in the ledger (2 reads; 1 write shows the report, 3 record the footprint)", async () => {
    const one = await pushWith(1);
    const many = await pushWith(500);
    expect(many.gh.calls()).toEqual(one.gh.calls());
    const reads = one.gh.log.filter((r) => r.method === "GET" || r.path === "/graphql").length;
    expect({ reads, writes: one.gh.writes().length }).toEqual({ reads: 2, writes: 4 });
    expect(one.gh.calls()).toEqual([
      `GET ${BASE}/pulls/1/files`,
      "POST /graphql",
      `POST ${BASE}/check-runs`,
      `POST ${BASE}/git/trees`,
      `POST ${BASE}/git/commits`,
      `PATCH ${BASE}/git/refs/pucs%2Fledger`,
    ]);
    expect(many.gh.ledger!.footprints).toHaveLength(501);
    // And the same bytes: the state read asks for #1's footprint, its file's index shard and its streams'
    // summaries, never the footprints tree (so the 500 others' files are not in the answer).
    const queries = (h: typeof one) => h.gh.log.filter((r) => r.path === "/graphql").map((r) => String((r.body as { query: string }).query));
    expect(queries(many)).toEqual(queries(one));
    expect(queries(many)[0]).not.toContain('file(path: "footprints")');
    expect(queries(many)[0]).toContain(`file(path: "${footprintPath("#1")}")`);
    expect(one.gh.ledger!.footprints.find((f) => f.change === "#1")!.headSha).toBe(shaFor(1));
  });

  it("the same push delivered again: the run on that head is found and left as it is, the ledger untouched", async () => {
    const h = await pushWith(1);
    const ref = h.gh.ledgerRef;
    h.gh.reset();
    await h.send("pull_request", pullPayload(1, { action: "synchronize" }));
    expect(h.gh.calls()).toEqual([`GET ${BASE}/pulls/1/files`, "POST /graphql", `GET ${BASE}/commits/${shaFor(1)}/check-runs`]);
    expect(h.gh.ledgerRef).toBe(ref);
    expect(h.gh.checkRuns).toHaveLength(1);
  });
});

describe("App authentication", () => {
  it("runs as an installation: a JWT-signed token exchange with a key generated for the test, then the same requests", async () => {
    const h = await harness({ appAuth: true });
    const p = pullPayload(1, {});
    p.installation = { id: 42, node_id: "x" };
    h.gh.prFiles.set(1, [{ filename: "execution/a.py", patch: patch(1, 1) }]);
    await h.send("pull_request", p);
    expect(h.gh.calls()[0]).toBe("POST /app/installations/42/access_tokens");
    expect(h.gh.checkRuns).toHaveLength(1);
  });
});

describe("labels", () => {
  it("the first event in a repository creates the labels people use (pucs:lock, one per stream) and PUCS sets, once", async () => {
    const h = await harness({ labelsEnsured: false });
    h.gh.repoLabels.set("pucs:lock", { name: "pucs:lock", color: "000000", description: "kept as the maintainers set it" });
    h.gh.prFiles.set(1, [{ filename: "execution/a.py", patch: patch(1, 1) }]);
    await h.send("pull_request", pullPayload(1, {}));
    expect(h.gh.log.filter((r) => r.path === `${BASE}/labels` && r.method === "POST").map((r) => r.body)).toEqual([
      { name: "pucs:conflict", color: "d93f0b", description: "PUCS: this PR conflicts with other work (see the PUCS / conflicts check)" },
      { name: "pucs:queued", color: "fbca04", description: "PUCS: this PR waits in line for a locked path" },
      { name: "pucs:stream:EXEC", color: "1d76db", description: "PUCS: this PR belongs to the EXEC stream (Execution)" },
      { name: "pucs:stream:API", color: "1d76db", description: "PUCS: this PR belongs to the API stream (API)" },
    ]);
    expect(h.gh.repoLabels.get("pucs:lock")!.color).toBe("000000");
    h.gh.reset();
    await h.send("pull_request", pullPayload(1, { action: "synchronize", headSha: "e".repeat(40) }));
    expect(h.gh.calls().filter((c) => c.includes("/labels"))).toEqual([]);
  });

  it("installation events other than an installation on repositories are logged and cost no request (that one: test/app/install.test.ts)", async () => {
    const h = await harness();
    const { example } = await import("./fake.js");
    for (const action of ["deleted", "new_permissions_accepted"]) await h.send("installation", example("installation", action));
    await h.send("installation_repositories", example("installation_repositories", "removed"));
    expect(h.gh.log).toEqual([]);
  });
});
