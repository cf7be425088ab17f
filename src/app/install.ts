/**
 * When the App is installed on a repository (`installation.created`, `installation_repositories.added`),
 * it records a footprint for every open PR the ledger does not know yet: PRs opened before the App
 * was there would otherwise count for nothing — no CAPACITY slot, no overlap, and the merge gate
 * (which trusts the ledger only when it names as many open PRs as GitHub counts) would list PRs on
 * every run. Footprints only: the sync posts no report itself, so an installation on a repository
 * with a thousand open PRs is not a burst of a thousand comments; a PR's report comes with its next
 * event, or from the background refresh (5 at a time) when a commit — these included — changes it.
 *
 * Costs: 1 read for the default branch, 1 for the config, 1 per 100 open PRs; per batch of
 * SYNC_BATCH PRs, 1 query for their footprints, 1 read of files per PR not known yet (its commits are
 * not read: a stream named only by commit trailers is taken from the PR's next event) and one ledger
 * commit on a partial read of their scope (never the whole ledger).
 */
import { changeId, changeOfPull, type PullRequest } from "../engine/change.js";
import { evaluate } from "../engine/evaluate.js";
import type { Footprint, Ledger } from "../engine/types.js";
import { ScopedLedgerStore, readLedgerView, type Scope } from "../github/ledger-store.js";
import { indexedPaths, summaryPath } from "../ledger/layout.js";
import { emptyLedger } from "../ledger/schema.js";
import type { LedgerStore } from "../ledger/store.js";
import { recordFootprint } from "../ledger/transitions.js";
import { footprintOf, loadState, scheduleDrain, type Ctx } from "./core.js";
import { steps } from "./pull.js";

/** Open PRs recorded per ledger commit. */
export const SYNC_BATCH = 50;

export interface SyncResult {
  /** Footprints written. */
  recorded: number;
  /** Open PRs the ledger knew already. */
  known: number;
  /** Why nothing was recorded (no config, an invalid one); null when the sync ran. */
  skipped: string | null;
  /** GitHub listed at most 10,000 open PRs: the rest are recorded by their own events. */
  truncated: boolean;
}

/** Records the footprints of the repository's open PRs the ledger does not know (see the module comment). */
export async function syncOpenPulls(ctx: Ctx): Promise<SyncResult> {
  const branch = await ctx.gw.defaultBranch();
  // The config (and nothing of the ledger: each batch reads its own scope).
  const state = await loadState(ctx, branch, { scope: { changes: [], paths: [], streams: [] } });
  if (state.config.kind !== "ok") {
    const why = state.config.kind === "none" ? `no PUCS config on ${branch}` : `the PUCS config on ${branch} does not validate`;
    return { recorded: 0, known: 0, skipped: why, truncated: false };
  }
  const config = state.config.config;
  const { pulls, truncated } = await ctx.gw.openPulls();
  let recorded = 0;
  let known = 0;
  for (let i = 0; i < pulls.length; i += SYNC_BATCH) {
    const batch = pulls.slice(i, i + SYNC_BATCH);
    const ids = batch.map((p) => changeId(p.number));
    const view = await readLedgerView(ctx.store.rc, ctx.store.ref, { changes: ids, paths: [], streams: [] });
    const has = (id: string) => (view.whole ? view.ledger.footprints.some((f) => f.change === id) : (view.footprints.get(id) ?? null) !== null);
    const missing = batch.filter((p) => !has(changeId(p.number)));
    known += batch.length - missing.length;
    if (missing.length === 0) continue;
    const footprints: Footprint[] = [];
    for (const pr of missing) footprints.push(await footprintOfPull(ctx, pr, config));
    const scope: Scope = {
      changes: footprints.map((f) => f.change),
      paths: [...new Set(footprints.flatMap((f) => indexedPaths(f.files)))],
      streams: [...new Set(footprints.map((f) => f.stream))],
      summaryShards: footprints.map((f) => ({ stream: f.stream, path: summaryPath(f.stream, f.change) })),
    };
    const store: LedgerStore = view.whole ? ctx.store : new ScopedLedgerStore(ctx.store, scope);
    // A PR whose own event recorded it meanwhile keeps that footprint (it is newer and read in full).
    const once = (fp: Footprint) => (l: Ledger) => (l.footprints.some((f) => f.change === fp.change) ? { ledger: l, outcome: false, message: null } : { ...recordFootprint(l, fp), outcome: true });
    const r = await ctx.writer.update(ctx.repoKey, store, steps(footprints.map(once), (o) => o.filter(Boolean).length));
    recorded += r.outcome;
    known += footprints.length - r.outcome;
  }
  if (recorded > 0) scheduleDrain(ctx, config);
  return { recorded, known, skipped: null, truncated };
}

/** A PR's footprint from its listing and its files, as its own event would record it (without its commits). */
async function footprintOfPull(ctx: Ctx, pr: PullRequest, config: Parameters<typeof footprintOf>[2]): Promise<Footprint> {
  const { files, truncated } = await ctx.gw.pullFiles(pr.number);
  const change = changeOfPull(pr, files);
  const now = ctx.now();
  return footprintOf(change, evaluate(change, emptyLedger(), config, now), config, truncated, now);
}
