/**
 * The merge gate's GitHub calls (edge module): the open pull requests, the gated PR's files and
 * commits, the commits of a merge-queue group, the stream config at the base branch, and the
 * `PUCS / merge-gate` commit status (read before it is written, so an unchanged verdict is never
 * re-posted).
 *
 * Works with any Octokit-like client exposing `request(route, params)` (the `@actions/github`
 * `getOctokit()` client and Probot's `context.octokit` both do). Every list is paginated by the
 * `Link` header. Failures become a `GateApiError` whose message says which call failed and what to
 * fix (missing token permission, rate limit, not found); no raw Octokit error escapes.
 *
 * API budget per call (reads unless marked):
 *   openPulls        1 per 100 open PRs (no per-PR files: streams come from the list payload)
 *   pullFiles        1 per 100 files of ONE PR, at most 30 (GitHub lists 3,000 files at most)
 *   pullCommits      1 per 100 commits of ONE PR (GitHub lists 250 at most)
 *   groupCommits     1 (compare base...head of a merge-queue group)
 *   gateStatus       1 (combined status of one sha)
 *   setGateStatus    1 write
 *   fileText         1 per path tried
 */

import type { PullRequest } from "../engine/change.js";
import { pullOfRest } from "./pull.js";

export const GATE_CONTEXT = "PUCS / merge-gate";

/** The part of an Octokit client the gate uses. */
export interface RequestClient {
  request(route: string, params?: Record<string, unknown>): Promise<{ status: number; data: unknown; headers: Record<string, unknown> }>;
}

export interface RepoCoords {
  owner: string;
  repo: string;
}

/** The gate's pull request: PUCS's one model (src/engine/change.ts), read by src/github/pull.ts. */
export type PullInfo = PullRequest;

export interface CommitInfo {
  sha: string;
  message: string;
}

export type StatusState = "success" | "failure" | "pending" | "error";

export interface GateStatus {
  state: StatusState;
  description: string;
  targetUrl: string | null;
}

/** A GitHub call that failed, with what to fix in `message`. */
export class GateApiError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = "GateApiError";
  }
}

type Json = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === "string" ? v : "");

/** One pull request object of the REST API (list, get, or webhook payload) as the model. */
export const pullInfoOf = pullOfRest;

function nextLink(headers: Record<string, unknown>): boolean {
  const link = headers.link ?? headers.Link;
  return typeof link === "string" && /rel="next"/.test(link);
}

/** Request counts, split as DESIGN.md §2 asks: reads (GET) and writes (everything else). */
export interface CallCount {
  reads: number;
  writes: number;
}

/** Wrap a client so every request through it is counted (the gateway and the ledger store share one). */
export function countingClient(client: RequestClient): { client: RequestClient; calls: CallCount } {
  const calls: CallCount = { reads: 0, writes: 0 };
  return {
    calls,
    client: {
      request(route, params) {
        // A GraphQL query reads (the gate sends no mutations).
        if (/^GET /.test(route) || route === "POST /graphql") calls.reads++;
        else calls.writes++;
        return client.request(route, params);
      },
    },
  };
}

/** What `pullWorld` read (see there). */
export interface PullWorld {
  ledger: Json | null;
  /** How many pull requests are open on GitHub (to check that the ledger knows them all). */
  openPulls: number | null;
  /** The ledger files asked for by path (null: absent, or too large for GraphQL). */
  ledgerFiles: Map<string, string | null>;
  /** Config path → text; null = no such file at the base; undefined = too large or binary for GraphQL (read it over REST). */
  configs: Map<string, string | null | undefined>;
  files: { path: string; previousPath?: string }[] | null;
  commits: CommitInfo[] | null;
  /** The gate status of the head / the previous head; undefined = not asked. */
  headStatus: GateStatus | null | undefined;
  beforeStatus: GateStatus | null | undefined;
}

/** A PR as `pullHeads` read it. */
export interface PullHead {
  number: number;
  title: string;
  url: string;
  open: boolean;
  draft: boolean;
  headSha: string;
  status: GateStatus | null;
  /** The text of the ledger file asked for it (its footprint), null when absent or not asked. */
  footprint: string | null;
}

const STATUS_FIELDS = `... on Commit { status { context(name: ${JSON.stringify(GATE_CONTEXT)}) { state description targetUrl } } }`;

/** A commit node's `PUCS / merge-gate` status (GraphQL's enum states in REST's lower case). */
function statusOfNode(node: unknown): GateStatus | null {
  const c = ((node as { status?: { context?: { state?: string; description?: string | null; targetUrl?: string | null } | null } | null } | null)?.status?.context ?? null);
  if (!c || typeof c.state !== "string") return null;
  return { state: c.state.toLowerCase() as StatusState, description: c.description ?? "", targetUrl: c.targetUrl ?? null };
}

export class GateGateway {
  constructor(
    private readonly client: RequestClient,
    readonly repo: RepoCoords,
  ) {}

  private async call(what: string, permission: string, route: string, params: Json = {}): Promise<{ status: number; data: unknown; headers: Record<string, unknown> }> {
    try {
      return await this.client.request(route, { owner: this.repo.owner, repo: this.repo.repo, ...params });
    } catch (e) {
      throw apiError(e, what, permission, `${this.repo.owner}/${this.repo.repo}`);
    }
  }

  /** Every open pull request (1 request per 100). */
  async openPulls(): Promise<PullInfo[]> {
    const out: PullInfo[] = [];
    for (let page = 1; ; page++) {
      const r = await this.call("list the open pull requests", "pull-requests: read", "GET /repos/{owner}/{repo}/pulls", {
        state: "open",
        per_page: 100,
        page,
      });
      const items = Array.isArray(r.data) ? (r.data as Json[]) : [];
      out.push(...items.map(pullInfoOf));
      if (items.length < 100 || !nextLink(r.headers)) return out;
    }
  }

  async pull(number: number): Promise<PullInfo> {
    const r = await this.call(`read pull request #${number}`, "pull-requests: read", "GET /repos/{owner}/{repo}/pulls/{pull_number}", { pull_number: number });
    return pullInfoOf(r.data as Json);
  }

  /** The PR's changed paths (renames also give their previous path). GitHub stops at 3,000 files:
   *  `truncated` is then true and the gate treats the list as incomplete, not as the whole change. */
  async pullFiles(number: number): Promise<{ files: { path: string; previousPath?: string }[]; truncated: boolean }> {
    const files: { path: string; previousPath?: string }[] = [];
    for (let page = 1; page <= 30; page++) {
      const r = await this.call(`list the files of pull request #${number}`, "pull-requests: read", "GET /repos/{owner}/{repo}/pulls/{pull_number}/files", {
        pull_number: number,
        per_page: 100,
        page,
      });
      const items = Array.isArray(r.data) ? (r.data as Json[]) : [];
      for (const f of items) {
        const entry: { path: string; previousPath?: string } = { path: str(f.filename) };
        if (typeof f.previous_filename === "string") entry.previousPath = f.previous_filename;
        files.push(entry);
      }
      if (items.length < 100 || !nextLink(r.headers)) break;
    }
    // GitHub lists at most 3,000 files of a PR; at that count the list may be cut short.
    return { files, truncated: files.length >= 3000 };
  }

  async pullCommits(number: number): Promise<CommitInfo[]> {
    const out: CommitInfo[] = [];
    for (let page = 1; page <= 3; page++) {
      const r = await this.call(`list the commits of pull request #${number}`, "pull-requests: read", "GET /repos/{owner}/{repo}/pulls/{pull_number}/commits", {
        pull_number: number,
        per_page: 100,
        page,
      });
      const items = Array.isArray(r.data) ? (r.data as Json[]) : [];
      for (const c of items) out.push({ sha: str(c.sha), message: str(((c.commit ?? {}) as Json).message) });
      if (items.length < 100 || !nextLink(r.headers)) break;
    }
    return out;
  }

  /** Messages of the commits a merge-queue group adds on top of its base (one compare call). */
  async groupCommits(baseSha: string, headSha: string): Promise<CommitInfo[]> {
    const r = await this.call("compare the merge group with its base", "contents: read", "GET /repos/{owner}/{repo}/compare/{basehead}", {
      basehead: `${baseSha}...${headSha}`,
      per_page: 100,
    });
    const commits = Array.isArray((r.data as Json).commits) ? ((r.data as Json).commits as Json[]) : [];
    return commits.map((c) => ({ sha: str(c.sha), message: str(((c.commit ?? {}) as Json).message) }));
  }

  /** The current `PUCS / merge-gate` status of a commit, or null when none was posted. */
  async gateStatus(sha: string): Promise<GateStatus | null> {
    const r = await this.call(`read the commit statuses of ${sha.slice(0, 7)}`, "statuses: read", "GET /repos/{owner}/{repo}/commits/{ref}/status", {
      ref: sha,
      per_page: 100,
    });
    const statuses = Array.isArray((r.data as Json).statuses) ? ((r.data as Json).statuses as Json[]) : [];
    const s = statuses.find((x) => x.context === GATE_CONTEXT);
    if (!s) return null;
    return { state: str(s.state) as StatusState, description: str(s.description), targetUrl: typeof s.target_url === "string" ? s.target_url : null };
  }

  async setGateStatus(sha: string, status: GateStatus): Promise<void> {
    const body: Json = { sha, state: status.state, context: GATE_CONTEXT, description: status.description };
    if (status.targetUrl) body.target_url = status.targetUrl;
    await this.call(`set the ${GATE_CONTEXT} status on ${sha.slice(0, 7)}`, "statuses: write", "POST /repos/{owner}/{repo}/statuses/{sha}", body);
  }

  /** The commit refs/pucs/ledger points at, or null when the repository has no ledger. */
  async ledgerHead(): Promise<string | null> {
    try {
      const r = await this.call("read refs/pucs/ledger", "contents: read", "GET /repos/{owner}/{repo}/git/ref/{ref}", { ref: "pucs/ledger" });
      const obj = ((r.data as Json).object ?? {}) as Json;
      return str(obj.sha) || null;
    } catch (e) {
      if (e instanceof GateApiError && e.status === 404) return null;
      throw e;
    }
  }

  /**
   * The ledger commit `oid` as GraphQL has it with `LEDGER_COMMIT_FIELDS` (the v2 tree's meta.json,
   * small collections and footprints, or a v1 ledger.json): 1 read.
   */
  async ledgerCommit(oid: string, fields: string): Promise<Json | null> {
    const query = `query($owner: String!, $name: String!, $oid: GitObjectID!) { repository(owner: $owner, name: $name) { at: object(oid: $oid) { ${fields} } } }`;
    const r = await this.call("read refs/pucs/ledger", "contents: read", "POST /graphql", { query, variables: { owner: this.repo.owner, name: this.repo.repo, oid } });
    const body = r.data as Json;
    const errors = Array.isArray(body.errors) ? (body.errors as { message?: unknown }[]) : [];
    if (errors.length > 0) {
      throw new GateApiError(`GitHub's GraphQL API refused to read the ledger commit ${oid.slice(0, 7)}: ${errors.map((e) => String(e.message ?? e)).join("; ")}`, null);
    }
    const data = body.data as { repository?: { at?: Json | null } | null } | undefined;
    return data?.repository?.at ?? null;
  }

  /** One GraphQL query; its `errors` become a GateApiError unless `partial` accepts the data beside them. */
  private async graphql(what: string, query: string, variables: Json, partial = false): Promise<Json> {
    const r = await this.call(what, "contents: read", "POST /graphql", { query, variables: { owner: this.repo.owner, name: this.repo.repo, ...variables } });
    const body = r.data as Json;
    const errors = Array.isArray(body.errors) ? (body.errors as { message?: unknown; type?: unknown }[]) : [];
    const data = ((body.data as Json | null | undefined)?.repository ?? null) as Json | null;
    if (errors.length > 0 && !(partial && data && errors.every((e) => e.type === "NOT_FOUND"))) {
      throw new GateApiError(`GitHub's GraphQL API refused to ${what}: ${errors.map((e) => String(e.message ?? e)).join("; ")}`, null);
    }
    if (!data) throw new GateApiError(`GitHub's GraphQL API could not ${what}: repository ${this.repo.owner}/${this.repo.repo} not found (or the token cannot see it).`, null);
    return data;
  }

  /**
   * Everything a pull_request event needs besides the other PRs, in ONE query (1 read): the ledger
   * commit with `ledgerFields`, the stream config candidates at the base branch, the PR's files and
   * commits (first 100 each; `null` when there are more or a file was renamed, whose previous path
   * GraphQL does not give: the caller lists them over REST), and the gate status of its head and of
   * the head before a push, the ledger files `ledgerPaths` (footprints) at the same commit, and how
   * many PRs are open.
   */
  async pullWorld(q: { ledgerOid: string; ledgerFields: string; baseRef: string; configPaths: readonly string[]; pull: number | null; head: string | null; before: string | null; ledgerPaths?: readonly string[] }): Promise<PullWorld> {
    const vars: Json = { oid: q.ledgerOid };
    const decl = ["$owner: String!", "$name: String!", "$oid: GitObjectID!"];
    const fields = [`ledger: object(oid: $oid) { ${q.ledgerFields} }`, "open: pullRequests(states: OPEN) { totalCount }"];
    const ledgerPaths = q.ledgerPaths ?? [];
    ledgerPaths.forEach((path, i) => {
      vars[`l${i}`] = `${q.ledgerOid}:${path}`;
      decl.push(`$l${i}: String!`);
      fields.push(`l${i}: object(expression: $l${i}) { __typename ... on Blob { text isTruncated isBinary } }`);
    });
    q.configPaths.forEach((path, i) => {
      vars[`c${i}`] = `${q.baseRef}:${path}`;
      decl.push(`$c${i}: String!`);
      fields.push(`c${i}: object(expression: $c${i}) { __typename ... on Blob { text isTruncated isBinary } }`);
    });
    if (q.pull !== null) {
      vars.pull = q.pull;
      decl.push("$pull: Int!");
      fields.push(`pull: pullRequest(number: $pull) { files(first: 100) { totalCount nodes { path changeType } } commits(first: 100) { totalCount nodes { commit { oid message } } } }`);
    }
    for (const [alias, oid] of [["head", q.head], ["before", q.before]] as const) {
      if (oid === null) continue;
      vars[alias] = oid;
      decl.push(`$${alias}: GitObjectID!`);
      fields.push(`${alias}: object(oid: $${alias}) { ${STATUS_FIELDS} }`);
    }
    const query = `query(${decl.join(", ")}) { repository(owner: $owner, name: $name) { ${fields.join(" ")} } }`;
    const d = await this.graphql(q.pull !== null ? `read pull request #${q.pull}, the stream config and the ledger` : "read the stream config and the ledger", query, vars, true);
    const configs = new Map<string, string | null | undefined>();
    q.configPaths.forEach((path, i) => {
      const b = d[`c${i}`] as { __typename?: string; text?: string | null; isTruncated?: boolean; isBinary?: boolean } | null;
      configs.set(path, !b || b.__typename !== "Blob" ? null : b.isTruncated || b.isBinary || typeof b.text !== "string" ? undefined : b.text);
    });
    let files: PullWorld["files"] = null;
    let commits: PullWorld["commits"] = null;
    if (q.pull !== null) {
      const pr = d.pull as { files?: { totalCount: number; nodes: { path: string; changeType: string }[] } | null; commits?: { totalCount: number; nodes: { commit: { oid: string; message: string } }[] } } | null;
      if (!pr) throw new GateApiError(`GitHub has no pull request #${q.pull} in ${this.repo.owner}/${this.repo.repo}.`, 404);
      const f = pr.files;
      if (f && f.nodes.length === f.totalCount && !f.nodes.some((n) => n.changeType === "RENAMED" || n.changeType === "COPIED")) files = f.nodes.map((n) => ({ path: n.path }));
      const c = pr.commits;
      if (c && c.nodes.length === c.totalCount) commits = c.nodes.map((n) => ({ sha: n.commit.oid, message: n.commit.message }));
    }
    const ledgerFiles = new Map<string, string | null>();
    ledgerPaths.forEach((path, i) => {
      const b = d[`l${i}`] as { __typename?: string; text?: string | null; isTruncated?: boolean } | null;
      ledgerFiles.set(path, b && b.__typename === "Blob" && !b.isTruncated && typeof b.text === "string" ? b.text : null);
    });
    const open = (d.open as { totalCount?: unknown } | null)?.totalCount;
    return {
      ledger: (d.ledger as Json | null) ?? null,
      openPulls: typeof open === "number" ? open : null,
      ledgerFiles,
      configs,
      files,
      commits,
      headStatus: q.head === null ? undefined : statusOfNode(d.head),
      beforeStatus: q.before === null ? undefined : statusOfNode(d.before),
    };
  }

  /**
   * The head commit, state and gate status of each PR in `numbers`, with the ledger files
   * `paths` at `ledgerOid` (their footprints, when the caller needs their files): 1 read per 100 PRs.
   */
  async pullHeads(numbers: readonly number[], ledgerOid: string | null = null, paths: ReadonlyMap<number, string> = new Map()): Promise<Map<number, PullHead>> {
    const out = new Map<number, PullHead>();
    for (let i = 0; i < numbers.length; i += 100) {
      const chunk = numbers.slice(i, i + 100);
      const fields = chunk.map(
        (n) =>
          `p${n}: pullRequest(number: ${n}) { number title url state isDraft headRefOid commits(last: 1) { nodes { commit { oid ${STATUS_FIELDS} } } } }` +
          (ledgerOid !== null && paths.has(n) ? ` f${n}: object(expression: ${JSON.stringify(`${ledgerOid}:${paths.get(n)!}`)}) { ... on Blob { text } }` : ""),
      );
      const d = await this.graphql(`read the heads and gate statuses of ${chunk.length} pull request${chunk.length === 1 ? "" : "s"}`, `query($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { ${fields.join(" ")} } }`, {}, true);
      for (const n of chunk) {
        const p = d[`p${n}`] as { title: string; url: string; state: string; isDraft: boolean; headRefOid: string; commits: { nodes: { commit: Json & { oid: string } }[] } } | null;
        if (!p) continue;
        const last = p.commits.nodes[0]?.commit;
        const footprint = ((d[`f${n}`] as { text?: string | null } | null)?.text ?? null) as string | null;
        out.set(n, { number: n, title: p.title, url: p.url, open: p.state === "OPEN", draft: p.isDraft, headSha: p.headRefOid, status: last && last.oid === p.headRefOid ? statusOfNode(last) : null, footprint });
      }
    }
    return out;
  }

  /** A blob's text by sha (a ledger file GraphQL cut short): 1 read. */
  async blobText(sha: string): Promise<string | null> {
    const r = await this.call(`read blob ${sha.slice(0, 7)}`, "contents: read", "GET /repos/{owner}/{repo}/git/blobs/{file_sha}", { file_sha: sha });
    const d = r.data as Json;
    return d.encoding === "base64" && typeof d.content === "string" ? Buffer.from(d.content, "base64").toString("utf8") : typeof d.content === "string" ? d.content : null;
  }

  /** A text file at `ref`, or null when it does not exist there. */
  async fileText(path: string, ref: string): Promise<string | null> {
    try {
      const r = await this.call(`read ${path} at ${ref}`, "contents: read", "GET /repos/{owner}/{repo}/contents/{path}", { path, ref });
      const d = r.data as Json;
      if (typeof r.data === "string") return r.data;
      if (d.type !== "file") throw new GateApiError(`${path} at ${ref} is a ${str(d.type) || "non-file"}, not a file: point the \`config\` input at the YAML file`, null);
      if (d.encoding === "base64" && typeof d.content === "string") return Buffer.from(d.content, "base64").toString("utf8");
      if (d.encoding === "none") {
        throw new GateApiError(`${path} at ${ref} is larger than 1 MB, too large for the contents API: keep the stream config smaller`, null);
      }
      return str(d.content);
    } catch (e) {
      if (e instanceof GateApiError && e.status === 404) return null;
      throw e;
    }
  }
}

/** Map an Octokit error to what the user should do about it. */
export function apiError(e: unknown, what: string, permission: string, repo: string): GateApiError {
  if (e instanceof GateApiError) return e;
  const err = e as { status?: unknown; message?: unknown; response?: { headers?: Record<string, unknown>; data?: unknown } };
  // Octokit reports a request that got no answer at all (connection refused, DNS) as status 500 with no response.
  const status = typeof err.status === "number" && err.response !== undefined ? err.status : null;
  const headers = err.response?.headers ?? {};
  const data = err.response?.data as Json | undefined;
  const apiMessage = typeof data?.message === "string" ? data.message : typeof err.message === "string" ? err.message : String(e);
  const remaining = headers["x-ratelimit-remaining"];
  if ((status === 403 || status === 429) && (String(remaining) === "0" || /rate limit/i.test(apiMessage))) {
    const reset = Number(headers["x-ratelimit-reset"]);
    const when = Number.isFinite(reset) && reset > 0 ? ` (resets at ${new Date(reset * 1000).toISOString()})` : "";
    return new GateApiError(`GitHub's API rate limit is exhausted, so the gate could not ${what}${when}: re-run the job after the reset.`, status);
  }
  if (status === 401) {
    return new GateApiError(`GitHub rejected the token (401 ${apiMessage}) when trying to ${what}: pass a valid token in the \`token\` input (default: \${{ github.token }}).`, status);
  }
  if (status === 403) {
    return new GateApiError(
      `GitHub refused to ${what} (403 ${apiMessage}): the token lacks \`${permission}\` on ${repo}. Add \`permissions: { ${permission} }\` to the workflow job (the gate needs contents: read, pull-requests: read, statuses: write); on pull requests from forks the GITHUB_TOKEN is read-only, so use \`mode: check\` there.`,
      status,
    );
  }
  if (status === 404) {
    return new GateApiError(`GitHub could not find what the gate needed to ${what} (404 ${apiMessage}) in ${repo}: check that the repository exists and the token can read it.`, status);
  }
  if (status === null) {
    return new GateApiError(`Could not reach the GitHub API to ${what}: ${apiMessage}. Check GITHUB_API_URL and the network, then re-run the job.`, null);
  }
  return new GateApiError(`GitHub failed to ${what} (${status} ${apiMessage}): re-run the job; if it keeps failing, see https://www.githubstatus.com.`, status);
}
