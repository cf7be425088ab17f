/**
 * The ledger of a remote repository (the one on GitHub the App writes), used from a local clone.
 *
 * - read: `git fetch <remote> +refs/pucs/ledger:refs/pucs/remotes/<remote>/ledger`, then read that
 *   tracking ref like the embedded store does (a remote without a ledger reads as empty).
 * - write: commit on top of the version read (the v2 tree with only the changed entries, or the whole
 *   tree over a v1 ledger: see GitRefStore.commitOf; nonce trailer) and
 *   `git push --force-with-lease=refs/pucs/ledger:<version read> <remote> <commit>:refs/pucs/ledger`.
 *   The lease makes the push a compare-and-swap on the remote: a push that finds the ref moved is
 *   rejected and reported as a lost race, so `transact` re-reads and retries. When creating, the
 *   empty lease means "must not exist yet".
 * So a CLI with `--remote origin` and the App never both win a lock: both swap the same ref.
 */
import { randomBytes } from "node:crypto";
import type { Ledger } from "../engine/types.js";
import { emptyLedger } from "../ledger/schema.js";
import type { LedgerSnapshot, LedgerStore, WriteResult } from "../ledger/store.js";
import { git, gitError } from "./gateway.js";
import { DEFAULT_LEDGER_REF, GitRefStore } from "./ledger-store.js";

export interface RemoteRefStoreOptions {
  cwd: string;
  /** A configured remote name (or a URL). */
  remote: string;
  ref?: string;
  env?: Record<string, string>;
}

export class RemoteRefStore implements LedgerStore {
  readonly remote: string;
  readonly ref: string;
  /** A local mirror of the remote ledger, refreshed on every read (for `pucs log`). */
  readonly trackingRef: string;
  readonly #cwd: string;
  readonly #env: Record<string, string>;
  /** Private scratch ref of this store: concurrent processes in one clone never share a ref. */
  readonly #scratch: string;
  /** The local side: reads the fetched scratch ref, makes commits (its identity looked up once). */
  readonly #local: GitRefStore;

  constructor(opts: RemoteRefStoreOptions) {
    this.remote = opts.remote;
    this.ref = opts.ref ?? DEFAULT_LEDGER_REF;
    const safe = opts.remote.replace(/[^A-Za-z0-9._-]+/g, "_");
    this.trackingRef = `refs/pucs/remotes/${safe}/ledger`;
    this.#scratch = `refs/pucs/tmp/${process.pid}-${randomBytes(4).toString("hex")}`;
    this.#cwd = opts.cwd;
    this.#env = { ...opts.env, GIT_TERMINAL_PROMPT: "0" };
    this.#local = new GitRefStore({ cwd: this.#cwd, ref: this.#scratch, env: this.#env });
  }

  async #git(args: string[]) {
    return git(args, { cwd: this.#cwd, env: this.#env });
  }

  async read(): Promise<LedgerSnapshot> {
    const args = ["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", this.remote, `+${this.ref}:${this.#scratch}`];
    const res = await this.#git(args);
    if (res.code !== 0) {
      if (/couldn't find remote ref|no such ref/i.test(res.stderr)) return { ledger: emptyLedger(), version: null };
      throw gitError(args, res, this.#cwd);
    }
    try {
      const snap = await this.#local.read();
      if (snap.version) await this.#git(["update-ref", this.trackingRef, snap.version]); // best effort mirror
      return snap;
    } finally {
      await this.#git(["update-ref", "-d", this.#scratch]);
    }
  }

  async write(next: Ledger, expected: string | null, message: string): Promise<WriteResult> {
    // The commit on top of the version read goes to the object store only (no local ref to move: the
    // attempt's window between the fetch and the push stays short), then the push swaps the remote.
    const { commit } = await this.#local.commitOf(next, expected, message);
    const lease = `--force-with-lease=${this.ref}:${expected ?? ""}`;
    const args = ["push", "--porcelain", "--quiet", lease, this.remote, `${commit}:${this.ref}`];
    const res = await this.#git(args);
    if (res.code === 0) {
      await this.#git(["update-ref", this.trackingRef, commit]);
      return { ok: true, version: commit };
    }
    if (/stale info|fetch first|non-fast-forward|\[rejected\]|failed to update ref|cannot lock ref/i.test(res.stdout + res.stderr)) {
      return { ok: false, reason: "conflict" };
    }
    throw gitError(args, res, this.#cwd);
  }
}
