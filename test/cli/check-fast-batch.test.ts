/**
 * Issue 11: how `dist/cli.js` runs a plain `pucs check` fast — its git commands started at once through
 * one shell (src/cli/git-batch.ts) while the fast path loads. It may not change an answer: the batch's
 * answers are the gateway's.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fastCheck } from "../../src/cli/check-fast.js";
import { LEDGER_CONFIG, ledgerConfigOf, planCheck } from "../../src/cli/check-plan.js";
import { batchScript, parseAnswer, startGitBatch } from "../../src/cli/git-batch.js";
import { configAndRemotes, git } from "../../src/git/gateway.js";
import { lockedBranchRepo, makeRepo, pucs, sh, type TestRepo } from "./helpers.js";

const T = Date.parse("2026-11-23T20:00:00Z");
let r: TestRepo;

beforeAll(async () => {
  r = await lockedBranchRepo(T);
});
afterAll(() => r.cleanup());

describe("one shell for a check's git commands (git-batch.ts)", () => {
  it("answers exactly what the gateway answers: output, exit code, a failing command, quotes and non-ASCII in arguments", async () => {
    r.write("docs/naïve 'quoted' file.txt", "x\n");
    try {
      const commands = [
        ...planCheck(["--base", "main"], {})!.first,
        ["log", "--format=%s", "-1", "--", "docs/naïve 'quoted' file.txt"],
        ["rev-parse", "--verify", "no-such-ref"],
        ["ls-files", "-z", "--others", "--", "docs/naïve 'quoted' file.txt"],
      ];
      const batch = startGitBatch(commands, r.dir);
      for (const args of commands) {
        const [mine, theirs] = await Promise.all([batch.take(args, r.dir), git(args, { cwd: r.dir })]);
        expect(mine).toEqual({ stdout: theirs.stdout, code: theirs.code });
      }
      expect((await git(["rev-parse", "--verify", "no-such-ref"], { cwd: r.dir })).code).not.toBe(0);
    } finally {
      rmSync(join(r.dir, "docs"), { recursive: true, force: true });
    }
  });

  it("gives an answer once, only for the same arguments in the same directory", async () => {
    const args = ["rev-parse", "HEAD"];
    const batch = startGitBatch([args], r.dir);
    expect(batch.take(["rev-parse", "main"], r.dir)).toBeUndefined();
    expect(batch.take(args, join(r.dir, "api"))).toBeUndefined();
    expect(await batch.peek(args, r.dir)).toEqual({ stdout: sh(r.dir, "rev-parse", "HEAD"), code: 0 });
    expect(await batch.take(args, r.dir)).toEqual({ stdout: sh(r.dir, "rev-parse", "HEAD"), code: 0 });
    expect(batch.take(args, r.dir)).toBeUndefined();
  });

  it("a malformed answer is null (the caller runs git itself), and the script quotes every argument", () => {
    expect(parseAnswer(Buffer.from(""))).toBeNull();
    expect(parseAnswer(Buffer.from("output without a code"))).toBeNull();
    expect(parseAnswer(Buffer.from("x\nnot-a-code"))).toBeNull();
    expect(parseAnswer(Buffer.from("a\nb\n\n0"))).toEqual({ stdout: "a\nb\n", code: 0 });
    expect(batchScript([["log", "--format=%s", "it's $HOME `x`"]])).toContain(`git 'log' '--format=%s' 'it'\\''s $HOME \`x\`' 2>/dev/null`);
  });

  it("a shell that cannot start in that directory: every answer is null", async () => {
    const gone = join(r.base, "gone");
    const batch = startGitBatch([["rev-parse", "HEAD"]], gone);
    expect(await batch.take(["rev-parse", "HEAD"], gone)).toBeNull();
  });

  it("reads the batch's `git config` as the gateway's configAndRemotes does: nothing set, remotes, pucs.ledger", async () => {
    const repo = makeRepo();
    try {
      const read = async () => ledgerConfigOf(await git(LEDGER_CONFIG, { cwd: repo.dir }));
      expect(await read()).toEqual({ value: null, remotes: [] });
      expect(await read()).toEqual(await configAndRemotes(repo.dir, "pucs.ledger"));
      sh(repo.dir, "remote", "add", "origin", "https://example.com/a.git");
      sh(repo.dir, "remote", "add", "fork.two", "https://example.com/b.git");
      sh(repo.dir, "config", "pucs.ledger", `local@${T - 1000}`);
      expect(await read()).toEqual(await configAndRemotes(repo.dir, "pucs.ledger"));
      expect((await read()).remotes.sort()).toEqual(["fork.two", "origin"]);
      expect((await read()).value).toBe(`local@${T - 1000}`);
      // Without --local the batch runs it, and the fast path decides from it as the full command does.
      const argv = ["--json"];
      expect(planCheck(argv, {})!.first).toContainEqual(LEDGER_CONFIG);
      let out = "";
      const code = await fastCheck(argv, { cwd: repo.dir, env: {}, now: () => T, out: (x) => void (out += x), err: () => {} }, startGitBatch(planCheck(argv, {})!.first, repo.dir));
      const full = await pucs(repo.dir, ["check", ...argv], { now: T });
      expect({ code, out }).toEqual({ code: full.code, out: full.out });
      // A remote to ask (no recent answer in the config): the full command decides.
      sh(repo.dir, "config", "--unset", "pucs.ledger");
      expect(await fastCheck(argv, { cwd: repo.dir, env: {}, now: () => T, out: () => {}, err: () => {} }, startGitBatch(planCheck(argv, {})!.first, repo.dir))).toBeNull();
    } finally {
      repo.cleanup();
    }
  });

  it("the fast path with the batch's answers prints the same bytes as without, and as the full command", async () => {
    for (const argv of [["--base", "main", "--json"], ["--local"], ["--format", "markdown", "--base", "main"]]) {
      const run = async (withBatch: boolean) => {
        let out = "";
        let err = "";
        const batch = withBatch ? startGitBatch(planCheck(argv, {})!.first, r.dir) : undefined;
        const code = await fastCheck(argv, { cwd: r.dir, env: { PUCS_AGENT: "me" }, now: () => T, out: (s) => void (out += s), err: (s) => void (err += s) }, batch);
        return { code, out, err };
      };
      const full = await pucs(r.dir, ["check", ...argv], { now: T, env: { PUCS_AGENT: "me" } });
      const [a, b] = [await run(true), await run(false)];
      expect(a.code).not.toBeNull();
      expect(a).toEqual(b);
      expect(a).toEqual({ code: full.code, out: full.out, err: full.err });
    }
  });
});
