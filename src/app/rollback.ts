/**
 * The App's side of ROLLBACK (seed §8.1: breaking change detected → revert + notify) and of ARBITRATE
 * with a decider. The rules are ledger transitions (src/ledger/transitions.ts) and engine functions
 * (src/engine/arbitrate.ts); this module does the GitHub part.
 *
 * ROLLBACK
 * - A tracked PR that merges is kept in the ledger with its merge commit (`releaseMerged`, in the
 *   close's own commit: no request added).
 * - A check suite or workflow run failing on the default branch at such a merge commit
 *   (`suggestRollbackFor`): read 1 is the ledger and config (`loadState`), read 2 the commit's check
 *   runs (to name the failing ones; only when a suggestion is new), one ledger write, then a comment on
 *   the PR offering `/pucs rollback`. The stream's open PRs are marked stale in that commit (their
 *   reports get the ROLLBACK note) and refreshed by the background drain, not by this event.
 * - `/pucs rollback` (`planRollback`): GitHub's GraphQL `revertPullRequest`, the stream's label on the
 *   revert PR, a comment telling the author, then the suggestion marked done in the ledger.
 *
 * ARBITRATE
 * - `askCoordinators`: on a push whose report has an undecided ARBITRATE conflict, the coordinators
 *   are asked for a review once per PR (POST requested_reviewers: users → `reviewers`, `@org/team` →
 *   `team_reviewers`), remembered in the ledger in the push's own commit.
 * - `/pucs decide -- note` (`planDecide`): a coordinator of the conflicts (a listed login, a member of
 *   a listed team) or a maintainer records the decision; those conflicts stop blocking.
 */
import { conflictKey, coordinatorsOfStream, decidableKeys, isArbitrate, namesOf, splitCoordinators, type Coordinators } from "../engine/arbitrate.js";
import { changeOfFootprint, type PullRequest } from "../engine/change.js";
import { evaluate } from "../engine/evaluate.js";
import { streamLabel } from "../engine/membership.js";
import type { Config, Conflict, Ledger, MergedChange } from "../engine/types.js";
import type { Role } from "../engine/commands.js";
import { GitHubError } from "../github/client.js";
import { CHECK_NAME } from "../github/app-gateway.js";
import {
  decideArbitration,
  markRolledBack,
  recordMerge,
  releaseChange,
  suggestRollback,
  type DecideOutcome,
  type MarkRolledBackOutcome,
  type ReleaseOutcome,
  type RequestArbitrationOutcome,
  type SuggestRollbackOutcome,
  type TransitionResult,
} from "../ledger/transitions.js";
import { loadState, scheduleDrain, type Ctx } from "./core.js";

type J = Record<string, unknown>;
const code = (s: string) => `\`${s}\``;
const short = (sha: string) => sha.slice(0, 7);

// ---------------------------------------------------------------------------
// ROLLBACK: remembering merges, suggesting, reverting
// ---------------------------------------------------------------------------

/** The close's release, and for a merged PR PUCS tracked, its merge kept for ROLLBACK (one commit). */
export function releaseMerged(l: Ledger, pr: PullRequest, change: string, now: number): TransitionResult<ReleaseOutcome> {
  const rec = pr.merged && pr.mergeSha ? recordMerge(l, { change, mergeSha: pr.mergeSha, author: pr.author, ...(pr.title ? { title: pr.title } : {}), ...(pr.nodeId ? { nodeId: pr.nodeId } : {}) }, now) : null;
  const r = releaseChange(rec ? rec.ledger : l, { change }, now);
  if (!rec || rec.message === null) return r;
  return { ledger: r.ledger, outcome: r.outcome, message: [r.message, rec.message].filter((m) => m !== null).join("\n") };
}

export interface FailedCommit {
  source: "check_suite" | "workflow_run";
  id: number;
  conclusion: string | null;
  /** The suite's app or the workflow's name. */
  name: string;
  headSha: string;
  defaultBranch: string;
}

export interface RollbackResult {
  kind: "ignored" | "suggested" | "known";
  merge: MergedChange | null;
  wrote: boolean;
}

/** The comment on a merged PR whose merge commit fails on the default branch (never parsed as a command). */
export function rollbackCommentBody(m: MergedChange, e: Pick<FailedCommit, "source" | "name" | "conclusion" | "defaultBranch">, checks: readonly string[], key: string): string {
  const what = `${e.source === "check_suite" ? "check suite" : "workflow"} "${e.name}" ${e.conclusion ?? "failed"}`;
  return [
    "<!-- pucs:notice -->",
    key,
    "### PUCS: ↩️ ROLLBACK suggested",
    "",
    `${m.author ? `@${m.author}: t` : "T"}he merge of this PR (${code(short(m.mergeSha))}) fails on ${code(e.defaultBranch)}: ${what}. Failing checks: ${checks.map(code).join(", ")}.`,
    "",
    `- A maintainer opens the revert PR by commenting ${code("/pucs rollback")} here: GitHub's own revert of this PR${m.stream ? `, labelled ${code(streamLabel(m.stream))}` : ""}, and ${m.author ? `@${m.author}` : "the author"} is told.`,
    `- Locally, ${code(`pucs rollback ${short(m.mergeSha)}`)} prepares the same revert in a new worktree.`,
    "",
    m.stream ? `Until the revert is opened, the open PRs of ${m.stream} show this in their PUCS reports.` : "This PR had no stream, so no other PR's report mentions it.",
  ].join("\n");
}

/** The failing check runs of a commit (not PUCS's own), newest first; one read. */
async function failingChecks(ctx: Ctx, sha: string): Promise<string[]> {
  const r = await ctx.gw.rc.call(`list the check runs of ${short(sha)}`, "checks: read", "GET /repos/{owner}/{repo}/commits/{ref}/check-runs", { ref: sha, filter: "latest", per_page: 100 });
  const runs = (((r.data as J)?.check_runs ?? []) as J[]).filter((x) => (x.conclusion === "failure" || x.conclusion === "timed_out") && x.name !== CHECK_NAME);
  return [...new Set(runs.map((x) => String(x.name)))];
}

/**
 * A suite or run failed on the default branch: when its commit is the merge of a PR PUCS tracked and
 * no ROLLBACK was suggested for it yet, record the suggestion and say so on the PR.
 * Cost: 1 read when the commit is no tracked merge (or was suggested already); else 2 reads, 1 ledger
 * write and the comment.
 */
export async function suggestRollbackFor(ctx: Ctx, e: FailedCommit): Promise<RollbackResult> {
  const state = await loadState(ctx, e.defaultBranch);
  if (state.config.kind !== "ok") return { kind: "ignored", merge: null, wrote: false };
  const known = (state.snapshot.ledger.merges ?? []).find((m) => m.mergeSha === e.headSha) ?? null;
  if (!known) return { kind: "ignored", merge: null, wrote: false };
  if (known.rollback) return { kind: "known", merge: known, wrote: false };
  let checks: string[] = [];
  try {
    checks = await failingChecks(ctx, e.headSha);
  } catch (err) {
    if (!(err instanceof GitHubError)) throw err;
    ctx.log.warn(`could not list the check runs of ${short(e.headSha)} (${err.message}): the suggestion names the ${e.source} only`);
  }
  if (checks.length === 0) checks = [e.name];
  const now = ctx.now();
  const ref = `${e.source}:${e.id}`;
  const r = await ctx.writer.update(
    ctx.repoKey,
    ctx.store,
    (l) => {
      const x = suggestRollback(l, { mergeSha: e.headSha, checks, ref }, now);
      return { ...x, message: x.message !== null ? `${x.message}\n\n(${e.source} ${e.id} on ${e.defaultBranch})` : null };
    },
    state.snapshot,
  );
  const o = r.outcome as SuggestRollbackOutcome;
  if (o.kind !== "suggested") return { kind: o.kind === "already" ? "known" : "ignored", merge: o.kind === "already" ? o.merge : null, wrote: r.wrote };
  const m = o.merge;
  ctx.log.warn(`ROLLBACK suggested for ${m.change}: its merge ${short(m.mergeSha)} fails on ${e.defaultBranch} (${checks.join(", ")})`, { change: m.change, stream: m.stream, agent: m.agent });
  const n = Number(m.change.slice(1));
  const key = `<!-- pucs:rollback ${m.mergeSha} -->`;
  await ctx.gw.createCommentOnce(n, rollbackCommentBody(m, e, checks, key), key);
  // The stream's open reports were marked stale in that commit: the background drain refreshes them.
  if (m.stream) scheduleDrain(ctx, state.config.config);
  return { kind: "suggested", merge: m, wrote: r.wrote };
}

/** One reply line. */
export interface Line {
  text: string;
  ok: boolean;
}

/** A command's ledger steps and how to describe their outcome (comment.ts runs them in the comment's commit). */
export interface PlannedSteps {
  steps: ((l: Ledger) => TransitionResult<unknown>)[];
  describe: (outcomes: unknown[]) => Line;
}

const REVERT = `mutation($input: RevertPullRequestInput!) {
  revertPullRequest(input: $input) { revertPullRequest { number url } }
}`;

/**
 * `/pucs rollback` on a merged PR with a ROLLBACK suggestion: opens GitHub's revert PR (GraphQL
 * `revertPullRequest`), labels it with the stream, tells the author; the returned step marks the
 * suggestion done. A refusal (no suggestion, already reverted, GitHub's error) is a Line.
 */
export async function planRollback(ctx: Ctx, a: { number: number; commenter: string; ledger: Ledger; pull: PullRequest | null; defaultBranch: string }): Promise<PlannedSteps | Line> {
  const id = `#${a.number}`;
  const m = (a.ledger.merges ?? []).find((x) => x.change === id) ?? null;
  if (!m || !m.rollback) {
    const why = !m
      ? `${id} is not a merged PR PUCS tracked`
      : `CI has not failed on ${id}'s merge commit ${code(short(m.mergeSha))} on ${code(a.defaultBranch)}`;
    return { text: `no ROLLBACK is suggested for ${id}: ${why}. PUCS suggests one when a check fails on the merge commit of a tracked PR; to revert anyway, use GitHub's Revert button or ${code("pucs rollback <merge-sha>")} locally.`, ok: false };
  }
  if (m.rollback.done) return { text: `${id} was reverted already: #${m.rollback.done.revert} (opened by @${m.rollback.done.by} at ${m.rollback.done.at.replace(/\.000Z$/, "Z")}).`, ok: false };
  const nodeId = m.nodeId ?? a.pull?.nodeId;
  if (!nodeId) return { text: `GitHub did not name ${id}'s node id, so its revert cannot be opened from here: use GitHub's Revert button, or ${code(`pucs rollback ${short(m.mergeSha)}`)} locally.`, ok: false };
  const checks = m.rollback.checks.join(", ");
  let revert: { number: number; url?: string };
  try {
    const data = await ctx.gw.rc.graphql<{ revertPullRequest?: { revertPullRequest?: { number?: number; url?: string } | null } | null }>(`open the revert of ${id}`, "pull_requests: write, contents: write", REVERT, {
      input: {
        pullRequestId: nodeId,
        title: `Revert ${id}${m.title ? ` "${m.title}"` : ""} (PUCS ROLLBACK)`,
        body: `Reverts ${id}: its merge ${short(m.mergeSha)} fails on ${a.defaultBranch} (${checks}).\n\nOpened by @${a.commenter} with the PUCS ROLLBACK command on ${id}.`,
      },
    });
    const pr = data?.revertPullRequest?.revertPullRequest;
    if (!pr || typeof pr.number !== "number") throw new GitHubError(`GitHub's GraphQL API could not open the revert of ${id}: it answered no pull request.`, 200, "unexpected", "no revert pull request");
    revert = { number: pr.number, ...(typeof pr.url === "string" ? { url: pr.url } : {}) };
  } catch (err) {
    if (!(err instanceof GitHubError)) throw err;
    return { text: `the revert of ${id} was NOT opened: ${err.message} Nothing was recorded; fix the cause and comment ${code("/pucs rollback")} again, or revert locally with ${code(`pucs rollback ${short(m.mergeSha)}`)}.`, ok: false };
  }
  if (m.stream) await ctx.gw.addLabels(revert.number, [streamLabel(m.stream)]);
  const key = `<!-- pucs:rollback-opened ${revert.number} -->`;
  const who = m.author ? `@${m.author}` : "The author";
  await ctx.gw.createCommentOnce(a.number, ["<!-- pucs:notice -->", key, `${who}: @${a.commenter} opened #${revert.number} to revert this PR (ROLLBACK: its merge ${code(short(m.mergeSha))} fails on ${code(a.defaultBranch)}: ${checks}). Rework the change on a new branch once the revert merges.`].join("\n"), key);
  return {
    steps: [(l) => markRolledBack(l, { change: id, by: a.commenter, revert: revert.number, ...(revert.url ? { url: revert.url } : {}) }, ctx.now())],
    describe: (outs) => {
      const o = outs[0] as MarkRolledBackOutcome;
      const label = m.stream ? `, labelled ${code(streamLabel(m.stream))}` : "";
      if (o.kind === "done") return { text: `opened #${revert.number} reverting ${id}${label}; ${m.author ? `@${m.author}` : "the author"} was told, and the ROLLBACK suggestion is done`, ok: true };
      return { text: `opened #${revert.number} reverting ${id}${label}, but the ledger already had ${o.kind === "already-done" ? `the revert #${o.merge.rollback!.done!.revert}` : "no suggestion"}: close the duplicate`, ok: false };
    },
  };
}

// ---------------------------------------------------------------------------
// ARBITRATE: asking the coordinators, deciding
// ---------------------------------------------------------------------------

/**
 * After a push's ledger commit recorded that the coordinators are asked (`requestArbitration`): ask
 * them (one write). A refusal (a login that is no collaborator, a team the App cannot see) is logged:
 * the report names them anyway, and the ledger keeps that they were asked, so no push retries it.
 */
export async function askCoordinators(ctx: Ctx, number: number, outcome: unknown, ask: Coordinators): Promise<void> {
  if ((outcome as RequestArbitrationOutcome | undefined)?.kind !== "requested") return;
  try {
    await ctx.gw.rc.call(`request reviews on #${number}`, "pull_requests: write", "POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers", {
      pull_number: number,
      reviewers: ask.reviewers,
      team_reviewers: ask.teams.map((t) => t.slice(t.indexOf("/") + 1)),
    });
  } catch (err) {
    if (!(err instanceof GitHubError)) throw err;
    ctx.log.warn(`could not ask ${namesOf(ask)} to review #${number}: ${err.message}`, { change: `#${number}` });
  }
}

/** Whether `login` is an active member of the team "org/slug" (one read; 404 = no). */
async function inTeam(ctx: Ctx, team: string, login: string): Promise<boolean> {
  const [org, slug] = team.split("/") as [string, string];
  try {
    const r = await ctx.gw.rc.call(`read @${login}'s membership of @${team}`, "members: read", "GET /orgs/{org}/teams/{team_slug}/memberships/{username}", { org, team_slug: slug, username: login });
    return (r.data as J)?.state === "active";
  } catch (err) {
    if (err instanceof GitHubError && err.status === 404) return false;
    throw err;
  }
}

/** Teams looked up at most per `/pucs decide`. */
export const DECIDE_MAX_TEAMS = 3;

/**
 * `/pucs decide -- note`: the PR's undecided ARBITRATE conflicts (evaluated from its footprint) that
 * the commenter may decide become decided. A refusal (nothing to decide, not a coordinator) is a Line.
 */
export async function planDecide(ctx: Ctx, a: { number: number; commenter: string; role: Role; note: string; ledger: Ledger; config: Config; now: number }): Promise<PlannedSteps | Line> {
  const id = `#${a.number}`;
  const fp = a.ledger.footprints.find((f) => f.change === id);
  if (!fp) return { text: `${id} has no report yet, so there is nothing to decide: push, or ${code("/pucs sync")}, then decide.`, ok: false };
  const ev = evaluate(changeOfFootprint(fp), a.ledger, a.config, a.now, { stream: fp.stream });
  const open = ev.conflicts.filter((c) => isArbitrate(c) && !c.decided);
  if (open.length === 0) return { text: `${id} has no undecided ARBITRATE conflict: nothing to decide.`, ok: false };
  const maintainer = a.role === "maintain" || a.role === "admin";
  const listed = new Set(open.flatMap((c) => coordinatorsOfStream(a.config, c.holderStream)));
  const { reviewers, teams } = splitCoordinators([...listed]);
  const members = new Set<string>();
  if (!maintainer && !reviewers.some((r) => r.toLowerCase() === a.commenter.toLowerCase())) {
    for (const t of teams.slice(0, DECIDE_MAX_TEAMS)) if (await inTeam(ctx, t, a.commenter)) members.add(t);
  }
  const keys = decidableKeys(open, a.config, { login: a.commenter, maintainer, inTeam: (t) => members.has(t) });
  if (keys.length === 0) {
    const who = namesOf({ reviewers, teams });
    return { text: `@${a.commenter} is not a coordinator of ${id}'s ARBITRATE conflicts${who ? ` (${who})` : " (none are configured)"} and has ${a.role === "none" ? "no" : a.role} access: ask one of them, or a maintainer, to decide.`, ok: false };
  }
  const covered = open.filter((c) => keys.some((k) => k === keyOf(c)));
  return {
    steps: [(l) => decideArbitration(l, { change: id, by: a.commenter, note: a.note, headSha: fp.headSha, keys }, a.now)],
    describe: (outs) => {
      const o = outs[0] as DecideOutcome;
      if (o.kind !== "decided") return { text: `${id} has no undecided ARBITRATE conflict: nothing to decide.`, ok: false };
      const list = covered.map((c) => `${c.type}${c.file ? ` ${code(c.file)}` : ""}`).join(", ");
      const left = open.length - covered.length;
      return {
        text: `decided by @${a.commenter} at ${code(short(fp.headSha))}: ${list}${a.note ? `: ${a.note}` : ""}. ${covered.length === 1 ? "It no longer blocks" : "They no longer block"}${left > 0 ? `; ${left} other ARBITRATE conflict(s) wait for their own coordinators` : ""}; a new conflict needs its own decision.`,
        ok: true,
      };
    },
  };
}

const keyOf = (c: Conflict): string => conflictKey(c);
