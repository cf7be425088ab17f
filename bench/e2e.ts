/**
 * End-to-end figures (issue 5 §4) against the local GitHub (test/e2e/local-github.ts), with the App
 * loaded into Probot in this process (`createApp`, the same code as dist/app.js) and events handed to
 * `probot.receive` (webhook verification and HTTP excluded; the local GitHub's own work, including the
 * git processes behind its git data, IS on the clock — it shares this process's CPU).
 *
 * 1. API calls per push (synchronize) with 1 / 100 / 1,000 open PRs whose footprints are in the ledger,
 *    reads and writes counted separately from the local GitHub's request log, beside a naive app that
 *    lists every open PR and its files (measured against the same server, N open PRs without files).
 * 2. Throughput of one app process, throttling off: 60 pushes to 60 PRs, one at a time (p50/p99 per
 *    event) and all at once (events/s).
 * 3. Probot's default throttling on: writes per event over a burst of 50 PR events arriving at once,
 *    and the time from a lone push to its report (check run completed).
 */
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Probot, ProbotOctokit } from "probot";
import { createApp } from "../src/app/index.js";
import type { GitHubClient } from "../src/github/client.js";
import { GitHubRefStore } from "../src/github/ledger-store.js";
import { emptyLedger } from "../src/ledger/schema.js";
import type { Footprint } from "../src/engine/types.js";
import { example } from "../test/action/harness.js";
import { LocalGitHub, type LocalRepo } from "../test/e2e/local-github.js";
import { Octokit } from "@octokit/core";

const ROOT = process.cwd();
const CONFIG = readFileSync(join(ROOT, "config", "pucs_streams.yaml"), "utf8");
const keys = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs1", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });

interface World {
  gh: LocalGitHub;
  repo: LocalRepo;
  probot: Probot;
}

async function world(opts: { throttle: boolean }): Promise<World> {
  const gh = await LocalGitHub.start({ app: { id: 4242, slug: "pucs", publicKey: keys.publicKey }, requireToken: true });
  const repo = await gh.createRepo("octo-org/octo-repo", { files: { "config/pucs_streams.yaml": CONFIG, "observability/metrics.py": "def collect():\n    return 1\n" }, installationId: 77 });
  // Function form: Probot passes its own throttle options to the constructor, which would override an object default.
  const Oct = opts.throttle ? ProbotOctokit : ProbotOctokit.defaults((o: Record<string, unknown>) => ({ ...o, throttle: { ...(o.throttle as object), enabled: false } }));
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
  const footprints: Footprint[] = Array.from({ length: n }, (_, i) => ({
    change: `#${i + 1}`,
    agent: `agent${i}`,
    stream: "OBS",
    headSha: head,
    draft: false,
    files: Array.from({ length: 5 }, (_, k) => ({ path: `observability/m${i}_${k}.py`, changes: [{ start: 1, end: 3 }] })),
    recordedAt: at,
  }));
  const snap = await store.read();
  const r = await store.write({ ...emptyLedger(), footprints: footprints.sort((a, b) => (a.change < b.change ? -1 : 1)) }, snap.version, `bench: ${n} footprints`);
  if (!r.ok) throw new Error("could not seed the ledger");
}

async function callsPerPush(open: number): Promise<{ reads: number; writes: number; naiveReads: number; ms: number }> {
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
    return { reads, writes, naiveReads: w.gh.reads, ms: took };
  } finally {
    await w.gh.stop();
  }
}

async function throughput(): Promise<{ p50: number; p99: number; sequentialRate: number; burstRate: number; writesPerEvent: number }> {
  const w = await world({ throttle: false });
  try {
    const N = 60;
    for (let i = 0; i < 2 * N + 1; i++) await w.repo.createPull({ author: `agent${i}`, files: { [`observability/f${i}.py`]: `x = ${i}\n` } });
    await w.probot.receive(pullPayload(w, 1, "opened")); // warm-up (labels, token)
    const times: number[] = [];
    w.gh.clearLog();
    const t0 = performance.now();
    for (let n = 2; n < N + 2; n++) {
      const t = performance.now();
      await w.probot.receive(pullPayload(w, n, "opened"));
      times.push(performance.now() - t);
    }
    const seq = performance.now() - t0;
    const t1 = performance.now();
    await Promise.all(Array.from({ length: N }, (_, i) => w.probot.receive(pullPayload(w, N + 2 + i, "opened"))));
    const burst = performance.now() - t1;
    if (w.gh.problems().length > 0) throw new Error(`requests GitHub would refuse: ${JSON.stringify(w.gh.problems().slice(0, 3))}`);
    return { p50: pct(times, 50), p99: pct(times, 99), sequentialRate: (N / seq) * 1000, burstRate: (N / burst) * 1000, writesPerEvent: w.gh.writes / (2 * N) };
  } finally {
    await w.gh.stop();
  }
}

async function throttled(): Promise<{ writesPerEvent: number; burstSeconds: number; lonePushMs: number }> {
  const w = await world({ throttle: true });
  try {
    const N = 50;
    for (let i = 1; i <= N + 1; i++) await w.repo.createPull({ author: `agent${i}`, files: { [`observability/f${i}.py`]: `x = ${i}\n` } });
    await w.probot.receive(pullPayload(w, N + 1, "opened")); // warm-up: the repository's labels are created once
    await new Promise((r) => setTimeout(r, 1100));
    w.gh.clearLog();
    const t0 = performance.now();
    await Promise.all(Array.from({ length: N }, (_, i) => w.probot.receive(pullPayload(w, i + 1, "opened"))));
    const burst = performance.now() - t0;
    const writes = w.gh.writes;
    await new Promise((r) => setTimeout(r, 1100));
    // A lone push: until its check run is completed.
    const head = await w.repo.pushHead(1, { "observability/f1.py": "x = 100\n" });
    const t1 = performance.now();
    const done = w.probot.receive(pullPayload(w, 1, "synchronize"));
    let reported = 0;
    while (!reported) {
      if ([...w.repo.checkRuns.values()].some((c) => c.headSha === head && c.status === "completed")) reported = performance.now() - t1;
      else await new Promise((r) => setTimeout(r, 5));
    }
    await done;
    return { writesPerEvent: writes / N, burstSeconds: burst / 1000, lonePushMs: reported };
  } finally {
    await w.gh.stop();
  }
}

export async function benchE2E(): Promise<{ lines: string[] }> {
  const lines = ["## End to end (App in Probot, local GitHub over HTTP)", ""];
  lines.push("API calls per push (synchronize), by open PRs with footprints in the ledger — target ≤ 5 per push regardless of open PRs");
  lines.push("  open PRs | App reads | App writes | App total | naive reads (list PRs + each PR's files) | App time");
  const sizes = (process.env.PUCS_BENCH_OPEN ?? "1,100,1000").split(",").map(Number);
  for (const n of sizes) {
    const r = await callsPerPush(n);
    const verdict = r.reads + r.writes <= 5 ? "met" : "MISSED";
    process.stderr.write(`e2e bench: ${n} open PRs done\n`);
    lines.push(`  ${String(n).padStart(8)} | ${String(r.reads).padStart(9)} | ${String(r.writes).padStart(10)} | ${String(r.reads + r.writes).padStart(9)} (${verdict}) | ${String(r.naiveReads).padStart(39)} | ${ms(r.ms)}`);
  }
  if (!process.env.PUCS_BENCH_FULL) {
    // The throughput and throttled-burst sections exist but have not yet completed a run on this
    // machine (the one full run passed 500 s): opt in with PUCS_BENCH_FULL=1 while that is investigated.
    lines.push("", "Throughput, p50/p99, writes per event under a 50-event burst, lone push → report: not measured (PUCS_BENCH_FULL=1 runs them; see the README).");
    return { lines };
  }
  const t = await throughput();
  lines.push("", "One app process, throttling off (60 PR events one at a time, then 60 at once) — target ≥ 200 events/s, p99 ≤ 50 ms");
  lines.push(`  sequential: ${t.sequentialRate.toFixed(0)} events/s, p50 ${ms(t.p50)}, p99 ${ms(t.p99)} (${t.sequentialRate >= 200 && t.p99 <= 50 ? "met" : "MISSED"})`);
  lines.push(`  concurrent: ${t.burstRate.toFixed(0)} events/s (${t.burstRate >= 200 ? "met" : "MISSED"}); ${t.writesPerEvent.toFixed(2)} writes per event`);
  const th = await throttled();
  lines.push("", "Probot's default throttling on (writes ≥ 1 s apart)");
  lines.push(`  burst of 50 PR events at once: ${th.writesPerEvent.toFixed(2)} writes per event (target ≤ 1.5: ${th.writesPerEvent <= 1.5 ? "met" : "MISSED"}), all handled in ${th.burstSeconds.toFixed(1)} s`);
  lines.push(`  lone push → its report (check run completed): ${ms(th.lonePushMs)} (target ≤ 2 s: ${th.lonePushMs <= 2000 ? "met" : "MISSED"})`);
  return { lines };
}

if (process.argv[1]?.endsWith("e2e.ts")) console.log((await benchE2E()).lines.join("\n"));
