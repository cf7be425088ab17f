/**
 * The commit guard (seed §3.1 `check_conflicts_before_change`): a git pre-commit hook that refuses a
 * commit touching files under ANOTHER agent's live lock.
 *
 * - `installHook` writes `pre-commit` into the directory git runs hooks from (`git rev-parse --git-path
 *   hooks`: the common git dir's hooks, shared by every worktree, or `core.hooksPath` when set). A hook
 *   already there is moved aside to `pre-commit.pucs-chained` and runs first from ours (its arguments,
 *   stdin and exit code kept); `uninstallHook` removes only our file and puts the chained one back.
 * - `preCommit` is what the hook runs (bundled alone into dist/hook.js by src/cli/hook-main.ts, so a
 *   commit pays for a small bundle, not the whole CLI): three git processes at once — `git config`,
 *   `git diff --cached --name-only -z` and one `git grep` printing the ledger's lock blobs — and the
 *   branch read from the git dir's HEAD file. No network: with a remote ledger (`git config pucs.ledger
 *   remote:NAME`, or PUCS_REMOTE) it reads the copy the last pucs command fetched
 *   (`refs/pucs/remotes/NAME/ledger`).
 * - Who "I" am: PUCS_AGENT, else `git config pucs.agent`, else "local" (as `pucs check`). Whose lock is
 *   whose is the engine's rule (`ownsClaim`), for the change `branch:<current branch>` as `pucs check`
 *   names it; which file a lock covers is the engine's `matchesGlob`.
 * - A guard that cannot read the ledger warns and lets the commit through (it says so): it never
 *   blocks every commit of a repository because of a broken install.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ownsClaim } from "../engine/change.js";
import { matchesGlob } from "../engine/globs.js";
import { git, gitError } from "../git/gateway.js";

/** The line that marks a pre-commit hook as ours. */
export const HOOK_MARKER = "# pucs-commit-guard v1";
export const CHAINED_SUFFIX = ".pucs-chained";

export class HookError extends Error {}

/** The directory git runs this repository's hooks from (absolute). */
export async function hooksDir(root: string): Promise<string> {
  const res = await git(["rev-parse", "--git-path", "hooks"], { cwd: root });
  if (res.code !== 0) throw gitError(["rev-parse", "--git-path", "hooks"], res, root);
  const p = res.stdout.trim();
  return isAbsolute(p) ? p : resolve(root, p);
}

/** dist/hook.js of the package this code runs from (src/cli/hook.ts or dist/cli.js: the first parent with package.json). */
export function defaultHookBundle(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5 && !existsSync(join(dir, "package.json")); i++) dir = dirname(dir);
  return join(dir, "dist", "hook.js");
}

const shq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export function hookScript(bundle: string, node: string): string {
  return [
    "#!/bin/sh",
    HOOK_MARKER,
    "# Installed by `pucs hook install`; `pucs hook uninstall` removes it (and puts back a hook it chained).",
    "# Refuses a commit touching files under another agent's live PUCS lock. Skip it once: git commit --no-verify",
    `if [ -x "$0${CHAINED_SUFFIX}" ]; then "$0${CHAINED_SUFFIX}" "$@" || exit $?; fi`,
    `PUCS_HOOK_JS=${shq(bundle)}`,
    `PUCS_NODE=${shq(node)}`,
    `[ -x "$PUCS_NODE" ] || PUCS_NODE=node`,
    `if [ ! -f "$PUCS_HOOK_JS" ]; then echo "PUCS commit guard: $PUCS_HOOK_JS is gone, so this commit was not checked (run pucs hook install again, or pucs hook uninstall)" >&2; exit 0; fi`,
    `exec "$PUCS_NODE" "$PUCS_HOOK_JS" pre-commit`,
    "",
  ].join("\n");
}

const isOurs = (path: string): boolean => existsSync(path) && readFileSync(path, "utf8").includes(HOOK_MARKER);

export interface InstallResult {
  hook: string;
  /** The hook that was there before, kept and run first (null: none). */
  chained: string | null;
  /** True when our hook was already installed (rewritten in place). */
  updated: boolean;
}

export async function installHook(root: string, opts: { bundle: string; node: string }): Promise<InstallResult> {
  const dir = await hooksDir(root);
  const hook = join(dir, "pre-commit");
  const chained = hook + CHAINED_SUFFIX;
  mkdirSync(dir, { recursive: true });
  const updated = isOurs(hook);
  if (!updated && existsSync(hook)) {
    if (existsSync(chained)) {
      throw new HookError(
        `${hook} is not PUCS's hook, and ${chained} (a hook PUCS kept earlier) exists too: PUCS will not overwrite either. Move one of them away and run pucs hook install again.`,
      );
    }
    renameSync(hook, chained);
  }
  writeFileSync(hook, hookScript(opts.bundle, opts.node));
  chmodSync(hook, 0o755);
  return { hook, chained: existsSync(chained) ? chained : null, updated };
}

export interface UninstallResult {
  hook: string;
  removed: boolean;
  /** The chained hook put back in place (null: none). */
  restored: string | null;
}

export async function uninstallHook(root: string): Promise<UninstallResult> {
  const dir = await hooksDir(root);
  const hook = join(dir, "pre-commit");
  const chained = hook + CHAINED_SUFFIX;
  if (!isOurs(hook)) return { hook, removed: false, restored: null };
  rmSync(hook);
  if (existsSync(chained)) {
    renameSync(chained, hook);
    return { hook, removed: true, restored: hook };
  }
  return { hook, removed: true, restored: null };
}

// ---------------------------------------------------------------------------------------------
// The check the hook runs
// ---------------------------------------------------------------------------------------------

interface LockLike {
  path: string;
  agent: string;
  stream: string | null;
  task: string;
  change?: string;
  expiresAt: string;
}

export interface GuardResult {
  code: 0 | 1;
  /** What the committer reads on stderr ("" when nothing to say). */
  message: string;
}

const LEDGER_REF = "refs/pucs/ledger";

/** Which ref holds the ledger the CLI would use (src/cli/ledger-choice.ts), without asking any remote. */
export function ledgerRefOf(config: ReadonlyMap<string, string>, env: Record<string, string | undefined>): { ref: string; remote: string | null } {
  const choice = env.PUCS_REMOTE ? `remote:${env.PUCS_REMOTE}` : (config.get("pucs.ledger") ?? "");
  if (choice.startsWith("remote:")) {
    const remote = choice.slice("remote:".length);
    return { ref: `refs/pucs/remotes/${remote.replace(/[^A-Za-z0-9._-]+/g, "_")}/ledger`, remote };
  }
  return { ref: LEDGER_REF, remote: null };
}

function parseConfigList(out: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const entry of out.split("\0")) {
    const nl = entry.indexOf("\n");
    if (nl > 0) m.set(entry.slice(0, nl).toLowerCase(), entry.slice(nl + 1));
  }
  return m;
}

function asLock(v: unknown): LockLike | null {
  const o = v as Record<string, unknown> | null;
  if (!o || typeof o.path !== "string" || typeof o.agent !== "string" || typeof o.expiresAt !== "string") return null;
  return {
    path: o.path,
    agent: o.agent,
    stream: typeof o.stream === "string" ? o.stream : null,
    task: typeof o.task === "string" ? o.task : "",
    ...(typeof o.change === "string" ? { change: o.change } : {}),
    expiresAt: o.expiresAt,
  };
}

/**
 * The locks of the ledger at `ref` (v2 tree: locks/**; v1: ledger.json's locks); null when there is no
 * ledger. ONE git process: `git grep` prints every line of the ledger's lock blobs, each prefixed with
 * its path (no tree listing, no second round trip).
 */
async function readLocks(cwd: string, ref: string): Promise<LockLike[] | null> {
  const args = ["grep", "-z", "--no-line-number", "--no-column", "--no-color", "-e", "", ref, "--", "meta.json", "ledger.json", "locks"];
  const res = await git(args, { cwd });
  if (res.code === 128 && /unable to resolve revision|not a valid object name|not a tree object/i.test(res.stderr)) return null;
  if (res.code === 1) return []; // no file of a ledger in that commit: nothing locked here
  if (res.code !== 0) throw gitError(args, res, cwd);
  const prefix = `${ref}:`;
  const texts = new Map<string, string[]>();
  for (const line of res.stdout.split("\n")) {
    const nul = line.indexOf("\0");
    if (nul < 0) continue;
    const where = line.slice(0, nul);
    const path = where.startsWith(prefix) ? where.slice(prefix.length) : where;
    let lines = texts.get(path);
    if (!lines) texts.set(path, (lines = []));
    lines.push(line.slice(nul + 1));
  }
  const v2 = texts.has("meta.json");
  const raw: unknown[] = [];
  for (const [path, lines] of texts) {
    if (v2 && path.startsWith("locks/") && path.endsWith(".json")) raw.push(JSON.parse(lines.join("\n")));
    else if (!v2 && path === "ledger.json") raw.push(...((JSON.parse(lines.join("\n")) as { locks?: unknown[] }).locks ?? []));
  }
  return raw.map(asLock).filter((l): l is LockLike => l !== null);
}

/** The current branch from the git dir's HEAD file (no process); null when detached or unreadable. */
function branchOf(cwd: string, env: Record<string, string | undefined>): string | null {
  try {
    let dir = env.GIT_DIR ? resolve(cwd, env.GIT_DIR) : join(cwd, ".git");
    if (statSync(dir).isFile()) {
      const m = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(dir, "utf8"));
      if (!m) return null;
      dir = resolve(cwd, m[1]!);
    }
    const head = readFileSync(join(dir, "HEAD"), "utf8").trim();
    return head.startsWith("ref: refs/heads/") ? head.slice("ref: refs/heads/".length) : null;
  } catch {
    return null;
  }
}

/**
 * The pre-commit check. `now` in epoch ms. One round of git processes in parallel: `config`,
 * `diff --cached` and the ledger read of the likely ref (refs/pucs/ledger, or PUCS_REMOTE's mirror);
 * a second read only when the config names another ledger.
 */
export async function preCommit(cwd: string, env: Record<string, string | undefined>, now: number): Promise<GuardResult> {
  const guess = ledgerRefOf(new Map(), env).ref;
  const [cfg, staged, guessed] = await Promise.all([
    git(["config", "-z", "--get-regexp", "^pucs\\."], { cwd }),
    git(["diff", "--cached", "--name-only", "-z", "--no-renames"], { cwd }),
    readLocks(cwd, guess).then(
      (locks) => ({ locks }),
      (error: unknown) => ({ error }),
    ),
  ]);
  if (staged.code !== 0) return { code: 0, message: `PUCS commit guard: could not list the staged files (${staged.stderr.trim().split("\n")[0]}); this commit was not checked.\n` };
  const files = staged.stdout.split("\0").filter((f) => f !== "");
  if (files.length === 0) return { code: 0, message: "" };
  const config = parseConfigList(cfg.stdout);
  const agent = env.PUCS_AGENT || config.get("pucs.agent") || "local";
  const branch = branchOf(cwd, env);
  const me = { id: branch ? `branch:${branch}` : "HEAD", agent };
  const { ref, remote } = ledgerRefOf(config, env);
  let locks: LockLike[] | null;
  try {
    const read = ref === guess ? guessed : await readLocks(cwd, ref).then((l) => ({ locks: l }), (error: unknown) => ({ error }));
    if ("error" in read) throw read.error;
    locks = read.locks;
  } catch (e) {
    return { code: 0, message: `PUCS commit guard: could not read the ledger ${ref} (${(e as Error).message}); this commit was not checked.\n` };
  }
  if (locks === null || locks.length === 0) return { code: 0, message: "" };
  const others = locks.filter((l) => Date.parse(l.expiresAt) > now && !ownsClaim(me, l));
  if (others.length === 0) return { code: 0, message: "" };
  const hits: { file: string; lock: LockLike }[] = [];
  for (const file of files) {
    for (const lock of others) if (matchesGlob(file, lock.path)) hits.push({ file, lock });
  }
  if (hits.length === 0) return { code: 0, message: "" };
  const files_ = new Set(hits.map((h) => h.file));
  const out = [`PUCS: commit refused: ${files_.size} staged file(s) are under another agent's live lock (you are ${agent}${me.id !== "HEAD" ? `, on ${branch}` : ""}):`];
  for (const { file, lock } of hits) {
    const holder = `${lock.agent}${lock.change ? ` (${lock.change})` : ""}`;
    out.push(`  ${file}: locked by ${holder}${lock.stream ? ` for ${lock.stream}` : ""} until ${lock.expiresAt}${lock.task ? `, task: ${lock.task}` : ""}${lock.path !== file ? ` (lock on ${lock.path})` : ""}`);
  }
  const queued = [...new Set(hits.map((h) => h.lock.path))];
  out.push(
    "To wait in line (you are named when the lock is released):",
    ...queued.map((p) => `  pucs queue ${p} --agent ${agent}`),
    "or unstage those files (git restore --staged <file>). To commit anyway: git commit --no-verify",
  );
  if (remote !== null) out.push(`(Checked against ${remote}'s ledger as last fetched: ${ref}.)`);
  return { code: 1, message: out.join("\n") + "\n" };
}
