/** Entry of the `pucs` bin (bundled into dist/cli.js). */
import { randomUUID } from "node:crypto";
import { runCli } from "./run.js";

function now(): number {
  const fixed = process.env.PUCS_NOW;
  if (fixed) {
    const t = Date.parse(fixed);
    if (Number.isNaN(t)) {
      process.stderr.write(`PUCS_NOW=${JSON.stringify(fixed)} is not an ISO time (e.g. 2026-11-23T20:00:00Z)\n`);
      process.exit(2);
    }
    return t;
  }
  return Date.now();
}

const code = await runCli(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  now,
  newId: () => randomUUID(),
  out: (s) => void process.stdout.write(s),
  err: (s) => void process.stderr.write(s),
  ...(process.stdout.isTTY && process.stdin.isTTY
    ? { tty: { write: (s: string) => void process.stdout.write(s), isTTY: true, get columns() { return process.stdout.columns ?? 80; }, get rows() { return process.stdout.rows ?? 24; }, keys: process.stdin } }
    : {}),
});
process.exitCode = code;
