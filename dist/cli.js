import { createRequire as __pucsCreateRequire } from 'node:module'; const require = __pucsCreateRequire(import.meta.url);
import "./chunks/chunk-NZU5CSYO.js";

// src/cli/main.ts
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

// src/cli/check-lazy.ts
var LAZY = {
  "src/git/ledger-store.ts": () => import("./chunks/ledger-store-VINAALBK.js"),
  "src/engine/config/index.ts": () => import("./chunks/config-SQIE7EEH.js"),
  "src/ledger/transitions.ts": () => import("./chunks/transitions-VKQ6K4UD.js"),
  "web-tree-sitter": () => import("./chunks/web-tree-sitter-MKDH6W4J.js"),
  "@opentelemetry/api": () => import("./chunks/esm-3G3JOTEL.js")
};
function lazyImport(key) {
  const load = Object.prototype.hasOwnProperty.call(LAZY, key) ? LAZY[key] : void 0;
  return load ? load() : Promise.reject(new Error(`pucs: the fast path asked for ${JSON.stringify(key)}, which dist/cli.js does not provide (rebuild with scripts/build.mjs)`));
}

// src/cli/main.ts
var CHECK_BOOT = "chunks/check-boot.cjs";
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
var argv = process.argv.slice(2);
var io = { cwd: process.cwd(), env: process.env, now, out: (s) => void process.stdout.write(s), err: (s) => void process.stderr.write(s) };
async function main() {
  if (argv[0] === "check") {
    const file = fileURLToPath(new URL(CHECK_BOOT, import.meta.url));
    let boot = null;
    try {
      boot = createRequire(import.meta.url)(file);
    } catch {
      boot = null;
    }
    const code = boot ? await boot.bootCheck(argv.slice(1), io, dirname(file), lazyImport).catch(() => null) : null;
    if (code !== null) return code;
  }
  const [{ runCli }, { randomUUID }] = await Promise.all([import("./chunks/run-DEAXVCZS.js"), import("node:crypto")]);
  return runCli(argv, {
    ...io,
    newId: () => randomUUID(),
    ...process.stdout.isTTY && process.stdin.isTTY ? { tty: { write: (s) => void process.stdout.write(s), isTTY: true, get columns() {
      return process.stdout.columns ?? 80;
    }, get rows() {
      return process.stdout.rows ?? 24;
    }, keys: process.stdin } } : {}
  });
}
process.exitCode = await main();
export {
  CHECK_BOOT
};
