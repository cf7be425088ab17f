/**
 * The commit protocol of seed §5.2: every commit subject reads
 *
 *     [PUCS-<STREAM>] <type>: <description>          e.g. [PUCS-EXEC] feat: Add ML model to fill predictor
 *
 * Rules (subject line only; the body is free):
 * - <STREAM> must be a configured stream id; it is matched case-insensitively and reported in the
 *   config's spelling. "[PUCS-" itself is also case-insensitive.
 * - <type> is one of COMMIT_TYPES, lower case; a Conventional-Commits scope and breaking mark are
 *   accepted too: "[PUCS-API] feat(auth)!: ...".
 * - exactly one space after "]", then "<type>: " and a non-empty description.
 * Exemptions (ok, with `exempt` saying why):
 * - merge commits (subject starting "Merge "): git and GitHub write these; stream and type are null.
 * - git's own revert subject `Revert "<subject>"`: ok when <subject> follows the protocol; it takes
 *   that subject's stream and type "revert".
 * - `fixup! `, `squash! `, `amend! ` commits (autosquash): ok when the subject they target follows the
 *   protocol, with the target's stream and type; they disappear on `git rebase --autosquash`.
 *
 * Pure: no I/O.
 */

import type { Config } from "./types.js";

export const COMMIT_TYPES = ["feat", "fix", "refactor", "perf", "test", "docs", "build", "ci", "chore", "style", "revert"] as const;
export type CommitType = (typeof COMMIT_TYPES)[number];

export type CommitCheck =
  | {
      ok: true;
      /** Configured stream id (config spelling); null only for exempt merge commits. */
      stream: string | null;
      /** One of COMMIT_TYPES; null only for exempt merge commits. */
      type: string | null;
      /** Set when the commit is accepted by an exemption rather than the plain form: why. */
      exempt?: string;
    }
  | {
      ok: false;
      /** What is wrong, and the expected form with an example. */
      problem: string;
    };

const PREFIX = /^\[PUCS-([^\]\s]*)\]/i;
const REST = /^ ([a-z]+)(\([^()\s]+\))?(!)?: (\S.*)$/;

/** "[PUCS-EXEC]" */
export function commitPrefix(streamId: string): string {
  return `[PUCS-${streamId}]`;
}

/** The raw stream id of a message's "[PUCS-<ID>]" subject prefix (as written), or null. Lenient: for
 *  stream membership, where the rest of the subject does not matter. */
export function commitPrefixStream(message: string): string | null {
  const m = PREFIX.exec(subjectOf(message));
  return m && m[1] ? (m[1] as string) : null;
}

function subjectOf(message: string): string {
  const nl = message.indexOf("\n");
  return (nl === -1 ? message : message.slice(0, nl)).replace(/\r$/, "").trim();
}

function expected(config: Config, stream?: string): string {
  const id = stream ?? config.streams[0]?.id ?? "EXEC";
  return `expected "[PUCS-<STREAM>] <type>: <description>" with <type> one of ${COMMIT_TYPES.join(", ")}, e.g. "${commitPrefix(id)} feat: Add ML model to fill predictor"`;
}

function fail(subject: string, what: string, config: Config, stream?: string): CommitCheck {
  return { ok: false, problem: `commit subject ${JSON.stringify(subject)}: ${what}; ${expected(config, stream)}` };
}

/** Check one commit message's subject line against the protocol (see the module comment). */
export function checkCommitMessage(message: string, config: Config): CommitCheck {
  return check(subjectOf(message), config, 0);
}

function check(subject: string, config: Config, depth: number): CommitCheck {
  if (subject === "") return { ok: false, problem: `the commit message is empty; ${expected(config)}` };

  if (depth < 3) {
    if (/^Merge /.test(subject)) return { ok: true, stream: null, type: null, exempt: "merge commit" };
    const revert = /^Revert "(.*)"$/.exec(subject);
    if (revert) {
      const inner = check(revert[1] as string, config, depth + 1);
      if (!inner.ok) return fail(subject, `the reverted subject does not follow the protocol (${inner.problem})`, config);
      return { ok: true, stream: inner.stream, type: "revert", exempt: "git revert of a protocol commit" };
    }
    const auto = /^(fixup|squash|amend)! (.*)$/.exec(subject);
    if (auto) {
      const inner = check((auto[2] as string).trim(), config, depth + 1);
      if (!inner.ok) return fail(subject, `the commit it targets does not follow the protocol (${inner.problem})`, config);
      return { ok: true, stream: inner.stream, type: inner.type, exempt: `${auto[1]}! commit, squashed into its target by git rebase --autosquash` };
    }
  }

  const m = PREFIX.exec(subject);
  if (!m) {
    if (/^\[?\s*pucs/i.test(subject)) {
      return fail(subject, `the stream prefix is malformed (write "[PUCS-" then the stream id then "]", no spaces)`, config);
    }
    return fail(subject, "it does not start with the stream prefix", config);
  }
  const raw = m[1] as string;
  if (raw === "") return fail(subject, `the stream id in "[PUCS-]" is empty`, config);
  const stream = config.streams.find((s) => s.id.toLowerCase() === raw.toLowerCase());
  if (!stream) {
    const known = config.streams.map((s) => s.id).join(", ") || "none";
    return fail(subject, `stream "${raw}" is not configured (configured streams: ${known})`, config);
  }
  const rest = subject.slice(m[0].length);
  const r = REST.exec(rest);
  if (r) {
    const type = r[1] as string;
    if (!(COMMIT_TYPES as readonly string[]).includes(type)) {
      return fail(subject, `type "${type}" is not one of ${COMMIT_TYPES.join(", ")}`, config, stream.id);
    }
    return { ok: true, stream: stream.id, type };
  }
  // Say precisely what is off in the part after the prefix.
  if (rest.trim() === "") return fail(subject, `nothing follows ${m[0]}`, config, stream.id);
  if (!rest.startsWith(" ")) return fail(subject, `expected one space after ${m[0]}`, config, stream.id);
  if (rest.startsWith("  ")) return fail(subject, `expected exactly one space after ${m[0]}`, config, stream.id);
  const typeWord = /^ ([^:\s(!]+)/.exec(rest)?.[1] ?? "";
  if (!/^ [^:\s]+:/.test(rest) && !/^ [^:\s]*\([^()]*\)!?:/.test(rest)) {
    return fail(subject, `expected "<type>: " after ${m[0]}`, config, stream.id);
  }
  if (!(COMMIT_TYPES as readonly string[]).includes(typeWord)) {
    return fail(subject, `type "${typeWord}" is not one of ${COMMIT_TYPES.join(", ")}`, config, stream.id);
  }
  if (/^ [^:]+:\S/.test(rest)) return fail(subject, `expected a space after "${typeWord}:"`, config, stream.id);
  if (/^ [^:]+:\s*$/.test(rest)) return fail(subject, "the description is empty", config, stream.id);
  return fail(subject, `cannot read the type and description after ${m[0]}`, config, stream.id);
}
