/**
 * The commit guard (seed §3.1 `check_conflicts_before_change`): a git pre-commit hook that refuses a
 * commit touching files under ANOTHER agent's live lock.
 *
 * - `installHook` writes `pre-commit` into the directory git runs hooks from (`git rev-parse --git-path
 *   hooks`: the common git dir's hooks, shared by every worktree, or `core.hooksPath` when set). A hook
 *   already there is moved aside to `pre-commit.pucs-chained` and runs first from ours (its arguments,
 *   stdin and exit code kept); `uninstallHook` removes only our file and puts the chained one back.
 * - `preCommit` is what the hook runs (bundled alone into dist/hook.js by src/cli/hook-main.ts, so a
 *   commit pays for a small bundle, not the whole CLI): one `git config`, one `git symbolic-ref`, one
 *   `git diff --cached --name-only -z` (in parallel), then, only when something is staged, one
 *   `git ls-tree` and one `git cat-file --batch` of the ledger's locks. No network: with a remote
 *   ledger (`git config pucs.ledger remote:NAME`, or PUCS_REMOTE) it reads the copy the last pucs
 *   command fetched (`refs/pucs/remotes/NAME/ledger`).
 * - Who "I" am: PUCS_AGENT, else `git config pucs.agent`, else "local" (as `pucs check`). Whose lock is
 *   whose is the engine's rule (`ownsClaim`), for the change `branch:<current branch>` as `pucs check`
 *   names it; which file a lock covers is the engine's `matchesGlob`.
 * - A guard that cannot read the ledger warns and lets the commit through (it says so): it never
 *   blocks every commit of a repository because of a broken install.
 */
import { chmodSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
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

function blobs(out: Buffer, count: number): string[] {
  const texts: string[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    const nl = out.indexOf(10, at);
    const m = /^[0-9a-f]+ blob (\d+)$/.exec(out.subarray(at, nl).toString("utf8"));
    if (!m) throw new Error("unexpected git cat-file --batch output");
    const size = Number(m[1]);
    texts.push(out.subarray(nl + 1, nl + 1 + size).toString("utf8"));
    at = nl + 1 + size + 1;
  }
  return texts;
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

/** The locks of the ledger at `ref` (v2 tree: locks/**; v1: ledger.json's locks); null when there is no ledger. */
async function readLocks(cwd: string, ref: string): Promise<LockLike[] | null> {
  const ls = await git(["ls-tree", "-r", "-z", "--full-tree", ref, "--", "meta.json", "ledger.json", "locks"], { cwd });
  if (ls.code !== 0) {
    if (/not a valid object name|not a tree object/i.test(ls.stderr)) return null;
    throw gitError(["ls-tree", ref], ls, cwd);
  }
  const entries = ls.stdout.split("\0").filter((x) => x !== "").map((line) => {
    const tab = line.indexOf("\t");
    const [, type, oid] = line.slice(0, tab).split(" ") as [string, string, string];
    return { type, oid, path: line.slice(tab + 1) };
  });
  const v2 = entries.some((e) => e.path === "meta.json");
  const wanted = entries.filter((e) => e.type === "blob" && (v2 ? e.path.startsWith("locks/") && e.path.endsWith(".json") : e.path === "ledger.json"));
  if (wanted.length === 0) return [];
  const cat = await catBatch(cwd, wanted.map((e) => e.oid));
  const texts = blobs(cat, wanted.length);
  const raw: unknown[] = v2 ? texts.map((t) => JSON.parse(t)) : ((JSON.parse(texts[0]!) as { locks?: unknown[] }).locks ?? []);
  return raw.map(asLock).filter((l): l is LockLike => l !== null);
}

/** `git cat-file --batch` output as bytes (its sizes count bytes; our blobs are UTF-8 text). */
async function catBatch(cwd: string, oids: string[]): Promise<Buffer> {
  const res = await git(["cat-file", "--batch"], { cwd, input: oids.map((o) => `${o}\n`).join("") });
  if (res.code !== 0) throw gitError(["cat-file", "--batch"], res, cwd);
  return Buffer.from(res.stdout, "utf8");
}

/** The pre-commit check. `now` in epoch ms. */
export async function preCommit(cwd: string, env: Record<string, string | undefined>, now: number): Promise<GuardResult> {
  const [cfg, head, staged] = await Promise.all([
    git(["config", "-z", "--get-regexp", "^pucs\\."], { cwd }),
    git(["symbolic-ref", "-q", "--short", "HEAD"], { cwd }),
    git(["diff", "--cached", "--name-only", "-z", "--no-renames"], { cwd }),
  ]);
  if (staged.code !== 0) return { code: 0, message: `PUCS commit guard: could not list the staged files (${staged.stderr.trim().split("\n")[0]}); this commit was not checked.\n` };
  const files = staged.stdout.split("\0").filter((f) => f !== "");
  if (files.length === 0) return { code: 0, message: "" };
  const config = parseConfigList(cfg.stdout);
  const agent = env.PUCS_AGENT || config.get("pucs.agent") || "local";
  const branch = head.code === 0 ? head.stdout.trim() : "";
  const me = { id: branch ? `branch:${branch}` : "HEAD", agent };
  const { ref, remote } = ledgerRefOf(config, env);
  let locks: LockLike[] | null;
  try {
    locks = await readLocks(cwd, ref);
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
