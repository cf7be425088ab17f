#!/usr/bin/env node
// Runs a TypeScript file (bench, scripts) by bundling it with esbuild into a temp file first.
//   node scripts/run-ts.mjs bench/engine.bench.ts [args...]
import { build } from "esbuild";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);

const [file, ...rest] = process.argv.slice(2);
if (!file) {
  console.error("usage: node scripts/run-ts.mjs <file.ts> [args...]");
  process.exit(2);
}
// Inside the project so that bare imports resolve against its node_modules.
const cache = join(process.cwd(), "node_modules", ".cache");
mkdirSync(cache, { recursive: true });
const dir = mkdtempSync(join(cache, "pucs-run-"));
const out = join(dir, "main.mjs");
// The bundle goes when the process ends, however it ends (a failed build, a script that calls
// process.exit, which skips a finally; SIGINT and SIGTERM are turned into an exit so that runs too).
const cleanUp = () => {
  if (!process.env.PUCS_KEEP_BUNDLE) rmSync(dir, { recursive: true, force: true });
};
process.on("exit", cleanUp);
for (const signal of ["SIGINT", "SIGTERM"]) process.once(signal, () => process.exit(signal === "SIGINT" ? 130 : 143));
try {
  await build({
    entryPoints: [resolve(file)],
    outfile: out,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    packages: "external",
    logLevel: "warning",
    // JSON packages are bundled: Node's ESM loader refuses a bare JSON import without `with { type: "json" }`.
    plugins: [
      {
        name: "bundle-json-packages",
        setup(b) {
          b.onResolve({ filter: /^@octokit\/webhooks-examples$/ }, (args) => ({ path: require.resolve(args.path) }));
        },
      },
    ],
  });
} catch (e) {
  // esbuild has printed each error with its file:line:col already.
  console.error(`run-ts: could not bundle ${file}: ${e && typeof e === "object" && "errors" in e ? `${e.errors.length} error(s) above` : String(e)}`);
  process.exit(1);
}
process.argv = [process.argv[0], resolve(file), ...rest];
await import(pathToFileURL(out).href);
