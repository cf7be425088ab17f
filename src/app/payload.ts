/**
 * The webhook payload fields the App reads, checked before anything else runs (edge module).
 *
 * A signed webhook from GitHub always has them; a payload that does not (a test tool, a proxy that
 * rewrote it, a GitHub change) is refused with what is wrong and where — "pull_request.synchronize:
 * payload.pull_request.number must be a positive integer (got "7")" — and the App makes no request at
 * all for it. Redelivering such a payload cannot help, so it is logged, not thrown.
 *
 * Only the fields the App uses are checked (everything else GitHub sends passes through untouched).
 */
import { z } from "zod";

const login = z.string().min(1, "must be a non-empty login");
const user = z.object({ login, type: z.string().optional() });
const repository = z.object({
  name: z.string().min(1, "must be a non-empty repository name"),
  owner: z.object({ login }),
  default_branch: z.string().min(1, "must be a non-empty branch name"),
});
const positiveInt = z.number({ error: "must be a positive integer" }).int("must be a positive integer").positive("must be a positive integer");

const pullRequest = z.object({
  number: positiveInt,
  title: z.string().nullish(),
  user,
  labels: z.array(z.object({ name: z.string() })).nullish(),
  head: z.object({ ref: z.string(), sha: z.string().regex(/^[0-9a-f]{40}$/, "must be a 40-hex commit sha") }),
  draft: z.boolean().nullish(),
  html_url: z.string().nullish(),
  state: z.enum(["open", "closed"]),
  merged: z.boolean().nullish(),
});

export const PullRequestEventSchema = z.object({
  action: z.string().min(1, "must name the action"),
  pull_request: pullRequest,
  repository,
  label: z.object({ name: z.string() }).nullish(),
});

export const IssueCommentEventSchema = z.object({
  action: z.string().min(1, "must name the action"),
  issue: z.object({ number: positiveInt, pull_request: z.unknown().optional(), user, body: z.string().nullish() }),
  comment: z.object({ id: positiveInt, body: z.string().nullable(), user }),
  repository,
});

export type PullRequestEvent = z.infer<typeof PullRequestEventSchema>;
export type IssueCommentEvent = z.infer<typeof IssueCommentEventSchema>;

export type Checked<T> = { ok: true; event: T } | { ok: false; message: string };

function describeValue(v: unknown): string {
  if (v === undefined) return "nothing";
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = Object.prototype.toString.call(v);
  }
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const k of path) {
    if (cur === null || typeof cur !== "object" || !Object.prototype.hasOwnProperty.call(cur, k)) return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur;
}

function check<T>(schema: z.ZodType<T>, name: string, payload: unknown): Checked<T> {
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) return { ok: false, message: `${name}: the payload is not a JSON object (got ${describeValue(payload)})` };
  const r = schema.safeParse(payload);
  if (r.success) return { ok: true, event: r.data };
  const action = typeof (payload as { action?: unknown }).action === "string" ? `.${(payload as { action: string }).action.slice(0, 40)}` : "";
  const issue = r.error.issues[0]!;
  const where = ["payload", ...issue.path.map(String)].join(".");
  const got = valueAt(payload, issue.path);
  const expected = issue.code === "invalid_type" ? String((issue as { expected?: unknown }).expected ?? "") : "";
  const message = /^Invalid input/.test(issue.message) && expected ? `must be ${/^[aeiou]/.test(expected) ? "an" : "a"} ${expected}` : issue.message;
  const what = got === undefined ? "is missing" : `${message} (got ${describeValue(got)})`;
  const more = r.error.issues.length > 1 ? ` (and ${r.error.issues.length - 1} more problem${r.error.issues.length === 2 ? "" : "s"})` : "";
  return { ok: false, message: `${name}${action}: ${where} ${what}${more}; PUCS ignored this delivery` };
}

export const checkPullRequestEvent = (payload: unknown): Checked<PullRequestEvent> => check(PullRequestEventSchema, "pull_request", payload);
export const checkIssueCommentEvent = (payload: unknown): Checked<IssueCommentEvent> => check(IssueCommentEventSchema, "issue_comment", payload);
