/**
 * The JSON Schema of config/pucs_streams.yaml, generated from the zod schemas the parser validates
 * with (schema.ts), for editors: VS Code's YAML extension and JetBrains IDEs complete keys and flag
 * mistakes while the file is written, through a first line
 *
 *   # yaml-language-server: $schema=https://raw.githubusercontent.com/pucs/pucs/v1/schemas/pucs_streams.schema.json
 *
 * Committed as schemas/pucs_streams.schema.json (`npm run schemas` rewrites it; a test fails when it
 * no longer matches), printed by `pucs config --schema`. Pure.
 *
 * The schema says what the parser says about each value's shape. Rules that need the whole file
 * (unknown dependencies, cycles, patterns that can own no file, phases naming every stream) are
 * still only `pucs config`'s.
 */
import * as z from "zod";
import * as S from "./schema.js";

/** Where the schema is published: the file on the major release tag (moved by the release workflow). */
export const CONFIG_SCHEMA_URL = "https://raw.githubusercontent.com/pucs/pucs/v1/schemas/pucs_streams.schema.json";

/** The editor modeline the starter config carries. */
export const CONFIG_SCHEMA_MODELINE = `# yaml-language-server: $schema=${CONFIG_SCHEMA_URL}`;

const camel = (key: string) => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * The whole document as one zod schema: the top level (schema.ts) with each section's own schema in
 * place of `unknown`. A section `foo_bar` is validated by `fooBarSchema` in schema.ts; `streams` and
 * `areas` are mappings keyed by id, as the parser reads them.
 */
export function configDocumentSchema(): z.ZodType {
  const sections: Record<string, z.ZodType> = {};
  const exports = S as unknown as Record<string, unknown>;
  for (const key of Object.keys(S.topLevelSchema.shape)) {
    if (key === "version") continue;
    const own = exports[`${camel(key)}Schema`];
    if (own instanceof z.ZodType) sections[key] = own.optional();
  }
  sections.streams = z.record(z.string().regex(S.STREAM_ID), S.streamSchema);
  sections.areas = z.record(z.string().regex(S.AREA_NAME), S.globList).optional();
  return S.topLevelSchema.extend(sections);
}

/** Hover texts for editors, by JSON pointer below the document (the README's wording, shortened). */
const DESCRIPTIONS: Record<string, string> = {
  "": "PUCS work streams: who may change what, how many at once, and in which order streams merge. `pucs config` validates the whole file.",
  "/properties/version": "The config format version: 1.",
  "/properties/streams": "Work streams by id (a letter, then letters, digits or _; unique ignoring case). At least one.",
  "/properties/streams/additionalProperties/properties/name": "Human-readable name of the stream.",
  "/properties/streams/additionalProperties/properties/files_pattern":
    "The files the stream owns: globs (minimatch, dotfiles included, ** and {a,b}), as a comma-separated string or a list. A file belongs to the stream with the most specific matching pattern.",
  "/properties/streams/additionalProperties/properties/max_agents": "At this many active changes the stream reports CAPACITY. Default 3.",
  "/properties/streams/additionalProperties/properties/agent_templates": "Agent template names for this stream.",
  "/properties/streams/additionalProperties/properties/dependencies":
    "Stream ids (exact, case-sensitive: they order the merge phases) or names declared under `areas:` (touching them raises DEPENDENCY; no phase edge).",
  "/properties/streams/additionalProperties/properties/critical": "true: every change to the stream asks its coordinators (ARBITRATE). Default false.",
  "/properties/streams/additionalProperties/properties/critical_files": "Paths or globs that always ask the coordinators.",
  "/properties/streams/additionalProperties/properties/test_pattern": "Globs of the stream's tests.",
  "/properties/streams/additionalProperties/properties/coordinators": "GitHub logins or @org/team asked to ARBITRATE (default: the top-level list).",
  "/properties/areas": "Named parts of the repository that are not streams (globs); a stream depending on one gets DEPENDENCY when a change touches it.",
  "/properties/locks": "Lock time-to-live settings. Durations: minutes (30) or with a unit (90s, 45m, 2h, 1h30m).",
  "/properties/locks/properties/default_ttl": "A lock's or intent's time-to-live when none is given. Default 30 (minutes).",
  "/properties/locks/properties/max_ttl": "No lock or intent may ask for longer. Default 8h.",
  "/properties/locks/properties/queue_grace": "A queue head told its path is free and silent this long loses its place. Default 15m.",
  "/properties/merge_gate": "The merge gate (PUCS / merge-gate status).",
  "/properties/merge_gate/properties/phases": "Merge phases in order, each a list of stream ids; every stream exactly once. Without it: the layers of the stream dependencies.",
  "/properties/merge_gate/properties/block_on": "phase: every open change of an earlier phase blocks; dependencies: only changes of streams this one depends on. Default phase.",
  "/properties/merge_gate/properties/block_on_locks": "Another holder's live lock on a changed file blocks the merge. Default true.",
  "/properties/hot_files": "Files everyone touches: ignore (never a conflict) or merge (overlaps are always MERGE).",
  "/properties/coordinators": "GitHub logins or @org/team asked to ARBITRATE when a stream names none.",
};

function pointer(schema: Record<string, any>, path: string): Record<string, any> | undefined {
  let cur: any = schema;
  for (const part of path.split("/").slice(1)) cur = cur?.[part];
  return cur && typeof cur === "object" ? cur : undefined;
}

/** The JSON Schema (draft-07: what editors' YAML language servers and ajv read by default). */
export function configJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(configDocumentSchema(), { target: "draft-7", io: "input", unrepresentable: "any" }) as Record<string, any>;
  const { $schema, ...body } = generated;
  const schema: Record<string, any> = { $schema, $id: CONFIG_SCHEMA_URL, title: "PUCS stream configuration (config/pucs_streams.yaml)", ...body };
  for (const [path, text] of Object.entries(DESCRIPTIONS)) {
    const node = pointer(schema, path);
    if (node) node.description = text;
  }
  const streams = pointer(schema, "/properties/streams");
  if (streams) streams.minProperties = 1;
  return schema;
}

/** The schema file's text: 2-space JSON and a final newline. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
