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
