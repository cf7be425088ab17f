// Stream circuit breakers in the merge gate and in the report (issue 11, part B).
import { describe, expect, it } from "vitest";
import { breakerConfigFor } from "../../src/engine/breaker.js";
import { evaluate } from "../../src/engine/evaluate.js";
import { gate } from "../../src/engine/gate.js";
import type { GateChange } from "../../src/engine/types.js";
import { recordFailure } from "../../src/ledger/transitions.js";
import { MIN, T0, change, emptyLedgerFixture, file, seedConfig } from "./fixtures.js";

const config = seedConfig();
const gc = (id: string, streams: string[]): GateChange => ({ change: id, streams, draft: false, files: ["execution/a.py"] });

function openExec(cfg = config) {
  let l = emptyLedgerFixture();
  for (let i = 0; i < 5; i++) l = recordFailure(l, { stream: "EXEC", agent: "ci", error: "tests red", change: "#9" }, breakerConfigFor(cfg, "EXEC"), T0).ledger;
  return l;
}

describe("circuit breakers in the gate and the report", () => {
  it("the gate blocks an OPEN stream's change, says how to reset, and lets it pass once HALF_OPEN", () => {
    const l = openExec();
    const r = gate(gc("#2", ["EXEC"]), [], l, config, T0 + MIN);
    expect(r.verdict).toBe("blocked");
    expect(r.blockers).toEqual([
      {
        change: "breaker:EXEC",
        stream: "EXEC",
        phase: 2,
        reason: "breaker",
        unblock: "The EXEC circuit breaker is OPEN (5 failures; tripped by ci (#9) at 2026-11-23T20:00:00Z: tests red); it half-opens at 2026-11-23T20:05:00Z. `pucs breaker reset --stream EXEC --reason \"…\"` or `/pucs breaker reset -- reason` closes it.",
      },
    ]);
    expect(r.description).toBe("Blocked by EXEC circuit breaker");
    expect(gate(gc("#3", ["LLM"]), [], l, config, T0 + MIN).verdict).toBe("pass");
    expect(gate(gc("#2", ["EXEC"]), [], l, config, T0 + 6 * MIN).verdict).toBe("pass");
  });

  it("block_merges: false leaves merges alone", () => {
    const cfg = { ...config, circuitBreaker: { failureThreshold: 5, windowMinutes: 10, cooldownMinutes: 5, blockMerges: false } };
    expect(gate(gc("#2", ["EXEC"]), [], openExec(cfg), cfg, T0 + MIN).verdict).toBe("pass");
  });

  it("the report of a change in the stream says the breaker is open (a note, not a conflict)", () => {
    const ev = evaluate(change("#2", "bob", [file("execution/a.py")]), openExec(), config, T0 + MIN);
    expect(ev.stream).toBe("EXEC");
    expect(ev.conflicts).toEqual([]);
    expect(ev.verdict).toBe("clear");
    expect(ev.suggestions[0]).toMatch(/^The EXEC circuit breaker is OPEN/);
    expect(evaluate(change("#3", "bob", [file("llm/a.py")]), openExec(), config, T0 + MIN).suggestions).toEqual([]);
  });
});
