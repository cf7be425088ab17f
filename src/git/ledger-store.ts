/**
 * The embedded ledger store: a commit on `refs/pucs/ledger` whose tree is the v2 layout
 * (src/ledger/layout.ts: one small blob per claim and per open change's footprint, an index sharded by
 * path and per-stream summaries). A v1 ledger (one `ledger.json`) is read as before and rewritten as
 * v2 by the next write.
 *
 * - Refs live in the repository's common git dir, so every worktree of the repository sees the same
 *   ledger (refs/pucs/* is not one of git's per-worktree ref namespaces).
 * - Compare-and-swap: `git update-ref <ref> <new> <old>` (old = all zeros when creating) fails when
 *   the ref moved; that is reported as `{ ok: false, reason: "conflict" }` and `transact` retries.
 * - Each write is one commit with the old head as the only parent, whose tree is the old tree with
 *   only the changed entries replaced (a temporary index: read-tree, update-index, write-tree); its
 *   message is the transition's audit line plus a `Pucs-Nonce:` trailer, so two writers never
 *   produce the same sha. `git log refs/pucs/ledger` is the audit trail.
 * - Plumbing only: the working tree, the index and HEAD are never touched.
 * - A ref that exists but does not hold a PUCS ledger (neither meta.json nor ledger.json, not a
 *   commit, another `kind`) is reported as "foreign"; a file that does not parse or validate as
 *   "corrupt". Neither is ever overwritten: read throws, so no transaction reaches write.
 * - Costs: a read is 3 git processes (rev-parse, ls-tree, cat-file); a write is 6 (read-tree,
 *   hash-object, update-index, write-tree, commit-tree, update-ref), plus 1 once per store for the
 *   identity check.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Ledger } from "../engine/types.js";
import { LAYOUT_VERSION, META_FILE, SUMMARY_MARK, V1_FILE, checkChanges, isLedgerFile, layoutDiff, layoutFiles, ledgerFromFiles, type FileChanges } from "../ledger/layout.js";
import { canonicalLedger, emptyLedger, parseLedger } from "../ledger/schema.js";
import { LedgerError, type LedgerSnapshot, type LedgerStore, type WriteResult } from "../ledger/store.js";
import { git, gitError, type GitOutput } from "./gateway.js";

export const DEFAULT_LEDGER_REF = "refs/pucs/ledger";
/** The v1 document's name (a v1 ledger is still read, and migrated by the next write). */
export const LEDGER_FILE = V1_FILE;

/** The top-level entries a whole-ledger read lists (index/ and streams/ are derived from footprints). */
const READ_PATHS = [META_FILE, V1_FILE, "locks", "intents", "queues", "overrides", "handoffs", "breakers", "merges", "arbitrations", "agents", "footprints", SUMMARY_MARK];

/** Blob shas and texts of `git cat-file --batch` output (all ours are UTF-8 text). */
export function parseCatFileBatch(out: string, count: number): string[] {
  const texts: string[] = [];
  let rest = Buffer.from(out, "utf8");
  for (let i = 0; i < count; i++) {
    const nl = rest.indexOf(10);
    const header = rest.subarray(0, nl).toString("utf8");
    const m = /^[0-9a-f]{40,64} blob (\d+)$/.exec(header);
    if (!m) throw new Error(`git cat-file --batch: unexpected header ${JSON.stringify(header)}`);
    const size = Number(m[1]);
    texts.push(rest.subarray(nl + 1, nl + 1 + size).toString("utf8"));
    rest = rest.subarray(nl + 1 + size + 1);
  }
  return texts;
}

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
    `The ledger was not changed. Inspect it with \`git ls-tree -r ${ref}\` (a file: \`git show ${ref}:<path>\`) and its history with \`git log ${ref}\`; ` +
    `fix it by committing a corrected file to ${ref}, or set it aside and start a fresh ledger with ` +
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
  /** Ledgers read or written lately, by commit (the base of the next write's diff). */
  readonly #known = new Map<string, { ledger: Ledger; layout: 1 | 2; complete: boolean }>();
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
    const ledger = await this.#readAt(sha);
    return { ledger, version: sha };
  }

  /** The ledger at commit `sha` (v2 tree or v1 document), remembered for the write that follows. */
  async #readAt(sha: string): Promise<Ledger> {
    const known = this.#known.get(sha);
    if (known) return known.ledger;
    const source = `${this.ref} at ${sha.slice(0, 7)}`;
    const hint = ledgerHint(this.ref);
    const ls = await this.#git(["ls-tree", "-r", "-z", "--full-tree", sha, "--", ...READ_PATHS]);
    const entries = ls.code === 0 ? ls.stdout.split("\0").filter((x) => x !== "").map((line) => {
      const tab = line.indexOf("\t");
      const [, type, oid] = line.slice(0, tab).split(" ") as [string, string, string];
      return { type, oid, path: line.slice(tab + 1) };
    }) : [];
    const has = (p: string) => entries.some((e) => e.path === p && e.type === "blob");
    let ledger: Ledger;
    let layout: 1 | 2;
    const complete = has(SUMMARY_MARK);
    if (ls.code === 0 && has(META_FILE)) {
      const wanted = entries.filter((e) => e.type === "blob" && isLedgerFile(e.path));
      const cat = await this.#git(["cat-file", "--batch"], wanted.map((e) => `${e.oid}\n`).join(""));
      if (cat.code !== 0) throw gitError(["cat-file", "--batch"], cat, this.cwd);
      const texts = parseCatFileBatch(cat.stdout, wanted.length);
      ledger = ledgerFromFiles(new Map(wanted.map((e, i) => [e.path, texts[i]!])), source, hint);
      layout = 2;
    } else if (ls.code === 0 && has(V1_FILE)) {
      const res = await this.#git(["cat-file", "blob", `${sha}:${V1_FILE}`]);
      if (res.code !== 0) throw gitError(["cat-file", "blob", `${sha}:${V1_FILE}`], res, this.cwd);
      ledger = parseLedger(res.stdout, source, hint);
      layout = 1;
    } else {
      const type = (await this.#git(["cat-file", "-t", sha])).stdout.trim() || "unknown object";
      const what =
        type === "commit"
          ? `its commit has neither ${META_FILE} nor ${V1_FILE}, so it is not a PUCS ledger`
          : `it points to a ${type}, not a commit, so it is not a PUCS ledger`;
      throw new LedgerError(
        `${source}: ${what}. pucs will not overwrite it. If another tool owns ${this.ref}, move that data elsewhere; ` +
          `if it is a damaged ledger, inspect it with \`git log ${this.ref}\` and \`git ls-tree ${this.ref}\`, then set it aside with ` +
          `\`git update-ref ${this.ref}-broken ${this.ref} && git update-ref -d ${this.ref}\`.`,
        "foreign",
      );
    }
    this.#remember(sha, ledger, layout, complete);
    return ledger;
  }

  #remember(sha: string, ledger: Ledger, layout: 1 | 2, complete: boolean): void {
    this.#known.set(sha, { ledger, layout, complete });
    while (this.#known.size > 4) this.#known.delete(this.#known.keys().next().value!);
  }

  /**
   * The commit of ledger `next` on top of `expected` (only the changed entries of the v2 tree; the
   * whole tree when `expected` is a v1 ledger or none), written to the object store only: no ref
   * moves. `write` swaps this store's ref to it; the remote store pushes it.
   */
  async commitOf(next: Ledger, expected: string | null, message: string): Promise<{ commit: string; subject: string }> {
    let base: { ledger: Ledger; layout: 1 | 2; complete: boolean } | null = null;
    if (expected !== null) {
      await this.#readAt(expected);
      base = this.#known.get(expected) ?? null;
    }
    const fromV2 = base !== null && base.layout === 2;
    const changes: FileChanges = fromV2 ? layoutDiff(base!.ledger, next, { complete: base!.complete }) : layoutFiles(next);
    checkChanges(changes);
    const env = await this.#identityEnv();
    const tree = await this.#tree(fromV2 ? expected : null, changes);
    const subject = message.trim() === "" ? "update ledger" : message.trim();
    const migrated = base !== null && base.layout === 1 ? `\n\nPucs-Layout: ${LAYOUT_VERSION} (migrated from ledger.json)` : base !== null && !base.complete ? `\n\nPucs-Layout: ${LAYOUT_VERSION} (every index entry and summary written)` : "";
    const body = `${subject}${migrated}\n\nPucs-Nonce: ${randomBytes(8).toString("hex")}\n`;
    const parents = expected === null ? [] : ["-p", expected];
    const commit = await this.#gitOk(["commit-tree", "--no-gpg-sign", tree, ...parents, "-F", "-"], body, env);
    // What a fresh read of this commit gives: canonical order, no undefined optionals.
    this.#remember(commit, JSON.parse(JSON.stringify(canonicalLedger(next))) as Ledger, 2, true);
    return { commit, subject };
  }

  /** The tree of `base` (a commit, or none) with `changes` applied, through a temporary index. */
  async #tree(base: string | null, changes: FileChanges): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), "pucs-ledger-"));
    try {
      const env = { GIT_INDEX_FILE: join(dir, "index") };
      if (base !== null) await this.#gitOk(["read-tree", base], undefined, env);
      const written = [...changes].filter((c): c is [string, string] => c[1] !== null);
      const lines: string[] = [];
      if (written.length > 0) {
        const files = written.map(([, text], i) => {
          const f = join(dir, `b${i}`);
          writeFileSync(f, text);
          return f;
        });
        const shas = (await this.#gitOk(["hash-object", "-w", "--no-filters", "--stdin-paths"], `${files.join("\n")}\n`)).split("\n");
        written.forEach(([path], i) => lines.push(`100644 ${shas[i]}\t${path}`));
      }
      for (const [path, text] of changes) if (text === null) lines.push(`0 ${"0".repeat(40)}\t${path}`);
      if (lines.length > 0) await this.#gitOk(["update-index", "--add", "--remove", "--index-info"], `${lines.join("\n")}\n`, env);
      return await this.#gitOk(["write-tree"], undefined, env);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
