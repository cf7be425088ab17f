import nock from "nock";
import { ProbotOctokit } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { UNLISTED, type Footprint, type Ledger } from "../../src/engine/types.js";
import { evaluate } from "../../src/engine/evaluate.js";
import { seedConfig as fixtureConfig } from "../engine/fixtures.js";
import type { GitHubClient } from "../../src/github/client.js";
import { GitHubRefStore, ScopedLedgerStore, isPhantom, isView, readLedgerView } from "../../src/github/ledger-store.js";
import { SUMMARY_MARK, changeKey, pathKey, gateEntryPath, footprintPath, headPath, indexDir, layoutFiles, staleEntryPath, summaryPath } from "../../src/ledger/layout.js";
import { canonicalLedger } from "../../src/ledger/schema.js";
import { LedgerError } from "../../src/ledger/store.js";
import { transact } from "../../src/ledger/transact.js";
import { recordFootprint } from "../../src/ledger/transitions.js";
import { BASE, FakeGitHub, OWNER, REPO } from "../app/fake.js";
import { T0, footprint, fullLedger, lock } from "../ledger/fixtures.js";

afterEach(() => nock.cleanAll());

const client = (): GitHubClient =>
  new ProbotOctokit({ auth: { token: "t" }, retry: { enabled: false }, throttle: { enabled: false } }) as unknown as GitHubClient;
const repo = { owner: OWNER, repo: REPO };

/** fullLedger() (#1 and #2 on execution/a.py) plus `n` other open changes, each on its own 20 files. */
function crowded(n: number): Ledger {
  const l = fullLedger();
  const others: Footprint[] = [];
  for (let i = 0; i < n; i++) others.push(footprint({ change: `#${100 + i}`, files: Array.from({ length: 20 }, (_, j) => ({ path: `src/m${i}/f${j}.py`, changes: [{ start: j, end: j + 3 }] })) }));
  return canonicalLedger({ ...l, footprints: [...l.footprints, ...others] });
}

/** The open changes a stream's summary lists, over all its shards, in change order. */
const openIn = (files: ReadonlyMap<string, string>, stream: string): string[] =>
  [...files]
    .filter(([k]) => k.startsWith(`streams/=${stream}/`))
    .flatMap(([, t]) => (JSON.parse(t) as { open: string[] }).open)
    .sort();

const graphqlCalls = (gh: FakeGitHub) => gh.log.filter((r) => r.path === "/graphql");

const NO_STREAM = { streams: [] as (string | null)[] };

describe("a partial read: only the claims on the event's own files", () => {
  it("a clear change: ONE query — the small collections and its own footprint, not the other 40 open changes", async () => {
    const gh = new FakeGitHub();
    const whole = crowded(40);
    gh.setLedger(whole);
    const r = await readLedgerView(new GitHubRefStore(client(), repo).rc, "refs/pucs/ledger", { changes: ["#100"], paths: ["src/m0/f0.py", "src/m0/f1.py"], ...NO_STREAM });
    expect(graphqlCalls(gh)).toHaveLength(1);
    expect(isView(r.ledger)).toBe(true);
    expect(r.whole).toBe(false);
    expect(r.ledger.footprints.map((f) => f.change)).toEqual(["#100"]);
    expect([r.ledger.locks, r.ledger.intents, r.ledger.queues, r.ledger.overrides, r.ledger.session]).toEqual([whole.locks, whole.intents, whole.queues, whole.overrides, whole.session]);
    const q = String((graphqlCalls(gh)[0]!.body as { query: string }).query);
    expect(q).toContain(`c0: file(path: "${footprintPath("#100")}")`);
    expect(q).toContain(`p0: file(path: "${indexDir("src/m0/f0.py")}")`);
    expect(q).not.toContain('file(path: "footprints")');
  });

  it("an overlapping change: a second query at the SAME commit reads the footprints the index lists on its paths", async () => {
    const gh = new FakeGitHub();
    gh.setLedger(crowded(40));
    const r = await readLedgerView(new GitHubRefStore(client(), repo).rc, "refs/pucs/ledger", { changes: ["#3"], paths: ["execution/a.py"], ...NO_STREAM });
    const calls = graphqlCalls(gh);
    expect(calls).toHaveLength(2);
    expect((calls[1]!.body as { variables: { oid: string } }).variables.oid).toBe(r.version);
    expect(r.ledger.footprints.map((f) => f.change)).toEqual(["#1", "#2"]);
  });

  it("a stream's head: its first members are in the view without files (they count for CAPACITY, overlap nothing), the rest counted, in the same query", async () => {
    const gh = new FakeGitHub();
    gh.setLedger(crowded(40));
    const r = await readLedgerView(new GitHubRefStore(client(), repo).rc, "refs/pucs/ledger", { changes: ["#100"], paths: ["src/m0/f0.py"], streams: ["EXEC"] });
    expect(graphqlCalls(gh)).toHaveLength(1);
    // Not the summary's texts: its shards' ids and the head.
    const q = (graphqlCalls(gh)[0]!.body as { query: string }).query;
    expect(q).toContain('s0: file(path: "streams/=EXEC") { object { __typename ... on Tree { entries { name oid } } } }');
    expect(q).toContain('h0: file(path: "heads/=EXEC.json")');
    // #1 and #100..#139 are EXEC's 41 open changes; #2 has no stream. Listed: #100 (read whole) and the head's first 16.
    expect(r.ledger.footprints.map((f) => f.change)).toEqual(["#1", ...Array.from({ length: 15 }, (_, i) => `#${100 + i}`)]);
    const phantom = r.ledger.footprints.find((f) => f.change === "#105")!;
    expect(isPhantom(phantom)).toBe(true);
    expect(phantom).toMatchObject({ stream: "EXEC", draft: false, files: [] });
    expect(isPhantom(r.ledger.footprints.find((f) => f.change === "#100")!)).toBe(false);
    expect(r.ledger.footprints.find((f) => f.change === "#100")!.files).toHaveLength(20);
    expect(r.ledger[UNLISTED]).toEqual({ EXEC: 25 });
    // The engine counts them all: the same CAPACITY answer as on the whole ledger.
    const config = { ...fixtureConfig(), streams: fixtureConfig().streams.map((x) => (x.id === "EXEC" ? { ...x, maxAgents: 3 } : x)) };
    const change = { id: "#200", agent: "zed", files: [{ path: "execution/z.py", status: "modified" as const, hunks: null }] };
    const onView = evaluate(change, r.ledger, config, T0, { stream: "EXEC" });
    const onWhole = evaluate(change, crowded(40), config, T0, { stream: "EXEC" });
    expect(onView.conflicts.find((c) => c.type === "CAPACITY")).toStrictEqual(onWhole.conflicts.find((c) => c.type === "CAPACITY"));
    expect(onView.conflicts.find((c) => c.type === "CAPACITY")!.details).toBe("EXEC already has 41 active (max_agents 3): #1, #100, #101, #102, #103, #104 and 35 more.");
  });

  it("a change holding a claim in a stream read by its head is read too, so it counts once (member or not)", async () => {
    const gh = new FakeGitHub();
    const whole = crowded(40);
    // #130 (an unlisted member of EXEC) and #900 (no footprint) hold EXEC locks; #105 (listed) too.
    const claims = [lock({ path: "execution/x.py", agent: "a", stream: "EXEC", change: "#130" }), lock({ path: "execution/y.py", agent: "b", stream: "EXEC", change: "#900" }), lock({ path: "execution/w.py", agent: "c", stream: "EXEC", change: "#105" })];
    gh.setLedger(canonicalLedger({ ...whole, locks: [...whole.locks, ...claims] }));
    const r = await readLedgerView(new GitHubRefStore(client(), repo).rc, "refs/pucs/ledger", { changes: ["#100"], paths: [], streams: ["EXEC"] });
    // One more query, for #130 and #900 only (#105 is listed by the head).
    expect(graphqlCalls(gh)).toHaveLength(2);
    const second = (graphqlCalls(gh)[1]!.body as { query: string }).query;
    expect(second).toContain(footprintPath("#130"));
    expect(second).toContain(footprintPath("#900"));
    expect(second).not.toContain(footprintPath("#105"));
    expect(r.ledger[UNLISTED]).toEqual({ EXEC: 24 });
    const config = { ...fixtureConfig(), streams: fixtureConfig().streams.map((x) => (x.id === "EXEC" ? { ...x, maxAgents: 3 } : x)) };
    const change = { id: "#200", agent: "zed", files: [{ path: "execution/z.py", status: "modified" as const, hunks: null }] };
    const cap = (l: Ledger) => evaluate(change, l, config, T0, { stream: "EXEC" }).conflicts.find((c) => c.type === "CAPACITY");
    expect(cap(r.ledger)).toStrictEqual(cap(canonicalLedger({ ...whole, locks: [...whole.locks, ...claims] })));
    expect(cap(r.ledger)!.details).toMatch(/^EXEC already has 42 active/); // 41 open changes and #900
  });

  it("a head the summary's shards do not match (written by a pucs that does not know heads) is not trusted: the summary is read whole", async () => {
    const gh = new FakeGitHub();
    gh.setLedger(crowded(40));
    // An older writer added #140 to a shard and left the head as it was.
    const files = new Map(gh.filesOf(gh.ledgerRef!));
    const path = summaryPath("EXEC", "#140");
    const shard = JSON.parse(files.get(path) ?? '{"stream":"EXEC","open":[],"drafts":[]}');
    gh.setFiles(new Map([...files, [path, `${JSON.stringify({ ...shard, open: [...shard.open, "#140"].sort() })}\n`]]));
    const r = await readLedgerView(new GitHubRefStore(client(), repo).rc, "refs/pucs/ledger", { changes: ["#100"], paths: [], streams: ["EXEC"] });
    expect(graphqlCalls(gh)).toHaveLength(2);
    expect((graphqlCalls(gh)[1]!.body as { query: string }).query).toContain('m0: file(path: "streams/=EXEC")');
    expect(r.ledger.footprints.filter((f) => f.stream === "EXEC")).toHaveLength(42);
    expect(r.ledger[UNLISTED]).toBeUndefined();
  });

  it("a write from a view sends only what the transitions changed (the footprint and its index entries: a new head leaves the summary as it is); the whole ledger keeps every other claim", async () => {
    const gh = new FakeGitHub();
    const whole = crowded(40);
    gh.setLedger(whole);
    const store = new ScopedLedgerStore(new GitHubRefStore(client(), repo), { changes: ["#1"], paths: ["execution/a.py", "execution/c.py"], streams: ["EXEC"] });
    const mine = whole.footprints.find((f) => f.change === "#1")!;
    const moved = { ...mine, headSha: "b".repeat(40), files: [{ path: "execution/a.py", changes: [{ start: 4, end: 5 }] }, { path: "execution/c.py", changes: null }] };
    const r = await transact(store, (l) => recordFootprint(l, moved));
    expect(r.wrote).toBe(true);
    const tree = gh.log.find((x) => x.path === `${BASE}/git/trees`)!.body as { base_tree: string; tree: { path: string; sha?: null }[] };
    expect(tree.base_tree).toMatch(/^tree/);
    const k1 = footprintPath("#1").split("/").pop()!.replace(".json", "");
    expect(tree.tree.map((e) => e.path).sort()).toEqual([footprintPath("#1"), `${indexDir("execution/b.py")}/${k1}`, `${indexDir("execution/c.py")}/${k1}`].sort());
    expect(gh.ledger).toEqual(canonicalLedger({ ...whole, footprints: whole.footprints.map((f) => (f.change === "#1" ? moved : f)) }));
    // The summary still lists all 41 members of EXEC, #1 at its new head.
    expect(openIn(gh.filesOf(gh.ledgerRef!), "EXEC")).toHaveLength(41);
  });

  it("a phantom marked stale: the mark lands on its real footprint, read at the same commit (never a footprint without files)", async () => {
    const gh = new FakeGitHub();
    const whole = crowded(3);
    gh.setLedger(whole);
    const store = new ScopedLedgerStore(new GitHubRefStore(client(), repo), { changes: ["#1"], paths: [], streams: ["EXEC"] });
    await transact(store, (l) => ({ ledger: { ...l, footprints: l.footprints.map((f) => (f.change === "#101" ? { ...f, stale: true, comment: 9 } : f)) }, outcome: null, message: "mark #101" }));
    const real = whole.footprints.find((f) => f.change === "#101")!;
    expect(gh.ledger!.footprints.find((f) => f.change === "#101")).toEqual({ ...real, stale: true, comment: 9 });
    expect(gh.ledger!.footprints.find((f) => f.change === "#101")!.files).toHaveLength(20);
    const tree = gh.log.find((x) => x.path === `${BASE}/git/trees`)!.body as { tree: { path: string }[] };
    // Its footprint, and its entry under stale/ (what the background refresh reads).
    expect(tree.tree.map((e) => e.path).sort()).toEqual([footprintPath("#101"), staleEntryPath("#101")].sort());
    // Changing more than its report fields is refused.
    const e = await transact(store, (l) => ({ ledger: { ...l, footprints: l.footprints.map((f) => (f.change === "#102" ? { ...f, headSha: "d".repeat(40) } : f)) }, outcome: null, message: "x" })).catch((x: unknown) => x);
    expect((e as LedgerError).message).toBe("a transition changed more than the report fields of #102, which this event did not read whole: a PUCS bug; nothing was written");
  });

  it("a write that needs summaries the read did not load reads them at the same commit and loses no member (they are not the transitions' input)", async () => {
    const gh = new FakeGitHub();
    const whole = crowded(3);
    gh.setLedger(whole);
    const store = new ScopedLedgerStore(new GitHubRefStore(client(), repo), { changes: ["#1"], paths: [], ...NO_STREAM });
    const mine = whole.footprints.find((f) => f.change === "#1")!;
    await transact(store, (l) => recordFootprint(l, { ...mine, stream: "RISK" }));
    expect(gh.ledger).toEqual(canonicalLedger({ ...whole, footprints: whole.footprints.map((f) => (f.change === "#1" ? { ...mine, stream: "RISK" } : f)) }));
    const files = gh.filesOf(gh.ledgerRef!);
    expect(openIn(files, "EXEC")).toEqual(["#100", "#101", "#102"]);
    expect(openIn(files, "RISK")).toEqual(["#1"]);
  });

  it("a summary naming a change without a footprint (a damaged ledger): the write is refused, saying what is wrong and how to inspect it", async () => {
    const gh = new FakeGitHub();
    gh.setLedger(crowded(1));
    const files = gh.filesOf(gh.ledgerRef!);
    const shard = summaryPath("EXEC", "#999");
    const text = files.get(shard);
    const entry = text ? (JSON.parse(text) as { stream: string; open: string[]; drafts: string[] }) : { stream: "EXEC", open: [], drafts: [] };
    files.set(shard, `${JSON.stringify({ ...entry, open: [...entry.open, "#999"].sort() })}\n`);
    const ref = gh.ledgerRef;
    const store = new ScopedLedgerStore(new GitHubRefStore(client(), repo), { changes: ["#1"], paths: [], streams: ["EXEC"] });
    const e = await transact(store, (l) => ({ ledger: { ...l, footprints: l.footprints.map((f) => (f.change === "#999" ? { ...f, stale: true } : f)) }, outcome: null, message: "mark #999" })).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(LedgerError);
    expect((e as LedgerError).message).toMatch(/^refs\/pucs\/ledger at [0-9a-z]{7}: #999 is in its stream's summary \(streams\/\) but has no footprint: the summary is damaged\. The ledger was not changed\. Inspect it with/);
    expect(gh.ledgerRef).toBe(ref);
  });

  it("a transition that changes a footprint outside the scope is refused before anything is written", async () => {
    const gh = new FakeGitHub();
    gh.setLedger(crowded(3));
    const ref = gh.ledgerRef;
    const store = new ScopedLedgerStore(new GitHubRefStore(client(), repo), { changes: ["#1"], paths: ["execution/a.py"], ...NO_STREAM });
    const e = await transact(store, (l) => recordFootprint(l, footprint({ change: "#101", files: [] }))).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(LedgerError);
    expect((e as LedgerError).message).toBe("a transition changed the footprint of #101, outside the scope read (#1): a PUCS bug; nothing was written");
    expect(gh.ledgerRef).toBe(ref);
    expect(gh.log.filter((x) => x.method !== "POST" || x.path !== "/graphql")).toEqual([]);
  });

  it("a v1 ledger is read whole and migrated by the write, with no claim lost", async () => {
    const gh = new FakeGitHub();
    const whole = crowded(2);
    gh.setLedger(whole, { v1: true });
    const store = new ScopedLedgerStore(new GitHubRefStore(client(), repo), { changes: ["#1"], paths: ["execution/a.py"], ...NO_STREAM });
    const mine = whole.footprints.find((f) => f.change === "#1")!;
    await transact(store, (l) => recordFootprint(l, { ...mine, headSha: "c".repeat(40) }));
    const tree = gh.log.find((x) => x.path === `${BASE}/git/trees`)!.body as { base_tree?: string; tree: { path: string }[] };
    expect(tree.base_tree).toBeUndefined();
    expect(tree.tree.length).toBe(layoutFiles(whole).size);
    expect(gh.ledger).toEqual(canonicalLedger({ ...whole, footprints: whole.footprints.map((f) => (f.change === "#1" ? { ...mine, headSha: "c".repeat(40) } : f)) }));
    expect(gh.filesOf(gh.ledgerRef!).has("ledger.json")).toBe(false);
  });

  it("a layout-2 tree (its index under index/, marker stale/complete) is read whole; the next write migrates it to layout 3 with no claim lost", async () => {
    const gh = new FakeGitHub();
    const whole = crowded(2);
    gh.setLedger(whole);
    // The tree as layout 2 wrote it: meta.json layout 2, index/<p0>/<p1>/<p2>/<pathkey>/<changekey>, its markers.
    const files = gh.filesOf(gh.ledgerRef!);
    for (const k of [...files.keys()]) if (k.startsWith("paths/")) files.delete(k);
    files.set("meta.json", files.get("meta.json")!.replace('"layout":3', '"layout":2'));
    const oldIndex = new Map<string, string>();
    for (const f of whole.footprints) {
      for (const file of f.files) {
        const k = pathKey(file.path);
        oldIndex.set(`index/${k[0]}/${k[1]}/${k[2]}/${k}/${changeKey(f.change)}`, `${f.change}\n`);
      }
    }
    for (const [k, v] of oldIndex) files.set(k, v);
    files.set("stale/complete", "every open change is in its stream's summary and under its gate streams, and listed under stale/ when marked stale\n");
    files.set("gates/complete", "every open change is in its stream's summary and under its gate streams\n");
    const store = new ScopedLedgerStore(new GitHubRefStore(client(), repo), { changes: ["#1"], paths: ["execution/a.py"], ...NO_STREAM });
    const snap = await store.read();
    expect(isView(snap.ledger)).toBe(false);
    expect(snap.ledger.footprints).toHaveLength(4);
    const mine = whole.footprints.find((f) => f.change === "#1")!;
    await transact(store, (l) => recordFootprint(l, { ...mine, headSha: "c".repeat(40) }));
    const after = gh.filesOf(gh.ledgerRef!);
    // Every claim is there, and every change is indexed under paths/ as layout 3 writes it; meta.json says 3.
    expect(gh.ledger).toEqual(canonicalLedger({ ...whole, footprints: whole.footprints.map((f) => (f.change === "#1" ? { ...mine, headSha: "c".repeat(40) } : f)) }));
    expect([...after.keys()].filter((k) => k.startsWith("paths/")).sort()).toEqual([...layoutFiles(gh.ledger!).keys()].filter((k) => k.startsWith("paths/")).sort());
    expect(after.has(SUMMARY_MARK)).toBe(true);
    expect(JSON.parse(after.get("meta.json")!)).toMatchObject({ layout: 3 });
    expect(gh.commits.get(gh.ledgerRef!)!.message).toMatch(/\n\nPucs-Layout: 3 \(every index entry and summary written\)\n/);
    // The layout-2 index stays as it was, unread (GitHub's tree API deletes files, not whole directories reliably).
    expect([...after.keys()].filter((k) => k.startsWith("index/")).sort()).toEqual([...oldIndex.keys()].sort());
    expect(openIn(after, "EXEC")).toEqual(["#1", "#100", "#101"]);
    // From then on a partial read serves it, finding the claims on a path through the new index.
    const onA = await readLedgerView(new GitHubRefStore(client(), repo).rc, "refs/pucs/ledger", { changes: [], paths: ["execution/a.py"], streams: [] });
    expect(onA.whole).toBe(false);
    expect([...onA.footprints.keys()].sort()).toEqual(whole.footprints.filter((f) => f.files.some((x) => x.path === "execution/a.py")).map((f) => f.change).sort());
    // From then on a partial read serves it.
    const again = await readLedgerView(new GitHubRefStore(client(), repo).rc, "refs/pucs/ledger", { changes: ["#1"], paths: [], streams: ["EXEC"] });
    expect(again.whole).toBe(false);
  });
});
