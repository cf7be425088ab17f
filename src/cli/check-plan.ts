/**
 * What a plain local `pucs check` asks of git, decided from its arguments alone (issue 11). Shared by
 * `dist/cli.js`, which starts these git processes before it loads the fast path (so git's work on the
 * working tree overlaps the loading), and by the fast path (check-fast.ts), which uses their answers
 * only when its own arguments ask for exactly the same commands. Small on purpose: `dist/cli.js` loads
 * it on every `pucs check`.
 */
import { flag, parseCommand, str, type CommandSpec, type Parsed } from "./args.js";
import { configAnswerOf } from "../git/config-answer.js";

/** `pucs check`'s options (the full CLI's spec and the fast path's parser are this one). */
export const CHECK_SPEC: CommandSpec = {
  name: "check",
  usage: "pucs check [--base REF] [--agent A] [--stream S] [--record] [--format text|markdown] [--json]",
  summary: "Check this branch's changes (vs. its merge base) against the ledger: the report the GitHub App posts",
  options: { base: { type: "string" }, agent: { type: "string" }, stream: { type: "string" }, record: { type: "boolean" }, format: { type: "string" } },
  positionals: 0,
};

/** The candidates of `defaultBaseRef` (src/git/gateway.ts), after origin/HEAD's branch. */
export const BASE_REFS: [string, string][] = [
  ["origin/main", "refs/remotes/origin/main"],
  ["main", "refs/heads/main"],
  ["master", "refs/heads/master"],
];
export const ORIGIN_HEAD = "refs/remotes/origin/HEAD";
/** A glob that matches exactly one ref (a pattern without a glob character would mean "<ref>/*"). */
const exactly = (ref: string): string => `--glob=${ref.slice(0, -1)}[${ref.slice(-1)}]`;
/** Printed between groups of the one `rev-parse`, so an empty group (a ref that does not exist) is seen as one. */
const SEP = "--is-bare-repository";

/**
 * Everything the check needs of the repository's refs in ONE `git rev-parse`: top level, common dir,
 * HEAD's commit, then (each group ended by SEP's "false") with --base the symmetric range `base...HEAD`
 * (its two ends, then ^merge base: `git merge-base`'s answer when there is exactly one), the ledger's commit,
 * origin/HEAD's branch (as a full name: rev-parse resolves the symbolic ref; nothing when it dangles),
 * origin/main, main, master (full names when they exist), and last the branch (as `symbolic-ref
 * --short`: "HEAD" when detached).
 */
export function revParseArgs(base: string | undefined): string[] {
  return [
    "rev-parse", "--show-toplevel", "--path-format=absolute", "--git-common-dir", "HEAD",
    ...(base !== undefined ? [`${base}...HEAD`] : []), SEP,
    exactly("refs/pucs/ledger"), SEP,
    "--symbolic-full-name", exactly(ORIGIN_HEAD), SEP,
    ...BASE_REFS.flatMap(([, full]) => [exactly(full), SEP]),
    "--abbrev-ref=loose", "HEAD",
  ];
}

/** `diffAgainst`'s options (src/git/gateway.ts), to diff the working tree against the merge base of `base` and HEAD. */
export function diffArgs(base: string): string[] {
  return [
    "-c", "core.quotePath=false",
    "-c", "diff.noprefix=false",
    "-c", "diff.mnemonicPrefix=false",
    "diff", "--no-color", "--no-ext-diff", "--no-textconv", "-M", "-U3", "--diff-algorithm=histogram",
    "--src-prefix=a/", "--dst-prefix=b/",
    // = `git diff $(git merge-base base HEAD)` (and an error when there are several merge bases: then the full command runs).
    "--merge-base", base, "--",
  ];
}

/** `untrackedFiles` (run at the top level) from anywhere in the working tree: the pathspec `:/` is the top. */
export const UNTRACKED = ["-c", "core.quotePath=false", "ls-files", "-z", "--others", "--exclude-standard", "--full-name", "--", ":/"];

/** `git.configAndRemotes(cwd, "pucs.ledger")`'s command (src/git/gateway.ts): the ledger choice's input. */
export const LEDGER_CONFIG = ["config", "-z", "--get-regexp", "^(pucs\\.ledger|remote\\..*\\.url)$"];

/** LEDGER_CONFIG's answer read as `configAndRemotes` reads it: `git config pucs.ledger` and the remotes' names. */
export const ledgerConfigOf = (r: { code: number; stdout: string }): { value: string | null; remotes: string[] } => configAnswerOf(r, "pucs.ledger");

export interface CheckPlan {
  p: Parsed;
  format: "text" | "markdown";
  /** `--base`, when given. */
  base: string | undefined;
  local: boolean;
  /** The git commands that need no other's answer: rev-parse, the untracked files, and with --base the
   *  diff (without, it needs the default base that rev-parse finds). */
  revParse: string[];
  untracked: string[];
  diff: string[] | null;
  /** LEDGER_CONFIG, unless --local. */
  config: string[] | null;
  /** The same, in the order to start them: the longest first (the diff scans the working tree), then
   *  rev-parse and `git config`, whose answers the fast path needs first. */
  first: string[][];
}

/**
 * The fast path's plan for `pucs check <argv>`; null when the fast path does not take it (the full
 * command runs): a usage error, `--help`, `--record`, a remote ledger, a format other than text or
 * markdown.
 */
export function planCheck(argv: string[], env: Record<string, string | undefined>): CheckPlan | null {
  let p: Parsed;
  try {
    p = parseCommand(CHECK_SPEC, argv);
  } catch {
    return null;
  }
  if (flag(p, "help") || flag(p, "record") || str(p, "remote") !== undefined || env.PUCS_REMOTE) return null;
  const format = str(p, "format") ?? "text";
  if (format !== "text" && format !== "markdown") return null;
  const base = str(p, "base");
  const revParse = revParseArgs(base);
  const diff = base !== undefined ? diffArgs(base) : null;
  const local = flag(p, "local");
  const config = local ? null : LEDGER_CONFIG;
  return { p, format, base, local, revParse, untracked: UNTRACKED, diff, config, first: [...(diff ? [diff] : []), revParse, ...(config ? [config] : []), UNTRACKED] };
}
