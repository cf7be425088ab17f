import nock from "nock";
import { ProbotOctokit } from "probot";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { GitHubClient } from "../../src/github/client.js";
import { GitHubRefStore, primedStore } from "../../src/github/ledger-store.js";
import { canonicalLedger, emptyLedger, serializeLedger } from "../../src/ledger/schema.js";
import { SUMMARY_MARK, blobOid, headPath, changeKey, gateEntryPath, footprintPath, indexDir, layoutDiff, layoutFiles, ledgerFromFiles, summaryPath } from "../../src/ledger/layout.js";
import { fullLedger } from "../ledger/fixtures.js";
import { LedgerError } from "../../src/ledger/store.js";
import { transact } from "../../src/ledger/transact.js";
import { acquireLock } from "../../src/ledger/transitions.js";

const API = "https://api.github.com";
const repo = { owner: "octo", repo: "demo" };
const client = (): GitHubClient =>
  new ProbotOctokit({ auth: { token: "t" }, retry: { enabled: false }, throttle: { enabled: false } }) as unknown as GitHubClient;
const store = () => new GitHubRefStore(client(), repo, { nonce: () => "n0nce" });

/** A fresh head per test: ledgers are remembered by commit, and a commit's content never changes on GitHub. */
let HEAD = "a".repeat(40);
let seq = 0;
beforeEach(() => {
  HEAD = (++seq).toString(16).padStart(40, "a");
});
const TREE = "f".repeat(40);
const blobNode = (text: string | null, oid = text === null ? "b".repeat(40) : blobOid(text)) => ({ __typename: "Blob", oid, text, isTruncated: false, isBinary: false });
/** GitHub's answer for the ledger commit: each `alias: file(path:)` of the query as a blob or a nested tree. */
function commitNode(files: Map<string, string>, oid = HEAD) {
  const node = (path: string): unknown => {
    if (files.has(path)) return blobNode(files.get(path)!);
    const under = [...files.keys()].filter((k) => k.startsWith(`${path}/`));
    if (under.length === 0) return null;
    const names = [...new Set(under.map((k) => k.slice(path.length + 1).split("/")[0]!))].sort();
    return { __typename: "Tree", entries: names.map((name) => { const object = node(`${path}/${name}`); return { name, oid: (object as { oid?: string } | null)?.oid ?? `tree:${path}/${name}`, object }; }) };
  };
  const parts = { v1: "ledger.json", meta: "meta.json", locks: "locks", intents: "intents", queues: "queues", overrides: "overrides", footprints: "footprints", mark: SUMMARY_MARK };
  const out: Record<string, unknown> = { __typename: "Commit", oid, tree: { oid: TREE } };
  for (const [alias, path] of Object.entries(parts)) {
    const o = node(path);
    out[alias] = o ? { object: o } : null;
  }
  return out;
}
const refAt = (files: Map<string, string>, oid = HEAD) => ({ data: { repository: { ledger: { target: commitNode(files, oid) } } } });
const v1Files = (text: string) => new Map([["ledger.json", text]]);
const refNode = (text: string | null, typename = "Commit") =>
  typename === "Commit" ? refAt(text === null ? new Map([["notes.txt", "x"]]) : v1Files(text)) : { data: { repository: { ledger: { target: { __typename: typename, oid: HEAD } } } } };
const lock = (l = emptyLedger()) => acquireLock(l, { path: "a.py", agent: "alice", stream: null, task: "t", change: "#1", ttlMinutes: 30, maxTtlMinutes: 240, queueGraceMinutes: 10, lease: "L1" }, Date.parse("2026-11-23T12:00:00Z"));

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});

describe("GitHubRefStore.read", () => {
  it("reads the ref and the v2 tree (meta, small collections, footprints; not the derived index or summaries) in ONE GraphQL query", async () => {
    const ledger = fullLedger();
    let body: { query: string; variables: Record<string, unknown> } | undefined;
    nock(API)
      .post("/graphql", (b) => ((body = b), true))
      .reply(200, refAt(layoutFiles(ledger)));
    const s = await store().read();
    expect(s).toEqual({ ledger: canonicalLedger(ledger), version: HEAD });
    expect(body!.variables).toEqual({ owner: "octo", name: "demo", ref: "refs/pucs/ledger" });
    for (const part of ['meta: file(path: "meta.json")', 'v1: file(path: "ledger.json")', 'locks: file(path: "locks")', 'footprints: file(path: "footprints")']) expect(body!.query).toContain(part);
    // Of the derived parts only the marker that the summaries are complete (a whole read skips index/ and the summaries).
    expect(body!.query).toContain(`mark: file(path: "${SUMMARY_MARK}")`);
    expect(body!.query).not.toMatch(/index|streams\/[-=]/);
  });

  it("reads a v1 ledger.json as before", async () => {
    const ledger = lock().ledger;
    nock(API).post("/graphql").reply(200, refNode(serializeLedger(ledger)));
    expect(await store().read()).toEqual({ ledger, version: HEAD });
  });

  it("no ref → the empty ledger at version null", async () => {
    nock(API).post("/graphql").reply(200, { data: { repository: { ledger: null } } });
    expect(await store().read()).toEqual({ ledger: emptyLedger(), version: null });
  });

  it("a ref with neither meta.json nor ledger.json is foreign, never overwritten", async () => {
    nock(API).post("/graphql").reply(200, refNode(null));
    const e = (await store().read().catch((x) => x)) as LedgerError;
    expect(e).toBeInstanceOf(LedgerError);
    expect(e.code).toBe("foreign");
    expect(e.message).toBe(
      `refs/pucs/ledger at ${HEAD.slice(0, 7)}: its commit has neither meta.json nor ledger.json, so it is not a PUCS ledger. PUCS will not overwrite it. ` +
        "The ledger was not changed. Inspect it with `git fetch https://github.com/octo/demo refs/pucs/ledger && git ls-tree -r FETCH_HEAD` (a file: `git show FETCH_HEAD:<path>`); " +
        "fix it by pushing a corrected file to refs/pucs/ledger, or delete the ref to start a fresh ledger (the App rebuilds footprints on the next push, and `/pucs sync` per PR).",
    );
  });

  it("a ref to a tag is foreign", async () => {
    nock(API).post("/graphql").reply(200, refNode(null, "Tag"));
    await expect(store().read()).rejects.toMatchObject({ code: "foreign", message: expect.stringContaining("points to a tag, not a commit") });
  });

  it("a ledger.json that is not JSON is corrupt", async () => {
    nock(API).post("/graphql").reply(200, refNode("{ nope"));
    await expect(store().read()).rejects.toMatchObject({ code: "corrupt" });
  });

  it("a v2 entry that does not validate, or a file where the layout keeps nothing, is corrupt and names the file", async () => {
    const files = layoutFiles(fullLedger());
    const lockPath = [...files.keys()].find((p) => p.startsWith("locks/"))!;
    files.set(lockPath, '{"path":"a.py"}\n');
    nock(API).post("/graphql").reply(200, refAt(files));
    const e = (await store().read().catch((x) => x)) as LedgerError;
    expect([e.code, e.message.slice(0, e.message.indexOf(" ("))]).toEqual(["corrupt", `refs/pucs/ledger at ${HEAD.slice(0, 7)}: ${lockPath} does not match the ledger schema`]);
    const stray = layoutFiles(fullLedger());
    stray.set("locks/notes.txt", "mine\n");
    HEAD = "9".repeat(40);
    nock(API).post("/graphql").reply(200, refAt(stray));
    await expect(store().read()).rejects.toMatchObject({ code: "corrupt", message: expect.stringContaining("locks/notes.txt is not where a PUCS ledger keeps anything") });
  });

  it("a blob too large for GraphQL text is fetched by REST", async () => {
    const text = serializeLedger(lock().ledger);
    const node = refAt(v1Files(text));
    (node.data.repository.ledger.target as { v1: { object: unknown } }).v1 = { object: { __typename: "Blob", oid: "c".repeat(40), text: null, isTruncated: true, isBinary: false } };
    nock(API)
      .post("/graphql")
      .reply(200, node)
      .get(`/repos/octo/demo/git/blobs/${"c".repeat(40)}`)
      .reply(200, { encoding: "base64", content: Buffer.from(text).toString("base64") });
    expect((await store().read()).ledger).toEqual(lock().ledger);
  });

  it("a version read again is not parsed again: the same frozen ledger", async () => {
    const ledger = lock().ledger;
    nock(API).post("/graphql").reply(200, refAt(layoutFiles(ledger))).post("/graphql").reply(200, refAt(layoutFiles(ledger)));
    const a = await store().read();
    const b = await store().read();
    expect(a.ledger).toEqual(ledger);
    expect(b.ledger).toBe(a.ledger);
    expect(Object.isFrozen(a.ledger.locks[0])).toBe(true);
  });

  it("refuses a ref outside refs/pucs/", () => {
    expect(() => new GitHubRefStore(client(), repo, { ref: "refs/heads/main" })).toThrow("the PUCS ledger lives under refs/pucs/");
  });
});

const inline = (files: Map<string, string>) => [...files].map(([path, content]) => ({ path, mode: "100644", type: "blob", content }));

describe("GitHubRefStore.write", () => {
  it("creates the ref: the whole v2 tree inlined, a parentless commit with a nonce, POST git/refs", async () => {
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
      { tree: inline(layoutFiles(next)) },
      { message: "lock a.py by alice (#1)\n\nPucs-Nonce: n0nce\n", tree: "t1", parents: [] },
      { ref: "refs/pucs/ledger", sha: "c1" },
    ]);
    expect((bodies[0] as { tree: { path: string }[] }).tree.map((e) => e.path)).toEqual(["meta.json", expect.stringMatching(/^locks\/[0-9a-f]\/[0-9a-f]{20}\.json$/), SUMMARY_MARK]);
  });

  it("on a v2 head: base_tree = the tree read and only the changed entries (one new lock = one entry), then PATCH with force: false", async () => {
    const before = fullLedger();
    const next = lock(canonicalLedger(before)).ledger;
    const bodies: unknown[] = [];
    nock(API)
      .post("/graphql")
      .reply(200, refAt(layoutFiles(before)))
      .post("/repos/octo/demo/git/trees", (b) => (bodies.push(b), true))
      .reply(201, { sha: "t2" })
      .post("/repos/octo/demo/git/commits", (b) => b.parents[0] === HEAD)
      .reply(201, { sha: "c2" })
      .patch("/repos/octo/demo/git/refs/pucs%2Fledger", (b) => (bodies.push(b), true))
      .reply(200, {});
    const s = store();
    const read = await s.read();
    expect(await s.write(next, read.version, "m")).toEqual({ ok: true, version: "c2" });
    expect(bodies).toEqual([{ base_tree: TREE, tree: inline(layoutDiff(read.ledger, next) as Map<string, string>) }, { sha: "c2", force: false }]);
    expect((bodies[0] as { tree: unknown[] }).tree).toHaveLength(1);
  });

  it("a release deletes its entries with sha: null; a version not read yet is read once (by oid) to diff against", async () => {
    const before = fullLedger();
    const next = { ...canonicalLedger(before), footprints: canonicalLedger(before).footprints.filter((f) => f.change !== "#1") };
    let tree: { base_tree: string; tree: { path: string; sha: null }[] } | undefined;
    let query: { variables: Record<string, unknown> } | undefined;
    nock(API)
      .post("/graphql", (b) => ((query = b), true))
      .reply(200, { data: { repository: { at: commitNode(layoutFiles(before)) } } })
      .post("/repos/octo/demo/git/trees", (b) => ((tree = b), true))
      .reply(201, { sha: "t3" })
      .post("/repos/octo/demo/git/commits")
      .reply(201, { sha: "c3" })
      .patch("/repos/octo/demo/git/refs/pucs%2Fledger")
      .reply(200, {});
    expect(await store().write(next, HEAD, "release #1")).toEqual({ ok: true, version: "c3" });
    expect(query!.variables).toEqual({ owner: "octo", name: "demo", oid: HEAD });
    expect(tree!.base_tree).toBe(TREE);
    expect(tree!.tree.map((e) => e.path).sort()).toEqual([footprintPath("#1"), `${indexDir("execution/a.py")}/${changeKey("#1")}`, `${indexDir("execution/b.py")}/${changeKey("#1")}`, summaryPath("EXEC", "#1"), headPath("EXEC"), gateEntryPath(null, "#1")].sort());
    expect(tree!.tree.every((e) => e.sha === null)).toBe(true);
  });

  it("a v1 head is migrated: the whole v2 tree without base_tree, so ledger.json goes, and the commit says so", async () => {
    const v1 = fullLedger();
    const next = lock(canonicalLedger(v1)).ledger;
    const bodies: unknown[] = [];
    nock(API)
      .post("/graphql")
      .reply(200, refAt(v1Files(serializeLedger(v1))))
      .post("/repos/octo/demo/git/trees", (b) => (bodies.push(b), true))
      .reply(201, { sha: "t4" })
      .post("/repos/octo/demo/git/commits", (b) => (bodies.push(b), true))
      .reply(201, { sha: "c4" })
      .patch("/repos/octo/demo/git/refs/pucs%2Fledger")
      .reply(200, {});
    const s = store();
    const read = await s.read();
    expect(read.ledger).toEqual(canonicalLedger(v1));
    expect(await s.write(next, read.version, "lock a.py by alice (#1)")).toEqual({ ok: true, version: "c4" });
    expect(bodies).toEqual([
      { tree: inline(layoutFiles(next)) },
      { message: "lock a.py by alice (#1)\n\nPucs-Layout: 3 (migrated from ledger.json)\n\nPucs-Nonce: n0nce\n", tree: "t4", parents: [HEAD] },
    ]);
    // No claim lost: the tree written reads back as the v1 ledger plus the new lock.
    expect(ledgerFromFiles(layoutFiles(next), "t", "")).toEqual(canonicalLedger(next));
    expect(canonicalLedger(next).locks).toHaveLength(3);
  });

  it.each([
    ["PATCH", "Update is not a fast forward"],
    ["POST", "Reference already exists"],
    ["PATCH", "Reference does not exist"],
  ])("%s answered 422 %s is a lost race", async (method, message) => {
    const scope = nock(API);
    if (method === "PATCH") scope.post("/graphql").reply(200, { data: { repository: { at: commitNode(layoutFiles(emptyLedger())) } } });
    scope.post("/repos/octo/demo/git/trees").reply(201, { sha: "t" }).post("/repos/octo/demo/git/commits").reply(201, { sha: "c" });
    if (method === "PATCH") scope.patch("/repos/octo/demo/git/refs/pucs%2Fledger").reply(422, { message });
    else scope.post("/repos/octo/demo/git/refs").reply(422, { message });
    expect(await store().write(lock().ledger, method === "PATCH" ? HEAD : null, "m")).toEqual({ ok: false, reason: "conflict" });
  });

  it("a read of the version it wrote returns the ledger as written (frozen) without reading its files again", async () => {
    const next = lock().ledger;
    const C = "c".repeat(39) + String(seq % 10);
    nock(API).post("/repos/octo/demo/git/trees").reply(201, { sha: "t" }).post("/repos/octo/demo/git/commits").reply(201, { sha: C }).post("/repos/octo/demo/git/refs").reply(201, {});
    const s = store();
    expect(await s.write(next, null, "m")).toEqual({ ok: true, version: C });
    // GitHub answers with the commit; the files it holds are not parsed again (here: not even sent).
    nock(API).post("/graphql").reply(200, { data: { repository: { ledger: { target: { __typename: "Commit", oid: C, tree: { oid: "t" } } } } } });
    const first = await s.read();
    expect(first).toEqual({ ledger: next, version: C });
    expect(Object.isFrozen(first.ledger)).toBe(true);
  });

  it("any other failure is a GitHubError, not a silent conflict", async () => {
    nock(API).post("/repos/octo/demo/git/trees").reply(403, { message: "Resource not accessible by integration" });
    await expect(store().write(lock().ledger, null, "m")).rejects.toMatchObject({ kind: "forbidden", message: expect.stringContaining("the App lacks `contents: write` on octo/demo") });
  });

  it("transact: a lost race re-reads and retries on the new head, never losing the other writer's update", async () => {
    const theirs = acquireLock(emptyLedger(), { path: "b.py", agent: "bob", stream: null, task: "t", change: "#2", ttlMinutes: 30, maxTtlMinutes: 240, queueGraceMinutes: 10, lease: "L2" }, Date.parse("2026-11-23T12:00:00Z")).ledger;
    const NEW = "d".repeat(39) + String(seq % 10);
    let written: { base_tree?: string; tree: { path: string; content: string }[] } | undefined;
    nock(API)
      .post("/repos/octo/demo/git/trees").reply(201, { sha: "t1" })
      .post("/repos/octo/demo/git/commits").reply(201, { sha: "c1" })
      .post("/repos/octo/demo/git/refs").reply(422, { message: "Reference already exists" })
      .post("/graphql").reply(200, refAt(layoutFiles(theirs), NEW))
      .post("/repos/octo/demo/git/trees", (b) => ((written = b), true)).reply(201, { sha: "t2" })
      .post("/repos/octo/demo/git/commits", (b) => b.parents[0] === NEW).reply(201, { sha: "c2" })
      .patch("/repos/octo/demo/git/refs/pucs%2Fledger", { sha: "c2", force: false }).reply(200, {});
    const s = store();
    const r = await transact(primedStore(s, { ledger: emptyLedger(), version: null }), (l) => lock(l), { sleep: async () => {}, random: () => 0 });
    expect([r.attempts, r.wrote, r.version]).toEqual([2, true, "c2"]);
    // Only a.py's lock is new on top of bob's tree.
    expect(written!.base_tree).toBe(TREE);
    expect(written!.tree.map((e) => JSON.parse(e.content).path)).toEqual(["a.py"]);
  });
});
