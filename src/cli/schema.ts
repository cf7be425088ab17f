/** `pucs config --schema`: the stream config's JSON Schema (the same text as schemas/pucs_streams.schema.json). */
import { configJsonSchemaText } from "../engine/config/json-schema.js";

export function printConfigSchema(ctx: { out: (s: string) => void }): number {
  ctx.out(configJsonSchemaText());
  return 0;
}
