/**
 * `pucs check`'s exact answers (issue 15), with local git only:
 *   - PARTITION advice names the enclosing functions: the partitioned files' text at the merge base is
 *     read from local git objects and parsed with tree-sitter;
 *   - when the other change's head is a local commit (worktrees of one repository, a fetched PR) and
 *     this branch's work is committed, `git merge-tree --write-tree` gives git's own verdict per file.
 * Translation only: the decisions are src/engine/symbols.ts and src/engine/merge-check.ts.
 */
import { evaluate, type EvaluateOptions } from "../engine/evaluate.js";
import { confirmWithGit, type GitMergeAnswer } from "../engine/merge-check.js";
import { definitionsOf, partitionedFiles, type Definition } from "../engine/symbols.js";
import type { Change, Config, Evaluation, Ledger } from "../engine/types.js";
import * as git from "../git/gateway.js";
import { loadLanguages, parseLoaded } from "../symbols/loader.js";

/** At most this many other changes are merged with `git merge-tree` for one check. */
export const MAX_MERGE_CHECKS = 10;

export async function checkEvaluation(
  root: string,
  change: Change,
  ledger: Ledger,
  config: Config,
  now: number,
  opts: EvaluateOptions,
  mergeBase: string,
): Promise<Evaluation> {
  let ev = evaluate(change, ledger, config, now, opts);
  const files = partitionedFiles(ev);
  if (files.length > 0) {
    const [texts] = await Promise.all([git.showFiles(root, mergeBase, files.map((f) => f.path)), loadLanguages(new Set(files.map((f) => f.lang)))]);
    const symbols = new Map<string, Definition[]>();
    for (const f of files) {
      const text = texts.get(f.path);
      const tree = text === undefined ? null : parseLoaded(f.lang, text);
      if (tree) symbols.set(f.path, definitionsOf(tree, f.lang));
    }
    if (symbols.size > 0) ev = evaluate(change, ledger, config, now, { ...opts, symbols });
  }
  const holders = [...new Set(ev.conflicts.filter((c) => c.type === "INTENT_OVERLAP" && c.holderChange).map((c) => c.holderChange as string))];
  const footprints = ledger.footprints.filter((f) => holders.includes(f.change) && f.change !== change.id).slice(0, MAX_MERGE_CHECKS);
  if (footprints.length === 0 || !(await git.workTreeClean(root))) return ev;
  const head = await git.revParse(root, "HEAD");
  if (head === null) return ev;
  const answers: GitMergeAnswer[] = [];
  for (const fp of footprints) {
    if (!/^[0-9a-f]{40,64}$/.test(fp.headSha) || !(await git.hasCommit(root, fp.headSha))) continue;
    const conflicted = await git.mergeTreeConflicts(root, head, fp.headSha);
    if (conflicted !== null) answers.push({ change: fp.change, headSha: fp.headSha, conflicted: new Set(conflicted) });
  }
  return confirmWithGit(ev, answers);
}
