/**
 * issue_comment.created on a pull request: `/pucs …` commands (parsed by src/engine/commands.ts).
 *
 * - A comment with no command line costs nothing (no API call). The App's own comments are ignored.
 * - 👀 when seen; then every command is checked against the commenter's permission (one read, only
 *   when being the PR's author is not enough), all ledger changes of the comment are applied in ONE
 *   compare-and-swap commit (an exclusive lock is acknowledged only after that commit won), and the
 *   results are posted in ONE reply; 👍 when everything was done, 😕 when anything was refused or
 *   failed (the reply says why and what to do).
 * - Edited comments are not re-run (only `created` is subscribed).
 */
import { noteChange, withCommandSpans, type PucsFields } from "../tracing.js";
import {
  COMMANDS,
  helpMarkdown,
  parseCommands,
  permissionAllows,
  roleOfBot,
  commandRate,
  refusal,
  specOf,
  type ParsedCommand,
  type Role,
} from "../engine/commands.js";
import { evaluate } from "../engine/evaluate.js";
import { formatDuration } from "../engine/duration.js";
import { REPORT_MARKER, renderMarkdown } from "../engine/report.js";
import type { Config, Conflict, Ledger } from "../engine/types.js";
import { changeOfFootprint, changeOfPull } from "../engine/change.js";
import { AGENTS_DEFAULTS } from "../engine/config/schema.js";
import {
  acquireLock,
  applyAll,
  declareIntent,
  enqueue,
  expire,
  extendLocks,
  holderLabel,
  isExpired,
  release,
  releaseLock,
  setOverride,
  shortTime,
  isoTime,
  type AcquireLockOutcome,
  type DeclareIntentOutcome,
  type ExtendLocksOutcome,
  type Notice,
  type ReleaseOutcome,
  type TransitionResult,
} from "../ledger/transitions.js";
import { handoff, resetBreaker, type HandoffOutcome, type ResetBreakerOutcome } from "../ledger/transitions.js";
import { loadState, refreshOthers, type Ctx } from "./core.js";
import { pullOfRest } from "../github/pull.js";
import { serializeLedger } from "../ledger/schema.js";
import { LedgerError } from "../ledger/store.js";
import { GitHubError } from "../github/client.js";
import { analyzePull, notifyQueued } from "./pull.js";
import { planDecide, planRollback } from "./rollback.js";
import { replyBlock, replyJson } from "./reply-json.js";

export const REPLY_MARKER = "<!-- pucs:reply -->";

export interface CommentEvent {
  commentId: number;
  body: string;
  commenter: string;
  commenterIsBot: boolean;
  number: number;
  prAuthor: string;
  defaultBranch: string;
}

/** Result line for one command: what happened, and whether it was refused/failed. */
interface Line {
  text: string;
  ok: boolean;
}

type Step = (l: Ledger) => TransitionResult<unknown>;

interface Planned {
  cmd: ParsedCommand;
  /** Ledger steps of this command (run in the comment's single commit). */
  steps: Step[];
  /** Turns the steps' outcomes into the reply line. */
  describe: (outcomes: unknown[], after: Ledger) => Line;
}

const MINUTE = 60_000;
const code = (s: string) => `\`${s}\``;

export function isOwnComment(body: string): boolean {
  return body.includes(REPLY_MARKER) || body.includes(REPORT_MARKER) || body.includes("<!-- pucs:notice -->");
}

/** In every reply: which comment it answers (so a redelivered command is recognized as done). */
export const replyKey = (commentId: number): string => `<!-- pucs:reply-to ${commentId} -->`;

export async function handleComment(ctx: Ctx, e: CommentEvent): Promise<void> {
  if (isOwnComment(e.body)) return;
  const parsed = parseCommands(e.body);
  if (parsed.commands.length === 0 && parsed.errors.length === 0) return;
  // GitHub may deliver the same comment twice: a comment PUCS already answered is done.
  if (await ctx.gw.findComment(e.number, replyKey(e.commentId))) {
    ctx.log.info(`comment ${e.commentId} on #${e.number} was answered already (a redelivery): nothing to do`);
    return;
  }
  await ctx.gw.react(e.commentId, "eyes");
  try {
    await runCommands(ctx, e, parsed);
  } catch (err) {
    // A ledger PUCS will not use, or a GitHub failure: say so on the PR (best effort), then fail the delivery.
    if (err instanceof LedgerError || err instanceof GitHubError) {
      try {
        await reply(ctx, e, [{ text: `nothing was done: ${err.message}`, ok: false }]);
      } catch {
        /* the original error is what matters */
      }
    }
    throw err;
  }
}

async function runCommands(ctx: Ctx, e: CommentEvent, parsed: ReturnType<typeof parseCommands>): Promise<void> {
  const lines: Line[] = parsed.errors.map((err) => ({ text: `Line ${err.line} (${code(err.raw)}): ${err.message}`, ok: false }));

  const state = await loadState(ctx, e.defaultBranch, { pull: e.number });
  // Claims are made for the PR's agent (a PUCS-Agent trailer, else its author): the same identity the
  // report and the gate use (src/engine/change.ts).
  const agent = state.pull ? changeOfPull(state.pull, []).agent : e.prAuthor;
  // The change's agent and stream, for the spans and log lines of this comment (src/tracing.ts).
  noteChange({ agent, stream: state.snapshot.ledger.footprints.find((f) => f.change === `#${e.number}`)?.stream ?? null });
  if (state.config.kind !== "ok") {
    lines.push({
      text:
        state.config.kind === "none"
          ? `PUCS is not configured for this repository: add ${code("config/pucs_streams.yaml")} to ${code(e.defaultBranch)} (${code("npx pucs init --write-config")} proposes one), then try again.`
          : `The PUCS config on ${code(e.defaultBranch)} does not validate, so no command can run: see the PUCS / conflicts check for the problems.`,
      ok: false,
    });
    await reply(ctx, e, lines);
    return;
  }

  // The command rate: a loop breaker for bots answering bots (people are held to it too).
  const rateKey = `${ctx.repoKey}#${e.number}:${e.commenter.toLowerCase()}`;
  const perMinute = state.config.config.agents?.commandRate ?? AGENTS_DEFAULTS.commandRate;
  const rate = commandRate(ctx.commandTimes?.get(rateKey) ?? [], ctx.now(), perMinute);
  ctx.commandTimes?.set(rateKey, rate.times);
  if (!rate.allowed) {
    ctx.log.warn(`@${e.commenter} gave more than ${perMinute} commands a minute on #${e.number}: comment ${e.commentId} ignored`);
    if (rate.firstOver) {
      await reply(ctx, e, [{ text: `@${e.commenter} gave more than ${perMinute} commands in a minute on this PR (\`agents.command_rate\`): this comment and the next ones this minute are ignored. Wait a minute, then try again.`, ok: false }]);
    }
    return;
  }

  // Permission: people's role from GitHub, read once and only when being the author is not enough;
  // a bot's from the config's agents.bots (GitHub does not answer for App bots). A bot that opened the
  // PR is its author.
  const isAuthor = e.commenter.toLowerCase() === e.prAuthor.toLowerCase();
  const needsRole = parsed.commands.some((c) => {
    const p = specOf(c.name).permission;
    return p === "write" || p === "maintain" || p === "coordinator" || (p === "author-or-write" && !isAuthor) || c.name === "unlock";
  });
  const role: Role = e.commenterIsBot ? roleOfBot(e.commenter, state.config.config.agents?.bots) : needsRole ? await ctx.gw.permission(e.commenter) : "none";
  const who = { isAuthor, role, isBot: e.commenterIsBot };

  const config = state.config.config;
  const now = ctx.now();
  const id = `#${e.number}`;
  const footprint = state.snapshot.ledger.footprints.find((f) => f.change === id);
  const stream = footprint?.stream ?? null;

  const planned: Planned[] = [];
  let wantsSync = false;
  let decided = false;
  for (const cmd of parsed.commands) {
    const spec = specOf(cmd.name);
    if (!permissionAllows(spec.permission, who)) {
      lines.push({ text: `${code(cmd.raw)}: ${refusal(spec, { login: e.commenter, role, isBot: e.commenterIsBot })}`, ok: false });
      continue;
    }
    // ROLLBACK and ARBITRATE decisions ask GitHub first (the revert PR, team membership): src/app/rollback.ts.
    if (cmd.name === "rollback" || cmd.name === "decide") {
      const r =
        cmd.name === "rollback"
          ? await planRollback(ctx, { number: e.number, commenter: e.commenter, ledger: state.snapshot.ledger, pull: state.pull, defaultBranch: e.defaultBranch })
          : await planDecide(ctx, { number: e.number, commenter: e.commenter, role, note: cmd.note, ledger: state.snapshot.ledger, config, now });
      if ("text" in r) lines.push(r);
      else {
        planned.push({ cmd, steps: r.steps, describe: (outs) => r.describe(outs) });
        if (cmd.name === "decide") decided = true;
      }
      continue;
    }
    const p = plan(cmd, { config, now, id, agent, commenter: e.commenter, stream, role, newId: ctx.newId, headSha: footprint?.headSha });
    if ("text" in p) {
      if (cmd.name === "help") lines.push({ text: helpMarkdown(), ok: true });
      else if (cmd.name === "status") lines.push({ text: statusMarkdown(state.snapshot.ledger, config, id, now), ok: true });
      else if (cmd.name === "sync") wantsSync = true;
      else lines.push(p);
      continue;
    }
    planned.push(p);
  }

  if (planned.length > 0) {
    const all: Step[] = [(l) => expire(l, now), ...planned.flatMap((p) => p.steps)];
    const result = await withCommandSpans(planned.map((p) => ({ name: p.cmd.name, fields: commandFields(p.cmd) })), () => ctx.writer.update(
      ctx.repoKey,
      ctx.store,
      (l) => {
        const r = applyAll(l, all);
        return { ...r, message: r.message !== null ? `${r.message}\n\n(/pucs on ${id} by @${e.commenter})` : null };
      },
      state.snapshot,
    ));
    let i = 1;
    const notices: Notice[] = [...((result.outcome[0] as { notify?: Notice[] }).notify ?? [])];
    for (const p of planned) {
      const outs = result.outcome.slice(i, i + p.steps.length);
      i += p.steps.length;
      lines.push(p.describe(outs, result.after));
      for (const o of outs) {
        const n = (o as { notify?: Notice[] }).notify;
        if (Array.isArray(n)) notices.push(...n);
      }
    }
    if (wantsSync) lines.push(await syncPull(ctx, e, config, role, stream));
    await reply(ctx, e, lines);
    await notifyQueued(ctx, notices, `released on ${id}`);
    // A decision changes this PR's own verdict: its report is republished too.
    await refreshOthers(ctx, config, result.before, result.after, decided ? id : null);
  } else {
    if (wantsSync) lines.push(await syncPull(ctx, e, config, role, stream));
    await reply(ctx, e, lines);
  }
}

/** A command's own span fields (src/tracing.ts): its task and how many paths it names. */
function commandFields(cmd: ParsedCommand): PucsFields {
  if (cmd.name === "lock" || cmd.name === "intent") return { ...(cmd.text ? { task: cmd.text } : {}), files: cmd.paths.length };
  if (cmd.name === "unlock") return { files: cmd.paths.length };
  if (cmd.name === "queue") return { files: 1 };
  return {};
}

/** Commands `/pucs sync` replays (the ones that make claims). */
const REPLAYED = new Set(["lock", "intent", "unlock", "release", "extend", "queue"]);
/** Distinct commenters whose permission `/pucs sync` looks up at most (their commands are replayed). */
export const SYNC_MAX_LOOKUPS = 5;

/**
 * `/pucs sync`: rebuild this PR's claims from its comments and its files and labels. The PR's
 * locks, intents and queue places are dropped and its earlier claim commands replayed in order, each
 * at the time it was written (so expiries stay what they were; a lock someone else holds now stays
 * refused), from commenters who may claim for the PR; then the files and labels are re-read as on a
 * push. Costs: the PR (1 R), its comments (1 R per 100), ≤ 5 permission reads, one ledger commit for
 * the claims and one for the footprint.
 */
async function syncPull(ctx: Ctx, e: CommentEvent, config: Config, senderRole: Role, stream: string | null): Promise<Line> {
  const id = `#${e.number}`;
  const r = await ctx.gw.rc.call(`read pull request #${e.number}`, "pull_requests: read", "GET /repos/{owner}/{repo}/pulls/{pull_number}", { pull_number: e.number });
  const pr = pullOfRest(r.data as Record<string, unknown>);
  const comments = (await ctx.gw.listComments(e.number))
    .filter((c) => c.id !== e.commentId && !isOwnComment(c.body))
    .sort((a, b) => Date.parse(a.createdAt ?? "") - Date.parse(b.createdAt ?? ""));
  const roles = new Map<string, Role>([[e.commenter.toLowerCase(), senderRole]]);
  const skipped = new Set<string>();
  const planned: Planned[] = [];
  for (const c of comments) {
    const cmds = parseCommands(c.body).commands.filter((x) => REPLAYED.has(x.name));
    if (cmds.length === 0) continue;
    const isAuthor = c.author.toLowerCase() === pr.author.toLowerCase();
    let role = roles.get(c.author.toLowerCase());
    if (role === undefined && !isAuthor) {
      if (roles.size > SYNC_MAX_LOOKUPS) {
        skipped.add(c.author);
        continue;
      }
      role = c.authorIsBot === true ? roleOfBot(c.author, config.agents?.bots) : await ctx.gw.permission(c.author);
      roles.set(c.author.toLowerCase(), role);
    }
    const at = Date.parse(c.createdAt ?? "");
    for (const cmd of cmds) {
      if (!permissionAllows(specOf(cmd.name).permission, { isAuthor, role: role ?? "none", isBot: c.authorIsBot === true })) continue;
      const p = plan(cmd, { config, now: Number.isFinite(at) ? at : ctx.now(), id, agent: changeOfPull(pr, []).agent, commenter: c.author, stream, role: role ?? "none", newId: ctx.newId, headSha: pr.headSha });
      if (!("text" in p)) planned.push(p);
    }
  }
  const now = ctx.now();
  const clear: Step = (l) => {
    const locks = l.locks.filter((k) => k.change !== id);
    const intents = l.intents.filter((i) => i.change !== id);
    const queues = l.queues.map((q) => ({ path: q.path, waiters: q.waiters.filter((w) => w.change !== id) })).filter((q) => q.waiters.length > 0);
    const same = locks.length === l.locks.length && intents.length === l.intents.length && JSON.stringify(queues) === JSON.stringify(l.queues);
    return same ? { ledger: l, outcome: null, message: null } : { ledger: { ...l, locks, intents, queues }, outcome: null, message: `sync ${id}: drop its claims to replay them` };
  };
  // A replayed claim that matches one already held (same path/files, same time) keeps its lease / id.
  const keepIds = (before: Ledger): Step => (l) => {
    const locks = l.locks.map((k) => {
      const old = k.change === id ? before.locks.find((o) => o.change === id && o.path === k.path && o.acquiredAt === k.acquiredAt) : undefined;
      return old ? { ...k, lease: old.lease } : k;
    });
    const intents = l.intents.map((i) => {
      const old = i.change === id ? before.intents.find((o) => o.change === id && o.signalledAt === i.signalledAt && JSON.stringify(o.files) === JSON.stringify(i.files)) : undefined;
      return old ? { ...i, id: old.id } : i;
    });
    return { ledger: { ...l, locks, intents }, outcome: null, message: null };
  };
  let steps: Step[] = [];
  const result = await ctx.writer.update(ctx.repoKey, ctx.store, (l) => {
    steps = [clear, ...planned.flatMap((p) => p.steps), keepIds(l), (x) => expire(x, now)];
    let cur = l;
    const messages: string[] = [];
    for (const s of steps) {
      const x = s(cur);
      if (x.ledger !== cur && x.message) messages.push(x.message);
      cur = x.ledger;
    }
    // Nothing but the replay of what was already there: keep the ledger as it is.
    if (serializeLedger(cur) === serializeLedger(l)) return { ledger: l, outcome: cur, message: null };
    return { ledger: cur, outcome: cur, message: messages.length ? messages.join("\n") : null };
  });
  const after = result.outcome;
  await analyzePull(ctx, pr, e.defaultBranch);
  const locks = after.locks.filter((k) => k.change === id).length;
  const intents = after.intents.filter((i) => i.change === id).length;
  const queued = after.queues.filter((q) => q.waiters.some((w) => w.change === id)).length;
  const note = skipped.size > 0 ? ` Not replayed (more than ${SYNC_MAX_LOOKUPS} commenters to check): ${[...skipped].map((x) => `@${x}`).join(", ")}.` : "";
  return {
    text: `synced ${id}: replayed ${planned.length} claim command(s) from its comments → ${locks} lock(s), ${intents} intent(s), ${queued} queue place(s); footprint re-read from its ${pr.draft ? "draft " : ""}files and labels.${note}`,
    ok: true,
  };
}

async function reply(ctx: Ctx, e: CommentEvent, lines: Line[]): Promise<void> {
  const ok = lines.every((l) => l.ok);
  const key = replyKey(e.commentId);
  const body = [REPLY_MARKER, key, `@${e.commenter}`, "", ...lines.map((l) => (l.text.includes("\n") ? l.text : `- ${l.ok ? "✅" : "❌"} ${l.text}`))].join("\n");
  await ctx.gw.createCommentOnce(e.number, body + replyBlock(replyJson(e, lines)), key);
  await ctx.gw.react(e.commentId, ok ? "+1" : "confused");
}

interface PlanCtx {
  config: Config;
  now: number;
  id: string;
  /** The PR's agent: claims are made in its name. */
  agent: string;
  commenter: string;
  stream: string | null;
  role: Role;
  newId: () => string;
  headSha: string | undefined;
}

function minutesOf(ms: number | null, fallback: number): number {
  return ms === null ? fallback : ms / MINUTE;
}

/** What a command does: ledger steps + how to describe their outcome, or an immediate line. */
function plan(cmd: ParsedCommand, c: PlanCtx): Planned | Line {
  const maxTtl = c.config.locks.maxTtlMinutes;
  switch (cmd.name) {
    case "help":
    case "status":
    case "rollback":
    case "decide":
      return { text: "", ok: true };
    case "sync":
      return { text: "Rebuilt this PR's footprint from its files and labels; the report below is current.", ok: true };
    case "lock": {
      const ttl = minutesOf(cmd.durationMs, c.config.locks.defaultTtlMinutes);
      const { maxTtlMinutes, queueGraceMinutes } = c.config.locks;
      return {
        cmd,
        steps: cmd.paths.map((path) => (l: Ledger) =>
          acquireLock(l, { path, agent: c.agent, stream: c.stream, task: cmd.text || `work on ${c.id}`, change: c.id, ttlMinutes: ttl, lease: c.newId(), maxTtlMinutes, queueGraceMinutes }, c.now),
        ),
        describe: (outs) => {
          const parts: string[] = [];
          let ok = true;
          outs.forEach((o, i) => {
            const out = o as AcquireLockOutcome;
            const path = cmd.paths[i]!;
            if (out.kind === "too-long") {
              ok = false;
              parts.push(`${code(cmd.raw)}: ${out.reason}`);
            } else if (out.kind === "held") {
              ok = false;
              parts.push(`${code(path)} is locked by ${holderLabel(out.lock)} until ${shortTime(out.lock.expiresAt)}${out.lock.task ? ` (${out.lock.task})` : ""}: wait in line with ${code(`/pucs queue ${path}`)}`);
            } else if (out.kind === "queued") {
              ok = false;
              parts.push(
                `${code(path)} is free, but ${holderLabel(out.head)} is first in line for ${code(out.path)}: ${c.id} is number ${out.position} in line and is told when its turn comes (the first in line has ${formatDuration(queueGraceMinutes * MINUTE)} to take it)`,
              );
            } else if (out.kind === "breaker-open") {
              ok = false;
              parts.push(`${code(path)} NOT locked: ${out.details}`);
            } else if (out.kind === "covered") {
              parts.push(`${code(path)} is already held by ${holderLabel(out.lock)} until ${shortTime(out.lock.expiresAt)}, this PR's agent: it covers ${c.id}`);
            } else {
              const skipped = out.skipped.map((x) => `; skipped ${holderLabel(x.entry)}, silent past the grace after being told`).join("");
              parts.push(`${code(path)} locked for ${c.id} until ${shortTime(out.lock.expiresAt)}${skipped}`);
            }
          });
          return { text: parts.join("; "), ok };
        },
      };
    }
    case "intent": {
      const minutes = minutesOf(cmd.durationMs, c.config.locks.defaultTtlMinutes);
      return {
        cmd,
        steps: [(l) => declareIntent(l, { id: c.newId(), agent: c.agent, stream: c.stream, files: cmd.paths, description: cmd.text, durationMinutes: minutes, change: c.id, force: cmd.force === true, config: c.config }, c.now)],
        describe: (outs) => {
          const o = outs[0] as DeclareIntentOutcome;
          if (o.kind === "too-long") return { text: `${code(cmd.raw)}: ${o.reason}`, ok: false };
          if (o.kind === "breaker-open") return { text: `intent on ${cmd.paths.map(code).join(", ")} NOT recorded: ${o.details}`, ok: false };
          const list = (cs: readonly Conflict[]) => cs.map((x) => `\n  - **${x.type}** ${x.file ? code(x.file) : "(stream)"}: ${x.details} → ${x.strategy}: ${x.nextStep}`).join("");
          if (o.kind === "refused") {
            return { text: `intent on ${cmd.paths.map(code).join(", ")} NOT recorded: it collides with other work. Resolve these, or add ${code("--force")} to record it anyway:${list(o.conflicts)}`, ok: false };
          }
          const forced = o.conflicts.length > 0 ? ` despite ${o.conflicts.length} conflict(s) (--force):${list(o.conflicts)}` : "";
          return { text: `intent on ${cmd.paths.map(code).join(", ")} recorded until ${shortTime(o.intent.expiresAt)}; others touching these files see it as INTENT_OVERLAP${forced}`, ok: true };
        },
      };
    }
    case "unlock": {
      const force = c.role === "maintain" || c.role === "admin";
      // Decided on the ledger inside the commit: no paths = every lock of this PR.
      const step: Step = (l) => {
        const targets = cmd.paths.length > 0 ? cmd.paths : l.locks.filter((k) => k.change === c.id).map((k) => k.path);
        let cur = l;
        const outs: { path: string; out: unknown }[] = [];
        const msgs: string[] = [];
        for (const path of targets) {
          const mine = cur.locks.find((k) => k.path === path && k.change === c.id);
          const other = cur.locks.find((k) => k.path === path && k.change !== c.id && !isExpired(k, c.now));
          let r: TransitionResult<unknown>;
          if (mine) r = releaseLock(cur, { path, agent: mine.agent }, c.now);
          else if (other && force) r = releaseLock(cur, { path, agent: c.commenter, force: true }, c.now);
          else if (other) r = { ledger: cur, outcome: { kind: "not-holder", lock: other }, message: null };
          else r = { ledger: cur, outcome: { kind: "not-locked" }, message: null };
          outs.push({ path, out: r.outcome });
          if (r.ledger !== cur && r.message) msgs.push(r.message);
          cur = r.ledger;
        }
        const notify = outs.flatMap((x) => ((x.out as { notify?: Notice[] }).notify ?? []));
        return { ledger: cur, outcome: { kind: "unlock", outs, notify }, message: msgs.length ? msgs.join("\n") : null };
      };
      return {
        cmd,
        steps: [step],
        describe: (outs) => {
          const o = outs[0] as { outs: { path: string; out: { kind: string; lock?: { agent: string; change?: string; stream: string | null } } }[] };
          if (o.outs.length === 0) return { text: `${c.id} holds no locks: nothing to unlock`, ok: true };
          let ok = true;
          const parts = o.outs.map(({ path, out }) => {
            if (out.kind === "released") return `${code(path)} unlocked`;
            ok = false;
            if (out.kind === "not-holder") return `${code(path)} is held by ${holderLabel(out.lock!)}, not ${c.id}: releasing another PR's lock needs maintain or admin access (@${c.commenter} has ${c.role})`;
            return `${code(path)} is not locked`;
          });
          return { text: parts.join("; "), ok };
        },
      };
    }
    case "release":
      return {
        cmd,
        // The same transition as `pucs release --change #N`: claims only; the footprint and a gate
        // override stay while the PR is open.
        steps: [(l) => release(l, { agent: c.agent, change: c.id, scope: "claims" }, c.now)],
        describe: (outs) => {
          const o = outs[0] as ReleaseOutcome;
          return { text: `released ${o.locks.length} lock(s), ${o.intents.length} intent(s) and ${o.queueEntries.length} queue place(s) of ${c.id}`, ok: true };
        },
      };
    case "extend": {
      const minutes = minutesOf(cmd.durationMs, c.config.locks.defaultTtlMinutes);
      return {
        cmd,
        steps: [(l) => extendLocks(l, { agent: c.agent, change: c.id, minutes, maxTtlMinutes: maxTtl }, c.now)],
        describe: (outs) => {
          const x = outs[0] as ExtendLocksOutcome;
          if (x.kind === "too-long") return { text: `${code(cmd.raw)}: ${x.reason}`, ok: false };
          const o = x;
          if (o.extended.length === 0 && o.atCap.length === 0) return { text: `${c.id} holds no live locks to extend: take one with ${code("/pucs lock <path>")}`, ok: false };
          const parts = o.extended.map((k) => `${code(k.path)} until ${shortTime(k.expiresAt)}`);
          if (o.atCap.length) parts.push(`${o.atCap.map((k) => code(k.path)).join(", ")} already at the ${maxTtl}-minute maximum`);
          return { text: `extended: ${parts.join("; ")}`, ok: o.extended.length > 0 };
        },
      };
    }
    case "queue":
      return {
        cmd,
        steps: [(l) => enqueue(l, { path: cmd.path, agent: c.agent, change: c.id }, c.now)],
        describe: (outs, after) => {
          const o = outs[0] as { position: number; already: boolean };
          const holder = after.locks.find((k) => k.path === cmd.path && k.change !== c.id && !isExpired(k, c.now));
          const state = holder ? `held by ${holderLabel(holder)} until ${shortTime(holder.expiresAt)}` : "not locked right now: take it with " + code(`/pucs lock ${cmd.path}`);
          return { text: `${c.id} is ${o.already ? "already " : ""}number ${o.position} in line for ${code(cmd.path)} (${state}); this PR is told when it frees`, ok: true };
        },
      };
    case "gate-override":
      return {
        cmd,
        steps: [(l) => setOverride(l, { change: c.id, by: c.commenter, reason: cmd.reason, at: isoTime(c.now), ...(c.headSha ? { headSha: c.headSha } : {}) })],
        describe: () => ({ text: `merge gate override for ${c.id} recorded by @${c.commenter}: ${cmd.reason}`, ok: true }),
      };
    case "handoff":
      return {
        cmd,
        steps: [(l) => handoff(l, { id: c.newId(), from: c.agent, to: cmd.to, change: c.id, ...(cmd.note ? { note: cmd.note, pending: [cmd.note] } : {}) }, c.now)],
        describe: (outs) => {
          const o = outs[0] as HandoffOutcome;
          if (o.kind !== "handed-off") return { text: `handoff NOT recorded: ${o.reason}`, ok: false };
          const moved = [`${o.locks.length} lock(s)`, `${o.intents.length} intent(s)`, `${o.queueEntries.length} queue place(s)`].join(", ");
          const files = o.handoff.stream_context.locked_files;
          return {
            text: `${c.id} handed off from ${c.agent} to @${cmd.to} by @${c.commenter}: ${moved} moved${files.length ? ` (${files.map(code).join(", ")})` : ""}${cmd.note ? `. Note: ${cmd.note}` : ""}`,
            ok: true,
          };
        },
      };
    case "breaker-reset": {
      const stream = c.stream;
      if (stream === null) return { text: `${code(cmd.raw)}: ${c.id} has no stream, so there is no breaker to reset. Give it a ${code("pucs:stream:<ID>")} label first.`, ok: false };
      return {
        cmd,
        steps: [(l) => resetBreaker(l, { stream, by: c.commenter, reason: cmd.reason }, c.now)],
        describe: (outs) => {
          const o = outs[0] as ResetBreakerOutcome;
          if (o.kind === "not-found") return { text: `the ${stream} circuit breaker is CLOSED with no failures: nothing to reset`, ok: true };
          return { text: `the ${stream} circuit breaker was ${o.state}; reset to CLOSED by @${c.commenter}: ${cmd.reason}`, ok: true };
        },
      };
    }
  }
}

/** `/pucs status`: this PR's stream, claims, and the locks, intents and queues on its files. */
export function statusMarkdown(ledger: Ledger, config: Config, id: string, now: number): string {
  const fp = ledger.footprints.find((f) => f.change === id);
  const out: string[] = [`### PUCS status of ${id}`, ""];
  const locks = ledger.locks.filter((k) => k.change === id && !isExpired(k, now));
  const intents = ledger.intents.filter((i) => i.change === id && !isExpired(i, now));
  const queues = ledger.queues.flatMap((q) => q.waiters.map((w, i) => ({ path: q.path, w, pos: i + 1 }))).filter((x) => x.w.change === id);
  out.push(`**Stream:** ${fp?.stream ?? "none"} · **Files recorded:** ${fp ? fp.files.length : "none yet (push or \`/pucs sync\`)"}`);
  out.push(`**Locks:** ${locks.length ? locks.map((k) => `${code(k.path)} until ${shortTime(k.expiresAt)}`).join(", ") : "none"}`);
  out.push(`**Intents:** ${intents.length ? intents.map((i) => `${i.files.map(code).join(", ")} until ${shortTime(i.expiresAt)}`).join("; ") : "none"}`);
  out.push(`**Queued for:** ${queues.length ? queues.map((q) => `${code(q.path)} (#${q.pos})`).join(", ") : "nothing"}`);
  if (fp) {
    out.push("", renderMarkdown(evaluate(changeOfFootprint(fp), ledger, config, now, { stream: fp.stream }), { marker: "", heading: "Report" }));
  }
  return out.join("\n");
}

export { COMMANDS };
