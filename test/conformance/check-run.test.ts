/**
 * Issue 10, problem 6 — check runs never lie. GitHub APPENDS the annotations of every update to a
 * check run (the local GitHub models that: see `applyCheckRun`), so patching a run cannot take an
 * annotation back: after the lock that caused "PUCS LOCKED → QUEUE" is released, the run GitHub shows
 * for the PR's head (the latest one of that name) must carry exactly the current report's annotations
 * — none — and never the same annotation twice.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE_FILES, editLine, World, replyOk, type Scene } from "./harness.js";

let world: World;
beforeAll(async () => {
  world = await World.start({ cliMode: "in-process" });
});
afterAll(async () => world?.stop());

const A5 = editLine(BASE_FILES["execution/a.py"]!, 5, "    x3 = 33");
const LOCKED = "PUCS LOCKED → QUEUE";

function shown(scene: Scene, n: number) {
  const run = scene.checkRun(n)!;
  const titles = run.annotations.map((a) => `${a.path} ${a.title}`);
  return { conclusion: run.conclusion, title: run.output.title, annotations: titles, distinct: new Set(titles).size };
}

describe("problem 6: the check run shows the current report's annotations only", () => {
  it("a lock by another PR, then released by `/pucs unlock` on it: the refreshed report on the same head has no LOCKED annotation", async () => {
    const scene = await world.scene();
    const one = await scene.openPull({ author: "bob", head: "bob-work", title: "[PUCS-EXEC] bob", files: { "execution/b.py": editLine(BASE_FILES["execution/b.py"]!, 3, "    x1 = 1") } });
    expect(replyOk(await scene.comment(one.number, "bob", "/pucs lock execution/a.py -- rework"))).toBe(true);
    const two = await scene.openPull({ author: "alice", head: "alice-work", title: "[PUCS-EXEC] alice", files: { "execution/a.py": A5 } });
    const before = shown(scene, two.number);
    expect(before.conclusion).toBe("failure");
    expect(before.annotations).toEqual([`execution/a.py ${LOCKED}`]);
    const head = scene.repo.pull(two.number).headSha;

    expect(await scene.comment(one.number, "bob", "/pucs unlock execution/a.py")).toContain("unlocked");
    // Same head: the App refreshed #2 because its conflict went away.
    expect(scene.repo.pull(two.number).headSha).toBe(head);
    const after = shown(scene, two.number);
    expect(after).toEqual({ conclusion: "success", title: "No conflicts", annotations: [], distinct: 0 });
  });

  it("a CLI lock released with `pucs unlock`, then any event on the PR (edited): no LOCKED annotation left, none twice", async () => {
    const scene = await world.scene();
    const lock = await scene.cli(["lock", "execution/a.py", "--agent", "mallory", "--stream", "EXEC", "--task", "t", "--json"]);
    expect(lock.code).toBe(0);
    const two = await scene.openPull({ author: "alice", head: "alice-work", title: "[PUCS-EXEC] alice", files: { "execution/a.py": A5 } });
    expect(shown(scene, two.number).annotations).toEqual([`execution/a.py ${LOCKED}`]);
    // The same event again: the same report, so the same single annotation (no duplicate).
    await scene.pullEvent(two.number, "edited");
    const again = shown(scene, two.number);
    expect(again.annotations).toEqual([`execution/a.py ${LOCKED}`]);

    expect((await scene.cli(["unlock", "execution/a.py", "--agent", "mallory", "--json"])).code).toBe(0);
    await scene.pullEvent(two.number, "edited");
    expect(shown(scene, two.number)).toEqual({ conclusion: "success", title: "No conflicts", annotations: [], distinct: 0 });
  });

  it("the report changes from one conflict to another on the same head: only the new one is annotated", async () => {
    const scene = await world.scene();
    expect((await scene.cli(["lock", "execution/a.py", "--agent", "mallory", "--stream", "EXEC", "--task", "t", "--json"])).code).toBe(0);
    const two = await scene.openPull({ author: "alice", head: "alice-work", title: "[PUCS-EXEC] alice", files: { "execution/a.py": A5 } });
    expect((await scene.cli(["unlock", "execution/a.py", "--agent", "mallory", "--json"])).code).toBe(0);
    expect((await scene.cli(["intent", "--agent", "trent", "--stream", "EXEC", "--files", "execution/a.py", "--description", "plan", "--force", "--json"])).code).toBe(0);
    await scene.pullEvent(two.number, "edited");
    const now = shown(scene, two.number);
    expect(now.annotations).toEqual(["execution/a.py PUCS INTENT_OVERLAP → PARTITION"]);
    expect(now.distinct).toBe(now.annotations.length);
  });
});
