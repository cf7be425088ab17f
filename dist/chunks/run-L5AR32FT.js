import { createRequire as __pucsCreateRequire } from 'node:module'; const require = __pucsCreateRequire(import.meta.url);
import {
  DEFAULT_LEDGER_REF,
  GitError,
  GitRefStore,
  commitMessages,
  commonDir,
  configAndRemotes,
  configSet,
  currentBranch,
  defaultBaseRef,
  diffAgainst,
  git,
  gitError,
  gitOk,
  hasCommit,
  ledgerLog,
  listFiles,
  mainWorktreeRoot,
  mergeBase,
  mergeTreeConflicts,
  remoteHasRef,
  repoRoot,
  revParse,
  showFiles,
  untrackedDiff,
  workTreeClean,
  worktreeAdd
} from "./chunk-GIJWIVCS.js";
import {
  AREA_NAME,
  STREAM_ID,
  formatIssue,
  globList,
  schema_exports,
  streamSchema,
  topLevelSchema
} from "./chunk-5TLIR745.js";
import {
  ackHandoffs,
  acquireLock,
  changeAtHead,
  changeOfFootprint,
  compareConflicts,
  declareIntent,
  definitionsOf,
  enqueue,
  evaluate,
  expire,
  footprintFile,
  handoff,
  mergedChange,
  ownsClaim,
  parseUnifiedDiff,
  partitionedFiles,
  pendingHandoffs,
  recordFailure,
  recordFootprint,
  registerAgent,
  release,
  releaseLock,
  resetBreaker,
  sessionIdProblem,
  startNewSession,
  startSession,
  streamLabel,
  streamOfChange,
  verdictOf
} from "./chunk-EZVU7LTR.js";
import {
  LedgerError,
  emptyLedger
} from "./chunk-CSRU35QZ.js";
import {
  breakerConfigFor,
  breakerOf,
  breakerState,
  describeBreaker,
  formatDuration,
  globsIntersect,
  isGlob,
  matchesGlob,
  parseDuration,
  validateGlob
} from "./chunk-TZT2VDVM.js";
import {
  ZodType,
  record,
  string,
  toJSONSchema
} from "./chunk-XQOQWPWI.js";
import {
  SpanStatusCode,
  trace
} from "./chunk-NALXP64Q.js";
import "./chunk-NZU5CSYO.js";

// src/cli/run.ts
import { existsSync as existsSync3, mkdirSync as mkdirSync4, statSync as statSync3, writeFileSync as writeFileSync3 } from "node:fs";
import { basename as basename2, dirname as dirname5, isAbsolute as isAbsolute3, join as join5, relative as relative2, resolve as resolve4, sep as sep2 } from "node:path";

// src/config-file.ts
import { readFileSync, statSync } from "node:fs";
import { isAbsolute, relative, resolve, sep } from "node:path";
var CONFIG_PATHS = ["config/pucs_streams.yaml", ".github/pucs.yml"];
function displayPath(root, abs) {
  const rel = relative(root, abs);
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) return abs;
  return rel.split(sep).join("/");
}
async function isFile(p) {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
function issue(file, message) {
  return { file, line: 0, col: 0, message, severity: "error" };
}
async function locateConfigFile(repoRoot2, override) {
  const root = resolve(repoRoot2);
  let abs;
  if (override !== void 0) {
    abs = resolve(override);
    const shown = displayPath(root, abs);
    let st;
    try {
      st = statSync(abs);
    } catch {
      return { ok: false, path: shown, issues: [issue(shown, `config file not found (given with --config): ${abs}`)] };
    }
    if (!st.isFile()) {
      return { ok: false, path: shown, issues: [issue(shown, `not a file (given with --config): ${abs}`)] };
    }
  } else {
    let found = null;
    for (const candidate of CONFIG_PATHS) {
      const p = resolve(root, candidate);
      if (await isFile(p)) {
        found = p;
        break;
      }
    }
    if (found === null) {
      return {
        ok: false,
        path: null,
        issues: [
          issue(
            CONFIG_PATHS[0],
            `no PUCS config found: tried ${CONFIG_PATHS.join(" and ")} in ${root}; create one with \`pucs init --write-config\` (or pass --config <file>)`
          )
        ]
      };
    }
    abs = found;
  }
  return { ok: true, abs, shown: displayPath(root, abs) };
}
async function loadConfigFile(repoRoot2, override) {
  const at = await locateConfigFile(repoRoot2, override);
  if (!at.ok) return at;
  const { abs, shown } = at;
  let text;
  try {
    text = readFileSync(abs, "utf8");
  } catch (e) {
    const code2 = e.code;
    return { ok: false, path: shown, issues: [issue(shown, `cannot read the config file${code2 ? ` (${code2})` : ""}: ${abs}`)] };
  }
  const { parseConfig } = await import("./config-SQIE7EEH.js");
  const result = parseConfig(text, shown);
  if (!result.ok) return { ok: false, path: shown, issues: result.issues };
  return { ok: true, path: shown, config: result.config, warnings: result.warnings };
}

// src/engine/config/json-schema.ts
var CONFIG_SCHEMA_URL = "https://raw.githubusercontent.com/pucs/pucs/v1/schemas/pucs_streams.schema.json";
var CONFIG_SCHEMA_MODELINE = `# yaml-language-server: $schema=${CONFIG_SCHEMA_URL}`;
var camel = (key) => key.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
function configDocumentSchema() {
  const sections = {};
  const exports = schema_exports;
  for (const key of Object.keys(topLevelSchema.shape)) {
    if (key === "version") continue;
    const own = exports[`${camel(key)}Schema`];
    if (own instanceof ZodType) sections[key] = own.optional();
  }
  sections.streams = record(string().regex(STREAM_ID), streamSchema);
  sections.areas = record(string().regex(AREA_NAME), globList).optional();
  return topLevelSchema.extend(sections);
}
var DESCRIPTIONS = {
  "": "PUCS work streams: who may change what, how many at once, and in which order streams merge. `pucs config` validates the whole file.",
  "/properties/version": "The config format version: 1.",
  "/properties/streams": "Work streams by id (a letter, then letters, digits or _; unique ignoring case). At least one.",
  "/properties/streams/additionalProperties/properties/name": "Human-readable name of the stream.",
  "/properties/streams/additionalProperties/properties/files_pattern": "The files the stream owns: globs (minimatch, dotfiles included, ** and {a,b}), as a comma-separated string or a list. A file belongs to the stream with the most specific matching pattern.",
  "/properties/streams/additionalProperties/properties/max_agents": "At this many active changes the stream reports CAPACITY. Default 3.",
  "/properties/streams/additionalProperties/properties/agent_templates": "Agent template names for this stream.",
  "/properties/streams/additionalProperties/properties/dependencies": "Stream ids (exact, case-sensitive: they order the merge phases) or names declared under `areas:` (touching them raises DEPENDENCY; no phase edge).",
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
  "/properties/coordinators": "GitHub logins or @org/team asked to ARBITRATE when a stream names none."
};
function pointer(schema, path) {
  let cur = schema;
  for (const part of path.split("/").slice(1)) cur = cur?.[part];
  return cur && typeof cur === "object" ? cur : void 0;
}
function configJsonSchema() {
  const generated = toJSONSchema(configDocumentSchema(), { target: "draft-7", io: "input", unrepresentable: "any" });
  const { $schema, ...body } = generated;
  const schema = { $schema, $id: CONFIG_SCHEMA_URL, title: "PUCS stream configuration (config/pucs_streams.yaml)", ...body };
  for (const [path, text] of Object.entries(DESCRIPTIONS)) {
    const node2 = pointer(schema, path);
    if (node2) node2.description = text;
  }
  const streams = pointer(schema, "/properties/streams");
  if (streams) streams.minProperties = 1;
  return schema;
}
function configJsonSchemaText() {
  return `${JSON.stringify(configJsonSchema(), null, 2)}
`;
}

// src/cli/schema.ts
function printConfigSchema(ctx) {
  ctx.out(configJsonSchemaText());
  return 0;
}

// src/engine/phases.ts
function phases(config) {
  return config.mergeGate.pinnedPhases ? config.mergeGate.pinnedPhases.map((p) => [...p]) : derive(config);
}
function derive(config) {
  const ids = config.streams.map((s) => s.id);
  const known = new Set(ids);
  const deps = new Map(config.streams.map((s) => [s.id, s.dependsOn.filter((d) => known.has(d) && d !== s.id)]));
  const phaseOf2 = /* @__PURE__ */ new Map();
  const layers = [];
  let remaining = ids;
  while (remaining.length > 0) {
    const layer = remaining.filter((id) => deps.get(id).every((d) => phaseOf2.has(d)));
    if (layer.length === 0) {
      layers.push(remaining);
      break;
    }
    for (const id of layer) phaseOf2.set(id, layers.length + 1);
    layers.push(layer);
    const placed = new Set(layer);
    remaining = remaining.filter((id) => !placed.has(id));
  }
  return layers;
}
function phaseOf(config, stream) {
  const i = phases(config).findIndex((layer) => layer.includes(stream));
  return i === -1 ? null : i + 1;
}
function dependencyClosure(config, stream) {
  const byId = new Map(config.streams.map((s) => [s.id, s]));
  const out = [];
  const seen = /* @__PURE__ */ new Set([stream]);
  const queue = [...byId.get(stream)?.dependsOn ?? []];
  while (queue.length > 0) {
    const id = queue.shift();
    if (seen.has(id) || !byId.has(id)) continue;
    seen.add(id);
    out.push(id);
    queue.push(...byId.get(id).dependsOn);
  }
  return out;
}

// src/engine/gate.ts
function gateChangeOf(change, config) {
  const m = streamOfChange(change, config);
  const streams = m.stream ? [m.stream, ...m.streams.filter((s) => s !== m.stream)] : m.streams;
  const out = { change: change.id, agent: change.agent, streams, draft: change.draft ?? false, files: change.files.map((f) => f.path) };
  if (change.title !== void 0) out.title = change.title;
  if (change.url !== void 0) out.url = change.url;
  if (change.headSha !== void 0) out.headSha = change.headSha;
  return out;
}
var gateStreamsOf = (change, config) => gateChangeOf(change, config).streams;
function phaseOfChange(streams, config) {
  let phase = null;
  for (const s of streams) {
    const p = phaseOf(config, s);
    if (p !== null && (phase === null || p > phase)) phase = p;
  }
  return phase;
}
function changeNumber(id) {
  const m = /^#(\d+)$/.exec(id);
  return m ? Number(m[1]) : Number.MAX_SAFE_INTEGER;
}
function byChange(a, b) {
  return changeNumber(a.change) - changeNumber(b.change) || (a.change < b.change ? -1 : a.change > b.change ? 1 : 0);
}
function holderOf(lock) {
  return lock.change ?? lock.agent;
}
function gate(change, open, ledger, config, now) {
  const phase = phaseOfChange(change.streams, config);
  const blockers = [];
  if (phase !== null) {
    const deps = config.mergeGate.blockOn === "dependencies" ? new Set(change.streams.flatMap((s) => dependencyClosure(config, s))) : null;
    const earlier = [];
    for (const other2 of open) {
      if (other2.change === change.change || other2.draft) continue;
      const otherPhase = phaseOfChange(other2.streams, config);
      if (otherPhase === null || otherPhase >= phase) continue;
      let stream;
      if (deps) {
        const hit = other2.streams.find((s) => deps.has(s));
        if (hit === void 0) continue;
        stream = hit;
      } else {
        stream = other2.streams.find((s) => phaseOf(config, s) === otherPhase) ?? null;
      }
      const blocker = {
        change: other2.change,
        stream,
        phase: otherPhase,
        reason: deps ? "dependency" : "earlier-phase",
        unblock: `${other2.change} (${stream ?? "?"}, phase ${otherPhase}) must be merged or closed first${deps ? `: ${change.streams.join("/")} depends on ${stream}` : ""}.`
      };
      if (other2.title !== void 0) blocker.title = other2.title;
      if (other2.url !== void 0) blocker.url = other2.url;
      earlier.push(blocker);
    }
    earlier.sort((a, b) => (a.phase ?? 0) - (b.phase ?? 0) || byChange(a, b));
    blockers.push(...earlier);
  }
  if (config.mergeGate.blockOnLocks && ledger && change.files && change.files.length > 0) {
    const seen = /* @__PURE__ */ new Set();
    const locks = ledger.locks.filter((l) => Date.parse(l.expiresAt) > now && !ownsClaim({ id: change.change, agent: change.agent ?? "" }, l)).sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
    for (const lock of locks) {
      const hit = change.files.find((f) => matchesGlob(f, lock.path));
      if (hit === void 0 || seen.has(lock.lease)) continue;
      seen.add(lock.lease);
      blockers.push({
        change: holderOf(lock),
        stream: lock.stream,
        phase: lock.stream ? phaseOf(config, lock.stream) : null,
        reason: "lock",
        unblock: `${hit} is locked by ${lock.agent}${lock.change ? ` (${lock.change})` : ""} until ${lock.expiresAt}: wait for release or expiry, or \`/pucs queue ${hit}\`.`
      });
    }
  }
  if (ledger) {
    for (const s of change.streams) {
      const b = breakerOf(ledger, s);
      if (!b || breakerState(b, now) !== "OPEN" || !breakerConfigFor(config, s).blockMerges) continue;
      blockers.push({ change: `breaker:${s}`, stream: s, phase: phaseOf(config, s), reason: "breaker", unblock: describeBreaker(b, now) });
    }
  }
  const override = ledger?.overrides.find((o) => o.change === change.change);
  const result = {
    change: change.change,
    streams: [...change.streams],
    phase,
    verdict: blockers.length === 0 || override ? "pass" : "blocked",
    blockers,
    description: ""
  };
  if (override && blockers.length > 0) result.overriddenBy = override;
  result.description = describeGate(result);
  return result;
}
function describeGate(r) {
  const where = r.phase === null ? "no stream" : `phase ${r.phase} (${r.streams.join(", ")})`;
  let text;
  if (r.overriddenBy) {
    text = `Overridden by @${r.overriddenBy.by}: ${r.overriddenBy.reason}`;
  } else if (r.verdict === "pass") {
    text = r.phase === null ? "No stream: outside the phase order, no lock in the way" : `Ready: ${where}, nothing earlier is open`;
  } else {
    const names = r.blockers.map((b) => b.reason === "lock" ? `lock by ${b.change}` : b.reason === "breaker" ? `${b.stream} circuit breaker` : `${b.change} (${b.stream ?? "?"}, phase ${b.phase})`);
    const shown = names.slice(0, 3).join(", ") + (names.length > 3 ? " and others" : "");
    text = `Blocked by ${shown}`;
  }
  return text.length <= 140 ? text : `${text.slice(0, 139)}…`;
}

// src/engine/starter.ts
var SKIP = /* @__PURE__ */ new Set([".github", ".git", "node_modules", "dist", "build", "vendor", "config"]);
function starterConfig(files) {
  const dirs = /* @__PURE__ */ new Map();
  for (const f of files) {
    const slash = f.indexOf("/");
    if (slash <= 0) continue;
    const dir = f.slice(0, slash);
    if (SKIP.has(dir) || dir.startsWith(".")) continue;
    dirs.set(dir, (dirs.get(dir) ?? 0) + 1);
  }
  const used = /* @__PURE__ */ new Set();
  const streams = [];
  for (const dir of [...dirs.keys()].sort()) {
    let id = dir.toUpperCase().replace(/[^A-Z0-9_]/g, "_").replace(/^[^A-Z]+/, "");
    if (id === "") id = "S";
    let unique = id;
    for (let n = 2; used.has(unique.toLowerCase()); n++) unique = `${id}${n}`;
    used.add(unique.toLowerCase());
    streams.push(
      [
        `  ${unique}:`,
        `    name: ${JSON.stringify(dir)}`,
        `    files_pattern: ${JSON.stringify(`${dir}/**`)}`,
        `    max_agents: 3`,
        `    dependencies: []`
      ].join("\n")
    );
  }
  if (streams.length === 0) {
    streams.push(["  MAIN:", '    name: "Everything"', '    files_pattern: "**"', "    max_agents: 3", "    dependencies: []"].join("\n"));
  }
  return [
    CONFIG_SCHEMA_MODELINE,
    // editors (VS Code's YAML extension, JetBrains) complete and check the file
    "# PUCS work streams: who may change what, how many at once, and in which order streams merge.",
    "# Generated by `pucs init --write-config`: one stream per top-level directory. Edit freely;",
    '# `pucs config` validates it. Reference: the README\'s "Stream configuration" section.',
    "version: 1",
    "streams:",
    ...streams,
    "locks:",
    "  default_ttl: 30   # minutes",
    "  max_ttl: 8h",
    "merge_gate:",
    "  block_on: phase",
    "  block_on_locks: true",
    "hot_files:",
    '  - { pattern: "package-lock.json", mode: ignore }',
    ""
  ].join("\n");
}

// src/cli/handoff.ts
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve as resolve2 } from "node:path";

// src/cli/args.ts
import { parseArgs } from "node:util";
var UsageError = class extends Error {
  constructor(message, usage) {
    super(message);
    this.usage = usage;
    this.name = "UsageError";
  }
  usage;
};
var COMMON = {
  json: { type: "boolean" },
  config: { type: "string" },
  remote: { type: "string" },
  local: { type: "boolean" },
  help: { type: "boolean", short: "h" }
};
function parseCommand(spec2, argv) {
  let parsed;
  try {
    const r = parseArgs({ args: argv, options: { ...COMMON, ...spec2.options }, allowPositionals: true, strict: true });
    parsed = { values: r.values, positionals: r.positionals };
  } catch (err) {
    const msg = err.message.replace(/\. To specify a positional argument.*$/s, "").replace(/^Option '(.*?)' argument missing$/, "option $1 needs a value");
    throw new UsageError(`pucs ${spec2.name}: ${msg}`, spec2.usage);
  }
  if (parsed.values.help) return parsed;
  const [min, max] = typeof spec2.positionals === "number" ? [spec2.positionals, spec2.positionals] : spec2.positionals;
  if (parsed.positionals.length < min) throw new UsageError(`pucs ${spec2.name}: missing argument`, spec2.usage);
  if (parsed.positionals.length > max) {
    throw new UsageError(`pucs ${spec2.name}: unexpected argument ${JSON.stringify(parsed.positionals[max])}`, spec2.usage);
  }
  return parsed;
}
function str(p, name) {
  const v = p.values[name];
  return typeof v === "string" ? v : void 0;
}
function required(p, name, spec2, fallback) {
  const v = str(p, name) ?? fallback;
  if (v === void 0 || v.trim() === "") {
    throw new UsageError(`pucs ${spec2.name}: --${name} is required${name === "agent" ? " (or set PUCS_AGENT)" : ""}`, spec2.usage);
  }
  return v;
}
function flag(p, name) {
  return p.values[name] === true;
}

// src/cli/handoff.ts
function listOption(p, name) {
  const v = p.values[name];
  const raw = Array.isArray(v) ? v : typeof v === "string" ? [v] : [];
  return raw.flatMap((x) => x.split(",")).map((x) => x.trim()).filter((x) => x !== "");
}
function seedHandoffDoc(h) {
  return {
    from_agent: h.from_agent,
    to_agent: h.to_agent,
    timestamp: h.timestamp,
    session_id: h.session_id,
    context: h.context,
    stream_context: h.stream_context,
    files_to_review: h.files_to_review
  };
}
function handoffText(h) {
  const lines = [`Handoff ${h.from_agent} → ${h.to_agent} at ${h.timestamp}${h.change ? ` (${h.change})` : ""}${h.session_id ? `, session ${h.session_id}` : ""}`];
  const list = (label, xs) => {
    if (xs.length > 0) lines.push(`  ${label}:`, ...xs.map((x) => `    - ${x}`));
  };
  list("Completed", h.context.completed);
  list("Pending", h.context.pending);
  list("Warnings", h.context.warnings);
  if (h.context.commits.length > 0) lines.push(`  Commits: ${h.context.commits.join(", ")}`);
  if (h.context.branch) lines.push(`  Branch: ${h.context.branch}`);
  lines.push(`  Stream: ${h.stream_context.stream_id ?? "none"}`);
  if (h.stream_context.locked_files.length > 0) lines.push(`  Locks handed over: ${h.stream_context.locked_files.join(", ")}`);
  if (h.stream_context.related_files.length > 0) lines.push(`  Related files: ${h.stream_context.related_files.join(", ")}`);
  if (h.files_to_review.length > 0) lines.push(`  Review: ${h.files_to_review.join(", ")}`);
  if (h.note) lines.push(`  Note: ${h.note}`);
  if (h.acknowledgedAt) lines.push(`  Acknowledged: ${h.acknowledgedAt}`);
  return lines.join("\n");
}
function pendingHandoffLines(l, agent) {
  if (!agent) return [];
  const pending = pendingHandoffs(l, agent);
  if (pending.length === 0) return [];
  return [
    "",
    `--- Pending Handoffs to ${agent} ---`,
    ...pending.map((h) => `  from ${h.from_agent} at ${h.timestamp}${h.change ? ` (${h.change})` : ""}: ${h.context.pending.length} pending item(s), ${h.stream_context.locked_files.length} lock(s)`),
    "  (`pucs handoff show` prints them; `pucs handoff ack` marks them read)"
  ];
}
function breakerLines(l, now) {
  const open = (l.breakers ?? []).filter((b) => breakerState(b, now) !== "CLOSED");
  if (open.length === 0) return [];
  return ["", "--- Circuit Breakers ---", ...open.map((b) => `  ${describeBreaker(b, now)}`)];
}
async function runHandoff(p, spec2, io) {
  const sub = p.positionals[0];
  if (sub === "show") {
    const agent = io.agent();
    const l = await io.read();
    const mine = (l.handoffs ?? []).filter((h) => h.to_agent === agent).reverse();
    const file = str(p, "write-file");
    if (file !== void 0) {
      if (!mine[0]) io.refuse(`No handoff to ${agent} in the ledger: ${file} was not written.`, { handoffs: [] });
      const path = resolve2(io.cwd, file);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, `${JSON.stringify(seedHandoffDoc(mine[0]), null, 2)}
`);
    }
    const text = mine.length === 0 ? `No handoffs to ${agent}.` : mine.map(handoffText).join("\n\n");
    io.emit({ ok: true, command: "handoff", agent, handoffs: mine, pending: mine.filter((h) => !h.acknowledgedAt).length, ...file ? { wrote: file } : {} }, text + (file ? `
Wrote the latest to ${file}` : ""));
    return 0;
  }
  if (sub === "ack") {
    const agent = io.agent();
    const r2 = await io.commit((l) => ackHandoffs(l, { agent }, io.now));
    const n = r2.outcome.handoffs.length;
    io.emit({ ok: true, command: "handoff", acknowledged: r2.outcome.handoffs.map((h) => h.id) }, n === 0 ? `No pending handoffs to ${agent}.` : `Acknowledged ${n} handoff(s) to ${agent}.`);
    return 0;
  }
  if (sub !== void 0) throw new UsageError(`pucs handoff: unknown subcommand ${JSON.stringify(sub)} (show, ack, or none to hand off)`, spec2.usage);
  const to = required(p, "to", spec2).replace(/^@/, "");
  const from = io.agent();
  const config = str(p, "stream") !== void 0 ? await io.config() : null;
  const streamArg = str(p, "stream");
  let stream;
  if (streamArg !== void 0 && config) {
    const s = config.streams.find((x) => x.id.toLowerCase() === streamArg.toLowerCase());
    if (!s) throw new UsageError(`pucs handoff: unknown stream ${JSON.stringify(streamArg)}; configured streams: ${config.streams.map((x) => x.id).join(", ")}`, spec2.usage);
    stream = s.id;
  }
  const branch = str(p, "branch") ?? await io.branch();
  const id = io.newId();
  const r = await io.commit(
    (l) => handoff(
      l,
      {
        id,
        from,
        to,
        completed: listOption(p, "completed"),
        pending: listOption(p, "pending"),
        warnings: listOption(p, "warnings"),
        commits: listOption(p, "commits"),
        branch,
        filesToReview: listOption(p, "review"),
        ...stream !== void 0 ? { stream } : {},
        ...str(p, "change") ? { change: str(p, "change") } : {},
        ...str(p, "note") ? { note: str(p, "note") } : {}
      },
      io.now
    )
  );
  const o = r.outcome;
  if (o.kind === "same-agent") throw new UsageError(`pucs handoff: ${o.reason}`, spec2.usage);
  if (o.kind === "receiver-conflict") io.refuse(`ERROR: nothing was handed off: ${o.reason}`, { result: "receiver-conflict", pairs: o.pairs });
  const moved = [`${o.locks.length} lock(s)`, `${o.intents.length} intent(s)`, `${o.queueEntries.length} queue place(s)`].join(", ");
  io.emit(
    { ok: true, command: "handoff", result: "handed-off", handoff: o.handoff, moved: { locks: o.locks, intents: o.intents, queue: o.queueEntries } },
    `Handed off to ${to}: ${moved} moved in one ledger write.
${handoffText(o.handoff)}`
  );
  return 0;
}
async function runBreaker(p, spec2, io) {
  const sub = p.positionals[0] ?? "status";
  const config = await io.config();
  const streamArg = str(p, "stream");
  const streamId = (v) => {
    const s = config.streams.find((x) => x.id.toLowerCase() === v.toLowerCase());
    if (!s) throw new UsageError(`pucs breaker: unknown stream ${JSON.stringify(v)}; configured streams: ${config.streams.map((x) => x.id).join(", ")}`, spec2.usage);
    return s.id;
  };
  if (sub === "status") {
    const l = await io.read();
    const ids = streamArg !== void 0 ? [streamId(streamArg)] : config.streams.map((s) => s.id);
    const rows = ids.map((id) => {
      const b = (l.breakers ?? []).find((x) => x.stream === id) ?? null;
      const cfg = breakerConfigFor(config, id);
      return { stream: id, state: breakerState(b, io.now), failures: b?.failures.length ?? 0, threshold: cfg.failureThreshold, breaker: b, details: b ? describeBreaker(b, io.now) : null };
    });
    const text = rows.map((r) => `${r.stream.padEnd(12)} ${r.state.padEnd(9)} ${r.failures}/${r.threshold} failures${r.details && r.state !== "CLOSED" ? `
  ${r.details}` : ""}`).join("\n");
    io.emit({ ok: true, command: "breaker", breakers: rows }, text);
    return 0;
  }
  if (sub === "reset") {
    const stream = streamId(required(p, "stream", spec2));
    const by = io.agentIfAny() ?? "cli";
    const reason = str(p, "reason") ?? "";
    const r = await io.commit((l) => resetBreaker(l, { stream, by, reason }, io.now));
    const o = r.outcome;
    io.emit({ ok: true, command: "breaker", result: o.kind, stream, ...o.kind === "reset" ? { was: o.state } : {} }, o.kind === "reset" ? `Breaker ${stream} reset (was ${o.state}): CLOSED.` : `Breaker ${stream} has nothing to reset: it is CLOSED with no failures.`);
    return 0;
  }
  if (sub === "record-failure") {
    const stream = streamId(required(p, "stream", spec2));
    const agent = io.agent();
    const error = required(p, "error", spec2);
    const change = str(p, "change");
    const r = await io.commit((l) => recordFailure(l, { stream, agent, error, ...change ? { change } : {} }, breakerConfigFor(config, stream), io.now));
    const o = r.outcome;
    const text = o.kind === "counted" ? `Failure ${o.count} of ${o.threshold} recorded for ${stream} (CLOSED).` : o.kind === "tripped" ? `Failure recorded: ${describeBreaker(o.breaker, io.now)}` : `${stream} is already OPEN: ${describeBreaker(o.breaker, io.now)}`;
    io.emit({ ok: true, command: "breaker", result: o.kind, stream, state: breakerState(o.kind === "counted" ? null : o.breaker, io.now), breaker: o.breaker }, text);
    return 0;
  }
  throw new UsageError(`pucs breaker: unknown subcommand ${JSON.stringify(sub)} (status, reset, record-failure)`, spec2.usage);
}

// src/cli/rollback.ts
import { existsSync } from "node:fs";
import { basename, dirname as dirname2, join } from "node:path";
async function runRollback(commitArg, io) {
  const { root } = io;
  const sha = await revParse(root, `${commitArg}^{commit}`);
  if (sha === null) io.refuse(`pucs rollback: ${JSON.stringify(commitArg)} names no commit in this repository. Fetch it first (git fetch origin), or pass the merge commit's sha.`, { result: "unknown-commit", commit: commitArg });
  const parents = (await gitOk(["rev-list", "--parents", "-n", "1", sha], { cwd: root })).trim().split(/\s+/).slice(1);
  const isMerge = parents.length > 1;
  const short = sha.slice(0, 7);
  const ledger = await io.ledger();
  const merge = ledger ? mergedChange(ledger, sha) : null;
  const base = await defaultBaseRef(root) ?? "HEAD";
  const branch = `pucs/rollback-${short}`;
  const path = join(dirname2(root), `${basename(root)}-rollback-${short}`);
  if (existsSync(path)) io.refuse(`pucs rollback: ${path} exists already (an earlier rollback of ${short}?). Remove it (git worktree remove ${path}) or work there.`, { result: "exists", worktree: path });
  if (await revParse(root, `refs/heads/${branch}`) !== null) io.refuse(`pucs rollback: the branch ${branch} exists already. Delete it (git branch -D ${branch}) or check it out to continue.`, { result: "exists", branch });
  await worktreeAdd(root, path, branch, base);
  const args = ["revert", "--no-edit", ...isMerge ? ["-m", "1"] : [], sha];
  const r = await git(args, { cwd: path });
  const what = merge ? `${merge.change}${merge.title ? ` ("${merge.title}")` : ""}${merge.stream ? ` of ${merge.stream}` : ""}` : `commit ${short}`;
  const json = {
    ok: r.code === 0,
    command: "rollback",
    commit: sha,
    merge: isMerge,
    worktree: path,
    branch,
    base,
    change: merge?.change ?? null,
    stream: merge?.stream ?? null,
    suggested: merge?.rollback !== void 0
  };
  if (r.code !== 0) {
    const conflicted = (await git(["diff", "--name-only", "--diff-filter=U"], { cwd: path })).stdout.split("\n").filter(Boolean);
    io.refuse(
      [
        `pucs rollback: the revert of ${what} does not apply cleanly on ${base}; it is left half-done in ${path} (branch ${branch}).`,
        conflicted.length ? `Conflicting files: ${conflicted.join(", ")}` : `git said: ${(r.stderr || r.stdout).trim().split("\n")[0] ?? ""}`,
        `Resolve them there, then: git -C ${path} revert --continue   (or give up: git -C ${path} revert --abort && git worktree remove ${path})`
      ].join("\n"),
      { ...json, result: "conflict", conflicted }
    );
  }
  const head = (await gitOk(["rev-parse", "HEAD"], { cwd: path })).trim();
  const label = merge?.stream ? ` --label ${streamLabel(merge.stream)}` : "";
  const lines = [
    `Prepared the revert of ${what} in ${path}`,
    `  branch ${branch} from ${base}: git ${args.join(" ").replace(sha, short)} → ${head.slice(0, 7)}`,
    merge?.rollback ? `  ROLLBACK was suggested: its merge fails on the default branch (${merge.rollback.checks.join(", ")})${merge.rollback.done ? `; revert #${merge.rollback.done.revert} is already open` : ""}` : merge ? "  (PUCS tracked it; no CI failure was recorded on its merge)" : "  (not a merge PUCS tracked: no PR or stream to name)",
    "Next: run the tests there, then push and open the PR:",
    `  git -C ${path} push -u origin ${branch}`,
    `  gh pr create --head ${branch}${label} --title "Revert ${merge ? merge.change : short}"`,
    ...merge ? [`  (on GitHub, a maintainer's \`/pucs rollback\` on ${merge.change} opens GitHub's own revert instead)`] : []
  ];
  io.emit({ ...json, head }, lines.join("\n"));
  return 0;
}

// src/tracing.ts
import { AsyncLocalStorage } from "node:async_hooks";
var TRACER_NAME = "pucs";
var store = new AsyncLocalStorage();
var tracer = () => trace.getTracer(TRACER_NAME);
function pucsAttributes(f) {
  const a = {};
  if (f.stream != null) a["pucs.stream_id"] = f.stream;
  if (f.agent !== void 0) a["pucs.agent_id"] = f.agent;
  if (f.task !== void 0) a["pucs.task"] = f.task;
  if (f.files !== void 0) a["pucs.files_modified"] = f.files;
  if (f.change !== void 0) a["pucs.change"] = f.change;
  return a;
}
var defined = (f) => Object.fromEntries(Object.entries(f).filter(([, v]) => v !== void 0));
function fail(span, err) {
  span.recordException(err instanceof Error ? err : String(err));
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
}
async function withSpan(name, fields, fn, extra = {}) {
  const parent = store.getStore();
  const scope = { fields: { ...parent?.fields, ...defined(fields) }, spans: [...parent?.spans ?? []], parent: parent ?? null };
  return tracer().startActiveSpan(name, { attributes: { ...pucsAttributes(scope.fields), ...extra } }, async (span) => {
    scope.spans.push(span);
    try {
      return await store.run(scope, () => fn(span));
    } catch (err) {
      fail(span, err);
      throw err;
    } finally {
      span.end();
    }
  });
}
function withLedgerSpan(run, describe) {
  return withSpan("pucs.ledger.transact", {}, async (span) => {
    let message = null;
    const r = await run((m) => void (message = m));
    span.setAttributes(describe(r));
    if (message !== null) span.setAttribute("pucs.ledger.message", message.split("\n")[0]);
    return r;
  });
}

// src/ledger/transact.ts
var defaultSleep = (ms) => new Promise((resolve5) => setTimeout(resolve5, ms));
function backoffDelay(retry, baseDelayMs, maxDelayMs, random) {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (retry - 1));
  return Math.round(ceiling / 2 + ceiling / 2 * random());
}
function transact(store2, fn, opts = {}) {
  return withLedgerSpan(
    (note) => transactUntraced(store2, (l) => {
      const r = fn(l);
      note(r.message);
      return r;
    }, opts),
    (r) => ({ "pucs.ledger.attempts": r.attempts, "pucs.ledger.wrote": r.wrote, ...r.version ? { "pucs.ledger.version": r.version } : {} })
  );
}
async function transactUntraced(store2, fn, opts = {}) {
  const retries = opts.retries ?? 10;
  const sleep = opts.sleep ?? defaultSleep;
  const random = opts.random ?? Math.random;
  const base = opts.baseDelayMs ?? 20;
  const maxDelay = opts.maxDelayMs ?? 2e3;
  if (!Number.isInteger(retries) || retries < 0) throw new RangeError(`retries must be a non-negative integer, got ${retries}`);
  for (let attempt = 1; ; attempt++) {
    const { ledger, version } = await store2.read();
    const result = fn(ledger);
    if (result.ledger === ledger) return { outcome: result.outcome, version, attempts: attempt, wrote: false };
    const message = result.message ?? "update ledger";
    const written = await store2.write(result.ledger, version, message);
    if (written.ok) return { outcome: result.outcome, version: written.version, attempts: attempt, wrote: true };
    if (attempt > retries) {
      throw new LedgerError(
        `The ledger kept changing under this update: ${attempt} attempts lost the compare-and-swap race to other writers ("${message.split("\n")[0]}" was not applied). Try again in a moment; if it persists, something is rewriting the ledger in a loop.`,
        "contention"
      );
    }
    await sleep(backoffDelay(attempt, base, maxDelay, random));
  }
}

// src/git/remote-store.ts
import { randomBytes } from "node:crypto";
var RemoteRefStore = class {
  remote;
  ref;
  /** A local mirror of the remote ledger, refreshed on every read (for `pucs log`). */
  trackingRef;
  #cwd;
  #env;
  /** Private scratch ref of this store: concurrent processes in one clone never share a ref. */
  #scratch;
  /** The local side: reads the fetched scratch ref, makes commits (its identity looked up once). */
  #local;
  constructor(opts) {
    this.remote = opts.remote;
    this.ref = opts.ref ?? DEFAULT_LEDGER_REF;
    const safe = opts.remote.replace(/[^A-Za-z0-9._-]+/g, "_");
    this.trackingRef = `refs/pucs/remotes/${safe}/ledger`;
    this.#scratch = `refs/pucs/tmp/${process.pid}-${randomBytes(4).toString("hex")}`;
    this.#cwd = opts.cwd;
    this.#env = { ...opts.env, GIT_TERMINAL_PROMPT: "0" };
    this.#local = new GitRefStore({ cwd: this.#cwd, ref: this.#scratch, env: this.#env });
  }
  async #git(args) {
    return git(args, { cwd: this.#cwd, env: this.#env });
  }
  async read() {
    const args = ["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", this.remote, `+${this.ref}:${this.#scratch}`];
    const res = await this.#git(args);
    if (res.code !== 0) {
      if (/couldn't find remote ref|no such ref/i.test(res.stderr)) return { ledger: emptyLedger(), version: null };
      throw gitError(args, res, this.#cwd);
    }
    try {
      const snap = await this.#local.read();
      if (snap.version) await this.#git(["update-ref", this.trackingRef, snap.version]);
      return snap;
    } finally {
      await this.#git(["update-ref", "-d", this.#scratch]);
    }
  }
  async write(next, expected, message) {
    const { commit: commit2 } = await this.#local.commitOf(next, expected, message);
    const lease = `--force-with-lease=${this.ref}:${expected ?? ""}`;
    const args = ["push", "--porcelain", "--quiet", lease, this.remote, `${commit2}:${this.ref}`];
    const res = await this.#git(args);
    if (res.code === 0) {
      await this.#git(["update-ref", this.trackingRef, commit2]);
      return { ok: true, version: commit2 };
    }
    if (/stale info|fetch first|non-fast-forward|\[rejected\]|failed to update ref|cannot lock ref/i.test(res.stdout + res.stderr)) {
      return { ok: false, reason: "conflict" };
    }
    throw gitError(args, res, this.#cwd);
  }
};

// src/cli/ledger-choice.ts
var LEDGER_REF = "refs/pucs/ledger";
var CACHE_KEY = "pucs.ledger";
var RECHECK_MS = 60 * 6e4;
var LedgerChoiceError = class extends Error {
};
function quickLedgerChoice(known, opts) {
  if (opts.remote) return { kind: "remote", remote: opts.remote, why: "--remote / PUCS_REMOTE" };
  if (opts.local) return { kind: "local", why: "--local" };
  const cached = opts.recheck ? null : known.value;
  if (cached?.startsWith("remote:")) return { kind: "remote", remote: cached.slice("remote:".length), why: `git config ${CACHE_KEY}` };
  const checkedAt = cached?.startsWith("local@") ? Number(cached.slice("local@".length)) : NaN;
  if (Number.isFinite(checkedAt) && opts.now - checkedAt < RECHECK_MS && !opts.write) return { kind: "local", why: `git config ${CACHE_KEY}` };
  const names = known.remotes;
  const remote = names.includes("origin") ? "origin" : names.length === 1 ? names[0] : null;
  if (remote === null) return { kind: "local", why: names.length === 0 ? "no remote" : "several remotes and none is origin: pass --remote NAME to use one's ledger" };
  return { kind: "ask", remote };
}
async function chooseLedger(root, opts) {
  if (opts.local && opts.remote) throw new LedgerChoiceError("--local and --remote contradict each other: choose one ledger");
  const known = opts.remote || opts.local ? { value: null, remotes: [] } : await configAndRemotes(root, CACHE_KEY);
  const quick = quickLedgerChoice(known, opts);
  if (quick.kind !== "ask") return quick;
  const remote = quick.remote;
  const has = await remoteHasRef(root, remote, LEDGER_REF);
  if (has === null) return { kind: "local", why: `${remote} could not be asked whether it has a ledger (offline?)` };
  if (!has) {
    await configSet(root, CACHE_KEY, `local@${opts.now}`);
    return { kind: "local", why: `${remote} has no ${LEDGER_REF}` };
  }
  const [{ GitRefStore: GitRefStore2 }, { liveIntents: liveIntents2, liveLocks: liveLocks2 }] = await Promise.all([import("./ledger-store-BVOQQM6Y.js"), import("./transitions-JU7CAMOZ.js")]);
  const local = await new GitRefStore2({ cwd: root }).read();
  const live = liveLocks2(local.ledger, opts.now).length + liveIntents2(local.ledger, opts.now).length;
  if (local.version !== null && live > 0) {
    throw new LedgerChoiceError(
      [
        `Two ledgers: ${remote} has ${LEDGER_REF} (the GitHub App's), and this clone's own ${LEDGER_REF} holds ${live} live lock(s)/intent(s).`,
        `Claims in two ledgers do not see each other, so PUCS will not pick one for you. Either:`,
        `  - use the shared one: pass --remote ${remote} (or run \`git config ${CACHE_KEY} remote:${remote}\`), and take your claims again there;`,
        `  - or keep working locally on purpose: pass --local.`
      ].join("\n")
    );
  }
  await configSet(root, CACHE_KEY, `remote:${remote}`);
  return { kind: "remote", remote, why: `${remote} has ${LEDGER_REF}` };
}

// src/engine/status.ts
var STATUS_SCHEMA = "pucs.status/v1";
var HISTORY_COMMITS = 50;
var isLive = (e, now) => Date.parse(e.expiresAt) > now;
function historyKind(message) {
  const m = message.trimStart();
  if (/^(force-unlock|unlock|release)\b/.test(m)) return "release";
  if (/^expire\b/.test(m)) return "expire";
  if (/override/.test(m.split("\n")[0] ?? "")) return "override";
  return "other";
}
function statusDocument(input) {
  const { ledger, config, now } = input;
  const layers = config ? phases(config) : [];
  const phaseOfStream = /* @__PURE__ */ new Map();
  layers.forEach((l, i) => l.forEach((id) => phaseOfStream.set(id, i + 1)));
  const gateChanges = config ? ledger.footprints.map((fp) => {
    const g = gateChangeOf(changeOfFootprint(fp), config);
    const streams2 = fp.stream ? [fp.stream, ...g.streams.filter((s) => s !== fp.stream)] : g.streams;
    return { ...g, streams: streams2 };
  }) : [];
  const gatePhases = config ? gateChanges.map((g) => phaseOfChange(g.streams, config)) : [];
  const changes = ledger.footprints.map((fp, i) => {
    let verdict = "clear";
    let conflicts = [];
    let result = null;
    if (config) {
      const ev = evaluate(changeOfFootprint(fp), ledger, config, now, { stream: fp.stream });
      verdict = ev.verdict;
      conflicts = ev.conflicts.map((c) => {
        const out2 = { type: c.type, strategy: c.strategy, file: c.file, holder: c.holder, holderStream: c.holderStream, nextStep: c.nextStep };
        if (c.holderChange !== void 0) out2.holderChange = c.holderChange;
        return out2;
      });
      const mine = gatePhases[i];
      const earlier = mine === null ? [] : gateChanges.filter((g, j) => j !== i && !g.draft && gatePhases[j] !== null && gatePhases[j] < mine);
      result = gate(gateChanges[i], earlier, ledger, config, now);
    }
    const out = {
      change: fp.change,
      agent: fp.agent,
      stream: fp.stream,
      draft: fp.draft,
      headSha: fp.headSha,
      files: fp.files.length,
      verdict,
      gate: result?.verdict ?? "pass",
      phase: result?.phase ?? (fp.stream ? phaseOfStream.get(fp.stream) ?? null : null),
      blockedBy: result && result.verdict === "blocked" ? [...new Set(result.blockers.map((b) => b.change))] : [],
      conflicts
    };
    if (fp.title !== void 0) out.title = fp.title;
    if (fp.url !== void 0) out.url = fp.url;
    if (result?.overriddenBy) out.overriddenBy = result.overriddenBy;
    return out;
  });
  const locks = ledger.locks.filter((k) => isLive(k, now));
  const expired = ledger.locks.filter((k) => !isLive(k, now));
  const intents = ledger.intents.filter((x) => isLive(x, now));
  const streams = (config?.streams ?? []).map((s) => {
    const mine = changes.filter((c) => c.stream === s.id);
    const myLocks = locks.filter((k) => k.stream === s.id);
    const myIntents = intents.filter((x) => x.stream === s.id);
    const blocked = mine.some((c) => !c.draft && (c.gate === "blocked" || c.verdict === "blocked"));
    const active = mine.length > 0 || myLocks.length > 0 || myIntents.length > 0;
    return {
      id: s.id,
      name: s.name,
      phase: phaseOfStream.get(s.id) ?? null,
      state: blocked ? "blocked" : active ? "active" : "idle",
      changes: mine.map((c) => c.change),
      locks: myLocks.map((k) => k.lease),
      intents: myIntents.map((x) => x.id)
    };
  });
  const limit = input.historyLimit ?? 10;
  const history = input.history === void 0 || input.history === null ? null : input.history.map((h) => ({ at: h.date, message: (h.message.split("\n")[0] ?? "").trim(), kind: historyKind(h.message) })).filter((h) => h.kind !== "other").slice(0, limit);
  return {
    schema: STATUS_SCHEMA,
    generatedAt: new Date(now).toISOString(),
    session: ledger.session,
    phases: layers,
    streams,
    changes,
    locks,
    expiredLocks: expired.length,
    expired,
    intents,
    queues: ledger.queues.map((q) => ({ path: q.path, waiters: q.waiters.map((w, n) => ({ ...w, position: n + 1 })) })),
    overrides: ledger.overrides,
    history,
    agents: ledger.agents ?? []
  };
}
function filterStatus(doc, filter) {
  const { stream, agent } = filter;
  if (stream === void 0 && agent === void 0) return doc;
  const keep = (x) => (stream === void 0 || x.stream === stream) && (agent === void 0 || x.agent === agent);
  const locks = doc.locks.filter(keep);
  const expired = doc.expired.filter(keep);
  const intents = doc.intents.filter(keep);
  const changes = doc.changes.filter(keep);
  const agents = doc.agents.filter(keep);
  const streamLockPaths = stream === void 0 ? null : [...doc.locks, ...doc.expired].filter((k) => k.stream === stream).map((k) => k.path);
  const queues = doc.queues.filter((q) => streamLockPaths === null || streamLockPaths.some((p) => globsIntersect(p, q.path))).map((q) => ({ path: q.path, waiters: q.waiters.filter((w) => agent === void 0 || w.agent === agent) })).filter((q) => q.waiters.length > 0);
  const kept = new Set(changes.map((c) => c.change));
  const inStreams = new Set([...locks, ...intents, ...changes, ...agents].map((x) => x.stream));
  const streams = doc.streams.filter((s) => stream !== void 0 ? s.id === stream : inStreams.has(s.id));
  const names = [stream, agent].filter((x) => x !== void 0);
  const mentions = (m) => names.every((n) => new RegExp(`(^|[^\\w.-])${n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^\\w.-])`).test(m));
  return {
    ...doc,
    streams,
    changes,
    locks,
    expiredLocks: expired.length,
    expired,
    intents,
    queues,
    overrides: doc.overrides.filter((o) => kept.has(o.change)),
    history: doc.history === null ? null : doc.history.filter((h) => mentions(h.message)),
    agents,
    filter: { ...stream !== void 0 ? { stream } : {}, ...agent !== void 0 ? { agent } : {} }
  };
}

// src/cli/status-markdown.ts
async function optionalConfig(root, configPath) {
  const r = await loadConfigFile(root, configPath);
  return r.ok ? r.config : null;
}
async function ledgerHistory(root, store2) {
  const ref = store2 instanceof RemoteRefStore ? store2.trackingRef : "refs/pucs/ledger";
  return ledgerLog(root, ref, HISTORY_COMMITS);
}
async function statusOf(root, store2, ledger, config, now) {
  return statusDocument({ ledger, config, now, history: await ledgerHistory(root, store2) });
}

// src/engine/commands.ts
var WHO = {
  anyone: "anyone",
  "author-or-write": "the PR's author, or anyone with write access",
  write: "anyone with write access",
  maintain: "maintainers and admins",
  coordinator: "the coordinators of its ARBITRATE conflicts (the config's `coordinators:`), maintainers and admins"
};
var spec = (name, usage, description, permission, examples) => ({
  name,
  usage,
  description,
  who: WHO[permission],
  permission,
  examples
});
var COMMANDS = [
  spec("help", "/pucs help", "Show the commands and who may use them.", "anyone", ["/pucs help"]),
  spec("status", "/pucs status", "Show this PR's stream, its claims, and the locks, intents and queues on its files.", "anyone", ["/pucs status"]),
  spec(
    "intent",
    "/pucs intent <paths|globs> [--duration D] [--force] [-- description]",
    "Declare files this PR is about to change (a soft claim others see as INTENT_OVERLAP); refused, with the conflicts listed, when it collides with other work, unless --force.",
    "author-or-write",
    ["/pucs intent execution/fill_predictor.py --duration 45 -- ML model", "/pucs intent 'llm/agents/**'", "/pucs intent execution/x.py --force -- agreed with #12"]
  ),
  spec(
    "lock",
    "/pucs lock <paths|globs> [--duration D] [-- task]",
    "Take an exclusive lock for this PR (default TTL from the config); refused while someone else holds it.",
    "author-or-write",
    ["/pucs lock execution/smart_execution.py -- rework order routing", "/pucs lock 'models/risk*.py' --duration 2h"]
  ),
  spec(
    "unlock",
    "/pucs unlock [paths]",
    "Release this PR's locks (all of them, or the ones named). Releasing another PR's lock needs maintain.",
    "author-or-write",
    ["/pucs unlock", "/pucs unlock execution/smart_execution.py"]
  ),
  spec("release", "/pucs release", "Release everything this PR holds: locks, intents and queue places.", "author-or-write", ["/pucs release"]),
  spec("extend", "/pucs extend [D]", "Extend this PR's locks by D (default: the lock TTL), up to the configured maximum.", "author-or-write", ["/pucs extend", "/pucs extend 1h"]),
  spec("queue", "/pucs queue <path>", "Wait in line for a locked path; this PR is told when it frees.", "author-or-write", ["/pucs queue execution/smart_execution.py"]),
  spec("sync", "/pucs sync", "Rebuild this PR's ledger entries from its labels, files and commands.", "author-or-write", ["/pucs sync"]),
  spec(
    "gate-override",
    "/pucs gate override -- reason",
    "Let this PR pass the merge gate despite earlier-phase work; recorded with who and why.",
    "maintain",
    ["/pucs gate override -- hotfix for the outage, phase 1 can rebase"]
  ),
  spec(
    "handoff",
    "/pucs handoff @login [-- note]",
    "Hand this PR's locks, intents and queue places to another agent or person (seed §3.2); the handoff is recorded and the receiver named.",
    "author-or-write",
    ["/pucs handoff @exec-agent-2 -- integration tests and docs left", "/pucs handoff @octocat"]
  ),
  spec(
    "breaker-reset",
    "/pucs breaker reset -- reason",
    "Close this PR's stream circuit breaker (OPEN after repeated CI failures) so new locks and intents are taken again; recorded with who and why.",
    "maintain",
    ["/pucs breaker reset -- the failing runner was replaced"]
  ),
  spec(
    "rollback",
    "/pucs rollback",
    "On a merged PR whose merge commit fails CI on the default branch (ROLLBACK suggested, seed §8.1): open GitHub's revert PR, label it with the stream, tell the author.",
    "maintain",
    ["/pucs rollback"]
  ),
  spec(
    "decide",
    "/pucs decide -- note",
    "Decide this PR's ARBITRATE conflicts (critical files, dependencies without open work): they stop blocking; recorded with who, why and the head. A new conflict needs a new decision.",
    "coordinator",
    ["/pucs decide -- risk limits reviewed, ok to merge"]
  )
];

// src/engine/dashboard.ts
var DASHBOARD_MARKER = "<!-- pucs:dashboard -->";
var MAX_BODY = 6e4;
var MAX_ROWS = 20;
var STATE_ICON = { idle: "⚪", active: "🟢", blocked: "🔴" };
var code = (s) => "`" + s.replace(/`/g, "'") + "`";
var cell = (s) => s.replace(/\r?\n/g, " ").replace(/\|/g, "\\|");
var clip = (s, n = 120) => cell(s.length > n ? `${s.slice(0, n - 1)}…` : s);
var mlabel = (s) => s.replace(/[\r\n]+/g, " ").replace(/#/g, "#35;").replace(/"/g, "#quot;");
var node = (id) => `s_${id}`;
function actionKey(a) {
  return a.name === "release-lock" ? `<!-- pucs:action release-lock ${a.lease} -->` : `<!-- pucs:action ${a.name} -->`;
}
function dashboardGraph(doc, config) {
  const lines = ["flowchart LR"];
  const byId = new Map(doc.streams.map((s) => [s.id, s]));
  doc.phases.forEach((layer, i) => {
    lines.push(`  subgraph phase${i + 1}["Phase ${i + 1}"]`);
    for (const id of layer) {
      const s = byId.get(id);
      const n = s?.changes.length ?? 0;
      const extra = s && s.state !== "idle" ? ` · ${n} PR${n === 1 ? "" : "s"}, ${s.locks.length} lock${s.locks.length === 1 ? "" : "s"}` : "";
      lines.push(`    ${node(id)}["${mlabel(`${id}: ${s?.state ?? "idle"}${extra}`)}"]`);
    }
    lines.push("  end");
  });
  const known = new Set(doc.phases.flat());
  for (const s of config.streams) for (const d of s.dependsOn) if (known.has(d) && known.has(s.id)) lines.push(`  ${node(d)} --> ${node(s.id)}`);
  lines.push("  classDef idle fill:#f6f8fa,stroke:#8c959f,color:#24292f");
  lines.push("  classDef active fill:#dafbe1,stroke:#1a7f37,color:#24292f");
  lines.push("  classDef blocked fill:#ffebe9,stroke:#cf222e,color:#24292f");
  for (const state of ["idle", "active", "blocked"]) {
    const ids = doc.streams.filter((s) => s.state === state && known.has(s.id)).map((s) => node(s.id));
    if (ids.length > 0) lines.push(`  class ${ids.join(",")} ${state}`);
  }
  return lines.join("\n");
}
function more(n, what) {
  return n > 0 ? [`…and ${n} more ${what} (all in the JSON below).`] : [];
}
function streamSection(doc, stream, heading) {
  const out = [heading, ""];
  const changes = doc.changes.filter((c) => c.stream === stream);
  const locks = doc.locks.filter((k) => k.stream === stream);
  const intents = doc.intents.filter((x) => x.stream === stream);
  if (changes.length + locks.length + intents.length === 0) {
    out.push("Nothing open.", "");
    return out;
  }
  if (changes.length > 0) {
    out.push("| PR | verdict | merge gate | conflicts |", "|---|---|---|---|");
    for (const c of changes.slice(0, MAX_ROWS)) {
      const name = `${c.change}${c.title ? ` ${cell(c.title)}` : ""}${c.draft ? " (draft)" : ""} by @${cell(c.agent)}`;
      const gateText = c.overriddenBy ? `pass (override by @${cell(c.overriddenBy.by)})` : c.gate === "blocked" ? `blocked by ${clip(c.blockedBy.join(", "), 80)}` : "pass";
      const conflicts = c.conflicts.length === 0 ? "—" : c.conflicts.slice(0, 5).map((x) => `${x.type} ${x.file ? code(x.file) : ""} ↔ ${clip(x.holderChange ?? x.holder, 60)} → ${x.strategy}`).join("<br>") + (c.conflicts.length > 5 ? `<br>…${c.conflicts.length - 5} more` : "");
      out.push(`| ${c.url ? `[${name}](${c.url})` : name} | ${c.verdict} | ${gateText} | ${conflicts} |`);
    }
    out.push(...more(changes.length - MAX_ROWS, "PRs"), "");
  }
  if (locks.length > 0) {
    out.push("**Locks:**", "");
    for (const k of locks.slice(0, MAX_ROWS)) out.push(`- ${code(k.path)} held by ${cell(k.agent)}${k.change ? ` (${k.change})` : ""} for “${cell(k.task)}” until ${k.expiresAt}`);
    out.push(...more(locks.length - MAX_ROWS, "locks"), "");
  }
  if (intents.length > 0) {
    out.push("**Intents:**", "");
    for (const x of intents.slice(0, MAX_ROWS)) {
      const files = x.files.slice(0, 3).map(code).join(", ") + (x.files.length > 3 ? ` and ${x.files.length - 3} more` : "");
      out.push(`- ${cell(x.agent)}${x.change ? ` (${x.change})` : ""}: ${files}${x.description ? ` — ${cell(x.description)}` : ""} until ${x.expiresAt}`);
    }
    out.push(...more(intents.length - MAX_ROWS, "intents"), "");
  }
  return out;
}
function renderDashboardDoc(doc, config, opts = {}) {
  const title = opts.title ?? config.dashboard?.title ?? "PUCS dashboard";
  const out = [DASHBOARD_MARKER, `## ${cell(title)}`, ""];
  const blocked = doc.changes.filter((c) => c.gate === "blocked" || c.verdict === "blocked").length;
  const queued = doc.queues.reduce((n, q) => n + q.waiters.length, 0);
  out.push(
    `**${doc.changes.length}** open PR${doc.changes.length === 1 ? "" : "s"} (${blocked} blocked) · **${doc.locks.length}** live lock${doc.locks.length === 1 ? "" : "s"}${doc.expiredLocks > 0 ? ` (+${doc.expiredLocks} expired)` : ""} · **${doc.intents.length}** intent${doc.intents.length === 1 ? "" : "s"} · **${queued}** waiting in queues${doc.session ? ` · session ${code(doc.session.id)}` : ""}`,
    "",
    "```mermaid",
    dashboardGraph(doc, config),
    "```",
    "",
    `${STATE_ICON.idle} idle: nothing open · ${STATE_ICON.active} active: open PRs or claims · ${STATE_ICON.blocked} blocked: a PR waits for the merge gate or a lock`,
    "",
    "### Actions",
    "",
    "Tick a box: PUCS acts, unticks it and notes who did what in the ledger's history.",
    "",
    `- [ ] ${actionKey({ name: "release-expired" })} Release expired locks (${doc.expiredLocks} now) — needs write access`,
    `- [ ] ${actionKey({ name: "rerun-gate" })} Re-run the gate for all open PRs (re-publish every report) — needs write access`
  );
  for (const k of doc.locks.slice(0, MAX_ROWS)) {
    out.push(`- [ ] ${actionKey({ name: "release-lock", lease: k.lease })} Release ${code(k.path)} held by ${cell(k.agent)}${k.change ? ` (${k.change})` : ""} — needs maintain, or being its holder`);
  }
  out.push(...more(doc.locks.length - MAX_ROWS, "locks"), "");
  doc.phases.forEach((layer, i) => {
    out.push(`### Phase ${i + 1}`, "");
    for (const id of layer) {
      const s = doc.streams.find((x) => x.id === id);
      const state = s?.state ?? "idle";
      out.push(...streamSection(doc, id, `#### ${STATE_ICON[state]} ${id}${s && s.name !== id ? ` — ${cell(s.name)}` : ""} · ${state}`));
    }
  });
  const known = new Set(doc.phases.flat());
  const outside = [.../* @__PURE__ */ new Set([...doc.changes.map((c) => c.stream), ...doc.locks.map((k) => k.stream), ...doc.intents.map((x) => x.stream)])].filter((s) => s === null || !known.has(s));
  for (const s of outside) out.push(...streamSection(doc, s, s === null ? "### No stream" : `### ${s} (not in the config)`));
  if (doc.agents.length > 0) {
    out.push("### Agents", "", "| agent | stream | session | last seen | worktree |", "|---|---|---|---|---|");
    for (const a of doc.agents.slice(0, MAX_ROWS)) out.push(`| ${cell(a.agent)} | ${a.stream ? cell(a.stream) : "—"} | ${a.session ? code(a.session) : "—"} | ${a.lastSeen} | ${a.worktree ? code(a.worktree) : "—"} |`);
    out.push(...more(doc.agents.length - MAX_ROWS, "agents"), "");
  }
  out.push("### Queues", "");
  if (doc.queues.length === 0) out.push("Nobody is waiting.", "");
  else {
    for (const q of doc.queues.slice(0, MAX_ROWS)) out.push(`- ${code(q.path)}: ${q.waiters.map((w) => `${w.position}. ${cell(w.agent)}${w.change ? ` (${w.change})` : ""}`).join(", ")}`);
    out.push(...more(doc.queues.length - MAX_ROWS, "queues"), "");
  }
  out.push("### Recent releases and overrides", "");
  if (doc.history === null) out.push("_From what the ledger holds (its history was not read): overrides only._", "");
  else if (doc.history.length === 0) out.push("None in the ledger's recent history.", "");
  else {
    out.push("_From the ledger's last commits (its audit trail)._", "");
    for (const h of doc.history) out.push(`- ${h.at} ${h.kind}: ${cell(h.message)}`);
    out.push("");
  }
  if (doc.overrides.length > 0) {
    out.push("**Gate overrides in force:**", "");
    for (const o of doc.overrides) out.push(`- ${o.change} by @${cell(o.by)} at ${o.at}: ${cell(o.reason)}`);
    out.push("");
  }
  let head = out.join("\n");
  if (head.length > MAX_BODY) head = `${head.slice(0, head.lastIndexOf("\n", MAX_BODY))}

…cut at GitHub's size limit: \`pucs status\` shows everything.
`;
  if (opts.json === false) return `${head}
_The machine-readable status is left out: it would pass GitHub's size limit (\`pucs status --json\` has it)._
`;
  const { generatedAt: _omit, ...stable } = doc;
  void _omit;
  const json = JSON.stringify(stable, null, 2);
  const body = `${head}
<details><summary>Machine-readable status (pucs.status/v1)</summary>

\`\`\`json
${json}
\`\`\`

</details>
`;
  if (body.length > MAX_BODY) return renderDashboardDoc(doc, config, { ...opts, json: false });
  return body;
}

// src/cli/board.ts
import { mkdirSync as mkdirSync2, watch } from "node:fs";
import { join as join2 } from "node:path";
var ESC = "\x1B[";
var STATE_MARK = { idle: "·", active: "●", blocked: "✖" };
function fit(line, width) {
  return line.length > width ? `${line.slice(0, Math.max(0, width - 1))}…` : line;
}
function boardLines(doc, now, source) {
  const out = [];
  const queued = doc.queues.reduce((n, q) => n + q.waiters.length, 0);
  out.push(`PUCS board — ${source}${doc.session ? ` — session ${doc.session.id}` : ""}`);
  out.push(`${doc.changes.length} open change(s), ${doc.locks.length} live lock(s)${doc.expiredLocks ? ` (+${doc.expiredLocks} expired)` : ""}, ${doc.intents.length} intent(s), ${queued} waiting`);
  out.push("");
  out.push("STREAMS");
  if (doc.streams.length === 0) out.push("  (no valid config: streams unknown)");
  doc.phases.forEach((layer, i) => {
    const cells = layer.map((id) => {
      const s = doc.streams.find((x) => x.id === id);
      return `${STATE_MARK[s?.state ?? "idle"]} ${id} ${s?.state ?? "idle"}${s && s.changes.length ? ` (${s.changes.join(" ")})` : ""}`;
    });
    out.push(`  Phase ${i + 1}: ${cells.join("   ")}`);
  });
  out.push("");
  out.push("LOCKS");
  if (doc.locks.length === 0) out.push("  (none)");
  for (const k of doc.locks) {
    out.push(`  ${k.path}  ${k.agent}${k.change ? ` ${k.change}` : ""} [${k.stream ?? "no stream"}] "${k.task}"  ${formatDuration(Math.max(0, Date.parse(k.expiresAt) - now))} left`);
  }
  out.push("");
  out.push("QUEUES");
  if (doc.queues.length === 0) out.push("  (none)");
  for (const q of doc.queues) out.push(`  ${q.path}: ${q.waiters.map((w) => `${w.position}. ${w.agent}${w.change ? ` (${w.change})` : ""}`).join("  ")}`);
  out.push("");
  out.push("INTENTS");
  if (doc.intents.length === 0) out.push("  (none)");
  for (const x of doc.intents) out.push(`  ${x.agent} [${x.stream ?? "no stream"}] ${x.files.slice(0, 3).join(", ")}${x.files.length > 3 ? ` +${x.files.length - 3}` : ""}  "${x.description}"`);
  out.push("");
  out.push("CHANGES AND CONFLICTS");
  if (doc.changes.length === 0) out.push("  (none)");
  for (const c of doc.changes) {
    out.push(`  ${c.change} ${c.agent} [${c.stream ?? "no stream"}] ${c.verdict}, gate ${c.gate}${c.blockedBy.length ? ` (waits for ${c.blockedBy.join(", ")})` : ""}`);
    for (const x of c.conflicts.slice(0, 5)) out.push(`      ${x.type} ${x.file || "(change)"} ↔ ${x.holderChange ?? x.holder} → ${x.strategy}`);
    if (c.conflicts.length > 5) out.push(`      … ${c.conflicts.length - 5} more`);
  }
  return out;
}
async function runBoard(opts) {
  const { io } = opts;
  let { doc, version } = await opts.load();
  if (!io.isTTY || !io.keys) {
    io.write(boardLines(doc, opts.now(), opts.source).join("\n") + "\n");
    return 0;
  }
  const draw = () => {
    const width = Math.max(20, io.columns);
    const height = Math.max(5, io.rows);
    const lines = boardLines(doc, opts.now(), opts.source).map((l) => fit(l, width));
    const shown = lines.length > height - 1 ? [...lines.slice(0, height - 2), `… ${lines.length - height + 2} more lines`] : lines;
    io.write(`${ESC}H${ESC}2J${shown.join("\r\n")}\r
${ESC}7m q quit · r redraw · watching the ledger ref ${ESC}0m`);
  };
  io.write(`${ESC}?1049h${ESC}?25l`);
  draw();
  return await new Promise((resolve5) => {
    const watchers = [];
    let pending = null;
    let reading = false;
    let again = false;
    const refresh = async (force) => {
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      try {
        const next = await opts.load();
        if (force || next.version !== version) {
          doc = next.doc;
          version = next.version;
          draw();
        }
      } catch (e) {
        io.write(`${ESC}H${ESC}2Jcannot read the ledger: ${e.message}\r
`);
      } finally {
        reading = false;
        if (again) {
          again = false;
          void refresh(false);
        }
      }
    };
    const schedule = () => {
      if (pending) clearTimeout(pending);
      pending = setTimeout(() => {
        pending = null;
        void refresh(false);
      }, 30);
    };
    if (opts.commonDir) {
      const refsDir = join2(opts.commonDir, "refs", "pucs");
      mkdirSync2(refsDir, { recursive: true });
      watchers.push(watch(refsDir, () => schedule()));
      watchers.push(watch(opts.commonDir, (_e, name) => {
        if (name === null || String(name).startsWith("packed-refs")) schedule();
      }));
    }
    const minute = setInterval(() => void refresh(true), 6e4);
    const keys = io.keys;
    const wasRaw = keys.isRaw;
    keys.setRawMode?.(true);
    keys.resume();
    const onKey = (buf) => {
      const k = buf.toString("utf8");
      if (k === "q" || k === "Q" || k === "") finish(0);
      else if (k === "r" || k === "R") void refresh(true);
    };
    const finish = (code2) => {
      for (const w of watchers) w.close();
      clearInterval(minute);
      if (pending) clearTimeout(pending);
      keys.off("data", onKey);
      keys.setRawMode?.(wasRaw ?? false);
      keys.pause();
      io.write(`${ESC}?25h${ESC}?1049l`);
      resolve5(code2);
    };
    keys.on("data", onKey);
  });
}

// src/engine/report.ts
var REPORT_MARKER = "<!-- pucs:report -->";
var REPORT_SCHEMA = "pucs.report/v1";
var MAX_BODY2 = 6e4;
var MAX_TABLE_ROWS = 50;
var MAX_JSON_CONFLICTS = 100;
function countByType(conflicts) {
  const counts = {};
  for (const c of conflicts) counts[c.type] = (counts[c.type] ?? 0) + 1;
  return counts;
}
function reportJson(ev, maxConflicts = Number.POSITIVE_INFINITY) {
  const shown = ev.conflicts.slice(0, maxConflicts);
  return {
    schema: REPORT_SCHEMA,
    change: ev.change,
    stream: ev.stream,
    streamSource: ev.streamSource,
    verdict: ev.verdict,
    counts: countByType(ev.conflicts),
    conflicts: shown,
    omitted: ev.conflicts.length - shown.length,
    suggestions: ev.suggestions
  };
}
var TYPE_LABEL = {
  LOCKED: "locked",
  CAPACITY: "at capacity",
  INTENT_OVERLAP: "overlap",
  DEPENDENCY: "dependency",
  CRITICAL: "critical"
};
function checkTitle(ev) {
  const counts = countByType(ev.conflicts);
  const parts = Object.keys(TYPE_LABEL).filter((t) => counts[t]).map((t) => `${counts[t]} ${TYPE_LABEL[t]}`);
  switch (ev.verdict) {
    case "clear":
      return "No conflicts";
    case "safe-overlap":
      return `Safe to merge in parallel: ${parts.join(", ")}`;
    case "needs-decision":
      return `Needs a decision: ${parts.join(", ")}`;
    case "blocked":
      return `Blocked: ${parts.join(", ")}`;
  }
}
function cell2(s) {
  return s.replace(/\r?\n/g, " ").replace(/\|/g, "\\|");
}
function other(c) {
  if (c.holderChange) return c.holderChange === c.holder ? c.holder : `${c.holderChange} (@${c.holder})`;
  return c.holder;
}
var ICON = { QUEUE: "⏳", PARTITION: "✂️", MERGE: "✅", ARBITRATE: "⚖️", ROLLBACK: "↩️" };
function renderMarkdown(ev, opts = {}) {
  const marker = opts.marker ?? REPORT_MARKER;
  const lines = [];
  if (marker) lines.push(marker);
  lines.push(`### ${opts.heading ?? "PUCS"}: ${checkTitle(ev)}`, "");
  const streamLine = ev.stream ? `**Stream:** ${ev.stream} (from ${ev.streamSource})` : "**Stream:** none (no label, commit prefix, branch or owned file names one)";
  lines.push(`${streamLine} · **Files:** ${ev.files.length} · **Verdict:** ${ev.verdict}`, "");
  const steps = new Set(ev.conflicts.map((c) => c.nextStep));
  const notes = ev.suggestions.filter((s) => !steps.has(s));
  if (notes.length > 0) lines.push(...notes.map((n) => `> ${n.startsWith("ROLLBACK") ? "↩️" : "ℹ️"} ${n.replace(/\r?\n/g, " ")}`), "");
  if (ev.conflicts.length === 0) {
    lines.push("No one else holds a lock, an intent or open changes on these files. ✅");
  } else {
    lines.push("| Type | File | Other side | Stream | Strategy | Next step |", "|---|---|---|---|---|---|");
    for (const c of ev.conflicts.slice(0, MAX_TABLE_ROWS)) {
      const lines_ = c.lines ? ` (${c.lines.overlapping.map(rangeText).join(", ")})` : "";
      lines.push(
        `| ${c.type} | ${c.file ? `\`${cell2(c.file)}\`${lines_}` : "—"} | ${cell2(other(c))} | ${c.holderStream ?? "—"} | ${ICON[c.strategy]} ${c.strategy} | ${cell2(c.details)} ${cell2(c.decided ? `✔️ decided by @${c.decided.by}: ${c.decided.note}` : c.nextStep)} |`
      );
    }
    if (ev.conflicts.length > MAX_TABLE_ROWS) {
      lines.push("", `…and ${ev.conflicts.length - MAX_TABLE_ROWS} more (all in the JSON below, up to ${MAX_JSON_CONFLICTS}).`);
    }
  }
  const head = lines.join("\n");
  let json = JSON.stringify(reportJson(ev, MAX_JSON_CONFLICTS), null, 2);
  for (let n = MAX_JSON_CONFLICTS; head.length + json.length > MAX_BODY2 && n > 0; n = Math.floor(n / 2)) {
    json = JSON.stringify(reportJson(ev, Math.floor(n / 2)), null, 2);
  }
  return `${head}

<details><summary>Machine-readable report (${REPORT_SCHEMA})</summary>

\`\`\`json
${json}
\`\`\`

</details>
`;
}
function rangeText(r) {
  return r.end < r.start ? `before L${r.start}` : r.start === r.end ? `L${r.start}` : `L${r.start}-${r.end}`;
}
function renderText(ev) {
  const out = [];
  out.push(`Change: ${ev.change}   Stream: ${ev.stream ?? "none"}${ev.stream ? ` (from ${ev.streamSource})` : ""}   Files: ${ev.files.length}`);
  if (ev.conflicts.length === 0) {
    out.push("No conflicts: nobody else holds a lock, an intent or open changes on these files.");
    return out.join("\n") + "\n";
  }
  out.push(`${ev.verdict === "safe-overlap" ? "OVERLAPS (safe in parallel)" : "CONFLICTS DETECTED"} (${ev.conflicts.length}): ${checkTitle(ev)}`);
  for (const c of ev.conflicts) {
    out.push(`  - ${c.type}: ${c.file || "(whole change)"}   [${c.strategy}]`);
    out.push(`    Holder: ${other(c)}${c.holderStream ? ` (${c.holderStream})` : ""}`);
    out.push(`    Details: ${c.details}`);
    if (c.decided) out.push(`    Decided by ${c.decided.by} at ${c.decided.at}: ${c.decided.note}`);
    if (c.lines) {
      out.push(`    Lines: ${c.lines.overlapping.map(rangeText).join(", ")}; this side: ${c.lines.mine.join(", ") || "-"}; other side: ${c.lines.theirs.join(", ") || "-"}`);
    }
  }
  out.push("", "Suggestions:");
  for (const s of ev.suggestions) out.push(`  - ${s}`);
  return out.join("\n") + "\n";
}

// src/engine/merge-check.ts
var isIntent = (c) => c.details.includes(" intends to work on ");
function confirmWithGit(ev, answers) {
  if (answers.length === 0) return ev;
  const byChange2 = new Map(answers.map((a) => [a.change, a]));
  const conflicts = ev.conflicts.map((c) => {
    if (c.type !== "INTENT_OVERLAP" || !c.holderChange || isIntent(c)) return c;
    const a = byChange2.get(c.holderChange);
    if (!a) return c;
    const sha = a.headSha.slice(0, 7);
    const conflicted = a.conflicted.has(c.file);
    if (conflicted && c.strategy !== "PARTITION") {
      const { lines: _lines, ...rest } = c;
      return {
        ...rest,
        strategy: "PARTITION",
        details: `${c.details} But git's own merge of this branch with ${c.holderChange} (${sha}) conflicts in ${c.file} (git merge-tree).`,
        nextStep: `Partition ${c.file} with ${c.holderChange}: git's merge of the two heads conflicts there; move the overlapping edit to one side, or queue behind ${c.holderChange}.`
      };
    }
    if (!conflicted && c.strategy === "PARTITION") {
      const { lines: _lines, ...rest } = c;
      return {
        ...rest,
        strategy: "MERGE",
        details: `${c.details} git's own merge of this branch with ${c.holderChange} (${sha}) merges ${c.file} cleanly (git merge-tree), so the overlap needs no decision.`,
        nextStep: `Safe in parallel: git merges this branch and ${c.holderChange} cleanly in ${c.file} (checked with git merge-tree at ${sha}).`
      };
    }
    return { ...c, details: `${c.details} Confirmed by git merge-tree with ${c.holderChange} (${sha}).` };
  });
  conflicts.sort(compareConflicts);
  return { ...ev, conflicts, verdict: verdictOf(conflicts), suggestions: [...new Set(conflicts.map((c) => c.nextStep))].slice(0, 10) };
}

// src/symbols/loader.ts
import { createRequire } from "node:module";
import { dirname as dirname3, join as join3 } from "node:path";
var runtime = null;
var languages = /* @__PURE__ */ new Map();
var loaded = /* @__PURE__ */ new Map();
function resolveDir(pkg) {
  try {
    return dirname3(createRequire(import.meta.url).resolve(pkg));
  } catch {
    return null;
  }
}
async function loadRuntime() {
  try {
    const dir = resolveDir("web-tree-sitter");
    if (!dir) return null;
    const ts = await import("./web-tree-sitter-MKDH6W4J.js");
    await ts.Parser.init({ locateFile: (name) => join3(dir, name) });
    return ts;
  } catch {
    return null;
  }
}
async function loadLanguages(langs) {
  runtime ??= loadRuntime();
  const ts = await runtime;
  const pending = [];
  for (const lang of langs) {
    if (loaded.has(lang)) continue;
    let p = languages.get(lang);
    if (!p) {
      p = (async () => {
        const wasmDir = resolveDir("@vscode/tree-sitter-wasm");
        if (!ts || !wasmDir) {
          loaded.set(lang, null);
          return;
        }
        try {
          const language = await ts.Language.load(join3(wasmDir, `tree-sitter-${lang}.wasm`));
          const parser = new ts.Parser();
          parser.setLanguage(language);
          loaded.set(lang, { parse: (text) => parser.parse(text)?.rootNode ?? null });
        } catch {
          loaded.set(lang, null);
        }
      })();
      languages.set(lang, p);
    }
    pending.push(p);
  }
  await Promise.all(pending);
}
var parseLoaded = (lang, text) => loaded.get(lang)?.parse(text) ?? null;

// src/cli/check-refine.ts
var MAX_MERGE_CHECKS = 10;
async function checkEvaluation(root, change, ledger, config, now, opts, mergeBase2) {
  let ev = evaluate(change, ledger, config, now, opts);
  const files = partitionedFiles(ev);
  if (files.length > 0) {
    const [texts] = await Promise.all([showFiles(root, mergeBase2, files.map((f) => f.path)), loadLanguages(new Set(files.map((f) => f.lang)))]);
    const symbols = /* @__PURE__ */ new Map();
    for (const f of files) {
      const text = texts.get(f.path);
      const tree = text === void 0 ? null : parseLoaded(f.lang, text);
      if (tree) symbols.set(f.path, definitionsOf(tree, f.lang));
    }
    if (symbols.size > 0) ev = evaluate(change, ledger, config, now, { ...opts, symbols });
  }
  const holders = [...new Set(ev.conflicts.filter((c) => c.type === "INTENT_OVERLAP" && c.holderChange).map((c) => c.holderChange))];
  const footprints = ledger.footprints.filter((f) => holders.includes(f.change) && f.change !== change.id).slice(0, MAX_MERGE_CHECKS);
  if (footprints.length === 0 || !await workTreeClean(root)) return ev;
  const head = await revParse(root, "HEAD");
  if (head === null) return ev;
  const answers = [];
  for (const fp of footprints) {
    if (!/^[0-9a-f]{40,64}$/.test(fp.headSha) || !await hasCommit(root, fp.headSha)) continue;
    const conflicted = await mergeTreeConflicts(root, head, fp.headSha);
    if (conflicted !== null) answers.push({ change: fp.change, headSha: fp.headSha, conflicted: new Set(conflicted) });
  }
  return confirmWithGit(ev, answers);
}

// src/cli/check-plan.ts
var CHECK_SPEC = {
  name: "check",
  usage: "pucs check [--base REF] [--agent A] [--stream S] [--record] [--format text|markdown] [--json]",
  summary: "Check this branch's changes (vs. its merge base) against the ledger: the report the GitHub App posts",
  options: { base: { type: "string" }, agent: { type: "string" }, stream: { type: "string" }, record: { type: "boolean" }, format: { type: "string" } },
  positionals: 0
};

// src/cli/check.ts
function checkChange(g, agent, warn) {
  const parsed = parseUnifiedDiff(g.diff + g.untracked.diff);
  for (const path of g.untracked.whole) parsed.files.push({ path, status: "added", hunks: null });
  for (const e of parsed.errors) warn(`warning: git diff: ${e}
`);
  return {
    id: g.branch ? `branch:${g.branch}` : "HEAD",
    agent,
    ...g.branch ? { branch: g.branch } : {},
    commitMessages: g.commitMessages,
    files: parsed.files
  };
}
function judgeAsOpenPr(change, ledger, headSha, agentNamed) {
  const pr = changeAtHead(ledger.footprints, headSha);
  if (pr) {
    change.id = pr.change;
    if (!agentNamed) change.agent = pr.agent;
  }
  return pr;
}
async function printCheck(io, root, change, ledger, config, now, stream, g) {
  const ev = await checkEvaluation(root, change, ledger, config, now, stream ? { stream } : {}, g.mergeBase);
  const ok = ev.verdict === "clear" || ev.verdict === "safe-overlap";
  if (io.json) io.out(JSON.stringify({ ok, command: "check", base: g.base, mergeBase: g.mergeBase, files: ev.files, report: reportJson(ev) }, null, 2) + "\n");
  else io.out(io.format === "markdown" ? renderMarkdown(ev) : renderText(ev));
  return ok ? 0 : 1;
}

// src/cli/hook.ts
import { chmodSync, existsSync as existsSync2, mkdirSync as mkdirSync3, readFileSync as readFileSync2, renameSync, rmSync, statSync as statSync2, writeFileSync as writeFileSync2 } from "node:fs";
import { dirname as dirname4, isAbsolute as isAbsolute2, join as join4, resolve as resolve3 } from "node:path";
import { fileURLToPath } from "node:url";
var HOOK_MARKER = "# pucs-commit-guard v1";
var CHAINED_SUFFIX = ".pucs-chained";
var HookError = class extends Error {
};
async function hooksDir(root) {
  const res = await git(["rev-parse", "--git-path", "hooks"], { cwd: root });
  if (res.code !== 0) throw gitError(["rev-parse", "--git-path", "hooks"], res, root);
  const p = res.stdout.trim();
  return isAbsolute2(p) ? p : resolve3(root, p);
}
function defaultHookBundle() {
  let dir = dirname4(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5 && !existsSync2(join4(dir, "package.json")); i++) dir = dirname4(dir);
  return join4(dir, "dist", "hook.js");
}
var shq = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
function hookScript(bundle, node2) {
  return [
    "#!/bin/sh",
    HOOK_MARKER,
    "# Installed by `pucs hook install`; `pucs hook uninstall` removes it (and puts back a hook it chained).",
    "# Refuses a commit touching files under another agent's live PUCS lock. Skip it once: git commit --no-verify",
    `if [ -x "$0${CHAINED_SUFFIX}" ]; then "$0${CHAINED_SUFFIX}" "$@" || exit $?; fi`,
    `PUCS_HOOK_JS=${shq(bundle)}`,
    `PUCS_NODE=${shq(node2)}`,
    `[ -x "$PUCS_NODE" ] || PUCS_NODE=node`,
    `if [ ! -f "$PUCS_HOOK_JS" ]; then echo "PUCS commit guard: $PUCS_HOOK_JS is gone, so this commit was not checked (run pucs hook install again, or pucs hook uninstall)" >&2; exit 0; fi`,
    `exec "$PUCS_NODE" "$PUCS_HOOK_JS" pre-commit`,
    ""
  ].join("\n");
}
var isOurs = (path) => existsSync2(path) && readFileSync2(path, "utf8").includes(HOOK_MARKER);
async function installHook(root, opts) {
  const dir = await hooksDir(root);
  const hook = join4(dir, "pre-commit");
  const chained = hook + CHAINED_SUFFIX;
  mkdirSync3(dir, { recursive: true });
  const updated = isOurs(hook);
  if (!updated && existsSync2(hook)) {
    if (existsSync2(chained)) {
      throw new HookError(
        `${hook} is not PUCS's hook, and ${chained} (a hook PUCS kept earlier) exists too: PUCS will not overwrite either. Move one of them away and run pucs hook install again.`
      );
    }
    renameSync(hook, chained);
  }
  writeFileSync2(hook, hookScript(opts.bundle, opts.node));
  chmodSync(hook, 493);
  return { hook, chained: existsSync2(chained) ? chained : null, updated };
}
async function uninstallHook(root) {
  const dir = await hooksDir(root);
  const hook = join4(dir, "pre-commit");
  const chained = hook + CHAINED_SUFFIX;
  if (!isOurs(hook)) return { hook, removed: false, restored: null };
  rmSync(hook);
  if (existsSync2(chained)) {
    renameSync(chained, hook);
    return { hook, removed: true, restored: hook };
  }
  return { hook, removed: true, restored: null };
}

// src/cli/run.ts
var VERSION = "1.0.0";
var EXIT = { OK: 0, CONFLICT: 1, USAGE: 2 };
var CliFailure = class extends Error {
  constructor(message, code2, data = {}) {
    super(message);
    this.code = code2;
    this.data = data;
  }
  code;
  data;
};
async function lifecycleIo(ctx, p, spec2) {
  const repo = await openRepo(ctx, p, { write: true });
  return {
    cwd: ctx.cwd,
    now: ctx.now(),
    newId: () => ctx.newId(),
    agent: () => agentOf(ctx, p, spec2),
    agentIfAny: () => str(p, "agent") ?? ctx.env.PUCS_AGENT,
    read: async () => (await repo.store.read()).ledger,
    commit: (fn) => commit(repo, fn),
    config: () => loadConfig(ctx, repo, p),
    branch: () => currentBranch(repo.root),
    emit: (json, text) => emit(ctx, p, json, text),
    refuse: (message, data) => {
      throw new CliFailure(message, EXIT.CONFLICT, data);
    }
  };
}
function breakerRefusal(o) {
  throw new CliFailure(`ERROR: ${o.details}`, EXIT.CONFLICT, { result: "breaker-open", stream: o.stream, state: o.state, trippedBy: o.trippedBy, halfOpensAt: o.halfOpensAt, trial: o.trial });
}
var S = (name, usage, summary, options, positionals = 0) => ({
  name,
  usage,
  summary,
  options,
  positionals
});
var SPECS = [
  S("init", "pucs init [--session PUCS-YYYYMMDD-NNN|new] [--write-config]", "Start a coordination session (a new one, PUCS-<today>-<next free NNN>, unless --session names one; --write-config writes a starter config)", {
    session: { type: "string" },
    "write-config": { type: "boolean" }
  }),
  S(
    "register",
    "pucs register --agent A --stream S [--session PUCS-YYYYMMDD-NNN|new] [--json]",
    "Record an agent in the ledger: its stream, session, worktree, first and last seen (seed §6 REGISTER)",
    { agent: { type: "string" }, stream: { type: "string" }, session: { type: "string" } }
  ),
  S("status", "pucs status [--stream S] [--agent A] [--json] [--format text|markdown]", "Session, agents, live locks, intents, queues and open changes, of one stream or agent with --stream/--agent (markdown: the dashboard issue's body)", {
    format: { type: "string" },
    stream: { type: "string" },
    agent: { type: "string" }
  }),
  S("board", "pucs board", "Live full-screen view of streams, locks, queues and conflicts; redraws when the ledger moves, q quits", {}),
  S(
    "lock",
    "pucs lock <path|glob> --agent A --stream S --task T [--duration D]",
    "Take an exclusive lock (exit 1 when someone else holds it)",
    { agent: { type: "string" }, stream: { type: "string" }, task: { type: "string" }, duration: { type: "string" }, change: { type: "string" } },
    1
  ),
  S("unlock", "pucs unlock <path|glob> --agent A [--force]", "Release a lock you hold (--force: someone else's)", { agent: { type: "string" }, force: { type: "boolean" } }, 1),
  S(
    "intent",
    "pucs intent --agent A --stream S --files f1,f2 --description TEXT [--duration D] [--force]",
    "Declare the files you are about to change; exit 1 listing conflicts (not recorded unless --force)",
    {
      agent: { type: "string" },
      stream: { type: "string" },
      files: { type: "string" },
      description: { type: "string" },
      duration: { type: "string" },
      force: { type: "boolean" },
      change: { type: "string" }
    }
  ),
  S("queue", "pucs queue <path> --agent A", "Wait in line for a locked path (FIFO); you are named when it frees", { agent: { type: "string" }, change: { type: "string" } }, 1),
  S("release", "pucs release --agent A | --change C [--close]", "Drop the locks, intents and queue places of an agent (its local claims) or of a change; --close also drops the change's footprint and gate override", {
    agent: { type: "string" },
    change: { type: "string" },
    close: { type: "boolean" }
  }),
  S("cleanup", "pucs cleanup", "Remove expired locks and intents", {}),
  CHECK_SPEC,
  S("log", "pucs log [-n N]", "The ledger's audit trail (one commit per change)", { n: { type: "string", short: "n" } }),
  S("worktree", "pucs worktree add <STREAM> [--base REF]", "Create ../<repo>-stream-<id> on branch feature/stream-<ID> (seed §5.1)", { base: { type: "string" } }, 2),
  S("hook", "pucs hook install|uninstall", "Install (or remove) the git pre-commit hook that refuses commits touching files under another agent's live lock", {}, 1),
  S(
    "handoff",
    "pucs handoff --to AGENT [--agent FROM] [--completed …] [--pending …] [--warnings …] [--review FILES] [--commits SHAS] [--branch B] [--stream S] [--change C] [--note TEXT] | pucs handoff show [--agent A] [--write-file PATH] | pucs handoff ack [--agent A]",
    "Hand your locks, intents and queue places to another agent with a handoff note (seed §3.2); show/ack the handoffs to you",
    {
      to: { type: "string" },
      agent: { type: "string" },
      completed: { type: "string", multiple: true },
      pending: { type: "string", multiple: true },
      warnings: { type: "string", multiple: true },
      review: { type: "string", multiple: true },
      commits: { type: "string", multiple: true },
      branch: { type: "string" },
      stream: { type: "string" },
      change: { type: "string" },
      note: { type: "string" },
      "write-file": { type: "string" }
    },
    [0, 1]
  ),
  S(
    "breaker",
    "pucs breaker status|reset|record-failure [--stream S] [--reason TEXT] [--agent A --error TEXT]",
    "Stream circuit breakers (seed §3.3): show their state, reset one, or record a failure",
    { stream: { type: "string" }, reason: { type: "string" }, agent: { type: "string" }, error: { type: "string" }, change: { type: "string" } },
    [0, 1]
  ),
  S("rollback", "pucs rollback <commit>", "Prepare the revert of a commit (a merge: git revert -m 1) in a new worktree, naming the PR and stream PUCS tracked for it (seed §8.1 ROLLBACK)", {}, 1),
  S("config", "pucs config [--json] [--schema]", "Validate the stream config and print its streams and merge phases (--schema: print its JSON Schema)", { schema: { type: "boolean" } })
];
function helpText() {
  const width = Math.max(...SPECS.map((s) => s.name.length));
  return [
    `pucs ${VERSION} — Parallel Upgrade Coordination System`,
    "",
    "Usage: pucs <command> [options]",
    "",
    "Commands:",
    ...SPECS.map((s) => `  ${s.name.padEnd(width)}  ${s.summary}`),
    "",
    "Options for every command: --json (machine-readable output), --config PATH, --help,",
    "  --remote NAME (use the ledger of a remote, e.g. the GitHub repository the App writes; or PUCS_REMOTE),",
    "  --local (use this clone's own ledger even though origin has one). By default a repository whose origin",
    "  has refs/pucs/ledger uses that one ledger (remembered in git config pucs.ledger).",
    "Durations: a bare number is minutes (45); also 90s, 45m, 2h, 1h30m.",
    "Agent: --agent, or the PUCS_AGENT environment variable.",
    "Exit codes: 0 ok, 1 conflict or refusal, 2 usage, config or ledger error.",
    ""
  ].join("\n");
}
async function openRepo(ctx, p, opts = {}) {
  let root;
  try {
    root = await repoRoot(ctx.cwd);
  } catch (err) {
    throw new CliFailure(`${err.message}
Run pucs inside a git repository (or one of its worktrees).`, EXIT.USAGE);
  }
  if (ctx.store) return { root, store: ctx.store(root) };
  let choice;
  try {
    choice = await chooseLedger(root, { remote: str(p, "remote") ?? ctx.env.PUCS_REMOTE, local: flag(p, "local"), recheck: opts.recheck === true, write: opts.write === true, now: ctx.now() });
  } catch (err) {
    if (err instanceof LedgerChoiceError) throw new CliFailure(err.message, EXIT.USAGE);
    throw err;
  }
  return { root, store: choice.kind === "remote" ? new RemoteRefStore({ cwd: root, remote: choice.remote }) : new GitRefStore({ cwd: root }), choice };
}
async function openRepoRoot(ctx) {
  try {
    return await repoRoot(ctx.cwd);
  } catch (err) {
    throw new CliFailure(`${err.message}
Run pucs inside a git repository (or one of its worktrees).`, EXIT.USAGE);
  }
}
async function loadConfig(ctx, repo, p) {
  const r = await loadConfigFile(repo.root, configArg(ctx, p));
  if (!r.ok) throw new CliFailure(r.issues.map(formatIssue).join("\n"), EXIT.USAGE, { issues: r.issues });
  for (const w of r.warnings) ctx.err(formatIssue(w) + "\n");
  return r.config;
}
function configArg(ctx, p) {
  const v = str(p, "config");
  return v === void 0 ? void 0 : resolve4(ctx.cwd, v);
}
function streamOf(config, id, spec2) {
  const exact = config.streams.find((s) => s.id === id) ?? config.streams.find((s) => s.id.toLowerCase() === id.toLowerCase());
  if (!exact) {
    throw new UsageError(`pucs ${spec2.name}: unknown stream ${JSON.stringify(id)}; configured streams: ${config.streams.map((s) => s.id).join(", ")}`, spec2.usage);
  }
  return exact.id;
}
function durationMinutes(p, spec2, fallbackMinutes) {
  const raw = str(p, "duration");
  if (raw === void 0) return fallbackMinutes;
  const d = parseDuration(raw);
  if (!d.ok) throw new UsageError(`pucs ${spec2.name}: --duration: ${d.message}`, spec2.usage);
  return d.ms / 6e4;
}
function sessionArg(p, spec2) {
  const v = str(p, "session");
  if (v === void 0 || v === "new") return v;
  const problem = sessionIdProblem(v);
  if (problem) throw new UsageError(`pucs ${spec2.name}: --session ${JSON.stringify(v)} is not a session id: ${problem}; or pass --session new for the next free id of today`, spec2.usage);
  return v;
}
function tooLong(spec2, reason) {
  throw new UsageError(`pucs ${spec2.name}: ${reason}`, spec2.usage);
}
function repoPath(ctx, repo, input, spec2) {
  let p = input.trim().replace(/\\/g, "/");
  if (p === "") throw new UsageError(`pucs ${spec2.name}: empty path`, spec2.usage);
  if (!isGlob(p)) {
    const abs = isAbsolute3(p) ? p : resolve4(ctx.cwd, p);
    const rel = relative2(repo.root, abs);
    if (rel.startsWith("..") || isAbsolute3(rel)) throw new UsageError(`pucs ${spec2.name}: ${input} is outside the repository ${repo.root}`, spec2.usage);
    p = rel.split(sep2).join("/");
    if (p === "") throw new UsageError(`pucs ${spec2.name}: ${input} is the repository root; name files or a glob such as 'src/**'`, spec2.usage);
    if (existsSync3(abs) && statSync3(abs).isDirectory()) p = `${p}/**`;
  } else {
    p = p.replace(/^\.\//, "");
  }
  const problem = validateGlob(p);
  if (problem) throw new UsageError(`pucs ${spec2.name}: ${JSON.stringify(input)}: ${problem}`, spec2.usage);
  return p;
}
function agentOf(ctx, p, spec2) {
  return required(p, "agent", spec2, ctx.env.PUCS_AGENT);
}
function iso(ms) {
  return new Date(ms).toISOString();
}
function emit(ctx, p, json, text) {
  if (flag(p, "json")) ctx.out(JSON.stringify(json, null, 2) + "\n");
  else ctx.out(text.endsWith("\n") ? text : text + "\n");
}
var CLI_CAS_RETRIES = 30;
async function commit(repo, fn) {
  return transact(repo.store, fn, { retries: CLI_CAS_RETRIES });
}
var handlers = {
  async init(ctx, p, spec2) {
    const given = sessionArg(p, spec2);
    const repo = await openRepo(ctx, p, { recheck: true });
    const now = ctx.now();
    const r = await commit(repo, (l) => given === void 0 || given === "new" ? startNewSession(l, now) : startSession(l, { id: given }, now));
    const session = r.outcome.session;
    const notes = [];
    let configPath = null;
    const found = await loadConfigFile(repo.root, configArg(ctx, p));
    if (found.ok) {
      configPath = found.path;
    } else if (found.path === null) {
      if (flag(p, "write-config")) {
        const files = await listFiles(repo.root);
        const target = join5(repo.root, "config", "pucs_streams.yaml");
        mkdirSync4(dirname5(target), { recursive: true });
        writeFileSync3(target, starterConfig(files), { flag: "wx" });
        configPath = "config/pucs_streams.yaml";
        notes.push(`Wrote a starter config to ${configPath} (one stream per top-level directory): review and commit it.`);
      } else {
        notes.push("No stream config found (config/pucs_streams.yaml or .github/pucs.yml). Run `pucs init --write-config` to write a starter one.");
      }
    } else {
      notes.push(`The stream config has problems:
${found.issues.map(formatIssue).join("\n")}`);
    }
    emit(
      ctx,
      p,
      { ok: true, command: "init", session, resumed: r.outcome.kind === "existing", config: configPath, notes },
      [
        r.outcome.kind === "existing" ? `PUCS session ${session.id} resumed (started ${session.startedAt})` : `PUCS session initialized: ${session.id} (started ${session.startedAt})`,
        repo.choice?.kind === "remote" ? `Ledger: ${repo.choice.remote}'s refs/pucs/ledger, shared with the GitHub App and every clone (${repo.choice.why})` : `Ledger: refs/pucs/ledger in this clone, shared by every worktree (${repo.choice?.why ?? "local"})`,
        ...notes
      ].join("\n")
    );
    return EXIT.OK;
  },
  async register(ctx, p, spec2) {
    const session = sessionArg(p, spec2);
    const repo = await openRepo(ctx, p, { write: true });
    const config = await loadConfig(ctx, repo, p);
    const agent = agentOf(ctx, p, spec2);
    const stream = streamOf(config, required(p, "stream", spec2), spec2);
    const now = ctx.now();
    const r = await commit(repo, (l) => registerAgent(l, { agent, stream, worktree: repo.root, ...session !== void 0 ? { session } : {} }, now));
    const o = r.outcome;
    const a = o.agent;
    emit(
      ctx,
      p,
      { ok: true, command: "register", result: o.kind, agent: a, newSession: o.newSession },
      [
        `${o.kind === "registered" ? "Registered" : "Registered again"}: ${a.agent} in ${a.stream ?? "no stream"}, session ${a.session}${o.newSession ? " (new)" : ""}`,
        `  Worktree: ${a.worktree ?? "unknown"}`,
        `  First seen: ${a.firstSeen}  Last seen: ${a.lastSeen} (its locks, intents and extensions keep it current)`
      ].join("\n")
    );
    return EXIT.OK;
  },
  async handoff(ctx, p, spec2) {
    return runHandoff(p, spec2, await lifecycleIo(ctx, p, spec2));
  },
  async breaker(ctx, p, spec2) {
    return runBreaker(p, spec2, await lifecycleIo(ctx, p, spec2));
  },
  async rollback(ctx, p) {
    const root = await openRepoRoot(ctx);
    return runRollback(p.positionals[0], {
      root,
      // The ledger only names the PR and stream: one that cannot be read does not stop the revert.
      ledger: async () => {
        try {
          return (await (await openRepo(ctx, p)).store.read()).ledger;
        } catch (err) {
          if (err instanceof CliFailure || err instanceof LedgerError || err instanceof GitError) return null;
          throw err;
        }
      },
      emit: (json, text) => emit(ctx, p, json, text),
      refuse: (message, data) => {
        throw new CliFailure(message, EXIT.CONFLICT, data);
      }
    });
  },
  async status(ctx, p, spec2) {
    const repo = await openRepo(ctx, p);
    const now = ctx.now();
    const { ledger } = await repo.store.read();
    const format = str(p, "format") ?? "text";
    if (format !== "text" && format !== "markdown") throw new UsageError(`pucs status: --format must be text or markdown, not ${JSON.stringify(format)}`, spec2.usage);
    const config = format === "markdown" ? await loadConfig(ctx, repo, p) : await optionalConfig(repo.root, configArg(ctx, p));
    const wantStream = str(p, "stream");
    const wantAgent = str(p, "agent");
    if (wantAgent !== void 0 && wantAgent.trim() === "") throw new UsageError("pucs status: --agent needs an agent name", spec2.usage);
    const filter = {
      ...wantStream !== void 0 ? { stream: config ? streamOf(config, wantStream, spec2) : wantStream } : {},
      ...wantAgent !== void 0 ? { agent: wantAgent } : {}
    };
    if (format === "markdown" && (filter.stream !== void 0 || filter.agent !== void 0)) throw new UsageError("pucs status: --format markdown is the whole dashboard; --stream and --agent filter the text and --json views", spec2.usage);
    const doc = filterStatus(await statusOf(repo.root, repo.store, ledger, config, now), filter);
    if (format === "markdown" && !flag(p, "json")) {
      ctx.out(renderDashboardDoc(doc, config));
      return EXIT.OK;
    }
    const json = { ok: true, command: "status", ...doc };
    const lines = ["=".repeat(60), "PUCS STATUS", "=".repeat(60), ""];
    lines.push(ledger.session ? `Session: ${ledger.session.id}
Started: ${ledger.session.startedAt}` : "No active session. Run 'pucs init' to start.");
    if (doc.filter) lines.push(`Showing: ${[doc.filter.stream !== void 0 ? `stream ${doc.filter.stream}` : null, doc.filter.agent !== void 0 ? `agent ${doc.filter.agent}` : null].filter((x) => x !== null).join(", ")} only`);
    if (doc.agents.length > 0 || doc.filter) {
      lines.push("", "--- Agents ---");
      if (doc.agents.length === 0) lines.push("  (none registered)");
      for (const a of doc.agents) {
        lines.push(`  ${a.agent} (${a.stream ?? "no stream"})  Session: ${a.session ?? "none"}`, `    Worktree: ${a.worktree ?? "unknown"}`, `    First seen: ${a.firstSeen}  Last seen: ${a.lastSeen} (${formatDuration(Math.max(0, now - Date.parse(a.lastSeen)))} ago)`);
      }
    }
    lines.push("", "--- Active Locks ---");
    if (doc.locks.length === 0) lines.push("  (none)");
    for (const l of doc.locks) {
      lines.push(`  ${l.path}`, `    Agent: ${l.agent} (${l.stream ?? "no stream"})${l.change ? `  Change: ${l.change}` : ""}${l.session ? `  Session: ${l.session}` : ""}`, `    Task: ${l.task}`, `    Expires: ${l.expiresAt} (in ${formatDuration(Math.max(0, Date.parse(l.expiresAt) - now))})`);
    }
    if (doc.expiredLocks > 0) lines.push(`  (${doc.expiredLocks} expired lock(s): run 'pucs cleanup')`);
    lines.push("", "--- Active Intents ---");
    if (doc.intents.length === 0) lines.push("  (none)");
    for (const i of doc.intents) {
      const shown = i.files.slice(0, 3).join(", ") + (i.files.length > 3 ? `, … (${i.files.length} files)` : "");
      lines.push(`  ${i.agent} (${i.stream ?? "no stream"})`, `    Files: ${shown}`, `    Task: ${i.description}`, `    Until: ${i.expiresAt}`);
    }
    lines.push("", "--- Queues ---");
    if (doc.queues.length === 0) lines.push("  (none)");
    for (const q of doc.queues) lines.push(`  ${q.path}: ${q.waiters.map((w) => `${w.position}. ${w.agent}${w.change ? ` (${w.change})` : ""}`).join("  ")}`);
    lines.push("", "--- Open Changes ---");
    if (doc.changes.length === 0) lines.push("  (none)");
    for (const f of doc.changes) lines.push(`  ${f.change} by ${f.agent} (${f.stream ?? "no stream"}): ${f.files} file(s)${f.draft ? " [draft]" : ""}`);
    const me = wantAgent ?? ctx.env.PUCS_AGENT;
    lines.push(...breakerLines(filter.stream === void 0 ? ledger : { ...ledger, breakers: (ledger.breakers ?? []).filter((b) => b.stream === filter.stream) }, now), ...pendingHandoffLines(ledger, me));
    emit(ctx, p, { ...json, ...me ? { pendingHandoffs: pendingHandoffs(ledger, me) } : {} }, lines.join("\n"));
    return EXIT.OK;
  },
  async lock(ctx, p, spec2) {
    const repo = await openRepo(ctx, p, { write: true });
    const config = await loadConfig(ctx, repo, p);
    const agent = agentOf(ctx, p, spec2);
    const stream = streamOf(config, required(p, "stream", spec2), spec2);
    const task = required(p, "task", spec2);
    const path = repoPath(ctx, repo, p.positionals[0], spec2);
    const ttlMinutes = durationMinutes(p, spec2, config.locks.defaultTtlMinutes);
    const change = str(p, "change");
    const lease = ctx.newId();
    const now = ctx.now();
    const r = await commit(
      repo,
      (l) => acquireLock(l, { path, agent, stream, task, ttlMinutes, lease, maxTtlMinutes: config.locks.maxTtlMinutes, queueGraceMinutes: config.locks.queueGraceMinutes, ...change ? { change } : {} }, now)
    );
    const o = r.outcome;
    if (o.kind === "too-long") tooLong(spec2, o.reason);
    if (o.kind === "held") {
      const h = o.lock;
      throw new CliFailure(
        [
          `ERROR: ${path} is already locked by ${h.agent}${h.change ? ` (${h.change})` : ""}${h.path !== path ? ` through its lock on ${h.path}` : ""}`,
          `  Stream: ${h.stream ?? "none"}`,
          `  Task: ${h.task}`,
          `  Expires: ${h.expiresAt} (in ${formatDuration(Math.max(0, Date.parse(h.expiresAt) - now))})`,
          `Suggestion (QUEUE): wait for ${h.agent} to release it or for the lock to expire; \`pucs queue ${path} --agent ${agent}\` puts you next in line.`
        ].join("\n"),
        EXIT.CONFLICT,
        { holder: h, strategy: "QUEUE" }
      );
    }
    if (o.kind === "queued") {
      const head = o.head;
      throw new CliFailure(
        [
          `ERROR: ${path} is free, but ${head.agent}${head.change ? ` (${head.change})` : ""} is first in line for ${o.path} (queued ${head.enqueuedAt}).`,
          `You are number ${o.position} in line${o.already ? "" : " now"}; the first in line has ${formatDuration(config.locks.queueGraceMinutes * 6e4)} after being told to take it, then loses its place.`,
          ...o.skipped.map((x) => `Skipped ${x.entry.agent}${x.entry.change ? ` (${x.entry.change})` : ""} in the queue for ${x.path}: silent past the grace.`),
          `Suggestion (QUEUE): run this again when told, or \`pucs status\` to see the queue.`
        ].join("\n"),
        EXIT.CONFLICT,
        { result: "queued", path: o.path, position: o.position, head, strategy: "QUEUE" }
      );
    }
    if (o.kind === "breaker-open") breakerRefusal(o);
    if (o.kind === "covered") {
      emit(ctx, p, { ok: true, command: "lock", result: "covered", lock: o.lock }, `Already yours: ${path} is covered by your lock on ${o.lock.path} until ${o.lock.expiresAt}`);
      return EXIT.OK;
    }
    const skipped = o.skipped.map((x) => `
Skipped ${x.entry.agent}${x.entry.change ? ` (${x.entry.change})` : ""} in the queue for ${x.path}: silent past the grace after being told.`).join("");
    emit(
      ctx,
      p,
      { ok: true, command: "lock", result: o.kind, lock: o.lock, skipped: o.skipped },
      `${o.kind === "renewed" ? "Lock renewed" : "Lock acquired"}: ${path} by ${agent} (${stream}) until ${o.lock.expiresAt}${skipped}`
    );
    return EXIT.OK;
  },
  async unlock(ctx, p, spec2) {
    const repo = await openRepo(ctx, p, { write: true });
    const agent = agentOf(ctx, p, spec2);
    const path = repoPath(ctx, repo, p.positionals[0], spec2);
    const now = ctx.now();
    const r = await commit(repo, (l) => releaseLock(l, { path, agent, force: flag(p, "force") }, now));
    const o = r.outcome;
    if (o.kind === "not-locked") throw new CliFailure(`Failed to release lock: ${path} is not locked.`, EXIT.CONFLICT, { result: "not-locked" });
    if (o.kind === "not-holder") {
      throw new CliFailure(
        `Failed to release lock: ${path} is held by ${o.lock.agent}${o.lock.change ? ` (${o.lock.change})` : ""}, not ${agent}. A maintainer can force it: pucs unlock ${path} --agent ${agent} --force`,
        EXIT.CONFLICT,
        { result: "not-holder", holder: o.lock }
      );
    }
    const next = o.next ? `
Next in line for ${path}: ${o.next.agent}${o.next.change ? ` (${o.next.change})` : ""}` : "";
    emit(ctx, p, { ok: true, command: "unlock", result: "released", lock: o.lock, next: o.next ?? null }, `Lock released: ${path}${next}`);
    return EXIT.OK;
  },
  async intent(ctx, p, spec2) {
    const repo = await openRepo(ctx, p, { write: true });
    const config = await loadConfig(ctx, repo, p);
    const agent = agentOf(ctx, p, spec2);
    const stream = streamOf(config, required(p, "stream", spec2), spec2);
    const description = required(p, "description", spec2);
    const raw = splitList(required(p, "files", spec2));
    if (raw.length === 0) throw new UsageError("pucs intent: --files names no file", spec2.usage);
    const files = [...new Set(raw.map((f) => repoPath(ctx, repo, f, spec2)))];
    const durationMinutes_ = durationMinutes(p, spec2, config.locks.defaultTtlMinutes);
    const change = str(p, "change");
    const force = flag(p, "force");
    const id = ctx.newId();
    const now = ctx.now();
    const r = await commit(
      repo,
      (l) => declareIntent(l, { id, agent, stream, files, description, durationMinutes: durationMinutes_, force, config, ...change ? { change } : {} }, now)
    );
    const o = r.outcome;
    if (o.kind === "too-long") tooLong(spec2, o.reason);
    if (o.kind === "breaker-open") breakerRefusal(o);
    const json = { ok: o.kind === "recorded", command: "intent", recorded: o.kind === "recorded", conflicts: o.conflicts, notes: o.notes, suggestions: o.suggestions };
    if (o.kind === "refused") {
      if (flag(p, "json")) ctx.out(JSON.stringify(json, null, 2) + "\n");
      else ctx.out(conflictText(o.conflicts, o.suggestions, o.notes) + "Nothing was recorded: resolve the conflicts, or record it anyway with --force.\n");
      return EXIT.CONFLICT;
    }
    const lines = [`Intent signaled successfully for ${files.length} file(s) (${stream}, until ${o.intent.expiresAt})`];
    if (o.conflicts.length > 0) lines.push(`Recorded despite ${o.conflicts.length} conflict(s) (--force):`, conflictText(o.conflicts, [], []).trimEnd());
    for (const n of o.notes) lines.push(`Note: ${n.type} ${n.file}: ${n.details} ${n.nextStep}`);
    emit(ctx, p, json, lines.join("\n"));
    return EXIT.OK;
  },
  async queue(ctx, p, spec2) {
    const repo = await openRepo(ctx, p, { write: true });
    const agent = agentOf(ctx, p, spec2);
    const path = repoPath(ctx, repo, p.positionals[0], spec2);
    const change = str(p, "change");
    const now = ctx.now();
    const r = await commit(repo, (l) => enqueue(l, { path, agent, ...change ? { change } : {} }, now));
    emit(ctx, p, { ok: true, command: "queue", path, position: r.outcome.position }, `Queued for ${path}: position ${r.outcome.position}`);
    return EXIT.OK;
  },
  async release(ctx, p, spec2) {
    const repo = await openRepo(ctx, p, { write: true });
    const change = str(p, "change");
    const close = flag(p, "close");
    if (close && !change) throw new UsageError("pucs release: --close needs --change (it drops a change's footprint and gate override)", spec2.usage);
    const agent = change ? str(p, "agent") ?? ctx.env.PUCS_AGENT ?? "-" : agentOf(ctx, p, spec2);
    const now = ctx.now();
    const r = await commit(repo, (l) => release(l, { agent, ...change ? { change } : {}, scope: close ? "all" : "claims" }, now));
    const o = r.outcome;
    const released = { locks: o.locks.length, intents: o.intents.length, queues: o.queueEntries.length, footprint: o.footprint !== null, override: o.override !== null };
    const next = o.notify.map((n) => `
Next in line for ${n.path}: ${n.next.agent}${n.next.change ? ` (${n.next.change})` : ""}`).join("");
    emit(
      ctx,
      p,
      { ok: true, command: "release", released, next: o.notify },
      `Released ${change ?? agent}: ${released.locks} lock(s), ${released.intents} intent(s), ${released.queues} queue place(s)${released.footprint ? ", its footprint" : ""}${released.override ? ", its gate override" : ""}${next}`
    );
    return EXIT.OK;
  },
  async cleanup(ctx, p) {
    const repo = await openRepo(ctx, p, { write: true });
    const now = ctx.now();
    const r = await commit(repo, (l) => expire(l, now));
    const { locks, intents } = r.outcome;
    emit(
      ctx,
      p,
      { ok: true, command: "cleanup", removedLocks: locks, removedIntents: intents },
      `Cleaned up ${locks.length} expired lock(s)${intents.length ? ` and ${intents.length} expired intent(s)` : ""}`
    );
    return EXIT.OK;
  },
  async check(ctx, p, spec2) {
    const repo = await openRepo(ctx, p, { write: flag(p, "record") });
    const config = await loadConfig(ctx, repo, p);
    const format = str(p, "format") ?? "text";
    if (!["text", "markdown"].includes(format)) throw new UsageError(`pucs check: --format must be text or markdown, not ${JSON.stringify(format)}`, spec2.usage);
    const base = str(p, "base") ?? await defaultBaseRef(repo.root);
    if (!base) throw new CliFailure("pucs check: no base branch found (tried origin/HEAD, origin/main, main, master); pass --base REF", EXIT.USAGE);
    const mergeBase2 = await mergeBase(repo.root, base, "HEAD").catch((err) => {
      throw new CliFailure(`pucs check: cannot find the merge base of ${base} and HEAD: ${err.message}`, EXIT.USAGE);
    });
    if (mergeBase2 === null) throw new CliFailure(`pucs check: ${base} and HEAD share no history; pass --base with a branch this one started from`, EXIT.USAGE);
    const diff = await diffAgainst(repo.root, mergeBase2);
    const untracked = await untrackedDiff(repo.root);
    const branch = await currentBranch(repo.root);
    const agent = str(p, "agent") ?? ctx.env.PUCS_AGENT ?? "local";
    const commitMessages2 = await commitMessages(repo.root, `${mergeBase2}..HEAD`);
    const change = checkChange({ base, mergeBase: mergeBase2, headSha: null, branch, diff, untracked, commitMessages: commitMessages2 }, agent, ctx.err);
    const declared = str(p, "stream");
    const stream = declared ? streamOf(config, declared, spec2) : void 0;
    const now = ctx.now();
    let ledger;
    const headSha = await revParse(repo.root, "HEAD");
    const read = await repo.store.read();
    const pr = judgeAsOpenPr(change, read.ledger, headSha, str(p, "agent") !== void 0 || ctx.env.PUCS_AGENT !== void 0);
    if (flag(p, "record") && pr) {
      ctx.err(`note: HEAD is ${pr.change}'s head: its files are recorded by the GitHub App, --record wrote nothing
`);
      ledger = read.ledger;
    } else if (flag(p, "record")) {
      const head = headSha ?? mergeBase2;
      const r = await commit(repo, (l) => {
        const ev = evaluate(change, l, config, now, stream ? { stream } : {});
        const t = recordFootprint(l, {
          change: change.id,
          agent,
          stream: ev.stream,
          streams: gateStreamsOf(change, config),
          headSha: head,
          draft: false,
          ...branch ? { title: branch } : {},
          files: change.files.map(footprintFile),
          recordedAt: iso(now)
        });
        return { ledger: t.ledger, outcome: l, message: t.message };
      });
      ledger = r.outcome;
    } else {
      ledger = read.ledger;
    }
    return printCheck({ json: flag(p, "json"), format, out: ctx.out }, repo.root, change, ledger, config, now, stream, { base, mergeBase: mergeBase2 });
  },
  async log(ctx, p, spec2) {
    const repo = await openRepo(ctx, p);
    const raw = str(p, "n") ?? "50";
    const n = Number(raw);
    if (!Number.isInteger(n) || n <= 0) throw new UsageError(`pucs log: -n must be a positive integer, not ${JSON.stringify(raw)}`, spec2.usage);
    let ref = "refs/pucs/ledger";
    if (repo.store instanceof RemoteRefStore) {
      await repo.store.read();
      ref = repo.store.trackingRef;
    }
    const entries = await ledgerLog(repo.root, ref, n);
    emit(
      ctx,
      p,
      { ok: true, command: "log", entries },
      entries.length === 0 ? "The ledger has no history yet (refs/pucs/ledger does not exist)." : entries.map((e) => `${e.sha.slice(0, 10)} ${e.date}  ${e.message}`).join("\n")
    );
    return EXIT.OK;
  },
  async worktree(ctx, p, spec2) {
    if (p.positionals[0] !== "add") throw new UsageError(`pucs worktree: unknown subcommand ${JSON.stringify(p.positionals[0])}`, spec2.usage);
    const repo = await openRepo(ctx, p);
    const config = await loadConfig(ctx, repo, p);
    const stream = streamOf(config, p.positionals[1], spec2);
    const main = await mainWorktreeRoot(repo.root);
    const path = join5(dirname5(main), `${basename2(main)}-stream-${stream.toLowerCase()}`);
    const branch = `feature/stream-${stream}`;
    if (existsSync3(path)) throw new CliFailure(`pucs worktree: ${path} already exists; remove it (git worktree remove) or use it`, EXIT.CONFLICT);
    await worktreeAdd(repo.root, path, branch, str(p, "base") ?? "HEAD");
    emit(ctx, p, { ok: true, command: "worktree", stream, path, branch }, `Worktree for ${stream}: ${path} on ${branch}
Commit with the prefix [PUCS-${stream}] <type>: <description>`);
    return EXIT.OK;
  },
  async board(ctx, p) {
    const repo = await openRepo(ctx, p);
    const remote = repo.store instanceof RemoteRefStore;
    const load = async () => {
      const snap = await repo.store.read();
      const config = await optionalConfig(repo.root, configArg(ctx, p));
      return { doc: await statusOf(repo.root, repo.store, snap.ledger, config, ctx.now()), version: snap.version };
    };
    return runBoard({
      load,
      now: () => ctx.now(),
      commonDir: remote ? null : await commonDir(repo.root),
      source: remote ? `remote ${str(p, "remote") ?? ctx.env.PUCS_REMOTE}` : repo.root,
      io: ctx.tty ?? { write: (t) => ctx.out(t), isTTY: false, columns: 80, rows: 24, keys: null }
    });
  },
  async hook(ctx, p, spec2) {
    const sub = p.positionals[0];
    if (sub !== "install" && sub !== "uninstall") throw new UsageError(`pucs hook: unknown subcommand ${JSON.stringify(sub)} (install or uninstall)`, spec2.usage);
    const root = await openRepoRoot(ctx);
    try {
      if (sub === "install") {
        const r = await installHook(root, { bundle: ctx.env.PUCS_HOOK_BUNDLE ?? defaultHookBundle(), node: process.execPath });
        const lines = [`${r.updated ? "Commit guard updated" : "Commit guard installed"}: ${r.hook} (every worktree of this repository)`];
        if (r.chained) lines.push(`The pre-commit hook that was there is kept as ${r.chained} and runs first.`);
        lines.push("Commits touching files under another agent's live lock are refused; git commit --no-verify skips the check.");
        emit(ctx, p, { ok: true, command: "hook", action: "install", hook: r.hook, chained: r.chained, updated: r.updated }, lines.join("\n"));
      } else {
        const r = await uninstallHook(root);
        const text = !r.removed ? `No PUCS commit guard in ${r.hook}: nothing removed.` : r.restored ? `Commit guard removed; the hook it chained is back at ${r.restored}.` : `Commit guard removed: ${r.hook}`;
        emit(ctx, p, { ok: true, command: "hook", action: "uninstall", hook: r.hook, removed: r.removed, restored: r.restored }, text);
      }
    } catch (err) {
      if (err instanceof HookError) throw new CliFailure(err.message, EXIT.CONFLICT);
      throw err;
    }
    return EXIT.OK;
  },
  async config(ctx, p) {
    if (flag(p, "schema")) return printConfigSchema(ctx);
    const repo = await openRepo(ctx, p);
    const r = await loadConfigFile(repo.root, configArg(ctx, p));
    if (!r.ok) throw new CliFailure(r.issues.map(formatIssue).join("\n"), EXIT.USAGE, { issues: r.issues });
    const layers = phases(r.config);
    const lines = [`${r.path}: ${r.config.streams.length} stream(s), ${r.warnings.length} warning(s)`];
    for (const w of r.warnings) lines.push(formatIssue(w));
    for (const s of r.config.streams) lines.push(`  ${s.id.padEnd(8)} ${s.name} — ${s.patterns.join(", ")} (max ${s.maxAgents})`);
    lines.push("Merge phases:", ...layers.map((l, i) => `  Phase ${i + 1}: ${l.join(", ")}`));
    emit(ctx, p, { ok: true, command: "config", path: r.path, warnings: r.warnings, streams: r.config.streams, phases: layers }, lines.join("\n"));
    return EXIT.OK;
  }
};
function splitList(text) {
  const items = [];
  let depth = 0;
  let cur = "";
  for (const ch of text) {
    if (ch === "{") depth++;
    else if (ch === "}" && depth > 0) depth--;
    if (ch === "," && depth === 0) {
      items.push(cur);
      cur = "";
    } else cur += ch;
  }
  items.push(cur);
  return items.map((f) => f.trim()).filter((f) => f !== "");
}
function conflictText(conflicts, suggestions, notes) {
  const out = ["CONFLICTS DETECTED:"];
  for (const c of conflicts) {
    out.push(`  - ${c.type}: ${c.file || "(stream)"}`, `    Holder: ${c.holderChange ? `${c.holderChange} ${c.holder}` : c.holder} (${c.holderStream ?? "no stream"})`, `    Details: ${c.details}`);
  }
  if (suggestions.length) out.push("", "Suggestions:", ...suggestions.map((s) => `  - ${s}`));
  for (const n of notes) out.push(`Note: ${n.type} ${n.file}: ${n.details}`);
  return out.join("\n") + "\n";
}
function cliFields(ctx, name, p) {
  const files = str(p, "files");
  return {
    agent: str(p, "agent") ?? ctx.env.PUCS_AGENT,
    stream: str(p, "stream"),
    task: str(p, "task") ?? str(p, "description"),
    change: str(p, "change"),
    files: files !== void 0 ? splitList(files).length : ["lock", "unlock", "queue"].includes(name) ? 1 : void 0
  };
}
async function runCli(argv, ctx) {
  const [name, ...rest] = argv;
  const wantsJson = rest.includes("--json");
  if (name === void 0 || name === "help" || name === "--help" || name === "-h") {
    ctx.out(helpText());
    return name === void 0 ? EXIT.USAGE : EXIT.OK;
  }
  if (name === "--version" || name === "version") {
    ctx.out(`${VERSION}
`);
    return EXIT.OK;
  }
  const spec2 = SPECS.find((s) => s.name === name);
  const fail2 = (code2, message, data = {}) => {
    if (wantsJson) ctx.out(JSON.stringify({ ok: false, command: name, exitCode: code2, error: message, ...data }, null, 2) + "\n");
    ctx.err(message.endsWith("\n") ? message : message + "\n");
    return code2;
  };
  if (!spec2) {
    const near = SPECS.map((s) => s.name).find((n) => n.startsWith(name.slice(0, 2)));
    return fail2(EXIT.USAGE, `pucs: unknown command ${JSON.stringify(name)}${near ? ` (did you mean ${near}?)` : ""}. Run 'pucs help' for the list.`);
  }
  try {
    const parsed = parseCommand(spec2, rest);
    if (flag(parsed, "help")) {
      ctx.out(`${spec2.usage}

${spec2.summary}
`);
      return EXIT.OK;
    }
    return await withSpan(`pucs.cli ${spec2.name}`, cliFields(ctx, spec2.name, parsed), async (span) => {
      const code2 = await handlers[spec2.name](ctx, parsed, spec2);
      span.setAttribute("pucs.exit_code", code2);
      return code2;
    });
  } catch (err) {
    if (err instanceof UsageError) return fail2(EXIT.USAGE, `${err.message}${err.usage ? `
usage: ${err.usage}` : ""}`);
    if (err instanceof CliFailure) return fail2(err.code, err.message, err.data);
    if (err instanceof LedgerError) return fail2(EXIT.USAGE, `ledger error (${err.code}): ${err.message}`);
    if (err instanceof GitError) return fail2(EXIT.USAGE, `git error: ${err.message}`);
    return fail2(EXIT.USAGE, `pucs ${name}: unexpected error: ${err.message ?? String(err)}. This is a bug: please report it with the command you ran.`);
  }
}
export {
  CLI_CAS_RETRIES,
  SPECS as COMMAND_SPECS,
  COMMON as COMMON_OPTIONS,
  EXIT,
  runCli,
  splitList
};
