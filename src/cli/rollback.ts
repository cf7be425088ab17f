/**
 * `pucs rollback <commit>` (seed §8.1 ROLLBACK, the CLI's side): prepares the revert of a commit in a
 * new worktree — `git worktree add -b pucs/rollback-<sha7> ../<repo>-rollback-<sha7> <default branch>`
 * then `git revert --no-edit [-m 1] <commit>` (`-m 1` for a merge: keep the first parent's side) — and
 * prints what it did and the next step. Nothing is pushed; the ledger is only read, to name the PR and
 * stream PUCS tracked for that merge (and whether CI failed on it).
 */
import { existsSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { mergedChange } from "../engine/arbitrate.js";
import { streamLabel } from "../engine/membership.js";
import type { Ledger, MergedChange } from "../engine/types.js";
import * as git from "../git/gateway.js";

export interface RollbackIo {
  root: string;
  /** The ledger, or null when it cannot be read (the revert is prepared anyway). */
  ledger: () => Promise<Ledger | null>;
  emit: (json: Record<string, unknown>, text: string) => void;
  refuse: (message: string, data?: Record<string, unknown>) => never;
}

export async function runRollback(commitArg: string, io: RollbackIo): Promise<number> {
  const { root } = io;
  const sha = await git.revParse(root, `${commitArg}^{commit}`);
  if (sha === null) io.refuse(`pucs rollback: ${JSON.stringify(commitArg)} names no commit in this repository. Fetch it first (git fetch origin), or pass the merge commit's sha.`, { result: "unknown-commit", commit: commitArg });
  const parents = (await git.gitOk(["rev-list", "--parents", "-n", "1", sha], { cwd: root })).trim().split(/\s+/).slice(1);
  const isMerge = parents.length > 1;
  const short = sha.slice(0, 7);
  const ledger = await io.ledger();
  const merge: MergedChange | null = ledger ? mergedChange(ledger, sha) : null;
  const base = (await git.defaultBaseRef(root)) ?? "HEAD";
  const branch = `pucs/rollback-${short}`;
  const path = join(dirname(root), `${basename(root)}-rollback-${short}`);
  if (existsSync(path)) io.refuse(`pucs rollback: ${path} exists already (an earlier rollback of ${short}?). Remove it (git worktree remove ${path}) or work there.`, { result: "exists", worktree: path });
  if ((await git.revParse(root, `refs/heads/${branch}`)) !== null) io.refuse(`pucs rollback: the branch ${branch} exists already. Delete it (git branch -D ${branch}) or check it out to continue.`, { result: "exists", branch });
  await git.worktreeAdd(root, path, branch, base);
  const args = ["revert", "--no-edit", ...(isMerge ? ["-m", "1"] : []), sha];
  const r = await git.git(args, { cwd: path });
  const what = merge ? `${merge.change}${merge.title ? ` ("${merge.title}")` : ""}${merge.stream ? ` of ${merge.stream}` : ""}` : `commit ${short}`;
  const json = {
    ok: r.code === 0,
    command: "rollback",
    commit: sha,
    merge: isMerge,
    worktree: path,
    branch,
    base,
    change: merge?.change ?? null,
    stream: merge?.stream ?? null,
    suggested: merge?.rollback !== undefined,
  };
  if (r.code !== 0) {
    const conflicted = (await git.git(["diff", "--name-only", "--diff-filter=U"], { cwd: path })).stdout.split("\n").filter(Boolean);
    io.refuse(
      [
        `pucs rollback: the revert of ${what} does not apply cleanly on ${base}; it is left half-done in ${path} (branch ${branch}).`,
        conflicted.length ? `Conflicting files: ${conflicted.join(", ")}` : `git said: ${(r.stderr || r.stdout).trim().split("\n")[0] ?? ""}`,
        `Resolve them there, then: git -C ${path} revert --continue   (or give up: git -C ${path} revert --abort && git worktree remove ${path})`,
      ].join("\n"),
      { ...json, result: "conflict", conflicted },
    );
  }
  const head = (await git.gitOk(["rev-parse", "HEAD"], { cwd: path })).trim();
  const label = merge?.stream ? ` --label ${streamLabel(merge.stream)}` : "";
  const lines = [
    `Prepared the revert of ${what} in ${path}`,
    `  branch ${branch} from ${base}: git ${args.join(" ").replace(sha, short)} → ${head.slice(0, 7)}`,
    merge?.rollback ? `  ROLLBACK was suggested: its merge fails on the default branch (${merge.rollback.checks.join(", ")})${merge.rollback.done ? `; revert #${merge.rollback.done.revert} is already open` : ""}` : merge ? "  (PUCS tracked it; no CI failure was recorded on its merge)" : "  (not a merge PUCS tracked: no PR or stream to name)",
    "Next: run the tests there, then push and open the PR:",
    `  git -C ${path} push -u origin ${branch}`,
    `  gh pr create --head ${branch}${label} --title "Revert ${merge ? merge.change : short}"`,
    ...(merge ? [`  (on GitHub, a maintainer's \`/pucs rollback\` on ${merge.change} opens GitHub's own revert instead)`] : []),
  ];
  io.emit({ ...json, head }, lines.join("\n"));
  return 0;
}
