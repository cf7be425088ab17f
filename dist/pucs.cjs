"use strict";

// src/cli/bin.ts
var import_node_path2 = require("node:path");
var import_node_url = require("node:url");

// src/cli/entry.ts
var import_node_path = require("node:path");
var FAST_TRIED = /* @__PURE__ */ Symbol.for("pucs.fast-path-tried");
function now() {
  const fixed = process.env.PUCS_NOW;
  if (fixed) {
    const t = Date.parse(fixed);
    if (Number.isNaN(t)) {
      process.stderr.write(`PUCS_NOW=${JSON.stringify(fixed)} is not an ISO time (e.g. 2026-11-23T20:00:00Z)
`);
      process.exit(2);
    }
    return t;
  }
  return Date.now();
}
var wrote = { out: false, err: false };
var io = {
  cwd: process.cwd(),
  env: process.env,
  now,
  out: (s) => void (wrote.out = true, process.stdout.write(s)),
  err: (s) => void (wrote.err = true, process.stderr.write(s))
};
async function fastCheck(args, bootFile, load, importer) {
  let boot = null;
  try {
    boot = load(bootFile);
  } catch {
    boot = null;
  }
  const code = boot ? await boot.bootCheck(args, io, (0, import_node_path.dirname)(bootFile), importer).catch(() => null) : null;
  if (code !== null && typeof boot?.endsNow === "function" && boot.endsNow([wrote.out ? process.stdout : null, wrote.err ? process.stderr : null], process)) process.exit(code);
  return code;
}

// src/cli/bin.ts
var dist = __dirname;
var esm = (file) => import((0, import_node_url.pathToFileURL)((0, import_node_path2.join)(dist, file)).href);
async function start() {
  const argv = process.argv.slice(2);
  if (argv[0] === "check") {
    const importer = (key) => esm("chunks/lazy.js").then((m) => m.lazyImport(key));
    const code = await fastCheck(argv.slice(1), (0, import_node_path2.join)(dist, "chunks", "check-boot.cjs"), require, importer);
    if (code !== null) {
      process.exitCode = code;
      return;
    }
    globalThis[FAST_TRIED] = true;
  }
  await esm("cli.js");
}
void start();
