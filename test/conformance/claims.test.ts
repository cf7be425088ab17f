/**
 * Conformance R2, R9, R10 — whose claim is it, expired claims, and the same conflicts everywhere.
 *
 * R2: a claim (lock, intent, queue place, footprint) is the change's own when it was made through
 * that change (`claim.change === "#12"`), or when it has no change and its agent is the change's agent.
 * A PR's agent is the id of a `PUCS-Agent: <id>` trailer in its body or commits, else its author.
 * So a CLI lock taken with `--agent <the PR author>` (or the trailer's id) is the PR's own: the App
 * reports no LOCKED conflict and the gate does not block on it (issue 10, problem 2: the gate said
 * "Blocked by lock by <author>"); anybody else's live lock is LOCKED for the App and the CLI and
 * blocks the gate.
 * R9: expired locks and intents are ignored everywhere.
 * R10: the same verdict and conflicts (type, file, holder change or agent, strategy) from the App and
 * the CLI for the same ledger and the same files and lines.
 *
 * The CLI's claims are taken with `pucs … --remote origin` in a clone of the repository: the very
 * ledger the App keeps on GitHub.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE_FILES, editLine, play, World, type Scene } from "./harness.js";

let world: World;
beforeAll(async () => {
  world = await World.start({ cliMode: "in-process" });
});
afterAll(async () => world?.stop());

const A5 = editLine(BASE_FILES["execution/a.py"]!, 5, "    x3 = 33");
const A25 = editLine(BASE_FILES["execution/a.py"]!, 25, "    x23 = 2323");
const B5 = editLine(BASE_FILES["execution/b.py"]!, 5, "    x3 = 33");
const B5other = editLine(BASE_FILES["execution/b.py"]!, 5, "    x3 = 99");
const MINUTE = 60_000;

async function cliLock(scene: Scene, path: string, agent: string, opts: { now?: number; duration?: string } = {}): Promise<void> {
  const r = await scene.cli(["lock", path, "--agent", agent, "--stream", "EXEC", "--task", `work of ${agent}`, ...(opts.duration ? ["--duration", opts.duration] : []), "--json"], opts.now !== undefined ? { now: opts.now } : {});
  expect(r.code, `${r.out}${r.err}`).toBe(0);
  expect(r.json.result).toBe("acquired");
}

const exec = (message = "[PUCS-EXEC] feat: tune a") => [{ message, files: { "execution/a.py": A5 } }];
const CLEAR = { stream: "EXEC", verdict: "clear", conflicts: [] };

describe("R2: a lock is the change's own when its agent is the change's agent", () => {
  it("a CLI lock by the PR's author: the CLI and the App report nothing, the gate passes (issue 10, problem 2)", async () => {
    const scene = await world.scene();
    await cliLock(scene, "execution/a.py", "alice");
    const r = await play(scene, { author: "alice", commits: exec(), title: "tune a" });
    expect(r.played).toEqual({ cli: CLEAR, app: CLEAR, gate: { verdict: "pass", stream: "EXEC", blocked: false } });
    expect(r.gate.status?.state).toBe("success");
  });

  it("a CLI lock by the agent named in the PR body's PUCS-Agent trailer (PR opened by another login): the PR's own everywhere", async () => {
    const scene = await world.scene();
    await cliLock(scene, "execution/a.py", "exec-agent-1");
    const r = await play(scene, { author: "ci-runner", agent: "exec-agent-1", commits: exec(), title: "tune a", body: "Tunes a.\n\nPUCS-Agent: exec-agent-1\n" });
    expect(r.played).toEqual({ cli: CLEAR, app: CLEAR, gate: { verdict: "pass", stream: "EXEC", blocked: false } });
    // The footprint the App records is the trailer's agent's.
    expect((await scene.ledger()).footprints.map((f) => [f.change, f.agent])).toEqual([[`#${r.number}`, "exec-agent-1"]]);
  });

  it("a CLI lock by the agent named in a commit's PUCS-Agent trailer: the PR's own everywhere", async () => {
    const scene = await world.scene();
    await cliLock(scene, "execution/a.py", "exec-agent-2");
    const r = await play(scene, { author: "ci-runner", agent: "exec-agent-2", commits: exec("[PUCS-EXEC] feat: tune a\n\nPUCS-Agent: exec-agent-2"), title: "tune a" });
    expect(r.played).toEqual({ cli: CLEAR, app: CLEAR, gate: { verdict: "pass", stream: "EXEC", blocked: false } });
  });

  it("a CLI lock by someone else: LOCKED on the CLI and the App (same holder, same strategy), and the gate blocks on it", async () => {
    const scene = await world.scene();
    await cliLock(scene, "execution/a.py", "mallory");
    const r = await play(scene, { author: "alice", commits: exec(), title: "tune a" });
    const locked = { stream: "EXEC", verdict: "blocked", conflicts: ["LOCKED execution/a.py mallory QUEUE"] };
    expect(r.played).toEqual({ cli: locked, app: locked, gate: { verdict: "blocked", stream: "EXEC", blocked: true } });
    expect(r.gate.status).toEqual({ state: "failure", description: "Blocked by lock by mallory" });
    expect(r.app.conclusion).toBe("failure");
  });

  it("a lock taken through another PR of the same author is someone else's: LOCKED by #1 on the CLI and the App, the gate blocks", async () => {
    const scene = await world.scene();
    const one = await scene.openPull({ author: "alice", head: "other-work", title: "[PUCS-EXEC] other work", files: { "execution/b.py": B5 } });
    const reply = await scene.comment(one.number, "alice", "/pucs lock execution/a.py -- other work");
    expect(reply).toContain("locked for #1");
    const r = await play(scene, { author: "alice", commits: exec(), title: "tune a" });
    const locked = { stream: "EXEC", verdict: "blocked", conflicts: ["LOCKED execution/a.py #1 QUEUE"] };
    expect(r.played).toEqual({ cli: locked, app: locked, gate: { verdict: "blocked", stream: "EXEC", blocked: true } });
    expect(r.gate.blockedBy).toBe("1");
  });
});

describe("R9: expired claims are ignored everywhere", () => {
  it("another agent's lock and intent that expired an hour ago: no conflict on the CLI or the App, no gate block", async () => {
    const scene = await world.scene();
    const past = Date.now() - 2 * 60 * MINUTE;
    await cliLock(scene, "execution/a.py", "mallory", { now: past, duration: "30m" });
    // Forced: at that time mallory's lock was live, so the intent conflicted with it.
    const intent = await scene.cli(["intent", "--agent", "trent", "--stream", "EXEC", "--files", "execution/a.py", "--description", "old plan", "--duration", "30m", "--force", "--json"], { now: past });
    expect(intent.code, intent.out).toBe(0);
    const l = await scene.ledger();
    expect(l.locks.map((k) => k.agent)).toEqual(["mallory"]);
    expect(l.intents.map((i) => i.agent)).toEqual(["trent"]);
    const r = await play(scene, { author: "alice", commits: exec(), title: "tune a" });
    expect(r.played).toEqual({ cli: CLEAR, app: CLEAR, gate: { verdict: "pass", stream: "EXEC", blocked: false } });
  });

  it("the same claims while still live (the control): LOCKED and INTENT_OVERLAP on the CLI and the App, the gate blocks on the lock only", async () => {
    const scene = await world.scene();
    const recent = Date.now() - 10 * MINUTE;
    await cliLock(scene, "execution/a.py", "mallory", { now: recent, duration: "30m" });
    const intent = await scene.cli(["intent", "--agent", "trent", "--stream", "EXEC", "--files", "execution/b.py", "--description", "plan", "--duration", "30m", "--json"], { now: recent });
    expect(intent.code, intent.out).toBe(0);
    const r = await play(scene, { author: "alice", commits: [{ message: "[PUCS-EXEC] feat: a and b", files: { "execution/a.py": A5, "execution/b.py": B5 } }], title: "a and b" });
    const answer = { stream: "EXEC", verdict: "blocked", conflicts: ["INTENT_OVERLAP execution/b.py trent PARTITION", "LOCKED execution/a.py mallory QUEUE"].sort() };
    expect(r.played).toEqual({ cli: answer, app: answer, gate: { verdict: "blocked", stream: "EXEC", blocked: true } });
    expect(r.gate.status?.description).toBe("Blocked by lock by mallory");
  });
});

describe("R10: the same conflicts for the same files and lines", () => {
  it("another PR's lines: disjoint in one file (MERGE), the same line in another (PARTITION) — same set on the CLI and the App; same phase, so the gate passes", async () => {
    const scene = await world.scene();
    await scene.openPull({ author: "bob", head: "bob-work", title: "[PUCS-EXEC] bob's work", files: { "execution/a.py": A25, "execution/b.py": B5other } });
    const r = await play(scene, { author: "alice", commits: [{ message: "[PUCS-EXEC] feat: a and b", files: { "execution/a.py": A5, "execution/b.py": B5 } }], title: "a and b" });
    const answer = { stream: "EXEC", verdict: "needs-decision", conflicts: ["INTENT_OVERLAP execution/a.py #1 MERGE", "INTENT_OVERLAP execution/b.py #1 PARTITION"] };
    expect(r.played).toEqual({ cli: answer, app: answer, gate: { verdict: "pass", stream: "EXEC", blocked: false } });
    // Line detail agrees too.
    const lines = (rep: { conflicts: { file: string; lines?: { overlapping: unknown } }[] }) => rep.conflicts.map((c) => [c.file, c.lines?.overlapping]);
    expect(lines(r.cli!.report)).toEqual(lines(r.app.report));
  });

  it("a critical file (execution/smart_execution.py): CRITICAL → ARBITRATE on the CLI and the App; a review note, not a gate block", async () => {
    const scene = await world.scene({ files: { "execution/smart_execution.py": BASE_FILES["execution/a.py"]! } });
    const r = await play(scene, { author: "alice", commits: [{ message: "[PUCS-EXEC] feat: smarter", files: { "execution/smart_execution.py": A5 } }], title: "smarter" });
    expect(r.played.cli).toEqual(r.played.app);
    expect(r.app.report.conflicts.map((c) => `${c.type} ${c.file} ${c.strategy}`)).toEqual(["CRITICAL execution/smart_execution.py ARBITRATE"]);
    expect(r.played.gate).toEqual({ verdict: "pass", stream: "EXEC", blocked: false });
  });

  it("an intent signalled on the App by another PR, seen by the CLI: INTENT_OVERLAP #1 on both", async () => {
    const scene = await world.scene();
    const one = await scene.openPull({ author: "bob", head: "bob-work", title: "[PUCS-EXEC] bob", files: { "execution/c.py": editLine(BASE_FILES["execution/c.py"]!, 3, "    x1 = 11") } });
    const reply = await scene.comment(one.number, "bob", "/pucs intent execution/a.py -- rework a");
    expect(reply).toContain("recorded");
    const r = await play(scene, { author: "alice", commits: exec(), title: "tune a" });
    const answer = { stream: "EXEC", verdict: "needs-decision", conflicts: ["INTENT_OVERLAP execution/a.py #1 PARTITION"] };
    expect(r.played).toEqual({ cli: answer, app: answer, gate: { verdict: "pass", stream: "EXEC", blocked: false } });
  });
});
