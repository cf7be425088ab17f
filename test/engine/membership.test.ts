import { describe, expect, it } from "vitest";
import { parseStreamLabel, streamLabel, streamOfBranch, streamOfChange } from "../../src/engine/membership.js";
import type { Change, ChangedFile, Config, StreamConfig } from "../../src/engine/types.js";

function stream(id: string, patterns: string[]): StreamConfig {
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
  };
}

const config: Config = {
  version: 1,
  streams: [
    stream("EXEC", ["execution/**/*.py"]),
    stream("LLM", ["llm/**/*.py"]),
    stream("RISK", ["models/risk*.py", "compliance/**/*.py"]),
    stream("EXEC-FAST", ["fast/**"]),
    stream("API", ["api/**/*.py"]),
  ],
  areas: [],
  locks: { defaultTtlMinutes: 30, maxTtlMinutes: 480, queueGraceMinutes: 15 },
  mergeGate: { pinnedPhases: null, blockOn: "phase", blockOnLocks: true },
  hotFiles: [],
  coordinators: [],
};

const file = (path: string, previousPath?: string): ChangedFile => (previousPath ? { path, previousPath, status: "renamed", hunks: [] } : { path, hunks: [] });

function change(over: Partial<Change>): Change {
  return { id: "#1", agent: "a", files: [], ...over };
}

const CONFIGURED = "EXEC, LLM, RISK, EXEC-FAST, API";

describe("stream labels", () => {
  it("formats and parses", () => {
    expect(streamLabel("EXEC")).toBe("pucs:stream:EXEC");
    expect(parseStreamLabel("pucs:stream:EXEC")).toBe("EXEC");
    expect(parseStreamLabel("PUCS:Stream:exec ")).toBe("exec");
    expect(parseStreamLabel("pucs:stream:")).toBeNull();
    expect(parseStreamLabel("pucs:streams:EXEC")).toBeNull();
    expect(parseStreamLabel("bug")).toBeNull();
  });
});

describe("streamOfChange", () => {
  const files = [file("llm/a.py"), file("llm/b.py"), file("execution/x.py"), file("README.md")];

  it("a label wins over everything else, matched case-insensitively", () => {
    expect(
      streamOfChange(
        change({ labels: ["bug", "pucs:stream:risk"], commitMessages: ["[PUCS-EXEC] feat: x"], branch: "feature/stream-LLM", files }),
        config,
      ),
    ).toEqual({ stream: "RISK", source: "label", streams: ["EXEC", "LLM"], problems: [] });
  });

  it("an unknown label is a problem and falls through; a valid label beside it still wins", () => {
    expect(streamOfChange(change({ labels: ["pucs:stream:NOPE"], commitMessages: ["[PUCS-LLM] fix: y"], files }), config)).toEqual({
      stream: "LLM",
      source: "commit",
      streams: ["EXEC", "LLM"],
      problems: [`label "pucs:stream:NOPE" names no configured stream (configured: ${CONFIGURED}); rename it to pucs:stream:<STREAM> with one of those ids`],
    });
    expect(streamOfChange(change({ labels: ["pucs:stream:NOPE", "pucs:stream:API"], files }), config)).toEqual({
      stream: "API",
      source: "label",
      streams: ["EXEC", "LLM"],
      problems: [`label "pucs:stream:NOPE" names no configured stream (configured: ${CONFIGURED}); rename it to pucs:stream:<STREAM> with one of those ids`],
    });
  });

  it("two stream labels are a problem and fall through; the same stream twice is fine", () => {
    expect(streamOfChange(change({ labels: ["pucs:stream:EXEC", "pucs:stream:LLM"], branch: "feature/stream-RISK" }), config)).toEqual({
      stream: "RISK",
      source: "branch",
      streams: [],
      problems: ["labels name 2 streams (pucs:stream:EXEC, pucs:stream:LLM); keep exactly one pucs:stream:<STREAM> label"],
    });
    expect(streamOfChange(change({ labels: ["pucs:stream:EXEC", "pucs:stream:exec"] }), config)).toEqual({
      stream: "EXEC",
      source: "label",
      streams: [],
      problems: [],
    });
  });

  it("commit prefixes: the stream most commits name, ties to declaration order, unknown ids reported", () => {
    expect(
      streamOfChange(
        change({ commitMessages: ["[PUCS-API] feat: a", "[PUCS-LLM] fix: b", "[pucs-llm] docs: c", "[PUCS-ZZZ] x", "no prefix", "[PUCS-ZZZ] y"] }),
        config,
      ),
    ).toEqual({
      stream: "LLM",
      source: "commit",
      streams: [],
      problems: [`commit prefix "[PUCS-ZZZ]" names no configured stream (configured: ${CONFIGURED})`],
    });
    expect(streamOfChange(change({ commitMessages: ["[PUCS-API] feat: a", "[PUCS-LLM] fix: b"] }), config).stream).toBe("LLM");
    expect(streamOfChange(change({ commitMessages: ["[PUCS-LLM] feat: a", "[PUCS-API] fix: b", "[PUCS-API] fix: c"] }), config).stream).toBe("API");
  });

  it("branches feature/stream-<ID> and feature/stream-<id>-<topic>, case-insensitive, longest id wins", () => {
    const of = (branch: string) => streamOfChange(change({ branch }), config);
    expect(of("feature/stream-EXEC")).toEqual({ stream: "EXEC", source: "branch", streams: [], problems: [] });
    expect(of("feature/stream-exec-fill-predictor").stream).toBe("EXEC");
    expect(of("refs/heads/Feature/Stream-Llm").stream).toBe("LLM");
    expect(of("feature/stream-exec-fast-cache").stream).toBe("EXEC-FAST");
    expect(of("feature/stream-exec-fast").stream).toBe("EXEC-FAST");
    expect(of("feature/streamEXEC")).toEqual({ stream: null, source: "none", streams: [], problems: [] });
    expect(of("feature/exec")).toEqual({ stream: null, source: "none", streams: [], problems: [] });
    expect(of("feature/stream-execution")).toEqual({
      stream: null,
      source: "none",
      streams: [],
      problems: [
        `branch "feature/stream-execution" names no configured stream ("execution"; configured: ${CONFIGURED}); name it feature/stream-<STREAM> or feature/stream-<STREAM>-<topic>`,
      ],
    });
    expect(streamOfBranch("feature/stream-nope-x", config)).toEqual({ unknown: "nope" });
    expect(streamOfBranch("main", config)).toBeNull();
  });

  it("files: the stream owning most files, ties to declaration order", () => {
    expect(streamOfChange(change({ files }), config)).toEqual({ stream: "LLM", source: "files", streams: ["EXEC", "LLM"], problems: [] });
    expect(streamOfChange(change({ files: [file("api/a.py"), file("execution/b.py")] }), config)).toEqual({
      stream: "EXEC",
      source: "files",
      streams: ["EXEC", "API"],
      problems: [],
    });
  });

  it("a rename out of a stream touches both streams; the new path decides ownership", () => {
    expect(streamOfChange(change({ files: [file("api/moved.py", "execution/old.py")] }), config)).toEqual({
      stream: "API",
      source: "files",
      streams: ["EXEC", "API"],
      problems: [],
    });
  });

  it("none when nothing says", () => {
    expect(streamOfChange(change({ files: [file("README.md")], branch: "main", labels: ["bug"], commitMessages: ["fix stuff"] }), config)).toEqual({
      stream: null,
      source: "none",
      streams: [],
      problems: [],
    });
  });
});
