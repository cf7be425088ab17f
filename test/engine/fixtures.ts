/** Builders for engine tests: configs, changes and ledgers as plain data. */
import type { Change, ChangedFile, Config, Footprint, Hunk, Intent, Ledger, Lock, StreamConfig } from "../../src/engine/types.js";

export const T0 = Date.parse("2026-11-23T20:00:00.000Z");
export const iso = (ms: number): string => new Date(ms).toISOString();
export const MIN = 60_000;

export function stream(id: string, patterns: string[], extra: Partial<StreamConfig> = {}): StreamConfig {
  return {
    id,
    name: id,
    patterns,
    maxAgents: 3,
    agentTemplates: [],
    dependsOn: [],
    dependsOnAreas: [],
    critical: false,
    criticalFiles: [],
    testPatterns: [],
    coordinators: [],
    ...extra,
  };
}

/** The seed's seven streams with the seed's phases pinned (§5.3) and its areas. */
export function seedConfig(over: Partial<Config> = {}): Config {
  return {
    version: 1,
    streams: [
      stream("EXEC", ["execution/**/*.py"], { maxAgents: 4, dependsOnAreas: ["config", "models"], criticalFiles: ["execution/smart_execution.py", "execution/profit_taking.py"] }),
      stream("LLM", ["llm/**/*.py"], { maxAgents: 5, dependsOnAreas: ["config"], criticalFiles: ["llm/agents/base.py", "llm/agents/supervisor.py"] }),
      stream("SCAN", ["scanners/**/*.py", "indicators/**/*.py"], { dependsOnAreas: ["config", "llm"] }),
      stream("RISK", ["models/risk*.py", "models/circuit*.py", "compliance/**/*.py"], { maxAgents: 2, critical: true, dependsOnAreas: ["config"], coordinators: ["@risk-lead"] }),
      stream("BACK", ["backtesting/**/*.py", "evaluation/**/*.py"], { dependsOnAreas: ["models"] }),
      stream("OBS", ["observability/**/*.py"]),
      stream("API", ["api/**/*.py", "mcp/**/*.py"], { dependsOnAreas: ["execution", "models"] }),
    ],
    areas: [
      { name: "config", patterns: ["config/**"] },
      { name: "models", patterns: ["models/**"] },
      { name: "execution", patterns: ["execution/**/*.py"] },
      { name: "llm", patterns: ["llm/**/*.py"] },
    ],
    locks: { defaultTtlMinutes: 30, maxTtlMinutes: 480, queueGraceMinutes: 15 },
    mergeGate: { pinnedPhases: [["OBS", "SCAN", "BACK"], ["EXEC", "LLM", "RISK"], ["API"]], blockOn: "phase", blockOnLocks: true },
    hotFiles: [
      { pattern: "package-lock.json", mode: "ignore" },
      { pattern: "CHANGELOG.md", mode: "merge" },
    ],
    coordinators: ["@maintainers"],
    ...over,
  };
}

export function emptyLedgerFixture(over: Partial<Ledger> = {}): Ledger {
  return { kind: "pucs-ledger", schemaVersion: 1, session: null, locks: [], intents: [], footprints: [], queues: [], overrides: [], ...over };
}

/** A hunk changing old lines [start, end] (inclusive), with a section heading. */
export function hunk(start: number, end: number, section = ""): Hunk {
  const n = end - start + 1;
  return { oldStart: start, oldLines: n, newStart: start, newLines: n, section, changes: [{ start, end, ...(section ? { section } : {}) }] };
}

export function file(path: string, hunks: Hunk[] | null = null): ChangedFile {
  return { path, hunks };
}

export function change(id: string, agent: string, files: ChangedFile[], extra: Partial<Change> = {}): Change {
  return { id, agent, files, ...extra };
}

export function lock(path: string, agent: string, extra: Partial<Lock> = {}): Lock {
  return {
    lease: `lease-${agent}-${path}`,
    path,
    agent,
    stream: null,
    task: "work",
    acquiredAt: iso(T0 - 5 * MIN),
    expiresAt: iso(T0 + 25 * MIN),
    ...extra,
  };
}

export function intent(agent: string, files: string[], extra: Partial<Intent> = {}): Intent {
  return {
    id: `intent-${agent}`,
    agent,
    stream: null,
    files,
    description: "planned work",
    durationMinutes: 30,
    signalledAt: iso(T0 - MIN),
    expiresAt: iso(T0 + 29 * MIN),
    ...extra,
  };
}

export function footprint(changeId: string, agent: string, stream: string | null, files: { path: string; ranges?: [number, number, string?][] | null }[], extra: Partial<Footprint> = {}): Footprint {
  return {
    change: changeId,
    agent,
    stream,
    headSha: "0".repeat(40),
    draft: false,
    files: files.map((f) => ({
      path: f.path,
      changes: f.ranges === null || f.ranges === undefined ? null : f.ranges.map(([start, end, section]) => ({ start, end, ...(section ? { section } : {}) })),
    })),
    recordedAt: iso(T0 - MIN),
    ...extra,
  };
}
