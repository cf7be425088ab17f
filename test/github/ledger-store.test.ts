import nock from "nock";
import { ProbotOctokit } from "probot";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { GitHubClient } from "../../src/github/client.js";
import { GitHubRefStore, primedStore } from "../../src/github/ledger-store.js";
import { emptyLedger, serializeLedger } from "../../src/ledger/schema.js";
import { LedgerError } from "../../src/ledger/store.js";
import { transact } from "../../src/ledger/transact.js";
import { acquireLock } from "../../src/ledger/transitions.js";

const API = "https://api.github.com";
const repo = { owner: "octo", repo: "demo" };
const client = (): GitHubClient =>
  new ProbotOctokit({ auth: { token: "t" }, retry: { enabled: false }, throttle: { enabled: false } }) as unknown as GitHubClient;
const store = () => new GitHubRefStore(client(), repo, { nonce: () => "n0nce" });

const HEAD = "a".repeat(40);
const refNode = (text: string | null, typename = "Commit") => ({
  data: { repository: { ledger: { target: { __typename: typename, oid: HEAD, ...(typename === "Commit" ? { file: text === null ? null : { object: { __typename: "Blob", oid: "b".repeat(40), text, isTruncated: false, isBinary: false } } } : {}) } } } },
});
const lock = (l = emptyLedger()) => acquireLock(l, { path: "a.py", agent: "alice", stream: null, task: "t", change: "#1", ttlMinutes: 30, lease: "L1" }, Date.parse("2026-11-23T12:00:00Z"));

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});

describe("GitHubRefStore.read", () => {
  it("reads the ref and ledger.json in ONE GraphQL query", async () => {
    const ledger = lock().ledger;
    let body: { query: string; variables: Record<string, unknown> } | undefined;
    nock(API)
      .post("/graphql", (b) => ((body = b), true))
      .reply(200, refNode(serializeLedger(ledger)));
    const s = await store().read();
    expect(s).toEqual({ ledger, version: HEAD });
    expect(body!.variables).toEqual({ owner: "octo", name: "demo", ref: "refs/pucs/ledger" });
    expect(body!.query).toContain('file(path: "ledger.json")');
  });

  it("no ref → the empty ledger at version null", async () => {
    nock(API).post("/graphql").reply(200, { data: { repository: { ledger: null } } });
    expect(await store().read()).toEqual({ ledger: emptyLedger(), version: null });
  });

  it("a ref without ledger.json is foreign, never overwritten", async () => {
    nock(API).post("/graphql").reply(200, refNode(null));
    const e = (await store().read().catch((x) => x)) as LedgerError;
    expect(e).toBeInstanceOf(LedgerError);
    expect(e.code).toBe("foreign");
    expect(e.message).toMatch(/^refs\/pucs\/ledger at aaaaaaa: its commit has no ledger.json, so it is not a PUCS ledger\. PUCS will not overwrite it\. The ledger was not changed\./);
  });

  it("a ref to a tag is foreign", async () => {
    nock(API).post("/graphql").reply(200, refNode(null, "Tag"));
    await expect(store().read()).rejects.toMatchObject({ code: "foreign", message: expect.stringContaining("points to a tag, not a commit") });
  });

  it("a ledger.json that is not JSON is corrupt", async () => {
    nock(API).post("/graphql").reply(200, refNode("{ nope"));
    await expect(store().read()).rejects.toMatchObject({ code: "corrupt" });
  });

  it("a blob too large for GraphQL text is fetched by REST", async () => {
    const text = serializeLedger(lock().ledger);
    nock(API)
      .post("/graphql")
      .reply(200, { data: { repository: { ledger: { target: { __typename: "Commit", oid: HEAD, file: { object: { __typename: "Blob", oid: "c".repeat(40), text: null, isTruncated: true, isBinary: false } } } } } } })
      .get(`/repos/octo/demo/git/blobs/${"c".repeat(40)}`)
      .reply(200, { encoding: "base64", content: Buffer.from(text).toString("base64") });
    expect((await store().read()).ledger).toEqual(lock().ledger);
  });

  it("a version read again with the same text is not parsed again: the same frozen ledger; another text at that version is parsed", async () => {
    const ledger = lock().ledger;
    const text = serializeLedger(ledger);
    nock(API).post("/graphql").reply(200, refNode(text)).post("/graphql").reply(200, refNode(text));
    const a = await store().read();
    const b = await store().read();
    expect(a.ledger).toEqual(ledger);
    expect(b.ledger).toBe(a.ledger);
    expect(Object.isFrozen(a.ledger.locks[0])).toBe(true);
    // GitHub never serves two texts for one commit; if it did, the text read wins.
    nock(API).post("/graphql").reply(200, refNode(serializeLedger(emptyLedger())));
    expect((await store().read()).ledger).toEqual(emptyLedger());
  });

  it("refuses a ref outside refs/pucs/", () => {
    expect(() => new GitHubRefStore(client(), repo, { ref: "refs/heads/main" })).toThrow("the PUCS ledger lives under refs/pucs/");
  });
});

describe("GitHubRefStore.write", () => {
  it("creates the ref: tree with the content inlined, a parentless commit with a nonce, POST git/refs", async () => {
    const next = lock().ledger;
    const bodies: unknown[] = [];
    nock(API)
      .post("/repos/octo/demo/git/trees", (b) => (bodies.push(b), true))
      .reply(201, { sha: "t1" })
      .post("/repos/octo/demo/git/commits", (b) => (bodies.push(b), true))
      .reply(201, { sha: "c1" })
      .post("/repos/octo/demo/git/refs", (b) => (bodies.push(b), true))
      .reply(201, { ref: "refs/pucs/ledger" });
    expect(await store().write(next, null, "lock a.py by alice (#1)")).toEqual({ ok: true, version: "c1" });
    expect(bodies).toEqual([
      { tree: [{ path: "ledger.json", mode: "100644", type: "blob", content: serializeLedger(next) }] },
      { message: "lock a.py by alice (#1)\n\nPucs-Nonce: n0nce\n", tree: "t1", parents: [] },
      { ref: "refs/pucs/ledger", sha: "c1" },
    ]);
  });

  it("moves the ref with force: false on top of the head read", async () => {
    let patch: unknown;
    nock(API)
      .post("/repos/octo/demo/git/trees")
      .reply(201, { sha: "t2" })
      .post("/repos/octo/demo/git/commits", (b) => b.parents[0] === HEAD)
      .reply(201, { sha: "c2" })
      .patch("/repos/octo/demo/git/refs/pucs%2Fledger", (b) => ((patch = b), true))
      .reply(200, {});
    expect(await store().write(lock().ledger, HEAD, "m")).toEqual({ ok: true, version: "c2" });
    expect(patch).toEqual({ sha: "c2", force: false });
  });

  it.each([
    ["PATCH", "Update is not a fast forward"],
    ["POST", "Reference already exists"],
    ["PATCH", "Reference does not exist"],
  ])("%s answered 422 %s is a lost race", async (method, message) => {
    const scope = nock(API).post("/repos/octo/demo/git/trees").reply(201, { sha: "t" }).post("/repos/octo/demo/git/commits").reply(201, { sha: "c" });
    if (method === "PATCH") scope.patch("/repos/octo/demo/git/refs/pucs%2Fledger").reply(422, { message });
    else scope.post("/repos/octo/demo/git/refs").reply(422, { message });
    expect(await store().write(lock().ledger, method === "PATCH" ? HEAD : null, "m")).toEqual({ ok: false, reason: "conflict" });
  });

  it("a read of the version it wrote returns the ledger as written (frozen) without parsing it again", async () => {
    const next = lock().ledger;
    const C = "c".repeat(40);
    nock(API).post("/repos/octo/demo/git/trees").reply(201, { sha: "t" }).post("/repos/octo/demo/git/commits").reply(201, { sha: C }).patch("/repos/octo/demo/git/refs/pucs%2Fledger").reply(200, {});
    const s = store();
    expect(await s.write(next, HEAD, "m")).toEqual({ ok: true, version: C });
    const node = refNode(serializeLedger(next));
    node.data.repository.ledger.target.oid = C;
    nock(API).post("/graphql").reply(200, node).post("/graphql").reply(200, node);
    const first = await s.read();
    expect(first).toEqual({ ledger: next, version: C });
    expect(Object.isFrozen(first.ledger)).toBe(true);
    expect((await store().read()).ledger).toBe(first.ledger);
  });

  it("any other failure is a GitHubError, not a silent conflict", async () => {
    nock(API).post("/repos/octo/demo/git/trees").reply(403, { message: "Resource not accessible by integration" });
    await expect(store().write(lock().ledger, HEAD, "m")).rejects.toMatchObject({ kind: "forbidden", message: expect.stringContaining("the App lacks `contents: write` on octo/demo") });
  });

  it("transact: a lost race re-reads and retries on the new head, never losing the other writer's update", async () => {
    const theirs = acquireLock(emptyLedger(), { path: "b.py", agent: "bob", stream: null, task: "t", change: "#2", ttlMinutes: 30, lease: "L2" }, Date.parse("2026-11-23T12:00:00Z")).ledger;
    const NEW = "d".repeat(40);
    let written: string | undefined;
    nock(API)
      .post("/repos/octo/demo/git/trees").reply(201, { sha: "t1" })
      .post("/repos/octo/demo/git/commits").reply(201, { sha: "c1" })
      .post("/repos/octo/demo/git/refs").reply(422, { message: "Reference already exists" })
      .post("/graphql").reply(200, { data: { repository: { ledger: { target: { __typename: "Commit", oid: NEW, file: { object: { __typename: "Blob", oid: "e", text: serializeLedger(theirs), isTruncated: false, isBinary: false } } } } } } })
      .post("/repos/octo/demo/git/trees", (b) => ((written = b.tree[0].content), true)).reply(201, { sha: "t2" })
      .post("/repos/octo/demo/git/commits", (b) => b.parents[0] === NEW).reply(201, { sha: "c2" })
      .patch("/repos/octo/demo/git/refs/pucs%2Fledger", { sha: "c2", force: false }).reply(200, {});
    const s = store();
    const r = await transact(primedStore(s, { ledger: emptyLedger(), version: null }), (l) => lock(l), { sleep: async () => {}, random: () => 0 });
    expect([r.attempts, r.wrote, r.version]).toEqual([2, true, "c2"]);
    expect(JSON.parse(written!).locks.map((k: { path: string }) => k.path)).toEqual(["a.py", "b.py"]);
  });
});
