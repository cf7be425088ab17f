/**
 * A small GraphQL executor for the local GitHub, over the slice of GitHub's schema a ledger store
 * reads in one round trip and the App's report writes in one request:
 *
 *   repository(owner, name) { id name nameWithOwner
 *     ref(qualifiedName) / defaultBranchRef { name prefix target { ...GitObject } }
 *     object(expression | oid) { ...GitObject }
 *     label(name) { ...Label }  labels(first, query) { totalCount nodes { ...Label } } }
 *   GitObject = Commit { oid message committedDate tree { oid entries } parents(first) { nodes { oid } } file(path) { ...TreeEntry } }
 *             | Tree { oid entries { ...TreeEntry } } | Blob { oid text byteSize isBinary isTruncated }
 *   TreeEntry { name path oid type mode object { ...GitObject } }
 *   pullRequest(number) { id number title state isDraft merged url headRefName headRefOid author { login } labels(first) { nodes { ...Label } }
 *     files(first) { totalCount nodes { path changeType } } commits(first | last) { totalCount nodes { commit { ... } } } }
 *   pullRequests(states) { totalCount }
 *   Commit { status { context(name) { state description targetUrl } } } (the repository's commit statuses, latest per context)
 *   Label { id name color description }   IssueComment { id databaseId body url createdAt updatedAt author { login } }
 *   node(id) (with a host: a Repository, PullRequest, IssueComment or Label of any of its repositories)
 *
 * Mutations (with a GraphQLHost: test/e2e/local-github.ts writes its own state, the same REST reads
 * and writes): addComment(input: {subjectId, body}) { clientMutationId commentEdge { cursor node { ...IssueComment } } subject { id } },
 * updateIssueComment(input: {id, body}) { clientMutationId issueComment { ... } },
 * addLabelsToLabelable / removeLabelsFromLabelable(input: {labelableId, labelIds}) { clientMutationId labelable { __typename ... on PullRequest { ... } } }.
 * As GitHub: the document, its fields, payload selections and inputs (variables' declared types too)
 * are checked before anything runs, and an error there answers { data: null, errors } with nothing
 * written; then the fields run one after another, in order, and a field whose node id names nothing
 * of the right type (or whose write is refused: a body over 65,536 characters) answers null, with an
 * error { type: "NOT_FOUND" | "UNPROCESSABLE", path: [alias], message }, while the others still run.
 * Adding a label a PR has, or removing one it lacks, changes nothing and is no error. Node ids are
 * minted by `nodeId` (REST's node_id is the same string) and resolve across every repository.
 *
 * Supported syntax: an optional `query|mutation Name($v: Type = default)` header, aliases, arguments
 * (variables, strings, numbers, booleans, null, enums, lists, input objects), `__typename`, inline
 * fragments `... on Type` (interfaces included: GitObject, Actor, Node, Labelable). Named fragments,
 * directives, subscriptions, and mutations without a host answer a GraphQL error. An unknown field
 * answers GitHub's "Field 'x' doesn't exist on type 'Y'" error. Errors are HTTP 200, like GitHub;
 * `locations` are not given.
 */
import type { BareRepo } from "./bare-repo.js";

interface Field {
  alias: string;
  name: string;
  args: Record<string, unknown>;
  /** The variable each argument was given as (`input: $c` → { input: "c" }), to name it in errors. */
  argVars: Record<string, string>;
  selections: Selection[];
}
interface Fragment {
  on: string;
  selections: Selection[];
}
type Selection = Field | Fragment;

export class GraphQLError extends Error {
  /** GitHub's error type ("NOT_FOUND", "UNPROCESSABLE"): an error of one mutation field, which answers null while the others run. */
  readonly type?: string;
  /** "invalid-body": the request's inputs are wrong (the client's fault), not a part this model lacks. */
  readonly invalid?: boolean;
  constructor(message: string, opts: { type?: string; invalid?: boolean } = {}) {
    super(message);
    if (opts.type !== undefined) this.type = opts.type;
    if (opts.invalid) this.invalid = true;
  }
}

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

export function parse(src: string, variables: Record<string, unknown>): { operation: string; selections: Selection[]; variableTypes: Record<string, string> } {
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
  const variableTypes: Record<string, string> = {};
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
    if (tok === "{") {
      const object: Record<string, unknown> = {};
      while (peek() !== "}") {
        const k = next();
        expect(":");
        object[k] = value();
      }
      next();
      return object;
    }
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
      const argVars: Record<string, string> = {};
      if (peek() === "(") {
        next();
        while (peek() !== ")") {
          const k = next();
          expect(":");
          if (peek() === "$") argVars[k] = t[p + 1]!;
          args[k] = value();
        }
        next();
      }
      if (peek() === "@") throw new GraphQLError("Directives are not supported by the local GitHub");
      out.push({ alias, name, args, argVars, selections: peek() === "{" ? selectionSet() : [] });
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
        let type = "";
        while (peek() !== "=" && peek() !== "$" && peek() !== ")") type += next();
        variableTypes[name] = type;
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
  return { operation, selections, variableTypes };
}

/** A resolved GraphQL object: its type name and a resolver per field. */
interface Node {
  type: string;
  field(name: string, args: Record<string, unknown>): Promise<unknown> | unknown;
}

/** The object types of each abstract type (interface or union) this model answers with. */
const POSSIBLE_TYPES: Record<string, string[]> = {
  GitObject: ["Commit", "Tree", "Blob"],
  Actor: ["User", "Bot"],
  Node: ["Repository", "PullRequest", "IssueComment", "Label", "User", "Bot", "Commit", "Tree", "Blob", "Ref"],
  Labelable: ["PullRequest"],
  Comment: ["IssueComment"],
};

function isA(type: string, on: string): boolean {
  return type === on || (POSSIBLE_TYPES[on]?.includes(type) ?? false);
}

async function resolve(node: Node | null, selections: Selection[]): Promise<Record<string, unknown> | null> {
  if (!node) return null;
  const out: Record<string, unknown> = {};
  for (const s of selections) {
    if ("on" in s) {
      if (isA(node.type, s.on)) Object.assign(out, await resolve(node, s.selections));
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
  /** Labels by lowercased name (LocalRepo's), for `Label.id` and the label mutations. */
  labels?: ReadonlyMap<string, GraphQLLabel>;
  /** Issue comments by id (LocalRepo's), for IssueComment node ids. */
  comments?: ReadonlyMap<number, GraphQLComment>;
}

export interface GraphQLLabel {
  id: number;
  name: string;
  color: string;
  description: string | null;
}

export interface GraphQLComment {
  id: number;
  /** The PR (or issue) number it is on. */
  issue: number;
  body: string;
  user: string;
  createdAt: string;
  updatedAt: string;
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
function actorNode(login: string): Node {
  const bot = /\[bot\]$/.test(login);
  return { type: bot ? "Bot" : "User", field: (f) => ({ login: bot ? login.replace(/\[bot\]$/, "") : login })[f] };
}

function labelNode(l: GraphQLLabel): Node {
  return { type: "Label", field: (f) => ({ id: nodeId.label(l.id), name: l.name, color: l.color, description: l.description })[f] };
}

function commentNode(repo: GraphQLRepo, c: GraphQLComment): Node {
  return {
    type: "IssueComment",
    field: (f) =>
      ({
        id: nodeId.issueComment(c.id),
        databaseId: c.id,
        body: c.body,
        url: `https://github.com/${repo.owner}/${repo.name}/pull/${c.issue}#issuecomment-${c.id}`,
        createdAt: c.createdAt,
        updatedAt: c.updatedAt,
        author: actorNode(c.user),
      })[f],
  };
}

function pullNode(repo: GraphQLRepo, p: GraphQLPull): Node {
  const author = actorNode(p.author);
  return {
    type: "PullRequest",
    field: (f, args) =>
      (
        ({
          number: () => p.number,
          id: () => nodeId.pullRequest(repo.id, p.number),
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
              ({
                totalCount: p.labels.length,
                nodes: p.labels.slice(0, Number(args.first ?? 100)).map((name) => {
                  const l = repo.labels?.get(name.toLowerCase());
                  return l ? labelNode(l) : { type: "Label", field: (h: string) => ({ name, id: null })[h] };
                }),
              })[g],
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

// ---- node ids ----------------------------------------------------------------------------------

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

/**
 * The global node ids this model mints, in GitHub's legacy form `base64("0<n>:<Type><id>")`: the
 * same in REST's `node_id` and GraphQL's `id`, unique across the repositories of one local GitHub
 * (comment and label ids are; a PR number is not, so a PR's id names its repository's id too).
 */
export const nodeId = {
  repository: (repoId: number) => b64(`010:Repository${repoId}`),
  pullRequest: (repoId: number, number: number) => b64(`011:PullRequest${repoId}:${number}`),
  issueComment: (commentId: number) => b64(`012:IssueComment${commentId}`),
  label: (labelId: number) => b64(`08:Label${labelId}`),
};

export type NodeKey = { type: "Repository"; repoId: number } | { type: "PullRequest"; repoId: number; number: number } | { type: "IssueComment"; id: number } | { type: "Label"; id: number };

/** What a node id minted by `nodeId` names, or null (not one of them). */
export function decodeNodeId(id: unknown): NodeKey | null {
  if (typeof id !== "string" || !/^[A-Za-z0-9+/]+={0,2}$/.test(id)) return null;
  const s = Buffer.from(id, "base64").toString("utf8");
  if (b64(s) !== id) return null;
  let m: RegExpExecArray | null;
  if ((m = /^010:Repository(\d+)$/.exec(s))) return { type: "Repository", repoId: Number(m[1]) };
  if ((m = /^011:PullRequest(\d+):(\d+)$/.exec(s))) return { type: "PullRequest", repoId: Number(m[1]), number: Number(m[2]) };
  if ((m = /^012:IssueComment(\d+)$/.exec(s))) return { type: "IssueComment", id: Number(m[1]) };
  if ((m = /^08:Label(\d+)$/.exec(s))) return { type: "Label", id: Number(m[1]) };
  return null;
}

type Found<R extends GraphQLRepo> =
  | { type: "Repository"; repo: R }
  | { type: "PullRequest"; repo: R; pull: GraphQLPull }
  | { type: "IssueComment"; repo: R; comment: GraphQLComment }
  | { type: "Label"; repo: R; label: GraphQLLabel };

/** The object a node id names in any of `repos`, or null. */
function findNode<R extends GraphQLRepo>(repos: Iterable<R>, id: unknown): Found<R> | null {
  const key = decodeNodeId(id);
  if (!key) return null;
  for (const repo of repos) {
    switch (key.type) {
      case "Repository":
        if (repo.id === key.repoId) return { type: "Repository", repo };
        break;
      case "PullRequest": {
        const pull = repo.id === key.repoId ? repo.pulls?.get(key.number) : undefined;
        if (pull) return { type: "PullRequest", repo, pull };
        break;
      }
      case "IssueComment": {
        const comment = repo.comments?.get(key.id);
        if (comment) return { type: "IssueComment", repo, comment };
        break;
      }
      case "Label":
        for (const label of repo.labels?.values() ?? []) if (label.id === key.id) return { type: "Label", repo, label };
        break;
    }
  }
  return null;
}

function nodeOf<R extends GraphQLRepo>(found: Found<R>): Node {
  switch (found.type) {
    case "Repository":
      return repositoryNode(found.repo);
    case "PullRequest":
      return pullNode(found.repo, found.pull);
    case "IssueComment":
      return commentNode(found.repo, found.comment);
    case "Label":
      return labelNode(found.label);
  }
}

const unresolvable = (id: unknown) => new GraphQLError(`Could not resolve to a node with the global id of '${typeof id === "string" ? id : JSON.stringify(id)}'.`, { type: "NOT_FOUND" });

// ---- mutations ---------------------------------------------------------------------------------

/** The state the mutations write: the local GitHub's, through the same code as its REST writes. */
export interface GraphQLHost<R extends GraphQLRepo = GraphQLRepo> {
  /** Every repository: node ids resolve across all of them. */
  repositories(): Iterable<R>;
  /** A comment on PR `issue` by the request's actor, as REST's issues/create-comment makes it; a GraphQLError (with a `type`) refuses. */
  addComment(repo: R, issue: number, body: string): GraphQLComment;
  /** As REST's issues/update-comment. */
  updateComment(repo: R, comment: GraphQLComment, body: string): GraphQLComment;
  /** Labels (existing ones, by name) onto the PR; one already on it stays as it is. */
  addLabels(repo: R, issue: number, names: string[]): void;
  /** Labels off the PR; one not on it is skipped. */
  removeLabels(repo: R, issue: number, names: string[]): void;
}

/** One mutation field as run: its schema name, and the repository and PR it changed (null when it failed). */
export interface MutationRecord {
  field: string;
  repo: string | null;
  issue: number | null;
}

type InputType = "ID!" | "String!" | "String" | "[ID!]!";

/** The mutations modelled: their input object type, its fields, and the payload type. */
const MUTATIONS: Record<string, { input: string; payload: string; fields: Record<string, InputType> }> = {
  addComment: { input: "AddCommentInput", payload: "AddCommentPayload", fields: { subjectId: "ID!", body: "String!", clientMutationId: "String" } },
  updateIssueComment: { input: "UpdateIssueCommentInput", payload: "UpdateIssueCommentPayload", fields: { id: "ID!", body: "String!", clientMutationId: "String" } },
  addLabelsToLabelable: { input: "AddLabelsToLabelableInput", payload: "AddLabelsToLabelablePayload", fields: { labelableId: "ID!", labelIds: "[ID!]!", clientMutationId: "String" } },
  removeLabelsFromLabelable: { input: "RemoveLabelsFromLabelableInput", payload: "RemoveLabelsFromLabelablePayload", fields: { labelableId: "ID!", labelIds: "[ID!]!", clientMutationId: "String" } },
};

/**
 * The types a mutation's answer selects from, checked before anything runs (GitHub validates a whole
 * document first, so a misspelt field changes nothing): field → its type, null for a scalar, "*" for
 * an object this check does not look into.
 */
const PAYLOAD_SCHEMA: Record<string, Record<string, string | null>> = {
  AddCommentPayload: { clientMutationId: null, commentEdge: "IssueCommentEdge", subject: "Node" },
  UpdateIssueCommentPayload: { clientMutationId: null, issueComment: "IssueComment" },
  AddLabelsToLabelablePayload: { clientMutationId: null, labelable: "Labelable" },
  RemoveLabelsFromLabelablePayload: { clientMutationId: null, labelable: "Labelable" },
  IssueCommentEdge: { cursor: null, node: "IssueComment" },
  IssueComment: { id: null, databaseId: null, body: null, url: null, createdAt: null, updatedAt: null, author: "Actor" },
  Node: { id: null },
  Labelable: { labels: "LabelConnection" },
  Actor: { login: null },
  User: { login: null },
  Bot: { login: null },
  LabelConnection: { totalCount: null, nodes: "Label" },
  Label: { id: null, name: null, color: null, description: null },
  PullRequest: {
    id: null,
    number: null,
    title: null,
    body: null,
    baseRefName: null,
    state: null,
    isDraft: null,
    merged: null,
    url: null,
    headRefName: null,
    headRefOid: null,
    author: "Actor",
    labels: "LabelConnection",
    mergeCommit: "*",
    commits: "*",
    files: "*",
  },
};

function checkSelections(type: string, selections: Selection[]): void {
  const fields = PAYLOAD_SCHEMA[type];
  for (const s of selections) {
    if ("on" in s) {
      // A fragment on a type this model never answers with (Issue, say) never applies.
      if (PAYLOAD_SCHEMA[s.on]) checkSelections(s.on, s.selections);
      continue;
    }
    if (s.name === "__typename" || !fields) continue;
    if (!(s.name in fields)) throw new GraphQLError(`Field '${s.name}' doesn't exist on type '${type}'`);
    const child = fields[s.name]!;
    if (child === null && s.selections.length) throw new GraphQLError(`Selections can't be made on scalars (field '${s.name}' returns a scalar but has selections)`, { invalid: true });
    if (child !== null && !s.selections.length) throw new GraphQLError(`Field must have selections (field '${s.name}' returns ${child === "*" ? "an object" : child} but has no selections. Did you mean '${s.name} { ... }'?)`, { invalid: true });
    if (child !== null && child !== "*") checkSelections(child, s.selections);
  }
}

/** The field's `input`, checked against its input type as GitHub checks variables before running anything. */
function checkInput(f: Field, spec: (typeof MUTATIONS)[string], variableTypes: Record<string, string>): Record<string, unknown> {
  const invalid = (message: string) => new GraphQLError(message, { invalid: true });
  for (const k of Object.keys(f.args)) if (k !== "input") throw invalid(`Field '${f.name}' doesn't accept argument '${k}'`);
  if (!("input" in f.args)) throw invalid(`Field '${f.name}' is missing required arguments: input`);
  const variable = f.argVars.input;
  const declared = variable !== undefined ? variableTypes[variable] : undefined;
  if (variable !== undefined && declared !== undefined) {
    if (declared.replace(/!$/, "") !== spec.input) throw invalid(`Type mismatch on variable $${variable} and argument input (${declared} / ${spec.input}!)`);
    if (!declared.endsWith("!")) throw invalid(`Nullability mismatch on variable $${variable} and argument input (${declared} / ${spec.input}!)`);
  }
  const raw = f.args.input;
  const bad = (key: string | null, reason: string, type: string) =>
    invalid(
      variable !== undefined
        ? `Variable $${variable} of type ${declared ?? `${spec.input}!`} was provided invalid value${key === null ? "" : ` for ${key}`} (${reason})`
        : `Argument '${key ?? "input"}' on ${key === null ? `Field '${f.name}'` : `InputObject '${spec.input}'`} has an invalid value (${JSON.stringify(key === null ? raw : (raw as Record<string, unknown>)[key])}). Expected type '${type}'.`,
    );
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw bad(null, "Expected value to be an object", `${spec.input}!`);
  const input = raw as Record<string, unknown>;
  for (const k of Object.keys(input)) if (!(k in spec.fields)) throw bad(k, `Field is not defined on ${spec.input}`, spec.input);
  const out: Record<string, unknown> = {};
  const id = (key: string, v: unknown): string => {
    if (typeof v === "string") return v;
    if (typeof v === "number" && Number.isInteger(v)) return String(v);
    throw bad(key, v === null || v === undefined ? "Expected value to not be null" : `Could not coerce value ${JSON.stringify(v)} to ID`, "ID!");
  };
  for (const [key, type] of Object.entries(spec.fields)) {
    const v = input[key];
    if (v === undefined || v === null) {
      if (type.endsWith("!")) throw bad(key, "Expected value to not be null", type);
      continue;
    }
    if (type === "[ID!]!") out[key] = (Array.isArray(v) ? v : [v]).map((x) => id(key, x));
    else if (type === "ID!") out[key] = id(key, v);
    else if (typeof v === "string") out[key] = v;
    else throw bad(key, `Could not coerce value ${JSON.stringify(v)} to String`, type);
  }
  return out;
}

function payloadNode(type: string, fields: Record<string, unknown>): Node {
  return { type, field: (f) => fields[f] };
}

/** Runs one checked mutation field; its payload, and what it changed. */
function runMutation<R extends GraphQLRepo>(name: string, input: Record<string, unknown>, host: GraphQLHost<R>): { payload: Node; repo: R; issue: number } {
  const spec = MUTATIONS[name]!;
  const clientMutationId = (input.clientMutationId as string | undefined) ?? null;
  const pullOf = (id: unknown) => {
    const found = findNode(host.repositories(), id);
    if (found?.type !== "PullRequest") throw unresolvable(id);
    return found;
  };
  switch (name) {
    case "addComment": {
      const { repo, pull } = pullOf(input.subjectId);
      const c = host.addComment(repo, pull.number, String(input.body));
      const edge = payloadNode("IssueCommentEdge", { cursor: b64(`cursor:v2:${c.id}`), node: commentNode(repo, c) });
      return { payload: payloadNode(spec.payload, { clientMutationId, commentEdge: edge, subject: pullNode(repo, pull) }), repo, issue: pull.number };
    }
    case "updateIssueComment": {
      const found = findNode(host.repositories(), input.id);
      if (found?.type !== "IssueComment") throw unresolvable(input.id);
      const c = host.updateComment(found.repo, found.comment, String(input.body));
      return { payload: payloadNode(spec.payload, { clientMutationId, issueComment: commentNode(found.repo, c) }), repo: found.repo, issue: c.issue };
    }
    default: {
      // addLabelsToLabelable, removeLabelsFromLabelable: every label is resolved before any is applied.
      const { repo, pull } = pullOf(input.labelableId);
      const names = (input.labelIds as string[]).map((id) => {
        const found = findNode([repo], id);
        if (found?.type !== "Label") throw unresolvable(id); // a label of another repository is not one of this PR's
        return found.label.name;
      });
      if (name === "addLabelsToLabelable") host.addLabels(repo, pull.number, names);
      else host.removeLabels(repo, pull.number, names);
      return { payload: payloadNode(spec.payload, { clientMutationId, labelable: pullNode(repo, pull) }), repo, issue: pull.number };
    }
  }
}

/**
 * Runs a mutation document: every field and input is checked first (an error there runs nothing and
 * answers { data: null, errors }), then the fields run one after another, in order, as GitHub runs
 * them; a field that fails answers null and an error naming its path, and the next ones still run.
 */
async function runMutations<R extends GraphQLRepo>(doc: ReturnType<typeof parse>, host: GraphQLHost<R>, mutations: MutationRecord[]): Promise<{ data: Record<string, unknown>; errors: Record<string, unknown>[] }> {
  const flat = (sels: Selection[]): Field[] => sels.flatMap((s) => ("on" in s ? (s.on === "Mutation" ? flat(s.selections) : []) : [s]));
  const fields = flat(doc.selections);
  const inputs = new Map<Field, Record<string, unknown>>();
  for (const f of fields) {
    if (f.name === "__typename") continue;
    const spec = MUTATIONS[f.name];
    if (!spec) throw new GraphQLError(`Field '${f.name}' doesn't exist on type 'Mutation'`);
    inputs.set(f, checkInput(f, spec, doc.variableTypes));
    if (!f.selections.length) throw new GraphQLError(`Field must have selections (field '${f.name}' returns ${spec.payload} but has no selections. Did you mean '${f.name} { ... }'?)`, { invalid: true });
    checkSelections(spec.payload, f.selections);
  }
  const data: Record<string, unknown> = {};
  const errors: Record<string, unknown>[] = [];
  for (const f of fields) {
    if (f.name === "__typename") {
      data[f.alias] = "Mutation";
      continue;
    }
    let ran: { payload: Node; repo: R; issue: number };
    try {
      ran = runMutation(f.name, inputs.get(f)!, host);
    } catch (e) {
      if (!(e instanceof GraphQLError) || e.type === undefined) throw e;
      mutations.push({ field: f.name, repo: null, issue: null });
      data[f.alias] = null;
      errors.push({ type: e.type, path: [f.alias], message: e.message });
      continue;
    }
    mutations.push({ field: f.name, repo: `${ran.repo.owner}/${ran.repo.name}`, issue: ran.issue });
    data[f.alias] = await resolve(ran.payload, f.selections);
  }
  return { data, errors };
}

// ---- execution ---------------------------------------------------------------------------------

export interface GraphQLResult {
  /** The GraphQL response body: { data }, { data, errors } (a mutation field failed) or { data: null, errors }. */
  body: unknown;
  /** Whether the request strayed: "not-modelled" (a field, type or syntax this model lacks), "invalid-body" (inputs GitHub refuses too). */
  problem: false | "not-modelled" | "invalid-body";
  /** A mutation's fields as they ran, in order (absent when none ran). */
  mutations?: MutationRecord[];
}

/**
 * Executes a query, or (with `host`) a mutation of the fields in MUTATIONS on the host's state; the
 * GraphQL response body ({ data } or { data: null, errors }).
 */
export async function execute<R extends GraphQLRepo>(query: string, variables: Record<string, unknown>, repoOf: (owner: string, name: string) => R | null, host?: GraphQLHost<R>): Promise<GraphQLResult> {
  return run(
    query,
    variables,
    (owner, name) => {
      const repo = repoOf(owner, name);
      return repo ? repositoryNode(repo) : null;
    },
    host,
  );
}

/** Executes a query whose `repository(owner, name)` is answered by `repositoryOf` (null: no such repository); mutations are refused. */
export async function executeOver(query: string, variables: Record<string, unknown>, repositoryOf: (owner: string, name: string) => Node | null): Promise<GraphQLResult> {
  return run(query, variables, repositoryOf);
}

async function run<R extends GraphQLRepo>(query: string, variables: Record<string, unknown>, repositoryOf: (owner: string, name: string) => Node | null, host?: GraphQLHost<R>): Promise<GraphQLResult> {
  try {
    const kind = /^\s*(mutation|subscription)\b/.exec(query)?.[1];
    if (kind === "subscription" || (kind === "mutation" && !host)) throw new GraphQLError(`The local GitHub does not model GraphQL ${kind}s`);
    const doc = parse(query, variables);
    if (doc.operation === "subscription" || (doc.operation === "mutation" && !host)) throw new GraphQLError(`The local GitHub does not model GraphQL ${doc.operation}s`);
    if (doc.operation === "mutation") {
      const mutations: MutationRecord[] = [];
      try {
        const { data, errors } = await runMutations(doc, host!, mutations);
        return { body: errors.length ? { data, errors } : { data }, problem: false, mutations };
      } catch (e) {
        // A field of an answer failed after its write: the writes stand, the answer is the error.
        if (e instanceof GraphQLError && mutations.length) throw Object.assign(e, { mutations });
        throw e;
      }
    }
    const root: Node = {
      type: "Query",
      field: (f, args) => {
        if (f === "node" && host) {
          const found = findNode(host.repositories(), args.id);
          if (!found) throw unresolvable(args.id);
          return nodeOf(found);
        }
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
    const ran = (e as { mutations?: MutationRecord[] }).mutations;
    return {
      body: { data: null, errors: [{ ...(notFound ? { type: "NOT_FOUND" } : {}), message: e.message }] },
      problem: notFound ? false : e.invalid ? "invalid-body" : "not-modelled",
      ...(ran ? { mutations: ran } : {}),
    };
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
          return nodeId.repository(repo.id);
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
        case "label": {
          const l = repo.labels?.get(String(args.name).toLowerCase());
          return l ? labelNode(l) : null;
        }
        case "labels": {
          // `first` and `query` (a substring of the name, as GitHub's search) only; no paging.
          const q = typeof args.query === "string" ? args.query.toLowerCase() : "";
          const all = [...(repo.labels?.values() ?? [])].filter((l) => l.name.toLowerCase().includes(q));
          return { type: "LabelConnection", field: (g: string) => ({ totalCount: all.length, nodes: all.slice(0, Math.min(Number(args.first ?? 100), 100)).map(labelNode) })[g] };
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
