import { describe, expect, it } from "vitest";
import { COMMIT_TYPES, checkCommitMessage, commitPrefix, commitPrefixStream } from "../../src/engine/commit-protocol.js";
import type { Config, StreamConfig } from "../../src/engine/types.js";

function stream(id: string): StreamConfig {
  return {
    id,
    name: id,
    patterns: [`${id.toLowerCase()}/**`],
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
  streams: ["EXEC", "LLM", "RISK"].map(stream),
  areas: [],
  locks: { defaultTtlMinutes: 30, maxTtlMinutes: 480, queueGraceMinutes: 15 },
  mergeGate: { pinnedPhases: null, blockOn: "phase", blockOnLocks: true },
  hotFiles: [],
  coordinators: [],
};

const TYPES = "feat, fix, refactor, perf, test, docs, build, ci, chore, style, revert";
const expected = (id = "EXEC") =>
  `expected "[PUCS-<STREAM>] <type>: <description>" with <type> one of ${TYPES}, e.g. "[PUCS-${id}] feat: Add ML model to fill predictor"`;

describe("checkCommitMessage", () => {
  it.each([
    ["[PUCS-EXEC] feat: Add ML model to fill predictor", "EXEC", "feat"],
    ["[PUCS-LLM] fix: Correct sentiment analysis threshold", "LLM", "fix"],
    ["[PUCS-RISK] refactor: Simplify circuit breaker logic", "RISK", "refactor"],
    ["[PUCS-risk] perf: faster\n\nBody text that\ncan be anything.", "RISK", "perf"],
    ["[PUCS-EXEC] feat(orders)!: drop the v1 API", "EXEC", "feat"],
    ["[PUCS-EXEC] chore: bump   ", "EXEC", "chore"],
  ])("accepts %j", (message, stream, type) => {
    expect(checkCommitMessage(message, config)).toEqual({ ok: true, stream, type });
  });

  it("accepts every documented type", () => {
    expect(COMMIT_TYPES.map((t) => checkCommitMessage(`[PUCS-LLM] ${t}: x`, config))).toEqual(
      COMMIT_TYPES.map((t) => ({ ok: true, stream: "LLM", type: t })),
    );
  });

  it("exempts merge commits", () => {
    expect(checkCommitMessage("Merge branch 'main' into feature/stream-EXEC", config)).toEqual({ ok: true, stream: null, type: null, exempt: "merge commit" });
    expect(checkCommitMessage("Merge pull request #12 from o/r", config)).toEqual({ ok: true, stream: null, type: null, exempt: "merge commit" });
  });

  it("accepts git's revert subject of a protocol commit, refuses one of a non-protocol commit", () => {
    expect(checkCommitMessage('Revert "[PUCS-EXEC] feat: x"\n\nThis reverts commit abc.', config)).toEqual({
      ok: true,
      stream: "EXEC",
      type: "revert",
      exempt: "git revert of a protocol commit",
    });
    expect(checkCommitMessage('Revert "oops"', config)).toEqual({
      ok: false,
      problem: `commit subject "Revert \\"oops\\"": the reverted subject does not follow the protocol (commit subject "oops": it does not start with the stream prefix; ${expected()}); ${expected()}`,
    });
  });

  it("accepts fixup!/squash!/amend! of a protocol commit", () => {
    expect(checkCommitMessage("fixup! [PUCS-LLM] fix: y", config)).toEqual({
      ok: true,
      stream: "LLM",
      type: "fix",
      exempt: "fixup! commit, squashed into its target by git rebase --autosquash",
    });
    expect(checkCommitMessage("squash! fixup! [PUCS-LLM] fix: y", config)).toMatchObject({ ok: true, stream: "LLM", type: "fix" });
    expect(checkCommitMessage("amend! wip", config)).toEqual({
      ok: false,
      problem: `commit subject "amend! wip": the commit it targets does not follow the protocol (commit subject "wip": it does not start with the stream prefix; ${expected()}); ${expected()}`,
    });
  });

  it.each([
    ["", `the commit message is empty; ${expected()}`],
    ["\n\nbody only", `the commit message is empty; ${expected()}`],
    ["Add ML model", `commit subject "Add ML model": it does not start with the stream prefix; ${expected()}`],
    ["feat: Add ML model", `commit subject "feat: Add ML model": it does not start with the stream prefix; ${expected()}`],
    [
      "[PUCS EXEC] feat: x",
      `commit subject "[PUCS EXEC] feat: x": the stream prefix is malformed (write "[PUCS-" then the stream id then "]", no spaces); ${expected()}`,
    ],
    [
      "PUCS-EXEC feat: x",
      `commit subject "PUCS-EXEC feat: x": the stream prefix is malformed (write "[PUCS-" then the stream id then "]", no spaces); ${expected()}`,
    ],
    [
      "[PUCS-EXEC feat: x",
      `commit subject "[PUCS-EXEC feat: x": the stream prefix is malformed (write "[PUCS-" then the stream id then "]", no spaces); ${expected()}`,
    ],
    ["[PUCS-] feat: x", `commit subject "[PUCS-] feat: x": the stream id in "[PUCS-]" is empty; ${expected()}`],
    [
      "[PUCS-SCAN] feat: x",
      `commit subject "[PUCS-SCAN] feat: x": stream "SCAN" is not configured (configured streams: EXEC, LLM, RISK); ${expected()}`,
    ],
    ["[PUCS-LLM] feature: x", `commit subject "[PUCS-LLM] feature: x": type "feature" is not one of ${TYPES}; ${expected("LLM")}`],
    ["[PUCS-LLM] Fix: x", `commit subject "[PUCS-LLM] Fix: x": type "Fix" is not one of ${TYPES}; ${expected("LLM")}`],
    ["[PUCS-LLM] wip(x): y", `commit subject "[PUCS-LLM] wip(x): y": type "wip" is not one of ${TYPES}; ${expected("LLM")}`],
    ["[PUCS-LLM]", `commit subject "[PUCS-LLM]": nothing follows [PUCS-LLM]; ${expected("LLM")}`],
    ["[PUCS-LLM]feat: x", `commit subject "[PUCS-LLM]feat: x": expected one space after [PUCS-LLM]; ${expected("LLM")}`],
    ["[PUCS-LLM]  feat: x", `commit subject "[PUCS-LLM]  feat: x": expected exactly one space after [PUCS-LLM]; ${expected("LLM")}`],
    ["[PUCS-LLM] fix the threshold", `commit subject "[PUCS-LLM] fix the threshold": expected "<type>: " after [PUCS-LLM]; ${expected("LLM")}`],
    ["[PUCS-LLM] fix:x", `commit subject "[PUCS-LLM] fix:x": expected a space after "fix:"; ${expected("LLM")}`],
    ["[PUCS-LLM] fix:", `commit subject "[PUCS-LLM] fix:": the description is empty; ${expected("LLM")}`],
  ])("refuses %j", (message, problem) => {
    expect(checkCommitMessage(message, config)).toEqual({ ok: false, problem });
  });

  it("uses a generic example stream when none is configured", () => {
    expect(checkCommitMessage("x", { ...config, streams: [] })).toEqual({
      ok: false,
      problem: `commit subject "x": it does not start with the stream prefix; ${expected("EXEC")}`,
    });
  });
});

describe("commit prefix helpers", () => {
  it("formats and reads the prefix leniently", () => {
    expect(commitPrefix("EXEC")).toBe("[PUCS-EXEC]");
    expect(commitPrefixStream("[PUCS-exec] whatever")).toBe("exec");
    expect(commitPrefixStream("[PUCS-]")).toBeNull();
    expect(commitPrefixStream("no")).toBeNull();
    expect(commitPrefixStream("first line\n[PUCS-EXEC] second")).toBeNull();
  });
});
