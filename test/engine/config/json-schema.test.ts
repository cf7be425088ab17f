/**
 * The config's JSON Schema (schemas/pucs_streams.schema.json): generated from the parser's zod
 * schemas, committed, and read by editors. It must match what the zod schemas generate today (else
 * `npm run schemas`), accept the shipped config and the starter config, and flag the mistakes the
 * parser flags about a value's shape — checked with a JSON Schema validator (ajv), not with zod.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import { load } from "js-yaml";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/engine/config/index.js";
import { CONFIG_SCHEMA_MODELINE, CONFIG_SCHEMA_URL, configJsonSchemaText } from "../../../src/engine/config/json-schema.js";
import { starterConfig } from "../../../src/engine/starter.js";
import { makeRepo, pucs } from "../../cli/helpers.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const committed = readFileSync(join(root, "schemas", "pucs_streams.schema.json"), "utf8");
const shipped = readFileSync(join(root, "config", "pucs_streams.yaml"), "utf8");
const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
const validate = ajv.compile(JSON.parse(committed) as object);
const errorsOf = (doc: unknown) => (validate(doc) ? [] : ajv.errorsText(validate.errors, { separator: "\n" }).split("\n"));

describe("schemas/pucs_streams.schema.json", () => {
  it("is what the config's zod schemas generate (after changing them: npm run schemas)", () => {
    expect(committed, "schemas/pucs_streams.schema.json is stale: run `npm run schemas` and commit it").toBe(configJsonSchemaText());
  });

  it("is a draft-07 schema published at the v1 tag, for the whole file", () => {
    const s = JSON.parse(committed);
    expect(s.$schema).toBe("http://json-schema.org/draft-07/schema#");
    expect(s.$id).toBe(CONFIG_SCHEMA_URL);
    expect(s.required).toEqual(["streams"]);
    expect(s.additionalProperties).toBe(false);
    expect(Object.keys(s.properties)).toEqual(expect.arrayContaining(["version", "streams", "areas", "locks", "merge_gate", "hot_files", "coordinators"]));
  });

  it("accepts the shipped config/pucs_streams.yaml", () => {
    expect(errorsOf(load(shipped))).toEqual([]);
  });

  it("accepts the starter config, which names the schema on its first line", () => {
    const text = starterConfig(["src/a.ts", "docs/x.md", "README.md"]);
    expect(text.split("\n")[0]).toBe(`# yaml-language-server: $schema=${CONFIG_SCHEMA_URL}`);
    expect(text.split("\n")[0]).toBe(CONFIG_SCHEMA_MODELINE);
    expect(errorsOf(load(text))).toEqual([]);
    expect(parseConfig(text, "config/pucs_streams.yaml").ok).toBe(true);
  });

  const base = () => load(shipped) as Record<string, any>;
  const cases: [string, (d: Record<string, any>) => void, RegExp][] = [
    ["a misspelt top-level key", (d) => (d.stream = d.streams), /must NOT have additional properties/],
    ["a misspelt stream key", (d) => (d.streams.EXEC.max_agent = 2), /\/streams\/EXEC must NOT have additional properties/],
    ["max_agents 0", (d) => (d.streams.EXEC.max_agents = 0), /\/streams\/EXEC\/max_agents must be > 0/],
    ["max_agents \"four\"", (d) => (d.streams.EXEC.max_agents = "four"), /\/streams\/EXEC\/max_agents must be integer/],
    ["a stream id starting with a digit", (d) => (d.streams["1X"] = d.streams.OBS), /must match pattern/],
    ["a stream without files_pattern", (d) => delete d.streams.OBS.files_pattern, /\/streams\/OBS must have required property 'files_pattern'/],
    ["block_on \"phases\"", (d) => (d.merge_gate.block_on = "phases"), /\/merge_gate\/block_on must be equal to one of the allowed values/],
    ["a hot_files mode \"skip\"", (d) => (d.hot_files[0].mode = "skip"), /\/hot_files\/0\/mode must be equal to one of the allowed values/],
    ["version 2", (d) => (d.version = 2), /\/version must be equal to constant/],
    ["no streams", (d) => (d.streams = {}), /\/streams must NOT have fewer than 1 properties/],
  ];
  for (const [what, edit, message] of cases) {
    it(`flags ${what}, as the parser does`, () => {
      const doc = base();
      edit(doc);
      expect(errorsOf(doc).join("\n")).toMatch(message);
      const yaml = JSON.stringify(doc); // JSON is YAML
      expect(parseConfig(yaml, "c.yaml").ok).toBe(false);
    });
  }
});

describe("pucs config --schema and pucs init --write-config", () => {
  it("prints the committed schema, also outside a repository", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pucs-schema-"));
    try {
      const r = await pucs(dir, ["config", "--schema"]);
      expect(r.code).toBe(0);
      expect(r.out).toBe(committed);
      expect(r.err).toBe("");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("writes a starter config that names the schema and validates against it", async () => {
    const repo = makeRepo();
    try {
      rmSync(join(repo.dir, "config", "pucs_streams.yaml"));
      expect((await pucs(repo.dir, ["init", "--write-config"])).code).toBe(0);
      const text = readFileSync(join(repo.dir, "config", "pucs_streams.yaml"), "utf8");
      expect(text.startsWith(`${CONFIG_SCHEMA_MODELINE}\n`)).toBe(true);
      expect(errorsOf(load(text))).toEqual([]);
      expect((await pucs(repo.dir, ["config"])).code).toBe(0);
    } finally {
      repo.cleanup();
    }
  });
});
