/**
 * GitHub's pull request objects → PUCS's one model (`PullRequest`, src/engine/change.ts).
 *
 * A pull request reaches PUCS three ways: a webhook payload or a REST answer (the same JSON shape), and
 * GraphQL's `PullRequest` (read in the App's one state query). Both converters are here, so the App, the
 * merge gate and the commands never disagree on a title, a branch, an author or the commits.
 */
import type { PullRequest } from "../engine/change.js";

type J = Record<string, unknown>;
const s = (v: unknown): string => (typeof v === "string" ? v : "");

/** A REST / webhook pull request object. */
export function pullOfRest(p: J): PullRequest {
  const head = (p.head ?? {}) as J;
  const base = (p.base ?? {}) as J;
  const user = (p.user ?? {}) as J;
  const labels = Array.isArray(p.labels) ? (p.labels as unknown[]).map((l) => (typeof l === "string" ? l : s((l as J)?.name))).filter(Boolean) : [];
  return {
    number: Number(p.number),
    title: s(p.title),
    body: s(p.body),
    author: s(user.login),
    authorIsBot: user.type === "Bot" || /\[bot\]$/.test(s(user.login)),
    labels,
    branch: s(head.ref),
    baseRef: s(base.ref),
    draft: p.draft === true,
    headSha: s(head.sha),
    url: s(p.html_url),
    state: p.state === "closed" ? "closed" : "open",
    merged: p.merged === true || (typeof p.merged_at === "string" && p.merged_at !== ""),
    ...(typeof p.node_id === "string" && p.node_id ? { nodeId: p.node_id } : {}),
    // An open PR's merge_commit_sha is GitHub's test merge: only a merged PR's is its merge.
    ...((p.merged === true || (typeof p.merged_at === "string" && p.merged_at !== "")) && typeof p.merge_commit_sha === "string" && p.merge_commit_sha ? { mergeSha: p.merge_commit_sha } : {}),
  };
}

/** GraphQL's PullRequest, the fields PUCS reads (`PULL_FIELDS`). */
export interface PullNode {
  /** The node id (`revertPullRequest` takes it). */
  id?: string;
  /** The commit a merged PR made on its base (null while open). */
  mergeCommit?: { oid: string } | null;
  number: number;
  state: "OPEN" | "CLOSED" | "MERGED";
  isDraft: boolean;
  merged: boolean;
  title: string;
  body?: string | null;
  url: string;
  headRefName: string;
  headRefOid: string;
  baseRefName?: string | null;
  author: { __typename: string; login: string } | null;
  labels: { nodes: { name: string }[] } | null;
  /** The newest commits (GitHub lists a PR's commits oldest first; `last:` takes the newest). */
  commits?: { nodes: ({ commit: { message: string } | null } | null)[] } | null;
}

/** Commits read with the PR: enough for `[PUCS-<ID>]` prefixes and `PUCS-Agent:` trailers of any usual PR. */
export const PULL_COMMITS = 100;

export const PULL_FIELDS = `id mergeCommit { oid } number state isDraft merged title body url headRefName headRefOid baseRefName author { __typename login } labels(first: 100) { nodes { name } } commits(last: ${PULL_COMMITS}) { nodes { commit { message } } }`;

/** GraphQL's PullRequest as the model (a Bot author's login gets REST's "[bot]" suffix). */
export function pullOfGraphQL(p: PullNode): PullRequest {
  const bot = p.author?.__typename === "Bot";
  const login = p.author?.login ?? "ghost";
  const pr: PullRequest = {
    number: p.number,
    title: p.title,
    body: p.body ?? "",
    author: bot && !login.endsWith("[bot]") ? `${login}[bot]` : login,
    authorIsBot: bot,
    labels: (p.labels?.nodes ?? []).map((l) => l.name),
    branch: p.headRefName,
    baseRef: p.baseRefName ?? "",
    draft: p.isDraft,
    headSha: p.headRefOid,
    url: p.url,
    state: p.state === "OPEN" ? "open" : "closed",
    merged: p.merged || p.state === "MERGED",
  };
  if (p.id) pr.nodeId = p.id;
  if (pr.merged && p.mergeCommit?.oid) pr.mergeSha = p.mergeCommit.oid;
  if (p.commits) pr.commitMessages = p.commits.nodes.flatMap((n) => (n?.commit ? [n.commit.message] : []));
  return pr;
}
