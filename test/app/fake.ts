/**
 * A small model of the GitHub endpoints the App uses, served through nock 14 (no network): pull
 * request files, check runs, issue comments, labels, reactions, collaborator permission, git
 * trees/commits/refs (with GitHub's fast-forward-only ref update) and the GraphQL ledger/config read.
 * Every request is logged with its body so tests assert exact requests; `failNext` injects answers
 * (404/422/5xx, a lost ref race).
 */
import { generateKeyPairSync } from "node:crypto";
import nock from "nock";
import { Probot, ProbotOctokit } from "probot";
import examples from "@octokit/webhooks-examples";
import { createApp } from "../../src/app/index.js";
import type { Drain } from "../../src/app/core.js";
import { LedgerWriter } from "../../src/app/ledger-writer.js";
import type { Ledger } from "../../src/engine/types.js";
import { parseLedger, serializeLedger } from "../../src/ledger/schema.js";
import { blobOid, layoutFiles, ledgerFromFiles } from "../../src/ledger/layout.js";

export const API = "https://api.github.com";
export const OWNER = "Codertocat";
export const REPO = "Hello-World";
export const BASE = `/repos/${OWNER}/${REPO}`;

type J = Record<string, any>;

export interface Req {
  method: string;
  path: string;
  body: any;
}

export interface PrFile {
  filename: string;
  status?: string;
  patch?: string;
  previous_filename?: string;
}

interface Commit {
  sha: string;
  /** A v1 ledger document (the commit's tree holds ledger.json only)... */
  text?: string;
  /** ...or the commit's tree as path → text (the v2 layout). */
  files?: Map<string, string>;
  parents: string[];
  message: string;
}

const isMutation = (body: unknown): boolean => /^\s*mutation\b/.test(String((body as J | null)?.query ?? ""));

export class FakeGitHub {
  log: Req[] = [];
  defaultFiles = new Map<string, string>();
  headFiles = new Map<string, Map<string, string>>();
  prFiles = new Map<number, PrFile[]>();
  checkRuns: J[] = [];
  comments: J[] = [];
  issueLabels = new Map<number, string[]>();
  repoLabels = new Map<string, J>();
  reactions: { comment: number; content: string }[] = [];
  permissions = new Map<string, string>();
  commits = new Map<string, Commit>();
  trees = new Map<string, Map<string, string>>();
  ledgerRef: string | null = null;
  /** Pull requests as GitHub has them now (REST JSON): `send` records each pull_request payload's. */
  pulls = new Map<number, J>();
  /** Commit messages of a PR (oldest first), as GraphQL's PullRequest.commits lists them. */
  pullCommits = new Map<number, string[]>();
  #seq = 100;
  /** Git object names are unique across fakes (a process's ledger cache is keyed by them, as real shas are). */
  static #objects = 0;
  objectId(prefix: string): string {
    return `${prefix}${this.id()}x${++FakeGitHub.#objects}`.padEnd(40, "0");
  }
  #faults: { method: string; path: RegExp; status: number; body: J; times: number }[] = [];
  /** Review requests made (`POST pulls/{n}/requested_reviewers` bodies), by PR. */
  reviewRequests = new Map<number, J[]>();
  /** Team members ("org/slug" → logins) for `GET orgs/{org}/teams/{slug}/memberships/{user}`. */
  teamMembers = new Map<string, string[]>();
  /** Reverts opened with GraphQL's `revertPullRequest` (its input); `revertError` makes the next one fail. */
  reverts: J[] = [];
  revertError: { type: string; message: string } | null = null;
  /** Runs before a ref update is applied (to simulate another writer winning meanwhile). */
  beforeRefUpdate: (() => void) | null = null;

  constructor() {
    nock(API)
      .persist()
      .intercept(/.*/, "GET")
      .reply((uri) => this.#handle("GET", uri, undefined))
      .intercept(/.*/, "POST")
      .reply((uri, body) => this.#handle("POST", uri, body))
      .intercept(/.*/, "PATCH")
      .reply((uri, body) => this.#handle("PATCH", uri, body))
      .intercept(/.*/, "DELETE")
      .reply((uri) => this.#handle("DELETE", uri, undefined));
  }

  id(): number {
    return ++this.#seq;
  }

  failNext(method: string, path: RegExp, status: number, body: J = { message: "boom" }, times = 1): void {
    this.#faults.push({ method, path, status, body, times });
  }

  get ledger(): Ledger | null {
    if (!this.ledgerRef) return null;
    const files = this.filesOf(this.ledgerRef);
    return files.has("meta.json") ? ledgerFromFiles(files, "fake", "") : parseLedger(files.get("ledger.json")!, "fake");
  }

  /** The tree of a commit as path → text. */
  filesOf(commit: string): Map<string, string> {
    const c = this.commits.get(commit)!;
    return c.files ?? new Map(c.text !== undefined ? [["ledger.json", c.text]] : []);
  }

  /** Seeds the ledger as the App writes it (v2); `v1` seeds the old one-document layout. */
  setLedger(l: Ledger, opts: { v1?: boolean } = {}): void {
    const sha = this.objectId("seed");
    const content = opts.v1 ? { text: serializeLedger(l) } : { files: layoutFiles(l) };
    this.commits.set(sha, { sha, ...content, parents: this.ledgerRef ? [this.ledgerRef] : [], message: "seed" });
    this.ledgerRef = sha;
  }

  /** Seeds a ledger commit with exactly these files (path → text), e.g. one an older pucs wrote. */
  setFiles(files: ReadonlyMap<string, string>): void {
    const sha = this.objectId("seed");
    this.commits.set(sha, { sha, files: new Map(files), parents: this.ledgerRef ? [this.ledgerRef] : [], message: "seed" });
    this.ledgerRef = sha;
  }

  /** Requests other than the GraphQL read, as "METHOD path". */
  calls(): string[] {
    return this.log.map((r) => `${r.method} ${r.path.replace(/\?.*$/, "")}`);
  }

  /** Every write: REST's, and GraphQL requests with mutations (one request, one write, as GitHub counts them). */
  writes(): Req[] {
    return this.log.filter((r) => r.method !== "GET" && !(r.path === "/graphql" && !isMutation(r.body)));
  }

  /** The App's report comment made on `issue` (REST or GraphQL). */
  #comment(issue: number, body: string): J {
    const id = this.id();
    const c = { id, node_id: `IC_${id}`, issue, body, user: { login: "pucs[bot]", type: "Bot" } };
    this.comments.push(c);
    return c;
  }

  /**
   * GraphQL's addComment / updateIssueComment / addLabelsToLabelable / removeLabelsFromLabelable on
   * this model (inputs as variables $c $u $a $r, run in order; an unknown node id: that field null
   * and a NOT_FOUND error, the others still run — as GitHub does).
   */
  #mutate(query: string, v: J): J {
    const data: J = {};
    const errors: J[] = [];
    const pullOf = (node: string): number | null => {
      const m = /^PR_node_(\d+)$/.exec(node);
      return m ? Number(m[1]) : null;
    };
    const missing = (alias: string, id: unknown) => {
      data[alias] = null;
      errors.push({ type: "NOT_FOUND", path: [alias], message: `Could not resolve to a node with the global id of '${String(id)}'.` });
    };
    for (const m of query.matchAll(/(\w+): (\w+)\(input: \$(\w+)\)/g)) {
      const [, alias, field, name] = m as unknown as [string, string, string, string];
      const input = (v[name] ?? {}) as J;
      if (field === "addComment") {
        const n = pullOf(String(input.subjectId));
        if (n === null) missing(alias, input.subjectId);
        else data[alias] = { commentEdge: { node: { databaseId: this.#comment(n, String(input.body)).id } } };
      } else if (field === "updateIssueComment") {
        const c = this.comments.find((x) => x.node_id === input.id);
        if (!c) missing(alias, input.id);
        else {
          c.body = String(input.body);
          data[alias] = { issueComment: { databaseId: c.id } };
        }
      } else if (field === "addLabelsToLabelable" || field === "removeLabelsFromLabelable") {
        const n = pullOf(String(input.labelableId));
        const names = (input.labelIds as string[]).map((id) => [...this.repoLabels.values()].find((l) => (l.node_id ?? `LA_${l.name}`) === id)?.name as string | undefined);
        if (n === null) missing(alias, input.labelableId);
        else if (names.some((x) => x === undefined)) missing(alias, (input.labelIds as string[])[names.findIndex((x) => x === undefined)]);
        else {
          const cur = this.issueLabels.get(n) ?? ((this.pulls.get(n)?.labels ?? []) as J[]).map((l) => String(l.name));
          this.issueLabels.set(n, field === "addLabelsToLabelable" ? [...cur, ...names.filter((x) => !cur.includes(x!))] as string[] : cur.filter((x) => !names.includes(x)));
          data[alias] = { clientMutationId: null };
        }
      } else throw new Error(`fake GitHub has no mutation ${field}`);
    }
    return errors.length > 0 ? { data, errors } : { data };
  }

  reset(): void {
    this.log = [];
  }

  /**
   * A `fetch` answering from this model in process, without nock or sockets (for Octokit's
   * `request.fetch`: the benchmark times the App's own work with it).
   */
  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const t0 = performance.now();
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    const method = (init?.method ?? "GET").toUpperCase();
    const [status, body, headers] = this.#handle(method, url.pathname + url.search, typeof init?.body === "string" ? init.body : undefined);
    const text = status === 204 ? null : JSON.stringify(body);
    this.serverMs += performance.now() - t0;
    return new Response(text, { status, headers: { "content-type": "application/json; charset=utf-8", ...(headers ?? {}) } });
  };

  /** Time spent in `fetch` being GitHub (routing, the model's work, serializing its answer), in ms. */
  serverMs = 0;

  #handle(method: string, uri: string, body: unknown): [number, unknown, Record<string, string>?] {
    try {
      return this.#route(method, uri, body);
    } catch (e) {
      return [500, { message: `fake GitHub crashed: ${(e as Error).message}` }];
    }
  }

  #route(method: string, uri: string, body: unknown): [number, unknown, Record<string, string>?] {
    const b = typeof body === "string" && body ? JSON.parse(body) : body;
    this.log.push({ method, path: uri, body: b });
    const [path, qs] = uri.split("?") as [string, string | undefined];
    const q = new URLSearchParams(qs ?? "");
    const fault = this.#faults.find((f) => f.method === method && f.path.test(path));
    if (fault) {
      if (--fault.times <= 0) this.#faults.splice(this.#faults.indexOf(fault), 1);
      return [fault.status, fault.body];
    }
    let m: RegExpMatchArray | null;
    if (method === "POST" && path === "/graphql") return [200, this.#graphql(b)];
    if (method === "POST" && /^\/app\/installations\/\d+\/access_tokens$/.test(path)) {
      return [201, { token: "installation-token", expires_at: "2999-01-01T00:00:00Z", permissions: {}, repository_selection: "all" }];
    }
    if (method === "GET" && (m = path.match(new RegExp(`^${BASE}/pulls/(\\d+)/files$`)))) {
      const files = this.prFiles.get(Number(m[1])) ?? [];
      const page = Number(q.get("page") ?? 1);
      const per = Number(q.get("per_page") ?? 30);
      const slice = files.slice((page - 1) * per, page * per);
      const headers: Record<string, string> = page * per < files.length ? { link: `<${API}${path}?page=${page + 1}>; rel="next"` } : {};
      return [200, slice.map((f) => ({ sha: "x", additions: 1, deletions: 1, changes: 2, status: "modified", ...f })), headers];
    }
    if (method === "GET" && path === `${BASE}/pulls`) {
      // Open PRs oldest first, paged like GitHub (the PRs this model was sent, as they are now).
      const open = [...this.pulls.values()].filter((p) => p.state !== "closed" && (q.get("state") ?? "open") === "open").sort((a, b) => Number(a.number) - Number(b.number));
      const page = Number(q.get("page") ?? 1);
      const per = Number(q.get("per_page") ?? 30);
      const headers: Record<string, string> = page * per < open.length ? { link: `<${API}${path}?state=open&page=${page + 1}>; rel="next"` } : {};
      return [200, open.slice((page - 1) * per, page * per), headers];
    }
    if (method === "GET" && path === BASE) return [200, { id: 186853002, name: REPO, full_name: `${OWNER}/${REPO}`, default_branch: "master" }];
    if (method === "GET" && (m = path.match(new RegExp(`^${BASE}/commits/([^/]+)/check-runs$`)))) {
      // Newest first; `filter=latest` (GitHub's default) keeps the most recent run of each name.
      const all = this.checkRuns.filter((r) => r.head_sha === m![1] && (!q.get("check_name") || r.name === q.get("check_name"))).reverse();
      const runs = q.get("filter") === "all" ? all : all.filter((r, i) => all.findIndex((x) => x.name === r.name) === i);
      return [200, { total_count: runs.length, check_runs: runs }];
    }
    if (method === "POST" && path === `${BASE}/check-runs`) {
      const run = { id: this.id(), ...b, output: { ...b.output, annotations_count: b.output?.annotations?.length ?? 0 } };
      this.checkRuns.push(run);
      return [201, run];
    }
    if (method === "PATCH" && (m = path.match(new RegExp(`^${BASE}/check-runs/(\\d+)$`)))) {
      const run = this.checkRuns.find((r) => r.id === Number(m![1]));
      if (!run) return [404, { message: "Not Found" }];
      Object.assign(run, { ...b, output: { ...run.output, ...b.output } });
      return [200, run];
    }
    if (method === "GET" && (m = path.match(new RegExp(`^${BASE}/issues/(\\d+)/comments$`)))) {
      return [200, this.comments.filter((c) => c.issue === Number(m![1]))];
    }
    if (method === "POST" && (m = path.match(new RegExp(`^${BASE}/issues/(\\d+)/comments$`)))) {
      return [201, this.#comment(Number(m[1]), b.body)];
    }
    if (method === "GET" && (m = path.match(new RegExp(`^${BASE}/issues/comments/(\\d+)$`)))) {
      const c = this.comments.find((x) => x.id === Number(m![1]));
      return c ? [200, c] : [404, { message: "Not Found" }];
    }
    if (method === "PATCH" && (m = path.match(new RegExp(`^${BASE}/issues/comments/(\\d+)$`)))) {
      const c = this.comments.find((x) => x.id === Number(m![1]));
      if (!c) return [404, { message: "Not Found" }];
      c.body = b.body;
      return [200, c];
    }
    if (method === "POST" && (m = path.match(new RegExp(`^${BASE}/issues/comments/(\\d+)/reactions$`)))) {
      this.reactions.push({ comment: Number(m[1]), content: b.content });
      return [201, { id: this.id(), content: b.content }];
    }
    if (method === "GET" && (m = path.match(new RegExp(`^${BASE}/issues/(\\d+)/labels$`)))) {
      // The labels the App set, else the PR's own as GitHub was sent them.
      const n = Number(m[1]);
      const set = this.issueLabels.get(n) ?? ((this.pulls.get(n)?.labels ?? []) as J[]).map((l) => String(l.name));
      return [200, set.map((name) => ({ name }))];
    }
    if (method === "POST" && (m = path.match(new RegExp(`^${BASE}/issues/(\\d+)/labels$`)))) {
      const n = Number(m[1]);
      const cur = this.issueLabels.get(n) ?? [];
      for (const l of b.labels) if (!cur.includes(l)) cur.push(l);
      this.issueLabels.set(n, cur);
      return [200, cur.map((name) => ({ name }))];
    }
    if (method === "DELETE" && (m = path.match(new RegExp(`^${BASE}/issues/(\\d+)/labels/(.+)$`)))) {
      const n = Number(m[1]);
      const name = decodeURIComponent(m[2]!);
      const cur = this.issueLabels.get(n) ?? [];
      if (!cur.includes(name)) return [404, { message: "Label does not exist" }];
      this.issueLabels.set(n, cur.filter((x) => x !== name));
      return [200, []];
    }
    if (method === "GET" && path === `${BASE}/labels`) return [200, [...this.repoLabels.values()]];
    if (method === "GET" && (m = path.match(new RegExp(`^${BASE}/labels/(.+)$`)))) {
      const l = this.repoLabels.get(decodeURIComponent(m[1]!));
      return l ? [200, { node_id: `LA_${l.name}`, ...l }] : [404, { message: "Not Found" }];
    }
    if (method === "POST" && path === `${BASE}/labels`) {
      const label = { ...b, node_id: `LA_${b.name}` };
      this.repoLabels.set(b.name, label);
      return [201, label];
    }
    if (method === "GET" && (m = path.match(new RegExp(`^${BASE}/collaborators/([^/]+)/permission$`)))) {
      const role = this.permissions.get(decodeURIComponent(m[1]!));
      if (!role) return [404, { message: "Not Found" }];
      return [200, { permission: role === "maintain" ? "write" : role, role_name: role, user: { login: m[1] } }];
    }
    if (method === "POST" && path === `${BASE}/git/trees`) {
      // GitHub's create-tree: base_tree's files, then each entry (nested paths; sha: null deletes).
      if (b.base_tree && !this.trees.has(b.base_tree)) return [422, { message: "base_tree is not a valid tree oid" }];
      const files = new Map(b.base_tree ? this.trees.get(b.base_tree)! : []);
      for (const e of b.tree as J[]) {
        if (e.sha === null) for (const k of [...files.keys()]) if (k === e.path || k.startsWith(`${e.path}/`)) files.delete(k);
        if (typeof e.content === "string") files.set(e.path, e.content);
      }
      const sha = this.objectId("tree");
      this.trees.set(sha, files);
      return [201, { sha }];
    }
    if (method === "POST" && path === `${BASE}/git/commits`) {
      const sha = this.objectId("commit");
      if (!this.trees.has(b.tree)) return [422, { message: "Tree SHA does not exist" }];
      this.commits.set(sha, { sha, files: this.trees.get(b.tree)!, parents: b.parents, message: b.message });
      return [201, { sha }];
    }
    if (method === "POST" && path === `${BASE}/git/refs`) {
      this.beforeRefUpdate?.();
      if (this.ledgerRef) return [422, { message: "Reference already exists" }];
      this.ledgerRef = b.sha;
      return [201, { ref: b.ref, object: { sha: b.sha } }];
    }
    if (method === "PATCH" && path === `${BASE}/git/refs/pucs%2Fledger`) {
      this.beforeRefUpdate?.();
      if (!this.ledgerRef) return [422, { message: "Reference does not exist" }];
      const c = this.commits.get(b.sha);
      if (!c || c.parents[0] !== this.ledgerRef) return [422, { message: "Update is not a fast forward" }];
      this.ledgerRef = b.sha;
      return [200, { ref: "refs/pucs/ledger", object: { sha: b.sha } }];
    }
    if (method === "POST" && (m = path.match(new RegExp(`^${BASE}/pulls/(\\d+)/requested_reviewers$`)))) {
      const n = Number(m[1]);
      this.reviewRequests.set(n, [...(this.reviewRequests.get(n) ?? []), b]);
      return [201, { number: n, requested_reviewers: (b.reviewers ?? []).map((login: string) => ({ login })), requested_teams: (b.team_reviewers ?? []).map((slug: string) => ({ slug })) }];
    }
    if (method === "GET" && (m = path.match(/^\/orgs\/([^/]+)\/teams\/([^/]+)\/memberships\/([^/]+)$/))) {
      const members = this.teamMembers.get(`${m[1]}/${m[2]}`) ?? [];
      return members.includes(decodeURIComponent(m[3]!)) ? [200, { state: "active", role: "member" }] : [404, { message: "Not Found" }];
    }
    if (method === "GET" && (m = path.match(new RegExp(`^${BASE}/pulls/(\\d+)$`)))) {
      return [200, pullPayload(Number(m[1]), { files: [] }).pull_request];
    }
    return [500, { message: `fake GitHub has no route for ${method} ${path}` }];
  }

  #graphql(b: J): J {
    const v = b.variables as J;
    if (isMutation(b) && !/revertPullRequest\(/.test(String(b.query))) return this.#mutate(String(b.query), v);
    if (/revertPullRequest\(/.test(String(b.query))) {
      if (this.revertError) {
        const error = this.revertError;
        this.revertError = null;
        return { data: { revertPullRequest: null }, errors: [{ ...error, path: ["revertPullRequest"] }] };
      }
      const number = 500 + this.reverts.length;
      this.reverts.push(v.input as J);
      return { data: { revertPullRequest: { revertPullRequest: { number, url: `https://github.com/${OWNER}/${REPO}/pull/${number}` } } } };
    }
    const blob = (text: string | undefined) => (text === undefined ? null : { __typename: "Blob", oid: blobOid(text), text, isTruncated: false, isBinary: false });
    const repository: J = {};
    // The ledger commit's `alias: file(path: "...")` fields, each a blob or a tree nested to the bottom.
    const commitNode = (sha: string): J => {
      const files = this.filesOf(sha);
      const treeSha = [...this.trees].find(([, f]) => f === files)?.[0] ?? `tree-of-${sha}`.slice(0, 40);
      if (!this.trees.has(treeSha)) this.trees.set(treeSha, files);
      const node = (path: string): J | null => {
        if (files.has(path)) return blob(files.get(path));
        const under = [...files.keys()].filter((k) => k.startsWith(`${path}/`));
        if (under.length === 0) return null;
        const names = [...new Set(under.map((k) => k.slice(path.length + 1).split("/")[0]!))].sort();
        // Each entry with git's id of its blob, as GitHub's TreeEntry.oid (stream heads are checked against them).
        return { __typename: "Tree", entries: names.map((name) => { const object = node(`${path}/${name}`); return { name, oid: (object as J | null)?.oid ?? `tree:${path}/${name}`, object }; }) };
      };
      const out: J = { __typename: "Commit", oid: sha, tree: { oid: treeSha } };
      for (const m of String(b.query).matchAll(/(\w+): file\(path: "([^"]+)"\)/g)) {
        const obj = node(m[2]!);
        out[m[1]!] = obj ? { object: obj } : null;
      }
      return out;
    };
    repository.ledger = this.ledgerRef ? { target: commitNode(this.ledgerRef) } : null;
    if (typeof v.oid === "string") repository.at = this.commits.has(v.oid) ? commitNode(v.oid) : null;
    if (typeof v.pull === "number") {
      const p = this.pulls.get(v.pull) ?? pullPayload(v.pull, { files: [] }).pull_request;
      repository.pull = {
        id: p.node_id ?? `PR_node_${p.number}`,
        mergeCommit: p.merged && p.merge_commit_sha ? { oid: p.merge_commit_sha } : null,
        number: p.number,
        state: p.merged ? "MERGED" : p.state === "closed" ? "CLOSED" : "OPEN",
        isDraft: p.draft === true,
        merged: p.merged === true,
        title: p.title,
        body: p.body ?? "",
        url: p.html_url,
        headRefName: p.head.ref,
        baseRefName: p.base?.ref ?? "master",
        commits: { nodes: (this.pullCommits.get(Number(p.number)) ?? []).map((message) => ({ commit: { message } })) },
        headRefOid: p.head.sha,
        author: p.user.type === "Bot" ? { __typename: "Bot", login: String(p.user.login).replace(/\[bot\]$/, "") } : { __typename: "User", login: p.user.login },
        labels: { nodes: (p.labels ?? []).map((l: J) => ({ name: l.name })) },
      };
    }
    for (const [k, expr] of Object.entries(v)) {
      if (!/^f\d+$/.test(k)) continue;
      const [rev, ...rest] = String(expr).split(":");
      const p = rest.join(":");
      repository[k] = blob(rev === "master" ? this.defaultFiles.get(p) : this.headFiles.get(rev!)?.get(p));
    }
    return { data: { repository } };
  }
}

// ---------------------------------------------------------------------------
// Payloads: real examples from @octokit/webhooks-examples, with the fields they lack filled in
// ---------------------------------------------------------------------------

const all = examples as unknown as { name: string; examples: J[] }[];

export function example(name: string, action: string): J {
  const e = all.find((x) => x.name === name)!.examples.find((x) => x.action === action);
  if (!e) throw new Error(`no ${name}.${action} example`);
  return structuredClone(e);
}

export interface PrSpec {
  files?: PrFile[];
  author?: string;
  labels?: string[];
  headSha?: string;
  action?: string;
  merged?: boolean;
  draft?: boolean;
  branch?: string;
}

export function shaFor(n: number): string {
  return `${n}`.padStart(4, "0").padEnd(40, "a");
}

export function pullPayload(number: number, spec: PrSpec): J {
  const action = spec.action ?? "opened";
  const p = example("pull_request", action === "closed" ? "closed" : "opened");
  p.action = action;
  p.number = number;
  const pr = p.pull_request;
  pr.number = number;
  // GitHub's node id is the PR's own (the example's would name one PR for all of them).
  pr.node_id = `PR_node_${number}`;
  pr.html_url = `https://github.com/${OWNER}/${REPO}/pull/${number}`;
  pr.title = `PR ${number}`;
  pr.head.sha = spec.headSha ?? shaFor(number);
  pr.head.ref = spec.branch ?? `topic-${number}`;
  pr.user.login = spec.author ?? `agent${number}`;
  pr.labels = (spec.labels ?? []).map((name) => ({ name }));
  pr.draft = spec.draft ?? false;
  pr.state = action === "closed" ? "closed" : "open";
  pr.merged = spec.merged ?? false;
  return p;
}

const commentIds = new Map<number, number>();

export function commentPayload(number: number, body: string, opts: { commenter?: string; author?: string; bot?: boolean } = {}): J {
  const p = example("issue_comment", "created");
  p.issue.number = number;
  p.issue.pull_request = { url: `${API}${BASE}/pulls/${number}` };
  p.issue.user.login = opts.author ?? `agent${number}`;
  // The first comment on PR n is 9000 + n; later ones on the same PR get new ids (as on GitHub).
  const seen = commentIds.get(number) ?? 0;
  commentIds.set(number, seen + 1);
  p.comment.id = 9000 + number + seen * 1000;
  p.comment.body = body;
  p.comment.user.login = opts.commenter ?? opts.author ?? `agent${number}`;
  p.comment.user.type = opts.bot ? "Bot" : "User";
  return p;
}

export const CONFIG = `version: 1
streams:
  EXEC:
    name: Execution
    files_pattern: "execution/**"
    max_agents: 3
  API:
    name: API
    files_pattern: "api/**"
    max_agents: 3
    dependencies: [EXEC]
locks:
  default_ttl: 30
  max_ttl: 8h
`;

export const NOW = Date.parse("2026-11-23T12:00:00Z");

export interface Harness {
  /** The App's background refreshes (src/app/core.ts scheduleDrain): `drainsIdle(h.drains)` waits for them. */
  drains: Map<string, Drain>;
  gh: FakeGitHub;
  probot: Probot;
  writer: LedgerWriter;
  send(name: string, payload: J): Promise<void>;
  clock: { now: number };
}

export async function harness(opts: { appAuth?: boolean; labelsEnsured?: boolean } = {}): Promise<Harness> {
  nock.disableNetConnect();
  nock.cleanAll(); // one fake GitHub at a time
  commentIds.clear();
  const gh = new FakeGitHub();
  gh.defaultFiles.set("config/pucs_streams.yaml", CONFIG);
  const clock = { now: NOW };
  let ids = 0;
  const writer = new LedgerWriter({ sleep: async () => {}, random: () => 0 });
  // A function, so it wins over the throttle options Probot passes in: tests need no 1 s spacing.
  const Octokit = ProbotOctokit.defaults((o: J) => ({ ...o, retry: { enabled: false }, throttle: { enabled: false } }));
  let probot: Probot;
  if (opts.appAuth) {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
    probot = new Probot({ appId: 1, privateKey, Octokit, logLevel: "fatal" });
  } else {
    probot = new Probot({ githubToken: "test-token", Octokit, logLevel: "fatal" });
  }
  // By default the repository's labels count as set up already (a test below covers the first run).
  const knownLabels = new Set<string>(opts.labelsEnsured === false ? [] : [`${OWNER}/${REPO}:*`]);
  const drains = new Map<string, Drain>();
  await probot.load(createApp({ now: () => clock.now, newId: () => `id-${++ids}`, writer, knownLabels, drains }));
  return {
    gh,
    probot,
    writer,
    clock,
    drains,
    send: (name, payload) => {
      // The payload is the PR's state as of the event: the fake GitHub has it so from now on.
      if (name === "pull_request" && payload.pull_request) gh.pulls.set(Number(payload.pull_request.number), structuredClone(payload.pull_request));
      return probot.receive({ id: `d-${++ids}`, name, payload } as Parameters<Probot["receive"]>[0]);
    },
  };
}

/** A one-hunk patch changing lines start..start+len-1 of a file (old and new side). */
export function patch(start: number, len: number, section = ""): string {
  const body = [...Array.from({ length: len }, (_, i) => `-old ${start + i}`), ...Array.from({ length: len }, (_, i) => `+new ${start + i}`)];
  return [`@@ -${start},${len} +${start},${len} @@${section ? ` ${section}` : ""}`, ...body].join("\n");
}
