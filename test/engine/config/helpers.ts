import { parseConfig, formatIssue } from "../../../src/engine/config/index.js";

export const FILE = "config/pucs_streams.yaml";

/** Formatted issues of a config that must fail. */
export function errorsOf(yaml: string): string[] {
  const r = parseConfig(yaml, FILE);
  if (r.ok) throw new Error(`expected the config to be refused, but it parsed (warnings: ${r.warnings.map(formatIssue).join("; ")})`);
  return r.issues.map(formatIssue);
}

/** Config (and formatted warnings) of a config that must parse. */
export function parsed(yaml: string) {
  const r = parseConfig(yaml, FILE);
  if (!r.ok) throw new Error(`expected the config to parse:\n${r.issues.map(formatIssue).join("\n")}`);
  return { config: r.config, warnings: r.warnings.map(formatIssue) };
}

/** Tag for readable YAML in tests: strips the common indentation of a template literal. */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const text = String.raw({ raw: strings }, ...values).replace(/^\n/, "");
  const lines = text.split("\n");
  const indent = Math.min(...lines.filter((l) => l.trim() !== "").map((l) => l.length - l.trimStart().length));
  return lines.map((l) => l.slice(indent)).join("\n");
}
