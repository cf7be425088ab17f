/**
 * Read → pure transition → compare-and-swap write → on a lost race, back off and retry.
 *
 * `fn` must be pure: it is called again on the fresh ledger after every lost race. When it returns
 * the same ledger object it was given, nothing is written (a refused lock, a no-op cleanup cost one
 * read). LedgerErrors from `read` (corrupt/foreign ledger) propagate untouched: nothing is written.
 */
import type { Ledger } from "../engine/types.js";
import { LedgerError, type LedgerStore } from "./store.js";
import { withLedgerSpan } from "../tracing.js";

export interface TransactOptions {
  /** Retries after the first attempt (default 10): at most retries + 1 attempts. */
  retries?: number;
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1); jitter source (default Math.random). */
  random?: () => number;
  /** First back-off delay in ms (default 20); doubles per retry, capped at maxDelayMs. */
  baseDelayMs?: number;
  /** Cap of one back-off delay (default 2000 ms). */
  maxDelayMs?: number;
}

export interface TransactResult<T> {
  outcome: T;
  /** The version written, or the version read when nothing was written. */
  version: string | null;
  attempts: number;
  wrote: boolean;
}

export type TransactFn<T> = (l: Ledger) => { ledger: Ledger; outcome: T; message: string | null };

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Delay before retry number `retry` (1-based): "equal jitter", between half and all of base·2^(retry-1), capped. */
export function backoffDelay(retry: number, baseDelayMs: number, maxDelayMs: number, random: () => number): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (retry - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/** One ledger transaction, traced (src/tracing.ts: a `pucs.ledger.transact` span, a no-op without a tracer provider). */
export function transact<T>(store: LedgerStore, fn: TransactFn<T>, opts: TransactOptions = {}): Promise<TransactResult<T>> {
  return withLedgerSpan(
    (note) => transactUntraced(store, (l) => { const r = fn(l); note(r.message); return r; }, opts),
    (r) => ({ "pucs.ledger.attempts": r.attempts, "pucs.ledger.wrote": r.wrote, ...(r.version ? { "pucs.ledger.version": r.version } : {}) }),
  );
}

async function transactUntraced<T>(store: LedgerStore, fn: TransactFn<T>, opts: TransactOptions = {}): Promise<TransactResult<T>> {
  const retries = opts.retries ?? 10;
  const sleep = opts.sleep ?? defaultSleep;
  const random = opts.random ?? Math.random;
  const base = opts.baseDelayMs ?? 20;
  const maxDelay = opts.maxDelayMs ?? 2000;
  if (!Number.isInteger(retries) || retries < 0) throw new RangeError(`retries must be a non-negative integer, got ${retries}`);

  for (let attempt = 1; ; attempt++) {
    const { ledger, version } = await store.read();
    const result = fn(ledger);
    if (result.ledger === ledger) return { outcome: result.outcome, version, attempts: attempt, wrote: false };
    const message = result.message ?? "update ledger";
    const written = await store.write(result.ledger, version, message);
    if (written.ok) return { outcome: result.outcome, version: written.version, attempts: attempt, wrote: true };
    if (attempt > retries) {
      throw new LedgerError(
        `The ledger kept changing under this update: ${attempt} attempts lost the compare-and-swap race to other writers ` +
          `("${message.split("\n")[0]}" was not applied). Try again in a moment; if it persists, something is rewriting the ledger in a loop.`,
        "contention",
      );
    }
    await sleep(backoffDelay(attempt, base, maxDelay, random));
  }
}
