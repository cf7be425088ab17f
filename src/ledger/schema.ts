/**
 * The ledger document: zod schema, parsing with user-facing errors, canonical serialisation.
 *
 * - The schema matches the interfaces in src/engine/types.ts exactly (checked at compile time below).
 * - Objects are strict: an unknown key is reported as corruption rather than silently dropped, so a
 *   document written by a newer pucs is never rewritten without the fields this version cannot see.
 * - `serializeLedger` is canonical: fixed key order, top-level arrays sorted (locks by path then
 *   lease, intents by agent then id, footprints by change, queues by path, overrides by change;
 *   queue waiters keep FIFO order; arrays inside an entry keep their order), 2-space indent,
 *   trailing newline. Two equal ledgers serialise to the same bytes.
 */
import { z } from "zod";
import type {
  Footprint,
  FootprintFile,
  BreakerFailure,
  GateOverride,
  Handoff,
  Intent,
  Ledger,
  LineRange,
  Lock,
  Queue,
  QueueEntry,
  Session,
  StreamBreaker,
  MergedChange,
  RollbackSuggestion,
  Arbitration,
  ArbitrationDecision,
  AgentRecord,
} from "../engine/types.js";
import { LedgerError } from "./store.js";
import type { UNLISTED } from "../engine/types.js";

export const LEDGER_KIND = "pucs-ledger" as const;
export const LEDGER_SCHEMA_VERSION = 1 as const;

// A missing value falls through (undefined) to parseLedger's "missing (expected ...)" message.
const isoTime = z.iso.datetime({
  error: (iss) => (iss.input === undefined ? undefined : "expected an ISO-8601 UTC time such as 2026-01-02T03:04:05Z"),
});
const nonEmpty = z.string().min(1, { message: "must not be empty" });

export const SessionSchema = z.strictObject({
  id: nonEmpty,
  startedAt: isoTime,
});

export const LockSchema = z.strictObject({
  lease: nonEmpty,
  path: nonEmpty,
  agent: nonEmpty,
  stream: z.string().nullable(),
  task: z.string(),
  change: nonEmpty.optional(),
  acquiredAt: isoTime,
  expiresAt: isoTime,
  session: nonEmpty.optional(),
});

export const IntentSchema = z.strictObject({
  id: nonEmpty,
  agent: nonEmpty,
  stream: z.string().nullable(),
  files: z.array(nonEmpty),
  description: z.string(),
  durationMinutes: z.number().positive().finite(),
  signalledAt: isoTime,
  expiresAt: isoTime,
  change: nonEmpty.optional(),
  session: nonEmpty.optional(),
});

export const LineRangeSchema = z.strictObject({
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
  section: z.string().optional(),
  hash: z.string().regex(/^[0-9a-f]{16}$/).optional(),
  symbol: z.string().nullable().optional(),
});

export const FootprintFileSchema = z.strictObject({
  path: nonEmpty,
  previousPath: nonEmpty.optional(),
  changes: z.array(LineRangeSchema).nullable(),
  alt: z.array(LineRangeSchema).optional(),
});

export const FootprintSchema = z.strictObject({
  change: nonEmpty,
  agent: z.string(),
  stream: z.string().nullable(),
  streams: z.array(z.string()).optional(),
  headSha: z.string(),
  draft: z.boolean(),
  title: z.string().optional(),
  url: z.string().optional(),
  labels: z.array(z.string()).optional(),
  files: z.array(FootprintFileSchema),
  truncated: z.boolean().optional(),
  comment: z.number().int().positive().optional(),
  recordedAt: isoTime,
  stale: z.literal(true).optional(),
});

export const QueueEntrySchema = z.strictObject({
  agent: nonEmpty,
  change: nonEmpty.optional(),
  enqueuedAt: isoTime,
  notifiedAt: isoTime.optional(),
});

export const QueueSchema = z.strictObject({
  path: nonEmpty,
  waiters: z.array(QueueEntrySchema),
});

export const GateOverrideSchema = z.strictObject({
  change: nonEmpty,
  by: z.string(),
  reason: z.string(),
  at: isoTime,
  headSha: z.string().optional(),
});

export const HandoffSchema = z.strictObject({
  id: nonEmpty,
  from_agent: nonEmpty,
  to_agent: nonEmpty,
  timestamp: isoTime,
  session_id: z.string().nullable(),
  context: z.strictObject({
    completed: z.array(z.string()),
    pending: z.array(z.string()),
    warnings: z.array(z.string()),
    commits: z.array(z.string()),
    branch: z.string().nullable(),
  }),
  stream_context: z.strictObject({
    stream_id: z.string().nullable(),
    locked_files: z.array(z.string()),
    related_files: z.array(z.string()),
  }),
  files_to_review: z.array(z.string()),
  change: nonEmpty.optional(),
  note: z.string().optional(),
  acknowledgedAt: isoTime.optional(),
});

export const BreakerFailureSchema = z.strictObject({
  at: isoTime,
  agent: z.string(),
  error: z.string(),
  change: nonEmpty.optional(),
  ref: nonEmpty.optional(),
});

export const StreamBreakerSchema = z.strictObject({
  stream: nonEmpty,
  failures: z.array(BreakerFailureSchema),
  openedAt: isoTime.optional(),
  halfOpensAt: isoTime.optional(),
  trippedBy: BreakerFailureSchema.optional(),
  trial: z.strictObject({ agent: nonEmpty, change: nonEmpty.optional(), at: isoTime }).optional(),
});

export const RollbackSuggestionSchema = z.strictObject({
  at: isoTime,
  checks: z.array(z.string()),
  ref: nonEmpty,
  done: z.strictObject({ by: nonEmpty, at: isoTime, revert: z.number().int().positive(), url: z.string().optional() }).optional(),
});

export const MergedChangeSchema = z.strictObject({
  change: nonEmpty,
  mergeSha: nonEmpty,
  stream: z.string().nullable(),
  agent: z.string(),
  author: z.string().optional(),
  title: z.string().optional(),
  nodeId: z.string().optional(),
  mergedAt: isoTime,
  rollback: RollbackSuggestionSchema.optional(),
});

export const ArbitrationDecisionSchema = z.strictObject({
  by: nonEmpty,
  note: z.string(),
  at: isoTime,
  headSha: z.string(),
  keys: z.array(nonEmpty),
});

export const ArbitrationSchema = z.strictObject({
  change: nonEmpty,
  requested: z.strictObject({ at: isoTime, reviewers: z.array(nonEmpty), teams: z.array(nonEmpty) }).optional(),
  decisions: z.array(ArbitrationDecisionSchema),
});

export const AgentRecordSchema = z.strictObject({
  agent: nonEmpty,
  stream: z.string().nullable(),
  session: z.string().nullable(),
  worktree: z.string().nullable(),
  firstSeen: isoTime,
  lastSeen: isoTime,
});

export const LedgerSchema = z.strictObject({
  kind: z.literal(LEDGER_KIND),
  schemaVersion: z.literal(LEDGER_SCHEMA_VERSION),
  session: SessionSchema.nullable(),
  locks: z.array(LockSchema),
  intents: z.array(IntentSchema),
  footprints: z.array(FootprintSchema),
  queues: z.array(QueueSchema),
  overrides: z.array(GateOverrideSchema),
  handoffs: z.array(HandoffSchema).optional(),
  breakers: z.array(StreamBreakerSchema).optional(),
  merges: z.array(MergedChangeSchema).optional(),
  arbitrations: z.array(ArbitrationSchema).optional(),
  agents: z.array(AgentRecordSchema).optional(),
});

// ---------------------------------------------------------------------------
// Compile-time proof that the schema and the shared interfaces agree.
// ---------------------------------------------------------------------------

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | undefined {
  return undefined;
}
assertType<Equals<z.infer<typeof SessionSchema>, Session>>();
assertType<Equals<z.infer<typeof LockSchema>, Lock>>();
assertType<Equals<z.infer<typeof IntentSchema>, Intent>>();
assertType<Equals<z.infer<typeof LineRangeSchema>, LineRange>>();
assertType<Equals<z.infer<typeof FootprintFileSchema>, FootprintFile>>();
assertType<Equals<z.infer<typeof FootprintSchema>, Footprint>>();
assertType<Equals<z.infer<typeof QueueEntrySchema>, QueueEntry>>();
assertType<Equals<z.infer<typeof QueueSchema>, Queue>>();
assertType<Equals<z.infer<typeof GateOverrideSchema>, GateOverride>>();
assertType<Equals<z.infer<typeof HandoffSchema>, Handoff>>();
assertType<Equals<z.infer<typeof BreakerFailureSchema>, BreakerFailure>>();
assertType<Equals<z.infer<typeof StreamBreakerSchema>, StreamBreaker>>();
assertType<Equals<z.infer<typeof RollbackSuggestionSchema>, RollbackSuggestion>>();
assertType<Equals<z.infer<typeof MergedChangeSchema>, MergedChange>>();
assertType<Equals<z.infer<typeof ArbitrationDecisionSchema>, ArbitrationDecision>>();
assertType<Equals<z.infer<typeof ArbitrationSchema>, Arbitration>>();
assertType<Equals<z.infer<typeof AgentRecordSchema>, AgentRecord>>();
// The schema is the stored ledger: a partial view's unlisted counts (UNLISTED) are never stored.
assertType<Equals<z.infer<typeof LedgerSchema>, Omit<Ledger, typeof UNLISTED>>>();

// ---------------------------------------------------------------------------

export function emptyLedger(): Ledger {
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
    breakers: [],
  };
}

const DEFAULT_HINT =
  "The ledger was not changed. Inspect it, then fix it or set it aside; pucs never overwrites a ledger it cannot read.";

/**
 * Offset of the first syntax error in `text` (a small JSON scanner: V8's messages carry a position
 * for some errors only, and never a line). null when the text is valid JSON.
 */
export function jsonErrorOffset(text: string): number | null {
  const n = text.length;
  let i = 0;
  const ws = () => {
    while (i < n && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++;
  };
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const str = (): boolean => {
    if (text[i] !== '"') return false;
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return true;
      }
      if (c < 0x20) return false;
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else {
          i++;
          return false;
        }
      } else i++;
    }
    return false;
  };
  const value = (): boolean => {
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
      for (;;) {
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
      for (;;) {
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

function lineCol(text: string, pos: number): string {
  const before = text.slice(0, pos);
  const line = before.split("\n").length;
  const col = pos - (before.lastIndexOf("\n") + 1) + 1;
  return `line ${line}, column ${col}`;
}

/** V8's message without its input snippet or byte position, plus "at line L, column C". */
function describeJsonError(text: string, err: unknown): string {
  let msg = err instanceof Error ? err.message : String(err);
  msg = msg.replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, "");
  msg = msg.replace(/\s*in JSON at position \d+(?: \(line \d+ column \d+\))?$/, "");
  const pos = jsonErrorOffset(text);
  if (pos === null) return msg;
  if (pos >= text.length) return `${msg} at ${lineCol(text, pos)}: the text ends too early`;
  return `${msg} at ${lineCol(text, pos)}`;
}

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

const MAX_ISSUES = 5;

/**
 * Parses and validates a ledger document. `source` names where it came from, e.g.
 * "refs/pucs/ledger at abc1234"; `hint` says how to inspect/fix it (appended to every error).
 * Throws LedgerError: "corrupt" (not JSON, schema violations), "foreign" (not a PUCS ledger),
 * "unsupported-version" (written by a newer pucs).
 */
export function parseLedger(text: string, source: string, hint: string = DEFAULT_HINT): Ledger {
  if (text.trim() === "") {
    throw new LedgerError(`${source}: ledger.json is empty. ${hint}`, "corrupt");
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new LedgerError(`${source}: ledger.json is not valid JSON (${describeJsonError(text, e)}). ${hint}`, "corrupt");
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    const what = data === null ? "null" : Array.isArray(data) ? "an array" : `a ${typeof data}`;
    throw new LedgerError(`${source}: ledger.json must be a JSON object, found ${what}. ${hint}`, "corrupt");
  }
  const obj = data as Record<string, unknown>;
  if (obj.kind !== LEDGER_KIND) {
    const found = "kind" in obj ? `"kind" is ${JSON.stringify(obj.kind)}` : `it has no "kind"`;
    throw new LedgerError(
      `${source}: ledger.json is not a PUCS ledger (${found}, expected "${LEDGER_KIND}"). ${hint}`,
      "foreign",
    );
  }
  const v = obj.schemaVersion;
  if (typeof v === "number" && Number.isInteger(v) && v > LEDGER_SCHEMA_VERSION) {
    throw new LedgerError(
      `${source}: ledger.json has schemaVersion ${v}, but this pucs understands schemaVersion ${LEDGER_SCHEMA_VERSION} only. ` +
        `Upgrade pucs (e.g. \`npm install pucs@latest\`) on this machine; the ledger was not changed.`,
      "unsupported-version",
    );
  }
  const result = LedgerSchema.safeParse(data, {
    error: (iss) =>
      iss.code === "invalid_type" && iss.input === undefined ? `missing (expected ${String(iss.expected)})` : undefined,
  });
  if (!result.success) {
    const issues = result.error.issues;
    const shown = issues.slice(0, MAX_ISSUES).map((i) => `${formatPath(i.path)}: ${i.message}`);
    const more = issues.length > MAX_ISSUES ? `; and ${issues.length - MAX_ISSUES} more` : "";
    throw new LedgerError(
      `${source}: ledger.json does not match the ledger schema (${shown.join("; ")}${more}). ${hint}`,
      "corrupt",
    );
  }
  return result.data;
}

// ---------------------------------------------------------------------------
// Canonical order and serialisation
// ---------------------------------------------------------------------------

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export const compareLocks = (a: Lock, b: Lock): number => cmp(a.path, b.path) || cmp(a.lease, b.lease);
export const compareIntents = (a: Intent, b: Intent): number =>
  cmp(a.agent, b.agent) || cmp(a.id, b.id) || cmp(a.change ?? "", b.change ?? "");
export const compareFootprints = (a: Footprint, b: Footprint): number => cmp(a.change, b.change);
export const compareQueues = (a: Queue, b: Queue): number => cmp(a.path, b.path);
export const compareOverrides = (a: GateOverride, b: GateOverride): number => cmp(a.change, b.change);
export const compareHandoffs = (a: Handoff, b: Handoff): number => cmp(a.timestamp, b.timestamp) || cmp(a.id, b.id);
export const compareBreakers = (a: StreamBreaker, b: StreamBreaker): number => cmp(a.stream, b.stream);
export const compareMerges = (a: MergedChange, b: MergedChange): number => cmp(a.mergedAt, b.mergedAt) || cmp(a.change, b.change);
export const compareArbitrations = (a: Arbitration, b: Arbitration): number => cmp(a.change, b.change);
export const compareAgents = (a: AgentRecord, b: AgentRecord): number => cmp(a.agent, b.agent);

/** The same ledger with its top-level arrays in canonical order (new arrays; entries shared). */
export function canonicalLedger(l: Ledger): Ledger {
  return {
    kind: l.kind,
    schemaVersion: l.schemaVersion,
    session: l.session,
    locks: [...l.locks].sort(compareLocks),
    intents: [...l.intents].sort(compareIntents),
    footprints: [...l.footprints].sort(compareFootprints),
    queues: [...l.queues].sort(compareQueues),
    overrides: [...l.overrides].sort(compareOverrides),
    ...(l.handoffs !== undefined ? { handoffs: [...l.handoffs].sort(compareHandoffs) } : {}),
    ...(l.breakers !== undefined ? { breakers: [...l.breakers].sort(compareBreakers) } : {}),
    ...(l.merges !== undefined ? { merges: [...l.merges].sort(compareMerges) } : {}),
    ...(l.arbitrations !== undefined ? { arbitrations: [...l.arbitrations].sort(compareArbitrations) } : {}),
    ...(l.agents !== undefined ? { agents: [...l.agents].sort(compareAgents) } : {}),
  };
}

/** Copies the listed keys in order, leaving out undefined optionals. */
function pick<T extends object>(o: T, keys: readonly (keyof T)[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (o[k] !== undefined) out[k as string] = o[k];
  return out;
}

const lineRangeOut = (r: LineRange) => pick(r, ["start", "end", "section", "hash", "symbol"]);

const failureOut = (f: BreakerFailure) => pick(f, ["at", "agent", "error", "change", "ref"]);
const handoffOut = (h: Handoff) => ({
  ...pick(h, ["id", "from_agent", "to_agent", "timestamp", "session_id"]),
  context: pick(h.context, ["completed", "pending", "warnings", "commits", "branch"]),
  stream_context: pick(h.stream_context, ["stream_id", "locked_files", "related_files"]),
  ...pick(h, ["files_to_review", "change", "note", "acknowledgedAt"]),
});
const breakerOut = (b: StreamBreaker) => ({
  stream: b.stream,
  failures: b.failures.map(failureOut),
  ...pick(b, ["openedAt", "halfOpensAt"]),
  ...(b.trippedBy !== undefined ? { trippedBy: failureOut(b.trippedBy) } : {}),
  ...(b.trial !== undefined ? { trial: pick(b.trial, ["agent", "change", "at"]) } : {}),
});

/** `value` with its object keys in the schema's declared order (undefined optionals left out). */
function entryOrdered(schema: z.ZodType, value: unknown): unknown {
  const def = (schema as unknown as { def: { type: string; shape?: Record<string, z.ZodType>; element?: z.ZodType; innerType?: z.ZodType } }).def;
  if (value === null || value === undefined) return value;
  if (def.type === "optional" || def.type === "nullable") return entryOrdered(def.innerType!, value);
  if (def.type === "array") return Array.isArray(value) ? value.map((v) => entryOrdered(def.element!, v)) : value;
  if (def.type !== "object") return value;
  const obj = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(def.shape!)) if (obj[k] !== undefined) out[k] = entryOrdered(def.shape![k]!, obj[k]);
  return out;
}

/** Canonical JSON text of the ledger (see the module comment). */
export function serializeLedger(l: Ledger): string {
  const c = canonicalLedger(l);
  const doc = {
    kind: c.kind,
    schemaVersion: c.schemaVersion,
    session: c.session === null ? null : pick(c.session, ["id", "startedAt"]),
    locks: c.locks.map((x) =>
      pick(x, ["lease", "path", "agent", "stream", "task", "change", "acquiredAt", "expiresAt", "session"]),
    ),
    intents: c.intents.map((x) =>
      pick(x, ["id", "agent", "stream", "files", "description", "durationMinutes", "signalledAt", "expiresAt", "change", "session"]),
    ),
    footprints: c.footprints.map((x) => ({
      ...pick(x, ["change", "agent", "stream", "streams", "headSha", "draft", "title", "url", "labels"]),
      files: x.files.map((f) => ({ path: f.path, ...pick(f, ["previousPath"]), changes: f.changes === null ? null : f.changes.map(lineRangeOut), ...(f.alt !== undefined ? { alt: f.alt.map(lineRangeOut) } : {}) })),
      ...pick(x, ["truncated", "comment", "recordedAt", "stale"]),
    })),
    queues: c.queues.map((q) => ({
      path: q.path,
      waiters: q.waiters.map((w) => pick(w, ["agent", "change", "enqueuedAt", "notifiedAt"])),
    })),
    overrides: c.overrides.map((o) => pick(o, ["change", "by", "reason", "at", "headSha"])),
    // Written only when present, so a ledger from before handoffs and breakers keeps its bytes.
    ...(c.handoffs !== undefined ? { handoffs: c.handoffs.map(handoffOut) } : {}),
    ...(c.breakers !== undefined ? { breakers: c.breakers.map(breakerOut) } : {}),
    ...(c.merges !== undefined ? { merges: c.merges.map((m) => entryOrdered(MergedChangeSchema, m)) } : {}),
    ...(c.arbitrations !== undefined ? { arbitrations: c.arbitrations.map((a) => entryOrdered(ArbitrationSchema, a)) } : {}),
    ...(c.agents !== undefined ? { agents: c.agents.map((a) => entryOrdered(AgentRecordSchema, a)) } : {}),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
