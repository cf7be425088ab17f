/**
 * Group commit for the ledger (DESIGN.md, "The write budget"): a ledger write on GitHub costs three
 * requests (tree, commit, ref), each spaced ≥ 1 s by Octokit's throttling, so updates that arrive
 * together in one process are applied in ONE compare-and-swap commit.
 *
 * `update(repoKey, store, fn)` queues a pure transition. While a commit for that repository is in
 * flight, new updates wait and are then committed together: the batch's transitions run in arrival
 * order on the freshly read ledger (and again, all of them, after a lost race, since they are pure),
 * the commit message lists every changed step, and each caller gets its own outcome once the CAS has
 * been won. So an exclusive lock is acknowledged only after its commit is on the ref.
 *
 * A batch whose first caller handed in a snapshot it already read uses it for the first attempt
 * (`primedStore`): the CAS itself checks it is still current, so no extra read is spent.
 */
import type { Ledger } from "../engine/types.js";
import type { LedgerSnapshot, LedgerStore } from "../ledger/store.js";
import { transact, type TransactFn, type TransactOptions, type TransactResult } from "../ledger/transact.js";
import { primedStore } from "../github/ledger-store.js";

interface Pending {
  fn: TransactFn<unknown>;
  resolve: (r: BatchResult<unknown>) => void;
  reject: (e: unknown) => void;
}

export interface BatchResult<T> extends TransactResult<T> {
  /** The ledger before and after this batch's commit (after = before when nothing was written). */
  before: Ledger;
  after: Ledger;
  /** How many updates shared the commit. */
  batched: number;
}

interface RepoQueue {
  store: LedgerStore;
  snapshot: LedgerSnapshot | null;
  pending: Pending[];
  running: Promise<void> | null;
}

export class LedgerWriter {
  readonly #queues = new Map<string, RepoQueue>();
  /** Commits attempted (batches with a change), for tests and metrics. */
  commits = 0;

  constructor(private readonly options: TransactOptions = {}) {}

  update<T>(repoKey: string, store: LedgerStore, fn: TransactFn<T>, snapshot?: LedgerSnapshot): Promise<BatchResult<T>> {
    let q = this.#queues.get(repoKey);
    if (!q) {
      q = { store, snapshot: null, pending: [], running: null };
      this.#queues.set(repoKey, q);
    }
    if (q.pending.length === 0) {
      q.store = store;
      q.snapshot = snapshot ?? null;
    }
    const queue = q;
    const p = new Promise<BatchResult<T>>((resolve, reject) => {
      queue.pending.push({ fn: fn as TransactFn<unknown>, resolve: resolve as (r: BatchResult<unknown>) => void, reject });
    });
    if (!q.running) q.running = this.#drain(repoKey, q);
    return p;
  }

  async #drain(repoKey: string, q: RepoQueue): Promise<void> {
    // Let updates issued in the same turn join the first batch.
    await new Promise((r) => setImmediate(r));
    while (q.pending.length > 0) {
      const batch = q.pending.splice(0, q.pending.length);
      const store = q.snapshot ? primedStore(q.store, q.snapshot) : q.store;
      q.snapshot = null;
      let before: Ledger | null = null;
      try {
        const r = await transact(
          store,
          (l) => {
            before = l;
            let cur = l;
            const outcomes: unknown[] = [];
            const messages: string[] = [];
            for (const p of batch) {
              const step = p.fn(cur);
              outcomes.push(step.outcome);
              if (step.ledger !== cur && step.message) messages.push(step.message);
              cur = step.ledger;
            }
            return { ledger: cur, outcome: { outcomes, after: cur }, message: messages.length > 0 ? messages.join("\n") : null };
          },
          this.options,
        );
        if (r.wrote) this.commits++;
        batch.forEach((p, i) =>
          p.resolve({
            outcome: r.outcome.outcomes[i],
            version: r.version,
            attempts: r.attempts,
            wrote: r.wrote,
            before: before!,
            after: r.outcome.after,
            batched: batch.length,
          }),
        );
      } catch (e) {
        for (const p of batch) p.reject(e);
      }
    }
    q.running = null;
    this.#queues.delete(repoKey);
  }
}
