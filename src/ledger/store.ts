/**
 * The ledger store contract: compare-and-swap or nothing.
 *
 * A store holds one ledger document at one version (for git: the commit sha of refs/pucs/ledger).
 * `write` succeeds only if the stored version is still `expected`; otherwise it reports a lost race
 * and the caller re-reads and retries (see `transact`).
 */
import type { Ledger } from "../engine/types.js";

export interface LedgerSnapshot {
  ledger: Ledger;
  /** Opaque version token; null when no ledger exists yet. */
  version: string | null;
}

export type WriteResult = { ok: true; version: string } | { ok: false; reason: "conflict" };

export interface LedgerStore {
  /** Reads the current document. Throws LedgerError for a corrupt or foreign ledger (never "repairs" it). */
  read(): Promise<LedgerSnapshot>;
  /** Writes `next` only if the stored version is still `expected` (null = must not exist yet). */
  write(next: Ledger, expected: string | null, message: string): Promise<WriteResult>;
}

/** A ledger that cannot be used as is: reported to the user, never overwritten. */
export class LedgerError extends Error {
  constructor(
    message: string,
    readonly code: "corrupt" | "foreign" | "unsupported-version" | "io" | "contention",
  ) {
    super(message);
    this.name = "LedgerError";
  }
}
