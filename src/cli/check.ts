/**
 * `pucs check`'s judgement, shared by its two ways in: the full CLI (run.ts) and the fast path of a
 * plain local check (check-fast.ts), which reads the same git facts with fewer processes. Whatever
 * reads them, the change built, the ledger's PR at HEAD, the evaluation and the printed report are
 * these functions', so both paths print the same bytes.
 */
import { changeAtHead } from "../engine/change.js";
import { parseUnifiedDiff } from "../engine/diff.js";
import { renderMarkdown, renderText, reportJson } from "../engine/report.js";
import type { Change, Config, Footprint, Ledger } from "../engine/types.js";
import { checkEvaluation } from "./check-refine.js";

/** `pucs check`'s options (the full CLI's spec and the fast path's parser are this one). */
export { CHECK_SPEC } from "./check-plan.js";

/** What `pucs check` reads of git. */
export interface CheckGit {
  /** The base asked for (`--base`, or the default base branch). */
  base: string;
  mergeBase: string;
  headSha: string | null;
  /** Short name of the checked-out branch; null when HEAD is detached. */
  branch: string | null;
  /** `git diff` from the merge base (commits, index, working tree). */
  diff: string;
  /** The untracked files as a diff, and those past the limit (wholly changed). */
  untracked: { diff: string; whole: string[] };
  /** Messages of mergeBase..HEAD, newest first. */
  commitMessages: string[];
}

/** The change the branch is: its diff (working tree and new files included); what did not parse is warned about. */
export function checkChange(g: CheckGit, agent: string, warn: (text: string) => void): Change {
  const parsed = parseUnifiedDiff(g.diff + g.untracked.diff);
  for (const path of g.untracked.whole) parsed.files.push({ path, status: "added", hunks: null });
  for (const e of parsed.errors) warn(`warning: git diff: ${e}\n`);
  return {
    id: g.branch ? `branch:${g.branch}` : "HEAD",
    agent,
    ...(g.branch ? { branch: g.branch } : {}),
    commitMessages: g.commitMessages,
    files: parsed.files,
  };
}

/**
 * A branch whose HEAD is an open PR's head IS that PR: judged as it (it does not overlap with itself),
 * and as its agent unless one was named. Changes `change` in place; returns the PR's footprint.
 */
export function judgeAsOpenPr(change: Change, ledger: Ledger, headSha: string | null, agentNamed: boolean): Footprint | null {
  const pr = changeAtHead(ledger.footprints, headSha);
  if (pr) {
    change.id = pr.change;
    if (!agentNamed) change.agent = pr.agent;
  }
  return pr;
}

export interface CheckOutput {
  json: boolean;
  format: "text" | "markdown";
  out(text: string): void;
}

/** Evaluates the change against the ledger and config (with git's exact answers) and prints the report; the exit code. */
export async function printCheck(
  io: CheckOutput,
  root: string,
  change: Change,
  ledger: Ledger,
  config: Config,
  now: number,
  stream: string | undefined,
  g: Pick<CheckGit, "base" | "mergeBase">,
): Promise<number> {
  // Enclosing functions from the merge base's files, and git merge-tree's answer where the other head is local (issue 15).
  const ev = await checkEvaluation(root, change, ledger, config, now, stream ? { stream } : {}, g.mergeBase);
  const ok = ev.verdict === "clear" || ev.verdict === "safe-overlap";
  if (io.json) io.out(JSON.stringify({ ok, command: "check", base: g.base, mergeBase: g.mergeBase, files: ev.files, report: reportJson(ev) }, null, 2) + "\n");
  else io.out(io.format === "markdown" ? renderMarkdown(ev) : renderText(ev));
  return ok ? 0 : 1;
}
