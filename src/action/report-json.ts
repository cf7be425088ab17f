/**
 * The Action's `report` output: the gate verdict as one JSON document (`pucs.report/v1`, kind
 * "gate"; schemas/pucs.report.v1.json) — streams, phase, blockers with PR numbers and streams, test
 * patterns, and each gated PR — so a workflow step or an agent reads JSON instead of splitting strings.
 */
import { REPORT_SCHEMA } from "../engine/report.js";
import type { GateResult } from "../engine/types.js";

export interface GateReportJson {
  schema: typeof REPORT_SCHEMA;
  kind: "gate";
  verdict: "pass" | "blocked" | "none";
  streams: string[];
  phase: number | null;
  blockers: { pr: number | null; change: string; stream: string | null; phase: number | null; reason: "earlier-phase" | "dependency" | "lock" | "breaker"; unblock: string }[];
  testPatterns: string[];
  changes: { change: string; pr: number | null; verdict: "pass" | "blocked"; streams: string[]; phase: number | null; description: string; overriddenBy?: { by: string; reason: string } }[];
}

const prOf = (change: string): number | null => (/^#\d+$/.test(change) ? Number(change.slice(1)) : null);

/** `results`: the gated PRs (several in a merge group); none = the event gated no PR itself. */
export function gateReportJson(results: readonly GateResult[], testPatterns: readonly string[]): GateReportJson {
  const streams: string[] = [];
  for (const r of results) for (const s of r.streams) if (!streams.includes(s)) streams.push(s);
  const phases = results.map((r) => r.phase).filter((p): p is number => p !== null);
  const blockers: GateReportJson["blockers"] = [];
  const seen = new Set<string>();
  for (const r of results) {
    if (r.verdict !== "blocked") continue;
    for (const b of r.blockers) {
      const key = `${b.change}\0${b.reason}\0${b.stream ?? ""}`;
      if (seen.has(key)) continue;
      seen.add(key);
      blockers.push({ pr: prOf(b.change), change: b.change, stream: b.stream, phase: b.phase, reason: b.reason, unblock: b.unblock });
    }
  }
  return {
    schema: REPORT_SCHEMA,
    kind: "gate",
    verdict: results.length === 0 ? "none" : results.every((r) => r.verdict === "pass") ? "pass" : "blocked",
    streams,
    phase: phases.length ? Math.max(...phases) : null,
    blockers,
    testPatterns: [...testPatterns],
    changes: results.map((r) => ({
      change: r.change,
      pr: prOf(r.change),
      verdict: r.verdict,
      streams: [...r.streams],
      phase: r.phase,
      description: r.description,
      ...(r.overriddenBy ? { overriddenBy: { by: r.overriddenBy.by, reason: r.overriddenBy.reason } } : {}),
    })),
  };
}
