import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/engine/config/index.js";
import { dependencyClosure, phaseOf, phases } from "../../../src/engine/phases.js";

const text = readFileSync(fileURLToPath(new URL("../../../config/pucs_streams.yaml", import.meta.url)), "utf8");

describe("the shipped config/pucs_streams.yaml", () => {
  const r = parseConfig(text, "config/pucs_streams.yaml");

  it("parses with no errors and no warnings", () => {
    expect(r.ok ? r.warnings : r.issues).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it("has the seed's seven streams with the seed's values (§2.2)", () => {
    if (!r.ok) throw new Error("not ok");
    const s = Object.fromEntries(r.config.streams.map((x) => [x.id, x]));
    expect(r.config.streams.map((x) => x.id)).toEqual(["EXEC", "LLM", "SCAN", "RISK", "BACK", "OBS", "API"]);
    expect(s.EXEC).toEqual({
      id: "EXEC",
      name: "Execution Optimization",
      patterns: ["execution/**/*.py"],
      maxAgents: 4,
      agentTemplates: ["implementer", "refactorer", "test_analyzer"],
      dependsOn: [],
      dependsOnAreas: ["config", "models"],
      critical: false,
      criticalFiles: ["execution/smart_execution.py", "execution/profit_taking.py"],
      testPatterns: ["tests/test_*execution*.py"],
      coordinators: [],
    });
    expect(s.RISK).toMatchObject({
      name: "Risk Management",
      patterns: ["models/risk*.py", "models/circuit*.py", "compliance/**/*.py"],
      maxAgents: 2,
      critical: true,
      agentTemplates: ["risk_reviewer", "implementer"],
      dependsOnAreas: ["config"],
      testPatterns: ["tests/test_*risk*.py"],
    });
    expect(s.SCAN).toMatchObject({ patterns: ["scanners/**/*.py", "indicators/**/*.py"], maxAgents: 3, dependsOnAreas: ["config", "llm"] });
    expect(s.LLM).toMatchObject({ maxAgents: 5, criticalFiles: ["llm/agents/base.py", "llm/agents/supervisor.py"] });
    expect(s.BACK).toMatchObject({ patterns: ["backtesting/**/*.py", "evaluation/**/*.py"], dependsOnAreas: ["models"] });
    expect(s.OBS).toMatchObject({ patterns: ["observability/**/*.py"], dependsOn: [], dependsOnAreas: [] });
    expect(s.API).toMatchObject({ patterns: ["api/**/*.py", "mcp/**/*.py"], dependsOnAreas: ["execution", "models"] });
    expect(r.config.areas).toEqual([
      { name: "config", patterns: ["config/**"] },
      { name: "models", patterns: ["models/**"] },
      { name: "execution", patterns: ["execution/**/*.py"] },
      { name: "llm", patterns: ["llm/**/*.py"] },
    ]);
    expect(r.config.locks).toEqual({ defaultTtlMinutes: 30, maxTtlMinutes: 480, queueGraceMinutes: 15 });
    expect(r.config.mergeGate.blockOn).toBe("phase");
    expect(r.config.mergeGate.blockOnLocks).toBe(true);
    expect(r.config.hotFiles).toEqual([
      { pattern: "package-lock.json", mode: "ignore" },
      { pattern: "CHANGELOG.md", mode: "merge" },
    ]);
  });

  it("phases equal seed §5.3", () => {
    if (!r.ok) throw new Error("not ok");
    expect(phases(r.config)).toEqual([["OBS", "SCAN", "BACK"], ["EXEC", "LLM", "RISK"], ["API"]]);
    expect(phaseOf(r.config, "API")).toBe(3);
    expect(dependencyClosure(r.config, "API")).toEqual([]); // area dependencies are not phase edges
  });

  it("without the pin every stream would be in phase 1 (why it is pinned)", () => {
    if (!r.ok) throw new Error("not ok");
    const unpinned = { ...r.config, mergeGate: { ...r.config.mergeGate, pinnedPhases: null } };
    expect(phases(unpinned)).toEqual([["EXEC", "LLM", "SCAN", "RISK", "BACK", "OBS", "API"]]);
  });
});
