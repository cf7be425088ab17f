/**
 * A bare git repository on disk driven with plumbing: the storage behind the local GitHub's git data,
 * contents, pull requests and diffs. Because it is a real repository, CLIs can push to and fetch from
 * `gitDir` by path while the REST API reads and writes the same objects and refs.
 *
 * Objects are immutable, so parsed commits/trees/blobs are cached by sha; refs are always read fresh.
 * The ref CAS is `git update-ref <ref> <new> <old>` (old = 40 zeros: must not exist), which git makes
 * atomic with a lock file, so two writers never both win, whether they come through REST or `git push`.
 *
 * To spare a git process per request (the e2e tests make thousands), blobs, trees and commits are
 * written here as loose objects, in git's own format (zlib of "<type> <size>\0<body>", at
 * objects/xx/yyyy, written to a temporary file and linked into place, so a reader never sees half an
 * object); loose objects are read the same way (the objects a `git push` of a few commits brings are
 * loose: git unpacks fewer than receive.unpackLimit = 100); plain loose or packed refs are read from
 * their files; "is A an ancestor of B" and "the merge base of A and B" walk the cached commits; and the
 * answers that only depend on immutable objects (diffs, commit lists) are cached. Anything unusual (a
 * packed object, a symbolic or peeled ref, an identity git would clean up, a long or criss-cross
 * history) goes to git. test/e2e/bare-repo.test.ts checks each against git's own answer.
 */
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { link, mkdir, open, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { deflateSync, inflateSync } from "node:zlib";

export const ZERO = "0".repeat(40);

export interface GitResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

export interface Person {
  name: string;
  email: string;
  /** ISO 8601 */
  date: string;
}

export interface CommitData {
  sha: string;
  tree: string;
  parents: string[];
  author: Person;
  committer: Person;
  message: string;
}

export interface TreeEntry {
  mode: string;
  type: "blob" | "tree" | "commit";
  sha: string;
  path: string;
  size?: number;
}

export interface FileChange {
  filename: string;
  status: "added" | "removed" | "modified" | "renamed" | "copied" | "changed" | "unchanged";
  additions: number;
  deletions: number;
  changes: number;
  patch?: string;
  previous_filename?: string;
  sha: string;
}

const IDENTITY = { GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null", LC_ALL: "C" };

function isoOf(epochSeconds: string, tz: string): string {
  const d = new Date(Number(epochSeconds) * 1000);
  void tz; // GitHub reports dates in UTC ("...Z")
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function parsePerson(line: string): Person {
  const m = /^(.*) <(.*)> (\d+) ([+-]\d{4})$/.exec(line);
  if (!m) return { name: line, email: "", date: "1970-01-01T00:00:00Z" };
  return { name: m[1]!, email: m[2]!, date: isoOf(m[3]!, m[4]!) };
}

/** "Name <email> <epoch> <+hhmm>" as git writes it, or null when git would clean the identity up (then git writes it). */
function identityLine(p: Person): string | null {
  const crud = /^[\s.,:;<>"\\']|[\s.,:;<>"\\']$/;
  if (p.name === "" || crud.test(p.name) || /[<>\n]/.test(p.name) || crud.test(p.email) || /[<>\s]/.test(p.email)) return null;
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?)(Z|[+-]\d\d:\d\d)$/.exec(p.date);
  if (!m) return null;
  const ms = Date.parse(p.date);
  if (!Number.isFinite(ms) || ms < 0) return null;
  const tz = m[2] === "Z" ? "+0000" : m[2]!.replace(":", "");
  return `${p.name} <${p.email}> ${Math.floor(ms / 1000)} ${tz}`;
}

function parseCommit(sha: string, text: string): CommitData {
  const split = text.indexOf("\n\n");
  const headers = (split < 0 ? text : text.slice(0, split)).split("\n");
  const message = split < 0 ? "" : text.slice(split + 2);
  const c: CommitData = { sha, tree: "", parents: [], author: parsePerson(""), committer: parsePerson(""), message };
  for (const h of headers) {
    const sp = h.indexOf(" ");
    const k = h.slice(0, sp);
    const v = h.slice(sp + 1);
    if (k === "tree") c.tree = v;
    else if (k === "parent") c.parents.push(v);
    else if (k === "author") c.author = parsePerson(v);
    else if (k === "committer") c.committer = parsePerson(v);
  }
  return c;
}

interface RawTreeEntry {
  /** As stored: "100644", "100755", "120000", "40000", "160000". */
  mode: string;
  name: string;
  sha: string;
}

/** A tree object's body: "<mode> <name>\0<20-byte sha>" entries. */
function parseTree(body: Buffer): RawTreeEntry[] {
  const out: RawTreeEntry[] = [];
  let i = 0;
  while (i < body.length) {
    const sp = body.indexOf(0x20, i);
    const nul = body.indexOf(0, sp);
    out.push({ mode: body.subarray(i, sp).toString("latin1"), name: body.subarray(sp + 1, nul).toString("utf8"), sha: body.subarray(nul + 1, nul + 21).toString("hex") });
    i = nul + 21;
  }
  return out;
}

export class BareRepo {
  readonly #objects = new Map<string, unknown>();

  constructor(readonly gitDir: string) {}

  run(args: string[], opts: { input?: Buffer | string; env?: Record<string, string> } = {}): Promise<GitResult> {
    return new Promise((resolve, reject) => {
      const child = spawn("git", ["--git-dir", this.gitDir, ...args], {
        env: { ...process.env, ...IDENTITY, ...opts.env },
        stdio: ["pipe", "pipe", "pipe"],
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on("data", (d: Buffer) => out.push(d));
      child.stderr.on("data", (d: Buffer) => err.push(d));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString("utf8") }));
      child.stdin.on("error", () => {}); // git may exit before reading all input
      child.stdin.end(opts.input ?? "");
    });
  }

  /** Runs git and returns trimmed stdout; throws with git's message on a non-zero exit. */
  async ok(args: string[], opts: { input?: Buffer | string; env?: Record<string, string> } = {}): Promise<string> {
    const r = await this.run(args, opts);
    if (r.code !== 0) throw new Error(`git ${args.join(" ")} failed (${r.code}): ${r.stderr.trim()}`);
    return r.stdout.toString("utf8").trim();
  }

  async init(defaultBranch: string): Promise<void> {
    const r = await new Promise<number>((resolve, reject) => {
      const child = spawn("git", ["init", "-q", "--bare", "-b", defaultBranch, this.gitDir], { env: { ...process.env, ...IDENTITY }, stdio: "ignore" });
      child.on("error", reject);
      child.on("close", (code) => resolve(code ?? -1));
    });
    if (r !== 0) throw new Error(`git init --bare ${this.gitDir} failed (${r})`);
  }

  // ---- objects -------------------------------------------------------------------------------

  /** "blob" | "tree" | "commit" | "tag", or null when the object does not exist (or `sha` is not a sha). */
  async typeOf(sha: string): Promise<string | null> {
    if (!/^[0-9a-f]{40}$/.test(sha)) return null;
    const key = `type:${sha}`;
    if (this.#objects.has(key)) return this.#objects.get(key) as string;
    const loose = await this.#readLoose(sha);
    if (loose) return loose.type;
    const r = await this.run(["cat-file", "-t", sha]);
    if (r.code !== 0) return null;
    const t = r.stdout.toString("utf8").trim();
    this.#objects.set(key, t);
    return t;
  }

  /**
   * A loose object read from objects/xx/yyyy (zlib of "<type> <size>\0<body>"), its parsed form cached
   * as git's answer would be; null when it is not loose (packed, or missing: git answers then).
   */
  async #readLoose(sha: string): Promise<{ type: string; body: Buffer } | null> {
    const file = join(this.gitDir, "objects", sha.slice(0, 2), sha.slice(2));
    const raw = await readFile(file).catch(() => null);
    if (!raw) return null;
    let data: Buffer;
    try {
      data = inflateSync(raw);
    } catch {
      return null;
    }
    const nul = data.indexOf(0);
    const m = nul < 0 ? null : /^(blob|tree|commit|tag) (\d+)$/.exec(data.subarray(0, nul).toString("latin1"));
    if (!m || Number(m[2]) !== data.length - nul - 1) return null;
    // The name is the sha of the content: a file that does not hash to its name is not trusted.
    if (createHash("sha1").update(data).digest("hex") !== sha) return null;
    const type = m[1]!;
    const body = data.subarray(nul + 1);
    this.#objects.set(`type:${sha}`, type);
    this.#objects.set(`size:${sha}`, body.length);
    if (type === "blob" && body.length <= 256 * 1024) this.#objects.set(`blob:${sha}`, Buffer.from(body));
    else if (type === "commit") this.#objects.set(`commit:${sha}`, parseCommit(sha, body.toString("utf8")));
    else if (type === "tree") this.#objects.set(`rawtree:${sha}`, parseTree(body));
    return { type, body };
  }

  /** Write a loose object as git does; returns its sha. Already there (same sha = same bytes): nothing written. */
  async writeObject(type: "blob" | "tree" | "commit", body: Buffer): Promise<string> {
    const data = Buffer.concat([Buffer.from(`${type} ${body.length}\0`, "utf8"), body]);
    const sha = createHash("sha1").update(data).digest("hex");
    if (this.#objects.get(`type:${sha}`) === type) return sha;
    const dir = join(this.gitDir, "objects", sha.slice(0, 2));
    const file = join(dir, sha.slice(2));
    const exists = await stat(file).then(
      () => true,
      () => false,
    );
    if (!exists) {
      await mkdir(dir, { recursive: true });
      const tmp = join(this.gitDir, "objects", `tmp_obj_${process.pid}_${randomBytes(6).toString("hex")}`);
      await writeFile(tmp, deflateSync(data), { mode: 0o444 });
      try {
        await link(tmp, file); // atomic; EEXIST = another writer put the same object there
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      } finally {
        await rm(tmp, { force: true });
      }
    }
    this.#objects.set(`type:${sha}`, type);
    this.#objects.set(`size:${sha}`, body.length);
    return sha;
  }

  async writeBlob(content: Buffer): Promise<string> {
    const sha = await this.writeObject("blob", content);
    if (content.length <= 256 * 1024) this.#objects.set(`blob:${sha}`, content);
    return sha;
  }

  async writeBlobs(contents: Buffer[]): Promise<string[]> {
    return Promise.all(contents.map((c) => this.writeBlob(c)));
  }

  async readBlob(sha: string): Promise<Buffer | null> {
    const key = `blob:${sha}`;
    if (this.#objects.has(key)) return this.#objects.get(key) as Buffer;
    if ((await this.typeOf(sha)) !== "blob") return null;
    if (this.#objects.has(key)) return this.#objects.get(key) as Buffer; // read loose by typeOf
    const r = await this.run(["cat-file", "blob", sha]);
    if (r.code !== 0) return null;
    this.#objects.set(key, r.stdout);
    return r.stdout;
  }

  async readCommit(sha: string): Promise<CommitData | null> {
    const key = `commit:${sha}`;
    if (this.#objects.has(key)) return this.#objects.get(key) as CommitData;
    if ((await this.typeOf(sha)) !== "commit") return null;
    if (this.#objects.has(key)) return this.#objects.get(key) as CommitData; // read loose by typeOf
    const r = await this.run(["cat-file", "commit", sha]);
    if (r.code !== 0) return null;
    const c = parseCommit(sha, r.stdout.toString("utf8"));
    this.#objects.set(key, c);
    return c;
  }

  /** Entries of a tree (recursive: blobs and commits with full paths, plus the subtrees). */
  async readTree(sha: string, recursive = false): Promise<TreeEntry[] | null> {
    const key = `tree:${recursive}:${sha}`;
    if (this.#objects.has(key)) return this.#objects.get(key) as TreeEntry[];
    if ((await this.typeOf(sha)) !== "tree") return null;
    const listed = await this.#listLoose(sha, recursive, "");
    if (listed) {
      this.#objects.set(key, listed);
      return listed;
    }
    const r = await this.run(["ls-tree", "-l", "-z", ...(recursive ? ["-r", "-t"] : []), sha]);
    if (r.code !== 0) return null;
    const entries = r.stdout
      .toString("utf8")
      .split("\0")
      .filter(Boolean)
      .map((line) => {
        const tab = line.indexOf("\t");
        const [mode, type, osha, size] = line.slice(0, tab).split(/\s+/) as [string, TreeEntry["type"], string, string];
        const e: TreeEntry = { mode, type, sha: osha, path: line.slice(tab + 1) };
        if (type === "blob") e.size = Number(size);
        return e;
      });
    this.#objects.set(key, entries);
    return entries;
  }

  /**
   * `git ls-tree -l [-r -t]` of a tree from objects read loose (or written here): each entry as git
   * lists it (mode 6 digits, a blob's size; recursive: a subtree, then what is under it, in the tree's
   * order). null when an object it needs is not at hand (git answers then).
   */
  async #listLoose(sha: string, recursive: boolean, prefix: string): Promise<TreeEntry[] | null> {
    let raw = this.#objects.get(`rawtree:${sha}`) as RawTreeEntry[] | undefined;
    if (!raw) {
      const loose = await this.#readLoose(sha);
      if (!loose || loose.type !== "tree") return null;
      raw = this.#objects.get(`rawtree:${sha}`) as RawTreeEntry[];
    }
    const out: TreeEntry[] = [];
    for (const e of raw) {
      const type: TreeEntry["type"] = e.mode === "40000" ? "tree" : e.mode === "160000" ? "commit" : "blob";
      const entry: TreeEntry = { mode: e.mode.padStart(6, "0"), type, sha: e.sha, path: prefix + e.name };
      if (type === "blob") {
        if (!this.#objects.has(`size:${e.sha}`) && !(await this.#readLoose(e.sha))) return null;
        if (this.#objects.get(`type:${e.sha}`) !== "blob") return null;
        entry.size = this.#objects.get(`size:${e.sha}`) as number;
      }
      out.push(entry);
      if (recursive && type === "tree") {
        const sub = await this.#listLoose(e.sha, true, `${entry.path}/`);
        if (!sub) return null;
        out.push(...sub);
      }
    }
    return out;
  }

  /**
   * A tree made of `base` (a tree sha, optional) with `changes` applied; paths may be nested
   * ("a/b/c.txt"). A change with sha null deletes the path; a change of type "tree" puts that tree's
   * files under the path.
   */
  async buildTree(base: string | null, changes: { path: string; mode: string; type: string; sha: string | null }[]): Promise<string> {
    const files = new Map<string, { mode: string; sha: string }>();
    if (base) {
      const entries = await this.readTree(base, true);
      if (!entries) throw new Error(`git read-tree ${base} failed: not a tree`);
      for (const e of entries) if (e.type !== "tree") files.set(e.path, { mode: e.mode, sha: e.sha });
    }
    for (const ch of changes) {
      const path = ch.path.replace(/^\/+|\/+$/g, "");
      // Replacing or deleting a path also removes whatever was under it as a directory.
      for (const p of [...files.keys()]) if (p.startsWith(path + "/")) files.delete(p);
      if (ch.sha === null) files.delete(path);
      else if (ch.type === "tree") {
        for (const e of (await this.readTree(ch.sha, true)) ?? []) if (e.type !== "tree") files.set(`${path}/${e.path}`, { mode: e.mode, sha: e.sha });
      } else {
        // A file where a directory of the path was: the file wins over the parent (git's index does the same).
        const parts = path.split("/");
        for (let i = 1; i < parts.length; i++) files.delete(parts.slice(0, i).join("/"));
        files.set(path, { mode: ch.mode, sha: ch.sha });
      }
    }
    return this.#writeTreeOf([...files].map(([path, f]) => ({ parts: path.split("/"), ...f })));
  }

  /** Trees bottom-up from files given by path parts; entries in git's order (a directory sorts as "name/"). */
  async #writeTreeOf(files: { parts: string[]; mode: string; sha: string }[]): Promise<string> {
    const here: { name: string; mode: string; sha: string; dir: boolean }[] = [];
    const dirs = new Map<string, { parts: string[]; mode: string; sha: string }[]>();
    for (const f of files) {
      if (f.parts.length === 1) here.push({ name: f.parts[0]!, mode: f.mode.replace(/^0+/, ""), sha: f.sha, dir: false });
      else {
        const list = dirs.get(f.parts[0]!) ?? [];
        list.push({ ...f, parts: f.parts.slice(1) });
        dirs.set(f.parts[0]!, list);
      }
    }
    for (const [name, list] of dirs) here.push({ name, mode: "40000", sha: await this.#writeTreeOf(list), dir: true });
    const key = (e: { name: string; dir: boolean }) => Buffer.from(e.dir ? `${e.name}/` : e.name, "utf8");
    here.sort((a, b) => Buffer.compare(key(a), key(b)));
    const body = Buffer.concat(here.flatMap((e) => [Buffer.from(`${e.mode} ${e.name}\0`, "utf8"), Buffer.from(e.sha, "hex")]));
    const sha = await this.writeObject("tree", body);
    if (!this.#objects.has(`rawtree:${sha}`)) this.#objects.set(`rawtree:${sha}`, parseTree(body));
    // Remember the entries as `git ls-tree -l` would list them, when every blob's size is known: a
    // tree just written is read next (the ledger's GraphQL reads), without a git process.
    const entries: TreeEntry[] = [];
    for (const e of here) {
      const type: TreeEntry["type"] = e.dir ? "tree" : e.mode === "160000" ? "commit" : "blob";
      const entry: TreeEntry = { mode: e.mode.padStart(6, "0"), type, sha: e.sha, path: e.name };
      if (type === "blob") {
        const blob = this.#objects.get(`blob:${e.sha}`) as Buffer | undefined;
        if (!blob) return sha;
        entry.size = blob.length;
      }
      entries.push(entry);
    }
    if (!this.#objects.has(`tree:false:${sha}`)) this.#objects.set(`tree:false:${sha}`, entries);
    return sha;
  }

  async writeCommit(opts: { tree: string; parents: string[]; message: string; author: Person; committer: Person }): Promise<string> {
    const author = identityLine(opts.author);
    const committer = identityLine(opts.committer);
    if (author !== null && committer !== null && [opts.tree, ...opts.parents].every((s) => /^[0-9a-f]{40}$/.test(s))) {
      const headers = [`tree ${opts.tree}`, ...opts.parents.map((p) => `parent ${p}`), `author ${author}`, `committer ${committer}`];
      const sha = await this.writeObject("commit", Buffer.from(`${headers.join("\n")}\n\n${opts.message}`, "utf8"));
      this.#objects.set(`commit:${sha}`, { sha, tree: opts.tree, parents: [...opts.parents], author: parsePerson(author), committer: parsePerson(committer), message: opts.message } satisfies CommitData);
      return sha;
    }
    const env = {
      GIT_AUTHOR_NAME: opts.author.name,
      GIT_AUTHOR_EMAIL: opts.author.email,
      GIT_AUTHOR_DATE: opts.author.date,
      GIT_COMMITTER_NAME: opts.committer.name,
      GIT_COMMITTER_EMAIL: opts.committer.email,
      GIT_COMMITTER_DATE: opts.committer.date,
    };
    return this.ok(["commit-tree", opts.tree, ...opts.parents.flatMap((p) => ["-p", p]), "-F", "-"], { input: opts.message, env });
  }

  // ---- refs ----------------------------------------------------------------------------------

  /** The sha a full ref name ("refs/heads/main") points at, or null. */
  async refSha(ref: string): Promise<string | null> {
    const direct = await this.#plainRef(ref);
    if (direct !== undefined) return direct;
    const r = await this.run(["rev-parse", "-q", "--verify", `${ref}^{}`]);
    if (r.code !== 0) return null;
    // Only exact ref names, not rev-parse's DWIM (which would resolve "main" to refs/heads/main).
    const exists = await this.run(["show-ref", "--verify", "-q", ref]);
    if (exists.code !== 0) return null;
    return r.stdout.toString("utf8").trim();
  }

  /**
   * A ref read from its file: the sha of a loose ref, else of packed-refs, else null when neither has
   * it; undefined when git must answer (a symbolic ref, a tag to peel, anything unexpected).
   */
  async #plainRef(ref: string): Promise<string | null | undefined> {
    if (!/^refs\/[A-Za-z0-9._\/-]+$/.test(ref) || ref.includes("..") || ref.endsWith(".lock") || ref.endsWith("/")) return undefined;
    const loose = await readFile(join(this.gitDir, ref), "utf8").catch((e: NodeJS.ErrnoException) => (e.code === "ENOENT" || e.code === "ENOTDIR" ? null : e.code === "EISDIR" ? "" : undefined));
    let sha: string | null;
    if (loose === undefined || loose === "") return undefined;
    if (loose !== null) {
      if (!/^[0-9a-f]{40}\n?$/.test(loose)) return undefined;
      sha = loose.slice(0, 40);
    } else {
      const packed = await readFile(join(this.gitDir, "packed-refs"), "utf8").catch((e: NodeJS.ErrnoException) => (e.code === "ENOENT" ? "" : undefined));
      if (packed === undefined) return undefined;
      const line = packed.split("\n").find((l) => l.endsWith(` ${ref}`));
      if (!line) return null;
      sha = line.slice(0, 40);
      if (!/^[0-9a-f]{40}$/.test(sha)) return undefined;
    }
    const type = await this.typeOf(sha);
    return type === "commit" || type === "blob" || type === "tree" ? sha : undefined;
  }

  /** All refs whose full name starts with `prefix`: [name, sha, objecttype]. */
  async listRefs(prefix = "refs/"): Promise<{ ref: string; sha: string; type: string }[]> {
    const out = await this.ok(["for-each-ref", "--format=%(refname) %(objectname) %(objecttype)"]);
    return out
      .split("\n")
      .filter(Boolean)
      .map((l) => {
        const [ref, sha, type] = l.split(" ") as [string, string, string];
        return { ref, sha, type };
      })
      .filter((r) => r.ref.startsWith(prefix));
  }

  /** Atomic compare-and-swap of a ref: `old` null = unconditional, ZERO = must not exist. */
  async updateRef(ref: string, sha: string, old: string | null): Promise<boolean> {
    const done = await this.#lockedUpdate(ref, sha, old);
    if (done !== undefined) return done;
    const r = await this.run(["update-ref", ref, sha, ...(old === null ? [] : [old])]);
    return r.code === 0;
  }

  /**
   * `git update-ref` done as git does it, without the process: take `<ref>.lock` (O_EXCL, waiting up
   * to git's core.filesRefLockTimeout of 100 ms for another holder: a `git push` takes the same lock),
   * compare the ref's loose or packed value with `old`, write the lock and rename it over the ref.
   * A plain ref to a commit only; undefined (git answers) for anything else (a symbolic ref, a
   * directory where the ref would be, a name git would refuse). No reflog: a bare repository keeps none.
   */
  async #lockedUpdate(ref: string, sha: string, old: string | null): Promise<boolean | undefined> {
    if (!/^refs\/[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)+$/.test(ref) || ref.includes("..") || ref.split("/").some((p) => p.endsWith(".lock") || p.endsWith("."))) return undefined;
    if (!/^[0-9a-f]{40}$/.test(sha) || (old !== null && !/^[0-9a-f]{40}$/.test(old))) return undefined;
    if ((await this.typeOf(sha)) !== "commit") return undefined;
    const file = join(this.gitDir, ref);
    const lock = `${file}.lock`;
    try {
      await mkdir(dirname(file), { recursive: true });
    } catch {
      return undefined; // a ref where a directory of this one would be: git says what
    }
    let handle;
    const deadline = Date.now() + 100;
    for (;;) {
      try {
        handle = await open(lock, "wx");
        break;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== "EEXIST") return undefined;
        if (Date.now() > deadline) return false;
        await new Promise((r) => setTimeout(r, 1 + Math.random() * 5));
      }
    }
    let renamed = false;
    try {
      const current = await this.#plainRef(ref);
      if (current === undefined) return undefined;
      if (old !== null && (old === ZERO ? current !== null : current !== old)) return false;
      await handle.writeFile(`${sha}\n`);
      await handle.close();
      await rename(lock, file);
      renamed = true;
      return true;
    } finally {
      if (!renamed) {
        await handle.close().catch(() => undefined);
        await rm(lock, { force: true });
      }
    }
  }

  async deleteRef(ref: string, old: string | null = null): Promise<boolean> {
    const r = await this.run(["update-ref", "-d", ref, ...(old === null ? [] : [old])]);
    return r.code === 0;
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    // Walk the (cached) commits back from `descendant`; a long history goes to git.
    const seen = new Set<string>();
    const todo = [descendant];
    while (todo.length > 0 && seen.size < 200) {
      const sha = todo.pop()!;
      if (sha === ancestor) return true;
      if (seen.has(sha)) continue;
      seen.add(sha);
      const c = await this.readCommit(sha);
      if (!c) break;
      todo.push(...c.parents);
    }
    if (todo.length === 0 && (await this.typeOf(ancestor)) === "commit") return false;
    const r = await this.run(["merge-base", "--is-ancestor", ancestor, descendant]);
    return r.code === 0;
  }

  /** A commit sha for a branch name, full ref, tag or sha; null when nothing matches. */
  async resolveCommit(ref: string): Promise<string | null> {
    const candidates = /^[0-9a-f]{40}$/.test(ref) ? [ref] : ref.startsWith("refs/") ? [ref] : [`refs/heads/${ref}`, `refs/tags/${ref}`, `refs/${ref}`];
    for (const c of candidates) {
      // A sha or a plain ref naming a commit, a missing ref: answered here; a tag to peel and the rest: git.
      const sha = /^[0-9a-f]{40}$/.test(c) ? c : await this.#plainRef(c);
      if (sha === null) continue;
      if (sha !== undefined) {
        const type = await this.typeOf(sha);
        if (type === "commit") return sha;
        if (type === "tree" || type === "blob" || (type === null && sha === c)) continue;
      }
      const r = await this.run(["rev-parse", "-q", "--verify", `${c}^{commit}`]);
      if (r.code === 0) return r.stdout.toString("utf8").trim();
    }
    return null;
  }

  /**
   * `git rev-parse -q --verify <rev>:<path>` (a file or directory of a commit or tree) for a rev that
   * is a sha or a branch name, walked through the trees here; anything else (or any doubt: a name that
   * may be a tag or a ref elsewhere) goes to git. null when git would find nothing.
   */
  async revParse(expression: string): Promise<string | null> {
    const m = /^([0-9a-f]{40}|[A-Za-z0-9_][A-Za-z0-9._\/-]*):(.*)$/.exec(expression);
    const walked = m ? await this.#walkPath(m[1]!, m[2]!) : undefined;
    if (walked !== undefined) return walked;
    const r = await this.run(["rev-parse", "-q", "--verify", expression]);
    return r.code === 0 ? r.stdout.toString("utf8").trim() : null;
  }

  async #walkPath(rev: string, path: string): Promise<string | null | undefined> {
    let start: string | null | undefined;
    if (/^[0-9a-f]{40}$/.test(rev)) start = rev;
    else {
      if (rev.includes("..") || rev.endsWith(".lock") || rev.endsWith("/") || rev.includes("//")) return undefined;
      // rev-parse's order: $GIT_DIR/<name>, refs/<name>, refs/tags/<name>, refs/heads/<name>; only a branch is answered here.
      if (await stat(join(this.gitDir, rev)).then(() => true, () => false)) return undefined;
      if ((await this.#plainRef(`refs/${rev}`)) !== null || (await this.#plainRef(`refs/tags/${rev}`)) !== null) return undefined;
      start = await this.#plainRef(`refs/heads/${rev}`);
      if (start === null || start === undefined) return undefined;
    }
    const type = await this.typeOf(start);
    let tree: string;
    if (type === "commit") tree = (await this.readCommit(start))!.tree;
    else if (type === "tree") tree = start;
    else return undefined;
    if (path === "") return tree;
    const parts = path.split("/");
    if (parts.some((p) => p === "" || p === "." || p === "..")) return undefined;
    let sha = tree;
    for (let i = 0; i < parts.length; i++) {
      const entries = await this.readTree(sha);
      if (!entries) return undefined;
      const e = entries.find((x) => x.path === parts[i]);
      if (!e) return null;
      if (i < parts.length - 1 && e.type !== "tree") return null;
      sha = e.sha;
    }
    return sha;
  }

  // ---- diffs ---------------------------------------------------------------------------------

  async mergeBase(a: string, b: string): Promise<string | null> {
    const walked = await this.#walkMergeBase(a, b);
    if (walked !== undefined) return walked;
    const r = await this.run(["merge-base", a, b]);
    return r.code === 0 ? r.stdout.toString("utf8").trim() : null;
  }

  /**
   * The merge base of two commits from the cached commits: the common ancestors reached from `b`
   * without passing another one, less those that are ancestors of another. undefined when git must
   * answer: not both commits, a history longer than the walk, none or several best bases.
   */
  async #walkMergeBase(a: string, b: string): Promise<string | undefined> {
    if (!/^[0-9a-f]{40}$/.test(a) || !/^[0-9a-f]{40}$/.test(b)) return undefined;
    const LIMIT = 500;
    const ofA = new Set<string>();
    const todo = [a];
    while (todo.length > 0) {
      const sha = todo.pop()!;
      if (ofA.has(sha)) continue;
      if (ofA.size >= LIMIT) return undefined;
      const c = await this.readCommit(sha);
      if (!c) return undefined;
      ofA.add(sha);
      todo.push(...c.parents);
    }
    const common = new Set<string>();
    const seen = new Set<string>();
    const next = [b];
    while (next.length > 0) {
      const sha = next.pop()!;
      if (seen.has(sha)) continue;
      if (seen.size >= LIMIT) return undefined;
      seen.add(sha);
      if (ofA.has(sha)) {
        common.add(sha);
        continue;
      }
      const c = await this.readCommit(sha);
      if (!c) return undefined;
      next.push(...c.parents);
    }
    const best = [...common].filter((x) => ![...common].some((y) => y !== x && this.#reaches(y, x)));
    return best.length === 1 ? best[0] : undefined;
  }

  /** Whether `ancestor` is reachable from `from` through commits already cached (all of them are, after a walk). */
  #reaches(from: string, ancestor: string): boolean {
    const seen = new Set<string>();
    const todo = [from];
    while (todo.length > 0) {
      const sha = todo.pop()!;
      if (sha === ancestor) return true;
      if (seen.has(sha)) continue;
      seen.add(sha);
      const c = this.#objects.get(`commit:${sha}`) as CommitData | undefined;
      if (c) todo.push(...c.parents);
    }
    return false;
  }

  /** `git rev-list --reverse head ^base…`: the commits of `head` not in the `exclude`s, oldest first (cached: commits never change). */
  async revList(head: string, exclude: string[]): Promise<string[]> {
    const args = ["rev-list", "--reverse", head, ...exclude.map((x) => `^${x}`)];
    const key = `revlist:${args.join(" ")}`;
    const shaOnly = [head, ...exclude].every((x) => /^[0-9a-f]{40}$/.test(x));
    if (shaOnly && this.#objects.has(key)) return this.#objects.get(key) as string[];
    const out = (await this.ok(args)).split("\n").filter(Boolean);
    if (shaOnly) this.#objects.set(key, out);
    return out;
  }

  /** Files changed from `base` to `head` (two commits), with GitHub-style patches (hunks only). */
  async diff(base: string, head: string): Promise<FileChange[]> {
    const key = `diff:${base}:${head}`;
    if (this.#objects.has(key)) return this.#objects.get(key) as FileChange[];
    const raw = await this.ok(["diff", "--raw", "--numstat", "-z", "-M", "--no-abbrev", base, head]);
    const patchText = await this.ok(["diff", "-M", "--no-color", "--no-ext-diff", "-U3", base, head]);
    // --raw -z: ":m1 m2 s1 s2 STATUS\0path\0[path2\0]" records, then numstat: "add\tdel\tpath\0" or "add\tdel\t\0old\0new\0".
    const parts = raw.split("\0");
    const files: FileChange[] = [];
    let i = 0;
    while (i < parts.length && parts[i]!.startsWith(":")) {
      const meta = parts[i]!.slice(1).split(" ");
      const status = meta[4]!;
      const s2 = meta[3]!;
      if (status.startsWith("R") || status.startsWith("C")) {
        files.push({ filename: parts[i + 2]!, previous_filename: parts[i + 1]!, status: status.startsWith("R") ? "renamed" : "copied", additions: 0, deletions: 0, changes: 0, sha: s2 });
        i += 3;
      } else {
        const st = status === "A" ? "added" : status === "D" ? "removed" : status === "M" ? "modified" : "changed";
        files.push({ filename: parts[i + 1]!, status: st, additions: 0, deletions: 0, changes: 0, sha: st === "removed" ? meta[2]! : s2 });
        i += 2;
      }
    }
    for (const f of files) {
      const rec = parts[i] ?? "";
      const [add, del] = rec.split("\t");
      f.additions = add === "-" ? 0 : Number(add);
      f.deletions = del === "-" ? 0 : Number(del);
      f.changes = f.additions + f.deletions;
      i += rec.endsWith("\t") ? 3 : 1; // renames: "a\td\t\0old\0new"
    }
    const chunks = ("\n" + patchText).split("\ndiff --git ").slice(1);
    chunks.forEach((chunk, n) => {
      const f = files[n];
      if (!f) return;
      const at = chunk.indexOf("\n@@");
      if (at >= 0) f.patch = chunk.slice(at + 1);
    });
    this.#objects.set(key, files);
    return files;
  }
}
