/**
 * The Action's decisions as pure functions: which streams an open PR is in (from what the list
 * payload and the ledger already say, so the gate does not list every PR's files), which other PRs
 * an event can have changed the verdict of, what status to publish, and which PRs a merge-queue
 * group holds.
 */
import { gate, gateChangeOf } from "../engine/gate.js";
import { phaseOf } from "../engine/phases.js";
import type { Change, Config, Footprint, GateChange, GateResult, Ledger } from "../engine/types.js";
import type { GateStatus, PullInfo } from "../github/gate.js";

export { changeId, numberOf } from "../engine/change.js";
import { changeId, changeOfPull as changeOfPullRequest } from "../engine/change.js";

function footprintOf(ledger: Ledger | null, n: number): Footprint | undefined {
  return ledger?.footprints.find((f) => f.change === changeId(n));
}

/** The engine's Change for a PR whose files are known only by path (the gate lists no patches). */
export function changeOfPull(pull: PullInfo, files: readonly { path: string; previousPath?: string }[], commitMessages: readonly string[]): Change {
  const changed = files.map((f) => (f.previousPath !== undefined ? { path: f.path, previousPath: f.previousPath, hunks: null } : { path: f.path, hunks: null }));
  return changeOfPullRequest(pull, changed, commitMessages);
}

export interface ListedChange {
  gate: GateChange;
  /** How the streams were found: "declared" (label, title prefix or branch), "footprint" (ledger),
   *  or "none" (nothing in the list payload or the ledger: the PR's files are needed). */
  source: "declared" | "footprint" | "none";
}

/**
 * The gate's view of an open PR without listing its files: the ledger's footprint (the files the
 * App recorded for the PR) if there is one, plus whatever the label / title / branch declares.
 * `source: "none"` means the caller must list the PR's files (the last resort).
 */
export function listedChange(pull: PullInfo, ledger: Ledger | null, config: Config): ListedChange {
  const fp = footprintOf(ledger, pull.number);
  const files = fp ? fp.files.map((f) => ({ path: f.path })) : [];
  const gc = gateChangeOf(changeOfPull(pull, files, []), config);
  return { gate: gc, source: fp ? "footprint" : gc.streams.length > 0 ? "declared" : "none" };
}

/** Whether the lock check needs the gated change's files at all (no live lock → no). */
export function locksMatter(ledger: Ledger | null, config: Config, now: number): boolean {
  return config.mergeGate.blockOnLocks && !!ledger && ledger.locks.some((l) => Date.parse(l.expiresAt) > now);
}

const STREAMS_MARK = "#pucs-streams=";

/**
 * The status a gate result publishes. Its link (the workflow run) carries the PR's streams as a
 * fragment, `<run url>#pucs-streams=OBS,API`: the next run reads it back from the previous head
 * commit (a push's `before`) to know which PRs the push may have changed, without the ledger.
 */
export function statusOf(result: GateResult, targetUrl: string | null): GateStatus {
  return {
    state: result.verdict === "pass" ? "success" : "failure",
    description: result.description,
    targetUrl: targetUrl === null ? null : `${targetUrl}${STREAMS_MARK}${result.streams.join(",")}`,
  };
}

/** The streams a status recorded (see statusOf), or null when it carries none. */
export function streamsOfStatus(status: GateStatus | null): string[] | null {
  const url = status?.targetUrl ?? null;
  if (url === null) return null;
  const i = url.indexOf(STREAMS_MARK);
  if (i === -1) return null;
  const list = url.slice(i + STREAMS_MARK.length);
  return list === "" ? [] : list.split(",");
}

/** Whether `current` already says what `desired` would: same state, description and recorded
 *  streams (a different run link alone is no reason to re-post). */
export function sameStatus(current: GateStatus | null, desired: GateStatus): boolean {
  if (current === null || current.state !== desired.state || current.description !== desired.description) return false;
  const want = streamsOfStatus(desired);
  return want === null || JSON.stringify(streamsOfStatus(current)) === JSON.stringify(want);
}

/**
 * The PRs whose verdict or status line an event on `subject` may have changed: those where what
 * `subject` contributes as a blocker differs between now (`after`, null when it closed or became a
 * draft) and before (`before`: null when it was not
 * an open, ready PR; `{ unknown: declared }` when its earlier streams are not known, e.g. a push to a
 * PR with no earlier status or footprint: it then had its declared streams (label, branch, title:
 * a push does not change them) plus possibly any one other stream, and each such variant is tried;
 * one of them blocks every PR the real earlier state blocked).
 * Returns the candidates' ids in `others` order.
 */
export function affectedBy(
  subject: string,
  before: GateChange | null | { unknown: readonly string[] },
  after: GateChange | null,
  others: readonly GateChange[],
  config: Config,
  now: number,
): string[] {
  const rest = others.filter((o) => o.change !== subject);
  const earlier: (GateChange | null)[] = [];
  if (before && "unknown" in before) {
    for (const s of config.streams) earlier.push({ change: subject, streams: [...new Set([...before.unknown, s.id])], draft: false });
  } else {
    earlier.push(before && !before.draft ? before : null);
  }
  const later = after && !after.draft ? after : null;
  // What `subject` contributes to o's verdict and status line: its blocker entry (stream, phase,
  // reason), decided pairwise, so gating against `subject` alone is enough.
  const entry = (o: GateChange, v: GateChange | null): string =>
    v === null
      ? ""
      : gate(o, [v], null, config, now)
          .blockers.filter((b) => b.change === subject)
          .map((b) => `${b.reason}:${b.stream}:${b.phase}`)
          .join("|");
  const out: string[] = [];
  for (const o of rest) {
    if (o.streams.length === 0) continue; // outside the phase order: only locks block it, and PR events do not move locks
    const now_ = entry(o, later);
    if (earlier.some((v) => entry(o, v) !== now_)) out.push(o.change);
  }
  return out;
}

/** The PR numbers in a merge-queue group: the head ref names the top PR
 *  (`refs/heads/gh-readonly-queue/main/pr-12-<sha>`), and the group's commits name the others
 *  ("Merge pull request #11 from ..." or a squash subject ending "(#11)"). */
export function mergeGroupPulls(headRef: string, messages: readonly string[]): number[] {
  const out = new Set<number>();
  const m = /(?:^|\/)gh-readonly-queue\/.+\/pr-(\d+)-[0-9a-f]+$/.exec(headRef);
  if (m) out.add(Number(m[1]));
  for (const msg of messages) {
    const subject = msg.split("\n")[0] ?? "";
    const merge = /^Merge pull request #(\d+) /.exec(subject);
    if (merge) out.add(Number(merge[1]));
    const squash = /\(#(\d+)\)\s*$/.exec(subject);
    if (squash) out.add(Number(squash[1]));
  }
  return [...out].sort((a, b) => a - b);
}

/** The PR number of a merge-queue head ref, or null when the ref is not one. */
export function mergeGroupTopPull(headRef: string): number | null {
  const m = /(?:^|\/)gh-readonly-queue\/.+\/pr-(\d+)-[0-9a-f]+$/.exec(headRef);
  return m ? Number(m[1]) : null;
}

/** One status for a whole merge-queue group: pass only when every PR in it passes. */
export function mergeGroupStatus(results: readonly GateResult[], targetUrl: string | null): GateStatus {
  const blocked = results.filter((r) => r.verdict === "blocked");
  let description: string;
  if (blocked.length === 0) {
    description = `Queue group ${results.map((r) => r.change).join(", ")}: every PR passes the phase order`;
  } else {
    description = blocked
      .map((r) => `${r.change} blocked by ${r.blockers.map((b) => (b.reason === "lock" ? `lock by ${b.change}` : b.reason === "breaker" ? `${b.stream} circuit breaker` : `${b.change} (${b.stream ?? "?"}, phase ${b.phase})`)).join(", ")}`)
      .join("; ");
  }
  if (description.length > 140) description = `${description.slice(0, 139)}…`;
  return { state: blocked.length === 0 ? "success" : "failure", description, targetUrl };
}

/** The affected streams' test patterns, in stream order, without duplicates. */
export function testPatternsOf(streams: readonly string[], config: Config): string[] {
  const out: string[] = [];
  for (const s of config.streams) {
    if (!streams.includes(s.id)) continue;
    for (const p of s.testPatterns) if (!out.includes(p)) out.push(p);
  }
  return out;
}

/** Phase of a stream for display ("–" when it has none). */
export function phaseLabel(config: Config, stream: string): string {
  const p = phaseOf(config, stream);
  return p === null ? "–" : String(p);
}
