/**
 * The CLI's ES module entry (bundled into dist/cli.js; the `pucs` bin's CommonJS entry, dist/pucs.cjs
 * from src/cli/bin.ts, loads it for every command but a plain check). Small on purpose: a plain local
 * `pucs check` (what a commit hook runs) goes to dist/chunks/check-boot.cjs (check-boot.ts: it starts the check's git
 * processes, then compiles only the fast path, dist/chunks/check-fast.cjs, with V8 code cache data);
 * everything else, and any check the fast path hands back, loads the whole CLI (run.ts), a chunk of the
 * build's code splitting like the modules the fast path loads lazily (check-lazy.ts). Both .cjs files
 * are scripts/build.mjs's; without them (main.ts run from its source) the full command runs the check.
 */
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { lazyImport } from "./check-lazy.js";
import { FAST_TRIED, fastCheck, io } from "./entry.js";

/** dist/chunks/check-boot.cjs (scripts/build.mjs), next to the fast path's bundle. */
export const CHECK_BOOT = "chunks/check-boot.cjs";

const argv = process.argv.slice(2);

async function main(): Promise<number> {
  // dist/pucs.cjs tried the fast path already when it loads this module for the full command.
  if (argv[0] === "check" && (globalThis as Record<symbol, unknown>)[FAST_TRIED] !== true) {
    const file = fileURLToPath(new URL(CHECK_BOOT, import.meta.url));
    const code = await fastCheck(argv.slice(1), file, createRequire(import.meta.url), lazyImport);
    if (code !== null) return code;
  }
  const [{ runCli }, { randomUUID }] = await Promise.all([import("./run.js"), import("node:crypto")]);
  return runCli(argv, {
    ...io,
    newId: () => randomUUID(),
    ...(process.stdout.isTTY && process.stdin.isTTY
      ? { tty: { write: (s: string) => void process.stdout.write(s), isTTY: true, get columns() { return process.stdout.columns ?? 80; }, get rows() { return process.stdout.rows ?? 24; }, keys: process.stdin } }
      : {}),
  });
}

process.exitCode = await main();
