/**
 * `pucs status --json` / `--format markdown` and `pucs board`: the status document (pucs.status/v1)
 * of the local (or `--remote`) ledger, with the recent releases read from the ledger's commits, and
 * the dashboard issue's exact body.
 */
import { loadConfigFile } from "../config-file.js";
import { HISTORY_COMMITS, statusDocument, type StatusDocument } from "../engine/status.js";
import type { Config, Ledger } from "../engine/types.js";
import { RemoteRefStore } from "../git/remote-store.js";
import type { LedgerStore } from "../ledger/store.js";
import * as git from "../git/gateway.js";


/** The config when there is a valid one (status works without one; null otherwise). */
export async function optionalConfig(root: string, configPath: string | undefined): Promise<Config | null> {
  const r = await loadConfigFile(root, configPath);
  return r.ok ? r.config : null;
}

/** The ledger's last commits (newest first); [] when there is no ledger yet. */
export async function ledgerHistory(root: string, store: LedgerStore): Promise<{ date: string; message: string }[]> {
  const ref = store instanceof RemoteRefStore ? store.trackingRef : "refs/pucs/ledger";
  return git.ledgerLog(root, ref, HISTORY_COMMITS);
}

export async function statusOf(root: string, store: LedgerStore, ledger: Ledger, config: Config | null, now: number): Promise<StatusDocument> {
  return statusDocument({ ledger, config, now, history: await ledgerHistory(root, store) });
}
