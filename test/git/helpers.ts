// Temp git repositories for the git tests (not a test file itself).
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gitOk } from "../../src/git/gateway.js";

// Isolate every git call of this test process from the machine's global and system config
// (identity, aliases, diff settings): tests see what CI without a git identity sees.
const dirs: string[] = [];
const isolation = mkdtempSync(join(tmpdir(), "pucs-gitcfg-"));
dirs.push(isolation);
writeFileSync(join(isolation, "empty-gitconfig"), "");
process.env.GIT_CONFIG_GLOBAL = join(isolation, "empty-gitconfig");
process.env.GIT_CONFIG_NOSYSTEM = "1";
for (const k of ["GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "GIT_DIR", "GIT_WORK_TREE"]) {
  delete process.env[k];
}

/** Identity for the test's own setup commits only (the repository itself has none configured). */
export const AS_TESTER = ["-c", "user.name=Tester", "-c", "user.email=tester@example.com"];


export function tempDir(prefix = "pucs-test-"): string {
  const d = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  dirs.push(d);
  return d;
}

export function cleanupTempDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

export async function sh(cwd: string, ...args: string[]): Promise<string> {
  return (await gitOk(args, { cwd })).trim();
}

/** A repository on branch main with one commit (README.md), no identity configured. */
export async function makeRepo(): Promise<string> {
  const root = tempDir();
  const dir = join(root, "repo");
  await gitOk(["init", "-q", "-b", "main", dir], { cwd: root });
  writeFileSync(join(dir, "README.md"), "hello\n");
  await sh(dir, "add", "README.md");
  await sh(dir, ...AS_TESTER, "commit", "-q", "-m", "initial");
  return dir;
}

/** Points `ref` at a new commit whose tree holds `files` (plumbing, as another tool would). */
export async function plantCommit(dir: string, ref: string, files: Record<string, string>): Promise<string> {
  let tree = "";
  for (const [name, text] of Object.entries(files)) {
    const blob = (await gitOk(["hash-object", "-w", "--stdin"], { cwd: dir, input: text })).trim();
    tree += `100644 blob ${blob}\t${name}\n`;
  }
  const treeSha = (await gitOk(["mktree"], { cwd: dir, input: tree })).trim();
  const commit = (await gitOk([...AS_TESTER, "commit-tree", treeSha, "-m", "planted"], { cwd: dir })).trim();
  await sh(dir, "update-ref", ref, commit);
  return commit;
}
