/**
 * The PUCS GitHub App (Probot 14): `export default (app) => …`, also the package's `./app` export.
 *
 * Events: pull_request opened / synchronize / reopened / ready_for_review / converted_to_draft /
 * edited / labeled / unlabeled → analyze (report + footprint); labeled/unlabeled `pucs:lock` →
 * lock / release the PR's files; closed → release everything the PR held and tell the next in line;
 * issue_comment.created on a PR → `/pucs` commands; installation.created /
 * installation_repositories.added → record the open PRs there (src/app/install.ts), others → log.
 *
 * `createApp(deps)` builds the app with injected clock, id source and ledger writer (tests);
 * the default export uses the real ones. One LedgerWriter per app instance coalesces ledger updates
 * that arrive together into one commit per repository.
 */
import { randomUUID } from "node:crypto";
import type { ApplicationFunction, Context, Probot } from "probot";
import { AppGateway } from "../github/app-gateway.js";
import type { GitHubClient } from "../github/client.js";
import { GitHubRefStore } from "../github/ledger-store.js";
import { LedgerError } from "../ledger/store.js";
import { handleComment } from "./comment.js";
import { ciEventOf, handleCiCompletion } from "./ci.js";
import { Lru } from "../engine/memo.js";
import { APP_LABELS, PUBLISHED_MEMORY, keyedSerial, type AppDeps, type Ctx } from "./core.js";
import { LedgerWriter } from "./ledger-writer.js";
import { locksFromEnv } from "./publish-lock.js";
import { checkIssueCommentEvent, checkPullRequestEvent } from "./payload.js";
import { syncPullRequest } from "./pull.js";
import { syncOpenPulls } from "./install.js";
import { registerDashboard, type DashboardOptions } from "./dashboard.js";
import { pullOfRest } from "../github/pull.js";
import { agentOfPull } from "../engine/change.js";
import { logFields, withSpan, type PucsFields } from "../tracing.js";

export const PULL_ACTIONS = ["opened", "synchronize", "reopened", "ready_for_review", "converted_to_draft", "edited", "labeled", "unlabeled", "closed"] as const;

type J = Record<string, unknown>;

function ctxOf(context: Context, deps: AppDeps): Ctx {
  const repo = (context.payload as { repository: { name: string; owner: { login: string } } }).repository;
  return ctxFor(context, deps, { owner: repo.owner.login, repo: repo.name });
}

/** The Ctx of one repository of the event's installation. */
function ctxFor(context: Context, deps: AppDeps, ref: { owner: string; repo: string }): Ctx {
  const client = context.octokit as unknown as GitHubClient;
  return {
    ...deps,
    gw: new AppGateway(client, ref),
    store: new GitHubRefStore(client, ref),
    repoKey: `${ref.owner}/${ref.repo}`,
    // Stream-aware log lines: the change the event is about (stream, agent, change) as pino fields.
    log: {
      info: (m, f) => context.log.info(pucsLogFields(f), m),
      warn: (m, f) => context.log.warn(pucsLogFields(f), m),
      error: (m, f) => context.log.error(pucsLogFields(f), m),
    },
  };
}

/** `{ pucs: { stream, agent, change } }` of the change being handled (src/tracing.ts scope), with a call's own fields on top. */
function pucsLogFields(extra?: PucsFields): { pucs?: Record<string, unknown> } {
  const f = { ...logFields(), ...(extra ? { ...(extra.stream !== undefined ? { stream: extra.stream } : {}), ...(extra.agent ? { agent: extra.agent } : {}), ...(extra.change ? { change: extra.change } : {}) } : {}) };
  return Object.keys(f).length ? { pucs: f } : {};
}

/** A ledger PUCS refuses to use is shown on the PR (the check run says what and how to fix), then rethrown. */
async function reportLedgerError(ctx: Ctx, e: unknown, headSha: string): Promise<void> {
  if (!(e instanceof LedgerError) || !headSha) return;
  try {
    await ctx.gw.createCheckRun(headSha, "failure", { title: "PUCS ledger unusable: nothing was checked", summary: e.message, annotations: [] });
  } catch {
    /* the original error is what matters */
  }
}

export function createApp(overrides: Partial<AppDeps> & { dashboard?: DashboardOptions | false } = {}): ApplicationFunction {
  return (app: Probot) => {
    const deps: AppDeps = {
      writer: overrides.writer ?? new LedgerWriter(),
      now: overrides.now ?? (() => Date.now()),
      newId: overrides.newId ?? (() => randomUUID()),
      knownLabels: overrides.knownLabels ?? new Set(),
      serial: overrides.serial ?? keyedSerial(),
      published: overrides.published ?? new Lru(PUBLISHED_MEMORY),
      commandTimes: overrides.commandTimes ?? new Lru(PUBLISHED_MEMORY),
      locks: overrides.locks ?? locksFromEnv(),
      reported: overrides.reported ?? new Lru(PUBLISHED_MEMORY),
      drains: overrides.drains ?? new Map(),
      labelIds: overrides.labelIds ?? new Lru(PUBLISHED_MEMORY),
      nodes: overrides.nodes ?? new Lru(PUBLISHED_MEMORY),
    };

    app.on(PULL_ACTIONS.map((a) => `pull_request.${a}` as const), async (context) => {
      const checked = checkPullRequestEvent(context.payload);
      if (!checked.ok) return context.log.warn(checked.message);
      const payload = checked.event;
      // The App's own status labels come back as labeled/unlabeled events: nothing to do for them.
      if ((payload.action === "labeled" || payload.action === "unlabeled") && payload.label && APP_LABELS.has(payload.label.name)) return;
      const ctx = ctxOf(context as unknown as Context, deps);
      const pr = pullOfRest(payload.pull_request as unknown as J);
      const branch = payload.repository.default_branch;
      const files = (payload.pull_request as { changed_files?: unknown }).changed_files;
      const traced = { change: `#${pr.number}`, agent: agentOfPull(pr), ...(typeof files === "number" ? { files } : {}) };
      await withSpan(`pucs.webhook pull_request.${payload.action}`, traced, () => deps.serial(`${ctx.repoKey}#${pr.number}`, async () => {
        try {
          await syncPullRequest(ctx, pr, branch, payload.action);
        } catch (e) {
          await reportLedgerError(ctx, e, pr.headSha);
          throw e;
        }
      }), { "github.event": "pull_request", "github.delivery": String(context.id) });
    });

    // CI results on a stream's PRs feed its circuit breaker (src/app/ci.ts).
    app.on(["check_suite.completed", "workflow_run.completed"], async (context) => {
      const e = ciEventOf(context.name, context.payload as unknown as J);
      if (!e) return;
      const ctx = ctxOf(context as unknown as Context, deps);
      await deps.serial(`${ctx.repoKey}#ci`, () => handleCiCompletion(ctx, e));
    });

    app.on("issue_comment.created", async (context) => {
      const checked = checkIssueCommentEvent(context.payload);
      if (!checked.ok) return context.log.warn(checked.message);
      const p = checked.event;
      if (!p.issue.pull_request) return;
      const ctx = ctxOf(context as unknown as Context, deps);
      // The PR's agent as its body and author say (its stream: noted by handleComment once the ledger is read).
      const traced = { change: `#${Number(p.issue.number)}`, agent: agentOfPull({ body: p.issue.body ?? "", author: p.issue.user.login }) };
      await withSpan("pucs.webhook issue_comment.created", traced, () => deps.serial(`${ctx.repoKey}#${Number(p.issue.number)}`, () => handleComment(ctx, {
        commentId: p.comment.id,
        body: p.comment.body ?? "",
        commenter: p.comment.user.login,
        commenterIsBot: p.comment.user.type === "Bot" || /\[bot\]$/.test(p.comment.user.login),
        number: Number(p.issue.number),
        prAuthor: p.issue.user.login,
        defaultBranch: p.repository.default_branch,
      })), { "github.event": "issue_comment", "github.delivery": String(context.id) });
    });

    // The dashboard issue: on in the App as shipped (the default export); injected-deps apps (tests) ask for it.
    registerDashboard(app, deps, overrides.dashboard ?? false);

    app.on(["installation", "installation_repositories"], async (context) => {
      const p = context.payload as unknown as { action?: unknown; installation?: { id?: unknown; account?: { login?: unknown } | null } | null; repositories?: unknown; repositories_added?: unknown };
      context.log.info(`PUCS: installation ${String(p.installation?.id ?? "?")} (${String(p.installation?.account?.login ?? "?")}) ${String(p.action ?? "?")}`);
      // Installed on repositories: record the PRs already open there (src/app/install.ts).
      const added = context.name === "installation" ? (p.action === "created" ? p.repositories : null) : p.action === "added" ? p.repositories_added : null;
      for (const r of Array.isArray(added) ? (added as { full_name?: unknown }[]) : []) {
        const [owner, repo] = String(r.full_name ?? "").split("/");
        if (!owner || !repo) continue;
        const ctx = ctxFor(context as unknown as Context, deps, { owner, repo });
        try {
          const s = await deps.serial(`${ctx.repoKey}#install`, () => syncOpenPulls(ctx));
          if (s.skipped) ctx.log.info(`PUCS: ${ctx.repoKey}: open PRs not recorded: ${s.skipped}. Each PR is recorded by its next event once the config is there (or redeliver this installation event from the App's settings, Advanced → Recent Deliveries).`);
          else ctx.log.info(`PUCS: ${ctx.repoKey}: recorded ${s.recorded} open PR(s) opened before the installation (${s.known} known already${s.truncated ? "; GitHub listed 10,000, the rest are recorded by their own events" : ""})`);
        } catch (e) {
          // One repository's failure does not stop the others; each PR's own event records it anyway.
          ctx.log.warn(`PUCS: ${ctx.repoKey}: recording the open PRs failed: ${e instanceof Error ? e.message : String(e)} Each PR is recorded by its next event; to record them all now, redeliver this installation event from the App's settings (Advanced → Recent Deliveries): PRs recorded already are skipped.`);
        }
      }
    });
  };
}

const pucsApp: ApplicationFunction = createApp({ dashboard: {} });
export default pucsApp;

/** For the Action's `mode: app` (src/action/app-mode.ts loads it from this bundle). */
export { runProbotApp } from "./action-runner.js";
