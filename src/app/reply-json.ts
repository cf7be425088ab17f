/**
 * The machine-readable end of every slash-command reply: a fenced JSON block (`pucs.reply/v1`,
 * schemas/pucs.reply.v1.json) an agent can parse instead of scraping the prose above it — which
 * commands the comment held, whether everything was done, what changed, and the next step.
 */
import { parseCommands } from "../engine/commands.js";

export const REPLY_SCHEMA = "pucs.reply/v1";

export interface ReplyJson {
  schema: typeof REPLY_SCHEMA;
  /** The comment answered, and the PR it is on. */
  comment: number;
  pr: number;
  /** Command names in the comment, in order ("gate-override" for `/pucs gate override`). */
  commands: string[];
  ok: boolean;
  /** Each reply line: done (ok) or refused/failed, in the reply's order. */
  results: { ok: boolean; text: string }[];
  /** What changed: the lines that were done (help and status output left out). */
  changed: string[];
  /** The next step: the `/pucs …` command the first refused line suggests, else null. */
  next: string | null;
}

export function replyJson(e: { commentId: number; number: number; body: string }, lines: readonly { text: string; ok: boolean }[]): ReplyJson {
  const commands = parseCommands(e.body).commands.map((c) => c.name);
  const results = lines.map((l) => ({ ok: l.ok, text: l.text }));
  let next: string | null = null;
  for (const l of lines) {
    if (l.ok) continue;
    // The last command a refusal names is its advice ("… wait in line with `/pucs queue x`", "Did you mean `/pucs lock`?").
    const all = [...l.text.matchAll(/`(\/pucs [^`]+)`/g)];
    if (all.length > 0) {
      next = all[all.length - 1]![1]!;
      break;
    }
  }
  return {
    schema: REPLY_SCHEMA,
    comment: e.commentId,
    pr: e.number,
    commands,
    ok: lines.every((l) => l.ok),
    results,
    changed: lines.filter((l) => l.ok && !l.text.includes("\n")).map((l) => l.text),
    next,
  };
}

/** The block appended to a reply body. */
export function replyBlock(json: ReplyJson): string {
  return `\n\n<details><summary>Machine-readable reply (${REPLY_SCHEMA})</summary>\n\n\`\`\`json\n${JSON.stringify(json, null, 2)}\n\`\`\`\n\n</details>\n`;
}

/** The JSON block of a reply body (what an agent reading the reply does); null when there is none. */
export function parseReplyJson(body: string): ReplyJson | null {
  const m = /<summary>Machine-readable reply \(pucs\.reply\/v1\)<\/summary>\s*```json\n([\s\S]*?)\n```\s*<\/details>\s*$/.exec(body);
  if (!m?.[1]) return null;
  try {
    const v = JSON.parse(m[1]) as ReplyJson;
    return v.schema === REPLY_SCHEMA ? v : null;
  } catch {
    return null;
  }
}
