import { describe, expect, it } from "vitest";
import { agentOfPull, agentTrailer, changeOfPull, ownsClaim, type PullRequest } from "../../src/engine/change.js";
import { streamOfChange } from "../../src/engine/membership.js";
import { gate, gateChangeOf } from "../../src/engine/gate.js";
import { evaluate } from "../../src/engine/evaluate.js";
import { seedConfig, emptyLedgerFixture, iso, T0 } from "./fixtures.js";

const MIN = 60_000;

function pr(over: Partial<PullRequest> = {}): PullRequest {
  return { number: 7, title: "topic work", body: "", author: "alice", authorIsBot: false, labels: [], branch: "topic", baseRef: "main", draft: false, headSha: "a".repeat(40), url: "https://github.com/o/r/pull/7", state: "open", merged: false, ...over };
}

describe("the agent of a PR", () => {
  it("is the PUCS-Agent trailer of the body, else of the newest commit, else the author", () => {
    expect(agentOfPull(pr())).toBe("alice");
    expect(agentOfPull(pr({ body: "Fixes things.\n\nPUCS-Agent: exec-agent-1\n" }))).toBe("exec-agent-1");
    expect(agentOfPull(pr(), ["[PUCS-EXEC] feat: a\n\nPUCS-Agent: old-id", "[PUCS-EXEC] fix: b\n\npucs-agent: exec-agent-2"])).toBe("exec-agent-2");
    expect(agentOfPull(pr({ body: "PUCS-Agent: from-body" }), ["x\n\nPUCS-Agent: from-commit"])).toBe("from-body");
  });
  it("ignores a trailer that is not an agent id (spaces, punctuation, empty)", () => {
    expect(agentTrailer("PUCS-Agent: two words")).toBeNull();
    expect(agentTrailer("PUCS-Agent:")).toBeNull();
    expect(agentTrailer("PUCS-Agent: $(rm -rf)")).toBeNull();
    expect(agentTrailer("see PUCS-Agent: x in the docs")).toBeNull();
    expect(agentTrailer("PUCS-Agent: some-app[bot]")).toBe("some-app[bot]");
  });
});

describe("one Change for every surface", () => {
  const config = seedConfig();
  it("a [PUCS-ID] title declares the stream over the files' owner (issue 10, problem 1)", () => {
    const c = changeOfPull(pr({ title: "[PUCS-API] feat: new endpoint" }), [{ path: "execution/a.py", hunks: null }], []);
    expect(streamOfChange(c, config)).toMatchObject({ stream: "API", source: "commit" });
    expect(gateChangeOf(c, config).streams).toEqual(["API", "EXEC"]);
  });
  it("the title counts as one subject beside the commits: most named wins", () => {
    const c = changeOfPull(pr({ title: "[PUCS-API] feat: x" }), [{ path: "execution/a.py", hunks: null }], ["[PUCS-EXEC] feat: a", "[PUCS-EXEC] fix: b"]);
    expect(streamOfChange(c, config).stream).toBe("EXEC");
  });
  it("a label still beats title, commits and branch", () => {
    const c = changeOfPull(pr({ title: "[PUCS-API] feat: x", labels: ["pucs:stream:RISK"], branch: "feature/stream-EXEC" }), [], ["[PUCS-EXEC] feat: a"]);
    expect(streamOfChange(c, config)).toMatchObject({ stream: "RISK", source: "label" });
  });
});

describe("whose claim is it", () => {
  const config = seedConfig();
  const lock = (agent: string, change?: string) => ({ lease: `l-${agent}-${change ?? ""}`, path: "execution/a.py", agent, stream: "EXEC", task: "t", ...(change ? { change } : {}), acquiredAt: iso(T0 - MIN), expiresAt: iso(T0 + 30 * MIN) });

  it("a change-less (CLI) claim is the agent's on every change; a claim through a change is that change's only", () => {
    const c = { id: "#7", agent: "alice" };
    expect(ownsClaim(c, lock("alice"))).toBe(true);
    expect(ownsClaim(c, lock("alice", "#7"))).toBe(true);
    expect(ownsClaim(c, lock("alice", "#8"))).toBe(false);
    expect(ownsClaim(c, lock("bob"))).toBe(false);
  });

  it("the App's report and the gate agree: the author's CLI lock is its own (issue 10, problem 2)", () => {
    const ledger = emptyLedgerFixture({ locks: [lock("alice")] });
    const c = changeOfPull(pr({ labels: ["pucs:stream:EXEC"] }), [{ path: "execution/a.py", hunks: null }], []);
    expect(evaluate(c, ledger, config, T0).conflicts.filter((x) => x.type === "LOCKED")).toEqual([]);
    expect(gate(gateChangeOf(c, config), [], ledger, config, T0).blockers).toEqual([]);
    const foreign = emptyLedgerFixture({ locks: [lock("bob")] });
    expect(evaluate(c, foreign, config, T0).conflicts.map((x) => x.type)).toContain("LOCKED");
    expect(gate(gateChangeOf(c, config), [], foreign, config, T0).blockers.map((b) => b.reason)).toEqual(["lock"]);
  });

  it("a PUCS-Agent trailer makes the agent's CLI lock the PR's own on both", () => {
    const ledger = emptyLedgerFixture({ locks: [lock("exec-agent-1")] });
    const c = changeOfPull(pr({ author: "some-app[bot]", authorIsBot: true, body: "PUCS-Agent: exec-agent-1" }), [{ path: "execution/a.py", hunks: null }], []);
    expect(evaluate(c, ledger, config, T0).conflicts.filter((x) => x.type === "LOCKED")).toEqual([]);
    expect(gate(gateChangeOf(c, config), [], ledger, config, T0).blockers).toEqual([]);
  });
});

describe("drafts", () => {
  it("a draft's files still overlap, but it takes no CAPACITY slot", () => {
    const config = seedConfig();
    const exec = config.streams.find((s) => s.id === "EXEC")!;
    const fps = Array.from({ length: exec.maxAgents }, (_, i) => ({ change: `#${100 + i}`, agent: `a${i}`, stream: "EXEC", headSha: "b".repeat(40), draft: true, files: [{ path: "execution/a.py", changes: null }], recordedAt: iso(T0) }));
    const c = changeOfPull(pr({ labels: ["pucs:stream:EXEC"] }), [{ path: "execution/a.py", hunks: null }], []);
    const drafts = evaluate(c, emptyLedgerFixture({ footprints: fps }), config, T0);
    expect(drafts.conflicts.map((x) => x.type)).not.toContain("CAPACITY");
    expect(drafts.conflicts.filter((x) => x.type === "INTENT_OVERLAP")).toHaveLength(exec.maxAgents);
    const ready = evaluate(c, emptyLedgerFixture({ footprints: fps.map((f) => ({ ...f, draft: false })) }), config, T0);
    expect(ready.conflicts.map((x) => x.type)).toContain("CAPACITY");
  });
});
