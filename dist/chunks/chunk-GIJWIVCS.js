import { createRequire as __pucsCreateRequire } from 'node:module'; const require = __pucsCreateRequire(import.meta.url);
import {
  AgentRecordSchema,
  ArbitrationSchema,
  FootprintSchema,
  GateOverrideSchema,
  HandoffSchema,
  IntentSchema,
  LEDGER_KIND,
  LEDGER_SCHEMA_VERSION,
  LedgerError,
  LockSchema,
  MergedChangeSchema,
  QueueSchema,
  SessionSchema,
  StreamBreakerSchema,
  canonicalLedger,
  emptyLedger,
  parseLedger
} from "./chunk-CSRU35QZ.js";
import {
  external_exports
} from "./chunk-XQOQWPWI.js";

// src/git/ledger-store.ts
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// src/ledger/layout.ts
import { createHash } from "node:crypto";
var LAYOUT_VERSION = 3;
var META_FILE = "meta.json";
var V1_FILE = "ledger.json";
var MetaSchema = external_exports.strictObject({
  kind: external_exports.literal(LEDGER_KIND),
  layout: external_exports.union([external_exports.literal(2), external_exports.literal(LAYOUT_VERSION)]),
  schemaVersion: external_exports.literal(LEDGER_SCHEMA_VERSION),
  session: SessionSchema.nullable()
});
var StreamSummarySchema = external_exports.strictObject({ stream: external_exports.string().nullable(), open: external_exports.array(external_exports.string().min(1)), drafts: external_exports.array(external_exports.string().min(1)) });
var StreamHeadSchema = external_exports.strictObject({
  stream: external_exports.string().nullable(),
  open: external_exports.number().int().nonnegative(),
  drafts: external_exports.number().int().nonnegative(),
  first: external_exports.array(external_exports.string().min(1)),
  shards: external_exports.string().min(1)
});
var HEAD_FIRST = 16;
var HEAD_MIN = 8;
function blobOid(text) {
  const body = Buffer.from(text, "utf8");
  return createHash("sha1").update(`blob ${body.length}\0`).update(body).digest("hex");
}
function shardsDigest(oids) {
  const lines = [...oids].map(([name, oid]) => `${name} ${oid}
`).sort();
  return createHash("sha1").update(lines.join("")).digest("hex").slice(0, 16);
}
function headOf(stream, members, oids) {
  const open = members.filter((m) => !m.draft).map((m) => m.change);
  open.sort(cmpStr);
  return { stream, open: open.length, drafts: members.length - open.length, first: open.slice(0, HEAD_FIRST), shards: shardsDigest(oids) };
}
var cmpStr = (a, b) => a < b ? -1 : a > b ? 1 : 0;
var SUMMARY_MARK = "paths/complete";
var SUMMARY_MARK_TEXT = "every open change is indexed under paths/, in its stream's summary and under its gate streams, and listed under stale/ when marked stale\n";
var staleEntryPath = (change) => {
  const k = changeKey(change);
  return `stale/${k.slice(0, 1)}/${k}`;
};
var GateEntrySchema = external_exports.strictObject({
  change: external_exports.string().min(1),
  draft: external_exports.boolean(),
  streams: external_exports.array(external_exports.string()).nullable()
});
var hash = (s) => createHash("sha1").update(s).digest("hex").slice(0, 20);
var fan = (key, levels) => key.slice(0, levels).split("").join("/");
var lockKey = (l) => hash(`lock\0${l.path}\0${l.lease}`);
var intentKey = (i) => hash(`intent\0${i.agent}\0${i.id}\0${i.change ?? ""}`);
var queueKey = (q) => hash(`queue\0${q.path}`);
var overrideKey = (o) => hash(`override\0${o.change}`);
var handoffKey = (h) => hash(`handoff\0${h.id}`);
var breakerKey = (b) => hash(`breaker\0${b.stream}`);
var mergeKey = (m) => hash(`merge\0${m.change}`);
var arbitrationKey = (a) => hash(`arbitration\0${a.change}`);
var agentKey = (a) => hash(`agent\0${a.agent}`);
var changeKey = (change) => hash(`change\0${change}`);
var pathKey = (path) => hash(`path\0${path}`);
var dirKey = (dir) => hash(`dir\0${dir}`);
var dirOf = (path) => {
  const i = path.lastIndexOf("/");
  return i < 0 ? "" : path.slice(0, i);
};
var indexDir = (path) => {
  const d = dirKey(dirOf(path));
  const k = pathKey(path);
  return `paths/${fan(d, 3)}/${d}/${k.slice(0, 1)}/${k}`;
};
var footprintPath = (change) => {
  const k = changeKey(change);
  return `footprints/${fan(k, 3)}/${k}.json`;
};
var streamName = (stream) => stream === null ? "-" : `=${encodeURIComponent(stream).replace(/\./g, "%2E")}`;
var streamDir = (stream) => `streams/${streamName(stream)}`;
var gateDir = (stream) => `gates/${streamName(stream)}`;
var headPath = (stream) => `heads/${streamName(stream)}.json`;
var summaryPath = (stream, change) => `${streamDir(stream)}/${changeKey(change).slice(0, 1)}.json`;
function ordered(schema, value) {
  const def = schema.def;
  if (value === null || value === void 0) return value;
  switch (def.type) {
    case "optional":
    case "nullable":
    case "default":
      return ordered(def.innerType, value);
    case "array":
      return Array.isArray(value) ? value.map((v) => ordered(def.element, v)) : value;
    case "object": {
      const obj = value;
      const out = {};
      for (const k of Object.keys(def.shape)) if (obj[k] !== void 0) out[k] = ordered(def.shape[k], obj[k]);
      for (const k of Object.keys(obj)) if (!(k in def.shape) && obj[k] !== void 0) out[k] = obj[k];
      return out;
    }
    default:
      return value;
  }
}
function entryText(schema, value) {
  return `${JSON.stringify(ordered(schema, value))}
`;
}
var memberOf = (f) => ({ change: f.change, draft: f.draft });
var sameMember = (a, b) => a.stream === b.stream && a.draft === b.draft;
function summaryText(stream, members) {
  if (members.length === 0) return null;
  const sorted = [...members].sort((a, b) => a.change < b.change ? -1 : a.change > b.change ? 1 : 0);
  return entryText(StreamSummarySchema, { stream, open: sorted.filter((m) => !m.draft).map((m) => m.change), drafts: sorted.filter((m) => m.draft).map((m) => m.change) });
}
var shardName = (path) => path.slice(path.lastIndexOf("/") + 1);
function streamFiles(stream, members, out) {
  const by = /* @__PURE__ */ new Map();
  for (const m of members) {
    const path = summaryPath(stream, m.change);
    const list = by.get(path) ?? [];
    list.push(m);
    by.set(path, list);
  }
  const oids = /* @__PURE__ */ new Map();
  for (const [path, list] of by) {
    const text = summaryText(stream, list);
    out.set(path, text);
    oids.set(shardName(path), blobOid(text));
  }
  out.set(headPath(stream), entryText(StreamHeadSchema, headOf(stream, members, oids)));
}
function allSummaries(footprints, out) {
  const by = /* @__PURE__ */ new Map();
  for (const f of footprints) {
    const list = by.get(f.stream) ?? [];
    list.push(memberOf(f));
    by.set(f.stream, list);
  }
  for (const [stream, members] of by) streamFiles(stream, members, out);
  for (const f of footprints) {
    const paths = gateEntryPaths(f);
    if (paths.length === 0) continue;
    const text = entryText(GateEntrySchema, gateEntryOf(f));
    for (const p of paths) out.set(p, text);
  }
  for (const f of footprints) if (f.stale === true) out.set(staleEntryPath(f.change), `${f.change}
`);
  for (const f of footprints) {
    const k = changeKey(f.change);
    for (const p of indexedPaths(f.files)) out.set(`${indexDir(p)}/${k}`, `${f.change}
`);
  }
  out.set(SUMMARY_MARK, SUMMARY_MARK_TEXT);
}
function keyed(entries, keyOf) {
  const seen = /* @__PURE__ */ new Map();
  return entries.map((entry) => {
    const base = keyOf(entry);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return { key: n === 1 ? base : `${base}~${n}`, entry };
  });
}
var NONE = [];
var COLLECTIONS = {
  locks: { dir: "locks", schema: LockSchema, keyOf: lockKey, get: (l) => l.locks },
  intents: { dir: "intents", schema: IntentSchema, keyOf: intentKey, get: (l) => l.intents },
  queues: { dir: "queues", schema: QueueSchema, keyOf: queueKey, get: (l) => l.queues },
  overrides: { dir: "overrides", schema: GateOverrideSchema, keyOf: overrideKey, get: (l) => l.overrides },
  handoffs: { dir: "handoffs", schema: HandoffSchema, keyOf: handoffKey, get: (l) => l.handoffs ?? NONE },
  breakers: { dir: "breakers", schema: StreamBreakerSchema, keyOf: breakerKey, get: (l) => l.breakers ?? NONE },
  merges: { dir: "merges", schema: MergedChangeSchema, keyOf: mergeKey, get: (l) => l.merges ?? NONE },
  arbitrations: { dir: "arbitrations", schema: ArbitrationSchema, keyOf: arbitrationKey, get: (l) => l.arbitrations ?? NONE },
  agents: { dir: "agents", schema: AgentRecordSchema, keyOf: agentKey, get: (l) => l.agents ?? NONE }
};
var SMALL = ["locks", "intents", "queues", "overrides", "handoffs", "breakers", "merges", "arbitrations", "agents"];
var smallPath = (dir, key) => `${dir}/${key.slice(0, 1)}/${key}.json`;
function metaText(l) {
  return entryText(MetaSchema, { kind: l.kind, layout: LAYOUT_VERSION, schemaVersion: l.schemaVersion, session: l.session });
}
function indexedPaths(files) {
  return [...new Set(files.flatMap((x) => x.previousPath === void 0 || x.previousPath === x.path ? [x.path] : [x.path, x.previousPath]))];
}
function gateEntryOf(f) {
  return { change: f.change, draft: f.draft, streams: f.streams ?? null };
}
var gateEntryPath = (stream, change) => {
  const k = changeKey(change);
  return `${gateDir(stream)}/${fan(k, 2)}/${k}.json`;
};
function gateEntryPaths(f) {
  return (f.streams === void 0 ? [null] : f.streams).map((s) => gateEntryPath(s, f.change));
}
function footprintFiles(f, out, value) {
  const k = changeKey(f.change);
  out.set(footprintPath(f.change), value(entryText(FootprintSchema, f)));
  for (const p of indexedPaths(f.files)) out.set(`${indexDir(p)}/${k}`, value(`${f.change}
`));
  const gates = gateEntryPaths(f);
  if (gates.length > 0) {
    const text = value(entryText(GateEntrySchema, gateEntryOf(f)));
    for (const p of gates) out.set(p, text);
  }
  if (f.stale === true) out.set(staleEntryPath(f.change), value(`${f.change}
`));
}
function layoutFiles(l) {
  const c = canonicalLedger(l);
  const out = /* @__PURE__ */ new Map();
  out.set(META_FILE, metaText(c));
  for (const name of SMALL) {
    const col = COLLECTIONS[name];
    for (const { key, entry } of keyed(col.get(c), col.keyOf)) out.set(smallPath(col.dir, key), entryText(col.schema, entry));
  }
  for (const f of c.footprints) footprintFiles(f, out, (t) => t);
  allSummaries(c.footprints, out);
  for (const [p, t] of out) if (t === null) out.delete(p);
  return out;
}
function membershipMoves(before, after) {
  const oldBy = new Map(before.map((f) => [f.change, f]));
  const moves = /* @__PURE__ */ new Map();
  const move = (stream, m) => {
    const list = moves.get(stream) ?? [];
    list.push(m);
    moves.set(stream, list);
  };
  const kept = /* @__PURE__ */ new Set();
  for (const f of after) {
    kept.add(f.change);
    const prev = oldBy.get(f.change);
    if (prev === f || prev && sameMember(prev, f)) continue;
    move(f.stream, { prev, next: f });
    if (prev && prev.stream !== f.stream) move(prev.stream, { prev, next: f });
  }
  for (const prev of before) if (!kept.has(prev.change)) move(prev.stream, { prev, next: void 0 });
  return moves;
}
var placeIn = (stream, f) => f && f.stream === stream ? f.draft ? "draft" : "open" : null;
function nextHead(head, stream, moves, oids) {
  let open = head.open;
  let drafts = head.drafts;
  const first = new Set(head.first);
  for (const { prev, next } of moves) {
    const was = placeIn(stream, prev);
    const now = placeIn(stream, next);
    if (was === now) continue;
    const change = (prev ?? next).change;
    if (was === "open") {
      open--;
      first.delete(change);
    } else if (was === "draft") drafts--;
    if (now === "open") {
      if (head.open === head.first.length || cmpStr(change, head.first[head.first.length - 1] ?? "") < 0) first.add(change);
      open++;
    } else if (now === "draft") drafts++;
  }
  if (open < 0 || drafts < 0) return null;
  const listed = [...first].sort(cmpStr).slice(0, HEAD_FIRST);
  if (listed.length < Math.min(HEAD_MIN, open)) return null;
  return { stream, open, drafts, first: listed, shards: shardsDigest(oids) };
}
function layoutDiff(before, after, summaries = {}) {
  const out = /* @__PURE__ */ new Map();
  if (before.session !== after.session && JSON.stringify(before.session) !== JSON.stringify(after.session)) out.set(META_FILE, metaText(after));
  for (const name of SMALL) {
    const col = COLLECTIONS[name];
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
      if (prev !== void 0 && entryText(col.schema, prev) === text) continue;
      out.set(smallPath(col.dir, key), text);
    }
    for (const key of oldBy.keys()) if (!newBy.has(key)) out.set(smallPath(col.dir, key), null);
  }
  const moved = /* @__PURE__ */ new Set();
  if (before.footprints !== after.footprints) {
    const oldBy = new Map(before.footprints.map((f) => [f.change, f]));
    const newBy = new Map(after.footprints.map((f) => [f.change, f]));
    for (const [change, f] of newBy) {
      const prev = oldBy.get(change);
      if (prev === f) continue;
      const mine = /* @__PURE__ */ new Map();
      footprintFiles(f, mine, (t) => t);
      const theirs = /* @__PURE__ */ new Map();
      if (prev) footprintFiles(prev, theirs, (t) => t);
      for (const [p, t] of mine) if (theirs.get(p) !== t) out.set(p, t);
      for (const p of theirs.keys()) if (!mine.has(p)) out.set(p, null);
    }
    for (const [change, prev] of oldBy) {
      if (newBy.has(change)) continue;
      const theirs = /* @__PURE__ */ new Map();
      footprintFiles(prev, theirs, (t) => t);
      for (const p of theirs.keys()) out.set(p, null);
    }
    const moves = membershipMoves(before.footprints, after.footprints);
    for (const stream of moves.keys()) moved.add(stream);
    if (summaries.complete !== false || summaries.loaded) {
      for (const [stream, list] of moves) {
        const paths = new Set(list.map((m) => summaryPath(stream, (m.prev ?? m.next).change)));
        const inShard = (path) => (m) => summaryPath(stream, m.change) === path;
        const afterIn = after.footprints.filter((f) => f.stream === stream);
        const load = summaries.loaded?.get(stream);
        if (!summaries.loaded) {
          const all = /* @__PURE__ */ new Map();
          if (afterIn.length > 0) streamFiles(stream, afterIn.map(memberOf), all);
          for (const p of [...paths, headPath(stream)]) out.set(p, all.get(p) ?? null);
          continue;
        }
        const bug = (what) => new LedgerError(`the ${what} of stream ${stream ?? "(none)"} was not read before a write that changes it: a PUCS bug; nothing was written`, "corrupt");
        if (!load) throw bug("summary");
        const mine = (m) => oldBy.has(m.change) || newBy.has(m.change);
        const oids = new Map(load.oids);
        for (const path of paths) {
          const stored = load.members ? load.members.filter(inShard(path)) : load.shards.get(path);
          if (stored === void 0) throw bug(`summary shard ${path}`);
          const text = summaryText(stream, [...stored.filter((m) => !mine(m)), ...afterIn.filter(inShard(path)).map(memberOf)]);
          out.set(path, text);
          if (text === null) oids.delete(shardName(path));
          else oids.set(shardName(path), blobOid(text));
        }
        let head;
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
  for (const [stream, load] of summaries.loaded ?? []) {
    if (moved.has(stream) || load.head !== null || load.members === null || load.oids.size === 0) continue;
    out.set(headPath(stream), entryText(StreamHeadSchema, headOf(stream, load.members, load.oids)));
  }
  if (summaries.complete === false && !summaries.loaded) {
    allSummaries(after.footprints, out);
    out.set(META_FILE, metaText(canonicalLedger(after)));
  }
  return out;
}
var ORDER = {
  locks: (x) => canonicalLedger({ ...emptyLedger(), locks: x }).locks,
  intents: (x) => canonicalLedger({ ...emptyLedger(), intents: x }).intents,
  queues: (x) => canonicalLedger({ ...emptyLedger(), queues: x }).queues,
  overrides: (x) => canonicalLedger({ ...emptyLedger(), overrides: x }).overrides,
  handoffs: (x) => canonicalLedger({ ...emptyLedger(), handoffs: x }).handoffs,
  breakers: (x) => canonicalLedger({ ...emptyLedger(), breakers: x }).breakers,
  merges: (x) => canonicalLedger({ ...emptyLedger(), merges: x }).merges,
  arbitrations: (x) => canonicalLedger({ ...emptyLedger(), arbitrations: x }).arbitrations,
  agents: (x) => canonicalLedger({ ...emptyLedger(), agents: x }).agents
};
function canonicalOrder(name, entries) {
  return ORDER[name](entries);
}
var MAX_ISSUES = 5;
function formatPath(path) {
  if (path.length === 0) return "(top level)";
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (typeof seg === "string" && /^[A-Za-z_$][\w$]*$/.test(seg)) out += out === "" ? seg : `.${seg}`;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}
function parseEntry(schema, text, file, source, hint) {
  let data;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const msg = (e instanceof Error ? e.message : String(e)).replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, "");
    throw new LedgerError(`${source}: ${file} is not valid JSON (${msg}). ${hint}`, "corrupt");
  }
  const r = schema.safeParse(data, {
    error: (iss) => iss.code === "invalid_type" && iss.input === void 0 ? `missing (expected ${String(iss.expected)})` : void 0
  });
  if (!r.success) {
    const issues = r.error.issues;
    const shown = issues.slice(0, MAX_ISSUES).map((i) => `${formatPath(i.path)}: ${i.message}`);
    const more = issues.length > MAX_ISSUES ? `; and ${issues.length - MAX_ISSUES} more` : "";
    throw new LedgerError(`${source}: ${file} does not match the ledger schema (${shown.join("; ")}${more}). ${hint}`, "corrupt");
  }
  return r.data;
}
function parseMeta(text, source, hint) {
  let data;
  try {
    data = JSON.parse(text);
  } catch {
    data = void 0;
  }
  if (typeof data === "object" && data !== null && !Array.isArray(data)) {
    const o = data;
    if (o.kind !== LEDGER_KIND) {
      const found = "kind" in o ? `"kind" is ${JSON.stringify(o.kind)}` : `it has no "kind"`;
      throw new LedgerError(`${source}: ${META_FILE} is not a PUCS ledger's (${found}, expected "${LEDGER_KIND}"). ${hint}`, "foreign");
    }
    for (const [field, mine] of [["layout", LAYOUT_VERSION], ["schemaVersion", LEDGER_SCHEMA_VERSION]]) {
      const v = o[field];
      if (typeof v === "number" && Number.isInteger(v) && v > mine) {
        throw new LedgerError(
          `${source}: ${META_FILE} has ${field} ${v}, but this pucs understands ${field} ${mine} only. Upgrade pucs (e.g. \`npm install pucs@latest\`) on this machine; the ledger was not changed.`,
          "unsupported-version"
        );
      }
    }
  }
  return parseEntry(MetaSchema, text, META_FILE, source, hint);
}
function isLedgerFile(path) {
  return path === META_FILE || /^(locks|intents|queues|overrides|handoffs|breakers|merges|arbitrations|agents)\/[0-9a-f]\/[^/]+\.json$/.test(path) || /^footprints\/[0-9a-f]\/[0-9a-f]\/[0-9a-f]\/[^/]+\.json$/.test(path);
}
function ledgerFromFiles(files, source, hint) {
  const metaText2 = files.get(META_FILE);
  if (metaText2 === void 0) throw new LedgerError(`${source}: the tree has no ${META_FILE}, so it is not a PUCS ledger. ${hint}`, "foreign");
  const meta = parseMeta(metaText2, source, hint);
  const l = { ...emptyLedger(), session: meta.session };
  const merges = [];
  const arbitrations = [];
  const agents = [];
  const lists = { locks: l.locks, intents: l.intents, queues: l.queues, overrides: l.overrides, handoffs: l.handoffs, breakers: l.breakers, merges, arbitrations, agents };
  for (const [path, text] of files) {
    if (path === META_FILE) continue;
    const top = path.slice(0, path.indexOf("/"));
    if (top === "footprints") l.footprints.push(parseEntry(FootprintSchema, text, path, source, hint));
    else if (top in lists) lists[top].push(parseEntry(COLLECTIONS[top].schema, text, path, source, hint));
  }
  if (merges.length > 0) l.merges = merges;
  if (arbitrations.length > 0) l.arbitrations = arbitrations;
  if (agents.length > 0) l.agents = agents;
  return canonicalLedger(l);
}
function schemaOfPath(path) {
  if (path === META_FILE) return MetaSchema;
  const top = path.slice(0, path.indexOf("/"));
  if (top === "footprints") return FootprintSchema;
  if (top === "streams") return StreamSummarySchema;
  if (top === "heads") return StreamHeadSchema;
  if (top === "gates") return GateEntrySchema;
  if (top in COLLECTIONS) return COLLECTIONS[top].schema;
  return null;
}
function checkChanges(changes) {
  const source = "the ledger about to be written (a pucs bug; nothing was written)";
  for (const [path, text] of changes) {
    if (text === null || path === SUMMARY_MARK && text === SUMMARY_MARK_TEXT) continue;
    const schema = schemaOfPath(path);
    if (schema) parseEntry(schema, text, path, source, "");
    else if (!(path.startsWith("paths/") || path.startsWith("stale/")) || text.trim() === "") throw new LedgerError(`${source}: unexpected file ${path}`, "corrupt");
  }
}

// src/git/gateway.ts
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";

// src/git/config-answer.ts
function configAnswerOf(r, key) {
  let value = null;
  const remotes = [];
  if (r.code === 0) {
    for (const entry of r.stdout.split("\0")) {
      const nl = entry.indexOf("\n");
      if (nl === -1) continue;
      const name = entry.slice(0, nl);
      if (name === key) value = entry.slice(nl + 1);
      else if (name.startsWith("remote.") && name.endsWith(".url")) remotes.push(name.slice("remote.".length, -".url".length));
    }
  }
  return { value, remotes };
}

// src/git/gateway.ts
var MAX_OUTPUT_BYTES = 512 * 1024 * 1024;
var GitError = class extends Error {
  constructor(message, command, exitCode, stderr) {
    super(message);
    this.command = command;
    this.exitCode = exitCode;
    this.stderr = stderr;
    this.name = "GitError";
  }
  command;
  exitCode;
  stderr;
};
function commandLine(args) {
  return ["git", ...args.map((a) => /^[\w@%+=:,./^~-]+$/.test(a) ? a : JSON.stringify(a))].join(" ");
}
function firstLine(s) {
  const lines = s.split("\n").map((x) => x.trim()).filter((x) => x !== "");
  return lines.find((x) => /^(fatal|error):/.test(x)) ?? lines[0] ?? "";
}
function git(args, opts) {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, {
      cwd: opts.cwd,
      env: { ...process.env, LC_ALL: "C", LANGUAGE: "C", GIT_TERMINAL_PROMPT: "0", ...opts.env },
      // No input: stdin is /dev/null (git sees its end at once), one pipe fewer to set up per process.
      stdio: [opts.input === void 0 ? "ignore" : "pipe", "pipe", "pipe"],
      windowsHide: true
    });
    const out = [];
    const err = [];
    let size = 0;
    let overflow = false;
    const collect = (into) => (chunk) => {
      size += chunk.length;
      if (size > MAX_OUTPUT_BYTES) {
        if (!overflow) {
          overflow = true;
          child.kill();
        }
        return;
      }
      into.push(chunk);
    };
    child.stdout.on("data", collect(out));
    child.stderr.on("data", collect(err));
    child.on("error", (e) => {
      const why = e.code === "ENOENT" ? existsSync(opts.cwd) ? "git is not installed or not on PATH: install git and try again" : `directory ${opts.cwd} does not exist` : `cannot run git: ${e.message}`;
      reject(new GitError(why, commandLine(args), -1, ""));
    });
    child.stdin?.on("error", () => {
    });
    child.on("close", (code, signal) => {
      const stderr = Buffer.concat(err).toString("utf8");
      if (overflow) {
        reject(new GitError(`${commandLine(args)} produced more than ${MAX_OUTPUT_BYTES} bytes of output`, commandLine(args), -1, stderr));
        return;
      }
      resolve({ stdout: Buffer.concat(out).toString("utf8"), stderr, code: code ?? (signal ? 128 : 1) });
    });
    child.stdin?.end(opts.input);
  });
}
function gitError(args, res, cwd) {
  const cmd = commandLine(args);
  const line = firstLine(res.stderr);
  if (/not a git repository/i.test(res.stderr)) {
    return new GitError(
      `${cwd} is not inside a git repository (${cmd} said: ${line}). Run pucs inside a clone or worktree, or run \`git init\` first.`,
      cmd,
      res.code,
      res.stderr
    );
  }
  return new GitError(`${cmd} failed (exit ${res.code}): ${line || "no error output"}`, cmd, res.code, res.stderr);
}
async function gitOk(args, opts) {
  const res = await git(args, opts);
  if (res.code !== 0) throw gitError(args, res, opts.cwd);
  return res.stdout;
}
var trimEnd = (s) => s.replace(/\r?\n$/, "");
async function repoRoot(cwd) {
  return trimEnd(await gitOk(["rev-parse", "--show-toplevel"], { cwd }));
}
async function commonDir(cwd) {
  return trimEnd(await gitOk(["rev-parse", "--path-format=absolute", "--git-common-dir"], { cwd }));
}
async function currentBranch(cwd) {
  const args = ["symbolic-ref", "--quiet", "--short", "HEAD"];
  const res = await git(args, { cwd });
  if (res.code === 0) return trimEnd(res.stdout);
  if (res.code === 1 && !/not a git repository/i.test(res.stderr)) return null;
  throw gitError(args, res, cwd);
}
async function revParse(cwd, ref) {
  const args = ["rev-parse", "--verify", "--quiet", "--end-of-options", ref];
  const res = await git(args, { cwd });
  if (res.code === 0) return trimEnd(res.stdout);
  if (res.code === 1 && !/not a git repository/i.test(res.stderr)) return null;
  throw gitError(args, res, cwd);
}
async function mergeBase(cwd, a, b) {
  const args = ["merge-base", a, b];
  const res = await git(args, { cwd });
  if (res.code === 0) return trimEnd(res.stdout);
  if (res.code === 1 && res.stderr.trim() === "") return null;
  throw gitError(args, res, cwd);
}
async function defaultBaseRef(cwd) {
  const sym = await git(["symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"], { cwd });
  if (sym.code === 0) {
    const target = trimEnd(sym.stdout).replace(/^refs\/remotes\//, "");
    if (await revParse(cwd, `refs/remotes/${target}^{commit}`) !== null) return target;
  } else if (/not a git repository/i.test(sym.stderr)) {
    throw gitError(["symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"], sym, cwd);
  }
  const candidates = [
    ["origin/main", "refs/remotes/origin/main"],
    ["main", "refs/heads/main"],
    ["master", "refs/heads/master"]
  ];
  for (const [name, full] of candidates) {
    if (await revParse(cwd, `${full}^{commit}`) !== null) return name;
  }
  return null;
}
async function diffAgainst(cwd, base) {
  if (await revParse(cwd, `${base}^{commit}`) === null) {
    throw new GitError(
      `base ${base} does not name a commit in ${cwd}: pass an existing branch or commit (e.g. --base origin/main), or fetch it first`,
      `git rev-parse --verify ${base}^{commit}`,
      1,
      ""
    );
  }
  const head = await revParse(cwd, "HEAD^{commit}");
  let from;
  if (head === null) {
    from = base;
  } else {
    const mb = await mergeBase(cwd, "HEAD", base);
    if (mb === null) {
      throw new GitError(
        `HEAD and ${base} share no history in ${cwd}, so there is no merge base to diff against: pass --base with a related branch`,
        `git merge-base HEAD ${base}`,
        1,
        ""
      );
    }
    from = mb;
  }
  return gitOk(
    [
      "-c",
      "core.quotePath=false",
      "-c",
      "diff.noprefix=false",
      "-c",
      "diff.mnemonicPrefix=false",
      // histogram: the alignment git's merge uses, so changed regions are the ones a merge compares (issue 15).
      "diff",
      "--no-color",
      "--no-ext-diff",
      "--no-textconv",
      "-M",
      "-U3",
      "--diff-algorithm=histogram",
      "--src-prefix=a/",
      "--dst-prefix=b/",
      from,
      "--"
    ],
    { cwd }
  );
}
async function untrackedFiles(cwd) {
  const out = await gitOk(["-c", "core.quotePath=false", "ls-files", "-z", "--others", "--exclude-standard", "--full-name"], { cwd: await repoRoot(cwd) });
  return out.split("\0").filter((f) => f !== "");
}
var UNTRACKED_DIFF_LIMIT = 200;
async function untrackedDiff(cwd) {
  const root = await repoRoot(cwd);
  return untrackedDiffOf(root, await untrackedFiles(root));
}
async function untrackedDiffOf(root, files) {
  const shown = files.slice(0, UNTRACKED_DIFF_LIMIT);
  const parts = [];
  for (let i = 0; i < shown.length; i += 8) {
    const batch = await Promise.all(
      shown.slice(i, i + 8).map(async (f) => {
        const args = ["-c", "core.quotePath=false", "diff", "--no-index", "--no-color", "--no-ext-diff", "--no-textconv", "-U3", "--src-prefix=a/", "--dst-prefix=b/", "--", "/dev/null", f];
        const r = await git(args, { cwd: root });
        if (r.code !== 0 && r.code !== 1) throw gitError(args, r, root);
        return r.stdout;
      })
    );
    parts.push(...batch);
  }
  return { diff: parts.join(""), whole: files.slice(UNTRACKED_DIFF_LIMIT) };
}
async function remoteHasRef(cwd, remote, ref, timeoutMs = 1e4) {
  const args = ["ls-remote", "--exit-code", remote, ref];
  const r = await Promise.race([git(args, { cwd }), new Promise((res) => setTimeout(() => res(null), timeoutMs).unref())]);
  if (r === null) return null;
  if (r.code === 0) return r.stdout.trim() !== "";
  if (r.code === 2) return false;
  return null;
}
async function configAndRemotes(cwd, key) {
  const r = await git(["config", "-z", "--get-regexp", `^(${key.replace(/\./g, "\\.")}|remote\\..*\\.url)$`], { cwd });
  return configAnswerOf(r, key);
}
async function configSet(cwd, key, value) {
  await gitOk(["config", "--local", key, value], { cwd });
}
async function commitMessages(cwd, range) {
  const out = await gitOk(["log", "--format=%B%x00", range, "--"], { cwd });
  return out.split("\0").map((m) => m.trim()).filter((m) => m !== "");
}
async function worktreeAdd(cwd, path, branch, startPoint) {
  const exists = await revParse(cwd, `refs/heads/${branch}`) !== null;
  const args = exists ? ["worktree", "add", path, branch] : ["worktree", "add", "-b", branch, path, startPoint];
  await gitOk(args, { cwd });
}
async function ledgerLog(cwd, ref, limit) {
  if (await revParse(cwd, ref) === null) return [];
  const out = await gitOk(["log", `--max-count=${Math.max(1, Math.floor(limit))}`, "--format=%H%x1f%cI%x1f%B%x1e", ref, "--"], {
    cwd
  });
  return out.split("").map((rec) => rec.replace(/^\n/, "")).filter((rec) => rec.trim() !== "").map((rec) => {
    const [sha = "", date = "", body = ""] = rec.split("");
    const message = body.split("\n").filter((line) => !/^Pucs-Nonce: /.test(line)).join("\n").trim();
    return { sha, date, message };
  });
}
async function listFiles(cwd) {
  const out = await gitOk(["-c", "core.quotePath=false", "ls-files", "-z", "--full-name"], { cwd });
  return out.split("\0").filter((f) => f !== "");
}
async function mainWorktreeRoot(cwd) {
  const out = await gitOk(["worktree", "list", "--porcelain"], { cwd });
  const first = out.split("\n").find((l) => l.startsWith("worktree "));
  if (first) return first.slice("worktree ".length);
  return repoRoot(cwd);
}
async function showFiles(cwd, rev, paths) {
  const out = /* @__PURE__ */ new Map();
  for (const p of paths) {
    const res = await git(["cat-file", "blob", `${rev}:${p}`], { cwd });
    if (res.code === 0) out.set(p, res.stdout);
  }
  return out;
}
async function hasCommit(cwd, rev) {
  return (await git(["cat-file", "-e", `${rev}^{commit}`], { cwd })).code === 0;
}
async function workTreeClean(cwd) {
  return (await gitOk(["status", "--porcelain", "--untracked-files=normal"], { cwd })).trim() === "";
}
async function mergeTreeConflicts(cwd, ours, theirs) {
  const res = await git(["merge-tree", "--write-tree", "--name-only", "--no-messages", ours, theirs], { cwd });
  if (res.code !== 0 && res.code !== 1) return null;
  const lines = res.stdout.split("\n").filter((l) => l !== "");
  if (!/^[0-9a-f]{40,64}$/.test(lines[0] ?? "")) return null;
  return res.code === 0 ? [] : [...new Set(lines.slice(1))];
}

// src/git/ledger-store.ts
var DEFAULT_LEDGER_REF = "refs/pucs/ledger";
var LEDGER_FILE = V1_FILE;
var READ_PATHS = [META_FILE, V1_FILE, "locks", "intents", "queues", "overrides", "handoffs", "breakers", "merges", "arbitrations", "agents", "footprints", SUMMARY_MARK];
function parseCatFileBatch(out, count) {
  const texts = [];
  let rest = Buffer.from(out, "utf8");
  for (let i = 0; i < count; i++) {
    const nl = rest.indexOf(10);
    const header = rest.subarray(0, nl).toString("utf8");
    const m = /^[0-9a-f]{40,64} blob (\d+)$/.exec(header);
    if (!m) throw new Error(`git cat-file --batch: unexpected header ${JSON.stringify(header)}`);
    const size = Number(m[1]);
    texts.push(rest.subarray(nl + 1, nl + 1 + size).toString("utf8"));
    rest = rest.subarray(nl + 1 + size + 1);
  }
  return texts;
}
function ledgerHint(ref) {
  const aside = `${ref.replace(/\/?$/, "")}-broken`;
  return `The ledger was not changed. Inspect it with \`git ls-tree -r ${ref}\` (a file: \`git show ${ref}:<path>\`) and its history with \`git log ${ref}\`; fix it by committing a corrected file to ${ref}, or set it aside and start a fresh ledger with \`git update-ref ${aside} ${ref} && git update-ref -d ${ref}\`.`;
}
var IDENTITY_DEFAULTS = {
  name: "pucs",
  email: "pucs@localhost"
};
var GitRefStore = class {
  cwd;
  ref;
  #env;
  #identity = null;
  /** Ledgers read or written lately, by commit (the base of the next write's diff). */
  #known = /* @__PURE__ */ new Map();
  /** read() calls. */
  reads = 0;
  /** write() calls (including lost races). */
  writes = 0;
  /** git processes spawned by this store. */
  gitCalls = 0;
  constructor(opts) {
    this.cwd = opts.cwd;
    this.ref = opts.ref ?? DEFAULT_LEDGER_REF;
    this.#env = { ...opts.env };
  }
  async #git(args, input, env) {
    this.gitCalls++;
    return git(args, { cwd: this.cwd, env: { ...this.#env, ...env }, ...input !== void 0 ? { input } : {} });
  }
  async #gitOk(args, input, env) {
    const res = await this.#git(args, input, env);
    if (res.code !== 0) throw gitError(args, res, this.cwd);
    return res.stdout.trim();
  }
  /** The ref's current value, or null when it does not exist. */
  async #head() {
    const args = ["rev-parse", "--verify", "--quiet", "--end-of-options", this.ref];
    const res = await this.#git(args);
    if (res.code === 0) return res.stdout.trim();
    if (res.code === 1 && res.stderr.trim() === "") return null;
    throw gitError(args, res, this.cwd);
  }
  async read() {
    this.reads++;
    const sha = await this.#head();
    if (sha === null) return { ledger: emptyLedger(), version: null };
    const ledger = await this.#readAt(sha);
    return { ledger, version: sha };
  }
  /** The ledger at commit `sha` (v2 tree or v1 document), remembered for the write that follows. */
  async #readAt(sha) {
    const known = this.#known.get(sha);
    if (known) return known.ledger;
    const source = `${this.ref} at ${sha.slice(0, 7)}`;
    const hint = ledgerHint(this.ref);
    const ls = await this.#git(["ls-tree", "-r", "-z", "--full-tree", sha, "--", ...READ_PATHS]);
    const entries = ls.code === 0 ? ls.stdout.split("\0").filter((x) => x !== "").map((line) => {
      const tab = line.indexOf("	");
      const [, type, oid] = line.slice(0, tab).split(" ");
      return { type, oid, path: line.slice(tab + 1) };
    }) : [];
    const has = (p) => entries.some((e) => e.path === p && e.type === "blob");
    let ledger;
    let layout;
    const complete = has(SUMMARY_MARK);
    if (ls.code === 0 && has(META_FILE)) {
      const wanted = entries.filter((e) => e.type === "blob" && isLedgerFile(e.path));
      const cat = await this.#git(["cat-file", "--batch"], wanted.map((e) => `${e.oid}
`).join(""));
      if (cat.code !== 0) throw gitError(["cat-file", "--batch"], cat, this.cwd);
      const texts = parseCatFileBatch(cat.stdout, wanted.length);
      ledger = ledgerFromFiles(new Map(wanted.map((e, i) => [e.path, texts[i]])), source, hint);
      layout = 2;
    } else if (ls.code === 0 && has(V1_FILE)) {
      const res = await this.#git(["cat-file", "blob", `${sha}:${V1_FILE}`]);
      if (res.code !== 0) throw gitError(["cat-file", "blob", `${sha}:${V1_FILE}`], res, this.cwd);
      ledger = parseLedger(res.stdout, source, hint);
      layout = 1;
    } else {
      const type = (await this.#git(["cat-file", "-t", sha])).stdout.trim() || "unknown object";
      const what = type === "commit" ? `its commit has neither ${META_FILE} nor ${V1_FILE}, so it is not a PUCS ledger` : `it points to a ${type}, not a commit, so it is not a PUCS ledger`;
      throw new LedgerError(
        `${source}: ${what}. pucs will not overwrite it. If another tool owns ${this.ref}, move that data elsewhere; if it is a damaged ledger, inspect it with \`git log ${this.ref}\` and \`git ls-tree ${this.ref}\`, then set it aside with \`git update-ref ${this.ref}-broken ${this.ref} && git update-ref -d ${this.ref}\`.`,
        "foreign"
      );
    }
    this.#remember(sha, ledger, layout, complete);
    return ledger;
  }
  #remember(sha, ledger, layout, complete) {
    this.#known.set(sha, { ledger, layout, complete });
    while (this.#known.size > 4) this.#known.delete(this.#known.keys().next().value);
  }
  /**
   * The commit of ledger `next` on top of `expected` (only the changed entries of the v2 tree; the
   * whole tree when `expected` is a v1 ledger or none), written to the object store only: no ref
   * moves. `write` swaps this store's ref to it; the remote store pushes it.
   */
  async commitOf(next, expected, message) {
    let base = null;
    if (expected !== null) {
      await this.#readAt(expected);
      base = this.#known.get(expected) ?? null;
    }
    const fromV2 = base !== null && base.layout === 2;
    const changes = fromV2 ? layoutDiff(base.ledger, next, { complete: base.complete }) : layoutFiles(next);
    checkChanges(changes);
    const env = await this.#identityEnv();
    const tree = await this.#tree(fromV2 ? expected : null, changes);
    const subject = message.trim() === "" ? "update ledger" : message.trim();
    const migrated = base !== null && base.layout === 1 ? `

Pucs-Layout: ${LAYOUT_VERSION} (migrated from ledger.json)` : base !== null && !base.complete ? `

Pucs-Layout: ${LAYOUT_VERSION} (every index entry and summary written)` : "";
    const body = `${subject}${migrated}

Pucs-Nonce: ${randomBytes(8).toString("hex")}
`;
    const parents = expected === null ? [] : ["-p", expected];
    const commit = await this.#gitOk(["commit-tree", "--no-gpg-sign", tree, ...parents, "-F", "-"], body, env);
    this.#remember(commit, JSON.parse(JSON.stringify(canonicalLedger(next))), 2, true);
    return { commit, subject };
  }
  /** The tree of `base` (a commit, or none) with `changes` applied, through a temporary index. */
  async #tree(base, changes) {
    const dir = mkdtempSync(join(tmpdir(), "pucs-ledger-"));
    try {
      const env = { GIT_INDEX_FILE: join(dir, "index") };
      if (base !== null) await this.#gitOk(["read-tree", base], void 0, env);
      const written = [...changes].filter((c) => c[1] !== null);
      const lines = [];
      if (written.length > 0) {
        const files = written.map(([, text], i) => {
          const f = join(dir, `b${i}`);
          writeFileSync(f, text);
          return f;
        });
        const shas = (await this.#gitOk(["hash-object", "-w", "--no-filters", "--stdin-paths"], `${files.join("\n")}
`)).split("\n");
        written.forEach(([path], i) => lines.push(`100644 ${shas[i]}	${path}`));
      }
      for (const [path, text] of changes) if (text === null) lines.push(`0 ${"0".repeat(40)}	${path}`);
      if (lines.length > 0) await this.#gitOk(["update-index", "--add", "--remove", "--index-info"], `${lines.join("\n")}
`, env);
      return await this.#gitOk(["write-tree"], void 0, env);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  async write(next, expected, message) {
    this.writes++;
    const { commit, subject } = await this.commitOf(next, expected, message);
    const old = expected ?? "0".repeat(commit.length);
    const args = ["update-ref", "-m", `pucs: ${subject.split("\n")[0]}`, this.ref, commit, old];
    const res = await this.#git(args);
    if (res.code === 0) return { ok: true, version: commit };
    const now = await this.#head();
    if (now !== expected || /File exists|but expected|already exists|is at [0-9a-f]+ but|reference is missing/i.test(res.stderr)) {
      return { ok: false, reason: "conflict" };
    }
    throw gitError(args, res, this.cwd);
  }
  /** GIT_AUTHOR_* / GIT_COMMITTER_* = pucs / pucs@localhost for whatever identity git has no value for. */
  #identityEnv() {
    this.#identity ??= (async () => {
      const res = await this.#git(["config", "--get-regexp", "^user\\.(name|email)$"]);
      const configured = new Set(
        res.code === 0 ? res.stdout.split("\n").map((l) => l.split(" ")[0]?.toLowerCase()).filter(Boolean) : []
      );
      const have = (k) => (this.#env[k] ?? process.env[k] ?? "") !== "";
      const env = {};
      for (const role of ["AUTHOR", "COMMITTER"]) {
        if (!configured.has("user.name") && !have(`GIT_${role}_NAME`)) env[`GIT_${role}_NAME`] = IDENTITY_DEFAULTS.name;
        if (!configured.has("user.email") && !have(`GIT_${role}_EMAIL`)) env[`GIT_${role}_EMAIL`] = IDENTITY_DEFAULTS.email;
      }
      return env;
    })();
    return this.#identity;
  }
};

export {
  GitError,
  git,
  gitError,
  gitOk,
  repoRoot,
  commonDir,
  currentBranch,
  revParse,
  mergeBase,
  defaultBaseRef,
  diffAgainst,
  untrackedDiff,
  remoteHasRef,
  configAndRemotes,
  configSet,
  commitMessages,
  worktreeAdd,
  ledgerLog,
  listFiles,
  mainWorktreeRoot,
  showFiles,
  hasCommit,
  workTreeClean,
  mergeTreeConflicts,
  DEFAULT_LEDGER_REF,
  LEDGER_FILE,
  parseCatFileBatch,
  ledgerHint,
  GitRefStore
};
