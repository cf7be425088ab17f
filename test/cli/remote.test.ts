/**
 * `--remote`: the ledger of a shared (bare) repository, the way the App's ledger on GitHub is shared.
 * Pushes with a lease are the compare-and-swap, so clones racing for one lock never both win.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeRepo, pucs, pucsProcess, sh, type TestRepo } from "./helpers.js";

let repo: TestRepo;
let bare: string;
const clones: string[] = [];

beforeAll(() => {
  repo = makeRepo();
  bare = join(repo.base, "origin.git");
  mkdirSync(bare);
  sh(bare, "init", "-q", "--bare");
  sh(repo.dir, "remote", "add", "origin", bare);
  sh(repo.dir, "push", "-q", "origin", "main");
  for (let i = 0; i < 2; i++) {
    const dir = join(repo.base, `clone${i}`);
    sh(repo.base, "clone", "-q", "-b", "main", bare, dir);
    clones.push(dir);
  }
});
afterAll(() => repo.cleanup());

const lock = (path: string, agent: string) => ["lock", path, "--agent", agent, "--stream", "OBS", "--task", "t", "--remote", "origin"];

describe("pucs --remote", () => {
  it("shares one ledger between clones through the remote; a clone uses it by default once origin has one, and --local on purpose", async () => {
    const first = await pucs(clones[0]!, lock("observability/metrics.py", "a"));
    expect(first.err).toBe("");
    expect(first.code).toBe(0);
    const refused = await pucs(clones[1]!, lock("observability/metrics.py", "b"));
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("is already locked by a");
    expect(sh(bare, "for-each-ref", "--format=%(refname)", "refs/pucs/").trim()).toBe("refs/pucs/ledger");
    expect(sh(clones[1]!, "for-each-ref", "--format=%(refname)", "refs/pucs/").trim()).toBe("refs/pucs/remotes/origin/ledger");
    // Without --remote, a clone uses origin's ledger too (one ledger per repository); --local is its own, empty one.
    expect((await pucs(clones[1]!, ["status", "--json"])).json.locks.map((l: { agent: string }) => l.agent)).toEqual(["a"]);
    expect((await pucs(clones[1]!, ["status", "--json", "--local"])).json.locks).toEqual([]);
    const log = await pucs(clones[1]!, ["log", "--remote", "origin", "--json"]);
    expect(log.json.entries.map((e: { message: string }) => e.message.split(" ").slice(0, 2).join(" "))).toEqual(["lock observability/metrics.py"]);
    expect((await pucs(clones[1]!, ["unlock", "observability/metrics.py", "--agent", "a", "--remote", "origin"])).code).toBe(0);
  });

  it("lets exactly one of 8 processes in two clones win a contended lock (PUCS_REMOTE)", async () => {
    const runs = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        pucsProcess(clones[i % 2]!, ["lock", "observability/race.py", "--agent", `r${i}`, "--stream", "OBS", "--task", "t"], { PUCS_REMOTE: "origin" }),
      ),
    );
    expect(runs.filter((r) => r.code === 2).map((r) => r.err)).toEqual([]);
    expect(runs.map((r) => r.code).sort()).toEqual([0, 1, 1, 1, 1, 1, 1, 1]);
    const status = await pucs(clones[0]!, ["status", "--json", "--remote", "origin"]);
    const winner = runs.findIndex((r) => r.code === 0);
    expect(status.json.locks.filter((l: { path: string }) => l.path === "observability/race.py").map((l: { agent: string }) => l.agent)).toEqual([`r${winner}`]);
  });

  it("says clearly when the remote cannot be reached", async () => {
    const r = await pucs(clones[0]!, ["status", "--remote", "nowhere"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^git error: .*nowhere/);
  });
});
