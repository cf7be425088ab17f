/**
 * The job summary (pure rendering): the verdict, the PR's streams and phases, the blocking PRs,
 * a Mermaid graph of the stream phases with the blocked path highlighted, the statuses re-published
 * on other PRs, and commit-protocol findings.
 */
import { phases, phaseOf } from "../engine/phases.js";
import type { Config, GateResult } from "../engine/types.js";
import type { GateStatus } from "../github/gate.js";
import { testPatternsOf } from "./plan.js";

export interface GatedEntry {
  number: number;
  title: string;
  url: string;
  result: GateResult;
}

export interface RepublishedEntry {
  change: string;
  url: string;
  previous: GateStatus | null;
  status: GateStatus;
}

export interface CommitFinding {
  sha: string;
  problem: string;
}

export interface RunReport {
  /** "pull_request (synchronize)", "merge_group (checks_requested)", ... */
  event: string;
  mode: "gate" | "check";
  /** The gated PR, or every PR of a merge-queue group. Empty when the event gates nothing itself. */
  gated: GatedEntry[];
  /** The status this run set (or, in check mode, would set) for the gated PR or group. */
  status: { sha: string; status: GateStatus; action: "published" | "unchanged" | "not published (check mode)" } | null;
  group: { headSha: string; pulls: number[] } | null;
  republished: RepublishedEntry[];
  /** Other PRs looked at whose status already said the right thing. */
  unchanged: string[];
  commitProtocol: "off" | "warn" | "enforce";
  commitFindings: CommitFinding[];
  notes: string[];
  calls: { reads: number; writes: number };
}

const esc = (s: string): string => s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

function link(change: string, url: string | undefined, title?: string): string {
  const text = title ? `${change} ${esc(title)}` : change;
  return url ? `[${text}](${url})` : text;
}

const REASON: Record<string, string> = { "earlier-phase": "earlier phase", dependency: "dependency", lock: "lock", breaker: "circuit breaker open" };

/** Mermaid node id of a stream: prefixed so ids such as `end` or `graph` never clash with keywords. */
const node = (id: string): string => `s_${id}`;

/**
 * A Mermaid flowchart of the phases (one subgraph per phase, streams in it, dependency edges
 * dependency → dependent). When `result` is given: the change's streams are drawn as `pr`, the
 * streams of blocking changes as `blocker`, and each blocking change's path to the change's
 * phase-deciding stream is drawn in red: the dependency edges on the way when there is such a path,
 * otherwise a dotted edge labelled with the blocking PR.
 */
export function renderPhaseGraph(config: Config, result?: GateResult): string {
  const lines = ["flowchart LR"];
  const layers = phases(config);
  const byId = new Map(config.streams.map((s) => [s.id, s]));
  layers.forEach((layer, i) => {
    lines.push(`  subgraph phase${i + 1}["Phase ${i + 1}"]`);
    for (const id of layer) {
      const name = byId.get(id)?.name ?? id;
      lines.push(`    ${node(id)}["${label(name === id ? id : `${id}: ${name}`)}"]`);
    }
    lines.push("  end");
  });
  const edges: [string, string][] = [];
  for (const s of config.streams) for (const d of s.dependsOn) if (byId.has(d)) edges.push([d, s.id]);
  for (const [from, to] of edges) lines.push(`  ${node(from)} --> ${node(to)}`);

  if (result) {
    const target = result.streams.find((s) => result.phase !== null && phaseOf(config, s) === result.phase);
    const red: number[] = [];
    const blockerStreams: string[] = [];
    let extra = edges.length;
    const dotted = new Set<string>();
    for (const b of result.blockers) {
      if (!b.stream || !byId.has(b.stream)) continue;
      if (!blockerStreams.includes(b.stream)) blockerStreams.push(b.stream);
      if (!target || b.reason === "lock") continue;
      const path = dependencyPath(edges, b.stream, target);
      if (path) {
        for (const i of path) if (!red.includes(i)) red.push(i);
      } else {
        const key = `${b.stream}>${target}>${b.change}`;
        if (dotted.has(key)) continue;
        dotted.add(key);
        lines.push(`  ${node(b.stream)} -. "${label(`${b.change} blocks`)}" .-> ${node(target)}`);
        red.push(extra++);
      }
    }
    lines.push("  classDef pr fill:#dbeafe,stroke:#1d4ed8,stroke-width:2px");
    lines.push("  classDef blocker fill:#fee2e2,stroke:#b91c1c,stroke-width:2px");
    const mine = result.streams.filter((s) => byId.has(s) && !blockerStreams.includes(s));
    if (mine.length) lines.push(`  class ${mine.map(node).join(",")} pr`);
    if (blockerStreams.length) lines.push(`  class ${blockerStreams.map(node).join(",")} blocker`);
    if (red.length) lines.push(`  linkStyle ${red.sort((a, b) => a - b).join(",")} stroke:#b91c1c,stroke-width:3px`);
  }
  return lines.join("\n");
}

/** Mermaid label text: quotes and '#' as entities, so PR numbers and names render literally. */
function label(s: string): string {
  return s.replace(/"/g, "#quot;").replace(/#(?!quot;)/g, "#35;");
}

/** Indexes of the edges on a shortest dependency path from `from` to `to`, or null. */
function dependencyPath(edges: readonly [string, string][], from: string, to: string): number[] | null {
  const prev = new Map<string, number>();
  const seen = new Set([from]);
  const queue = [from];
  while (queue.length) {
    const at = queue.shift()!;
    if (at === to) {
      const path: number[] = [];
      let cur = to;
      while (cur !== from) {
        const i = prev.get(cur)!;
        path.unshift(i);
        cur = edges[i]![0];
      }
      return path;
    }
    edges.forEach(([a, b], i) => {
      if (a === at && !seen.has(b)) {
        seen.add(b);
        prev.set(b, i);
        queue.push(b);
      }
    });
  }
  return null;
}

function verdictLine(r: GateResult): string {
  if (r.overriddenBy) return "✅ pass (overridden)";
  return r.verdict === "pass" ? "✅ pass" : "⛔ blocked";
}

/** The whole job summary as Markdown. */
export function renderSummary(report: RunReport, config: Config): string {
  const out: string[] = [];
  const overall = report.gated.length === 0 ? null : report.gated.every((g) => g.result.verdict === "pass") ? "pass" : "blocked";
  const head = overall === null ? "nothing gated" : overall === "pass" ? "✅ pass" : "⛔ blocked";
  out.push(`## PUCS merge gate: ${head}`, "");
  out.push(`Event: \`${report.event}\` · mode: \`${report.mode}\``, "");
  if (report.group) out.push(`Merge queue group \`${report.group.headSha.slice(0, 7)}\` holds ${report.group.pulls.map((n) => `#${n}`).join(", ")}.`, "");
  if (report.status) {
    const s = report.status;
    out.push(`Status \`PUCS / merge-gate\` on \`${s.sha.slice(0, 7)}\`: **${s.status.state}** — ${esc(s.status.description)} (${s.action})`, "");
  }

  for (const g of report.gated) {
    const r = g.result;
    out.push(`### ${link(`#${g.number}`, g.url, g.title)}: ${verdictLine(r)}`, "");
    if (r.streams.length === 0) {
      out.push("No stream: this PR is outside the phase order (only locks can block it).", "");
    } else {
      out.push("| Stream | Name | Phase | Tests |", "|---|---|---|---|");
      for (const id of r.streams) {
        const s = config.streams.find((x) => x.id === id);
        const p = phaseOf(config, id);
        const decides = p !== null && p === r.phase ? " (decides the phase)" : "";
        const tests = testPatternsOf([id], config).map((t) => `\`${esc(t)}\``).join(", ") || "–";
        out.push(`| ${id} | ${esc(s?.name ?? id)} | ${p ?? "–"}${decides} | ${tests} |`);
      }
      out.push("");
    }
    if (r.blockers.length > 0) {
      out.push(r.overriddenBy ? "Blockers (overridden):" : "Blocked by:", "");
      out.push("| Blocking | Stream | Phase | Why | What unblocks it |", "|---|---|---|---|---|");
      for (const b of r.blockers) {
        out.push(`| ${link(b.change, b.url, b.title)} | ${b.stream ?? "–"} | ${b.phase ?? "–"} | ${REASON[b.reason] ?? b.reason} | ${esc(b.unblock)} |`);
      }
      out.push("");
    }
    if (r.overriddenBy) {
      const o = r.overriddenBy;
      out.push(`Gate overridden by @${esc(o.by)} at ${o.at}: ${esc(o.reason)}`, "");
    }
    if (r.streams.length > 0) out.push("```mermaid", renderPhaseGraph(config, r), "```", "");
  }

  if (report.republished.length > 0 || report.unchanged.length > 0) {
    out.push("### Other pull requests", "");
    if (report.republished.length > 0) {
      out.push("| PR | Was | Now |", "|---|---|---|");
      for (const p of report.republished) {
        const was = p.previous ? `${p.previous.state}: ${esc(p.previous.description)}` : "no status";
        out.push(`| ${link(p.change, p.url)} | ${was} | **${p.status.state}**: ${esc(p.status.description)} |`);
      }
      out.push("");
    }
    if (report.unchanged.length > 0) out.push(`Already up to date: ${report.unchanged.join(", ")}.`, "");
  }

  if (report.commitProtocol !== "off") {
    out.push(`### Commit protocol (${report.commitProtocol})`, "");
    if (report.commitFindings.length === 0) out.push("Every commit follows `[PUCS-<STREAM>] <type>: <description>`.", "");
    else for (const f of report.commitFindings) out.push(`- \`${f.sha.slice(0, 7)}\` ${esc(f.problem)}`);
    if (report.commitFindings.length > 0) out.push("");
  }
  for (const n of report.notes) out.push(`> ${n}`, "");
  out.push(`<sub>GitHub API: ${report.calls.reads} reads, ${report.calls.writes} writes</sub>`, "");
  return out.join("\n");
}
