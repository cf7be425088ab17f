import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  META_FILE,
  checkChanges,
  entryText,
  footprintPath,
  indexDir,
  layoutDiff,
  layoutFiles,
  ledgerFromFiles,
  SUMMARY_MARK,
  changeKey,
  gateEntryPath,
  summaryPath,
  staleEntryPath,
  headPath,
  headOf,
  blobOid,
  streamDir,
  nextHead,
  type StreamLoad,
} from "../../src/ledger/layout.js";
import { canonicalLedger, emptyLedger } from "../../src/ledger/schema.js";
import { LedgerError } from "../../src/ledger/store.js";
import { acquireLock, recordFootprint } from "../../src/ledger/transitions.js";
import { T0, at, fullLedger, ledgerWith, lock } from "./fixtures.js";

const SRC = "test ledger";

describe("the v2 layout", () => {
  it("round-trips a ledger with every kind of claim, one blob per claim, an index entry per (path, change) and a summary per stream", () => {
    const l = fullLedger();
    const files = layoutFiles(l);
    expect(ledgerFromFiles(files, SRC, "")).toStrictEqual(canonicalLedger(l));
    const paths = [...files.keys()];
    expect(paths.filter((p) => p.startsWith("locks/"))).toHaveLength(2);
    expect(paths.filter((p) => p.startsWith("intents/"))).toHaveLength(1);
    expect(paths.filter((p) => p.startsWith("queues/"))).toHaveLength(1);
    expect(paths.filter((p) => p.startsWith("overrides/"))).toHaveLength(1);
    expect(paths.filter((p) => p.startsWith("footprints/"))).toEqual([footprintPath("#1"), footprintPath("#2")]);
    expect(footprintPath("#1")).toMatch(/^footprints\/[0-9a-f]\/[0-9a-f]\/[0-9a-f]\/[0-9a-f]{20}\.json$/);
    // execution/a.py is touched by #1 and #2: its shard lists both; b.py only #1.
    expect(paths.filter((p) => p.startsWith(`${indexDir("execution/a.py")}/`))).toHaveLength(2);
    expect(files.get(`${indexDir("execution/b.py")}/${footprintPath("#1").split("/").pop()!.replace(".json", "")}`)).toBe("#1\n");
    // One summary per stream: its open changes by id, drafts apart (no files, no agent, no head), and the marker saying all are there.
    expect(files.get(summaryPath("EXEC", "#1"))).toBe('{"stream":"EXEC","open":["#1"],"drafts":[]}\n');
    expect(summaryPath(null, "#2")).toBe(`streams/-/${changeKey("#2").slice(0, 1)}.json`); // 16 shards per stream, by change key
    expect(JSON.parse(files.get(summaryPath(null, "#2"))!)).toStrictEqual({ stream: null, open: [], drafts: ["#2"] });
    expect(paths.filter((p) => p.startsWith("streams/")).sort()).toEqual([summaryPath(null, "#2"), summaryPath("EXEC", "#1")].sort());
    // The fixture's footprints predate gate streams: their gate entries are under gates/-, the marker says all are there.
    expect(paths.filter((p) => p.startsWith("gates/")).sort()).toEqual([gatePath(null, "#1"), gatePath(null, "#2")].sort());
    expect(files.get(SUMMARY_MARK)).toMatch(/^every open change is indexed under paths\//);
    expect(files.get(gatePath(null, "#2"))).toBe('{"change":"#2","draft":true,"streams":null}\n');
    expect(JSON.parse(files.get(META_FILE)!)).toStrictEqual({ kind: "pucs-ledger", layout: 3, schemaVersion: 1, session: { id: "S1", startedAt: at(0) } });
    // The index is grouped by directory: two files of one directory share its subtree (layout 3).
    expect(indexDir("execution/a.py")).toMatch(/^paths\/[0-9a-f]\/[0-9a-f]\/[0-9a-f]\/[0-9a-f]{20}\/[0-9a-f]\/[0-9a-f]{20}$/);
    expect(indexDir("execution/a.py").split("/").slice(0, 5)).toEqual(indexDir("execution/b.py").split("/").slice(0, 5));
    expect(indexDir("execution/a.py").split("/")[4]).not.toBe(indexDir("risk/a.py").split("/")[4]);
    expect(paths.filter((p) => p.startsWith("index/"))).toEqual([]);
    // Keys in the schema's order, one JSON line per blob.
    expect(files.get(footprintPath("#2"))).toBe(
      `{"change":"#2","agent":"dan","stream":null,"headSha":"${"a".repeat(40)}","draft":true,"files":[{"path":"execution/a.py","changes":[{"start":40,"end":41}]}],"truncated":true,"comment":77,"recordedAt":"${at(0)}"}\n`,
    );
    expect(() => checkChanges(files)).not.toThrow();
  });

  it("a diff writes only what changed: a new lock is one blob; a footprint's new head and files are its blob and index entries, not its stream's summary", () => {
    const l = fullLedger();
    const locked = acquireLock(l, { path: "risk/r.py", agent: "gus", stream: "RISK", task: "t", ttlMinutes: 30, maxTtlMinutes: 240, queueGraceMinutes: 10, lease: "L9" }, T0).ledger;
    const d1 = layoutDiff(l, locked);
    expect([...d1.keys()]).toHaveLength(1);
    expect([...d1.keys()][0]).toMatch(/^locks\/[0-9a-f]\/[0-9a-f]{20}\.json$/);
    expect(ledgerFromFiles(apply(layoutFiles(l), d1), SRC, "")).toStrictEqual(canonicalLedger(locked));

    const fp1 = l.footprints[0]!;
    const moved = recordFootprint(l, { ...fp1, headSha: "sha-new", files: [{ path: "execution/a.py", changes: [{ start: 5, end: 6 }] }] }).ledger;
    const d2 = layoutDiff(l, moved);
    const k1 = footprintPath("#1").split("/").pop()!.replace(".json", "");
    expect(new Map(d2)).toStrictEqual(
      new Map<string, string | null>([
        [footprintPath("#1"), expect.stringContaining('"headSha":"sha-new"') as unknown as string],
        [`${indexDir("execution/b.py")}/${k1}`, null], // b.py left the PR
      ]),
    );
    expect(ledgerFromFiles(apply(layoutFiles(l), d2), SRC, "")).toStrictEqual(canonicalLedger(moved));

    const gone = { ...l, footprints: l.footprints.slice(1) };
    const d3 = layoutDiff(l, gone);
    expect([...d3.values()].every((v) => v === null)).toBe(true);
    expect([...d3.keys()].sort()).toEqual([footprintPath("#1"), `${indexDir("execution/a.py")}/${k1}`, `${indexDir("execution/b.py")}/${k1}`, summaryPath("EXEC", "#1"), headPath("EXEC"), gatePath(null, "#1")].sort());
    // Turned draft: the footprint, its stream's summary and head, and its gate entry.
    const drafted = recordFootprint(l, { ...fp1, draft: true }).ledger;
    expect(new Map(layoutDiff(l, drafted))).toStrictEqual(
      new Map([
        [footprintPath("#1"), expect.stringContaining('"draft":true') as unknown as string],
        [gatePath(null, "#1"), '{"change":"#1","draft":true,"streams":null}\n'],
        [summaryPath("EXEC", "#1"), '{"stream":"EXEC","open":[],"drafts":["#1"]}\n'],
        [headPath("EXEC"), `{"stream":"EXEC","open":0,"drafts":1,"first":[],"shards":"${headOf("EXEC", [], new Map([[summaryPath("EXEC", "#1").split("/").pop()!, blobOid('{"stream":"EXEC","open":[],"drafts":["#1"]}\n')]])).shards}"}\n`],
      ]),
    );
    expect(layoutDiff(l, l).size).toBe(0);
    expect(layoutDiff(l, { ...l, locks: [...l.locks] }).size).toBe(0); // equal copies are no change
  });

  it("gate entries: a change is filed under each of its gate streams; a push leaves them as they are, new streams move them", () => {
    const l = fullLedger();
    const fp = { ...l.footprints[0]!, streams: ["EXEC", "RISK"] };
    const recorded = recordFootprint(l, fp).ledger;
    const d = layoutDiff(l, recorded);
    // The entry moves from gates/- (no streams known) to both streams, the same text under each.
    expect(d.get(gatePath(null, "#1"))).toBeNull();
    expect(d.get(gatePath("EXEC", "#1"))).toBe('{"change":"#1","draft":false,"streams":["EXEC","RISK"]}\n');
    expect(d.get(gatePath("RISK", "#1"))).toBe(d.get(gatePath("EXEC", "#1")));
    expect(gatePath("RISK", "#1")).toBe(`gates/=RISK/${changeKey("#1").slice(0, 1)}/${changeKey("#1").slice(1, 2)}/${changeKey("#1")}.json`);
    expect(() => checkChanges(d)).not.toThrow();
    // A new head and new ranges: no gate entry is rewritten.
    const pushed = recordFootprint(recorded, { ...fp, headSha: "sha-new", files: [{ path: "execution/a.py", changes: [{ start: 5, end: 6 }] }] }).ledger;
    expect([...layoutDiff(recorded, pushed).keys()].filter((k) => k.startsWith("gates/"))).toEqual([]);
    // One stream fewer: that entry goes, the other is rewritten (its streams changed).
    const narrowed = recordFootprint(recorded, { ...fp, streams: ["EXEC"] }).ledger;
    const d2 = layoutDiff(recorded, narrowed);
    expect(d2.get(gatePath("RISK", "#1"))).toBeNull();
    expect(d2.get(gatePath("EXEC", "#1"))).toBe('{"change":"#1","draft":false,"streams":["EXEC"]}\n');
    // No stream at all: outside the phase order, no gate entry.
    const none = layoutFiles(recordFootprint(l, { ...fp, streams: [] }).ledger);
    expect([...none.keys()].filter((k) => k.startsWith("gates/") && k.endsWith(`${changeKey("#1")}.json`))).toEqual([]);
    // A full read ignores gates/ (derived): the ledger round-trips.
    expect(ledgerFromFiles(layoutFiles(recorded), SRC, "")).toStrictEqual(canonicalLedger(recorded));
  });

  it("a stream change moves the summary; two entries with one identity both survive", () => {
    const l = fullLedger();
    const fp = l.footprints[0]!;
    const d = layoutDiff(l, recordFootprint(l, { ...fp, stream: "RISK" }).ledger);
    expect(d.get(summaryPath("EXEC", "#1"))).toBeNull();
    expect(JSON.parse(d.get(summaryPath("RISK", "#1"))!)).toStrictEqual({ stream: "RISK", open: ["#1"], drafts: [] });
    const twice = ledgerWith({ locks: [lock({ path: "a", agent: "x", lease: "L" }), lock({ path: "a", agent: "y", lease: "L" })] });
    const files = layoutFiles(twice);
    expect([...files.keys()].filter((p) => p.startsWith("locks/"))).toHaveLength(2);
    expect(ledgerFromFiles(files, SRC, "").locks.map((x) => x.agent).sort()).toEqual(["x", "y"]);
  });

  it("refuses what it cannot use, naming the file: foreign meta, a newer layout, a corrupt or invalid entry", () => {
    const err = (files: Map<string, string>): LedgerError => {
      try {
        ledgerFromFiles(files, SRC, "HINT");
      } catch (e) {
        return e as LedgerError;
      }
      throw new Error("no error");
    };
    const base = layoutFiles(fullLedger());
    let e = err(new Map([[META_FILE, '{"kind":"other"}\n']]));
    expect([e.code, e.message]).toEqual(["foreign", `test ledger: meta.json is not a PUCS ledger's ("kind" is "other", expected "pucs-ledger"). HINT`]);
    e = err(new Map([[META_FILE, '{"kind":"pucs-ledger","layout":4,"schemaVersion":1,"session":null}\n']]));
    expect(e.code).toBe("unsupported-version");
    expect(e.message).toContain("meta.json has layout 4, but this pucs understands layout 3 only");
    // Layout 2 (the index under index/) is still read.
    expect(ledgerFromFiles(new Map([[META_FILE, '{"kind":"pucs-ledger","layout":2,"schemaVersion":1,"session":null}\n']]), SRC, "").session).toBeNull();
    e = err(new Map([["locks/a/x.json", "{}"]]));
    expect([e.code, e.message]).toEqual(["foreign", "test ledger: the tree has no meta.json, so it is not a PUCS ledger. HINT"]);
    const bad = new Map(base);
    bad.set(footprintPath("#1"), '{"change":"#1",');
    e = err(bad);
    expect(e.code).toBe("corrupt");
    expect(e.message).toMatch(new RegExp(`^test ledger: ${footprintPath("#1")} is not valid JSON \\(.+\\)\\. HINT$`));
    const invalid = new Map(base);
    invalid.set("locks/0/0000.json", '{"path":"a","surprise":1}\n');
    e = err(invalid);
    expect(e.message).toBe(
      "test ledger: locks/0/0000.json does not match the ledger schema (lease: missing (expected string); agent: missing (expected string); stream: missing (expected string); task: missing (expected string); acquiredAt: missing (expected string); and 2 more). HINT",
    );
    expect(() => checkChanges(new Map([["locks/0/0000.json", '{"path":"a"}\n']]))).toThrow(/a pucs bug; nothing was written/);
  });

  it("an optional field a schema gains flows through: blobs follow the schema's key order, whatever the object's", () => {
    const Grown = z.strictObject({ agent: z.string(), change: z.string().optional(), enqueuedAt: z.string(), notifiedAt: z.string().optional() });
    expect(entryText(Grown, { notifiedAt: "n", enqueuedAt: "e", agent: "a" })).toBe('{"agent":"a","enqueuedAt":"e","notifiedAt":"n"}\n');
    expect(entryText(Grown, { agent: "a", enqueuedAt: "e", extra: 1 })).toBe('{"agent":"a","enqueuedAt":"e","extra":1}\n');
  });
  it("summaries: a partial base patches the summary it loaded (members it did not load kept); a whole ledger without the marker writes every summary once", () => {
    const l = fullLedger();
    // A view holding only #1 of EXEC, whose stored summary also lists #7 (not loaded).
    const view = { ...l, footprints: [l.footprints[0]!] };
    const stored = [{ change: "#1", draft: false }, { change: "#7", draft: true }];
    const moved = recordFootprint(view, { ...l.footprints[0]!, draft: true }).ledger;
    const d = layoutDiff(view, moved, { loaded: new Map([["EXEC", wholeLoad("EXEC", stored)]]) });
    // #1's shard is rewritten with #1 now a draft; #7 stays listed in its own shard (untouched when it is another one).
    const shard = (c: string) => summaryPath("EXEC", c);
    expect(JSON.parse(d.get(shard("#1"))!)).toStrictEqual({ stream: "EXEC", open: [], drafts: shard("#7") === shard("#1") ? ["#1", "#7"] : ["#1"] });
    expect([...d.keys()].filter((k) => k.startsWith("streams/"))).toEqual([shard("#1")]);
    // Its head: counts from every member, and the ids of the shards as they are after the write.
    const after = [{ change: "#1", draft: true }, { change: "#7", draft: true }];
    expect(JSON.parse(d.get(headPath("EXEC"))!)).toStrictEqual(headOf("EXEC", after, shardOids("EXEC", after)));
    expect(JSON.parse(d.get(headPath("EXEC"))!)).toMatchObject({ open: 0, drafts: 2, first: [] });
    // A stream the write changes but the read did not load: refused, nothing written.
    expect(() => layoutDiff(view, recordFootprint(view, { ...l.footprints[0]!, stream: "RISK" }).ledger, { loaded: new Map([["EXEC", wholeLoad("EXEC", stored)]]) })).toThrow(/summary of stream RISK was not read/);
    // Written before summaries existed: the first write from the whole ledger adds them all and the marker.
    const locked = acquireLock(l, { path: "risk/r.py", agent: "gus", stream: "RISK", task: "t", ttlMinutes: 30, maxTtlMinutes: 240, queueGraceMinutes: 10, lease: "L9" }, T0).ledger;
    const d2 = layoutDiff(l, locked, { complete: false });
    expect([...d2.keys()].filter((k) => k.startsWith("streams/")).sort()).toEqual([summaryPath(null, "#2"), summaryPath("EXEC", "#1")].sort());
    expect([...d2.keys()].filter((k) => k.startsWith("gates/")).sort()).toEqual([gatePath(null, "#1"), gatePath(null, "#2")].sort());
    // ...and every index entry under paths/ (a layout-2 tree kept them under index/), the marker and meta.json's layout 3.
    expect([...d2.keys()].filter((k) => k.startsWith("paths/")).sort()).toEqual([...layoutFiles(l).keys()].filter((k) => k.startsWith("paths/")).sort());
    expect(d2.get(SUMMARY_MARK)).toBe(layoutFiles(l).get(SUMMARY_MARK));
    expect(JSON.parse(d2.get(META_FILE)!)).toMatchObject({ layout: 3 });
    expect(ledgerFromFiles(apply(layoutFiles(l), d2), SRC, "")).toStrictEqual(canonicalLedger(locked));
    expect(d2.get(summaryPath("EXEC", "#1"))).toBe(layoutFiles(l).get(summaryPath("EXEC", "#1")));
    expect([...layoutDiff(l, locked).keys()].some((k) => k.startsWith("streams/"))).toBe(false);
  });
});

describe("stream heads (heads/<stream>.json): counts and first members, checked against the summary's shard ids", () => {
  const fp = (n: number, stream = "EXEC", draft = false) => ({ change: `#${n}`, agent: "a", stream, headSha: "", draft, labels: [], files: [], recordedAt: new Date(T0).toISOString() });
  const big = () => ({ ...emptyLedger(), footprints: Array.from({ length: 30 }, (_, i) => fp(i + 1, "EXEC", i % 10 === 9)) });

  it("a whole tree has one head per stream: open and draft counts, the first 16 open changes in change order, the digest of its shards' blob ids", () => {
    const files = layoutFiles(big());
    const head = JSON.parse(files.get(headPath("EXEC"))!);
    const FIRST = ["#1", "#11", "#12", "#13", "#14", "#15", "#16", "#17", "#18", "#19", "#2", "#21", "#22", "#23", "#24", "#25"]; // #10, #20, #30 are drafts
    expect(head).toStrictEqual({ stream: "EXEC", open: 27, drafts: 3, first: FIRST, shards: expect.stringMatching(/^[0-9a-f]{16}$/) });
    const oids = new Map([...files].filter(([p]) => p.startsWith("streams/=EXEC/")).map(([p, t]) => [p.split("/").pop()!, blobOid(t)]));
    expect(head.shards).toBe(headOf("EXEC", [], oids).shards);
    expect(() => checkChanges(files)).not.toThrow();
  });

  it("a write from the head alone: counts move, a newcomer that sorts first enters `first`, only the shards it touches are needed", () => {
    const l = big();
    const files = layoutFiles(l);
    const head = JSON.parse(files.get(headPath("EXEC"))!);
    const oids = new Map([...files].filter(([p]) => p.startsWith("streams/=EXEC/")).map(([p, t]) => [p.split("/").pop()!, blobOid(t)]));
    // A view holding no member: a new PR #0 joins EXEC; its shard (as stored) is loaded alone.
    const view = { ...l, footprints: [] };
    const joined = { ...view, footprints: [fp(0)] };
    const path = summaryPath("EXEC", "#0");
    const stored = JSON.parse(files.get(path) ?? '{"stream":"EXEC","open":[],"drafts":[]}');
    const shardMembers = [...stored.open.map((c: string) => ({ change: c, draft: false })), ...stored.drafts.map((c: string) => ({ change: c, draft: true }))];
    const load: StreamLoad = { oids, head, members: null, shards: new Map([[path, shardMembers]]) };
    const d = layoutDiff(view, joined, { loaded: new Map([["EXEC", load]]) });
    const after = apply(files, d);
    // The same head as a whole rewrite computes, and the same shard.
    expect(d.get(headPath("EXEC"))).toBe(layoutFiles({ ...l, footprints: [...l.footprints, fp(0)] }).get(headPath("EXEC")));
    expect(after.get(path)).toBe(layoutFiles({ ...l, footprints: [...l.footprints, fp(0)] }).get(path));
    expect(JSON.parse(d.get(headPath("EXEC"))!)).toMatchObject({ open: 28, drafts: 3, first: ["#0", ...head.first.slice(0, 15)] });
    // One that sorts after the last listed, while others are unlisted, stays unlisted (counted).
    const late = layoutDiff(view, { ...view, footprints: [fp(99)] }, { loaded: new Map([["EXEC", { ...load, shards: new Map([[summaryPath("EXEC", "#99"), []]]) }]]) });
    expect(JSON.parse(late.get(headPath("EXEC"))!)).toMatchObject({ open: 28, first: head.first });
    // A shard the write rewrites that was not loaded: refused.
    expect(() => layoutDiff(view, joined, { loaded: new Map([["EXEC", { ...load, shards: new Map() }]]) })).toThrow(/summary shard .* was not read/);
  });

  it("members of `first` may leave until fewer than 8 stay listed in a stream with more; then the write needs every member (nextHead says so)", () => {
    const l = big();
    const files = layoutFiles(l);
    const head = JSON.parse(files.get(headPath("EXEC"))!);
    const leave = (...ns: number[]) => ns.map((n) => ({ prev: fp(n) }));
    // #1 leaves: 15 listed, still the 15 smallest of 26.
    expect(nextHead(head, "EXEC", leave(1), new Map())).toMatchObject({ open: 26, drafts: 3, first: head.first.slice(1) });
    // Eight more of them leave: 7 listed of 18 open — which come next only every member tells.
    expect(nextHead(head, "EXEC", leave(1, 11, 12, 13, 14, 15, 16, 17, 18), new Map())).toBeNull();
    expect(nextHead(head, "EXEC", [{ prev: fp(25), next: fp(25, "RISK") }, { prev: fp(10, "EXEC", true), next: fp(10) }], new Map())).toMatchObject({ open: 27, drafts: 2, first: ["#1", "#10", "#11", "#12", "#13", "#14", "#15", "#16", "#17", "#18", "#19", "#2", "#21", "#22", "#23", "#24"] });
    // With every member loaded, the head is rewritten from them.
    const members = l.footprints.map((f) => ({ change: f.change, draft: f.draft }));
    const oids = new Map([...files].filter(([p]) => p.startsWith("streams/=EXEC/")).map(([p, t]) => [p.split("/").pop()!, blobOid(t)]));
    const gone = [1, 11, 12, 13, 14, 15, 16, 17, 18].map((n) => fp(n));
    const view = { ...l, footprints: gone };
    const d = layoutDiff(view, { ...view, footprints: [] }, { loaded: new Map([["EXEC", { oids, head, members, shards: new Map() }]]) });
    const rest = l.footprints.filter((f) => !gone.some((g) => g.change === f.change));
    expect(d.get(headPath("EXEC"))).toBe(layoutFiles({ ...l, footprints: rest }).get(headPath("EXEC")));
    const shards = new Map(gone.map((g) => [summaryPath("EXEC", g.change), []]));
    expect(() => layoutDiff(view, { ...view, footprints: [] }, { loaded: new Map([["EXEC", { oids, head, members: null, shards }]]) })).toThrow(/whole summary of stream EXEC was not read/);
  });

  it("a head found out of date where the summary was read whole is written again by the next write, whatever it changes", () => {
    const l = big();
    const files = layoutFiles(l);
    const members = l.footprints.map((f) => ({ change: f.change, draft: f.draft }));
    const oids = new Map([...files].filter(([p]) => p.startsWith("streams/=EXEC/")).map(([p, t]) => [p.split("/").pop()!, blobOid(t)]));
    const locked = acquireLock(l, { path: "risk/r.py", agent: "gus", stream: "RISK", task: "t", ttlMinutes: 30, maxTtlMinutes: 240, queueGraceMinutes: 10, lease: "L9" }, T0).ledger;
    const d = layoutDiff(l, locked, { loaded: new Map([["EXEC", { oids, head: null, members, shards: new Map() }]]) });
    expect(d.get(headPath("EXEC"))).toBe(files.get(headPath("EXEC")));
  });
});

describe("stale entries (stale/<k>/<key>): the changes whose reports are out of date, for the background refresh", () => {
  it("a footprint marked stale gets its entry in the same write; clearing the mark or closing the change removes it; a whole tree lists every marked one", () => {
    const l = fullLedger();
    const fp1 = l.footprints[0]!;
    const marked = recordFootprint(l, { ...fp1, stale: true }).ledger;
    const d = layoutDiff(l, marked);
    expect(d.get(staleEntryPath(fp1.change))).toBe(`${fp1.change}\n`);
    expect(staleEntryPath(fp1.change)).toBe(`stale/${changeKey(fp1.change).slice(0, 1)}/${changeKey(fp1.change)}`);
    expect(() => checkChanges(d)).not.toThrow();
    expect(layoutDiff(marked, l).get(staleEntryPath(fp1.change))).toBeNull();
    expect(layoutDiff(marked, { ...marked, footprints: marked.footprints.slice(1) }).get(staleEntryPath(fp1.change))).toBeNull();
    const files = layoutFiles(marked);
    expect([...files.keys()].filter((k) => k.startsWith("stale/")).sort()).toEqual([staleEntryPath(fp1.change)]);
    // Derived: a whole read ignores them (the mark is the footprint's own field).
    expect(ledgerFromFiles(files, SRC, "")).toStrictEqual(canonicalLedger(marked));
  });
});

/** What a partial read that loaded every member of `stream` (as stored) hands the diff. */
function wholeLoad(stream: string, members: { change: string; draft: boolean }[]): StreamLoad {
  const oids = shardOids(stream, members);
  return { oids, head: headOf(stream, members, oids), members, shards: new Map() };
}

/** Shard file name → blob id of a stream's summary with these members, as layoutFiles writes it. */
function shardOids(stream: string, members: { change: string; draft: boolean }[]): Map<string, string> {
  const l = { ...emptyLedger(), footprints: members.map((m) => ({ change: m.change, agent: "a", stream, headSha: "", draft: m.draft, labels: [], files: [], recordedAt: new Date(T0).toISOString() })) };
  const oids = new Map<string, string>();
  for (const [path, text] of layoutFiles(l)) if (path.startsWith(`${streamDir(stream)}/`)) oids.set(path.slice(path.lastIndexOf("/") + 1), blobOid(text));
  return oids;
}

function gatePath(stream: string | null, change: string): string {
  return gateEntryPath(stream, change);
}

function apply(files: Map<string, string>, changes: Map<string, string | null>): Map<string, string> {
  const out = new Map(files);
  for (const [p, t] of changes) {
    if (t === null) out.delete(p);
    else out.set(p, t);
  }
  return out;
}
