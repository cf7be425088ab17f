#!/usr/bin/env node
// Bundles the shipped entry points into dist/ (committed: the `pucs` bin and the Action run from it).
//   node scripts/build.mjs          write dist/
//   node scripts/build.mjs --check  rebuild into a temp dir and fail if dist/ differs (check-dist)
import { build } from "esbuild";
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, existsSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

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
/**
 * The CLI is split: dist/cli.js is a small entry that loads only what a command needs (a plain
 * `pucs check`, which a commit hook runs, never loads zod, YAML or the ledger writer), as chunks in
 * dist/chunks/. The other bundles stay single files.
 */
const SPLIT = ["cli"];
export const CHUNKS_DIR = "chunks";

// ESM output; CommonJS dependencies bundled inside still call require() for node builtins.
const banner = "import { createRequire as __pucsCreateRequire } from 'node:module'; const require = __pucsCreateRequire(import.meta.url);";

/** esbuild options shared by every bundle (bench/hook.ts builds the CLI with them too). */
export const common = {
  absWorkingDir: root,
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
};

/** The CLI's build (split into chunks) into `outdir`; `workingDir`: the project (when this module is bundled elsewhere). */
export function cliBuildOptions(outdir, entryPoints = { cli: all.cli }, workingDir = root) {
  return { ...common, absWorkingDir: workingDir, entryPoints, outdir, splitting: true, chunkNames: `${CHUNKS_DIR}/[name]-[hash]` };
}

/**
 * `pucs check`'s fast path (src/cli/check-fast.ts) as ONE CommonJS file, dist/chunks/check-fast.cjs:
 * dist/cli.js compiles it through node:vm with V8 code cache data (src/cli/fast-load.ts), which Node 20
 * has for scripts but not for ES modules (issue 11). node:vm cannot run `import()` in a script compiled
 * from cache data, so each dynamic import of the bundle becomes `__pucsImport(key)` (key: the source
 * file's path from the root, or the package's name), which dist/cli.js answers from its own chunks
 * (src/cli/check-lazy.ts); a key that table does not list fails the build. `import.meta.url` is the
 * bundle's own URL.
 */
export const FAST_PATH = "check-fast.cjs";
const FAST_PATH_SRC = "src/cli/check-fast.ts";
/** What dist/cli.js requires for a `pucs check` (src/cli/check-boot.ts): it starts git and loads the fast path. */
export const CHECK_BOOT = "check-boot.cjs";
const CHECK_BOOT_SRC = "src/cli/check-boot.ts";
const LAZY_TABLE = "src/cli/check-lazy.ts";

/**
 * One CommonJS file of `pucs check`'s: the fast path (its lazy imports turned into __pucsImport) or its
 * boot (`external`: false, its one dynamic import bundled, loaded when it is reached). Minified (esbuild
 * renames locals, keeps property names and strings; ~205 KB -> ~104 KB for the fast path): every check
 * reads the fast path's text twice (the bundle and its copy in the code cache file) and keeps two
 * strings of it, and compiles the boot without a cache. On this project's VM each new page of memory
 * costs ~20 us (a page fault); the smaller text saved ~125 faults per check (npm run bench hook).
 */
async function buildCjs(outdir, name, src, workingDir, external = true) {
  const lazyImports = {
    name: "pucs-lazy-imports",
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind !== "dynamic-import") return undefined;
        const bare = !args.path.startsWith(".") && !args.path.startsWith("/");
        let key = args.path;
        if (!bare) {
          const r = await b.resolve(args.path, { resolveDir: args.resolveDir, kind: "import-statement" });
          if (r.errors.length) return { errors: r.errors };
          key = relative(workingDir, r.path).split(sep).join("/");
        }
        return { path: `pucs-lazy:${key}`, external: true };
      });
    },
  };
  const r = await build({
    ...common,
    absWorkingDir: workingDir,
    format: "cjs",
    minify: true,
    // ASCII (other characters escaped): dist/cli.js decodes it one byte per character, and V8 keeps a one-byte string.
    charset: "ascii",
    banner: { js: "var __pucsMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    define: { "import.meta.url": "__pucsMetaUrl" },
    entryPoints: [src],
    outfile: join(outdir, CHUNKS_DIR, name),
    write: false,
    plugins: external ? [lazyImports] : [],
  });
  // charset "ascii" escapes strings, templates and regular expressions; what is left is in comments the
  // output keeps (a line of its own starting with //): replaced there, a line terminator excepted.
  const text = r.outputFiles[0].text
    .replaceAll('import("pucs-lazy:', '__pucsImport("')
    .replace(/^([ \t]*\/\/.*)$/gm, (line) => line.replace(/[^\x00-\x7f\u2028\u2029]/g, "?"));
  if (/[^\x00-\x7f]/.test(text)) throw new Error(`${name}: a character outside ASCII is left (dist/cli.js reads it as one byte per character)`);
  if (/\bimport\s*\(/.test(text)) throw new Error(`${name}: an import() the build did not turn into __pucsImport()`);
  const table = readFileSync(join(workingDir, LAZY_TABLE), "utf8");
  const used = [...new Set([...text.matchAll(/__pucsImport\("([^"]+)"\)/g)].map((m) => m[1]))];
  const missing = used.filter((k) => !table.includes(`${JSON.stringify(k)}: () => import(`));
  if (missing.length) throw new Error(`${src} imports ${missing.join(", ")} lazily: add ${missing.length > 1 ? "them" : "it"} to ${LAZY_TABLE}'s LAZY`);
  mkdirSync(join(outdir, CHUNKS_DIR), { recursive: true });
  writeFileSync(join(outdir, CHUNKS_DIR, name), text);
}

export async function buildFastPath(outdir, workingDir = root) {
  await Promise.all([buildCjs(outdir, FAST_PATH, FAST_PATH_SRC, workingDir), buildCjs(outdir, CHECK_BOOT, CHECK_BOOT_SRC, workingDir, false)]);
}

/**
 * dist/pucs.cjs, the `pucs` bin's entry (src/cli/bin.ts): CommonJS, because Node starts a CommonJS
 * entry ~10 ms sooner than an ES module one (issue 11). It runs a plain `pucs check`'s fast path and
 * loads dist/cli.js for everything else, with real `import()`s (kept, not turned into `require`).
 */
export const BIN = "pucs.cjs";
const BIN_SRC = "src/cli/bin.ts";
/** The lazy-import table as an entry of the split build (dist/chunks/lazy.js), which dist/pucs.cjs imports. */
const LAZY_ENTRY = `${CHUNKS_DIR}/lazy`;

async function buildBin(outdir, workingDir = root) {
  await build({ ...common, absWorkingDir: workingDir, format: "cjs", banner: {}, supported: { "dynamic-import": true }, entryPoints: [BIN_SRC], outfile: join(outdir, BIN) });
}

/** The CLI: the split ES module build, its CommonJS entry and its fast path's CommonJS files (bench/hook.ts builds it too). */
export async function buildCli(outdir, entryPoints = { cli: all.cli }, workingDir = root, extra = {}) {
  await Promise.all([
    build({ ...cliBuildOptions(outdir, { ...entryPoints, [LAZY_ENTRY]: LAZY_TABLE }, workingDir), ...extra }),
    buildFastPath(outdir, workingDir),
    buildBin(outdir, workingDir),
  ]);
}

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
  const split = Object.fromEntries(Object.entries(entries).filter(([name]) => SPLIT.includes(name)));
  const single = Object.fromEntries(Object.entries(entries).filter(([name]) => !SPLIT.includes(name)));
  // Chunks are named by their content: the old ones go, so dist/ holds exactly this build.
  rmSync(join(outdir, CHUNKS_DIR), { recursive: true, force: true });
  await Promise.all([buildCli(outdir, split), build({ ...common, entryPoints: single, outdir })]);
}

/** Every file under `dir`, relative ("chunks/x.js"). */
function filesUnder(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? filesUnder(join(dir, name)).map((f) => `${name}/${f}`) : [name]));
}

const main = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
const check = process.argv.includes("--check");
if (main && !check) {
  await bundle(join(root, "dist"));
} else if (main) {
  const tmp = mkdtempSync(join(tmpdir(), "pucs-dist-"));
  try {
    await bundle(tmp);
    const stale = [];
    const built = filesUnder(tmp);
    for (const name of built) {
      const want = readFileSync(join(tmp, name));
      const have = existsSync(join(root, "dist", name)) ? readFileSync(join(root, "dist", name)) : null;
      if (!have || !want.equals(have)) stale.push(`dist/${name}`);
    }
    // A chunk of an older build left in dist/ is stale too.
    for (const name of filesUnder(join(root, "dist", CHUNKS_DIR))) if (!built.includes(`${CHUNKS_DIR}/${name}`)) stale.push(`dist/${CHUNKS_DIR}/${name}`);
    if (stale.length) {
      console.error(`check-dist: ${stale.join(", ")} do not match the sources. Run \`npm run build\` and commit dist/.`);
      process.exit(1);
    }
    console.log("check-dist: dist/ matches the sources");
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
