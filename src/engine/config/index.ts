/** Stream configuration: parse and validate config/pucs_streams.yaml (see parse.ts for the rules). */
export { parseConfig, formatIssue, renderPath, type ConfigResult } from "./parse.js";
export { DEFAULTS as CONFIG_DEFAULTS } from "./schema.js";
