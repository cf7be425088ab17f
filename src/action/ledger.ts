/**
 * Reading the ledger for the gate: refs/pucs/ledger, a commit whose tree is the v2 layout (as the git
 * store and the App write it) or a v1 ledger.json. The gate only reads. No ref → null (no overrides,
 * no locks; the gate still works). A corrupt or foreign ledger fails the run with the ledger's own
 * message: a verdict that silently ignored recorded locks and overrides would be wrong.
 *
 * `head()` costs 1 read (the ref). The ledger at that commit is then read in one GraphQL query:
 * in part together with the pull request (`GATE_COMMIT_FIELDS`, the small collections and the gate
 * entries, see gate-run.ts), or whole (`whole`, a v2 tree or a v1 ledger.json alike).
 */
import type { Ledger } from "../engine/types.js";
import { LedgerError } from "../ledger/store.js";
import { LEDGER_COMMIT_FIELDS, ledgerOfCommitNode, type BlobNode, type CommitNode } from "../github/ledger-store.js";
import type { GateGateway } from "../github/gate.js";

export const LEDGER_HINT =
  "The gate did not use it and changed nothing. Inspect it with `git fetch origin refs/pucs/ledger && git ls-tree -r FETCH_HEAD` (a file: `git show FETCH_HEAD:<path>`); fix it by pushing a corrected file to refs/pucs/ledger (or delete the ref to start afresh).";

export interface GateLedger {
  /** The commit refs/pucs/ledger points at, null when the repository has none (1 read). */
  head(): Promise<string | null>;
  /** The whole ledger at commit `head` (1 read; more only for blobs GraphQL cut short). */
  whole(head: string): Promise<Ledger>;
}

export const ledgerSource = (head: string): string => `refs/pucs/ledger at ${head.slice(0, 7)}`;

/** A fetcher for blobs GraphQL cut short (REST, 1 read each). */
export const blobFetcher = (gw: GateGateway) => (b: BlobNode) => (b.oid ? gw.blobText(b.oid) : Promise.resolve(null));

export function gateLedger(gw: GateGateway): GateLedger {
  return {
    head: () => gw.ledgerHead(),
    async whole(head) {
      const commit = await gw.ledgerCommit(head, LEDGER_COMMIT_FIELDS);
      if (commit === null) throw new LedgerError(`${ledgerSource(head)}: GitHub has no such commit. ${LEDGER_HINT}`, "foreign");
      return (await ledgerOfCommitNode(commit as CommitNode, ledgerSource(head), LEDGER_HINT, blobFetcher(gw))).ledger;
    },
  };
}

/** The whole ledger, or null when the repository has none (2 reads). */
export function ledgerReader(gw: GateGateway): () => Promise<Ledger | null> {
  const l = gateLedger(gw);
  return async () => {
    const head = await l.head();
    return head === null ? null : l.whole(head);
  };
}
