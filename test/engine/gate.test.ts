import { describe, expect, it } from "vitest";
import { describeGate, gate, gateChangeOf } from "../../src/engine/gate.js";
import type { GateChange } from "../../src/engine/types.js";
import { T0, MIN, change, emptyLedgerFixture, file, iso, lock, seedConfig, stream } from "./fixtures.js";

const config = seedConfig();
const gc = (id: string, streams: string[], extra: Partial<GateChange> = {}): GateChange => ({ change: id, streams, draft: false, ...extra });

describe("gate", () => {
  it("blocks a phase-2 change while an earlier-phase change is open, naming it and what unblocks it", () => {
    const r = gate(gc("#2", ["EXEC"], { files: ["execution/a.py"] }), [gc("#1", ["OBS"], { title: "metrics", url: "https://github.com/o/r/pull/1" }), gc("#3", ["API"])], emptyLedgerFixture(), config, T0);
    expect(r).toEqual({
      change: "#2",
      streams: ["EXEC"],
      phase: 2,
      verdict: "blocked",
      blockers: [
        {
          change: "#1",
          stream: "OBS",
          phase: 1,
          reason: "earlier-phase",
          unblock: "#1 (OBS, phase 1) must be merged or closed first.",
          title: "metrics",
          url: "https://github.com/o/r/pull/1",
        },
      ],
      description: "Blocked by #1 (OBS, phase 1)",
    });
  });

  it("passes when the only earlier-phase change is a draft, or nothing earlier is open", () => {
    expect(gate(gc("#2", ["EXEC"]), [gc("#1", ["OBS"], { draft: true })], null, config, T0)).toMatchObject({ verdict: "pass", blockers: [], description: "Ready: phase 2 (EXEC), nothing earlier is open" });
    expect(gate(gc("#2", ["OBS"]), [gc("#1", ["API"])], null, config, T0).verdict).toBe("pass");
    expect(gate(gc("#2", ["EXEC"]), [gc("#1", ["RISK"])], null, config, T0).verdict).toBe("pass"); // same phase
  });

  it("gives a change spanning streams the latest of their phases, so two changes never wait for each other", () => {
    const a = gc("#1", ["OBS", "API"]); // phase 3
    const b = gc("#2", ["EXEC"]); // phase 2
    expect(gate(a, [b], null, config, T0).blockers.map((x) => x.change)).toEqual(["#2"]);
    expect(gate(b, [a], null, config, T0).verdict).toBe("pass");
  });

  it("blocks on a live lock held by someone else on the change's files, not on its own or expired ones", () => {
    const ledger = emptyLedgerFixture({
      locks: [
        lock("observability/**", "bob", { change: "#7", stream: "OBS" }),
        lock("observability/own.py", "alice", { change: "#2", lease: "own" }),
        lock("observability/old.py", "carol", { lease: "old", expiresAt: iso(T0 - MIN) }),
      ],
    });
    const r = gate(gc("#2", ["OBS"], { files: ["observability/own.py", "observability/old.py"] }), [], ledger, config, T0);
    expect(r.verdict).toBe("blocked");
    expect(r.blockers).toEqual([
      {
        change: "#7",
        stream: "OBS",
        phase: 1,
        reason: "lock",
        unblock: `observability/own.py is locked by bob (#7) until ${iso(T0 + 25 * MIN)}: wait for release or expiry, or \`/pucs queue observability/own.py\`.`,
      },
    ]);
    expect(r.description).toBe("Blocked by lock by #7");
    const off = seedConfig({ mergeGate: { ...config.mergeGate, blockOnLocks: false } });
    expect(gate(gc("#2", ["OBS"], { files: ["observability/own.py"] }), [], ledger, off, T0).verdict).toBe("pass");
  });

  it("honours a recorded override and says who decided", () => {
    const ledger = emptyLedgerFixture({ overrides: [{ change: "#2", by: "maria", reason: "hotfix for prod", at: iso(T0) }] });
    const r = gate(gc("#2", ["EXEC"]), [gc("#1", ["OBS"])], ledger, config, T0);
    expect(r.verdict).toBe("pass");
    expect(r.blockers.map((b) => b.change)).toEqual(["#1"]);
    expect(r.overriddenBy).toEqual(ledger.overrides[0]);
    expect(r.description).toBe("Overridden by @maria: hotfix for prod");
  });

  it("in dependencies mode only waits for streams depended on (transitively), still earlier phases only", () => {
    const cfg = seedConfig({
      streams: [stream("A", ["a/**"]), stream("B", ["b/**"]), stream("C", ["c/**"], { dependsOn: ["B"] }), stream("D", ["d/**"], { dependsOn: ["C"] })],
      areas: [],
      mergeGate: { pinnedPhases: null, blockOn: "dependencies", blockOnLocks: true },
    });
    const r = gate(gc("#9", ["D"]), [gc("#1", ["A"]), gc("#2", ["B"]), gc("#3", ["C"])], null, cfg, T0);
    expect(r.blockers.map((b) => [b.change, b.stream, b.phase, b.reason])).toEqual([
      ["#2", "B", 1, "dependency"],
      ["#3", "C", 2, "dependency"],
    ]);
    expect(r.blockers[0]!.unblock).toBe("#2 (B, phase 1) must be merged or closed first: D depends on B.");
  });

  it("keeps changes with no stream outside the phase order", () => {
    const r = gate(gc("#5", []), [gc("#1", ["OBS"])], null, config, T0);
    expect(r).toMatchObject({ phase: null, verdict: "pass", description: "No stream: outside the phase order, no lock in the way" });
  });

  it("describes many blockers within GitHub's 140 characters", () => {
    const open = Array.from({ length: 30 }, (_, i) => gc(`#${i + 10}`, ["OBS"]));
    const r = gate(gc("#2", ["API"]), open, null, config, T0);
    expect(r.blockers).toHaveLength(30);
    expect(r.description).toBe("Blocked by #10 (OBS, phase 1), #11 (OBS, phase 1), #12 (OBS, phase 1) and others");
    // One more or one fewer hidden blocker leaves the status text unchanged (no re-post).
    expect(gate(gc("#2", ["API"]), open.slice(0, 29), null, config, T0).description).toBe(r.description);
    expect(describeGate({ ...r, blockers: r.blockers.map((b) => ({ ...b, change: `#${"9".repeat(60)}` })) }).length).toBeLessThanOrEqual(140);
  });

  it("builds the gate's view of a change from its label and files", () => {
    const c = change("#4", "alice", [file("execution/a.py"), file("api/b.py")], { labels: ["pucs:stream:EXEC"], draft: true, title: "t" });
    expect(gateChangeOf(c, config)).toEqual({ change: "#4", agent: "alice", streams: ["EXEC", "API"], draft: true, files: ["execution/a.py", "api/b.py"], title: "t" });
  });
});
