import { createRequire as __pucsCreateRequire } from 'node:module'; const require = __pucsCreateRequire(import.meta.url);
import {
  lazyImport
} from "./chunks/chunk-6V6WILQT.js";
import "./chunks/chunk-NZU5CSYO.js";

// src/cli/main.ts
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

// src/cli/entry.ts
import { dirname } from "node:path";
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
  const code = boot ? await boot.bootCheck(args, io, dirname(bootFile), importer).catch(() => null) : null;
  if (code !== null && typeof boot?.endsNow === "function" && boot.endsNow([wrote.out ? process.stdout : null, wrote.err ? process.stderr : null], process)) process.exit(code);
  return code;
}

// src/cli/main.ts
var CHECK_BOOT = "chunks/check-boot.cjs";
var argv = process.argv.slice(2);
async function main() {
  if (argv[0] === "check" && globalThis[FAST_TRIED] !== true) {
    const file = fileURLToPath(new URL(CHECK_BOOT, import.meta.url));
    const code = await fastCheck(argv.slice(1), file, createRequire(import.meta.url), lazyImport);
    if (code !== null) return code;
  }
  const [{ runCli }, { randomUUID }] = await Promise.all([import("./chunks/run-L5AR32FT.js"), import("node:crypto")]);
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
