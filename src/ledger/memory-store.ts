/**
 * An in-memory LedgerStore for tests and dry runs: versions "1", "2", ...; the document is kept as
 * canonical JSON text and parsed on every read, exactly as a real store would (no aliasing).
 */
import type { Ledger } from "../engine/types.js";
import { emptyLedger, parseLedger, serializeLedger } from "./schema.js";
import type { LedgerSnapshot, LedgerStore, WriteResult } from "./store.js";

export interface MemoryStoreOptions {
  /** Initial document (version "1"). */
  ledger?: Ledger;
  /** Initial raw text (version "1"), e.g. corrupt JSON to test error paths. Wins over `ledger`. */
  text?: string;
}

export interface MemoryCommit {
  version: string;
  message: string;
  text: string;
}

export class MemoryStore implements LedgerStore {
  #text: string | null = null;
  #version = 0;
  #interfere: ((l: Ledger) => Ledger)[] = [];
  /** Number of read() calls. */
  reads = 0;
  /** Number of write() calls, including those that lost the race. */
  writes = 0;
  /** Writes that returned a conflict. */
  conflicts = 0;
  /** Every successful write, oldest first (the audit trail). */
  readonly log: MemoryCommit[] = [];

  constructor(opts: MemoryStoreOptions = {}) {
    const text = opts.text ?? (opts.ledger ? serializeLedger(opts.ledger) : null);
    if (text !== null) {
      this.#text = text;
      this.#version = 1;
    }
  }

  get version(): string | null {
    return this.#text === null ? null : String(this.#version);
  }

  /** The stored text (null when none), without counting a read. */
  get text(): string | null {
    return this.#text;
  }

  /**
   * Makes the next `n` writes lose the race: just before each, another writer commits
   * `change(current)` (default: the same document, a new version), so the write sees a moved version.
   */
  loseNextWrites(n: number, change: (l: Ledger) => Ledger = (l) => l): void {
    for (let i = 0; i < n; i++) this.#interfere.push(change);
  }

  async read(): Promise<LedgerSnapshot> {
    this.reads++;
    if (this.#text === null) return { ledger: emptyLedger(), version: null };
    return { ledger: parseLedger(this.#text, `memory ledger at version ${this.#version}`), version: String(this.#version) };
  }

  async write(next: Ledger, expected: string | null, message: string): Promise<WriteResult> {
    this.writes++;
    const other = this.#interfere.shift();
    if (other) {
      const current = this.#text === null ? emptyLedger() : parseLedger(this.#text, "memory ledger");
      this.#commit(serializeLedger(other(current)), "interfering write");
    }
    if (this.version !== expected) {
      this.conflicts++;
      return { ok: false, reason: "conflict" };
    }
    const text = serializeLedger(next);
    parseLedger(text, "the ledger about to be written (a pucs bug; nothing was written)");
    const version = this.#commit(text, message);
    return { ok: true, version };
  }

  #commit(text: string, message: string): string {
    this.#text = text;
    this.#version++;
    const version = String(this.#version);
    this.log.push({ version, message, text });
    return version;
  }
}
