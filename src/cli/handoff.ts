/**
 * `pucs handoff` and `pucs breaker`: the lifecycle commands of seed §3.2 and §3.3. The rules are
 * ledger transitions (src/ledger/transitions.ts); this module reads arguments, runs them through the
 * compare-and-swap the CLI gives it (`LifecycleIo`), and prints.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { breakerConfigFor, breakerState, describeBreaker } from "../engine/breaker.js";
import type { Config, Handoff, Ledger } from "../engine/types.js";
import type { TransactFn } from "../ledger/transact.js";
import { ackHandoffs, handoff, pendingHandoffs, recordFailure, resetBreaker } from "../ledger/transitions.js";
import { flag, required, str, UsageError, type CommandSpec, type Parsed } from "./args.js";

export interface LifecycleIo {
  cwd: string;
  now: number;
  newId(): string;
  /** --agent, or PUCS_AGENT; throws a usage error when neither. */
  agent(): string;
  /** --agent or PUCS_AGENT when given. */
  agentIfAny(): string | undefined;
  read(): Promise<Ledger>;
  commit<T>(fn: TransactFn<T>): Promise<{ outcome: T; wrote: boolean }>;
  config(): Promise<Config>;
  /** The checked-out branch, null when detached. */
  branch(): Promise<string | null>;
  emit(json: Record<string, unknown>, text: string): void;
  /** A refusal: message, exit code 1, JSON data. */
  refuse(message: string, data: Record<string, unknown>): never;
}

/** The option's values (repeated and/or comma-separated), trimmed, empty ones dropped. */
export function listOption(p: Parsed, name: string): string[] {
  const v = p.values[name];
  const raw = Array.isArray(v) ? v : typeof v === "string" ? [v] : [];
  return raw.flatMap((x) => x.split(",")).map((x) => x.trim()).filter((x) => x !== "");
}

/** The seed's `.claude/state/handoff.json` document: its fields only, in its order. */
export function seedHandoffDoc(h: Handoff): Record<string, unknown> {
  return {
    from_agent: h.from_agent,
    to_agent: h.to_agent,
    timestamp: h.timestamp,
    session_id: h.session_id,
    context: h.context,
    stream_context: h.stream_context,
    files_to_review: h.files_to_review,
  };
}

function handoffText(h: Handoff): string {
  const lines = [`Handoff ${h.from_agent} → ${h.to_agent} at ${h.timestamp}${h.change ? ` (${h.change})` : ""}${h.session_id ? `, session ${h.session_id}` : ""}`];
  const list = (label: string, xs: string[]) => {
    if (xs.length > 0) lines.push(`  ${label}:`, ...xs.map((x) => `    - ${x}`));
  };
  list("Completed", h.context.completed);
  list("Pending", h.context.pending);
  list("Warnings", h.context.warnings);
  if (h.context.commits.length > 0) lines.push(`  Commits: ${h.context.commits.join(", ")}`);
  if (h.context.branch) lines.push(`  Branch: ${h.context.branch}`);
  lines.push(`  Stream: ${h.stream_context.stream_id ?? "none"}`);
  if (h.stream_context.locked_files.length > 0) lines.push(`  Locks handed over: ${h.stream_context.locked_files.join(", ")}`);
  if (h.stream_context.related_files.length > 0) lines.push(`  Related files: ${h.stream_context.related_files.join(", ")}`);
  if (h.files_to_review.length > 0) lines.push(`  Review: ${h.files_to_review.join(", ")}`);
  if (h.note) lines.push(`  Note: ${h.note}`);
  if (h.acknowledgedAt) lines.push(`  Acknowledged: ${h.acknowledgedAt}`);
  return lines.join("\n");
}

/** Lines for `pucs status`: the handoffs waiting for `agent` (none → no lines). */
export function pendingHandoffLines(l: Ledger, agent: string | undefined): string[] {
  if (!agent) return [];
  const pending = pendingHandoffs(l, agent);
  if (pending.length === 0) return [];
  return [
    "",
    `--- Pending Handoffs to ${agent} ---`,
    ...pending.map((h) => `  from ${h.from_agent} at ${h.timestamp}${h.change ? ` (${h.change})` : ""}: ${h.context.pending.length} pending item(s), ${h.stream_context.locked_files.length} lock(s)`),
    "  (`pucs handoff show` prints them; `pucs handoff ack` marks them read)",
  ];
}

/** Lines for `pucs status`: breakers that are not CLOSED. */
export function breakerLines(l: Ledger, now: number): string[] {
  const open = (l.breakers ?? []).filter((b) => breakerState(b, now) !== "CLOSED");
  if (open.length === 0) return [];
  return ["", "--- Circuit Breakers ---", ...open.map((b) => `  ${describeBreaker(b, now)}`)];
}

export async function runHandoff(p: Parsed, spec: CommandSpec, io: LifecycleIo): Promise<number> {
  const sub = p.positionals[0];
  if (sub === "show") {
    const agent = io.agent();
    const l = await io.read();
    const mine = (l.handoffs ?? []).filter((h) => h.to_agent === agent).reverse();
    const file = str(p, "write-file");
    if (file !== undefined) {
      if (!mine[0]) io.refuse(`No handoff to ${agent} in the ledger: ${file} was not written.`, { handoffs: [] });
      const path = resolve(io.cwd, file);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, `${JSON.stringify(seedHandoffDoc(mine[0]), null, 2)}\n`);
    }
    const text = mine.length === 0 ? `No handoffs to ${agent}.` : mine.map(handoffText).join("\n\n");
    io.emit({ ok: true, command: "handoff", agent, handoffs: mine, pending: mine.filter((h) => !h.acknowledgedAt).length, ...(file ? { wrote: file } : {}) }, text + (file ? `\nWrote the latest to ${file}` : ""));
    return 0;
  }
  if (sub === "ack") {
    const agent = io.agent();
    const r = await io.commit((l) => ackHandoffs(l, { agent }, io.now));
    const n = r.outcome.handoffs.length;
    io.emit({ ok: true, command: "handoff", acknowledged: r.outcome.handoffs.map((h) => h.id) }, n === 0 ? `No pending handoffs to ${agent}.` : `Acknowledged ${n} handoff(s) to ${agent}.`);
    return 0;
  }
  if (sub !== undefined) throw new UsageError(`pucs handoff: unknown subcommand ${JSON.stringify(sub)} (show, ack, or none to hand off)`, spec.usage);
  const to = required(p, "to", spec).replace(/^@/, "");
  const from = io.agent();
  const config = str(p, "stream") !== undefined ? await io.config() : null;
  const streamArg = str(p, "stream");
  let stream: string | undefined;
  if (streamArg !== undefined && config) {
    const s = config.streams.find((x) => x.id.toLowerCase() === streamArg.toLowerCase());
    if (!s) throw new UsageError(`pucs handoff: unknown stream ${JSON.stringify(streamArg)}; configured streams: ${config.streams.map((x) => x.id).join(", ")}`, spec.usage);
    stream = s.id;
  }
  const branch = str(p, "branch") ?? (await io.branch());
  const id = io.newId();
  const r = await io.commit((l) =>
    handoff(
      l,
      {
        id,
        from,
        to,
        completed: listOption(p, "completed"),
        pending: listOption(p, "pending"),
        warnings: listOption(p, "warnings"),
        commits: listOption(p, "commits"),
        branch,
        filesToReview: listOption(p, "review"),
        ...(stream !== undefined ? { stream } : {}),
        ...(str(p, "change") ? { change: str(p, "change")! } : {}),
        ...(str(p, "note") ? { note: str(p, "note")! } : {}),
      },
      io.now,
    ),
  );
  const o = r.outcome;
  if (o.kind === "same-agent") throw new UsageError(`pucs handoff: ${o.reason}`, spec.usage);
  if (o.kind === "receiver-conflict") io.refuse(`ERROR: nothing was handed off: ${o.reason}`, { result: "receiver-conflict", pairs: o.pairs });
  const moved = [`${o.locks.length} lock(s)`, `${o.intents.length} intent(s)`, `${o.queueEntries.length} queue place(s)`].join(", ");
  io.emit(
    { ok: true, command: "handoff", result: "handed-off", handoff: o.handoff, moved: { locks: o.locks, intents: o.intents, queue: o.queueEntries } },
    `Handed off to ${to}: ${moved} moved in one ledger write.\n${handoffText(o.handoff)}`,
  );
  return 0;
}

export async function runBreaker(p: Parsed, spec: CommandSpec, io: LifecycleIo): Promise<number> {
  const sub = p.positionals[0] ?? "status";
  const config = await io.config();
  const streamArg = str(p, "stream");
  const streamId = (v: string): string => {
    const s = config.streams.find((x) => x.id.toLowerCase() === v.toLowerCase());
    if (!s) throw new UsageError(`pucs breaker: unknown stream ${JSON.stringify(v)}; configured streams: ${config.streams.map((x) => x.id).join(", ")}`, spec.usage);
    return s.id;
  };
  if (sub === "status") {
    const l = await io.read();
    const ids = streamArg !== undefined ? [streamId(streamArg)] : config.streams.map((s) => s.id);
    const rows = ids.map((id) => {
      const b = (l.breakers ?? []).find((x) => x.stream === id) ?? null;
      const cfg = breakerConfigFor(config, id);
      return { stream: id, state: breakerState(b, io.now), failures: b?.failures.length ?? 0, threshold: cfg.failureThreshold, breaker: b, details: b ? describeBreaker(b, io.now) : null };
    });
    const text = rows.map((r) => `${r.stream.padEnd(12)} ${r.state.padEnd(9)} ${r.failures}/${r.threshold} failures${r.details && r.state !== "CLOSED" ? `\n  ${r.details}` : ""}`).join("\n");
    io.emit({ ok: true, command: "breaker", breakers: rows }, text);
    return 0;
  }
  if (sub === "reset") {
    const stream = streamId(required(p, "stream", spec));
    const by = io.agentIfAny() ?? "cli";
    const reason = str(p, "reason") ?? "";
    const r = await io.commit((l) => resetBreaker(l, { stream, by, reason }, io.now));
    const o = r.outcome;
    io.emit({ ok: true, command: "breaker", result: o.kind, stream, ...(o.kind === "reset" ? { was: o.state } : {}) }, o.kind === "reset" ? `Breaker ${stream} reset (was ${o.state}): CLOSED.` : `Breaker ${stream} has nothing to reset: it is CLOSED with no failures.`);
    return 0;
  }
  if (sub === "record-failure") {
    const stream = streamId(required(p, "stream", spec));
    const agent = io.agent();
    const error = required(p, "error", spec);
    const change = str(p, "change");
    const r = await io.commit((l) => recordFailure(l, { stream, agent, error, ...(change ? { change } : {}) }, breakerConfigFor(config, stream), io.now));
    const o = r.outcome;
    const text =
      o.kind === "counted"
        ? `Failure ${o.count} of ${o.threshold} recorded for ${stream} (CLOSED).`
        : o.kind === "tripped"
          ? `Failure recorded: ${describeBreaker(o.breaker, io.now)}`
          : `${stream} is already OPEN: ${describeBreaker(o.breaker, io.now)}`;
    io.emit({ ok: true, command: "breaker", result: o.kind, stream, state: breakerState(o.kind === "counted" ? null : o.breaker, io.now), breaker: o.breaker }, text);
    return 0;
  }
  throw new UsageError(`pucs breaker: unknown subcommand ${JSON.stringify(sub)} (status, reset, record-failure)`, spec.usage);
}
