#!/usr/bin/env node
// Bundles the shipped entry points into dist/ (committed: the `pucs` bin and the Action run from it).
//   node scripts/build.mjs          write dist/
//   node scripts/build.mjs --check  rebuild into a temp dir and fail if dist/ differs (check-dist)
import { build } from "esbuild";
import { mkdtempSync, readFileSync, readdirSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// name in dist/ -> source. Entries whose source does not exist yet are skipped.
const all = {
  cli: "src/cli/main.ts", // the `pucs` bin
  index: "src/action/index.ts", // the Action (action.yml runs dist/index.js)
  app: "src/app/index.ts", // the Probot app function (package export "./app")
  server: "src/app/server.ts", // `npm start`: runs the app with Probot's standard environment
  hook: "src/cli/hook-main.ts", // the pre-commit commit guard (`pucs hook install`): small, runs on every commit
};
export const entries = Object.fromEntries(Object.entries(all).filter(([, src]) => existsSync(join(root, src))));

// ESM output; CommonJS dependencies bundled inside still call require() for node builtins.
const banner = "import { createRequire as __pucsCreateRequire } from 'node:module'; const require = __pucsCreateRequire(import.meta.url);";

async function bundle(outdir) {
  try {
    await buildInto(outdir);
  } catch (e) {
    // esbuild has already printed each error with its file:line:col; no stack trace on top.
    console.error(`build failed: ${e && typeof e === "object" && "errors" in e ? `${e.errors.length} error(s) above` : String(e)}`);
    process.exit(1);
  }
}

async function buildInto(outdir) {
  await build({
    absWorkingDir: root,
    entryPoints: entries,
    outdir,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    outExtension: { ".js": ".js" },
    banner: { js: banner },
    legalComments: "none",
    sourcemap: false,
    logLevel: "warning",
    charset: "utf8",
  });
}

const check = process.argv.includes("--check");
if (!check) {
  await bundle(join(root, "dist"));
} else {
  const tmp = mkdtempSync(join(tmpdir(), "pucs-dist-"));
  try {
    await bundle(tmp);
    const stale = [];
    for (const name of readdirSync(tmp)) {
      const want = readFileSync(join(tmp, name));
      const have = existsSync(join(root, "dist", name)) ? readFileSync(join(root, "dist", name)) : null;
      if (!have || !want.equals(have)) stale.push(`dist/${name}`);
    }
    if (stale.length) {
      console.error(`check-dist: ${stale.join(", ")} do not match the sources. Run \`npm run build\` and commit dist/.`);
      process.exit(1);
    }
    console.log("check-dist: dist/ matches the sources");
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
