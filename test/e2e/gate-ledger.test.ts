/**
 * The merge gate at scale (issue 14): with the App installed, the gate reads the other PRs from the
 * ledger's gate entries instead of listing every open PR, and reaches the same verdicts and statuses.
 *
 * The App (Probot in process, as deployed) records each PR on the local GitHub; the gate then runs in
 * process (src/action/gate-run.ts over Octokit and HTTP) twice on the same state: once on the ledger
 * as the App keeps it (gate entries), and once on the same ledger without them (as a tree written
 * before they existed: the gate then lists the PRs, as without the App). Both must publish the same
 * statuses; the first without listing a PR.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { getOctokit } from "@actions/github";
import Bottleneck from "bottleneck";
import { Probot } from "probot";
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { createApp } from "../../src/app/index.js";
import { drainsIdle, type Drain } from "../../src/app/core.js";
import { PucsOctokit } from "../../src/app/octokit.js";
import { gateRun } from "../../src/action/gate-run.js";
import { gateLedger } from "../../src/action/ledger.js";
import { GATE_CONTEXT, GateGateway, countingClient, type RequestClient } from "../../src/github/gate.js";
import { LocalGitHub, type LocalRepo } from "./local-github.js";
import { example } from "../action/harness.js";
import { appKeys, pullEvent } from "./app-process.js";

const ROOT = join(import.meta.dirname, "..", "..");
const RUN = "https://github.com/octo-org/octo-repo/actions/runs/7";
let gh: LocalGitHub;
let repo: LocalRepo;
let probot: Probot;
const drains = new Map<string, Drain>();

beforeAll(async () => {
  vi.stubEnv("PUCS_REFRESH_DRAIN_MS", "20");
  const keys = appKeys();
  gh = await LocalGitHub.start({ app: { id: 4242, slug: "pucs", publicKey: keys.publicKey } });
  // Probot's write throttle spaces writes 1 s apart; this test is about the gate, not the App's pace.
  const quick = () => new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 });
  const Oct = PucsOctokit.defaults((o: Record<string, unknown>) => ({ ...o, throttle: { ...(o.throttle as object), write: quick(), notifications: quick() } }));
  probot = new Probot({ appId: 4242, privateKey: keys.privateKey, secret: "s", baseUrl: gh.gheUrl, Octokit: Oct, logLevel: "fatal" });
  await probot.load(createApp({ drains }));
  repo = await gh.createRepo("octo-org/octo-repo", {
    installationId: 77,
    files: {
      "config/pucs_streams.yaml": readFileSync(join(ROOT, "config", "pucs_streams.yaml"), "utf8"),
      "observability/metrics.py": "def collect():\n    return 1\n",
      "execution/fill.py": "def fill():\n    return 1\n",
      "api/routes.py": "def route():\n    return 1\n",
      "api/handlers.py": "def handle():\n    return 1\n",
    },
  });
});
afterAll(async () => {
  await drainsIdle(drains);
  await gh.stop();
  vi.unstubAllEnvs();
});

function payloadOf(number: number, action: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const p = repo.pull(number);
  const payload = example("pull_request", "opened");
  const pr = payload.pull_request as Record<string, unknown>;
  Object.assign(pr, repo.pullJson(p, gh.url));
  Object.assign(payload, { action, number, ...extra });
  const r = payload.repository as Record<string, unknown>;
  Object.assign(r, { name: "octo-repo", full_name: "octo-org/octo-repo", default_branch: "main", owner: { ...(r.owner as object), login: "octo-org" } });
  return payload;
}

/** The App on one event, and its background refreshes. */
async function app(number: number, action: string, extra: Record<string, unknown> = {}): Promise<void> {
  const d = pullEvent(gh, repo, number, action, extra);
  await probot.receive({ id: randomUUID(), name: d.event, payload: d.payload } as Parameters<Probot["receive"]>[0]);
  await drainsIdle(drains);
}

/** The gate in process, as the Action runs it. */
async function gateOn(number: number, action: string, extra: Record<string, unknown> = {}) {
  return gateRunOn("pull_request", payloadOf(number, action, extra));
}

async function gateRunOn(eventName: string, payload: Record<string, unknown>) {
  const counted = countingClient(getOctokit("ghs_test", { baseUrl: gh.url }) as unknown as RequestClient);
  const gw = new GateGateway(counted.client, { owner: "octo-org", repo: "octo-repo" });
  const before = gh.log.length;
  const outcome = await gateRun(
    { eventName, payload, mode: "gate", commitProtocol: "off", configPath: null, targetUrl: RUN },
    { gw, ledger: gateLedger(gw), now: Date.now(), calls: counted.calls },
  );
  const requests = gh.log.slice(before).map((e) => `${e.method} ${e.path.replace(/^\/repos\/octo-org\/octo-repo/, "")}`);
  return { outcome, calls: { ...counted.calls }, requests };
}

/** Runs `fn` with refs/pucs/ledger at a commit of the same ledger without its gate entries and marker. */
async function withoutGateEntries<T>(fn: () => Promise<T>): Promise<T> {
  const git = repo.git;
  const head = (await git.refSha("refs/pucs/ledger"))!;
  const listing = (await git.ok(["ls-tree", `${head}^{tree}`])).split("\n").filter((l) => l !== "" && !l.endsWith("\tgates"));
  const tree = (await git.ok(["mktree"], { input: `${listing.join("\n")}\n` })).trim();
  const who = { GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com" };
  const commit = (await git.ok(["commit-tree", tree, "-p", head, "-m", "a ledger from before gate entries"], { env: who })).trim();
  expect(await git.updateRef("refs/pucs/ledger", commit, head)).toBe(true);
  try {
    return await fn();
  } finally {
    expect(await git.updateRef("refs/pucs/ledger", head, commit)).toBe(true);
  }
}

/** The gate statuses posted since `from` (sha → state and description). */
function posted(from: number): string[] {
  return repo.statuses
    .slice(from)
    .filter((s) => s.context === GATE_CONTEXT)
    .map((s) => `${[...repo.pulls.values()].find((p) => p.headSha === s.sha)?.number ?? s.sha}: ${s.state} ${s.description}`);
}

test("with the App's ledger a pull_request gate run lists no PR, reads 3 times, and publishes what the listing gate publishes", async () => {
  const obs = await repo.createPull({ author: "alice", title: "[PUCS-OBS] feat: metric", files: { "observability/metrics.py": "def collect():\n    return 2\n" } });
  const exec = await repo.createPull({ author: "bob", title: "[PUCS-EXEC] feat: fill", files: { "execution/fill.py": "def fill():\n    return 2\n" } });
  const api = await repo.createPull({ author: "carol", title: "feat: routes", files: { "api/routes.py": "def route():\n    return 2\n" } });
  const draft = await repo.createPull({ author: "dan", title: "[PUCS-OBS] wip", draft: true, files: { "observability/metrics.py": "def collect():\n    return 3\n" } });
  for (const p of [obs, exec, api, draft]) await app(p.number, "opened");
  expect(gh.problems()).toEqual([]);

  // Opened, in order: each gated against the ones before it (and the later ones re-published).
  for (const p of [obs, exec, api, draft]) await gateOn(p.number, "opened");
  const statusOf = (n: number) => repo.statusesOf(repo.pull(n).headSha, GATE_CONTEXT).at(-1)!;
  expect(statusOf(exec.number).state).toBe("failure"); // EXEC (phase 2) waits for the OBS PR
  expect(statusOf(api.number).description).toContain(`#${obs.number}`);
  expect(statusOf(obs.number).state).toBe("success");

  // The OBS PR moves to API files: EXEC is free, API is no longer waiting for it.
  const beforeSha = repo.pull(obs.number).headSha;
  await repo.pushHead(obs.number, { "observability/metrics.py": "def collect():\n    return 1\n", "api/handlers.py": "def handle():\n    return 2\n" });
  await app(obs.number, "synchronize", { before: beforeSha, after: repo.pull(obs.number).headSha });

  const mark = repo.statuses.length;
  const fromLedger = await gateOn(obs.number, "synchronize", { before: beforeSha, after: repo.pull(obs.number).headSha });
  const byLedger = posted(mark);
  // What was read: the ledger ref, one GraphQL query (the ledger's small collections and gate entries,
  // the config, the PR's files and commits, both statuses), one for the re-published PRs' heads and
  // statuses. Then the statuses that changed.
  expect(fromLedger.requests.filter((r) => !r.startsWith("POST /statuses"))).toEqual(["GET /git/ref/pucs/ledger", "POST /graphql", "POST /graphql"]);
  expect(fromLedger.calls).toEqual({ reads: 3, writes: 3 });
  expect(fromLedger.requests.some((r) => r.startsWith("GET /pulls"))).toBe(false);
  expect(byLedger.sort()).toEqual(
    [
      `${exec.number}: success ${statusOf(exec.number).description}`, // no longer waits
      `${obs.number}: failure ${statusOf(obs.number).description}`, // now an API change
      `${api.number}: failure ${statusOf(api.number).description}`, // waits for EXEC only
    ].sort(),
  );
  expect(statusOf(exec.number).description).toBe("Ready: phase 2 (EXEC), nothing earlier is open");
  expect(statusOf(obs.number).description).toContain(`#${exec.number}`); // now an API change: waits for EXEC
  expect(statusOf(api.number).description).not.toContain(`#${obs.number}`);

  // The same event through the listing gate, from the statuses as they were: the same statuses.
  const after = repo.statuses.splice(mark);
  const listing = await withoutGateEntries(() => gateOn(obs.number, "synchronize", { before: beforeSha, after: repo.pull(obs.number).headSha }));
  expect(listing.requests.filter((r) => r.startsWith("GET /pulls"))).toEqual(["GET /pulls"]); // every open PR, listed
  expect(listing.requests.filter((r) => r === "POST /graphql")).toHaveLength(2); // as above, then the whole ledger
  expect(posted(mark).sort()).toEqual(byLedger.sort());
  expect(listing.outcome.outputs).toStrictEqual(fromLedger.outcome.outputs);
  expect(repo.statuses.slice(mark).map((s) => [s.sha, s.state, s.description])).toEqual(after.map((s) => [s.sha, s.state, s.description]));
  expect(fromLedger.calls.reads).toBeLessThan(listing.calls.reads);
  expect(gh.problems()).toEqual([]);

  // A merge queue: each PR queued alone is gated against the open PRs outside its group. From the gate
  // entries: the ref, the group's commits, one query (with the queued PR's footprint); no PR listed.
  for (const [pr, state, description] of [
    [exec, "success", `Queue group #${exec.number}: every PR passes the phase order`],
    [api, "failure", `#${api.number} blocked by #${exec.number} (EXEC, phase 2)`],
  ] as const) {
    const base = (await repo.git.refSha("refs/heads/main"))!;
    const branch = `gh-readonly-queue/main/pr-${pr.number}-${repo.pull(pr.number).headSha}`;
    const groupHead = await repo.commit(branch, { [`queue/${pr.number}.txt`]: "queued\n" }, `Merge pull request #${pr.number} from octo-org/topic`);
    const event = example("merge_group", "checks_requested");
    Object.assign(event, { merge_group: { head_sha: groupHead, head_ref: `refs/heads/${branch}`, base_sha: base, base_ref: "refs/heads/main", head_commit: { id: groupHead } } });
    const queued = await gateRunOn("merge_group", event);
    expect(queued.requests).toEqual(["GET /git/ref/pucs/ledger", `GET /compare/${base}...${groupHead}`, "POST /graphql", `POST /statuses/${groupHead}`]);
    const got = repo.statusesOf(groupHead, GATE_CONTEXT).at(-1)!;
    expect([got.state, got.description]).toEqual([state, description]);
    const listed = await withoutGateEntries(() => gateRunOn("merge_group", event));
    expect(listed.requests).toContain("GET /pulls");
    expect(listed.outcome.outputs).toStrictEqual(queued.outcome.outputs);
    const again = repo.statusesOf(groupHead, GATE_CONTEXT).at(-1)!;
    expect([again.state, again.description]).toEqual([state, description]);
  }

  // A PR the App never recorded (opened before it was installed, or its event not handled yet): the
  // ledger lists one open PR fewer than GitHub, so the gate lists the PRs and that PR still blocks.
  const unseen = await repo.createPull({ author: "erin", title: "[PUCS-SCAN] feat: a scanner", files: { "scanners/momentum.py": "def scan():\n    return 1\n" } });
  const careful = await gateOn(api.number, "edited");
  expect(careful.requests.filter((r) => r === "GET /pulls")).toEqual(["GET /pulls"]);
  expect(careful.outcome.report.notes).toContain("The ledger lists 4 open pull requests and GitHub 5: the gate listed them (a PR the App has not recorded yet must not be missed).");
  expect(statusOf(api.number).description).toContain(`#${unseen.number}`);
  // Once the App records it, the ledger serves again.
  await app(unseen.number, "opened");
  const served = await gateOn(api.number, "edited");
  expect(served.requests.filter((r) => r.startsWith("GET /pulls"))).toEqual([]);
  expect(served.outcome.outputs).toStrictEqual(careful.outcome.outputs);

  // A repair sweep (workflow_dispatch) from the ledger: the ref, one query, the heads and statuses of
  // every open PR in one more; it posts what is stale. The listing sweep after it finds nothing to post.
  const before = repo.statuses.length;
  const sweep = await gateRunOn("workflow_dispatch", { repository: { default_branch: "main" } });
  expect(sweep.requests.filter((r) => !r.startsWith("POST /statuses"))).toEqual(["GET /git/ref/pucs/ledger", "POST /graphql", "POST /graphql"]);
  // The unrecorded PR was never gated, and no gate run told the PRs of later phases that it blocks them.
  expect(sweep.outcome.report.republished.map((r) => r.change)).toEqual([`#${obs.number}`, `#${exec.number}`, `#${unseen.number}`]);
  expect(statusOf(exec.number).description).toContain(`#${unseen.number}`);
  expect(repo.statuses.length).toBe(before + 3);
  const listedSweep = await withoutGateEntries(() => gateRunOn("workflow_dispatch", { repository: { default_branch: "main" } }));
  expect(listedSweep.requests).toContain("GET /pulls");
  expect(listedSweep.outcome.report.republished).toEqual([]);
  expect(repo.statuses.length).toBe(before + 3);
  expect(gh.problems()).toEqual([]);
}, 60_000);
