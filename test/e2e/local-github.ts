/**
 * A local GitHub for end-to-end, contention and fault tests: a stateful model of the parts of
 * GitHub's REST API that PUCS uses, served on 127.0.0.1 through FakeGitHub (test/support), with each
 * repository's git data in a real bare repository on disk.
 *
 *   const gh = await LocalGitHub.start({ app: { id: 1, slug: "pucs", publicKey } });
 *   const repo = await gh.createRepo("octo/app", { files: { "config/pucs_streams.yaml": yaml } });
 *   const pr = await repo.createPull({ author: "alice", files: { "src/a.ts": "x\n" } });
 *   // Probot: GHE_HOST=gh.host GHE_PROTOCOL=http   Action: GITHUB_API_URL=gh.url
 *   // CLI: git push/fetch repo.gitDir (the same ledger ref the REST git-data endpoints swap)
 *   expect(gh.problems()).toEqual([]);
 *
 * Rules:
 * - Both prefixes are served: `/api/v3/...` (GitHub Enterprise style, as Probot uses with GHE_HOST)
 *   and `/...` (GITHUB_API_URL style). GraphQL (`POST /graphql`, `/api/graphql`, test/e2e/graphql.ts)
 *   answers queries over repository → ref / object → Commit / Tree / Blob / TreeEntry, pullRequest,
 *   labels and node(id), and the mutations addComment, updateIssueComment, addLabelsToLabelable and
 *   removeLabelsFromLabelable on the same comments and labels REST reads and writes (through the same
 *   LocalRepo methods: the comment is the token's actor's, `viaApp` for a bot, bodies over 65,536
 *   characters refused). Node ids are one string in REST's `node_id` and GraphQL's `id`
 *   (graphql.ts's `nodeId`; a PR's names its repository) and resolve across all repositories. A
 *   mutation request is a "write" whose log entry lists `mutations` (field, repository, PR number,
 *   in order). Anything else answers a GraphQL error and is logged as "not-modelled" (or
 *   "invalid-body" for inputs GitHub refuses too). Checked against the modelled slice only, not
 *   GitHub's whole schema.
 * - Every request is checked against GitHub's OpenAPI description (test/e2e/openapi.ts): a method +
 *   path GitHub does not have → 404, problem "not-in-github-api"; a JSON body that does not validate
 *   against the operation's schema → 422 "Invalid request.\n\n<errors>", problem "invalid-body"; an
 *   operation GitHub has but this model does not → 404, problem "not-modelled". `problems()` lists
 *   them, so a test can assert that the app never strayed.
 * - Git refs are swapped with `git update-ref <ref> <new> <old>` (atomic): PATCH with force:false
 *   succeeds only when the new commit descends from the ref's value at the moment of the swap, else
 *   422 "Update is not a fast forward"; POST git/refs on an existing ref → 422 "Reference already
 *   exists". CLI pushes to `gitDir` go through the same ref lock, so REST and git writers share one CAS.
 * - Authentication: installation tokens come from POST /app/installations/{id}/access_tokens with an
 *   app JWT (RS256, verified against `app.publicKey` when given). With `requireToken`, every other
 *   request must carry a token issued here or added with `addToken` (else 401 "Bad credentials").
 *   Objects created with an installation token are authored by `<slug>[bot]`.
 * - Faults (`faults()`): a seeded fraction of the modelled requests answers 502, a 403 or 429
 *   secondary rate limit with `retry-after: 1`, or hangs (`timeout`: the request IS applied, then the
 *   answer is held for `hangMs` and is a 504; the client does not learn the outcome). GraphQL requests
 *   too (mutations count as writes for `only`, and `match` sees the path "/graphql").
 * - Registering an App from a manifest (https://docs.github.com/apps/sharing-github-apps/registering-a-github-app-from-a-manifest):
 *   the web form `POST /settings/apps/new` (or `/organizations/{org}/settings/apps/new`) with a
 *   `manifest` field checks the manifest and redirects to its `redirect_url` with a one-time `code`;
 *   `POST /app-manifests/{code}/conversions` (no authentication: the code is the credential) then
 *   answers the new App with `pem`, `webhook_secret`, `client_id` and `client_secret`, and that App
 *   (a fresh RSA key) becomes the local GitHub's App. `GET /apps/{slug}/installations/new` is the
 *   installation page. `registrations` lists what was registered.
 */
import { createPublicKey, createVerify, generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeGitHub, type FakeRequest, type FakeResponse } from "../support/fake-github.js";
import { BareRepo, ZERO, type CommitData, type FileChange, type Person } from "./bare-repo.js";
import { GraphQLError, execute, nodeId, type GraphQLComment, type GraphQLHost } from "./graphql.js";
import { findOperation, validate, type Operation } from "./openapi.js";

/** An App registered from a manifest: the manifest as posted, the account, and the conversion's answer. */
export interface Registration {
  manifest: Record<string, unknown>;
  /** The organization of `/organizations/{org}/settings/apps/new`, else null (the user's account). */
  org: string | null;
  code: string;
  /** The conversion's answer (null until the code was exchanged). */
  app: Record<string, unknown> | null;
}

export type Permission = "admin" | "maintain" | "write" | "triage" | "read" | "none";
export type FaultKind = "502" | "secondary-rate-limit" | "429" | "timeout";

export interface FaultOptions {
  /** Fraction of eligible requests that fail, 0..1. */
  rate: number;
  kinds: FaultKind[];
  /** PRNG seed (default 1): the same seed and request sequence give the same faults. */
  seed?: number;
  /** Only reads (GET) or only writes; default both. Token requests are eligible too. */
  only?: "reads" | "writes";
  /** Only requests whose path (without /api/v3) matches. */
  match?: RegExp;
  /** Stop after this many faults. */
  limit?: number;
}

/** Why a request was refused; "server-error" = a bug in this model (answered 500). */
export type Problem = "not-in-github-api" | "not-modelled" | "invalid-body" | "bad-credentials" | "server-error";

export interface LogEntry {
  method: string;
  /** Path without the /api/v3 prefix and query. */
  path: string;
  query: Record<string, string>;
  body: unknown;
  /** "GET /repos/{owner}/{repo}/pulls" */
  template?: string;
  operationId?: string;
  /** "token" = installation-token creation (neither a read nor a content write). */
  kind: "read" | "write" | "token";
  status: number;
  problem?: Problem;
  /** The error message answered, for problems. */
  message?: string;
  /** Bytes of the request and response bodies (JSON as sent), both ways. */
  bytes?: number;
  fault?: FaultKind;
  /** The login the request was made as. */
  actor?: string;
  /** When the request arrived (epoch ms). */
  at?: number;
  /**
   * A GraphQL mutation's fields as they ran, in order: the schema field ("addComment"), and the
   * repository ("owner/name") and PR number it changed, both null when that field failed. Absent when
   * nothing ran (a query, a refused document, a 502 or rate-limit fault; a "timeout" fault runs it).
   */
  mutations?: { field: string; repo: string | null; issue: number | null }[];
}

export interface LocalGitHubOptions {
  app?: { id: number; slug: string; name?: string; publicKey?: string };
  requireToken?: boolean;
  /** How long a "timeout" fault holds the answer (default 1,500 ms, at most 30 s). */
  hangMs?: number;
  /** The clock for timestamps (default Date.now). */
  now?: () => number;
}

export interface User {
  login: string;
  id: number;
  node_id: string;
  type: "User" | "Bot";
  site_admin: false;
  avatar_url: string;
  url: string;
  html_url: string;
}

export interface PullState {
  number: number;
  title: string;
  body: string | null;
  author: string;
  headRef: string;
  headSha: string;
  baseRef: string;
  baseSha: string;
  draft: boolean;
  state: "open" | "closed";
  merged: boolean;
  mergeCommitSha: string | null;
  labels: string[];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
}

export interface CommentState {
  id: number;
  issue: number;
  body: string;
  user: string;
  viaApp: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface ReactionState {
  id: number;
  commentId: number;
  content: string;
  user: string;
  createdAt: string;
}

export interface LabelState {
  id: number;
  name: string;
  color: string;
  description: string | null;
  default: boolean;
}

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: string;
  message: string;
  title?: string;
  raw_details?: string;
}

export interface CheckRunState {
  id: number;
  name: string;
  headSha: string;
  status: string;
  conclusion: string | null;
  startedAt: string | null;
  completedAt: string | null;
  detailsUrl: string | null;
  externalId: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  annotations: Annotation[];
  app: string;
}

export interface StatusState {
  id: number;
  sha: string;
  state: string;
  description: string | null;
  context: string;
  targetUrl: string | null;
  creator: string;
  createdAt: string;
}

interface Ctx {
  gh: LocalGitHub;
  op: Operation;
  repo: LocalRepo | null;
  params: Record<string, string>;
  query: Record<string, string>;
  body: any;
  actor: User;
  /** Base URL of the request's API prefix, e.g. "http://127.0.0.1:1234/api/v3". */
  base: string;
  headers: Record<string, string | string[] | undefined>;
}

type Handler = (ctx: Ctx) => Promise<FakeResponse> | FakeResponse;

const DOCS = "https://docs.github.com/rest";
const PERMISSION_LEGACY: Record<Permission, string> = { admin: "admin", maintain: "write", write: "write", triage: "read", read: "read", none: "none" };
const PERMISSION_RANK: Permission[] = ["none", "read", "triage", "write", "maintain", "admin"];
const REACTIONS = ["+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes"];

/** A GitHub error answer. */
export function ghError(status: number, message: string, extra: Record<string, unknown> = {}, docs = DOCS): FakeResponse {
  return { status, body: { message, documentation_url: docs, status: String(status), ...extra } };
}
const notFound = (docs = DOCS) => ghError(404, "Not Found", {}, docs);
const validationFailed = (errors: Record<string, unknown>[], docs = DOCS) => ghError(422, "Validation Failed", { errors }, docs);

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function base64url(s: string): Buffer {
  return Buffer.from(s.replace(/-/g, "+").replace(/_/g, "/"), "base64");
}

/** GitHub wraps base64 content at 60 characters per line. */
function wrap64(b: Buffer): string {
  const s = b.toString("base64");
  return (s.match(/.{1,60}/g) ?? [""]).join("\n") + (s.length ? "\n" : "");
}

export class LocalGitHub {
  readonly url: string;
  /** `http://127.0.0.1:PORT/api/v3` (Octokit baseUrl for GitHub Enterprise style clients). */
  readonly gheUrl: string;
  /** `127.0.0.1:PORT` for GHE_HOST (with GHE_PROTOCOL=http). */
  readonly host: string;
  readonly log: LogEntry[] = [];
  readonly repos = new Map<string, LocalRepo>();
  readonly root: string;
  readonly app: { id: number; slug: string; name: string; publicKey?: string };
  readonly options: LocalGitHubOptions;
  readonly now: () => number;
  /** token → login. */
  readonly tokens = new Map<string, string>();
  #users = new Map<string, User>();
  #ids = { comment: 1_000_000, reaction: 2_000_000, label: 3_000_000, check: 4_000_000, status: 5_000_000, repo: 6_000, user: 100 };
  #faults: (FaultOptions & { random: () => number; count: number }) | null = null;
  /** Manifest registrations, newest last; codes are one-time. */
  readonly registrations: Registration[] = [];
  #handlers: Record<string, Handler>;

  private constructor(
    readonly server: FakeGitHub,
    options: LocalGitHubOptions,
  ) {
    this.options = options;
    this.url = server.url;
    this.gheUrl = `${server.url}/api/v3`;
    this.host = server.url.replace(/^http:\/\//, "");
    this.root = mkdtempSync(join(tmpdir(), "pucs-local-github-"));
    this.app = { id: options.app?.id ?? 1, slug: options.app?.slug ?? "pucs", name: options.app?.name ?? "PUCS", ...(options.app?.publicKey ? { publicKey: options.app.publicKey } : {}) };
    this.now = options.now ?? Date.now;
    this.#handlers = handlers();
  }

  static async start(options: LocalGitHubOptions = {}): Promise<LocalGitHub> {
    const server = await FakeGitHub.start();
    const gh = new LocalGitHub(server, options);
    for (const method of ["GET", "POST", "PATCH", "PUT", "DELETE"]) server.route(method, "/*rest", (req) => gh.#handle(req));
    return gh;
  }

  async stop(): Promise<void> {
    await this.server.stop();
    rmSync(this.root, { recursive: true, force: true });
  }

  // ---- state helpers for tests ---------------------------------------------------------------

  /** A repository with an initial commit of `files` on its default branch. */
  async createRepo(fullName: string, opts: { defaultBranch?: string; files?: Record<string, string>; installationId?: number; private?: boolean } = {}): Promise<LocalRepo> {
    if (this.repos.has(fullName.toLowerCase())) throw new Error(`repository ${fullName} already exists`);
    const [owner, name] = fullName.split("/");
    if (!owner || !name) throw new Error(`repository name must be "owner/name", got ${JSON.stringify(fullName)}`);
    const git = new BareRepo(join(this.root, `${owner}+${name}.git`));
    const repo = new LocalRepo(this, owner, name, ++this.#ids.repo, git, opts.defaultBranch ?? "main", opts.installationId ?? 1, opts.private ?? false);
    await git.init(repo.defaultBranch);
    await repo.commit(repo.defaultBranch, opts.files ?? { "README.md": `# ${name}\n` }, "Initial commit");
    this.repos.set(fullName.toLowerCase(), repo);
    return repo;
  }

  repo(fullName: string): LocalRepo {
    const r = this.repos.get(fullName.toLowerCase());
    if (!r) throw new Error(`no repository ${fullName} in the local GitHub (create it with createRepo)`);
    return r;
  }

  /** A user (or bot, when the login ends in "[bot]") with a stable id. */
  user(login: string): User {
    let u = this.#users.get(login);
    if (!u) {
      const id = ++this.#ids.user;
      u = {
        login,
        id,
        node_id: Buffer.from(`04:User${id}`).toString("base64"),
        type: login.endsWith("[bot]") ? "Bot" : "User",
        site_admin: false,
        avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
        url: `https://api.github.com/users/${encodeURIComponent(login)}`,
        html_url: `https://github.com/${login}`,
      };
      this.#users.set(login, u);
    }
    return u;
  }

  get botLogin(): string {
    return `${this.app.slug}[bot]`;
  }

  /** Requests made as `login` may use `token` (`Authorization: token X` or `Bearer X`). */
  addToken(token: string, login: string): void {
    this.tokens.set(token, login);
  }

  /** Turn a fraction of the answers into failures; `null` turns faults off. */
  faults(opts: FaultOptions | null): void {
    if (opts && (opts.rate < 0 || opts.rate > 1 || opts.kinds.length === 0)) throw new Error("faults: rate must be within 0..1 and kinds non-empty");
    this.#faults = opts ? { ...opts, random: mulberry32(opts.seed ?? 1), count: 0 } : null;
  }

  nextId(kind: "comment" | "reaction" | "label" | "check" | "status"): number {
    return ++this.#ids[kind];
  }

  iso(ms = this.now()): string {
    return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
  }

  // ---- log -----------------------------------------------------------------------------------

  /** Requests the server refused as not GitHub's API, not modelled, badly shaped or unauthenticated. */
  problems(): LogEntry[] {
    return this.log.filter((e) => e.problem !== undefined);
  }

  get reads(): number {
    return this.log.filter((e) => e.kind === "read").length;
  }

  get writes(): number {
    return this.log.filter((e) => e.kind === "write").length;
  }

  /** Request and response body bytes of the logged requests. */
  get bytes(): number {
    return this.log.reduce((n, e) => n + (e.bytes ?? 0), 0);
  }

  /** Logged requests for an operationId ("git/update-ref") or a method + path prefix. */
  requests(operationOrMethod: string, pathPrefix?: string): LogEntry[] {
    if (pathPrefix === undefined && operationOrMethod.includes("/")) return this.log.filter((e) => e.operationId === operationOrMethod);
    return this.log.filter((e) => e.method === operationOrMethod && (pathPrefix === undefined || e.path.startsWith(pathPrefix)));
  }

  clearLog(): void {
    this.log.length = 0;
    this.server.clearLog();
  }

  // ---- request handling ----------------------------------------------------------------------

  async #handle(req: FakeRequest): Promise<FakeResponse> {
    const ghe = req.path === "/api/v3" || req.path.startsWith("/api/v3/");
    const path = ghe ? req.path.slice("/api/v3".length) || "/" : req.path;
    const base = ghe ? this.gheUrl : this.url;
    const method = req.method;
    const entry: LogEntry = { method, path, query: req.query, body: req.body, kind: method === "GET" || method === "HEAD" ? "read" : "write", status: 0, at: Date.now() };
    this.log.push(entry);
    let answer: FakeResponse;
    try {
      answer = await this.#answer(req, entry, path, base);
    } catch (e) {
      entry.problem = "server-error";
      answer = ghError(500, `local GitHub failed on ${method} ${path}: ${(e as Error).message}`);
    }
    entry.status = answer.status ?? 200;
    const size = (b: unknown) => (b === undefined ? 0 : Buffer.byteLength(typeof b === "string" ? b : JSON.stringify(b)));
    entry.bytes = size(req.body) + size(answer.body);
    if (entry.status >= 400 && entry.message === undefined) entry.message = (answer.body as { message?: string } | undefined)?.message;
    answer.headers = {
      "x-github-request-id": randomBytes(8).toString("hex").toUpperCase(),
      "x-ratelimit-limit": "5000",
      "x-ratelimit-remaining": "4999",
      "x-ratelimit-reset": String(Math.floor(this.now() / 1000) + 3600),
      "x-ratelimit-used": "1",
      "x-ratelimit-resource": "core",
      ...answer.headers,
    };
    return answer;
  }

  async #answer(req: FakeRequest, entry: LogEntry, path: string, base: string): Promise<FakeResponse> {
    if ((path === "/graphql" || path === "/api/graphql") && req.method === "POST") return this.#graphql(req, entry);
    if (!base.endsWith("/api/v3")) {
      const web = this.#web(req, entry, path);
      if (web) return web;
    }
    const op = findOperation(req.method, path);
    if (!op) {
      entry.problem = "not-in-github-api";
      return notFound();
    }
    entry.template = `${op.method} ${op.template}`;
    entry.operationId = op.operationId;
    if (op.operationId === "apps/create-installation-access-token") entry.kind = "token";
    const handler = this.#handlers[op.operationId];
    if (!handler) {
      entry.problem = "not-modelled";
      return ghError(404, `Not Found: the local GitHub does not model ${op.operationId} (${op.method} ${op.template})`, {}, op.documentationUrl);
    }
    // Body against GitHub's schema.
    if (op.bodySchema) {
      const missing = req.body === null || req.body === undefined;
      // No body reads as {} (GitHub then names the first missing required key).
      const errors = missing ? (op.bodyRequired ? validate(op.bodySchema, {}) : []) : typeof req.body === "string" ? ["Problems parsing JSON"] : validate(op.bodySchema, req.body);
      if (errors.length) {
        entry.problem = "invalid-body";
        const message = errors[0] === "Problems parsing JSON" ? "Problems parsing JSON" : `Invalid request.\n\n${errors.join("\n")}`;
        return ghError(errors[0] === "Problems parsing JSON" ? 400 : 422, message, {}, op.documentationUrl);
      }
    }
    // Authentication.
    const auth = String(req.headers.authorization ?? "");
    const token = auth.replace(/^(token|bearer)\s+/i, "");
    let actor: User;
    if (op.operationId === "apps/create-from-manifest") {
      actor = this.user("octo-user"); // no credentials: the one-time code is the credential
    } else if (op.operationId.startsWith("apps/") && op.operationId !== "apps/get-repo-installation") {
      const err = this.#verifyJwt(token);
      if (err) {
        entry.problem = "bad-credentials";
        return ghError(401, err, {}, op.documentationUrl);
      }
      actor = this.user(this.botLogin);
    } else if (this.tokens.has(token)) {
      actor = this.user(this.tokens.get(token)!);
    } else if (this.options.requireToken && op.operationId !== "apps/get-repo-installation") {
      entry.problem = "bad-credentials";
      return ghError(401, "Bad credentials", {}, op.documentationUrl);
    } else {
      actor = this.user(this.botLogin);
    }
    entry.actor = actor.login;
    // Repository.
    let repo: LocalRepo | null = null;
    if (op.params.owner !== undefined && op.params.repo !== undefined) {
      repo = this.repos.get(`${op.params.owner}/${op.params.repo}`.toLowerCase()) ?? null;
      if (!repo) return notFound(op.documentationUrl);
    }
    const ctx: Ctx = { gh: this, op, repo, params: op.params, query: req.query, body: req.body ?? {}, actor, base, headers: req.headers };
    // Faults.
    const f = this.#faults;
    if (f && (f.limit === undefined || f.count < f.limit) && (!f.only || (f.only === "reads") === (entry.kind === "read")) && (!f.match || f.match.test(path))) {
      if (f.random() < f.rate) {
        f.count++;
        const kind = f.kinds[Math.floor(f.random() * f.kinds.length)]!;
        entry.fault = kind;
        return this.#fault(kind, () => this.#run(handler, ctx));
      }
    }
    return this.#run(handler, ctx);
  }

  /** GitHub's web pages of the manifest flow (not the API: no /api/v3 prefix, HTML answers), or null. */
  #web(req: FakeRequest, entry: LogEntry, path: string): FakeResponse | null {
    const html = (status: number, text: string, headers: Record<string, string> = {}): FakeResponse => ({ status, body: `<!DOCTYPE html><html><head><title>${text}</title></head><body><h1>${text}</h1></body></html>`, headers: { "content-type": "text/html; charset=utf-8", ...headers } });
    const create = /^\/(?:organizations\/([^/]+)\/)?settings\/apps\/new$/.exec(path);
    if (create && req.method === "POST") {
      entry.operationId = "web/create-app-from-manifest";
      entry.template = "POST /settings/apps/new";
      const form = new URLSearchParams(typeof req.body === "string" ? req.body : "");
      let manifest: unknown = null;
      try {
        manifest = JSON.parse(form.get("manifest") ?? "");
      } catch {
        manifest = null;
      }
      const errors = manifestErrors(manifest);
      if (errors.length) {
        entry.problem = "invalid-body";
        entry.message = errors.join("; ");
        return html(422, `Invalid GitHub App configuration: ${errors.join("; ")}`);
      }
      const m = manifest as Record<string, any>;
      const code = randomBytes(10).toString("hex");
      this.registrations.push({ manifest: m, org: create[1] ?? null, code, app: null });
      const target = new URL(String(m.redirect_url));
      target.searchParams.set("code", code);
      if (req.query.state) target.searchParams.set("state", req.query.state);
      return html(302, "Redirecting", { location: target.toString() });
    }
    const install = /^\/apps\/([^/]+)\/installations\/new$/.exec(path);
    if (install && req.method === "GET") {
      entry.operationId = "web/install-app";
      entry.template = "GET /apps/{slug}/installations/new";
      if (install[1] !== this.app.slug) return html(404, "Page not found");
      return html(200, `Install ${this.app.name}`);
    }
    return null;
  }

  async #graphql(req: FakeRequest, entry: LogEntry): Promise<FakeResponse> {
    entry.operationId = "graphql";
    entry.template = "POST /graphql";
    const body = req.body as { query?: unknown; variables?: unknown } | null;
    if (!body || typeof body !== "object" || typeof body.query !== "string") {
      entry.problem = "invalid-body";
      return ghError(400, "Problems parsing JSON", {}, "https://docs.github.com/graphql");
    }
    entry.kind = /^\s*(?:#[^\n]*\n\s*)*mutation\b/.test(body.query) ? "write" : "read"; // comments may come first
    const auth = String(req.headers.authorization ?? "").replace(/^(token|bearer)\s+/i, "");
    if (this.options.requireToken && !this.tokens.has(auth)) {
      entry.problem = "bad-credentials";
      return ghError(401, "Bad credentials", {}, "https://docs.github.com/graphql");
    }
    const actor = (entry.actor = this.tokens.get(auth) ?? this.botLogin);
    const answer = async (): Promise<FakeResponse> => {
      const result = await execute(body.query as string, (body.variables ?? {}) as Record<string, unknown>, (owner, name) => this.repos.get(`${owner}/${name}`.toLowerCase()) ?? null, this.#graphqlHost(actor));
      if (result.mutations) entry.mutations = result.mutations;
      if (result.problem) {
        entry.problem = result.problem;
        entry.message = (result.body as { errors: { message: string }[] }).errors[0]!.message;
      }
      return { body: result.body };
    };
    const f = this.#faults;
    if (f && (f.limit === undefined || f.count < f.limit) && (!f.only || (f.only === "reads") === (entry.kind === "read")) && (!f.match || f.match.test("/graphql")) && f.random() < f.rate) {
      f.count++;
      const kind = f.kinds[Math.floor(f.random() * f.kinds.length)]!;
      entry.fault = kind;
      return this.#fault(kind, answer); // a "timeout" runs it (mutations included), then answers 504
    }
    return answer();
  }

  /** The state GraphQL mutations write, made as `actor` through the same LocalRepo methods as REST's writes. */
  #graphqlHost(actor: string): GraphQLHost<LocalRepo> {
    const pull = (repo: LocalRepo, issue: number) => repo.pull(issue);
    const refused = (r: CommentState | { error: string }): CommentState => {
      if ("error" in r) throw new GraphQLError(r.error, { type: "UNPROCESSABLE" });
      return r;
    };
    return {
      repositories: () => this.repos.values(),
      addComment: (repo, issue, body) => refused(repo.createComment(issue, actor, body)),
      updateComment: (repo, c: GraphQLComment, body) => refused(repo.editComment(repo.comments.get(c.id)!, body)),
      addLabels: (repo, issue, names) => repo.addLabels(pull(repo, issue), names),
      removeLabels: (repo, issue, names) => {
        for (const name of names) repo.removeLabel(pull(repo, issue), name);
      },
    };
  }

  async #run(handler: Handler, ctx: Ctx): Promise<FakeResponse> {
    return handler(ctx);
  }

  async #fault(kind: FaultKind, apply: () => Promise<FakeResponse>): Promise<FakeResponse> {
    const limited = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.";
    const docs = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits";
    switch (kind) {
      case "502":
        return { status: 502, body: { message: "Server Error" } };
      case "secondary-rate-limit":
        return { ...ghError(403, limited, {}, docs), headers: { "retry-after": "1", "x-ratelimit-remaining": "4999" } };
      case "429":
        return { ...ghError(429, limited, {}, docs), headers: { "retry-after": "1" } };
      case "timeout": {
        await apply();
        await new Promise((r) => setTimeout(r, Math.min(this.options.hangMs ?? 1500, 30_000)));
        return { status: 504, body: { message: "We couldn't respond to your request in time. Sorry about that. Please try resubmitting your request and contact us if the problem persists." } };
      }
    }
  }

  /** Null when the app JWT is acceptable, else GitHub's message. */
  #verifyJwt(jwt: string): string | null {
    if (!this.app.publicKey) return jwt ? null : "A JSON web token could not be decoded";
    const parts = jwt.split(".");
    if (parts.length !== 3) return "A JSON web token could not be decoded";
    let header: { alg?: string };
    let payload: { iss?: string | number; exp?: number; iat?: number };
    try {
      header = JSON.parse(base64url(parts[0]!).toString("utf8"));
      payload = JSON.parse(base64url(parts[1]!).toString("utf8"));
    } catch {
      return "A JSON web token could not be decoded";
    }
    if (header.alg !== "RS256") return "A JSON web token could not be decoded";
    const verifier = createVerify("RSA-SHA256");
    verifier.update(`${parts[0]}.${parts[1]}`);
    let ok = false;
    try {
      ok = verifier.verify(createPublicKey(this.app.publicKey), base64url(parts[2]!));
    } catch {
      ok = false;
    }
    if (!ok) return "A JSON web token could not be decoded";
    if (String(payload.iss) !== String(this.app.id)) return `Integration not found: the JWT's iss is ${JSON.stringify(payload.iss)}, the app id is ${this.app.id}`;
    const nowS = Math.floor(this.now() / 1000);
    if (typeof payload.exp !== "number" || payload.exp <= nowS) return "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires.";
    if (typeof payload.iat === "number" && payload.iat > nowS + 60) return "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued.";
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Repository model

export class LocalRepo {
  readonly pulls = new Map<number, PullState>();
  readonly comments = new Map<number, CommentState>();
  readonly reactions = new Map<number, ReactionState>();
  readonly labels = new Map<string, LabelState>();
  readonly checkRuns = new Map<number, CheckRunState>();
  readonly statuses: StatusState[] = [];
  readonly permissions = new Map<string, Permission>();
  /** Permission of users not set with setPermission (GitHub: "none" on a private repository, "read" on a public one). */
  defaultPermission: Permission;
  #nextNumber = 1;

  constructor(
    readonly gh: LocalGitHub,
    readonly owner: string,
    readonly name: string,
    readonly id: number,
    readonly git: BareRepo,
    public defaultBranch: string,
    public installationId: number,
    readonly isPrivate: boolean,
  ) {
    this.defaultPermission = isPrivate ? "none" : "read";
    this.permissions.set(owner, "admin");
  }

  get fullName(): string {
    return `${this.owner}/${this.name}`;
  }

  /** The bare repository: `git push <gitDir> ...`, `git clone <gitDir>`. */
  get gitDir(): string {
    return this.git.gitDir;
  }

  setPermission(login: string, permission: Permission): void {
    this.permissions.set(login, permission);
  }

  permissionOf(login: string): Permission {
    return this.permissions.get(login) ?? this.defaultPermission;
  }

  person(login: string): Person {
    return { name: login, email: `${login.replace(/\[bot\]$/, "")}@users.noreply.github.com`, date: this.gh.iso() };
  }

  /** Commit `files` (path → text, null deletes) on `branch` (created from the default branch when new). */
  async commit(branch: string, files: Record<string, string | null>, message = "Update files", author = this.owner): Promise<string> {
    const ref = `refs/heads/${branch}`;
    const current = await this.git.refSha(ref);
    const parent = current ?? (branch === this.defaultBranch ? null : await this.git.refSha(`refs/heads/${this.defaultBranch}`));
    // All blobs in one git process, one per distinct text.
    const texts = [...new Set(Object.values(files).filter((t): t is string => t !== null))];
    const shas = await this.git.writeBlobs(texts.map((t) => Buffer.from(t, "utf8")));
    const blobOf = new Map(texts.map((t, i) => [t, shas[i]!]));
    const changes = Object.entries(files).map(([path, text]) => ({ path, mode: "100644", type: "blob", sha: text === null ? null : blobOf.get(text)! }));
    const baseTree = parent ? (await this.git.readCommit(parent))!.tree : null;
    const tree = await this.git.buildTree(baseTree, changes);
    const sha = await this.git.writeCommit({ tree, parents: parent ? [parent] : [], message, author: this.person(author), committer: this.person(author) });
    if (!(await this.git.updateRef(ref, sha, current ?? ZERO))) throw new Error(`branch ${branch} moved while committing to it`);
    return sha;
  }

  /** The text of `path` at `ref` (branch, full ref or sha), or null. */
  async readFile(ref: string, path: string): Promise<string | null> {
    const commit = await this.git.resolveCommit(ref);
    if (!commit) return null;
    const r = await this.git.run(["cat-file", "blob", `${commit}:${path}`]);
    return r.code === 0 ? r.stdout.toString("utf8") : null;
  }

  /** Open a pull request; `files` are committed on its head branch (created from `base`). */
  async createPull(opts: {
    title?: string;
    body?: string;
    author?: string;
    head?: string;
    base?: string;
    draft?: boolean;
    labels?: string[];
    files?: Record<string, string | null>;
    message?: string;
  }): Promise<PullState> {
    const number = this.#nextNumber++;
    const base = opts.base ?? this.defaultBranch;
    const head = opts.head ?? `topic-${number}`;
    const author = opts.author ?? "octocat";
    const baseSha = await this.git.refSha(`refs/heads/${base}`);
    if (!baseSha) throw new Error(`createPull: base branch ${base} does not exist in ${this.fullName}`);
    let headSha = await this.git.refSha(`refs/heads/${head}`);
    if (!headSha) {
      if (!(await this.git.updateRef(`refs/heads/${head}`, baseSha, ZERO))) throw new Error(`createPull: could not create branch ${head}`);
      headSha = baseSha;
    }
    if (opts.files) headSha = await this.commitOnBranch(head, base, opts.files, opts.message ?? `Change for #${number}`, author);
    for (const l of opts.labels ?? []) this.ensureLabel(l);
    const now = this.gh.iso();
    const pull: PullState = {
      number,
      title: opts.title ?? `PR ${number}`,
      body: opts.body ?? null,
      author,
      headRef: head,
      headSha,
      baseRef: base,
      baseSha,
      draft: opts.draft ?? false,
      state: "open",
      merged: false,
      mergeCommitSha: null,
      labels: [...(opts.labels ?? [])],
      createdAt: now,
      updatedAt: now,
      closedAt: null,
      mergedAt: null,
    };
    await this.git.updateRef(`refs/pull/${number}/head`, headSha, null);
    this.pulls.set(number, pull);
    return pull;
  }

  private async commitOnBranch(head: string, base: string, files: Record<string, string | null>, message: string, author: string): Promise<string> {
    if (!(await this.git.refSha(`refs/heads/${head}`))) {
      const b = await this.git.refSha(`refs/heads/${base}`);
      if (b) await this.git.updateRef(`refs/heads/${head}`, b, ZERO);
    }
    return this.commit(head, files, message, author);
  }

  pull(number: number): PullState {
    const p = this.pulls.get(number);
    if (!p) throw new Error(`no pull request #${number} in ${this.fullName}`);
    return p;
  }

  /** Push a new commit with `files` to the pull request's head branch; returns the new head sha. */
  async pushHead(number: number, files: Record<string, string | null>, message = `Update #${number}`): Promise<string> {
    const p = this.pull(number);
    p.headSha = await this.commit(p.headRef, files, message, p.author);
    p.baseSha = (await this.git.refSha(`refs/heads/${p.baseRef}`)) ?? p.baseSha;
    p.updatedAt = this.gh.iso();
    await this.git.updateRef(`refs/pull/${number}/head`, p.headSha, null);
    return p.headSha;
  }

  /** Merge the pull request into its base (a merge commit; refused when the trees conflict). */
  async mergePull(number: number): Promise<string> {
    const p = this.pull(number);
    if (p.state !== "open") throw new Error(`pull request #${number} is ${p.state}`);
    const baseRef = `refs/heads/${p.baseRef}`;
    const baseSha = (await this.git.refSha(baseRef))!;
    const r = await this.git.run(["merge-tree", "--write-tree", baseSha, p.headSha]);
    if (r.code !== 0) throw new Error(`pull request #${number} does not merge cleanly into ${p.baseRef}`);
    const tree = r.stdout.toString("utf8").split("\n")[0]!.trim();
    const sha = await this.git.writeCommit({ tree, parents: [baseSha, p.headSha], message: `Merge pull request #${number} from ${this.owner}/${p.headRef}\n\n${p.title}`, author: this.person(p.author), committer: this.person("web-flow") });
    if (!(await this.git.updateRef(baseRef, sha, baseSha))) throw new Error(`${p.baseRef} moved while merging #${number}`);
    const now = this.gh.iso();
    Object.assign(p, { state: "closed", merged: true, mergeCommitSha: sha, closedAt: now, mergedAt: now, updatedAt: now });
    return sha;
  }

  closePull(number: number): void {
    const p = this.pull(number);
    const now = this.gh.iso();
    Object.assign(p, { state: "closed", closedAt: now, updatedAt: now });
  }

  reopenPull(number: number): void {
    const p = this.pull(number);
    if (p.merged) throw new Error(`pull request #${number} is merged`);
    Object.assign(p, { state: "open", closedAt: null, updatedAt: this.gh.iso() });
  }

  /** A comment by `login` (a user's slash-command, say). */
  addComment(issue: number, login: string, body: string): CommentState {
    const now = this.gh.iso();
    const c: CommentState = { id: this.gh.nextId("comment"), issue, body, user: login, viaApp: login.endsWith("[bot]"), createdAt: now, updatedAt: now };
    this.comments.set(c.id, c);
    return c;
  }

  /** A comment on `issue` by the request's actor (REST's issues/create-comment and GraphQL's addComment); the error when refused. */
  createComment(issue: number, login: string, body: string): CommentState | { error: string } {
    const tooLong = commentBodyError(body);
    return tooLong ? { error: tooLong } : this.addComment(issue, login, body);
  }

  /** A new body (REST's issues/update-comment and GraphQL's updateIssueComment); the error when refused. */
  editComment(c: CommentState, body: string): CommentState | { error: string } {
    const tooLong = commentBodyError(body);
    if (tooLong) return { error: tooLong };
    c.body = body;
    c.updatedAt = this.gh.iso();
    return c;
  }

  /** Labels onto a PR, created in the repository when missing; one already on it stays (updatedAt bumps either way, as REST's add-labels). */
  addLabels(p: PullState, names: string[]): void {
    for (const name of names) {
      const l = this.ensureLabel(name);
      if (!p.labels.some((x) => x.toLowerCase() === l.name.toLowerCase())) p.labels.push(l.name);
    }
    p.updatedAt = this.gh.iso();
  }

  /** A label off a PR; false when it is not on it (nothing changes then). */
  removeLabel(p: PullState, name: string): boolean {
    const i = p.labels.findIndex((x) => x.toLowerCase() === name.toLowerCase());
    if (i < 0) return false;
    p.labels.splice(i, 1);
    p.updatedAt = this.gh.iso();
    return true;
  }

  commentsOn(issue: number): CommentState[] {
    return [...this.comments.values()].filter((c) => c.issue === issue);
  }

  ensureLabel(name: string, color = "ededed", description: string | null = null): LabelState {
    const existing = this.labels.get(name.toLowerCase());
    if (existing) return existing;
    const l: LabelState = { id: this.gh.nextId("label"), name, color, description, default: false };
    this.labels.set(name.toLowerCase(), l);
    return l;
  }

  /** Statuses of a sha, oldest first. */
  statusesOf(sha: string, context?: string): StatusState[] {
    return this.statuses.filter((s) => s.sha === sha && (context === undefined || s.context === context));
  }

  // ---- JSON representations ------------------------------------------------------------------

  apiBase(ctx: { base: string }): string {
    return `${ctx.base}/repos/${this.owner}/${this.name}`;
  }

  repoJson(base: string): Record<string, unknown> {
    const owner = this.gh.user(this.owner);
    return {
      id: this.id,
      node_id: nodeId.repository(this.id),
      name: this.name,
      full_name: this.fullName,
      private: this.isPrivate,
      owner,
      html_url: `https://github.com/${this.fullName}`,
      url: `${base}/repos/${this.fullName}`,
      default_branch: this.defaultBranch,
      visibility: this.isPrivate ? "private" : "public",
      fork: false,
      archived: false,
      disabled: false,
    };
  }

  labelJson(l: LabelState, base: string): Record<string, unknown> {
    return {
      id: l.id,
      node_id: nodeId.label(l.id),
      url: `${base}/repos/${this.fullName}/labels/${encodeURIComponent(l.name)}`,
      name: l.name,
      color: l.color,
      description: l.description,
      default: l.default,
    };
  }

  pullJson(p: PullState, base: string): Record<string, unknown> {
    const api = `${base}/repos/${this.fullName}`;
    const repo = this.repoJson(base);
    return {
      url: `${api}/pulls/${p.number}`,
      id: 7_000_000 + p.number,
      node_id: nodeId.pullRequest(this.id, p.number),
      html_url: `https://github.com/${this.fullName}/pull/${p.number}`,
      diff_url: `https://github.com/${this.fullName}/pull/${p.number}.diff`,
      issue_url: `${api}/issues/${p.number}`,
      commits_url: `${api}/pulls/${p.number}/commits`,
      comments_url: `${api}/issues/${p.number}/comments`,
      statuses_url: `${api}/statuses/${p.headSha}`,
      number: p.number,
      state: p.state,
      locked: false,
      title: p.title,
      user: this.gh.user(p.author),
      body: p.body,
      labels: p.labels.map((n) => this.labelJson(this.ensureLabel(n), base)),
      milestone: null,
      created_at: p.createdAt,
      updated_at: p.updatedAt,
      closed_at: p.closedAt,
      merged_at: p.mergedAt,
      merge_commit_sha: p.mergeCommitSha,
      assignee: null,
      assignees: [],
      requested_reviewers: [],
      requested_teams: [],
      head: { label: `${this.owner}:${p.headRef}`, ref: p.headRef, sha: p.headSha, user: this.gh.user(this.owner), repo },
      base: { label: `${this.owner}:${p.baseRef}`, ref: p.baseRef, sha: p.baseSha, user: this.gh.user(this.owner), repo },
      author_association: this.association(p.author),
      auto_merge: null,
      draft: p.draft,
      merged: p.merged,
      mergeable: null,
      mergeable_state: "unknown",
      merged_by: p.merged ? this.gh.user("web-flow") : null,
    };
  }

  association(login: string): string {
    if (login === this.owner) return "OWNER";
    if (this.permissions.has(login) && this.permissionOf(login) !== "none") return "COLLABORATOR";
    return "NONE";
  }

  commentJson(c: CommentState, base: string): Record<string, unknown> {
    const api = `${base}/repos/${this.fullName}`;
    const reactions = [...this.reactions.values()].filter((r) => r.commentId === c.id);
    const counts = Object.fromEntries(REACTIONS.map((k) => [k, reactions.filter((r) => r.content === k).length]));
    return {
      id: c.id,
      node_id: nodeId.issueComment(c.id),
      url: `${api}/issues/comments/${c.id}`,
      html_url: `https://github.com/${this.fullName}/pull/${c.issue}#issuecomment-${c.id}`,
      issue_url: `${api}/issues/${c.issue}`,
      body: c.body,
      user: this.gh.user(c.user),
      created_at: c.createdAt,
      updated_at: c.updatedAt,
      author_association: this.association(c.user),
      performed_via_github_app: c.viaApp ? { id: this.gh.app.id, slug: this.gh.app.slug, name: this.gh.app.name } : null,
      reactions: { url: `${api}/issues/comments/${c.id}/reactions`, total_count: reactions.length, ...counts },
    };
  }

  reactionJson(r: ReactionState): Record<string, unknown> {
    return { id: r.id, node_id: Buffer.from(`08:Reaction${r.id}`).toString("base64"), user: this.gh.user(r.user), content: r.content, created_at: r.createdAt };
  }

  checkRunJson(c: CheckRunState, base: string): Record<string, unknown> {
    const api = `${base}/repos/${this.fullName}`;
    return {
      id: c.id,
      node_id: Buffer.from(`08:CheckRun${c.id}`).toString("base64"),
      head_sha: c.headSha,
      external_id: c.externalId ?? "",
      url: `${api}/check-runs/${c.id}`,
      html_url: `https://github.com/${this.fullName}/runs/${c.id}`,
      details_url: c.detailsUrl,
      status: c.status,
      conclusion: c.conclusion,
      started_at: c.startedAt,
      completed_at: c.completedAt,
      output: { ...c.output, annotations_count: c.annotations.length, annotations_url: `${api}/check-runs/${c.id}/annotations` },
      name: c.name,
      check_suite: { id: 9_000_000 + c.id },
      app: { id: this.gh.app.id, slug: this.gh.app.slug, name: this.gh.app.name, owner: this.gh.user(this.owner) },
      pull_requests: [...this.pulls.values()]
        .filter((p) => p.state === "open" && p.headSha === c.headSha)
        .map((p) => ({ url: `${api}/pulls/${p.number}`, id: 7_000_000 + p.number, number: p.number, head: { ref: p.headRef, sha: p.headSha, repo: { id: this.id, url: api, name: this.name } }, base: { ref: p.baseRef, sha: p.baseSha, repo: { id: this.id, url: api, name: this.name } } })),
    };
  }

  statusJson(s: StatusState, base: string): Record<string, unknown> {
    return {
      url: `${base}/repos/${this.fullName}/statuses/${s.sha}`,
      avatar_url: null,
      id: s.id,
      node_id: Buffer.from(`013:StatusContext${s.id}`).toString("base64"),
      state: s.state,
      description: s.description,
      target_url: s.targetUrl,
      context: s.context,
      created_at: s.createdAt,
      updated_at: s.createdAt,
      creator: this.gh.user(s.creator),
    };
  }

  commitJson(c: CommitData, base: string): Record<string, unknown> {
    const api = `${base}/repos/${this.fullName}`;
    return {
      sha: c.sha,
      node_id: Buffer.from(`06:Commit${c.sha}`).toString("base64"),
      url: `${api}/git/commits/${c.sha}`,
      html_url: `https://github.com/${this.fullName}/commit/${c.sha}`,
      author: c.author,
      committer: c.committer,
      message: c.message.replace(/\n$/, ""),
      tree: { sha: c.tree, url: `${api}/git/trees/${c.tree}` },
      parents: c.parents.map((p) => ({ sha: p, url: `${api}/git/commits/${p}`, html_url: `https://github.com/${this.fullName}/commit/${p}` })),
      verification: { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null },
    };
  }

  refJson(ref: string, sha: string, type: string, base: string): Record<string, unknown> {
    const api = `${base}/repos/${this.fullName}`;
    return {
      ref,
      node_id: Buffer.from(`03:Ref${this.id}:${ref}`).toString("base64"),
      url: `${api}/git/${ref}`,
      object: { sha, type, url: `${api}/git/${type}s/${sha}` },
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Handlers, by GitHub operationId

/** A page of `items` with GitHub's Link header (per_page default 30, max `maxPer`; `cap` total items). */
function paginate<T>(ctx: Ctx, items: T[], opts: { maxPer?: number; cap?: number } = {}): { items: T[]; headers: Record<string, string> } {
  const all = opts.cap !== undefined ? items.slice(0, opts.cap) : items;
  const per = Math.max(1, Math.min(Number(ctx.query.per_page ?? 30) || 30, opts.maxPer ?? 100));
  const page = Math.max(1, Number(ctx.query.page ?? 1) || 1);
  const last = Math.max(1, Math.ceil(all.length / per));
  const link = (n: number, rel: string) => {
    const q = new URLSearchParams({ ...ctx.query, per_page: String(per), page: String(n) });
    const path = ctx.op.template.replace(/\{(\w+)\}/g, (_, k: string) => (k === "owner" || k === "repo" ? ctx.params[k]! : encodeURIComponent(ctx.params[k]!)));
    return `<${ctx.base}${path}?${q.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(page - 1, "prev"));
  if (page < last) links.push(link(page + 1, "next"), link(last, "last"));
  if (page > 1) links.push(link(1, "first"));
  return { items: all.slice((page - 1) * per, page * per), headers: links.length ? { link: links.join(", ") } : {} };
}

function pageOf<T>(ctx: Ctx, items: T[], map: (t: T) => unknown, opts: { maxPer?: number; cap?: number } = {}): FakeResponse {
  const p = paginate(ctx, items, opts);
  return { body: p.items.map(map), headers: p.headers };
}

function num(v: string | undefined): number {
  return /^\d+$/.test(v ?? "") ? Number(v) : NaN;
}

/** What GitHub refuses in an App manifest (the fields PUCS's app.yml and Probot's setup page use). */
export function manifestErrors(m: unknown): string[] {
  if (!m || typeof m !== "object" || Array.isArray(m)) return ["the manifest is not a JSON object"];
  const o = m as Record<string, unknown>;
  const errors: string[] = [];
  const isUrl = (v: unknown) => typeof v === "string" && /^https?:\/\/[^\s]+$/.test(v);
  if (typeof o.name !== "string" || o.name.trim() === "" || o.name.length > 34) errors.push("name must be 1 to 34 characters");
  if (!isUrl(o.url)) errors.push("url (the App's homepage) must be an http(s) URL");
  const hook = o.hook_attributes as Record<string, unknown> | undefined;
  if (hook !== undefined && (typeof hook !== "object" || hook === null || !isUrl(hook.url))) errors.push("hook_attributes.url must be an http(s) URL");
  if (o.redirect_url !== undefined && !isUrl(o.redirect_url)) errors.push("redirect_url must be an http(s) URL");
  const perms = o.default_permissions;
  if (perms !== undefined) {
    if (typeof perms !== "object" || perms === null || Array.isArray(perms)) errors.push("default_permissions must be an object");
    else for (const [k, v] of Object.entries(perms)) if (!["read", "write", "admin"].includes(String(v))) errors.push(`default_permissions.${k} must be read, write or admin`);
  }
  const events = o.default_events;
  if (events !== undefined && (!Array.isArray(events) || events.some((e) => typeof e !== "string"))) errors.push("default_events must be a list of event names");
  if (o.public !== undefined && typeof o.public !== "boolean") errors.push("public must be true or false");
  return errors;
}

/** A simple-user object with every field GitHub's schema requires. */
function fullUser(gh: LocalGitHub, login: string, type: "User" | "Organization"): Record<string, unknown> {
  const u = gh.user(login);
  const api = `https://api.github.com/users/${encodeURIComponent(login)}`;
  return {
    ...u,
    type,
    gravatar_id: "",
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
  };
}

function handlers(): Record<string, Handler> {
  const R = (ctx: Ctx) => ctx.repo!;
  const pullOf = (ctx: Ctx, key = "pull_number") => R(ctx).pulls.get(num(ctx.params[key]));
  const commentOf = (ctx: Ctx) => R(ctx).comments.get(num(ctx.params.comment_id));
  const docs = (ctx: Ctx) => ctx.op.documentationUrl;

  const h: Record<string, Handler> = {
    // -- apps
    "apps/get-authenticated": (ctx) => ({ body: { id: ctx.gh.app.id, slug: ctx.gh.app.slug, name: ctx.gh.app.name, owner: ctx.gh.user("octo-org"), html_url: `${ctx.gh.url}/apps/${ctx.gh.app.slug}`, events: [], permissions: {} } }),
    "apps/create-from-manifest": (ctx) => {
      const reg = ctx.gh.registrations.find((r) => r.code === ctx.params.code && r.app === null);
      if (!reg) return notFound(docs(ctx));
      const m = reg.manifest as Record<string, any>;
      const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs1", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
      const id = ctx.gh.app.id + 1000;
      const slug = String(m.name).toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
      Object.assign(ctx.gh.app, { id, slug, name: String(m.name), publicKey });
      const owner = fullUser(ctx.gh, reg.org ?? "octo-user", reg.org ? "Organization" : "User");
      const now = ctx.gh.iso();
      const app = {
        id,
        slug,
        node_id: Buffer.from(`03:Integration${id}`).toString("base64"),
        client_id: `Iv23li${randomBytes(7).toString("hex")}`,
        owner,
        name: String(m.name),
        description: typeof m.description === "string" ? m.description : null,
        external_url: String(m.url),
        html_url: `${ctx.gh.url}/apps/${slug}`,
        created_at: now,
        updated_at: now,
        permissions: { ...(m.default_permissions ?? {}) },
        events: [...(m.default_events ?? [])],
        installations_count: 0,
        client_secret: randomBytes(20).toString("hex"),
        webhook_secret: randomBytes(20).toString("hex"),
        pem: privateKey,
      };
      reg.app = app;
      return { status: 201, body: app };
    },
    "apps/create-installation-access-token": (ctx) => {
      const id = num(ctx.params.installation_id);
      if (![...ctx.gh.repos.values()].some((r) => r.installationId === id)) return notFound(docs(ctx));
      const token = `ghs_${randomBytes(18).toString("hex")}`;
      ctx.gh.addToken(token, ctx.gh.botLogin);
      return {
        status: 201,
        body: { token, expires_at: ctx.gh.iso(ctx.gh.now() + 3600_000), permissions: ctx.body.permissions ?? { checks: "write", contents: "write", issues: "write", pull_requests: "write", statuses: "write", metadata: "read" }, repository_selection: "all" },
      };
    },
    "apps/get-repo-installation": (ctx) => ({
      body: { id: R(ctx).installationId, account: ctx.gh.user(R(ctx).owner), app_id: ctx.gh.app.id, app_slug: ctx.gh.app.slug, target_type: "Organization", repository_selection: "all", permissions: {}, events: [] },
    }),

    // -- repository and contents
    "repos/get": (ctx) => ({ body: R(ctx).repoJson(ctx.base) }),
    "repos/get-content": async (ctx) => {
      const repo = R(ctx);
      const commit = await repo.git.resolveCommit(ctx.query.ref ?? repo.defaultBranch);
      if (!commit) return ghError(404, `No commit found for the ref ${ctx.query.ref}`, {}, docs(ctx));
      const path = ctx.params.path!.replace(/^\/+|\/+$/g, "");
      const sha = await repo.git.revParse(`${commit}:${path}`);
      if (sha === null) return notFound(docs(ctx));
      const type = await repo.git.typeOf(sha);
      const api = repo.apiBase(ctx);
      const ref = ctx.query.ref ?? repo.defaultBranch;
      const entry = (name: string, p: string, s: string, t: string, size: number) => ({
        name,
        path: p,
        sha: s,
        size,
        url: `${api}/contents/${p}?ref=${encodeURIComponent(ref)}`,
        html_url: `https://github.com/${repo.fullName}/${t === "file" ? "blob" : "tree"}/${ref}/${p}`,
        git_url: `${api}/git/${t === "file" ? "blobs" : "trees"}/${s}`,
        download_url: t === "file" ? `https://raw.githubusercontent.com/${repo.fullName}/${ref}/${p}` : null,
        type: t,
        _links: { self: `${api}/contents/${p}?ref=${encodeURIComponent(ref)}`, git: `${api}/git/${t === "file" ? "blobs" : "trees"}/${s}`, html: `https://github.com/${repo.fullName}/blob/${ref}/${p}` },
      });
      if (type === "tree") {
        const entries = (await repo.git.readTree(sha)) ?? [];
        return { body: entries.map((e) => entry(e.path, `${path}/${e.path}`, e.sha, e.type === "tree" ? "dir" : e.type === "commit" ? "submodule" : "file", e.size ?? 0)) };
      }
      const content = (await repo.git.readBlob(sha))!;
      const accept = String(ctx.headers.accept ?? "");
      if (accept.includes("application/vnd.github.raw") || accept.includes("application/vnd.github.v3.raw")) {
        return { body: content.toString("utf8"), headers: { "content-type": "application/vnd.github.raw; charset=utf-8" } };
      }
      const name = path.split("/").pop()!;
      return { body: { ...entry(name, path, sha, "file", content.length), encoding: "base64", content: wrap64(content) } };
    },

    // -- pull requests
    "pulls/list": (ctx) => {
      const state = ctx.query.state ?? "open";
      const [headOwner, headRef] = (ctx.query.head ?? "").includes(":") ? ctx.query.head!.split(":") : [undefined, ctx.query.head];
      let pulls = [...R(ctx).pulls.values()].filter((p) => (state === "all" || p.state === state) && (!ctx.query.base || p.baseRef === ctx.query.base) && (!headRef || (p.headRef === headRef && (!headOwner || headOwner === R(ctx).owner))));
      const sort = ctx.query.sort ?? "created";
      const dir = ctx.query.direction ?? (sort === "created" ? "desc" : "desc");
      pulls = pulls.sort((a, b) => (sort === "updated" ? a.updatedAt.localeCompare(b.updatedAt) || a.number - b.number : a.number - b.number));
      if (dir === "desc") pulls.reverse();
      return pageOf(ctx, pulls, (p) => R(ctx).pullJson(p, ctx.base));
    },
    "pulls/get": async (ctx) => {
      const p = pullOf(ctx);
      if (!p) return notFound(docs(ctx));
      const files = await pullFiles(R(ctx), p);
      const commits = await pullCommits(R(ctx), p);
      return {
        body: {
          ...R(ctx).pullJson(p, ctx.base),
          commits: commits.length,
          additions: files.reduce((n, f) => n + f.additions, 0),
          deletions: files.reduce((n, f) => n + f.deletions, 0),
          changed_files: files.length,
          comments: R(ctx).commentsOn(p.number).length,
          review_comments: 0,
          maintainer_can_modify: false,
          rebaseable: null,
        },
      };
    },
    "pulls/list-files": async (ctx) => {
      const p = pullOf(ctx);
      if (!p) return notFound(docs(ctx));
      const repo = R(ctx);
      const files = await pullFiles(repo, p);
      return pageOf(
        ctx,
        files,
        (f) => ({
          sha: f.sha,
          filename: f.filename,
          status: f.status,
          additions: f.additions,
          deletions: f.deletions,
          changes: f.changes,
          blob_url: `https://github.com/${repo.fullName}/blob/${p.headSha}/${f.filename}`,
          raw_url: `https://github.com/${repo.fullName}/raw/${p.headSha}/${f.filename}`,
          contents_url: `${repo.apiBase(ctx)}/contents/${f.filename}?ref=${p.headSha}`,
          ...(f.patch !== undefined ? { patch: f.patch } : {}),
          ...(f.previous_filename !== undefined ? { previous_filename: f.previous_filename } : {}),
        }),
        { cap: 3000 },
      );
    },
    "pulls/list-commits": async (ctx) => {
      const p = pullOf(ctx);
      if (!p) return notFound(docs(ctx));
      const repo = R(ctx);
      const commits = await pullCommits(repo, p);
      return pageOf(
        ctx,
        commits,
        (c) => ({
          sha: c.sha,
          node_id: Buffer.from(`06:Commit${c.sha}`).toString("base64"),
          url: `${repo.apiBase(ctx)}/commits/${c.sha}`,
          html_url: `https://github.com/${repo.fullName}/commit/${c.sha}`,
          commit: { author: c.author, committer: c.committer, message: c.message.replace(/\n$/, ""), tree: { sha: c.tree, url: `${repo.apiBase(ctx)}/git/trees/${c.tree}` }, comment_count: 0, url: `${repo.apiBase(ctx)}/git/commits/${c.sha}` },
          author: ctx.gh.user(c.author.name),
          committer: ctx.gh.user(c.committer.name),
          parents: c.parents.map((s) => ({ sha: s, url: `${repo.apiBase(ctx)}/commits/${s}` })),
        }),
        { cap: 250 },
      );
    },
    "repos/compare-commits-with-basehead": async (ctx) => {
      // GET /compare/{base}...{head}: the commits reachable from head and not from base, oldest first.
      const repo = R(ctx);
      const [baseRev, headRev] = String(ctx.params.basehead ?? "").split("...");
      const base = baseRev ? await repo.git.revParse(baseRev) : null;
      const head = headRev ? await repo.git.revParse(headRev) : null;
      if (!base || !head) return notFound(docs(ctx));
      const shas = await repo.git.revList(head, [base]);
      const commits = await Promise.all(shas.map(async (s) => (await repo.git.readCommit(s))!));
      return {
        body: {
          url: `${repo.apiBase(ctx)}/compare/${baseRev}...${headRev}`,
          status: shas.length === 0 ? "identical" : "ahead",
          ahead_by: shas.length,
          behind_by: 0,
          total_commits: shas.length,
          commits: commits.map((c) => ({ sha: c.sha, commit: { message: c.message.replace(/\n$/, ""), author: c.author, committer: c.committer, tree: { sha: c.tree } }, parents: c.parents.map((x) => ({ sha: x })) })),
          files: [],
        },
      };
    },
    "issues/get": (ctx) => {
      const repo = R(ctx);
      const p = pullOf(ctx, "issue_number");
      if (!p) return notFound(docs(ctx));
      const j = repo.pullJson(p, ctx.base);
      return {
        body: {
          id: j.id,
          node_id: j.node_id,
          url: j.issue_url,
          html_url: j.html_url,
          number: p.number,
          state: p.state,
          title: p.title,
          body: p.body,
          user: j.user,
          labels: j.labels,
          locked: false,
          comments: repo.commentsOn(p.number).length,
          created_at: p.createdAt,
          updated_at: p.updatedAt,
          closed_at: p.closedAt,
          author_association: j.author_association,
          draft: p.draft,
          pull_request: { url: j.url, html_url: j.html_url, diff_url: j.diff_url, merged_at: p.mergedAt },
        },
      };
    },

    // -- comments and reactions
    "issues/list-comments": (ctx) => {
      const repo = R(ctx);
      if (!pullOf(ctx, "issue_number")) return notFound(docs(ctx));
      const since = ctx.query.since;
      const list = repo.commentsOn(num(ctx.params.issue_number)).filter((c) => !since || c.updatedAt >= since);
      return pageOf(ctx, list, (c) => repo.commentJson(c, ctx.base));
    },
    "issues/create-comment": (ctx) => {
      const repo = R(ctx);
      if (!pullOf(ctx, "issue_number")) return notFound(docs(ctx));
      const c = repo.createComment(num(ctx.params.issue_number), ctx.actor.login, ctx.body.body);
      if ("error" in c) return validationFailed([{ resource: "IssueComment", code: "custom", field: "body", message: c.error }], docs(ctx));
      return { status: 201, body: repo.commentJson(c, ctx.base), headers: { location: `${repo.apiBase(ctx)}/issues/comments/${c.id}` } };
    },
    "issues/get-comment": (ctx) => {
      const c = commentOf(ctx);
      return c ? { body: R(ctx).commentJson(c, ctx.base) } : notFound(docs(ctx));
    },
    "issues/update-comment": (ctx) => {
      const c = commentOf(ctx);
      if (!c) return notFound(docs(ctx));
      const edited = R(ctx).editComment(c, ctx.body.body);
      if ("error" in edited) return validationFailed([{ resource: "IssueComment", code: "custom", field: "body", message: edited.error }], docs(ctx));
      return { body: R(ctx).commentJson(c, ctx.base) };
    },
    "issues/delete-comment": (ctx) => {
      const c = commentOf(ctx);
      if (!c) return notFound(docs(ctx));
      R(ctx).comments.delete(c.id);
      for (const [id, r] of R(ctx).reactions) if (r.commentId === c.id) R(ctx).reactions.delete(id);
      return { status: 204 };
    },
    "reactions/create-for-issue-comment": (ctx) => {
      const repo = R(ctx);
      const c = commentOf(ctx);
      if (!c) return notFound(docs(ctx));
      const existing = [...repo.reactions.values()].find((r) => r.commentId === c.id && r.user === ctx.actor.login && r.content === ctx.body.content);
      if (existing) return { status: 200, body: repo.reactionJson(existing) };
      const r: ReactionState = { id: ctx.gh.nextId("reaction"), commentId: c.id, content: ctx.body.content, user: ctx.actor.login, createdAt: ctx.gh.iso() };
      repo.reactions.set(r.id, r);
      return { status: 201, body: repo.reactionJson(r) };
    },
    "reactions/list-for-issue-comment": (ctx) => {
      const repo = R(ctx);
      const c = commentOf(ctx);
      if (!c) return notFound(docs(ctx));
      const list = [...repo.reactions.values()].filter((r) => r.commentId === c.id && (!ctx.query.content || r.content === ctx.query.content));
      return pageOf(ctx, list, (r) => repo.reactionJson(r));
    },
    "reactions/delete-for-issue-comment": (ctx) => {
      const repo = R(ctx);
      const r = repo.reactions.get(num(ctx.params.reaction_id));
      if (!r || r.commentId !== num(ctx.params.comment_id)) return notFound(docs(ctx));
      repo.reactions.delete(r.id);
      return { status: 204 };
    },

    // -- labels
    "issues/list-labels-for-repo": (ctx) => pageOf(ctx, [...R(ctx).labels.values()], (l) => R(ctx).labelJson(l, ctx.base)),
    "issues/get-label": (ctx) => {
      const l = R(ctx).labels.get(ctx.params.name!.toLowerCase());
      return l ? { body: R(ctx).labelJson(l, ctx.base) } : notFound(docs(ctx));
    },
    "issues/create-label": (ctx) => {
      const repo = R(ctx);
      if (repo.labels.has(String(ctx.body.name).toLowerCase())) return validationFailed([{ resource: "Label", code: "already_exists", field: "name" }], docs(ctx));
      const color = String(ctx.body.color ?? "ededed").replace(/^#/, "");
      if (!/^[0-9a-fA-F]{6}$/.test(color)) return validationFailed([{ resource: "Label", code: "invalid", field: "color" }], docs(ctx));
      const l = repo.ensureLabel(ctx.body.name, color.toLowerCase(), ctx.body.description ?? null);
      return { status: 201, body: repo.labelJson(l, ctx.base) };
    },
    "issues/list-labels-on-issue": (ctx) => {
      const p = pullOf(ctx, "issue_number");
      if (!p) return notFound(docs(ctx));
      return pageOf(ctx, p.labels, (n) => R(ctx).labelJson(R(ctx).ensureLabel(n), ctx.base));
    },
    "issues/add-labels": (ctx) => {
      const p = pullOf(ctx, "issue_number");
      if (!p) return notFound(docs(ctx));
      R(ctx).addLabels(p, labelNames(ctx.body));
      return { body: p.labels.map((n) => R(ctx).labelJson(R(ctx).ensureLabel(n), ctx.base)) };
    },
    "issues/set-labels": (ctx) => {
      const p = pullOf(ctx, "issue_number");
      if (!p) return notFound(docs(ctx));
      p.labels = [...new Set(labelNames(ctx.body).map((n) => R(ctx).ensureLabel(n).name))];
      p.updatedAt = ctx.gh.iso();
      return { body: p.labels.map((n) => R(ctx).labelJson(R(ctx).ensureLabel(n), ctx.base)) };
    },
    "issues/remove-label": (ctx) => {
      const p = pullOf(ctx, "issue_number");
      if (!p) return notFound(docs(ctx));
      if (!R(ctx).removeLabel(p, ctx.params.name!)) return ghError(404, "Label does not exist", {}, docs(ctx));
      return { body: p.labels.map((n) => R(ctx).labelJson(R(ctx).ensureLabel(n), ctx.base)) };
    },

    // -- check runs
    "checks/create": async (ctx) => {
      const repo = R(ctx);
      const b = ctx.body;
      if ((await repo.git.typeOf(b.head_sha)) !== "commit") return validationFailed([{ resource: "CheckRun", code: "invalid", field: "head_sha" }], docs(ctx));
      const run: CheckRunState = {
        id: ctx.gh.nextId("check"),
        name: b.name,
        headSha: b.head_sha,
        status: "queued",
        conclusion: null,
        startedAt: null,
        completedAt: null,
        detailsUrl: b.details_url ?? null,
        externalId: b.external_id ?? null,
        output: { title: null, summary: null, text: null },
        annotations: [],
        app: ctx.gh.app.slug,
      };
      const err = applyCheckRun(ctx, run, b, true);
      if (err) return err;
      repo.checkRuns.set(run.id, run);
      return { status: 201, body: repo.checkRunJson(run, ctx.base) };
    },
    "checks/update": (ctx) => {
      const run = R(ctx).checkRuns.get(num(ctx.params.check_run_id));
      if (!run) return notFound(docs(ctx));
      const err = applyCheckRun(ctx, run, ctx.body, false);
      if (err) return err;
      return { body: R(ctx).checkRunJson(run, ctx.base) };
    },
    "checks/get": (ctx) => {
      const run = R(ctx).checkRuns.get(num(ctx.params.check_run_id));
      return run ? { body: R(ctx).checkRunJson(run, ctx.base) } : notFound(docs(ctx));
    },
    "checks/list-annotations": (ctx) => {
      const run = R(ctx).checkRuns.get(num(ctx.params.check_run_id));
      if (!run) return notFound(docs(ctx));
      return pageOf(ctx, run.annotations, (a) => ({ blob_href: `https://github.com/${R(ctx).fullName}/blob/${run.headSha}/${a.path}`, start_column: null, end_column: null, title: null, raw_details: null, ...a }));
    },
    "checks/list-for-ref": async (ctx) => {
      const repo = R(ctx);
      const sha = await repo.git.resolveCommit(ctx.params.ref!);
      if (!sha) return ghError(422, `No commit found for SHA: ${ctx.params.ref}`, {}, docs(ctx));
      let runs = [...repo.checkRuns.values()].filter((c) => c.headSha === sha && (!ctx.query.check_name || c.name === ctx.query.check_name) && (!ctx.query.status || c.status === ctx.query.status));
      if ((ctx.query.filter ?? "latest") === "latest") runs = runs.filter((c) => !runs.some((o) => o.name === c.name && o.id > c.id));
      runs.sort((a, b) => b.id - a.id);
      const p = paginate(ctx, runs);
      return { body: { total_count: runs.length, check_runs: p.items.map((c) => repo.checkRunJson(c, ctx.base)) }, headers: p.headers };
    },

    // -- statuses
    "repos/create-commit-status": async (ctx) => {
      const repo = R(ctx);
      if ((await repo.git.typeOf(ctx.params.sha!)) !== "commit") return ghError(422, `No commit found for SHA: ${ctx.params.sha}`, {}, docs(ctx));
      if (ctx.body.description && String(ctx.body.description).length > 140) return validationFailed([{ resource: "Status", code: "custom", field: "description", message: "description is too long (maximum is 140 characters)" }], docs(ctx));
      const s: StatusState = {
        id: ctx.gh.nextId("status"),
        sha: ctx.params.sha!,
        state: ctx.body.state,
        description: ctx.body.description ?? null,
        context: ctx.body.context ?? "default",
        targetUrl: ctx.body.target_url ?? null,
        creator: ctx.actor.login,
        createdAt: ctx.gh.iso(),
      };
      repo.statuses.push(s);
      return { status: 201, body: repo.statusJson(s, ctx.base) };
    },
    "repos/get-combined-status-for-ref": async (ctx) => {
      const repo = R(ctx);
      const sha = await repo.git.resolveCommit(ctx.params.ref!);
      if (!sha) return notFound(docs(ctx));
      const latest = new Map<string, StatusState>();
      for (const s of repo.statusesOf(sha)) latest.set(s.context, s);
      const list = [...latest.values()];
      const state = list.some((s) => s.state === "error" || s.state === "failure") ? "failure" : list.length === 0 || list.some((s) => s.state === "pending") ? "pending" : "success";
      const p = paginate(ctx, list);
      return {
        body: { state, statuses: p.items.map((s) => repo.statusJson(s, ctx.base)), sha, total_count: list.length, repository: repo.repoJson(ctx.base), commit_url: `${repo.apiBase(ctx)}/commits/${sha}`, url: `${repo.apiBase(ctx)}/commits/${sha}/status` },
        headers: p.headers,
      };
    },
    "repos/list-commit-statuses-for-ref": async (ctx) => {
      const repo = R(ctx);
      const sha = await repo.git.resolveCommit(ctx.params.ref!);
      if (!sha) return notFound(docs(ctx));
      return pageOf(ctx, repo.statusesOf(sha).reverse(), (s) => repo.statusJson(s, ctx.base));
    },

    // -- collaborators
    "repos/get-collaborator-permission-level": (ctx) => {
      const repo = R(ctx);
      const login = ctx.params.username!;
      const perm = repo.permissionOf(login);
      const at = (p: Permission) => PERMISSION_RANK.indexOf(perm) >= PERMISSION_RANK.indexOf(p);
      return {
        body: {
          permission: PERMISSION_LEGACY[perm],
          role_name: perm,
          user: { ...ctx.gh.user(login), permissions: { admin: at("admin"), maintain: at("maintain"), push: at("write"), triage: at("triage"), pull: at("read") }, role_name: perm },
        },
      };
    },

    // -- git data
    "git/get-ref": async (ctx) => {
      const repo = R(ctx);
      const ref = `refs/${ctx.params.ref}`;
      const found = (await repo.git.listRefs(ref)).find((r) => r.ref === ref);
      return found ? { body: repo.refJson(found.ref, found.sha, found.type, ctx.base) } : notFound(docs(ctx));
    },
    "git/list-matching-refs": async (ctx) => {
      const repo = R(ctx);
      const refs = await repo.git.listRefs(`refs/${ctx.params.ref}`);
      return { body: refs.map((r) => repo.refJson(r.ref, r.sha, r.type, ctx.base)) };
    },
    "git/create-ref": async (ctx) => {
      const repo = R(ctx);
      const ref: string = ctx.body.ref;
      if (!/^refs\/[^/]+\/.+/.test(ref) || /\.\.|[\s~^:?*[\\]|@\{|\/$|\.lock$|\/\./.test(ref)) return ghError(422, "Reference name must start with 'refs/' and have at least two slashes.", {}, docs(ctx));
      if (!(await repo.git.typeOf(ctx.body.sha))) return ghError(422, "Object does not exist", {}, docs(ctx));
      if (!(await repo.git.updateRef(ref, ctx.body.sha, ZERO))) return ghError(422, "Reference already exists", {}, docs(ctx));
      const type = (await repo.git.typeOf(ctx.body.sha))!;
      return { status: 201, body: repo.refJson(ref, ctx.body.sha, type, ctx.base), headers: { location: `${repo.apiBase(ctx)}/git/${ref}` } };
    },
    "git/update-ref": async (ctx) => {
      const repo = R(ctx);
      const ref = `refs/${ctx.params.ref}`;
      const next: string = ctx.body.sha;
      const type = await repo.git.typeOf(next);
      if (!type) return ghError(422, "Object does not exist", {}, docs(ctx));
      for (let attempt = 0; attempt < 50; attempt++) {
        const current = await repo.git.refSha(ref);
        if (!current) return ghError(422, "Reference does not exist", {}, docs(ctx));
        if (ctx.body.force === true) {
          if (await repo.git.updateRef(ref, next, current)) return { body: repo.refJson(ref, next, type, ctx.base) };
          continue;
        }
        if (current !== next && !(type === "commit" && (await repo.git.isAncestor(current, next)))) return ghError(422, "Update is not a fast forward", {}, docs(ctx));
        // The swap is conditional on the value the ancestry was checked against: if another writer
        // moved the ref meanwhile, check again against its new value.
        if (await repo.git.updateRef(ref, next, current)) return { body: repo.refJson(ref, next, type, ctx.base) };
      }
      return ghError(409, "Reference update failed: the ref kept moving", {}, docs(ctx));
    },
    "git/delete-ref": async (ctx) => {
      const repo = R(ctx);
      const ref = `refs/${ctx.params.ref}`;
      const current = await repo.git.refSha(ref);
      if (!current || !(await repo.git.deleteRef(ref, current))) return ghError(422, "Reference does not exist", {}, docs(ctx));
      return { status: 204 };
    },
    "git/get-commit": async (ctx) => {
      const repo = R(ctx);
      const c = await repo.git.readCommit(ctx.params.commit_sha!);
      return c ? { body: repo.commitJson(c, ctx.base) } : notFound(docs(ctx));
    },
    "git/create-commit": async (ctx) => {
      const repo = R(ctx);
      const b = ctx.body;
      if ((await repo.git.typeOf(b.tree)) !== "tree") return ghError(422, "Tree SHA does not exist", {}, docs(ctx));
      const parents: string[] = b.parents ?? [];
      for (const p of parents) if ((await repo.git.typeOf(p)) !== "commit") return ghError(422, "Parent SHA does not exist or is not a commit object", {}, docs(ctx));
      const me = repo.person(ctx.actor.login);
      const author: Person = b.author ? { name: b.author.name, email: b.author.email, date: b.author.date ?? me.date } : me;
      const committer: Person = b.committer ? { name: b.committer.name, email: b.committer.email, date: b.committer.date ?? me.date } : author;
      const sha = await repo.git.writeCommit({ tree: b.tree, parents, message: b.message, author, committer });
      const c = (await repo.git.readCommit(sha))!;
      return { status: 201, body: repo.commitJson(c, ctx.base), headers: { location: `${repo.apiBase(ctx)}/git/commits/${sha}` } };
    },
    "git/create-tree": async (ctx) => {
      const repo = R(ctx);
      const b = ctx.body;
      let baseTree: string | null = null;
      if (b.base_tree) {
        baseTree = b.base_tree;
        if ((await repo.git.typeOf(baseTree!)) !== "tree") return ghError(422, "base_tree is not a valid tree oid", {}, docs(ctx));
      }
      const changes: { path: string; mode: string; type: string; sha: string | null }[] = [];
      for (const e of b.tree as { path?: string; mode?: string; type?: string; sha?: string | null; content?: string }[]) {
        if (!e.path) return ghError(422, "tree.path is missing", {}, docs(ctx));
        if (e.content !== undefined && e.sha !== undefined) return ghError(422, "Must supply either tree.sha or tree.content, not both", {}, docs(ctx));
        const type = e.type ?? (e.mode === "040000" ? "tree" : e.mode === "160000" ? "commit" : "blob");
        const mode = e.mode ?? (type === "tree" ? "040000" : type === "commit" ? "160000" : "100644");
        if ((type === "tree") !== (mode === "040000") || (type === "commit") !== (mode === "160000")) return ghError(422, `tree.mode ${mode} does not match tree.type ${type} for ${e.path}`, {}, docs(ctx));
        if (e.content !== undefined) {
          if (type !== "blob") return ghError(422, `tree.content can only be given for blobs (${e.path})`, {}, docs(ctx));
          changes.push({ path: e.path, mode, type, sha: await repo.git.writeBlob(Buffer.from(e.content, "utf8")) });
        } else if (e.sha === null) {
          changes.push({ path: e.path, mode, type, sha: null });
        } else if (e.sha !== undefined) {
          const actual = await repo.git.typeOf(e.sha);
          if (type !== "commit" && actual !== type) return ghError(422, `tree.sha ${e.sha} is not a valid ${type}`, {}, docs(ctx));
          changes.push({ path: e.path, mode, type, sha: e.sha });
        } else {
          return ghError(422, `Must supply either tree.sha or tree.content (${e.path})`, {}, docs(ctx));
        }
      }
      const sha = await repo.git.buildTree(baseTree, changes);
      return { status: 201, body: await treeJson(repo, sha, false, ctx), headers: { location: `${repo.apiBase(ctx)}/git/trees/${sha}` } };
    },
    "git/get-tree": async (ctx) => {
      const repo = R(ctx);
      let sha = ctx.params.tree_sha!;
      if ((await repo.git.typeOf(sha)) !== "tree") {
        const commit = await repo.git.resolveCommit(sha);
        if (!commit) return notFound(docs(ctx));
        sha = (await repo.git.readCommit(commit))!.tree;
      }
      return { body: await treeJson(repo, sha, ctx.query.recursive !== undefined && ctx.query.recursive !== "0" && ctx.query.recursive !== "false", ctx) };
    },
    "git/get-blob": async (ctx) => {
      const repo = R(ctx);
      const sha = ctx.params.file_sha!;
      const content = await repo.git.readBlob(sha);
      if (!content) return notFound(docs(ctx));
      return { body: { sha, node_id: Buffer.from(`04:Blob${sha}`).toString("base64"), size: content.length, url: `${repo.apiBase(ctx)}/git/blobs/${sha}`, content: wrap64(content), encoding: "base64" } };
    },
    "git/create-blob": async (ctx) => {
      const repo = R(ctx);
      const enc = ctx.body.encoding ?? "utf-8";
      if (enc !== "utf-8" && enc !== "utf8" && enc !== "base64") return ghError(422, `encoding must be "utf-8" or "base64", not ${JSON.stringify(enc)}`, {}, docs(ctx));
      const content = enc === "base64" ? Buffer.from(ctx.body.content, "base64") : Buffer.from(ctx.body.content, "utf8");
      const sha = await repo.git.writeBlob(content);
      return { status: 201, body: { sha, url: `${repo.apiBase(ctx)}/git/blobs/${sha}` }, headers: { location: `${repo.apiBase(ctx)}/git/blobs/${sha}` } };
    },
  };
  return h;
}

/** Why GitHub refuses an issue comment's body (REST and GraphQL alike), or null. */
function commentBodyError(body: string): string | null {
  return body.length > 65536 ? "body is too long (maximum is 65536 characters)" : null;
}

function labelNames(body: unknown): string[] {
  const list = Array.isArray(body) ? body : ((body as { labels?: unknown[] } | null)?.labels ?? []);
  return list.map((l) => (typeof l === "string" ? l : String((l as { name: string }).name)));
}

async function treeJson(repo: LocalRepo, sha: string, recursive: boolean, ctx: Ctx): Promise<Record<string, unknown>> {
  const entries = (await repo.git.readTree(sha, recursive)) ?? [];
  const api = repo.apiBase(ctx);
  return {
    sha,
    url: `${api}/git/trees/${sha}`,
    tree: entries.map((e) => ({ path: e.path, mode: e.mode, type: e.type, sha: e.sha, ...(e.size !== undefined ? { size: e.size } : {}), url: `${api}/git/${e.type}s/${e.sha}` })),
    truncated: false,
  };
}

/** Apply a create/update body to a check run; a GitHub error answer when it is refused. */
function applyCheckRun(ctx: Ctx, run: CheckRunState, b: any, creating: boolean): FakeResponse | null {
  const status = b.conclusion !== undefined && b.conclusion !== null ? "completed" : (b.status ?? (creating ? "queued" : run.status));
  if (status === "completed" && !(b.conclusion ?? run.conclusion)) {
    return validationFailed([{ resource: "CheckRun", code: "missing_field", field: "conclusion" }], ctx.op.documentationUrl);
  }
  if (b.name !== undefined) run.name = b.name;
  if (b.details_url !== undefined) run.detailsUrl = b.details_url;
  if (b.external_id !== undefined) run.externalId = b.external_id;
  run.status = status;
  if (b.conclusion !== undefined) run.conclusion = b.conclusion;
  run.startedAt = b.started_at ?? run.startedAt ?? ctx.gh.iso();
  if (status === "completed") run.completedAt = b.completed_at ?? run.completedAt ?? ctx.gh.iso();
  if (b.output) {
    if (b.output.title !== undefined) run.output.title = b.output.title;
    if (b.output.summary !== undefined) run.output.summary = b.output.summary;
    if (b.output.text !== undefined) run.output.text = b.output.text;
    // Annotations accumulate across updates (GitHub appends them).
    for (const a of b.output.annotations ?? []) run.annotations.push(a as Annotation);
  }
  return null;
}

async function pullFiles(repo: LocalRepo, p: PullState): Promise<FileChange[]> {
  const base = (await repo.git.mergeBase(p.baseSha, p.headSha)) ?? p.baseSha;
  return repo.git.diff(base, p.headSha);
}

async function pullCommits(repo: LocalRepo, p: PullState): Promise<CommitData[]> {
  const shas = await repo.git.revList(p.headSha, [p.baseSha]);
  return Promise.all(shas.map(async (s) => (await repo.git.readCommit(s))!));
}

/** The GitHub operationIds this model answers (everything else in GitHub's API is "not-modelled"). */
export function modelledOperations(): string[] {
  return Object.keys(handlers()).sort();
}
