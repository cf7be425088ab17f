/**
 * Shared helpers of the end-to-end tests: the ledger's full history from a bare repository, child
 * processes, signed webhooks.
 */
import { spawn } from "node:child_process";
import type { Ledger } from "../../src/engine/types.js";
import { parseLedger } from "../../src/ledger/schema.js";

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

/** Every commit of `ref` in `gitDir`, oldest first, with its ledger.json parsed (2 git processes in all). */
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
  if (commits.length === 0) return [];
  const batch = await run("git", ["--git-dir", gitDir, "cat-file", "--batch"], { cwd: gitDir, input: commits.map((c) => `${c.sha}:ledger.json\n`).join("") });
  const texts: string[] = [];
  let rest = Buffer.from(batch.out, "utf8");
  for (const c of commits) {
    const nl = rest.indexOf(10);
    const header = rest.subarray(0, nl).toString("utf8");
    const m = /^[0-9a-f]{40} blob (\d+)$/.exec(header);
    if (!m) throw new Error(`${c.sha} has no ledger.json (${header})`);
    const size = Number(m[1]);
    texts.push(rest.subarray(nl + 1, nl + 1 + size).toString("utf8"));
    rest = rest.subarray(nl + 1 + size + 1);
  }
  return commits.map((c, i) => ({ ...c, ledger: parseLedger(texts[i]!, `${ref} at ${c.sha.slice(0, 7)}`) }));
}
