/**
 * Reading the ledger for the gate: refs/pucs/ledger (a commit whose tree holds ledger.json, as the
 * git store and the App write it). The gate only reads: overrides and locks. No ref → null (no
 * overrides, no locks; the gate still works). A corrupt or foreign ledger fails the run with the
 * ledger's own message: a verdict that silently ignored recorded locks and overrides would be wrong.
 * Costs 2 reads (the ref, then ledger.json at that commit).
 */
import type { Ledger } from "../engine/types.js";
import { parseLedger } from "../ledger/schema.js";
import { LedgerError } from "../ledger/store.js";
import type { GateGateway } from "../github/gate.js";

const HINT =
  "The gate did not use it and changed nothing. Inspect it with `git fetch origin refs/pucs/ledger && git show FETCH_HEAD:ledger.json`; fix it by pushing a corrected ledger.json to refs/pucs/ledger (or delete the ref to start afresh).";

export function ledgerReader(gw: GateGateway): () => Promise<Ledger | null> {
  return async () => {
    const head = await gw.ledgerHead();
    if (head === null) return null;
    const text = await gw.fileText("ledger.json", head);
    const source = `refs/pucs/ledger at ${head.slice(0, 7)}`;
    if (text === null) throw new LedgerError(`${source}: the commit has no ledger.json, so it is not a PUCS ledger. ${HINT}`, "foreign");
    return parseLedger(text, source, HINT);
  };
}
