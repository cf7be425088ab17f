/** The published JSON Schemas (schemas/*.json), compiled once: every emitted document is checked against them. */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";

// (a path, not a URL: happy-dom test environments replace the URL global)
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "schemas") + "/";
const ajv = new Ajv({ allErrors: true, strict: true });
const load = (name: string) => JSON.parse(readFileSync(root + name, "utf8")) as object;

export const validateReport = ajv.compile(load("pucs.report.v1.json"));
export const validateStatus = ajv.compile(load("pucs.status.v1.json"));
export const validateReply = ajv.compile(load("pucs.reply.v1.json"));

/** Throws with ajv's messages when `doc` does not match (so a test names what is wrong). */
export function assertValid(which: "report" | "status" | "reply", doc: unknown): void {
  const v = which === "report" ? validateReport : which === "status" ? validateStatus : validateReply;
  if (!v(doc)) throw new Error(`not a valid pucs.${which}/v1 document: ${ajv.errorsText(v.errors, { separator: "\n" })}\n${JSON.stringify(doc, null, 2).slice(0, 2000)}`);
}
