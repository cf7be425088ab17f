/**
 * zod schemas for the sections of config/pucs_streams.yaml (snake_case, as written in the file).
 * Every leaf carries an "expected ..." message; the parser appends ", got <value>" and the position.
 */
import * as z from "zod";

const E = (message: string) => ({ error: message });

export const STREAM_ID = /^[A-Za-z][A-Za-z0-9_]*$/;
export const AREA_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
/** A GitHub login ("octocat", "@octocat") or team ("@org/team"). */
export const COORDINATOR = /^@?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\/[A-Za-z0-9][A-Za-z0-9_.-]*)?$/;

/** Defaults for optional settings (documented in config/pucs_streams.yaml and the README). */
export const DEFAULTS = {
  maxAgents: 3,
  defaultTtlMinutes: 30,
  maxTtlMinutes: 8 * 60,
  queueGraceMinutes: 15,
  blockOn: "phase",
  blockOnLocks: true,
} as const;

const nonEmptyString = (what: string) => z.string(E(`expected ${what}`)).min(1, E(`expected ${what}`));

/** A comma-separated string of globs (as in the seed) or a list of globs. */
export const globList = z.union(
  [z.string(), z.array(z.string(E("expected a glob pattern (a string)")), E("expected a list of glob patterns"))],
  E("expected a glob pattern, a comma-separated string of them, or a list of them"),
);

const stringList = (item: string) => z.array(nonEmptyString(item), E(`expected a list of ${item}s`));

const positiveInt = z
  .number(E("expected a positive integer"))
  .int(E("expected a positive integer"))
  .positive(E("expected a positive integer"));

const bool = z.boolean(E("expected true or false"));

export const streamSchema = z.strictObject(
  {
    name: nonEmptyString("a non-empty string"),
    files_pattern: globList,
    max_agents: positiveInt.optional(),
    agent_templates: stringList("agent template name").optional(),
    dependencies: z
      .array(nonEmptyString("a stream id or area name"), E("expected a list of stream ids or area names (use [] for none)"))
      .optional(),
    critical: bool.optional(),
    critical_files: globList.optional(),
    test_pattern: globList.optional(),
    coordinators: stringList("GitHub login or team").optional(),
    circuit_breaker: z.lazy(() => circuitBreakerSchema).optional(),
  },
  E("expected a mapping of stream settings"),
);

export const durationValue = z.union(
  [z.number(), z.string()],
  E('expected a duration: a number of minutes (30) or a number with a unit ("90s", "45m", "2h")'),
);

export const locksSchema = z.strictObject(
  { default_ttl: durationValue.optional(), max_ttl: durationValue.optional(), queue_grace: durationValue.optional() },
  E("expected a mapping with default_ttl, max_ttl and/or queue_grace"),
);

export const mergeGateSchema = z.strictObject(
  {
    phases: z
      .array(
        z.array(nonEmptyString("a stream id"), E("expected a list of stream ids (one phase)")),
        E("expected a list of phases, each a list of stream ids"),
      )
      .optional(),
    block_on: z.enum(["phase", "dependencies"], E('expected "phase" or "dependencies"')).optional(),
    block_on_locks: bool.optional(),
  },
  E("expected a mapping with phases, block_on and/or block_on_locks"),
);

export const hotFilesSchema = z.array(
  z.strictObject(
    {
      pattern: nonEmptyString("a glob pattern"),
      mode: z.enum(["ignore", "merge"], E('expected "ignore" or "merge"')),
    },
    E('expected a mapping { pattern: "...", mode: ignore | merge }'),
  ),
  E("expected a list of { pattern, mode } entries"),
);

export const coordinatorsSchema = stringList("GitHub login or team");

/** GitHub label names: 1–50 characters. */
export const dashboardSchema = z.strictObject(
  {
    enabled: bool.optional(),
    title: nonEmptyString("a non-empty issue title").max(256, E("expected an issue title of at most 256 characters")).optional(),
    labels: z
      .array(nonEmptyString("a label name").max(50, E("expected a label name of at most 50 characters")), E("expected a list of label names (use [] for none)"))
      .optional(),
  },
  E("expected a mapping with enabled, title and/or labels"),
);

export const DASHBOARD_DEFAULTS = { title: "PUCS dashboard", labels: ["pucs:dashboard"] } as const;

/** A GitHub App's bot login as REST spells it: "name[bot]". */
export const BOT_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\[bot\]$/;

/** `agents:` — which bot accounts may use commands, and how many commands a commenter may give a minute. */
export const agentsSchema = z.strictObject(
  {
    bots: z
      .record(
        z.string().regex(BOT_LOGIN, E('expected a bot login such as "my-agent[bot]"')),
        z.enum(["read", "triage", "write", "maintain", "admin"], E("expected read, triage, write, maintain or admin")),
        E('expected a mapping of bot logins to a permission, e.g. { "my-agent[bot]": write }'),
      )
      .optional(),
    command_rate: z.number(E("expected a whole number of commands per minute")).int(E("expected a whole number of commands per minute")).min(1, E("expected at least 1 command per minute")).max(1000, E("expected at most 1000 commands per minute")).optional(),
  },
  E("expected a mapping with bots and/or command_rate"),
);

export const AGENTS_DEFAULTS = { commandRate: 10 } as const;

/** `circuit_breaker:` (globally, and per stream over the global one): seed §3.3's stream breakers. */
export const circuitBreakerSchema = z.strictObject(
  {
    failure_threshold: positiveInt.optional(),
    window: durationValue.optional(),
    cooldown: durationValue.optional(),
    block_merges: bool.optional(),
  },
  E("expected a mapping with failure_threshold, window, cooldown and/or block_merges"),
);

export const topLevelSchema = z.strictObject(
  {
    version: z.literal(1, E("expected 1 (the only supported version)")).optional(),
    streams: z.unknown().optional(),
    areas: z.unknown().optional(),
    locks: z.unknown().optional(),
    merge_gate: z.unknown().optional(),
    hot_files: z.unknown().optional(),
    coordinators: z.unknown().optional(),
    dashboard: z.unknown().optional(),
    agents: z.unknown().optional(),
    circuit_breaker: z.unknown().optional(),
  },
  E("expected a mapping with streams (and optionally version, areas, locks, merge_gate, hot_files, coordinators, dashboard, agents, circuit_breaker)"),
);

/** Keys an object schema at `path` (below `schema`) accepts: for unknown-key suggestions. */
export function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let cur: z.ZodType | undefined = schema;
  const unwrap = (s: z.ZodType | undefined): z.ZodType | undefined => (s instanceof z.ZodOptional ? (s.unwrap() as z.ZodType) : s);
  for (const p of path) {
    cur = unwrap(cur);
    if (cur instanceof z.ZodObject) cur = (cur.shape as Record<string, z.ZodType>)[String(p)];
    else if (cur instanceof z.ZodArray) cur = cur.element as z.ZodType;
    else return [];
  }
  cur = unwrap(cur);
  return cur instanceof z.ZodObject ? Object.keys(cur.shape) : [];
}
