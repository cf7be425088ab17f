/**
 * Conformance for agents acting through bot accounts (issue 13): the same scenarios as the rule-book
 * suite, played by an author bot, an allowed bot, an unknown bot and PUCS's own bot, with real
 * issue_comment payloads whose sender is a Bot; and one agent identity across the CLI and its PR.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE_FILES, SHIPPED_CONFIG, editLine, play, replyOk, World } from "./harness.js";

let world: World;
beforeAll(async () => {
  world = await World.start({ cliMode: "in-process" });
});
afterAll(async () => world?.stop());

const A5 = editLine(BASE_FILES["execution/a.py"]!, 5, "    x3 = 33");
const exec = (message = "[PUCS-EXEC] feat: tune a") => [{ message, files: { "execution/a.py": A5 } }];
const CLEAR = { stream: "EXEC", verdict: "clear", conflicts: [] };
const BOT = "exec-agent[bot]";

describe("an agent running entirely under a bot account", () => {
  it("its CLI lock (agent id) is its PR's own everywhere; through comments alone it locks, queues and releases", async () => {
    const scene = await world.scene();
    const lock = await scene.cli(["lock", "execution/a.py", "--agent", "exec-agent-1", "--stream", "EXEC", "--task", "tune", "--json"]);
    expect(lock.code, lock.out + lock.err).toBe(0);
    const r = await play(scene, { author: BOT, agent: "exec-agent-1", commits: exec(), title: "tune a", body: "Tunes a.\n\nPUCS-Agent: exec-agent-1\n" });
    expect(r.played).toEqual({ cli: CLEAR, app: CLEAR, gate: { verdict: "pass", stream: "EXEC", blocked: false } });

    expect(replyOk(await scene.comment(r.number, BOT, "/pucs lock execution/b.py -- next step"))).toBe(true);
    expect(replyOk(await scene.comment(r.number, BOT, "/pucs queue execution/c.py"))).toBe(true);
    let l = await scene.ledger();
    expect(l.locks.map((k) => [k.path, k.agent, k.change ?? null]).sort()).toEqual([
      ["execution/a.py", "exec-agent-1", null],
      ["execution/b.py", "exec-agent-1", `#${r.number}`],
    ]);
    expect(l.queues).toMatchObject([{ path: "execution/c.py", waiters: [{ agent: "exec-agent-1", change: `#${r.number}` }] }]);
    expect(replyOk(await scene.comment(r.number, BOT, "/pucs release"))).toBe(true);
    l = await scene.ledger();
    expect(l.locks.map((k) => k.path)).toEqual(["execution/a.py"]);
    expect(l.queues).toEqual([]);
  });

  it("another agent's lock is LOCKED for the bot's PR on the CLI and the App, and the gate blocks on it", async () => {
    const scene = await world.scene();
    expect((await scene.cli(["lock", "execution/a.py", "--agent", "mallory", "--stream", "EXEC", "--task", "t", "--json"])).code).toBe(0);
    const r = await play(scene, { author: BOT, commits: exec(), title: "tune a" });
    const locked = { stream: "EXEC", verdict: "blocked", conflicts: ["LOCKED execution/a.py mallory QUEUE"] };
    expect(r.played).toEqual({ cli: locked, app: locked, gate: { verdict: "blocked", stream: "EXEC", blocked: true } });
  });
});

describe("other bots", () => {
  it("a bot listed in agents.bots acts on someone's PR; an unknown bot is refused with what to add; PUCS's own bot is never acted on", async () => {
    const scene = await world.scene({ config: `${SHIPPED_CONFIG}\nagents:\n  bots:\n    "helper[bot]": write\n` });
    const pr = await scene.openPull({ author: "alice", head: "alice-work", title: "[PUCS-EXEC] feat: a", files: { "execution/a.py": A5 } });

    const allowed = await scene.comment(pr.number, "helper[bot]", "/pucs lock execution/a.py -- for alice");
    expect(replyOk(allowed)).toBe(true);
    expect((await scene.ledger()).locks.map((k) => [k.path, k.agent, k.change])).toEqual([["execution/a.py", "alice", `#${pr.number}`]]);

    const unknown = await scene.comment(pr.number, "stranger[bot]", "/pucs release");
    expect(replyOk(unknown)).toBe(false);
    expect(unknown).toContain('add `agents: { bots: { "stranger[bot]": write } }` to the PUCS config on the default branch');
    expect((await scene.ledger()).locks).toHaveLength(1);

    const before = await scene.ledgerHead();
    expect(await scene.comment(pr.number, scene.gh.botLogin, "<!-- pucs:reply -->\n/pucs release")).toBeNull();
    expect(await scene.ledgerHead()).toBe(before);
  });
});
