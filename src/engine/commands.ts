/**
 * `/pucs …` slash-commands in pull-request comments: one registry, one parser. Pure.
 *
 * Each command declares its usage, what it does, who may use it and examples (as Prow's plugins do);
 * `/pucs help` and the README's command table are generated from the registry.
 *
 * Parsing rules:
 * - a command is a line that starts with `/pucs` (leading spaces allowed); several lines → several
 *   commands, in order; lines inside fenced code blocks and quoted lines (`>`) are ignored, so quoting
 *   or documenting a command never runs it;
 * - arguments are separated by spaces (or commas: `a.py,b.py`, commas inside `{…}` braces stay);
 *   `"…"` quotes a path with spaces; `--` starts free text (description, task, reason);
 * - durations as everywhere in PUCS: a bare number is minutes, or 90s / 45m / 2h / 1h30m;
 * - paths are repository-relative paths or globs, validated like every PUCS glob.
 * Every problem is reported with the line it is on, what is wrong and the command's usage.
 */
import { parseDuration } from "./duration.js";
import { validateGlob } from "./globs.js";
import { editDistance } from "./config/suggest.js";

export type CommandName = "help" | "status" | "intent" | "lock" | "unlock" | "release" | "extend" | "queue" | "sync" | "gate-override" | "handoff" | "breaker-reset" | "rollback" | "decide";

/** Who may run a command on a pull request. */
export type Permission = "anyone" | "author-or-write" | "write" | "maintain" | "coordinator";

export interface CommandSpec {
  name: CommandName;
  usage: string;
  description: string;
  /** For people: who may use it. */
  who: string;
  permission: Permission;
  examples: string[];
}

const WHO: Record<Permission, string> = {
  anyone: "anyone",
  "author-or-write": "the PR's author, or anyone with write access",
  write: "anyone with write access",
  maintain: "maintainers and admins",
  coordinator: "the coordinators of its ARBITRATE conflicts (the config's `coordinators:`), maintainers and admins",
};

const spec = (name: CommandName, usage: string, description: string, permission: Permission, examples: string[]): CommandSpec => ({
  name,
  usage,
  description,
  who: WHO[permission],
  permission,
  examples,
});

export const COMMANDS: CommandSpec[] = [
  spec("help", "/pucs help", "Show the commands and who may use them.", "anyone", ["/pucs help"]),
  spec("status", "/pucs status", "Show this PR's stream, its claims, and the locks, intents and queues on its files.", "anyone", ["/pucs status"]),
  spec(
    "intent",
    "/pucs intent <paths|globs> [--duration D] [--force] [-- description]",
    "Declare files this PR is about to change (a soft claim others see as INTENT_OVERLAP); refused, with the conflicts listed, when it collides with other work, unless --force.",
    "author-or-write",
    ["/pucs intent execution/fill_predictor.py --duration 45 -- ML model", "/pucs intent 'llm/agents/**'", "/pucs intent execution/x.py --force -- agreed with #12"],
  ),
  spec(
    "lock",
    "/pucs lock <paths|globs> [--duration D] [-- task]",
    "Take an exclusive lock for this PR (default TTL from the config); refused while someone else holds it.",
    "author-or-write",
    ["/pucs lock execution/smart_execution.py -- rework order routing", "/pucs lock 'models/risk*.py' --duration 2h"],
  ),
  spec(
    "unlock",
    "/pucs unlock [paths]",
    "Release this PR's locks (all of them, or the ones named). Releasing another PR's lock needs maintain.",
    "author-or-write",
    ["/pucs unlock", "/pucs unlock execution/smart_execution.py"],
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
    ["/pucs gate override -- hotfix for the outage, phase 1 can rebase"],
  ),
  spec(
    "handoff",
    "/pucs handoff @login [-- note]",
    "Hand this PR's locks, intents and queue places to another agent or person (seed §3.2); the handoff is recorded and the receiver named.",
    "author-or-write",
    ["/pucs handoff @exec-agent-2 -- integration tests and docs left", "/pucs handoff @octocat"],
  ),
  spec(
    "breaker-reset",
    "/pucs breaker reset -- reason",
    "Close this PR's stream circuit breaker (OPEN after repeated CI failures) so new locks and intents are taken again; recorded with who and why.",
    "maintain",
    ["/pucs breaker reset -- the failing runner was replaced"],
  ),
  spec(
    "rollback",
    "/pucs rollback",
    "On a merged PR whose merge commit fails CI on the default branch (ROLLBACK suggested, seed §8.1): open GitHub's revert PR, label it with the stream, tell the author.",
    "maintain",
    ["/pucs rollback"],
  ),
  spec(
    "decide",
    "/pucs decide -- note",
    "Decide this PR's ARBITRATE conflicts (critical files, dependencies without open work): they stop blocking; recorded with who, why and the head. A new conflict needs a new decision.",
    "coordinator",
    ["/pucs decide -- risk limits reviewed, ok to merge"],
  ),
];

export type ParsedCommand =
  | { name: "help" | "status" | "release" | "sync"; line: number; raw: string }
  | { name: "intent" | "lock"; paths: string[]; durationMs: number | null; text: string; line: number; raw: string; force?: boolean }
  | { name: "unlock"; paths: string[]; line: number; raw: string }
  | { name: "extend"; durationMs: number | null; line: number; raw: string }
  | { name: "queue"; path: string; line: number; raw: string }
  | { name: "gate-override"; reason: string; line: number; raw: string }
  | { name: "handoff"; to: string; note: string; line: number; raw: string }
  | { name: "breaker-reset"; reason: string; line: number; raw: string }
  | { name: "rollback"; line: number; raw: string }
  | { name: "decide"; note: string; line: number; raw: string };

export interface CommandError {
  line: number;
  raw: string;
  message: string;
}

/** Commands beyond this many in one comment are refused (one comment cannot flood the ledger). */
export const MAX_COMMANDS_PER_COMMENT = 10;

const usageOf = (name: CommandName): string => COMMANDS.find((c) => c.name === name)!.usage;

/** Splits a command line into tokens: spaces and commas separate, `"…"` quotes, commas in braces stay. */
function tokenize(text: string): { tokens: string[]; error?: string } {
  const tokens: string[] = [];
  let cur = "";
  let has = false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"' || ch === "'") {
      const end = text.indexOf(ch, i + 1);
      if (end === -1) return { tokens, error: `unclosed ${ch} quote` };
      cur += text.slice(i + 1, end);
      has = true;
      i = end;
      continue;
    }
    if (ch === "{") depth++;
    if (ch === "}" && depth > 0) depth--;
    if (/\s/.test(ch) || (ch === "," && depth === 0)) {
      if (has) tokens.push(cur);
      cur = "";
      has = false;
      continue;
    }
    cur += ch;
    has = true;
  }
  if (has) tokens.push(cur);
  return { tokens };
}

const WORDS = ["help", "status", "intent", "lock", "unlock", "release", "extend", "queue", "sync", "gate", "handoff", "breaker", "rollback", "decide"];

/** The closest command word within 2 edits (typos like `lokc`), if any. */
function suggestion(word: string): string {
  let best: string | null = null;
  let bestD = 3;
  for (const w of WORDS) {
    const d = editDistance(word.toLowerCase(), w, 2);
    if (d < bestD) {
      best = w;
      bestD = d;
    }
  }
  return best ? ` Did you mean \`/pucs ${best}\`?` : "";
}

function normalisePath(p: string): string {
  return p.replace(/\\/g, "/").replace(/^\.\//, "");
}

/** Parses one `/pucs …` line (without the `/pucs` word). */
function parseLine(rest: string, line: number, raw: string): ParsedCommand | CommandError {
  const fail = (message: string, name?: CommandName): CommandError => ({
    line,
    raw,
    message: name ? `${message}. Usage: \`${usageOf(name)}\`` : message,
  });
  const dash = /(?:^|\s)--(?:\s|$)/.exec(rest);
  const head = dash ? rest.slice(0, dash.index) : rest;
  const text = dash ? rest.slice(dash.index + dash[0].length).trim() : "";
  const tok = tokenize(head);
  const [word, ...args] = tok.tokens;
  if (word === undefined) return { name: "help", line, raw };
  const verb = word.toLowerCase();
  /** The registry entry a (possibly unknown) verb refers to, for the usage in messages. */
  const named: CommandName = verb === "gate" ? "gate-override" : verb === "breaker" ? "breaker-reset" : WORDS.includes(verb) ? (verb as CommandName) : "help";
  if (tok.error) return fail(tok.error, named);

  // Options: --duration D (or --duration=D) for intent and lock; --force for intent.
  const positionals: string[] = [];
  let duration: string | null = null;
  let force = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--force" && verb === "intent") {
      force = true;
    } else if (a === "--duration" || a.startsWith("--duration=")) {
      const v = a.includes("=") ? a.slice(a.indexOf("=") + 1) : args[++i];
      if (v === undefined || v === "") return fail("--duration needs a value such as 45, 90s, 45m or 2h", verb === "lock" ? "lock" : "intent");
      duration = v;
    } else if (a.startsWith("--")) {
      return fail(`unknown option ${a}`, named);
    } else positionals.push(a);
  }
  const durationMs = (name: CommandName, value: string | null): number | null | CommandError => {
    if (value === null) return null;
    const d = parseDuration(value);
    return d.ok ? d.ms : fail(d.message, name);
  };
  const paths = (name: CommandName, list: string[]): string[] | CommandError => {
    const out: string[] = [];
    for (const p of list.map(normalisePath)) {
      const problem = validateGlob(p);
      if (problem) return fail(`${JSON.stringify(p)}: ${problem}`, name);
      if (!out.includes(p)) out.push(p);
    }
    return out;
  };
  const noExtra = (name: CommandName): CommandError | null =>
    duration !== null ? fail("this command takes no --duration", name) : positionals.length > 0 ? fail(`unexpected argument ${JSON.stringify(positionals[0])}`, name) : text ? fail("this command takes no text after --", name) : null;

  switch (verb) {
    case "help":
    case "status":
    case "release":
    case "sync": {
      const e = noExtra(verb);
      return e ?? { name: verb, line, raw };
    }
    case "intent":
    case "lock": {
      if (positionals.length === 0) return fail(`name the files or globs to ${verb === "lock" ? "lock" : "declare"}`, verb);
      const p = paths(verb, positionals);
      if (!Array.isArray(p)) return p;
      const d = durationMs(verb, duration);
      if (d !== null && typeof d === "object") return d;
      return force ? { name: verb, paths: p, durationMs: d, text, line, raw, force } : { name: verb, paths: p, durationMs: d, text, line, raw };
    }
    case "unlock": {
      if (duration !== null || text) return fail("unlock takes only paths", "unlock");
      const p = paths("unlock", positionals);
      if (!Array.isArray(p)) return p;
      return { name: "unlock", paths: p, line, raw };
    }
    case "extend": {
      if (text || positionals.length > 1 || (duration !== null && positionals.length > 0)) return fail("extend takes one duration", "extend");
      const d = durationMs("extend", duration ?? positionals[0] ?? null);
      if (d !== null && typeof d === "object") return d;
      return { name: "extend", durationMs: d, line, raw };
    }
    case "queue": {
      if (positionals.length !== 1 || duration !== null || text) return fail("queue takes exactly one path", "queue");
      const p = paths("queue", positionals);
      if (!Array.isArray(p)) return p;
      return { name: "queue", path: p[0]!, line, raw };
    }
    case "gate": {
      if (positionals[0]?.toLowerCase() !== "override" || positionals.length > 1 || duration !== null) {
        return fail("the only gate command is `gate override`", "gate-override");
      }
      if (!text) return fail("say why after --: the reason is recorded with your name", "gate-override");
      return { name: "gate-override", reason: text, line, raw };
    }
    case "handoff": {
      const to = positionals[0];
      if (positionals.length !== 1 || duration !== null || to === undefined) return fail("name the one receiver: `@login`", "handoff");
      if (!/^@?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\[bot\])?$/.test(to)) return fail(`${JSON.stringify(to)} is not a GitHub login`, "handoff");
      return { name: "handoff", to: to.replace(/^@/, ""), note: text, line, raw };
    }
    case "breaker": {
      if (positionals[0]?.toLowerCase() !== "reset" || positionals.length > 1 || duration !== null) return fail("the only breaker command is `breaker reset`", "breaker-reset");
      if (!text) return fail("say why after --: the reason is recorded with your name", "breaker-reset");
      return { name: "breaker-reset", reason: text, line, raw };
    }
    case "rollback": {
      const e = noExtra("rollback");
      return e ?? { name: "rollback", line, raw };
    }
    case "decide": {
      if (positionals.length > 0 || duration !== null) return fail("say why after --: `/pucs decide -- note`", "decide");
      if (!text) return fail("say why after --: the decision is recorded with your name and the note", "decide");
      return { name: "decide", note: text, line, raw };
    }
    default:
      return { line, raw, message: `unknown command \`${word}\`.${suggestion(word)} \`/pucs help\` lists the commands.` };
  }
}

export function parseCommands(body: string): { commands: ParsedCommand[]; errors: CommandError[] } {
  const commands: ParsedCommand[] = [];
  const errors: CommandError[] = [];
  let fence: string | null = null;
  const lines = body.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!;
    const trimmed = text.trim();
    const f = /^(`{3,}|~{3,})/.exec(trimmed);
    if (f) {
      if (fence === null) fence = f[1]!;
      else if (trimmed.startsWith(fence)) fence = null;
      continue;
    }
    if (fence !== null || trimmed.startsWith(">")) continue;
    const m = /^\/pucs(?:\s+(.*))?$/i.exec(trimmed);
    if (!m) continue;
    if (commands.length >= MAX_COMMANDS_PER_COMMENT) {
      errors.push({ line: i + 1, raw: trimmed, message: `more than ${MAX_COMMANDS_PER_COMMENT} commands in one comment: split them over several comments` });
      break;
    }
    const r = parseLine(m[1] ?? "", i + 1, trimmed);
    if ("message" in r) errors.push(r);
    else commands.push(r);
  }
  return { commands, errors };
}

export type Role = "admin" | "maintain" | "write" | "triage" | "read" | "none";

/**
 * Whether someone may run a command. A bot is judged like a person: `role` comes from GitHub for
 * people and from `agents.bots` in the config for bots (GitHub's collaborator API does not answer for
 * App bots; see `roleOfBot`), and a bot that opened the PR is its author.
 */
export function permissionAllows(p: Permission, who: { isAuthor: boolean; role: Role; isBot: boolean }): boolean {
  const writer = who.role === "write" || who.role === "maintain" || who.role === "admin";
  switch (p) {
    case "anyone":
      return true;
    case "author-or-write":
      return who.isAuthor || writer;
    case "write":
      return writer;
    case "maintain":
      return who.role === "maintain" || who.role === "admin";
    case "coordinator":
      // Decided by the command against the config's coordinators (src/app/rollback.ts `planDecide`).
      return true;
  }
}

/**
 * The command rate (`agents.command_rate`, per commenter per PR per minute): a loop breaker for bots
 * answering bots, applied to people too. `times` are the earlier comments' times; returns the times to
 * keep and whether this comment may run, and whether it is the first one over the limit in this minute
 * (the only one answered: replying to every comment of a loop would feed it).
 */
export function commandRate(times: readonly number[], now: number, perMinute: number): { allowed: boolean; firstOver: boolean; times: number[] } {
  const recent = times.filter((t) => t > now - 60_000 && t <= now);
  const allowed = recent.length < perMinute;
  return { allowed, firstOver: !allowed && recent.length === perMinute, times: [...recent, now] };
}

/** A bot's role for commands: what `agents.bots` grants it ("none" when it is not listed). */
export function roleOfBot(login: string, bots: Readonly<Record<string, Role>> | undefined): Role {
  return bots?.[login.toLowerCase()] ?? "none";
}

/** Why a permission check failed, and what to do. */
export function refusal(spec_: CommandSpec, who: { login: string; role: Role; isBot: boolean }): string {
  const need = spec_.permission === "maintain" ? "maintain" : "write";
  if (who.isBot) {
    if (who.role === "none") {
      return `\`${spec_.usage}\` is for ${spec_.who}; @${who.login} is a bot that did not open this PR and is not listed in the config's \`agents.bots\`. To let it act, add \`agents: { bots: { "${who.login}": ${need} } }\` to the PUCS config on the default branch.`;
    }
    return `\`${spec_.usage}\` is for ${spec_.who}; the config's \`agents.bots\` gives @${who.login} ${who.role} access. Raise it to ${need} there to let it run this.`;
  }
  return `\`${spec_.usage}\` is for ${spec_.who}; @${who.login} has ${who.role === "none" ? "no" : `${who.role}`} access to this repository. Ask a maintainer to run it, or to grant you ${need} access.`;
}

export function specOf(name: CommandName): CommandSpec {
  return COMMANDS.find((c) => c.name === name)!;
}

function row(c: CommandSpec): string {
  const cell = (s: string) => s.replace(/\|/g, "\\|");
  return `| \`${cell(c.usage)}\` | ${cell(c.description)} | ${cell(c.who)} | ${c.examples.map((e) => `\`${cell(e)}\``).join("<br>")} |`;
}

/** The command table (README and /pucs help). */
export function commandsTableMarkdown(): string {
  return ["| command | what it does | who may use it | examples |", "|---|---|---|---|", ...COMMANDS.map(row)].join("\n");
}

export function helpMarkdown(): string {
  return [
    "### PUCS commands",
    "",
    "Each command starts a line of a PR comment; several lines run in order. Durations: a bare number is minutes, or `90s`, `45m`, `2h`.",
    "",
    commandsTableMarkdown(),
    "",
    "Labels work too: `pucs:stream:<ID>` declares the PR's stream, `pucs:lock` locks all its changed files (remove the label to release).",
    "",
    "**Agents:** a `PUCS-Agent: <id>` line in the PR description (or a commit message) names the agent this PR works for, so its locks taken locally with `pucs lock --agent <id>` are this PR's own. Bots may use these commands: a bot that opened the PR has its author's rights; other bots need an entry in `agents.bots` of the config. A commenter gives at most `agents.command_rate` commands a minute on a PR (10 by default).",
  ].join("\n");
}
