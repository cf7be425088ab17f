/**
 * A stateful fake repository on top of FakeGitHub: pull requests (with files and commits), files
 * per ref, commit statuses, merge-queue compares and the ledger on refs/pucs/ledger, served through
 * the REST endpoints the gate and the App use, with GitHub's pagination (per_page, page, Link).
 * Tests change the state between runs (close a PR, record an override) and read back the statuses.
 * GraphQL (`POST /graphql`) answers the gate's queries over the same state: the ledger commit's
 * `file(path:)` (a v1 ledger.json), `object(expression: "<ref>:<path>")` of files, `pullRequest`
 * (files, commits, head) and `Commit.status.context(name:)`.
 */
import { blobOid } from "../../src/ledger/layout.js";
import type { FakeGitHub, FakeRequest, FakeResponse } from "./fake-github.js";
import { executeOver, type GraphQLNode } from "../e2e/graphql.js";

/** The repositories answering GraphQL on each FakeGitHub (one `POST /graphql` route per server). */
const graphqlRepos = new WeakMap<FakeGitHub, FakeRepo[]>();

export interface FakePull {
  number: number;
  title: string;
  draft: boolean;
  state: "open" | "closed";
  merged: boolean;
  headRef: string;
  headSha: string;
  baseRef: string;
  labels: string[];
  author: string;
  files: { path: string; previousPath?: string }[];
  commits: { sha: string; message: string }[];
}

export interface FakeStatus {
  id: number;
  state: string;
  description: string;
  context: string;
  target_url: string | null;
}

interface Failure {
  method: string;
  path: RegExp;
  status: number;
  message: string;
  headers?: Record<string, string>;
  /** Answer this many requests, then stop failing; undefined = until cleared. */
  times?: number;
}

/** A deterministic 40-hex sha for a name. */
export function sha(name: string): string {
  let h = 0x811c9dc5;
  let out = "";
  for (let round = 0; out.length < 40; round++) {
    for (const ch of `${name}#${round}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    out += h.toString(16).padStart(8, "0");
  }
  return out.slice(0, 40);
}

export class FakeRepo {
  readonly owner: string;
  readonly name: string;
  defaultBranch = "main";
  readonly pulls = new Map<number, FakePull>();
  /** ref → path → text. */
  readonly files = new Map<string, Map<string, string>>();
  /** sha → statuses in creation order. */
  readonly statuses = new Map<string, FakeStatus[]>();
  /** "base...head" → commits. */
  readonly compares = new Map<string, { sha: string; message: string }[]>();
  ledgerText: string | null = null;
  /** A v2 ledger (path → text, as src/ledger/layout.ts lays it out) instead of a v1 ledgerText. */
  ledgerTree: ReadonlyMap<string, string> | null = null;
  #treeDirs: { of: ReadonlyMap<string, string>; dirs: Map<string, Set<string>> } | null = null;
  private failures: Failure[] = [];
  private nextStatusId = 1;

  constructor(
    readonly gh: FakeGitHub,
    fullName = "octo-org/octo-repo",
  ) {
    const [owner, name] = fullName.split("/") as [string, string];
    this.owner = owner;
    this.name = name;
    this.register();
  }

  get base(): string {
    return `/repos/${this.owner}/${this.name}`;
  }

  get ledgerSha(): string | null {
    if (this.ledgerTree !== null) return sha(`ledger-tree:${this.ledgerTree.size}:${[...this.ledgerTree.keys()].slice(0, 3).join()}`);
    return this.ledgerText === null ? null : sha(`ledger:${this.ledgerText}`);
  }

  /** The children of each directory of `ledgerTree` (computed once per tree). */
  private treeDirs(): Map<string, Set<string>> {
    const tree = this.ledgerTree!;
    if (this.#treeDirs?.of === tree) return this.#treeDirs.dirs;
    const dirs = new Map<string, Set<string>>();
    for (const path of tree.keys()) {
      const parts = path.split("/");
      for (let i = 0; i < parts.length; i++) {
        const dir = parts.slice(0, i).join("/");
        if (!dirs.has(dir)) dirs.set(dir, new Set());
        dirs.get(dir)!.add(parts[i]!);
      }
    }
    this.#treeDirs = { of: tree, dirs };
    return dirs;
  }

  addPull(p: Partial<FakePull> & { number: number }): FakePull {
    const pull: FakePull = {
      title: `PR ${p.number}`,
      draft: false,
      state: "open",
      merged: false,
      headRef: `topic-${p.number}`,
      headSha: sha(`head-${p.number}`),
      baseRef: this.defaultBranch,
      labels: [],
      author: "octocat",
      files: [],
      commits: [],
      ...p,
    };
    this.pulls.set(pull.number, pull);
    return pull;
  }

  setFile(ref: string, path: string, text: string): void {
    if (!this.files.has(ref)) this.files.set(ref, new Map());
    this.files.get(ref)!.set(path, text);
  }

  /** Statuses posted on `sha` for `context`, oldest first. */
  statusesOf(sha: string, context = "PUCS / merge-gate"): FakeStatus[] {
    return (this.statuses.get(sha) ?? []).filter((s) => s.context === context);
  }

  addStatus(sha: string, s: Omit<FakeStatus, "id">): FakeStatus {
    const full = { id: this.nextStatusId++, ...s };
    if (!this.statuses.has(sha)) this.statuses.set(sha, []);
    this.statuses.get(sha)!.push(full);
    return full;
  }

  /** Answer requests matching `method` and `path` with an error until cleared (or `times` times). */
  fail(method: string, path: RegExp, status: number, message: string, headers?: Record<string, string>, times?: number): void {
    this.failures.push({ method, path, status, message, ...(headers ? { headers } : {}), ...(times !== undefined ? { times } : {}) });
  }

  clearFailures(): void {
    this.failures = [];
  }

  /** The REST representation of a pull request. */
  pullJson(p: FakePull): Record<string, unknown> {
    return {
      url: `https://api.github.com${this.base}/pulls/${p.number}`,
      html_url: `https://github.com/${this.owner}/${this.name}/pull/${p.number}`,
      number: p.number,
      state: p.state,
      title: p.title,
      draft: p.draft,
      user: { login: p.author },
      labels: p.labels.map((name, i) => ({ id: 1000 + i, name })),
      head: { ref: p.headRef, sha: p.headSha, label: `${this.owner}:${p.headRef}` },
      base: { ref: p.baseRef, sha: sha(`base-${p.baseRef}`) },
      merged: p.merged,
      merged_at: p.merged ? "2026-11-23T20:00:00Z" : null,
    };
  }

  private page<T>(req: FakeRequest, items: T[], path: string, render: (item: T) => unknown = (x) => x): FakeResponse {
    const perPage = Math.min(Number(req.query.per_page ?? 30), 100);
    const page = Number(req.query.page ?? 1);
    const slice = items.slice((page - 1) * perPage, page * perPage).map(render);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const headers: Record<string, string> = {};
    if (page < last) {
      const q = new URLSearchParams({ ...req.query, page: String(page + 1) });
      const l = new URLSearchParams({ ...req.query, page: String(last) });
      headers.link = `<${this.gh.url}${path}?${q}>; rel="next", <${this.gh.url}${path}?${l}>; rel="last"`;
    }
    return { body: slice, headers };
  }

  private guard(handler: (req: FakeRequest) => FakeResponse): (req: FakeRequest) => FakeResponse {
    return (req) => {
      const f = this.failures.find((x) => x.method === req.method && x.path.test(req.path));
      if (f) {
        if (f.times !== undefined && --f.times <= 0) this.failures = this.failures.filter((x) => x !== f);
        return { status: f.status, body: { message: f.message }, ...(f.headers ? { headers: f.headers } : {}) };
      }
      if (req.params.owner !== this.owner || req.params.repo !== this.name) return { status: 404, body: { message: "Not Found" } };
      return handler(req);
    };
  }

  private pullOr404(req: FakeRequest): FakePull | FakeResponse {
    const p = this.pulls.get(Number(req.params.n));
    return p ?? { status: 404, body: { message: "Not Found" } };
  }

  /** This repository as GraphQL's `Repository`. */
  graphqlNode(): GraphQLNode {
    const blob = (text: string): GraphQLNode => ({ type: "Blob", field: (f) => ({ oid: blobOid(text), text, isTruncated: false, isBinary: false, byteSize: text.length })[f] });
    const status = (commit: string): GraphQLNode | null => {
      const latest = new Map<string, FakeStatus>();
      for (const st of this.statuses.get(commit) ?? []) latest.set(st.context, st);
      if (latest.size === 0) return null;
      return {
        type: "Status",
        field: (f, a) => {
          if (f !== "context") return undefined;
          const st = latest.get(String(a.name));
          return st ? { type: "StatusContext", field: (g: string) => ({ state: st.state.toUpperCase(), description: st.description, targetUrl: st.target_url, context: st.context })[g] } : null;
        },
      };
    };
    const ledgerObject = (path: string): GraphQLNode | null => {
      const text = this.ledgerTree!.get(path);
      if (text !== undefined) return blob(text);
      const names = this.treeDirs().get(path);
      if (!names) return null;
      return { type: "Tree", field: (g) => (g === "entries" ? [...names].sort().map((name) => ({ type: "TreeEntry", field: (h: string) => (h === "name" ? name : h === "object" ? ledgerObject(`${path}/${name}`) : h === "oid" ? (this.ledgerTree!.has(`${path}/${name}`) ? blobOid(this.ledgerTree!.get(`${path}/${name}`)!) : sha(`tree:${path}/${name}`)) : undefined) })) : g === "oid" ? sha(`tree:${path}`) : undefined) };
    };
    const commit = (oid: string, message = ""): GraphQLNode => ({
      type: "Commit",
      field: (f, a) => {
        switch (f) {
          case "oid":
            return oid;
          case "message":
            return message;
          case "tree":
            return { type: "Tree", field: (g: string) => (g === "oid" ? sha(`tree:${oid}`) : undefined) };
          case "status":
            return status(oid);
          case "file": {
            if (oid !== this.ledgerSha) return null;
            const path = String(a.path);
            const obj = this.ledgerTree === null ? (path === "ledger.json" ? blob(this.ledgerText!) : null) : ledgerObject(path);
            return obj ? { type: "TreeEntry", field: (g: string) => (g === "object" ? obj : undefined) } : null;
          }
          default:
            return undefined;
        }
      },
    });
    const pull = (p: FakePull): GraphQLNode => ({
      type: "PullRequest",
      field: (f, a) => {
        const first = Math.min(Number(a.first ?? 100), 100);
        switch (f) {
          case "files":
            return { type: "PullRequestChangedFileConnection", field: (g: string) => ({ totalCount: p.files.length, nodes: p.files.slice(0, first).map((x) => ({ type: "PullRequestChangedFile", field: (h: string) => ({ path: x.path, changeType: x.previousPath ? "RENAMED" : "MODIFIED" })[h] })) })[g] };
          case "commits": {
            // The head is the PR's last commit (tests give commits for their messages, not always the head's sha).
            const all = p.commits.length > 0 && p.commits.at(-1)!.sha !== p.headSha ? [...p.commits.slice(0, -1), { ...p.commits.at(-1)!, sha: p.headSha }] : p.commits;
            const shown = a.last !== undefined ? all.slice(Math.max(0, all.length - Number(a.last))) : all.slice(0, first);
            const nodes = shown.map((c) => ({ type: "PullRequestCommit", field: (h: string) => (h === "commit" ? commit(c.sha, c.message) : undefined) }));
            return { type: "PullRequestCommitConnection", field: (g: string) => ({ totalCount: all.length, nodes })[g] };
          }
          default:
            return ({ number: p.number, title: p.title, url: `https://github.com/${this.owner}/${this.name}/pull/${p.number}`, state: p.merged ? "MERGED" : p.state === "open" ? "OPEN" : "CLOSED", isDraft: p.draft, headRefOid: p.headSha, headRefName: p.headRef } as Record<string, unknown>)[f];
        }
      },
    });
    return {
      type: "Repository",
      field: (f, a) => {
        switch (f) {
          case "ref":
            return a.qualifiedName === "refs/pucs/ledger" && this.ledgerSha ? { type: "Ref", field: (g: string) => (g === "target" ? commit(this.ledgerSha!) : undefined) } : null;
          case "object": {
            if (typeof a.oid === "string") return commit(a.oid);
            const [ref, ...rest] = String(a.expression).split(":");
            if (ref === this.ledgerSha && this.ledgerTree !== null) return ledgerObject(rest.join(":"));
            const text = this.files.get(ref!)?.get(rest.join(":"));
            return text === undefined ? null : blob(text);
          }
          case "pullRequest": {
            const p = this.pulls.get(Number(a.number));
            return p ? pull(p) : null;
          }
          case "pullRequests": {
            const states = ([] as unknown[]).concat(a.states ?? ["OPEN", "CLOSED", "MERGED"]).map(String);
            const n = [...this.pulls.values()].filter((p) => states.includes(p.merged ? "MERGED" : p.state === "open" ? "OPEN" : "CLOSED")).length;
            return { type: "PullRequestConnection", field: (g: string) => (g === "totalCount" ? n : undefined) };
          }
          default:
            return undefined;
        }
      },
    };
  }

  private register(): void {
    const gh = this.gh;
    const R = "/repos/:owner/:repo";
    // One GraphQL route per server, answering for every repository on it (a later one of the same
    // name wins, as later REST routes do).
    const repos = graphqlRepos.get(gh);
    if (repos) repos.unshift(this);
    else {
      const list: FakeRepo[] = [this];
      graphqlRepos.set(gh, list);
      gh.route("POST", "/graphql", async (req) => {
        const body = (req.body ?? {}) as { query?: string; variables?: Record<string, unknown> };
        const vars = body.variables ?? {};
        const repo = list.find((x) => x.owner === vars.owner && x.name === vars.name) ?? null;
        const f = repo?.failures.find((x) => x.method === "POST" && x.path.test("/graphql"));
        if (f) return { status: f.status, body: { message: f.message }, ...(f.headers ? { headers: f.headers } : {}) };
        const r = await executeOver(body.query ?? "", vars, (owner, name) => list.find((x) => x.owner === owner && x.name === name)?.graphqlNode() ?? null);
        return { body: r.body };
      });
    }
    gh.route("GET", `${R}/pulls`, this.guard((req) => {
      const state = req.query.state ?? "open";
      const list = [...this.pulls.values()].filter((p) => state === "all" || p.state === state).sort((a, b) => b.number - a.number);
      return this.page(req, list, req.path, (p) => this.pullJson(p));
    }));
    gh.route("GET", `${R}/pulls/:n`, this.guard((req) => {
      const p = this.pullOr404(req);
      return "number" in p ? { body: this.pullJson(p) } : p;
    }));
    gh.route("GET", `${R}/pulls/:n/files`, this.guard((req) => {
      const p = this.pullOr404(req);
      if (!("number" in p)) return p;
      const files = p.files.slice(0, 3000).map((f) => ({
        filename: f.path,
        status: f.previousPath ? "renamed" : "modified",
        ...(f.previousPath ? { previous_filename: f.previousPath } : {}),
      }));
      return this.page(req, files, req.path);
    }));
    gh.route("GET", `${R}/pulls/:n/commits`, this.guard((req) => {
      const p = this.pullOr404(req);
      if (!("number" in p)) return p;
      return this.page(req, p.commits.map((c) => ({ sha: c.sha, commit: { message: c.message } })), req.path);
    }));
    gh.route("GET", `${R}/compare/:basehead`, this.guard((req) => {
      const commits = this.compares.get(req.params.basehead!);
      if (!commits) return { status: 404, body: { message: "Not Found" } };
      return { body: { status: "ahead", ahead_by: commits.length, commits: commits.map((c) => ({ sha: c.sha, commit: { message: c.message } })) } };
    }));
    gh.route("GET", `${R}/commits/:ref/status`, this.guard((req) => {
      const all = this.statuses.get(req.params.ref!) ?? [];
      const latest = new Map<string, FakeStatus>();
      for (const s of all) latest.set(s.context, s);
      const statuses = [...latest.values()];
      const state = statuses.some((s) => s.state === "failure" || s.state === "error") ? "failure" : statuses.every((s) => s.state === "success") && statuses.length ? "success" : "pending";
      return { body: { state, sha: req.params.ref, total_count: statuses.length, statuses } };
    }));
    gh.route("POST", `${R}/statuses/:sha`, this.guard((req) => {
      const b = (req.body ?? {}) as Record<string, unknown>;
      if (!["success", "failure", "pending", "error"].includes(String(b.state))) return { status: 422, body: { message: "Validation Failed" } };
      if (typeof b.description === "string" && b.description.length > 140) return { status: 422, body: { message: "description is too long (maximum is 140 characters)" } };
      const s = this.addStatus(req.params.sha!, {
        state: String(b.state),
        description: typeof b.description === "string" ? b.description : "",
        context: typeof b.context === "string" ? b.context : "default",
        target_url: typeof b.target_url === "string" ? b.target_url : null,
      });
      return { status: 201, body: s };
    }));
    gh.route("GET", `${R}/contents/*path`, this.guard((req) => {
      const ref = req.query.ref ?? this.defaultBranch;
      let text: string | undefined;
      if (ref === this.ledgerSha && req.params.path === "ledger.json") text = this.ledgerText ?? undefined;
      else text = this.files.get(ref)?.get(req.params.path!);
      if (text === undefined) return { status: 404, body: { message: "Not Found" } };
      return { body: { type: "file", encoding: "base64", path: req.params.path, content: Buffer.from(text, "utf8").toString("base64") } };
    }));
    gh.route("GET", `${R}/git/ref/*ref`, this.guard((req) => {
      if (req.params.ref === "pucs/ledger" && this.ledgerSha) {
        return { body: { ref: "refs/pucs/ledger", object: { type: "commit", sha: this.ledgerSha } } };
      }
      return { status: 404, body: { message: "Not Found" } };
    }));
  }
}
