/**
 * The `pucs` command as a CommonJS file (dist/pucs.cjs, which bin/pucs.cjs runs): Node starts a CommonJS
 * entry ~10 ms sooner than an ES module one (issue 11: a commit hook runs `pucs check` on every
 * commit). A plain `pucs check` runs its fast path from here (src/cli/entry.ts); everything else, and a
 * check the fast path hands over, loads the ES module CLI (dist/cli.js), which then does not try the
 * fast path again.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { FAST_TRIED, fastCheck } from "./entry.js";

const dist = __dirname;
const esm = (file: string): Promise<unknown> => import(pathToFileURL(join(dist, file)).href);

async function start(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === "check") {
    // The modules the fast path loads lazily come from the ES module build's chunks (dist/chunks/lazy.js).
    const importer = (key: string) => esm("chunks/lazy.js").then((m) => (m as { lazyImport: (k: string) => Promise<unknown> }).lazyImport(key));
    const code = await fastCheck(argv.slice(1), join(dist, "chunks", "check-boot.cjs"), require, importer);
    if (code !== null) {
      process.exitCode = code;
      return;
    }
    (globalThis as Record<symbol, unknown>)[FAST_TRIED] = true;
  }
  await esm("cli.js");
}

void start();
