import { createRequire as __pucsCreateRequire } from 'node:module'; const require = __pucsCreateRequire(import.meta.url);
import {
  external_exports
} from "./chunk-XQOQWPWI.js";

// src/ledger/store.ts
var LedgerError = class extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
    this.name = "LedgerError";
  }
  code;
};

// src/ledger/schema.ts
var LEDGER_KIND = "pucs-ledger";
var LEDGER_SCHEMA_VERSION = 1;
var isoTime = external_exports.iso.datetime({
  error: (iss) => iss.input === void 0 ? void 0 : "expected an ISO-8601 UTC time such as 2026-01-02T03:04:05Z"
});
var nonEmpty = external_exports.string().min(1, { message: "must not be empty" });
var SessionSchema = external_exports.strictObject({
  id: nonEmpty,
  startedAt: isoTime
});
var LockSchema = external_exports.strictObject({
  lease: nonEmpty,
  path: nonEmpty,
  agent: nonEmpty,
  stream: external_exports.string().nullable(),
  task: external_exports.string(),
  change: nonEmpty.optional(),
  acquiredAt: isoTime,
  expiresAt: isoTime,
  session: nonEmpty.optional()
});
var IntentSchema = external_exports.strictObject({
  id: nonEmpty,
  agent: nonEmpty,
  stream: external_exports.string().nullable(),
  files: external_exports.array(nonEmpty),
  description: external_exports.string(),
  durationMinutes: external_exports.number().positive().finite(),
  signalledAt: isoTime,
  expiresAt: isoTime,
  change: nonEmpty.optional(),
  session: nonEmpty.optional()
});
var LineRangeSchema = external_exports.strictObject({
  start: external_exports.number().int().nonnegative(),
  end: external_exports.number().int().nonnegative(),
  section: external_exports.string().optional(),
  hash: external_exports.string().regex(/^[0-9a-f]{16}$/).optional(),
  symbol: external_exports.string().nullable().optional()
});
var FootprintFileSchema = external_exports.strictObject({
  path: nonEmpty,
  previousPath: nonEmpty.optional(),
  changes: external_exports.array(LineRangeSchema).nullable(),
  alt: external_exports.array(LineRangeSchema).optional()
});
var FootprintSchema = external_exports.strictObject({
  change: nonEmpty,
  agent: external_exports.string(),
  stream: external_exports.string().nullable(),
  streams: external_exports.array(external_exports.string()).optional(),
  headSha: external_exports.string(),
  draft: external_exports.boolean(),
  title: external_exports.string().optional(),
  url: external_exports.string().optional(),
  labels: external_exports.array(external_exports.string()).optional(),
  files: external_exports.array(FootprintFileSchema),
  truncated: external_exports.boolean().optional(),
  comment: external_exports.number().int().positive().optional(),
  recordedAt: isoTime,
  stale: external_exports.literal(true).optional()
});
var QueueEntrySchema = external_exports.strictObject({
  agent: nonEmpty,
  change: nonEmpty.optional(),
  enqueuedAt: isoTime,
  notifiedAt: isoTime.optional()
});
var QueueSchema = external_exports.strictObject({
  path: nonEmpty,
  waiters: external_exports.array(QueueEntrySchema)
});
var GateOverrideSchema = external_exports.strictObject({
  change: nonEmpty,
  by: external_exports.string(),
  reason: external_exports.string(),
  at: isoTime,
  headSha: external_exports.string().optional()
});
var HandoffSchema = external_exports.strictObject({
  id: nonEmpty,
  from_agent: nonEmpty,
  to_agent: nonEmpty,
  timestamp: isoTime,
  session_id: external_exports.string().nullable(),
  context: external_exports.strictObject({
    completed: external_exports.array(external_exports.string()),
    pending: external_exports.array(external_exports.string()),
    warnings: external_exports.array(external_exports.string()),
    commits: external_exports.array(external_exports.string()),
    branch: external_exports.string().nullable()
  }),
  stream_context: external_exports.strictObject({
    stream_id: external_exports.string().nullable(),
    locked_files: external_exports.array(external_exports.string()),
    related_files: external_exports.array(external_exports.string())
  }),
  files_to_review: external_exports.array(external_exports.string()),
  change: nonEmpty.optional(),
  note: external_exports.string().optional(),
  acknowledgedAt: isoTime.optional()
});
var BreakerFailureSchema = external_exports.strictObject({
  at: isoTime,
  agent: external_exports.string(),
  error: external_exports.string(),
  change: nonEmpty.optional(),
  ref: nonEmpty.optional()
});
var StreamBreakerSchema = external_exports.strictObject({
  stream: nonEmpty,
  failures: external_exports.array(BreakerFailureSchema),
  openedAt: isoTime.optional(),
  halfOpensAt: isoTime.optional(),
  trippedBy: BreakerFailureSchema.optional(),
  trial: external_exports.strictObject({ agent: nonEmpty, change: nonEmpty.optional(), at: isoTime }).optional()
});
var RollbackSuggestionSchema = external_exports.strictObject({
  at: isoTime,
  checks: external_exports.array(external_exports.string()),
  ref: nonEmpty,
  done: external_exports.strictObject({ by: nonEmpty, at: isoTime, revert: external_exports.number().int().positive(), url: external_exports.string().optional() }).optional()
});
var MergedChangeSchema = external_exports.strictObject({
  change: nonEmpty,
  mergeSha: nonEmpty,
  stream: external_exports.string().nullable(),
  agent: external_exports.string(),
  author: external_exports.string().optional(),
  title: external_exports.string().optional(),
  nodeId: external_exports.string().optional(),
  mergedAt: isoTime,
  rollback: RollbackSuggestionSchema.optional()
});
var ArbitrationDecisionSchema = external_exports.strictObject({
  by: nonEmpty,
  note: external_exports.string(),
  at: isoTime,
  headSha: external_exports.string(),
  keys: external_exports.array(nonEmpty)
});
var ArbitrationSchema = external_exports.strictObject({
  change: nonEmpty,
  requested: external_exports.strictObject({ at: isoTime, reviewers: external_exports.array(nonEmpty), teams: external_exports.array(nonEmpty) }).optional(),
  decisions: external_exports.array(ArbitrationDecisionSchema)
});
var AgentRecordSchema = external_exports.strictObject({
  agent: nonEmpty,
  stream: external_exports.string().nullable(),
  session: external_exports.string().nullable(),
  worktree: external_exports.string().nullable(),
  firstSeen: isoTime,
  lastSeen: isoTime
});
var LedgerSchema = external_exports.strictObject({
  kind: external_exports.literal(LEDGER_KIND),
  schemaVersion: external_exports.literal(LEDGER_SCHEMA_VERSION),
  session: SessionSchema.nullable(),
  locks: external_exports.array(LockSchema),
  intents: external_exports.array(IntentSchema),
  footprints: external_exports.array(FootprintSchema),
  queues: external_exports.array(QueueSchema),
  overrides: external_exports.array(GateOverrideSchema),
  handoffs: external_exports.array(HandoffSchema).optional(),
  breakers: external_exports.array(StreamBreakerSchema).optional(),
  merges: external_exports.array(MergedChangeSchema).optional(),
  arbitrations: external_exports.array(ArbitrationSchema).optional(),
  agents: external_exports.array(AgentRecordSchema).optional()
});
function assertType() {
  return void 0;
}
assertType();
assertType();
assertType();
assertType();
assertType();
assertType();
assertType();
assertType();
assertType();
assertType();
assertType();
assertType();
assertType();
assertType();
assertType();
assertType();
assertType();
assertType();
function emptyLedger() {
  return {
    kind: LEDGER_KIND,
    schemaVersion: LEDGER_SCHEMA_VERSION,
    session: null,
    locks: [],
    intents: [],
    footprints: [],
    queues: [],
    overrides: [],
    handoffs: [],
    breakers: []
  };
}
var DEFAULT_HINT = "The ledger was not changed. Inspect it, then fix it or set it aside; pucs never overwrites a ledger it cannot read.";
function jsonErrorOffset(text) {
  const n = text.length;
  let i = 0;
  const ws = () => {
    while (i < n && (text[i] === " " || text[i] === "	" || text[i] === "\n" || text[i] === "\r")) i++;
  };
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const str = () => {
    if (text[i] !== '"') return false;
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return true;
      }
      if (c < 32) return false;
      if (c === 92) {
        const e = text[i + 1];
        if (e !== void 0 && '"\\/bfnrt'.includes(e)) i += 2;
        else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else {
          i++;
          return false;
        }
      } else i++;
    }
    return false;
  };
  const value = () => {
    ws();
    const c = text[i];
    if (c === '"') return str();
    if (c === "{") {
      i++;
      ws();
      if (text[i] === "}") {
        i++;
        return true;
      }
      for (; ; ) {
        ws();
        if (!str()) return false;
        ws();
        if (text[i] !== ":") return false;
        i++;
        if (!value()) return false;
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") {
          i++;
          return true;
        }
        return false;
      }
    }
    if (c === "[") {
      i++;
      ws();
      if (text[i] === "]") {
        i++;
        return true;
      }
      for (; ; ) {
        if (!value()) return false;
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "]") {
          i++;
          return true;
        }
        return false;
      }
    }
    for (const lit of ["true", "false", "null"]) {
      if (text.startsWith(lit, i)) {
        i += lit.length;
        return true;
      }
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (m && m[0] !== "" && m[0] !== "-") {
      i += m[0].length;
      return true;
    }
    return false;
  };
  if (!value()) return Math.min(i, n);
  ws();
  return i === n ? null : i;
}
function lineCol(text, pos) {
  const before = text.slice(0, pos);
  const line = before.split("\n").length;
  const col = pos - (before.lastIndexOf("\n") + 1) + 1;
  return `line ${line}, column ${col}`;
}
function describeJsonError(text, err) {
  let msg = err instanceof Error ? err.message : String(err);
  msg = msg.replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, "");
  msg = msg.replace(/\s*in JSON at position \d+(?: \(line \d+ column \d+\))?$/, "");
  const pos = jsonErrorOffset(text);
  if (pos === null) return msg;
  if (pos >= text.length) return `${msg} at ${lineCol(text, pos)}: the text ends too early`;
  return `${msg} at ${lineCol(text, pos)}`;
}
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
var MAX_ISSUES = 5;
function parseLedger(text, source, hint = DEFAULT_HINT) {
  if (text.trim() === "") {
    throw new LedgerError(`${source}: ledger.json is empty. ${hint}`, "corrupt");
  }
  let data;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new LedgerError(`${source}: ledger.json is not valid JSON (${describeJsonError(text, e)}). ${hint}`, "corrupt");
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    const what = data === null ? "null" : Array.isArray(data) ? "an array" : `a ${typeof data}`;
    throw new LedgerError(`${source}: ledger.json must be a JSON object, found ${what}. ${hint}`, "corrupt");
  }
  const obj = data;
  if (obj.kind !== LEDGER_KIND) {
    const found = "kind" in obj ? `"kind" is ${JSON.stringify(obj.kind)}` : `it has no "kind"`;
    throw new LedgerError(
      `${source}: ledger.json is not a PUCS ledger (${found}, expected "${LEDGER_KIND}"). ${hint}`,
      "foreign"
    );
  }
  const v = obj.schemaVersion;
  if (typeof v === "number" && Number.isInteger(v) && v > LEDGER_SCHEMA_VERSION) {
    throw new LedgerError(
      `${source}: ledger.json has schemaVersion ${v}, but this pucs understands schemaVersion ${LEDGER_SCHEMA_VERSION} only. Upgrade pucs (e.g. \`npm install pucs@latest\`) on this machine; the ledger was not changed.`,
      "unsupported-version"
    );
  }
  const result = LedgerSchema.safeParse(data, {
    error: (iss) => iss.code === "invalid_type" && iss.input === void 0 ? `missing (expected ${String(iss.expected)})` : void 0
  });
  if (!result.success) {
    const issues = result.error.issues;
    const shown = issues.slice(0, MAX_ISSUES).map((i) => `${formatPath(i.path)}: ${i.message}`);
    const more = issues.length > MAX_ISSUES ? `; and ${issues.length - MAX_ISSUES} more` : "";
    throw new LedgerError(
      `${source}: ledger.json does not match the ledger schema (${shown.join("; ")}${more}). ${hint}`,
      "corrupt"
    );
  }
  return result.data;
}
function cmp(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}
var compareLocks = (a, b) => cmp(a.path, b.path) || cmp(a.lease, b.lease);
var compareIntents = (a, b) => cmp(a.agent, b.agent) || cmp(a.id, b.id) || cmp(a.change ?? "", b.change ?? "");
var compareFootprints = (a, b) => cmp(a.change, b.change);
var compareQueues = (a, b) => cmp(a.path, b.path);
var compareOverrides = (a, b) => cmp(a.change, b.change);
var compareHandoffs = (a, b) => cmp(a.timestamp, b.timestamp) || cmp(a.id, b.id);
var compareBreakers = (a, b) => cmp(a.stream, b.stream);
var compareMerges = (a, b) => cmp(a.mergedAt, b.mergedAt) || cmp(a.change, b.change);
var compareArbitrations = (a, b) => cmp(a.change, b.change);
var compareAgents = (a, b) => cmp(a.agent, b.agent);
function canonicalLedger(l) {
  return {
    kind: l.kind,
    schemaVersion: l.schemaVersion,
    session: l.session,
    locks: [...l.locks].sort(compareLocks),
    intents: [...l.intents].sort(compareIntents),
    footprints: [...l.footprints].sort(compareFootprints),
    queues: [...l.queues].sort(compareQueues),
    overrides: [...l.overrides].sort(compareOverrides),
    ...l.handoffs !== void 0 ? { handoffs: [...l.handoffs].sort(compareHandoffs) } : {},
    ...l.breakers !== void 0 ? { breakers: [...l.breakers].sort(compareBreakers) } : {},
    ...l.merges !== void 0 ? { merges: [...l.merges].sort(compareMerges) } : {},
    ...l.arbitrations !== void 0 ? { arbitrations: [...l.arbitrations].sort(compareArbitrations) } : {},
    ...l.agents !== void 0 ? { agents: [...l.agents].sort(compareAgents) } : {}
  };
}
function pick(o, keys) {
  const out = {};
  for (const k of keys) if (o[k] !== void 0) out[k] = o[k];
  return out;
}
var lineRangeOut = (r) => pick(r, ["start", "end", "section", "hash", "symbol"]);
var failureOut = (f) => pick(f, ["at", "agent", "error", "change", "ref"]);
var handoffOut = (h) => ({
  ...pick(h, ["id", "from_agent", "to_agent", "timestamp", "session_id"]),
  context: pick(h.context, ["completed", "pending", "warnings", "commits", "branch"]),
  stream_context: pick(h.stream_context, ["stream_id", "locked_files", "related_files"]),
  ...pick(h, ["files_to_review", "change", "note", "acknowledgedAt"])
});
var breakerOut = (b) => ({
  stream: b.stream,
  failures: b.failures.map(failureOut),
  ...pick(b, ["openedAt", "halfOpensAt"]),
  ...b.trippedBy !== void 0 ? { trippedBy: failureOut(b.trippedBy) } : {},
  ...b.trial !== void 0 ? { trial: pick(b.trial, ["agent", "change", "at"]) } : {}
});
function entryOrdered(schema, value) {
  const def = schema.def;
  if (value === null || value === void 0) return value;
  if (def.type === "optional" || def.type === "nullable") return entryOrdered(def.innerType, value);
  if (def.type === "array") return Array.isArray(value) ? value.map((v) => entryOrdered(def.element, v)) : value;
  if (def.type !== "object") return value;
  const obj = value;
  const out = {};
  for (const k of Object.keys(def.shape)) if (obj[k] !== void 0) out[k] = entryOrdered(def.shape[k], obj[k]);
  return out;
}
function serializeLedger(l) {
  const c = canonicalLedger(l);
  const doc = {
    kind: c.kind,
    schemaVersion: c.schemaVersion,
    session: c.session === null ? null : pick(c.session, ["id", "startedAt"]),
    locks: c.locks.map(
      (x) => pick(x, ["lease", "path", "agent", "stream", "task", "change", "acquiredAt", "expiresAt", "session"])
    ),
    intents: c.intents.map(
      (x) => pick(x, ["id", "agent", "stream", "files", "description", "durationMinutes", "signalledAt", "expiresAt", "change", "session"])
    ),
    footprints: c.footprints.map((x) => ({
      ...pick(x, ["change", "agent", "stream", "streams", "headSha", "draft", "title", "url", "labels"]),
      files: x.files.map((f) => ({ path: f.path, ...pick(f, ["previousPath"]), changes: f.changes === null ? null : f.changes.map(lineRangeOut), ...f.alt !== void 0 ? { alt: f.alt.map(lineRangeOut) } : {} })),
      ...pick(x, ["truncated", "comment", "recordedAt", "stale"])
    })),
    queues: c.queues.map((q) => ({
      path: q.path,
      waiters: q.waiters.map((w) => pick(w, ["agent", "change", "enqueuedAt", "notifiedAt"]))
    })),
    overrides: c.overrides.map((o) => pick(o, ["change", "by", "reason", "at", "headSha"])),
    // Written only when present, so a ledger from before handoffs and breakers keeps its bytes.
    ...c.handoffs !== void 0 ? { handoffs: c.handoffs.map(handoffOut) } : {},
    ...c.breakers !== void 0 ? { breakers: c.breakers.map(breakerOut) } : {},
    ...c.merges !== void 0 ? { merges: c.merges.map((m) => entryOrdered(MergedChangeSchema, m)) } : {},
    ...c.arbitrations !== void 0 ? { arbitrations: c.arbitrations.map((a) => entryOrdered(ArbitrationSchema, a)) } : {},
    ...c.agents !== void 0 ? { agents: c.agents.map((a) => entryOrdered(AgentRecordSchema, a)) } : {}
  };
  return `${JSON.stringify(doc, null, 2)}
`;
}

export {
  LedgerError,
  LEDGER_KIND,
  LEDGER_SCHEMA_VERSION,
  SessionSchema,
  LockSchema,
  IntentSchema,
  FootprintSchema,
  QueueSchema,
  GateOverrideSchema,
  HandoffSchema,
  StreamBreakerSchema,
  MergedChangeSchema,
  ArbitrationSchema,
  AgentRecordSchema,
  emptyLedger,
  parseLedger,
  compareLocks,
  compareIntents,
  compareFootprints,
  compareQueues,
  compareOverrides,
  compareAgents,
  canonicalLedger,
  serializeLedger
};
