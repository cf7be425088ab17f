/**
 * Conformance R3 — FIFO queues, enforced by the ledger whatever the surface (issue 10, problem 3:
 * after `pucs unlock` named B as next, C ran `pucs lock` and won).
 *
 * While a path has waiters only the head of its queue may take the lock; anyone else asking (on the
 * CLI or by `/pucs lock`) is queued, told their position, and refused. A notified head that stays
 * silent past `locks.queue_grace` (minutes) is skipped, and the skip is in the ledger's commit message.
 *
 * CLI agents and PRs wait in the same queue (the CLI works on the App's ledger with --remote origin).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE_FILES, configWith, editLine, World, type CliRun, replyOk, type Scene } from "./harness.js";

let world: World;
beforeAll(async () => {
  world = await World.start({ cliMode: "in-process" });
});
afterAll(async () => world?.stop());

const MINUTE = 60_000;
const PATH = "execution/a.py";
const POSITION_2 = /(position|number|#)\W{0,3}2\b/i;

function lock(scene: Scene, agent: string, now?: number): Promise<CliRun> {
  return scene.cli(["lock", PATH, "--agent", agent, "--stream", "EXEC", "--task", `work of ${agent}`, "--json"], now !== undefined ? { now } : {});
}

const waiters = async (scene: Scene) => (await scene.ledger()).queues.find((q) => q.path === PATH)?.waiters.map((w) => w.change ?? w.agent) ?? [];
const holders = async (scene: Scene) => (await scene.ledger()).locks.filter((k) => k.path === PATH).map((k) => k.change ?? k.agent);

/** A PR (by `author`, on its own file) that can speak `/pucs` commands. */
async function pr(scene: Scene, author: string, file: string): Promise<number> {
  const p = await scene.openPull({ author, head: `${author}-work`, title: `[PUCS-EXEC] ${author}'s work`, files: { [file]: editLine(BASE_FILES[file]!, 3, `    x1 = ${author.length}`) } });
  return p.number;
}

describe("R3: only the head of the queue may take a lock", () => {
  it("CLI agents and PRs in one queue: C (CLI) and #2 cannot jump #1; #1 takes it, then C, in order", async () => {
    const scene = await world.scene();
    const one = await pr(scene, "bob", "execution/b.py");
    const two = await pr(scene, "carol", "execution/c.py");
    expect((await lock(scene, "agent-a")).code).toBe(0);
    expect(await scene.comment(one, "bob", `/pucs queue ${PATH}`)).toMatch(/number 1 in line/);
    const cq = await scene.cli(["queue", PATH, "--agent", "agent-c", "--json"]);
    expect(cq.json).toMatchObject({ ok: true, position: 2 });

    const unlock = await scene.cli(["unlock", PATH, "--agent", "agent-a", "--json"]);
    expect(unlock.code).toBe(0);
    expect(unlock.json.next).toMatchObject({ agent: "bob", change: "#1" });

    // C asks on the CLI: refused, told it is number 2; nothing changes for #1.
    const c = await lock(scene, "agent-c");
    expect(c.code, c.out).toBe(1);
    expect(`${c.out}${c.err}`).toMatch(POSITION_2);
    expect(await holders(scene)).toEqual([]);
    expect(await waiters(scene)).toEqual(["#1", "agent-c"]);

    // #2 asks by comment: refused, queued behind them, told its position (3).
    const r2 = await scene.comment(two, "carol", `/pucs lock ${PATH} -- jump the line`);
    expect(replyOk(r2)).toBe(false);
    expect(r2).toMatch(/(position|number)\W{0,3}3\b/i);
    expect(await holders(scene)).toEqual([]);
    expect(await waiters(scene)).toEqual(["#1", "agent-c", "#2"]);

    // The head takes it.
    const r1 = await scene.comment(one, "bob", `/pucs lock ${PATH} -- my turn`);
    expect(r1).toContain(`locked for #${one}`);
    expect(await holders(scene)).toEqual(["#1"]);
    expect(await waiters(scene)).toEqual(["agent-c", "#2"]);

    // #1 lets go: C is next and gets it; #2 still waits.
    expect(await scene.comment(one, "bob", `/pucs unlock ${PATH}`)).toContain("unlocked");
    const again = await scene.cli(["lock", PATH, "--agent", "agent-c", "--stream", "EXEC", "--task", "c", "--json"]);
    expect(again.code, again.out).toBe(0);
    expect(await holders(scene)).toEqual(["agent-c"]);
    expect(await waiters(scene)).toEqual(["#2"]);
  });
});

describe("R3: a notified head that stays silent past locks.queue_grace is skipped, and the audit trail says so", () => {
  const config = configWith({ queue_grace: "10" });

  it("on the CLI (PUCS_NOW pins the clock): C is refused 5 min after B was told, wins 12 min after; the ledger commit names the skip", async () => {
    const scene = await world.scene({ config });
    const t0 = Math.floor(Date.now() / MINUTE) * MINUTE;
    expect((await lock(scene, "agent-a", t0)).code).toBe(0);
    expect((await scene.cli(["queue", PATH, "--agent", "agent-b", "--json"], { now: t0 })).json).toMatchObject({ position: 1 });
    expect((await scene.cli(["queue", PATH, "--agent", "agent-c", "--json"], { now: t0 })).json).toMatchObject({ position: 2 });
    const unlock = await scene.cli(["unlock", PATH, "--agent", "agent-a", "--json"], { now: t0 + MINUTE });
    expect(unlock.json.next).toMatchObject({ agent: "agent-b" });

    const early = await lock(scene, "agent-c", t0 + 5 * MINUTE);
    expect(early.code, early.out).toBe(1);
    expect(await holders(scene)).toEqual([]);

    const late = await lock(scene, "agent-c", t0 + 12 * MINUTE);
    expect(late.code, `${late.out}${late.err}`).toBe(0);
    expect(await holders(scene)).toEqual(["agent-c"]);
    expect(await waiters(scene)).not.toContain("agent-b");
    const [last] = await scene.ledgerLog();
    expect(last).toMatch(/skip/i);
    expect(last).toContain("agent-b");
  });

  it("on the App (its clock pinned): #3 is refused 5 min after #2 was told, wins 12 min after; the ledger commit names the skip", async () => {
    const scene = await world.scene({ config });
    const one = await pr(scene, "bob", "execution/b.py");
    const two = await pr(scene, "carol", "execution/c.py");
    const three = await pr(scene, "dave", "api/routes.py");
    const t0 = Math.floor(Date.now() / MINUTE) * MINUTE;
    try {
      world.clock.now = t0;
      expect(await scene.comment(one, "bob", `/pucs lock ${PATH} -- first`)).toContain(`locked for #${one}`);
      await scene.comment(two, "carol", `/pucs queue ${PATH}`);
      await scene.comment(three, "dave", `/pucs queue ${PATH}`);
      expect(await waiters(scene)).toEqual([`#${two}`, `#${three}`]);
      world.clock.now = t0 + MINUTE;
      expect(await scene.comment(one, "bob", `/pucs unlock ${PATH}`)).toContain("unlocked");

      world.clock.now = t0 + 5 * MINUTE;
      expect(replyOk(await scene.comment(three, "dave", `/pucs lock ${PATH} -- too early`))).toBe(false);
      expect(await holders(scene)).toEqual([]);

      world.clock.now = t0 + 12 * MINUTE;
      expect(await scene.comment(three, "dave", `/pucs lock ${PATH} -- my turn`)).toContain(`locked for #${three}`);
      expect(await holders(scene)).toEqual([`#${three}`]);
      expect(await waiters(scene)).not.toContain(`#${two}`);
      const log = await scene.ledgerLog();
      expect(log.find((m) => /skip/i.test(m))).toContain(`#${two}`);
    } finally {
      world.clock.now = null;
    }
  });
});
