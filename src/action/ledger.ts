/**
 * Reading the ledger for the gate: refs/pucs/ledger, a commit whose tree is the v2 layout (as the git
 * store and the App write it) or a v1 ledger.json. The gate only reads. No ref → null (no overrides,
 * no locks; the gate still works). A corrupt or foreign ledger fails the run with the ledger's own
 * message: a verdict that silently ignored recorded locks and overrides would be wrong.
 *
 * `open()` costs 2 reads (the ref, then ledger.json by the contents API) and says which it is; a v2
 * tree is then read either in part, with the pull request in one GraphQL query (`GATE_COMMIT_FIELDS`:
 * the small collections and the gate entries, see gate-run.ts), or whole (`whole`: 1 more read).
 */
import type { Ledger } from "../engine/types.js";
import { parseLedger } from "../ledger/schema.js";
import { LedgerError } from "../ledger/store.js";
import { LEDGER_COMMIT_FIELDS, ledgerOfCommitNode, type BlobNode, type CommitNode } from "../github/ledger-store.js";
import type { GateGateway } from "../github/gate.js";

export const LEDGER_HINT =
  "The gate did not use it and changed nothing. Inspect it with `git fetch origin refs/pucs/ledger && git ls-tree -r FETCH_HEAD` (a file: `git show FETCH_HEAD:<path>`); fix it by pushing a corrected file to refs/pucs/ledger (or delete the ref to start afresh).";

export type OpenedLedger = { kind: "none" } | { kind: "whole"; ledger: Ledger } | { kind: "tree"; head: string };

export interface GateLedger {
  open(): Promise<OpenedLedger>;
  /** The whole v2 ledger at commit `head` (1 read). */
  whole(head: string): Promise<Ledger>;
}

export const ledgerSource = (head: string): string => `refs/pucs/ledger at ${head.slice(0, 7)}`;

/** A fetcher for blobs GraphQL cut short (REST, 1 read each). */
export const blobFetcher = (gw: GateGateway) => (b: BlobNode) => (b.oid ? gw.blobText(b.oid) : Promise.resolve(null));

export function gateLedger(gw: GateGateway): GateLedger {
  return {
    async open() {
      const head = await gw.ledgerHead();
      if (head === null) return { kind: "none" };
      const text = await gw.fileText("ledger.json", head);
      if (text !== null) return { kind: "whole", ledger: parseLedger(text, ledgerSource(head), LEDGER_HINT) };
      return { kind: "tree", head };
    },
    async whole(head) {
      const commit = await gw.ledgerCommit(head, LEDGER_COMMIT_FIELDS);
      if (commit === null) throw new LedgerError(`${ledgerSource(head)}: GitHub has no such commit. ${LEDGER_HINT}`, "foreign");
      return (await ledgerOfCommitNode(commit as CommitNode, ledgerSource(head), LEDGER_HINT, blobFetcher(gw))).ledger;
    },
  };
}

/** The whole ledger, or null when the repository has none (the gate's reads outside a pull_request event). */
export function ledgerReader(gw: GateGateway): () => Promise<Ledger | null> {
  const l = gateLedger(gw);
  return async () => {
    const o = await l.open();
    return o.kind === "none" ? null : o.kind === "whole" ? o.ledger : l.whole(o.head);
  };
}
