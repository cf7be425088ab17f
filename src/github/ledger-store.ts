/**
 * The ledger on GitHub: the same document and format as the CLI's (a commit on `refs/pucs/ledger` whose
 * tree holds one file, `ledger.json`), read and written through the GitHub API with a true
 * compare-and-swap, so two App instances, the App and a CLI pushing with --remote, never both win.
 *
 * Read (1 request): ONE GraphQL query returns the ref's target oid and the blob text (and, for the
 * App's hot path, any other small files in the same round trip: see `readRepoFiles`). A blob too large
 * for GraphQL's `text` is fetched once more by REST (`GET git/blobs/{sha}`).
 *
 * Write (3 requests): `POST git/trees` with the content inlined (no blob request), `POST git/commits`
 * whose ONLY parent is the head that was read (a `Pucs-Nonce:` trailer makes every commit unique, so
 * two writers never produce the same sha), then
 *   - `PATCH git/refs/pucs/ledger` with `force: false`: GitHub refuses anything but a fast-forward
 *     (422 "Update is not a fast forward"), and the new commit fast-forwards only the head it was built
 *     on, so a ref that moved meanwhile is a lost race → `{ ok: false, reason: "conflict" }`;
 *   - `POST git/refs` when the ledger does not exist yet (422 "Reference already exists" = lost race).
 * A ref deleted between read and write ("Reference does not exist") is a lost race too: the retry
 * re-reads and creates it.
 *
 * A ref that exists but does not hold a PUCS ledger, or a ledger.json that does not parse, is a
 * LedgerError (foreign / corrupt) and is never overwritten: read throws, so no transaction writes.
 * The store writes only under `refs/pucs/` (the constructor refuses any other ref).
 */
import { randomBytes } from "node:crypto";
import type { Ledger } from "../engine/types.js";
import { emptyLedger, parseLedger, serializeLedger } from "../ledger/schema.js";
import { LedgerError, type LedgerSnapshot, type LedgerStore, type WriteResult } from "../ledger/store.js";
import { GitHubError, RepoClient, type GitHubClient, type Json, type RepoRef } from "./client.js";
import { Lru, deepFreeze } from "../engine/memo.js";

export const LEDGER_REF = "refs/pucs/ledger";
export const LEDGER_FILE = "ledger.json";

export function githubLedgerHint(repo: RepoRef, ref: string): string {
  return (
    `The ledger was not changed. Inspect it with \`git fetch https://github.com/${repo.owner}/${repo.repo} ${ref} && git show FETCH_HEAD:${LEDGER_FILE}\`; ` +
    `fix it by pushing a corrected ${LEDGER_FILE} to ${ref}, or delete the ref to start a fresh ledger (the App rebuilds footprints on the next push, and \`/pucs sync\` per PR).`
  );
}

interface BlobNode {
  __typename?: string;
  oid?: string;
  text?: string | null;
  isTruncated?: boolean;
  isBinary?: boolean | null;
}

interface RefNode {
  target: { __typename: string; oid: string; file?: { object: BlobNode | null } | null } | null;
}

export interface RepoFilesRead {
  /** The ledger at its version (empty ledger, version null, when the ref does not exist). */
  snapshot: LedgerSnapshot;
  /** Text of each requested `expression` ("main:config/pucs_streams.yaml"), null when absent or not a text blob. */
  files: (string | null)[];
  /** The pull request asked for with `pull`, as GitHub has it now (null when not asked or not found). */
  pull: PullNode | null;
}

export { PULL_FIELDS, type PullNode } from "./pull.js";
import { PULL_FIELDS, type PullNode } from "./pull.js";

const alias = (i: number) => `f${i}`;

/**
 * Ledgers parsed lately, by repository and commit, with the exact text they were parsed from. The App
 * reads the whole ledger on every webhook and it is mostly the version it just wrote or read: a text
 * equal to the remembered one is not parsed and validated again (the schema check is most of the cost
 * of a large ledger). Entries are deep-frozen, since every caller shares them; the transitions never
 * change a ledger in place.
 */
const parsedLedgers = new Lru<string, { text: string; ledger: Ledger }>(32);

function parsedLedgerKey(repo: RepoRef, version: string): string {
  return `${repo.owner}/${repo.repo}@${version}`;
}

function parseLedgerAt(repo: RepoRef, version: string, text: string, source: string, hint: string): Ledger {
  const key = parsedLedgerKey(repo, version);
  const known = parsedLedgers.get(key);
  if (known && known.text === text) return known.ledger;
  const ledger = deepFreeze(parseLedger(text, source, hint));
  parsedLedgers.set(key, { text, ledger });
  return ledger;
}

/**
 * One GraphQL round trip: the ledger ref with its ledger.json, plus the blobs named by `expressions`
 * (`<rev>:<path>`). Throws LedgerError for a foreign/corrupt ledger, GitHubError for API failures.
 */
export async function readRepoFiles(rc: RepoClient, ref: string, expressions: readonly string[], opts: { pull?: number } = {}): Promise<RepoFilesRead> {
  const blobFields = "__typename ... on Blob { oid text isTruncated isBinary }";
  const fileVars = expressions.map((_, i) => `, $${alias(i)}: String!`).join("");
  const fileFields = expressions.map((_, i) => `${alias(i)}: object(expression: $${alias(i)}) { ${blobFields} }`).join("\n    ");
  const pullVar = opts.pull !== undefined ? ", $pull: Int!" : "";
  const pullField = opts.pull !== undefined ? `\n    pull: pullRequest(number: $pull) { ${PULL_FIELDS} }` : "";
  const query = `query($owner: String!, $name: String!, $ref: String!${pullVar}${fileVars}) {
  repository(owner: $owner, name: $name) {
    ledger: ref(qualifiedName: $ref) { target { __typename oid ... on Commit { file(path: "${LEDGER_FILE}") { object { ${blobFields} } } } } }${pullField}
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
  return { snapshot: await snapshotOf(rc, ref, data.repository.ledger), files, pull };
}

async function blobText(rc: RepoClient, node: BlobNode | null | undefined): Promise<string | null> {
  if (!node || node.__typename !== "Blob" || node.isBinary) return null;
  if (!node.isTruncated && typeof node.text === "string") return node.text;
  if (!node.oid) return null;
  const r = await rc.call(`read blob ${node.oid.slice(0, 7)}`, "contents: read", "GET /repos/{owner}/{repo}/git/blobs/{file_sha}", { file_sha: node.oid });
  const d = r.data as Json;
  return d.encoding === "base64" && typeof d.content === "string" ? Buffer.from(d.content, "base64").toString("utf8") : typeof d.content === "string" ? d.content : null;
}

async function snapshotOf(rc: RepoClient, ref: string, node: RefNode | null): Promise<LedgerSnapshot> {
  if (!node || !node.target) return { ledger: emptyLedger(), version: null };
  const t = node.target;
  const source = `${ref} at ${t.oid.slice(0, 7)}`;
  const hint = githubLedgerHint(rc.repo, ref);
  if (t.__typename !== "Commit") {
    throw new LedgerError(`${source}: it points to a ${t.__typename.toLowerCase()}, not a commit, so it is not a PUCS ledger. PUCS will not overwrite it. ${hint}`, "foreign");
  }
  const blob = t.file?.object ?? null;
  if (!blob || blob.__typename !== "Blob") {
    throw new LedgerError(`${source}: its commit has no ${LEDGER_FILE}, so it is not a PUCS ledger. PUCS will not overwrite it. ${hint}`, "foreign");
  }
  const text = await blobText(rc, blob);
  if (text === null) throw new LedgerError(`${source}: ${LEDGER_FILE} is binary, not a PUCS ledger. ${hint}`, "corrupt");
  return { ledger: parseLedgerAt(rc.repo, t.oid, text, source, hint), version: t.oid };
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
    const text = serializeLedger(next);
    // Never write what the next read would reject (and what it accepts is what the next read gets).
    const written = deepFreeze(parseLedger(text, "the ledger about to be written (a PUCS bug; nothing was written)"));
    const short = this.ref.replace(/^refs\//, "");
    const tree = await this.rc.call(`write the ledger tree for ${this.ref}`, "contents: write", "POST /repos/{owner}/{repo}/git/trees", {
      tree: [{ path: LEDGER_FILE, mode: "100644", type: "blob", content: text }],
    });
    const subject = message.trim() === "" ? "update ledger" : message.trim();
    const commit = await this.rc.call(`write the ledger commit for ${this.ref}`, "contents: write", "POST /repos/{owner}/{repo}/git/commits", {
      message: `${subject}\n\nPucs-Nonce: ${this.#nonce()}\n`,
      tree: (tree.data as Json).sha,
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
    parsedLedgers.set(parsedLedgerKey(this.rc.repo, sha), { text, ledger: written });
    return { ok: true, version: sha };
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
