/**
 * Issue 14: several App replicas behind one webhook URL. Two `node dist/server.js` processes share a
 * real Redis (`REDIS_URL`): Probot hands it to Octokit's throttling, so the two space their writes as
 * ONE App would (1 s apart, comments 3 s apart), and PUCS takes a Redis lock per PR report, so two
 * replicas publishing one PR's report at once (its own event on one, a refresh or a duplicate
 * delivery on the other) never both create its comment.
 *
 * A burst of PR openings is delivered to both replicas (alternating, two of them to both at once, as
 * a redelivery would), with Probot's real throttling. Checked: every delivery answered 200, one report
 * comment per PR, every PR's footprint in the ledger and every report right, and the writes as the
 * local GitHub received them: never more than GitHub's secondary limit of 80 content-creating
 * requests a minute, scaled to 10 s (13) — two replicas that did not share the budget would send
 * about twice that. The rate is the feature under test, read from the server's arrival times.
 *
 * Needs `redis-server` (Debian package): installed with apt-get when missing; the test FAILS when it
 * cannot be installed or started.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createConnection } from "node:net";
import { join } from "node:path";
import { Octokit } from "@octokit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPORT_MARKER } from "../../src/engine/report.js";
import type { GitHubClient } from "../../src/github/client.js";
import { GitHubRefStore } from "../../src/github/ledger-store.js";
import { ROOT } from "../action/harness.js";
import { AppProcess, appKeys, freePort, pullEvent, type Delivery } from "./app-process.js";
import { LocalGitHub, type LocalRepo } from "./local-github.js";

const keys = appKeys();
const CONFIG = readFileSync(join(ROOT, "config", "pucs_streams.yaml"), "utf8");

function redisServerPath(): string {
  const found = spawnSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" });
  if (found.status === 0 && found.stdout.trim()) return found.stdout.trim();
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const update = spawnSync("apt-get", ["-o", "DPkg::Lock::Timeout=300", "update", "-qq"], { encoding: "utf8", env });
  const install = spawnSync("apt-get", ["-o", "DPkg::Lock::Timeout=300", "install", "-y", "-qq", "redis-server"], { encoding: "utf8", env });
  const again = spawnSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" });
  if (again.status !== 0 || !again.stdout.trim()) {
    throw new Error(`redis-server is missing and apt-get could not install it (update: ${update.status} ${update.stderr?.slice(-300)}; install: ${install.status} ${install.stderr?.slice(-500)})`);
  }
  return again.stdout.trim();
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ port, host: "127.0.0.1" }, () => s.write("PING\r\n"));
    s.on("data", (d) => {
      resolve(d.toString().startsWith("+PONG"));
      s.destroy();
    });
    s.on("error", () => resolve(false));
  });
}

let redis: ChildProcess | null = null;
let redisPort = 0;

beforeAll(async () => {
  const bin = redisServerPath();
  redisPort = await freePort();
  redis = spawn(bin, ["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes"], { stdio: "ignore" });
  const deadline = Date.now() + 15_000;
  while (!(await ping(redisPort))) {
    if (redis.exitCode !== null) throw new Error(`redis-server exited with ${redis.exitCode}`);
    if (Date.now() > deadline) throw new Error(`redis-server did not answer on 127.0.0.1:${redisPort} within 15 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
  if (!existsSync(join(ROOT, "dist", "server.js"))) throw new Error("dist/server.js is missing: run npm run build");
});

afterAll(async () => {
  if (redis && redis.exitCode === null) {
    const done = new Promise((r) => redis!.once("exit", r));
    redis.kill("SIGTERM");
    await done;
  }
});

/** PR i: OBS (max_agents 3) for i ≤ 4, so all four are over capacity; API for the rest (clear). */
async function openPulls(repo: LocalRepo, n: number): Promise<void> {
  for (let i = 1; i <= n; i++) {
    const file = i <= 4 ? `observability/m${i}.py` : `api/r${i}.py`;
    await repo.createPull({ author: `agent${i}`, files: { [file]: `x = ${i}\n` } });
  }
}

/** Waits (not an assertion) until the local GitHub has had no request for `quietMs`. */
async function settle(gh: LocalGitHub, quietMs: number, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  let seen = -1;
  while (seen !== gh.log.length) {
    seen = gh.log.length;
    if (Date.now() > deadline) throw new Error(`the replicas kept calling GitHub for over ${limitMs / 1000} s`);
    await new Promise((r) => setTimeout(r, quietMs));
  }
}

describe("two App replicas sharing one Redis", () => {
  it("share one write budget, and neither duplicates a report comment nor loses a claim", { timeout: 180_000 }, async () => {
    const gh = await LocalGitHub.start({ app: { id: 4242, slug: "pucs", publicKey: keys.publicKey }, requireToken: true });
    const apps: AppProcess[] = [];
    try {
      const repo = await gh.createRepo("octo-org/octo-repo", { files: { "config/pucs_streams.yaml": CONFIG }, installationId: 77 });
      // The repository's PUCS labels exist already (made once in its life), so every write counted is the burst's.
      for (const l of ["pucs:lock", "pucs:conflict", "pucs:queued", ...["EXEC", "LLM", "SCAN", "RISK", "BACK", "OBS", "API"].map((s) => `pucs:stream:${s}`)]) repo.ensureLabel(l);
      const N = 6;
      await openPulls(repo, N);
      const env = { REDIS_URL: `redis://127.0.0.1:${redisPort}`, PUCS_REFRESH_DRAIN_MS: "300" };
      apps.push(await AppProcess.start(gh, { appId: 4242, privateKey: keys.privateKey, env }), await AppProcess.start(gh, { appId: 4242, privateKey: keys.privateKey, env }));

      const deliveries: Promise<{ status: number; body: string }>[] = [];
      for (let i = 1; i <= N; i++) {
        const d: Delivery = pullEvent(gh, repo, i, "opened");
        deliveries.push(apps[i % 2]!.send(d));
        // #1 and #2 are delivered to both replicas at once (a redelivery racing the first delivery).
        if (i <= 2) deliveries.push(apps[(i + 1) % 2]!.send(pullEvent(gh, repo, i, "opened")));
      }
      const answers = await Promise.all(deliveries);
      // Probot answers 202 once the delivery is verified and handled in the background (200 after handling in older versions).
      // On a failure, what each replica logged says why (the answers alone are a bare 500).
      expect(answers.every((a) => a.status === 200 || a.status === 202), [...answers.map((a) => `${a.status} ${a.body}`), ...apps.map((a, i) => `replica ${i} log:\n${(a.stderr + a.stdout).slice(-6000)}`)].join("\n")).toBe(true);
      await settle(gh, 3000, 120_000);
      expect(gh.problems()).toEqual([]);
      // No handler failed (a failed one logs an error).
      expect(apps.map((a) => a.stderr + a.stdout).join("").match(/"level":50|ERROR/g) ?? [], apps.map((a) => a.stderr + a.stdout).join("\n").slice(-3000)).toEqual([]);

      // One report comment per PR: the four over capacity have one each, the clear ones none.
      const reports = [...repo.pulls.keys()].map((n) => repo.commentsOn(n).filter((c) => c.user === gh.botLogin && c.body.includes(REPORT_MARKER)).length);
      expect(reports).toEqual([1, 1, 1, 1, 0, 0]);
      // Every report right, every claim in the ledger.
      const conclusions = [...repo.pulls.values()].map((p) => [...repo.checkRuns.values()].filter((c) => c.headSha === p.headSha).at(-1)?.conclusion);
      expect(conclusions).toEqual(["failure", "failure", "failure", "failure", "success", "success"]);
      gh.addToken("e2e-reader", "octo-org");
      const store = new GitHubRefStore(new Octokit({ baseUrl: gh.url, auth: "e2e-reader" }) as unknown as GitHubClient, { owner: "octo-org", repo: "octo-repo" });
      const ledger = (await store.read()).ledger;
      expect(ledger.footprints.map((f) => f.change).sort()).toEqual(["#1", "#2", "#3", "#4", "#5", "#6"]);
      for (const n of [1, 2, 3, 4]) expect(repo.pull(n).labels).toContain("pucs:conflict");

      // The shared budget: content writes (GraphQL queries are reads) as the server received them.
      const writes = gh.log.filter((e) => e.kind === "write" && e.path !== "/graphql").map((e) => e.at!);
      expect(writes.length).toBeGreaterThan(15);
      let most = 0;
      for (let i = 0; i < writes.length; i++) {
        let j = i;
        while (j < writes.length && writes[j]! < writes[i]! + 10_000) j++;
        most = Math.max(most, j - i);
      }
      if (process.env.PUCS_SHOW) console.log(`${writes.length} writes over ${((writes.at(-1)! - writes[0]!) / 1000).toFixed(1)} s; at most ${most} in any 10 s`);
      expect(most).toBeLessThanOrEqual(13);
    } finally {
      await Promise.all(apps.map((a) => a.stop()));
      await gh.stop();
    }
  });
});
