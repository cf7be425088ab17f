/**
 * `npm run schemas`: writes schemas/pucs_streams.schema.json from the config's zod schemas
 * (src/engine/config/json-schema.ts). test/engine/config/json-schema.test.ts fails when the
 * committed file no longer matches.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { configJsonSchemaText } from "../src/engine/config/json-schema.js";

const target = join(process.cwd(), "schemas", "pucs_streams.schema.json");
writeFileSync(target, configJsonSchemaText());
console.log(`wrote ${target}`);
