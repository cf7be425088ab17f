/**
 * Conformance R4 and R5 — intents and TTLs mean the same on the CLI and the App.
 *
 * R4 (issue 10, problem 4: `/pucs intent` recorded a conflicting intent unconditionally and the
 * commenter never saw the overlap): a conflicting intent (a conflict whose strategy is not MERGE,
 * other than CRITICAL) is recorded only when forced (`pucs intent … --force`, `/pucs intent … --force`);
 * unforced, nothing is recorded and the output / reply lists the conflicts.
 * R5 (problem 5): a lock, an intent or an extension longer than `locks.max_ttl` is refused with the
 * same reason everywhere, and nothing is written.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE_FILES, configWith, conflictKeys, editLine, World, replyOk, type Scene } from "./harness.js";

let world: World;
beforeAll(async () => {
  world = await World.start({ cliMode: "in-process" });
});
afterAll(async () => world?.stop());

const A5 = editLine(BASE_FILES["execution/a.py"]!, 5, "    x3 = 33");
const B3 = editLine(BASE_FILES["execution/b.py"]!, 3, "    x1 = 11");

/** #1 (bob) changes execution/a.py; #2 (alice) works on execution/b.py and will declare more. */
async function twoPulls(scene: Scene): Promise<{ one: number; two: number }> {
  const one = await scene.openPull({ author: "bob", head: "bob-work", title: "[PUCS-EXEC] bob", files: { "execution/a.py": A5 } });
  const two = await scene.openPull({ author: "alice", head: "alice-work", title: "[PUCS-EXEC] alice", files: { "execution/b.py": B3 } });
  return { one: one.number, two: two.number };
}

const intents = async (scene: Scene) => (await scene.ledger()).intents.map((i) => `${i.change ?? i.agent} ${i.files.join(",")}`).sort();

describe("R4: a conflicting intent is recorded only when forced, and the conflicts are shown", () => {
  it("unforced: the CLI exits 1 listing INTENT_OVERLAP with #1, the App replies with the same conflict; nothing recorded on either", async () => {
    const scene = await world.scene();
    const { two } = await twoPulls(scene);
    const before = await scene.ledgerHead();

    const cli = await scene.cli(["intent", "--agent", "alice", "--stream", "EXEC", "--files", "execution/a.py", "--description", "rework a", "--json"]);
    expect(cli.code).toBe(1);
    expect(cli.json).toMatchObject({ ok: false, recorded: false });
    expect(conflictKeys(cli.json.conflicts)).toEqual(["INTENT_OVERLAP execution/a.py #1 PARTITION"]);
    expect(await scene.ledgerHead()).toBe(before);

    const reply = await scene.comment(two, "alice", "/pucs intent execution/a.py -- rework a");
    expect(replyOk(reply)).toBe(false);
    expect(reply).toContain("INTENT_OVERLAP");
    expect(reply).toContain("execution/a.py");
    expect(reply).toContain("#1");
    expect(reply).toContain("--force");
    expect(await intents(scene)).toEqual([]);
  });

  it("forced: both record it and still list the conflict", async () => {
    const scene = await world.scene();
    const { two } = await twoPulls(scene);
    const cli = await scene.cli(["intent", "--agent", "alice", "--stream", "EXEC", "--files", "execution/a.py", "--description", "rework a", "--force", "--json"]);
    expect(cli.code).toBe(0);
    expect(cli.json).toMatchObject({ ok: true, recorded: true });
    expect(conflictKeys(cli.json.conflicts)).toEqual(["INTENT_OVERLAP execution/a.py #1 PARTITION"]);

    const reply = await scene.comment(two, "alice", "/pucs intent execution/a.py --force -- rework a");
    expect(replyOk(reply)).toBe(true);
    expect(reply).toContain("INTENT_OVERLAP");
    expect(reply).toContain("#1");
    expect(await intents(scene)).toEqual(["#2 execution/a.py", "alice execution/a.py"]);
  });

  it("no conflict: both record it without --force (the control)", async () => {
    const scene = await world.scene();
    const { two } = await twoPulls(scene);
    const cli = await scene.cli(["intent", "--agent", "alice", "--stream", "EXEC", "--files", "execution/c.py", "--description", "c", "--json"]);
    expect(cli.code).toBe(0);
    expect(cli.json).toMatchObject({ ok: true, recorded: true, conflicts: [] });
    const reply = await scene.comment(two, "alice", "/pucs intent execution/c.py -- c");
    expect(replyOk(reply)).toBe(true);
    expect(await intents(scene)).toEqual(["#2 execution/c.py", "alice execution/c.py"]);
  });

  it("a MERGE-only overlap does not stop an intent on either surface (hot file set to merge)", async () => {
    const config = configWith({}).replace(/^hot_files:.*$/m, 'hot_files:\n  - { pattern: "execution/a.py", mode: merge }');
    const scene = await world.scene({ config });
    const { two } = await twoPulls(scene);
    const cli = await scene.cli(["intent", "--agent", "alice", "--stream", "EXEC", "--files", "execution/a.py", "--description", "a", "--json"]);
    expect(cli.json).toMatchObject({ ok: true, recorded: true });
    const reply = await scene.comment(two, "alice", "/pucs intent execution/a.py -- a");
    expect(replyOk(reply)).toBe(true);
    expect(await intents(scene)).toEqual(["#2 execution/a.py", "alice execution/a.py"]);
  });
});

describe("R5: longer than locks.max_ttl is refused with the same reason everywhere", () => {
  const config = configWith({ max_ttl: "2h" });
  /** The reason, as a person reads it: names the setting and its value. */
  const REASON = /locks\.max_ttl[^\n]*\b2h\b/;

  it("a 3h lock: refused by `pucs lock` and by `/pucs lock`, nothing written", async () => {
    const scene = await world.scene({ config });
    const { two } = await twoPulls(scene);
    const before = await scene.ledgerHead();
    const cli = await scene.cli(["lock", "execution/c.py", "--agent", "alice", "--stream", "EXEC", "--task", "t", "--duration", "3h", "--json"]);
    expect(cli.code).not.toBe(0);
    expect(cli.json.ok).toBe(false);
    expect(cli.json.error).toMatch(REASON);
    expect(await scene.ledgerHead()).toBe(before);
    const reply = await scene.comment(two, "alice", "/pucs lock execution/c.py --duration 3h -- t");
    expect(replyOk(reply)).toBe(false);
    expect(reply).toMatch(REASON);
    expect((await scene.ledger()).locks).toEqual([]);
  });

  it("a 3h intent: refused by `pucs intent` and by `/pucs intent`, nothing written", async () => {
    const scene = await world.scene({ config });
    const { two } = await twoPulls(scene);
    const cli = await scene.cli(["intent", "--agent", "alice", "--stream", "EXEC", "--files", "execution/c.py", "--description", "c", "--duration", "3h", "--json"]);
    expect(cli.code).not.toBe(0);
    expect(cli.json.ok).toBe(false);
    expect(cli.json.error).toMatch(REASON);
    const reply = await scene.comment(two, "alice", "/pucs intent execution/c.py --duration 3h -- c");
    expect(replyOk(reply)).toBe(false);
    expect(reply).toMatch(REASON);
    expect(await intents(scene)).toEqual([]);
  });

  it("a 3h extension: refused by `/pucs extend 3h` with the same reason; the lock keeps its expiry", async () => {
    const scene = await world.scene({ config });
    const { two } = await twoPulls(scene);
    expect(replyOk(await scene.comment(two, "alice", "/pucs lock execution/c.py -- t"))).toBe(true);
    const expires = (await scene.ledger()).locks.map((k) => k.expiresAt);
    const reply = await scene.comment(two, "alice", "/pucs extend 3h");
    expect(replyOk(reply)).toBe(false);
    expect(reply).toMatch(REASON);
    expect((await scene.ledger()).locks.map((k) => k.expiresAt)).toEqual(expires);
  });
});
