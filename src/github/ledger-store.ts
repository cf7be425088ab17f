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
import {
  META_FILE,
  GateEntrySchema,
  SUMMARY_MARK,
  GATES_MARK,
  LAYOUT_VERSION,
  StreamSummarySchema,
  V1_FILE,
  checkChanges,
  footprintPath,
  indexDir,
  indexedPaths,
  isLedgerFile,
  layoutDiff,
  layoutFiles,
  ledgerFromFiles,
  parseEntry,
  membersOf,
  sameMember,
  streamDir,
  headPath,
  blobOid,
  shardsDigest,
  needsWholeStream,
  membershipMoves,
  summaryPath,
  StreamHeadSchema,
  type StreamHead,
  type StreamLoad,
  type StreamMember,
} from "../ledger/layout.js";
import { UNLISTED } from "../engine/types.js";
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
  /** With `scope`: the partial read (its ledger is `snapshot.ledger`). */
  view?: ViewRead;
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
  { alias: "mark", path: SUMMARY_MARK, depth: 0 },
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
  /** The tree has every stream's summary (see src/ledger/layout.ts). */
  complete: boolean;
}
const knownLedgers = new Lru<string, KnownLedger>(32);

function knownKey(repo: RepoRef, version: string): string {
  return `${repo.owner}/${repo.repo}@${version}`;
}

/**
 * One GraphQL round trip: the ledger ref with its tree, plus the blobs named by `expressions`
 * (`<rev>:<path>`). Throws LedgerError for a foreign/corrupt ledger, GitHubError for API failures.
 */
export async function readRepoFiles(rc: RepoClient, ref: string, expressions: readonly string[], opts: { pull?: number; scope?: Scope } = {}): Promise<RepoFilesRead> {
  const fileVars = expressions.map((_, i) => `, $${alias(i)}: String!`).join("");
  const fileFields = expressions.map((_, i) => `${alias(i)}: object(expression: $${alias(i)}) { ${BLOB_FIELDS} }`).join("\n    ");
  const pullVar = opts.pull !== undefined ? ", $pull: Int!" : "";
  const pullField = opts.pull !== undefined ? `\n    pull: pullRequest(number: $pull) { ${PULL_FIELDS} }` : "";
  const query = `query($owner: String!, $name: String!, $ref: String!${pullVar}${fileVars}) {
  repository(owner: $owner, name: $name) {
    ledger: ref(qualifiedName: $ref) { target { ${opts.scope ? viewCommitFields(opts.scope) : LEDGER_COMMIT_FIELDS} } }${pullField}
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
  if (opts.scope) {
    const view = await readLedgerView(rc, ref, opts.scope, undefined, node?.target ?? null);
    return { snapshot: { ledger: view.ledger, version: view.version }, files, pull, view };
  }
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
export async function ledgerOfCommitNode(t: CommitNode, source: string, hint: string, fetch: BlobFetcher): Promise<{ ledger: Ledger; layout: 1 | 2; complete: boolean }> {
  if (t.__typename !== "Commit") {
    throw new LedgerError(`${source}: it points to a ${t.__typename.toLowerCase()}, not a commit, so it is not a PUCS ledger. PUCS will not overwrite it. ${hint}`, "foreign");
  }
  const part = (a: string) => t[a] as FileNode | undefined;
  if (part("meta")?.object?.__typename === "Blob") {
    const files = new Map<string, string>();
    for (const p of LEDGER_PARTS) if (p.alias !== "v1" && p.alias !== "mark") await collectFiles(fetch, part(p.alias), p.path, files, source, hint);
    for (const path of files.keys()) if (!isLedgerFile(path)) throw new LedgerError(`${source}: ${path} is not where a PUCS ledger keeps anything. ${hint}`, "corrupt");
    return { ledger: ledgerFromFiles(files, source, hint), layout: 2, complete: part("mark")?.object?.__typename === "Blob" };
  }
  const blob = part("v1")?.object ?? null;
  if (!blob || blob.__typename !== "Blob") {
    throw new LedgerError(`${source}: its commit has neither ${META_FILE} nor ${V1_FILE}, so it is not a PUCS ledger. PUCS will not overwrite it. ${hint}`, "foreign");
  }
  const text = await textOf(blob as BlobNode, fetch);
  if (text === null) throw new LedgerError(`${source}: ${LEDGER_FILE} is binary, not a PUCS ledger. ${hint}`, "corrupt");
  return { ledger: parseLedger(text, source, hint), layout: 1, complete: false };
}

/** The merge gate's read of a ledger commit: its small collections and every gate entry (`gates/`), no footprint. */
export const GATE_COMMIT_FIELDS = `__typename oid ... on Commit { tree { oid } ${LEDGER_PARTS.filter((p) => p.alias !== "footprints")
  .concat([{ alias: "gates", path: "gates", depth: 4 }])
  .map((p) => `${p.alias}: file(path: "${p.path}") { object { ${treeFields(p.depth)} } }`)
  .join(" ")} }`;

/** An open change as the gate's read found it: its gate streams (null = recorded without them). */
export interface GateMember {
  change: string;
  draft: boolean;
  streams: string[] | null;
}

/**
 * What the merge gate learns from a commit read with GATE_COMMIT_FIELDS: the ledger's small
 * collections (locks, overrides, breakers...; `footprints` empty) and, when the tree is complete
 * (its marker), every open change from its gate entries. `members` is null when the gate cannot
 * rely on them: a v1 ledger (`ledger` is then the whole one) or a tree written before gate entries
 * existed (the gate then reads the whole ledger and lists PRs, as without the App).
 */
export async function gateViewOfCommitNode(t: CommitNode, source: string, hint: string, fetch: BlobFetcher): Promise<{ ledger: Ledger; layout: 1 | 2; members: GateMember[] | null }> {
  const r = await ledgerOfCommitNode(t, source, hint, fetch);
  if (r.layout === 1 || !r.complete) return { ledger: r.ledger, layout: r.layout, members: null };
  const files = new Map<string, string>();
  await collectFiles(fetch, t.gates as FileNode | undefined, "gates", files, source, hint);
  const by = new Map<string, GateMember>();
  for (const [path, text] of files) {
    if (path === GATES_MARK) continue;
    if (!/^gates\/(?:-|=[^/]+)\/[0-9a-f]\/[0-9a-f]\/[0-9a-f]{20}\.json$/.test(path)) throw new LedgerError(`${source}: ${path} is not where a PUCS ledger keeps anything. ${hint}`, "corrupt");
    const e = parseEntry(GateEntrySchema, text, path, source, hint);
    by.set(e.change, { change: e.change, draft: e.draft, streams: e.streams });
  }
  return { ledger: r.ledger, layout: 2, members: [...by.values()] };
}

async function ledgerOfCommit(rc: RepoClient, ref: string, t: CommitNode): Promise<KnownLedger> {
  const key = knownKey(rc.repo, t.oid);
  const known = knownLedgers.get(key);
  if (known) return known;
  const r = await ledgerOfCommitNode(t, `${ref} at ${t.oid.slice(0, 7)}`, githubLedgerHint(rc.repo, ref), (node) => blobText(rc, node));
  const result: KnownLedger = { ledger: deepFreeze(r.ledger), layout: r.layout, tree: t.tree?.oid ?? null, complete: r.complete };
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
  async commitChanges(
    base: { ledger: Ledger; layout: 1 | 2; tree: string | null; complete?: boolean; loaded?: ReadonlyMap<string | null, StreamLoad> } | null,
    next: Ledger,
    expected: string | null,
    message: string,
  ): Promise<WriteResult> {
    const fromV2 = base !== null && base.layout === 2 && base.tree !== null;
    const changes = fromV2 ? layoutDiff(base!.ledger, next, { ...(base!.loaded ? { loaded: base!.loaded } : {}), complete: base!.complete ?? true }) : layoutFiles(next);
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
    const migrated =
      base !== null && base.layout === 1 ? `\n\nPucs-Layout: ${LAYOUT_VERSION} (migrated from ${V1_FILE})` : base !== null && base.complete === false ? `\n\nPucs-Layout: ${LAYOUT_VERSION} (every index entry and summary written)` : "";
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
      knownLedgers.set(knownKey(this.rc.repo, sha), { ledger: deepFreeze(JSON.parse(JSON.stringify(canonicalLedger(next))) as Ledger), layout: 2, tree: treeSha, complete: true });
    }
    return { ok: true, version: sha };
  }
}

// ---------------------------------------------------------------------------
// Partial reads: only what one event needs
// ---------------------------------------------------------------------------

/**
 * Ledgers that are views (partial): never remembered or written as if whole. The mark is an
 * enumerable symbol property, so every ledger a transition derives from a view (`{ ...l, ... }`)
 * is one too; JSON never sees it.
 */
const PARTIAL = Symbol("pucs.partial-ledger");
const views = new WeakSet<Ledger>();
export const isView = (l: Ledger): boolean => views.has(l) || (l as Ledger & { [PARTIAL]?: true })[PARTIAL] === true;
/** Footprints made from a stream summary (no files): they count for CAPACITY, never written as such. */
const phantoms = new WeakSet<Footprint>();
export const isPhantom = (f: Footprint): boolean => phantoms.has(f);

/** The small parts of the v2 tree (everything but footprints), with the v1 document for a migration. */
const SMALL_PARTS = LEDGER_PARTS.filter((p) => p.alias !== "footprints");

/**
 * What a partial read is for: changes by id, the index shards of paths, streams (their heads: counts
 * and first members), and optionally streams to read whole (every member: `members`) and single
 * summary shards (`summaryShards`: stream → shard paths, what a write that changes membership rewrites).
 */
export interface Scope {
  changes: readonly string[];
  paths: readonly string[];
  streams: readonly (string | null)[];
  members?: readonly (string | null)[];
  summaryShards?: readonly { stream: string | null; path: string }[];
}

export const unionScope = (...scopes: Scope[]): Scope => {
  const members = [...new Set(scopes.flatMap((s) => s.members ?? []))];
  const shards = new Map(scopes.flatMap((s) => s.summaryShards ?? []).map((x) => [x.path, x]));
  return {
    changes: [...new Set(scopes.flatMap((s) => s.changes))],
    paths: [...new Set(scopes.flatMap((s) => s.paths))],
    streams: [...new Set(scopes.flatMap((s) => s.streams))],
    ...(members.length > 0 ? { members } : {}),
    ...(shards.size > 0 ? { summaryShards: [...shards.values()] } : {}),
  };
};

/**
 * A partial read at one commit (see LedgerView in src/ledger/layout.ts): the small collections, the
 * footprints of the changes asked for and of every change the index lists on the asked paths, and
 * of each asked stream its head (src/ledger/layout.ts StreamHeadSchema: counts and first members,
 * checked against the ids of the stream's summary shards) — or, when the head is missing or out of
 * date or the stream is asked whole, its whole summary. A stream's listed members that were not
 * read are in `ledger` as footprints without files (phantoms: they take CAPACITY slots and overlap
 * nothing); the rest are counted (`UNLISTED`). The footprints of changes that hold claims in a
 * stream read by its head are read too, so no holder counts twice. A v1 ledger, or a v2 tree written
 * before summaries existed, is read whole (`whole`): the next write migrates it.
 */
export interface ViewRead {
  version: string | null;
  tree: string | null;
  layout: 1 | 2;
  whole: boolean;
  /** The tree has every stream's summary. */
  complete: boolean;
  /** The view (or the whole ledger when `whole`), deep-frozen. */
  ledger: Ledger;
  /** What was loaded: change → its footprint (null: none), path → changes on it, stream → its summary. */
  footprints: ReadonlyMap<string, Footprint | null>;
  shards: ReadonlyMap<string, readonly string[]>;
  summaries: ReadonlyMap<string | null, StreamLoad>;
  /** The small collections and the session (footprints empty). */
  small: Ledger;
}

interface Wanted {
  changes: string[];
  paths: string[];
  /** Streams to read by their heads (and their shards' ids). */
  streams: (string | null)[];
  /** Streams to read whole. */
  members: (string | null)[];
  /** Single summary shards of streams read by their heads. */
  shardFiles: { stream: string | null; path: string }[];
}

/** Changes that hold claims (intents, locks) in a stream read by its head: their footprints tell whether they are its members. */
function claimChanges(small: Ledger | null, loaded: ReadonlyMap<string | null, StreamLoad> | undefined): string[] {
  if (!small || !loaded) return [];
  const out: string[] = [];
  for (const c of [...small.intents, ...small.locks]) {
    if (c.change === undefined || c.stream === null) continue;
    const load = loaded.get(c.stream);
    // Only where the head leaves members unlisted, and the change is not one of those it lists.
    if (load && load.members === null && load.head && load.head.open > load.head.first.length && !load.head.first.includes(c.change)) out.push(c.change);
  }
  return out;
}

function wantedOf(r: Pick<ViewRead, "footprints" | "shards" | "summaries"> | null, scope: Scope, small: Ledger | null = null): Wanted {
  const changes = new Set(scope.changes.filter((c) => !r?.footprints.has(c)));
  for (const list of r?.shards.values() ?? []) for (const c of list) if (!r!.footprints.has(c)) changes.add(c);
  for (const c of claimChanges(small, r?.summaries)) if (!r!.footprints.has(c)) changes.add(c);
  const whole = new Set(scope.members ?? []);
  // A stream whose head is missing or out of date is read whole.
  for (const [st, load] of r?.summaries ?? []) if (load.head === null && load.members === null) whole.add(st);
  const members = [...whole].filter((st) => !r?.summaries.get(st)?.members);
  const streams = [...new Set(scope.streams)].filter((st) => !r?.summaries.has(st) && !whole.has(st));
  const shardFiles = (scope.summaryShards ?? []).filter((x) => {
    const load = r?.summaries.get(x.stream);
    return !whole.has(x.stream) && !load?.members && !load?.shards.has(x.path);
  });
  return { changes: [...changes], paths: [...new Set(scope.paths)].filter((p) => !r?.shards.has(p)), streams, members, shardFiles };
}

const isEmpty = (w: Wanted) => w.changes.length === 0 && w.paths.length === 0 && w.streams.length === 0 && w.members.length === 0 && w.shardFiles.length === 0;

/** The Commit fields of a query for `w` (aliases c<i>, p<i>, s<i>/h<i>, m<i>, f<i>). */
function wantedFields(w: Wanted): string {
  return [
    ...w.changes.map((c, i) => `c${i}: file(path: ${JSON.stringify(footprintPath(c))}) { object { ${BLOB_FIELDS} } }`),
    ...w.paths.map((p, i) => `p${i}: file(path: ${JSON.stringify(indexDir(p))}) { object { ${treeFields(1)} } }`),
    // A head, and the ids (not the texts) of the stream's summary shards to check it against.
    ...w.streams.flatMap((st, i) => [
      `s${i}: file(path: ${JSON.stringify(streamDir(st))}) { object { __typename ... on Tree { entries { name oid } } } }`,
      `h${i}: file(path: ${JSON.stringify(headPath(st))}) { object { ${BLOB_FIELDS} } }`,
    ]),
    ...w.members.map((st, i) => `m${i}: file(path: ${JSON.stringify(streamDir(st))}) { object { ${treeFields(1)} } }`),
    ...w.shardFiles.map((x, i) => `f${i}: file(path: ${JSON.stringify(x.path)}) { object { ${BLOB_FIELDS} } }`),
  ].join(" ");
}

/** The Commit fields of a partial read's first query: the small parts and what `scope` asks for. */
export function viewCommitFields(scope: Scope): string {
  return `__typename oid ... on Commit { tree { oid } ${SMALL_PARTS.map((p) => `${p.alias}: file(path: "${p.path}") { object { ${treeFields(p.depth)} } }`).join(" ")} ${wantedFields(wantedOf(null, scope))} }`;
}

interface MutableLoad {
  oids: Map<string, string>;
  head: StreamHead | null;
  members: StreamMember[] | null;
  shards: Map<string, StreamMember[]>;
}

interface Loaded {
  footprints: Map<string, Footprint | null>;
  shards: Map<string, string[]>;
  summaries: Map<string | null, MutableLoad>;
}

const copyLoad = (l: StreamLoad): MutableLoad => ({ oids: new Map(l.oids), head: l.head, members: l.members ? [...l.members] : null, shards: new Map([...l.shards].map(([k, v]) => [k, [...v]])) });

/** Takes the answers to `w` out of a commit node into `into`. */
async function absorb(commit: CommitNode, w: Wanted, into: Loaded, fetch: BlobFetcher, source: string, hint: string): Promise<void> {
  const blobOf = async (alias: string, path: string): Promise<string | null> => {
    const obj = (commit[alias] as FileNode | undefined)?.object ?? null;
    if (!obj || obj.__typename !== "Blob") return null;
    const text = await textOf(obj as BlobNode, fetch);
    if (text === null) throw new LedgerError(`${source}: ${path} is binary, not a PUCS ledger's. ${hint}`, "corrupt");
    return text;
  };
  for (let i = 0; i < w.changes.length; i++) {
    const path = footprintPath(w.changes[i]!);
    const text = await blobOf(`c${i}`, path);
    into.footprints.set(w.changes[i]!, text === null ? null : parseEntry(FootprintSchema, text, path, source, hint));
  }
  for (let i = 0; i < w.paths.length; i++) {
    const dir = (commit[`p${i}`] as FileNode | undefined)?.object as TreeNode | null | undefined;
    const ids: string[] = [];
    for (const e of dir?.entries ?? []) {
      const id = e.object && e.object.__typename === "Blob" ? ((e.object as BlobNode).text ?? "").trim() : "";
      if (id !== "") ids.push(id);
    }
    into.shards.set(w.paths[i]!, ids);
  }
  for (let i = 0; i < w.streams.length; i++) {
    // The head, trusted only when it was computed from the shards the tree has now.
    const st = w.streams[i]!;
    const node = (commit[`s${i}`] as FileNode | undefined)?.object ?? null;
    const oids = new Map<string, string>();
    let listed = true;
    if (node && node.__typename === "Tree") {
      for (const e of (node as TreeNode).entries ?? []) {
        const oid = (e as { oid?: unknown }).oid;
        if (typeof oid === "string") oids.set(e.name, oid);
        else listed = false;
      }
    }
    const text = await blobOf(`h${i}`, headPath(st));
    let head: StreamHead | null = null;
    if (text !== null) {
      const h = parseEntry(StreamHeadSchema, text, headPath(st), source, hint);
      if (listed && h.stream === st && h.shards === shardsDigest(oids)) head = h;
    } else if (oids.size === 0 && listed) {
      // No summary and no head: the stream has no open change.
      head = { stream: st, open: 0, drafts: 0, first: [], shards: shardsDigest(oids) };
    }
    into.summaries.set(st, { oids, head, members: null, shards: new Map() });
  }
  for (let i = 0; i < w.members.length; i++) {
    // Every shard of the stream's summary (a directory of up to 16 small blobs).
    const st = w.members[i]!;
    const dir = streamDir(st);
    const node = (commit[`m${i}`] as FileNode | undefined)?.object ?? null;
    const members: StreamMember[] = [];
    const oids = new Map<string, string>();
    if (node && node.__typename === "Tree") {
      for (const e of (node as TreeNode).entries ?? []) {
        const path = `${dir}/${e.name}`;
        if (!e.object || e.object.__typename !== "Blob") throw new LedgerError(`${source}: ${path} is not a summary shard. ${hint}`, "corrupt");
        const text = await textOf(e.object as BlobNode, fetch);
        if (text === null) throw new LedgerError(`${source}: ${path} is binary, not a PUCS ledger's. ${hint}`, "corrupt");
        members.push(...membersOf(parseEntry(StreamSummarySchema, text, path, source, hint)));
        oids.set(e.name, blobOid(text));
      }
    }
    const prev = into.summaries.get(st);
    // A head read before stays trusted only if it still matches (same commit: it does, unless it was stale).
    const head = prev?.head && prev.head.shards === shardsDigest(oids) ? prev.head : null;
    into.summaries.set(st, { oids, head, members, shards: new Map() });
  }
  for (let i = 0; i < w.shardFiles.length; i++) {
    const { stream, path } = w.shardFiles[i]!;
    const text = await blobOf(`f${i}`, path);
    const load = into.summaries.get(stream);
    if (!load) throw new LedgerError(`${source}: the summary shard ${path} was read without its stream's head: a PUCS bug. ${hint}`, "corrupt");
    load.shards.set(path, text === null ? [] : membersOf(parseEntry(StreamSummarySchema, text, path, source, hint)));
  }
}

function viewLedger(small: Ledger, loaded: Loaded): Ledger {
  const footprints: Footprint[] = [];
  for (const f of loaded.footprints.values()) if (f) footprints.push(f);
  const have = new Set(footprints.map((f) => f.change));
  const unlisted: Record<string, number> = {};
  for (const [stream, load] of loaded.summaries) {
    const listed = load.members ?? (load.head ? load.head.first.map((change) => ({ change, draft: false })) : []);
    for (const m of listed) {
      if (have.has(m.change)) continue;
      have.add(m.change);
      // The agent is not in the summary: a footprint is its change's own whoever acts for it.
      const phantom: Footprint = { change: m.change, agent: "", stream, headSha: "", draft: m.draft, labels: [], files: [], recordedAt: "1970-01-01T00:00:00.000Z" };
      phantoms.add(phantom);
      footprints.push(phantom);
    }
  }
  // Open changes of a stream read by its head that the view does not list: counted, not listed.
  for (const [stream, load] of loaded.summaries) {
    if (load.members || !load.head || stream === null) continue;
    const known = footprints.filter((f) => f.stream === stream && !f.draft).length;
    const n = load.head.open - known;
    if (n > 0) unlisted[stream] = n;
  }
  const base = Object.assign(canonicalLedger({ ...small, footprints }), { [PARTIAL]: true as const });
  const ledger = deepFreeze(Object.keys(unlisted).length > 0 ? Object.assign(base, { [UNLISTED]: Object.freeze(unlisted) }) : base);
  views.add(ledger);
  return ledger;
}

/**
 * Reads `scope` of the ledger (at the ref's head, or at commit `at`): one GraphQL query, plus one
 * more when the index lists other changes on the asked paths (their footprints, at the same commit).
 * `first` = the commit node of a query already made with `viewCommitFields(scope)` (the App reads it
 * together with the config and the pull request).
 */
export async function readLedgerView(rc: RepoClient, ref: string, scope: Scope, at?: string, first?: CommitNode | null): Promise<ViewRead> {
  const commit = first !== undefined ? first : await readCommit(rc, ref, viewCommitFields(scope), at);
  if (commit === null) {
    const loaded: Loaded = { footprints: new Map(), shards: new Map(), summaries: new Map() };
    noLedger(wantedOf(null, scope), loaded);
    return { version: null, tree: null, layout: 2, whole: false, complete: true, small: emptyLedger(), ledger: viewLedger(emptyLedger(), loaded), ...loaded };
  }
  const source = `${ref} at ${commit.oid.slice(0, 7)}`;
  const hint = githubLedgerHint(rc.repo, ref);
  const fetch: BlobFetcher = (node) => blobText(rc, node);
  const small = await ledgerOfCommitNode(commit, source, hint, fetch);
  if (small.layout === 1 || !small.complete) {
    // Read whole: a v1 document holds everything anyway; a tree without summaries cannot answer CAPACITY.
    const whole = small.layout === 1 ? { ledger: deepFreeze(small.ledger), layout: 1 as const, tree: commit.tree?.oid ?? null, complete: false } : await readVersion(rc, ref, commit.oid);
    return { version: commit.oid, tree: whole.tree, layout: whole.layout, whole: true, complete: whole.complete, small: whole.ledger, ledger: whole.ledger, footprints: new Map(), shards: new Map(), summaries: new Map() };
  }
  const loaded: Loaded = { footprints: new Map(), shards: new Map(), summaries: new Map() };
  await absorb(commit, wantedOf(null, scope), loaded, fetch, source, hint);
  const base: ViewRead = { version: commit.oid, tree: commit.tree?.oid ?? null, layout: 2, whole: false, complete: true, small: small.ledger, ledger: small.ledger, ...loaded };
  return fillView(rc, ref, base, scope);
}

/**
 * `r` with what `scope` asks for and `r` lacks, read at `r`'s commit (nothing when it has it all):
 * one query, and one more for the footprints of changes the newly read index shards list.
 */
export async function fillView(rc: RepoClient, ref: string, r: ViewRead, scope: Scope): Promise<ViewRead> {
  if (r.whole) return r;
  const loaded: Loaded = { footprints: new Map(r.footprints), shards: new Map([...r.shards].map(([k, v]) => [k, [...v]])), summaries: new Map([...r.summaries].map(([k, v]) => [k, copyLoad(v)])) };
  let changed = false;
  for (let round = 0; round < 4; round++) {
    const w = wantedOf(loaded, scope, r.small);
    if (isEmpty(w)) break;
    changed = true;
    if (r.version === null) {
      noLedger(w, loaded);
      continue;
    }
    const commit = await readCommit(rc, ref, `__typename oid ... on Commit { ${wantedFields(w)} }`, r.version);
    if (!commit) throw new GitHubError(`GitHub's GraphQL API could not read ${ref} at ${r.version.slice(0, 7)}: no such commit.`, 200, "not-found", "commit not found");
    await absorb(commit, w, loaded, (node) => blobText(rc, node), `${ref} at ${r.version.slice(0, 7)}`, githubLedgerHint(rc.repo, ref));
  }
  if (!changed && r.ledger !== r.small) return r;
  return { ...r, ...loaded, ledger: viewLedger(r.small, loaded) };
}

/** What `w` finds when there is no ledger yet: nothing. */
function noLedger(w: Wanted, loaded: Loaded): void {
  for (const c of w.changes) loaded.footprints.set(c, null);
  for (const p of w.paths) loaded.shards.set(p, []);
  for (const st of [...w.streams, ...w.members]) loaded.summaries.set(st, { oids: new Map(), head: { stream: st, open: 0, drafts: 0, first: [], shards: shardsDigest(new Map()) }, members: [], shards: new Map() });
  for (const x of w.shardFiles) loaded.summaries.get(x.stream)?.shards.set(x.path, []);
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
 * The changes whose footprints are marked `stale` (their reports are out of date), from the ledger's
 * `stale/` entries at the ref's head: one query whatever the number of open PRs. Null when the tree
 * has no stale entries yet (a v1 ledger, or one an older pucs wrote): read the whole ledger instead.
 */
export async function readStaleMarks(rc: RepoClient, ref: string): Promise<{ version: string | null; changes: string[] } | null> {
  const commit = await readCommit(rc, ref, `__typename oid ... on Commit { mark: file(path: "${SUMMARY_MARK}") { object { __typename } } stale: file(path: "stale") { object { ${treeFields(2)} } } }`);
  if (commit === null) return { version: null, changes: [] };
  if ((commit.mark as FileNode | null | undefined)?.object?.__typename !== "Blob") return null;
  const changes: string[] = [];
  for (const dir of ((commit.stale as FileNode | null | undefined)?.object as TreeNode | null | undefined)?.entries ?? []) {
    if (!dir.object || dir.object.__typename !== "Tree") continue; // layout 2's marker (stale/complete), left in a migrated tree
    for (const e of (dir.object as TreeNode).entries ?? []) {
      const id = e.object && e.object.__typename === "Blob" ? ((e.object as BlobNode).text ?? "").trim() : "";
      if (id !== "") changes.push(id);
    }
  }
  return { version: commit.oid, changes };
}

/** The scope a footprint's own report needs: itself, the changes on its files, its stream. */
export const scopeOfFootprint = (f: Footprint): Scope => ({ changes: [f.change], paths: indexedPaths(f.files), streams: [f.stream] });

/**
 * A LedgerStore over a SCOPE of the ledger (the App's hot path): `read` returns the partial view
 * (ViewRead), `write` sends only the difference between the view it read and the transitions'
 * result. A transition that changes a footprint the view did not load whole is refused before
 * anything is written (its index entries were not read); a phantom (from a stream summary) may get
 * only its report fields (`stale`, `comment`) changed, which are applied to its real footprint, read
 * at the same commit. A stream summary the write must rewrite and the view lacks is read first.
 * `transact` and the batch writer use it like any store; `merge` joins the scopes of a batch.
 */
export class ScopedLedgerStore implements LedgerStore {
  readonly #read = new Map<string | null, ViewRead>();
  #initial: ViewRead | null;
  reads = 0;
  writes = 0;

  constructor(
    readonly store: GitHubRefStore,
    readonly scope: Scope,
    initial?: ViewRead,
  ) {
    this.#initial = initial ?? null;
  }

  /** The same scope with every member of `streams` read (not only their heads). */
  withMembers(streams: readonly (string | null)[]): ScopedLedgerStore {
    return new ScopedLedgerStore(this.store, { ...this.scope, members: [...new Set([...(this.scope.members ?? []), ...streams])] });
  }

  /** One store for a batch of updates with these scopes. */
  merge(other: ScopedLedgerStore): ScopedLedgerStore {
    return new ScopedLedgerStore(this.store, unionScope(this.scope, other.scope));
  }

  async read(): Promise<LedgerSnapshot> {
    this.reads++;
    const r = this.#initial ?? (await readLedgerView(this.store.rc, this.store.ref, this.scope));
    this.#initial = null;
    this.#read.clear();
    this.#read.set(r.version, r);
    return { ledger: r.ledger, version: r.version };
  }

  async write(next: Ledger, expected: string | null, message: string): Promise<WriteResult> {
    this.writes++;
    let r = this.#read.get(expected) ?? (await readLedgerView(this.store.rc, this.store.ref, this.scope, expected ?? undefined));
    if (expected === null || r.whole) return this.store.commitChanges(expected === null ? null : { ledger: r.ledger, layout: r.layout, tree: r.tree, complete: r.complete }, next, expected, message);
    const before = r.ledger;
    const was = new Map(before.footprints.map((f) => [f.change, f]));
    // Phantoms whose report fields changed (their stream and draft cannot: a phantom never moves).
    const patched: Footprint[] = [];
    for (const f of next.footprints) {
      const prev = was.get(f.change);
      if (prev === f) continue;
      if (prev && isPhantom(prev)) {
        patched.push(f);
        continue;
      }
      if (!prev && r.footprints.get(f.change) === undefined) {
        throw new LedgerError(`a transition changed the footprint of ${f.change}, outside the scope read (${this.scope.changes.join(", ") || "no change"}): a PUCS bug; nothing was written`, "corrupt");
      }
    }
    const kept = new Set(next.footprints.map((f) => f.change));
    for (const f of before.footprints) {
      if (!kept.has(f.change) && isPhantom(f)) throw new LedgerError(`a transition removed ${f.change}, which this event did not read: a PUCS bug; nothing was written`, "corrupt");
    }
    // Only a change of membership (or of a member's draft) rewrites a summary.
    const moves = membershipMoves(before.footprints, next.footprints);
    // What the write needs and the read did not load: the phantoms' real footprints, the heads and the
    // summary shards it rewrites — every member of a stream whose head cannot be updated alone. The
    // base stays the ledger the transitions ran on: a phantom the fill adds would otherwise look deleted.
    for (let round = 0; round < 3; round++) {
      const need: Scope = { changes: patched.map((f) => f.change).filter((c) => !r.footprints.has(c)), paths: [], streams: [], members: [], summaryShards: [] };
      for (const [stream, list] of moves) {
        const load = r.summaries.get(stream);
        if (load?.members) continue;
        if (!load) (need.streams as (string | null)[]).push(stream);
        else if (!load.head || needsWholeStream(load.head, stream, list)) {
          (need.members as (string | null)[]).push(stream);
          continue;
        }
        for (const m of list) {
          const path = summaryPath(stream, (m.prev ?? m.next)!.change);
          if (!load?.shards.has(path)) (need.summaryShards as { stream: string | null; path: string }[]).push({ stream, path });
        }
      }
      if (need.changes.length + need.streams.length + need.members!.length + need.summaryShards!.length === 0) break;
      r = await fillView(this.store.rc, this.store.ref, r, need);
    }
    let base = before;
    let target = next;
    if (patched.length > 0) {
      // The real footprints replace the phantoms on both sides; only stale and comment carry over.
      const real = new Map(patched.map((f) => [f.change, r.footprints.get(f.change)]));
      const fields = (f: Footprint) => JSON.stringify([f.agent, f.stream, f.draft, f.headSha, f.files.length]);
      target = {
        ...next,
        footprints: next.footprints.map((f) => {
          if (!real.has(f.change)) return f;
          const phantom = was.get(f.change)!;
          const fp = real.get(f.change);
          if (!fp) {
            throw new LedgerError(
              `${this.store.ref} at ${expected.slice(0, 7)}: ${f.change} is in its stream's summary (streams/) but has no footprint: the summary is damaged. ${githubLedgerHint(this.store.rc.repo, this.store.ref)}`,
              "corrupt",
            );
          }
          if (fields(f) !== fields(phantom)) throw new LedgerError(`a transition changed more than the report fields of ${f.change}, which this event did not read whole: a PUCS bug; nothing was written`, "corrupt");
          const { stale: _s, comment: _c, ...rest } = fp;
          return { ...rest, ...(f.stale === true ? { stale: true } : {}), ...(f.comment !== undefined ? { comment: f.comment } : {}) } as Footprint;
        }),
      };
      base = { ...before, footprints: before.footprints.map((f) => (real.get(f.change) ?? f)) };
      views.add(base); // still partial: never remembered as the whole ledger of the new version
    }
    return this.store.commitChanges({ ledger: base, layout: 2, tree: r.tree, loaded: r.summaries }, target, expected, message);
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
