/** `mode: app`: placeholder until the App lands (src/app/index.ts). */
import { ActionError } from "./gate-run.js";

export async function runApp(_token: string): Promise<void> {
  throw new ActionError("mode: app is not available in this build: the PUCS App (src/app) is not bundled yet; use mode: gate.");
}
