import nock from "nock";
import { ProbotOctokit } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import type { Footprint, Ledger } from "../../src/engine/types.js";
import type { GitHubClient } from "../../src/github/client.js";
import { GitHubRefStore, ScopedLedgerStore, readLedgerView } from "../../src/github/ledger-store.js";
import { footprintPath, indexDir, layoutFiles, streamEntryPath } from "../../src/ledger/layout.js";
import { canonicalLedger } from "../../src/ledger/schema.js";
import { LedgerError } from "../../src/ledger/store.js";
import { transact } from "../../src/ledger/transact.js";
import { recordFootprint } from "../../src/ledger/transitions.js";
import { BASE, FakeGitHub, OWNER, REPO } from "../app/fake.js";
import { footprint, fullLedger } from "../ledger/fixtures.js";

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

const graphqlCalls = (gh: FakeGitHub) => gh.log.filter((r) => r.path === "/graphql");

describe("a partial read: only the claims on the event's own files", () => {
  it("a clear change: ONE query — the small collections and its own footprint, not the other 40 open changes", async () => {
    const gh = new FakeGitHub();
    const whole = crowded(40);
    gh.setLedger(whole);
    const r = await readLedgerView(new GitHubRefStore(client(), repo).rc, "refs/pucs/ledger", { changes: ["#100"], paths: ["src/m0/f0.py", "src/m0/f1.py"] });
    expect(graphqlCalls(gh)).toHaveLength(1);
    expect(r.view.partial).toBe(true);
    expect(r.view.ledger.footprints.map((f) => f.change)).toEqual(["#100"]);
    expect([r.view.ledger.locks, r.view.ledger.intents, r.view.ledger.queues, r.view.ledger.overrides, r.view.ledger.session]).toEqual([whole.locks, whole.intents, whole.queues, whole.overrides, whole.session]);
    const q = String((graphqlCalls(gh)[0]!.body as { query: string }).query);
    expect(q).toContain(`c0: file(path: "${footprintPath("#100")}")`);
    expect(q).toContain(`p0: file(path: "${indexDir("src/m0/f0.py")}")`);
    expect(q).not.toContain('file(path: "footprints")');
  });

  it("an overlapping change: a second query at the SAME commit reads the footprints the index lists on its paths", async () => {
    const gh = new FakeGitHub();
    gh.setLedger(crowded(40));
    const r = await readLedgerView(new GitHubRefStore(client(), repo).rc, "refs/pucs/ledger", { changes: ["#3"], paths: ["execution/a.py"] });
    const calls = graphqlCalls(gh);
    expect(calls).toHaveLength(2);
    expect((calls[1]!.body as { variables: { oid: string } }).variables.oid).toBe(r.version);
    expect(r.view.ledger.footprints.map((f) => f.change)).toEqual(["#1", "#2"]);
  });

  it("a write from a view sends only what the transitions changed; the whole ledger keeps every other claim", async () => {
    const gh = new FakeGitHub();
    const whole = crowded(40);
    gh.setLedger(whole);
    const store = new ScopedLedgerStore(new GitHubRefStore(client(), repo), { changes: ["#1"], paths: ["execution/a.py", "execution/c.py"] });
    const mine = whole.footprints.find((f) => f.change === "#1")!;
    const moved = { ...mine, headSha: "b".repeat(40), files: [{ path: "execution/a.py", changes: [{ start: 4, end: 5 }] }, { path: "execution/c.py", changes: null }] };
    const r = await transact(store, (l) => recordFootprint(l, moved));
    expect(r.wrote).toBe(true);
    const tree = gh.log.find((x) => x.path === `${BASE}/git/trees`)!.body as { base_tree: string; tree: { path: string; sha?: null }[] };
    expect(tree.base_tree).toMatch(/^tree/);
    expect(tree.tree.map((e) => e.path).sort()).toEqual(
      [footprintPath("#1"), `${indexDir("execution/b.py")}/${footprintPath("#1").split("/").pop()!.replace(".json", "")}`, `${indexDir("execution/c.py")}/${footprintPath("#1").split("/").pop()!.replace(".json", "")}`, streamEntryPath("EXEC", "#1")].sort(),
    );
    expect(gh.ledger).toEqual(canonicalLedger({ ...whole, footprints: whole.footprints.map((f) => (f.change === "#1" ? moved : f)) }));
  });

  it("a transition that changes a footprint outside the scope is refused before anything is written", async () => {
    const gh = new FakeGitHub();
    gh.setLedger(crowded(3));
    const ref = gh.ledgerRef;
    const store = new ScopedLedgerStore(new GitHubRefStore(client(), repo), { changes: ["#1"], paths: ["execution/a.py"] });
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
    const store = new ScopedLedgerStore(new GitHubRefStore(client(), repo), { changes: ["#1"], paths: ["execution/a.py"] });
    const mine = whole.footprints.find((f) => f.change === "#1")!;
    await transact(store, (l) => recordFootprint(l, { ...mine, headSha: "c".repeat(40) }));
    const tree = gh.log.find((x) => x.path === `${BASE}/git/trees`)!.body as { base_tree?: string; tree: { path: string }[] };
    expect(tree.base_tree).toBeUndefined();
    expect(tree.tree.length).toBe(layoutFiles(whole).size);
    expect(gh.ledger).toEqual(canonicalLedger({ ...whole, footprints: whole.footprints.map((f) => (f.change === "#1" ? { ...mine, headSha: "c".repeat(40) } : f)) }));
    expect(gh.filesOf(gh.ledgerRef!).has("ledger.json")).toBe(false);
  });
});
