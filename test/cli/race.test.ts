/**
 * Races between real `pucs` processes (the bundled bin) in different worktrees of one repository:
 * the ledger's compare-and-swap must let exactly one win a contended lock and lose no update.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeRepo, pucsProcess, sh, type TestRepo } from "./helpers.js";

const N = 16;
/** Writers of different paths: each wins once, so the races grow with the square of their number. */
const M = 8;
let repo: TestRepo;
const worktrees: string[] = [];

beforeAll(() => {
  repo = makeRepo();
  for (let i = 0; i < 4; i++) {
    const wt = join(repo.base, `wt${i}`);
    sh(repo.dir, "worktree", "add", "-q", "-b", `feature/w${i}`, wt);
    worktrees.push(wt);
  }
});
afterAll(() => repo.cleanup());

const where = (i: number) => (i % 5 === 4 ? repo.dir : worktrees[i % 4]!);

describe("concurrent pucs processes", () => {
  it(`${N} processes locking the same path: exactly one acquires, the others exit 1`, async () => {
    const runs = await Promise.all(
      Array.from({ length: N }, (_, i) => pucsProcess(where(i), ["lock", "execution/fill_predictor.py", "--agent", `agent-${i}`, "--stream", "EXEC", "--task", `task ${i}`])),
    );
    const codes = runs.map((r) => r.code).sort();
    expect(codes).toEqual([0, ...Array(N - 1).fill(1)]);
    const winner = runs.findIndex((r) => r.code === 0);
    for (const r of runs.filter((x) => x.code === 1)) expect(r.err).toContain(`is already locked by agent-${winner}`);
    const status = await pucsProcess(repo.dir, ["status", "--json"]);
    expect(JSON.parse(status.out).locks.map((l: { agent: string }) => l.agent)).toEqual([`agent-${winner}`]);
  });

  it(`${M} processes locking different paths: all succeed and no lock is lost`, async () => {
    const runs = await Promise.all(
      Array.from({ length: M }, (_, i) => pucsProcess(where(i), ["lock", `observability/f${i}.py`, "--agent", `obs-${i}`, "--stream", "OBS", "--task", "t"])),
    );
    expect(runs.map((r) => r.code)).toEqual(Array(M).fill(0));
    const status = JSON.parse((await pucsProcess(worktrees[0]!, ["status", "--json"])).out);
    const paths = status.locks.map((l: { path: string }) => l.path).filter((p: string) => p.startsWith("observability/"));
    expect(paths.sort()).toEqual(Array.from({ length: M }, (_, i) => `observability/f${i}.py`).sort());
    // One commit per accepted transition: the audit trail has them all.
    const log = JSON.parse((await pucsProcess(repo.dir, ["log", "-n", "100", "--json"])).out);
    expect(log.entries.filter((e: { message: string }) => e.message.startsWith("lock observability/")).length).toBe(M);
  });
});
