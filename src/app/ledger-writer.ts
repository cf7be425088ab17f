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
import { ScopedLedgerStore, primedStore } from "../github/ledger-store.js";

/**
 * Thrown by a finisher whose answer a partial ledger cannot give (src/engine/refresh.ts
 * `unlistedCapacityChanges`): the batch is run again on a read with every member of these streams.
 */
export class NeedsMembers extends Error {
  constructor(readonly streams: readonly string[]) {
    super(`the update needs every open change of ${streams.join(", ")}`);
    this.name = "NeedsMembers";
  }
}

/** How long a batch about to commit waits at most for updates announced to it (`announce`). */
export const GROUP_WAIT_MS = 500;

interface Pending {
  fn: TransactFn<unknown>;
  store: LedgerStore;
  snapshot: LedgerSnapshot | null;
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
  pending: Pending[];
  running: Promise<void> | null;
}

/**
 * A last step for every batch of a repository that changes the ledger (never a commit of its own):
 * `(before, after)` → the ledger to commit. The App's marks the reports the batch made stale and
 * settles the refreshes done since (src/app/core.ts `armRefresh`). Pure: it runs again after a lost race.
 */
export type Finisher = (before: Ledger, after: Ledger) => { ledger: Ledger; message: string | null };

/**
 * The store a batch commits through: the one every update named (primed with the first one's
 * snapshot); partial stores (the App's hot path reads only its event's scope) joined into one over
 * all their scopes; a whole-ledger store when any update needs the whole ledger.
 */
function batchStore(batch: readonly Pending[], members: readonly string[] = []): LedgerStore {
  if (members.length > 0) {
    // Read again with every member of these streams (the first attempt's snapshot is not enough).
    const scoped = batch.filter((p) => p.store instanceof ScopedLedgerStore).map((p) => p.store as ScopedLedgerStore);
    if (scoped.length === batch.length) return scoped.slice(1).reduce((a, b) => a.merge(b), scoped[0]!).withMembers(members);
  }
  const first = batch[0]!;
  if (batch.every((p) => p.store === first.store)) return first.snapshot ? primedStore(first.store, first.snapshot) : first.store;
  const scoped = batch.filter((p) => p.store instanceof ScopedLedgerStore).map((p) => p.store as ScopedLedgerStore);
  if (scoped.length === batch.length) return scoped.slice(1).reduce((a, b) => a.merge(b), scoped[0]!);
  // A whole store among them: it reads everything every partial update needs.
  const whole = batch.find((p) => !(p.store instanceof ScopedLedgerStore))!.store;
  return whole;
}

export class LedgerWriter {
  readonly #queues = new Map<string, RepoQueue>();
  readonly #finishers = new Map<string, Finisher>();
  readonly #latest = new Map<string, Ledger>();
  /** Commits attempted (batches with a change), for tests and metrics. */
  commits = 0;

  constructor(
    private readonly options: TransactOptions = {},
    /** How long a batch waits for announced updates at most (default GROUP_WAIT_MS). */
    readonly groupWaitMs?: number,
  ) {}

  /** The newest ledger of the repository this writer committed or read (batches run one after another). */
  latest(repoKey: string): Ledger | undefined {
    return this.#latest.get(repoKey);
  }

  readonly #coming = new Map<string, number>();

  /**
   * Says an update of the repository is on its way (an event is being handled that will likely
   * commit); returns the function that says it arrived (called just before `update`) or will not
   * come (idempotent). A batch about to commit waits a little for announced updates (GROUP_WAIT_MS),
   * so the events of a burst share one commit and each report is made on a ledger holding all of them.
   */
  announce(repoKey: string): () => void {
    this.#coming.set(repoKey, (this.#coming.get(repoKey) ?? 0) + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const n = (this.#coming.get(repoKey) ?? 1) - 1;
      if (n <= 0) this.#coming.delete(repoKey);
      else this.#coming.set(repoKey, n);
    };
  }

  /**
   * Whether a burst is under way for the repository: an update committing or waiting to, or another
   * announced one than the caller's own (`mine`: how many of the announced are the caller's).
   */
  busy(repoKey: string, mine = 0): boolean {
    const q = this.#queues.get(repoKey);
    return (q !== undefined && (q.running !== null || q.pending.length > 0)) || (this.#coming.get(repoKey) ?? 0) > mine;
  }

  /** Sets (or with null, removes) the repository's finisher; the latest set is used. */
  finishWith(repoKey: string, finish: Finisher | null): void {
    if (finish) this.#finishers.set(repoKey, finish);
    else this.#finishers.delete(repoKey);
  }

  update<T>(repoKey: string, store: LedgerStore, fn: TransactFn<T>, snapshot?: LedgerSnapshot): Promise<BatchResult<T>> {
    let q = this.#queues.get(repoKey);
    if (!q) {
      q = { pending: [], running: null };
      this.#queues.set(repoKey, q);
    }
    const queue = q;
    const p = new Promise<BatchResult<T>>((resolve, reject) => {
      queue.pending.push({ fn: fn as TransactFn<unknown>, store, snapshot: snapshot ?? null, resolve: resolve as (r: BatchResult<unknown>) => void, reject });
    });
    if (!q.running) q.running = this.#drain(repoKey, q);
    return p;
  }

  async #drain(repoKey: string, q: RepoQueue): Promise<void> {
    // Let updates issued in the same turn join the first batch, and announced ones that are on their way (a burst).
    await new Promise((r) => setImmediate(r));
    const waitUntil = Date.now() + (this.groupWaitMs ?? GROUP_WAIT_MS);
    while ((this.#coming.get(repoKey) ?? 0) > 0 && Date.now() < waitUntil) await new Promise((r) => setTimeout(r, 5));
    while (q.pending.length > 0) {
      const batch = q.pending.splice(0, q.pending.length);
      let before: Ledger | null = null;
      try {
        const attempt = (store: LedgerStore) => transact(
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
            const finish = this.#finishers.get(repoKey);
            if (finish && cur !== l) {
              const f = finish(l, cur);
              if (f.ledger !== cur && f.message) messages.push(f.message);
              cur = f.ledger;
            }
            return { ledger: cur, outcome: { outcomes, after: cur }, message: messages.length > 0 ? messages.join("\n") : null };
          },
          this.options,
        );
        let r: Awaited<ReturnType<typeof attempt>>;
        try {
          r = await attempt(batchStore(batch));
        } catch (e) {
          // A partial read too small for the finisher's answer: once more, with those streams whole.
          if (!(e instanceof NeedsMembers)) throw e;
          r = await attempt(batchStore(batch, e.streams));
        }
        if (r.wrote) this.commits++;
        this.#latest.set(repoKey, r.outcome.after);
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
