/**
 * One pull request model and one `Change` for every surface, and the rule of whose claim is whose.
 *
 * - `PullRequest` is what PUCS knows of a PR, whether it came from a webhook, the REST API or GraphQL
 *   (the converters live in src/github/pull.ts). The App, the merge gate and `/pucs` commands all turn
 *   it into a `Change` with `changeOfPull`, so they see the same title, commits, branch, labels and agent,
 *   and so the same stream (membership.ts).
 * - **The agent of a PR** is the id in a `PUCS-Agent: <id>` trailer of its body or of its commits (the
 *   latest one wins: the body first, then the newest commit), else the PR author's login. So an agent
 *   that locks files locally with `pucs lock --agent exec-agent-1` and opens its PR as `some-app[bot]`
 *   with `PUCS-Agent: exec-agent-1` is the same agent on both surfaces.
 * - **Whose claim is it** (`ownsClaim`): a claim (lock, intent, queue place, footprint) belongs to a
 *   change when it was made through that change (`claim.change === change.id`), or when it was made
 *   without a change (a local agent's claim) by the change's agent. A claim made through ANOTHER change
 *   is someone else's, even by the same agent: two PRs are two pieces of work.
 *
 * Pure: no I/O.
 */
import type { Change, ChangedFile, Footprint, Hunk } from "./types.js";

export interface PullRequest {
  number: number;
  title: string;
  /** The PR description ("" when none). */
  body: string;
  /** Login as REST spells it (a GitHub App's bot user ends in "[bot]"). */
  author: string;
  authorIsBot: boolean;
  labels: string[];
  /** Head branch name. */
  branch: string;
  /** Base branch name ("" when unknown). */
  baseRef: string;
  draft: boolean;
  headSha: string;
  url: string;
  state: "open" | "closed";
  merged: boolean;
  /** Commit messages (oldest first) when the source had them; undefined when not read. */
  commitMessages?: string[];
  /** GitHub's node id of the PR, when the source had it (GraphQL mutations such as `revertPullRequest` take it). */
  nodeId?: string;
  /** The commit a merged PR made on its base branch (merge, squash or last rebased commit), when known. */
  mergeSha?: string;
}

export const changeId = (n: number): string => `#${n}`;
export const numberOf = (id: string): number | null => (/^#\d+$/.test(id) ? Number(id.slice(1)) : null);

/** What an agent id may look like: a login, `name[bot]`, or an id such as `exec-agent-1`. */
export const AGENT_ID = /^[A-Za-z0-9][A-Za-z0-9._\-@/]{0,99}(\[bot\])?$/;

const TRAILER = /^pucs-agent:[ \t]*(\S+)[ \t]*$/gim;

/** The last valid `PUCS-Agent: <id>` trailer in a text, or null. */
export function agentTrailer(text: string): string | null {
  let found: string | null = null;
  for (const m of text.matchAll(TRAILER)) {
    const id = m[1] as string;
    if (AGENT_ID.test(id)) found = id;
  }
  return found;
}

/** The PR's agent: its body's trailer, else the newest commit's trailer, else its author's login. */
export function agentOfPull(pr: Pick<PullRequest, "body" | "author">, commitMessages: readonly string[] = []): string {
  const fromBody = agentTrailer(pr.body);
  if (fromBody) return fromBody;
  for (let i = commitMessages.length - 1; i >= 0; i--) {
    const id = agentTrailer(commitMessages[i] as string);
    if (id) return id;
  }
  return pr.author;
}

/** The one way a PR becomes a Change (App reports, commands, the merge gate). */
export function changeOfPull(pr: PullRequest, files: ChangedFile[], commitMessages: readonly string[] = pr.commitMessages ?? []): Change {
  const change: Change = {
    id: changeId(pr.number),
    agent: agentOfPull(pr, commitMessages),
    title: pr.title,
    branch: pr.branch,
    labels: [...pr.labels],
    commitMessages: [...commitMessages],
    draft: pr.draft,
    headSha: pr.headSha,
    files,
  };
  if (pr.url) change.url = pr.url;
  return change;
}

/** The rule of whose claim is whose (see the header). */
export function ownsClaim(change: { id: string; agent: string }, claim: { change?: string | undefined; agent: string }): boolean {
  return claim.change !== undefined ? claim.change === change.id : claim.agent === change.agent;
}

/**
 * A change rebuilt from its ledger footprint: how PUCS judges another open PR (its report refresh, the
 * dashboard, the gate's view from the ledger) without listing its files again.
 */
export function changeOfFootprint(fp: Footprint): Change {
  const files = fp.files.map((f): ChangedFile => ({
    path: f.path,
    ...(f.previousPath !== undefined ? { previousPath: f.previousPath, status: "renamed" as const } : {}),
    ...(f.alt !== undefined ? { alt: f.alt } : {}),
    hunks:
      f.changes === null
        ? null
        : f.changes.map(
            (r): Hunk => ({
              oldStart: r.start,
              oldLines: Math.max(0, r.end - r.start + 1),
              newStart: r.start,
              newLines: Math.max(0, r.end - r.start + 1),
              section: r.section ?? "",
              changes: [r],
            }),
          ),
  }));
  const c: Change = { id: fp.change, agent: fp.agent, labels: fp.labels ?? [], draft: fp.draft, headSha: fp.headSha, files };
  if (fp.title !== undefined) c.title = fp.title;
  if (fp.url !== undefined) c.url = fp.url;
  return c;
}

/**
 * The open change a local branch IS: the one whose recorded head is this commit (a PR's head checked
 * out locally). `pucs check` then judges it as that change, so it does not overlap with itself.
 */
export function changeAtHead(footprints: readonly Footprint[], headSha: string | null): Footprint | null {
  if (!headSha) return null;
  return footprints.find((f) => f.headSha === headSha && f.change.startsWith("#")) ?? null;
}
