/**
 * The "PUCS dashboard" issue body (pure): the status document (`statusDocument`, pucs.status/v1)
 * rendered as Markdown with a hidden marker, a Mermaid graph of streams and phases with each
 * stream's state, per phase and stream the open PRs with their verdicts, locks, intents, queues and
 * conflicts, recent releases and overrides, checkboxes that act, and the document itself as JSON.
 *
 * The body carries no clock reading of its own (no "generated at", no "in 5 minutes"): it changes
 * only when what it shows changes, so the App edits the issue only then. `pucs status --format
 * markdown` prints exactly this body.
 *
 * Checkboxes: each line carries a hidden action key, `<!-- pucs:action <name> [arg] -->`. The App
 * acts on a box that went from unticked to ticked in an `issues.edited` event (`newlyTicked`), if
 * the sender may (`actionAllowed`), then renders the body again (unticked).
 */
import type { Role } from "./commands.js";
import type { Config } from "./types.js";
import { permissionAllows } from "./commands.js";
import { statusDocument, type StatusDocument, type StatusInput, type StreamState } from "./status.js";

export const DASHBOARD_MARKER = "<!-- pucs:dashboard -->";
/** GitHub caps an issue body at 65,536 characters. */
const MAX_BODY = 60_000;
const MAX_ROWS = 20;

export type DashboardAction =
  | { name: "release-expired" }
  | { name: "rerun-gate" }
  /** `lease` identifies the lock exactly; path and agent are for the reader. */
  | { name: "release-lock"; lease: string };

const ACTION_RE = /^\s*[-*]\s+\[( |x|X)\]\s+<!--\s*pucs:action\s+([a-z-]+)(?:\s+(\S+))?\s*-->/;

const STATE_ICON: Record<StreamState, string> = { idle: "⚪", active: "🟢", blocked: "🔴" };

const code = (s: string): string => "`" + s.replace(/`/g, "'") + "`";
const cell = (s: string): string => s.replace(/\r?\n/g, " ").replace(/\|/g, "\\|");
/** A table cell cut to `n` characters (CAPACITY names every active change, for instance). */
const clip = (s: string, n = 120): string => cell(s.length > n ? `${s.slice(0, n - 1)}…` : s);
/** Mermaid quoted label: quotes and # as entity codes, no line breaks. */
const mlabel = (s: string): string => s.replace(/[\r\n]+/g, " ").replace(/#/g, "#35;").replace(/"/g, "#quot;");
/** Mermaid node id of a stream: prefixed so ids such as `end` or `graph` never clash with keywords. */
const node = (id: string): string => `s_${id}`;

export function actionKey(a: DashboardAction): string {
  return a.name === "release-lock" ? `<!-- pucs:action release-lock ${a.lease} -->` : `<!-- pucs:action ${a.name} -->`;
}

function parseAction(name: string, arg: string | undefined): DashboardAction | null {
  if (name === "release-expired" || name === "rerun-gate") return { name };
  if (name === "release-lock" && arg) return { name, lease: arg };
  return null;
}

/** Every action checkbox in a body, with whether it is ticked. */
export function parseActions(body: string): { action: DashboardAction; ticked: boolean; key: string }[] {
  const out: { action: DashboardAction; ticked: boolean; key: string }[] = [];
  for (const line of body.split(/\r?\n/)) {
    const m = ACTION_RE.exec(line);
    if (!m) continue;
    const action = parseAction(m[2]!, m[3]);
    if (action) out.push({ action, ticked: m[1] !== " ", key: actionKey(action) });
  }
  return out;
}

/**
 * The boxes ticked in `after` that were not ticked in `before` (null = the earlier body is unknown:
 * every ticked box counts). A body rendered by PUCS has no ticked box, so its own edits tick nothing.
 */
export function newlyTicked(before: string | null, after: string): DashboardAction[] {
  const was = new Set(before === null ? [] : parseActions(before).filter((a) => a.ticked).map((a) => a.key));
  const seen = new Set<string>();
  const out: DashboardAction[] = [];
  for (const a of parseActions(after)) {
    if (!a.ticked || was.has(a.key) || seen.has(a.key)) continue;
    seen.add(a.key);
    out.push(a.action);
  }
  return out;
}

/**
 * Who may tick what: "release expired locks" and "re-run the gate" need write access (expired locks
 * are nobody's claim any more); releasing a live lock needs maintain or admin, unless the sender is
 * the lock's own holder. Bots never.
 */
export function actionAllowed(a: DashboardAction, who: { login: string; role: Role; isBot: boolean }, holder: string | null = null): { ok: true } | { ok: false; needs: string } {
  if (who.isBot) return { ok: false, needs: "a person (PUCS takes no actions from bots)" };
  if (a.name === "release-lock") {
    if (holder !== null && holder.toLowerCase() === who.login.toLowerCase() && permissionAllows("author-or-write", { isAuthor: true, role: who.role, isBot: false })) return { ok: true };
    return permissionAllows("maintain", { isAuthor: false, role: who.role, isBot: false }) ? { ok: true } : { ok: false, needs: "maintain or admin access (releasing someone else's lock)" };
  }
  return permissionAllows("write", { isAuthor: false, role: who.role, isBot: false }) ? { ok: true } : { ok: false, needs: "write access" };
}

export function actionText(a: DashboardAction): string {
  return a.name === "release-expired" ? "release expired locks" : a.name === "rerun-gate" ? "re-run the gate for all open PRs" : `release lock ${a.lease}`;
}

/** The flowchart: one subgraph per phase, each stream with its state, dependency edges, state classes. */
export function dashboardGraph(doc: StatusDocument, config: Config): string {
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
  for (const state of ["idle", "active", "blocked"] as const) {
    const ids = doc.streams.filter((s) => s.state === state && known.has(s.id)).map((s) => node(s.id));
    if (ids.length > 0) lines.push(`  class ${ids.join(",")} ${state}`);
  }
  return lines.join("\n");
}

function more(n: number, what: string): string[] {
  return n > 0 ? [`…and ${n} more ${what} (all in the JSON below).`] : [];
}

/** One stream's (or the stream-less work's) section. */
function streamSection(doc: StatusDocument, stream: string | null, heading: string): string[] {
  const out: string[] = [heading, ""];
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

export interface DashboardOptions {
  title?: string;
  /** false: leave the JSON block out (used when the body would pass GitHub's size limit). */
  json?: boolean;
}

/** The body from an already built status document. */
export function renderDashboardDoc(doc: StatusDocument, config: Config, opts: DashboardOptions = {}): string {
  const title = opts.title ?? config.dashboard?.title ?? "PUCS dashboard";
  const out: string[] = [DASHBOARD_MARKER, `## ${cell(title)}`, ""];
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
    `- [ ] ${actionKey({ name: "rerun-gate" })} Re-run the gate for all open PRs (re-publish every report) — needs write access`,
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
  const outside = [...new Set([...doc.changes.map((c) => c.stream), ...doc.locks.map((k) => k.stream), ...doc.intents.map((x) => x.stream)])].filter((s) => s === null || !known.has(s));
  for (const s of outside) out.push(...streamSection(doc, s, s === null ? "### No stream" : `### ${s} (not in the config)`));

  if (doc.agents.length > 0) {
    // Registered agents (`pucs register`): on GitHub a PR is its agent's session, so only local agents appear here.
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
  if (head.length > MAX_BODY) head = `${head.slice(0, head.lastIndexOf("\n", MAX_BODY))}\n\n…cut at GitHub's size limit: \`pucs status\` shows everything.\n`;
  if (opts.json === false) return `${head}\n_The machine-readable status is left out: it would pass GitHub's size limit (\`pucs status --json\` has it)._\n`;
  const { generatedAt: _omit, ...stable } = doc;
  void _omit;
  const json = JSON.stringify(stable, null, 2);
  const body = `${head}\n<details><summary>Machine-readable status (pucs.status/v1)</summary>\n\n\`\`\`json\n${json}\n\`\`\`\n\n</details>\n`;
  if (body.length > MAX_BODY) return renderDashboardDoc(doc, config, { ...opts, json: false });
  return body;
}

/** Ledger + config (+ the ledger's recent history) → the dashboard body. */
export function renderDashboard(input: StatusInput & { config: Config }, opts: DashboardOptions = {}): string {
  return renderDashboardDoc(statusDocument(input), input.config, opts);
}

/** The status document embedded in a dashboard body (what an agent reading the issue does). */
export function parseDashboardStatus(body: string): Omit<StatusDocument, "generatedAt"> | null {
  const m = /<summary>Machine-readable status \(pucs\.status\/v1\)<\/summary>\s*```json\n([\s\S]*?)\n```/.exec(body);
  if (!m?.[1]) return null;
  try {
    const v = JSON.parse(m[1]) as StatusDocument;
    return v.schema === "pucs.status/v1" ? v : null;
  } catch {
    return null;
  }
}
