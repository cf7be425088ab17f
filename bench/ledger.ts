/**
 * Ledger storage at scale: v1 (one ledger.json, read and rewritten whole) against v2 (the git tree of
 * src/ledger/layout.ts, read partially and written as a diff), at 10, 1,000 and 10,000 open PRs ×
 * 20 files (two changed ranges each, six streams), in the same run.
 *
 * Both talk to an in-memory GitHub that keeps real git objects (blob/tree/commit bytes and sha-1 ids as
 * git computes them), answers the GraphQL the stores send (`file(path:)` aliases, nested tree entries,
 * `Blob.text` cut at 512,000 bytes like GitHub's) and the git-data REST routes (create-tree with
 * base_tree and nested paths, create-commit, fast-forward-only ref update). Measured per push of a
 * CLEAR PR (synchronize: its ranges move, no other PR on its files):
 *   - bytes: request + response bodies of the ledger's requests, both ways (JSON as sent);
 *   - requests: the ledger's reads and writes (the App adds its PR-files list and its check run);
 *   - repository growth: bytes of the git objects the write adds (uncompressed, as `git cat-file -s`);
 *   - App-side time: the store's own work per push (read, transition, diff, serialise), without the
 *     in-memory GitHub's, p50 / p99 over the pushes.
 * v1 is the request shape of the v1 store (one GraphQL read of the ledger.json text — re-read by REST,
 * base64, when GitHub cuts it — then a tree with the whole document inlined, a commit and the ref).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { deflateSync } from "node:zlib";
import type { Footprint, Ledger } from "../src/engine/types.js";
import type { GitHubClient, GitHubResponse } from "../src/github/client.js";
import { GitHubRefStore, ScopedLedgerStore } from "../src/github/ledger-store.js";
import { layoutFiles, summaryPath } from "../src/ledger/layout.js";
import { canonicalLedger, emptyLedger, parseLedger, serializeLedger } from "../src/ledger/schema.js";
import { transact } from "../src/ledger/transact.js";
import { recordFootprint } from "../src/ledger/transitions.js";

type Json = Record<string, unknown>;

// ---------------------------------------------------------------------------
// Git objects in memory
// ---------------------------------------------------------------------------

interface Obj {
  type: "blob" | "tree" | "commit";
  body: Buffer;
}
type TreeEntries = Map<string, { mode: string; oid: string }>;

class ObjectStore {
  readonly objects = new Map<string, Obj>();
  readonly trees = new Map<string, TreeEntries>();
  /** Bytes of objects added since the last `takeGrowth`. */
  #growth = 0;

  put(type: Obj["type"], body: Buffer): string {
    const oid = createHash("sha1").update(`${type} ${body.length}\0`).update(body).digest("hex");
    if (!this.objects.has(oid)) {
      this.objects.set(oid, { type, body });
      this.#growth += body.length;
    }
    return oid;
  }

  blob(text: string): string {
    return this.put("blob", Buffer.from(text, "utf8"));
  }

  tree(entries: TreeEntries): string {
    // git's order: by name, a tree compared as if its name ended with "/".
    const key = (n: string, mode: string) => (mode === "40000" ? `${n}/` : n);
    const sorted = [...entries].sort(([a, x], [b, y]) => (key(a, x.mode) < key(b, y.mode) ? -1 : 1));
    const body = Buffer.concat(sorted.map(([name, e]) => Buffer.concat([Buffer.from(`${e.mode} ${name}\0`), Buffer.from(e.oid, "hex")])));
    const oid = this.put("tree", body);
    this.trees.set(oid, new Map(sorted));
    return oid;
  }

  commit(tree: string, parents: string[], message: string): string {
    const who = "pucs[bot] <pucs@users.noreply.github.com> 1764280800 +0000";
    return this.put("commit", Buffer.from(`tree ${tree}\n${parents.map((p) => `parent ${p}\n`).join("")}author ${who}\ncommitter ${who}\n\n${message}`));
  }

  /** A tree from `base` with `changes` (nested paths; null deletes), new objects only along changed paths. */
  build(base: string | null, changes: Map<string, string | null>): string {
    const group = new Map<string, Map<string, string | null>>();
    const here = new Map<string, string | null>();
    for (const [path, text] of changes) {
      const slash = path.indexOf("/");
      if (slash < 0) here.set(path, text);
      else {
        const dir = path.slice(0, slash);
        const sub = group.get(dir) ?? new Map<string, string | null>();
        sub.set(path.slice(slash + 1), text);
        group.set(dir, sub);
      }
    }
    const entries: TreeEntries = new Map(base ? this.trees.get(base)! : []);
    for (const [name, text] of here) {
      if (text === null) entries.delete(name);
      else entries.set(name, { mode: "100644", oid: this.blob(text) });
    }
    for (const [dir, sub] of group) {
      const cur = entries.get(dir);
      const child = this.build(cur && cur.mode === "40000" ? cur.oid : null, sub);
      if (this.trees.get(child)!.size === 0) entries.delete(dir);
      else entries.set(dir, { mode: "40000", oid: child });
    }
    return this.tree(entries);
  }

  entryAt(tree: string, path: string): { mode: string; oid: string } | null {
    let cur: { mode: string; oid: string } = { mode: "40000", oid: tree };
    for (const part of path.split("/")) {
      if (cur.mode !== "40000") return null;
      const next = this.trees.get(cur.oid)!.get(part);
      if (!next) return null;
      cur = next;
    }
    return cur;
  }

  takeGrowth(): number {
    const g = this.#growth;
    this.#growth = 0;
    return g;
  }
}

/** A GraphQL selection set: field → its own selection (null for a leaf); fragments merged. */
type Selection = Map<string, Selection | null>;

/** The selection set that starts at the first "{" at or after `from` in `query`. */
function selectionAfter(query: string, from: number): Selection {
  const tokens = query.slice(query.indexOf("{", from)).match(/\.\.\.|[{}]|[A-Za-z_][\w]*(?:\([^)]*\))?/g) ?? [];
  let i = 0;
  const parse = (): Selection => {
    const out: Selection = new Map();
    i++; // "{"
    while (i < tokens.length && tokens[i] !== "}") {
      const t = tokens[i]!;
      if (t === "...") {
        i += 3; // "...", "on", Type
        for (const [k, v] of parse()) out.set(k, v);
        continue;
      }
      const name = t.replace(/\(.*$/, "");
      i++;
      if (tokens[i] === "{") out.set(name, merge(out.get(name) ?? null, parse()));
      else out.set(name, out.get(name) ?? null);
    }
    i++; // "}"
    return out;
  };
  const merge = (a: Selection | null, b: Selection): Selection => (a ? new Map([...a, ...b]) : b);
  return parse();
}

/** `value` with only the fields of `sel`. */
function project(value: unknown, sel: Selection | null): unknown {
  if (sel === null || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => project(v, sel));
  const out: Json = {};
  for (const [k, sub] of sel) if (k in (value as Json)) out[k] = project((value as Json)[k], sub);
  return out;
}

/**
 * What a write adds to a repository as git keeps it: the thin pack `git push` would send for commit
 * `after` to a repository that has `before` (new objects, deltified against the objects of `before` —
 * a tree that changed in one entry is a delta of a few bytes), measured by git itself on a bare
 * repository holding every object of `store`.
 */
function packedGrowth(store: ObjectStore, before: string, after: string): number {
  const dir = mkdtempSync(join(tmpdir(), "pucs-bench-pack-"));
  try {
    execFileSync("git", ["init", "-q", "--bare", dir]);
    const TYPE = { commit: 1, tree: 2, blob: 3 } as const;
    const parts: Buffer[] = [];
    const header = Buffer.alloc(12);
    header.write("PACK", 0, "latin1");
    header.writeUInt32BE(2, 4);
    header.writeUInt32BE(store.objects.size, 8);
    parts.push(header);
    for (const o of store.objects.values()) {
      // Pack entry header: type and size, 4 bits then 7 bits a byte, high bit = more.
      let size = o.body.length;
      const head = [(TYPE[o.type] << 4) | (size & 15)];
      size = Math.floor(size / 16);
      while (size > 0) {
        head[head.length - 1]! |= 0x80;
        head.push(size & 0x7f);
        size = Math.floor(size / 128);
      }
      parts.push(Buffer.from(head), deflateSync(o.body, { level: 1 }));
    }
    const body = Buffer.concat(parts);
    execFileSync("git", ["index-pack", "--stdin"], { cwd: dir, input: Buffer.concat([body, createHash("sha1").update(body).digest()]), maxBuffer: 1 << 30 });
    return execFileSync("git", ["pack-objects", "--stdout", "--thin", "--revs", "-q"], { cwd: dir, input: `${after}\n^${before}\n`, maxBuffer: 1 << 30 }).length;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------
// The in-memory GitHub (ledger routes only)
// ---------------------------------------------------------------------------

const TEXT_LIMIT = 512_000;

class MemGitHub implements GitHubClient {
  readonly git = new ObjectStore();
  readonly commitTree = new Map<string, string>();
  ref: string | null = null;
  bytes = 0;
  reads = 0;
  writes = 0;
  /** Time spent answering (subtracted from the client's). */
  serverMs = 0;

  seed(files: Map<string, string>): void {
    const tree = this.git.build(null, files);
    const c = this.git.commit(tree, [], "seed\n");
    this.commitTree.set(c, tree);
    this.ref = c;
    this.git.takeGrowth();
  }

  reset(): void {
    this.bytes = 0;
    this.reads = 0;
    this.writes = 0;
    this.serverMs = 0;
  }

  async request(route: string, params: Record<string, unknown> = {}): Promise<GitHubResponse> {
    const t0 = performance.now();
    const { owner: _o, repo: _r, ...body } = params;
    const sent = route.startsWith("GET ") ? 0 : Buffer.byteLength(JSON.stringify(body));
    const [status, data] = this.#answer(route, params);
    const out = JSON.stringify(data);
    this.bytes += sent + Buffer.byteLength(out);
    if (route.startsWith("GET ") || route === "POST /graphql") this.reads++;
    else this.writes++;
    const parsed = JSON.parse(out) as unknown;
    this.serverMs += performance.now() - t0;
    if (status >= 400) throw Object.assign(new Error(String((data as Json).message)), { status, response: { status, headers: {}, data } });
    return { status, data: parsed, headers: {} } as unknown as GitHubResponse;
  }

  #blobNode(oid: string): Json {
    const text = this.git.objects.get(oid)!.body.toString("utf8");
    const cut = Buffer.byteLength(text) > TEXT_LIMIT;
    return { __typename: "Blob", oid, text: cut ? null : text, isTruncated: cut, isBinary: false };
  }

  #node(e: { mode: string; oid: string }): Json {
    if (e.mode !== "40000") return this.#blobNode(e.oid);
    return { __typename: "Tree", entries: [...this.git.trees.get(e.oid)!].map(([name, x]) => ({ name, oid: x.oid, object: this.#node(x) })) };
  }

  #commitNode(c: string, query: string): Json {
    const tree = this.commitTree.get(c)!;
    const out: Json = { __typename: "Commit", oid: c, tree: { oid: tree } };
    for (const m of query.matchAll(/(\w+): file\(path: "([^"]+)"\)/g)) {
      const e = this.git.entryAt(tree, m[2]!);
      // Only the fields the query selects, as GitHub answers (a tree's entries without their objects, say).
      const sel = selectionAfter(query, m.index! + m[0].length);
      out[m[1]!] = e ? project({ object: this.#node(e) }, sel) : null;
    }
    return out;
  }

  #answer(route: string, p: Record<string, unknown>): [number, unknown] {
    const b = p as Json;
    if (route === "POST /graphql") {
      const q = String(b.query);
      const v = b.variables as Json;
      const repository: Json = {};
      if (/ledger: ref\(/.test(q)) repository.ledger = this.ref ? { target: this.#commitNode(this.ref, q) } : null;
      if (typeof v.oid === "string") repository.at = this.commitTree.has(v.oid) ? this.#commitNode(v.oid, q) : null;
      return [200, { data: { repository } }];
    }
    if (route === "GET /repos/{owner}/{repo}/git/blobs/{file_sha}") {
      const o = this.git.objects.get(String(b.file_sha))!;
      return [200, { sha: b.file_sha, size: o.body.length, encoding: "base64", content: o.body.toString("base64") }];
    }
    if (route === "POST /repos/{owner}/{repo}/git/trees") {
      const changes = new Map<string, string | null>();
      for (const e of b.tree as Json[]) changes.set(String(e.path), e.sha === null ? null : String(e.content));
      const sha = this.git.build(typeof b.base_tree === "string" ? b.base_tree : null, changes);
      return [201, { sha, url: `https://api.github.com/repos/o/r/git/trees/${sha}`, tree: [], truncated: false }];
    }
    if (route === "POST /repos/{owner}/{repo}/git/commits") {
      const c = this.git.commit(String(b.tree), b.parents as string[], String(b.message));
      this.commitTree.set(c, String(b.tree));
      return [201, { sha: c, tree: { sha: b.tree }, parents: (b.parents as string[]).map((x) => ({ sha: x })), message: b.message }];
    }
    if (route === "PATCH /repos/{owner}/{repo}/git/refs/{ref}" || route === "POST /repos/{owner}/{repo}/git/refs") {
      this.ref = String(b.sha);
      return [200, { ref: "refs/pucs/ledger", object: { sha: b.sha, type: "commit" } }];
    }
    return [404, { message: `not modelled: ${route}` }];
  }
}

// ---------------------------------------------------------------------------
// The ledger at scale
// ---------------------------------------------------------------------------

const STREAMS = ["OBS", "SCAN", "BACK", "EXEC", "RISK", "API"];
const T = "2026-11-23T12:00:00.000Z";

/** Open change i: 20 files in one directory of its own (`dirs` > 1: spread over that many directories). */
function footprintOf(i: number, shift = 0, dirs = 1): Footprint {
  const stream = STREAMS[i % STREAMS.length]!;
  return {
    change: `#${i + 1}`,
    agent: `agent-${i % 97}`,
    stream,
    streams: [stream], // as the App records them (its gate entries: one per stream its files touch)
    headSha: createHash("sha1").update(`head ${i} ${shift}`).digest("hex"),
    draft: false,
    title: `PR ${i + 1}: work on ${stream.toLowerCase()} module ${i}`,
    url: `https://github.com/octo-org/octo-repo/pull/${i + 1}`,
    labels: [`pucs:stream:${stream}`],
    files: Array.from({ length: 20 }, (_, j) => ({
      path: dirs === 1 ? `${stream.toLowerCase()}/module_${i}/file_${j}.py` : `${stream.toLowerCase()}/module_${i}/part_${j % dirs}/file_${j}.py`,
      changes: [
        { start: 10 + j + shift, end: 14 + j + shift, section: `def handler_${j}(request):` },
        { start: 120 + j + shift, end: 126 + j + shift, section: `class Model${j}:` },
      ],
    })),
    comment: 1_000_000 + i,
    recordedAt: T,
  };
}

function ledgerOf(n: number): Ledger {
  return canonicalLedger({ ...emptyLedger(), footprints: Array.from({ length: n }, (_, i) => footprintOf(i)) });
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};

interface Figures {
  bytes: number;
  reads: number;
  writes: number;
  growth: number;
  /** The first write's growth as git packs it (see packedGrowth). */
  packed: number;
  p50: number;
  p99: number;
}

/** v1: the v1 store's requests for one push (read the document, rewrite it whole). */
async function v1Push(gh: MemGitHub, change: string, next: (l: Ledger) => Ledger): Promise<number> {
  const t0 = performance.now();
  const s0 = gh.serverMs;
  const read = (await gh.request("POST /graphql", {
    query: `query($owner: String!, $name: String!, $ref: String!) { repository(owner: $owner, name: $name) { ledger: ref(qualifiedName: $ref) { target { __typename oid ... on Commit { v1: file(path: "ledger.json") { object { __typename ... on Blob { oid text isTruncated isBinary } } } } } } } }`,
    variables: { owner: "o", name: "r", ref: "refs/pucs/ledger" },
  })).data as { data: { repository: { ledger: { target: { oid: string; v1: { object: { oid: string; text: string | null; isTruncated: boolean } } } } } } };
  const target = read.data.repository.ledger.target;
  let text = target.v1.object.text;
  if (target.v1.object.isTruncated) {
    const blob = (await gh.request("GET /repos/{owner}/{repo}/git/blobs/{file_sha}", { file_sha: target.v1.object.oid })).data as { content: string };
    text = Buffer.from(blob.content, "base64").toString("utf8");
  }
  const ledger = parseLedger(text!, "bench");
  const after = serializeLedger(next(ledger));
  void change;
  const tree = (await gh.request("POST /repos/{owner}/{repo}/git/trees", { tree: [{ path: "ledger.json", mode: "100644", type: "blob", content: after }] })).data as { sha: string };
  const commit = (await gh.request("POST /repos/{owner}/{repo}/git/commits", { message: "footprint\n\nPucs-Nonce: 0\n", tree: tree.sha, parents: [target.oid] })).data as { sha: string };
  await gh.request("PATCH /repos/{owner}/{repo}/git/refs/{ref}", { ref: "pucs/ledger", sha: commit.sha, force: false });
  return performance.now() - t0 - (gh.serverMs - s0);
}

async function measure(n: number, layout: 1 | 2, pushes: number, opened = false, dirs = 1): Promise<Figures> {
  const gh = new MemGitHub();
  const whole = ledgerOf(n);
  gh.seed(layout === 1 ? new Map([["ledger.json", serializeLedger(whole)]]) : layoutFiles(whole));
  const store = new GitHubRefStore(gh, { owner: "o", repo: "r" });
  const times: number[] = [];
  const per: Omit<Figures, "p50" | "p99" | "packed">[] = [];
  let packed = 0;
  for (let k = 0; k < pushes; k++) {
    // A push moves an open PR's ranges; an opening records a new PR on 20 files nobody else touches.
    const i = opened ? n + k : (k * 7919) % n;
    const moved = footprintOf(i, opened ? 0 : k + 1, dirs);
    gh.reset();
    gh.git.takeGrowth();
    const before = gh.ref!;
    // The in-memory GitHub holds every object of a 10,000-PR ledger (the App does not): a full
    // collection before each timed push keeps its pauses out of the store's time.
    collect();
    let ms: number;
    if (layout === 1) ms = await v1Push(gh, moved.change, (l) => recordFootprint(l, moved).ledger);
    else {
      const t0 = performance.now();
      // As the App asks: an opening also reads its own summary shard (it joins the stream), a push does not.
      const scoped = new ScopedLedgerStore(store, { changes: [moved.change], paths: moved.files.map((f) => f.path), streams: [moved.stream], ...(opened ? { summaryShards: [{ stream: moved.stream, path: summaryPath(moved.stream, moved.change) }] } : {}) });
      await transact(scoped, (l) => recordFootprint(l, moved));
      ms = performance.now() - t0 - gh.serverMs;
    }
    per.push({ bytes: gh.bytes, reads: gh.reads, writes: gh.writes, growth: gh.git.takeGrowth() });
    times.push(ms);
    if (k === 0) packed = packedGrowth(gh.git, before, gh.ref!);
  }
  const med = (f: (x: (typeof per)[number]) => number) => pct(per.map(f), 50);
  return { bytes: med((x) => x.bytes), reads: Math.max(...per.map((x) => x.reads)), writes: Math.max(...per.map((x) => x.writes)), growth: med((x) => x.growth), packed, p50: pct(times, 50), p99: pct(times, 99) };
}

/** A full garbage collection (V8's `gc`, exposed for this process at run time). */
const collect: () => void = (() => {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
})();

const kb = (b: number): string => (b >= 1024 * 1024 ? `${(b / 1024 / 1024).toFixed(1)} MB` : `${(b / 1024).toFixed(1)} KB`);
const ms = (x: number): string => `${x < 10 ? x.toFixed(2) : x.toFixed(0)} ms`;

/** Sizes from PUCS_LEDGER_SIZES ("10,1000"), else 10, 1,000 and 10,000 open PRs. */
export async function benchLedger(sizes: number[] = (process.env.PUCS_LEDGER_SIZES ?? "10,1000,10000").split(",").map(Number)): Promise<{ lines: string[]; figures: Record<string, { v1: Figures; v2: Figures }> }> {
  const lines = ["ledger storage per push to a clear PR (20 files, 2 ranges each; v1 = one ledger.json, v2 = git tree, partial read + diff write)"];
  lines.push("  open PRs | layout | bytes read+written | ledger reads / writes | repo growth per write (objects / packed) | store time p50 / p99");
  const figures: Record<string, { v1: Figures; v2: Figures }> = {};
  await measure(10, 2, 10); // warm up the code paths (JIT) before timing anything
  await measure(10, 1, 10);
  for (const n of sizes) {
    const pushes = 20;
    const v2 = await measure(n, 2, pushes);
    const v1 = await measure(n, 1, n >= 10_000 ? 3 : pushes);
    figures[n] = { v1, v2 };
    for (const [name, f] of [["v1", v1], ["v2", v2]] as const) {
      lines.push(`  ${String(n).padStart(8)} | ${name.padEnd(6)} | ${kb(f.bytes).padStart(18)} | ${`${f.reads} / ${f.writes}`.padStart(21)} | ${`${kb(f.growth)} / ${kb(f.packed)}`.padStart(21)} | ${ms(f.p50)} / ${ms(f.p99)}`);
    }
  }
  for (const n of sizes) {
    const o = await measure(n, 2, n >= 10_000 ? 5 : 20, true);
    lines.push(`  ${String(n).padStart(8)} | v2 opened a PR (20 new index entries): ${kb(o.bytes)} read+written, ${o.reads} / ${o.writes} requests, ${kb(o.growth)} growth (${kb(o.packed)} packed), ${ms(o.p50)} / ${ms(o.p99)}`);
  }
  // The index groups a change's files by directory: the same openings with the 20 files in 4 and in 20 directories.
  const top = sizes[sizes.length - 1]!;
  for (const dirs of [4, 20]) {
    const o = await measure(top, 2, top >= 10_000 ? 5 : 20, true, dirs);
    lines.push(`  ${String(top).padStart(8)} | v2 opened a PR, its 20 files in ${dirs} directories: ${kb(o.bytes)} read+written, ${kb(o.growth)} growth (${kb(o.packed)} packed)`);
  }
  const lo = figures[sizes[0]!]!.v2.bytes;
  const hi = figures[sizes[sizes.length - 1]!]!.v2.bytes;
  lines.push(`  v2 bytes per push, ${sizes[sizes.length - 1]} vs ${sizes[0]} open PRs: ×${(hi / lo).toFixed(2)} (target ≤ 64 KB and ≤ ×1.5); growth target ≤ 16 KB per write`);
  return { lines, figures };
}
