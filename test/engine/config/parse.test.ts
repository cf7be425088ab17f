import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { formatIssue, parseConfig, renderPath } from "../../../src/engine/config/index.js";
import { errorsOf, FILE, parsed, yaml } from "./helpers.js";

describe("formatIssue / renderPath", () => {
  it("formats file:line:col: severity: message, leaving out an unknown position", () => {
    expect(formatIssue({ file: FILE, line: 12, col: 5, message: "streams.EXEC.max_agents: x", severity: "error" })).toBe(
      "config/pucs_streams.yaml:12:5: error: streams.EXEC.max_agents: x",
    );
    expect(formatIssue({ file: FILE, line: 0, col: 0, message: "empty", severity: "warning" })).toBe("config/pucs_streams.yaml: warning: empty");
  });
  it("renders paths with indices and quotes odd keys", () => {
    expect(renderPath(["streams", "EXEC", "files_pattern", 1])).toBe("streams.EXEC.files_pattern[1]");
    expect(renderPath(["merge_gate", "phases", 0, 2])).toBe("merge_gate.phases[0][2]");
    expect(renderPath(["streams", "a b"])).toBe('streams."a b"');
  });
});

describe("parseConfig: a minimal valid config", () => {
  it("normalises streams in declaration order with documented defaults", () => {
    const { config, warnings } = parsed(yaml`
      streams:
        B:
          name: Bee
          files_pattern: "b/**, shared/b.txt"
        A:
          name: Ay
          files_pattern: [a/**/*.py, "{x,y}/**"]
          max_agents: 2
          agent_templates: [implementer]
          dependencies: [B, cfg]
          critical: true
          critical_files: a/core.py
          test_pattern: "tests/test_a*.py,tests/a/**"
          coordinators: ["@org/a-team", octocat]
      areas:
        cfg: [config/**]
    `);
    expect(warnings).toEqual([]);
    expect(config).toEqual({
      version: 1,
      streams: [
        {
          id: "B",
          name: "Bee",
          patterns: ["b/**", "shared/b.txt"],
          maxAgents: 3,
          agentTemplates: [],
          dependsOn: [],
          dependsOnAreas: [],
          critical: false,
          criticalFiles: [],
          testPatterns: [],
          coordinators: [],
        },
        {
          id: "A",
          name: "Ay",
          patterns: ["a/**/*.py", "{x,y}/**"],
          maxAgents: 2,
          agentTemplates: ["implementer"],
          dependsOn: ["B"],
          dependsOnAreas: ["cfg"],
          critical: true,
          criticalFiles: ["a/core.py"],
          testPatterns: ["tests/test_a*.py", "tests/a/**"],
          coordinators: ["@org/a-team", "octocat"],
        },
      ],
      areas: [{ name: "cfg", patterns: ["config/**"] }],
      locks: { defaultTtlMinutes: 30, maxTtlMinutes: 480, queueGraceMinutes: 15 },
      mergeGate: { pinnedPhases: null, blockOn: "phase", blockOnLocks: true },
      hotFiles: [],
      coordinators: [],
      agents: { bots: {}, commandRate: 10 },
      circuitBreaker: { failureThreshold: 5, windowMinutes: 10, cooldownMinutes: 5, blockMerges: true },
    });
  });

  it("reads agents: bot logins (case-insensitive) with a permission, and the command rate", () => {
    const { config } = parsed('streams: { A: { name: A, files_pattern: "a/**" } }\nagents:\n  bots: { "My-Agent[bot]": write }\n  command_rate: 3\n');
    expect(config.agents).toEqual({ bots: { "my-agent[bot]": "write" }, commandRate: 3 });
  });

  it("does not split a comma-separated string inside braces", () => {
    const { config } = parsed(yaml`
      streams:
        API:
          name: API
          files_pattern: "{api,mcp}/**/*.py, docs/api/**"
    `);
    expect(config.streams[0]!.patterns).toEqual(["{api,mcp}/**/*.py", "docs/api/**"]);
  });

  it("reads durations: bare minutes, units, and the 8h default max", () => {
    const { config } = parsed(yaml`
      streams: { A: { name: A, files_pattern: "a/**" } }
      locks: { default_ttl: "90s", max_ttl: 2h, queue_grace: 5m }
      merge_gate: { block_on: dependencies, block_on_locks: false }
      hot_files:
        - { pattern: package-lock.json, mode: ignore }
        - pattern: CHANGELOG.md
          mode: merge
      coordinators: ["@org/maintainers"]
    `);
    expect(config.locks).toEqual({ defaultTtlMinutes: 1.5, maxTtlMinutes: 120, queueGraceMinutes: 5 });
    expect(config.mergeGate).toEqual({ pinnedPhases: null, blockOn: "dependencies", blockOnLocks: false });
    expect(config.hotFiles).toEqual([
      { pattern: "package-lock.json", mode: "ignore" },
      { pattern: "CHANGELOG.md", mode: "merge" },
    ]);
    expect(config.coordinators).toEqual(["@org/maintainers"]);
    expect(parsed("streams: { A: { name: A, files_pattern: a/** } }\nlocks: { default_ttl: 45 }\n").config.locks).toEqual({
      defaultTtlMinutes: 45,
      maxTtlMinutes: 480,
      queueGraceMinutes: 15,
    });
  });
});

describe("parseConfig: errors, each at its position", () => {
  it("wrong type: expected vs got (block style)", () => {
    expect(
      errorsOf(yaml`
        streams:
          EXEC:
            name: "Execution Optimization"
            files_pattern: "execution/**/*.py"
            max_agents: "four"
      `),
    ).toEqual(['config/pucs_streams.yaml:5:17: error: streams.EXEC.max_agents: expected a positive integer, got "four"']);
  });

  it("wrong types in flow style point inside the line", () => {
    expect(errorsOf('streams: { EXEC: { name: 5, files_pattern: "e/**", max_agents: 0, critical: "yes" } }\n')).toEqual([
      "config/pucs_streams.yaml:1:26: error: streams.EXEC.name: expected a non-empty string, got 5",
      "config/pucs_streams.yaml:1:64: error: streams.EXEC.max_agents: expected a positive integer, got 0",
      'config/pucs_streams.yaml:1:77: error: streams.EXEC.critical: expected true or false, got "yes"',
    ]);
  });

  it("an empty value is not silently defaulted", () => {
    expect(
      errorsOf(yaml`
        streams:
          A:
            name: A
            files_pattern: a/**
            max_agents:
      `),
    ).toEqual(["config/pucs_streams.yaml:5:5: error: streams.A.max_agents: expected a positive integer, got an empty value"]);
  });

  it("missing required keys are reported at the stream's key", () => {
    expect(
      errorsOf(yaml`
        streams:
          A:
            max_agents: 2
      `),
    ).toEqual([
      'config/pucs_streams.yaml:2:3: error: streams.A: missing required key "name" (expected a non-empty string)',
      'config/pucs_streams.yaml:2:3: error: streams.A: missing required key "files_pattern" (expected a glob pattern, a comma-separated string of them, or a list of them)',
    ]);
    expect(errorsOf("version: 1\n")).toEqual(['config/pucs_streams.yaml:1:1: error: missing required key "streams" (a mapping of stream id to stream settings)']);
  });

  it("unknown keys, with a did-you-mean suggestion, at every level", () => {
    expect(
      errorsOf(yaml`
        stream:
          A: {}
        streams:
          A:
            name: A
            files_patterns: a/**
            files_pattern: a/**
            maxAgents: 2
            colour: blue
        locks:
          default_ttl: 30
          max_tll: 8h
        merge_gate:
          block_on_lock: true
        hot_files:
          - { pattern: x.lock, mode: ignore, mod: merge }
      `),
    ).toEqual([
      'config/pucs_streams.yaml:1:1: error: unknown key "stream"; did you mean "streams"?',
      'config/pucs_streams.yaml:6:5: error: streams.A: unknown key "files_patterns"; did you mean "files_pattern"?',
      'config/pucs_streams.yaml:8:5: error: streams.A: unknown key "maxAgents"; did you mean "max_agents"?',
      'config/pucs_streams.yaml:9:5: error: streams.A: unknown key "colour"',
      'config/pucs_streams.yaml:12:3: error: locks: unknown key "max_tll"; did you mean "max_ttl"?',
      'config/pucs_streams.yaml:14:3: error: merge_gate: unknown key "block_on_lock"; did you mean "block_on_locks"?',
      'config/pucs_streams.yaml:16:38: error: hot_files[0]: unknown key "mod"; did you mean "mode"?',
    ]);
  });

  it("duplicate stream ids: YAML duplicate keys and case-insensitive clashes", () => {
    expect(
      errorsOf(yaml`
        streams:
          EXEC:
            name: A
            files_pattern: a/**
          EXEC:
            name: B
            files_pattern: b/**
          Exec:
            name: C
            files_pattern: c/**
      `),
    ).toEqual([
      'config/pucs_streams.yaml:5:3: error: duplicate key "EXEC" (first defined at line 2)',
      'config/pucs_streams.yaml:8:3: error: streams.Exec: stream id "Exec" clashes with "EXEC" (line 2): stream ids must be unique ignoring case',
    ]);
  });

  it("invalid stream ids and area names", () => {
    expect(
      errorsOf(yaml`
        streams:
          1st:
            name: A
            files_pattern: a/**
          my-stream:
            name: B
            files_pattern: b/**
        areas:
          "bad area": x/**
          my-stream: y/**
      `),
    ).toEqual([
      'config/pucs_streams.yaml:2:3: error: streams.1st: invalid stream id "1st": use a letter followed by letters, digits or "_"',
      'config/pucs_streams.yaml:5:3: error: streams.my-stream: invalid stream id "my-stream": use a letter followed by letters, digits or "_"',
      'config/pucs_streams.yaml:9:3: error: areas."bad area": invalid area name "bad area": use a letter followed by letters, digits, "_" or "-"',
      'config/pucs_streams.yaml:10:3: error: areas.my-stream: area "my-stream" has the same name as a stream; rename one of them (dependencies on it would be ambiguous)',
    ]);
  });

  it("dependencies: unknown (did you mean), self, and a cycle naming its streams", () => {
    expect(
      errorsOf(yaml`
        streams:
          EXEC:
            name: E
            files_pattern: execution/**
            dependencies: [API, modles, EXEC, llm]
          API:
            name: A
            files_pattern: api/**
            dependencies: [RISK]
          RISK:
            name: R
            files_pattern: risk/**
            dependencies: [EXEC]
          LLM:
            name: L
            files_pattern: llm/**
        areas:
          models: models/**
      `),
    ).toEqual([
      "config/pucs_streams.yaml:5:20: error: streams.EXEC.dependencies[0]: dependency cycle: EXEC -> API -> RISK -> EXEC; remove one of these dependencies",
      'config/pucs_streams.yaml:5:25: error: streams.EXEC.dependencies[1]: unknown stream or area "modles"; did you mean "models"? (declare non-stream parts of the repository under `areas:`)',
      "config/pucs_streams.yaml:5:33: error: streams.EXEC.dependencies[2]: stream EXEC depends on itself; remove this entry",
      'config/pucs_streams.yaml:5:39: error: streams.EXEC.dependencies[3]: unknown stream or area "llm"; did you mean "LLM"? (declare non-stream parts of the repository under `areas:`)',
    ]);
  });

  it("reports each cycle once, in block-style lists", () => {
    expect(
      errorsOf(yaml`
        streams:
          A:
            name: A
            files_pattern: a/**
            dependencies:
              - B
          B:
            name: B
            files_pattern: b/**
            dependencies:
              - A
          C:
            name: C
            files_pattern: c/**
            dependencies: [D]
          D:
            name: D
            files_pattern: d/**
            dependencies: [C, A]
      `),
    ).toEqual([
      "config/pucs_streams.yaml:6:9: error: streams.A.dependencies[0]: dependency cycle: A -> B -> A; remove one of these dependencies",
      "config/pucs_streams.yaml:15:20: error: streams.C.dependencies[0]: dependency cycle: C -> D -> C; remove one of these dependencies",
    ]);
  });

  it("invalid and pathological globs, pointing inside comma-separated strings", () => {
    expect(
      errorsOf(yaml`
        streams:
          A:
            name: A
            files_pattern: "a/**, /etc/x,,b/../c"
            critical_files: ["a/", "a/{1..1000}.py"]
            test_pattern: tests/**/**/**/**/**/x
        hot_files:
          - { pattern: "!x", mode: ignore }
        areas:
          z: "+(a|@(b|c))"
      `),
    ).toEqual([
      'config/pucs_streams.yaml:4:27: error: streams.A.files_pattern: invalid pattern "/etc/x": absolute path: patterns are relative to the repository root (remove the leading "/")',
      "config/pucs_streams.yaml:4:34: error: streams.A.files_pattern: empty pattern in the comma-separated list",
      'config/pucs_streams.yaml:4:35: error: streams.A.files_pattern: invalid pattern "b/../c": ".." segments are not allowed: patterns are relative to the repository root',
      'config/pucs_streams.yaml:5:22: error: streams.A.critical_files[0]: invalid critical file "a/": a trailing "/" matches no file: use "dir/**" for everything under a directory',
      'config/pucs_streams.yaml:5:28: error: streams.A.critical_files[1]: invalid critical file "a/{1..1000}.py": brace expansion makes more than 256 alternatives',
      'config/pucs_streams.yaml:6:19: error: streams.A.test_pattern: invalid test pattern "tests/**/**/**/**/**/x": 5 "**" segments; at most 4 are allowed',
      'config/pucs_streams.yaml:8:16: error: hot_files[0].pattern: invalid pattern "!x": negation ("!") is not supported: list the paths to include instead',
      'config/pucs_streams.yaml:10:7: error: areas.z: invalid pattern "+(a|@(b|c))": nested extglobs are not supported (e.g. "+(a|@(b|c))"): flatten the alternatives',
    ]);
  });

  it("a stream that is not a mapping, and dependencies that are not a list", () => {
    expect(errorsOf("streams:\n  A: [1]\n  B:\n  C: { name: C, files_pattern: c/**, dependencies: A }\n")).toEqual([
      "config/pucs_streams.yaml:2:6: error: streams.A: expected a mapping of stream settings, got a list",
      "config/pucs_streams.yaml:3:3: error: streams.B: expected a mapping of stream settings, got an empty value",
      'config/pucs_streams.yaml:4:52: error: streams.C.dependencies: expected a list of stream ids or area names (use [] for none), got "A"',
    ]);
  });

  it("a list item of the wrong type inside a glob list", () => {
    expect(errorsOf('streams: { A: { name: A, files_pattern: ["a/**", 5, [x]] } }\n')).toEqual([
      "config/pucs_streams.yaml:1:50: error: streams.A.files_pattern[1]: expected a glob pattern (a string), got 5",
      "config/pucs_streams.yaml:1:53: error: streams.A.files_pattern[2]: expected a glob pattern (a string), got a list",
    ]);
    expect(errorsOf("streams: { A: { name: A, files_pattern: 7 } }\n")).toEqual([
      "config/pucs_streams.yaml:1:41: error: streams.A.files_pattern: expected a glob pattern, a comma-separated string of them, or a list of them, got 7",
    ]);
  });

  it("a stream whose every pattern is taken by an earlier stream is an error; one such pattern a warning", () => {
    expect(
      errorsOf(yaml`
        streams:
          EXEC:
            name: E
            files_pattern: "execution/**/*.py,execution/run.py"
          COPY:
            name: C
            files_pattern: ["execution/**/*.py", "execution/run.py"]
      `),
    ).toEqual([
      'config/pucs_streams.yaml:7:20: error: streams.COPY.files_pattern: stream COPY can own no file: every pattern is taken by another stream: "execution/**/*.py" (EXEC), "execution/run.py" (EXEC); make its patterns distinct or more specific (a file goes to the stream with the most specific matching pattern, ties to the stream declared first)',
    ]);
    const { config, warnings } = parsed(yaml`
      streams:
        EXEC:
          name: E
          files_pattern: "execution/**/*.py"
        SMART:
          name: S
          files_pattern: "execution/**/*.py, execution/smart/**"
    `);
    expect(warnings).toEqual([
      'config/pucs_streams.yaml:7:21: warning: streams.SMART.files_pattern: pattern "execution/**/*.py" can never give SMART a file: EXEC declares the same pattern earlier and wins ties',
    ]);
    expect(config.streams.map((s) => s.patterns)).toEqual([["execution/**/*.py"], ["execution/**/*.py", "execution/smart/**"]]);
  });

  it("a more specific pattern of a later stream is not shadowed (it owns those files)", () => {
    const { warnings } = parsed(yaml`
      streams:
        EXEC:
          name: E
          files_pattern: "execution/**"
        SMART:
          name: S
          files_pattern: "execution/smart_execution.py"
    `);
    expect(warnings).toEqual([]);
  });

  it("durations: invalid values and default_ttl above max_ttl", () => {
    expect(
      errorsOf(yaml`
        streams: { A: { name: A, files_pattern: a/** } }
        locks:
          default_ttl: 2 weeks
          max_ttl: [1]
      `),
    ).toEqual([
      'config/pucs_streams.yaml:3:16: error: locks.default_ttl: invalid duration "2 weeks": unknown unit "weeks"; use a number of minutes (45), or a number with a unit s, m, h or d (90s, 45m, 2h, 1.5h), or combined largest unit first (1h30m)',
      'config/pucs_streams.yaml:4:12: error: locks.max_ttl: expected a duration: a number of minutes (30) or a number with a unit ("90s", "45m", "2h"), got a list',
    ]);
    expect(errorsOf("streams: { A: { name: A, files_pattern: a/** } }\nlocks: { default_ttl: 10h }\n")).toEqual([
      "config/pucs_streams.yaml:2:23: error: locks.default_ttl: default_ttl (10h) is longer than max_ttl (8h); lower default_ttl or raise max_ttl",
    ]);
  });

  it("merge gate: enum, boolean and pinned phases problems", () => {
    expect(
      errorsOf(yaml`
        streams:
          OBS: { name: O, files_pattern: obs/** }
          EXEC: { name: E, files_pattern: exec/**, dependencies: [OBS] }
          API: { name: A, files_pattern: api/**, dependencies: [EXEC] }
          RISK: { name: R, files_pattern: risk/** }
        merge_gate:
          phases:
            - [EXEC, OBSS]
            - [API, EXEC]
            - []
          block_on: phases
          block_on_locks: "yes"
      `),
    ).toEqual([
      'config/pucs_streams.yaml:8:5: error: merge_gate.phases: streams OBS, RISK are in no phase; list every stream exactly once',
      'config/pucs_streams.yaml:8:14: error: merge_gate.phases[0][1]: unknown stream "OBSS"; did you mean "OBS"?',
      "config/pucs_streams.yaml:9:13: error: merge_gate.phases[1][1]: stream EXEC is pinned twice (also in phase 1); list each stream exactly once",
      "config/pucs_streams.yaml:10:7: error: merge_gate.phases[2]: phase 3 is empty; remove it",
      'config/pucs_streams.yaml:11:13: error: merge_gate.block_on: expected "phase" or "dependencies", got "phases"',
      'config/pucs_streams.yaml:12:19: error: merge_gate.block_on_locks: expected true or false, got "yes"',
    ]);
  });

  it("a stream pinned at or before a stream it depends on names both", () => {
    expect(
      errorsOf(yaml`
        streams:
          EXEC: { name: E, files_pattern: exec/**, dependencies: [API] }
          API: { name: A, files_pattern: api/** }
          OBS: { name: O, files_pattern: obs/**, dependencies: [API] }
        merge_gate:
          phases: [[EXEC, API], [OBS]]
      `),
    ).toEqual([
      "config/pucs_streams.yaml:6:13: error: merge_gate.phases[0][0]: EXEC is pinned to phase 1 but depends on API (phase 1); put EXEC in a later phase than API",
    ]);
    expect(
      errorsOf(yaml`
        streams:
          EXEC: { name: E, files_pattern: exec/**, dependencies: [API] }
          API: { name: A, files_pattern: api/** }
        merge_gate:
          phases: [[EXEC], [API]]
      `),
    ).toEqual([
      "config/pucs_streams.yaml:5:13: error: merge_gate.phases[0][0]: EXEC is pinned to phase 1 but depends on API (phase 2); put EXEC in a later phase than API",
    ]);
  });

  it("hot files and coordinators", () => {
    expect(
      errorsOf(yaml`
        streams: { A: { name: A, files_pattern: a/**, coordinators: ["bad login!"] } }
        hot_files:
          - { pattern: package-lock.json, mode: ignor }
          - pattern: CHANGELOG.md
          - package.json
        coordinators: ["@org/team", "-dash"]
      `),
    ).toEqual([
      'config/pucs_streams.yaml:1:62: error: streams.A.coordinators[0]: invalid coordinator "bad login!": expected a GitHub login ("octocat") or team ("@org/team")',
      'config/pucs_streams.yaml:3:41: error: hot_files[0].mode: expected "ignore" or "merge", got "ignor"',
      'config/pucs_streams.yaml:4:5: error: hot_files[1]: missing required key "mode" (expected "ignore" or "merge")',
      'config/pucs_streams.yaml:5:5: error: hot_files[2]: expected a mapping { pattern: "...", mode: ignore | merge }, got "package.json"',
      'config/pucs_streams.yaml:6:29: error: coordinators[1]: invalid coordinator "-dash": expected a GitHub login ("octocat") or team ("@org/team")',
    ]);
  });

  it("version, top-level shape and the empty file", () => {
    expect(errorsOf("version: 2\nstreams: { A: { name: A, files_pattern: a/** } }\n")).toEqual([
      "config/pucs_streams.yaml:1:10: error: version: expected 1 (the only supported version), got 2",
    ]);
    expect(errorsOf("- a\n- b\n")).toEqual([
      "config/pucs_streams.yaml:1:1: error: expected a mapping with a `streams:` key at the top level, got a list",
    ]);
    expect(errorsOf("# only a comment\n")).toEqual([
      "config/pucs_streams.yaml: error: the file is empty: it needs a `streams:` mapping (see `pucs init --write-config`)",
    ]);
    expect(errorsOf("streams: {}\n")).toEqual(["config/pucs_streams.yaml:1:10: error: streams: no streams defined; add at least one"]);
    expect(errorsOf("streams: [A]\n")).toEqual(["config/pucs_streams.yaml:1:10: error: streams: expected a mapping of stream id to stream settings, got a list"]);
  });

  it("YAML syntax errors: one issue at the parser's mark", () => {
    expect(errorsOf("streams:\n  A: [1,\nlocks: {}\n")).toEqual(["config/pucs_streams.yaml:3:1: error: YAML syntax error: deficient indentation"]);
    expect(errorsOf("streams:\n  A:\n\tname: x\n")).toEqual([
      "config/pucs_streams.yaml:3:1: error: YAML syntax error: tab characters must not be used in indentation",
    ]);
    expect(errorsOf('streams: { A: "unterminated }\n')).toHaveLength(1);
  });

  it("YAML features that do not belong: tags, several documents, aliases to nowhere", () => {
    expect(errorsOf("streams: !!map { A: { name: A, files_pattern: a/** } }\n")).toEqual([
      "config/pucs_streams.yaml:1:10: error: YAML tag !!map is not supported here; remove it",
    ]);
    expect(errorsOf("streams: { A: { name: A, files_pattern: a/** } }\n---\nstreams: {}\n")).toEqual([
      "config/pucs_streams.yaml: error: the file holds several YAML documents (---); put the whole configuration in one",
    ]);
    // anchors and aliases work
    const { config } = parsed(yaml`
      streams:
        A: { name: A, files_pattern: a/**, agent_templates: &t [implementer] }
        B: { name: B, files_pattern: b/**, agent_templates: *t }
    `);
    expect(config.streams[1]!.agentTemplates).toEqual(["implementer"]);
  });

  it("reports many problems together, sorted by position", () => {
    const issues = errorsOf(yaml`
      version: 3
      streams:
        EXEC:
          name: "Execution"
          files_pattern: "execution/**/*.py, /abs"
          max_agents: "four"
          max_agent: 3
          dependencies: [API, modles]
        API:
          files_pattern: ["api/**"]
          dependencies: [EXEC]
      locks: { default_ttl: soon }
      extra: 1
    `);
    expect(issues).toEqual([
      "config/pucs_streams.yaml:1:10: error: version: expected 1 (the only supported version), got 3",
      'config/pucs_streams.yaml:5:40: error: streams.EXEC.files_pattern: invalid pattern "/abs": absolute path: patterns are relative to the repository root (remove the leading "/")',
      'config/pucs_streams.yaml:6:17: error: streams.EXEC.max_agents: expected a positive integer, got "four"',
      'config/pucs_streams.yaml:7:5: error: streams.EXEC: unknown key "max_agent"; did you mean "max_agents"?',
      "config/pucs_streams.yaml:8:20: error: streams.EXEC.dependencies[0]: dependency cycle: EXEC -> API -> EXEC; remove one of these dependencies",
      'config/pucs_streams.yaml:8:25: error: streams.EXEC.dependencies[1]: unknown stream or area "modles" (declare non-stream parts of the repository under `areas:`)',
      'config/pucs_streams.yaml:9:3: error: streams.API: missing required key "name" (expected a non-empty string)',
      'config/pucs_streams.yaml:12:23: error: locks.default_ttl: invalid duration "soon": cannot read "soon" (expected a number followed by a unit); use a number of minutes (45), or a number with a unit s, m, h or d (90s, 45m, 2h, 1.5h), or combined largest unit first (1h30m)',
      'config/pucs_streams.yaml:13:1: error: unknown key "extra"',
    ]);
  });

  it("never throws, whatever the input (property)", () => {
    const keys = fc.constantFrom("streams", "areas", "locks", "merge_gate", "hot_files", "A", "B", "name", "files_pattern", "dependencies", "phases", "x");
    const scalar = fc.oneof(fc.constantFrom("a/**", "A", "B", "1", "-", "[", "{", "*", "true", "", "8h", "!x"), fc.string({ maxLength: 8 }));
    const tree: fc.Arbitrary<unknown> = fc.letrec<{ node: unknown }>((tie) => ({
      node: fc.oneof(
        { depthSize: "small" },
        scalar,
        fc.array(tie("node"), { maxLength: 3 }),
        fc.dictionary(keys, tie("node"), { maxKeys: 4 }),
      ),
    })).node;
    fc.assert(
      fc.property(fc.oneof(tree.map((t) => JSON.stringify(t)), fc.string({ maxLength: 60 })), (text) => {
        const r = parseConfig(text, FILE);
        const issues = r.ok ? r.warnings : r.issues;
        for (const i of issues) {
          expect(typeof i.message).toBe("string");
          expect(i.message).not.toMatch(/\n\s+at /); // no stack traces
          expect(i.line).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 400 },
    );
  });
});
