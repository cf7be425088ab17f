/** `npm run bench`: every benchmark, printed as figures with their targets. Not part of `npm test`. */
import { benchEngine } from "./engine.js";

const sections: { name: string; run: () => Promise<{ lines: string[] }> }[] = [{ name: "engine", run: benchEngine }];

console.log(`PUCS benchmarks — node ${process.version}, ${new Date().toISOString()}\n`);
for (const s of sections) {
  const r = await s.run();
  console.log(r.lines.join("\n") + "\n");
}
