/**
 * Issue 5 §3, the merge-gate Action under a failing GitHub: the bundled Action (dist/index.js, run as
 * the runner runs it) against the local GitHub with 20% of the answers turned into 502s, 403/429
 * secondary rate limits and timeouts (applied, then a 504). A run that still fails is re-run, as a
 * person re-runs a failed job; the gate's final statuses must equal a fault-free run's, and a run
 * must never publish a green gate that the fault-free run does not.
 *
 * Scenario (seed phases: OBS, SCAN, BACK → EXEC, LLM, RISK → API): #1 OBS, #2 EXEC, #3 API are open;
 * #3 is pushed (blocked behind phases 1 and 2), #1 merges (the gate re-publishes the others: #2 turns
 * green), a workflow_dispatch sweep re-publishes everything, #2 merges (#3 turns green).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { example, ROOT, runAction, type ActionRun } from "../action/harness.js";
import { LocalGitHub, type FaultOptions, type LocalRepo } from "./local-github.js";

const CONTEXT = "PUCS / merge-gate";
const TOKEN = "ghs_action_faults";

interface World {
  gh: LocalGitHub;
  repo: LocalRepo;
  runs: ActionRun[];
  /** Runs that failed and were re-run. */
  reruns: number;
}

let worlds: World[] = [];
afterEach(async () => {
  await Promise.all(worlds.map((w) => w.gh.stop()));
  worlds = [];
});

async function world(): Promise<World> {
  const gh = await LocalGitHub.start({ hangMs: 40 });
  const repo = await gh.createRepo("octo-org/octo-repo", {
    files: {
      "config/pucs_streams.yaml": readFileSync(join(ROOT, "config", "pucs_streams.yaml"), "utf8"),
      "observability/metrics.py": "def collect():\n    return 1\n",
      "execution/fill_predictor.py": "def predict():\n    return 1\n",
      "api/routes.py": "def route():\n    return 1\n",
    },
  });
  gh.addToken(TOKEN, "github-actions[bot]");
  const w = { gh, repo, runs: [], reruns: 0 };
  worlds.push(w);
  return w;
}

function pullPayload(w: World, n: number, action: string): Record<string, unknown> {
  const payload = example("pull_request", action === "closed" ? "closed" : "opened");
  Object.assign(payload, { action, number: n, pull_request: w.repo.pullJson(w.repo.pull(n), w.gh.url), repository: w.repo.repoJson(w.gh.url) });
  return payload;
}

/** Runs the Action; a failed run is re-run (up to 8 runs in all), as a person re-runs a failed job. */
async function gate(w: World, event: string, payload: Record<string, unknown>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const r = await runAction({ apiUrl: w.gh.url, event, payload, inputs: { token: TOKEN }, env: { PUCS_RETRY_BASE_MS: "2" } });
    w.runs.push(r);
    if (r.code === 0) return;
    // A failed run says what failed and that it is GitHub's doing; it never crashes.
    expect(r.commands.filter((c) => c.command === "error").map((c) => c.message).join("\n")).toMatch(/GitHub|rate limit|re-run/i);
    expect(r.stderr).not.toMatch(/TypeError|ReferenceError|at .*\(.*\.js:\d+:\d+\)/);
    w.reruns++;
    if (attempt >= 8) throw new Error(`the Action failed 8 times on ${event}:\n${r.stdout}`);
  }
}

async function scenario(w: World): Promise<void> {
  const { repo } = w;
  await repo.createPull({ author: "obs-agent", title: "[PUCS-OBS] metric", head: "feature/stream-OBS", files: { "observability/metrics.py": "def collect():\n    return 2\n" } });
  await repo.createPull({ author: "exec-agent", title: "[PUCS-EXEC] model", head: "feature/stream-EXEC", files: { "execution/fill_predictor.py": "def predict():\n    return 2\n" } });
  await repo.createPull({ author: "api-agent", title: "[PUCS-API] routes", head: "feature/stream-API", files: { "api/routes.py": "def route():\n    return 2\n" } });
  for (const n of [1, 2, 3]) await gate(w, "pull_request", pullPayload(w, n, "opened"));
  await repo.pushHead(3, { "api/routes.py": "def route():\n    return 3\n" });
  await gate(w, "pull_request", pullPayload(w, 3, "synchronize"));
  await repo.mergePull(1);
  await gate(w, "pull_request", pullPayload(w, 1, "closed"));
  const dispatch = example("workflow_dispatch");
  Object.assign(dispatch, { ref: "refs/heads/main", repository: repo.repoJson(w.gh.url) });
  await gate(w, "workflow_dispatch", dispatch);
  await repo.mergePull(2);
  await gate(w, "pull_request", pullPayload(w, 2, "closed"));
}

/** The latest gate status on each PR's head (what branch protection reads), and every state ever published there. */
function statuses(w: World): Record<number, { latest: string; description: string; states: string[] }> {
  const out: Record<number, { latest: string; description: string; states: string[] }> = {};
  for (const p of w.repo.pulls.values()) {
    const all = w.repo.statusesOf(p.headSha, CONTEXT);
    const last = all.at(-1);
    out[p.number] = { latest: last?.state ?? "none", description: last?.description ?? "", states: [...new Set(all.map((s) => s.state))].sort() };
  }
  return out;
}

let reference: ReturnType<typeof statuses>;

describe("the merge-gate Action when GitHub fails", () => {
  it("reference: no faults — #3 waits behind the earlier phases until #1 and #2 merge, then turns green", { timeout: 120_000 }, async () => {
    const w = await world();
    await scenario(w);
    expect(w.reruns).toBe(0);
    expect(w.gh.problems()).toEqual([]);
    reference = statuses(w);
    expect(Object.fromEntries(Object.entries(reference).map(([n, s]) => [n, s.latest]))).toEqual({ 1: "success", 2: "success", 3: "success" });
    expect(reference[3]!.states).toContain("failure");
  });

  for (const seed of [4, 17]) {
    it(`20% faults (502, secondary rate limits, 429, timeouts), seed ${seed}: the same final gate, never a green the reference did not give`, { timeout: 180_000 }, async () => {
      expect(reference).toBeDefined();
      const w = await world();
      const opts: FaultOptions = { rate: 0.2, kinds: ["502", "secondary-rate-limit", "429", "timeout"], seed };
      w.gh.faults(opts);
      await scenario(w);
      w.gh.faults(null);
      const faults = w.gh.log.filter((e) => e.fault);
      if (process.env.PUCS_SHOW) console.log(`seed ${seed}: ${w.runs.length} runs (${w.reruns} re-runs), ${w.gh.log.length} requests, ${faults.length} faults`);
      expect(faults.length).toBeGreaterThanOrEqual(8);
      // Every fault was absorbed by the Action's own retries: no job failed, nobody had to re-run one.
      expect(w.reruns).toBe(0);
      expect(new Set(faults.map((e) => e.fault)).size).toBe(4);
      expect(w.gh.problems()).toEqual([]);
      const got = statuses(w);
      expect(Object.fromEntries(Object.entries(got).map(([n, s]) => [n, [s.latest, s.description]]))).toEqual(
        Object.fromEntries(Object.entries(reference).map(([n, s]) => [n, [s.latest, s.description]])),
      );
      for (const n of Object.keys(got)) expect(got[Number(n)]!.states.every((s) => reference[Number(n)]!.states.includes(s))).toBe(true);
    });
  }

  it("an outage past the retries (6 answers in a row fail, some after GitHub did the work): runs fail, their re-runs end in the same gate", { timeout: 180_000 }, async () => {
    expect(reference).toBeDefined();
    const w = await world();
    w.gh.faults({ rate: 1, kinds: ["502", "timeout"], match: /\/pulls$|\/statuses\//, limit: 12, seed: 3 });
    await scenario(w);
    w.gh.faults(null);
    if (process.env.PUCS_SHOW) console.log(`outage: ${w.runs.length} runs (${w.reruns} re-runs)`);
    expect(w.reruns).toBeGreaterThan(0);
    expect(w.gh.problems()).toEqual([]);
    const got = statuses(w);
    expect(Object.fromEntries(Object.entries(got).map(([n, s]) => [n, [s.latest, s.description]]))).toEqual(
      Object.fromEntries(Object.entries(reference).map(([n, s]) => [n, [s.latest, s.description]])),
    );
  });

  it("GitHub failing every status write: the run fails with a message saying so and to re-run, exit 1, and writes no green", { timeout: 60_000 }, async () => {
    const w = await world();
    await w.repo.createPull({ author: "obs-agent", title: "[PUCS-OBS] metric", head: "feature/stream-OBS", files: { "observability/metrics.py": "def collect():\n    return 2\n" } });
    w.gh.faults({ rate: 1, kinds: ["502"], match: /\/statuses\// });
    const r = await runAction({ apiUrl: w.gh.url, event: "pull_request", payload: pullPayload(w, 1, "opened"), inputs: { token: TOKEN }, env: { PUCS_RETRY_BASE_MS: "2" } });
    expect(r.code).toBe(1);
    expect(r.commands.filter((c) => c.command === "error").map((c) => c.message)).toEqual([expect.stringMatching(/^GitHub failed to .*\(502 Server Error\): re-run the job/)]);
    expect(w.repo.statusesOf(w.repo.pull(1).headSha, CONTEXT)).toEqual([]);
    expect(w.gh.log.filter((e) => e.method === "POST" && /\/statuses\//.test(e.path))).toHaveLength(5);
  });
});
