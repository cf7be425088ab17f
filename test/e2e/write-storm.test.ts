/**
 * Issue 14's write storm, end to end against the local GitHub with Probot's throttling on (its write
 * spacing taken out, as in app-reliability.test.ts, so the run takes seconds): 30 open PRs over six
 * streams, five files each, five streams over `max_agents`, opened in one burst; then ONE push that
 * moves #1's files from EXEC (over capacity) to LLM (at capacity): EXEC's four others become clear,
 * LLM's five others become blocked.
 *
 * Before the fix the burst left up to 27 copies of one report comment on a PR and added the same label
 * dozens of times (every event of a coalesced ledger batch refreshed the same PRs at once, and a
 * refresh raced the PR's own event past the comment look-up), and the push cost 101 writes.
 * (The timeout catches hangs: 31 events and ~450 requests, many of them git processes in the local
 * GitHub, took 98 s on a shared 2-core machine at a load average of about 20.)
 * Asserted here: one report comment per PR, never a label added to a PR that has it, every report
 * right at the end, and the writes the push caused beyond its own report and ledger commit.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import Bottleneck from "bottleneck";
import { Octokit } from "@octokit/core";
import { Probot } from "probot";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app/index.js";
import { drainsIdle, type Drain } from "../../src/app/core.js";
import { PucsOctokit } from "../../src/app/octokit.js";
import { REPORT_MARKER } from "../../src/engine/report.js";
import type { Ledger } from "../../src/engine/types.js";
import type { GitHubClient } from "../../src/github/client.js";
import { GitHubRefStore } from "../../src/github/ledger-store.js";
import { ROOT } from "../action/harness.js";
import { appKeys, pullEvent, type Delivery } from "./app-process.js";
import { nodeId } from "./graphql.js";
import { LocalGitHub, type LocalRepo, type LogEntry } from "./local-github.js";

const keys = appKeys();
const CONFIG = readFileSync(join(ROOT, "config", "pucs_streams.yaml"), "utf8");
/** One directory per stream: EXEC (max 4), LLM (5), SCAN (3), BACK (3), OBS (3), API (3). */
const DIRS = ["execution", "llm", "scanners", "backtesting", "observability", "api"];

beforeAll(() => {
  vi.stubEnv("PUCS_RETRY_BASE_MS", "5");
  vi.stubEnv("PUCS_REFRESH_DRAIN_MS", "20");
});
afterAll(() => vi.unstubAllEnvs());

interface World {
  gh: LocalGitHub;
  repo: LocalRepo;
  probot: Probot;
  drains: Map<string, Drain>;
  store: GitHubRefStore;
}

let worlds: World[] = [];
afterEach(async () => {
  for (const w of worlds) await drainsIdle(w.drains);
  await Promise.all(worlds.map((w) => w.gh.stop()));
  worlds = [];
});

async function world(): Promise<World> {
  const gh = await LocalGitHub.start({ app: { id: 4242, slug: "pucs", publicKey: keys.publicKey }, requireToken: true });
  const repo = await gh.createRepo("octo-org/octo-repo", { files: { "config/pucs_streams.yaml": CONFIG }, installationId: 77 });
  const quick = () => new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 });
  const Oct = PucsOctokit.defaults((o: Record<string, unknown>) => ({ ...o, throttle: { ...(o.throttle as object), write: quick(), notifications: quick() } }));
  const probot = new Probot({ appId: 4242, privateKey: keys.privateKey, secret: "s", baseUrl: gh.gheUrl, Octokit: Oct, logLevel: "fatal" });
  const drains = new Map<string, Drain>();
  await probot.load(createApp({ drains }));
  gh.addToken("e2e-reader", "octo-org");
  const store = new GitHubRefStore(new Octokit({ baseUrl: gh.url, auth: "e2e-reader" }) as unknown as GitHubClient, { owner: "octo-org", repo: "octo-repo" });
  const w = { gh, repo, probot, drains, store };
  worlds.push(w);
  return w;
}

async function deliver(w: World, d: Delivery): Promise<void> {
  await w.probot.receive({ id: randomUUID(), name: d.event, payload: structuredClone(d.payload) } as Parameters<Probot["receive"]>[0]);
}

/** Every delivery handled and every background refresh done. */
async function quiet(w: World, deliveries: Promise<void>[]): Promise<void> {
  await Promise.all(deliveries);
  await drainsIdle(w.drains);
}

/** 30 PRs, PR i in stream i % 6 with five files of its own. */
async function openThirty(w: World): Promise<void> {
  for (let i = 0; i < 30; i++) {
    const dir = DIRS[i % 6]!;
    const files: Record<string, string> = {};
    for (let k = 0; k < 5; k++) files[`${dir}/p${i}_${k}.py`] = `x = ${i}\n`;
    await w.repo.createPull({ author: `agent${i}`, files });
  }
}

/** The PR a request is about (a comment edit: the comment's PR). */
let prOf = (e: LogEntry): number | null => {
  const m = /\/issues\/(\d+)\//.exec(e.path);
  return m ? Number(m[1]) : null;
};
function prOfIn(w: World): (e: LogEntry) => number | null {
  return (e) => {
    // A GraphQL write (a report's comment and labels): the PR all its mutations were on.
    if (e.mutations && e.mutations.length > 0) {
      const prs = new Set(e.mutations.map((m) => m.issue));
      return prs.size === 1 ? [...prs][0]! : null;
    }
    const c = /\/issues\/comments\/(\d+)$/.exec(e.path);
    if (c) return w.repo.comments.get(Number(c[1]))?.issue ?? null;
    const m = /\/issues\/(\d+)\//.exec(e.path);
    return m ? Number(m[1]) : null;
  };
}

/** Label adds of a label the PR already had (the log's adds and removes, in order, from `had`). */
function duplicateLabelAdds(log: LogEntry[], had: Map<number, Set<string>>): string[] {
  const dups: string[] = [];
  const state = new Map([...had].map(([n, s]) => [n, new Set(s)]));
  for (const e of log) {
    const n = prOf(e);
    if (n === null || e.status >= 300) continue;
    const labels = state.get(n) ?? new Set<string>();
    state.set(n, labels);
    if (e.operationId === "issues/add-labels") {
      for (const name of ((e.body as { labels?: string[] }).labels ?? [])) {
        if (labels.has(name)) dups.push(`#${n} ${name}`);
        labels.add(name);
      }
    } else if (e.operationId === "issues/remove-label") {
      labels.delete(decodeURIComponent(e.path.split("/").at(-1)!));
    } else if (e.mutations) {
      // GraphQL's addLabelsToLabelable / removeLabelsFromLabelable ($a / $r), labels by node id.
      const v = (e.body as { variables?: { a?: { labelIds: string[] }; r?: { labelIds: string[] } } }).variables ?? {};
      for (const name of (v.r?.labelIds ?? []).map(labelName)) labels.delete(name);
      for (const name of (v.a?.labelIds ?? []).map(labelName)) {
        if (labels.has(name)) dups.push(`#${n} ${name}`);
        labels.add(name);
      }
    }
  }
  return dups;
}

/** A label's name from its node id (the local GitHub's labels). */
let labelName = (id: string): string => id;

function reportComments(w: World): Map<number, number> {
  const out = new Map<number, number>();
  for (const n of w.repo.pulls.keys()) out.set(n, w.repo.commentsOn(n).filter((c) => c.user === w.gh.botLogin && c.body.includes(REPORT_MARKER)).length);
  return out;
}

/** The latest PUCS check run of each PR's head: "success" / "failure" / … */
function conclusions(w: World): Map<number, string | null> {
  const out = new Map<number, string | null>();
  for (const [n, p] of w.repo.pulls) {
    const run = [...w.repo.checkRuns.values()].filter((c) => c.headSha === p.headSha && c.name === "PUCS / conflicts").at(-1);
    out.set(n, run?.conclusion ?? null);
  }
  return out;
}

const labelsNow = (w: World) => new Map([...w.repo.pulls].map(([n, p]) => [n, new Set(p.labels)]));

describe("issue 14: no write storm (30 open PRs, six streams, one push moving a PR between streams)", () => {
  it("a burst of 30 openings, then one push: one report comment per PR, no label added twice, every report right, the push's writes bounded", { timeout: 300_000 }, async () => {
    const w = await world();
    prOf = prOfIn(w);
    labelName = (id) => [...w.repo.labels.values()].find((l) => nodeId.label(l.id) === id)?.name ?? id;
    await openThirty(w);
    const labelsBefore = labelsNow(w);
    await quiet(w, [...w.repo.pulls.keys()].map((n) => deliver(w, pullEvent(w.gh, w.repo, n, "opened"))));
    expect(w.gh.problems()).toEqual([]);

    // After the burst: every stream but LLM (5 PRs, max 5) is over capacity: 25 PRs blocked, each
    // with ONE report comment and the conflict label; LLM's five clear, with neither.
    const after1 = conclusions(w);
    const blocked = [...after1].filter(([, c]) => c === "failure").map(([n]) => n);
    expect(blocked.sort((a, b) => a - b)).toEqual([...w.repo.pulls.keys()].filter((n) => (n - 1) % 6 !== 1).sort((a, b) => a - b));
    expect([...after1].filter(([n]) => (n - 1) % 6 === 1).map(([, c]) => c)).toEqual(["success", "success", "success", "success", "success"]);
    const comments1 = reportComments(w);
    for (const n of blocked) expect(comments1.get(n), `report comments on #${n}`).toBe(1);
    expect(Math.max(...comments1.values())).toBe(1);
    expect(duplicateLabelAdds(w.gh.log, labelsBefore)).toEqual([]);
    for (const n of blocked) expect(w.repo.pull(n).labels, `#${n}`).toContain("pucs:conflict");
    const burstWrites = w.gh.writes;

    // ONE push: #1's files move from execution/ (EXEC) to llm/ (LLM).
    const moves: Record<string, string | null> = {};
    for (let k = 0; k < 5; k++) {
      moves[`execution/p0_${k}.py`] = null;
      moves[`llm/p0_${k}.py`] = "y = 1\n";
    }
    await w.repo.pushHead(1, moves);
    const labelsAtPush = labelsNow(w);
    w.gh.clearLog();
    await quiet(w, [deliver(w, pullEvent(w.gh, w.repo, 1, "synchronize"))]);
    expect(w.gh.problems()).toEqual([]);

    const after2 = conclusions(w);
    const changed = [...after2].filter(([n, c]) => n !== 1 && c !== after1.get(n)).map(([n]) => n);
    const exec = [7, 13, 19, 25];
    const llm = [2, 8, 14, 20, 26];
    expect(changed.sort((a, b) => a - b)).toEqual([...exec, ...llm].sort((a, b) => a - b));
    for (const n of exec) expect([n, after2.get(n), w.repo.pull(n).labels.includes("pucs:conflict")]).toEqual([n, "success", false]);
    for (const n of llm) expect([n, after2.get(n), w.repo.pull(n).labels.includes("pucs:conflict")]).toEqual([n, "failure", true]);
    expect(after2.get(1)).toBe("failure");
    // Still one report comment per PR (EXEC's were edited to "resolved", not doubled).
    const comments2 = reportComments(w);
    expect(Math.max(...comments2.values())).toBe(1);
    for (const n of exec) expect(w.repo.commentsOn(n).find((c) => c.body.includes(REPORT_MARKER))!.body).toContain("PUCS: ✅ resolved");
    expect(duplicateLabelAdds(w.gh.log, labelsAtPush)).toEqual([]);
    // Every refresh is recorded: no footprint is left marked stale with a report not shown... the
    // marks are cleared by the next commit; what matters is that the ledger lost no footprint.
    const ledger: Ledger = (await w.store.read()).ledger;
    expect(ledger.footprints.map((f) => f.change).sort()).toEqual([...w.repo.pulls.keys()].map((n) => `#${n}`).sort());

    // Writes the push caused beyond its own report (#1's check run, comment, labels) and its ledger commit.
    const writes = w.gh.log.filter((e) => e.kind === "write");
    const own = writes.filter((e) => prOf(e) === 1 || (e.operationId === "checks/create" && (e.body as { head_sha?: string }).head_sha === w.repo.pull(1).headSha));
    const ledgerCommits = writes.filter((e) => e.operationId === "git/create-commit").length;
    const beyond = writes.length - own.length - 3;
    const perPr = new Map<string, number>();
    for (const e of writes) perPr.set(e.operationId ?? e.path, (perPr.get(e.operationId ?? e.path) ?? 0) + 1);
    if (process.env.PUCS_SHOW) console.log(`burst: ${burstWrites} writes for 30 events; push: ${writes.length} writes (${own.length} own, ${ledgerCommits} ledger commits), ${beyond} beyond, ${changed.length} verdicts changed`, Object.fromEntries(perPr));
    expect(ledgerCommits).toBe(1);
    // Each PR whose verdict changed: its check run, then its comment (edited, or created when it had
    // none) and its conflict label in ONE GraphQL request — two writes, no more.
    const fields = (e: LogEntry) => (e.mutations ?? []).map((m) => m.field).join("+");
    const others = writes.filter((e) => prOf(e) !== 1);
    expect(writes.filter((e) => e.operationId === "checks/update").length).toBe(changed.length);
    expect(others.filter((e) => fields(e) === "addComment+addLabelsToLabelable").map(prOf).sort((a, b) => a! - b!)).toEqual(llm);
    expect(others.filter((e) => fields(e) === "updateIssueComment+removeLabelsFromLabelable").map(prOf).sort((a, b) => a! - b!)).toEqual(exec);
    expect(others.filter((e) => /^issues\//.test(e.operationId ?? ""))).toEqual([]);
    expect(beyond).toBeLessThanOrEqual(2 * changed.length);
  });
});
