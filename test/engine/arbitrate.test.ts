// ARBITRATE decisions and ROLLBACK suggestions: the ledger transitions and what evaluate makes of them.
import { describe, expect, it } from "vitest";
import { coordinatorsToAsk, conflictKey, decidableKeys, mergedChange } from "../../src/engine/arbitrate.js";
import { evaluate } from "../../src/engine/evaluate.js";
import { decideArbitration, markRolledBack, recordMerge, release, requestArbitration, suggestRollback, MERGES_KEPT } from "../../src/ledger/transitions.js";
import { parseLedger, serializeLedger } from "../../src/ledger/schema.js";
import { layoutFiles, ledgerFromFiles } from "../../src/ledger/layout.js";
import { MIN, T0, change, emptyLedgerFixture as bare, file, footprint, hunk, seedConfig } from "./fixtures.js";
import type { Ledger } from "../../src/engine/types.js";

// A ledger as the stores read it (every collection present), so round trips compare equal.
const emptyLedgerFixture = (over: Partial<Ledger> = {}): Ledger => bare({ handoffs: [], breakers: [], ...over });

const config = seedConfig();
const risky = change("#7", "alice", [file("models/risk_limits.py", [hunk(3, 4)])]);

describe("ARBITRATE with a decider", () => {
  it("a decision covers the conflict keys it names: the verdict clears, the row says who decided; a new key is not covered", () => {
    const before = evaluate(risky, emptyLedgerFixture(), config, T0);
    const key = conflictKey(before.conflicts[0]!);
    expect(before.conflicts.map((c) => [c.type, c.strategy])).toEqual([["CRITICAL", "ARBITRATE"]]);
    expect(key).toMatch(/^CRITICAL:RISK:models\/risk_limits\.py@[0-9a-f]{8}$/);
    expect(before.verdict).toBe("needs-decision");
    expect(before.suggestions[0]).toBe("Coordinators asked to review (ARBITRATE): @risk-lead; one of them, or a maintainer, records the decision with `/pucs decide -- note`.");

    const keys = decidableKeys(before.conflicts, config, { login: "risk-lead", maintainer: false, inTeam: () => false });
    expect(keys).toEqual([key]);
    expect(decidableKeys(before.conflicts, config, { login: "bob", maintainer: false, inTeam: () => false })).toEqual([]);
    const d = decideArbitration(emptyLedgerFixture(), { change: "#7", by: "risk-lead", note: "limits reviewed", headSha: "abcdef1234", keys }, T0);
    expect(d.message).toBe(`ARBITRATE #7 decided by risk-lead at abcdef1 (${key}): limits reviewed`);

    const after = evaluate(risky, d.ledger, config, T0);
    expect(after.verdict).toBe("safe-overlap");
    expect(after.conflicts[0]!.decided).toEqual({ by: "risk-lead", note: "limits reviewed", at: "2026-11-23T20:00:00.000Z" });
    expect(after.suggestions).toEqual(["CRITICAL `models/risk_limits.py`: decided by @risk-lead: limits reviewed"]);

    // Another file of the critical stream: a new key, not covered by the old decision.
    const more = change("#7", "alice", [file("models/risk_limits.py", [hunk(3, 4)]), file("models/circuit_breaker.py", [hunk(1, 1)])]);
    const again = evaluate(more, d.ledger, config, T0);
    expect(again.verdict).toBe("needs-decision");
    expect(again.conflicts.map((c) => [c.type, c.decided ?? null])).toEqual([["CRITICAL", null]]);
    expect(conflictKey(again.conflicts[0]!)).not.toBe(key);
    // A maintainer may decide any of them.
    expect(decidableKeys(again.conflicts, config, { login: "boss", maintainer: true, inTeam: () => false })).toEqual([conflictKey(again.conflicts[0]!)]);
  });

  it("coordinators are asked once per change; the record round-trips the v1 document and the v2 tree, and goes when the change closes", () => {
    const ev = evaluate(risky, emptyLedgerFixture(), config, T0);
    expect(coordinatorsToAsk(ev.conflicts, emptyLedgerFixture(), "#7", config, "alice")).toEqual({ reviewers: ["risk-lead"], teams: [] });
    const r = requestArbitration(emptyLedgerFixture(), { change: "#7", reviewers: ["risk-lead"], teams: ["org/risk"] }, T0);
    expect(r.message).toBe("ARBITRATE #7: review requested from @risk-lead, @org/risk");
    expect(coordinatorsToAsk(ev.conflicts, r.ledger, "#7", config, "alice")).toBeNull();
    expect(requestArbitration(r.ledger, { change: "#7", reviewers: ["x"], teams: [] }, T0 + MIN).ledger).toBe(r.ledger);
    // The author is never asked (GitHub refuses it).
    expect(coordinatorsToAsk(ev.conflicts, emptyLedgerFixture(), "#7", config, "Risk-Lead")).toBeNull();

    const l = r.ledger;
    expect(parseLedger(serializeLedger(l), "t")).toEqual(l);
    expect(ledgerFromFiles(layoutFiles(l), "t", "")).toEqual(l);
    const closed = release(l, { change: "#7", agent: "-", scope: "all" }, T0);
    expect(closed.ledger.arbitrations).toEqual([]);
    expect(closed.message).toBe("release #7: arbitration");
  });
});

describe("ROLLBACK", () => {
  const tracked = emptyLedgerFixture({ footprints: [footprint("#12", "exec-agent-1", "EXEC", [{ path: "execution/x.py" }], { title: "ML model" })] });

  it("a tracked merge is kept; a failure of its merge commit suggests the rollback once; the stream's other changes get the note until the revert is opened", () => {
    expect(recordMerge(emptyLedgerFixture(), { change: "#12", mergeSha: "m".repeat(40) }, T0).outcome).toEqual({ kind: "untracked" });
    const m = recordMerge(tracked, { change: "#12", mergeSha: "abc1234def".padEnd(40, "0"), author: "octocat", nodeId: "PR_12" }, T0);
    expect(m.message).toBe("merged #12 as abc1234 (exec-agent-1 (EXEC)): kept for ROLLBACK");
    expect(m.ledger.merges).toEqual([{ change: "#12", mergeSha: "abc1234def".padEnd(40, "0"), stream: "EXEC", agent: "exec-agent-1", author: "octocat", title: "ML model", nodeId: "PR_12", mergedAt: "2026-11-23T20:00:00.000Z" }]);
    expect(mergedChange(m.ledger, "abc1234")?.change).toBe("#12");
    expect(mergedChange(m.ledger, "#12")?.change).toBe("#12");
    expect(mergedChange(m.ledger, "abc")).toBeNull();

    expect(suggestRollback(m.ledger, { mergeSha: "f".repeat(40), checks: ["tests"], ref: "check_suite:1" }, T0).outcome).toEqual({ kind: "untracked" });
    const s = suggestRollback(m.ledger, { mergeSha: "abc1234def".padEnd(40, "0"), checks: ["tests", "lint"], ref: "check_suite:1" }, T0 + MIN);
    expect(s.message).toBe("ROLLBACK suggested for #12 (EXEC): its merge abc1234 fails on the default branch (tests, lint)");
    expect(suggestRollback(s.ledger, { mergeSha: "abc1234def".padEnd(40, "0"), checks: ["x"], ref: "workflow_run:2" }, T0).ledger).toBe(s.ledger);

    const other = change("#13", "bob", [file("execution/y.py", [hunk(1, 2)])]);
    const ev = evaluate(other, s.ledger, config, T0);
    expect(ev.verdict).toBe("clear");
    expect(ev.suggestions).toEqual([
      'ROLLBACK suggested: #12 ("ML model") of EXEC merged as abc1234 and fails on the default branch (tests, lint). A maintainer reverts it with `/pucs rollback` on #12 (or `pucs rollback abc1234` locally); rebase onto the revert before merging.',
    ]);
    expect(evaluate(change("#14", "bob", [file("llm/z.py", [hunk(1, 2)])]), s.ledger, config, T0).suggestions).toEqual([]);

    const done = markRolledBack(s.ledger, { change: "#12", by: "boss", revert: 40 }, T0);
    expect(done.message).toBe("ROLLBACK of #12 opened by boss: revert #40");
    expect(evaluate(other, done.ledger, config, T0).suggestions).toEqual([]);
    expect(markRolledBack(done.ledger, { change: "#12", by: "boss", revert: 41 }, T0).outcome.kind).toBe("already-done");
    expect(markRolledBack(m.ledger, { change: "#12", by: "boss", revert: 41 }, T0).outcome.kind).toBe("no-suggestion");
    expect(ledgerFromFiles(layoutFiles(done.ledger), "t", "")).toEqual(done.ledger);
    expect(parseLedger(serializeLedger(done.ledger), "t")).toEqual(done.ledger);
  });

  it(`keeps the latest ${MERGES_KEPT} merges`, () => {
    let l = emptyLedgerFixture();
    for (let i = 1; i <= MERGES_KEPT + 2; i++) {
      l = { ...l, footprints: [footprint(`#${i}`, "a", "EXEC", [{ path: "execution/x.py" }])] };
      l = recordMerge(l, { change: `#${i}`, mergeSha: `${i}`.padEnd(40, "0") }, T0 + i * MIN).ledger;
    }
    expect(l.merges).toHaveLength(MERGES_KEPT);
    expect(l.merges![0]!.change).toBe("#3");
  });
});
