/**
 * §2 End to end: the App as a real process (`node dist/server.js`, Probot's default throttling on)
 * with a real private key and webhook secret, receiving signed webhooks over HTTP, against the local
 * GitHub (installation tokens required on every request); the merge gate is the real Action bundle.
 *
 * The seed's agent lifecycle (§6) for three agents in three streams and merge phases:
 *   obs-agent (OBS, phase 1), exec-agent (EXEC, phase 2), api-agent (API, phase 3).
 * intent + lock by comment → a conflicting push reported LOCKED → the blocked agent queues →
 * the holder pushes, merges → claims released in one commit, the queued agent told → it takes the
 * lock → the gate turns green phase by phase. And a badly signed webhook: 400, no request at all.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { REPORT_MARKER } from "../../src/engine/report.js";
import type { Ledger } from "../../src/engine/types.js";
import { example, ROOT, runAction } from "../action/harness.js";
import { AppProcess, appKeys, commentEvent, pullEvent, type Delivery } from "./app-process.js";
import { LocalGitHub, type LocalRepo } from "./local-github.js";
import { ledgerAt, ledgerHistory } from "./support.js";

const keys = appKeys();
/** observability/metrics.py with line 2 and line 9 as given (10 lines: far apart hunks merge cleanly). */
const metrics = (l2: string, l9: string) => ["def collect():", `    a = ${l2}`, "    b = 0", "    c = 0", "    d = 0", "    e = 0", "    f = 0", "    g = 0", `    h = ${l9}`, "    return a"].join("\n") + "\n";
let gh: LocalGitHub;
let repo: LocalRepo;
let app: AppProcess;

beforeAll(async () => {
  gh = await LocalGitHub.start({ app: { id: 4242, slug: "pucs", publicKey: keys.publicKey }, requireToken: true });
  repo = await gh.createRepo("octo-org/octo-repo", {
    files: {
      "config/pucs_streams.yaml": readFileSync(join(ROOT, "config", "pucs_streams.yaml"), "utf8"),
      "observability/metrics.py": metrics("1", "1"),
      "execution/fill_predictor.py": "def predict():\n    return 1\n",
      "api/routes.py": "def route():\n    return 1\n",
    },
    installationId: 77,
  });
  for (const a of ["obs-agent", "exec-agent", "api-agent"]) repo.setPermission(a, "write");
  app = await AppProcess.start(gh, { appId: 4242, privateKey: keys.privateKey });
}, 120_000);
afterAll(async () => {
  await app?.stop();
  await gh?.stop();
});

/** Wait until `check` holds (the App keeps working after Probot answers 202 at ~9 s). */
async function until<T>(what: string, check: () => T | Promise<T>, timeoutMs = 60_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}\napp stderr: ${app.stderr}\nlast requests:\n${gh.log.slice(-15).map((e) => `${e.method} ${e.path} ${e.status}`).join("\n")}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function deliver(d: Delivery): Promise<void> {
  const r = await app.send(d);
  expect([200, 202], r.body).toContain(r.status);
}

async function ledger(): Promise<Ledger> {
  return (await ledgerAt(repo.gitDir)) as Ledger;
}

const checkOf = (n: number) => [...repo.checkRuns.values()].filter((c) => c.headSha === repo.pull(n).headSha && c.status === "completed").at(-1);
const botComments = (n: number) => repo.commentsOn(n).filter((c) => c.user === gh.botLogin);
const reportsOn = (n: number) => botComments(n).filter((c) => c.body.includes(REPORT_MARKER));
const gateOf = (n: number) => repo.statusesOf(repo.pull(n).headSha, "PUCS / merge-gate").at(-1)?.state;

async function gate(n: number, action: string): Promise<void> {
  const payload = example("pull_request", action === "closed" ? "closed" : "opened");
  Object.assign(payload, { action, number: n, pull_request: repo.pullJson(repo.pull(n), gh.url), repository: repo.repoJson(gh.url) });
  gh.addToken("ghs_e2e_gate", "github-actions[bot]");
  const r = await runAction({ apiUrl: gh.url, event: "pull_request", payload, inputs: { token: "ghs_e2e_gate" } });
  expect(r.commands.filter((c) => c.command === "error"), r.stdout).toEqual([]);
}

test("three agents in three streams: intent, lock, conflict, queue, merge, release, notice, gate", { timeout: 240_000 }, async () => {
  const t0 = Date.now();
  // 1. obs-agent opens its PR: clean report.
  await repo.createPull({ author: "obs-agent", title: "[PUCS-OBS] latency metric", head: "feature/stream-OBS", files: { "observability/metrics.py": metrics("2", "1") } });
  await deliver(pullEvent(gh, repo, 1, "opened"));
  const c1 = await until("#1 checked", () => checkOf(1));
  expect([c1.name, c1.conclusion, c1.output.title]).toEqual(["PUCS / conflicts", "success", "No conflicts"]);

  // 2. intent + lock in one comment: one reply, one ledger commit with both.
  await deliver(commentEvent(gh, repo, 1, "obs-agent", "/pucs intent observability/metrics.py -- latency metric\n/pucs lock observability/metrics.py -- latency metric"));
  const reply = await until("reply on #1", () => botComments(1).find((c) => c.body.includes("pucs:reply")));
  expect(reply.body).toMatch(/intent on `observability\/metrics.py` recorded/);
  expect(reply.body).toMatch(/observability\/metrics.py/);
  let l = await until("lock recorded", async () => ((await ledger()).locks.length === 1 ? ledger() : null));
  expect(l.locks.map((k) => [k.path, k.agent, k.change])).toEqual([["observability/metrics.py", "obs-agent", "#1"]]);
  expect(l.intents.map((i) => [i.agent, i.change, i.files])).toEqual([["obs-agent", "#1", ["observability/metrics.py"]]]);

  // 3. exec-agent pushes a change to the locked file: LOCKED, report comment, pucs:conflict.
  await repo.createPull({ author: "exec-agent", title: "[PUCS-EXEC] fill model", head: "feature/stream-EXEC", files: { "execution/fill_predictor.py": "def predict():\n    return 2\n", "observability/metrics.py": metrics("1", "3") } });
  await deliver(pullEvent(gh, repo, 2, "opened"));
  const c2 = await until("#2 checked", () => checkOf(2));
  expect([c2.conclusion, c2.output.title]).toEqual(["failure", "Blocked: 1 locked, 2 overlap"]); // the lock, and #1's footprint and intent
  const report2 = await until("report on #2", () => reportsOn(2)[0]);
  expect(report2.body).toContain("observability/metrics.py");
  expect(report2.body).toMatch(/obs-agent/);
  await until("#2 labelled pucs:conflict", () => repo.pull(2).labels.includes("pucs:conflict"));

  // 4. exec-agent queues for the file.
  await deliver(commentEvent(gh, repo, 2, "exec-agent", "/pucs queue observability/metrics.py"));
  l = await until("queued", async () => ((await ledger()).queues.length === 1 ? ledger() : null));
  expect(l.queues).toEqual([{ path: "observability/metrics.py", waiters: [{ agent: "exec-agent", change: "#2", enqueuedAt: expect.any(String) }] }]);

  // 5. api-agent opens its PR on a file nobody touches.
  await repo.createPull({ author: "api-agent", title: "[PUCS-API] route", head: "feature/stream-API", files: { "api/routes.py": "def route():\n    return 2\n" } });
  await deliver(pullEvent(gh, repo, 3, "opened"));
  const c3 = await until("#3 checked", () => checkOf(3));
  expect(c3.conclusion).toBe("success");

  // Gate before any merge: only phase 1 (#1) may merge.
  await gate(1, "synchronize");
  expect(gateOf(1)).toBe("success");
  expect(gateOf(2)).not.toBe("success");
  expect(gateOf(3)).not.toBe("success");

  // 6. obs-agent pushes again: new report on the new head, footprint follows.
  const head = await repo.pushHead(1, { "observability/metrics.py": metrics("4", "1") });
  await deliver(pullEvent(gh, repo, 1, "synchronize"));
  await until("#1 re-checked", () => checkOf(1));
  await until("footprint follows the head", async () => (await ledger()).footprints.find((f) => f.change === "#1")?.headSha === head);

  // 7. merge #1: its claims go in one commit, exec-agent is told.
  await repo.mergePull(1);
  await deliver(pullEvent(gh, repo, 1, "closed"));
  const notice = await until("notice on #2", () => botComments(2).find((c) => c.body.includes("pucs:notice")));
  // The key line (an HTML comment, invisible on GitHub) lets a retried create find the notice instead of posting it twice.
  expect(notice.body).toMatch(/^<!-- pucs:notice -->\n<!-- pucs:notice-key [0-9a-f]{16} -->\n@exec-agent: `observability\/metrics\.py` is free now \(#1 was merged\), and this PR is next in line\. Take it with `\/pucs lock observability\/metrics\.py`\.$/);
  l = await ledger();
  expect([l.locks, l.intents, l.footprints.map((f) => f.change).sort()]).toEqual([[], [], ["#2", "#3"]]);

  // 8. exec-agent takes the lock it waited for.
  await deliver(commentEvent(gh, repo, 2, "exec-agent", "/pucs lock observability/metrics.py"));
  l = await until("exec-agent holds the lock", async () => ((await ledger()).locks.length === 1 ? ledger() : null));
  expect([l.locks.map((k) => [k.path, k.agent, k.change]), l.queues]).toEqual([[["observability/metrics.py", "exec-agent", "#2"]], []]);

  // 9. The gate turns green phase by phase.
  await gate(1, "closed");
  expect(gateOf(2)).toBe("success");
  expect(gateOf(3)).not.toBe("success");
  await repo.mergePull(2);
  await deliver(pullEvent(gh, repo, 2, "closed"));
  await until("#2 released", async () => (await ledger()).locks.length === 0);
  await gate(2, "closed");
  expect(gateOf(3)).toBe("success");

  // One report comment per PR at most, every request one GitHub would accept, a linear audit trail.
  for (const n of [1, 2, 3]) expect(reportsOn(n).length, `report comments on #${n}`).toBeLessThanOrEqual(1);
  expect(reportsOn(2).length).toBe(1);
  expect(gh.problems()).toEqual([]);
  const history = await ledgerHistory(repo.gitDir);
  history.forEach((v, i) => expect(v.parents).toEqual(i === 0 ? [] : [history[i - 1]!.sha]));
  console.log(`lifecycle: ${history.length} ledger commits, ${gh.reads} reads, ${gh.writes} writes, ${((Date.now() - t0) / 1000).toFixed(1)} s with Probot's throttling`);
  console.log(history.map((v) => v.message.split("\n")[0]).join("\n"));
});

test("a badly signed webhook is refused with 400 and causes no request to GitHub", async () => {
  await new Promise((r) => setTimeout(r, 1500));
  const before = gh.log.length;
  const pr = await repo.createPull({ author: "mallory", files: { "api/routes.py": "evil\n" } });
  const forged = pullEvent(gh, repo, pr.number, "opened");
  const r = await app.send(forged, { secret: "not-the-secret" });
  expect(r.status).toBe(400);
  const unsigned = await fetch(app.webhookUrl, { method: "POST", body: JSON.stringify(forged.payload), headers: { "content-type": "application/json", "x-github-event": "pull_request", "x-github-delivery": "x" } });
  expect(unsigned.status).toBe(400);
  await new Promise((r) => setTimeout(r, 500));
  expect(gh.log.slice(before)).toEqual([]);
});
