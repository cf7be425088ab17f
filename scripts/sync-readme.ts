/** Rewrites the README's generated command table from the registry: `npm run sync-readme`. */
import { readFileSync, writeFileSync } from "node:fs";
import { commandsTableMarkdown } from "../src/engine/commands.js";

export const START = "<!-- commands:start -->";
export const END = "<!-- commands:end -->";

export function withCommandTable(readme: string): string {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error(`README.md has no ${START} … ${END} block`);
  return `${readme.slice(0, a + START.length)}\n${commandsTableMarkdown()}\n${readme.slice(b)}`;
}

if (process.argv[1]?.endsWith("sync-readme.ts")) {
  const text = readFileSync("README.md", "utf8");
  const next = withCommandTable(text);
  if (next !== text) writeFileSync("README.md", next);
  console.log(next === text ? "README.md command table is up to date" : "README.md command table rewritten");
}
