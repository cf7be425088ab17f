/**
 * `pucs check`'s fast path (issue 11: a commit hook runs it on every commit). `dist/cli.js` loads this
 * module (built as one CommonJS file, compiled with V8 code cache data: check-boot.ts, fast-load.ts),
 * and not the rest of the CLI, for a plain local check; the judgement and the printing are
 * src/cli/check.ts's, the same as the full command's. What makes it fast:
 *
 * - No zod, no YAML at start: the validated ledger (by commit id) and config (by path and text) come
 *   from check-cache.ts; a miss loads the validators, validates as the full command does, and stores.
 * - Fewer git processes, side by side: one `rev-parse` (top level, common dir, HEAD, the ledger's
 *   commit, the default base candidates, the branch), `config` (the ledger choice; not with --local),
 *   `ls-files --others` and `diff --merge-base`, all at once with --base (rev-parse also gives the merge
 *   base); without, `merge-base` and the diff once rev-parse named the base; and only when HEAD is past
 *   the merge base, `log`. dist/cli.js starts the first ones (check-plan.ts) through one shell before
 *   this module is loaded (git-batch.ts); their answers are taken from that batch. Without --base,
 *   `merge-base` and the diff share a shell of their own.
 * - Nothing waits for the diff that does not need it: with rev-parse's answer the ledger and config are
 *   read and the engine's indexes built while git still scans the working tree.
 *
 * Anything else, or anything unexpected, returns null BEFORE printing anything, and the full command
 * runs instead (it prints the same report, or the error with its message and exit code): `--record`,
 * `--help`, a remote ledger or a ledger choice that needs the network, an unborn or detached-and-odd
 * HEAD, no base, an invalid config or ledger, a usage error, a tracer that records spans.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { locateConfigFile } from "../config-file.js";
import { classify, isCriticalFile } from "../engine/classify.js";
import { compileGlob, isGlob } from "../engine/globs.js";
import type { Config, Ledger } from "../engine/types.js";
import * as git from "../git/gateway.js";
import { flag, str } from "./args.js";
import { cacheGet, cachePut } from "./check-cache.js";
import { BASE_REFS, diffArgs, ledgerConfigOf, ORIGIN_HEAD, planCheck, type CheckPlan } from "./check-plan.js";
import { checkChange, judgeAsOpenPr, printCheck, type CheckGit } from "./check.js";
import { startGitBatch, type GitBatch } from "./git-batch.js";
import { quickLedgerChoice } from "./ledger-choice.js";

export interface FastCheckContext {
  cwd: string;
  env: Record<string, string | undefined>;
  now(): number;
  out(text: string): void;
  err(text: string): void;
}

/** Not for the fast path: the full command decides (and prints whatever it prints). */
class Defer extends Error {}
const defer = (why: string): never => {
  throw new Defer(why);
};

const lines = (s: string): string[] => s.replace(/\n$/, "").split("\n");

/** Runs `git`, or takes its answer from the batch that ran it (dist/cli.js's, started before this module loaded). */
async function gitRun(args: string[], cwd: string, batch?: GitBatch): Promise<{ stdout: string; code: number }> {
  return (await batch?.take(args, cwd)) ?? (await git.git(args, { cwd }));
}

/** gitRun's output on success; defers on failure (the full command reports it). */
async function gitOut(args: string[], cwd: string, batch?: GitBatch): Promise<string> {
  const r = await gitRun(args, cwd, batch);
  if (r.code !== 0) defer(`git ${args[0]} exited ${r.code}`);
  return r.stdout;
}

interface RepoFacts {
  root: string;
  commonDir: string;
  headSha: string;
  /** With --base: the one merge base of base and HEAD. */
  mergeBase: string | null;
  ledgerSha: string | null;
  /** `defaultBaseRef`'s answer. */
  defaultBase: string | null;
  branch: string | null;
}

const SHA = /^[0-9a-f]{40,64}$/;

function repoFacts(text: string, withBase: boolean): RepoFacts {
  const out = lines(text);
  const [root, commonDir, headSha] = out;
  const groups: string[][] = [[]];
  for (const line of out.slice(3, -1)) {
    if (line === "false") groups.push([]);
    else groups[groups.length - 1]!.push(line);
  }
  const branchLine = out[out.length - 1];
  if (!root || !commonDir || !headSha || groups.length !== 7 || groups[6]!.length !== 0 || !branchLine) return defer("unexpected rev-parse output");
  const [range, ledger, originHead, ...candidates] = groups as [string[], string[], string[], ...string[][]];
  let mergeBase: string | null = null;
  if (withBase) {
    // HEAD and base (rev-parse prints the range's right end first), then one "^<sha>" per merge base:
    // none (no common history) or several → the full command.
    const mb = range[2]?.slice(1);
    if (range.length !== 3 || !range.slice(0, 2).includes(headSha) || !range[2]!.startsWith("^") || !mb || !SHA.test(mb)) return defer("not exactly one merge base");
    mergeBase = mb;
  }
  // defaultBaseRef: origin/HEAD's branch when it is a symbolic ref to an existing remote branch, then the candidates.
  const target = originHead[0];
  let defaultBase: string | null = null;
  if (target && target !== ORIGIN_HEAD && target.startsWith("refs/remotes/")) defaultBase = target.slice("refs/remotes/".length);
  else defaultBase = BASE_REFS.find((_, i) => candidates[i]!.length > 0)?.[0] ?? null;
  return { root, commonDir, headSha, mergeBase, ledgerSha: ledger[0] ?? null, defaultBase, branch: branchLine === "HEAD" ? null : branchLine };
}

/** The validated ledger of commit `sha` (null: no ledger yet), from the cache or read and validated as the full command does. */
async function ledgerAt(root: string, commonDir: string, sha: string | null): Promise<Ledger> {
  const key = sha ?? "none";
  const hit = cacheGet<Ledger>(commonDir, "ledger", key);
  if (hit) return hit;
  const { GitRefStore } = await import("../git/ledger-store.js");
  const snap = await new GitRefStore({ cwd: root }).read();
  if (snap.version !== sha) defer("the ledger moved while it was read");
  cachePut(commonDir, "ledger", key, snap.ledger);
  return snap.ledger;
}

interface ConfigHit {
  config: Config;
  /** The warnings as the full command prints them (formatIssue). */
  warnings: string[];
}

/** The validated config (and its warnings), from the cache or parsed as `loadConfigFile` does; defers when there is none or it is invalid. */
async function configOf(root: string, commonDir: string, override: string | undefined): Promise<ConfigHit> {
  const at = await locateConfigFile(root, override);
  if (!at.ok) return defer("no config");
  let text: string;
  try {
    text = readFileSync(at.abs, "utf8");
  } catch {
    return defer("config unreadable");
  }
  const key = `${at.shown}\0${text}`;
  const hit = cacheGet<ConfigHit>(commonDir, "config", key);
  if (hit) return hit;
  const { parseConfig, formatIssue } = await import("../engine/config/index.js");
  const r = parseConfig(text, at.shown);
  if (!r.ok) return defer("invalid config");
  const value: ConfigHit = { config: r.config, warnings: r.warnings.map((w) => formatIssue(w) + "\n") };
  cachePut(commonDir, "config", key, value);
  return value;
}

/**
 * `pucs check <argv>` when it can be done here: its exit code (the report printed); null when the full
 * command must run (nothing printed).
 */
export async function fastCheck(argv: string[], ctx: FastCheckContext, batch?: GitBatch): Promise<number | null> {
  const plan = planCheck(argv, ctx.env);
  if (!plan) return null;
  // A tracer that records spans gets the full command's span (`pucs.cli check`). The API keeps what is
  // registered (a tracer provider, a context manager) on this global: nothing there, no tracer, no import.
  if ((globalThis as Record<symbol, unknown>)[Symbol.for("opentelemetry.js.api.1")] !== undefined) {
    const { trace } = await import("@opentelemetry/api");
    if (trace.getTracer("pucs").startSpan("pucs.probe").isRecording()) return null;
  }
  const out: string[] = [];
  const err: string[] = [];
  try {
    const code = await run(plan, ctx, (s) => void out.push(s), (s) => void err.push(s), batch);
    for (const s of err) ctx.err(s);
    for (const s of out) ctx.out(s);
    return code;
  } catch (e) {
    if (e instanceof Defer) return null;
    return null; // any surprise: the full command runs and says what is wrong
  }
}

/** `p`, with its rejection handled for now (it is awaited later, or not at all once the check defers). */
function started<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

/**
 * Builds the engine's memoised indexes for this config and these claims (the config's patterns, the
 * claims' globs) while git still works on the diff: evaluate finds them built. Pure functions with
 * memo tables keyed by the same objects and strings: the answer is the same either way.
 */
function warmEngine(ledger: Ledger, config: Config): void {
  classify([], config);
  for (const s of config.streams) isCriticalFile("", s);
  for (const path of [...ledger.locks.map((l) => l.path), ...ledger.intents.flatMap((i) => i.files)]) if (isGlob(path)) compileGlob(path);
}

async function run(plan: CheckPlan, ctx: FastCheckContext, out: (s: string) => void, err: (s: string) => void, batch: GitBatch | undefined): Promise<number> {
  const { p, format, base: givenBase, local } = plan;
  const cwd = ctx.cwd;
  const now = ctx.now();
  // Every git process that does not need another's answer is running already (plan.first: with --base
  // the diff too, and the ledger choice's `git config` unless --local); each answer is awaited where it
  // is needed, so the ledger and config are read while the diff still runs.
  const headP = started(gitOut(plan.revParse, cwd, batch));
  const diffP = plan.diff === null ? null : started(gitOut(plan.diff, cwd, batch));
  const untrackedP = started(gitOut(plan.untracked, cwd, batch));
  const [head, known] = await Promise.all([headP, plan.config === null ? null : gitRun(plan.config, cwd, batch).then(ledgerConfigOf)]);
  const choice = quickLedgerChoice(known ?? { value: null, remotes: [] }, { local, recheck: false, now, write: false });
  if (choice.kind !== "local") defer("not the local ledger, or the remote must be asked");
  const facts = repoFacts(head, givenBase !== undefined);
  const { root, commonDir, headSha, ledgerSha, defaultBase, branch } = facts;
  const base = givenBase ?? defaultBase ?? defer("no base branch");
  const override = str(p, "config");
  // Without --base, the merge base and the diff once rev-parse named the base: one shell for both.
  const bothThrough = (b: GitBatch) => Promise.all([gitOut(["merge-base", base, "HEAD"], cwd, b), gitOut(diffArgs(base), cwd, b)]);
  const second = started(
    givenBase !== undefined ? Promise.all([facts.mergeBase!, diffP!]) : bothThrough(startGitBatch([diffArgs(base), ["merge-base", base, "HEAD"]], cwd)),
  );
  const [ledger, cfg] = await Promise.all([ledgerAt(root, commonDir, ledgerSha), configOf(root, commonDir, override === undefined ? undefined : resolve(cwd, override))]);
  warmEngine(ledger, cfg.config);
  const [[mergeBaseText, diff], untrackedList] = await Promise.all([second, untrackedP]);
  const mergeBase = lines(mergeBaseText)[0] || defer("no merge base");
  const untrackedFiles = untrackedList.split("\0").filter((f) => f !== "");
  const [commitMessages, untracked] = await Promise.all([
    // mergeBase..HEAD is empty when HEAD is the merge base: no process for it.
    mergeBase === headSha ? [] : git.commitMessages(root, `${mergeBase}..HEAD`),
    untrackedFiles.length === 0 ? { diff: "", whole: [] } : git.untrackedDiffOf(root, untrackedFiles),
  ]);
  const g: CheckGit = { base, mergeBase, headSha, branch, diff, untracked, commitMessages };
  for (const w of cfg.warnings) err(w);
  const agentNamed = str(p, "agent") !== undefined || ctx.env.PUCS_AGENT !== undefined;
  const change = checkChange(g, str(p, "agent") ?? ctx.env.PUCS_AGENT ?? "local", err);
  const declared = str(p, "stream");
  const stream = !declared ? undefined : (cfg.config.streams.find((s) => s.id === declared) ?? cfg.config.streams.find((s) => s.id.toLowerCase() === declared.toLowerCase()) ?? defer("unknown stream")).id;
  judgeAsOpenPr(change, ledger, headSha, agentNamed);
  return printCheck({ json: flag(p, "json"), format, out }, root, change, ledger, cfg.config, now, stream, g);
}
