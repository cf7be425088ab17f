/**
 * Merge-gate Action benchmark (issue 4 §6): GitHub API calls per run for 1 / 100 / 1,000 open PRs,
 * against a naive gate that lists every open PR's files, both measured as real HTTP requests to the
 * local fake GitHub; and the cold start of the bundled entry (node dist/index.js).
 *
 * Repository shape: the shipped seed config (phases OBS/SCAN/BACK → EXEC/LLM/RISK → API); open PRs
 * cycle through the streams; 90% declare their stream (label, [PUCS-ID] title or feature/stream-ID
 * branch), 10% declare nothing (the gate must list their files); each PR touches 20 files.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getOctokit } from "@actions/github";
import { gateRun } from "../src/action/gate-run.js";
import { gateLedger } from "../src/action/ledger.js";
import { parseConfig } from "../src/engine/config/index.js";
import { gate, gateChangeOf } from "../src/engine/gate.js";
import type { Config } from "../src/engine/types.js";
import { GateGateway, countingClient, pullInfoOf, type RequestClient } from "../src/github/gate.js";
import { changeOfPull } from "../src/action/plan.js";
import { FakeGitHub } from "../test/support/fake-github.js";
import { layoutFiles } from "../src/ledger/layout.js";
import { emptyLedger } from "../src/ledger/schema.js";
import type { Footprint } from "../src/engine/types.js";
import { FakeRepo } from "../test/support/github-repo.js";

// `npm run bench` runs from the repository root (the bench is bundled into node_modules/.cache first).
const ROOT = process.cwd();
const CONFIG_TEXT = readFileSync(join(ROOT, "config/pucs_streams.yaml"), "utf8");
const DIRS: Record<string, string> = { OBS: "observability", SCAN: "scanners", BACK: "backtesting", EXEC: "execution", LLM: "llm", RISK: "compliance", API: "api" };
const STREAMS = Object.keys(DIRS);

function populate(repo: FakeRepo, open: number, undeclaredShare: number): void {
  for (let n = 1; n <= open; n++) {
    const s = STREAMS[n % STREAMS.length]!;
    const files = Array.from({ length: 20 }, (_, i) => ({ path: `${DIRS[s]}/m${n}_${i}.py` }));
    const declared = (n * 7919) % 100 >= undeclaredShare * 100;
    const how = n % 3;
    repo.addPull({
      number: n,
      files,
      commits: [{ sha: `${n}`.padStart(40, "c"), message: `[PUCS-${s}] feat: change ${n}` }],
      ...(!declared ? {} : how === 0 ? { labels: [`pucs:stream:${s}`] } : how === 1 ? { title: `[PUCS-${s}] feat: change ${n}` } : { headRef: `feature/stream-${s}-x${n}` }),
    });
  }
}

function event(repo: FakeRepo, action: string, n: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { action, number: n, pull_request: repo.pullJson(repo.pulls.get(n)!), repository: { full_name: "octo-org/octo-repo", default_branch: "main" }, ...extra };
}

const RUN = "https://github.com/octo-org/octo-repo/actions/runs/1";

/** The v2 ledger the App would keep for these PRs: a footprint each, with its gate streams. */
function appLedger(repo: FakeRepo, config: Config): Map<string, string> {
  const footprints: Footprint[] = [...repo.pulls.values()].map((p) => {
    const change = changeOfPull(pullInfoOf(repo.pullJson(p)), p.files, []);
    const streams = gateChangeOf(change, config).streams;
    return { change: `#${p.number}`, agent: p.author, stream: streams[0] ?? null, streams, headSha: p.headSha, draft: p.draft, labels: p.labels, files: p.files.map((f) => ({ path: f.path, changes: [{ start: 1, end: 3 }] })), recordedAt: "2026-11-23T19:00:00.000Z" };
  });
  return layoutFiles({ ...emptyLedger(), footprints });
}

async function gateCalls(gh: FakeGitHub, eventName: string, payload: Record<string, unknown>): Promise<{ reads: number; writes: number }> {
  const counted = countingClient(getOctokit("t", { baseUrl: gh.url }) as unknown as RequestClient);
  const gw = new GateGateway(counted.client, { owner: "octo-org", repo: "octo-repo" });
  await gateRun(
    { eventName, payload, mode: "gate", commitProtocol: "warn", configPath: null, targetUrl: RUN },
    { gw, ledger: gateLedger(gw), now: Date.parse("2026-11-23T20:00:00Z"), calls: counted.calls },
  );
  return { ...counted.calls };
}

/** The naive gate: list every open PR's files to classify it, then gate and publish the one PR. */
async function naiveCalls(gh: FakeGitHub, n: number, config: Config): Promise<{ reads: number; writes: number }> {
  const counted = countingClient(getOctokit("t", { baseUrl: gh.url }) as unknown as RequestClient);
  const gw = new GateGateway(counted.client, { owner: "octo-org", repo: "octo-repo" });
  await gw.fileText("config/pucs_streams.yaml", "main");
  await gw.ledgerHead();
  const pulls = await gw.openPulls();
  const changes = [];
  for (const p of pulls) changes.push(gateChangeOf(changeOfPull(p, (await gw.pullFiles(p.number)).files, []), config));
  const me = pulls.find((p) => p.number === n)!;
  await gw.pullCommits(n);
  const result = gate(changes.find((c) => c.change === `#${n}`)!, changes, null, config, 0);
  const current = await gw.gateStatus(me.headSha);
  if (!current || current.description !== result.description) await gw.setGateStatus(me.headSha, { state: result.verdict === "pass" ? "success" : "failure", description: result.description, targetUrl: null });
  return { ...counted.calls };
}

async function coldStart(runs: number): Promise<{ median: number; baseline: number }> {
  const dir = mkdtempSync(join(tmpdir(), "pucs-bench-"));
  const eventPath = join(dir, "event.json");
  writeFileSync(eventPath, JSON.stringify({ ref: "refs/heads/topic", repository: { default_branch: "main" }, commits: [] }));
  const env = { PATH: process.env.PATH ?? "", GITHUB_EVENT_NAME: "push", GITHUB_EVENT_PATH: eventPath, GITHUB_REPOSITORY: "o/r", INPUT_TOKEN: "t", GITHUB_OUTPUT: join(dir, "out"), GITHUB_STEP_SUMMARY: join(dir, "sum") };
  writeFileSync(env.GITHUB_OUTPUT, "");
  writeFileSync(env.GITHUB_STEP_SUMMARY, "");
  const time = (args: string[]) =>
    new Promise<number>((resolve, reject) => {
      const t0 = performance.now();
      execFile(process.execPath, args, { env }, (err) => (err ? reject(err) : resolve(performance.now() - t0)));
    });
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  try {
    const action: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < runs; i++) {
      action.push(await time([join(ROOT, "dist/index.js")]));
      bare.push(await time(["-e", ""]));
    }
    return { median: median(action), baseline: median(bare) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (c: { reads: number; writes: number }): string => `${c.reads}+${c.writes}`;
const total = (c: { reads: number; writes: number }): number => c.reads + c.writes;

export async function benchAction(): Promise<{ lines: string[] }> {
  const parsed = parseConfig(CONFIG_TEXT, "config/pucs_streams.yaml");
  if (!parsed.ok) throw new Error("the shipped config does not parse");
  const lines = [
    "Merge-gate Action — GitHub API requests per run as reads+writes (real HTTP requests to a local fake GitHub),",
    "seed config (phases OBS/SCAN/BACK → EXEC/LLM/RISK → API), PRs spread over the 7 streams, 20 files each,",
    "every PR's status already published (a workflow_dispatch sweep ran first). Naive = list every open PR's files.",
  ];
  const gh = await FakeGitHub.start();
  try {
    for (const [undeclared, withApp] of [[0, false], [0.1, false], [0, true]] as const) {
      lines.push(
        `  ${withApp ? "the App keeps the ledger (v2 tree with gate entries; the gate lists no PR)" : undeclared === 0 ? "every PR declares its stream (label / [PUCS-ID] title / feature/stream-ID branch)" : "10% of PRs declare no stream (their files must be listed), no App footprints"}:`,
      );
      for (const open of withApp ? [1, 100, 1000, 10_000] : [1, 100, 1000]) {
        const repo = new FakeRepo(gh);
        repo.setFile("main", "config/pucs_streams.yaml", CONFIG_TEXT);
        populate(repo, open, undeclared);
        if (withApp) repo.ledgerTree = appLedger(repo, parsed.config);
        const sweep = await gateCalls(gh, "workflow_dispatch", { repository: { default_branch: "main" } });
        // A push to a phase-3 (API) PR and to a phase-1 (OBS) PR: new head, `before` = the old one.
        const push = async (stream: string) => {
          const p = [...repo.pulls.values()].find((x) => x.number % STREAMS.length === STREAMS.indexOf(stream)) ?? repo.pulls.get(1)!;
          const before = p.headSha;
          p.headSha = `${p.headSha.slice(0, 30)}${"f".repeat(10)}`;
          const first = await gateCalls(gh, "pull_request", event(repo, "synchronize", p.number, { before }));
          const replay = await gateCalls(gh, "pull_request", event(repo, "synchronize", p.number, { before }));
          return { first, replay, n: p.number };
        };
        const late = await push("API");
        const naive = await naiveCalls(gh, late.n, parsed.config);
        const early = await push("OBS");
        // That phase-1 PR merges: the later-phase PRs it blocked are re-checked and re-published.
        const closing = repo.pulls.get(early.n)!;
        closing.state = "closed";
        closing.merged = true;
        const merged = await gateCalls(gh, "pull_request", event(repo, "closed", closing.number));
        const replay = await gateCalls(gh, "pull_request", event(repo, "closed", closing.number));
        const ratio = total(naive) / total(late.first);
        lines.push(
          `    ${String(open).padStart(4)} open PRs: first sweep ${fmt(sweep)}; push to a phase-3 PR ${fmt(late.first)} (replay ${fmt(late.replay)}) vs naive ${fmt(naive)}` +
            ` (${ratio >= 10 ? Math.round(ratio) : ratio.toFixed(1)}× fewer); push to a phase-1 PR ${fmt(early.first)}; it merges ${fmt(merged)} (replay ${fmt(replay)})`,
        );
      }
    }
  } finally {
    await gh.stop();
  }
  const cold = await coldStart(7);
  lines.push(`  cold start of dist/index.js (a run that needs no API call), median of 7: ${cold.median.toFixed(0)} ms (bare \`node -e ""\`: ${cold.baseline.toFixed(0)} ms)`);
  return { lines };
}
