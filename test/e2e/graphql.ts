/**
 * A small GraphQL executor for the local GitHub: queries only (mutations are refused), over the
 * slice of GitHub's schema a ledger store reads in one round trip:
 *
 *   repository(owner, name) { id name nameWithOwner
 *     ref(qualifiedName) / defaultBranchRef { name prefix target { ...GitObject } }
 *     object(expression | oid) { ...GitObject } }
 *   GitObject = Commit { oid message committedDate tree { oid entries } parents(first) { nodes { oid } } file(path) { ...TreeEntry } }
 *             | Tree { oid entries { ...TreeEntry } } | Blob { oid text byteSize isBinary isTruncated }
 *   TreeEntry { name path oid type mode object { ...GitObject } }
 *   pullRequest(number) { number title state isDraft merged url headRefName headRefOid author { login } labels(first) { nodes { name } }
 *     files(first) { totalCount nodes { path changeType } } commits(first | last) { totalCount nodes { commit { ... } } } }
 *   pullRequests(states) { totalCount }
 *   Commit { status { context(name) { state description targetUrl } } } (the repository's commit statuses, latest per context)
 *
 * Supported syntax: an optional `query Name($v: Type = default)` header, aliases, arguments (variables,
 * strings, numbers, booleans, null, enums), `__typename`, inline fragments `... on Type`. Named
 * fragments, directives and mutations answer a GraphQL error. An unknown field answers GitHub's
 * "Field 'x' doesn't exist on type 'Y'" error. Errors are HTTP 200 with `errors`, like GitHub.
 */
import type { BareRepo } from "./bare-repo.js";

interface Field {
  alias: string;
  name: string;
  args: Record<string, unknown>;
  selections: Selection[];
}
interface Fragment {
  on: string;
  selections: Selection[];
}
type Selection = Field | Fragment;

export class GraphQLError extends Error {}

function tokenize(src: string): string[] {
  const tokens: string[] = [];
  const re = /\s+|,|#[^\n]*|(\.\.\.|[{}():!$=@[\]])|("(?:[^"\\]|\\.)*")|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)/y;
  let i = 0;
  while (i < src.length) {
    re.lastIndex = i;
    const m = re.exec(src);
    if (!m) throw new GraphQLError(`Syntax error: unexpected character ${JSON.stringify(src[i])} at offset ${i}`);
    const t = m[1] ?? m[2] ?? m[3] ?? m[4];
    if (t !== undefined) tokens.push(t);
    i = re.lastIndex;
  }
  return tokens;
}

export function parse(src: string, variables: Record<string, unknown>): { operation: string; selections: Selection[] } {
  const t = tokenize(src);
  let p = 0;
  const peek = () => t[p];
  const next = () => {
    if (p >= t.length) throw new GraphQLError("Syntax error: unexpected end of document");
    return t[p++]!;
  };
  const expect = (s: string) => {
    const got = next();
    if (got !== s) throw new GraphQLError(`Syntax error: expected ${JSON.stringify(s)}, got ${JSON.stringify(got)}`);
  };
  const defaults: Record<string, unknown> = {};
  const value = (): unknown => {
    const tok = next();
    if (tok === "$") {
      const name = next();
      if (name in variables) return variables[name];
      if (name in defaults) return defaults[name];
      throw new GraphQLError(`Variable $${name} is used but not provided`);
    }
    if (tok.startsWith('"')) return JSON.parse(tok);
    if (/^-?\d/.test(tok)) return Number(tok);
    if (tok === "true" || tok === "false") return tok === "true";
    if (tok === "null") return null;
    if (tok === "[") {
      const list: unknown[] = [];
      while (peek() !== "]") list.push(value());
      next();
      return list;
    }
    if (tok === "{") throw new GraphQLError("Input objects are not supported by the local GitHub");
    return tok; // enum value
  };
  const selectionSet = (): Selection[] => {
    expect("{");
    const out: Selection[] = [];
    while (peek() !== "}") {
      if (peek() === "...") {
        next();
        if (peek() !== "on") throw new GraphQLError("Named fragments are not supported by the local GitHub");
        next();
        const on = next();
        out.push({ on, selections: selectionSet() });
        continue;
      }
      let name = next();
      let alias = name;
      if (peek() === ":") {
        next();
        name = next();
      }
      const args: Record<string, unknown> = {};
      if (peek() === "(") {
        next();
        while (peek() !== ")") {
          const k = next();
          expect(":");
          args[k] = value();
        }
        next();
      }
      if (peek() === "@") throw new GraphQLError("Directives are not supported by the local GitHub");
      out.push({ alias, name, args, selections: peek() === "{" ? selectionSet() : [] });
    }
    next();
    return out;
  };
  let operation = "query";
  if (peek() === "query" || peek() === "mutation" || peek() === "subscription") {
    operation = next();
    if (peek() !== "(" && peek() !== "{") next(); // operation name
    if (peek() === "(") {
      next();
      while (peek() !== ")") {
        expect("$");
        const name = next();
        expect(":");
        while (peek() !== "=" && peek() !== "$" && peek() !== ")") next(); // the type
        if (peek() === "=") {
          next();
          defaults[name] = value();
        }
      }
      next();
    }
  }
  const selections = selectionSet();
  if (p !== t.length) throw new GraphQLError("Syntax error: only one operation per document is supported by the local GitHub");
  return { operation, selections };
}

/** A resolved GraphQL object: its type name and a resolver per field. */
interface Node {
  type: string;
  field(name: string, args: Record<string, unknown>): Promise<unknown> | unknown;
}

async function resolve(node: Node | null, selections: Selection[]): Promise<Record<string, unknown> | null> {
  if (!node) return null;
  const out: Record<string, unknown> = {};
  for (const s of selections) {
    if ("on" in s) {
      if (s.on === node.type || (s.on === "GitObject" && ["Commit", "Tree", "Blob"].includes(node.type))) Object.assign(out, await resolve(node, s.selections));
      continue;
    }
    if (s.name === "__typename") {
      out[s.alias] = node.type;
      continue;
    }
    const v = await node.field(s.name, s.args);
    if (v === undefined) throw new GraphQLError(`Field '${s.name}' doesn't exist on type '${node.type}'`);
    out[s.alias] = await complete(v, s.selections);
  }
  return out;
}

async function complete(v: unknown, selections: Selection[]): Promise<unknown> {
  if (Array.isArray(v)) return Promise.all(v.map((x) => complete(x, selections)));
  if (v && typeof v === "object" && "field" in v && "type" in v) return resolve(v as Node, selections);
  return v;
}

export interface GraphQLRepo {
  owner: string;
  name: string;
  id: number;
  defaultBranch: string;
  git: BareRepo;
  /** Pull requests by number (LocalRepo's), for `pullRequest(number:)`. */
  pulls?: ReadonlyMap<number, GraphQLPull>;
  /** Commit statuses, oldest first (LocalRepo's), for `Commit.status`. */
  statuses?: readonly { sha: string; context: string; state: string; description: string | null; targetUrl: string | null }[];
}

export interface GraphQLPull {
  number: number;
  title: string;
  author: string;
  headRef: string;
  headSha: string;
  draft: boolean;
  state: "open" | "closed";
  merged: boolean;
  labels: string[];
  body?: string | null;
  baseRef?: string;
  /** The base commit the PR's commits are counted from (REST's pulls/list-commits does the same). */
  baseSha?: string;
  /** The commit its merge made (null while open). */
  mergeCommitSha?: string | null;
}

/** The PR's commits, oldest first (what GitHub's `PullRequest.commits` lists). */
async function pullCommitShas(git: BareRepo, p: GraphQLPull): Promise<string[]> {
  return git.revList(p.headSha, p.baseSha ? [p.baseSha] : []);
}

/** GitHub's GraphQL Bot.login has no "[bot]" suffix (REST's user.login has it). */
function pullNode(repo: GraphQLRepo, p: GraphQLPull): Node {
  const bot = /\[bot\]$/.test(p.author);
  const author: Node = { type: bot ? "Bot" : "User", field: (f) => ({ login: bot ? p.author.replace(/\[bot\]$/, "") : p.author })[f] };
  return {
    type: "PullRequest",
    field: (f, args) =>
      (
        ({
          number: () => p.number,
          id: () => `PR_node_${p.number}`,
          mergeCommit: () => (p.merged && p.mergeCommitSha ? commitNode(repo.git, p.mergeCommitSha) : null),
          title: () => p.title,
          body: () => p.body ?? "",
          baseRefName: () => p.baseRef ?? repo.defaultBranch,
          commits: async () => {
            const shas = await pullCommitShas(repo.git, p);
            const first = args.first !== undefined ? Number(args.first) : undefined;
            const last = args.last !== undefined ? Number(args.last) : undefined;
            const shown = first !== undefined ? shas.slice(0, first) : last !== undefined ? shas.slice(Math.max(0, shas.length - last)) : shas.slice(0, 100);
            return {
              type: "PullRequestCommitConnection",
              field: (g: string) =>
                ({ totalCount: shas.length, nodes: shown.map((sha) => ({ type: "PullRequestCommit", field: (h: string) => ({ commit: commitNode(repo.git, sha) })[h] })) })[g],
            };
          },
          files: async () => {
            // GitHub's PullRequest.files: the PR's changed files against its merge base, at most `first` (100 by default).
            const base = p.baseSha ? ((await repo.git.mergeBase(p.baseSha, p.headSha)) ?? p.baseSha) : null;
            const all = base ? await repo.git.diff(base, p.headSha) : [];
            const shown = all.slice(0, Math.min(Number(args.first ?? 100), 100));
            const type = (st: string) => ({ added: "ADDED", removed: "DELETED", modified: "MODIFIED", renamed: "RENAMED", copied: "COPIED", changed: "CHANGED" })[st] ?? "MODIFIED";
            return {
              type: "PullRequestChangedFileConnection",
              field: (g: string) => ({ totalCount: all.length, nodes: shown.map((f) => ({ type: "PullRequestChangedFile", field: (h: string) => ({ path: f.filename, changeType: type(f.status), additions: f.additions, deletions: f.deletions })[h] })) })[g],
            };
          },
          state: () => (p.merged ? "MERGED" : p.state === "open" ? "OPEN" : "CLOSED"),
          isDraft: () => p.draft,
          merged: () => p.merged,
          url: () => `https://github.com/${repo.owner}/${repo.name}/pull/${p.number}`,
          headRefName: () => p.headRef,
          headRefOid: () => p.headSha,
          author: () => author,
          labels: () => ({
            type: "LabelConnection",
            field: (g: string) =>
              ({ totalCount: p.labels.length, nodes: p.labels.slice(0, Number(args.first ?? 100)).map((name) => ({ type: "Label", field: (h: string) => ({ name })[h] })) })[g],
          }),
        }) as Record<string, () => unknown>
      )[f]?.(),
  };
}

function objectNode(git: BareRepo, sha: string, type: string | null): Node | null {
  if (type === "commit") return commitNode(git, sha);
  if (type === "tree") return treeNode(git, sha);
  if (type === "blob") return blobNode(git, sha);
  return null;
}

async function objectAt(git: BareRepo, sha: string): Promise<Node | null> {
  return objectNode(git, sha, await git.typeOf(sha));
}

function entryNode(git: BareRepo, e: { mode: string; type: string; sha: string; path: string }, dir: string): Node {
  const name = e.path.split("/").pop()!;
  return {
    type: "TreeEntry",
    field: (f) =>
      f === "object"
        ? objectAt(git, e.sha)
        : ({ name, path: dir ? `${dir}/${e.path}` : e.path, oid: e.sha, type: e.type, mode: parseInt(e.mode, 8) } as Record<string, unknown>)[f],
  };
}

/** The statuses of each repository being answered (Commit.status reads them by its BareRepo). */
const statusesOf = new WeakMap<BareRepo, NonNullable<GraphQLRepo["statuses"]>>();

function commitNode(git: BareRepo, sha: string): Node {
  return {
    type: "Commit",
    field: async (f, args) => {
      const c = (await git.readCommit(sha))!;
      switch (f) {
        case "status": {
          const latest = new Map<string, { state: string; description: string | null; targetUrl: string | null }>();
          for (const s of statusesOf.get(git) ?? []) if (s.sha === sha) latest.set(s.context, s);
          if (latest.size === 0) return null;
          return {
            type: "Status",
            field: (g: string, a: Record<string, unknown>) => {
              if (g !== "context") return undefined;
              const s = latest.get(String(a.name));
              return s ? { type: "StatusContext", field: (h: string) => ({ state: s.state.toUpperCase(), description: s.description, targetUrl: s.targetUrl, context: String(a.name) })[h] } : null;
            },
          };
        }
        case "oid":
          return sha;
        case "message":
          return c.message.replace(/\n$/, "");
        case "committedDate":
          return c.committer.date;
        case "authoredDate":
          return c.author.date;
        case "tree":
          return treeNode(git, c.tree);
        case "parents":
          return { type: "CommitConnection", field: (g: string) => ({ totalCount: c.parents.length, nodes: c.parents.slice(0, Number(args.first ?? 100)).map((p) => commitNode(git, p)) })[g] };
        case "file": {
          // Walks the trees from the commit's (each read once and remembered), as `git ls-tree <tree> -- <path>` would answer.
          const path = String(args.path ?? "").replace(/^\/+|\/+$/g, "");
          const parts = path.split("/");
          let tree = c.tree;
          for (let i = 0; i < parts.length; i++) {
            const e = ((await git.readTree(tree)) ?? []).find((x) => x.path === parts[i]);
            if (!e) return null;
            if (i === parts.length - 1) return entryNode(git, { mode: e.mode, type: e.type, sha: e.sha, path }, "");
            if (e.type !== "tree") return null;
            tree = e.sha;
          }
          return null;
        }
        default:
          return undefined;
      }
    },
  };
}

function treeNode(git: BareRepo, sha: string): Node {
  return {
    type: "Tree",
    field: async (f) => {
      if (f === "oid") return sha;
      if (f === "entries") return ((await git.readTree(sha)) ?? []).map((e) => entryNode(git, e, ""));
      return undefined;
    },
  };
}

function blobNode(git: BareRepo, sha: string): Node {
  return {
    type: "Blob",
    field: async (f) => {
      const content = (await git.readBlob(sha))!;
      const binary = content.includes(0);
      // isTruncated: GitHub cuts `text` of very large blobs; this model never does.
      return ({ oid: sha, byteSize: content.length, isBinary: binary, isTruncated: false, text: binary ? null : content.toString("utf8") } as Record<string, unknown>)[f];
    },
  };
}

function refNode(git: BareRepo, full: string, sha: string): Node {
  const cut = full.lastIndexOf("/", full.startsWith("refs/heads/") || full.startsWith("refs/tags/") ? full.indexOf("/", 5) : full.length) + 1;
  return {
    type: "Ref",
    field: async (f) => ({ name: full.slice(cut), prefix: full.slice(0, cut), id: Buffer.from(`Ref:${full}`).toString("base64"), target: await objectAt(git, sha) })[f],
  };
}

/** A resolved GraphQL object (for other fakes' resolvers: test/support/github-repo.ts). */
export type GraphQLNode = Node;

/** Executes a query; the GraphQL response body ({ data } or { data: null, errors }). */
export async function execute(query: string, variables: Record<string, unknown>, repoOf: (owner: string, name: string) => GraphQLRepo | null): Promise<{ body: unknown; problem: boolean }> {
  return executeOver(query, variables, (owner, name) => {
    const repo = repoOf(owner, name);
    return repo ? repositoryNode(repo) : null;
  });
}

/** Executes a query whose `repository(owner, name)` is answered by `repositoryOf` (null: no such repository). */
export async function executeOver(query: string, variables: Record<string, unknown>, repositoryOf: (owner: string, name: string) => Node | null): Promise<{ body: unknown; problem: boolean }> {
  try {
    const kind = /^\s*(mutation|subscription)\b/.exec(query)?.[1];
    if (kind) throw new GraphQLError(`The local GitHub does not model GraphQL ${kind}s`);
    const doc = parse(query, variables);
    const root: Node = {
      type: "Query",
      field: (f, args) => {
        if (f !== "repository") return undefined;
        const repo = repositoryOf(String(args.owner), String(args.name));
        if (!repo) throw new GraphQLError(`Could not resolve to a Repository with the name '${args.owner}/${args.name}'.`);
        return repo;
      },
    };
    return { body: { data: await resolve(root, doc.selections) }, problem: false };
  } catch (e) {
    if (!(e instanceof GraphQLError)) throw e;
    const notFound = e.message.startsWith("Could not resolve");
    return { body: { data: null, errors: [{ ...(notFound ? { type: "NOT_FOUND" } : {}), message: e.message }] }, problem: !notFound };
  }
}

function repositoryNode(repo: GraphQLRepo): Node {
  const git = repo.git;
  if (repo.statuses) statusesOf.set(git, repo.statuses);
  const refNamed = async (name: string): Promise<Node | null> => {
    const candidates = name.startsWith("refs/") ? [name] : [`refs/heads/${name}`, `refs/tags/${name}`];
    for (const c of candidates) {
      const sha = await git.refSha(c);
      if (sha) return refNode(git, c, sha);
    }
    return null;
  };
  return {
    type: "Repository",
    field: async (f, args) => {
      switch (f) {
        case "id":
          return Buffer.from(`010:Repository${repo.id}`).toString("base64");
        case "name":
          return repo.name;
        case "nameWithOwner":
          return `${repo.owner}/${repo.name}`;
        case "ref":
          return refNamed(String(args.qualifiedName));
        case "defaultBranchRef":
          return refNamed(`refs/heads/${repo.defaultBranch}`);
        case "pullRequests": {
          // Only `states` and `totalCount` are modelled (GitHub's connection also pages the PRs).
          const states = ([] as unknown[]).concat(args.states ?? ["OPEN", "CLOSED", "MERGED"]).map(String);
          const state = (p: GraphQLPull) => (p.merged ? "MERGED" : p.state === "open" ? "OPEN" : "CLOSED");
          const n = [...(repo.pulls?.values() ?? [])].filter((p) => states.includes(state(p))).length;
          return { type: "PullRequestConnection", field: (g: string) => (g === "totalCount" ? n : undefined) };
        }
        case "pullRequest": {
          const p = repo.pulls?.get(Number(args.number));
          if (!p) throw new GraphQLError(`Could not resolve to a PullRequest with the number of ${String(args.number)}.`);
          return pullNode(repo, p);
        }
        case "object": {
          if (typeof args.oid === "string") return objectAt(git, args.oid);
          const expression = String(args.expression);
          if (expression.startsWith("-")) return null;
          const sha = await git.revParse(expression);
          return sha === null ? null : objectAt(git, sha);
        }
        default:
          return undefined;
      }
    },
  };
}
