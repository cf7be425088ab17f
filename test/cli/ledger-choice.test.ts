/** One ledger per repository (issue 10, problem 7): the CLI uses origin's refs/pucs/ledger when it exists. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { makeRepo, pucs, sh } from "./helpers.js";

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

/** A bare "GitHub" repository with a ledger on refs/pucs/ledger, and a clone of it. */
function withRemoteLedger(): { clone: string; bare: string } {
  const repo = makeRepo();
  cleanups.push(repo.cleanup);
  const bare = join(repo.base, "remote.git");
  sh(repo.base, "init", "-q", "--bare", "-b", "main", bare);
  sh(repo.dir, "remote", "add", "origin", bare);
  sh(repo.dir, "push", "-q", "origin", "main");
  return { clone: repo.dir, bare };
}

describe("which ledger the CLI uses", () => {
  it("no remote: the clone's own ledger", async () => {
    const repo = makeRepo();
    cleanups.push(repo.cleanup);
    const r = await pucs(repo.dir, ["init", "--json"]);
    expect(r.code).toBe(0);
    expect(execFileSync("git", ["rev-parse", "--verify", "-q", "refs/pucs/ledger"], { cwd: repo.dir, encoding: "utf8" }).trim()).toMatch(/^[0-9a-f]{40}$/);
  });

  it("origin has refs/pucs/ledger: pucs lock without --remote writes THERE, not a second local ledger", async () => {
    const { clone, bare } = withRemoteLedger();
    // The App's ledger: created by another clone with --remote.
    const other = mkdtempSync(join(tmpdir(), "pucs-other-"));
    cleanups.push(() => rmSync(other, { recursive: true, force: true }));
    sh(other, "clone", "-q", bare, "c");
    const c = join(other, "c");
    expect((await pucs(c, ["lock", "execution/a.py", "--agent", "app-side", "--stream", "EXEC", "--task", "t", "--remote", "origin"])).code).toBe(0);

    const r = await pucs(clone, ["lock", "execution/a.py", "--agent", "local-agent", "--stream", "EXEC", "--task", "t"]);
    expect(r.code).toBe(1);
    expect(r.out + r.err).toContain("already locked by app-side");
    // No local ledger was made; the choice is remembered for every worktree.
    expect(() => execFileSync("git", ["rev-parse", "--verify", "-q", "refs/pucs/ledger"], { cwd: clone })).toThrow();
    expect(sh(clone, "config", "--get", "pucs.ledger").trim()).toBe("remote:origin");
  });

  it("a clone holding live claims in its own ledger while origin has one is refused until someone chooses", async () => {
    const { clone, bare } = withRemoteLedger();
    expect((await pucs(clone, ["lock", "execution/b.py", "--agent", "early", "--stream", "EXEC", "--task", "t"])).code).toBe(0);
    // Meanwhile the App starts its ledger on origin.
    const other = mkdtempSync(join(tmpdir(), "pucs-other-"));
    cleanups.push(() => rmSync(other, { recursive: true, force: true }));
    sh(other, "clone", "-q", bare, "c");
    expect((await pucs(join(other, "c"), ["lock", "execution/c.py", "--agent", "app-side", "--stream", "EXEC", "--task", "t", "--remote", "origin"])).code).toBe(0);

    const r = await pucs(clone, ["init"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("Two ledgers: origin has refs/pucs/ledger");
    expect(r.err).toContain("--remote origin");
    expect(r.err).toContain("--local");
    // Choosing explicitly works both ways.
    expect((await pucs(clone, ["status", "--local", "--json"])).code).toBe(0);
    const remote = await pucs(clone, ["status", "--remote", "origin", "--json"]);
    expect(remote.json.locks.map((l: { agent: string }) => l.agent)).toEqual(["app-side"]);
  });

  it("a clone that chose its own ledger before the App existed writes to origin's once origin has one (re-checked before every write)", async () => {
    const { clone, bare } = withRemoteLedger();
    expect((await pucs(clone, ["init"])).code).toBe(0); // origin has no ledger yet: local, remembered
    expect(sh(clone, "config", "--get", "pucs.ledger").trim()).toMatch(/^local@\d+$/);
    // The clone's own ledger has no live claims (init only starts a session), so nothing is split.
    const other = mkdtempSync(join(tmpdir(), "pucs-other-"));
    cleanups.push(() => rmSync(other, { recursive: true, force: true }));
    sh(other, "clone", "-q", bare, "c");
    expect((await pucs(join(other, "c"), ["lock", "execution/c.py", "--agent", "app-side", "--stream", "EXEC", "--task", "t", "--remote", "origin"])).code).toBe(0);
    const r = await pucs(clone, ["lock", "execution/c.py", "--agent", "local-agent", "--stream", "EXEC", "--task", "t"]);
    expect(r.code).toBe(1);
    expect(r.out + r.err).toContain("already locked by app-side");
    expect(sh(clone, "config", "--get", "pucs.ledger").trim()).toBe("remote:origin");
  });
});
