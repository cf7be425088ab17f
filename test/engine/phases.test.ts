import { describe, expect, it } from "vitest";
import { parseConfig, formatIssue } from "../../src/engine/config/index.js";
import { dependencyClosure, phaseOf, phases } from "../../src/engine/phases.js";
import type { Config, StreamConfig } from "../../src/engine/types.js";

function config(deps: Record<string, string[]>, pinned: string[][] | null = null): Config {
  const streams: StreamConfig[] = Object.entries(deps).map(([id, dependsOn]) => ({
    id,
    name: id,
    patterns: [`${id.toLowerCase()}/**`],
    maxAgents: 3,
    agentTemplates: [],
    dependsOn,
    dependsOnAreas: [],
    critical: false,
    criticalFiles: [],
    testPatterns: [],
    coordinators: [],
  }));
  return {
    version: 1,
    streams,
    areas: [],
    locks: { defaultTtlMinutes: 30, maxTtlMinutes: 480, queueGraceMinutes: 15 },
    mergeGate: { pinnedPhases: pinned, blockOn: "phase", blockOnLocks: true },
    hotFiles: [],
    coordinators: [],
  };
}

describe("phases", () => {
  it("derives topological layers, declaration order within a layer", () => {
    const c = config({ API: ["EXEC", "LLM"], EXEC: ["OBS"], LLM: ["SCAN"], SCAN: [], OBS: [], RISK: ["OBS"], BACK: [] });
    expect(phases(c)).toEqual([["SCAN", "OBS", "BACK"], ["EXEC", "LLM", "RISK"], ["API"]]);
    expect(phaseOf(c, "API")).toBe(3);
    expect(phaseOf(c, "OBS")).toBe(1);
    expect(phaseOf(c, "NOPE")).toBeNull();
  });

  it("a stream goes one layer after its latest dependency (not after its earliest)", () => {
    const c = config({ A: [], B: ["A"], C: ["A", "B"] });
    expect(phases(c)).toEqual([["A"], ["B"], ["C"]]);
  });

  it("uses pinned phases when present, copied", () => {
    const pin = [["B"], ["A"]];
    const c = config({ A: [], B: [] }, pin);
    const p = phases(c);
    expect(p).toEqual([["B"], ["A"]]);
    p[0]!.push("X");
    expect(pin).toEqual([["B"], ["A"]]);
    expect(phaseOf(c, "A")).toBe(2);
  });

  it("keeps streams on a cycle visible in one last phase (parseConfig refuses cycles)", () => {
    const c = config({ OBS: [], EXEC: ["API"], API: ["EXEC"], LLM: ["OBS"] });
    expect(phases(c)).toEqual([["OBS"], ["LLM"], ["EXEC", "API"]]);
    const r = parseConfig(
      "streams:\n  OBS: { name: O, files_pattern: o/** }\n  EXEC: { name: E, files_pattern: e/**, dependencies: [API] }\n  API: { name: A, files_pattern: a/**, dependencies: [EXEC] }\n",
      "c.yaml",
    );
    expect(r.ok ? [] : r.issues.map(formatIssue)).toEqual([
      "c.yaml:3:56: error: streams.EXEC.dependencies[0]: dependency cycle: EXEC -> API -> EXEC; remove one of these dependencies",
    ]);
  });

  it("derives phases from a parsed config", () => {
    const r = parseConfig(
      "streams:\n  API: { name: A, files_pattern: a/**, dependencies: [EXEC] }\n  EXEC: { name: E, files_pattern: e/** }\n",
      "c.yaml",
    );
    if (!r.ok) throw new Error(r.issues.map(formatIssue).join("\n"));
    expect(phases(r.config)).toEqual([["EXEC"], ["API"]]);
  });
});

describe("dependencyClosure", () => {
  it("is transitive, breadth-first, without duplicates or the stream itself", () => {
    const c = config({ A: ["B", "C"], B: ["D"], C: ["D", "A"], D: [], E: [] });
    expect(dependencyClosure(c, "A")).toEqual(["B", "C", "D"]);
    expect(dependencyClosure(c, "C")).toEqual(["D", "A", "B"]);
    expect(dependencyClosure(c, "E")).toEqual([]);
    expect(dependencyClosure(c, "NOPE")).toEqual([]);
  });
});
