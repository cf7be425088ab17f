/**
 * Reading the ledger for the gate: refs/pucs/ledger, a commit whose tree is the v2 layout (as the git
 * store and the App write it) or a v1 ledger.json. The gate only reads. No ref → null (no overrides,
 * no locks; the gate still works). A corrupt or foreign ledger fails the run with the ledger's own
 * message: a verdict that silently ignored recorded locks and overrides would be wrong.
 * Costs 2 reads: the ref, then the ledger files at that commit (ledger.json by the contents API; when
 * there is none, the v2 tree in one GraphQL query: a 3rd read).
 */
import type { Ledger } from "../engine/types.js";
import { parseLedger } from "../ledger/schema.js";
import { LedgerError } from "../ledger/store.js";
import { LEDGER_COMMIT_FIELDS, ledgerOfCommitNode, type CommitNode } from "../github/ledger-store.js";
import type { GateGateway } from "../github/gate.js";

const HINT =
  "The gate did not use it and changed nothing. Inspect it with `git fetch origin refs/pucs/ledger && git ls-tree -r FETCH_HEAD` (a file: `git show FETCH_HEAD:<path>`); fix it by pushing a corrected file to refs/pucs/ledger (or delete the ref to start afresh).";

export function ledgerReader(gw: GateGateway): () => Promise<Ledger | null> {
  return async () => {
    const head = await gw.ledgerHead();
    if (head === null) return null;
    const source = `refs/pucs/ledger at ${head.slice(0, 7)}`;
    const text = await gw.fileText("ledger.json", head);
    if (text !== null) return parseLedger(text, source, HINT);
    const commit = await gw.ledgerCommit(head, LEDGER_COMMIT_FIELDS);
    if (commit === null) throw new LedgerError(`${source}: GitHub has no such commit. ${HINT}`, "foreign");
    return (await ledgerOfCommitNode(commit as CommitNode, source, HINT, (b) => (b.oid ? gw.blobText(b.oid) : Promise.resolve(null)))).ledger;
  };
}
