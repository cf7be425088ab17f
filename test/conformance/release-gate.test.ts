/**
 * Conformance R6, R7, R8 — release scope, drafts and gate overrides.
 *
 * R6 (issue 10, problem 5): `/pucs release` on PR #N and `pucs release --change '#N'` do the same:
 * they drop the change's locks, intents and queue places; its footprint and gate override stay until
 * the PR closes; closing drops everything.
 * R7: a draft PR's files still overlap others (INTENT_OVERLAP) but a draft takes no CAPACITY slot and
 * never blocks the gate.
 * R8: a recorded gate override passes the gate (the status says who overrode and why); the report
 * (App and CLI) is unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE_FILES, SHIPPED_CONFIG, editLine, play, World, replyOk, type Scene } from "./harness.js";

let world: World;
beforeAll(async () => {
  world = await World.start({ cliMode: "in-process" });
});
afterAll(async () => world?.stop());

const edit = (file: string, line: number, v: string) => editLine(BASE_FILES[file]!, line, `    x${line - 2} = ${v}`);

/** What the ledger holds for change `id`, by kind. */
async function heldBy(scene: Scene, id: string): Promise<Record<string, number>> {
  const l = await scene.ledger();
  return {
    locks: l.locks.filter((k) => k.change === id).length,
    intents: l.intents.filter((i) => i.change === id).length,
    queues: l.queues.filter((q) => q.waiters.some((w) => w.change === id)).length,
    footprints: l.footprints.filter((f) => f.change === id).length,
    overrides: l.overrides.filter((o) => o.change === id).length,
  };
}

describe("R6: one release, the same scope on the App and the CLI", () => {
  it("/pucs release on #1 and `pucs release --change '#2'` drop locks, intents and queue places and keep footprint and override; closing drops the rest", async () => {
    const scene = await world.scene();
    scene.repo.setPermission("maintainer", "maintain");
    const lockBy = await scene.cli(["lock", "api/routes.py", "--agent", "mallory", "--stream", "API", "--task", "routes", "--json"]);
    expect(lockBy.code).toBe(0);
    const one = await scene.openPull({ author: "alice", head: "alice-work", title: "[PUCS-EXEC] alice", files: { "execution/a.py": edit("execution/a.py", 5, "1") } });
    const two = await scene.openPull({ author: "bob", head: "bob-work", title: "[PUCS-EXEC] bob", files: { "execution/b.py": edit("execution/b.py", 5, "2") } });
    for (const [n, who, lockPath, intentPath] of [
      [one.number, "alice", "execution/a.py", "execution/c.py"],
      [two.number, "bob", "execution/b.py", "observability/metrics.py"],
    ] as const) {
      const reply = await scene.comment(n, who, `/pucs lock ${lockPath} -- mine\n/pucs intent ${intentPath} -- next\n/pucs queue api/routes.py`);
      expect(replyOk(reply)).toBe(true);
      expect(replyOk(await scene.comment(n, "maintainer", "/pucs gate override -- hotfix"))).toBe(true);
      expect(await heldBy(scene, `#${n}`)).toEqual({ locks: 1, intents: 1, queues: 1, footprints: 1, overrides: 1 });
    }

    expect(replyOk(await scene.comment(one.number, "alice", "/pucs release"))).toBe(true);
    const cli = await scene.cli(["release", "--change", `#${two.number}`, "--json"]);
    expect(cli.code, cli.out).toBe(0);

    const kept = { locks: 0, intents: 0, queues: 0, footprints: 1, overrides: 1 };
    expect({ app: await heldBy(scene, "#1"), cli: await heldBy(scene, "#2") }).toEqual({ app: kept, cli: kept });
    // Both said what they dropped, in the same numbers.
    expect(cli.json.released).toMatchObject({ locks: 1, intents: 1, queues: 1 });

    scene.repo.closePull(one.number);
    await scene.pullEvent(one.number, "closed");
    expect(await heldBy(scene, "#1")).toEqual({ locks: 0, intents: 0, queues: 0, footprints: 0, overrides: 0 });
    // The other PR and the CLI agent's lock are untouched.
    expect(await heldBy(scene, "#2")).toEqual(kept);
    expect((await scene.ledger()).locks.map((k) => k.agent)).toEqual(["mallory"]);
  });
});

describe("R7: drafts overlap but take no capacity and never block the gate", () => {
  /** EXEC may have one active change at a time. */
  const oneAgent = SHIPPED_CONFIG.replace(/(EXEC:\n(?:.*\n)*?\s+max_agents:) 4/, "$1 1");

  it("a draft EXEC PR on the same line: INTENT_OVERLAP on the CLI and the App, no CAPACITY; the gate passes", async () => {
    expect(oneAgent).not.toBe(SHIPPED_CONFIG);
    const scene = await world.scene({ config: oneAgent });
    await scene.openPull({ author: "bob", head: "bob-draft", title: "[PUCS-EXEC] bob's draft", draft: true, files: { "execution/a.py": edit("execution/a.py", 5, "7") } });
    const r = await play(scene, { author: "alice", commits: [{ message: "[PUCS-EXEC] feat: a", files: { "execution/a.py": edit("execution/a.py", 5, "8") } }], title: "a" });
    const answer = { stream: "EXEC", verdict: "needs-decision", conflicts: ["INTENT_OVERLAP execution/a.py #1 PARTITION"] };
    expect(r.played).toEqual({ cli: answer, app: answer, gate: { verdict: "pass", stream: "EXEC", blocked: false } });
  });

  it("the same PR ready for review (the control): CAPACITY appears on the CLI and the App", async () => {
    const scene = await world.scene({ config: oneAgent });
    await scene.openPull({ author: "bob", head: "bob-work", title: "[PUCS-EXEC] bob's work", files: { "execution/a.py": edit("execution/a.py", 5, "7") } });
    const r = await play(scene, { author: "alice", commits: [{ message: "[PUCS-EXEC] feat: a", files: { "execution/a.py": edit("execution/a.py", 5, "8") } }], title: "a" });
    expect(r.played.cli).toEqual(r.played.app);
    expect(r.played.app.conflicts).toEqual(["CAPACITY - #1 QUEUE", "INTENT_OVERLAP execution/a.py #1 PARTITION"]);
  });

  it("a draft OBS PR (phase 1) does not block an API PR (phase 3); marked ready for review, it does, and the gate re-publishes the API PR", async () => {
    const scene = await world.scene();
    const obs = await scene.openPull({ author: "bob", head: "bob-obs", title: "[PUCS-OBS] metric", draft: true, files: { "observability/metrics.py": edit("observability/metrics.py", 5, "3") } });
    const r = await play(scene, { author: "alice", commits: [{ message: "[PUCS-API] feat: routes", files: { "api/routes.py": edit("api/routes.py", 5, "4") } }], title: "routes" });
    expect(r.played.gate).toEqual({ verdict: "pass", stream: "API", blocked: false });
    expect(r.played.cli).toEqual(r.played.app);

    scene.repo.pull(obs.number).draft = false;
    await scene.pullEvent(obs.number, "ready_for_review");
    await scene.gate(obs.number, "ready_for_review");
    const status = scene.repo.statusesOf(scene.repo.pull(r.number).headSha, "PUCS / merge-gate").at(-1);
    expect(status).toMatchObject({ state: "failure", description: "Blocked by #1 (OBS, phase 1)" });
  });
});

describe("R8: a recorded override passes the gate; the report is unchanged", () => {
  it("an API PR blocked by an open OBS PR: after `/pucs gate override -- hotfix` the gate passes and says who and why; App and CLI reports are the same as before", async () => {
    const scene = await world.scene();
    scene.repo.setPermission("maintainer", "maintain");
    await scene.openPull({ author: "bob", head: "bob-obs", title: "[PUCS-OBS] metric", files: { "observability/metrics.py": edit("observability/metrics.py", 5, "3") } });
    const r = await play(scene, { author: "alice", commits: [{ message: "[PUCS-API] feat: routes", files: { "api/routes.py": edit("api/routes.py", 5, "4") } }], title: "routes" });
    expect(r.gate.status).toEqual({ state: "failure", description: "Blocked by #1 (OBS, phase 1)" });
    const appBefore = r.app.report;

    expect(replyOk(await scene.comment(r.number, "maintainer", "/pucs gate override -- hotfix for the outage"))).toBe(true);
    // The next gate run on the PR (here: its description edited) sees the override.
    const after = await scene.gate(r.number, "edited");
    expect(after.status).toEqual({ state: "success", description: "Overridden by @maintainer: hotfix for the outage" });
    expect(after.verdict).toBe("pass");

    // The report does not change: the override is about merging, not about conflicts.
    await scene.pullEvent(r.number, "edited");
    expect(scene.appReport(r.number).report).toEqual(appBefore);
    const cliAfter = await scene.cliCheck(r.dir, "alice");
    // The CLI's branch is not "#N" for the ledger: the PR's own footprint is the one thing it sees in addition.
    expect(cliAfter.answer.conflicts.filter((k) => !k.includes(` #${r.number} `))).toEqual(r.played.cli!.conflicts);
    expect(cliAfter.answer.stream).toBe(r.played.cli!.stream);
  });
});
