/**
 * The dashboard issue's GitHub calls (edge module): find it by its hidden marker, create it exactly
 * once, edit it, comment on it, and read the ledger's last commit messages (its audit trail).
 *
 * Costs (reads R / writes W):
 *   getIssue        R
 *   findByMarker    R per 100 issues carrying the dashboard label (≤ 3 pages); without labels, or
 *                   when none matches, one search request (the label may have been removed)
 *   createIssueOnce W (after an unknown outcome: findByMarker before trying again)
 *   updateIssue, comment, closeIssue   W each
 *   ledgerHistory   R (one GraphQL request)
 */
import { GitHubError, RepoClient, outcomeUnknown, paginate, retryBaseMs, type GitHubClient, type Json, type RepoRef } from "./client.js";
import { LEDGER_REF } from "./ledger-store.js";

/** Octokit request option: no automatic retry (src/github/retry.ts reads `request.retries`). */
const NO_RETRY = { request: { retries: 0 } };
const CREATE_ATTEMPTS = 4;
const str = (v: unknown): string => (typeof v === "string" ? v : "");

export interface IssueInfo {
  number: number;
  title: string;
  body: string;
  state: "open" | "closed";
}

function issueOf(d: Json): IssueInfo {
  return { number: Number(d.number), title: str(d.title), body: str(d.body), state: d.state === "closed" ? "closed" : "open" };
}

export class DashboardGateway {
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

  /** The issue, or null when it is gone (404, or 410 for a deleted issue). */
  async getIssue(number: number): Promise<IssueInfo | null> {
    try {
      const r = await this.rc.call(`read issue #${number}`, "issues: read", "GET /repos/{owner}/{repo}/issues/{issue_number}", { issue_number: number });
      return issueOf(r.data as Json);
    } catch (e) {
      if (e instanceof GitHubError && (e.status === 404 || e.status === 410)) return null;
      throw e;
    }
  }

  /**
   * Every issue (not PR) whose body carries `marker`, lowest number first: listed by the first of
   * `labels` (GitHub's list is consistent at once, unlike search), then by search when that finds none.
   */
  async findAllByMarker(marker: string, labels: readonly string[]): Promise<IssueInfo[]> {
    const hits: IssueInfo[] = [];
    if (labels.length > 0) {
      const { items } = await paginate(
        (p) => this.rc.call("list the dashboard issues", "issues: read", "GET /repos/{owner}/{repo}/issues", { state: "all", labels: labels[0], sort: "created", direction: "asc", ...p }),
        {},
        { maxPages: 3 },
      );
      for (const i of items) if (!i.pull_request && str(i.body).includes(marker)) hits.push(issueOf(i));
    }
    if (hits.length === 0) {
      const words = marker.replace(/<!--|-->/g, "").trim();
      const r = await this.rc.call("search for the dashboard issue", "issues: read", "GET /search/issues", {
        q: `repo:${this.repo.owner}/${this.repo.repo} is:issue in:body "${words}"`,
        per_page: 100,
      });
      const items = ((r.data as Json).items ?? []) as Json[];
      for (const i of items) if (!i.pull_request && str(i.body).includes(marker)) hits.push(issueOf(i));
    }
    return hits.sort((a, b) => a.number - b.number);
  }

  async findByMarker(marker: string, labels: readonly string[]): Promise<IssueInfo | null> {
    return (await this.findAllByMarker(marker, labels))[0] ?? null;
  }

  /** Creates the issue exactly once (`body` carries `marker`; after an unknown outcome it is looked for first). */
  async createIssueOnce(title: string, body: string, labels: readonly string[], marker: string): Promise<IssueInfo> {
    if (!body.includes(marker)) throw new RangeError(`createIssueOnce: the body must contain its marker ${marker}`);
    for (let attempt = 1; ; attempt++) {
      try {
        const r = await this.rc.call("create the dashboard issue", "issues: write", "POST /repos/{owner}/{repo}/issues", { ...NO_RETRY, title, body, labels: [...labels] });
        return issueOf(r.data as Json);
      } catch (e) {
        if (!outcomeUnknown(e) || attempt >= CREATE_ATTEMPTS) throw e;
        const found = await this.findByMarker(marker, labels);
        if (found) return found;
        await this.#sleep(retryBaseMs() * attempt * attempt);
      }
    }
  }

  async updateIssue(number: number, fields: { body?: string; state?: "closed" }): Promise<void> {
    await this.rc.call(`edit issue #${number}`, "issues: write", "PATCH /repos/{owner}/{repo}/issues/{issue_number}", { issue_number: number, ...fields });
  }

  async comment(number: number, body: string): Promise<void> {
    await this.rc.call(`comment on issue #${number}`, "issues: write", "POST /repos/{owner}/{repo}/issues/{issue_number}/comments", { issue_number: number, body });
  }

  /** The ledger ref's last `n` commits (message, committer date), newest first; [] without a ledger. */
  async ledgerHistory(n: number, ref: string = LEDGER_REF): Promise<{ date: string; message: string }[]> {
    const query = `query($owner: String!, $name: String!, $ref: String!, $n: Int!) {
  repository(owner: $owner, name: $name) {
    ref(qualifiedName: $ref) { target { ... on Commit { history(first: $n) { nodes { message committedDate } } } } }
  }
}`;
    const data = await this.rc.graphql<{ repository: { ref: { target: { history?: { nodes: { message: string; committedDate: string }[] } } } | null } | null }>(
      `read the history of ${ref}`,
      "contents: read",
      query,
      { owner: this.repo.owner, name: this.repo.repo, ref, n },
    );
    const nodes = data?.repository?.ref?.target?.history?.nodes ?? [];
    return nodes.map((c) => ({ date: c.committedDate, message: c.message.split("\n").filter((l) => !/^Pucs-Nonce: /.test(l)).join("\n").trim() }));
  }
}
