/**
 * One run of the merge gate for one workflow event (pull_request, merge_group, push,
 * workflow_dispatch): gather what the engine needs through the gateway, gate, publish the
 * `PUCS / merge-gate` statuses that changed, and describe what happened (RunReport + outputs).
 *
 * Rules:
 * - The stream config is read from the BASE branch through the API (no checkout needed, and a PR
 *   cannot loosen its own gate by editing the config).
 * - With the App's ledger (a v2 tree with gate entries, `paths/complete`), pull_request and
 *   merge_group runs list no PR: the open PRs and their streams come from the gate entries, read in
 *   one GraphQL query with the config, the PR's files, commits and statuses (pull_request) or the
 *   queued PRs' footprints (merge_group). Re-published PRs' heads and statuses: one query per 100.
 * - Otherwise other open PRs are classified from the list payload (label, `[PUCS-<ID>]` title,
 *   branch) and the ledger's footprints; only a PR with none of these has its files listed.
 * - After a PR event, only the PRs the event can have changed are looked at (affectedBy); their
 *   current status is read and a new one posted only when state or description differ.
 * - push to the default branch re-publishes everything when the push touched the stream config
 *   (phases may have moved); other pushes change no verdict (merges arrive as pull_request closed).
 *   workflow_dispatch re-publishes everything (repair).
 * - merge_group: the PRs in the group are gated for real against the open PRs outside it; a group
 *   whose PRs cannot be told is an error, never a pass.
 * - mode "check" reads only: no status is read or written, and a blocked verdict fails the step.
 */
import { gate, gateChangeOf } from "../engine/gate.js";
import { parseConfig, formatIssue } from "../engine/config/index.js";
import { checkCommitMessage } from "../engine/commit-protocol.js";
import { CONFIG_PATHS } from "../config-file.js";
import type { Config, Footprint, GateChange, GateResult, Ledger } from "../engine/types.js";
import { type CallCount, type GateGateway, type GateStatus, type PullInfo, type PullWorld, pullInfoOf } from "../github/gate.js";
import { GATE_COMMIT_FIELDS, gateViewOfCommitNode, type CommitNode, type GateMember } from "../github/ledger-store.js";
import { changeOfFootprint } from "../engine/change.js";
import { FootprintSchema } from "../ledger/schema.js";
import { footprintPath, parseEntry } from "../ledger/layout.js";
import { LEDGER_HINT, blobFetcher, ledgerSource, type GateLedger } from "./ledger.js";
import { LedgerError } from "../ledger/store.js";
import {
  affectedBy,
  changeId,
  changeOfPull,
  listedChange,
  locksMatter,
  mergeGroupPulls,
  mergeGroupStatus,
  mergeGroupTopPull,
  numberOf,
  sameStatus,
  statusOf,
  streamsOfStatus,
  testPatternsOf,
} from "./plan.js";
import type { CommitFinding, GatedEntry, RepublishedEntry, RunReport } from "./summary.js";
import { gateReportJson } from "./report-json.js";

export type Mode = "gate" | "check";
export type CommitProtocol = "off" | "warn" | "enforce";

/** A problem the user must fix; its message is shown as is (no stack trace). */
export class ActionError extends Error {
  override name = "ActionError";
}

export interface GateRunInput {
  eventName: string;
  payload: Record<string, unknown>;
  mode: Mode;
  commitProtocol: CommitProtocol;
  /** The `config` input; null = look up config/pucs_streams.yaml then .github/pucs.yml. */
  configPath: string | null;
  /** Link to the workflow run, for the statuses. */
  targetUrl: string | null;
}

export interface GateRunDeps {
  gw: GateGateway;
  /** The ledger on refs/pucs/ledger (src/action/ledger.ts `gateLedger`). */
  ledger: GateLedger;
  now: number;
  /** The request counter shared by the gateway and the ledger reader (shown in the summary). */
  calls: CallCount;
}

export interface GateOutputs {
  streams: string;
  phase: string;
  verdict: "pass" | "blocked" | "none";
  "blocked-by": string;
  "test-patterns": string;
  /** The same verdict as one JSON document (pucs.report/v1, kind "gate"): see report-json.ts. */
  report: string;
}

export interface GateRunOutcome {
  report: RunReport;
  config: Config | null;
  outputs: GateOutputs;
  /** Reasons to fail the step (commit protocol in enforce mode, a blocked verdict in check mode). */
  failures: string[];
  /** Annotations to emit as warnings (commit protocol in warn mode). */
  warnings: { title: string; message: string }[];
}

type Json = Record<string, unknown>;

/** At most this many requests in flight: GitHub's secondary rate limits punish bursts. */
export const CONCURRENCY = 8;

/** `fn` over `items` with at most `limit` running at once (results in input order). */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

const PR_ACTIONS = ["opened", "synchronize", "reopened", "ready_for_review", "labeled", "unlabeled", "edited", "converted_to_draft", "closed"];

/** The config candidates: the `config` input, or the two default paths in order. */
export const configPathsOf = (path: string | null): string[] => (path ? [path] : [...CONFIG_PATHS]);

/** The stream config at `ref`; `known` = texts already read (null: absent; undefined or missing: read it now). */
export async function loadConfigAt(gw: GateGateway, ref: string, path: string | null, known: ReadonlyMap<string, string | null | undefined> = new Map()): Promise<{ config: Config; path: string }> {
  const tried = configPathsOf(path);
  for (const p of tried) {
    const had = known.get(p);
    const text = had !== undefined ? had : await gw.fileText(p, ref);
    if (text === null) continue;
    const r = parseConfig(text, p);
    if (!r.ok) {
      const n = r.issues.length;
      throw new ActionError(
        `The PUCS stream config ${p} on ${ref} has ${n} problem${n === 1 ? "" : "s"}; fix ${n === 1 ? "it" : "them"} on ${ref} (the gate reads the base branch's config):\n${r.issues.map(formatIssue).join("\n")}`,
      );
    }
    return { config: r.config, path: p };
  }
  throw new ActionError(
    path
      ? `The \`config\` input names ${path}, which does not exist on ${ref}: commit it there or fix the input.`
      : `No PUCS stream config on ${ref}: tried ${tried.join(" and ")}. Commit one (\`npx pucs init --write-config\` writes a starter) or set the \`config\` input.`,
  );
}

function emptyOutputs(): GateOutputs {
  return { streams: "", phase: "", verdict: "none", "blocked-by": "", "test-patterns": "", report: JSON.stringify(gateReportJson([], [])) };
}

function outputsOf(results: readonly GateResult[], config: Config): GateOutputs {
  const streams: string[] = [];
  for (const r of results) for (const s of r.streams) if (!streams.includes(s)) streams.push(s);
  const phasesSeen = results.map((r) => r.phase).filter((p): p is number => p !== null);
  const blockedBy: number[] = [];
  for (const r of results) {
    if (r.verdict !== "blocked") continue;
    for (const b of r.blockers) {
      const n = numberOf(b.change);
      if (n !== null && !blockedBy.includes(n)) blockedBy.push(n);
    }
  }
  return {
    streams: streams.join(","),
    phase: phasesSeen.length ? String(Math.max(...phasesSeen)) : "",
    verdict: results.every((r) => r.verdict === "pass") ? "pass" : "blocked",
    "blocked-by": blockedBy.join(","),
    "test-patterns": testPatternsOf(streams, config).join(" "),
    report: JSON.stringify(gateReportJson(results, testPatternsOf(streams, config))),
  };
}

class Run {
  readonly report: RunReport;
  readonly failures: string[] = [];
  readonly warnings: { title: string; message: string }[] = [];
  config: Config | null = null;
  ledger: Ledger | null = null;
  /** Every open PR's gate view, by number, with whether its files are known. */
  private views = new Map<number, { pull: PullInfo | null; gate: GateChange; filesKnown: boolean }>();
  /** The ledger's head commit when the gate reads the App's gate entries instead of listing PRs. */
  tree: string | null = null;

  constructor(
    readonly input: GateRunInput,
    readonly deps: GateRunDeps,
  ) {
    const action = typeof input.payload.action === "string" ? ` (${input.payload.action})` : "";
    this.report = {
      event: `${input.eventName}${action}`,
      mode: input.mode,
      gated: [],
      status: null,
      group: null,
      republished: [],
      unchanged: [],
      commitProtocol: input.commitProtocol,
      commitFindings: [],
      notes: [],
      calls: deps.calls,
    };
  }

  get gw(): GateGateway {
    return this.deps.gw;
  }

  /** The open PRs as the ledger's gate entries list them (the App keeps them): no PR is listed. */
  setMembers(members: readonly GateMember[], except: ReadonlySet<number>): void {
    for (const m of members) {
      const n = numberOf(m.change);
      if (n === null || except.has(n) || m.streams === null) continue;
      this.views.set(n, { pull: null, gate: { change: m.change, streams: m.streams, draft: m.draft }, filesKnown: false });
    }
  }

  /** Gate views of `pulls` from the list payload and the ledger; PRs with nothing declared get their
   *  files listed (all such listings run concurrently). */
  async resolve(pulls: readonly PullInfo[]): Promise<void> {
    const config = this.config!;
    const need: PullInfo[] = [];
    for (const p of pulls) {
      const l = listedChange(p, this.ledger, config);
      this.views.set(p.number, { pull: p, gate: l.gate, filesKnown: l.source === "footprint" });
      if (l.source === "none") need.push(p);
    }
    await mapLimit(need, CONCURRENCY, (p) => this.withFiles(p.number));
  }

  /** Make sure the view of PR `n` is built from its real file list (and `commitMessages`, when given). */
  async withFiles(n: number, commitMessages: readonly string[] = []): Promise<GateChange> {
    const v = this.views.get(n)!;
    if (v.filesKnown && commitMessages.length === 0) return v.gate;
    this.setFull(n, await this.gw.pullFiles(n), commitMessages);
    return v.gate;
  }

  /**
   * The open PRs from the ledger's gate entries (all but `except`); entries recorded before
   * footprints carried gate streams are completed from their footprints (one more read).
   */
  async useMembers(members: readonly GateMember[], except: ReadonlySet<number>): Promise<void> {
    this.setMembers(members, except);
    const unknown = members.filter((m) => m.streams === null).map((m) => numberOf(m.change)).filter((n): n is number => n !== null && !except.has(n));
    if (unknown.length === 0) return;
    const heads = await this.gw.pullHeads(unknown, this.tree, new Map(unknown.map((n) => [n, footprintPath(changeId(n))])));
    const byChange = new Map(members.map((m) => [m.change, m]));
    for (const n of unknown) {
      const h = heads.get(n);
      if (h?.open && h.footprint !== null) this.setFootprintView(n, h.footprint, byChange);
    }
  }

  /**
   * Reads the ledger at `head` the gate's way (one query with `q`'s config, PR and ledger files):
   * its claims into `ledger`, and the open PRs from its gate entries when they can be trusted (then
   * `tree` is set and no PR needs listing); `members` null = list the PRs (the whole ledger is read
   * for their footprints).
   */
  async readLedger(head: string, q: Omit<Parameters<GateGateway["pullWorld"]>[0], "ledgerOid" | "ledgerFields" | "configPaths">, subject: { number: number; open: boolean } | null = null): Promise<{ world: PullWorld; members: GateMember[] | null }> {
    const world = await this.gw.pullWorld({ ledgerOid: head, ledgerFields: GATE_COMMIT_FIELDS, configPaths: configPathsOf(this.input.configPath), ...q });
    if (!world.ledger) throw new LedgerError(`${ledgerSource(head)}: GitHub has no such commit. ${LEDGER_HINT}`, "foreign");
    const view = await gateViewOfCommitNode(world.ledger as unknown as CommitNode, ledgerSource(head), LEDGER_HINT, blobFetcher(this.gw));
    const members = this.trusted(view.members, world.openPulls, subject);
    this.ledger = members || view.layout === 1 ? view.ledger : await this.deps.ledger.whole(head);
    if (members) this.tree = head;
    return { world, members };
  }

  /**
   * `members` when the ledger knows every open PR (as many PR entries as GitHub has open PRs), else
   * null: a PR opened before the App was installed, or whose event the App has not recorded yet, must
   * not be missed, so the gate then lists the PRs (and says why).
   */
  trusted(members: GateMember[] | null, openOnGitHub: number | null, subject: { number: number; open: boolean } | null = null): GateMember[] | null {
    if (members === null) return null;
    // The event's own PR is read from GitHub: it counts as known whether or not the App recorded it yet.
    const others = members.filter((m) => numberOf(m.change) !== null && numberOf(m.change) !== subject?.number).length;
    const prs = others + (subject?.open ? 1 : 0);
    if (openOnGitHub === prs) return members;
    this.report.notes.push(
      `The ledger lists ${prs} open pull request${prs === 1 ? "" : "s"} and GitHub ${openOnGitHub ?? "an unknown number"}: the gate listed them (a PR the App has not recorded yet must not be missed).`,
    );
    return null;
  }

  /** The view of PR `n` from its gate entry (its recorded streams). */
  setMemberView(n: number, m: GateMember): void {
    const v = this.views.get(n)!;
    v.gate = { ...v.gate, streams: m.streams ?? v.gate.streams };
  }

  /** The view of a PR read from the ledger's footprint (its recorded files and gate streams). */
  setFootprintView(n: number, text: string, members: ReadonlyMap<string, GateMember>): Footprint {
    const fp = parseEntry(FootprintSchema, text, footprintPath(changeId(n)), ledgerSource(this.tree!), LEDGER_HINT);
    const g = gateChangeOf(changeOfFootprint(fp), this.config!);
    const streams = members.get(fp.change)?.streams ?? g.streams;
    const v = this.views.get(n);
    this.views.set(n, { pull: v?.pull ?? null, gate: { ...g, streams, draft: members.get(fp.change)?.draft ?? fp.draft }, filesKnown: true });
    return fp;
  }

  /** Build the view of PR `n` from its listed files and commits. */
  setFull(n: number, listed: { files: { path: string; previousPath?: string }[]; truncated: boolean }, commitMessages: readonly string[]): void {
    const v = this.views.get(n)!;
    if (listed.truncated) this.report.notes.push(`#${n} changes more than 3,000 files; GitHub lists only the first 3,000, so its streams and lock check use those.`);
    if (v.pull === null) throw new Error(`PUCS bug: #${n} has no pull request to list files of`);
    v.gate = gateChangeOf(changeOfPull(v.pull, listed.files, commitMessages), this.config!);
    v.filesKnown = true;
  }

  setView(pull: PullInfo): void {
    this.views.set(pull.number, { pull, gate: listedChange(pull, this.ledger, this.config!).gate, filesKnown: false });
  }

  has(n: number): boolean {
    return this.views.has(n);
  }

  view(n: number): GateChange {
    return this.views.get(n)!.gate;
  }

  openViews(except: ReadonlySet<number> = new Set()): GateChange[] {
    return [...this.views.entries()].filter(([n]) => !except.has(n)).map(([, v]) => v.gate);
  }

  /** Gate PR `n` against every other open PR (minus `except`). Lists its files first when a lock may apply. */
  async gateOne(n: number, except: ReadonlySet<number> = new Set()): Promise<GateResult> {
    if (locksMatter(this.ledger, this.config!, this.deps.now)) await this.withFiles(n);
    const others = this.openViews(new Set([...except, n]));
    return gate(this.view(n), others, this.ledger, this.config!, this.deps.now);
  }

  /** Publish `desired` on `sha` unless the current status already says it. */
  async publish(sha: string, desired: GateStatus, readFirst = true, known?: GateStatus | null): Promise<{ changed: boolean; previous: GateStatus | null }> {
    const previous = known !== undefined ? known : readFirst ? await this.gw.gateStatus(sha) : null;
    if ((readFirst || known !== undefined) && sameStatus(previous, desired)) return { changed: false, previous };
    await this.gw.setGateStatus(sha, desired);
    return { changed: true, previous };
  }

  /** Re-gate and re-publish PRs `numbers` (other PRs), posting only what changed. */
  async republish(numbers: readonly number[], except: ReadonlySet<number> = new Set()): Promise<void> {
    if (this.input.mode === "check") {
      if (numbers.length) this.report.notes.push(`mode: check publishes nothing; ${numbers.map((n) => `#${n}`).join(", ")} would be re-checked in mode: gate.`);
      return;
    }
    if (this.tree !== null) {
      await this.republishFromLedger(numbers, except);
    } else {
      await mapLimit(numbers, CONCURRENCY, async (n) => {
        const v = this.views.get(n)!;
        const result = await this.gateOne(n, except);
        const desired = statusOf(result, this.input.targetUrl);
        const { changed, previous } = await this.publish(v.pull!.headSha, desired);
        if (changed) this.report.republished.push({ change: changeId(n), url: v.pull!.url, previous, status: desired } satisfies RepublishedEntry);
        else this.report.unchanged.push(changeId(n));
      });
    }
    const order = (c: string) => numberOf(c) ?? 0;
    this.report.republished.sort((a, b) => order(a.change) - order(b.change));
    this.report.unchanged.sort((a, b) => order(a) - order(b));
  }

  /**
   * `republish` when the PRs come from the ledger's gate entries: their heads, states and current
   * statuses (and, when a lock can block them, their footprints' files) in one query per 100 PRs;
   * a status is written only where it changes.
   */
  private async republishFromLedger(numbers: readonly number[], except: ReadonlySet<number>): Promise<void> {
    const locks = locksMatter(this.ledger, this.config!, this.deps.now);
    const paths = new Map(locks ? numbers.map((n) => [n, footprintPath(changeId(n))] as const) : []);
    const heads = await this.gw.pullHeads(numbers, this.tree, paths);
    const members = new Map([...this.views.values()].map((v) => [v.gate.change, { change: v.gate.change, draft: v.gate.draft ?? false, streams: v.gate.streams }]));
    for (const n of numbers) {
      const h = heads.get(n);
      if (!h || !h.open) {
        this.report.notes.push(`#${n} is in the ledger but not open on GitHub any more: the App removes it on its next event.`);
        continue;
      }
      if (h.footprint !== null) this.setFootprintView(n, h.footprint, members);
      const result = gate(this.view(n), this.openViews(new Set([...except, n])), this.ledger, this.config!, this.deps.now);
      const desired = statusOf(result, this.input.targetUrl);
      const { changed, previous } = await this.publish(h.headSha, desired, true, h.status);
      if (changed) this.report.republished.push({ change: changeId(n), url: h.url, previous, status: desired } satisfies RepublishedEntry);
      else this.report.unchanged.push(changeId(n));
    }
  }

  commitProtocol(commits: readonly { sha: string; message: string }[], pr: number): void {
    const mode = this.input.commitProtocol;
    if (mode === "off") return;
    const findings: CommitFinding[] = [];
    for (const c of commits) {
      const r = checkCommitMessage(c.message, this.config!);
      if (!r.ok) findings.push({ sha: c.sha, problem: r.problem });
    }
    this.report.commitFindings.push(...findings);
    if (findings.length === 0) return;
    if (mode === "warn") {
      for (const f of findings) this.warnings.push({ title: `PUCS commit protocol: ${f.sha.slice(0, 7)}`, message: f.problem });
    } else {
      this.failures.push(
        `Commit protocol (enforce): ${findings.length} commit${findings.length === 1 ? "" : "s"} of #${pr} do not follow "[PUCS-<STREAM>] <type>: <description>"; reword ${findings.length === 1 ? "it" : "them"} (git rebase -i) and push:\n${findings.map((f) => `${f.sha.slice(0, 7)}: ${f.problem}`).join("\n")}`,
      );
    }
  }

  outcome(results: GateResult[]): GateRunOutcome {
    const outputs = results.length && this.config ? outputsOf(results, this.config) : emptyOutputs();
    if (this.input.mode === "check" && outputs.verdict === "blocked") {
      this.failures.unshift(
        `Merge gate: blocked (mode: check fails the step). ${results
          .filter((r) => r.verdict === "blocked")
          .map((r) => `${r.change}: ${r.blockers.map((b) => b.unblock).join(" ")}`)
          .join(" ")}`,
      );
    }
    return { report: this.report, config: this.config, outputs, failures: this.failures, warnings: this.warnings };
  }
}

async function pullRequestRun(run: Run): Promise<GateRunOutcome> {
  const payload = run.input.payload;
  const action = String(payload.action ?? "");
  if (!payload.pull_request || typeof payload.pull_request !== "object") throw new ActionError("The pull_request event payload has no pull_request object: is GITHUB_EVENT_PATH the event's payload?");
  const x = pullInfoOf(payload.pull_request as Json);
  if (!PR_ACTIONS.includes(action)) {
    run.report.notes.push(`pull_request action "${action}" cannot change a merge-gate verdict; nothing to do.`);
    return run.outcome([]);
  }
  const closing = action === "closed" || x.state === "closed";
  const publishing = run.input.mode === "gate";
  const beforeSha = action === "synchronize" && publishing && !x.draft && typeof payload.before === "string" ? payload.before : null;

  // The ledger decides how the other PRs are known. A v2 tree the App keeps complete lists every
  // open PR under its gate streams: one GraphQL query reads it with this PR's files, commits and
  // statuses and the config, and no PR is listed. Otherwise (no App, a v1 ledger, a tree written
  // before gate entries existed) the PRs are listed.
  const head = await run.deps.ledger.head();
  let world: PullWorld | null = null;
  let members: GateMember[] | null = null;
  if (head !== null) {
    const read = await run.readLedger(head, { baseRef: x.baseRef, pull: closing ? null : x.number, head: closing || !publishing ? null : x.headSha, before: beforeSha }, { number: x.number, open: !closing });
    world = read.world;
    members = read.members;
  }
  const listing = members ? null : run.gw.openPulls(); // (its first page while the config is read)
  listing?.catch(() => undefined); // awaited below; an early failure must not go unhandled meanwhile
  run.config = (await loadConfigAt(run.gw, x.baseRef, run.input.configPath, world?.configs)).config;
  const config = run.config;
  if (members) {
    await run.useMembers(members, new Set([x.number]));
  } else {
    const pulls = await listing!;
    await run.resolve(pulls.filter((p) => p.number !== x.number));
  }
  run.setView(x);
  const mine = members?.find((m) => m.change === changeId(x.number)) ?? null;

  // The subject PR itself: its full file list and commits (never needed from the others).
  let commits: { sha: string; message: string }[] = [];
  let results: GateResult[] = [];
  if (closing) {
    if (mine?.streams) run.setMemberView(x.number, mine);
    else await run.resolve([x]); // files only if nothing declares its stream
  } else {
    const [cs, listed] = await Promise.all([
      world?.commits ?? run.gw.pullCommits(x.number),
      world?.files ? { files: world.files, truncated: false } : run.gw.pullFiles(x.number),
    ]);
    commits = cs;
    run.setFull(x.number, listed, commits.map((c) => c.message));
    const result = gate(run.view(x.number), run.openViews(new Set([x.number])), run.ledger, config, run.deps.now);
    results = [result];
    run.report.gated.push({ number: x.number, title: x.title, url: x.url, result } satisfies GatedEntry);
    const desired = statusOf(result, run.input.targetUrl);
    if (publishing) {
      const { changed } = await run.publish(x.headSha, desired, true, world?.headStatus);
      run.report.status = { sha: x.headSha, status: desired, action: changed ? "published" : "unchanged" };
    } else {
      run.report.status = { sha: x.headSha, status: desired, action: "not published (check mode)" };
    }
    run.commitProtocol(commits, x.number);
  }

  // Which other PRs this event can have changed.
  const now = run.view(x.number);
  let before: GateChange | null | { unknown: string[] };
  let after: GateChange | null = closing || x.draft ? null : now;
  const messages = commits.map((c) => c.message);
  const withFiles = (pull: PullInfo) => changeOfPull(pull, (now.files ?? []).map((path) => ({ path })), messages);
  switch (action) {
    case "opened":
    case "reopened":
    case "ready_for_review":
      before = null;
      break;
    case "closed":
    case "converted_to_draft":
      before = { ...now, draft: false };
      after = null;
      break;
    case "labeled":
    case "unlabeled": {
      const name = String(((payload.label ?? {}) as Json).name ?? "");
      const labels = action === "labeled" ? x.labels.filter((l) => l !== name) : [...x.labels, name];
      before = x.draft ? null : gateChangeOf(withFiles({ ...x, labels }), config);
      break;
    }
    case "edited": {
      const from = ((((payload.changes ?? {}) as Json).title ?? {}) as Json).from;
      before = x.draft ? null : typeof from === "string" ? gateChangeOf(withFiles({ ...x, title: from }), config) : now;
      break;
    }
    default:
      // synchronize: the files (and so the streams) may have changed. What they were: the status
      // the gate left on the previous head (its link records the streams), else the ledger's
      // gate entry or footprint, else unknown beyond what the label / branch / title declare.
      before = x.draft ? null : await earlierState(run, x, beforeSha, world ? world.beforeStatus : undefined, mine);
  }
  const affected = affectedBy(changeId(x.number), before, after, run.openViews(new Set([x.number])), config, run.deps.now)
    .map(numberOf)
    .filter((n): n is number => n !== null);
  await run.republish(affected, closing ? new Set([x.number]) : new Set());
  return run.outcome(results);
}

/** X's gate view before a push: from the gate status on the previous head (`known` when already
 *  read), the ledger's gate entry or footprint, or only its declared streams (unknown). Costs one read
 *  when there is a previous head whose status was not read yet. */
async function earlierState(run: Run, x: PullInfo, beforeSha: string | null, known: GateStatus | null | undefined, member: GateMember | null): Promise<GateChange | { unknown: string[] }> {
  const id = changeId(x.number);
  if (beforeSha) {
    const streams = streamsOfStatus(known !== undefined ? known : await run.gw.gateStatus(beforeSha));
    if (streams !== null) return { change: id, streams, draft: false };
  }
  if (member?.streams) return { change: id, streams: member.streams, draft: false };
  const fp = run.ledger?.footprints.find((f) => f.change === id);
  if (fp) return gateChangeOf(changeOfPull(x, fp.files.map((f) => ({ path: f.path })), []), run.config!);
  return { unknown: listedChange(x, null, run.config!).gate.streams };
}

async function mergeGroupRun(run: Run): Promise<GateRunOutcome> {
  const mg = (run.input.payload.merge_group ?? null) as Json | null;
  const action = String(run.input.payload.action ?? "");
  if (!mg) throw new ActionError("The merge_group event payload has no merge_group object: is GITHUB_EVENT_PATH the event's payload?");
  if (action !== "checks_requested") {
    run.report.notes.push(`merge_group action "${action}" needs no verdict; nothing to do.`);
    return run.outcome([]);
  }
  const headRef = String(mg.head_ref ?? "");
  const headSha = String(mg.head_sha ?? "");
  const baseSha = String(mg.base_sha ?? "");
  const baseRef = String(mg.base_ref ?? "").replace(/^refs\/heads\//, "");
  if (mergeGroupTopPull(headRef) === null || !headSha || !baseSha || !baseRef) {
    throw new ActionError(
      `The merge group's head ref "${headRef}" is not a merge-queue ref (refs/heads/gh-readonly-queue/<base>/pr-<number>-<sha>), so the gate cannot tell which pull requests are queued and will not pass the group blindly.`,
    );
  }
  // With the App's ledger: the ref, the group's commits, then one query for the ledger's claims and
  // gate entries (the open PRs outside the group), the config and the queued PRs' footprints (their
  // files, as the App recorded them at the heads that passed their checks). No PR is listed.
  const [head, commits] = await Promise.all([run.deps.ledger.head(), run.gw.groupCommits(baseSha, headSha)]);
  const members = mergeGroupPulls(headRef, commits.map((c) => c.message));
  run.report.group = { headSha, pulls: members };
  const memberSet = new Set(members);
  let entries: GateMember[] | null = null;
  let footprints = new Map<string, string | null>();
  if (head !== null) {
    const read = await run.readLedger(head, { baseRef, pull: null, head: null, before: null, ledgerPaths: members.map((n) => footprintPath(changeId(n))) });
    entries = read.members;
    run.config = (await loadConfigAt(run.gw, baseRef, run.input.configPath, read.world.configs)).config;
    footprints = read.world.ledgerFiles;
  }
  let memberPulls: { number: number; title: string; url: string }[];
  if (entries) {
    await run.useMembers(entries, memberSet);
    const byChange = new Map(entries.map((m) => [m.change, m]));
    const missing: number[] = [];
    const recorded = new Map<number, Footprint>();
    for (const n of members) {
      const text = footprints.get(footprintPath(changeId(n))) ?? null;
      if (text !== null) recorded.set(n, run.setFootprintView(n, text, byChange));
      else missing.push(n);
    }
    // A queued PR the App has not recorded: read it and list its files (REST).
    const read = await Promise.all(missing.map((n) => run.gw.pull(n)));
    for (const p of read) run.setView(p);
    await mapLimit(missing, CONCURRENCY, (n) => run.withFiles(n));
    const base = `https://github.com/${run.gw.repo.owner}/${run.gw.repo.repo}/pull`;
    memberPulls = members.map((n) => read.find((p) => p.number === n) ?? { number: n, title: recorded.get(n)?.title ?? `#${n}`, url: recorded.get(n)?.url ?? `${base}/${n}` });
  } else {
    let pulls: PullInfo[];
    if (head === null) {
      const [cfg, listed] = await Promise.all([loadConfigAt(run.gw, baseRef, run.input.configPath), run.gw.openPulls()]);
      run.config = cfg.config;
      pulls = listed;
    } else {
      pulls = await run.gw.openPulls();
    }
    await run.resolve(pulls.filter((p) => !memberSet.has(p.number)));
    // Queued PRs are still open; one missing from the list (GitHub's list lags) is read on its own.
    const found = await Promise.all(members.map((n) => pulls.find((p) => p.number === n) ?? run.gw.pull(n)));
    for (const p of found) run.setView(p);
    await mapLimit(members, CONCURRENCY, (n) => run.withFiles(n));
    memberPulls = found;
  }
  const results: GateResult[] = [];
  for (const p of memberPulls) {
    const result = gate(run.view(p.number), run.openViews(memberSet), run.ledger, run.config!, run.deps.now);
    results.push(result);
    run.report.gated.push({ number: p.number, title: p.title, url: p.url, result });
  }
  const desired = mergeGroupStatus(results, run.input.targetUrl);
  if (run.input.mode === "gate") {
    // A merge group's head commit is new: there is no earlier status to compare with.
    await run.publish(headSha, desired, false);
    run.report.status = { sha: headSha, status: desired, action: "published" };
  } else {
    run.report.status = { sha: headSha, status: desired, action: "not published (check mode)" };
  }
  return run.outcome(results);
}

/**
 * Every open PR re-checked (a config change on the default branch, a manual repair). With the App's
 * ledger: the ref, one query (claims, gate entries, the config at `ref`, GitHub's open-PR count), then
 * one query per 100 PRs for their heads and statuses; otherwise every open PR is listed.
 */
async function sweepRun(run: Run, ref: string): Promise<GateRunOutcome> {
  const head = await run.deps.ledger.head();
  let pulls: PullInfo[];
  if (head === null) {
    const [cfg, listed] = await Promise.all([loadConfigAt(run.gw, ref, run.input.configPath), run.gw.openPulls()]);
    run.config = cfg.config;
    pulls = listed;
  } else {
    const { world, members } = await run.readLedger(head, { baseRef: ref, pull: null, head: null, before: null });
    run.config = (await loadConfigAt(run.gw, ref, run.input.configPath, world.configs)).config;
    if (members) {
      await run.useMembers(members, new Set());
      await run.republish(members.map((m) => numberOf(m.change)).filter((n): n is number => n !== null && run.has(n)).sort((a, b) => a - b));
      return run.outcome([]);
    }
    pulls = await run.gw.openPulls();
  }
  await run.resolve(pulls);
  await run.republish(pulls.map((p) => p.number));
  return run.outcome([]);
}

async function pushRun(run: Run): Promise<GateRunOutcome> {
  const p = run.input.payload;
  const repo = (p.repository ?? {}) as Json;
  const defaultBranch = String(repo.default_branch ?? repo.master_branch ?? "");
  const ref = String(p.ref ?? "");
  if (!defaultBranch || ref !== `refs/heads/${defaultBranch}`) {
    run.report.notes.push(`push to ${ref || "an unknown ref"}, not the default branch${defaultBranch ? ` (${defaultBranch})` : ""}: no verdict can have changed.`);
    return run.outcome([]);
  }
  const watched = run.input.configPath ? [run.input.configPath] : [...CONFIG_PATHS];
  const commits = Array.isArray(p.commits) ? (p.commits as Json[]) : null;
  // GitHub's push payload lists at most 20 commits (and 3,000 files); past that, assume the config moved.
  const touched =
    commits === null ||
    commits.length >= 20 ||
    p.forced === true ||
    commits.some((c) => ["added", "modified", "removed"].some((k) => Array.isArray(c[k]) && (c[k] as unknown[]).some((f) => watched.includes(String(f)))));
  if (!touched) {
    run.report.notes.push(`The push to ${defaultBranch} did not touch ${watched.join(" or ")}: no verdict changed (a merged PR re-publishes the others on its pull_request closed event).`);
    return run.outcome([]);
  }
  run.report.notes.push(`The push to ${defaultBranch} may have changed the stream config: every open PR's status was re-checked.`);
  return sweepRun(run, String(p.after ?? defaultBranch));
}

async function dispatchRun(run: Run): Promise<GateRunOutcome> {
  const repo = (run.input.payload.repository ?? {}) as Json;
  const ref = String(repo.default_branch ?? "");
  if (!ref) throw new ActionError("The workflow_dispatch payload names no repository default branch: is GITHUB_EVENT_PATH the event's payload?");
  run.report.notes.push("workflow_dispatch: every open PR's status was re-checked.");
  return sweepRun(run, ref);
}

export async function gateRun(input: GateRunInput, deps: GateRunDeps): Promise<GateRunOutcome> {
  const run = new Run(input, deps);
  switch (input.eventName) {
    case "pull_request":
      return pullRequestRun(run);
    case "merge_group":
      return mergeGroupRun(run);
    case "push":
      return pushRun(run);
    case "workflow_dispatch":
      return dispatchRun(run);
    case "pull_request_target":
      throw new ActionError(
        "The merge gate does not run on pull_request_target: trigger it on pull_request (opened, synchronize, reopened, ready_for_review, labeled, unlabeled, closed), merge_group, push and workflow_dispatch.",
      );
    default:
      throw new ActionError(
        `The merge gate does not handle the "${input.eventName}" event: trigger it on pull_request (opened, synchronize, reopened, ready_for_review, labeled, unlabeled, closed), merge_group, push and workflow_dispatch.`,
      );
  }
}
