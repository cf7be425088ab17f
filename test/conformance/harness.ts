/**
 * The conformance harness (issue 10): one scenario, three surfaces, one answer.
 *
 * - **GitHub**: one local GitHub per test file (a REST + GraphQL model on loopback with a real bare git
 *   repository per repository, every request checked against GitHub's OpenAPI description); one
 *   repository per scenario, so scenarios never see each other's ledger.
 * - **App**: the real App (`createApp` from src, in Probot with the Octokit `npm start` uses) in this
 *   process, fed real webhook payloads (from `@octokit/webhooks-examples`, carrying the local GitHub's
 *   state). Its clock can be pinned (`world.clock`).
 * - **Gate**: the Action's bundled `dist/index.js`, run as the runner runs it, against the same
 *   local GitHub (`PUCS_NOW` pins its clock). Needs `npm run build` after src changes.
 * - **CLI**: `pucs` in a clone of the scenario's repository (so its commits, branches and pushes are
 *   the very ones the PR shows), with worktrees. The ledger is the one the App keeps on GitHub
 *   (`--remote origin`): one ledger, so "the same ledger" is literal. Either the real process
 *   (bin/pucs.js → dist/cli.js) or `runCli` in process (src), per scene.
 *
 * A change's conflicts are compared as a set of "TYPE file holder STRATEGY" strings, the holder being
 * the other side's change ("#12") when it has one, else its agent.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import Bottleneck from "bottleneck";
import { Probot } from "probot";
import { createApp } from "../../src/app/index.js";
import { PucsOctokit } from "../../src/app/octokit.js";
import { runCli } from "../../src/cli/run.js";
import { parseReportFromMarkdown, type ReportJson } from "../../src/engine/report.js";
import { parseReplyJson } from "../../src/app/reply-json.js";
import type { Conflict, Ledger } from "../../src/engine/types.js";
import { GitRefStore } from "../../src/git/ledger-store.js";
import { example, ROOT, runAction, type ActionRun } from "../action/harness.js";
import { appKeys, commentEvent, pullEvent, type Delivery } from "../e2e/app-process.js";
import { LocalGitHub, type Annotation, type CheckRunState, type LocalRepo, type PullState } from "../e2e/local-github.js";

export { ROOT };
export const BIN = join(ROOT, "bin", "pucs.js");
export const SHIPPED_CONFIG = readFileSync(join(ROOT, "config", "pucs_streams.yaml"), "utf8");
export const CHECK_NAME = "PUCS / conflicts";
export const GATE_CONTEXT = "PUCS / merge-gate";
const GATE_TOKEN = "ghs_conformance_gate";
const INSTALLATION = 77;

/** A Python file of `n` numbered lines under a `def` header: line k+1 is `    x{k} = {k}`. */
export function pyFile(head: string, n = 30): string {
  return [head, ...Array.from({ length: n }, (_, i) => `    x${i} = ${i}`)].join("\n") + "\n";
}

/** `text` with (1-based) line `line` replaced by `content`. */
export function editLine(text: string, line: number, content: string): string {
  const lines = text.split("\n");
  lines[line - 1] = content;
  return lines.join("\n");
}

/** The files every scenario repository starts with (plus the config). */
export const BASE_FILES: Record<string, string> = {
  "execution/a.py": pyFile("def a():"),
  "execution/b.py": pyFile("def b():"),
  "execution/c.py": pyFile("def c():"),
  "api/routes.py": pyFile("def route():"),
  "observability/metrics.py": pyFile("def collect():"),
  "models/risk_limits.py": pyFile("def limit():"),
  "docs/notes.md": "# notes\n\nnothing yet\n",
};

/** The shipped config with `locks:` values replaced / added (e.g. { max_ttl: "2h", queue_grace: "10" }). */
export function configWith(locks: Record<string, string>): string {
  let text = SHIPPED_CONFIG;
  for (const [k, v] of Object.entries(locks)) {
    const re = new RegExp(`^(  ${k}:)[^\\n]*$`, "m");
    text = re.test(text) ? text.replace(re, `$1 ${v}`) : text.replace(/^locks:\n/m, `locks:\n  ${k}: ${v}\n`);
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// What the surfaces say, normalised for comparison
// ---------------------------------------------------------------------------------------------

export const conflictKey = (c: Pick<Conflict, "type" | "file" | "holder" | "holderChange" | "strategy">): string =>
  `${c.type} ${c.file || "-"} ${c.holderChange ?? c.holder} ${c.strategy}`;

export const conflictKeys = (cs: readonly Conflict[]): string[] => cs.map(conflictKey).sort();

/**
 * Whether a `/pucs` reply says everything was done: its `pucs.reply/v1` block's `ok` (the ✅/❌ of
 * its lines when it has no block). null when there is no reply at all.
 */
export function replyOk(body: string | null): boolean | null {
  if (body === null) return null;
  const json = parseReplyJson(body);
  return json ? json.ok : !body.includes("❌");
}

/** The part of a `pucs.report/v1` the surfaces must agree on. */
export interface Answer {
  stream: string | null;
  verdict: string;
  conflicts: string[];
}

export function answerOf(r: ReportJson): Answer {
  return { stream: r.stream, verdict: r.verdict, conflicts: conflictKeys(r.conflicts) };
}

export interface GateAnswer {
  /** `pass`, `blocked` or `none` (the step's `verdict` output). */
  verdict: string;
  /** The `streams` output (comma-separated; the change's own stream first). */
  streams: string;
  blockedBy: string;
  /** The PUCS / merge-gate status on the PR's head after the run. */
  status: { state: string; description: string } | null;
  run: ActionRun;
}

// ---------------------------------------------------------------------------------------------
// Git and the CLI
// ---------------------------------------------------------------------------------------------

const GIT_ENV: Record<string, string> = {
  GIT_AUTHOR_NAME: "Conformance",
  GIT_AUTHOR_EMAIL: "conformance@example.com",
  GIT_COMMITTER_NAME: "Conformance",
  GIT_COMMITTER_EMAIL: "conformance@example.com",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_TERMINAL_PROMPT: "0",
};

function runProcess(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...GIT_ENV, HOME: tmpdir(), ...env } });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, out, err }));
  });
}

export async function git(cwd: string, ...args: string[]): Promise<string> {
  const r = await runProcess("git", args, cwd);
  if (r.code !== 0) throw new Error(`git ${args.join(" ")} in ${cwd} failed (${r.code}): ${r.err}`);
  return r.out;
}

export interface CliRun {
  code: number;
  out: string;
  err: string;
  /** stdout parsed when it is one JSON object (every command with --json). */
  json: any;
}

export type CliMode = "process" | "in-process";

/**
 * Runs `pucs args` in `cwd`. `now` (epoch ms) pins the clock through PUCS_NOW, as a user would.
 * "process" runs the real bin (dist/cli.js); "in-process" calls runCli from src with the same
 * environment (PUCS_NOW read as main.ts reads it).
 */
export async function pucs(mode: CliMode, cwd: string, args: string[], opts: { now?: number; env?: Record<string, string> } = {}): Promise<CliRun> {
  const env: Record<string, string> = { ...GIT_ENV, HOME: tmpdir(), ...(opts.now !== undefined ? { PUCS_NOW: new Date(opts.now).toISOString() } : {}), ...opts.env };
  let code: number;
  let out = "";
  let err = "";
  if (mode === "process") {
    const r = await runProcess(process.execPath, [BIN, ...args], cwd, env);
    ({ code, out, err } = r);
  } else {
    code = await runCli(args, {
      cwd,
      env: { PATH: process.env.PATH, ...env },
      now: () => (env.PUCS_NOW ? Date.parse(env.PUCS_NOW) : Date.now()),
      newId: () => randomUUID(),
      out: (s) => void (out += s),
      err: (s) => void (err += s),
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(out);
  } catch {
    json = undefined;
  }
  return { code, out, err, json };
}

// ---------------------------------------------------------------------------------------------
// The world: one local GitHub, one App, per test file
// ---------------------------------------------------------------------------------------------

export class World {
  /** The App's clock: null = real time. */
  readonly clock: { now: number | null } = { now: null };
  readonly scenes: Scene[] = [];
  #n = 0;

  private constructor(
    readonly gh: LocalGitHub,
    readonly probot: Probot,
    readonly tmp: string,
    readonly cliMode: CliMode,
  ) {}

  static async start(opts: { cliMode?: CliMode } = {}): Promise<World> {
    const keys = appKeys();
    const gh = await LocalGitHub.start({ app: { id: 4343, slug: "pucs", publicKey: keys.publicKey }, requireToken: true });
    gh.addToken(GATE_TOKEN, "github-actions[bot]");
    // Probot's throttle spaces writes 1 s apart; keep the throttle (it handles rate-limit answers) with
    // groups that do not wait, as test/e2e/app-reliability.test.ts does.
    const quick = () => new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 });
    const Octokit = PucsOctokit.defaults((o: Record<string, unknown>) => ({ ...o, throttle: { ...(o.throttle as object), write: quick(), notifications: quick() } }));
    const probot = new Probot({ appId: 4343, privateKey: keys.privateKey, secret: "s", baseUrl: gh.gheUrl, Octokit, logLevel: "fatal" });
    const world = new World(gh, probot, mkdtempSync(join(tmpdir(), "pucs-conformance-")), opts.cliMode ?? "in-process");
    await probot.load(createApp({ now: () => world.clock.now ?? Date.now() }));
    return world;
  }

  async stop(): Promise<void> {
    await this.gh.stop();
    rmSync(this.tmp, { recursive: true, force: true });
  }

  /** A fresh repository on the local GitHub (config + BASE_FILES + `files`) and the CLI's clone of it. */
  async scene(opts: { config?: string; files?: Record<string, string>; cliMode?: CliMode } = {}): Promise<Scene> {
    const name = `repo-${++this.#n}`;
    const repo = await this.gh.createRepo(`octo-org/${name}`, {
      files: { "config/pucs_streams.yaml": opts.config ?? SHIPPED_CONFIG, ...BASE_FILES, ...opts.files },
      installationId: INSTALLATION,
    });
    // The App was installed before: the labels it makes once per repository exist already.
    for (const l of ["pucs:lock", "pucs:conflict", "pucs:queued", ...["EXEC", "LLM", "SCAN", "RISK", "BACK", "OBS", "API"].map((id) => `pucs:stream:${id}`)]) repo.ensureLabel(l);
    const base = join(this.tmp, name);
    mkdirSync(base);
    const clone = join(base, name);
    await git(base, "clone", "-q", repo.gitDir, clone);
    const scene = new Scene(this, repo, clone, opts.cliMode ?? this.cliMode);
    this.scenes.push(scene);
    return scene;
  }
}

export interface PullOpts {
  author: string;
  head: string;
  title?: string;
  body?: string;
  labels?: string[];
  draft?: boolean;
  /** Committed on `head` by the local GitHub (for other parties' PRs; the subject's commits come from the CLI's clone). */
  files?: Record<string, string>;
  message?: string;
}

export class Scene {
  constructor(
    readonly world: World,
    readonly repo: LocalRepo,
    /** The CLI's clone (its main worktree, on main). */
    readonly clone: string,
    readonly cliMode: CliMode,
  ) {}

  get gh(): LocalGitHub {
    return this.world.gh;
  }

  // ---- CLI ------------------------------------------------------------------------------------

  /** `pucs …` on the GitHub ledger (`--remote origin`), in the clone or `cwd`. */
  cli(args: string[], opts: { cwd?: string; now?: number; env?: Record<string, string>; remote?: boolean; mode?: CliMode } = {}): Promise<CliRun> {
    const argv = opts.remote === false ? args : [...args, "--remote", "origin"];
    return pucs(opts.mode ?? this.cliMode, opts.cwd ?? this.clone, argv, opts);
  }

  /**
   * A branch of the CLI's clone with `commits` (each: subject line, files to write), pushed to the
   * local GitHub. `worktree: STREAM` makes it with `pucs worktree add STREAM` (branch
   * feature/stream-STREAM); otherwise `git worktree add -b <branch>`. Returns the worktree's path.
   */
  async branch(opts: { branch?: string; worktree?: string; commits: { message: string; files: Record<string, string> }[]; untracked?: Record<string, string> }): Promise<{ dir: string; branch: string }> {
    let dir: string;
    let branch: string;
    if (opts.worktree) {
      const r = await this.cli(["worktree", "add", opts.worktree, "--json"], { remote: false });
      if (r.code !== 0) throw new Error(`pucs worktree add ${opts.worktree} failed (${r.code}): ${r.out}${r.err}`);
      dir = r.json.path as string;
      branch = r.json.branch as string;
    } else {
      branch = opts.branch ?? "topic";
      dir = join(dirname(this.clone), branch.replace(/[^A-Za-z0-9_-]+/g, "-"));
      await git(this.clone, "worktree", "add", "-q", "-b", branch, dir, "main");
    }
    for (const c of opts.commits) {
      for (const [p, text] of Object.entries(c.files)) {
        mkdirSync(dirname(join(dir, p)), { recursive: true });
        writeFileSync(join(dir, p), text);
      }
      await git(dir, "add", "-A");
      await git(dir, "commit", "-q", "-m", c.message);
    }
    for (const [p, text] of Object.entries(opts.untracked ?? {})) {
      mkdirSync(dirname(join(dir, p)), { recursive: true });
      writeFileSync(join(dir, p), text);
    }
    await git(dir, "push", "-q", "origin", `${branch}:refs/heads/${branch}`);
    return { dir, branch };
  }

  /** `pucs check --json` in `dir` as `agent`: the CLI's answer (exit code and report). */
  async cliCheck(dir: string, agent: string, extra: string[] = [], opts: { now?: number } = {}): Promise<{ run: CliRun; report: ReportJson; answer: Answer }> {
    const run = await this.cli(["check", "--json", "--agent", agent, ...extra], { cwd: dir, ...opts });
    if (!run.json?.report) throw new Error(`pucs check gave no report (exit ${run.code}): ${run.out}${run.err}`);
    return { run, report: run.json.report as ReportJson, answer: answerOf(run.json.report as ReportJson) };
  }

  // ---- GitHub and the App ---------------------------------------------------------------------

  async deliver(d: Delivery): Promise<void> {
    await this.world.probot.receive({ id: randomUUID(), name: d.event, payload: structuredClone(d.payload) } as Parameters<Probot["receive"]>[0]);
  }

  /** Opens a PR (its head branch may already exist: pushed by the CLI's clone) and delivers `opened`. */
  async openPull(o: PullOpts): Promise<PullState> {
    const pr = await this.repo.createPull({
      author: o.author,
      head: o.head,
      ...(o.title !== undefined ? { title: o.title } : { title: `work on ${o.head}` }),
      ...(o.body !== undefined ? { body: o.body } : {}),
      ...(o.labels ? { labels: o.labels } : {}),
      ...(o.draft !== undefined ? { draft: o.draft } : {}),
      ...(o.files ? { files: o.files } : {}),
      ...(o.message ? { message: o.message } : {}),
    });
    this.repo.setPermission(o.author, this.repo.permissions.get(o.author) ?? "write");
    await this.deliver(pullEvent(this.gh, this.repo, pr.number, "opened"));
    return pr;
  }

  /** Delivers a pull_request event for PR `n` as GitHub has it now. */
  async pullEvent(n: number, action: string, extra: Record<string, unknown> = {}): Promise<void> {
    await this.deliver(pullEvent(this.gh, this.repo, n, action, extra));
  }

  /** `login` comments `body` on PR `n`; returns the App's reply (the bot comment answering it), or null. */
  async comment(n: number, login: string, body: string): Promise<string | null> {
    const d = commentEvent(this.gh, this.repo, n, login, body);
    await this.deliver(d);
    const id = (d.payload.comment as { id: number }).id;
    const reply = this.repo.commentsOn(n).find((c) => c.user === this.gh.botLogin && c.body.includes(`<!-- pucs:reply-to ${id} -->`));
    return reply?.body ?? null;
  }

  /** The current `PUCS / conflicts` check run of PR `n`'s head: the latest one created (what GitHub shows). */
  checkRun(n: number): CheckRunState | null {
    const sha = this.repo.pull(n).headSha;
    const runs = [...this.repo.checkRuns.values()].filter((c) => c.headSha === sha && c.name === CHECK_NAME);
    return runs.sort((a, b) => a.id - b.id).at(-1) ?? null;
  }

  /** Every `PUCS / conflicts` run on PR `n`'s head. */
  checkRuns(n: number): CheckRunState[] {
    const sha = this.repo.pull(n).headSha;
    return [...this.repo.checkRuns.values()].filter((c) => c.headSha === sha && c.name === CHECK_NAME).sort((a, b) => a.id - b.id);
  }

  /** The App's answer for PR `n`: the report JSON embedded in its current check run. */
  appReport(n: number): { report: ReportJson; answer: Answer; conclusion: string | null; annotations: Annotation[] } {
    const run = this.checkRun(n);
    if (!run) throw new Error(`PR #${n} has no ${CHECK_NAME} check run`);
    const report = parseReportFromMarkdown(run.output.summary ?? "");
    if (!report) throw new Error(`the check run of #${n} embeds no pucs.report/v1 JSON:\n${run.output.summary}`);
    return { report, answer: answerOf(report), conclusion: run.conclusion, annotations: run.annotations };
  }

  /** The sticky report comment of PR `n` (null when none). */
  reportComment(n: number): string | null {
    return this.repo.commentsOn(n).find((c) => c.user === this.gh.botLogin && c.body.includes("<!-- pucs:report -->"))?.body ?? null;
  }

  // ---- The gate -------------------------------------------------------------------------------

  /** Runs the bundled Action on a pull_request event for PR `n`; `now` pins its clock. */
  async gate(n: number, action = "opened", opts: { now?: number } = {}): Promise<GateAnswer> {
    const payload = example("pull_request", action === "closed" ? "closed" : action === "synchronize" ? "synchronize" : "opened");
    Object.assign(payload, { action, number: n, pull_request: this.repo.pullJson(this.repo.pull(n), this.gh.url), repository: this.repo.repoJson(this.gh.url) });
    // A push's `before` is a commit GitHub has (the old head; the base stands in for it here).
    if (action === "synchronize") Object.assign(payload, { before: this.repo.pull(n).baseSha, after: this.repo.pull(n).headSha });
    const run = await runAction({
      apiUrl: this.gh.url,
      event: "pull_request",
      payload,
      repository: this.repo.fullName,
      inputs: { token: GATE_TOKEN },
      env: { PUCS_RETRY_BASE_MS: "1", ...(opts.now !== undefined ? { PUCS_NOW: String(opts.now) } : {}) },
    });
    // A failed run is an answer too (shown beside the others in the scenario's assertion), never a pass.
    const failed = run.code !== 0 ? `failed (exit ${run.code}): ${run.commands.filter((c) => c.command === "error").map((c) => c.message).join(" | ") || run.stderr.trim().split("\n").at(-1)}` : null;
    const last = this.repo.statusesOf(this.repo.pull(n).headSha, GATE_CONTEXT).at(-1);
    return {
      verdict: failed ?? run.outputs.verdict ?? "",
      streams: run.outputs.streams ?? "",
      blockedBy: run.outputs["blocked-by"] ?? "",
      status: last ? { state: last.state, description: last.description ?? "" } : null,
      run,
    };
  }

  // ---- The ledger -----------------------------------------------------------------------------

  /** The ledger on the repository's refs/pucs/ledger, read by PUCS's own git store (whatever its layout). */
  async ledger(): Promise<Ledger> {
    const snap = await new GitRefStore({ cwd: this.repo.gitDir }).read();
    if (snap.version === null) throw new Error(`${this.repo.fullName} has no ledger yet`);
    return snap.ledger;
  }

  /** The ledger's commit messages, newest first (its audit trail). */
  async ledgerLog(): Promise<string[]> {
    const out = await git(this.repo.gitDir, "log", "--format=%B%x1e", "refs/pucs/ledger");
    return out
      .split("\x1e")
      .map((s) => s.trim())
      .filter(Boolean);
  }

  /** The ledger's head commit (to prove that nothing was written). */
  async ledgerHead(): Promise<string | null> {
    const r = await runProcess("git", ["--git-dir", this.repo.gitDir, "rev-parse", "--verify", "-q", "refs/pucs/ledger"], this.repo.gitDir);
    return r.code === 0 ? r.out.trim() : null;
  }
}

/** The three answers of one scenario, for one assertion that shows every surface side by side. */
export interface Played {
  cli: Answer | null;
  app: Answer;
  gate: { verdict: string; stream: string | null; blocked: boolean };
}

export function gateSummary(g: GateAnswer): Played["gate"] {
  return { verdict: g.verdict, stream: g.streams.split(",").filter(Boolean)[0] ?? null, blocked: g.status?.state === "failure" || g.verdict === "blocked" };
}


export interface Subject {
  /** The PR's author (its login on GitHub). */
  author: string;
  /** The CLI's --agent (default: the author). */
  agent?: string;
  /** Branch made with `git worktree add -b` (default "topic"), or … */
  branch?: string;
  /** … with `pucs worktree add STREAM`. */
  worktree?: string;
  commits: { message: string; files: Record<string, string> }[];
  title?: string;
  body?: string;
  labels?: string[];
  draft?: boolean;
  /** Extra arguments of `pucs check` (e.g. --stream). false: the CLI cannot express this scenario. */
  cli?: string[] | false;
  /** Clocks (epoch ms) of the three surfaces; default real time. */
  now?: number;
}

export interface PlayResult {
  played: Played;
  number: number;
  dir: string;
  cli: { run: CliRun; report: ReportJson } | null;
  app: ReturnType<Scene["appReport"]>;
  gate: GateAnswer;
}

/**
 * One scenario through the three surfaces, in the order that keeps the ledger the same for each:
 * the subject's branch is made and pushed from the CLI's clone, `pucs check` answers first (the PR is
 * not open yet, so the ledger holds nothing of it), then the PR is opened (the App reports), then the
 * gate runs on it.
 */
/** PUCS_SHOW=1 prints where a scenario's time goes. */
function lap(what: string, t0: number): number {
  const t = performance.now();
  if (process.env.PUCS_SHOW) console.log(`${what}: ${Math.round(t - t0)} ms`);
  return t;
}

export async function play(scene: Scene, s: Subject): Promise<PlayResult> {
  let t = performance.now();
  const { dir, branch } = await scene.branch({ ...(s.branch ? { branch: s.branch } : {}), ...(s.worktree ? { worktree: s.worktree } : {}), commits: s.commits });
  const now = s.now;
  t = lap("branch", t);
  const cli = s.cli === false ? null : await scene.cliCheck(dir, s.agent ?? s.author, s.cli ?? [], now !== undefined ? { now } : {});
  t = lap("pucs check", t);
  if (now !== undefined) scene.world.clock.now = now;
  try {
    const pr = await scene.openPull({
      author: s.author,
      head: branch,
      ...(s.title !== undefined ? { title: s.title } : {}),
      ...(s.body !== undefined ? { body: s.body } : {}),
      ...(s.labels ? { labels: s.labels } : {}),
      ...(s.draft !== undefined ? { draft: s.draft } : {}),
    });
    const app = scene.appReport(pr.number);
    t = lap(`App (opened; ${scene.gh.log.length} requests to the local GitHub so far)`, t);
    const gate = await scene.gate(pr.number, "opened", now !== undefined ? { now } : {});
    lap("gate", t);
    return {
      played: { cli: cli?.answer ?? null, app: app.answer, gate: gateSummary(gate) },
      number: pr.number,
      dir,
      cli: cli ? { run: cli.run, report: cli.report } : null,
      app,
      gate,
    };
  } finally {
    scene.world.clock.now = null;
  }
}
