/** `npm run bench`: every benchmark, printed as figures with their targets. Not part of `npm test`. */
import { benchAction } from "./action.js";
import { benchE2E } from "./e2e.js";
import { benchEngine } from "./engine.js";
import { benchDashboard } from "./dashboard.js";
import { benchLedger } from "./ledger.js";
import { benchStorm } from "./storm.js";
import { benchHook } from "./hook.js";

const only = process.argv.slice(2);
const sections: { name: string; run: () => Promise<{ lines: string[] }> }[] = [
  { name: "engine", run: benchEngine },
  { name: "action", run: benchAction },
  { name: "e2e", run: benchE2E },
  { name: "dashboard", run: benchDashboard },
  { name: "ledger", run: () => benchLedger() },
  { name: "storm", run: benchStorm },
  { name: "hook", run: benchHook },
].filter((s) => only.length === 0 || only.includes(s.name));

console.log(`PUCS benchmarks — node ${process.version}, ${new Date().toISOString()}\n`);
for (const s of sections) {
  const r = await s.run();
  console.log(r.lines.join("\n") + "\n");
}
