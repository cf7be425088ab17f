/**
 * The repository's state as one document, `pucs.status/v1` (schemas/pucs.status.v1.json): what
 * `pucs status --json` prints, what the dashboard issue shows (and embeds), and what the App renders.
 * Pure: the ledger, the config and the time in; every verdict comes from `evaluate` and `gate`.
 *
 * "Recent" releases and overrides: the ledger keeps no released claims, its commit messages are the
 * audit trail. A caller that can read the ledger's last commits (the CLI: `git log`; the App: one
 * GraphQL read) passes them as `history` and they are listed; without them (`history: null`) only the
 * overrides the ledger holds are shown, and the document says so (`history: null`).
 */
import { changeOfFootprint } from "./change.js";
import { evaluate } from "./evaluate.js";
import { gate, gateChangeOf, phaseOfChange } from "./gate.js";
import { phases } from "./phases.js";
import { globsIntersect } from "./globs.js";
import type { AgentRecord, Conflict, Config, GateOverride, GateResult, Intent, Ledger, Lock, Verdict } from "./types.js";

export const STATUS_SCHEMA = "pucs.status/v1";

/** Ledger commits read for "recent releases and overrides" (by the CLI and the App alike: the same body). */
export const HISTORY_COMMITS = 50;

export type StreamState = "idle" | "active" | "blocked";

/** A conflict as the status document shows it: the report's conflict without its prose details. */
export type StatusConflict = Pick<Conflict, "type" | "strategy" | "file" | "holder" | "holderChange" | "holderStream" | "nextStep">;

export interface StatusChange {
  change: string;
  agent: string;
  stream: string | null;
  title?: string;
  url?: string;
  draft: boolean;
  headSha: string;
  /** Number of files in the footprint. */
  files: number;
  /** The conflict report's verdict (evaluate). */
  verdict: Verdict;
  /** The merge gate's verdict (gate). */
  gate: "pass" | "blocked";
  /** Phase of the change (latest of its streams), null without a stream. */
  phase: number | null;
  /** Changes (or lock holders) the gate waits for. */
  blockedBy: string[];
  conflicts: StatusConflict[];
  overriddenBy?: GateOverride;
}

export interface StatusStream {
  id: string;
  name: string;
  phase: number | null;
  state: StreamState;
  changes: string[];
  /** Lease ids of the stream's live locks. */
  locks: string[];
  /** Ids of the stream's live intents. */
  intents: string[];
}

export interface StatusQueue {
  path: string;
  waiters: { agent: string; change?: string; enqueuedAt: string; position: number }[];
}

export interface HistoryEntry {
  at: string;
  /** First line of the ledger commit message. */
  message: string;
  kind: "release" | "expire" | "override" | "other";
}

export interface StatusDocument {
  schema: typeof STATUS_SCHEMA;
  generatedAt: string;
  session: Ledger["session"];
  /** Stream ids per merge phase, phase 1 first; [] without a config. */
  phases: string[][];
  streams: StatusStream[];
  changes: StatusChange[];
  /** Live locks. */
  locks: Lock[];
  /** Locks past their expiry still in the ledger (removed by `pucs cleanup` or "release expired locks"). */
  expiredLocks: number;
  expired: Lock[];
  /** Live intents. */
  intents: Intent[];
  queues: StatusQueue[];
  overrides: GateOverride[];
  /** Recent releases and overrides from the ledger's commit messages, newest first; null = not read. */
  history: HistoryEntry[] | null;
  /** Registered agents (`pucs register`), by name: stream, session, worktree, first and last seen. */
  agents: AgentRecord[];
  /** Present when the document is about one stream and/or agent (`pucs status --stream S --agent A`). */
  filter?: StatusFilter;
}

export interface StatusFilter {
  stream?: string;
  agent?: string;
}

export interface StatusInput {
  ledger: Ledger;
  config: Config | null;
  now: number;
  /** The ledger's last commits, newest first (message + ISO date); null when the store does not expose them. */
  history?: { date: string; message: string }[] | null;
  /** How many history entries to keep. */
  historyLimit?: number;
}


const isLive = (e: { expiresAt: string }, now: number): boolean => Date.parse(e.expiresAt) > now;

/** What a ledger commit message records, from its first word (see the transitions' messages). */
export function historyKind(message: string): HistoryEntry["kind"] {
  const m = message.trimStart();
  if (/^(force-unlock|unlock|release)\b/.test(m)) return "release";
  if (/^expire\b/.test(m)) return "expire";
  if (/override/.test(m.split("\n")[0] ?? "")) return "override";
  return "other";
}

export function statusDocument(input: StatusInput): StatusDocument {
  const { ledger, config, now } = input;
  const layers = config ? phases(config) : [];
  const phaseOfStream = new Map<string, number>();
  layers.forEach((l, i) => l.forEach((id) => phaseOfStream.set(id, i + 1)));

  // Every open change: its conflict report and its gate verdict, from the engine.
  const gateChanges = config
    ? ledger.footprints.map((fp) => {
        const g = gateChangeOf(changeOfFootprint(fp), config);
        const streams = fp.stream ? [fp.stream, ...g.streams.filter((s) => s !== fp.stream)] : g.streams;
        return { ...g, streams };
      })
    : [];
  const gatePhases = config ? gateChanges.map((g) => phaseOfChange(g.streams, config)) : [];
  const changes: StatusChange[] = ledger.footprints.map((fp, i) => {
    let verdict: Verdict = "clear";
    let conflicts: StatusConflict[] = [];
    let result: GateResult | null = null;
    if (config) {
      const ev = evaluate(changeOfFootprint(fp), ledger, config, now, { stream: fp.stream });
      verdict = ev.verdict;
      conflicts = ev.conflicts.map((c) => {
        const out: StatusConflict = { type: c.type, strategy: c.strategy, file: c.file, holder: c.holder, holderStream: c.holderStream, nextStep: c.nextStep };
        if (c.holderChange !== undefined) out.holderChange = c.holderChange;
        return out;
      });
      // The gate looks only at open, non-draft changes of strictly earlier phases (and at the ledger's
      // locks): handing it just those gives its very answer without a pass over every change per change.
      const mine = gatePhases[i]!;
      const earlier = mine === null ? [] : gateChanges.filter((g, j) => j !== i && !g.draft && gatePhases[j] !== null && gatePhases[j]! < mine);
      result = gate(gateChanges[i]!, earlier, ledger, config, now);
    }
    const out: StatusChange = {
      change: fp.change,
      agent: fp.agent,
      stream: fp.stream,
      draft: fp.draft,
      headSha: fp.headSha,
      files: fp.files.length,
      verdict,
      gate: result?.verdict ?? "pass",
      phase: result?.phase ?? (fp.stream ? (phaseOfStream.get(fp.stream) ?? null) : null),
      blockedBy: result && result.verdict === "blocked" ? [...new Set(result.blockers.map((b) => b.change))] : [],
      conflicts,
    };
    if (fp.title !== undefined) out.title = fp.title;
    if (fp.url !== undefined) out.url = fp.url;
    if (result?.overriddenBy) out.overriddenBy = result.overriddenBy;
    return out;
  });

  const locks = ledger.locks.filter((k) => isLive(k, now));
  const expired = ledger.locks.filter((k) => !isLive(k, now));
  const intents = ledger.intents.filter((x) => isLive(x, now));

  const streams: StatusStream[] = (config?.streams ?? []).map((s) => {
    const mine = changes.filter((c) => c.stream === s.id);
    const myLocks = locks.filter((k) => k.stream === s.id);
    const myIntents = intents.filter((x) => x.stream === s.id);
    const blocked = mine.some((c) => !c.draft && (c.gate === "blocked" || c.verdict === "blocked"));
    const active = mine.length > 0 || myLocks.length > 0 || myIntents.length > 0;
    return {
      id: s.id,
      name: s.name,
      phase: phaseOfStream.get(s.id) ?? null,
      state: blocked ? "blocked" : active ? "active" : "idle",
      changes: mine.map((c) => c.change),
      locks: myLocks.map((k) => k.lease),
      intents: myIntents.map((x) => x.id),
    };
  });

  const limit = input.historyLimit ?? 10;
  const history =
    input.history === undefined || input.history === null
      ? null
      : input.history
          .map((h) => ({ at: h.date, message: (h.message.split("\n")[0] ?? "").trim(), kind: historyKind(h.message) }))
          .filter((h) => h.kind !== "other")
          .slice(0, limit);

  return {
    schema: STATUS_SCHEMA,
    generatedAt: new Date(now).toISOString(),
    session: ledger.session,
    phases: layers,
    streams,
    changes,
    locks,
    expiredLocks: expired.length,
    expired,
    intents,
    queues: ledger.queues.map((q) => ({ path: q.path, waiters: q.waiters.map((w, n) => ({ ...w, position: n + 1 })) })),
    overrides: ledger.overrides,
    history,
    agents: ledger.agents ?? [],
  };
}

/**
 * The document restricted to one stream and/or one agent (seed §4.1 `get_stream_locks`, and an agent's
 * own view): its locks, intents, open changes, queue places (a stream's: the queues for paths its locks
 * cover), registered agents, overrides of the changes kept and the history lines that name it. Phases
 * stay whole; `streams` keeps the stream asked for (or, for an agent, the streams it works in).
 */
export function filterStatus(doc: StatusDocument, filter: StatusFilter): StatusDocument {
  const { stream, agent } = filter;
  if (stream === undefined && agent === undefined) return doc;
  const keep = (x: { stream: string | null; agent: string }) => (stream === undefined || x.stream === stream) && (agent === undefined || x.agent === agent);
  const locks = doc.locks.filter(keep);
  const expired = doc.expired.filter(keep);
  const intents = doc.intents.filter(keep);
  const changes = doc.changes.filter(keep);
  const agents = doc.agents.filter(keep);
  const streamLockPaths = stream === undefined ? null : [...doc.locks, ...doc.expired].filter((k) => k.stream === stream).map((k) => k.path);
  const queues = doc.queues
    .filter((q) => streamLockPaths === null || streamLockPaths.some((p) => globsIntersect(p, q.path)))
    .map((q) => ({ path: q.path, waiters: q.waiters.filter((w) => agent === undefined || w.agent === agent) }))
    .filter((q) => q.waiters.length > 0);
  const kept = new Set(changes.map((c) => c.change));
  const inStreams = new Set([...locks, ...intents, ...changes, ...agents].map((x) => x.stream));
  const streams = doc.streams.filter((s) => (stream !== undefined ? s.id === stream : inStreams.has(s.id)));
  const names = [stream, agent].filter((x): x is string => x !== undefined);
  const mentions = (m: string) => names.every((n) => new RegExp(`(^|[^\\w.-])${n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^\\w.-])`).test(m));
  return {
    ...doc,
    streams,
    changes,
    locks,
    expiredLocks: expired.length,
    expired,
    intents,
    queues,
    overrides: doc.overrides.filter((o) => kept.has(o.change)),
    history: doc.history === null ? null : doc.history.filter((h) => mentions(h.message)),
    agents,
    filter: { ...(stream !== undefined ? { stream } : {}), ...(agent !== undefined ? { agent } : {}) },
  };
}
