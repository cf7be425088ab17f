/**
 * The GitHub gateway's base (edge module): the client shape every PUCS surface hands in, error
 * mapping, pagination and request counting.
 *
 * - `GitHubClient` is structural: Probot's `context.octokit`, `@actions/github`'s `getOctokit()` and a
 *   bare `@octokit/core` instance all satisfy it (test/github/client.test.ts type-checks the real
 *   objects). Only `request(route, params)` is used: REST by route string, GraphQL as
 *   `request("POST /graphql", { query, variables })`, so one interface covers both.
 * - Every list is paginated (`per_page: 100`, following the `Link: rel="next"` header) with a page cap
 *   given by the caller; nothing lists "everything" without a bound.
 * - Every failure becomes a `GitHubError` naming what was being done, what GitHub answered and what
 *   to fix (404 / 422 / 5xx / 401 / 403 rate limit / 403 permission / unreachable). No raw Octokit
 *   error escapes the gateway.
 * - `countingClient` wraps a client and counts reads and writes separately (DESIGN.md, "The write
 *   budget"): GET and GraphQL queries are reads, everything else (POST/PATCH/PUT/DELETE, GraphQL
 *   mutations) is a write.
 *
 * Limits worth knowing (GitHub's, documented where they bite): a pull request's file list stops at
 * 3,000 files, and a file's `patch` is absent for binary files and very large diffs. The App treats
 * both conservatively: the footprint is marked `truncated`, and a file without a patch touches the
 * whole file (hunks null).
 */

export type Json = Record<string, unknown>;

export interface GitHubResponse {
  status: number;
  data: unknown;
  headers: Record<string, unknown>;
}

/** The part of an Octokit client PUCS uses. */
export interface GitHubClient {
  request(route: string, params?: Record<string, unknown>): Promise<GitHubResponse>;
}

export interface RepoRef {
  owner: string;
  repo: string;
}

export type GitHubErrorKind = "not-found" | "validation" | "conflict" | "server" | "rate-limit" | "forbidden" | "unauthorized" | "unreachable" | "unexpected";

/** A GitHub call that failed, with what to fix in `message`. `apiMessage` is GitHub's own text. */
export class GitHubError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly kind: GitHubErrorKind,
    readonly apiMessage: string,
  ) {
    super(message);
    this.name = "GitHubError";
  }
}

const str = (v: unknown): string => (typeof v === "string" ? v : "");

/** GitHub's 422 details (`errors: [{ message } | { resource, field, code }]`) in one line. */
function validationDetails(data: Json | undefined): string {
  const errors = Array.isArray(data?.errors) ? (data!.errors as unknown[]) : [];
  const parts = errors.map((e) => {
    if (typeof e === "string") return e;
    const o = (e ?? {}) as Json;
    if (typeof o.message === "string") return o.message;
    return [o.resource, o.field, o.code].filter((x) => typeof x === "string").join(" ");
  });
  return parts.filter(Boolean).join("; ");
}

/**
 * Map anything a client threw to a GitHubError.
 * `what` completes "could not …" (e.g. "create the check run on abc1234"); `permission` names the
 * App/token permission the call needs (e.g. "checks: write").
 */
export function toGitHubError(e: unknown, what: string, permission: string, repo: RepoRef): GitHubError {
  if (e instanceof GitHubError) return e;
  const err = (e ?? {}) as { status?: unknown; message?: unknown; response?: { headers?: Record<string, unknown>; data?: unknown } };
  // Octokit reports a request that got no answer at all (connection refused, DNS) as status 500 without a response.
  const status = typeof err.status === "number" && err.response !== undefined ? err.status : null;
  const headers = err.response?.headers ?? {};
  const data = (typeof err.response?.data === "object" && err.response?.data !== null ? err.response.data : undefined) as Json | undefined;
  const apiMessage = str(data?.message) || str(err.message) || String(e);
  const where = `${repo.owner}/${repo.repo}`;
  if ((status === 403 || status === 429) && (String(headers["x-ratelimit-remaining"]) === "0" || /rate limit/i.test(apiMessage))) {
    const reset = Number(headers["x-ratelimit-reset"]);
    const retryAfter = Number(headers["retry-after"]);
    const when =
      Number.isFinite(reset) && reset > 0
        ? ` (resets at ${new Date(reset * 1000).toISOString()})`
        : Number.isFinite(retryAfter) && retryAfter > 0
          ? ` (retry after ${retryAfter} s)`
          : "";
    return new GitHubError(`GitHub's API rate limit is exhausted, so PUCS could not ${what}${when}. It retries on the next event; nothing was lost.`, status, "rate-limit", apiMessage);
  }
  if (status === 401) {
    return new GitHubError(
      `GitHub rejected the credentials (401 ${apiMessage}) when trying to ${what}: check APP_ID and PRIVATE_KEY (or the token) and that the App is installed on ${where}.`,
      status,
      "unauthorized",
      apiMessage,
    );
  }
  if (status === 403) {
    return new GitHubError(
      `GitHub refused to ${what} (403 ${apiMessage}): the App lacks \`${permission}\` on ${where}. Grant it in the App's settings (see app.yml) and accept the new permissions on the installation.`,
      status,
      "forbidden",
      apiMessage,
    );
  }
  if (status === 404) {
    return new GitHubError(
      `GitHub could not find what PUCS needed to ${what} (404 ${apiMessage}) in ${where}: it was deleted, or the App cannot see it (a missing \`${permission}\` permission also answers 404).`,
      status,
      "not-found",
      apiMessage,
    );
  }
  if (status === 409) {
    return new GitHubError(`GitHub reported a conflict when trying to ${what} (409 ${apiMessage}) in ${where}: the repository changed meanwhile (or is empty); the next event retries.`, status, "conflict", apiMessage);
  }
  if (status === 422) {
    const details = validationDetails(data);
    return new GitHubError(
      `GitHub rejected the request to ${what} (422 ${apiMessage}${details ? `: ${details}` : ""}) in ${where}.`,
      status,
      "validation",
      details ? `${apiMessage}: ${details}` : apiMessage,
    );
  }
  if (status === null) {
    return new GitHubError(`Could not reach the GitHub API to ${what}: ${apiMessage}. Check the network and GHE_HOST; the next event retries.`, null, "unreachable", apiMessage);
  }
  if (status >= 500) {
    return new GitHubError(
      `GitHub failed to ${what} (${status} ${apiMessage}): a GitHub-side error; the next event retries (see https://www.githubstatus.com if it persists).`,
      status,
      "server",
      apiMessage,
    );
  }
  return new GitHubError(`GitHub answered ${status} ${apiMessage} when trying to ${what} in ${where}.`, status, "unexpected", apiMessage);
}

/** Whether the response says there is another page. */
export function hasNextPage(headers: Record<string, unknown>): boolean {
  const link = headers.link ?? headers.Link;
  return typeof link === "string" && /rel="next"/.test(link);
}

export interface PageOptions {
  /** Most pages to read (each of `per_page` 100). */
  maxPages: number;
  /** For responses shaped `{ total_count, <key>: [...] }` (check runs, search): the list's key. */
  key?: string;
}

/**
 * Every item of a paginated list, at most `maxPages` pages of 100. `truncated` = more pages existed.
 * Throws GitHubError (via `call`).
 */
export async function paginate<T = Json>(
  call: (params: Json) => Promise<GitHubResponse>,
  params: Json,
  opts: PageOptions,
): Promise<{ items: T[]; truncated: boolean }> {
  const items: T[] = [];
  for (let page = 1; page <= opts.maxPages; page++) {
    const r = await call({ ...params, per_page: 100, page });
    const list = opts.key ? ((r.data as Json | null)?.[opts.key] as unknown) : r.data;
    const got = Array.isArray(list) ? (list as T[]) : [];
    items.push(...got);
    if (got.length < 100 || !hasNextPage(r.headers)) return { items, truncated: false };
  }
  return { items, truncated: true };
}

/** Request counts, split as DESIGN.md §2 asks. */
export interface CallCount {
  reads: number;
  writes: number;
  /** Every request, in order ("GET /repos/{owner}/{repo}/pulls/{pull_number}/files"). */
  log: string[];
}

export function isWrite(route: string, params?: Record<string, unknown>): boolean {
  if (/^POST \/graphql$/.test(route)) return /^\s*mutation\b/.test(str(params?.query));
  return !/^(GET|HEAD) /.test(route);
}

/** Wrap a client so every request through it is counted. */
export function countingClient(client: GitHubClient): { client: GitHubClient; calls: CallCount } {
  const calls: CallCount = { reads: 0, writes: 0, log: [] };
  return {
    calls,
    client: {
      request(route, params) {
        if (isWrite(route, params)) calls.writes++;
        else calls.reads++;
        calls.log.push(route);
        return client.request(route, params);
      },
    },
  };
}

/**
 * After this error the request may or may not have taken effect: GitHub answered 5xx (a 502 or a 504
 * "couldn't respond in time" can come after the write was applied) or did not answer at all.
 */
export function outcomeUnknown(e: unknown): boolean {
  return e instanceof GitHubError && (e.kind === "server" || e.kind === "unreachable");
}

/** The retry wait unit in ms: PUCS_RETRY_BASE_MS (default 1000; anything but a positive number → 1000). */
export function retryBaseMs(env: Record<string, string | undefined> = process.env): number {
  const raw = env.PUCS_RETRY_BASE_MS;
  const n = Number(raw);
  return raw !== undefined && raw.trim() !== "" && Number.isFinite(n) && n > 0 ? n : 1000;
}

/** A client bound to one repository: `call` adds owner/repo and maps errors. */
export class RepoClient {
  constructor(
    readonly client: GitHubClient,
    readonly repo: RepoRef,
  ) {}

  async call(what: string, permission: string, route: string, params: Json = {}): Promise<GitHubResponse> {
    try {
      return await this.client.request(route, { owner: this.repo.owner, repo: this.repo.repo, ...params });
    } catch (e) {
      throw toGitHubError(e, what, permission, this.repo);
    }
  }

  /**
   * A GraphQL request whose field-level errors are the caller's to read (a mutation's fields each
   * succeed or fail: `data` holds null for a failed one, `errors` says why). Transport and HTTP
   * errors throw GitHubErrors; so does an answer with errors and no data at all.
   */
  async graphqlResult(what: string, permission: string, query: string, variables: Json, options: Json = {}): Promise<{ data: Json | null; errors: GraphQLErrorEntry[] }> {
    const { status, data, errors } = await this.#graphqlAnswer<Json>(what, permission, query, variables, options);
    if (data == null && errors.length > 0) throw graphqlError(what, status, errors);
    return { data: data ?? null, errors };
  }

  /** GraphQL through the same client (`POST /graphql`); GraphQL-level errors become GitHubErrors too. */
  async graphql<T = Json>(what: string, permission: string, query: string, variables: Json): Promise<T> {
    const { status, data, errors } = await this.#graphqlAnswer<T>(what, permission, query, variables, {});
    if (errors.length > 0) throw graphqlError(what, status, errors);
    return data as T;
  }

  async #graphqlAnswer<T>(what: string, permission: string, query: string, variables: Json, options: Json): Promise<{ status: number; data: T | null | undefined; errors: GraphQLErrorEntry[] }> {
    let r: GitHubResponse;
    try {
      r = await this.client.request("POST /graphql", { ...options, query, variables });
    } catch (e) {
      throw toGitHubError(e, what, permission, this.repo);
    }
    const body = (r.data ?? {}) as { data?: T | null; errors?: GraphQLErrorEntry[] };
    return { status: r.status, data: body.data, errors: Array.isArray(body.errors) ? body.errors : [] };
  }
}

/** One entry of a GraphQL answer's `errors`. */
export interface GraphQLErrorEntry {
  type?: string;
  message?: string;
  path?: unknown[];
}

/** A GraphQL answer's errors as one GitHubError (its kind from the first error's type). */
function graphqlError(what: string, status: number, errors: readonly GraphQLErrorEntry[]): GitHubError {
  const first = errors[0]!;
  const kind: GitHubErrorKind = first.type === "NOT_FOUND" ? "not-found" : first.type === "FORBIDDEN" ? "forbidden" : first.type === "RATE_LIMITED" ? "rate-limit" : "unexpected";
  const msg = errors.map((e) => e.message ?? "error").join("; ");
  return new GitHubError(`GitHub's GraphQL API could not ${what}: ${msg}.`, status, kind, msg);
}
