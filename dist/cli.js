import { createRequire as __pucsCreateRequire } from 'node:module'; const require = __pucsCreateRequire(import.meta.url);

// src/cli/main.ts
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
    const { fastCheck } = await import("./chunks/check-fast-NGZDHJAV.js");
    const code = await fastCheck(argv.slice(1), io);
    if (code !== null) return code;
  }
  const [{ runCli }, { randomUUID }] = await Promise.all([import("./chunks/run-AWUF4IRH.js"), import("node:crypto")]);
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
