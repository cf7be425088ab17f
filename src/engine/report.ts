/**
 * Rendering of an Evaluation: the same report for a person (Markdown on GitHub, text in a terminal)
 * and for an agent (JSON, also embedded in the Markdown). Pure.
 */
import type { Change, Conflict, ConflictType, Evaluation, Hunk, LineRange, Strategy } from "./types.js";

/** Hidden marker that identifies the PUCS report comment on a pull request. */
export const REPORT_MARKER = "<!-- pucs:report -->";
/** Stable identifier of the JSON report shape (bump on breaking changes). */
export const REPORT_SCHEMA = "pucs.report/v1";

/** GitHub caps comment bodies and check-run summaries at 65,536 characters. */
const MAX_BODY = 60_000;
const MAX_TABLE_ROWS = 50;
const MAX_JSON_CONFLICTS = 100;

export interface ReportJson {
  schema: typeof REPORT_SCHEMA;
  change: string;
  stream: string | null;
  streamSource: Evaluation["streamSource"];
  verdict: Evaluation["verdict"];
  counts: Partial<Record<ConflictType, number>>;
  conflicts: Conflict[];
  /** Conflicts left out of `conflicts` to keep the report within GitHub's size limits. */
  omitted: number;
  suggestions: string[];
}

export function countByType(conflicts: readonly Conflict[]): Partial<Record<ConflictType, number>> {
  const counts: Partial<Record<ConflictType, number>> = {};
  for (const c of conflicts) counts[c.type] = (counts[c.type] ?? 0) + 1;
  return counts;
}

export function reportJson(ev: Evaluation, maxConflicts = Number.POSITIVE_INFINITY): ReportJson {
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
    suggestions: ev.suggestions,
  };
}

const TYPE_LABEL: Record<ConflictType, string> = {
  LOCKED: "locked",
  CAPACITY: "at capacity",
  INTENT_OVERLAP: "overlap",
  DEPENDENCY: "dependency",
  CRITICAL: "critical",
};

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** The check run's title: the verdict in a few words. */
export function checkTitle(ev: Evaluation): string {
  const counts = countByType(ev.conflicts);
  const parts = (Object.keys(TYPE_LABEL) as ConflictType[])
    .filter((t) => counts[t])
    .map((t) => `${counts[t]} ${TYPE_LABEL[t]}`);
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

/** failure for LOCKED and CAPACITY, neutral for anything a person should look at, success when clear. */
export function checkConclusion(ev: Evaluation): "success" | "neutral" | "failure" {
  if (ev.verdict === "blocked") return "failure";
  return ev.verdict === "clear" ? "success" : "neutral";
}

function cell(s: string): string {
  return s.replace(/\r?\n/g, " ").replace(/\|/g, "\\|");
}

function other(c: Conflict): string {
  if (c.holderChange) return c.holderChange === c.holder ? c.holder : `${c.holderChange} (@${c.holder})`;
  return c.holder;
}

const ICON: Record<Strategy, string> = { QUEUE: "⏳", PARTITION: "✂️", MERGE: "✅", ARBITRATE: "⚖️", ROLLBACK: "↩️" };

export interface MarkdownOptions {
  /** Hidden marker put first (the sticky comment's identity). Default REPORT_MARKER; "" for none. */
  marker?: string;
  /** Heading text. Default "PUCS". */
  heading?: string;
}

export function renderMarkdown(ev: Evaluation, opts: MarkdownOptions = {}): string {
  const marker = opts.marker ?? REPORT_MARKER;
  const lines: string[] = [];
  if (marker) lines.push(marker);
  lines.push(`### ${opts.heading ?? "PUCS"}: ${checkTitle(ev)}`, "");
  const streamLine = ev.stream ? `**Stream:** ${ev.stream} (from ${ev.streamSource})` : "**Stream:** none (no label, commit prefix, branch or owned file names one)";
  lines.push(`${streamLine} · **Files:** ${ev.files.length} · **Verdict:** ${ev.verdict}`, "");
  // Notes that are no conflict's next step (a circuit breaker, a ROLLBACK suggested in the stream,
  // the coordinators asked, decisions): shown, not only in the JSON.
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
        `| ${c.type} | ${c.file ? `\`${cell(c.file)}\`${lines_}` : "—"} | ${cell(other(c))} | ${c.holderStream ?? "—"} | ${ICON[c.strategy]} ${c.strategy} | ${cell(c.details)} ${cell(c.decided ? `✔️ decided by @${c.decided.by}: ${c.decided.note}` : c.nextStep)} |`,
      );
    }
    if (ev.conflicts.length > MAX_TABLE_ROWS) {
      lines.push("", `…and ${ev.conflicts.length - MAX_TABLE_ROWS} more (all in the JSON below, up to ${MAX_JSON_CONFLICTS}).`);
    }
  }
  const head = lines.join("\n");
  let json = JSON.stringify(reportJson(ev, MAX_JSON_CONFLICTS), null, 2);
  // Keep well within GitHub's body limit whatever the file names are.
  for (let n = MAX_JSON_CONFLICTS; head.length + json.length > MAX_BODY && n > 0; n = Math.floor(n / 2)) {
    json = JSON.stringify(reportJson(ev, Math.floor(n / 2)), null, 2);
  }
  return `${head}\n\n<details><summary>Machine-readable report (${REPORT_SCHEMA})</summary>\n\n\`\`\`json\n${json}\n\`\`\`\n\n</details>\n`;
}

/** Extracts the JSON report from a rendered Markdown body (what an agent reading the comment does). */
export function parseReportFromMarkdown(body: string): ReportJson | null {
  const m = /```json\n([\s\S]*?)\n```/.exec(body);
  if (!m?.[1]) return null;
  try {
    const value = JSON.parse(m[1]) as ReportJson;
    return value.schema === REPORT_SCHEMA ? value : null;
  } catch {
    return null;
  }
}

function rangeText(r: LineRange): string {
  return r.end < r.start ? `before L${r.start}` : r.start === r.end ? `L${r.start}` : `L${r.start}-${r.end}`;
}

/** Plain text for a terminal, in the seed's `cmd_intent` layout. */
export function renderText(ev: Evaluation): string {
  const out: string[] = [];
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

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: "failure" | "warning" | "notice";
  title: string;
  message: string;
}

function intersects(a: LineRange, b: LineRange): boolean {
  const aEnd = Math.max(a.end, a.start);
  const bEnd = Math.max(b.end, b.start);
  return a.start <= bEnd + 1 && b.start <= aEnd + 1;
}

function newSpan(h: Hunk): { start: number; end: number } {
  const start = Math.max(1, h.newStart);
  return { start, end: Math.max(start, h.newStart + h.newLines - 1) };
}

/**
 * Check-run annotations on the conflicting files, at the head's (new-side) lines of the hunks involved:
 * for a line overlap, the hunks that overlap; otherwise the file's first hunk (line 1 when unknown).
 */
export function annotationsFor(ev: Evaluation, change: Change): Annotation[] {
  const files = new Map(change.files.map((f) => [f.path, f]));
  const out: Annotation[] = [];
  for (const c of ev.conflicts) {
    const file = c.file ? files.get(c.file) : undefined;
    if (!file) continue;
    const level = c.strategy === "MERGE" || c.decided ? "notice" : c.type === "LOCKED" || c.type === "CAPACITY" ? "failure" : "warning";
    let spans: { start: number; end: number }[] = [];
    const hunks = file.hunks ?? [];
    if (c.lines && hunks.length > 0) {
      spans = hunks.filter((h) => h.changes.some((r) => c.lines!.overlapping.some((o) => intersects(r, o)))).map(newSpan);
    }
    if (spans.length === 0) spans = [hunks[0] ? newSpan(hunks[0]) : { start: 1, end: 1 }];
    for (const span of spans) {
      out.push({
        path: file.path,
        start_line: span.start,
        end_line: span.end,
        annotation_level: level,
        title: `PUCS ${c.type} → ${c.strategy}`,
        message: `${c.details}\n${c.nextStep}`,
      });
    }
  }
  return out;
}
