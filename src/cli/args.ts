/**
 * Argument parsing for `pucs`: Node's util.parseArgs in strict mode, with messages that name the
 * command and its usage instead of Node's error codes.
 */
import { parseArgs } from "node:util";

export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super(message);
    this.name = "UsageError";
  }
}

export type OptionSpec = Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }>;

export interface CommandSpec {
  name: string;
  usage: string;
  summary: string;
  options: OptionSpec;
  /** Exact number of positionals, or a [min, max] range. */
  positionals: number | [number, number];
}

export const COMMON: OptionSpec = {
  json: { type: "boolean" },
  config: { type: "string" },
  remote: { type: "string" },
  local: { type: "boolean" },
  help: { type: "boolean", short: "h" },
};

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export function parseCommand(spec: CommandSpec, argv: string[]): Parsed {
  let parsed: Parsed;
  try {
    const r = parseArgs({ args: argv, options: { ...COMMON, ...spec.options }, allowPositionals: true, strict: true });
    parsed = { values: r.values as Parsed["values"], positionals: r.positionals };
  } catch (err) {
    const msg = (err as Error).message.replace(/\. To specify a positional argument.*$/s, "").replace(/^Option '(.*?)' argument missing$/, "option $1 needs a value");
    throw new UsageError(`pucs ${spec.name}: ${msg}`, spec.usage);
  }
  if (parsed.values.help) return parsed;
  const [min, max] = typeof spec.positionals === "number" ? [spec.positionals, spec.positionals] : spec.positionals;
  if (parsed.positionals.length < min) throw new UsageError(`pucs ${spec.name}: missing argument`, spec.usage);
  if (parsed.positionals.length > max) {
    throw new UsageError(`pucs ${spec.name}: unexpected argument ${JSON.stringify(parsed.positionals[max])}`, spec.usage);
  }
  return parsed;
}

export function str(p: Parsed, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === "string" ? v : undefined;
}

export function required(p: Parsed, name: string, spec: CommandSpec, fallback?: string): string {
  const v = str(p, name) ?? fallback;
  if (v === undefined || v.trim() === "") {
    throw new UsageError(`pucs ${spec.name}: --${name} is required${name === "agent" ? " (or set PUCS_AGENT)" : ""}`, spec.usage);
  }
  return v;
}

export function flag(p: Parsed, name: string): boolean {
  return p.values[name] === true;
}
