/**
 * Ledger v2: how the ledger is STORED on `refs/pucs/ledger` — a git tree of small blobs instead of
 * one JSON document. The in-memory `Ledger` (src/engine/types.ts) is unchanged: this module maps it
 * to a set of files (path in the tree → text) and back, and computes the entry-level difference
 * between two ledgers, so a write sends and stores only what changed.
 *
 *   meta.json                                   { kind, layout: 3, schemaVersion, session }
 *   locks/<k0>/<key>.json                       one lock            key = hash of (path, lease)
 *   intents/<k0>/<key>.json                     one intent          key = hash of (agent, id, change)
 *   queues/<k0>/<key>.json                      one queue           key = hash of path
 *   overrides/<k0>/<key>.json                   one gate override   key = hash of change
 *   handoffs/<k0>/<key>.json                    one handoff         key = hash of id
 *   breakers/<k0>/<key>.json                    one stream breaker  key = hash of stream
 *   merges/<k0>/<key>.json                      one merged change   key = hash of change (ROLLBACK)
 *   arbitrations/<k0>/<key>.json                one ARBITRATE state key = hash of change
 *   agents/<k0>/<key>.json                      one registered agent key = hash of agent
 *   footprints/<k0>/<k1>/<k2>/<key>.json        one open change's footprint (key = hash of change)
 *   paths/<d0>/<d1>/<d2>/<dirkey>/<p0>/<pathkey>/<key>
 *                                               "change\n": the change `key` touches the path `pathkey`,
 *                                               grouped by the path's directory (`dirkey`; see indexDir)
 *   streams/<stream>/<k0>.json                  the stream's summary, in 16 shards by change key: its open
 *                                               changes by id, drafts apart, for CAPACITY and
 *                                               DEPENDENCY (read whole; a write rewrites one shard)
 *   gates/=<stream>/<k0>/<k1>/<key>.json         the merge gate's entry of an open change under each stream it
 *                                               touches (its gate streams: the footprint's `streams`):
 *                                               { change, draft, streams } — so the gate reads the
 *                                               open changes of the streams it needs without listing PRs
 *   gates/-/<k0>/<k1>/<key>.json                 the same for a footprint recorded without `streams` (its
 *                                               gate streams are not known: the gate reads its footprint)
 *   heads/=<stream>.json                        a stream's head: counts, first members, its shards' digest
 *   stale/<k0>/<key>                            "change\n": the change's footprint is marked `stale` (its report
 *                                               is out of date): the background refresh reads these, not
 *                                               every footprint
 *   paths/complete                              marker: every index entry, summary, gate entry and stale entry
 *                                               is written (ledgers written before them lack it and are read
 *                                               whole once; their next write writes them all)
 *
 * Layout 2 (the layout before this one) kept the index under `index/<p0>/<p1>/<p2>/<pathkey>/<key>`
 * (one fan-out per file: ~70 KB of new tree objects to record a PR of 20 files at 10,000 open PRs)
 * and its marker at `stale/complete`. A layout-2 tree lacks `paths/complete`: it is read whole, and
 * its next write writes every `paths/` entry, the marker and meta.json's `layout: 3` (its `index/`,
 * `stale/complete` and `gates/complete` stay in the tree, unread: GitHub's tree API deletes files,
 * not reliably whole directories). A pucs that knows layout 2 only then refuses the ledger with
 * "upgrade pucs" (meta.json's layout) instead of reading an index that is no longer kept.
 *
 * - Every blob is written with its entry's zod schema (keys in the schema's order), so an optional
 *   field added to a schema is stored and read back without touching this module.
 * - `paths/`, `streams/` and `gates/` are DERIVED from the footprints: a full read ignores them and a write
 *   recomputes the entries of the footprints that changed. They exist so an event can read only the
 *   claims on its own files (the index shards of those paths) and its stream's summary, and the gate
 *   only the summaries. A summary lists ids, not files: ~8 bytes per open change of the stream.
 *   A write from a whole ledger without the marker writes every index entry, summary, head, gate and
 *   stale entry, the marker and meta.json (so it migrates a layout-2 tree).
 * - Fan-out is one hex digit per level (16 entries), three levels for footprints and the index: a tree
 *   object of 256 entries is 7.4 KB and a write rewrites every tree on the way to each changed blob,
 *   so narrow levels keep the bytes a write adds to the repository small at 10,000 open changes.
 * - Two entries with the same identity (which transitions never make) keep both: the second gets a
 *   `~2` suffix, so no claim of a v1 ledger is lost in the migration.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import type { AgentRecord, Arbitration, Footprint, GateOverride, Handoff, Intent, Ledger, Lock, MergedChange, Queue, StreamBreaker } from "../engine/types.js";
import {
  FootprintSchema,
  GateOverrideSchema,
  HandoffSchema,
  IntentSchema,
  LEDGER_KIND,
  LEDGER_SCHEMA_VERSION,
  LockSchema,
  QueueSchema,
  SessionSchema,
  StreamBreakerSchema,
  MergedChangeSchema,
  ArbitrationSchema,
  AgentRecordSchema,
  canonicalLedger,
  emptyLedger,
} from "./schema.js";
import { LedgerError } from "./store.js";

/** The tree layout this pucs writes (meta.json `layout`): 3 = the index grouped by directory (`paths/`). It reads 2 and 3. */
export const LAYOUT_VERSION = 3 as const;
export const META_FILE = "meta.json";
/** The v1 document (read for the migration, never written). */
export const V1_FILE = "ledger.json";

export const MetaSchema = z.strictObject({
  kind: z.literal(LEDGER_KIND),
  layout: z.union([z.literal(2), z.literal(LAYOUT_VERSION)]),
  schemaVersion: z.literal(LEDGER_SCHEMA_VERSION),
  session: SessionSchema.nullable(),
});

/** One open change in its stream's summary (what the gate and CAPACITY need of it). */
export interface StreamMember {
  change: string;
  draft: boolean;
}
/**
 * A shard of `streams/<stream>/`: the stream's open changes by id, drafts apart, in change order —
 * ~8 bytes a change. No agent and no head: a footprint is its change's own (CAPACITY and DEPENDENCY
 * count changes), and a push rewrites its footprint, not its stream's summary.
 */
export const StreamSummarySchema = z.strictObject({ stream: z.string().nullable(), open: z.array(z.string().min(1)), drafts: z.array(z.string().min(1)) });
export type StreamSummary = z.infer<typeof StreamSummarySchema>;
/** The members a summary shard lists. */
export const membersOf = (s: StreamSummary): StreamMember[] => [...s.open.map((change) => ({ change, draft: false })), ...s.drafts.map((change) => ({ change, draft: true }))];
/**
 * `heads/<stream>.json`: what an event needs of a stream without reading its summary — how many open
 * changes it has (drafts apart), the first HEAD_FIRST of them in change order (for the names a CAPACITY
 * conflict shows), and `shards`, a digest of the blob ids of the stream's summary shards as this head
 * was computed from. A reader lists the shards' ids (not their texts) and trusts the head only when
 * they match, so a writer that does not know heads (an older pucs) can never make a reader trust a
 * stale one: the reader reads the summary whole instead, and its next write rewrites the head.
 */
export const StreamHeadSchema = z.strictObject({
  stream: z.string().nullable(),
  open: z.number().int().nonnegative(),
  drafts: z.number().int().nonnegative(),
  first: z.array(z.string().min(1)),
  shards: z.string().min(1),
});
export type StreamHead = z.infer<typeof StreamHeadSchema>;
/**
 * How many first members a head lists (at most), and how few it may keep before a write must read
 * every member to list more: CAPACITY names 6 holders other than the change itself (7 needed), and
 * the room between the two lets 8 first members leave (the oldest PRs tend to merge first) before
 * one write reads the whole summary again.
 */
export const HEAD_FIRST = 16;
export const HEAD_MIN = 8;

/** git's id of a blob with this text (as GitHub's tree entries report it). */
export function blobOid(text: string): string {
  const body = Buffer.from(text, "utf8");
  return createHash("sha1").update(`blob ${body.length}\0`).update(body).digest("hex");
}

/** The digest of a stream's summary shards (shard file name → blob id), as a head records it. */
export function shardsDigest(oids: ReadonlyMap<string, string>): string {
  const lines = [...oids].map(([name, oid]) => `${name} ${oid}\n`).sort();
  return createHash("sha1").update(lines.join("")).digest("hex").slice(0, 16);
}

/** A stream's head from all its members and its shards' blob ids. */
export function headOf(stream: string | null, members: readonly StreamMember[], oids: ReadonlyMap<string, string>): StreamHead {
  const open = members.filter((m) => !m.draft).map((m) => m.change);
  open.sort(cmpStr);
  return { stream, open: open.length, drafts: members.length - open.length, first: open.slice(0, HEAD_FIRST), shards: shardsDigest(oids) };
}
const cmpStr = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Present once every open change is indexed under `paths/`, in its stream's summary and head, under
 * its gate streams, and under `stale/` when marked (see the module comment). A tree without it (a
 * layout-2 ledger, or one written before these entries) is read whole, and its next write writes them all.
 */
export const SUMMARY_MARK = "paths/complete";
const SUMMARY_MARK_TEXT = "every open change is indexed under paths/, in its stream's summary and under its gate streams, and listed under stale/ when marked stale\n";
/** A marker of layout 2 (before `stale/complete`) left in a migrated tree: the gate skips it among the gate entries. */
export const GATES_MARK = "gates/complete";

/** The stale entry of a change (present while its footprint is marked `stale`). */
export const staleEntryPath = (change: string): string => {
  const k = changeKey(change);
  return `stale/${k.slice(0, 1)}/${k}`;
};

/**
 * An open change as the merge gate needs it, under each stream it touches (`gates/`): whether it is a
 * draft and its gate streams (null: recorded before footprints carried them; the gate reads the
 * footprint). No head commit: a push leaves the entry as it is (the gate reads the heads of the PRs
 * whose status it re-publishes from GitHub, fresher than any ledger).
 */
export const GateEntrySchema = z.strictObject({
  change: z.string().min(1),
  draft: z.boolean(),
  streams: z.array(z.string()).nullable(),
});
export type GateEntry = z.infer<typeof GateEntrySchema>;

// ---------------------------------------------------------------------------
// Keys and paths
// ---------------------------------------------------------------------------

const hash = (s: string): string => createHash("sha1").update(s).digest("hex").slice(0, 20);
const fan = (key: string, levels: number): string => key.slice(0, levels).split("").join("/");

export const lockKey = (l: Lock): string => hash(`lock\0${l.path}\0${l.lease}`);
export const intentKey = (i: Intent): string => hash(`intent\0${i.agent}\0${i.id}\0${i.change ?? ""}`);
export const queueKey = (q: Queue): string => hash(`queue\0${q.path}`);
export const overrideKey = (o: GateOverride): string => hash(`override\0${o.change}`);
export const handoffKey = (h: Handoff): string => hash(`handoff\0${h.id}`);
export const breakerKey = (b: StreamBreaker): string => hash(`breaker\0${b.stream}`);
export const mergeKey = (m: MergedChange): string => hash(`merge\0${m.change}`);
export const arbitrationKey = (a: Arbitration): string => hash(`arbitration\0${a.change}`);
export const agentKey = (a: AgentRecord): string => hash(`agent\0${a.agent}`);
export const changeKey = (change: string): string => hash(`change\0${change}`);
export const pathKey = (path: string): string => hash(`path\0${path}`);

export const dirKey = (dir: string): string => hash(`dir\0${dir}`);
/** The directory part of a repository path ("" at the top). */
const dirOf = (path: string): string => {
  const i = path.lastIndexOf("/");
  return i < 0 ? "" : path.slice(0, i);
};

/**
 * Directory (in the ledger tree) of the index shard of one path: its entries name the changes on it.
 * Grouped by the path's directory (`paths/<d0>/<d1>/<d2>/<dirkey>/<p0>/<pathkey>`): a change's files
 * mostly share a few directories, so recording them rewrites those directories' trees, not one
 * 2–3 KB fan-out tree per file (layout 2's `index/`: 70 KB of new objects per opening at 10,000
 * open PRs). The `<p0>` level keeps a directory many changes touch to trees of 16 entries.
 */
export const indexDir = (path: string): string => {
  const d = dirKey(dirOf(path));
  const k = pathKey(path);
  return `paths/${fan(d, 3)}/${d}/${k.slice(0, 1)}/${k}`;
};
export const footprintPath = (change: string): string => {
  const k = changeKey(change);
  return `footprints/${fan(k, 3)}/${k}.json`;
};
/** Tree-safe name of a stream: "=" and its id escaped, "-" for no stream. */
const streamName = (stream: string | null): string => (stream === null ? "-" : `=${encodeURIComponent(stream).replace(/\./g, "%2E")}`);
/** Directory of a stream's summary shards. */
export const streamDir = (stream: string | null): string => `streams/${streamName(stream)}`;
/** Tree-safe directory of a stream's gate entries (`gates/-` for footprints without gate streams). */
export const gateDir = (stream: string | null): string => `gates/${streamName(stream)}`;
/** The head of a stream (see StreamHeadSchema). */
export const headPath = (stream: string | null): string => `heads/${streamName(stream)}.json`;
/** The summary shard of a stream that lists `change` (16 shards by the change's key: a write rewrites one). */
export const summaryPath = (stream: string | null, change: string): string => `${streamDir(stream)}/${changeKey(change).slice(0, 1)}.json`;

// ---------------------------------------------------------------------------
// Canonical text of one entry, by its schema
// ---------------------------------------------------------------------------

type AnySchema = z.ZodType;

/** `value` with object keys in the schema's declared order (undefined optionals left out). */
function ordered(schema: AnySchema, value: unknown): unknown {
  const def = (schema as unknown as { def: { type: string; shape?: Record<string, AnySchema>; element?: AnySchema; innerType?: AnySchema } }).def;
  if (value === null || value === undefined) return value;
  switch (def.type) {
    case "optional":
    case "nullable":
    case "default":
      return ordered(def.innerType!, value);
    case "array":
      return Array.isArray(value) ? value.map((v) => ordered(def.element!, v)) : value;
    case "object": {
      const obj = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(def.shape!)) if (obj[k] !== undefined) out[k] = ordered(def.shape![k]!, obj[k]);
      // Keys the schema does not know are kept (after the known ones): the read rejects them, loudly.
      for (const k of Object.keys(obj)) if (!(k in def.shape!) && obj[k] !== undefined) out[k] = obj[k];
      return out;
    }
    default:
      return value;
  }
}

export function entryText(schema: AnySchema, value: unknown): string {
  return `${JSON.stringify(ordered(schema, value))}\n`;
}

const memberOf = (f: Footprint): StreamMember => ({ change: f.change, draft: f.draft });
/** Whether a footprint's entry in its stream's summary is the same (stream, draft). */
export const sameMember = (a: Footprint, b: Footprint): boolean => a.stream === b.stream && a.draft === b.draft;

/** The text of a summary shard of `stream` with these members (null = no open change: no blob). */
function summaryText(stream: string | null, members: readonly StreamMember[]): string | null {
  if (members.length === 0) return null;
  const sorted = [...members].sort((a, b) => (a.change < b.change ? -1 : a.change > b.change ? 1 : 0));
  return entryText(StreamSummarySchema, { stream, open: sorted.filter((m) => !m.draft).map((m) => m.change), drafts: sorted.filter((m) => m.draft).map((m) => m.change) });
}

/** Name of a summary shard file in its stream's directory ("3.json"). */
const shardName = (path: string): string => path.slice(path.lastIndexOf("/") + 1);

/** Every summary shard of one stream and its head, from all its members. */
function streamFiles(stream: string | null, members: readonly StreamMember[], out: FileChanges): void {
  const by = new Map<string, StreamMember[]>();
  for (const m of members) {
    const path = summaryPath(stream, m.change);
    const list = by.get(path) ?? [];
    list.push(m);
    by.set(path, list);
  }
  const oids = new Map<string, string>();
  for (const [path, list] of by) {
    const text = summaryText(stream, list)!;
    out.set(path, text);
    oids.set(shardName(path), blobOid(text));
  }
  out.set(headPath(stream), entryText(StreamHeadSchema, headOf(stream, members, oids)));
}

/** Every stream's summary and head of a whole ledger. */
function allSummaries(footprints: readonly Footprint[], out: FileChanges): void {
  const by = new Map<string | null, StreamMember[]>();
  for (const f of footprints) {
    const list = by.get(f.stream) ?? [];
    list.push(memberOf(f));
    by.set(f.stream, list);
  }
  for (const [stream, members] of by) streamFiles(stream, members, out);
  // Gate entries too: a tree without the marker may have been written before they existed.
  for (const f of footprints) {
    const paths = gateEntryPaths(f);
    if (paths.length === 0) continue;
    const text = entryText(GateEntrySchema, gateEntryOf(f));
    for (const p of paths) out.set(p, text);
  }
  for (const f of footprints) if (f.stale === true) out.set(staleEntryPath(f.change), `${f.change}\n`);
  // Index entries too: a tree without the marker may be a layout-2 one (its index under `index/`, left unread).
  for (const f of footprints) {
    const k = changeKey(f.change);
    for (const p of indexedPaths(f.files)) out.set(`${indexDir(p)}/${k}`, `${f.change}\n`);
  }
  out.set(SUMMARY_MARK, SUMMARY_MARK_TEXT);
}

// ---------------------------------------------------------------------------
// Ledger → files
// ---------------------------------------------------------------------------

/** path → text; null = delete. */
export type FileChanges = Map<string, string | null>;

interface Keyed<T> {
  key: string;
  entry: T;
}

/** Entries with their unique keys (a repeated identity gets "~2", "~3"... in canonical order). */
function keyed<T>(entries: readonly T[], keyOf: (e: T) => string): Keyed<T>[] {
  const seen = new Map<string, number>();
  return entries.map((entry) => {
    const base = keyOf(entry);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return { key: n === 1 ? base : `${base}~${n}`, entry };
  });
}

/** One shared empty list for a ledger without handoffs/breakers (so `a === b` skips the compare). */
const NONE: never[] = [];

interface Collection<T> {
  dir: string;
  schema: AnySchema;
  keyOf: (e: T) => string;
  get: (l: Ledger) => T[];
}

const COLLECTIONS = {
  locks: { dir: "locks", schema: LockSchema, keyOf: lockKey, get: (l: Ledger) => l.locks } as Collection<Lock>,
  intents: { dir: "intents", schema: IntentSchema, keyOf: intentKey, get: (l: Ledger) => l.intents } as Collection<Intent>,
  queues: { dir: "queues", schema: QueueSchema, keyOf: queueKey, get: (l: Ledger) => l.queues } as Collection<Queue>,
  overrides: { dir: "overrides", schema: GateOverrideSchema, keyOf: overrideKey, get: (l: Ledger) => l.overrides } as Collection<GateOverride>,
  handoffs: { dir: "handoffs", schema: HandoffSchema, keyOf: handoffKey, get: (l: Ledger) => l.handoffs ?? NONE } as Collection<Handoff>,
  breakers: { dir: "breakers", schema: StreamBreakerSchema, keyOf: breakerKey, get: (l: Ledger) => l.breakers ?? NONE } as Collection<StreamBreaker>,
  merges: { dir: "merges", schema: MergedChangeSchema, keyOf: mergeKey, get: (l: Ledger) => l.merges ?? NONE } as Collection<MergedChange>,
  arbitrations: { dir: "arbitrations", schema: ArbitrationSchema, keyOf: arbitrationKey, get: (l: Ledger) => l.arbitrations ?? NONE } as Collection<Arbitration>,
  agents: { dir: "agents", schema: AgentRecordSchema, keyOf: agentKey, get: (l: Ledger) => l.agents ?? NONE } as Collection<AgentRecord>,
};
const SMALL = ["locks", "intents", "queues", "overrides", "handoffs", "breakers", "merges", "arbitrations", "agents"] as const;

const smallPath = (dir: string, key: string): string => `${dir}/${key.slice(0, 1)}/${key}.json`;

function metaText(l: Ledger): string {
  return entryText(MetaSchema, { kind: l.kind, layout: LAYOUT_VERSION, schemaVersion: l.schemaVersion, session: l.session });
}

/** The paths the index lists a change under for these files: each file's, and a rename's old one. */
export function indexedPaths(files: readonly { path: string; previousPath?: string | undefined }[]): string[] {
  return [...new Set(files.flatMap((x) => (x.previousPath === undefined || x.previousPath === x.path ? [x.path] : [x.path, x.previousPath])))];
}

/** A footprint's gate entry (the same text under each of its gate streams). */
export function gateEntryOf(f: Footprint): GateEntry {
  return { change: f.change, draft: f.draft, streams: f.streams ?? null };
}

/**
 * The gate entry of `change` under `stream` (null: `gates/-`). Two hex levels: a stream with 1,667
 * open changes keeps ~7 entries per leaf tree, so filing a change rewrites small trees only.
 */
export const gateEntryPath = (stream: string | null, change: string): string => {
  const k = changeKey(change);
  return `${gateDir(stream)}/${fan(k, 2)}/${k}.json`;
};

/** Where a footprint's gate entries go: under each gate stream, or `gates/-` when they are unknown. */
function gateEntryPaths(f: Footprint): string[] {
  return (f.streams === undefined ? [null] : f.streams).map((s) => gateEntryPath(s, f.change));
}

/** Every file of a footprint: its blob, its index entries and its gate entries (its stream's summary is shared: see layoutDiff). */
function footprintFiles(f: Footprint, out: FileChanges, value: (text: string) => string | null): void {
  const k = changeKey(f.change);
  out.set(footprintPath(f.change), value(entryText(FootprintSchema, f)));
  // A rename is indexed under its old path too: an event on that path must find it (the same base file).
  for (const p of indexedPaths(f.files)) out.set(`${indexDir(p)}/${k}`, value(`${f.change}\n`));
  const gates = gateEntryPaths(f);
  if (gates.length > 0) {
    const text = value(entryText(GateEntrySchema, gateEntryOf(f)));
    for (const p of gates) out.set(p, text);
  }
  if (f.stale === true) out.set(staleEntryPath(f.change), value(`${f.change}\n`));
}

/** The whole v2 tree of a ledger (for a migration or a first write). */
export function layoutFiles(l: Ledger): Map<string, string> {
  const c = canonicalLedger(l);
  const out: FileChanges = new Map();
  out.set(META_FILE, metaText(c));
  for (const name of SMALL) {
    const col = COLLECTIONS[name] as Collection<unknown>;
    for (const { key, entry } of keyed(col.get(c), col.keyOf)) out.set(smallPath(col.dir, key), entryText(col.schema, entry));
  }
  for (const f of c.footprints) footprintFiles(f, out, (t) => t);
  allSummaries(c.footprints, out);
  for (const [p, t] of out) if (t === null) out.delete(p);
  return out as Map<string, string>;
}

/**
 * What a partial read loaded of one stream's summary (`layoutDiff` rewrites its shards and head from it):
 * the blob ids of its shards as stored, its head when it matched them, and its members — all of them
 * (`members`) or those of the shards read one by one (`shards`: path → members as stored).
 */
export interface StreamLoad {
  oids: ReadonlyMap<string, string>;
  head: StreamHead | null;
  members: readonly StreamMember[] | null;
  shards: ReadonlyMap<string, readonly StreamMember[]>;
}

/**
 * How `layoutDiff` rewrites the summaries of the streams a write changes: from the whole ledger
 * (`before` is whole), or from what a partial read loaded (`loaded`: stream → StreamLoad; every
 * stream whose membership changes must be there, with the shards the write rewrites, and whole
 * when a member of its head's `first` leaves a stream with more). `complete: false` = the tree
 * lacks the marker: a whole-ledger write then writes every summary.
 */
export interface SummaryBase {
  loaded?: ReadonlyMap<string | null, StreamLoad>;
  complete?: boolean;
}

/** One change's move of membership: its footprint before and after (undefined: none). */
export interface MembershipMove {
  prev?: Footprint | undefined;
  next?: Footprint | undefined;
}

/**
 * The moves of membership from one list of footprints to another, by stream: a change that joins or
 * leaves a stream, or turns draft or ready in it (a move between streams is listed under both). Entries
 * the same object on both sides are skipped unread.
 */
export function membershipMoves(before: readonly Footprint[], after: readonly Footprint[]): Map<string | null, MembershipMove[]> {
  const oldBy = new Map(before.map((f) => [f.change, f]));
  const moves = new Map<string | null, MembershipMove[]>();
  const move = (stream: string | null, m: MembershipMove) => {
    const list = moves.get(stream) ?? [];
    list.push(m);
    moves.set(stream, list);
  };
  const kept = new Set<string>();
  for (const f of after) {
    kept.add(f.change);
    const prev = oldBy.get(f.change);
    if (prev === f || (prev && sameMember(prev, f))) continue;
    move(f.stream, { prev, next: f });
    if (prev && prev.stream !== f.stream) move(prev.stream, { prev, next: f });
  }
  for (const prev of before) if (!kept.has(prev.change)) move(prev.stream, { prev, next: undefined });
  return moves;
}

/** A footprint's place in its stream's counts: open, draft, or none of this stream's. */
const placeIn = (stream: string | null, f: Footprint | undefined): "open" | "draft" | null => (f && f.stream === stream ? (f.draft ? "draft" : "open") : null);

/**
 * The head of `stream` after changes of membership (`moves`: before → after of each change that moved),
 * from the head as stored alone. Null when it cannot be told without every member: members of `first`
 * left and fewer than HEAD_MIN remain listed while the stream has more open changes.
 */
export function nextHead(head: StreamHead, stream: string | null, moves: readonly MembershipMove[], oids: ReadonlyMap<string, string>): StreamHead | null {
  let open = head.open;
  let drafts = head.drafts;
  const first = new Set(head.first);
  for (const { prev, next } of moves) {
    const was = placeIn(stream, prev);
    const now = placeIn(stream, next);
    if (was === now) continue;
    const change = (prev ?? next)!.change;
    if (was === "open") {
      open--;
      first.delete(change);
    } else if (was === "draft") drafts--;
    if (now === "open") {
      // Listed when it sorts before the last listed (or every open change is listed): `first` stays the smallest.
      if (head.open === head.first.length || cmpStr(change, head.first[head.first.length - 1] ?? "") < 0) first.add(change);
      open++;
    } else if (now === "draft") drafts++;
  }
  if (open < 0 || drafts < 0) return null;
  const listed = [...first].sort(cmpStr).slice(0, HEAD_FIRST);
  // Too few listed while more are open: only every member can tell which come next.
  if (listed.length < Math.min(HEAD_MIN, open)) return null;
  return { stream, open, drafts, first: listed, shards: shardsDigest(oids) };
}

/** Whether a write needs every member of `stream` (see nextHead): true when the head alone cannot tell. */
export function needsWholeStream(head: StreamHead, stream: string | null, moves: readonly MembershipMove[]): boolean {
  return nextHead(head, stream, moves, new Map()) === null;
}

/**
 * The files to change to go from ledger `before` (as stored in v2) to `after`: only entries that
 * differ. Transitions keep every entry they do not change (the same object), so most entries are
 * skipped without being serialised. `before` may be a PARTIAL view (see LedgerView): only entries it
 * holds are compared, and an entry absent from both is never touched.
 */
export function layoutDiff(before: Ledger, after: Ledger, summaries: SummaryBase = {}): FileChanges {
  const out: FileChanges = new Map();
  if (before.session !== after.session && JSON.stringify(before.session) !== JSON.stringify(after.session)) out.set(META_FILE, metaText(after));
  for (const name of SMALL) {
    const col = COLLECTIONS[name] as Collection<unknown>;
    const a = col.get(before);
    const b = col.get(after);
    if (a === b) continue;
    const oldK = keyed(canonicalOrder(name, a), col.keyOf);
    const newK = keyed(canonicalOrder(name, b), col.keyOf);
    const oldBy = new Map(oldK.map((x) => [x.key, x.entry]));
    const newBy = new Map(newK.map((x) => [x.key, x.entry]));
    for (const [key, entry] of newBy) {
      const prev = oldBy.get(key);
      if (prev === entry) continue;
      const text = entryText(col.schema, entry);
      if (prev !== undefined && entryText(col.schema, prev) === text) continue;
      out.set(smallPath(col.dir, key), text);
    }
    for (const key of oldBy.keys()) if (!newBy.has(key)) out.set(smallPath(col.dir, key), null);
  }
  const moved = new Set<string | null>();
  if (before.footprints !== after.footprints) {
    const oldBy = new Map(before.footprints.map((f) => [f.change, f]));
    const newBy = new Map(after.footprints.map((f) => [f.change, f]));
    for (const [change, f] of newBy) {
      const prev = oldBy.get(change);
      if (prev === f) continue;
      const mine: FileChanges = new Map();
      footprintFiles(f, mine, (t) => t);
      const theirs: FileChanges = new Map();
      if (prev) footprintFiles(prev, theirs, (t) => t);
      for (const [p, t] of mine) if (theirs.get(p) !== t) out.set(p, t);
      for (const p of theirs.keys()) if (!mine.has(p)) out.set(p, null);
    }
    for (const [change, prev] of oldBy) {
      if (newBy.has(change)) continue;
      const theirs: FileChanges = new Map();
      footprintFiles(prev, theirs, (t) => t);
      for (const p of theirs.keys()) out.set(p, null);
    }
    // The summary shards (and heads) of the streams whose members (or a member's draft) changed.
    const moves = membershipMoves(before.footprints, after.footprints);
    for (const stream of moves.keys()) moved.add(stream);
    if (summaries.complete !== false || summaries.loaded) {
      for (const [stream, list] of moves) {
        const paths = new Set(list.map((m) => summaryPath(stream, (m.prev ?? m.next)!.change)));
        const inShard = (path: string) => (m: { change: string }) => summaryPath(stream, m.change) === path;
        const afterIn = after.footprints.filter((f) => f.stream === stream);
        const load = summaries.loaded?.get(stream);
        if (!summaries.loaded) {
          // A whole ledger: every member is in `after`.
          const all: FileChanges = new Map();
          if (afterIn.length > 0) streamFiles(stream, afterIn.map(memberOf), all);
          for (const p of [...paths, headPath(stream)]) out.set(p, all.get(p) ?? null);
          continue;
        }
        const bug = (what: string) => new LedgerError(`the ${what} of stream ${stream ?? "(none)"} was not read before a write that changes it: a PUCS bug; nothing was written`, "corrupt");
        if (!load) throw bug("summary");
        const mine = (m: StreamMember) => oldBy.has(m.change) || newBy.has(m.change);
        const oids = new Map(load.oids);
        for (const path of paths) {
          const stored = load.members ? load.members.filter(inShard(path)) : load.shards.get(path);
          if (stored === undefined) throw bug(`summary shard ${path}`);
          const text = summaryText(stream, [...stored.filter((m) => !mine(m)), ...afterIn.filter(inShard(path)).map(memberOf)]);
          out.set(path, text);
          if (text === null) oids.delete(shardName(path));
          else oids.set(shardName(path), blobOid(text));
        }
        let head: StreamHead | null;
        if (load.members) head = oids.size === 0 ? null : headOf(stream, [...load.members.filter((m) => !mine(m)), ...afterIn.map(memberOf)], oids);
        else {
          if (!load.head) throw bug("head");
          head = nextHead(load.head, stream, list, oids);
          if (!head) throw bug("whole summary");
          if (oids.size === 0) head = null;
        }
        out.set(headPath(stream), head === null ? null : entryText(StreamHeadSchema, head));
      }
    }
  }
  // A head found out of date (or missing) where the summary was read whole: written again with this write.
  for (const [stream, load] of summaries.loaded ?? []) {
    if (moved.has(stream) || load.head !== null || load.members === null || load.oids.size === 0) continue;
    out.set(headPath(stream), entryText(StreamHeadSchema, headOf(stream, load.members, load.oids)));
  }
  if (summaries.complete === false && !summaries.loaded) {
    allSummaries(after.footprints, out);
    // The tree is now this layout (a layout-2 tree is migrated by this write).
    out.set(META_FILE, metaText(canonicalLedger(after)));
  }
  return out;
}

const ORDER = {
  locks: (x: unknown[]) => canonicalLedger({ ...emptyLedger(), locks: x as Lock[] }).locks,
  intents: (x: unknown[]) => canonicalLedger({ ...emptyLedger(), intents: x as Intent[] }).intents,
  queues: (x: unknown[]) => canonicalLedger({ ...emptyLedger(), queues: x as Queue[] }).queues,
  overrides: (x: unknown[]) => canonicalLedger({ ...emptyLedger(), overrides: x as GateOverride[] }).overrides,
  handoffs: (x: unknown[]) => canonicalLedger({ ...emptyLedger(), handoffs: x as Handoff[] }).handoffs!,
  breakers: (x: unknown[]) => canonicalLedger({ ...emptyLedger(), breakers: x as StreamBreaker[] }).breakers!,
  merges: (x: unknown[]) => canonicalLedger({ ...emptyLedger(), merges: x as MergedChange[] }).merges!,
  arbitrations: (x: unknown[]) => canonicalLedger({ ...emptyLedger(), arbitrations: x as Arbitration[] }).arbitrations!,
  agents: (x: unknown[]) => canonicalLedger({ ...emptyLedger(), agents: x as AgentRecord[] }).agents!,
};
function canonicalOrder(name: (typeof SMALL)[number], entries: unknown[]): unknown[] {
  return ORDER[name](entries);
}

// ---------------------------------------------------------------------------
// Files → ledger
// ---------------------------------------------------------------------------

const MAX_ISSUES = 5;

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(top level)";
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (typeof seg === "string" && /^[A-Za-z_$][\w$]*$/.test(seg)) out += out === "" ? seg : `.${seg}`;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}

/** Parses one blob of the tree with its schema; LedgerError "corrupt" naming the file otherwise. */
export function parseEntry<T>(schema: z.ZodType<T>, text: string, file: string, source: string, hint: string): T {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const msg = (e instanceof Error ? e.message : String(e)).replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, "");
    throw new LedgerError(`${source}: ${file} is not valid JSON (${msg}). ${hint}`, "corrupt");
  }
  const r = schema.safeParse(data, {
    error: (iss) => (iss.code === "invalid_type" && iss.input === undefined ? `missing (expected ${String(iss.expected)})` : undefined),
  });
  if (!r.success) {
    const issues = r.error.issues;
    const shown = issues.slice(0, MAX_ISSUES).map((i) => `${formatPath(i.path)}: ${i.message}`);
    const more = issues.length > MAX_ISSUES ? `; and ${issues.length - MAX_ISSUES} more` : "";
    throw new LedgerError(`${source}: ${file} does not match the ledger schema (${shown.join("; ")}${more}). ${hint}`, "corrupt");
  }
  return r.data;
}

/** Checks meta.json: foreign (another kind), unsupported (newer layout or schema), corrupt. */
export function parseMeta(text: string, source: string, hint: string): z.infer<typeof MetaSchema> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    data = undefined;
  }
  if (typeof data === "object" && data !== null && !Array.isArray(data)) {
    const o = data as Record<string, unknown>;
    if (o.kind !== LEDGER_KIND) {
      const found = "kind" in o ? `"kind" is ${JSON.stringify(o.kind)}` : `it has no "kind"`;
      throw new LedgerError(`${source}: ${META_FILE} is not a PUCS ledger's (${found}, expected "${LEDGER_KIND}"). ${hint}`, "foreign");
    }
    for (const [field, mine] of [["layout", LAYOUT_VERSION], ["schemaVersion", LEDGER_SCHEMA_VERSION]] as const) {
      const v = o[field];
      if (typeof v === "number" && Number.isInteger(v) && v > mine) {
        throw new LedgerError(
          `${source}: ${META_FILE} has ${field} ${v}, but this pucs understands ${field} ${mine} only. ` +
            `Upgrade pucs (e.g. \`npm install pucs@latest\`) on this machine; the ledger was not changed.`,
          "unsupported-version",
        );
      }
    }
  }
  return parseEntry(MetaSchema, text, META_FILE, source, hint);
}

/** Which entries of the tree a reader needs for the whole ledger (paths/ and streams/ are derived). */
export function isLedgerFile(path: string): boolean {
  return path === META_FILE || /^(locks|intents|queues|overrides|handoffs|breakers|merges|arbitrations|agents)\/[0-9a-f]\/[^/]+\.json$/.test(path) || /^footprints\/[0-9a-f]\/[0-9a-f]\/[0-9a-f]\/[^/]+\.json$/.test(path);
}

/**
 * The whole ledger from its v2 files (path → text; `paths/` and `streams/` are ignored). Throws
 * LedgerError naming the file for anything that does not validate.
 */
export function ledgerFromFiles(files: ReadonlyMap<string, string>, source: string, hint: string): Ledger {
  const metaText = files.get(META_FILE);
  if (metaText === undefined) throw new LedgerError(`${source}: the tree has no ${META_FILE}, so it is not a PUCS ledger. ${hint}`, "foreign");
  const meta = parseMeta(metaText, source, hint);
  const l: Ledger = { ...emptyLedger(), session: meta.session };
  const merges: MergedChange[] = [];
  const arbitrations: Arbitration[] = [];
  const agents: AgentRecord[] = [];
  const lists = { locks: l.locks, intents: l.intents, queues: l.queues, overrides: l.overrides, handoffs: l.handoffs!, breakers: l.breakers!, merges, arbitrations, agents } as Record<string, unknown[]>;
  for (const [path, text] of files) {
    if (path === META_FILE) continue;
    const top = path.slice(0, path.indexOf("/"));
    if (top === "footprints") l.footprints.push(parseEntry(FootprintSchema, text, path, source, hint));
    else if (top in lists) lists[top]!.push(parseEntry(COLLECTIONS[top as (typeof SMALL)[number]].schema, text, path, source, hint));
  }
  // Present only when the tree has some, so a ledger from before ROLLBACK and ARBITRATE reads as it was.
  if (merges.length > 0) l.merges = merges;
  if (arbitrations.length > 0) l.arbitrations = arbitrations;
  if (agents.length > 0) l.agents = agents;
  return canonicalLedger(l);
}

// ---------------------------------------------------------------------------
// Partial views
// ---------------------------------------------------------------------------

/**
 * What an event loaded of a v2 ledger: every small collection (locks, intents, queues, overrides,
 * the session) and ONLY the footprints in `scope` — the changes asked for by id and those the index
 * lists on the asked paths. It is NOT the whole ledger: a transition may run on `ledger`, and the
 * store writes only the difference with what was loaded, so footprints outside the scope are never
 * touched. Code that needs every open change (the gate, `pucs status`) reads the whole ledger.
 */
export interface LedgerView {
  readonly partial: true;
  ledger: Ledger;
  scope: { paths: readonly string[]; changes: readonly string[] };
}

/** Schema of a file of the tree by its path (null for `paths/` entries, whose text is the change id). */
function schemaOfPath(path: string): AnySchema | null {
  if (path === META_FILE) return MetaSchema;
  const top = path.slice(0, path.indexOf("/"));
  if (top === "footprints") return FootprintSchema;
  if (top === "streams") return StreamSummarySchema;
  if (top === "heads") return StreamHeadSchema;
  if (top === "gates") return GateEntrySchema;
  if (top in COLLECTIONS) return COLLECTIONS[top as (typeof SMALL)[number]].schema;
  return null;
}

/** Never write what the next read would reject: every changed blob validates with its schema. */
export function checkChanges(changes: FileChanges): void {
  const source = "the ledger about to be written (a pucs bug; nothing was written)";
  for (const [path, text] of changes) {
    if (text === null || (path === SUMMARY_MARK && text === SUMMARY_MARK_TEXT)) continue;
    const schema = schemaOfPath(path);
    if (schema) parseEntry(schema, text, path, source, "");
    else if (!(path.startsWith("paths/") || path.startsWith("stale/")) || text.trim() === "") throw new LedgerError(`${source}: unexpected file ${path}`, "corrupt");
  }
}
