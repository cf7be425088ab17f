import { afterAll, describe, expect, it } from "vitest";
import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  GitError,
  commitMessages,
  commonDir,
  currentBranch,
  defaultBaseRef,
  diffAgainst,
  git,
  gitOk,
  ledgerLog,
  listFiles,
  mainWorktreeRoot,
  mergeBase,
  repoRoot,
  revParse,
  worktreeAdd,
} from "../../src/git/gateway.js";
import { AS_TESTER, cleanupTempDirs, makeRepo, sh, tempDir } from "./helpers.js";

afterAll(cleanupTempDirs);

describe("git()", () => {
  it("runs without a shell, passes stdin and env, and reports the exit code", async () => {
    const dir = await makeRepo();
    const r = await git(["hash-object", "--stdin"], { cwd: dir, input: "a $HOME `x`\n" });
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe((await gitOk(["hash-object", "--stdin"], { cwd: dir, input: "a $HOME `x`\n" })).trim());
    const v = await git(["var", "GIT_AUTHOR_IDENT"], { cwd: dir, env: { GIT_AUTHOR_NAME: "Env Name", GIT_AUTHOR_EMAIL: "env@x" } });
    expect(v.stdout).toMatch(/^Env Name <env@x> \d+ [+-]\d{4}\n$/);
    const bad = await git(["cat-file", "-t", "nope"], { cwd: dir });
    expect(bad.code).toBe(128);
    expect(bad.stderr).toContain("fatal: Not a valid object name nope");
  });

  it("gitOk throws a GitError with the command, exit code and stderr's first line", async () => {
    const dir = await makeRepo();
    const err = await gitOk(["cat-file", "-t", "no such"], { cwd: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitError);
    expect(err).toMatchObject({
      command: 'git cat-file -t "no such"',
      exitCode: 128,
      message: 'git cat-file -t "no such" failed (exit 128): fatal: Not a valid object name no such',
    });
  });

  it("maps 'not a git repository' and a missing directory to plain messages", async () => {
    const outside = tempDir("pucs-nogit-");
    const env = { GIT_CEILING_DIRECTORIES: join(outside, "..") };
    const res = await git(["rev-parse", "--show-toplevel"], { cwd: outside, env });
    expect(res.code).toBe(128);
    const prev = process.env.GIT_CEILING_DIRECTORIES;
    process.env.GIT_CEILING_DIRECTORIES = join(outside, "..");
    try {
      await expect(repoRoot(outside)).rejects.toThrow(
        `${outside} is not inside a git repository (git rev-parse --show-toplevel said: fatal: not a git repository (or any of the parent directories): .git). ` +
          "Run pucs inside a clone or worktree, or run `git init` first.",
      );
      await expect(currentBranch(outside)).rejects.toThrow("is not inside a git repository");
      await expect(revParse(outside, "HEAD")).rejects.toThrow("is not inside a git repository");
    } finally {
      if (prev === undefined) delete process.env.GIT_CEILING_DIRECTORIES;
      else process.env.GIT_CEILING_DIRECTORIES = prev;
    }
    await expect(repoRoot(join(outside, "missing"))).rejects.toThrow(`directory ${join(outside, "missing")} does not exist`);
  });
});

describe("repository helpers", () => {
  it("repoRoot, commonDir, currentBranch, revParse", async () => {
    const dir = await makeRepo();
    expect(await repoRoot(join(dir))).toBe(dir);
    expect(await commonDir(dir)).toBe(join(dir, ".git"));
    expect(await currentBranch(dir)).toBe("main");
    const head = await sh(dir, "rev-parse", "HEAD");
    expect(await revParse(dir, "main")).toBe(head);
    expect(await revParse(dir, "refs/pucs/ledger")).toBeNull();
    expect(await revParse(dir, "--all")).toBeNull(); // never taken as an option
    await sh(dir, "checkout", "-q", "--detach");
    expect(await currentBranch(dir)).toBeNull();
  });

  it("mergeBase finds the fork point, null for unrelated histories", async () => {
    const dir = await makeRepo();
    const fork = await sh(dir, "rev-parse", "HEAD");
    await sh(dir, "checkout", "-q", "-b", "feature");
    await sh(dir, ...AS_TESTER, "commit", "-q", "--allow-empty", "-m", "f1");
    await sh(dir, "checkout", "-q", "main");
    await sh(dir, ...AS_TESTER, "commit", "-q", "--allow-empty", "-m", "m1");
    expect(await mergeBase(dir, "main", "feature")).toBe(fork);
    await sh(dir, "checkout", "-q", "--orphan", "lonely");
    await sh(dir, ...AS_TESTER, "commit", "-q", "--allow-empty", "-m", "alone");
    expect(await mergeBase(dir, "lonely", "main")).toBeNull();
    await expect(mergeBase(dir, "main", "nope")).rejects.toThrow("git merge-base main nope failed (exit 128)");
  });

  it("defaultBaseRef prefers origin/HEAD's branch, then origin/main, main, master", async () => {
    const upstream = await makeRepo();
    await sh(upstream, "branch", "trunk");
    await sh(upstream, "symbolic-ref", "HEAD", "refs/heads/trunk");
    const root = tempDir();
    await sh(root, "clone", "-q", upstream, "clone");
    const clone = join(root, "clone");
    expect(await defaultBaseRef(clone)).toBe("origin/trunk");
    await sh(clone, "remote", "set-head", "origin", "-d");
    expect(await defaultBaseRef(clone)).toBe("origin/main");
    expect(await defaultBaseRef(upstream)).toBe("main");
    await sh(upstream, "branch", "-m", "main", "master");
    expect(await defaultBaseRef(upstream)).toBe("master");
    await sh(upstream, "branch", "-m", "master", "other");
    expect(await defaultBaseRef(upstream)).toBeNull();
  });

  it("diffAgainst shows commits, staged and unstaged changes since the merge base, whatever the user's diff config", async () => {
    const dir = await makeRepo();
    writeFileSync(join(dir, "a.txt"), "1\n2\n3\n4\n5\n6\n7\n8\n9\n");
    writeFileSync(join(dir, "d.txt"), "d\n");
    await sh(dir, "add", ".");
    await sh(dir, ...AS_TESTER, "commit", "-q", "-m", "base");
    await sh(dir, "checkout", "-q", "-b", "feature");
    writeFileSync(join(dir, "a.txt"), "one\n2\n3\n4\n5\n6\n7\n8\n9\n");
    await sh(dir, ...AS_TESTER, "commit", "-q", "-am", "[PUCS-EXEC] feat: one");
    writeFileSync(join(dir, "b.txt"), "new\n");
    await sh(dir, "add", "b.txt"); // staged
    writeFileSync(join(dir, "a.txt"), "one\n2\n3\n4\n5\n6\n7\n8\nnine\n"); // unstaged
    writeFileSync(join(dir, "untracked.txt"), "x\n");
    await sh(dir, "config", "diff.noprefix", "true");
    await sh(dir, "config", "color.diff", "always");
    await sh(dir, "config", "diff.external", "false");
    const main = await sh(dir, "rev-parse", "main");
    const diff = await diffAgainst(dir, "main");
    const blobs = async (path: string, rev: string) => (await sh(dir, "rev-parse", "--short=7", `${rev}:${path}`));
    expect(diff).toBe(
      [
        "diff --git a/a.txt b/a.txt",
        `index ${await blobs("a.txt", main)}..${(await gitOk(["hash-object", "a.txt"], { cwd: dir })).trim().slice(0, 7)} 100644`,
        "--- a/a.txt",
        "+++ b/a.txt",
        "@@ -1,4 +1,4 @@",
        "-1",
        "+one",
        " 2",
        " 3",
        " 4",
        "@@ -6,4 +6,4 @@",
        " 6",
        " 7",
        " 8",
        "-9",
        "+nine",
        "diff --git a/b.txt b/b.txt",
        "new file mode 100644",
        `index 0000000..${(await gitOk(["hash-object", "b.txt"], { cwd: dir })).trim().slice(0, 7)}`,
        "--- /dev/null",
        "+++ b/b.txt",
        "@@ -0,0 +1 @@",
        "+new",
        "",
      ].join("\n"),
    );
    // main moves on (in another worktree): its change must not show.
    const other = join(dir, "..", "main-wt");
    await sh(dir, "worktree", "add", "-q", other, "main");
    appendFileSync(join(other, "d.txt"), "more\n");
    await sh(other, ...AS_TESTER, "commit", "-q", "-am", "main moves");
    expect(await sh(dir, "rev-parse", "main")).not.toBe(main);
    expect(await diffAgainst(dir, "main")).toBe(diff);
    await expect(diffAgainst(dir, "nope")).rejects.toThrow(`base nope does not name a commit in ${dir}: pass an existing branch or commit (e.g. --base origin/main), or fetch it first`);
  });

  it("commitMessages lists full messages newest first", async () => {
    const dir = await makeRepo();
    await sh(dir, ...AS_TESTER, "commit", "-q", "--allow-empty", "-m", "[PUCS-EXEC] feat: a", "-m", "body line");
    await sh(dir, ...AS_TESTER, "commit", "-q", "--allow-empty", "-m", "second");
    expect(await commitMessages(dir, "HEAD~2..HEAD")).toEqual(["second", "[PUCS-EXEC] feat: a\n\nbody line"]);
    expect(await commitMessages(dir, "HEAD..HEAD")).toEqual([]);
  });

  it("worktreeAdd creates the branch when missing and reuses it otherwise; mainWorktreeRoot and listFiles", async () => {
    const dir = await makeRepo();
    const wt = join(dir, "..", "repo-stream-exec");
    await worktreeAdd(dir, wt, "feature/stream-EXEC", "HEAD");
    expect(await currentBranch(wt)).toBe("feature/stream-EXEC");
    expect(await commonDir(wt)).toBe(join(dir, ".git"));
    expect(await mainWorktreeRoot(wt)).toBe(dir);
    expect(await repoRoot(wt)).toBe(wt);
    await sh(dir, "branch", "feature/stream-LLM");
    const wt2 = join(dir, "..", "repo-stream-llm");
    await worktreeAdd(dir, wt2, "feature/stream-LLM", "does-not-matter");
    expect(await currentBranch(wt2)).toBe("feature/stream-LLM");
    await expect(worktreeAdd(dir, wt2, "feature/stream-LLM", "HEAD")).rejects.toThrow(/git worktree add .* failed \(exit 128\): fatal: /);
    writeFileSync(join(dir, "ünïcode file.txt"), "x");
    await sh(dir, "add", ".");
    expect(await listFiles(dir)).toEqual(["README.md", "ünïcode file.txt"]);
  });

  it("ledgerLog returns [] for a missing ref", async () => {
    const dir = await makeRepo();
    expect(await ledgerLog(dir, "refs/pucs/ledger", 10)).toEqual([]);
  });
});
