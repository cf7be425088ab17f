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
