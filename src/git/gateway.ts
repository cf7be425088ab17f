/**
 * The git gateway: the only module that spawns git. No shell (argument arrays only), a large output
 * buffer, stable C-locale messages, and errors that name the command, its exit code and git's first
 * stderr line.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { configAnswerOf } from "./config-answer.js";

export interface GitOptions {
  cwd: string;
  /** Written to git's stdin (then closed). */
  input?: string;
  /** Added to the inherited environment. */
  env?: Record<string, string>;
}

export interface GitOutput {
  stdout: string;
  stderr: string;
  code: number;
}

/** Output beyond this is an error rather than silently truncated (a 3,000-file diff fits easily). */
export const MAX_OUTPUT_BYTES = 512 * 1024 * 1024;

export class GitError extends Error {
  constructor(
    message: string,
    /** "git rev-parse --show-toplevel" */
    readonly command: string,
    /** Exit code; -1 when git could not be run at all. */
    readonly exitCode: number,
    readonly stderr: string,
  ) {
    super(message);
    this.name = "GitError";
  }
}

function commandLine(args: string[]): string {
  return ["git", ...args.map((a) => (/^[\w@%+=:,./^~-]+$/.test(a) ? a : JSON.stringify(a)))].join(" ");
}

/** The line of stderr that says what went wrong: the first "fatal:"/"error:" line, else the first line. */
function firstLine(s: string): string {
  const lines = s.split("\n").map((x) => x.trim()).filter((x) => x !== "");
  return lines.find((x) => /^(fatal|error):/.test(x)) ?? lines[0] ?? "";
}

/** Runs git; resolves with its output and exit code whatever the code. Rejects (GitError) only when git cannot run. */
export function git(args: string[], opts: GitOptions): Promise<GitOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, {
      cwd: opts.cwd,
      env: { ...process.env, LC_ALL: "C", LANGUAGE: "C", GIT_TERMINAL_PROMPT: "0", ...opts.env },
      // No input: stdin is /dev/null (git sees its end at once), one pipe fewer to set up per process.
      stdio: [opts.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
      windowsHide: true,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let overflow = false;
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_OUTPUT_BYTES) {
        if (!overflow) {
          overflow = true;
          child.kill();
        }
        return;
      }
      into.push(chunk);
    };
    child.stdout!.on("data", collect(out));
    child.stderr!.on("data", collect(err));
    child.on("error", (e: NodeJS.ErrnoException) => {
      const why =
        e.code === "ENOENT"
          ? existsSync(opts.cwd)
            ? "git is not installed or not on PATH: install git and try again"
            : `directory ${opts.cwd} does not exist`
          : `cannot run git: ${e.message}`;
      reject(new GitError(why, commandLine(args), -1, ""));
    });
    child.stdin?.on("error", () => {
      /* git exited before reading all input: its exit code tells the story */
    });
    child.on("close", (code, signal) => {
      const stderr = Buffer.concat(err).toString("utf8");
      if (overflow) {
        reject(new GitError(`${commandLine(args)} produced more than ${MAX_OUTPUT_BYTES} bytes of output`, commandLine(args), -1, stderr));
        return;
      }
      resolve({ stdout: Buffer.concat(out).toString("utf8"), stderr, code: code ?? (signal ? 128 : 1) });
    });
    child.stdin?.end(opts.input);
  });
}

/** The error for a failed git command, with "not a git repository" made plain. */
export function gitError(args: string[], res: GitOutput, cwd: string): GitError {
  const cmd = commandLine(args);
  const line = firstLine(res.stderr);
  if (/not a git repository/i.test(res.stderr)) {
    return new GitError(
      `${cwd} is not inside a git repository (${cmd} said: ${line}). Run pucs inside a clone or worktree, or run \`git init\` first.`,
      cmd,
      res.code,
      res.stderr,
    );
  }
  return new GitError(`${cmd} failed (exit ${res.code}): ${line || "no error output"}`, cmd, res.code, res.stderr);
}

/** Runs git and returns stdout; throws GitError on a non-zero exit. */
export async function gitOk(args: string[], opts: GitOptions): Promise<string> {
  const res = await git(args, opts);
  if (res.code !== 0) throw gitError(args, res, opts.cwd);
  return res.stdout;
}

const trimEnd = (s: string): string => s.replace(/\r?\n$/, "");

// ---------------------------------------------------------------------------
// Helpers the CLI needs
// ---------------------------------------------------------------------------

/** Absolute path of the working tree's top level. */
export async function repoRoot(cwd: string): Promise<string> {
  return trimEnd(await gitOk(["rev-parse", "--show-toplevel"], { cwd }));
}

/** Absolute path of the common git dir (shared by every worktree: where refs live). */
export async function commonDir(cwd: string): Promise<string> {
  return trimEnd(await gitOk(["rev-parse", "--path-format=absolute", "--git-common-dir"], { cwd }));
}

/** Short name of the checked-out branch; null when HEAD is detached. */
export async function currentBranch(cwd: string): Promise<string | null> {
  const args = ["symbolic-ref", "--quiet", "--short", "HEAD"];
  const res = await git(args, { cwd });
  if (res.code === 0) return trimEnd(res.stdout);
  if (res.code === 1 && !/not a git repository/i.test(res.stderr)) return null;
  throw gitError(args, res, cwd);
}

/** Full object name of `ref`, or null when it does not exist. */
export async function revParse(cwd: string, ref: string): Promise<string | null> {
  const args = ["rev-parse", "--verify", "--quiet", "--end-of-options", ref];
  const res = await git(args, { cwd });
  if (res.code === 0) return trimEnd(res.stdout);
  if (res.code === 1 && !/not a git repository/i.test(res.stderr)) return null;
  throw gitError(args, res, cwd);
}

/** The best common ancestor of a and b; null when they share no history. */
export async function mergeBase(cwd: string, a: string, b: string): Promise<string | null> {
  const args = ["merge-base", a, b];
  const res = await git(args, { cwd });
  if (res.code === 0) return trimEnd(res.stdout);
  if (res.code === 1 && res.stderr.trim() === "") return null;
  throw gitError(args, res, cwd);
}

/** origin/HEAD (as the branch it points to) → origin/main → main → master: the first that exists; null if none. */
export async function defaultBaseRef(cwd: string): Promise<string | null> {
  const sym = await git(["symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"], { cwd });
  if (sym.code === 0) {
    const target = trimEnd(sym.stdout).replace(/^refs\/remotes\//, "");
    if ((await revParse(cwd, `refs/remotes/${target}^{commit}`)) !== null) return target;
  } else if (/not a git repository/i.test(sym.stderr)) {
    throw gitError(["symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"], sym, cwd);
  }
  const candidates: [string, string][] = [
    ["origin/main", "refs/remotes/origin/main"],
    ["main", "refs/heads/main"],
    ["master", "refs/heads/master"],
  ];
  for (const [name, full] of candidates) {
    if ((await revParse(cwd, `${full}^{commit}`)) !== null) return name;
  }
  return null;
}

/**
 * Unified diff of everything on this side of the merge base of HEAD and `base`: commits, index and
 * working tree (tracked files; untracked files are not part of it until `git add`). User diff config
 * (external drivers, textconv, prefixes, colour) is overridden so the text always parses.
 */
export async function diffAgainst(cwd: string, base: string): Promise<string> {
  if ((await revParse(cwd, `${base}^{commit}`)) === null) {
    throw new GitError(
      `base ${base} does not name a commit in ${cwd}: pass an existing branch or commit (e.g. --base origin/main), or fetch it first`,
      `git rev-parse --verify ${base}^{commit}`,
      1,
      "",
    );
  }
  const head = await revParse(cwd, "HEAD^{commit}");
  let from: string;
  if (head === null) {
    from = base; // unborn branch: everything staged/changed relative to base
  } else {
    const mb = await mergeBase(cwd, "HEAD", base);
    if (mb === null) {
      throw new GitError(
        `HEAD and ${base} share no history in ${cwd}, so there is no merge base to diff against: pass --base with a related branch`,
        `git merge-base HEAD ${base}`,
        1,
        "",
      );
    }
    from = mb;
  }
  return gitOk(
    [
      "-c", "core.quotePath=false",
      "-c", "diff.noprefix=false",
      "-c", "diff.mnemonicPrefix=false",
      // histogram: the alignment git's merge uses, so changed regions are the ones a merge compares (issue 15).
      "diff", "--no-color", "--no-ext-diff", "--no-textconv", "-M", "-U3", "--diff-algorithm=histogram",
      "--src-prefix=a/", "--dst-prefix=b/",
      from, "--",
    ],
    { cwd },
  );
}

/** New files git does not track yet and does not ignore, repository-relative ("/" separators). */
export async function untrackedFiles(cwd: string): Promise<string[]> {
  const out = await gitOk(["-c", "core.quotePath=false", "ls-files", "-z", "--others", "--exclude-standard", "--full-name"], { cwd: await repoRoot(cwd) });
  return out.split("\0").filter((f) => f !== "");
}

/** Untracked files read with their whole content as a diff; past this many, a file counts as wholly changed. */
export const UNTRACKED_DIFF_LIMIT = 200;

/**
 * The working tree's new, untracked files as a unified diff against nothing (`git diff --no-index
 * /dev/null <file>`, the same format as `diffAgainst`), so `pucs check` sees the files an agent just
 * created before it runs `git add`. Past UNTRACKED_DIFF_LIMIT files, the rest are listed in `whole`.
 */
export async function untrackedDiff(cwd: string): Promise<{ diff: string; whole: string[] }> {
  const root = await repoRoot(cwd);
  return untrackedDiffOf(root, await untrackedFiles(root));
}

/** `untrackedDiff` of `files` (untracked, repository-relative) in the repository at `root`. */
export async function untrackedDiffOf(root: string, files: string[]): Promise<{ diff: string; whole: string[] }> {
  const shown = files.slice(0, UNTRACKED_DIFF_LIMIT);
  const parts: string[] = [];
  for (let i = 0; i < shown.length; i += 8) {
    const batch = await Promise.all(
      shown.slice(i, i + 8).map(async (f) => {
        const args = ["-c", "core.quotePath=false", "diff", "--no-index", "--no-color", "--no-ext-diff", "--no-textconv", "-U3", "--src-prefix=a/", "--dst-prefix=b/", "--", "/dev/null", f];
        const r = await git(args, { cwd: root });
        // --no-index exits 1 when the files differ (always, here); anything else is a failure.
        if (r.code !== 0 && r.code !== 1) throw gitError(args, r, root);
        return r.stdout;
      }),
    );
    parts.push(...batch);
  }
  return { diff: parts.join(""), whole: files.slice(UNTRACKED_DIFF_LIMIT) };
}

/**
 * Whether `remote` has `ref` (`git ls-remote`, bounded by `timeoutMs`). null = the remote could not be
 * asked (offline, no credentials): the caller decides without the answer.
 */
export async function remoteHasRef(cwd: string, remote: string, ref: string, timeoutMs = 10_000): Promise<boolean | null> {
  const args = ["ls-remote", "--exit-code", remote, ref];
  const r = await Promise.race([git(args, { cwd }), new Promise<null>((res) => setTimeout(() => res(null), timeoutMs).unref())]);
  if (r === null) return null;
  if (r.code === 0) return r.stdout.trim() !== "";
  if (r.code === 2) return false; // --exit-code: no matching ref
  return null;
}

/**
 * In one git process: the value of `key` in the repository's config, and the names of its remotes
 * (from `remote.<name>.url`). The CLI asks this on every command, so it costs one process, not two.
 */
export async function configAndRemotes(cwd: string, key: string): Promise<{ value: string | null; remotes: string[] }> {
  const r = await git(["config", "-z", "--get-regexp", `^(${key.replace(/\./g, "\\.")}|remote\\..*\\.url)$`], { cwd });
  return configAnswerOf(r, key);
}

export async function configSet(cwd: string, key: string, value: string): Promise<void> {
  await gitOk(["config", "--local", key, value], { cwd });
}

/** Full messages of the commits in `range` (e.g. "origin/main..HEAD"), newest first. */
export async function commitMessages(cwd: string, range: string): Promise<string[]> {
  const out = await gitOk(["log", "--format=%B%x00", range, "--"], { cwd });
  return out
    .split("\0")
    .map((m) => m.trim())
    .filter((m) => m !== "");
}

/** Adds a worktree at `path` on `branch`, creating the branch at `startPoint` when it does not exist. */
export async function worktreeAdd(cwd: string, path: string, branch: string, startPoint: string): Promise<void> {
  const exists = (await revParse(cwd, `refs/heads/${branch}`)) !== null;
  const args = exists ? ["worktree", "add", path, branch] : ["worktree", "add", "-b", branch, path, startPoint];
  await gitOk(args, { cwd });
}

export interface LedgerLogEntry {
  sha: string;
  /** Committer date, ISO 8601 strict. */
  date: string;
  /** Commit message without the Pucs-Nonce trailer. */
  message: string;
}

/** The audit trail of a ledger ref, newest first; [] when the ref does not exist. */
export async function ledgerLog(cwd: string, ref: string, limit: number): Promise<LedgerLogEntry[]> {
  if ((await revParse(cwd, ref)) === null) return [];
  const out = await gitOk(["log", `--max-count=${Math.max(1, Math.floor(limit))}`, "--format=%H%x1f%cI%x1f%B%x1e", ref, "--"], {
    cwd,
  });
  return out
    .split("\x1e")
    .map((rec) => rec.replace(/^\n/, ""))
    .filter((rec) => rec.trim() !== "")
    .map((rec) => {
      const [sha = "", date = "", body = ""] = rec.split("\x1f");
      const message = body
        .split("\n")
        .filter((line) => !/^Pucs-Nonce: /.test(line))
        .join("\n")
        .trim();
      return { sha, date, message };
    });
}

/** Tracked files (index) of the worktree at `cwd`, repository-relative with "/" separators. */
export async function listFiles(cwd: string): Promise<string[]> {
  const out = await gitOk(["-c", "core.quotePath=false", "ls-files", "-z", "--full-name"], { cwd });
  return out.split("\0").filter((f) => f !== "");
}

/** Top level of the repository's main worktree (the first of `git worktree list`), from any worktree. */
export async function mainWorktreeRoot(cwd: string): Promise<string> {
  const out = await gitOk(["worktree", "list", "--porcelain"], { cwd });
  const first = out.split("\n").find((l) => l.startsWith("worktree "));
  if (first) return first.slice("worktree ".length);
  return repoRoot(cwd);
}

// ---------------------------------------------------------------------------
// Exact answers where they are free (issue 15): base files and git's own merge
// ---------------------------------------------------------------------------

/** The text of each path at `rev` (paths missing there, or not files, are left out). One `git cat-file` per path:
 *  only the few files a report partitions are read. */
export async function showFiles(cwd: string, rev: string, paths: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const p of paths) {
    const res = await git(["cat-file", "blob", `${rev}:${p}`], { cwd });
    if (res.code === 0) out.set(p, res.stdout);
  }
  return out;
}

/** Whether `rev` names a commit in this repository. */
export async function hasCommit(cwd: string, rev: string): Promise<boolean> {
  return (await git(["cat-file", "-e", `${rev}^{commit}`], { cwd })).code === 0;
}

/** Whether the working tree and index match HEAD (untracked files count as changes). */
export async function workTreeClean(cwd: string): Promise<boolean> {
  return (await gitOk(["status", "--porcelain", "--untracked-files=normal"], { cwd })).trim() === "";
}

/**
 * The files git's own merge of two commits conflicts on (`git merge-tree --write-tree`, git >= 2.38;
 * nothing is written to any ref or the working tree). Null when this git cannot say (too old, or a
 * commit is unknown).
 */
export async function mergeTreeConflicts(cwd: string, ours: string, theirs: string): Promise<string[] | null> {
  const res = await git(["merge-tree", "--write-tree", "--name-only", "--no-messages", ours, theirs], { cwd });
  if (res.code !== 0 && res.code !== 1) return null;
  const lines = res.stdout.split("\n").filter((l) => l !== "");
  if (!/^[0-9a-f]{40,64}$/.test(lines[0] ?? "")) return null;
  return res.code === 0 ? [] : [...new Set(lines.slice(1))];
}
