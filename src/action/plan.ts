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

export const changeId = (n: number): string => `#${n}`;

export function numberOf(change: string): number | null {
  const m = /^#(\d+)$/.exec(change);
  return m ? Number(m[1]) : null;
}

function footprintOf(ledger: Ledger | null, n: number): Footprint | undefined {
  return ledger?.footprints.find((f) => f.change === changeId(n));
}

/** The engine's Change for a PR. The title joins the commit messages, so a squash-style
 *  `[PUCS-EXEC] feat: ...` title declares the stream even when the commits are not listed. */
export function changeOfPull(pull: PullInfo, files: readonly { path: string; previousPath?: string }[], commitMessages: readonly string[]): Change {
  const change: Change = {
    id: changeId(pull.number),
    agent: pull.author,
    title: pull.title,
    branch: pull.headRef,
    labels: [...pull.labels],
    commitMessages: [pull.title, ...commitMessages],
    draft: pull.draft,
    headSha: pull.headSha,
    files: files.map((f) => (f.previousPath !== undefined ? { path: f.path, previousPath: f.previousPath, hunks: null } : { path: f.path, hunks: null })),
  };
  if (pull.url) change.url = pull.url;
  return change;
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

/** The status a gate result publishes. */
export function statusOf(result: GateResult, targetUrl: string | null): GateStatus {
  return { state: result.verdict === "pass" ? "success" : "failure", description: result.description, targetUrl };
}

/** Whether `current` already says what `desired` would (the run link alone is no reason to re-post). */
export function sameStatus(current: GateStatus | null, desired: GateStatus): boolean {
  return current !== null && current.state === desired.state && current.description === desired.description;
}

/**
 * The PRs whose verdict an event on `subject` may have changed: those `subject` blocks now
 * (`after`, null when it closed or became a draft) or blocked before (`before`: null when it was not
 * an open, ready PR; "unknown" when its earlier streams are not known, e.g. a push to a PR the
 * ledger has no footprint of, in which case it may have been in any one stream).
 * Returns the candidates' ids in `others` order.
 */
export function affectedBy(
  subject: string,
  before: GateChange | null | "unknown",
  after: GateChange | null,
  others: readonly GateChange[],
  ledger: Ledger | null,
  config: Config,
  now: number,
): string[] {
  const rest = others.filter((o) => o.change !== subject);
  const variants: GateChange[] = [];
  if (after && !after.draft) variants.push(after);
  if (before === "unknown") {
    for (const s of config.streams) variants.push({ change: subject, streams: [s.id], draft: false });
  } else if (before && !before.draft) {
    variants.push(before);
  }
  const out: string[] = [];
  for (const o of rest) {
    if (o.streams.length === 0) continue; // outside the phase order: only locks block it, and PR events do not move locks
    // Whether one change blocks another is decided pairwise, so gating against the variant alone is enough.
    const hit = variants.some((v) => gate(o, [v], null, config, now).blockers.some((b) => b.change === subject));
    if (hit) out.push(o.change);
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
      .map((r) => `${r.change} blocked by ${r.blockers.map((b) => (b.reason === "lock" ? `lock by ${b.change}` : `${b.change} (${b.stream ?? "?"}, phase ${b.phase})`)).join(", ")}`)
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
