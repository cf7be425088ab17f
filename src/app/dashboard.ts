/**
 * The "PUCS dashboard" issue (the Renovate "Dependency Dashboard" convention): one issue per
 * repository showing the status document (src/engine/status.ts) as rendered by
 * src/engine/dashboard.ts — the very body `pucs status --format markdown` prints.
 *
 * Within the write budget:
 *  - every pull_request, issue_comment and issues event, and every ledger commit of this process,
 *    only *asks* for a refresh; a repository's refresh runs once it has been quiet for `settleMs`
 *    (5 s) or `maxWaitMs` (60 s) after the first ask, and at most once per `minIntervalMs` (a
 *    minute), so a burst of events is coalesced into one or two refreshes;
 *  - a refresh reads twice (the ledger and config in one GraphQL request, the ledger's last commits in
 *    another) and writes only when the body changed: nothing, an edit, or (once) the creation;
 *  - off (`dashboard.enabled: false`, or no `dashboard:` section) = no issue and no writes.
 *
 * Found again by its hidden marker: remembered by number in this process; otherwise listed by its
 * label and, failing that, searched for; created exactly once (createIssueOnce looks before a retry).
 * Two replicas creating at the same moment both find the pair on their next look: the lower number
 * is kept and the other is closed as a duplicate. A deleted issue (404/410, or `issues.deleted`) is
 * recreated at the next refresh; a renamed one keeps its number and is found by its marker.
 *
 * Checkboxes act (`issues.edited`): a box ticked since the previous body, by someone allowed
 * (src/engine/dashboard.ts `actionAllowed`), runs — "release expired locks" (`expire`), "release
 * <path> held by <agent>" (`releaseLock`, forced for another's lock) in one compare-and-swap commit
 * whose message names who ticked it (the ledger's audit trail), or "re-run the gate" (every open PR's
 * report re-published; a comment on the issue says who did it). A tick by anyone else is reverted with
 * a reply saying why. Edits by bots (the App's own included) are ignored.
 */
import type { Context, Probot } from "probot";
import { actionAllowed, actionKey, actionText, DASHBOARD_MARKER, newlyTicked, parseActions, renderDashboard, type DashboardAction } from "../engine/dashboard.js";
import { parseConfig } from "../engine/config/index.js";
import { evaluate } from "../engine/evaluate.js";
import { HISTORY_COMMITS } from "../engine/status.js";
import { changeOfFootprint } from "../engine/change.js";
import type { Role } from "../engine/commands.js";
import type { Config, Ledger } from "../engine/types.js";
import { AppGateway } from "../github/app-gateway.js";
import { GitHubError, type GitHubClient } from "../github/client.js";
import { DashboardGateway } from "../github/dashboard-gateway.js";
import { GitHubRefStore, readRepoFiles } from "../github/ledger-store.js";
import { applyAll, expire, releaseLock, type Notice, type TransitionResult } from "../ledger/transitions.js";
import { CONFIG_PATHS, numberOf, publishReport, reportOf, type AppDeps, type Ctx } from "./core.js";
import { notifyQueued } from "./pull.js";

export interface DashboardOptions {
  /** Refresh once the repository has been quiet this long (no event, no ledger commit). Default 5 s. */
  settleMs?: number;
  /** ...but wait no longer than this after the first ask, however busy the repository. Default 60 s. */
  maxWaitMs?: number;
  /** At most one refresh per repository this often. Default 60 s. */
  minIntervalMs?: number;
  /** Timer (tests and the benchmark drive time themselves). Returns a cancel function. */
  setTimer?: (fn: () => void, ms: number) => () => void;
  /** Handed the instance once registered (tests and the benchmark read its counters, `settle()` it). */
  expose?: (d: Dashboards) => void;
}

interface RepoDash {
  ctx: DashCtx;
  defaultBranch: string;
  number: number | null;
  /** The body this process last wrote or saw (skips an edit that would change nothing). */
  body: string | null;
  lastRefreshAt: number | null;
  cancel: (() => void) | null;
  /** When the scheduled refresh runs, and when the first ask it answers came. */
  due: number | null;
  firstAsk: number | null;
  running: Promise<void> | null;
  dirty: boolean;
  /** The last read found the dashboard off: read again only after a merge (the config may have changed). */
  off: boolean;
}

interface DashCtx extends Ctx {
  dash: DashboardGateway;
}

const configCache = new Map<string, Config | null>();

function configFrom(texts: readonly (string | null)[]): Config | null {
  for (let i = 0; i < CONFIG_PATHS.length; i++) {
    const text = texts[i];
    if (text === null || text === undefined) continue;
    const key = `${CONFIG_PATHS[i]}\0${text}`;
    if (!configCache.has(key)) {
      if (configCache.size > 16) configCache.clear();
      const r = parseConfig(text, CONFIG_PATHS[i]!);
      configCache.set(key, r.ok ? r.config : null);
    }
    return configCache.get(key)!;
  }
  return null;
}

export class Dashboards {
  readonly #repos = new Map<string, RepoDash>();
  readonly #settle: number;
  readonly #maxWait: number;
  readonly #interval: number;
  readonly #setTimer: (fn: () => void, ms: number) => () => void;
  /** Counters (tests, benchmark): refreshes run, issues created, bodies edited, duplicates closed. */
  readonly stats = { refreshes: 0, creates: 0, edits: 0, closed: 0, actions: 0, refused: 0 };

  constructor(
    readonly deps: AppDeps,
    opts: DashboardOptions = {},
  ) {
    this.#settle = opts.settleMs ?? 5_000;
    this.#maxWait = opts.maxWaitMs ?? 60_000;
    this.#interval = opts.minIntervalMs ?? 60_000;
    this.#setTimer =
      opts.setTimer ??
      ((fn, ms) => {
        const t = setTimeout(fn, ms);
        t.unref?.();
        return () => clearTimeout(t);
      });
  }

  #state(ctx: DashCtx, defaultBranch: string): RepoDash {
    let st = this.#repos.get(ctx.repoKey);
    if (!st) {
      st = { ctx, defaultBranch, number: null, body: null, lastRefreshAt: null, cancel: null, due: null, firstAsk: null, running: null, dirty: false, off: false };
      this.#repos.set(ctx.repoKey, st);
    }
    st.ctx = ctx; // the latest event's client (fresh installation token)
    st.defaultBranch = defaultBranch;
    return st;
  }

  /**
   * Asks for a refresh of the repository's dashboard: coalesced, at most one per interval. A
   * repository whose dashboard was off at the last read is read again only when `mayHaveChanged`
   * (a merge: the config on the default branch may have changed), so "off" costs no steady reads.
   */
  request(ctx: DashCtx, defaultBranch: string, mayHaveChanged = true): void {
    const st = this.#state(ctx, defaultBranch);
    if (st.off && !mayHaveChanged) return;
    this.#ask(st);
  }

  /** A ledger commit of this process for `repoKey` (the state shown may have changed). */
  committed(repoKey: string): void {
    const st = this.#repos.get(repoKey);
    if (st && !st.off) this.#ask(st);
  }

  /**
   * Schedules the refresh: once the repository has been quiet for `settle` (or `maxWait` after the
   * first ask, however busy it stays), and never sooner than `interval` after the previous refresh.
   */
  #ask(st: RepoDash): void {
    if (st.running) {
      st.dirty = true;
      return;
    }
    const now = this.deps.now();
    st.firstAsk ??= now;
    const earliest = st.lastRefreshAt === null ? 0 : st.lastRefreshAt + this.#interval;
    const due = Math.max(earliest, Math.min(st.firstAsk + this.#maxWait, now + this.#settle));
    if (st.cancel && st.due === due) return;
    st.cancel?.();
    st.due = due;
    st.cancel = this.#setTimer(() => {
      st.cancel = null;
      st.due = null;
      this.#run(st);
    }, due - now);
  }

  #run(st: RepoDash): Promise<void> {
    st.firstAsk = null;
    st.running = this.refresh(st).catch((e) => st.ctx.log.error(`PUCS dashboard of ${st.ctx.repoKey}: ${(e as Error).message}`)).finally(() => {
      st.running = null;
      if (st.dirty) {
        st.dirty = false;
        this.#ask(st);
      }
    });
    return st.running;
  }

  /** Whether a refresh is scheduled or running for any repository. */
  busy(): boolean {
    return [...this.#repos.values()].some((s) => s.cancel !== null || s.running !== null);
  }

  /** Waits for every scheduled or running refresh to end, running the scheduled ones now (tests). */
  async settle(): Promise<void> {
    for (;;) {
      const busy = [...this.#repos.values()].filter((s) => s.cancel || s.running);
      if (busy.length === 0) return;
      for (const s of busy) {
        if (s.running) await s.running;
        else if (s.cancel) {
          s.cancel();
          s.cancel = null;
          await this.#run(s);
        }
      }
    }
  }

  async #read(ctx: DashCtx, defaultBranch: string): Promise<{ ledger: Ledger; config: Config | null }> {
    const r = await readRepoFiles(ctx.store.rc, ctx.store.ref, CONFIG_PATHS.map((p) => `${defaultBranch}:${p}`));
    return { ledger: r.snapshot.ledger, config: configFrom(r.files) };
  }

  /** Reads the state and makes the issue show it: no write when nothing changed. */
  async refresh(st: RepoDash, known?: { ledger: Ledger; config: Config | null }): Promise<void> {
    const { ctx } = st;
    this.stats.refreshes++;
    st.lastRefreshAt = this.deps.now();
    const { ledger, config } = known ?? (await this.#read(ctx, st.defaultBranch));
    const dash = config?.dashboard;
    st.off = !config || !dash || !dash.enabled;
    if (!config || !dash || !dash.enabled) return;
    const history = await ctx.dash.ledgerHistory(HISTORY_COMMITS);
    const body = renderDashboard({ ledger, config, now: this.deps.now(), history });
    if (st.number !== null && st.body === body) return;
    if (st.number !== null) {
      if (await this.#edit(st, body)) return;
    }
    const all = await ctx.dash.findAllByMarker(DASHBOARD_MARKER, dash.labels);
    const found = all.find((i) => i.state === "open") ?? all[0] ?? null;
    if (found) {
      st.number = found.number;
      st.body = found.body;
      await this.#closeDuplicates(st, all.filter((i) => i.number !== found.number && i.state === "open"), found.number);
      if (found.body !== body) await this.#edit(st, body);
      return;
    }
    const made = await ctx.dash.createIssueOnce(dash.title, body, dash.labels, DASHBOARD_MARKER);
    this.stats.creates++;
    st.number = made.number;
    st.body = body;
    // Another replica may have created one at the same moment: keep the lowest number.
    const again = await ctx.dash.findAllByMarker(DASHBOARD_MARKER, dash.labels);
    const keep = again.find((i) => i.state === "open") ?? null;
    if (keep && keep.number !== made.number) {
      await this.#closeDuplicates(st, [{ number: made.number }], keep.number);
      st.number = keep.number;
      st.body = keep.body;
      if (keep.body !== body) await this.#edit(st, body);
    }
  }

  /** Edits the known issue; false when it is gone (deleted: the caller finds or creates it). */
  async #edit(st: RepoDash, body: string): Promise<boolean> {
    try {
      await st.ctx.dash.updateIssue(st.number!, { body });
      this.stats.edits++;
      st.body = body;
      return true;
    } catch (e) {
      if (e instanceof GitHubError && (e.status === 404 || e.status === 410)) {
        st.number = null;
        st.body = null;
        return false;
      }
      throw e;
    }
  }

  async #closeDuplicates(st: RepoDash, dups: { number: number }[], keep: number): Promise<void> {
    for (const d of dups) {
      await st.ctx.dash.comment(d.number, `${DASHBOARD_MARKER.replace("dashboard", "dashboard-duplicate")}\nA duplicate of #${keep} (two PUCS instances created the dashboard at the same moment): closing this one.`);
      await st.ctx.dash.updateIssue(d.number, { state: "closed" });
      this.stats.closed++;
    }
  }

  /** `issues.deleted`: forget the issue if it was the dashboard; the next refresh recreates it. */
  deleted(ctx: DashCtx, defaultBranch: string, issue: { number: number; body: string }): void {
    const st = this.#state(ctx, defaultBranch);
    if (st.number === issue.number || issue.body.includes(DASHBOARD_MARKER)) {
      st.number = null;
      st.body = null;
      this.request(ctx, defaultBranch);
    }
  }

  /** `issues.edited` on the dashboard by a person: act on the boxes ticked since the previous body. */
  async edited(ctx: DashCtx, defaultBranch: string, e: { number: number; body: string; before: string | null; sender: string; senderIsBot: boolean }): Promise<void> {
    if (!e.body.includes(DASHBOARD_MARKER)) return;
    const st = this.#state(ctx, defaultBranch);
    if (e.senderIsBot) return; // the App's own edits (and other bots') steer nothing
    st.number = e.number;
    let ticked = newlyTicked(e.before, e.body);
    if (ticked.length === 0) return;
    // Act only on boxes that are still ticked now: a redelivered or late event finds them unticked
    // (handled already), and acts on nothing.
    const current = await ctx.dash.getIssue(e.number);
    if (!current) return;
    const stillTicked = new Set(parseActions(current.body).filter((a) => a.ticked).map((a) => a.key));
    ticked = ticked.filter((a) => stillTicked.has(actionKey(a)));
    st.body = current.body;
    if (ticked.length === 0) return;
    const { ledger, config } = await this.#read(ctx, defaultBranch);
    if (!config?.dashboard?.enabled) return; // off: no writes, not even an untick
    const role: Role = await ctx.gw.permission(e.sender);
    const now = this.deps.now();
    const who = { login: e.sender, role, isBot: false };
    const refused: string[] = [];
    const steps: ((l: Ledger) => TransitionResult<unknown>)[] = [];
    const done: string[] = [];
    let rerun = false;
    for (const a of ticked) {
      const lock = a.name === "release-lock" ? (ledger.locks.find((k) => k.lease === a.lease) ?? null) : null;
      const allowed = actionAllowed(a, who, lock?.agent ?? null);
      if (!allowed.ok) {
        refused.push(`“${describe(a, lock)}” needs ${allowed.needs}; @${e.sender} has ${role}`);
        continue;
      }
      this.stats.actions++;
      if (a.name === "release-expired") {
        steps.push((l) => expire(l, now));
        done.push("released the expired locks");
      } else if (a.name === "rerun-gate") {
        rerun = true;
      } else if (!lock) {
        refused.push(`“${actionText(a)}”: that lock is gone already (released or expired)`);
      } else {
        const own = lock.agent.toLowerCase() === e.sender.toLowerCase();
        steps.push((l) => releaseLock(l, own ? { path: lock.path, agent: lock.agent } : { path: lock.path, agent: e.sender, force: true }, now));
        done.push(`released ${lock.path} held by ${lock.agent}`);
      }
    }
    this.stats.refused += refused.length;
    let after = ledger;
    if (steps.length > 0) {
      const result = await ctx.writer.update(ctx.repoKey, ctx.store, (l) => {
        const r = applyAll(l, steps);
        return { ...r, message: r.message !== null ? `${r.message}\n\n(dashboard #${e.number}: ticked by @${e.sender})` : null };
      });
      after = result.after;
      const notices = result.outcome.flatMap((o) => ((o as { notify?: Notice[] }).notify ?? []));
      await notifyQueued(ctx, notices, `released from the dashboard by @${e.sender}`);
    }
    let rerunNote: string | null = null;
    if (rerun) rerunNote = await this.#rerun(ctx, after, config);
    // Untick: the body rendered again (it has no ticked box), now rather than at the next interval.
    await this.refresh(st, { ledger: after, config });
    const lines: string[] = [];
    if (done.length > 0) lines.push(`@${e.sender} ${done.join("; ")} (recorded in the ledger's history).`);
    if (rerunNote) lines.push(`@${e.sender} re-ran the gate: ${rerunNote}`);
    if (refused.length > 0) lines.push(`@${e.sender}: not done, the box was unticked — ${refused.join("; ")}.`);
    if (refused.length > 0 || rerunNote) await ctx.dash.comment(e.number, `<!-- pucs:dashboard-reply -->\n${lines.join("\n")}`);
  }

  /** Re-publishes every open PR's report from the ledger (writes only where a report changed). */
  async #rerun(ctx: DashCtx, ledger: Ledger, config: Config): Promise<string> {
    const now = this.deps.now();
    let n = 0;
    for (const fp of ledger.footprints) {
      const number = numberOf(fp.change);
      if (number === null) continue;
      const ev = evaluate(changeOfFootprint(fp), ledger, config, now, { stream: fp.stream });
      await publishReport(ctx, { number, headSha: fp.headSha, labels: fp.labels ?? [], known: { sha: fp.headSha, comment: fp.comment ?? null } }, reportOf(ev, []));
      n++;
    }
    return `${n} open PR report${n === 1 ? "" : "s"} re-published from the ledger.`;
  }
}

function describe(a: DashboardAction, lock: { path: string; agent: string } | null): string {
  return a.name === "release-lock" && lock ? `release ${lock.path} held by ${lock.agent}` : actionText(a);
}

type J = Record<string, unknown>;

function dashCtx(context: Context, deps: AppDeps): DashCtx | null {
  const p = context.payload as { repository?: { name?: unknown; owner?: { login?: unknown } } };
  const name = p.repository?.name;
  const owner = p.repository?.owner?.login;
  if (typeof name !== "string" || typeof owner !== "string") return null;
  const ref = { owner, repo: name };
  const client = context.octokit as unknown as GitHubClient;
  return {
    ...deps,
    gw: new AppGateway(client, ref),
    store: new GitHubRefStore(client, ref),
    dash: new DashboardGateway(client, ref),
    repoKey: `${owner}/${name}`,
    log: { info: (m) => context.log.info(m), warn: (m) => context.log.warn(m), error: (m) => context.log.error(m) },
  } as DashCtx;
}

const branchOf = (context: Context): string => {
  const b = (context.payload as { repository?: { default_branch?: unknown } }).repository?.default_branch;
  return typeof b === "string" && b ? b : "main";
};

/** Registers the dashboard's handlers; returns the instance (tests and the benchmark read its stats). */
export function registerDashboard(app: Probot, deps: AppDeps, opts: DashboardOptions | false = {}): Dashboards | null {
  if (opts === false) return null;
  const dashboards = new Dashboards(deps, opts);
  opts.expose?.(dashboards);
  // Every ledger commit this process makes may change what the dashboard shows: ask after each one
  // (the event handlers' commits land well after the events arrive when writes are throttled).
  const writer = deps.writer;
  const update = writer.update.bind(writer);
  writer.update = ((repoKey, store, fn, snapshot) =>
    update(repoKey, store, fn, snapshot).then((r) => {
      if (r.before !== r.after) dashboards.committed(repoKey);
      return r;
    })) as typeof writer.update;
  app.on(["pull_request", "issue_comment.created"], async (context) => {
    const ctx = dashCtx(context as unknown as Context, deps);
    const p = context.payload as { action?: unknown; pull_request?: { merged?: unknown } };
    if (ctx) dashboards.request(ctx, branchOf(context as unknown as Context), p.action === "closed" && p.pull_request?.merged === true);
  });
  app.on("issues.deleted", async (context) => {
    const ctx = dashCtx(context as unknown as Context, deps);
    const issue = (context.payload as { issue?: J }).issue;
    if (!ctx || !issue || !Number.isInteger(issue.number)) return;
    dashboards.deleted(ctx, branchOf(context as unknown as Context), { number: Number(issue.number), body: typeof issue.body === "string" ? issue.body : "" });
  });
  app.on("issues.edited", async (context) => {
    const ctx = dashCtx(context as unknown as Context, deps);
    const p = context.payload as { issue?: J; sender?: J; changes?: { body?: { from?: unknown } } };
    if (!ctx || !p.issue || !p.sender || !Number.isInteger(p.issue.number)) return; // not an issue event PUCS can use
    const body = typeof p.issue.body === "string" ? p.issue.body : "";
    if (!body.includes(DASHBOARD_MARKER)) return;
    const login = typeof p.sender.login === "string" ? p.sender.login : "";
    const from = p.changes?.body?.from;
    if (p.changes && !p.changes.body) return; // a title change (a rename): nothing to act on
    await deps.serial(`${ctx.repoKey}#dashboard`, () =>
      dashboards.edited(ctx, branchOf(context as unknown as Context), {
        number: Number(p.issue!.number),
        body,
        before: typeof from === "string" ? from : null,
        sender: login,
        senderIsBot: p.sender!.type === "Bot" || /\[bot\]$/.test(login),
      }),
    );
  });
  return dashboards;
}
