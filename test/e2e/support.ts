/**
 * Shared helpers of the end-to-end tests: the ledger's full history from a bare repository, child
 * processes, signed webhooks.
 */
import { spawn } from "node:child_process";
import type { Ledger } from "../../src/engine/types.js";
import { parseLedger } from "../../src/ledger/schema.js";
import { isLedgerFile, ledgerFromFiles } from "../../src/ledger/layout.js";
import { BareRepo } from "./bare-repo.js";

export interface LedgerVersion {
  sha: string;
  parents: string[];
  message: string;
  ledger: Ledger;
}

export function run(cmd: string, args: string[], opts: { cwd: string; env?: Record<string, string>; input?: string }): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env } });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, out, err }));
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}

/**
 * Every commit of `ref` in `gitDir`, oldest first, with its ledger parsed (v2 tree or v1 ledger.json).
 * One git process for the log; the commits, trees and files are read by BareRepo (loose objects
 * directly, packed ones through git), so a history of a few hundred ledger commits is not a thousand
 * git processes forked from the test worker.
 */
export async function ledgerHistory(gitDir: string, ref = "refs/pucs/ledger"): Promise<LedgerVersion[]> {
  const log = await run("git", ["--git-dir", gitDir, "log", "--reverse", "--format=%H%x00%P%x00%B%x1e", ref], { cwd: gitDir });
  if (log.code !== 0) throw new Error(`git log ${ref} in ${gitDir} failed: ${log.err}`);
  const commits = log.out
    .split("\x1e")
    .map((c) => c.replace(/^\n/, ""))
    .filter((c) => c.trim() !== "")
    .map((c) => {
      const [sha, parents, message] = c.split("\x00");
      return { sha: sha!, parents: parents!.trim() === "" ? [] : parents!.trim().split(" "), message: message!.trim() };
    });
  const repo = new BareRepo(gitDir);
  const out: LedgerVersion[] = [];
  for (const c of commits) out.push({ ...c, ledger: await ledgerOfCommit(repo, c.sha, `${ref} at ${c.sha.slice(0, 7)}`) });
  return out;
}

/** The ledger of `rev` (a commit or ref) in `gitDir`, v2 tree or v1 ledger.json; null when `rev` does not exist. */
export async function ledgerAt(gitDir: string, rev = "refs/pucs/ledger", name = rev): Promise<Ledger | null> {
  const sha = await run("git", ["--git-dir", gitDir, "rev-parse", "--verify", "--quiet", `${rev}^{commit}`], { cwd: gitDir });
  if (sha.code !== 0) return null;
  const commit = sha.out.trim();
  return ledgerOfCommit(new BareRepo(gitDir), commit, `${name} at ${commit.slice(0, 7)}`);
}

/** The ledger files of a commit (what `git ls-tree -r` lists and `git cat-file` prints), parsed. */
async function ledgerOfCommit(repo: BareRepo, commit: string, source: string): Promise<Ledger> {
  const c = await repo.readCommit(commit);
  if (!c) throw new Error(`${source}: not a commit`);
  const entries = (await repo.readTree(c.tree, true)) ?? [];
  const wanted = entries.filter((e) => e.type === "blob" && (e.path === "ledger.json" || isLedgerFile(e.path)));
  const files = new Map<string, string>();
  for (const e of wanted) files.set(e.path, (await repo.readBlob(e.sha))!.toString("utf8"));
  if (files.has("meta.json")) return ledgerFromFiles(files, source, "");
  if (files.has("ledger.json")) return parseLedger(files.get("ledger.json")!, source);
  throw new Error(`${source} holds no ledger`);
}
