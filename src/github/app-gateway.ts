/**
 * The App's GitHub calls (edge module): a PR's files, the `PUCS / conflicts` check run, the sticky
 * report comment, labels, reactions, replies and the commenter's permission. Every call goes through
 * `RepoClient` (errors mapped to GitHubError with what to fix); every list is paginated with a bound.
 *
 * Costs (reads R / writes W):
 *   pullFiles          R per 100 files (≤ 30: GitHub lists 3,000 files at most)
 *   findCheckRun       R (check runs of one sha, filtered by name)
 *   createCheckRun     W, + W per further 50 annotations
 *   updateCheckRun     W, + W per further 50 annotations
 *   findReportComment  R per 100 comments (≤ 10 pages)
 *   create/update/deleteComment, addLabels, removeLabel, createLabel, react   W each
 *   writeReport        W (the report comment and label changes of a PR in one GraphQL request)
 *   labelNodeId        R (+ W when the label is missing); pullNodeId R
 *   permission         R
 *   openPulls          R per 100 open PRs (≤ 100 pages)
 *   defaultBranch      R
 *
 * Creating is the one thing a blind retry can duplicate: a 502/504 may come after GitHub made the
 * comment or check run. So `createCommentOnce` / `createCheckRunOnce` send the create without
 * Octokit's automatic retry and, when the outcome is unknown (5xx, no answer), look before trying
 * again (a comment carries a unique `key` marker; a check run is found by its head sha), up to
 * CREATE_ATTEMPTS times.
 */
import type { Annotation } from "../engine/report.js";
import { parsePatch } from "../engine/diff.js";
import type { ChangedFile } from "../engine/types.js";
import { GitHubError, RepoClient, outcomeUnknown, paginate, retryBaseMs, type GitHubClient, type Json, type RepoRef } from "./client.js";
import type { Role } from "../engine/commands.js";
import type { PullRequest } from "../engine/change.js";
import { pullOfRest } from "./pull.js";

export const CHECK_NAME = "PUCS / conflicts";
/** GitHub accepts at most 50 annotations per check-run request. */
export const ANNOTATIONS_PER_REQUEST = 50;
/** GitHub lists at most 3,000 files of a pull request. */
export const MAX_PR_FILES = 3000;
/** Tries at a create whose outcome stays unknown (each after looking whether the last one happened). */
export const CREATE_ATTEMPTS = 4;
/** Octokit request option: no automatic retry (src/github/retry.ts reads `request.retries`). */
const NO_RETRY = { request: { retries: 0 } };

const str = (v: unknown): string => (typeof v === "string" ? v : "");
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const nodeIdOf = (o: Json): { nodeId?: string } => (typeof o.node_id === "string" && o.node_id ? { nodeId: o.node_id } : {});

export type Conclusion = "success" | "neutral" | "failure";

export interface CheckOutput {
  title: string;
  summary: string;
  text?: string;
  annotations: Annotation[];
}

export interface CheckRunInfo {
  id: number;
  headSha: string;
  status: string;
  conclusion: string | null;
  title: string;
  summary: string;
  /** Annotations already on the run (GitHub only ever appends them). */
  annotationsCount: number;
}

export interface CommentInfo {
  id: number;
  /** GitHub's node id (GraphQL mutations take it), when the answer had one. */
  nodeId?: string;
  body: string;
  author: string;
  authorIsBot?: boolean;
  createdAt?: string;
}

export interface LabelSpec {
  name: string;
  color: string;
  description: string;
}

export type Reaction = "eyes" | "+1" | "confused";

/** A PR's report comment and label changes, written by `writeReport` in one request. */
export interface ReportWrite {
  number: number;
  /** The PR's node id. */
  node: string;
  /** Create (with the key a look-up finds it by) or edit (by id and node id) the report comment; null: leave it. */
  comment: { create: { body: string; key: string } } | { update: { id: number; nodeId: string; body: string } } | null;
  /** Labels to add and to remove, by name and node id. */
  add: { name: string; id: string }[];
  remove: { name: string; id: string }[];
}

export class AppGateway {
  readonly rc: RepoClient;

  readonly #sleep: (ms: number) => Promise<void>;

  constructor(
    client: GitHubClient,
    readonly repo: RepoRef,
    opts: { sleep?: (ms: number) => Promise<void> } = {},
  ) {
    this.rc = new RepoClient(client, repo);
    this.#sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** Runs `create` until it is known to have happened once: after an unknown outcome, `find` decides. */
  async #once<T>(create: () => Promise<T>, find: () => Promise<T | null>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await create();
      } catch (e) {
        if (!outcomeUnknown(e) || attempt >= CREATE_ATTEMPTS) throw e;
        const found = await find();
        if (found !== null) return found;
        await this.#sleep(retryBaseMs() * attempt * attempt);
      }
    }
  }

  /**
   * Comments on the PR exactly once: `key` (an HTML comment unique to this comment, inside `body`)
   * is looked for when a try's outcome is unknown. Returns the comment's id.
   */
  async createCommentOnce(number: number, body: string, key: string): Promise<number> {
    if (!body.includes(key)) throw new RangeError(`createCommentOnce: the body must contain its key ${key}`);
    return this.#once(
      () => this.createComment(number, body, { retry: false }),
      async () => {
        const found = await this.findComment(number, key);
        if (!found) return null;
        if (found.body.trim() !== body.trim()) await this.updateComment(found.id, body);
        return found.id;
      },
    );
  }

  /** Creates the `PUCS / conflicts` run on `sha` exactly once (after an unknown outcome, the run found on `sha` is updated instead). */
  async createCheckRunOnce(sha: string, conclusion: Conclusion, out: CheckOutput): Promise<number> {
    return this.#once(
      () => this.createCheckRun(sha, conclusion, out, undefined, { retry: false }),
      async () => {
        const run = await this.findCheckRun(sha);
        if (!run) return null;
        if (run.conclusion !== conclusion || run.title !== out.title || run.summary !== out.summary || run.status !== "completed") {
          await this.updateCheckRun(run.id, conclusion, run.annotationsCount > 0 ? { ...out, annotations: [] } : out);
        }
        return run.id;
      },
    );
  }

  /**
   * The PR's changed files with their hunks. A file without `patch` (binary, or a diff GitHub will not
   * show) or whose patch does not parse gets `hunks: null` (= touches the whole file). GitHub lists
   * 3,000 files at most: `truncated` is then true, the footprint says so, and the report notes that
   * files past the limit were not checked.
   */
  async pullFiles(number: number): Promise<{ files: ChangedFile[]; truncated: boolean }> {
    const { items, truncated } = await paginate(
      (p) => this.rc.call(`list the files of pull request #${number}`, "pull_requests: read", "GET /repos/{owner}/{repo}/pulls/{pull_number}/files", { pull_number: number, ...p }),
      {},
      { maxPages: MAX_PR_FILES / 100 },
    );
    const files = items.map((f): ChangedFile => {
      const patch = typeof f.patch === "string" ? f.patch : null;
      const parsed = patch === null ? null : parsePatch(patch);
      const file: ChangedFile = {
        path: str(f.filename),
        status: str(f.status) as ChangedFile["status"],
        hunks: parsed && parsed.errors.length === 0 ? parsed.hunks : null,
      };
      if (typeof f.previous_filename === "string") file.previousPath = f.previous_filename;
      return file;
    });
    return { files, truncated: truncated || files.length >= MAX_PR_FILES };
  }

  /** The `PUCS / conflicts` run on `sha`, if one exists (the newest). */
  async findCheckRun(sha: string): Promise<CheckRunInfo | null> {
    const r = await this.rc.call(`list the check runs of ${sha.slice(0, 7)}`, "checks: read", "GET /repos/{owner}/{repo}/commits/{ref}/check-runs", {
      ref: sha,
      check_name: CHECK_NAME,
      filter: "latest",
      per_page: 100,
    });
    const runs = ((r.data as Json).check_runs ?? []) as Json[];
    const run = runs.find((x) => x.name === CHECK_NAME);
    if (!run) return null;
    const output = (run.output ?? {}) as Json;
    return {
      id: Number(run.id),
      headSha: str(run.head_sha),
      status: str(run.status),
      conclusion: typeof run.conclusion === "string" ? run.conclusion : null,
      title: str(output.title),
      summary: str(output.summary),
      annotationsCount: Number(output.annotations_count ?? 0) || 0,
    };
  }

  /** Creates the check run (completed), sending annotations 50 per request. Returns its id. */
  async createCheckRun(sha: string, conclusion: Conclusion, out: CheckOutput, detailsUrl?: string, opts: { retry?: boolean } = {}): Promise<number> {
    const [first, ...rest] = chunks(out.annotations, ANNOTATIONS_PER_REQUEST);
    const r = await this.rc.call(`create the ${CHECK_NAME} check run on ${sha.slice(0, 7)}`, "checks: write", "POST /repos/{owner}/{repo}/check-runs", {
      ...(opts.retry === false ? NO_RETRY : {}),
      name: CHECK_NAME,
      head_sha: sha,
      status: "completed",
      conclusion,
      ...(detailsUrl ? { details_url: detailsUrl } : {}),
      output: outputBody(out, first ?? []),
    });
    const id = Number((r.data as Json).id);
    for (const batch of rest) await this.#moreAnnotations(id, out, batch);
    return id;
  }

  /** Updates the check run (its annotations are added, 50 per request). */
  async updateCheckRun(id: number, conclusion: Conclusion, out: CheckOutput): Promise<void> {
    const [first, ...rest] = chunks(out.annotations, ANNOTATIONS_PER_REQUEST);
    await this.rc.call(`update the ${CHECK_NAME} check run`, "checks: write", "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
      check_run_id: id,
      status: "completed",
      conclusion,
      output: outputBody(out, first ?? []),
    });
    for (const batch of rest) await this.#moreAnnotations(id, out, batch);
  }

  async #moreAnnotations(id: number, out: CheckOutput, batch: Annotation[]): Promise<void> {
    await this.rc.call(`add annotations to the ${CHECK_NAME} check run`, "checks: write", "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
      check_run_id: id,
      output: outputBody(out, batch),
    });
  }

  /** The repository's open pull requests, oldest first (≤ 10,000: 100 pages). */
  async openPulls(): Promise<{ pulls: PullRequest[]; truncated: boolean }> {
    const { items, truncated } = await paginate(
      (p) => this.rc.call("list the open pull requests", "pull_requests: read", "GET /repos/{owner}/{repo}/pulls", { state: "open", sort: "created", direction: "asc", ...p }),
      {},
      { maxPages: 100 },
    );
    return { pulls: items.map((p) => pullOfRest(p)), truncated };
  }

  /** The repository's default branch. */
  async defaultBranch(): Promise<string> {
    const r = await this.rc.call("read the repository", "metadata: read", "GET /repos/{owner}/{repo}", {});
    return str((r.data as Json).default_branch);
  }

  /** The PR's comments, oldest first (≤ 1,000: 10 pages). */
  async listComments(number: number): Promise<CommentInfo[]> {
    const { items } = await paginate(
      (p) => this.rc.call(`list the comments of #${number}`, "issues: read", "GET /repos/{owner}/{repo}/issues/{issue_number}/comments", { issue_number: number, ...p }),
      {},
      { maxPages: 10 },
    );
    return items.map((c) => {
      const user = (c.user ?? {}) as Json;
      return { id: Number(c.id), ...nodeIdOf(c), body: str(c.body), author: str(user.login), authorIsBot: user.type === "Bot", createdAt: str(c.created_at) };
    });
  }

  /** The first comment on the PR whose body contains `marker` (the sticky report). */
  async findComment(number: number, marker: string): Promise<CommentInfo | null> {
    return (await this.listComments(number)).find((c) => c.body.includes(marker)) ?? null;
  }

  async createComment(number: number, body: string, opts: { retry?: boolean } = {}): Promise<number> {
    const r = await this.rc.call(`comment on #${number}`, "issues: write", "POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
      ...(opts.retry === false ? NO_RETRY : {}),
      issue_number: number,
      body,
    });
    return Number((r.data as Json).id);
  }

  /** One comment by id; null when it is gone (deleted). */
  async getComment(id: number): Promise<CommentInfo | null> {
    try {
      const r = await this.rc.call("read the PUCS comment", "issues: read", "GET /repos/{owner}/{repo}/issues/comments/{comment_id}", { comment_id: id });
      const c = r.data as Json;
      const user = (c.user ?? {}) as Json;
      return { id: Number(c.id), ...nodeIdOf(c), body: str(c.body), author: str(user.login), authorIsBot: user.type === "Bot", createdAt: str(c.created_at) };
    } catch (e) {
      if (e instanceof GitHubError && e.status === 404) return null;
      throw e;
    }
  }

  async updateComment(id: number, body: string): Promise<void> {
    await this.rc.call("edit the PUCS comment", "issues: write", "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", { comment_id: id, body });
  }

  /** The PR's label names (≤ 100). */
  async labelsOf(number: number): Promise<string[]> {
    const r = await this.rc.call(`list the labels of #${number}`, "issues: read", "GET /repos/{owner}/{repo}/issues/{issue_number}/labels", { issue_number: number, per_page: 100 });
    return ((r.data ?? []) as Json[]).map((l) => str(l.name));
  }

  async addLabels(number: number, labels: string[]): Promise<void> {
    await this.rc.call(`label #${number}`, "issues: write", "POST /repos/{owner}/{repo}/issues/{issue_number}/labels", { issue_number: number, labels });
  }

  /** Removes a label; one already gone (404) is fine. */
  async removeLabel(number: number, name: string): Promise<void> {
    try {
      await this.rc.call(`remove the ${name} label from #${number}`, "issues: write", "DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}", { issue_number: number, name });
    } catch (e) {
      if (!(e instanceof GitHubError && e.status === 404)) throw e;
    }
  }

  /** The repository's label names (≤ 300). */
  async listLabels(): Promise<string[]> {
    const { items } = await paginate(
      (p) => this.rc.call("list the repository's labels", "issues: read", "GET /repos/{owner}/{repo}/labels", p),
      {},
      { maxPages: 3 },
    );
    return items.map((l) => str(l.name));
  }

  /**
   * Creates the label unless it exists (1 read + 1 write when missing; a creation race is fine).
   * `known: false` skips the read when the caller already knows it is missing. Returns whether it created it.
   */
  async ensureLabel(spec: LabelSpec, opts: { known?: boolean } = {}): Promise<boolean> {
    if (opts.known !== false) {
      try {
        await this.rc.call(`read the ${spec.name} label`, "issues: read", "GET /repos/{owner}/{repo}/labels/{name}", { name: spec.name });
        return false;
      } catch (e) {
        if (!(e instanceof GitHubError && e.status === 404)) throw e;
      }
    }
    try {
      await this.rc.call(`create the ${spec.name} label`, "issues: write", "POST /repos/{owner}/{repo}/labels", { ...spec });
    } catch (e) {
      if (e instanceof GitHubError && e.status === 422 && /already_exists/.test(e.apiMessage)) return false;
      throw e;
    }
    return true;
  }

  /**
   * The label's node id (GraphQL's label mutations take it), creating the label when missing: 1 read,
   * + 1 write the first time in the repository's life (a creation race is fine: read again).
   * `create: false`: null when the repository has no such label.
   */
  labelNodeId(spec: LabelSpec): Promise<string>;
  labelNodeId(spec: LabelSpec, opts: { create: boolean }): Promise<string | null>;
  async labelNodeId(spec: LabelSpec, opts: { create: boolean } = { create: true }): Promise<string | null> {
    const read = async (): Promise<string | null> => {
      try {
        const r = await this.rc.call(`read the ${spec.name} label`, "issues: read", "GET /repos/{owner}/{repo}/labels/{name}", { name: spec.name });
        return str((r.data as Json).node_id) || null;
      } catch (e) {
        if (e instanceof GitHubError && e.status === 404) return null;
        throw e;
      }
    };
    const found = await read();
    if (found || !opts.create) return found;
    try {
      const r = await this.rc.call(`create the ${spec.name} label`, "issues: write", "POST /repos/{owner}/{repo}/labels", { ...spec });
      const id = str((r.data as Json).node_id);
      if (id) return id;
    } catch (e) {
      if (!(e instanceof GitHubError && e.status === 422 && /already_exists/.test(e.apiMessage))) throw e;
    }
    const again = await read();
    if (!again) throw new GitHubError(`GitHub answered without the node id of the ${spec.name} label (it reads as missing right after it was made). The event can be redelivered from the App's settings (Advanced → Recent Deliveries); its report comment and labels were not written.`, 200, "unexpected", "no node_id");
    return again;
  }

  /** The PR's node id (1 GraphQL read). */
  async pullNodeId(number: number): Promise<string> {
    const d = await this.rc.graphql<{ repository: { pull: { id: string } | null } | null }>(
      `read the node id of #${number}`,
      "pull_requests: read",
      "query PucsPullId($owner: String!, $repo: String!, $pull: Int!) { repository(owner: $owner, name: $repo) { pull: pullRequest(number: $pull) { id } } }",
      { owner: this.repo.owner, repo: this.repo.repo, pull: number },
    );
    const id = d.repository?.pull?.id;
    if (!id) throw new GitHubError(`GitHub did not find pull request #${number}.`, 404, "not-found", "no such pull request");
    return id;
  }

  /**
   * A PR's report comment and its label changes in ONE request (a GraphQL mutation per part, run in
   * order by GitHub): GitHub counts a request, not its mutations, against the secondary limits (5
   * points, one content-creating request), so a report that changes both costs one write, not 2–3.
   * Returns the comment's id (null when `comment` is null).
   *
   * Nothing is lost or made twice: a part GitHub answers with an error (its field null) is redone
   * over REST, which names what failed; when the whole request fails, every part is redone over REST —
   * after an unknown outcome (5xx, no answer) a comment to create is first looked for by its key.
   */
  async writeReport(w: ReportWrite): Promise<number | null> {
    const defs: string[] = [];
    const fields: string[] = [];
    const variables: Json = {};
    const creating = w.comment !== null && "create" in w.comment;
    if (w.comment !== null) {
      if ("create" in w.comment) {
        if (!w.comment.create.body.includes(w.comment.create.key)) throw new RangeError(`writeReport: the body must contain its key ${w.comment.create.key}`);
        defs.push("$c: AddCommentInput!");
        variables.c = { subjectId: w.node, body: w.comment.create.body };
        fields.push("c: addComment(input: $c) { commentEdge { node { databaseId } } }");
      } else {
        defs.push("$u: UpdateIssueCommentInput!");
        variables.u = { id: w.comment.update.nodeId, body: w.comment.update.body };
        fields.push("u: updateIssueComment(input: $u) { issueComment { databaseId } }");
      }
    }
    if (w.add.length > 0) {
      defs.push("$a: AddLabelsToLabelableInput!");
      variables.a = { labelableId: w.node, labelIds: w.add.map((l) => l.id) };
      fields.push("a: addLabelsToLabelable(input: $a) { clientMutationId }");
    }
    if (w.remove.length > 0) {
      defs.push("$r: RemoveLabelsFromLabelableInput!");
      variables.r = { labelableId: w.node, labelIds: w.remove.map((l) => l.id) };
      fields.push("r: removeLabelsFromLabelable(input: $r) { clientMutationId }");
    }
    if (fields.length === 0) return null;
    let data: Json;
    try {
      data = (await this.rc.graphqlResult(`update the report of #${w.number}`, "issues: write", `mutation PucsReport(${defs.join(", ")}) { ${fields.join(" ")} }`, variables, creating ? NO_RETRY : {})).data ?? {};
    } catch (e) {
      if (!(e instanceof GitHubError)) throw e;
      // Nothing is known to be done: every part again over REST (a comment is looked for first when it may exist).
      return this.#reportOverRest(w, { comment: true, add: true, remove: true, lookFirst: outcomeUnknown(e) });
    }
    const made = w.comment === null ? null : "create" in w.comment ? num((((data.c as Json | null)?.commentEdge as Json | null)?.node as Json | null)?.databaseId) : ((data.u as Json | null)?.issueComment ? w.comment.update.id : null);
    const redo = { comment: w.comment !== null && made === null, add: w.add.length > 0 && !data.a, remove: w.remove.length > 0 && !data.r, lookFirst: false };
    if (!redo.comment && !redo.add && !redo.remove) return made;
    const id = await this.#reportOverRest(w, redo);
    return made ?? id;
  }

  async #reportOverRest(w: ReportWrite, parts: { comment: boolean; add: boolean; remove: boolean; lookFirst: boolean }): Promise<number | null> {
    let id: number | null = null;
    if (parts.comment && w.comment !== null) {
      if ("create" in w.comment) {
        const { body, key } = w.comment.create;
        const found = parts.lookFirst ? await this.findComment(w.number, key) : null;
        if (found) {
          if (found.body.trim() !== body.trim()) await this.updateComment(found.id, body);
          id = found.id;
        } else id = await this.createCommentOnce(w.number, body, key);
      } else {
        await this.updateComment(w.comment.update.id, w.comment.update.body);
        id = w.comment.update.id;
      }
    }
    if (parts.remove) for (const l of w.remove) await this.removeLabel(w.number, l.name);
    if (parts.add && w.add.length > 0) await this.addLabels(w.number, w.add.map((l) => l.name));
    return id;
  }

  async react(commentId: number, content: Reaction): Promise<void> {
    await this.rc.call("react to the comment", "issues: write", "POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", { comment_id: commentId, content });
  }

  /** The user's role on the repository (role_name: admin, maintain, write, triage, read; none when not a collaborator). */
  async permission(username: string): Promise<Role> {
    try {
      const r = await this.rc.call(`read @${username}'s permission`, "metadata: read", "GET /repos/{owner}/{repo}/collaborators/{username}/permission", { username });
      const d = r.data as Json;
      const role = str(d.role_name) || str(d.permission);
      return (["admin", "maintain", "write", "triage", "read"] as const).find((x) => x === role) ?? "none";
    } catch (e) {
      if (e instanceof GitHubError && e.status === 404) return "none";
      throw e;
    }
  }
}

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** GitHub caps a check run's summary and text at 65,535 characters. */
const MAX_OUTPUT = 65_000;

function clip(s: string): string {
  return s.length > MAX_OUTPUT ? `${s.slice(0, MAX_OUTPUT)}\n\n…(cut at GitHub's size limit)` : s;
}

function outputBody(out: CheckOutput, annotations: Annotation[]): Json {
  return {
    title: out.title,
    summary: clip(out.summary),
    ...(out.text ? { text: clip(out.text) } : {}),
    ...(annotations.length > 0 ? { annotations } : {}),
  };
}
