/**
 * Issue 10, problems 7 and 8, with the real `pucs` process (bin/pucs.js → dist/cli.js).
 *
 * 7. One ledger by default: in a clone whose remote holds the App's `refs/pucs/ledger`, `pucs lock`
 *    without `--remote` uses the remote's ledger or refuses; it never writes a second, local ledger
 *    (a local agent and a PR could then both hold the same file).
 * 8. `pucs check` includes new untracked files (the README says "working tree included");
 *    `pucs init --session ""` is a usage error, not "This is a bug"; re-running `pucs init` prints the
 *    `startedAt` the ledger keeps.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE_FILES, editLine, git, pucs, World, replyOk, type Scene } from "./harness.js";

let world: World;
beforeAll(async () => {
  world = await World.start({ cliMode: "process" });
});
afterAll(async () => world?.stop());

async function localLedger(dir: string): Promise<string | null> {
  try {
    return (await git(dir, "rev-parse", "--verify", "-q", "refs/pucs/ledger")).trim();
  } catch {
    return null;
  }
}

/** A scene whose GitHub repository has a ledger (the App recorded PR #1's footprint) before the clone is used. */
async function withRemoteLedger(): Promise<{ scene: Scene; pr: number }> {
  const scene = await world.scene();
  const pr = await scene.openPull({ author: "alice", head: "alice-work", title: "[PUCS-EXEC] alice", files: { "execution/a.py": editLine(BASE_FILES["execution/a.py"]!, 5, "    x3 = 33") } });
  expect(await scene.ledgerHead()).not.toBeNull();
  return { scene, pr: pr.number };
}

describe("problem 7: one ledger by default", () => {
  it("`pucs lock` without --remote in a clone whose remote has refs/pucs/ledger: lands in the remote's ledger (the PR then cannot take the file) or is refused; never a local ledger", async () => {
    const { scene, pr } = await withRemoteLedger();
    const remoteBefore = await scene.ledgerHead();
    const r = await pucs("process", scene.clone, ["lock", "execution/a.py", "--agent", "local-agent", "--stream", "EXEC", "--task", "t", "--json"]);
    expect(await localLedger(scene.clone), "a second, local ledger was written").toBeNull();
    if (r.code === 0) {
      expect((await scene.ledger()).locks.map((k) => k.agent)).toEqual(["local-agent"]);
      const reply = await scene.comment(pr, "alice", "/pucs lock execution/a.py -- mine");
      expect(replyOk(reply)).toBe(false);
      expect((await scene.ledger()).locks.map((k) => k.agent)).toEqual(["local-agent"]);
    } else {
      // Refused: it says why and how to choose, and nothing moved.
      expect(r.json?.ok).toBe(false);
      expect(`${r.out}${r.err}`).toMatch(/--remote/);
      expect(await scene.ledgerHead()).toBe(remoteBefore);
    }
  });

  it("a local ledger made before the remote had one: a write without a flag neither grows the local ledger nor splits the claims", async () => {
    const scene = await world.scene();
    const init = await pucs("process", scene.clone, ["init", "--session", "PUCS-20261127-001", "--json"]);
    expect(init.code, init.err).toBe(0);
    const local = await localLedger(scene.clone);
    expect(local).not.toBeNull();
    // Now the App starts writing the remote's ledger.
    await scene.openPull({ author: "alice", head: "alice-work", title: "[PUCS-EXEC] alice", files: { "execution/a.py": editLine(BASE_FILES["execution/a.py"]!, 5, "    x3 = 33") } });
    const remoteBefore = await scene.ledgerHead();
    const r = await pucs("process", scene.clone, ["lock", "execution/a.py", "--agent", "local-agent", "--stream", "EXEC", "--task", "t", "--json"]);
    expect(await localLedger(scene.clone), "the local ledger was written while the remote has one").toBe(local);
    if (r.code === 0) expect((await scene.ledger()).locks.map((k) => k.agent)).toEqual(["local-agent"]);
    else {
      expect(`${r.out}${r.err}`).toMatch(/--remote/);
      expect(await scene.ledgerHead()).toBe(remoteBefore);
    }
  });

  it("a repository whose remote has no ledger keeps the embedded one (the default stays local)", async () => {
    const scene = await world.scene();
    const r = await pucs("process", scene.clone, ["lock", "execution/a.py", "--agent", "local-agent", "--stream", "EXEC", "--task", "t", "--json"]);
    expect(r.code, `${r.out}${r.err}`).toBe(0);
    expect(await localLedger(scene.clone)).not.toBeNull();
    expect(await scene.ledgerHead()).toBeNull();
  });
});

describe("problem 8: the smaller ones", () => {
  it("`pucs check` sees a new untracked file: it is in `files` and its lock by someone else is LOCKED", async () => {
    const scene = await world.scene();
    const { dir } = await scene.branch({ branch: "topic", commits: [{ message: "[PUCS-EXEC] feat: a", files: { "execution/a.py": editLine(BASE_FILES["execution/a.py"]!, 5, "    x3 = 33") } }], untracked: { "execution/new_model.py": "def new():\n    return 1\n" } });
    const lock = await pucs("process", dir, ["lock", "execution/new_model.py", "--agent", "mallory", "--stream", "EXEC", "--task", "new model", "--json"]);
    expect(lock.code, `${lock.out}${lock.err}`).toBe(0);
    const r = await pucs("process", dir, ["check", "--json", "--agent", "alice"]);
    expect(r.json.files.map((f: { path: string }) => f.path).sort()).toEqual(["execution/a.py", "execution/new_model.py"]);
    expect(r.json.report.conflicts.map((c: { type: string; file: string; holder: string }) => `${c.type} ${c.file} ${c.holder}`)).toEqual(["LOCKED execution/new_model.py mallory"]);
    expect(r.code).toBe(1);
  });

  it("`pucs init --session \"\"` is a usage error naming --session (exit 2), not a bug report", async () => {
    const scene = await world.scene();
    const r = await pucs("process", scene.clone, ["init", "--session", ""]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--session/);
    expect(r.err).not.toMatch(/bug/i);
    expect(await localLedger(scene.clone)).toBeNull();
  });

  it("re-running `pucs init` prints the startedAt the ledger keeps, not the time of the second run", async () => {
    const scene = await world.scene();
    const t1 = Date.parse("2026-11-27T08:00:00Z");
    const t2 = Date.parse("2026-11-27T09:30:00Z");
    const first = await pucs("process", scene.clone, ["init", "--session", "PUCS-20261127-001", "--json"], { now: t1 });
    expect(first.json.session).toEqual({ id: "PUCS-20261127-001", startedAt: new Date(t1).toISOString() });
    const again = await pucs("process", scene.clone, ["init", "--session", "PUCS-20261127-001", "--json"], { now: t2 });
    expect(again.code).toBe(0);
    expect(again.json.session).toEqual({ id: "PUCS-20261127-001", startedAt: new Date(t1).toISOString() });
    const text = await pucs("process", scene.clone, ["init", "--session", "PUCS-20261127-001"], { now: t2 });
    expect(text.out).toContain(new Date(t1).toISOString());
    expect(text.out).not.toContain(new Date(t2).toISOString());
    const status = await pucs("process", scene.clone, ["status", "--json"], { now: t2 });
    expect(status.json.session).toEqual({ id: "PUCS-20261127-001", startedAt: new Date(t1).toISOString() });
  });
});
