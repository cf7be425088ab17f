/**
 * pull_request events (every action) → `syncPullRequest`, which acts on the PR as GitHub has it at
 * the time of the read, not on the event's copy: duplicates and late, out-of-order deliveries end in
 * the same state as the latest delivery.
 *
 * Open PR → `analyzePull`:
 *   1. the PR's files with patches (1 read per 100 files);
 *   2. one GraphQL read: config at the default branch (+ at the head) + the PR itself + the part of
 *      the ledger the event needs: the small collections, the PR's footprint, the index shards of
 *      its files and the heads of the streams it likely involves (src/github/ledger-store.ts
 *      `readLedgerView`); one more at the same commit when other changes are on its files (their
 *      footprints), or a stream or a dropped file was not guessed;
 *   3. evaluate against the ledger, publish: check run (created without looking when the ledger's
 *      footprint is for another head; found and updated on the same head), sticky comment (by the id
 *      the footprint keeps; listed only when one must be created) → the report is out after 1–2 writes;
 *      in a burst (another event of the repository under way) the report is made after step 4, on the
 *      ledger that commit wrote (it holds the burst), so it is right the first time;
 *   4. ledger: expire + footprint (+ `pucs:lock` label locks, or their release when the label is gone)
 *      in ONE coalesced CAS commit (3 W, after the report; none when nothing changed);
 *   5. labels pucs:conflict / pucs:queued when they change; other PRs whose reports the commit
 *      changed are refreshed from the ledger (≤ MAX_REFRESH), queue heads freed are told.
 * None of this grows with the number of open PRs: the others' footprints are read only where they
 * touch this PR's files, and a stream's open changes by its head (counts and first members).
 *
 * Closed or merged PR → `releaseClosed`: releaseChange (locks, intents, queue places, footprint,
 * override) in one commit, then a comment on the next PR queued on each freed path and refreshed reports.
 */
import { noteChange } from "../tracing.js";
import { createHash } from "node:crypto";
import { evaluate } from "../engine/evaluate.js";
import type { Config, Ledger } from "../engine/types.js";
import { annotationsFor } from "../engine/report.js";
import { acquireLock, applyAll, expire, recordFootprint, releaseChange, releaseLock, type Notice, type TransitionResult } from "../ledger/transitions.js";
import type { TransactFn } from "../ledger/transact.js";
import { ScopedLedgerStore, fillView, type Scope } from "../github/ledger-store.js";
import { indexedPaths, summaryPath } from "../ledger/layout.js";
import type { LedgerSnapshot, LedgerStore } from "../ledger/store.js";
import { emptyLedger } from "../ledger/schema.js";
import type { Evaluation } from "../engine/types.js";
import {
  CONFIG_PATHS,
  changeId,
  completeView,
  lastConfigOf,
  withSettleScopes,
  streamsOf,
  LABELS,
  MAX_NOTIFY,
  ensureRepoLabels,
  footprintOf,
  isQueued,
  loadState,
  numberOf,
  publishReport,
  noteCommentLater,
  labelClock,
  refreshOthers,
  reportOf,
  syncLabels,
  type Ctx,
  type PublishTarget,
  type RepoState,
} from "./core.js";
import { parseConfig } from "../engine/config/index.js";
import { changeOfPull, type PullRequest } from "../engine/change.js";
import type { SourceIssue } from "../engine/types.js";
import { baseSymbols } from "./symbols.js";
import { coordinatorsToAsk } from "../engine/arbitrate.js";
import { requestArbitration } from "../ledger/transitions.js";
import { askCoordinators, releaseMerged } from "./rollback.js";
import { nameRegions } from "../engine/symbols.js";

export const NO_CONFIG_TITLE = "PUCS is not configured for this repository";

export function noConfigSummary(defaultBranch: string): string {
  return [
    `PUCS found no stream config on \`${defaultBranch}\` (it looks for ${CONFIG_PATHS.map((p) => `\`${p}\``).join(" and then ")}), so it checked nothing.`,
    "",
    "To start: run `npx pucs init --write-config` in a clone (it proposes one stream per top-level directory), edit the streams, and merge the file into the default branch. Until then PUCS stays out of the way: no comments, no labels, no ledger.",
  ].join("\n");
}

/** Compose transitions into one TransactFn (each step sees the previous step's ledger). */
export function steps<T>(list: ((l: Ledger) => TransitionResult<unknown>)[], pick: (outcomes: unknown[]) => T): TransactFn<T> {
  return (l) => {
    const r = applyAll(l, list);
    return { ledger: r.ledger, outcome: pick(r.outcome), message: r.message };
  };
}

/**
 * Any pull_request event: act on the PR as GitHub has it NOW (read in the same GraphQL request as the
 * ledger and config), not on the event's snapshot. Open → analyze (report, footprint, label locks);
 * closed or merged → release. So a duplicate or a late, out-of-order delivery does the same as the
 * latest one: the outcome depends on the PR's state, not on which event came last.
 */
export async function syncPullRequest(ctx: Ctx, hint: PullRequest, defaultBranch: string, action: string): Promise<void> {
  // This event will commit: other events of the repository meanwhile know a burst is under way.
  const arrived = ctx.writer.announce(ctx.repoKey);
  try {
    await syncPull(ctx, hint, defaultBranch, action, arrived);
  } finally {
    arrived();
  }
}

async function syncPull(ctx: Ctx, hint: PullRequest, defaultBranch: string, action: string, arrived: () => void): Promise<void> {
  // The PR's files first (a close lists none): the ledger read then loads only what they need — the
  // PR's footprint, the index shards of its files, its streams' heads — in the same request as the
  // config and the PR (src/github/ledger-store.ts `readLedgerView`).
  const labelsRead = labelClock(); // before the PR (and its labels) are read
  const listing = action === "closed" ? null : await ctx.gw.pullFiles(hint.number);
  const streams = guessStreams(ctx, hint, listing);
  const id = changeId(hint.number);
  // An event that makes the PR a member of its stream (or changes its draft) rewrites its summary shard:
  // read with the rest (a push, which rarely does, reads it only when it has to).
  const joins = MEMBERSHIP_ACTIONS.has(action) ? { summaryShards: streams.map((stream) => ({ stream, path: summaryPath(stream, id) })) } : {};
  const scope: Scope = { changes: [id], paths: listing ? indexedPaths(listing.files) : [], streams, ...joins };
  const state = await loadState(ctx, defaultBranch, { headSha: hint.headSha, pull: hint.number, scope });
  if (!state.pull) throw new Error(`GitHub returned no pull request #${hint.number}`);
  const pr = state.pull;
  if (pr.state !== "open") return releaseClosed(ctx, pr, defaultBranch, state, arrived);
  // A PR that was opened just now has no earlier report: nothing to look for on GitHub.
  await analyzePull(ctx, pr, defaultBranch, { state, opened: action === "opened" && hint.headSha === pr.headSha, announced: arrived, labelsRead, ...(listing ? { listing } : {}) });
}

/** pull_request actions that usually change the PR's membership of its stream (its summary shard). */
const MEMBERSHIP_ACTIONS = new Set(["opened", "reopened", "ready_for_review", "converted_to_draft"]);

/** The streams the event's evaluation will likely involve, by the config the repository's last event read (none yet: none). */
function guessStreams(ctx: Ctx, hint: PullRequest, listing: PullFiles | null): (string | null)[] {
  const config = lastConfigOf(ctx);
  if (!config || !listing) return [];
  return streamsOf(evaluate(changeOfPull(hint, listing.files), emptyLedger(), config, ctx.now()));
}

type PullFiles = Awaited<ReturnType<Ctx["gw"]["pullFiles"]>>;


export async function analyzePull(ctx: Ctx, pr: PullRequest, defaultBranch: string, opts: { state?: RepoState; opened?: boolean; listing?: PullFiles; announced?: () => void; labelsRead?: number } = {}): Promise<void> {
  // When the PR's labels were read: labels this process sets after that are newer than `pr.labels`.
  const labelsRead = opts.labelsRead ?? labelClock();
  let state = opts.state ?? (await loadState(ctx, defaultBranch, { headSha: pr.headSha }));
  const { files, truncated } = opts.listing ?? (await ctx.gw.pullFiles(pr.number));
  const touchesConfig = CONFIG_PATHS.filter((p) => files.some((f) => f.path === p && f.status !== "removed"));
  // The config texts were read at the event's head; the PR has moved on since: read them at its head.
  if (touchesConfig.length > 0 && state.headConfigsAt !== pr.headSha) {
    const scope = state.view ? { changes: [changeId(pr.number)], paths: indexedPaths(files), streams: [] } : undefined;
    state = { ...(await loadState(ctx, defaultBranch, { headSha: pr.headSha, ...(scope ? { scope } : {}) })), pull: state.pull };
  }
  // A PR that edits the config gets that config validated on the PR itself.
  const configIssues: SourceIssue[] = [];
  for (const path of touchesConfig) {
    const text = state.headConfigs.get(path);
    if (text === null || text === undefined) continue;
    const r = parseConfig(text, path);
    if (!r.ok) configIssues.push(...r.issues);
  }

  if (state.config.kind !== "ok") {
    if (state.config.kind === "invalid") configIssues.unshift(...state.config.issues.map((i) => ({ ...i, message: `(on ${defaultBranch}) ${i.message}` })));
    const summary =
      state.config.kind === "none"
        ? noConfigSummary(defaultBranch) + (touchesConfig.length > 0 && configIssues.length === 0 ? "\n\nThis PR adds a config that validates: once merged, PUCS starts checking." : "")
        : `The PUCS config on \`${defaultBranch}\` does not validate, so nothing was checked. Fix it:\n\n\`\`\`\n${configIssues.map((i) => `${i.file}:${i.line}:${i.col}: ${i.message}`).join("\n")}\n\`\`\``;
    const prIssues = configIssues.filter((i) => !i.message.startsWith(`(on ${defaultBranch})`));
    const conclusion = prIssues.length > 0 || state.config.kind === "invalid" ? "failure" : "neutral";
    const title = state.config.kind === "none" ? (prIssues.length > 0 ? `Invalid PUCS config: ${prIssues.length} problem${prIssues.length === 1 ? "" : "s"}` : NO_CONFIG_TITLE) : "PUCS config on the default branch is invalid";
    const extra = prIssues.length > 0 ? `\n\n**This PR's config does not validate:**\n\n\`\`\`\n${prIssues.map((i) => `${i.file}:${i.line}:${i.col}: ${i.message}`).join("\n")}\n\`\`\`` : "";
    const annotations = prIssues.map((i) => ({
      path: i.file,
      start_line: Math.max(1, i.line),
      end_line: Math.max(1, i.line),
      annotation_level: "failure" as const,
      title: "PUCS config",
      message: i.message,
    }));
    const existing = await ctx.gw.findCheckRun(pr.headSha);
    const output = { title, summary: summary + extra, annotations };
    if (!existing) await ctx.gw.createCheckRunOnce(pr.headSha, conclusion, output);
    else if (existing.title !== title || existing.conclusion !== conclusion || existing.summary !== output.summary) await ctx.gw.updateCheckRun(existing.id, conclusion, output);
    return;
  }

  const config = state.config.config;
  const change = changeOfPull(pr, files);
  const now = ctx.now();
  let ledger = state.snapshot.ledger;
  let store: LedgerStore = ctx.store;
  let primed: LedgerSnapshot | undefined = state.snapshot;
  let first: Evaluation;
  if (state.view) {
    // A partial read: completed with the files its footprint had (their claims may change) and the
    // streams this evaluation involves; the commit then writes only what changed in that scope.
    const previous = state.view.whole ? null : (state.view.footprints.get(change.id) ?? null);
    const base: Scope = { changes: [change.id], paths: [...new Set([...indexedPaths(files), ...indexedPaths(previous?.files ?? [])])], streams: previous ? [previous.stream] : [] };
    const done = await completeView(ctx, state.view, base, (l) => evaluate(change, l, config, now));
    ledger = done.read.ledger;
    first = done.ev;
    store = new ScopedLedgerStore(ctx.store, withSettleScopes(ctx, { ...base, streams: [...base.streams, ...streamsOf(first)] }), done.read);
    primed = undefined;
  } else {
    first = evaluate(change, ledger, config, now);
  }
  noteChange({ change: change.id, agent: change.agent, stream: first.stream, files: change.files.length }); // span attributes and log fields
  // PARTITION advice names the enclosing functions: their base files are read (one request) only when there is one.
  const symbols = await baseSymbols(ctx, pr.baseRef || defaultBranch, first);
  const ev = symbols ? evaluate(change, ledger, config, now, { symbols }) : first;
  let report = reportOf(ev, annotationsFor(ev, change), { truncated, configIssues });
  const previous = ledger.footprints.find((f) => f.change === change.id) ?? null;
  const known = previous ? { sha: previous.headSha, comment: previous.comment ?? null } : opts.opened ? { sha: null, comment: null } : null;
  const target: PublishTarget = { number: pr.number, headSha: pr.headSha, labels: pr.labels, known, labelsRead, ...(pr.nodeId ? { node: pr.nodeId } : {}) };
  // In a burst (other updates of this repository committing or waiting), the ledger just read lacks
  // the burst's other PRs: the report waits for this update's commit and is made on the ledger it
  // committed, so it is right the first time instead of corrected seconds later. Alone, it goes first.
  const deferred = ctx.writer.busy(ctx.repoKey, opts.announced ? 1 : 0);
  const published = deferred ? null : await publishReport(ctx, target, report);

  // The footprint (and the pucs:lock label's locks) after the report: one coalesced commit.
  // With the enclosing symbols of the files it read, so reports refreshed from the ledger can name them too.
  const written = footprintOf(change, ev, config, truncated, now, published ? published.comment : (previous?.comment ?? null));
  const footprint = symbols ? { ...written, files: nameRegions(written.files, symbols) } : written;
  const labelTask = `${LABELS.lock.name} label on #${pr.number}`;
  const list: ((l: Ledger) => TransitionResult<unknown>)[] = [(l) => expire(l, now), (l) => recordFootprint(l, footprint)];
  if (pr.labels.includes(LABELS.lock.name)) {
    for (const f of files) {
      list.push((l) =>
        acquireLock(
          l,
          { path: f.path, agent: change.agent, stream: ev.stream, task: labelTask, change: change.id, ttlMinutes: config.locks.defaultTtlMinutes, lease: ctx.newId(), maxTtlMinutes: config.locks.maxTtlMinutes, queueGraceMinutes: config.locks.queueGraceMinutes },
          now,
        ),
      );
    }
  } else {
    // No pucs:lock label (any more): the locks it made go. Locks taken with /pucs lock stay.
    list.push((l) =>
      steps(
        l.locks.filter((k) => k.change === change.id && k.task === labelTask).map((k) => (x: Ledger) => releaseLock(x, { path: k.path, agent: k.agent }, now)),
        (outs) => ({ notify: outs.flatMap((o) => ((o as { kind: string }).kind === "released" ? (o as { notify: Notice[] }).notify : [])) }),
      )(l),
    );
  }
  // ARBITRATE: the coordinators are asked once per PR, remembered in this same commit (src/app/rollback.ts).
  const ask = coordinatorsToAsk(ev.conflicts, ledger, change.id, config, pr.author);
  if (ask) list.push((l) => requestArbitration(l, { change: change.id, ...ask }, now));
  opts.announced?.();
  const result = await ctx.writer.update(ctx.repoKey, store, steps(list, (o) => o), primed);
  if (deferred) {
    const after = evaluate(change, result.after, config, now, symbols ? { symbols } : {});
    report = reportOf(after, annotationsFor(after, change), { truncated, configIssues });
    // Its labels with it: a comment and labels that both change go in one request.
    const shown = await publishReport(ctx, target, report, { conflict: report.conflict, queued: isQueued(result.after, change.id) });
    // Its comment id goes into its footprint with a later commit (this one is made).
    if (shown.comment !== null && shown.comment !== footprint.comment) noteCommentLater(ctx, change.id, shown.comment, { changes: [change.id], paths: indexedPaths(files), streams: streamsOf(after) });
  }
  if (ask) await askCoordinators(ctx, pr.number, result.outcome.at(-1), ask);
  const expired = (result.outcome[0] as { notify: Notice[] }).notify;
  const unlabeled = pr.labels.includes(LABELS.lock.name) ? [] : (result.outcome[2] as { notify: Notice[] }).notify;
  if (!deferred) await syncLabels(ctx, target, { conflict: report.conflict, queued: isQueued(result.after, change.id) });
  await notifyQueued(ctx, expired, null);
  await notifyQueued(ctx, unlabeled, `#${pr.number}`);
  await refreshOthers(ctx, config, result.before, result.after, change.id);
  await ensureRepoLabels(ctx, config);
}

export async function releaseClosed(ctx: Ctx, pr: PullRequest, defaultBranch: string, loaded?: RepoState, arrived?: () => void): Promise<void> {
  const state = loaded ?? (await loadState(ctx, defaultBranch));
  if (state.config.kind !== "ok" && state.snapshot.version === null) return;
  const now = ctx.now();
  const id = `#${pr.number}`;
  let store: LedgerStore = ctx.store;
  let primed: LedgerSnapshot | undefined = state.snapshot;
  if (state.view && !state.view.whole) {
    // Its footprint's files (other PRs on them may be freed) and stream (a CAPACITY slot is freed).
    const fp = state.view.footprints.get(id) ?? null;
    const scope: Scope = { changes: [id], paths: indexedPaths(fp?.files ?? []), streams: fp ? [fp.stream] : [], ...(fp ? { summaryShards: [{ stream: fp.stream, path: summaryPath(fp.stream, id) }] } : {}) };
    const read = await fillView(ctx.store.rc, ctx.store.ref, state.view, scope);
    store = new ScopedLedgerStore(ctx.store, withSettleScopes(ctx, scope), read);
    primed = undefined;
  }
  arrived?.();
  const result = await ctx.writer.update(ctx.repoKey, store, steps([(l) => expire(l, now), (l) => releaseMerged(l, pr, id, now)], (o) => o), primed);
  const notices = [...(result.outcome[0] as { notify: Notice[] }).notify, ...(result.outcome[1] as { notify: Notice[] }).notify];
  await notifyQueued(ctx, notices, `${id} was ${pr.merged ? "merged" : "closed"}`);
  if (state.config.kind === "ok") await refreshOthers(ctx, state.config.config, result.before, result.after, id);
}

/** Tell the next PR in line for each freed path (one comment per PR, however many paths). */
export async function notifyQueued(ctx: Ctx, notices: Notice[], why: string | null): Promise<void> {
  const byChange = new Map<number, { agent: string; paths: string[] }>();
  for (const n of notices) {
    const num = n.next.change ? numberOf(n.next.change) : null;
    if (num === null) continue;
    const entry = byChange.get(num) ?? { agent: n.next.agent, paths: [] };
    if (!entry.paths.includes(n.path)) entry.paths.push(n.path);
    byChange.set(num, entry);
  }
  let sent = 0;
  for (const [num, { agent, paths }] of byChange) {
    if (sent++ >= MAX_NOTIFY) break;
    const list = paths.map((p) => `\`${p}\``).join(", ");
    // The key makes the notice once-only when a try's outcome is unknown (see createCommentOnce).
    const key = `<!-- pucs:notice-key ${createHash("sha1").update(JSON.stringify([num, agent, paths, why])).digest("hex").slice(0, 16)} -->`;
    const body = `<!-- pucs:notice -->\n${key}\n@${agent}: ${list} ${paths.length === 1 ? "is" : "are"} free now${why ? ` (${why})` : ""}, and this PR is next in line. Take ${paths.length === 1 ? "it" : "them"} with ${paths.map((p) => `\`/pucs lock ${p}\``).join(", ")}.`;
    await ctx.gw.createCommentOnce(num, body, key);
  }
}

export type { Config };
