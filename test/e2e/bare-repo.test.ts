/**
 * The local GitHub's storage writes git objects and reads refs itself (no git process per request):
 * each answer is checked here against git's own.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BareRepo, ZERO, type Person } from "./bare-repo.js";

let dir: string;
let git: BareRepo;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "pucs-bare-"));
  git = new BareRepo(join(dir, "repo.git"));
  await git.init("main");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What git's plumbing makes of the same tree (a private index, update-index, write-tree). */
async function gitTree(base: string | null, lines: string[]): Promise<string> {
  const env = { GIT_INDEX_FILE: join(dir, `index-${Math.random()}`) };
  if (base) await git.ok(["read-tree", base], { env });
  if (lines.length) await git.ok(["update-index", "--add", "--index-info"], { input: lines.join("\n") + "\n", env });
  return git.ok(["write-tree"], { env });
}

const alice: Person = { name: "Alice Example", email: "alice@example.com", date: "2026-11-27T10:11:12Z" };

describe("BareRepo writes objects as git does", () => {
  it("blobs: the sha of git hash-object, readable by git", async () => {
    for (const text of ["", "hello\n", "no newline", "ü\u0000binary\u00ff"]) {
      const sha = await git.writeBlob(Buffer.from(text, "utf8"));
      expect(sha).toBe(await git.ok(["hash-object", "--stdin"], { input: text }));
      expect((await git.run(["cat-file", "blob", sha])).stdout.toString("utf8")).toBe(text);
    }
    // The same content twice: one object, no error.
    expect(await git.writeBlob(Buffer.from("hello\n"))).toBe(await git.writeBlob(Buffer.from("hello\n")));
  });

  it("trees: nested paths in git's order (a directory sorts as 'name/'), with a base, deletions and a subtree", async () => {
    const [x, y, z] = await git.writeBlobs(["x\n", "y\n", "z\n"].map((t) => Buffer.from(t)));
    const names = ["a-b", "a/c", "a.b", "a0", "b/d/e.txt", "b/f", "run.sh"];
    const changes = names.map((path, i) => ({ path, mode: path.endsWith(".sh") ? "100755" : "100644", type: "blob", sha: [x!, y!, z!][i % 3]! }));
    const tree = await git.buildTree(null, changes);
    expect(tree).toBe(await gitTree(null, changes.map((c) => `${c.mode} ${c.sha}\t${c.path}`)));

    const sub = await git.buildTree(null, [{ path: "k.txt", mode: "100644", type: "blob", sha: z! }]);
    const next = await git.buildTree(tree, [
      { path: "a", mode: "100644", type: "blob", sha: null }, // a directory: all under it goes
      { path: "b/f", mode: "100644", type: "blob", sha: x! }, // replaced
      { path: "c/nested", mode: "040000", type: "tree", sha: sub },
    ]);
    const expected = await gitTree(null, [
      `100644 ${x}\ta-b`,
      `100644 ${z}\ta.b`,
      `100644 ${x}\ta0`,
      `100644 ${y}\tb/d/e.txt`,
      `100644 ${x}\tb/f`,
      `100644 ${z}\tc/nested/k.txt`,
      `100755 ${x}\trun.sh`,
    ]);
    expect(next).toBe(expected);
    expect(await git.buildTree(null, [])).toBe("4b825dc642cb6eb9a060e54bf8d69288fbee4904"); // git's empty tree
    expect((await git.run(["fsck", "--strict", "--no-dangling"])).code).toBe(0);
  });

  it("commits: the sha git commit-tree gives for the same tree, parents, identities, dates and message", async () => {
    const tree = await git.buildTree(null, [{ path: "f", mode: "100644", type: "blob", sha: await git.writeBlob(Buffer.from("f\n")) }]);
    let parent: string | null = null;
    for (const [message, date] of [
      ["one line\n", "2026-11-27T10:11:12Z"],
      ["no trailing newline", "2026-01-02T03:04:05+02:00"],
      ["subject\n\nbody\n\nPucs-Nonce: 0123\n", "2026-06-30T23:59:59-07:30"],
    ] as const) {
      const who = { ...alice, date };
      const parents = parent ? [parent] : [];
      const ours = await git.writeCommit({ tree, parents, message, author: who, committer: { ...who, name: "web-flow", email: "noreply@github.com" } });
      const env = { GIT_AUTHOR_NAME: who.name, GIT_AUTHOR_EMAIL: who.email, GIT_AUTHOR_DATE: date, GIT_COMMITTER_NAME: "web-flow", GIT_COMMITTER_EMAIL: "noreply@github.com", GIT_COMMITTER_DATE: date };
      const theirs = await git.ok(["commit-tree", tree, ...parents.flatMap((p) => ["-p", p]), "-F", "-"], { input: message, env });
      expect(ours, JSON.stringify(message)).toBe(theirs);
      const read = await git.readCommit(ours);
      expect(read).toMatchObject({ tree, parents, message, author: { name: "Alice Example", email: "alice@example.com", date: new Date(date).toISOString().replace(".000Z", "Z") } });
      parent = ours;
    }
    // An identity git would clean up is left to git (and still written).
    const odd = await git.writeCommit({ tree, parents: [], message: "m\n", author: { ...alice, name: " Alice. " }, committer: alice });
    expect(await git.typeOf(odd)).toBe("commit");
  });
});

describe("BareRepo reads refs and ancestry as git does", () => {
  it("loose and packed refs, a missing ref, and an annotated tag peeled to its commit", async () => {
    const tree = await git.buildTree(null, []);
    const c1 = await git.writeCommit({ tree, parents: [], message: "1\n", author: alice, committer: alice });
    const c2 = await git.writeCommit({ tree, parents: [c1], message: "2\n", author: alice, committer: alice });
    const c3 = await git.writeCommit({ tree, parents: [], message: "unrelated\n", author: alice, committer: alice });
    expect(await git.updateRef("refs/heads/main", c2, ZERO)).toBe(true);
    expect(await git.updateRef("refs/pucs/ledger", c1, ZERO)).toBe(true);
    expect(await git.refSha("refs/heads/main")).toBe(c2);
    expect(await git.refSha("refs/heads/nope")).toBeNull();
    await git.ok(["pack-refs", "--all"]);
    expect(await git.refSha("refs/pucs/ledger")).toBe(c1); // from packed-refs now
    expect(await git.updateRef("refs/pucs/ledger", c2, c1)).toBe(true); // a loose ref again, over the packed one
    expect(await git.refSha("refs/pucs/ledger")).toBe(c2);
    await git.ok(["tag", "-a", "-m", "v1", "v1", c1], { env: { GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com" } });
    expect(await git.refSha("refs/tags/v1")).toBe(c1);
    expect(await git.refSha("refs/heads")).toBeNull(); // a directory, not a ref

    expect(await git.isAncestor(c1, c2)).toBe(true);
    expect(await git.isAncestor(c2, c2)).toBe(true);
    expect(await git.isAncestor(c2, c1)).toBe(false);
    expect(await git.isAncestor(c3, c2)).toBe(false);
    for (const [a, b] of [
      [c1, c2],
      [c2, c1],
      [c3, c2],
    ] as const) {
      expect(await git.isAncestor(a, b)).toBe((await git.run(["merge-base", "--is-ancestor", a, b])).code === 0);
    }
  });
});

describe("BareRepo reads objects git wrote (loose, then packed) as git does", () => {
  /** `git ls-tree -l -z [-r -t]` parsed as readTree returns it. */
  async function gitLsTree(repo: BareRepo, sha: string, recursive: boolean) {
    const out = (await repo.run(["ls-tree", "-l", "-z", ...(recursive ? ["-r", "-t"] : []), sha])).stdout.toString("utf8");
    return out
      .split("\0")
      .filter(Boolean)
      .map((line) => {
        const tab = line.indexOf("\t");
        const [mode, type, osha, size] = line.slice(0, tab).split(/\s+/) as [string, string, string, string];
        return { mode, type, sha: osha, path: line.slice(tab + 1), ...(type === "blob" ? { size: Number(size) } : {}) };
      });
  }

  it("commits, trees (nested, an executable, a symlink, a submodule) and blobs made by git commands; merge bases and commit lists of a criss-cross history", async () => {
    const work = join(dir, "work");
    const env = { GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com", GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null" };
    const { mkdirSync, writeFileSync, symlinkSync, chmodSync } = await import("node:fs");
    mkdirSync(join(work, "a/b"), { recursive: true });
    writeFileSync(join(work, "a/b/deep.py"), "x = 1\n");
    writeFileSync(join(work, "a/top.txt"), "top\n".repeat(1000));
    writeFileSync(join(work, "run.sh"), "#!/bin/sh\n");
    chmodSync(join(work, "run.sh"), 0o755);
    symlinkSync("a/top.txt", join(work, "link"));
    const index = { GIT_INDEX_FILE: join(dir, "work-index") };
    const wi = (...args: string[]) => git.ok(["--work-tree", work, ...args], { env: { ...env, ...index } });
    await wi("add", "-A");
    await wi("update-index", "--add", "--cacheinfo", `160000,${"1".repeat(40)},sub`);
    const tree = await wi("write-tree");
    const commitOf = (t: string, parents: string[], msg: string) => git.ok(["commit-tree", t, ...parents.flatMap((p) => ["-p", p]), "-m", msg], { env });
    const root = await commitOf(tree, [], "root");
    // A criss-cross: x and y each merge the other's first commit; their merge base is ambiguous.
    const x1 = await commitOf(tree, [root], "x1");
    const y1 = await commitOf(tree, [root], "y1");
    const x2 = await commitOf(tree, [x1, y1], "x2");
    const y2 = await commitOf(tree, [y1, x1], "y2");
    const tip = await commitOf(tree, [x2], "tip");

    const check = async (repo: BareRepo) => {
      for (const sha of [root, x2, tip]) {
        const raw = (await repo.run(["cat-file", "commit", sha])).stdout.toString("utf8");
        const c = await repo.readCommit(sha);
        expect(c?.message).toBe(raw.slice(raw.indexOf("\n\n") + 2));
        expect(c?.parents.join(" ")).toBe((await repo.ok(["rev-parse", `${sha}^@`])).split("\n").filter(Boolean).join(" "));
        expect(c?.tree).toBe(tree);
      }
      for (const recursive of [false, true]) expect(await repo.readTree(tree, recursive)).toEqual(await gitLsTree(repo, tree, recursive));
      const deep = (await repo.readTree(tree, true))!.find((e) => e.path === "a/b/deep.py")!;
      expect((await repo.readBlob(deep.sha))!.toString("utf8")).toBe("x = 1\n");
      for (const sha of [root, tree, deep.sha, "2".repeat(40)]) expect(await repo.typeOf(sha)).toBe((await repo.run(["cat-file", "-t", sha])).code === 0 ? (await repo.ok(["cat-file", "-t", sha])) : null);
      expect(await repo.readCommit(tree)).toBeNull();
      for (const expr of [`${tip}:`, `${tip}:a/b/deep.py`, `${tip}:a`, `${tip}:a/b`, `${tip}:nope`, `${tip}:run.sh/x`, `${tip}:a//b`, "tip:a/top.txt", "tip:sub", "tip:link", "tree:a", "nope:a", `${tree}:a/b`, `${"2".repeat(40)}:a`, "tip~1:a"]) {
        const r = await repo.run(["rev-parse", "-q", "--verify", expr]);
        expect(await repo.revParse(expr), expr).toBe(r.code === 0 ? r.stdout.toString("utf8").trim() : null);
      }
      expect(await repo.readTree(root)).toBeNull();
      for (const [a, b] of [
        [tip, root],
        [root, tip],
        [x1, y1],
        [tip, y2],
        [x2, y2],
        [x2, tip],
        [y2, x1],
      ] as const) {
        const r = await repo.run(["merge-base", a, b]);
        expect(await repo.mergeBase(a, b), `${a} ${b}`).toBe(r.code === 0 ? r.stdout.toString("utf8").trim() : null);
      }
      for (const [head, ex] of [
        [tip, [root]],
        [tip, []],
        [x2, [y2]],
        [tip, [y1, x1]],
      ] as const) {
        expect(await repo.revList(head, [...ex])).toEqual((await repo.ok(["rev-list", "--reverse", head, ...ex.map((e) => `^${e}`)])).split("\n").filter(Boolean));
        expect(await repo.revList(head, [...ex])).toEqual(await repo.revList(head, [...ex])); // cached: the same answer
      }
    };
    await git.updateRef("refs/heads/tip", tip, null);
    await git.updateRef("refs/heads/tree", tree, null);
    for (const name of ["tip", "refs/heads/tip", tip, "nope", "tree", "2".repeat(40), "refs/heads/nope"]) {
      const candidates = /^[0-9a-f]{40}$/.test(name) || name.startsWith("refs/") ? [name] : [`refs/heads/${name}`, `refs/tags/${name}`, `refs/${name}`];
      let expected: string | null = null;
      for (const c of candidates) {
        const r = await git.run(["rev-parse", "-q", "--verify", `${c}^{commit}`]);
        if (r.code === 0) {
          expected = r.stdout.toString("utf8").trim();
          break;
        }
      }
      expect(await git.resolveCommit(name), name).toBe(expected);
    }
    await check(new BareRepo(git.gitDir)); // loose objects, read fresh
    await git.ok(["repack", "-a", "-d", "-q"]);
    await git.ok(["prune-packed"]);
    await check(new BareRepo(git.gitDir)); // packed: git answers
  });
});

describe("BareRepo's ref compare-and-swap is git's", () => {
  it("create, lost and won swaps, a packed ref, a held lock, a non-commit and a name git refuses: the same outcome and the ref git reads after each", async () => {
    const tree = await git.buildTree(null, []);
    const c1 = await git.writeCommit({ tree, parents: [], message: "cas 1\n", author: alice, committer: alice });
    const c2 = await git.writeCommit({ tree, parents: [c1], message: "cas 2\n", author: alice, committer: alice });
    const gitSays = async (ref: string) => {
      const r = await git.run(["rev-parse", "-q", "--verify", ref]);
      return r.code === 0 ? r.stdout.toString("utf8").trim() : null;
    };
    // Each step on our ref and, with git update-ref, on a twin: the same outcome, the same value after.
    const steps: [string, string, string | null][] = [
      ["cas/x", c1, ZERO], // created
      ["cas/x", c2, ZERO], // exists: lost
      ["cas/x", c2, c2], // wrong old: lost
      ["cas/x", c2, c1], // won
      ["cas/x", c1, null], // unconditional
      ["cas/new/deep", c1, c2], // missing, old given: lost
      ["cas/x/under", c1, ZERO], // a ref where its directory would be: refused
      ["cas/tree", tree, ZERO], // not a commit (git answers)
    ];
    for (const [name, sha, old] of steps) {
      const ours = await git.updateRef(`refs/ours/${name}`, sha, old);
      const theirs = (await git.run(["update-ref", `refs/theirs/${name}`, sha, ...(old === null ? [] : [old])])).code === 0;
      expect([name, ours], `${name} ${sha.slice(0, 7)} ${old?.slice(0, 7)}`).toEqual([name, theirs]);
      expect(await gitSays(`refs/ours/${name}`)).toBe(await gitSays(`refs/theirs/${name}`));
    }
    await git.ok(["pack-refs", "--all"]);
    expect(await git.updateRef("refs/ours/cas/x", c2, c2)).toBe(false); // packed value is c1
    expect(await git.updateRef("refs/ours/cas/x", c2, c1)).toBe(true);
    expect(await gitSays("refs/ours/cas/x")).toBe(c2);
    // Someone (a git push) holds the lock past git's 100 ms: the swap is lost, and the lock is theirs still.
    const { writeFileSync, existsSync, rmSync: rm } = await import("node:fs");
    const lock = join(git.gitDir, "refs/ours/cas/x.lock");
    writeFileSync(lock, "");
    expect(await git.updateRef("refs/ours/cas/x", c1, c2)).toBe(false);
    expect(existsSync(lock)).toBe(true);
    rm(lock);
    // Released within the wait: the swap goes through.
    writeFileSync(lock, "");
    setTimeout(() => rm(lock), 20);
    expect(await git.updateRef("refs/ours/cas/x", c1, c2)).toBe(true);
    expect(await gitSays("refs/ours/cas/x")).toBe(c1);
    expect(existsSync(lock)).toBe(false);
    // Many swaps at once from the same old value: exactly one wins.
    const racers = await Promise.all(Array.from({ length: 8 }, () => git.updateRef("refs/ours/cas/x", c2, c1)));
    expect(racers.filter(Boolean).length).toBe(1);
    expect((await git.run(["fsck", "--strict", "--no-dangling"])).code).toBe(0);
  });
});
