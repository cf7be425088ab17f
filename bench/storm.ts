/**
 * Issue 14's write figures, against the local GitHub with the App in Probot (PucsOctokit, throttling
 * on, its write spacing set to 0: these are COUNTS, not times), config/pucs_streams.yaml's six streams:
 *
 * 1. A burst of 50 PR openings with conflicts: PR i in stream i % 6 (every stream over max_agents,
 *    so capacity), every 5th PR also editing the previous PR's file (an overlap) → writes per event
 *    (target ≤ 3; ≤ 1.5 when clear: see e2e.ts's throttled burst).
 * 2. The issue's push: 30 open PRs (five files each, six streams) opened in a burst, then ONE push
 *    moving #1's files from EXEC to LLM → the writes it causes beyond its own report and its ledger
 *    commit, beside the PRs whose verdict changed (target ≤ 2 × those).
 *
 * Runs against whatever `src/` it is bundled with, so the same file measures the code before issue 14
 * (a checkout of that commit) and after. "Done" = every webhook handled and no request to the local
 * GitHub for 1.5 s (background refreshes included).
 */
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Bottleneck from "bottleneck";
import { Probot } from "probot";
import { createApp } from "../src/app/index.js";
import { PucsOctokit } from "../src/app/octokit.js";
import { REPORT_MARKER } from "../src/engine/report.js";
import { example } from "../test/action/harness.js";
import { LocalGitHub, type LocalRepo } from "../test/e2e/local-github.js";

// Background refreshes 200 ms after an event (default 5 s), so "done" (1.5 s without a request) includes them.
process.env.PUCS_REFRESH_DRAIN_MS ??= "200";
const ROOT = process.cwd();
const CONFIG = readFileSync(join(ROOT, "config", "pucs_streams.yaml"), "utf8");
const keys = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs1", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
const DIRS = ["execution", "llm", "scanners", "backtesting", "observability", "api"];

interface World {
  gh: LocalGitHub;
  repo: LocalRepo;
  probot: Probot;
}

async function world(): Promise<World> {
  const gh = await LocalGitHub.start({ app: { id: 4242, slug: "pucs", publicKey: keys.publicKey }, requireToken: true });
  const repo = await gh.createRepo("octo-org/octo-repo", { files: { "config/pucs_streams.yaml": CONFIG }, installationId: 77 });
  for (const l of ["pucs:lock", "pucs:conflict", "pucs:queued", ...["EXEC", "LLM", "SCAN", "RISK", "BACK", "OBS", "API"].map((s) => `pucs:stream:${s}`)]) repo.ensureLabel(l);
  const quick = () => new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 });
  const Oct = PucsOctokit.defaults((o: Record<string, unknown>) => ({ ...o, throttle: { ...(o.throttle as object), write: quick(), notifications: quick() } }));
  const probot = new Probot({ appId: 4242, privateKey: keys.privateKey, secret: "s", baseUrl: gh.gheUrl, Octokit: Oct, logLevel: "fatal" });
  await probot.load(createApp());
  return { gh, repo, probot };
}

function event(w: World, n: number, action: string): never {
  const payload = example("pull_request", action === "synchronize" ? "synchronize" : "opened");
  Object.assign(payload, { action, number: n, pull_request: w.repo.pullJson(w.repo.pull(n), w.gh.gheUrl), repository: w.repo.repoJson(w.gh.gheUrl), installation: { id: 77, node_id: "MDIzOkluc3RhbGxhdGlvbjc3" }, sender: w.gh.user(w.repo.pull(n).author) });
  return { id: randomUUID(), name: "pull_request", payload } as never;
}

async function quiet(w: World, work: Promise<unknown>[]): Promise<void> {
  await Promise.all(work);
  let seen = -1;
  while (seen !== w.gh.log.length) {
    seen = w.gh.log.length;
    await new Promise((r) => setTimeout(r, 1500));
  }
}

/** A write's kind: REST's operation, or a GraphQL request's mutations ("graphql:addComment+addLabelsToLabelable"). */
const kindOf = (e: { operationId?: string; path: string; mutations?: { field: string }[] }): string =>
  e.mutations && e.mutations.length > 0 ? `graphql:${e.mutations.map((m) => m.field).join("+")}` : (e.operationId ?? e.path);

const reportCopies = (w: World) => Math.max(0, ...[...w.repo.pulls.keys()].map((n) => w.repo.commentsOn(n).filter((c) => c.user === w.gh.botLogin && c.body.includes(REPORT_MARKER)).length));

const conclusions = (w: World) =>
  new Map([...w.repo.pulls].map(([n, p]) => [n, [...w.repo.checkRuns.values()].filter((c) => c.headSha === p.headSha).at(-1)?.conclusion ?? null]));

export async function conflictBurst(N = 50): Promise<{ writes: number; perEvent: number; maxCopies: number; blocked: number; byKind: Record<string, number> }> {
  const w = await world();
  try {
    for (let i = 0; i < N; i++) {
      const dir = DIRS[i % 6]!;
      const files: Record<string, string> = { [`${dir}/q${i}.py`]: `x = ${i}\n` };
      if (i % 5 === 4) files[`${DIRS[(i - 1) % 6]}/q${i - 1}.py`] = `x = ${i} # overlap\n`;
      await w.repo.createPull({ author: `agent${i}`, files });
    }
    w.gh.clearLog();
    await quiet(w, [...w.repo.pulls.keys()].map((n) => w.probot.receive(event(w, n, "opened"))));
    const byKind: Record<string, number> = {};
    for (const e of w.gh.log) if (e.kind === "write") byKind[kindOf(e)] = (byKind[kindOf(e)] ?? 0) + 1;
    const blocked = [...conclusions(w).values()].filter((c) => c !== "success").length;
    return { writes: w.gh.writes, perEvent: w.gh.writes / N, maxCopies: reportCopies(w), blocked, byKind };
  } finally {
    await w.gh.stop();
  }
}

export async function stormPush(): Promise<{ writes: number; reads: number; beyond: number; changed: number; maxCopies: number; byKind: Record<string, number> }> {
  const w = await world();
  try {
    for (let i = 0; i < 30; i++) {
      const files: Record<string, string> = {};
      for (let k = 0; k < 5; k++) files[`${DIRS[i % 6]}/p${i}_${k}.py`] = `x = ${i}\n`;
      await w.repo.createPull({ author: `agent${i}`, files });
    }
    await quiet(w, [...w.repo.pulls.keys()].map((n) => w.probot.receive(event(w, n, "opened"))));
    const before = conclusions(w);
    const moves: Record<string, string | null> = {};
    for (let k = 0; k < 5; k++) {
      moves[`execution/p0_${k}.py`] = null;
      moves[`llm/p0_${k}.py`] = "y = 1\n";
    }
    const head = await w.repo.pushHead(1, moves);
    w.gh.clearLog();
    await quiet(w, [w.probot.receive(event(w, 1, "synchronize"))]);
    const after = conclusions(w);
    const changed = [...after].filter(([n, c]) => n !== 1 && c !== before.get(n)).length;
    const writes = w.gh.log.filter((e) => e.kind === "write");
    const commentPr = (id: string) => w.repo.comments.get(Number(id))?.issue;
    // #1's own: its REST writes, its check run, and GraphQL requests whose every mutation was on #1.
    const onlyOne = (e: (typeof writes)[number]) => e.mutations !== undefined && e.mutations.length > 0 && e.mutations.every((m) => m.issue === 1);
    const own = writes.filter((e) => /\/issues\/1\//.test(e.path) || commentPr(/\/issues\/comments\/(\d+)$/.exec(e.path)?.[1] ?? "0") === 1 || (e.operationId === "checks/create" && (e.body as { head_sha?: string }).head_sha === head) || onlyOne(e));
    const byKind: Record<string, number> = {};
    for (const e of writes) byKind[kindOf(e)] = (byKind[kindOf(e)] ?? 0) + 1;
    return { writes: writes.length, reads: w.gh.reads, beyond: writes.length - own.length - 3, changed, maxCopies: reportCopies(w), byKind };
  } finally {
    await w.gh.stop();
  }
}

export async function benchStorm(): Promise<{ lines: string[] }> {
  const lines = ["## Write storms (issue 14): App in Probot, local GitHub, throttling on with write spacing 0 (counts)", ""];
  const b = await conflictBurst();
  process.stderr.write("storm bench: conflict burst done\n");
  lines.push(`burst of 50 PR openings with conflicts (${b.blocked} of 50 reports not clear: capacity in every stream, every 5th PR overlapping another): ${b.perEvent.toFixed(2)} writes per event (${b.writes}) — target ≤ 3: ${b.perEvent <= 3 ? "met" : "MISSED"}; most copies of one report comment on a PR: ${b.maxCopies}`);
  lines.push(`  by kind: ${JSON.stringify(b.byKind)}`);
  const p = await stormPush();
  process.stderr.write("storm bench: push done\n");
  lines.push(`one push moving a PR between two full streams (30 open PRs, six streams): ${p.writes} writes, ${p.reads} reads; beyond its own report and ledger commit ${p.beyond} writes for ${p.changed} PRs whose verdict changed (${(p.beyond / Math.max(1, p.changed)).toFixed(2)} each) — target ≤ 2 each: ${p.beyond <= 2 * p.changed ? "met" : "MISSED"}; most copies of one report comment: ${p.maxCopies}`);
  lines.push(`  by kind: ${JSON.stringify(p.byKind)}`);
  return { lines };
}

if (process.argv[1]?.endsWith("storm.ts")) console.log((await benchStorm()).lines.join("\n"));
