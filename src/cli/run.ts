/**
 * The `pucs` command line: a thin shell around the engine and the ledger.
 *
 * Every command reads its inputs (config, ledger, git), calls pure engine code, and prints.
 * Exit codes: 0 ok, 1 conflict or refusal, 2 usage, config or ledger error.
 * Every command takes --json and then prints exactly one JSON object on stdout (shapes in README).
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { loadConfigFile } from "../config-file.js";
import { formatIssue } from "../engine/config/index.js";
import { printConfigSchema } from "./schema.js";
import { formatDuration, parseDuration } from "../engine/duration.js";
import { evaluate } from "../engine/evaluate.js";
import { isGlob, validateGlob } from "../engine/globs.js";
import { phases } from "../engine/phases.js";
import { gateStreamsOf } from "../engine/gate.js";
import { footprintFile } from "../engine/diff.js";
import type { Change, Config, Conflict, Evaluation, Ledger, SourceIssue } from "../engine/types.js";
import { starterConfig } from "../engine/starter.js";
import {
  acquireLock,
  enqueue,
  expire,
  liveIntents,
  liveLocks,
  declareIntent,
  recordFootprint,
  release,
  releaseLock,
  registerAgent,
  startNewSession,
  startSession,
} from "../ledger/transitions.js";
import type { BreakerOpenOutcome } from "../ledger/transitions.js";
import { pendingHandoffs } from "../ledger/transitions.js";
import { breakerLines, pendingHandoffLines, runBreaker, runHandoff, type LifecycleIo } from "./handoff.js";
import { runRollback } from "./rollback.js";
import { transact } from "../ledger/transact.js";
import { LedgerError, type LedgerStore } from "../ledger/store.js";
import { GitRefStore } from "../git/ledger-store.js";
import { RemoteRefStore } from "../git/remote-store.js";
import { chooseLedger, LedgerChoiceError, type LedgerChoice } from "./ledger-choice.js";
import * as git from "../git/gateway.js";
import { COMMON, flag, parseCommand, required, str, UsageError, type CommandSpec, type Parsed } from "./args.js";
import { optionalConfig, statusOf } from "./status-markdown.js";
import { filterStatus } from "../engine/status.js";
import { sessionIdProblem } from "../engine/session.js";
import { renderDashboardDoc } from "../engine/dashboard.js";
import { runBoard } from "./board.js";
import { CHECK_SPEC, checkChange, judgeAsOpenPr, printCheck } from "./check.js";
import { withSpan, type PucsFields } from "../tracing.js";
import { defaultHookBundle, HookError, installHook, uninstallHook } from "./hook.js";

export interface CliContext {
  cwd: string;
  env: Record<string, string | undefined>;
  /** Epoch ms. PUCS_NOW (ISO time) overrides it: a test aid for TTLs. */
  now(): number;
  newId(): string;
  out(text: string): void;
  err(text: string): void;
  /** Store factory; default: the git ref store in the repository's common git dir. */
  store?(root: string): LedgerStore;
  /** The terminal, when stdout is one (`pucs board` draws full-screen on it). */
  tty?: import("./board.js").BoardIo;
}

const VERSION = "1.0.0"; // = package.json's version (test/release.test.ts)
export const EXIT = { OK: 0, CONFLICT: 1, USAGE: 2 } as const;

/** An expected failure: printed as a message (never a stack trace) with an exit code. */
class CliFailure extends Error {
  constructor(
    message: string,
    readonly code: number,
    readonly data: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** What `pucs handoff` and `pucs breaker` (src/cli/handoff.ts) need of the CLI. */
async function lifecycleIo(ctx: CliContext, p: Parsed, spec: CommandSpec): Promise<LifecycleIo> {
  const repo = await openRepo(ctx, p, { write: true });
  return {
    cwd: ctx.cwd,
    now: ctx.now(),
    newId: () => ctx.newId(),
    agent: () => agentOf(ctx, p, spec),
    agentIfAny: () => str(p, "agent") ?? ctx.env.PUCS_AGENT,
    read: async () => (await repo.store.read()).ledger,
    commit: (fn) => commit(repo, fn),
    config: () => loadConfig(ctx, repo, p),
    branch: () => git.currentBranch(repo.root),
    emit: (json, text) => emit(ctx, p, json, text),
    refuse: (message, data) => {
      throw new CliFailure(message, EXIT.CONFLICT, data);
    },
  };
}

/** A claim refused by the stream's circuit breaker (exit 1). */
function breakerRefusal(o: BreakerOpenOutcome): never {
  throw new CliFailure(`ERROR: ${o.details}`, EXIT.CONFLICT, { result: "breaker-open", stream: o.stream, state: o.state, trippedBy: o.trippedBy, halfOpensAt: o.halfOpensAt, trial: o.trial });
}

// ---------------------------------------------------------------------------------------------
// Command specs (usage text is also the help)
// ---------------------------------------------------------------------------------------------

const S = (name: string, usage: string, summary: string, options: CommandSpec["options"], positionals: CommandSpec["positionals"] = 0): CommandSpec => ({
  name,
  usage,
  summary,
  options,
  positionals,
});

const SPECS: CommandSpec[] = [
  S("init", "pucs init [--session PUCS-YYYYMMDD-NNN|new] [--write-config]", "Start a coordination session (a new one, PUCS-<today>-<next free NNN>, unless --session names one; --write-config writes a starter config)", {
    session: { type: "string" },
    "write-config": { type: "boolean" },
  }),
  S(
    "register",
    "pucs register --agent A --stream S [--session PUCS-YYYYMMDD-NNN|new] [--json]",
    "Record an agent in the ledger: its stream, session, worktree, first and last seen (seed §6 REGISTER)",
    { agent: { type: "string" }, stream: { type: "string" }, session: { type: "string" } },
  ),
  S("status", "pucs status [--stream S] [--agent A] [--json] [--format text|markdown]", "Session, agents, live locks, intents, queues and open changes, of one stream or agent with --stream/--agent (markdown: the dashboard issue's body)", {
    format: { type: "string" },
    stream: { type: "string" },
    agent: { type: "string" },
  }),
  S("board", "pucs board", "Live full-screen view of streams, locks, queues and conflicts; redraws when the ledger moves, q quits", {}),
  S(
    "lock",
    "pucs lock <path|glob> --agent A --stream S --task T [--duration D]",
    "Take an exclusive lock (exit 1 when someone else holds it)",
    { agent: { type: "string" }, stream: { type: "string" }, task: { type: "string" }, duration: { type: "string" }, change: { type: "string" } },
    1,
  ),
  S("unlock", "pucs unlock <path|glob> --agent A [--force]", "Release a lock you hold (--force: someone else's)", { agent: { type: "string" }, force: { type: "boolean" } }, 1),
  S(
    "intent",
    "pucs intent --agent A --stream S --files f1,f2 --description TEXT [--duration D] [--force]",
    "Declare the files you are about to change; exit 1 listing conflicts (not recorded unless --force)",
    {
      agent: { type: "string" },
      stream: { type: "string" },
      files: { type: "string" },
      description: { type: "string" },
      duration: { type: "string" },
      force: { type: "boolean" },
      change: { type: "string" },
    },
  ),
  S("queue", "pucs queue <path> --agent A", "Wait in line for a locked path (FIFO); you are named when it frees", { agent: { type: "string" }, change: { type: "string" } }, 1),
  S("release", "pucs release --agent A | --change C [--close]", "Drop the locks, intents and queue places of an agent (its local claims) or of a change; --close also drops the change's footprint and gate override", {
    agent: { type: "string" },
    change: { type: "string" },
    close: { type: "boolean" },
  }),
  S("cleanup", "pucs cleanup", "Remove expired locks and intents", {}),
  CHECK_SPEC,
  S("log", "pucs log [-n N]", "The ledger's audit trail (one commit per change)", { n: { type: "string", short: "n" } }),
  S("worktree", "pucs worktree add <STREAM> [--base REF]", "Create ../<repo>-stream-<id> on branch feature/stream-<ID> (seed §5.1)", { base: { type: "string" } }, 2),
  S("hook", "pucs hook install|uninstall", "Install (or remove) the git pre-commit hook that refuses commits touching files under another agent's live lock", {}, 1),
  S(
    "handoff",
    "pucs handoff --to AGENT [--agent FROM] [--completed …] [--pending …] [--warnings …] [--review FILES] [--commits SHAS] [--branch B] [--stream S] [--change C] [--note TEXT] | pucs handoff show [--agent A] [--write-file PATH] | pucs handoff ack [--agent A]",
    "Hand your locks, intents and queue places to another agent with a handoff note (seed §3.2); show/ack the handoffs to you",
    {
      to: { type: "string" },
      agent: { type: "string" },
      completed: { type: "string", multiple: true },
      pending: { type: "string", multiple: true },
      warnings: { type: "string", multiple: true },
      review: { type: "string", multiple: true },
      commits: { type: "string", multiple: true },
      branch: { type: "string" },
      stream: { type: "string" },
      change: { type: "string" },
      note: { type: "string" },
      "write-file": { type: "string" },
    },
    [0, 1],
  ),
  S(
    "breaker",
    "pucs breaker status|reset|record-failure [--stream S] [--reason TEXT] [--agent A --error TEXT]",
    "Stream circuit breakers (seed §3.3): show their state, reset one, or record a failure",
    { stream: { type: "string" }, reason: { type: "string" }, agent: { type: "string" }, error: { type: "string" }, change: { type: "string" } },
    [0, 1],
  ),
  S("rollback", "pucs rollback <commit>", "Prepare the revert of a commit (a merge: git revert -m 1) in a new worktree, naming the PR and stream PUCS tracked for it (seed §8.1 ROLLBACK)", {}, 1),
  S("config", "pucs config [--json] [--schema]", "Validate the stream config and print its streams and merge phases (--schema: print its JSON Schema)", { schema: { type: "boolean" } }),
];

function helpText(): string {
  const width = Math.max(...SPECS.map((s) => s.name.length));
  return [
    `pucs ${VERSION} — Parallel Upgrade Coordination System`,
    "",
    "Usage: pucs <command> [options]",
    "",
    "Commands:",
    ...SPECS.map((s) => `  ${s.name.padEnd(width)}  ${s.summary}`),
    "",
    "Options for every command: --json (machine-readable output), --config PATH, --help,",
    "  --remote NAME (use the ledger of a remote, e.g. the GitHub repository the App writes; or PUCS_REMOTE),",
    "  --local (use this clone's own ledger even though origin has one). By default a repository whose origin",
    "  has refs/pucs/ledger uses that one ledger (remembered in git config pucs.ledger).",
    "Durations: a bare number is minutes (45); also 90s, 45m, 2h, 1h30m.",
    "Agent: --agent, or the PUCS_AGENT environment variable.",
    "Exit codes: 0 ok, 1 conflict or refusal, 2 usage, config or ledger error.",
    "",
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------
// Shared plumbing
// ---------------------------------------------------------------------------------------------

interface Repo {
  root: string;
  store: LedgerStore;
  /** Which ledger and why (absent when a test injects the store). */
  choice?: LedgerChoice;
}

async function openRepo(ctx: CliContext, p: Parsed, opts: { recheck?: boolean; write?: boolean } = {}): Promise<Repo> {
  let root: string;
  try {
    root = await git.repoRoot(ctx.cwd);
  } catch (err) {
    throw new CliFailure(`${(err as Error).message}\nRun pucs inside a git repository (or one of its worktrees).`, EXIT.USAGE);
  }
  if (ctx.store) return { root, store: ctx.store(root) };
  let choice: LedgerChoice;
  try {
    choice = await chooseLedger(root, { remote: str(p, "remote") ?? ctx.env.PUCS_REMOTE, local: flag(p, "local"), recheck: opts.recheck === true, write: opts.write === true, now: ctx.now() });
  } catch (err) {
    if (err instanceof LedgerChoiceError) throw new CliFailure(err.message, EXIT.USAGE);
    throw err;
  }
  return { root, store: choice.kind === "remote" ? new RemoteRefStore({ cwd: root, remote: choice.remote }) : new GitRefStore({ cwd: root }), choice };
}

/** The repository's root only (no ledger choice: `pucs hook` never asks a remote). */
async function openRepoRoot(ctx: CliContext): Promise<string> {
  try {
    return await git.repoRoot(ctx.cwd);
  } catch (err) {
    throw new CliFailure(`${(err as Error).message}\nRun pucs inside a git repository (or one of its worktrees).`, EXIT.USAGE);
  }
}

async function loadConfig(ctx: CliContext, repo: Repo, p: Parsed): Promise<Config> {
  const r = await loadConfigFile(repo.root, configArg(ctx, p));
  if (!r.ok) throw new CliFailure(r.issues.map(formatIssue).join("\n"), EXIT.USAGE, { issues: r.issues });
  for (const w of r.warnings) ctx.err(formatIssue(w) + "\n");
  return r.config;
}

/** --config, relative to the directory pucs runs in. */
function configArg(ctx: CliContext, p: Parsed): string | undefined {
  const v = str(p, "config");
  return v === undefined ? undefined : resolve(ctx.cwd, v);
}

function streamOf(config: Config, id: string, spec: CommandSpec): string {
  const exact = config.streams.find((s) => s.id === id) ?? config.streams.find((s) => s.id.toLowerCase() === id.toLowerCase());
  if (!exact) {
    throw new UsageError(`pucs ${spec.name}: unknown stream ${JSON.stringify(id)}; configured streams: ${config.streams.map((s) => s.id).join(", ")}`, spec.usage);
  }
  return exact.id;
}

function durationMinutes(p: Parsed, spec: CommandSpec, fallbackMinutes: number): number {
  const raw = str(p, "duration");
  if (raw === undefined) return fallbackMinutes;
  const d = parseDuration(raw);
  if (!d.ok) throw new UsageError(`pucs ${spec.name}: --duration: ${d.message}`, spec.usage);
  return d.ms / 60_000;
}

/** --session: a session id (seed §9.1), or "new" for the next free one of the day; undefined when not given. */
function sessionArg(p: Parsed, spec: CommandSpec): string | undefined {
  const v = str(p, "session");
  if (v === undefined || v === "new") return v;
  const problem = sessionIdProblem(v);
  if (problem) throw new UsageError(`pucs ${spec.name}: --session ${JSON.stringify(v)} is not a session id: ${problem}; or pass --session new for the next free id of today`, spec.usage);
  return v;
}

/** The ledger refused a duration past `locks.max_ttl`: its reason (the rule and the words live in the transition). */
function tooLong(spec: CommandSpec, reason: string): never {
  throw new UsageError(`pucs ${spec.name}: ${reason}`, spec.usage);
}

/** A path or glob given on the command line, made relative to the repository root, validated. */
function repoPath(ctx: CliContext, repo: Repo, input: string, spec: CommandSpec): string {
  let p = input.trim().replace(/\\/g, "/");
  if (p === "") throw new UsageError(`pucs ${spec.name}: empty path`, spec.usage);
  if (!isGlob(p)) {
    const abs = isAbsolute(p) ? p : resolve(ctx.cwd, p);
    const rel = relative(repo.root, abs);
    if (rel.startsWith("..") || isAbsolute(rel)) throw new UsageError(`pucs ${spec.name}: ${input} is outside the repository ${repo.root}`, spec.usage);
    p = rel.split(sep).join("/");
    if (p === "") throw new UsageError(`pucs ${spec.name}: ${input} is the repository root; name files or a glob such as 'src/**'`, spec.usage);
    // A directory means everything under it.
    if (existsSync(abs) && statSync(abs).isDirectory()) p = `${p}/**`;
  } else {
    p = p.replace(/^\.\//, "");
  }
  const problem = validateGlob(p);
  if (problem) throw new UsageError(`pucs ${spec.name}: ${JSON.stringify(input)}: ${problem}`, spec.usage);
  return p;
}

function agentOf(ctx: CliContext, p: Parsed, spec: CommandSpec): string {
  return required(p, "agent", spec, ctx.env.PUCS_AGENT);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function emit(ctx: CliContext, p: Parsed, json: Record<string, unknown>, text: string): void {
  if (flag(p, "json")) ctx.out(JSON.stringify(json, null, 2) + "\n");
  else ctx.out(text.endsWith("\n") ? text : text + "\n");
}

/**
 * Lost compare-and-swap races the CLI retries before it gives up with "contention". An attempt with
 * `--remote` is a fetch and a push (a second or so), while an App instance's is a few API calls: with
 * the 10 retries of the default (~5 s of back-off) a CLI agent could lose every race to busy App
 * instances. 30 retries, back-off capped at 2 s: up to about a minute of trying.
 */
export const CLI_CAS_RETRIES = 30;

async function commit<T>(repo: Repo, fn: Parameters<typeof transact<T>>[1]) {
  return transact<T>(repo.store, fn, { retries: CLI_CAS_RETRIES });
}

// ---------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------

type Handler = (ctx: CliContext, p: Parsed, spec: CommandSpec) => Promise<number>;

const handlers: Record<string, Handler> = {
  async init(ctx, p, spec) {
    const given = sessionArg(p, spec);
    const repo = await openRepo(ctx, p, { recheck: true });
    const now = ctx.now();
    // No --session (or "new"): a new session, the next free PUCS-<today>-NNN, chosen inside the compare-and-swap.
    const r = await commit(repo, (l) => (given === undefined || given === "new" ? startNewSession(l, now) : startSession(l, { id: given }, now)));
    const session = r.outcome.session;
    const notes: string[] = [];
    let configPath: string | null = null;
    const found = await loadConfigFile(repo.root, configArg(ctx, p));
    if (found.ok) {
      configPath = found.path;
    } else if (found.path === null) {
      if (flag(p, "write-config")) {
        const files = await git.listFiles(repo.root);
        const target = join(repo.root, "config", "pucs_streams.yaml");
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, starterConfig(files), { flag: "wx" });
        configPath = "config/pucs_streams.yaml";
        notes.push(`Wrote a starter config to ${configPath} (one stream per top-level directory): review and commit it.`);
      } else {
        notes.push("No stream config found (config/pucs_streams.yaml or .github/pucs.yml). Run `pucs init --write-config` to write a starter one.");
      }
    } else {
      notes.push(`The stream config has problems:\n${found.issues.map(formatIssue).join("\n")}`);
    }
    emit(
      ctx,
      p,
      { ok: true, command: "init", session, resumed: r.outcome.kind === "existing", config: configPath, notes },
      [
        r.outcome.kind === "existing" ? `PUCS session ${session.id} resumed (started ${session.startedAt})` : `PUCS session initialized: ${session.id} (started ${session.startedAt})`,
        repo.choice?.kind === "remote"
          ? `Ledger: ${repo.choice.remote}'s refs/pucs/ledger, shared with the GitHub App and every clone (${repo.choice.why})`
          : `Ledger: refs/pucs/ledger in this clone, shared by every worktree (${repo.choice?.why ?? "local"})`,
        ...notes,
      ].join("\n"),
    );
    return EXIT.OK;
  },

  async register(ctx, p, spec) {
    const session = sessionArg(p, spec);
    const repo = await openRepo(ctx, p, { write: true });
    const config = await loadConfig(ctx, repo, p);
    const agent = agentOf(ctx, p, spec);
    const stream = streamOf(config, required(p, "stream", spec), spec);
    const now = ctx.now();
    const r = await commit(repo, (l) => registerAgent(l, { agent, stream, worktree: repo.root, ...(session !== undefined ? { session } : {}) }, now));
    const o = r.outcome;
    const a = o.agent;
    emit(
      ctx,
      p,
      { ok: true, command: "register", result: o.kind, agent: a, newSession: o.newSession },
      [
        `${o.kind === "registered" ? "Registered" : "Registered again"}: ${a.agent} in ${a.stream ?? "no stream"}, session ${a.session}${o.newSession ? " (new)" : ""}`,
        `  Worktree: ${a.worktree ?? "unknown"}`,
        `  First seen: ${a.firstSeen}  Last seen: ${a.lastSeen} (its locks, intents and extensions keep it current)`,
      ].join("\n"),
    );
    return EXIT.OK;
  },

  async handoff(ctx, p, spec) {
    return runHandoff(p, spec, await lifecycleIo(ctx, p, spec));
  },

  async breaker(ctx, p, spec) {
    return runBreaker(p, spec, await lifecycleIo(ctx, p, spec));
  },

  async rollback(ctx, p) {
    const root = await openRepoRoot(ctx);
    return runRollback(p.positionals[0]!, {
      root,
      // The ledger only names the PR and stream: one that cannot be read does not stop the revert.
      ledger: async () => {
        try {
          return (await (await openRepo(ctx, p)).store.read()).ledger;
        } catch (err) {
          if (err instanceof CliFailure || err instanceof LedgerError || err instanceof git.GitError) return null;
          throw err;
        }
      },
      emit: (json, text) => emit(ctx, p, json, text),
      refuse: (message, data) => {
        throw new CliFailure(message, EXIT.CONFLICT, data);
      },
    });
  },

  async status(ctx, p, spec) {
    const repo = await openRepo(ctx, p);
    const now = ctx.now();
    const { ledger } = await repo.store.read();
    // One status document (pucs.status/v1) for --json, the dashboard body and the App.
    const format = str(p, "format") ?? "text";
    if (format !== "text" && format !== "markdown") throw new UsageError(`pucs status: --format must be text or markdown, not ${JSON.stringify(format)}`, spec.usage);
    const config = format === "markdown" ? await loadConfig(ctx, repo, p) : await optionalConfig(repo.root, configArg(ctx, p));
    // --stream S / --agent A: that stream's or agent's part (seed §4.1 get_stream_locks).
    const wantStream = str(p, "stream");
    const wantAgent = str(p, "agent");
    if (wantAgent !== undefined && wantAgent.trim() === "") throw new UsageError("pucs status: --agent needs an agent name", spec.usage);
    const filter = {
      ...(wantStream !== undefined ? { stream: config ? streamOf(config, wantStream, spec) : wantStream } : {}),
      ...(wantAgent !== undefined ? { agent: wantAgent } : {}),
    };
    if (format === "markdown" && (filter.stream !== undefined || filter.agent !== undefined)) throw new UsageError("pucs status: --format markdown is the whole dashboard; --stream and --agent filter the text and --json views", spec.usage);
    const doc = filterStatus(await statusOf(repo.root, repo.store, ledger, config, now), filter);
    if (format === "markdown" && !flag(p, "json")) {
      ctx.out(renderDashboardDoc(doc, config!));
      return EXIT.OK;
    }
    const json = { ok: true, command: "status", ...doc };
    const lines: string[] = ["=".repeat(60), "PUCS STATUS", "=".repeat(60), ""];
    lines.push(ledger.session ? `Session: ${ledger.session.id}\nStarted: ${ledger.session.startedAt}` : "No active session. Run 'pucs init' to start.");
    if (doc.filter) lines.push(`Showing: ${[doc.filter.stream !== undefined ? `stream ${doc.filter.stream}` : null, doc.filter.agent !== undefined ? `agent ${doc.filter.agent}` : null].filter((x) => x !== null).join(", ")} only`);
    if (doc.agents.length > 0 || doc.filter) {
      lines.push("", "--- Agents ---");
      if (doc.agents.length === 0) lines.push("  (none registered)");
      for (const a of doc.agents) {
        lines.push(`  ${a.agent} (${a.stream ?? "no stream"})  Session: ${a.session ?? "none"}`, `    Worktree: ${a.worktree ?? "unknown"}`, `    First seen: ${a.firstSeen}  Last seen: ${a.lastSeen} (${formatDuration(Math.max(0, now - Date.parse(a.lastSeen)))} ago)`);
      }
    }
    lines.push("", "--- Active Locks ---");
    if (doc.locks.length === 0) lines.push("  (none)");
    for (const l of doc.locks) {
      lines.push(`  ${l.path}`, `    Agent: ${l.agent} (${l.stream ?? "no stream"})${l.change ? `  Change: ${l.change}` : ""}${l.session ? `  Session: ${l.session}` : ""}`, `    Task: ${l.task}`, `    Expires: ${l.expiresAt} (in ${formatDuration(Math.max(0, Date.parse(l.expiresAt) - now))})`);
    }
    if (doc.expiredLocks > 0) lines.push(`  (${doc.expiredLocks} expired lock(s): run 'pucs cleanup')`);
    lines.push("", "--- Active Intents ---");
    if (doc.intents.length === 0) lines.push("  (none)");
    for (const i of doc.intents) {
      const shown = i.files.slice(0, 3).join(", ") + (i.files.length > 3 ? `, … (${i.files.length} files)` : "");
      lines.push(`  ${i.agent} (${i.stream ?? "no stream"})`, `    Files: ${shown}`, `    Task: ${i.description}`, `    Until: ${i.expiresAt}`);
    }
    lines.push("", "--- Queues ---");
    if (doc.queues.length === 0) lines.push("  (none)");
    for (const q of doc.queues) lines.push(`  ${q.path}: ${q.waiters.map((w) => `${w.position}. ${w.agent}${w.change ? ` (${w.change})` : ""}`).join("  ")}`);
    lines.push("", "--- Open Changes ---");
    if (doc.changes.length === 0) lines.push("  (none)");
    for (const f of doc.changes) lines.push(`  ${f.change} by ${f.agent} (${f.stream ?? "no stream"}): ${f.files} file(s)${f.draft ? " [draft]" : ""}`);
    // Pending handoffs to the agent asked about (--agent), else to the current one (PUCS_AGENT).
    const me = wantAgent ?? ctx.env.PUCS_AGENT;
    lines.push(...breakerLines(filter.stream === undefined ? ledger : { ...ledger, breakers: (ledger.breakers ?? []).filter((b) => b.stream === filter.stream) }, now), ...pendingHandoffLines(ledger, me));
    emit(ctx, p, { ...json, ...(me ? { pendingHandoffs: pendingHandoffs(ledger, me) } : {}) }, lines.join("\n"));
    return EXIT.OK;
  },

  async lock(ctx, p, spec) {
    const repo = await openRepo(ctx, p, { write: true });
    const config = await loadConfig(ctx, repo, p);
    const agent = agentOf(ctx, p, spec);
    const stream = streamOf(config, required(p, "stream", spec), spec);
    const task = required(p, "task", spec);
    const path = repoPath(ctx, repo, p.positionals[0]!, spec);
    const ttlMinutes = durationMinutes(p, spec, config.locks.defaultTtlMinutes);
    const change = str(p, "change");
    const lease = ctx.newId();
    const now = ctx.now();
    const r = await commit(repo, (l) =>
      acquireLock(l, { path, agent, stream, task, ttlMinutes, lease, maxTtlMinutes: config.locks.maxTtlMinutes, queueGraceMinutes: config.locks.queueGraceMinutes, ...(change ? { change } : {}) }, now),
    );
    const o = r.outcome;
    if (o.kind === "too-long") tooLong(spec, o.reason);
    if (o.kind === "held") {
      const h = o.lock;
      throw new CliFailure(
        [
          `ERROR: ${path} is already locked by ${h.agent}${h.change ? ` (${h.change})` : ""}${h.path !== path ? ` through its lock on ${h.path}` : ""}`,
          `  Stream: ${h.stream ?? "none"}`,
          `  Task: ${h.task}`,
          `  Expires: ${h.expiresAt} (in ${formatDuration(Math.max(0, Date.parse(h.expiresAt) - now))})`,
          `Suggestion (QUEUE): wait for ${h.agent} to release it or for the lock to expire; \`pucs queue ${path} --agent ${agent}\` puts you next in line.`,
        ].join("\n"),
        EXIT.CONFLICT,
        { holder: h, strategy: "QUEUE" },
      );
    }
    if (o.kind === "queued") {
      const head = o.head;
      throw new CliFailure(
        [
          `ERROR: ${path} is free, but ${head.agent}${head.change ? ` (${head.change})` : ""} is first in line for ${o.path} (queued ${head.enqueuedAt}).`,
          `You are number ${o.position} in line${o.already ? "" : " now"}; the first in line has ${formatDuration(config.locks.queueGraceMinutes * 60_000)} after being told to take it, then loses its place.`,
          ...o.skipped.map((x) => `Skipped ${x.entry.agent}${x.entry.change ? ` (${x.entry.change})` : ""} in the queue for ${x.path}: silent past the grace.`),
          `Suggestion (QUEUE): run this again when told, or \`pucs status\` to see the queue.`,
        ].join("\n"),
        EXIT.CONFLICT,
        { result: "queued", path: o.path, position: o.position, head, strategy: "QUEUE" },
      );
    }
    if (o.kind === "breaker-open") breakerRefusal(o);
    if (o.kind === "covered") {
      emit(ctx, p, { ok: true, command: "lock", result: "covered", lock: o.lock }, `Already yours: ${path} is covered by your lock on ${o.lock.path} until ${o.lock.expiresAt}`);
      return EXIT.OK;
    }
    const skipped = o.skipped.map((x) => `\nSkipped ${x.entry.agent}${x.entry.change ? ` (${x.entry.change})` : ""} in the queue for ${x.path}: silent past the grace after being told.`).join("");
    emit(
      ctx,
      p,
      { ok: true, command: "lock", result: o.kind, lock: o.lock, skipped: o.skipped },
      `${o.kind === "renewed" ? "Lock renewed" : "Lock acquired"}: ${path} by ${agent} (${stream}) until ${o.lock.expiresAt}${skipped}`,
    );
    return EXIT.OK;
  },

  async unlock(ctx, p, spec) {
    const repo = await openRepo(ctx, p, { write: true });
    const agent = agentOf(ctx, p, spec);
    const path = repoPath(ctx, repo, p.positionals[0]!, spec);
    const now = ctx.now();
    const r = await commit(repo, (l) => releaseLock(l, { path, agent, force: flag(p, "force") }, now));
    const o = r.outcome;
    if (o.kind === "not-locked") throw new CliFailure(`Failed to release lock: ${path} is not locked.`, EXIT.CONFLICT, { result: "not-locked" });
    if (o.kind === "not-holder") {
      throw new CliFailure(
        `Failed to release lock: ${path} is held by ${o.lock.agent}${o.lock.change ? ` (${o.lock.change})` : ""}, not ${agent}. A maintainer can force it: pucs unlock ${path} --agent ${agent} --force`,
        EXIT.CONFLICT,
        { result: "not-holder", holder: o.lock },
      );
    }
    const next = o.next ? `\nNext in line for ${path}: ${o.next.agent}${o.next.change ? ` (${o.next.change})` : ""}` : "";
    emit(ctx, p, { ok: true, command: "unlock", result: "released", lock: o.lock, next: o.next ?? null }, `Lock released: ${path}${next}`);
    return EXIT.OK;
  },

  async intent(ctx, p, spec) {
    const repo = await openRepo(ctx, p, { write: true });
    const config = await loadConfig(ctx, repo, p);
    const agent = agentOf(ctx, p, spec);
    const stream = streamOf(config, required(p, "stream", spec), spec);
    const description = required(p, "description", spec);
    const raw = splitList(required(p, "files", spec));
    if (raw.length === 0) throw new UsageError("pucs intent: --files names no file", spec.usage);
    const files = [...new Set(raw.map((f) => repoPath(ctx, repo, f, spec)))];
    const durationMinutes_ = durationMinutes(p, spec, config.locks.defaultTtlMinutes);
    const change = str(p, "change");
    const force = flag(p, "force");
    const id = ctx.newId();
    const now = ctx.now();
    // The check and the record are one ledger transition, inside the compare-and-swap.
    const r = await commit(repo, (l) =>
      declareIntent(l, { id, agent, stream, files, description, durationMinutes: durationMinutes_, force, config, ...(change ? { change } : {}) }, now),
    );
    const o = r.outcome;
    if (o.kind === "too-long") tooLong(spec, o.reason);
    if (o.kind === "breaker-open") breakerRefusal(o);
    const json = { ok: o.kind === "recorded", command: "intent", recorded: o.kind === "recorded", conflicts: o.conflicts, notes: o.notes, suggestions: o.suggestions };
    if (o.kind === "refused") {
      if (flag(p, "json")) ctx.out(JSON.stringify(json, null, 2) + "\n");
      else ctx.out(conflictText(o.conflicts, o.suggestions, o.notes) + "Nothing was recorded: resolve the conflicts, or record it anyway with --force.\n");
      return EXIT.CONFLICT;
    }
    const lines = [`Intent signaled successfully for ${files.length} file(s) (${stream}, until ${o.intent.expiresAt})`];
    if (o.conflicts.length > 0) lines.push(`Recorded despite ${o.conflicts.length} conflict(s) (--force):`, conflictText(o.conflicts, [], []).trimEnd());
    for (const n of o.notes) lines.push(`Note: ${n.type} ${n.file}: ${n.details} ${n.nextStep}`);
    emit(ctx, p, json, lines.join("\n"));
    return EXIT.OK;
  },

  async queue(ctx, p, spec) {
    const repo = await openRepo(ctx, p, { write: true });
    const agent = agentOf(ctx, p, spec);
    const path = repoPath(ctx, repo, p.positionals[0]!, spec);
    const change = str(p, "change");
    const now = ctx.now();
    const r = await commit(repo, (l) => enqueue(l, { path, agent, ...(change ? { change } : {}) }, now));
    emit(ctx, p, { ok: true, command: "queue", path, position: r.outcome.position }, `Queued for ${path}: position ${r.outcome.position}`);
    return EXIT.OK;
  },

  async release(ctx, p, spec) {
    const repo = await openRepo(ctx, p, { write: true });
    const change = str(p, "change");
    const close = flag(p, "close");
    if (close && !change) throw new UsageError("pucs release: --close needs --change (it drops a change's footprint and gate override)", spec.usage);
    const agent = change ? (str(p, "agent") ?? ctx.env.PUCS_AGENT ?? "-") : agentOf(ctx, p, spec);
    const now = ctx.now();
    // The same transition as /pucs release (scope "claims") and a closed PR (scope "all").
    const r = await commit(repo, (l) => release(l, { agent, ...(change ? { change } : {}), scope: close ? "all" : "claims" }, now));
    const o = r.outcome;
    const released = { locks: o.locks.length, intents: o.intents.length, queues: o.queueEntries.length, footprint: o.footprint !== null, override: o.override !== null };
    const next = o.notify.map((n) => `\nNext in line for ${n.path}: ${n.next.agent}${n.next.change ? ` (${n.next.change})` : ""}`).join("");
    emit(
      ctx,
      p,
      { ok: true, command: "release", released, next: o.notify },
      `Released ${change ?? agent}: ${released.locks} lock(s), ${released.intents} intent(s), ${released.queues} queue place(s)${released.footprint ? ", its footprint" : ""}${released.override ? ", its gate override" : ""}${next}`,
    );
    return EXIT.OK;
  },

  async cleanup(ctx, p) {
    const repo = await openRepo(ctx, p, { write: true });
    const now = ctx.now();
    const r = await commit(repo, (l) => expire(l, now));
    const { locks, intents } = r.outcome;
    emit(
      ctx,
      p,
      { ok: true, command: "cleanup", removedLocks: locks, removedIntents: intents },
      `Cleaned up ${locks.length} expired lock(s)${intents.length ? ` and ${intents.length} expired intent(s)` : ""}`,
    );
    return EXIT.OK;
  },

  async check(ctx, p, spec) {
    const repo = await openRepo(ctx, p, { write: flag(p, "record") });
    const config = await loadConfig(ctx, repo, p);
    const format = str(p, "format") ?? "text";
    if (!["text", "markdown"].includes(format)) throw new UsageError(`pucs check: --format must be text or markdown, not ${JSON.stringify(format)}`, spec.usage);
    const base = str(p, "base") ?? (await git.defaultBaseRef(repo.root));
    if (!base) throw new CliFailure("pucs check: no base branch found (tried origin/HEAD, origin/main, main, master); pass --base REF", EXIT.USAGE);
    const mergeBase = await git.mergeBase(repo.root, base, "HEAD").catch((err: Error) => {
      throw new CliFailure(`pucs check: cannot find the merge base of ${base} and HEAD: ${err.message}`, EXIT.USAGE);
    });
    if (mergeBase === null) throw new CliFailure(`pucs check: ${base} and HEAD share no history; pass --base with a branch this one started from`, EXIT.USAGE);
    const diff = await git.diffAgainst(repo.root, mergeBase);
    // The working tree counts, new files included: an agent checks before it runs `git add`.
    const untracked = await git.untrackedDiff(repo.root);
    // (src/cli/check.ts: shared with the fast path of a plain local check, check-fast.ts.)
    const branch = await git.currentBranch(repo.root);
    const agent = str(p, "agent") ?? ctx.env.PUCS_AGENT ?? "local";
    const commitMessages = await git.commitMessages(repo.root, `${mergeBase}..HEAD`);
    const change: Change = checkChange({ base, mergeBase, headSha: null, branch, diff, untracked, commitMessages }, agent, ctx.err);
    const declared = str(p, "stream");
    const stream = declared ? streamOf(config, declared, spec) : undefined;
    const now = ctx.now();
    let ledger: Ledger;
    const headSha = await git.revParse(repo.root, "HEAD");
    const read = await repo.store.read();
    const pr = judgeAsOpenPr(change, read.ledger, headSha, str(p, "agent") !== undefined || ctx.env.PUCS_AGENT !== undefined);
    if (flag(p, "record") && pr) {
      ctx.err(`note: HEAD is ${pr.change}'s head: its files are recorded by the GitHub App, --record wrote nothing\n`);
      ledger = read.ledger;
    } else if (flag(p, "record")) {
      const head = headSha ?? mergeBase;
      const r = await commit<Ledger>(repo, (l) => {
        const ev = evaluate(change, l, config, now, stream ? { stream } : {});
        const t = recordFootprint(l, {
          change: change.id,
          agent,
          stream: ev.stream,
          streams: gateStreamsOf(change, config),
          headSha: head,
          draft: false,
          ...(branch ? { title: branch } : {}),
          files: change.files.map(footprintFile),
          recordedAt: iso(now),
        });
        return { ledger: t.ledger, outcome: l, message: t.message };
      });
      ledger = r.outcome;
    } else {
      ledger = read.ledger;
    }
    return printCheck({ json: flag(p, "json"), format: format as "text" | "markdown", out: ctx.out }, repo.root, change, ledger, config, now, stream, { base, mergeBase });
  },

  async log(ctx, p, spec) {
    const repo = await openRepo(ctx, p);
    const raw = str(p, "n") ?? "50";
    const n = Number(raw);
    if (!Number.isInteger(n) || n <= 0) throw new UsageError(`pucs log: -n must be a positive integer, not ${JSON.stringify(raw)}`, spec.usage);
    let ref = "refs/pucs/ledger";
    if (repo.store instanceof RemoteRefStore) {
      await repo.store.read(); // fetch the remote's ledger into its mirror
      ref = repo.store.trackingRef;
    }
    const entries = await git.ledgerLog(repo.root, ref, n);
    emit(
      ctx,
      p,
      { ok: true, command: "log", entries },
      entries.length === 0 ? "The ledger has no history yet (refs/pucs/ledger does not exist)." : entries.map((e) => `${e.sha.slice(0, 10)} ${e.date}  ${e.message}`).join("\n"),
    );
    return EXIT.OK;
  },

  async worktree(ctx, p, spec) {
    if (p.positionals[0] !== "add") throw new UsageError(`pucs worktree: unknown subcommand ${JSON.stringify(p.positionals[0])}`, spec.usage);
    const repo = await openRepo(ctx, p);
    const config = await loadConfig(ctx, repo, p);
    const stream = streamOf(config, p.positionals[1]!, spec);
    const main = await git.mainWorktreeRoot(repo.root);
    const path = join(dirname(main), `${basename(main)}-stream-${stream.toLowerCase()}`);
    const branch = `feature/stream-${stream}`;
    if (existsSync(path)) throw new CliFailure(`pucs worktree: ${path} already exists; remove it (git worktree remove) or use it`, EXIT.CONFLICT);
    await git.worktreeAdd(repo.root, path, branch, str(p, "base") ?? "HEAD");
    emit(ctx, p, { ok: true, command: "worktree", stream, path, branch }, `Worktree for ${stream}: ${path} on ${branch}\nCommit with the prefix [PUCS-${stream}] <type>: <description>`);
    return EXIT.OK;
  },

  async board(ctx, p) {
    const repo = await openRepo(ctx, p);
    const remote = repo.store instanceof RemoteRefStore;
    const load = async () => {
      const snap = await repo.store.read();
      const config = await optionalConfig(repo.root, configArg(ctx, p));
      return { doc: await statusOf(repo.root, repo.store, snap.ledger, config, ctx.now()), version: snap.version };
    };
    return runBoard({
      load,
      now: () => ctx.now(),
      commonDir: remote ? null : await git.commonDir(repo.root),
      source: remote ? `remote ${str(p, "remote") ?? ctx.env.PUCS_REMOTE}` : repo.root,
      io: ctx.tty ?? { write: (t) => ctx.out(t), isTTY: false, columns: 80, rows: 24, keys: null },
    });
  },

  async hook(ctx, p, spec) {
    const sub = p.positionals[0];
    if (sub !== "install" && sub !== "uninstall") throw new UsageError(`pucs hook: unknown subcommand ${JSON.stringify(sub)} (install or uninstall)`, spec.usage);
    const root = await openRepoRoot(ctx);
    try {
      if (sub === "install") {
        // PUCS_HOOK_BUNDLE: a test aid (the bundle the hook runs); by default this package's dist/hook.js.
        const r = await installHook(root, { bundle: ctx.env.PUCS_HOOK_BUNDLE ?? defaultHookBundle(), node: process.execPath });
        const lines = [`${r.updated ? "Commit guard updated" : "Commit guard installed"}: ${r.hook} (every worktree of this repository)`];
        if (r.chained) lines.push(`The pre-commit hook that was there is kept as ${r.chained} and runs first.`);
        lines.push("Commits touching files under another agent's live lock are refused; git commit --no-verify skips the check.");
        emit(ctx, p, { ok: true, command: "hook", action: "install", hook: r.hook, chained: r.chained, updated: r.updated }, lines.join("\n"));
      } else {
        const r = await uninstallHook(root);
        const text = !r.removed ? `No PUCS commit guard in ${r.hook}: nothing removed.` : r.restored ? `Commit guard removed; the hook it chained is back at ${r.restored}.` : `Commit guard removed: ${r.hook}`;
        emit(ctx, p, { ok: true, command: "hook", action: "uninstall", hook: r.hook, removed: r.removed, restored: r.restored }, text);
      }
    } catch (err) {
      if (err instanceof HookError) throw new CliFailure(err.message, EXIT.CONFLICT);
      throw err;
    }
    return EXIT.OK;
  },

  async config(ctx, p) {
    if (flag(p, "schema")) return printConfigSchema(ctx);
    const repo = await openRepo(ctx, p);
    const r = await loadConfigFile(repo.root, configArg(ctx, p));
    if (!r.ok) throw new CliFailure(r.issues.map(formatIssue).join("\n"), EXIT.USAGE, { issues: r.issues });
    const layers = phases(r.config);
    const lines = [`${r.path}: ${r.config.streams.length} stream(s), ${r.warnings.length} warning(s)`];
    for (const w of r.warnings) lines.push(formatIssue(w));
    for (const s of r.config.streams) lines.push(`  ${s.id.padEnd(8)} ${s.name} — ${s.patterns.join(", ")} (max ${s.maxAgents})`);
    lines.push("Merge phases:", ...layers.map((l, i) => `  Phase ${i + 1}: ${l.join(", ")}`));
    emit(ctx, p, { ok: true, command: "config", path: r.path, warnings: r.warnings, streams: r.config.streams, phases: layers }, lines.join("\n"));
    return EXIT.OK;
  },
};

/** Splits a comma-separated list, keeping commas inside glob braces (`src/{a,b}.ts`) in their item. */
export function splitList(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of text) {
    if (ch === "{") depth++;
    else if (ch === "}" && depth > 0) depth--;
    if (ch === "," && depth === 0) {
      items.push(cur);
      cur = "";
    } else cur += ch;
  }
  items.push(cur);
  return items.map((f) => f.trim()).filter((f) => f !== "");
}

function conflictText(conflicts: readonly Conflict[], suggestions: readonly string[], notes: readonly Conflict[]): string {
  const out = ["CONFLICTS DETECTED:"];
  for (const c of conflicts) {
    out.push(`  - ${c.type}: ${c.file || "(stream)"}`, `    Holder: ${c.holderChange ? `${c.holderChange} ${c.holder}` : c.holder} (${c.holderStream ?? "no stream"})`, `    Details: ${c.details}`);
  }
  if (suggestions.length) out.push("", "Suggestions:", ...suggestions.map((s) => `  - ${s}`));
  for (const n of notes) out.push(`Note: ${n.type} ${n.file}: ${n.details}`);
  return out.join("\n") + "\n";
}

/** A command's span fields (src/tracing.ts) from its options: agent, stream, task, change, files. */
function cliFields(ctx: CliContext, name: string, p: Parsed): PucsFields {
  const files = str(p, "files");
  return {
    agent: str(p, "agent") ?? ctx.env.PUCS_AGENT,
    stream: str(p, "stream"),
    task: str(p, "task") ?? str(p, "description"),
    change: str(p, "change"),
    files: files !== undefined ? splitList(files).length : ["lock", "unlock", "queue"].includes(name) ? 1 : undefined,
  };
}

// ---------------------------------------------------------------------------------------------

export async function runCli(argv: string[], ctx: CliContext): Promise<number> {
  const [name, ...rest] = argv;
  const wantsJson = rest.includes("--json");
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    ctx.out(helpText());
    return name === undefined ? EXIT.USAGE : EXIT.OK;
  }
  if (name === "--version" || name === "version") {
    ctx.out(`${VERSION}\n`);
    return EXIT.OK;
  }
  const spec = SPECS.find((s) => s.name === name);
  const fail = (code: number, message: string, data: Record<string, unknown> = {}) => {
    if (wantsJson) ctx.out(JSON.stringify({ ok: false, command: name, exitCode: code, error: message, ...data }, null, 2) + "\n");
    ctx.err(message.endsWith("\n") ? message : message + "\n");
    return code;
  };
  if (!spec) {
    const near = SPECS.map((s) => s.name).find((n) => n.startsWith(name.slice(0, 2)));
    return fail(EXIT.USAGE, `pucs: unknown command ${JSON.stringify(name)}${near ? ` (did you mean ${near}?)` : ""}. Run 'pucs help' for the list.`);
  }
  try {
    const parsed = parseCommand(spec, rest);
    if (flag(parsed, "help")) {
      ctx.out(`${spec.usage}\n\n${spec.summary}\n`);
      return EXIT.OK;
    }
    return await withSpan(`pucs.cli ${spec.name}`, cliFields(ctx, spec.name, parsed), async (span) => {
      const code = await handlers[spec.name]!(ctx, parsed, spec);
      span.setAttribute("pucs.exit_code", code);
      return code;
    });
  } catch (err) {
    if (err instanceof UsageError) return fail(EXIT.USAGE, `${err.message}${err.usage ? `\nusage: ${err.usage}` : ""}`);
    if (err instanceof CliFailure) return fail(err.code, err.message, err.data);
    if (err instanceof LedgerError) return fail(EXIT.USAGE, `ledger error (${err.code}): ${err.message}`);
    if (err instanceof git.GitError) return fail(EXIT.USAGE, `git error: ${err.message}`);
    return fail(EXIT.USAGE, `pucs ${name}: unexpected error: ${(err as Error).message ?? String(err)}. This is a bug: please report it with the command you ran.`);
  }
}

export { SPECS as COMMAND_SPECS, COMMON as COMMON_OPTIONS };
