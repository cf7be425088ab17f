/**
 * CI results feed the stream circuit breakers (seed §3.3): a `check_suite` or `workflow_run` that
 * completes on a PR PUCS tracks counts as a failure (conclusion failure / timed_out) or a success of
 * the PR's stream (its footprint's stream in the ledger). The rules are the ledger transitions
 * `recordFailure` / `recordSuccess`; this module only translates the event.
 *
 * A failure on the DEFAULT branch (no PR) is ROLLBACK's (seed §8.1, src/app/rollback.ts): when the
 * commit is the merge of a PR PUCS tracked, a ROLLBACK suggestion — at most 2 reads (the state, the
 * commit's check runs to name the failing ones) and one ledger write, then a comment on that PR.
 *
 * Cost: one read (the ledger and the config in one GraphQL request, `loadState`) and at most one
 * ledger write; nothing at all for a suite on no PR, a neutral conclusion, or the App's own suite,
 * and no write when nothing changes (a success on a CLOSED stream, a failure on an OPEN one, a
 * redelivered event).
 */
import { breakerConfigFor } from "../engine/breaker.js";
import type { Ledger } from "../engine/types.js";
import { applyAll, recordFailure, recordSuccess, type RecordFailureOutcome, type RecordSuccessOutcome, type TransitionResult } from "../ledger/transitions.js";
import { loadState, type Ctx } from "./core.js";
import { suggestRollbackFor, type RollbackResult } from "./rollback.js";

export interface CiEvent {
  source: "check_suite" | "workflow_run";
  /** The suite's or run's id (a redelivery carries the same: counted once). */
  id: number;
  /** GitHub's conclusion: success, failure, timed_out, neutral, cancelled, skipped, … */
  conclusion: string | null;
  /** The workflow's name, or the check suite's app name. */
  name: string;
  headSha: string;
  /** PR numbers GitHub lists for the suite (same-repository PRs only). */
  pulls: number[];
  /** The id of the GitHub App that owns the suite (PUCS's own check runs are not CI). */
  appId: number | null;
  defaultBranch: string;
  /** The branch the suite ran on (null when GitHub gives none). */
  headBranch?: string | null;
}

export interface CiResult {
  kind: "ignored" | "recorded" | "rollback";
  outcomes: (RecordFailureOutcome | RecordSuccessOutcome)[];
  wrote: boolean;
  /** A failure on the default branch: what ROLLBACK made of it (src/app/rollback.ts). */
  rollback?: RollbackResult;
}

const FAILED = new Set(["failure", "timed_out"]);

/** This App's id, when it runs as an App (Probot's APP_ID): its own suite is never counted. */
export function ownAppId(env: Record<string, string | undefined> = process.env): number | null {
  const n = Number(env.APP_ID);
  return Number.isInteger(n) && n > 0 ? n : null;
}

export async function handleCiCompletion(ctx: Ctx, e: CiEvent, own: number | null = ownAppId()): Promise<CiResult> {
  const failed = e.conclusion !== null && FAILED.has(e.conclusion);
  const passed = e.conclusion === "success";
  // Failing on the default branch (no PR): the commit may be the merge of a tracked PR → ROLLBACK (seed §8.1).
  if (failed && e.pulls.length === 0 && e.headBranch === e.defaultBranch && e.headSha && !(own !== null && e.appId === own)) {
    const rollback = await suggestRollbackFor(ctx, { source: e.source, id: e.id, conclusion: e.conclusion, name: e.name, headSha: e.headSha, defaultBranch: e.defaultBranch });
    return { kind: "rollback", outcomes: [], wrote: rollback.wrote, rollback };
  }
  if ((!failed && !passed) || e.pulls.length === 0 || (own !== null && e.appId === own)) return { kind: "ignored", outcomes: [], wrote: false };
  const state = await loadState(ctx, e.defaultBranch);
  if (state.config.kind !== "ok") return { kind: "ignored", outcomes: [], wrote: false };
  const config = state.config.config;
  const now = ctx.now();
  type Step = (x: Ledger) => TransitionResult<RecordFailureOutcome | RecordSuccessOutcome>;
  const steps = (l: Ledger): Step[] =>
    [...new Set(e.pulls)].flatMap((n): Step[] => {
      const change = `#${n}`;
      const fp = l.footprints.find((f) => f.change === change);
      if (!fp || fp.stream === null) return [];
      const stream = fp.stream;
      if (passed) return [(x: Ledger) => recordSuccess(x, { stream, agent: fp.agent, change }, now)];
      const error = `${e.source === "check_suite" ? "check suite" : "workflow"} "${e.name}" ${e.conclusion} at ${e.headSha.slice(0, 7)}`;
      return [(x: Ledger) => recordFailure(x, { stream, agent: fp.agent, error, change, ref: `${e.source}:${e.id}` }, breakerConfigFor(config, stream), now)];
    });
  // Decided on the snapshot first: no write is queued when nothing would change.
  const dry = applyAll(state.snapshot.ledger, steps(state.snapshot.ledger));
  if (dry.ledger === state.snapshot.ledger) return { kind: "recorded", outcomes: dry.outcome as CiResult["outcomes"], wrote: false };
  const r = await ctx.writer.update(
    ctx.repoKey,
    ctx.store,
    (l) => {
      const x = applyAll(l, steps(l));
      return { ...x, message: x.message !== null ? `${x.message}\n\n(${e.source} ${e.id} on ${e.pulls.map((n) => `#${n}`).join(", ")})` : null };
    },
    state.snapshot,
  );
  for (const o of r.outcome as CiResult["outcomes"]) {
    if (o.kind === "tripped") ctx.log.warn(`circuit breaker ${o.breaker.stream} OPEN: ${o.breaker.trippedBy?.error ?? ""}`);
    else if (o.kind === "closed") ctx.log.info(`circuit breaker ${o.breaker.stream} CLOSED`);
  }
  return { kind: "recorded", outcomes: r.outcome as CiResult["outcomes"], wrote: r.wrote };
}

type J = Record<string, unknown>;
const num = (v: unknown): number | null => (typeof v === "number" && Number.isInteger(v) ? v : null);
const obj = (v: unknown): J | null => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as J) : null);

/** The CI event of a `check_suite.completed` / `workflow_run.completed` payload; null when it lacks what is needed. */
export function ciEventOf(name: string, payload: J): CiEvent | null {
  const source = name === "check_suite" ? "check_suite" : name === "workflow_run" ? "workflow_run" : null;
  if (!source) return null;
  const body = obj(payload[source]);
  const repo = obj(payload.repository);
  const id = num(body?.id);
  const branch = repo?.default_branch;
  if (!body || id === null || typeof branch !== "string") return null;
  const pulls = (Array.isArray(body.pull_requests) ? body.pull_requests : []).map((p) => num(obj(p)?.number)).filter((n): n is number => n !== null);
  const app = obj(body.app);
  const nameOf = source === "workflow_run" ? body.name : app?.name;
  return {
    source,
    id,
    conclusion: typeof body.conclusion === "string" ? body.conclusion : null,
    name: typeof nameOf === "string" ? nameOf : source,
    headSha: typeof body.head_sha === "string" ? body.head_sha : "",
    pulls,
    appId: num(app?.id),
    defaultBranch: branch,
    headBranch: typeof body.head_branch === "string" ? body.head_branch : null,
  };
}
