/**
 * config/pucs_streams.yaml -> Config, or every problem in it at once.
 *
 * Each problem is a SourceIssue with the line and column of the offending key or value and a
 * message of the form `<path>: <what is wrong>`, e.g.
 *   config/pucs_streams.yaml:12:17: error: streams.EXEC.max_agents: expected a positive integer, got "four"
 * Never a stack trace, never a silent default: optional settings have documented defaults
 * (schema.ts DEFAULTS); a setting that is present but wrong is an error.
 *
 * OWNERSHIP RULE (used here to find shadowed patterns; classify() applies the same rule):
 *   a file's owner is the stream with the most specific pattern matching it (compareSpecificity in
 *   globs.ts: more literal segments, then longer literal prefix, then longer pattern); equally
 *   specific patterns go to the stream declared first. The other streams matching the file are
 *   "also" streams. A file matching no stream has no owner.
 *
 * Dependencies: an entry naming a stream id (exact, case-sensitive) is a phase edge (dependsOn);
 * else an entry naming an `areas:` entry is an area dependency (dependsOnAreas, no phase edge);
 * anything else is an error.
 */
import type * as z from "zod";
import type { Config, DashboardConfig, HotFileRule, SourceIssue, StreamConfig } from "../types.js";
import { parseDuration, MINUTE_MS } from "../duration.js";
import { compareSpecificity, compileGlob, matchesGlob, validateGlob } from "../globs.js";
import { didYouMean } from "./suggest.js";
import { entryOf, nodeAt, parseYaml, toPlain, type Pos, type YNode } from "./yaml-ast.js";
import type { AgentsConfig, CircuitBreakerConfig } from "../types.js";
import { BREAKER_DEFAULTS } from "../breaker.js";
import {
  AREA_NAME,
  COORDINATOR,
  coordinatorsSchema,
  DASHBOARD_DEFAULTS,
  dashboardSchema,
  agentsSchema,
  AGENTS_DEFAULTS,
  circuitBreakerSchema,
  DEFAULTS,
  globList,
  hotFilesSchema,
  keysAt,
  locksSchema,
  mergeGateSchema,
  STREAM_ID,
  streamSchema,
  topLevelSchema,
} from "./schema.js";

export type ConfigResult = { ok: true; config: Config; warnings: SourceIssue[] } | { ok: false; issues: SourceIssue[] };

type Path = (string | number)[];

/** `file:line:col: severity: message` (line/col left out when unknown). */
export function formatIssue(i: SourceIssue): string {
  const where = i.line > 0 ? `${i.file}:${i.line}:${i.col}` : i.file;
  return `${where}: ${i.severity}: ${i.message}`;
}

/** streams.EXEC.files_pattern[1] */
export function renderPath(path: readonly (string | number)[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += (out === "" ? "" : ".") + (/^[A-Za-z0-9_-]+$/.test(p) ? p : JSON.stringify(p));
  }
  return out;
}

/** How a value is shown after "got". */
function describe(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "an empty value";
  if (typeof v === "string") return JSON.stringify(v.length > 60 ? v.slice(0, 57) + "..." : v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return "a list";
  return "a mapping";
}

interface Item {
  value: string;
  pos: Pos;
  path: Path;
}

class Ctx {
  readonly issues: SourceIssue[] = [];
  constructor(
    readonly file: string,
    readonly root: YNode,
  ) {}

  /** Position of the value at `path`, or of its nearest existing ancestor. */
  at(path: Path): Pos {
    for (let n = path.length; n >= 0; n--) {
      const node = nodeAt(this.root, path.slice(0, n));
      if (node) return node.pos;
    }
    return { line: 0, col: 0 };
  }

  /** Position of the key that names `path` (its last element), else of the value. */
  keyAt(path: Path): Pos {
    const last = path[path.length - 1];
    if (typeof last === "string") {
      const e = entryOf(nodeAt(this.root, path.slice(0, -1)), last);
      if (e) return e.keyPos;
    }
    return this.at(path);
  }

  report(pos: Pos, path: Path, message: string, severity: "error" | "warning" = "error"): void {
    const prefix = path.length > 0 ? `${renderPath(path)}: ` : "";
    this.issues.push({ file: this.file, line: pos.line, col: pos.col, message: prefix + message, severity });
  }

  get hasErrors(): boolean {
    return this.issues.some((i) => i.severity === "error");
  }

  /** Validate the value at `path` with `schema`; report every zod issue. Returns the data or null. */
  validate<T>(schema: z.ZodType<T>, path: Path): T | null {
    const node = nodeAt(this.root, path);
    const value = node === undefined ? undefined : toPlain(node);
    const r = schema.safeParse(value);
    if (r.success) return r.data;
    for (const issue of r.error.issues) this.zodIssue(schema, path, value, issue as unknown as ZodIssueLike);
    return null;
  }

  /** Parse the value at `path` with `schema` without reporting (the section's check reported it). */
  quiet<T>(schema: z.ZodType<T>, path: Path): T | undefined {
    const node = nodeAt(this.root, path);
    if (node === undefined) return undefined;
    const r = schema.safeParse(toPlain(node));
    return r.success ? r.data : undefined;
  }

  private zodIssue(schema: z.ZodType, base: Path, value: unknown, issue: ZodIssueLike, prefix: Path = []): void {
    const rel = [...prefix, ...(issue.path as Path)];
    const path = [...base, ...rel];
    if (issue.code === "invalid_union" && Array.isArray(issue.errors)) {
      // When exactly one alternative matched the value's type (e.g. a list whose item is wrong),
      // report that alternative's issues: they point at the real problem.
      const deeper = issue.errors.filter((branch) => branch.length > 0 && branch.every((i) => (i.path as Path).length > 0));
      if (deeper.length === 1) {
        for (const i of deeper[0]!) this.zodIssue(schema, base, value, i, rel);
        return;
      }
    }
    if (issue.code === "unrecognized_keys" && Array.isArray(issue.keys)) {
      const known = keysAt(schema, rel);
      for (const key of issue.keys as string[]) {
        this.report(this.keyAt([...path, key]), path, `unknown key ${JSON.stringify(key)}${didYouMean(key, known)}`);
      }
      return;
    }
    const got = valueAt(value, rel);
    const parentExists = rel.length === 0 ? value !== undefined : valueAt(value, rel.slice(0, -1)) !== undefined;
    const last = path[path.length - 1];
    if (got === undefined && parentExists && typeof last === "string") {
      this.report(this.keyAt(path.slice(0, -1)), path.slice(0, -1), `missing required key ${JSON.stringify(last)} (${issue.message})`);
      return;
    }
    this.report(this.at(path), path, `${issue.message}, got ${describe(got)}`);
  }
}

interface ZodIssueLike {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: unknown;
  errors?: ZodIssueLike[][];
}

function valueAt(v: unknown, path: Path): unknown {
  let cur = v;
  for (const p of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = Object.prototype.hasOwnProperty.call(cur, p) ? (cur as Record<string | number, unknown>)[p] : undefined;
  }
  return cur;
}

/** Split at commas outside braces ("{a,b}/x,c" -> "{a,b}/x", "c"), with each part's offset. */
function splitCommas(s: string): { part: string; offset: number }[] {
  const out: { part: string; offset: number }[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = s[i];
    if (c === "{") depth++;
    else if (c === "}" && depth > 0) depth--;
    else if ((c === "," && depth === 0) || i === s.length) {
      const raw = s.slice(start, i);
      const lead = raw.length - raw.trimStart().length;
      out.push({ part: raw.trim(), offset: start + lead });
      start = i + 1;
    }
  }
  return out;
}

/**
 * Patterns of a glob-list field: a comma-separated string (the seed's form) or a list. Each one is
 * checked with validateGlob; refused ones are reported and left out.
 */
function globItems(ctx: Ctx, path: Path, what = "pattern"): Item[] {
  const node = nodeAt(ctx.root, path);
  if (node === undefined) return [];
  const out: Item[] = [];
  const check = (value: string, pos: Pos, p: Path): void => {
    const problem = validateGlob(value);
    if (problem !== null) ctx.report(pos, p, `invalid ${what} ${JSON.stringify(value)}: ${problem}`);
    else out.push({ value, pos, path: p });
  };
  if (node.kind === "scalar" && typeof node.value === "string") {
    const parts = splitCommas(node.value);
    for (const { part, offset } of parts) {
      const pos = node.verbatim ? { line: node.pos.line, col: node.pos.col + offset + (node.quoted ? 1 : 0) } : node.pos;
      if (part === "") {
        ctx.report(pos, path, parts.length > 1 ? `empty ${what} in the comma-separated list` : `empty ${what}`);
        continue;
      }
      check(part, pos, path);
    }
  } else if (node.kind === "seq") {
    node.items.forEach((item, i) => {
      if (item.kind === "scalar" && typeof item.value === "string") check(item.value, item.pos, [...path, i]);
    });
  }
  return out;
}


function stringItems(ctx: Ctx, path: Path): Item[] {
  const node = nodeAt(ctx.root, path);
  if (node?.kind !== "seq") return [];
  const out: Item[] = [];
  node.items.forEach((item, i) => {
    if (item.kind === "scalar" && typeof item.value === "string") out.push({ value: item.value, pos: item.pos, path: [...path, i] });
  });
  return out;
}

interface StreamDraft {
  id: string;
  keyPos: Pos;
  index: number;
  /** The id is well-formed and not a case-insensitive duplicate. */
  idOk: boolean;
  name: string;
  patterns: Item[];
  /** false when files_pattern had a refused pattern: shadowing is then not judged. */
  patternsComplete: boolean;
  maxAgents: number;
  agentTemplates: string[];
  deps: Item[];
  critical: boolean;
  criticalFiles: Item[];
  testPatterns: Item[];
  coordinators: Item[];
  dependsOn: string[];
  dependsOnAreas: string[];
}

function durationMinutes(ctx: Ctx, path: Path, fallback: number): number | null {
  const node = nodeAt(ctx.root, path);
  if (node === undefined) return fallback;
  if (node.kind !== "scalar" || (typeof node.value !== "number" && typeof node.value !== "string")) return null; // zod reported it
  const r = parseDuration(String(node.value));
  if (!r.ok) {
    ctx.report(node.pos, path, r.message);
    return null;
  }
  return r.ms / MINUTE_MS;
}

export function parseConfig(text: string, file: string): ConfigResult {
  const parsed = parseYaml(text);
  if (!parsed.ok) {
    return { ok: false, issues: parsed.problems.map((p) => ({ file, line: p.pos.line, col: p.pos.col, message: p.message, severity: "error" })) };
  }
  const root = parsed.root;
  if (root === null) {
    return {
      ok: false,
      issues: [{ file, line: 0, col: 0, message: "the file is empty: it needs a `streams:` mapping (see `pucs init --write-config`)", severity: "error" }],
    };
  }
  const ctx = new Ctx(file, root);
  for (const p of parsed.problems) ctx.report(p.pos, [], p.message);
  if (root.kind !== "map") {
    ctx.report(root.pos, [], `expected a mapping with a \`streams:\` key at the top level, got ${describe(toPlain(root))}`);
    return { ok: false, issues: sortIssues(ctx.issues) };
  }

  const top = ctx.validate(topLevelSchema, []);
  void top;

  // --- streams ---------------------------------------------------------------------------------
  const drafts: StreamDraft[] = [];
  const streamsNode = nodeAt(root, ["streams"]);
  if (streamsNode === undefined) {
    ctx.report(root.pos, [], 'missing required key "streams" (a mapping of stream id to stream settings)');
  } else if (streamsNode.kind !== "map") {
    ctx.report(streamsNode.pos, ["streams"], `expected a mapping of stream id to stream settings, got ${describe(toPlain(streamsNode))}`);
  } else if (streamsNode.entries.length === 0) {
    ctx.report(streamsNode.pos, ["streams"], "no streams defined; add at least one");
  } else {
    const byLower = new Map<string, { id: string; line: number }>();
    streamsNode.entries.forEach((entry, index) => {
      const id = entry.key;
      const path: Path = ["streams", id];
      if (!STREAM_ID.test(id)) {
        ctx.report(entry.keyPos, path, `invalid stream id ${JSON.stringify(id)}: use a letter followed by letters, digits or "_"`);
      }
      const clash = byLower.get(id.toLowerCase());
      if (clash !== undefined) {
        ctx.report(entry.keyPos, path, `stream id ${JSON.stringify(id)} clashes with ${JSON.stringify(clash.id)} (line ${clash.line}): stream ids must be unique ignoring case`);
      } else {
        byLower.set(id.toLowerCase(), { id, line: entry.keyPos.line });
      }
      ctx.validate(streamSchema, path);
      // Each field is read on its own, so that one wrong field does not hide problems in the others.
      const field = <K extends keyof typeof streamSchema.shape>(k: K) =>
        ctx.quiet(streamSchema.shape[k] as unknown as z.ZodType<z.infer<(typeof streamSchema.shape)[K]>>, [...path, k]);
      const fpBefore = ctx.issues.length;
      const patterns = globItems(ctx, [...path, "files_pattern"]);
      const patternsComplete = ctx.issues.length === fpBefore && field("files_pattern") !== undefined;
      drafts.push({
        id,
        keyPos: entry.keyPos,
        index,
        idOk: clash === undefined && STREAM_ID.test(id),
        name: field("name") ?? id,
        patterns,
        patternsComplete,
        maxAgents: field("max_agents") ?? DEFAULTS.maxAgents,
        agentTemplates: field("agent_templates") ?? [],
        deps: stringItems(ctx, [...path, "dependencies"]),
        critical: field("critical") ?? false,
        criticalFiles: globItems(ctx, [...path, "critical_files"], "critical file"),
        testPatterns: globItems(ctx, [...path, "test_pattern"], "test pattern"),
        coordinators: stringItems(ctx, [...path, "coordinators"]),
        dependsOn: [],
        dependsOnAreas: [],
      });
    });
  }
  const streamIds = drafts.map((d) => d.id);
  const streamSet = new Set(streamIds);

  // --- areas ------------------------------------------------------------------------------------
  const areas: { name: string; patterns: string[] }[] = [];
  const areasNode = nodeAt(root, ["areas"]);
  if (areasNode !== undefined) {
    if (areasNode.kind !== "map") {
      ctx.report(areasNode.pos, ["areas"], `expected a mapping of area name to glob patterns, got ${describe(toPlain(areasNode))}`);
    } else {
      for (const entry of areasNode.entries) {
        const path: Path = ["areas", entry.key];
        if (!AREA_NAME.test(entry.key)) {
          ctx.report(entry.keyPos, path, `invalid area name ${JSON.stringify(entry.key)}: use a letter followed by letters, digits, "_" or "-"`);
          continue;
        }
        if (streamSet.has(entry.key)) {
          ctx.report(entry.keyPos, path, `area ${JSON.stringify(entry.key)} has the same name as a stream; rename one of them (dependencies on it would be ambiguous)`);
          continue;
        }
        if (ctx.validate(globList, path) === null) continue;
        const items = globItems(ctx, path);
        areas.push({ name: entry.key, patterns: items.map((i) => i.value) });
      }
    }
  }
  const areaNames = new Set(areas.map((a) => a.name));
  const declaredAreaNames = areasNode?.kind === "map" ? areasNode.entries.map((e) => e.key) : [];

  // --- dependencies ------------------------------------------------------------------------------
  for (const d of drafts) {
    const seen = new Set<string>();
    for (const dep of d.deps) {
      if (seen.has(dep.value)) {
        ctx.report(dep.pos, dep.path, `${JSON.stringify(dep.value)} is listed twice`, "warning");
        continue;
      }
      seen.add(dep.value);
      if (dep.value === d.id) {
        ctx.report(dep.pos, dep.path, `stream ${d.id} depends on itself; remove this entry`);
      } else if (streamSet.has(dep.value)) {
        d.dependsOn.push(dep.value);
      } else if (areaNames.has(dep.value)) {
        d.dependsOnAreas.push(dep.value);
      } else if (!declaredAreaNames.includes(dep.value)) {
        // (an area that is declared but invalid was reported already)
        ctx.report(
          dep.pos,
          dep.path,
          `unknown stream or area ${JSON.stringify(dep.value)}${didYouMean(dep.value, [...streamIds, ...declaredAreaNames])} (declare non-stream parts of the repository under \`areas:\`)`,
        );
      }
    }
  }
  reportCycles(ctx, drafts);

  // --- locks -------------------------------------------------------------------------------------
  let defaultTtlMinutes: number = DEFAULTS.defaultTtlMinutes;
  let maxTtlMinutes: number = DEFAULTS.maxTtlMinutes;
  let queueGraceMinutes: number = DEFAULTS.queueGraceMinutes;
  if (nodeAt(root, ["locks"]) !== undefined) {
    ctx.validate(locksSchema, ["locks"]);
    const grace = durationMinutes(ctx, ["locks", "queue_grace"], DEFAULTS.queueGraceMinutes);
    if (grace !== null) queueGraceMinutes = grace;
    const def = durationMinutes(ctx, ["locks", "default_ttl"], DEFAULTS.defaultTtlMinutes);
    const max = durationMinutes(ctx, ["locks", "max_ttl"], DEFAULTS.maxTtlMinutes);
    if (def !== null) defaultTtlMinutes = def;
    if (max !== null) maxTtlMinutes = max;
    if (def !== null && max !== null && def > max) {
      const where: Path = nodeAt(root, ["locks", "default_ttl"]) ? ["locks", "default_ttl"] : ["locks", "max_ttl"];
      ctx.report(ctx.at(where), where, `default_ttl (${fmtMinutes(def)}) is longer than max_ttl (${fmtMinutes(max)}); lower default_ttl or raise max_ttl`);
    }
  }

  // --- merge gate --------------------------------------------------------------------------------
  let pinnedPhases: string[][] | null = null;
  let blockOn: "phase" | "dependencies" = DEFAULTS.blockOn;
  let blockOnLocks: boolean = DEFAULTS.blockOnLocks;
  if (nodeAt(root, ["merge_gate"]) !== undefined) {
    ctx.validate(mergeGateSchema, ["merge_gate"]);
    const sh = mergeGateSchema.shape;
    blockOn = ctx.quiet(sh.block_on, ["merge_gate", "block_on"]) ?? blockOn;
    blockOnLocks = ctx.quiet(sh.block_on_locks, ["merge_gate", "block_on_locks"]) ?? blockOnLocks;
    const phases = ctx.quiet(sh.phases, ["merge_gate", "phases"]);
    if (phases !== undefined) pinnedPhases = checkPins(ctx, drafts, phases);
  }

  // --- hot files ---------------------------------------------------------------------------------
  const hotFiles: HotFileRule[] = [];
  if (nodeAt(root, ["hot_files"]) !== undefined) {
    ctx.validate(hotFilesSchema, ["hot_files"]);
    const list = nodeAt(root, ["hot_files"]);
    if (list?.kind === "seq") {
      list.items.forEach((_, i) => {
        const rule = ctx.quiet(hotFilesSchema.element, ["hot_files", i]);
        const path: Path = ["hot_files", i, "pattern"];
        const pattern = ctx.quiet(hotFilesSchema.element.shape.pattern, path);
        const problem = pattern === undefined ? null : validateGlob(pattern);
        if (problem !== null) ctx.report(ctx.at(path), path, `invalid pattern ${JSON.stringify(pattern)}: ${problem}`);
        else if (rule !== undefined) hotFiles.push({ pattern: rule.pattern, mode: rule.mode });
      });
    }
  }

  // --- coordinators ------------------------------------------------------------------------------
  let coordinators: string[] = [];
  if (nodeAt(root, ["coordinators"]) !== undefined) {
    ctx.validate(coordinatorsSchema, ["coordinators"]);
    coordinators = checkCoordinators(ctx, stringItems(ctx, ["coordinators"]));
  }
  const streamCoordinators = new Map(drafts.map((d) => [d.id, checkCoordinators(ctx, d.coordinators)]));

  // --- dashboard (off unless the section is there) ----------------------------------------------
  let dashboard: DashboardConfig | undefined;
  if (nodeAt(root, ["dashboard"]) !== undefined) {
    const d = ctx.validate(dashboardSchema, ["dashboard"]);
    if (d !== null) {
      dashboard = { enabled: d.enabled ?? true, title: d.title ?? DASHBOARD_DEFAULTS.title, labels: d.labels ?? [...DASHBOARD_DEFAULTS.labels] };
    }
  }

  // --- agents: bot accounts allowed to use commands, and the command rate -------------------------
  let agents: AgentsConfig = { bots: {}, commandRate: AGENTS_DEFAULTS.commandRate };
  if (nodeAt(root, ["agents"]) !== undefined) {
    const a = ctx.validate(agentsSchema, ["agents"]);
    if (a !== null) agents = { bots: Object.fromEntries(Object.entries(a.bots ?? {}).map(([k, v]) => [k.toLowerCase(), v])), commandRate: a.command_rate ?? AGENTS_DEFAULTS.commandRate };
  }

  // --- circuit_breaker: globally, and per stream over the global one ------------------------------
  const breakerAt = (path: Path, base: CircuitBreakerConfig): CircuitBreakerConfig => {
    if (nodeAt(root, path) === undefined) return base;
    // (a stream's section was validated with the stream; each field below is read on its own)
    if (path[0] !== "streams") ctx.validate(circuitBreakerSchema, path);
    const sh = circuitBreakerSchema.shape;
    const window = durationMinutes(ctx, [...path, "window"], base.windowMinutes);
    const cooldown = durationMinutes(ctx, [...path, "cooldown"], base.cooldownMinutes);
    return {
      failureThreshold: ctx.quiet(sh.failure_threshold, [...path, "failure_threshold"]) ?? base.failureThreshold,
      windowMinutes: window ?? base.windowMinutes,
      cooldownMinutes: cooldown ?? base.cooldownMinutes,
      blockMerges: ctx.quiet(sh.block_merges, [...path, "block_merges"]) ?? base.blockMerges,
    };
  };
  const circuitBreaker = breakerAt(["circuit_breaker"], BREAKER_DEFAULTS);
  const streamBreakers = new Map(drafts.map((d) => [d.id, nodeAt(root, ["streams", d.id, "circuit_breaker"]) !== undefined ? breakerAt(["streams", d.id, "circuit_breaker"], circuitBreaker) : undefined]));

  // --- patterns that can never give their stream a file ------------------------------------------
  reportShadowed(ctx, drafts);

  if (ctx.hasErrors) return { ok: false, issues: sortIssues(ctx.issues) };

  const streams: StreamConfig[] = drafts.map((d) => ({
    id: d.id,
    name: d.name,
    patterns: d.patterns.map((p) => p.value),
    maxAgents: d.maxAgents,
    agentTemplates: d.agentTemplates,
    dependsOn: d.dependsOn,
    dependsOnAreas: d.dependsOnAreas,
    critical: d.critical,
    criticalFiles: d.criticalFiles.map((p) => p.value),
    testPatterns: d.testPatterns.map((p) => p.value),
    coordinators: streamCoordinators.get(d.id) ?? [],
    ...(streamBreakers.get(d.id) !== undefined ? { circuitBreaker: streamBreakers.get(d.id)! } : {}),
  }));
  const config: Config = {
    version: 1,
    streams,
    areas,
    locks: { defaultTtlMinutes, maxTtlMinutes, queueGraceMinutes },
    mergeGate: { pinnedPhases, blockOn, blockOnLocks },
    hotFiles,
    coordinators,
    agents,
    circuitBreaker,
  };
  if (dashboard !== undefined) config.dashboard = dashboard;
  return { ok: true, config, warnings: sortIssues(ctx.issues) };
}


function fmtMinutes(m: number): string {
  if (m >= 60 && m % 60 === 0) return `${m / 60}h`;
  if (Number.isInteger(m)) return `${m}m`;
  return `${Math.round(m * 60)}s`;
}

function sortIssues(issues: SourceIssue[]): SourceIssue[] {
  return issues
    .map((issue, i) => ({ issue, i }))
    .sort((a, b) => a.issue.line - b.issue.line || a.issue.col - b.issue.col || a.i - b.i)
    .map((x) => x.issue);
}

function checkCoordinators(ctx: Ctx, items: Item[]): string[] {
  const out: string[] = [];
  for (const item of items) {
    if (COORDINATOR.test(item.value)) out.push(item.value);
    else ctx.report(item.pos, item.path, `invalid coordinator ${JSON.stringify(item.value)}: expected a GitHub login ("octocat") or team ("@org/team")`);
  }
  return out;
}

/** Every dependency cycle among streams, once per strongly connected component, naming the cycle. */
function reportCycles(ctx: Ctx, drafts: StreamDraft[]): void {
  const byId = new Map(drafts.map((d) => [d.id, d]));
  // Tarjan's SCC.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const sccs: string[][] = [];
  const strong = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of byId.get(v)?.dependsOn ?? []) {
      if (!index.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      sccs.push(comp);
    }
  };
  for (const d of drafts) if (!index.has(d.id)) strong(d.id);

  for (const comp of sccs) {
    if (comp.length < 2) continue;
    const members = new Set(comp);
    // Start at the earliest-declared member; shortest path back to it (BFS, declaration order).
    const start = drafts.find((d) => members.has(d.id))!.id;
    const prev = new Map<string, string>();
    const queue = [start];
    let closing: string | null = null;
    while (queue.length > 0 && closing === null) {
      const v = queue.shift()!;
      for (const w of byId.get(v)!.dependsOn) {
        if (!members.has(w)) continue;
        if (w === start) {
          closing = v;
          break;
        }
        if (!prev.has(w)) {
          prev.set(w, v);
          queue.push(w);
        }
      }
    }
    const cycle: string[] = [start];
    const tail: string[] = [];
    for (let v = closing!; v !== start; v = prev.get(v)!) tail.push(v);
    cycle.push(...tail.reverse(), start);
    const first = byId.get(start)!;
    const dep = first.deps.find((i) => i.value === cycle[1]);
    const pos = dep?.pos ?? first.keyPos;
    const path = dep?.path ?? ["streams", start];
    ctx.report(pos, path, `dependency cycle: ${cycle.join(" -> ")}; remove one of these dependencies`);
  }
}

/** Validate pinned phases; null when they cannot be used. */
function checkPins(ctx: Ctx, drafts: StreamDraft[], phases: string[][]): string[][] | null {
  const ids = drafts.map((d) => d.id);
  const known = new Set(ids);
  const phaseOf = new Map<string, { phase: number; item: Item }>();
  let ok = true;
  phases.forEach((phase, p) => {
    const phasePath: Path = ["merge_gate", "phases", p];
    if (phase.length === 0) {
      ctx.report(ctx.at(phasePath), phasePath, `phase ${p + 1} is empty; remove it`);
      ok = false;
    }
    phase.forEach((id, j) => {
      const path: Path = [...phasePath, j];
      const pos = ctx.at(path);
      if (!known.has(id)) {
        ctx.report(pos, path, `unknown stream ${JSON.stringify(id)}${didYouMean(id, ids)}`);
        ok = false;
        return;
      }
      const already = phaseOf.get(id);
      if (already !== undefined) {
        ctx.report(pos, path, `stream ${id} is pinned twice (also in phase ${already.phase}); list each stream exactly once`);
        ok = false;
        return;
      }
      phaseOf.set(id, { phase: p + 1, item: { value: id, pos, path } });
    });
  });
  const missing = drafts.filter((d) => d.idOk && !phaseOf.has(d.id)).map((d) => d.id);
  if (missing.length > 0) {
    const path: Path = ["merge_gate", "phases"];
    ctx.report(ctx.at(path), path, `${missing.length === 1 ? "stream" : "streams"} ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} in no phase; list every stream exactly once`);
    ok = false;
  }
  for (const d of drafts) {
    const mine = phaseOf.get(d.id);
    if (mine === undefined) continue;
    for (const dep of d.dependsOn) {
      const theirs = phaseOf.get(dep);
      if (theirs === undefined || theirs.phase < mine.phase) continue;
      ctx.report(
        mine.item.pos,
        mine.item.path,
        `${d.id} is pinned to phase ${mine.phase} but depends on ${dep} (phase ${theirs.phase}); put ${d.id} in a later phase than ${dep}`,
      );
      ok = false;
    }
  }
  return ok ? phases.filter((p) => p.length > 0) : null;
}

/**
 * A pattern of stream S can never give S a file when (a) an earlier-declared stream has the very
 * same pattern (equal specificity, ties go to the earlier stream), or (b) it is a literal path
 * that another stream owns under the ownership rule. One such pattern is a warning; when every
 * pattern of S is such, S would own nothing: an error.
 */
function reportShadowed(ctx: Ctx, drafts: StreamDraft[]): void {
  const all = drafts.flatMap((d) => d.patterns.map((p) => ({ stream: d, pattern: p.value })));
  const ownerOf = (path: string): StreamDraft | null => {
    let best: { stream: StreamDraft; pattern: string } | null = null;
    for (const c of all) {
      if (!matchesGlob(path, c.pattern)) continue;
      if (best === null || compareSpecificity(c.pattern, best.pattern) < 0) best = c;
    }
    return best?.stream ?? null;
  };
  for (const d of drafts) {
    if (d.patterns.length === 0 || !d.patternsComplete || !d.idOk) continue;
    const shadowed: { item: Item; by: StreamDraft; why: string }[] = [];
    for (const item of d.patterns) {
      if (compileGlob(item.value).isLiteral) {
        const owner = ownerOf(item.value);
        if (owner !== null && owner !== d) {
          shadowed.push({ item, by: owner, why: `${owner.id} owns ${item.value} (its pattern is at least as specific and ${owner.index < d.index ? "declared earlier" : "more specific"})` });
        }
        continue;
      }
      const earlier = drafts.find((o) => o.index < d.index && o.patterns.some((p) => p.value === item.value));
      if (earlier !== undefined) {
        shadowed.push({ item, by: earlier, why: `${earlier.id} declares the same pattern earlier and wins ties` });
      }
    }
    if (shadowed.length === 0) continue;
    if (shadowed.length === d.patterns.length) {
      const path: Path = ["streams", d.id, "files_pattern"];
      const list = shadowed.map((s) => `${JSON.stringify(s.item.value)} (${s.by.id})`).join(", ");
      ctx.report(
        ctx.at(path),
        path,
        `stream ${d.id} can own no file: every pattern is taken by another stream: ${list}; make its patterns distinct or more specific (a file goes to the stream with the most specific matching pattern, ties to the stream declared first)`,
      );
    } else {
      for (const s of shadowed) {
        ctx.report(s.item.pos, s.item.path, `pattern ${JSON.stringify(s.item.value)} can never give ${d.id} a file: ${s.why}`, "warning");
      }
    }
  }
}
