/**
 * Which ledger a `pucs` command uses: ONE per repository (issue 10, problem 7).
 *
 * - `--remote NAME` / `PUCS_REMOTE`: that remote's `refs/pucs/ledger` (the one the GitHub App keeps).
 * - `--local`: the embedded ledger of this clone, on purpose.
 * - Otherwise the repository decides, once, and remembers it in its git config (`pucs.ledger`, shared
 *   by every worktree): when `origin` (or the only remote) has `refs/pucs/ledger`, that is THE ledger
 *   and every command uses it; otherwise the embedded one. A remembered "local" is re-checked before
 *   every write (the App may have started its ledger since: a claim must never land in the wrong one)
 *   and after an hour for reads; `pucs init` always re-checks.
 * - A clone whose embedded ledger holds live claims while the remote has a ledger too is refused until
 *   someone chooses (`--remote` or `--local`): a local agent and a PR must never both hold one file
 *   through two ledgers without anyone noticing.
 */
import * as git from "../git/gateway.js";

export type LedgerChoice = { kind: "local"; why: string } | { kind: "remote"; remote: string; why: string };

export const LEDGER_REF = "refs/pucs/ledger";
const CACHE_KEY = "pucs.ledger";
const RECHECK_MS = 60 * 60_000;

export class LedgerChoiceError extends Error {}

/**
 * The choice when it needs no network: the flags, the remembered choice (`git config pucs.ledger`),
 * or no remote to ask. "ask" = the remote must be asked whether it has a ledger (`chooseLedger` does).
 * `known`: `git config pucs.ledger` and the remotes' names (`git.configAndRemotes`).
 */
export function quickLedgerChoice(
  known: { value: string | null; remotes: string[] },
  opts: { remote?: string | undefined; local: boolean; recheck: boolean; now: number; write?: boolean },
): LedgerChoice | { kind: "ask"; remote: string } {
  if (opts.remote) return { kind: "remote", remote: opts.remote, why: "--remote / PUCS_REMOTE" };
  if (opts.local) return { kind: "local", why: "--local" };
  const cached = opts.recheck ? null : known.value;
  if (cached?.startsWith("remote:")) return { kind: "remote", remote: cached.slice("remote:".length), why: `git config ${CACHE_KEY}` };
  const checkedAt = cached?.startsWith("local@") ? Number(cached.slice("local@".length)) : NaN;
  if (Number.isFinite(checkedAt) && opts.now - checkedAt < RECHECK_MS && !opts.write) return { kind: "local", why: `git config ${CACHE_KEY}` };
  const names = known.remotes;
  const remote = names.includes("origin") ? "origin" : names.length === 1 ? names[0]! : null;
  if (remote === null) return { kind: "local", why: names.length === 0 ? "no remote" : "several remotes and none is origin: pass --remote NAME to use one's ledger" };
  return { kind: "ask", remote };
}

export async function chooseLedger(
  root: string,
  opts: { remote?: string | undefined; local: boolean; recheck: boolean; now: number; write?: boolean },
): Promise<LedgerChoice> {
  if (opts.local && opts.remote) throw new LedgerChoiceError("--local and --remote contradict each other: choose one ledger");
  const known = opts.remote || opts.local ? { value: null, remotes: [] } : await git.configAndRemotes(root, CACHE_KEY);
  const quick = quickLedgerChoice(known, opts);
  if (quick.kind !== "ask") return quick;
  const remote = quick.remote;
  const has = await git.remoteHasRef(root, remote, LEDGER_REF);
  if (has === null) return { kind: "local", why: `${remote} could not be asked whether it has a ledger (offline?)` };
  if (!has) {
    await git.configSet(root, CACHE_KEY, `local@${opts.now}`);
    return { kind: "local", why: `${remote} has no ${LEDGER_REF}` };
  }
  // The remote has THE ledger. A clone that has been writing its own meanwhile must not go on silently.
  // (Loaded here only: `pucs check`'s fast path decides with quickLedgerChoice and never needs the store.)
  const [{ GitRefStore }, { liveIntents, liveLocks }] = await Promise.all([import("../git/ledger-store.js"), import("../ledger/transitions.js")]);
  const local = await new GitRefStore({ cwd: root }).read();
  const live = liveLocks(local.ledger, opts.now).length + liveIntents(local.ledger, opts.now).length;
  if (local.version !== null && live > 0) {
    throw new LedgerChoiceError(
      [
        `Two ledgers: ${remote} has ${LEDGER_REF} (the GitHub App's), and this clone's own ${LEDGER_REF} holds ${live} live lock(s)/intent(s).`,
        `Claims in two ledgers do not see each other, so PUCS will not pick one for you. Either:`,
        `  - use the shared one: pass --remote ${remote} (or run \`git config ${CACHE_KEY} remote:${remote}\`), and take your claims again there;`,
        `  - or keep working locally on purpose: pass --local.`,
      ].join("\n"),
    );
  }
  await git.configSet(root, CACHE_KEY, `remote:${remote}`);
  return { kind: "remote", remote, why: `${remote} has ${LEDGER_REF}` };
}
