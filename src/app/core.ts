/**
 * What every App handler shares: reading the repository's state (config + ledger in one request),
 * turning a pull request into a Change and a Footprint, publishing a report (check run, sticky
 * comment, labels) only where it changed, and refreshing the other PRs a ledger update affects.
 */
import type { PucsFields } from "../tracing.js";
import { changeOfFootprint } from "../engine/change.js";
import { formatIssue, parseConfig } from "../engine/config/index.js";
import { Lru, deepFreeze } from "../engine/memo.js";
import { evaluate } from "../engine/evaluate.js";
import { gateStreamsOf } from "../engine/gate.js";
import { footprintFile } from "../engine/diff.js";
import { globsIntersect } from "../engine/globs.js";
import { REPORT_MARKER, annotationsFor, checkConclusion, checkTitle, renderMarkdown, type Annotation } from "../engine/report.js";
import type { Change, Config, Evaluation, Footprint, Ledger, SourceIssue } from "../engine/types.js";
import type { LedgerSnapshot } from "../ledger/store.js";
import { isoTime } from "../ledger/transitions.js";
import { streamLabel } from "../engine/membership.js";
import { AppGateway, type CheckOutput, type CommentInfo, type Conclusion, type LabelSpec } from "../github/app-gateway.js";
import { GitHubRefStore, fillView, isPhantom, isView, readLedgerView, readRepoFiles, readStaleMarks, scopeOfFootprint, unionScope, type Scope, type ViewRead } from "../github/ledger-store.js";
import { pullOfGraphQL } from "../github/pull.js";
import { numberOf, type PullRequest } from "../engine/change.js";
import { NeedsMembers, type LedgerWriter } from "./ledger-writer.js";
import { createHash } from "node:crypto";
import { localLocks, type PublishLocks } from "./publish-lock.js";
import { reportKey, settleRefresh, shownKey, staleAfter, unlistedCapacityChanges, type KeyOf } from "../engine/refresh.js";

export const CONFIG_PATHS = ["config/pucs_streams.yaml", ".github/pucs.yml"] as const;

/** Other PRs refreshed per event at most (the rest stay marked `stale` in the ledger: the next events and a background drain refresh them). */
export const MAX_REFRESH = 5;
/** Queue heads told per event at most. */
export const MAX_NOTIFY = 10;

export const LABELS = {
  conflict: { name: "pucs:conflict", color: "d93f0b", description: "PUCS: this PR conflicts with other work (see the PUCS / conflicts check)" },
  queued: { name: "pucs:queued", color: "fbca04", description: "PUCS: this PR waits in line for a locked path" },
  lock: { name: "pucs:lock", color: "5319e7", description: "PUCS: lock every file this PR changes (remove to release)" },
} satisfies Record<string, LabelSpec>;

/** Labels the App sets itself: events about them are ignored (they are the App's output). */
export const APP_LABELS: ReadonlySet<string> = new Set([LABELS.conflict.name, LABELS.queued.name]);

/** The App's log: each line about a change also carries its stream, agent and change as fields (src/tracing.ts). */
export interface Logger {
  info(msg: string, fields?: PucsFields): void;
  warn(msg: string, fields?: PucsFields): void;
  error(msg: string, fields?: PucsFields): void;
}

export interface AppDeps {
  writer: LedgerWriter;
  now: () => number;
  newId: () => string;
  /** Labels known to exist, per repository ("owner/repo:name"). */
  knownLabels: Set<string>;
  /** Runs one PR's handlers one at a time in this process (key "owner/repo#n"); see `keyedSerial`. */
  serial: <T>(key: string, fn: () => Promise<T>) => Promise<T>;
  /** Check runs this process created, "owner/repo@sha" → id (the latest PUBLISHED_MEMORY). */
  published: Lru<string, number>;
  /** When each commenter gave commands on each PR lately ("owner/repo#n:login" → epoch ms): `agents.command_rate`. */
  commandTimes?: Lru<string, number[]>;
  /** One publisher per PR report at a time, across events (and replicas with Redis): src/app/publish-lock.ts. Default: this process only. */
  locks?: PublishLocks;
  /** What this process last published per PR ("owner/repo#n"): see `Shown`. */
  reported?: Lru<string, Shown>;
  /** Background refreshes of the footprints marked `stale` scheduled per repository (see `scheduleDrain`). */
  drains?: Map<string, Drain>;
  /** Refreshes done and comments made for other PRs, per repository, not yet in the ledger (see `armRefresh`). */
  settled?: Map<string, Settled>;
  /** Node ids of the App's labels ("owner/repo:name" → id), for GraphQL's label mutations. */
  labelIds?: Lru<string, string>;
  /** PRs' node ids ("owner/repo#n" → id) this process has seen, for a refresh's GraphQL write. */
  nodes?: Lru<string, string>;
}

/** Per repository: refreshed changes (→ the key published) and report comments made for other PRs, for the next commit to record. */
export interface Settled {
  done: Map<string, string>;
  comments: Map<string, number>;
  /** What a partial read must load for the next commit to settle `done` and `comments` (their changes' own scopes). */
  scopes: Map<string, Scope>;
}

/** A PR's report as this process last published it: its digest (head + report) and its labels. */
export interface Shown {
  /** The report key (src/engine/refresh.ts `reportKey`) of the report published. */
  key?: string;
  digest?: string;
  labels?: { conflict: boolean; queued: boolean };
  /** When `labels` were set (labelClock()): newer than an event's own copy of the PR's labels or not. */
  labelsAt?: number;
}

/** A counter ordering label changes this process made against the PR snapshots its events read. */
let labelTicks = 0;
export const labelClock = (): number => ++labelTicks;

const defaultLocks = localLocks();
const defaultReported = new Lru<string, Shown>(5000);
const defaultLabelIds = new Lru<string, string>(1000);
const defaultNodes = new Lru<string, string>(20000);
const nodesOf = (ctx: Ctx): Lru<string, string> => ctx.nodes ?? defaultNodes;
const defaultDrains = new Map<string, Drain>();

/** A repository's background drain: waiting (`timer`) or `running`; `again` = asked for once more while running. */
export interface Drain {
  timer?: ReturnType<typeof setTimeout>;
  running?: Promise<void>;
  again?: boolean;
  /** The stale changes this cycle of the drain took already (a cycle walks the list once; an event starts a new one). */
  visited: Set<string>;
}
const defaultSettled = new Map<string, Settled>();
function settledOf(ctx: Ctx): Settled {
  const all = ctx.settled ?? defaultSettled;
  let s = all.get(ctx.repoKey);
  if (!s) all.set(ctx.repoKey, (s = { done: new Map(), comments: new Map(), scopes: new Map() }));
  return s;
}
const locksOf = (ctx: Ctx): PublishLocks => ctx.locks ?? defaultLocks;
const reportedOf = (ctx: Ctx): Lru<string, Shown> => ctx.reported ?? defaultReported;
const prKey = (ctx: Ctx, n: number) => `${ctx.repoKey}#${n}`;

/** The digest of a report on a head: equal digests = the same check run and comment on GitHub. */
export function reportDigest(headSha: string, r: Report): string {
  return createHash("sha1").update(JSON.stringify([headSha, r.conclusion, r.output.title, r.output.summary, r.comment])).digest("hex");
}

export { keyedSerial } from "./serial.js";

/** Most entries `published` keeps (the least recently set go first). */
export const PUBLISHED_MEMORY = 5000;

export interface Ctx extends AppDeps {
  gw: AppGateway;
  store: GitHubRefStore;
  repoKey: string;
  log: Logger;
}

export type ConfigState =
  | { kind: "ok"; path: string; config: Config }
  | { kind: "invalid"; path: string; issues: SourceIssue[] }
  | { kind: "none" };

export interface RepoState {
  snapshot: LedgerSnapshot;
  /** A partial read (`loadState` with a scope): what it loaded; `snapshot.ledger` is its view. */
  view?: ViewRead;
  config: ConfigState;
  /** Config texts at `extraRev` (the PR head), by path; only when asked. */
  headConfigs: Map<string, string | null>;
  /** The head `headConfigs` were read at. */
  headConfigsAt: string | null;
  /** The pull request as GitHub has it at the time of the read (only when asked). */
  pull: PullRequest | null;
}

/**
 * Configs parsed lately, by path and text: every webhook reads the config, which changes rarely, and
 * parsing it (YAML, schema, glob checks) costs more than evaluating a change. Deep-frozen: shared by
 * every event, and the engine's indexes are cached per config object.
 */
const parsedConfigs = new Lru<string, ConfigState>(16);

function configOf(texts: readonly (string | null)[]): ConfigState {
  for (let i = 0; i < CONFIG_PATHS.length; i++) {
    const text = texts[i];
    if (text === null || text === undefined) continue;
    const path = CONFIG_PATHS[i]!;
    const key = `${path}\0${text}`;
    const known = parsedConfigs.get(key);
    if (known) return known;
    const r = parseConfig(text, path);
    const state: ConfigState = deepFreeze(r.ok ? { kind: "ok", path, config: r.config } : { kind: "invalid", path, issues: r.issues });
    parsedConfigs.set(key, state);
    return state;
  }
  return { kind: "none" };
}

/**
 * One GraphQL request: the ledger, the config at the default branch, and optionally the config at
 * `headSha` and the pull request `pull` as it is NOW. Handlers act on that current state, never on
 * the webhook's snapshot of it: GitHub delivers webhooks in no guaranteed order and may deliver one
 * twice, so a late `synchronize` must not record an old head, and one arriving after `closed` must
 * not claim files for a closed PR.
 */
export async function loadState(ctx: Ctx, defaultBranch: string, opts: { headSha?: string; pull?: number; scope?: Scope } = {}): Promise<RepoState> {
  const { headSha } = opts;
  const exprs = CONFIG_PATHS.map((p) => `${defaultBranch}:${p}`);
  if (headSha) exprs.push(...CONFIG_PATHS.map((p) => `${headSha}:${p}`));
  // A partial read also loads what the next commit needs to settle the refreshes made since.
  const scope = opts.scope ? withSettleScopes(ctx, opts.scope) : undefined;
  const r = await readRepoFiles(ctx.store.rc, ctx.store.ref, exprs, { ...(opts.pull !== undefined ? { pull: opts.pull } : {}), ...(scope ? { scope } : {}) });
  const headConfigs = new Map<string, string | null>();
  if (headSha) CONFIG_PATHS.forEach((p, i) => headConfigs.set(p, r.files[CONFIG_PATHS.length + i] ?? null));
  const state: RepoState = { snapshot: r.snapshot, config: configOf(r.files.slice(0, CONFIG_PATHS.length)), headConfigs, headConfigsAt: headSha ?? null, pull: r.pull ? pullOfGraphQL(r.pull) : null };
  if (r.view) state.view = r.view;
  if (state.config.kind === "ok") {
    lastConfigs.set(ctx.repoKey, state.config.config);
    armRefresh(ctx, state.config.config);
  }
  return state;
}

/** `scope` and what the next commit needs to settle the refreshes made since (their changes' own scopes). */
export const withSettleScopes = (ctx: Ctx, scope: Scope): Scope => unionScope(scope, ...settledOf(ctx).scopes.values());

/** The config each repository's last event read (to guess the streams an event will need before reading). */
const lastConfigs = new Lru<string, Config>(256);
export const lastConfigOf = (ctx: Ctx): Config | undefined => lastConfigs.get(ctx.repoKey);

/** The streams an evaluation involves: the change's own and its files' owners (CAPACITY and DEPENDENCY count their open work). */
export const streamsOf = (ev: Evaluation): (string | null)[] => [...new Set([ev.stream, ...ev.files.flatMap((f) => [f.stream, ...f.also])])];

/**
 * `r` completed for evaluating one change: `base` (its id, its files) plus the summaries of the
 * streams its evaluation involves, read at `r`'s commit (nothing more when `r` has them). Returns
 * the view and the evaluation on it.
 */
export async function completeView(ctx: Ctx, r: ViewRead, base: Scope, evaluateOn: (l: Ledger) => Evaluation): Promise<{ read: ViewRead; ev: Evaluation }> {
  let read = await fillView(ctx.store.rc, ctx.store.ref, r, base);
  let ev = evaluateOn(read.ledger);
  for (let round = 0; round < 2; round++) {
    const next = await fillView(ctx.store.rc, ctx.store.ref, read, { ...base, streams: [...base.streams, ...streamsOf(ev)] });
    if (next === read) break;
    read = next;
    ev = evaluateOn(read.ledger);
  }
  return { read, ev };
}

// ---------------------------------------------------------------------------
// Footprints (a PR becomes a Change with src/engine/change.ts `changeOfPull`)
// ---------------------------------------------------------------------------

export type { PullRequest } from "../engine/change.js";
export { changeId, numberOf } from "../engine/change.js";

export function footprintOf(change: Change, ev: Evaluation, config: Config, truncated: boolean, now: number, comment: number | null = null): Footprint {
  const fp: Footprint = {
    change: change.id,
    agent: change.agent,
    stream: ev.stream,
    streams: gateStreamsOf(change, config),
    headSha: change.headSha ?? "",
    draft: change.draft ?? false,
    // The App's own status labels are output, not input: toggling them must not rewrite the ledger.
    labels: (change.labels ?? []).filter((l) => !APP_LABELS.has(l)),
    files: change.files.map(footprintFile),
    recordedAt: isoTime(now),
  };
  if (change.title !== undefined) fp.title = change.title;
  if (change.url !== undefined) fp.url = change.url;
  if (truncated) fp.truncated = true;
  if (comment !== null) fp.comment = comment;
  return fp;
}


// ---------------------------------------------------------------------------
// Publishing
// ---------------------------------------------------------------------------

export interface Report {
  conclusion: Conclusion;
  output: CheckOutput;
  /** The sticky comment's body; null = the PR should have no live report comment (clear). */
  comment: string | null;
  conflict: boolean;
  /** The verdict and strategies it shows (src/engine/refresh.ts `reportKey`). */
  key?: string;
}

const TRUNCATED_NOTE =
  "⚠️ GitHub lists at most 3,000 files of a pull request: files past that were not checked. Split the PR, or run `pucs check` locally for the whole diff.";

export function reportOf(ev: Evaluation, annotations: Annotation[], extra: { truncated?: boolean; configIssues?: SourceIssue[] } = {}): Report {
  const notes: string[] = [];
  if (extra.truncated) notes.push(TRUNCATED_NOTE);
  const issues = extra.configIssues ?? [];
  let conclusion: Conclusion = checkConclusion(ev);
  let title = checkTitle(ev);
  const configAnnotations: Annotation[] = [];
  if (issues.length > 0) {
    conclusion = "failure";
    title = `Invalid PUCS config: ${issues.length} problem${issues.length === 1 ? "" : "s"} · ${title}`;
    notes.push(
      ["**This PR's PUCS config does not validate** (the rules in force stay the default branch's until it does):", "", "```", ...issues.map(formatIssue), "```"].join("\n"),
    );
    for (const i of issues) {
      configAnnotations.push({
        path: i.file,
        start_line: Math.max(1, i.line),
        end_line: Math.max(1, i.line),
        annotation_level: i.severity === "error" ? "failure" : "warning",
        title: "PUCS config",
        message: i.message,
      });
    }
  }
  const body = renderMarkdown(ev, { marker: "" });
  const summary = [...notes, body].join("\n\n");
  const comment = ev.verdict === "clear" && issues.length === 0 ? null : [REPORT_MARKER, ...notes, renderMarkdown(ev, { marker: "" })].join("\n");
  return {
    conclusion,
    output: { title, summary, annotations: [...configAnnotations, ...annotations] },
    comment,
    conflict: ev.verdict === "blocked" || ev.verdict === "needs-decision" || issues.length > 0,
    key: issues.length > 0 ? `${reportKey(ev)}|config` : reportKey(ev),
  };
}

export function resolvedComment(sha: string): string {
  return `${REPORT_MARKER}\n### PUCS: ✅ resolved\n\nNo conflicts as of ${sha.slice(0, 7)}. This comment showed earlier conflicts; it is kept as the record and will be edited again if new ones appear.\n`;
}

export interface PublishTarget {
  number: number;
  headSha: string;
  labels: string[];
  url?: string;
  /**
   * What the ledger knows of this PR's earlier reports (its footprint): the head they were for and
   * the report comment's id (null: none). `null` = nothing known (no footprint): look on GitHub.
   */
  known: { sha: string | null; comment: number | null } | null;
  /** When `labels` were read (labelClock()): labels this process set after that are newer than them. */
  labelsRead?: number;
  /** The PR's node id when the caller read it (else a refresh looks in this process's memory, then asks GitHub once). */
  node?: string;
}

/** The App's own labels a PR should carry: `pucs:conflict` while its report is not clear, `pucs:queued` while it waits in a path's queue. */
export interface LabelWant {
  conflict: boolean;
  queued: boolean;
}

export interface Published {
  checkRun: number | null;
  /** The report comment's id, null when the PR has none. */
  comment: number | null;
}

/**
 * Check run + sticky comment (in that order: the report is visible after at most 2 writes).
 *
 * Reads only what it cannot know: a head PUCS has never reported on (the ledger's footprint is for
 * another sha, and this process made no run for it) gets its check run created without listing the
 * runs; a comment whose id the footprint holds is read by id; the PR's comments are listed only when
 * a comment must be created (never twice: see createCommentOnce) or nothing is known.
 */
export async function publishReport(ctx: Ctx, t: PublishTarget, r: Report, want?: LabelWant): Promise<Published> {
  // One publisher of a PR at a time: two at once would both find no comment and both create one.
  return locksOf(ctx).run(prKey(ctx, t.number), () => publishHeld(ctx, t, r, want));
}

/**
 * publishReport with the PR's lock held; remembers what was published (`Shown`). With `want`, the
 * labels are made to match too: when the comment and the labels both change they go in one request
 * (AppGateway.writeReport), so a report whose verdict flips costs 2 writes (check run, comment +
 * labels), not 3–4.
 */
async function publishHeld(ctx: Ctx, t: PublishTarget, r: Report, want?: LabelWant): Promise<Published> {
  const memo = reportedOf(ctx);
  const key = prKey(ctx, t.number);
  if (t.node) nodesOf(ctx).set(key, t.node);
  const labels = want ? labelPlan(currentLabels(ctx, t), want) : null;
  const out = await publishUnlocked(ctx, t, r, labels);
  memo.set(key, {
    ...memo.get(key),
    digest: reportDigest(t.headSha, r),
    ...(r.key !== undefined ? { key: r.key } : {}),
    ...(want ? { labels: { ...want }, labelsAt: labelClock() } : {}),
  });
  return out;
}

async function publishUnlocked(ctx: Ctx, t: PublishTarget, r: Report, labels: LabelPlan | null = null): Promise<Published> {
  let checkRun: number | null = null;
  if (t.headSha) {
    const key = `${ctx.repoKey}@${t.headSha}`;
    const fresh = t.known !== null && t.known.sha !== t.headSha && !ctx.published.has(key);
    const existing = fresh ? null : await ctx.gw.findCheckRun(t.headSha);
    // The summary names the annotations it was published with, so a run whose annotations are no
    // longer the report's is recognised (GitHub appends annotations on update and cannot remove them).
    const output = withAnnotationDigest(r.output);
    if (!existing) checkRun = await ctx.gw.createCheckRunOnce(t.headSha, r.conclusion, output);
    else {
      checkRun = existing.id;
      if (existing.conclusion !== r.conclusion || existing.title !== output.title || existing.summary !== output.summary || existing.status !== "completed") {
        if (existing.annotationsCount > 0 && annotationDigestOf(existing.summary) !== annotationDigestOf(output.summary)) {
          // Its annotations would lie (e.g. "LOCKED" on a file whose lock is gone): a new run of the same
          // name on the same head replaces it in the PR's checks, with exactly the current annotations.
          checkRun = await ctx.gw.createCheckRun(t.headSha, r.conclusion, output, undefined, { retry: false });
        } else {
          // Same annotations (or none on the run): update in place, sending none again (no duplicates).
          await ctx.gw.updateCheckRun(existing.id, r.conclusion, existing.annotationsCount > 0 ? { ...output, annotations: [] } : output);
        }
      }
    }
    ctx.published.set(key, checkRun);
  }
  let current: CommentInfo | null = null;
  const knownId = t.known?.comment ?? null;
  if (knownId !== null) current = await ctx.gw.getComment(knownId);
  if (current === null && (r.comment !== null || t.known === null || knownId !== null)) current = await ctx.gw.findComment(t.number, REPORT_MARKER);
  let body: string | null = null;
  if (r.comment !== null) {
    if (!current || current.body.trim() !== r.comment.trim()) body = r.comment;
  } else if (current && !current.body.includes("PUCS: ✅ resolved")) {
    body = resolvedComment(t.headSha);
  }
  const relabel = labels !== null && labels.add.length + labels.remove.length > 0;
  if (body !== null && relabel && (current === null || current.nodeId !== undefined)) {
    // Both change: one request (the labels' and the PR's node ids are known after the first time).
    const [node, add, remove] = await Promise.all([nodeOf(ctx, t), Promise.all(labels.add.map((s) => labelIdOf(ctx, s, true))), Promise.all(labels.remove.map((s) => labelIdOf(ctx, s, false)))]);
    const comment = current === null ? { create: { body, key: REPORT_MARKER } } : { update: { id: current.id, nodeId: current.nodeId!, body } };
    // A label to remove that the repository no longer has is on no PR: nothing to remove (and it is not made again).
    const id = await ctx.gw.writeReport({ number: t.number, node, comment, add: add.filter((l) => l !== null), remove: remove.filter((l) => l !== null) });
    return { checkRun, comment: id ?? current?.id ?? null };
  }
  let comment = current?.id ?? null;
  if (body !== null) {
    if (current === null) comment = await ctx.gw.createCommentOnce(t.number, body, REPORT_MARKER);
    else await ctx.gw.updateComment(current.id, body);
  }
  if (labels !== null) await applyLabels(ctx, t.number, labels);
  return { checkRun, comment };
}

/** The PR's node id: the caller's, this process's memory of it, or one GraphQL read. */
async function nodeOf(ctx: Ctx, t: PublishTarget): Promise<string> {
  if (t.node) return t.node;
  const key = prKey(ctx, t.number);
  const known = nodesOf(ctx).get(key);
  if (known) return known;
  const node = await ctx.gw.pullNodeId(t.number);
  nodesOf(ctx).set(key, node);
  return node;
}

/**
 * A label's node id, read once per repository per process; `create`: the label is made when the
 * repository lacks it (to add it), else null (to remove it: a missing label is on no PR).
 */
async function labelIdOf(ctx: Ctx, spec: LabelSpec, create: boolean): Promise<{ name: string; id: string } | null> {
  const key = `${ctx.repoKey}:${spec.name}`;
  const ids = ctx.labelIds ?? defaultLabelIds;
  let id: string | null | undefined = ids.get(key);
  if (id === undefined) {
    // Two publishers needing it at once ask GitHub once (else both would create a missing label).
    const ask = `${key}\0${create}`;
    let asking = labelAsks.get(ask);
    if (!asking) {
      asking = ctx.gw.labelNodeId(spec, { create }).finally(() => labelAsks.delete(ask));
      labelAsks.set(ask, asking);
    }
    id = await asking;
    if (id === null) return null;
    ids.set(key, id);
    ctx.knownLabels.add(key);
  }
  return { name: spec.name, id };
}
const labelAsks = new Map<string, Promise<string | null>>();

const ANNOTATIONS_MARK = /\n\n<!-- pucs:annotations ([0-9a-f]+) -->$/;

/** The check run's output with a hidden line naming its annotations (a digest of them). */
export function withAnnotationDigest(out: CheckOutput): CheckOutput {
  const digest = createHash("sha1").update(JSON.stringify(out.annotations)).digest("hex").slice(0, 12);
  return { ...out, summary: `${out.summary.replace(ANNOTATIONS_MARK, "")}\n\n<!-- pucs:annotations ${digest} -->` };
}

/** The annotations digest a published summary carries ("" when none: a run made before digests). */
export function annotationDigestOf(summary: string): string {
  return ANNOTATIONS_MARK.exec(summary)?.[1] ?? "";
}

/** Makes `pucs:conflict` / `pucs:queued` on the PR match the report and the ledger. */
export async function syncLabels(ctx: Ctx, t: PublishTarget, want: LabelWant): Promise<void> {
  await locksOf(ctx).run(prKey(ctx, t.number), () => syncLabelsHeld(ctx, t, want));
}

/** syncLabels with the PR's lock held; remembers the labels set (`Shown`). */
async function syncLabelsHeld(ctx: Ctx, t: PublishTarget, want: LabelWant): Promise<void> {
  await applyLabels(ctx, t.number, labelPlan(currentLabels(ctx, t), want));
  const key = prKey(ctx, t.number);
  const memo = reportedOf(ctx);
  memo.set(key, { ...memo.get(key), labels: { ...want }, labelsAt: labelClock() });
}

/** The PR's labels as they are now: the caller's copy, with what another publisher of it set since the caller read them (a refresh during its event). */
function currentLabels(ctx: Ctx, t: PublishTarget): string[] {
  const shown = reportedOf(ctx).get(prKey(ctx, t.number));
  if (!(shown?.labels && t.labelsRead !== undefined && (shown.labelsAt ?? 0) > t.labelsRead)) return t.labels;
  const ours = [LABELS.conflict.name, LABELS.queued.name];
  const set = [...(shown.labels.conflict ? [LABELS.conflict.name] : []), ...(shown.labels.queued ? [LABELS.queued.name] : [])];
  return [...t.labels.filter((l) => !ours.includes(l)), ...set];
}

/** The App's labels to add and to remove so that a PR carrying `labels` carries what `want` says. */
interface LabelPlan {
  add: LabelSpec[];
  remove: LabelSpec[];
}

function labelPlan(labels: readonly string[], want: LabelWant): LabelPlan {
  const plan: LabelPlan = { add: [], remove: [] };
  for (const [key, on] of [
    ["conflict", want.conflict],
    ["queued", want.queued],
  ] as const) {
    const spec = LABELS[key];
    const has = labels.includes(spec.name);
    if (on && !has) plan.add.push(spec);
    else if (!on && has) plan.remove.push(spec);
  }
  return plan;
}

/** A label plan over REST: a removal per label, one add for all (each added label made first when missing). */
async function applyLabels(ctx: Ctx, number: number, plan: LabelPlan): Promise<void> {
  for (const spec of [LABELS.conflict, LABELS.queued]) {
    if (plan.add.includes(spec)) await ensureLabel(ctx, spec);
    else if (plan.remove.includes(spec)) await ctx.gw.removeLabel(number, spec.name);
  }
  if (plan.add.length > 0) await ctx.gw.addLabels(number, plan.add.map((s) => s.name));
}

export async function ensureLabel(ctx: Ctx, spec: LabelSpec): Promise<void> {
  const key = `${ctx.repoKey}:${spec.name}`;
  if (ctx.knownLabels.has(key)) return;
  await ctx.gw.ensureLabel(spec);
  ctx.knownLabels.add(key);
}

/** Colour of the `pucs:stream:<ID>` labels. */
export const STREAM_LABEL_COLOR = "1d76db";

/**
 * Once per repository per process: create the labels people use to talk to PUCS (pucs:lock, one
 * pucs:stream:<ID> per configured stream) and the ones it sets (pucs:conflict, pucs:queued) when
 * missing, so they can be picked in GitHub's label menu. One read (the repository's labels, ≤ 3
 * pages); a write per missing label, which happens once in the repository's life.
 */
export async function ensureRepoLabels(ctx: Ctx, config: Config): Promise<string[]> {
  const marker = `${ctx.repoKey}:*`;
  if (ctx.knownLabels.has(marker)) return [];
  const existing = new Set((await ctx.gw.listLabels()).map((l) => l.toLowerCase()));
  const wanted: LabelSpec[] = [
    LABELS.lock,
    LABELS.conflict,
    LABELS.queued,
    ...config.streams.map((st) => ({ name: streamLabel(st.id), color: STREAM_LABEL_COLOR, description: `PUCS: this PR belongs to the ${st.id} stream (${st.name})`.slice(0, 100) })),
  ];
  const created: string[] = [];
  for (const spec of wanted) {
    if (!existing.has(spec.name.toLowerCase())) {
      if (await ctx.gw.ensureLabel(spec, { known: false })) created.push(spec.name);
    }
    ctx.knownLabels.add(`${ctx.repoKey}:${spec.name}`);
  }
  ctx.knownLabels.add(marker);
  return created;
}

export const isQueued = (ledger: Ledger, change: string): boolean => ledger.queues.some((q) => q.waiters.some((w) => w.change === change));

// ---------------------------------------------------------------------------
// Refreshing the others
// ---------------------------------------------------------------------------

/**
 * A report comment made for `change` after its commit: its id goes into the footprint with the next
 * commit that has other work to carry (`settleRefresh`), which loads `scope` to do it.
 */
export function noteCommentLater(ctx: Ctx, change: string, comment: number, scope: Scope): void {
  const settled = settledOf(ctx);
  settled.comments.set(change, comment);
  settled.scopes.set(change, scope);
}

/** A footprint's report key and queued state against a ledger: see src/engine/refresh.ts. */
export function keyOfFootprint(config: Config, now: number): KeyOf {
  return (fp, l) => shownKey(reportKey(evaluate(changeOfFootprint(fp), l, config, now, { stream: fp.stream })), isQueued(l, fp.change));
}

/** How long after an event a repository's leftover refreshes (footprints marked `stale`) are drained in the background (PUCS_REFRESH_DRAIN_MS, default 5 s). */
export function drainDelayMs(): number {
  const raw = process.env.PUCS_REFRESH_DRAIN_MS;
  const v = Number(raw);
  return raw !== undefined && raw !== "" && Number.isFinite(v) && v >= 0 ? v : 5000;
}

/**
 * Arms the repository's ledger writer (called with the config each event read): every commit then
 * also (1) marks `stale` the footprints of the open PRs whose verdict or strategy the commit changed
 * (src/engine/refresh.ts `staleAfter`) — durable in the same commit, so a crash after it loses no
 * refresh — and (2) clears the mark of the ones refreshed since and records the report comments made for
 * other PRs (`settleRefresh`). Neither costs a commit of its own.
 */
export function armRefresh(ctx: Ctx, config: Config): void {
  const settled = settledOf(ctx);
  ctx.writer.finishWith(ctx.repoKey, (before, after) => {
    const now = ctx.now();
    // A big stream read by its head: when its count crosses max_agents, every member's report may change.
    const whole = unlistedCapacityChanges(before, after, config, now);
    if (whole.length > 0) throw new NeedsMembers(whole);
    const keyOf = keyOfFootprint(config, now);
    const stale = staleAfter(before, after, keyOf, null);
    return settleRefresh(after, { add: stale, done: settled.done, comments: settled.comments }, keyOf);
  });
}

/**
 * After a ledger commit: publish the reports of the footprints marked `stale` (the commit itself
 * marked the ones it made out of date: see `armRefresh`), MAX_REFRESH of them per call, from the ledger alone
 * (no listing of their files). Each is published only when this process has not already published
 * that verdict (`Shown.key`): the events of one coalesced batch all see the same before → after,
 * and the PR's own event may have published it. Labels change only when they differ from what this
 * process last set (or, when it set none, from what the previous report implied, or GitHub's when
 * even that is unknown). A PR past the budget stays marked: the next events and a background
 * drain (`drainDelayMs()` later) take it. `except` = the PR the event was about: its own event
 * published it; it is refreshed here only when the commit changed its verdict again.
 * Returns the PRs refreshed.
 */
export async function refreshOthers(ctx: Ctx, config: Config, before: Ledger, after: Ledger, except: string | null): Promise<string[]> {
  const now = ctx.now();
  const keyOf = keyOfFootprint(config, now);
  const settled = settledOf(ctx);
  // A partial ledger (the App's hot path) holds the footprints on the event's files and phantoms of its
  // streams: another PR's report is assessed on a read complete for that PR (`completeView`).
  const partial = isView(before) || isView(after);
  // The event's own PR too: its report was evaluated on the ledger the event read, and other changes
  // may have landed before its commit (another replica's, or an earlier batch's).
  const listed = after.footprints.filter((f) => f.stale === true || f.change === except).map((f) => f.change);
  // Phantoms (a stream's members listed by its head or summary) carry no stale mark: no evidence either way.
  const inView = new Set(after.footprints.filter((f) => !isPhantom(f)).map((f) => f.change));
  // A refresh not yet recorded is forgotten once the ledger no longer lists the change stale (only where this ledger can tell).
  for (const id of [...settled.done.keys()]) if ((!partial || inView.has(id)) && !listed.includes(id)) settled.done.delete(id);
  for (const [id, c] of settled.comments) if (after.footprints.find((f) => f.change === id)?.comment === c || (!partial && !inView.has(id))) settled.comments.delete(id);
  for (const id of [...settled.scopes.keys()]) if (!settled.done.has(id) && !settled.comments.has(id)) settled.scopes.delete(id);
  if (listed.length === 0) return [];
  const open = new Map(after.footprints.map((f) => [f.change, f]));
  const memo = reportedOf(ctx);
  const refreshed: string[] = [];
  let left = 0;
  const assessWith = (id: string, l: Ledger, fp: Footprint, ev: Evaluation) => {
    const queued = isQueued(l, id);
    const report = reportOf(ev, []);
    return { fp, queued, report, want: { conflict: report.conflict, queued }, done: shownKey(report.key!, queued) };
  };
  const assess = (id: string, l: Ledger) => {
    const fp = l.footprints.find((f) => f.change === id);
    if (!fp) return null;
    return assessWith(id, l, fp, evaluate(changeOfFootprint(fp), l, config, now, { stream: fp.stream }));
  };
  /** The PR's report on the newest ledger: the whole one this process knows, or a read complete for it. */
  const assessNewest = async (id: string) => {
    if (!partial) {
      const latest = ctx.writer.latest?.(ctx.repoKey);
      return latest && latest !== after && !isView(latest) ? assess(id, latest) : assess(id, after);
    }
    // Its files and stream are known when the event's view loaded its footprint whole: one query fewer.
    const known = open.get(id);
    const guess: Scope = known && !isPhantom(known) ? scopeOfFootprint(known) : { changes: [id], paths: [], streams: [] };
    const first = await readLedgerView(ctx.store.rc, ctx.store.ref, guess);
    const fp = first.whole ? first.ledger.footprints.find((f) => f.change === id) : first.footprints.get(id);
    if (!fp) return null;
    const { read, ev } = await completeView(ctx, first, scopeOfFootprint(fp), (l) => evaluate(changeOfFootprint(fp), l, config, now, { stream: fp.stream }));
    settled.scopes.set(id, { changes: [id], paths: scopeOfFootprint(fp).paths, streams: streamsOf(ev) });
    return assessWith(id, read.ledger, fp, ev);
  };
  for (const id of listed) {
    const n = numberOf(id);
    if (!open.has(id) || n === null) continue;
    const first = assess(id, after)!;
    const peek = memo.get(prKey(ctx, n));
    // The event's own PR: its event just published it from its full diff (with annotations, and its
    // config's problems): refreshed only when the verdict it showed is no longer the ledger's.
    if (id === except && peek?.key?.replace(/\|config$/, "") === first.report.key && peek?.labels?.queued === first.want.queued) {
      settled.done.set(id, first.done);
      continue;
    }
    // (On a partial ledger a report key can only match the one shown when the PR has no conflict outside it.)
    if (peek?.key === first.report.key && peek?.digest !== undefined && peek?.labels?.conflict === first.want.conflict && peek?.labels?.queued === first.want.queued) {
      settled.done.set(id, first.done);
      continue;
    }
    if (refreshed.length >= MAX_REFRESH) {
      left++;
      continue;
    }
    // Decided with the PR's lock held: another publisher of it may have just shown this very report.
    const wrote = await locksOf(ctx).run(prKey(ctx, n), async (): Promise<boolean> => {
      const a = await assessNewest(id);
      if (!a) return false;
      const { fp, report, want } = a;
      const shown = memo.get(prKey(ctx, n));
      const reportShown = shown?.key === report.key && shown?.digest !== undefined;
      const labelsShown = shown?.labels !== undefined && shown.labels.conflict === want.conflict && shown.labels.queued === want.queued;
      settled.done.set(id, a.done);
      if (reportShown && labelsShown) return false;
      let labels: string[] = [...(fp.labels ?? [])];
      if (shown?.labels) {
        if (shown.labels.conflict) labels.push(LABELS.conflict.name);
        if (shown.labels.queued) labels.push(LABELS.queued.name);
      } else if (!partial && before !== after && before.footprints.some((f) => f.change === id)) {
        // The footprint leaves out the App's own labels: they matched the previous report.
        const evBefore = evaluate(changeOfFootprint(fp), before, config, now, { stream: fp.stream });
        if (reportOf(evBefore, []).conflict) labels.push(LABELS.conflict.name);
        if (isQueued(before, id)) labels.push(LABELS.queued.name);
      } else {
        labels = await ctx.gw.labelsOf(n);
      }
      const target: PublishTarget = { number: n, headSha: fp.headSha, labels, known: { sha: fp.headSha, comment: fp.comment ?? null } };
      if (!reportShown) {
        // With its labels when they change too: one request for the comment and the labels.
        const published = await publishHeld(ctx, target, report, labelsShown ? undefined : want);
        if (published.comment !== null && published.comment !== fp.comment) settled.comments.set(id, published.comment);
      } else await syncLabelsHeld(ctx, target, want);
      return true;
    });
    // Only a PR this call published counts against its budget (one another publisher showed is done).
    if (wrote) refreshed.push(id);
  }
  if (left > 0) {
    ctx.log.info(`${left} more PRs to refresh than ${MAX_REFRESH} per event: they stay marked stale in the ledger`);
    scheduleDrain(ctx, config);
  }
  return refreshed;
}

/**
 * Refreshes a repository's footprints marked `stale` in the background, `drainDelayMs()` after the last event
 * that left some (one timer per repository; an event that refreshes some itself does not wait for it).
 * Each round (drainRefresh) refreshes up to MAX_REFRESH; the drain schedules itself again while some are
 * left in its cycle (`visited` carries the cycle on; an event starts a new one).
 */
export function scheduleDrain(ctx: Ctx, config: Config, visited?: Set<string>): void {
  const drains = ctx.drains ?? defaultDrains;
  const cur = drains.get(ctx.repoKey);
  if (cur?.running) {
    cur.again = true;
    return;
  }
  if (cur?.timer) clearTimeout(cur.timer);
  // A new cause (an event) starts a new cycle; the drain's own continuation carries on with its list.
  const entry: Drain = { visited: visited ?? new Set() };
  entry.timer = setTimeout(() => {
    delete entry.timer;
    let more = false;
    entry.running = drainRefresh(ctx, config, entry.visited)
      .then(
        (r) => void (more = r.more),
        (e: unknown) => ctx.log.warn(`refreshing the reports marked stale failed: ${String(e)}; the next event retries`),
      )
      .finally(() => {
        if (drains.get(ctx.repoKey) === entry) drains.delete(ctx.repoKey);
        if (entry.again) scheduleDrain(ctx, config);
        else if (more) scheduleDrain(ctx, config, entry.visited);
      });
  }, drainDelayMs());
  entry.timer.unref?.();
  drains.set(ctx.repoKey, entry);
}

/** Resolves once no background drain is scheduled or running (tests; a graceful stop). */
export async function drainsIdle(drains: Map<string, Drain>): Promise<void> {
  while (drains.size > 0) {
    await Promise.all([...drains.values()].map((d) => d.running ?? new Promise((r) => setTimeout(r, 5))));
  }
}

/**
 * One round of the background drain: MAX_REFRESH of the reports the ledger lists as stale, the next
 * ones of this cycle (`visited`: taken in earlier rounds, whether they needed a new report or not; a
 * mark stays until a later commit clears it). It reads the ledger's `stale/` entries (one query,
 * whatever the number of open PRs), then their footprints and what their reports depend on; a ledger
 * without stale entries (an older pucs wrote it) is read whole. `more`: stale reports are left for
 * another round.
 */
export async function drainRefresh(ctx: Ctx, config: Config, visited: Set<string> = new Set()): Promise<{ refreshed: string[]; more: boolean }> {
  const marks = await readStaleMarks(ctx.store.rc, ctx.store.ref);
  if (marks === null) {
    const snap = await ctx.store.read();
    if (!snap.ledger.footprints.some((f) => f.stale === true)) return { refreshed: [], more: false };
    armRefresh(ctx, config);
    return { refreshed: await refreshOthers(ctx, config, snap.ledger, snap.ledger, null), more: false };
  }
  const todo = marks.changes.filter((c) => !visited.has(c)).sort((a, b) => (numberOf(a) ?? 0) - (numberOf(b) ?? 0));
  if (todo.length === 0 || marks.version === null) return { refreshed: [], more: false };
  const next = todo.slice(0, MAX_REFRESH);
  for (const c of next) visited.add(c);
  // Their footprints, then what their reports depend on (each one's files, stream and the streams its
  // evaluation involves), at the same commit: a report is assessed on a view that holds its causes.
  let view = await readLedgerView(ctx.store.rc, ctx.store.ref, { changes: next, paths: [], streams: [] }, marks.version);
  const fps = next.flatMap((c) => view.footprints.get(c) ?? []);
  view = await fillView(ctx.store.rc, ctx.store.ref, view, unionScope(...fps.map(scopeOfFootprint)));
  const now = ctx.now();
  const involved = fps.flatMap((fp) => streamsOf(evaluate(changeOfFootprint(fp), view.ledger, config, now, { stream: fp.stream })));
  view = await fillView(ctx.store.rc, ctx.store.ref, view, { changes: [], paths: [], streams: involved });
  armRefresh(ctx, config);
  const refreshed = await refreshOthers(ctx, config, view.ledger, view.ledger, null);
  return { refreshed, more: todo.length > next.length };
}

/** Sets the report comment id of the footprints named in `ids` (change → comment id). */
export function noteComments(l: Ledger, ids: ReadonlyMap<string, number>): { ledger: Ledger; outcome: null; message: string | null } {
  let changed = false;
  const footprints = l.footprints.map((f) => {
    const id = ids.get(f.change);
    if (id === undefined || f.comment === id) return f;
    changed = true;
    return { ...f, comment: id };
  });
  if (!changed) return { ledger: l, outcome: null, message: null };
  return { ledger: { ...l, footprints }, outcome: null, message: `report comments of ${[...ids.keys()].join(", ")}` };
}

export { annotationsFor };
