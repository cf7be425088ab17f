/**
 * End-to-end figures (issue 5 §4) against the local GitHub (test/e2e/local-github.ts), with the App
 * loaded into Probot in this process (`createApp`, the same code as dist/app.js) and events handed to
 * `probot.receive` (webhook verification and HTTP excluded; the local GitHub's own work, including the
 * git processes behind its git data, IS on the clock — it shares this process's CPU).
 *
 * 1. API calls per push (synchronize) with 1 / 100 / 1,000 open PRs whose footprints are in the ledger,
 *    reads and writes counted separately from the local GitHub's request log, beside a naive app that
 *    lists every open PR and its files (measured against the same server, N open PRs without files).
 * 2. Throughput of one app process, throttling off: 60 PR events one at a time (p50/p99 per event,
 *    app-side = wall time minus the time waiting for GitHub's answers) and 60 all at once (events/s),
 *    over 24 streams with every 10th PR overlapping another.
 * 3. Probot's default throttling on: writes per event over a burst of 50 PR events arriving at once,
 *    and the time from a lone push to its report (check run completed).
 */
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Probot, ProbotOctokit } from "probot";
import { createApp } from "../src/app/index.js";
import { PucsOctokit } from "../src/app/octokit.js";
import type { GitHubClient } from "../src/github/client.js";
import { GitHubRefStore } from "../src/github/ledger-store.js";
import { emptyLedger } from "../src/ledger/schema.js";
import type { Footprint } from "../src/engine/types.js";
import { example } from "../test/action/harness.js";
import { LocalGitHub, type LocalRepo } from "../test/e2e/local-github.js";
import { Octokit } from "@octokit/core";
import nock from "nock";
import { FakeGitHub, OWNER as fakeOwner, REPO as fakeRepo, patch as fakePatch, pullPayload as fakePull } from "../test/app/fake.js";

const ROOT = process.cwd();
const CONFIG = readFileSync(join(ROOT, "config", "pucs_streams.yaml"), "utf8");
const keys = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs1", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });

interface World {
  gh: LocalGitHub;
  repo: LocalRepo;
  probot: Probot;
}

async function world(opts: { throttle: boolean; config?: string; wrap?: (Base: typeof PucsOctokit) => typeof PucsOctokit }): Promise<World> {
  const gh = await LocalGitHub.start({ app: { id: 4242, slug: "pucs", publicKey: keys.publicKey }, requireToken: true });
  const repo = await gh.createRepo("octo-org/octo-repo", { files: { "config/pucs_streams.yaml": opts.config ?? CONFIG, "observability/metrics.py": "def collect():\n    return 1\n" }, installationId: 77 });
  // Function form: Probot passes its own throttle options to the constructor, which would override an object default.
  // The Octokit `npm start` runs with (PucsOctokit: its own retries, rate-limit handling).
  const Base = opts.throttle ? PucsOctokit : PucsOctokit.defaults((o: Record<string, unknown>) => ({ ...o, throttle: { ...(o.throttle as object), enabled: false } }));
  const Oct = opts.wrap ? opts.wrap(Base) : Base;
  const probot = new Probot({ appId: 4242, privateKey: keys.privateKey, secret: "s", baseUrl: gh.gheUrl, Octokit: Oct, logLevel: "fatal" });
  await probot.load(createApp());
  gh.addToken("bench-seed", "octo-org");
  return { gh, repo, probot };
}

function pullPayload(w: World, n: number, action: string): { id: string; name: "pull_request"; payload: never } {
  const payload = example("pull_request", action === "synchronize" ? "synchronize" : "opened");
  Object.assign(payload, {
    action,
    number: n,
    pull_request: w.repo.pullJson(w.repo.pull(n), w.gh.gheUrl),
    repository: w.repo.repoJson(w.gh.gheUrl),
    installation: { id: 77, node_id: "MDIzOkluc3RhbGxhdGlvbjc3" },
    sender: w.gh.user(w.repo.pull(n).author),
  });
  return { id: randomUUID(), name: "pull_request", payload: payload as never };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const ms = (x: number) => `${x.toFixed(1)} ms`;

/** Footprints of `n` other open PRs, written straight into the ledger (one commit). */
async function seedFootprints(w: World, n: number): Promise<void> {
  if (n === 0) return;
  for (let i = 1; i <= n; i++) await w.repo.createPull({ author: `agent${i - 1}`, title: `[PUCS-OBS] change ${i}` });
  const store = new GitHubRefStore(new Octokit({ baseUrl: w.gh.url, auth: "bench-seed" }) as unknown as GitHubClient, { owner: "octo-org", repo: "octo-repo" });
  const head = (await w.repo.git.refSha("refs/heads/main"))!;
  const at = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  // Spread over the seed's other streams (not OBS, the pushed PR's), so the push stays clear whatever
  // their number: the figure is the cost of a push, not of a CAPACITY report.
  const spread = [
    ["EXEC", "execution"],
    ["LLM", "llm"],
    ["SCAN", "scanners"],
    ["BACK", "backtesting"],
    ["API", "api"],
  ] as const;
  const footprints: Footprint[] = Array.from({ length: n }, (_, i) => {
    const [stream, dir] = spread[i % spread.length]!;
    return {
      change: `#${i + 1}`,
      agent: `agent${i}`,
      stream,
      headSha: head,
      draft: false,
      files: Array.from({ length: 5 }, (_, k) => ({ path: `${dir}/m${i}_${k}.py`, changes: [{ start: 1, end: 3 }] })),
      recordedAt: at,
    };
  });
  const snap = await store.read();
  const r = await store.write({ ...emptyLedger(), footprints: footprints.sort((a, b) => (a.change < b.change ? -1 : 1)) }, snap.version, `bench: ${n} footprints`);
  if (!r.ok) throw new Error("could not seed the ledger");
}

export async function callsPerPush(open: number): Promise<{ reads: number; writes: number; bytes: number; wholeBytes: number; naiveReads: number; ms: number }> {
  const w = await world({ throttle: false });
  try {
    await seedFootprints(w, open - 1);
    const pr = await w.repo.createPull({ author: "alice", files: { "observability/metrics.py": "def collect():\n    return 2\n" } });
    await w.probot.receive(pullPayload(w, pr.number, "opened")); // warm-up: labels, token, first footprint
    await w.repo.pushHead(pr.number, { "observability/metrics.py": "def collect():\n    return 3\n" });
    w.gh.clearLog();
    const t0 = performance.now();
    await w.probot.receive(pullPayload(w, pr.number, "synchronize"));
    const took = performance.now() - t0;
    if (w.gh.problems().length > 0) throw new Error(`requests GitHub would refuse: ${JSON.stringify(w.gh.problems().slice(0, 3))}`);
    const reads = w.gh.reads;
    const writes = w.gh.writes;
    const bytes = w.gh.bytes;
    // Baseline in the same run: the whole-ledger read every event made before partial reads (one query).
    w.gh.clearLog();
    const seedStore = new GitHubRefStore(new Octokit({ baseUrl: w.gh.url, auth: "bench-seed" }) as unknown as GitHubClient, { owner: "octo-org", repo: "octo-repo" });
    await seedStore.read();
    const wholeBytes = w.gh.bytes;
    // Naive: list the open PRs (100 a page) and each one's files.
    w.gh.clearLog();
    const naive = new Octokit({ baseUrl: w.gh.url, auth: "bench-seed" });
    const pulls = (await naive.request("GET /repos/{owner}/{repo}/pulls", { owner: "octo-org", repo: "octo-repo", state: "open", per_page: 100 })) as { data: unknown[] };
    let page = 1;
    let count = pulls.data.length;
    while (count === page * 100) {
      page++;
      count += ((await naive.request("GET /repos/{owner}/{repo}/pulls", { owner: "octo-org", repo: "octo-repo", state: "open", per_page: 100, page })) as { data: unknown[] }).data.length;
    }
    for (let n = 1; n <= count; n++) await naive.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/files", { owner: "octo-org", repo: "octo-repo", pull_number: n, per_page: 100 });
    return { reads, writes, bytes, wholeBytes, naiveReads: w.gh.reads, ms: took };
  } finally {
    await w.gh.stop();
  }
}

/** The throughput scenario's config: 24 streams of up to 10 agents, so most PRs are clear. */
const STREAMS = 24;
const MIX_CONFIG = ["version: 1", "streams:", ...Array.from({ length: STREAMS }, (_, i) => {
  const id = `S${String(i).padStart(2, "0")}`;
  return [`  ${id}:`, `    name: "Stream ${i}"`, `    files_pattern: "src/s${i}/**"`, "    max_agents: 10"].join("\n");
})].join("\n") + "\n";

/** PR i touches its own file in stream i % 24; every 10th PR also edits the file of the PR before it (an overlap). */
function mixFiles(i: number): Record<string, string> {
  const files: Record<string, string> = { [`src/s${i % STREAMS}/f${i}.py`]: `x = ${i}\n` };
  if (i % 10 === 9) files[`src/s${(i - 1) % STREAMS}/f${i - 1}.py`] = `x = ${i} # overlap\n`;
  return files;
}

/**
 * Time the App spends waiting for GitHub's answers, per Octokit instance: wraps every request (the
 * outermost hook, so retries and throttling waits are inside it).
 */
let waited = 0;
const timed = (Base: typeof PucsOctokit) =>
  Base.plugin((octokit) => {
    octokit.hook.wrap("request", async (req, o) => {
      const t = performance.now();
      try {
        return await req(o);
      } finally {
        waited += performance.now() - t;
      }
    });
    return {};
  }) as typeof PucsOctokit;

export async function throughput(): Promise<{ N: number; appP50: number; appP99: number; appRate: number; wallP50: number; wallP99: number; sequentialRate: number; burstRate: number; reads: number; writes: number; conflicted: number }> {
  const w = await world({ throttle: false, config: MIX_CONFIG, wrap: timed });
  try {
    const N = 60;
    // 2N + 1 PRs: one for the warm-up (token, labels), N handled one at a time, N all at once.
    for (let i = 0; i < 2 * N + 1; i++) await w.repo.createPull({ author: `agent${i}`, files: mixFiles(i) });
    await w.probot.receive(pullPayload(w, 1, "opened"));
    const app: number[] = [];
    const wall: number[] = [];
    w.gh.clearLog();
    const t0 = performance.now();
    for (let n = 2; n < N + 2; n++) {
      waited = 0;
      const t = performance.now();
      await w.probot.receive(pullPayload(w, n, "opened"));
      const took = performance.now() - t;
      wall.push(took);
      app.push(took - waited);
    }
    const seq = performance.now() - t0;
    const reads = w.gh.reads / N;
    const writes = w.gh.writes / N;
    const t1 = performance.now();
    await Promise.all(Array.from({ length: N }, (_, i) => w.probot.receive(pullPayload(w, N + 2 + i, "opened"))));
    const burst = performance.now() - t1;
    if (w.gh.problems().length > 0) throw new Error(`requests GitHub would refuse: ${JSON.stringify(w.gh.problems().slice(0, 3))}`);
    const conflicted = [...w.repo.checkRuns.values()].filter((c) => c.conclusion !== "success").length;
    const mean = app.reduce((a, b) => a + b, 0) / app.length;
    return { N, appP50: pct(app, 50), appP99: pct(app, 99), appRate: 1000 / mean, wallP50: pct(wall, 50), wallP99: pct(wall, 99), sequentialRate: (N / seq) * 1000, burstRate: (N / burst) * 1000, reads, writes, conflicted };
  } finally {
    await w.gh.stop();
  }
}

/**
 * App-side processing alone: the same App and Probot, with GitHub answered in process from memory
 * (test/app/fake.ts's `fetch`: no sockets, no git) and the time that model spends being GitHub taken
 * off, so what is timed is the App's own work, Octokit and Probot included. N events one at a time
 * (p50/p99, events/s), then N at once.
 */
export async function appSide(N: number): Promise<{ N: number; p50: number; p99: number; rate: number; burstRate: number; serverShare: number }> {
  const gh = new FakeGitHub();
  nock.cleanAll(); // its nock routes are not used: Octokit is handed gh.fetch
  gh.defaultFiles.set("config/pucs_streams.yaml", MIX_CONFIG);
  // Throttling off, retries on, as in the other "throttling off" figures.
  const Oct = PucsOctokit.defaults((o: Record<string, unknown>) => ({ ...o, throttle: { ...(o.throttle as object), enabled: false }, request: { ...(o.request as object), fetch: gh.fetch } }));
  const probot = new Probot({ githubToken: "bench", Octokit: Oct, logLevel: "fatal" });
  await probot.load(createApp({ knownLabels: new Set([`${fakeOwner}/${fakeRepo}:*`]) }));
  let ids = 0;
  const send = (n: number) => {
    const payload = fakePull(n, { author: `agent${n}` });
    gh.pulls.set(n, payload.pull_request);
    return probot.receive({ id: `b-${++ids}`, name: "pull_request", payload } as never);
  };
  for (let i = 1; i <= 2 * N + 1; i++) gh.prFiles.set(i, Object.keys(mixFiles(i)).map((filename) => ({ filename, patch: fakePatch(1, 1) })));
  await send(1);
  // The in-process GitHub's own work (routing, its model, serializing answers) is GitHub's, not the
  // App's: it is taken off the clock (gh.serverMs), as waiting for GitHub is in the HTTP figures.
  const times: number[] = [];
  let server = 0;
  const t0 = performance.now();
  for (let n = 2; n < N + 2; n++) {
    const s = gh.serverMs;
    const t = performance.now();
    await send(n);
    const took = performance.now() - t;
    const onServer = gh.serverMs - s;
    server += onServer;
    times.push(took - onServer);
  }
  const seq = performance.now() - t0 - server;
  const s1 = gh.serverMs;
  const t1 = performance.now();
  await Promise.all(Array.from({ length: N }, (_, i) => send(N + 2 + i)));
  const burst = performance.now() - t1 - (gh.serverMs - s1);
  if (gh.ledger!.footprints.length !== 2 * N + 1) throw new Error(`expected ${2 * N + 1} footprints, the ledger has ${gh.ledger!.footprints.length}`);
  return { N, p50: pct(times, 50), p99: pct(times, 99), rate: (N / seq) * 1000, burstRate: (N / burst) * 1000, serverShare: server / (seq + server) };
}

export async function throttled(): Promise<{ writesPerEvent: number; commits: number; burstSeconds: number; lonePushMs: number }> {
  const w = await world({ throttle: true, config: MIX_CONFIG });
  try {
    const N = 50;
    // Clear PRs only (distinct files), so every write counted is the report's or the ledger's.
    for (let i = 0; i <= N; i++) await w.repo.createPull({ author: `agent${i}`, files: { [`src/s${i % STREAMS}/g${i}.py`]: `x = ${i}\n` } });
    await w.probot.receive(pullPayload(w, N + 1, "opened")); // warm-up: the repository's labels are created once
    await new Promise((r) => setTimeout(r, 1100));
    w.gh.clearLog();
    const t0 = performance.now();
    await Promise.all(Array.from({ length: N }, (_, i) => w.probot.receive(pullPayload(w, i + 1, "opened"))));
    const burst = performance.now() - t0;
    const writes = w.gh.writes;
    const commits = w.gh.requests("git/create-commit").length;
    await new Promise((r) => setTimeout(r, 1100));
    // A lone push: until its check run is completed.
    const head = await w.repo.pushHead(1, { "src/s1/g1.py": "x = 100\n" });
    const t1 = performance.now();
    const done = w.probot.receive(pullPayload(w, 1, "synchronize"));
    let reported = 0;
    const deadline = t1 + 30_000;
    while (!reported) {
      if ([...w.repo.checkRuns.values()].some((c) => c.headSha === head && c.status === "completed")) reported = performance.now() - t1;
      else if (performance.now() > deadline) throw new Error("the lone push got no report within 30 s");
      else await new Promise((r) => setTimeout(r, 5));
    }
    await done;
    return { writesPerEvent: writes / N, commits, burstSeconds: burst / 1000, lonePushMs: reported };
  } finally {
    await w.gh.stop();
  }
}

export async function benchE2E(): Promise<{ lines: string[] }> {
  const lines = ["## End to end (App in Probot, local GitHub over HTTP)", ""];
  // App-side first, before the sections below leave their worlds (1,000-PR ledgers, local GitHubs)
  // on this process's heap. A server process runs warm: one run to warm the JIT up, then the median
  // of three runs.
  await appSide(100);
  const runs: Awaited<ReturnType<typeof appSide>>[] = [];
  for (let i = 0; i < 3; i++) runs.push(await appSide(100));
  runs.sort((x, y) => x.rate - y.rate);
  const a = runs[1]!;
  process.stderr.write("e2e bench: app-side done\n");
  lines.push("API calls per push (synchronize), by open PRs with footprints in the ledger — target ≤ 5 per push regardless of open PRs");
  lines.push("  open PRs | App reads | App writes | App total | bytes per push (both ways) | whole-ledger read alone (before) | naive reads (list PRs + each PR's files) | App time");
  const sizes = (process.env.PUCS_BENCH_OPEN ?? "1,100,1000").split(",").map(Number);
  for (const n of sizes) {
    const r = await callsPerPush(n);
    const verdict = r.reads + r.writes <= 5 ? "met" : "MISSED";
    process.stderr.write(`e2e bench: ${n} open PRs done\n`);
    const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
    lines.push(`  ${String(n).padStart(8)} | ${String(r.reads).padStart(9)} | ${String(r.writes).padStart(10)} | ${String(r.reads + r.writes).padStart(9)} (${verdict}) | ${kb(r.bytes).padStart(25)} | ${kb(r.wholeBytes).padStart(32)} | ${String(r.naiveReads).padStart(39)} | ${ms(r.ms)}`);
  }
  const t = await throughput();
  process.stderr.write("e2e bench: throughput done\n");
  const th = await throttled();
  process.stderr.write("e2e bench: throttled done\n");
  lines.push("", `One app process, throttling off, PR events over 24 streams (every 10th PR overlaps another: ${t.conflicted} of ${2 * t.N} reports are not clear)`);
  lines.push(`  app-side (GitHub answered from memory in process, its own work — ${(a.serverShare * 100).toFixed(0)}% of the wall time — off the clock; the App, Probot and Octokit timed): ${a.N} events one at a time p50 ${ms(a.p50)}, p99 ${ms(a.p99)}, ${a.rate.toFixed(0)} events/s (median of 3 runs after a warm-up run; ${runs[0]!.rate.toFixed(0)}–${runs[2]!.rate.toFixed(0)}); ${a.N} at once ${a.burstRate.toFixed(0)} events/s — target ≥ 200 events/s, p99 ≤ 50 ms: ${a.rate >= 200 && a.p99 <= 50 ? "met" : "MISSED"}`);
  lines.push(`  against the local GitHub over HTTP, minus the time waiting for its answers: p50 ${ms(t.appP50)}, p99 ${ms(t.appP99)}, ${t.appRate.toFixed(0)} events/s (its git subprocesses share the 2 cores and block this thread while they start)`);
  lines.push(`  end to end against the local GitHub: ${t.N} one at a time p50 ${ms(t.wallP50)}, p99 ${ms(t.wallP99)}, ${t.sequentialRate.toFixed(1)} events/s; ${t.N} at once ${t.burstRate.toFixed(1)} events/s; ${t.reads.toFixed(2)} reads + ${t.writes.toFixed(2)} writes per event`);
  lines.push("", "Probot's default throttling on (writes ≥ 1 s apart)");
  lines.push(`  burst of 50 PR events at once: ${th.writesPerEvent.toFixed(2)} writes per event (${th.commits} ledger commits for 50 footprints) — target ≤ 1.5: ${th.writesPerEvent <= 1.5 ? "met" : "MISSED"}; all handled in ${th.burstSeconds.toFixed(1)} s`);
  lines.push(`  lone push → its report (check run completed): ${ms(th.lonePushMs)} — target ≤ 2 s: ${th.lonePushMs <= 2000 ? "met" : "MISSED"}`);
  return { lines };
}

if (process.argv[1]?.endsWith("e2e.ts")) console.log((await benchE2E()).lines.join("\n"));
