/**
 * Domain types shared by the engine, the ledger and every surface (CLI, App, Action).
 *
 * Everything here is plain data: JSON-serialisable, no classes, no functions.
 * Times are ISO-8601 strings in the ledger and `Date`-free numbers (epoch ms)
 * when passed into engine functions as `now`.
 */

// ---------------------------------------------------------------------------
// Configuration (config/pucs_streams.yaml, normalised)
// ---------------------------------------------------------------------------

export interface StreamConfig {
  /** Stream id as written in the config, e.g. "EXEC". Matches /^[A-Za-z][A-Za-z0-9_]*$/, unique ignoring case. */
  id: string;
  name: string;
  /** Glob patterns (minimatch semantics, dot:true). From `files_pattern` (comma-separated string or list). */
  patterns: string[];
  maxAgents: number;
  agentTemplates: string[];
  /** Dependencies that name another stream: these are the phase edges. */
  dependsOn: string[];
  /** Dependencies that name an `areas:` entry (the seed's `config`, `models`, ...): no phase edge. */
  dependsOnAreas: string[];
  critical: boolean;
  criticalFiles: string[];
  /** From `test_pattern` (string or list). */
  testPatterns: string[];
  /** Logins / team slugs to ask when ARBITRATE is the strategy (falls back to config.coordinators). */
  coordinators: string[];
  /** This stream's `circuit_breaker:` merged over the global one; absent = the global one. */
  circuitBreaker?: CircuitBreakerConfig;
}

/** `circuit_breaker:` (seed §3.3): a stream trips OPEN after `failureThreshold` failures within `windowMinutes`. */
export interface CircuitBreakerConfig {
  failureThreshold: number;
  windowMinutes: number;
  /** OPEN this long, then HALF_OPEN (one agent may try). */
  cooldownMinutes: number;
  /** Whether the merge gate blocks an OPEN stream's changes. */
  blockMerges: boolean;
}

export interface AreaConfig {
  /** Name as used in `dependencies`, e.g. "models". */
  name: string;
  patterns: string[];
}

export type HotFileMode = "ignore" | "merge";

export interface HotFileRule {
  pattern: string;
  /** ignore: never a conflict. merge: overlaps are always reported as MERGE (safe). */
  mode: HotFileMode;
}

export interface MergeGateConfig {
  /** Pinned phases (stream ids per layer). null = derived by topological layering of dependsOn. */
  pinnedPhases: string[][] | null;
  /** "phase": every open change of an earlier phase blocks. "dependencies": only changes of streams depended on (transitively). */
  blockOn: "phase" | "dependencies";
  /** Whether a live lock held by another change on this change's files blocks the merge. */
  blockOnLocks: boolean;
}

export interface LockConfig {
  defaultTtlMinutes: number;
  /** No lock, intent or extension may reach further than this from now (enforced by the ledger transitions). */
  maxTtlMinutes: number;
  /** A queue head told that its path is free and silent this long is skipped (`locks.queue_grace`). */
  queueGraceMinutes: number;
}

/** `agents:` — bot accounts as users of PUCS's commands. */
export interface AgentsConfig {
  /** Bot logins (lower case, "name[bot]") and the permission each is given for commands. A bot that
   *  authored a PR has the author's rights on it without being listed. */
  bots: Record<string, "read" | "triage" | "write" | "maintain" | "admin">;
  /** Commands one commenter may give on one PR per minute (a loop breaker for bots answering bots). */
  commandRate: number;
}

/** `dashboard:` — the repository's "PUCS dashboard" issue (src/app/dashboard.ts). */
export interface DashboardConfig {
  /** Off = no issue and no writes. On when the config has a `dashboard:` section, unless `enabled: false`. */
  enabled: boolean;
  title: string;
  labels: string[];
}

export interface Config {
  version: 1;
  /** In declaration order. */
  streams: StreamConfig[];
  areas: AreaConfig[];
  locks: LockConfig;
  mergeGate: MergeGateConfig;
  hotFiles: HotFileRule[];
  /** Default people to ask for ARBITRATE. */
  coordinators: string[];
  /** Absent = the dashboard is off (as `enabled: false`). */
  dashboard?: DashboardConfig;
  /** Set by the parser (defaults when the section is absent); absent only in hand-built configs = no bots, 10 commands a minute. */
  agents?: AgentsConfig;
  /** Global `circuit_breaker:`; absent = the defaults (5 failures in 10 min, 5 min cooldown, merges blocked). */
  circuitBreaker?: CircuitBreakerConfig;
}

/** A problem found in a config (or any user input with a source position). */
export interface SourceIssue {
  /** File the problem is in, as given by the caller (e.g. "config/pucs_streams.yaml"). */
  file: string;
  /** 1-based; 0 when unknown. */
  line: number;
  /** 1-based; 0 when unknown. */
  col: number;
  message: string;
  severity: "error" | "warning";
}

// ---------------------------------------------------------------------------
// Changes (a PR on GitHub, the current branch locally)
// ---------------------------------------------------------------------------

/** One changed region on the OLD (base) side of a file. Inclusive line numbers; an insertion between
 *  old lines p-1 and p is represented as { start: p, end: p - 1 } (empty range at p). */
export interface LineRange {
  start: number;
  end: number;
  /** The enclosing function / section from the hunk header, when known. */
  section?: string;
  /** Short hash of the region's NEW text (its lines with their exact whitespace, and whether the last one
   *  ends with a newline), when the hunk body was read: two changes replacing one region with the same
   *  text merge cleanly in git (see `textHash` in diff.ts). Absent = unknown text, never identical. */
  hash?: string;
  /** The function, method or class enclosing the region in the base-side file (tree-sitter, src/engine/symbols.ts),
   *  when the change's own event read that file: its qualified name, or null when the region is outside every
   *  definition (or spans several). Absent = not known: advice falls back to the hunk header's section. */
  symbol?: string | null;
}

export interface Hunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** The hunk header's section heading (the text after the second @@), usually the enclosing function. "" if none. */
  section: string;
  /** Changed regions on the old side, computed from the hunk body; the whole old range when the body is unknown. */
  changes: LineRange[];
  /** The same hunk's regions as git's merge would align them (histogram; a region not in `changes` widened over
   *  the lines it could slide across: src/engine/histogram.ts), when they differ from `changes`. */
  alt?: LineRange[];
}

export interface ChangedFile {
  path: string;
  /** For renames. */
  previousPath?: string;
  status?: "added" | "removed" | "modified" | "renamed" | "copied" | "changed" | "unchanged";
  /** null when the patch is unknown (binary, too large, GitHub omitted `patch`): treated as touching the whole file. */
  hunks: Hunk[] | null;
  /** The file's regions under git's merge alignment, when known apart from its hunks (a change rebuilt from a footprint). */
  alt?: LineRange[];
}

export interface Change {
  /** Stable id of the change: "#12" for pull request 12, "branch:feature/x" for a local branch. */
  id: string;
  /** Who acts for the change: CLI --agent, or the PR author's login on GitHub. */
  agent: string;
  title?: string;
  branch?: string;
  labels?: string[];
  commitMessages?: string[];
  draft?: boolean;
  headSha?: string;
  url?: string;
  files: ChangedFile[];
}

// ---------------------------------------------------------------------------
// Ledger (refs/pucs/ledger) — the zod schema in src/ledger/schema.ts must match these.
// ---------------------------------------------------------------------------

export interface Session {
  id: string;
  startedAt: string;
}

export interface Lock {
  /** Lease id: random, unique per acquisition. */
  lease: string;
  /** A repository path or a glob. */
  path: string;
  agent: string;
  stream: string | null;
  task: string;
  /** The change holding it ("#12"), when taken through a PR. */
  change?: string;
  acquiredAt: string;
  expiresAt: string;
  /** The session it was taken in (`PUCS-YYYYMMDD-NNN`, seed §9.1); absent in older ledgers. */
  session?: string;
}

export interface Intent {
  id: string;
  agent: string;
  stream: string | null;
  /** Paths or globs. */
  files: string[];
  description: string;
  durationMinutes: number;
  signalledAt: string;
  expiresAt: string;
  change?: string;
  /** The session it was signalled in (`PUCS-YYYYMMDD-NNN`, seed §9.1); absent in older ledgers. */
  session?: string;
}

export interface FootprintFile {
  path: string;
  /** A rename's old path (GitHub's `previous_filename`, `git diff -M`'s "rename from"): `changes` are on its lines. */
  previousPath?: string;
  /** The regions as git's merge would align them (the hunks' `alt`, or their `changes` where they agree), when
   *  some hunk's differ: a conflict under either alignment is one (src/engine/histogram.ts). */
  alt?: LineRange[];
  /** Changed old-side ranges (each with its hunk's section); null = whole file / unknown patch. */
  changes: LineRange[] | null;
}

export interface Footprint {
  change: string;
  agent: string;
  stream: string | null;
  /**
   * The merge gate's streams of the change when it was recorded (its declared stream, then the owners
   * of its files: `gateStreamsOf`, src/engine/gate.ts), so the gate finds it under each of them in
   * the ledger's `gates/` without listing PRs. Absent on footprints recorded before it existed.
   */
  streams?: string[];
  headSha: string;
  draft: boolean;
  title?: string;
  url?: string;
  /** Labels matter for the gate (stream labels) and sync. */
  labels?: string[];
  files: FootprintFile[];
  /** True when the file list is known to be incomplete (GitHub's 3,000-file limit). */
  truncated?: boolean;
  /**
   * The id of the PR's PUCS report comment, once there is one (the App edits it by id instead of
   * listing the PR's comments on every push). Absent = PUCS has made none that it knows of.
   */
  comment?: number;
  recordedAt: string;
  /**
   * The PR's published report is out of date: another change's event changed its verdict or strategy
   * (src/engine/refresh.ts) and has not refreshed it yet. The App refreshes it within its write budget
   * and clears the mark; the PR's own next event writes a footprint without it. Absent = up to date.
   */
  stale?: true;
}

export interface QueueEntry {
  agent: string;
  change?: string;
  enqueuedAt: string;
  /** When this waiter, at the head of its queue, was told the path is free (its grace runs from then). */
  notifiedAt?: string;
}

export interface Queue {
  path: string;
  waiters: QueueEntry[];
}

export interface GateOverride {
  change: string;
  by: string;
  reason: string;
  at: string;
  /** Head sha the override was given for; an override survives pushes unless the config says otherwise. */
  headSha?: string;
}

/** A handoff (seed §3.2), in the seed's `.claude/state/handoff.json` shape, plus PUCS's own fields. */
export interface Handoff {
  /** Unique id (from the caller). */
  id: string;
  from_agent: string;
  to_agent: string;
  timestamp: string;
  session_id: string | null;
  context: {
    completed: string[];
    pending: string[];
    warnings: string[];
    commits: string[];
    branch: string | null;
  };
  stream_context: {
    stream_id: string | null;
    locked_files: string[];
    related_files: string[];
  };
  files_to_review: string[];
  /** Only this change's claims moved (the App's `/pucs handoff` on a PR). */
  change?: string;
  note?: string;
  /** When the receiver acknowledged it (`pucs handoff ack`); absent = pending. */
  acknowledgedAt?: string;
}

/** One failure counted by a stream's circuit breaker. */
export interface BreakerFailure {
  at: string;
  agent: string;
  error: string;
  change?: string;
  /** Identity of the event it came from (e.g. "check_suite:123"): a redelivery is not counted twice. */
  ref?: string;
}

/**
 * A stream's circuit breaker (seed §3.3). Absent = CLOSED with no failures. The state is derived with
 * `now`: no `openedAt` = CLOSED; `now < halfOpensAt` = OPEN; otherwise HALF_OPEN (src/engine/breaker.ts).
 */
export interface StreamBreaker {
  stream: string;
  /** Failures in the window (CLOSED) or the ones that tripped it, oldest first. */
  failures: BreakerFailure[];
  openedAt?: string;
  halfOpensAt?: string;
  /** The failure that opened it. */
  trippedBy?: BreakerFailure;
  /** HALF_OPEN admits one holder: the first claim after half-open. */
  trial?: { agent: string; change?: string; at: string };
}

/**
 * A change PUCS tracked (it had a footprint) that merged: kept so a CI failure of its merge commit on
 * the default branch is recognised as a ROLLBACK candidate (seed §8.1). The ledger keeps the latest 50.
 */
export interface MergedChange {
  change: string;
  /** The commit the merge made on the base branch (merge, squash or the last rebased commit). */
  mergeSha: string;
  stream: string | null;
  agent: string;
  /** The PR's author login (told when it is reverted). */
  author?: string;
  title?: string;
  /** GraphQL node id of the PR (what `revertPullRequest` takes). */
  nodeId?: string;
  mergedAt: string;
  /** Set when CI failed on the merge commit: the suggestion, and once acted on, what was done. */
  rollback?: RollbackSuggestion;
}

export interface RollbackSuggestion {
  at: string;
  /** The failing checks (check run names, or the suite / workflow name when none is known). */
  checks: string[];
  /** The event it came from ("check_suite:123"): a redelivery suggests nothing new. */
  ref: string;
  /** The revert was opened (`/pucs rollback`): by whom, when, which PR. */
  done?: { by: string; at: string; revert: number; url?: string };
}

/** ARBITRATE on one change (seed §8.1: a coordinator decides): who was asked, and the decisions. */
export interface Arbitration {
  change: string;
  /** Review requested from the coordinators (once per change: a later push does not ask again). */
  requested?: { at: string; reviewers: string[]; teams: string[] };
  decisions: ArbitrationDecision[];
}

export interface ArbitrationDecision {
  by: string;
  note: string;
  at: string;
  /** The change's head when decided. */
  headSha: string;
  /** The ARBITRATE conflicts it covers (`arbitrationKey`); a new conflict is not covered. */
  keys: string[];
}

/**
 * On a PARTIAL ledger (the App reads one event's scope of a big ledger: src/github/ledger-store.ts),
 * the open non-draft changes of each stream that `footprints` does not list: a stream's first few
 * members are listed and the rest are counted here. CAPACITY and DEPENDENCY count them
 * (src/engine/evaluate.ts `activeHolders`). Absent on a whole ledger; never serialised.
 */
export const UNLISTED: unique symbol = Symbol.for("pucs.unlisted");

export interface Ledger {
  /** See UNLISTED (partial ledgers only). */
  readonly [UNLISTED]?: Readonly<Record<string, number>>;
  kind: "pucs-ledger";
  schemaVersion: 1;
  session: Session | null;
  locks: Lock[];
  intents: Intent[];
  footprints: Footprint[];
  queues: Queue[];
  overrides: GateOverride[];
  /** The latest handoffs (at most 50); absent in ledgers written before handoffs existed. */
  handoffs?: Handoff[];
  /** Streams whose breaker is not CLOSED-and-clean; absent in older ledgers. */
  breakers?: StreamBreaker[];
  /** Merged changes PUCS tracked, for ROLLBACK (at most 50); absent in older ledgers. */
  merges?: MergedChange[];
  /** Open changes with an ARBITRATE conflict: coordinators asked, decisions; absent in older ledgers. */
  arbitrations?: Arbitration[];
  /** Registered agents (`pucs register`, seed §6 step 1); absent in older ledgers. */
  agents?: AgentRecord[];
}

/** An agent known to the ledger (seed §6 step 1, REGISTER): where it works and when it was last active. */
export interface AgentRecord {
  agent: string;
  stream: string | null;
  /** Its session (`PUCS-YYYYMMDD-NNN`). */
  session: string | null;
  /** The worktree it registered from (absolute path on its machine); null when unknown. */
  worktree: string | null;
  firstSeen: string;
  /** Refreshed by its claims (lock, intent, extend) in the same compare-and-swap. */
  lastSeen: string;
}

// ---------------------------------------------------------------------------
// Engine results
// ---------------------------------------------------------------------------

export type ConflictType = "LOCKED" | "INTENT_OVERLAP" | "DEPENDENCY" | "CAPACITY" | "CRITICAL";
export type Strategy = "QUEUE" | "PARTITION" | "MERGE" | "ARBITRATE" | "ROLLBACK";

export interface Conflict {
  type: ConflictType;
  strategy: Strategy;
  /** The file (or glob) concerned; "" for change-level conflicts such as CAPACITY. */
  file: string;
  /** Who holds / owns the other side: agent id, or a PR ref like "#12". */
  holder: string;
  holderChange?: string;
  holderStream: string | null;
  /** One sentence: what the conflict is. */
  details: string;
  /** One sentence: the concrete next step (a command to run, a person to ask). */
  nextStep: string;
  /** Line-level detail for INTENT_OVERLAP. */
  lines?: {
    overlapping: LineRange[];
    mine: string[];
    theirs: string[];
  };
  /** For LOCKED: the lock's expiry. */
  until?: string;
  /** An ARBITRATE conflict a coordinator decided (`/pucs decide`): it no longer blocks. */
  decided?: { by: string; note: string; at: string };
}

export type Verdict = "clear" | "safe-overlap" | "blocked" | "needs-decision";

export interface Evaluation {
  change: string;
  /** The change's stream and how it was determined. */
  stream: string | null;
  streamSource: "label" | "commit" | "branch" | "files" | "declared" | "none";
  /** Streams each changed file belongs to (owner), in input order. */
  files: { path: string; stream: string | null; also: string[] }[];
  conflicts: Conflict[];
  verdict: Verdict;
  suggestions: string[];
}

export interface GateBlocker {
  change: string;
  stream: string | null;
  phase: number | null;
  /** breaker: the stream's circuit breaker is OPEN (`circuit_breaker.block_merges`); `change` is "breaker:<stream>". */
  reason: "earlier-phase" | "dependency" | "lock" | "breaker";
  /** What unblocks it, in one sentence. */
  unblock: string;
  title?: string;
  url?: string;
}

export interface GateResult {
  change: string;
  streams: string[];
  phase: number | null;
  verdict: "pass" | "blocked";
  blockers: GateBlocker[];
  /** Set when a recorded override let the change pass despite blockers. */
  overriddenBy?: GateOverride;
  description: string;
}

/** What the merge gate needs to know about one open change. */
export interface GateChange {
  /** "#12" */
  change: string;
  /** Who acts for the change (see change.ts `agentOfPull`): a lock this agent took without a change is the change's own. */
  agent?: string;
  /** The change's streams (a change may span several; its phase is the latest of theirs). Empty = no stream. */
  streams: string[];
  draft: boolean;
  title?: string;
  url?: string;
  headSha?: string;
  /** Files of the change: needed for the change being gated (lock check), optional for the others. */
  files?: string[];
}
