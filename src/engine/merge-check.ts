/**
 * Exact answers where they are free (issue 15): when the other change's head is a local commit, git's
 * own three-way merge (`git merge-tree --write-tree HEAD <their head>`) says which files conflict. This
 * pure step folds that answer into an evaluation: a footprint overlap git merges cleanly becomes MERGE,
 * one git conflicts on becomes PARTITION, and either way the conflict says it was checked with git.
 * Declared intents (no lines to merge) and changes git was not asked about are left as they are.
 */
import { compareConflicts, verdictOf } from "./evaluate.js";
import type { Conflict, Evaluation } from "./types.js";

export interface GitMergeAnswer {
  /** The other change ("#12", "branch:x"). */
  change: string;
  /** The commit git merged with this one. */
  headSha: string;
  /** Paths `git merge-tree` reports conflicted. */
  conflicted: ReadonlySet<string>;
}

const isIntent = (c: Conflict): boolean => c.details.includes(" intends to work on ");

export function confirmWithGit(ev: Evaluation, answers: readonly GitMergeAnswer[]): Evaluation {
  if (answers.length === 0) return ev;
  const byChange = new Map(answers.map((a) => [a.change, a]));
  const conflicts = ev.conflicts.map((c): Conflict => {
    if (c.type !== "INTENT_OVERLAP" || !c.holderChange || isIntent(c)) return c;
    const a = byChange.get(c.holderChange);
    if (!a) return c;
    const sha = a.headSha.slice(0, 7);
    const conflicted = a.conflicted.has(c.file);
    if (conflicted && c.strategy !== "PARTITION") {
      const { lines: _lines, ...rest } = c;
      return {
        ...rest,
        strategy: "PARTITION",
        details: `${c.details} But git's own merge of this branch with ${c.holderChange} (${sha}) conflicts in ${c.file} (git merge-tree).`,
        nextStep: `Partition ${c.file} with ${c.holderChange}: git's merge of the two heads conflicts there; move the overlapping edit to one side, or queue behind ${c.holderChange}.`,
      };
    }
    if (!conflicted && c.strategy === "PARTITION") {
      const { lines: _lines, ...rest } = c;
      return {
        ...rest,
        strategy: "MERGE",
        details: `${c.details} git's own merge of this branch with ${c.holderChange} (${sha}) merges ${c.file} cleanly (git merge-tree), so the overlap needs no decision.`,
        nextStep: `Safe in parallel: git merges this branch and ${c.holderChange} cleanly in ${c.file} (checked with git merge-tree at ${sha}).`,
      };
    }
    return { ...c, details: `${c.details} Confirmed by git merge-tree with ${c.holderChange} (${sha}).` };
  });
  conflicts.sort(compareConflicts);
  return { ...ev, conflicts, verdict: verdictOf(conflicts), suggestions: [...new Set(conflicts.map((c) => c.nextStep))].slice(0, 10) };
}
