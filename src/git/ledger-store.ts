/**
 * The embedded ledger store: a commit on `refs/pucs/ledger` whose tree holds one file, ledger.json.
 *
 * - Refs live in the repository's common git dir, so every worktree of the repository sees the same
 *   ledger (refs/pucs/* is not one of git's per-worktree ref namespaces).
 * - Compare-and-swap: `git update-ref <ref> <new> <old>` (old = all zeros when creating) fails when
 *   the ref moved; that is reported as `{ ok: false, reason: "conflict" }` and `transact` retries.
 * - Each write is one commit (blob → tree → commit with the old head as the only parent) whose
 *   message is the transition's audit line plus a `Pucs-Nonce:` trailer, so two writers never
 *   produce the same sha. `git log refs/pucs/ledger` is the audit trail.
 * - Plumbing only: the working tree, the index and HEAD are never touched.
 * - A ref that exists but does not hold a PUCS ledger (no ledger.json, not a commit, another `kind`)
 *   is reported as "foreign"; a ledger.json that does not parse or validate as "corrupt". Neither is
 *   ever overwritten: read throws, so no transaction reaches write.
 * - Costs: a read is 2 git processes (rev-parse, cat-file); a write is 4 (hash-object, mktree,
 *   commit-tree, update-ref), plus 1 once per store for the identity check.
 */
import { randomBytes } from "node:crypto";
import type { Ledger } from "../engine/types.js";
import { emptyLedger, parseLedger, serializeLedger } from "../ledger/schema.js";
import { LedgerError, type LedgerSnapshot, type LedgerStore, type WriteResult } from "../ledger/store.js";
import { git, gitError, type GitOutput } from "./gateway.js";

export const DEFAULT_LEDGER_REF = "refs/pucs/ledger";
export const LEDGER_FILE = "ledger.json";

export interface GitRefStoreOptions {
  /** Any directory inside the repository (any worktree). */
  cwd: string;
  ref?: string;
  /** Extra environment for every git call. */
  env?: Record<string, string>;
}

/** How to inspect and fix a ledger pucs refuses to use (appended to LedgerErrors). */
export function ledgerHint(ref: string): string {
  const aside = `${ref.replace(/\/?$/, "")}-broken`;
  return (
    `The ledger was not changed. Inspect it with \`git show ${ref}:${LEDGER_FILE}\` and its history with \`git log ${ref}\`; ` +
    `fix it by committing a corrected ${LEDGER_FILE} to ${ref}, or set it aside and start a fresh ledger with ` +
    `\`git update-ref ${aside} ${ref} && git update-ref -d ${ref}\`.`
  );
}

const IDENTITY_DEFAULTS = {
  name: "pucs",
  email: "pucs@localhost",
};

export class GitRefStore implements LedgerStore {
  readonly cwd: string;
  readonly ref: string;
  readonly #env: Record<string, string>;
  #identity: Promise<Record<string, string>> | null = null;
  /** read() calls. */
  reads = 0;
  /** write() calls (including lost races). */
  writes = 0;
  /** git processes spawned by this store. */
  gitCalls = 0;

  constructor(opts: GitRefStoreOptions) {
    this.cwd = opts.cwd;
    this.ref = opts.ref ?? DEFAULT_LEDGER_REF;
    this.#env = { ...opts.env };
  }

  async #git(args: string[], input?: string, env?: Record<string, string>): Promise<GitOutput> {
    this.gitCalls++;
    return git(args, { cwd: this.cwd, env: { ...this.#env, ...env }, ...(input !== undefined ? { input } : {}) });
  }

  async #gitOk(args: string[], input?: string, env?: Record<string, string>): Promise<string> {
    const res = await this.#git(args, input, env);
    if (res.code !== 0) throw gitError(args, res, this.cwd);
    return res.stdout.trim();
  }

  /** The ref's current value, or null when it does not exist. */
  async #head(): Promise<string | null> {
    const args = ["rev-parse", "--verify", "--quiet", "--end-of-options", this.ref];
    const res = await this.#git(args);
    if (res.code === 0) return res.stdout.trim();
    if (res.code === 1 && res.stderr.trim() === "") return null;
    throw gitError(args, res, this.cwd);
  }

  async read(): Promise<LedgerSnapshot> {
    this.reads++;
    const sha = await this.#head();
    if (sha === null) return { ledger: emptyLedger(), version: null };
    const source = `${this.ref} at ${sha.slice(0, 7)}`;
    const res = await this.#git(["cat-file", "blob", `${sha}:${LEDGER_FILE}`]);
    if (res.code !== 0) {
      const type = (await this.#git(["cat-file", "-t", sha])).stdout.trim() || "unknown object";
      const what =
        type === "commit"
          ? `its commit has no ${LEDGER_FILE}, so it is not a PUCS ledger`
          : `it points to a ${type}, not a commit, so it is not a PUCS ledger`;
      throw new LedgerError(
        `${source}: ${what}. pucs will not overwrite it. If another tool owns ${this.ref}, move that data elsewhere; ` +
          `if it is a damaged ledger, inspect it with \`git log ${this.ref}\` and \`git ls-tree ${this.ref}\`, then set it aside with ` +
          `\`git update-ref ${this.ref}-broken ${this.ref} && git update-ref -d ${this.ref}\`.`,
        "foreign",
      );
    }
    return { ledger: parseLedger(res.stdout, source, ledgerHint(this.ref)), version: sha };
  }

  /**
   * The commit of ledger `next` on top of `expected` (blob → tree → commit, nonce trailer), written
   * to the object store only: no ref moves. `write` swaps this store's ref to it; the remote store
   * pushes it.
   */
  async commitOf(next: Ledger, expected: string | null, message: string): Promise<{ commit: string; subject: string }> {
    const text = serializeLedger(next);
    // Never write what the next read would reject.
    parseLedger(text, "the ledger about to be written (a pucs bug; nothing was written)");
    const env = await this.#identityEnv();
    const blob = await this.#gitOk(["hash-object", "-w", "--stdin"], text);
    const tree = await this.#gitOk(["mktree"], `100644 blob ${blob}\t${LEDGER_FILE}\n`);
    const subject = message.trim() === "" ? "update ledger" : message.trim();
    const body = `${subject}\n\nPucs-Nonce: ${randomBytes(8).toString("hex")}\n`;
    const parents = expected === null ? [] : ["-p", expected];
    return { commit: await this.#gitOk(["commit-tree", "--no-gpg-sign", tree, ...parents, "-F", "-"], body, env), subject };
  }

  async write(next: Ledger, expected: string | null, message: string): Promise<WriteResult> {
    this.writes++;
    const { commit, subject } = await this.commitOf(next, expected, message);
    const old = expected ?? "0".repeat(commit.length);
    const args = ["update-ref", "-m", `pucs: ${subject.split("\n")[0]}`, this.ref, commit, old];
    const res = await this.#git(args);
    if (res.code === 0) return { ok: true, version: commit };
    // Lost the race: the ref moved (or another writer holds its lock right now).
    const now = await this.#head();
    if (now !== expected || /File exists|but expected|already exists|is at [0-9a-f]+ but|reference is missing/i.test(res.stderr)) {
      return { ok: false, reason: "conflict" };
    }
    throw gitError(args, res, this.cwd);
  }

  /** GIT_AUTHOR_* / GIT_COMMITTER_* = pucs / pucs@localhost for whatever identity git has no value for. */
  #identityEnv(): Promise<Record<string, string>> {
    this.#identity ??= (async () => {
      const res = await this.#git(["config", "--get-regexp", "^user\\.(name|email)$"]);
      const configured = new Set(
        res.code === 0 ? res.stdout.split("\n").map((l) => l.split(" ")[0]?.toLowerCase()).filter(Boolean) : [],
      );
      const have = (k: string) => (this.#env[k] ?? process.env[k] ?? "") !== "";
      const env: Record<string, string> = {};
      for (const role of ["AUTHOR", "COMMITTER"] as const) {
        if (!configured.has("user.name") && !have(`GIT_${role}_NAME`)) env[`GIT_${role}_NAME`] = IDENTITY_DEFAULTS.name;
        if (!configured.has("user.email") && !have(`GIT_${role}_EMAIL`)) env[`GIT_${role}_EMAIL`] = IDENTITY_DEFAULTS.email;
      }
      return env;
    })();
    return this.#identity;
  }
}
