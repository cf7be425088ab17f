/**
 * The ledger on GitHub: the same ref and layout as the CLI's (a commit on `refs/pucs/ledger` whose tree
 * is the v2 layout of src/ledger/layout.ts; a v1 `ledger.json` is still read and migrated by the next
 * write), read and written through the GitHub API with a true compare-and-swap, so two App instances,
 * the App and a CLI pushing with --remote, never both win.
 *
 * Read (1 request): ONE GraphQL query returns the ref's target oid, its tree oid and, through
 * `Commit.file(path:)`, meta.json, the small collections and the footprints as nested tree entries with
 * their blob texts (the derived `index/` and `streams/` are not read), plus any other small files in
 * the same round trip (see `readRepoFiles`). A blob too large for GraphQL's `text` is fetched once more
 * by REST (`GET git/blobs/{sha}`).
 *
 * Write (3 requests): `POST git/trees` with `base_tree` = the tree read and ONLY the changed entries
 * inlined (nested paths; `sha: null` deletes), `POST git/commits` whose ONLY parent is the head that was
 * read (a `Pucs-Nonce:` trailer makes every commit unique, so two writers never produce the same sha),
 * then
 *   - `PATCH git/refs/pucs/ledger` with `force: false`: GitHub refuses anything but a fast-forward
 *     (422 "Update is not a fast forward"), and the new commit fast-forwards only the head it was built
 *     on, so a ref that moved meanwhile is a lost race → `{ ok: false, reason: "conflict" }`;
 *   - `POST git/refs` when the ledger does not exist yet (422 "Reference already exists" = lost race).
 * A ref deleted between read and write ("Reference does not exist") is a lost race too: the retry
 * re-reads and creates it. The first write over a v1 ledger sends the whole v2 tree (no base_tree).
 *
 * A ref that exists but does not hold a PUCS ledger, or a file that does not parse, is a LedgerError
 * (foreign / corrupt) and is never overwritten: read throws, so no transaction writes.
 * The store writes only under `refs/pucs/` (the constructor refuses any other ref).
 */
import { randomBytes } from "node:crypto";
import type { Footprint, Ledger } from "../engine/types.js";
import { META_FILE, V1_FILE, checkChanges, footprintPath, indexDir, isLedgerFile, layoutDiff, layoutFiles, ledgerFromFiles, parseEntry, type LedgerView } from "../ledger/layout.js";
import { FootprintSchema, canonicalLedger, emptyLedger, parseLedger } from "../ledger/schema.js";
import { LedgerError, type LedgerSnapshot, type LedgerStore, type WriteResult } from "../ledger/store.js";
import { GitHubError, RepoClient, type GitHubClient, type Json, type RepoRef } from "./client.js";
import { Lru, deepFreeze } from "../engine/memo.js";

export const LEDGER_REF = "refs/pucs/ledger";
/** The v1 document's name (still read; the next write migrates it to the v2 tree). */
export const LEDGER_FILE = V1_FILE;

export function githubLedgerHint(repo: RepoRef, ref: string): string {
  return (
    `The ledger was not changed. Inspect it with \`git fetch https://github.com/${repo.owner}/${repo.repo} ${ref} && git ls-tree -r FETCH_HEAD\` (a file: \`git show FETCH_HEAD:<path>\`); ` +
    `fix it by pushing a corrected file to ${ref}, or delete the ref to start a fresh ledger (the App rebuilds footprints on the next push, and \`/pucs sync\` per PR).`
  );
}

export interface BlobNode {
  __typename?: string;
  oid?: string;
  text?: string | null;
  isTruncated?: boolean;
  isBinary?: boolean | null;
}

interface TreeNode {
  __typename?: string;
  entries?: { name: string; object: BlobNode | TreeNode | null }[];
}

type FileNode = { object: BlobNode | TreeNode | null } | null;

export interface CommitNode {
  __typename: string;
  oid: string;
  tree?: { oid: string };
  [alias: string]: unknown;
}

interface RefNode {
  target: CommitNode | null;
}

export interface RepoFilesRead {
  /** The ledger at its version (empty ledger, version null, when the ref does not exist). */
  snapshot: LedgerSnapshot;
  /** Text of each requested `expression` ("main:config/pucs_streams.yaml"), null when absent or not a text blob. */
  files: (string | null)[];
  /** The pull request asked for with `pull`, as GitHub has it now (null when not asked or not found). */
  pull: PullNode | null;
}

// One pull request model (src/github/pull.ts): the fields the App reads with the ledger, commits and body included.
export { PULL_FIELDS, type PullNode } from "./pull.js";
import { PULL_FIELDS, type PullNode } from "./pull.js";

const alias = (i: number) => `f${i}`;

const BLOB_FIELDS = "__typename ... on Blob { oid text isTruncated isBinary }";
/** Tree entries `depth` levels down, blobs with their text at the bottom (and at every level). */
function treeFields(depth: number): string {
  if (depth === 0) return BLOB_FIELDS;
  return `${BLOB_FIELDS} ... on Tree { entries { name object { ${treeFields(depth - 1)} } } }`;
}

/** The parts of the v2 tree a whole-ledger read asks for: alias → path and depth of its tree. */
const LEDGER_PARTS: readonly { alias: string; path: string; depth: number }[] = [
  { alias: "v1", path: V1_FILE, depth: 0 },
  { alias: "meta", path: META_FILE, depth: 0 },
  { alias: "locks", path: "locks", depth: 2 },
  { alias: "intents", path: "intents", depth: 2 },
  { alias: "queues", path: "queues", depth: 2 },
  { alias: "overrides", path: "overrides", depth: 2 },
  { alias: "handoffs", path: "handoffs", depth: 2 },
  { alias: "breakers", path: "breakers", depth: 2 },
  { alias: "merges", path: "merges", depth: 2 },
  { alias: "arbitrations", path: "arbitrations", depth: 2 },
  { alias: "agents", path: "agents", depth: 2 },
  { alias: "footprints", path: "footprints", depth: 4 },
];

/** The Commit fields of a whole-ledger read (shared by the ref read and the read of one version). */
export const LEDGER_COMMIT_FIELDS = `__typename oid ... on Commit { tree { oid } ${LEDGER_PARTS.map((p) => `${p.alias}: file(path: "${p.path}") { object { ${treeFields(p.depth)} } }`).join(" ")} }`;

/**
 * Ledgers read or written lately, by repository and commit. The App reads the ledger on every webhook
 * and it is mostly the version it just wrote or read: a version seen before is not parsed and validated
 * again, and the next write diffs against it (`layout` and `tree` say what the write builds on).
 * Entries are deep-frozen, since every caller shares them; the transitions never change a ledger in place.
 */
interface KnownLedger {
  ledger: Ledger;
  layout: 1 | 2;
  tree: string | null;
}
const knownLedgers = new Lru<string, KnownLedger>(32);

function knownKey(repo: RepoRef, version: string): string {
  return `${repo.owner}/${repo.repo}@${version}`;
}

/**
 * One GraphQL round trip: the ledger ref with its tree, plus the blobs named by `expressions`
 * (`<rev>:<path>`). Throws LedgerError for a foreign/corrupt ledger, GitHubError for API failures.
 */
export async function readRepoFiles(rc: RepoClient, ref: string, expressions: readonly string[], opts: { pull?: number } = {}): Promise<RepoFilesRead> {
  const fileVars = expressions.map((_, i) => `, $${alias(i)}: String!`).join("");
  const fileFields = expressions.map((_, i) => `${alias(i)}: object(expression: $${alias(i)}) { ${BLOB_FIELDS} }`).join("\n    ");
  const pullVar = opts.pull !== undefined ? ", $pull: Int!" : "";
  const pullField = opts.pull !== undefined ? `\n    pull: pullRequest(number: $pull) { ${PULL_FIELDS} }` : "";
  const query = `query($owner: String!, $name: String!, $ref: String!${pullVar}${fileVars}) {
  repository(owner: $owner, name: $name) {
    ledger: ref(qualifiedName: $ref) { target { ${LEDGER_COMMIT_FIELDS} } }${pullField}
    ${fileFields}
  }
}`;
  const variables: Json = { owner: rc.repo.owner, name: rc.repo.repo, ref };
  if (opts.pull !== undefined) variables.pull = opts.pull;
  expressions.forEach((e, i) => (variables[alias(i)] = e));
  const data = await rc.graphql<{ repository: (Json & { ledger: RefNode | null }) | null }>(`read ${ref}`, "contents: read", query, variables);
  if (!data?.repository) {
    throw new GitHubError(`GitHub's GraphQL API could not read ${ref}: repository ${rc.repo.owner}/${rc.repo.repo} not found (or the App cannot see it).`, 200, "not-found", "repository not found");
  }
  const files: (string | null)[] = [];
  for (let i = 0; i < expressions.length; i++) {
    const node = data.repository[alias(i)] as BlobNode | null | undefined;
    files.push(await blobText(rc, node));
  }
  const pull = opts.pull !== undefined ? ((data.repository.pull as PullNode | null | undefined) ?? null) : null;
  const node = data.repository.ledger;
  if (!node || !node.target) return { snapshot: { ledger: emptyLedger(), version: null }, files, pull };
  return { snapshot: { ledger: (await ledgerOfCommit(rc, ref, node.target)).ledger, version: node.target.oid }, files, pull };
}

/** The ledger at commit `oid` (one GraphQL request unless known). */
async function readVersion(rc: RepoClient, ref: string, oid: string): Promise<KnownLedger> {
  const known = knownLedgers.get(knownKey(rc.repo, oid));
  if (known) return known;
  const query = `query($owner: String!, $name: String!, $oid: GitObjectID!) {
  repository(owner: $owner, name: $name) { at: object(oid: $oid) { ${LEDGER_COMMIT_FIELDS} } }
}`;
  const data = await rc.graphql<{ repository: { at: CommitNode | null } | null }>(`read ${ref} at ${oid.slice(0, 7)}`, "contents: read", query, { owner: rc.repo.owner, name: rc.repo.repo, oid });
  const at = data?.repository?.at;
  if (!at) throw new GitHubError(`GitHub's GraphQL API could not read ${ref} at ${oid.slice(0, 7)}: no such commit.`, 200, "not-found", "commit not found");
  return ledgerOfCommit(rc, ref, at);
}

async function blobText(rc: RepoClient, node: BlobNode | null | undefined): Promise<string | null> {
  if (!node || node.__typename !== "Blob" || node.isBinary) return null;
  if (!node.isTruncated && typeof node.text === "string") return node.text;
  if (!node.oid) return null;
  const r = await rc.call(`read blob ${node.oid.slice(0, 7)}`, "contents: read", "GET /repos/{owner}/{repo}/git/blobs/{file_sha}", { file_sha: node.oid });
  const d = r.data as Json;
  return d.encoding === "base64" && typeof d.content === "string" ? Buffer.from(d.content, "base64").toString("utf8") : typeof d.content === "string" ? d.content : null;
}

/** Reads the text of a blob GraphQL did not give in full (REST), null when it is not text. */
export type BlobFetcher = (node: BlobNode) => Promise<string | null>;

/** A blob's text: GraphQL's when whole, else the fetcher's; null for a binary blob. */
function textOf(node: BlobNode, fetch: BlobFetcher): Promise<string | null> {
  if (node.isBinary) return Promise.resolve(null);
  if (!node.isTruncated && typeof node.text === "string") return Promise.resolve(node.text);
  return fetch(node);
}

/** Every blob under a `file(path:)` node, as path → text (a binary blob is corrupt). */
async function collectFiles(fetch: BlobFetcher, node: FileNode | undefined, path: string, out: Map<string, string>, source: string, hint: string): Promise<void> {
  const obj = node?.object ?? null;
  if (!obj) return;
  if (obj.__typename === "Blob") {
    const text = await textOf(obj as BlobNode, fetch);
    if (text === null) throw new LedgerError(`${source}: ${path} is binary, not a PUCS ledger's. ${hint}`, "corrupt");
    out.set(path, text);
    return;
  }
  for (const e of (obj as TreeNode).entries ?? []) await collectFiles(fetch, { object: e.object }, `${path}/${e.name}`, out, source, hint);
}

/**
 * The ledger held by a commit read with LEDGER_COMMIT_FIELDS: the v2 tree, or a v1 ledger.json.
 * Throws LedgerError (foreign, corrupt, unsupported-version) for anything else.
 */
export async function ledgerOfCommitNode(t: CommitNode, source: string, hint: string, fetch: BlobFetcher): Promise<{ ledger: Ledger; layout: 1 | 2 }> {
  if (t.__typename !== "Commit") {
    throw new LedgerError(`${source}: it points to a ${t.__typename.toLowerCase()}, not a commit, so it is not a PUCS ledger. PUCS will not overwrite it. ${hint}`, "foreign");
  }
  const part = (a: string) => t[a] as FileNode | undefined;
  if (part("meta")?.object?.__typename === "Blob") {
    const files = new Map<string, string>();
    for (const p of LEDGER_PARTS) if (p.alias !== "v1") await collectFiles(fetch, part(p.alias), p.path, files, source, hint);
    for (const path of files.keys()) if (!isLedgerFile(path)) throw new LedgerError(`${source}: ${path} is not where a PUCS ledger keeps anything. ${hint}`, "corrupt");
    return { ledger: ledgerFromFiles(files, source, hint), layout: 2 };
  }
  const blob = part("v1")?.object ?? null;
  if (!blob || blob.__typename !== "Blob") {
    throw new LedgerError(`${source}: its commit has neither ${META_FILE} nor ${V1_FILE}, so it is not a PUCS ledger. PUCS will not overwrite it. ${hint}`, "foreign");
  }
  const text = await textOf(blob as BlobNode, fetch);
  if (text === null) throw new LedgerError(`${source}: ${LEDGER_FILE} is binary, not a PUCS ledger. ${hint}`, "corrupt");
  return { ledger: parseLedger(text, source, hint), layout: 1 };
}

async function ledgerOfCommit(rc: RepoClient, ref: string, t: CommitNode): Promise<KnownLedger> {
  const key = knownKey(rc.repo, t.oid);
  const known = knownLedgers.get(key);
  if (known) return known;
  const r = await ledgerOfCommitNode(t, `${ref} at ${t.oid.slice(0, 7)}`, githubLedgerHint(rc.repo, ref), (node) => blobText(rc, node));
  const result: KnownLedger = { ledger: deepFreeze(r.ledger), layout: r.layout, tree: t.tree?.oid ?? null };
  knownLedgers.set(key, result);
  return result;
}

export interface GitHubRefStoreOptions {
  ref?: string;
  /** Nonce source for commit messages (tests pass a deterministic one). */
  nonce?: () => string;
}

const LOST_RACE = /not a fast forward|already exists|does not exist|cannot be updated|update failed|is at .* but expected/i;

export class GitHubRefStore implements LedgerStore {
  readonly rc: RepoClient;
  readonly ref: string;
  readonly #nonce: () => string;
  /** read() and write() calls (a write counts once even though it costs 3 requests). */
  reads = 0;
  writes = 0;

  constructor(client: GitHubClient, repo: RepoRef, opts: GitHubRefStoreOptions = {}) {
    this.rc = new RepoClient(client, repo);
    this.ref = opts.ref ?? LEDGER_REF;
    if (!/^refs\/pucs\/[A-Za-z0-9._/-]+$/.test(this.ref) || this.ref.includes("..")) {
      throw new RangeError(`the PUCS ledger lives under refs/pucs/ (got ${JSON.stringify(this.ref)}): the App writes nothing else`);
    }
    this.#nonce = opts.nonce ?? (() => randomBytes(8).toString("hex"));
  }

  async read(): Promise<LedgerSnapshot> {
    this.reads++;
    return (await readRepoFiles(this.rc, this.ref, [])).snapshot;
  }

  async write(next: Ledger, expected: string | null, message: string): Promise<WriteResult> {
    this.writes++;
    const base = expected === null ? null : await readVersion(this.rc, this.ref, expected);
    return this.commitChanges(base, next, expected, message);
  }

  /**
   * Writes `next` on top of `expected`, whose ledger (or the part of it that was loaded: a
   * LedgerView's) is `base`: only the entries that differ between the two are sent. A v1 or absent
   * base writes the whole v2 tree.
   */
  async commitChanges(base: { ledger: Ledger; layout: 1 | 2; tree: string | null } | null, next: Ledger, expected: string | null, message: string): Promise<WriteResult> {
    const fromV2 = base !== null && base.layout === 2 && base.tree !== null;
    const changes = fromV2 ? layoutDiff(base!.ledger, next) : layoutFiles(next);
    // Never write what the next read would reject.
    checkChanges(changes);
    const short = this.ref.replace(/^refs\//, "");
    const entries = [...changes].map(([path, content]) =>
      content === null ? { path, mode: "100644", type: "blob", sha: null } : { path, mode: "100644", type: "blob", content },
    );
    let treeSha: string;
    if (fromV2 && entries.length === 0) treeSha = base!.tree!;
    else {
      const tree = await this.rc.call(`write the ledger tree for ${this.ref}`, "contents: write", "POST /repos/{owner}/{repo}/git/trees", {
        ...(fromV2 ? { base_tree: base!.tree } : {}),
        tree: entries,
      });
      treeSha = String((tree.data as Json).sha);
    }
    const subject = message.trim() === "" ? "update ledger" : message.trim();
    const migrated = base !== null && base.layout === 1 ? `\n\nPucs-Layout: 2 (migrated from ${V1_FILE})` : "";
    const commit = await this.rc.call(`write the ledger commit for ${this.ref}`, "contents: write", "POST /repos/{owner}/{repo}/git/commits", {
      message: `${subject}${migrated}\n\nPucs-Nonce: ${this.#nonce()}\n`,
      tree: treeSha,
      parents: expected === null ? [] : [expected],
    });
    const sha = String((commit.data as Json).sha);
    try {
      if (expected === null) {
        await this.rc.call(`create ${this.ref}`, "contents: write", "POST /repos/{owner}/{repo}/git/refs", { ref: this.ref, sha });
      } else {
        await this.rc.call(`move ${this.ref}`, "contents: write", "PATCH /repos/{owner}/{repo}/git/refs/{ref}", { ref: short, sha, force: false });
      }
    } catch (e) {
      if (e instanceof GitHubError && (e.status === 409 || (e.status === 422 && LOST_RACE.test(e.apiMessage)))) return { ok: false, reason: "conflict" };
      throw e;
    }
    // A whole ledger is remembered as what the next read of this version gets (canonical, without
    // undefined optionals); a view is not the whole ledger, so its version is read again when needed.
    if (base === null || !isView(base.ledger)) {
      knownLedgers.set(knownKey(this.rc.repo, sha), { ledger: deepFreeze(JSON.parse(JSON.stringify(canonicalLedger(next))) as Ledger), layout: 2, tree: treeSha });
    }
    return { ok: true, version: sha };
  }
}

// ---------------------------------------------------------------------------
// Partial reads: only what one event needs
// ---------------------------------------------------------------------------

/** Ledgers that are views (partial): never remembered or written as if whole. */
const views = new WeakSet<Ledger>();
const isView = (l: Ledger): boolean => views.has(l);

/** The small parts of the v2 tree (everything but footprints), with the v1 document for a migration. */
const SMALL_PARTS = LEDGER_PARTS.filter((p) => p.alias !== "footprints");

export interface ViewRead {
  view: LedgerView;
  version: string | null;
  /** The tree of `version` (null when there is no ledger) and its layout. */
  tree: string | null;
  layout: 1 | 2;
}

/**
 * A PARTIAL read (see LedgerView): the small collections, the footprints of `scope.changes`, and the
 * footprints of every change the path index lists on `scope.paths`, at one consistent commit. Costs
 * one GraphQL query, plus one more only when other changes touch those paths (their footprints, read
 * at the same commit). Nothing in it grows with the number of open changes. A v1 ledger is read
 * whole (the next write migrates it); `at` reads a given commit instead of the ref's head.
 */
export async function readLedgerView(rc: RepoClient, ref: string, scope: { changes: readonly string[]; paths: readonly string[] }, at?: string): Promise<ViewRead> {
  const changes = [...new Set(scope.changes)];
  const paths = [...new Set(scope.paths)];
  const fp = (c: string, i: number, prefix: string) => `${prefix}${i}: file(path: ${JSON.stringify(footprintPath(c))}) { object { ${BLOB_FIELDS} } }`;
  const fields =
    `__typename oid ... on Commit { tree { oid } ${SMALL_PARTS.map((p) => `${p.alias}: file(path: "${p.path}") { object { ${treeFields(p.depth)} } }`).join(" ")} ` +
    changes.map((c, i) => fp(c, i, "c")).join(" ") +
    " " +
    paths.map((p, i) => `p${i}: file(path: ${JSON.stringify(indexDir(p))}) { object { ${treeFields(1)} } }`).join(" ") +
    " }";
  const commit = await readCommit(rc, ref, fields, at);
  if (commit === null) return { view: viewOf(emptyLedger(), changes, paths), version: null, tree: null, layout: 2 };
  const source = `${ref} at ${commit.oid.slice(0, 7)}`;
  const hint = githubLedgerHint(rc.repo, ref);
  const fetch: BlobFetcher = (node) => blobText(rc, node);
  const small = await ledgerOfCommitNode(commit, source, hint, fetch);
  if (small.layout === 1) return { view: viewOf(small.ledger, changes, paths, true), version: commit.oid, tree: commit.tree?.oid ?? null, layout: 1 };
  const footprints: Footprint[] = [];
  const loaded = new Set<string>();
  const addFootprint = async (node: FileNode | undefined, path: string) => {
    const obj = node?.object ?? null;
    if (!obj || obj.__typename !== "Blob") return;
    const text = await textOf(obj as BlobNode, fetch);
    if (text === null) throw new LedgerError(`${source}: ${path} is binary, not a PUCS ledger's. ${hint}`, "corrupt");
    const f = parseEntry(FootprintSchema, text, path, source, hint);
    if (!loaded.has(f.change)) footprints.push(f);
    loaded.add(f.change);
  };
  for (let i = 0; i < changes.length; i++) await addFootprint(commit[`c${i}`] as FileNode, footprintPath(changes[i]!));
  const others = new Set<string>();
  for (let i = 0; i < paths.length; i++) {
    const dir = (commit[`p${i}`] as FileNode | undefined)?.object as TreeNode | null | undefined;
    for (const e of dir?.entries ?? []) {
      const id = e.object && e.object.__typename === "Blob" ? ((e.object as BlobNode).text ?? "").trim() : "";
      if (id !== "" && !loaded.has(id)) others.add(id);
    }
  }
  if (others.size > 0) {
    const list = [...others];
    const more = await readCommit(rc, ref, `__typename oid ... on Commit { ${list.map((c, i) => fp(c, i, "o")).join(" ")} }`, commit.oid);
    for (let i = 0; i < list.length; i++) await addFootprint(more?.[`o${i}`] as FileNode, footprintPath(list[i]!));
  }
  const ledger = canonicalLedger({ ...small.ledger, footprints });
  return { view: viewOf(ledger, changes, paths), version: commit.oid, tree: commit.tree?.oid ?? null, layout: 2 };
}

function viewOf(ledger: Ledger, changes: readonly string[], paths: readonly string[], whole = false): LedgerView {
  const frozen = deepFreeze(ledger);
  if (!whole) views.add(frozen);
  return { partial: true, ledger: frozen, scope: { changes, paths } };
}

async function readCommit(rc: RepoClient, ref: string, fields: string, at?: string): Promise<CommitNode | null> {
  if (at === undefined) {
    const query = `query($owner: String!, $name: String!, $ref: String!) { repository(owner: $owner, name: $name) { ledger: ref(qualifiedName: $ref) { target { ${fields} } } } }`;
    const data = await rc.graphql<{ repository: { ledger: RefNode | null } | null }>(`read ${ref}`, "contents: read", query, { owner: rc.repo.owner, name: rc.repo.repo, ref });
    if (!data?.repository) throw new GitHubError(`GitHub's GraphQL API could not read ${ref}: repository ${rc.repo.owner}/${rc.repo.repo} not found (or the App cannot see it).`, 200, "not-found", "repository not found");
    return data.repository.ledger?.target ?? null;
  }
  const query = `query($owner: String!, $name: String!, $oid: GitObjectID!) { repository(owner: $owner, name: $name) { at: object(oid: $oid) { ${fields} } } }`;
  const data = await rc.graphql<{ repository: { at: CommitNode | null } | null }>(`read ${ref} at ${at.slice(0, 7)}`, "contents: read", query, { owner: rc.repo.owner, name: rc.repo.repo, oid: at });
  return data?.repository?.at ?? null;
}

/**
 * A LedgerStore over a SCOPE of the ledger (the App's hot path): `read` returns the partial view
 * (its `ledger` holds only the footprints in scope), `write` sends only the difference between the
 * view it read and the transitions' result. A transition that changes a footprint outside the scope
 * is a bug (its old index and summary entries were not loaded) and is refused before anything is
 * written. `transact` and the batch writer use it like any store.
 */
export class ScopedLedgerStore implements LedgerStore {
  readonly #read = new Map<string | null, ViewRead>();
  reads = 0;
  writes = 0;

  constructor(
    readonly store: GitHubRefStore,
    readonly scope: { changes: readonly string[]; paths: readonly string[] },
  ) {}

  async read(): Promise<LedgerSnapshot> {
    this.reads++;
    const r = await readLedgerView(this.store.rc, this.store.ref, this.scope);
    this.#read.clear();
    this.#read.set(r.version, r);
    return { ledger: r.view.ledger, version: r.version };
  }

  async write(next: Ledger, expected: string | null, message: string): Promise<WriteResult> {
    this.writes++;
    const r = this.#read.get(expected) ?? (await readLedgerView(this.store.rc, this.store.ref, this.scope, expected ?? undefined));
    const before = r.view.ledger;
    if (r.layout === 2 && isView(before)) {
      const inScope = new Set(before.footprints.map((f) => f.change));
      const was = new Map(before.footprints.map((f) => [f.change, f]));
      for (const f of next.footprints) {
        if (was.get(f.change) !== f && !inScope.has(f.change) && !this.scope.changes.includes(f.change)) {
          throw new LedgerError(`a transition changed the footprint of ${f.change}, outside the scope read (${this.scope.changes.join(", ") || "no change"}): a PUCS bug; nothing was written`, "corrupt");
        }
      }
    }
    return this.store.commitChanges(expected === null ? null : { ledger: before, layout: r.layout, tree: r.tree }, next, expected, message);
  }
}

/** A store whose first read returns a snapshot already in hand (saves a request), then reads for real. */
export function primedStore(store: LedgerStore, snapshot: LedgerSnapshot): LedgerStore {
  let primed: LedgerSnapshot | null = snapshot;
  return {
    read: async () => {
      const s = primed;
      primed = null;
      return s ?? store.read();
    },
    write: (next, expected, message) => store.write(next, expected, message),
  };
}
