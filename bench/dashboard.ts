/**
 * The dashboard issue's write budget: a burst of 50 PR events at once through the App in Probot
 * with its default throttling on (writes ≥ 1 s apart) and the dashboard's real timings (refresh once
 * the repository is quiet for 5 s, or 60 s after the first ask; at most once a minute). GitHub is
 * answered in process (test/app/fake.ts's model, plus issues and the ledger's history here).
 * Figure: dashboard writes (issue created or edited) per event; target ≤ 0.05.
 */
import nock from "nock";
import { Probot } from "probot";
import { createApp } from "../src/app/index.js";
import type { Dashboards } from "../src/app/dashboard.js";
import { PucsOctokit } from "../src/app/octokit.js";
import { FakeGitHub, OWNER, REPO, CONFIG, patch, pullPayload } from "../test/app/fake.js";

const BASE = `/repos/${OWNER}/${REPO}`;

interface Issue {
  number: number;
  title: string;
  body: string;
  labels: string[];
  state: string;
}

/** GitHub in process: the App's model, with the dashboard's issue routes and the ledger's history in front. */
function withIssues(gh: FakeGitHub): { fetch: typeof fetch; issues: Issue[]; writes: () => number } {
  const issues: Issue[] = [];
  let writes = 0;
  let next = 1000;
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  const fetchFn = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    const method = (init?.method ?? "GET").toUpperCase();
    const body = typeof init?.body === "string" && init.body ? JSON.parse(init.body) : null;
    const path = url.pathname;
    const issue = (i: Issue) => ({ number: i.number, title: i.title, body: i.body, state: i.state, labels: i.labels.map((name) => ({ name })) });
    if (method === "GET" && path === `${BASE}/issues`) {
      const label = url.searchParams.get("labels");
      return json(200, issues.filter((i) => !label || i.labels.includes(label)).map(issue));
    }
    if (method === "GET" && path === "/search/issues") return json(200, { total_count: 0, items: [] });
    if (method === "POST" && path === `${BASE}/issues`) {
      writes++;
      const i = { number: next++, title: body.title, body: body.body, labels: body.labels ?? [], state: "open" };
      issues.push(i);
      return json(201, issue(i));
    }
    const m = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)$/.exec(path);
    if (m && Number(m[1]) >= 1000 && method === "PATCH") {
      writes++;
      const i = issues.find((x) => x.number === Number(m[1]))!;
      Object.assign(i, body);
      return json(200, issue(i));
    }
    if (method === "POST" && path === "/graphql" && String(body?.query).includes("history(first")) {
      const nodes: unknown[] = [];
      for (let sha = gh.ledgerRef; sha && nodes.length < body.variables.n; sha = gh.commits.get(sha)?.parents[0] ?? null) {
        nodes.push({ message: gh.commits.get(sha)!.message, committedDate: new Date().toISOString() });
      }
      return json(200, { data: { repository: { ref: gh.ledgerRef ? { target: { history: { nodes } } } : null } } });
    }
    return gh.fetch(input, init);
  }) as typeof fetch;
  return { fetch: fetchFn, issues, writes: () => writes };
}

export async function dashboardBurst(N = 50): Promise<{ events: number; writes: number; perEvent: number; seconds: number; shown: number; refreshes: number }> {
  const gh = new FakeGitHub();
  nock.cleanAll(); // its nock routes are not used: Octokit is handed the fetch below
  gh.defaultFiles.set("config/pucs_streams.yaml", `${CONFIG}dashboard: {}\n`);
  const model = withIssues(gh);
  // Probot's default throttling stays on: writes are spaced as on GitHub.
  const Oct = PucsOctokit.defaults((o: Record<string, unknown>) => ({ ...o, request: { ...(o.request as object), fetch: model.fetch } }));
  const probot = new Probot({ githubToken: "bench", Octokit: Oct, logLevel: "fatal" });
  let dash: Dashboards | null = null;
  await probot.load(createApp({ knownLabels: new Set([`${OWNER}/${REPO}:*`]), dashboard: { expose: (d) => (dash = d) } }));
  for (let n = 1; n <= N; n++) gh.prFiles.set(n, [{ filename: `execution/f${n}.py`, patch: patch(1, 2) }]);
  let ids = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: N }, (_, i) => {
      const payload = pullPayload(i + 1, { files: [] });
      gh.pulls.set(i + 1, payload.pull_request);
      return probot.receive({ id: `b-${++ids}`, name: "pull_request", payload } as never);
    }),
  );
  // Until the dashboard has caught up: no refresh scheduled or running.
  while (dash!.busy()) await new Promise((r) => setTimeout(r, 200));
  const seconds = (performance.now() - t0) / 1000;
  const body = model.issues[0]?.body ?? "";
  const shown = Number(/\*\*(\d+)\*\* open PRs?/.exec(body)?.[1] ?? 0);
  return { events: N, writes: model.writes(), perEvent: model.writes() / N, seconds, shown, refreshes: dash!.stats.refreshes };
}

export async function benchDashboard(): Promise<{ lines: string[] }> {
  const r = await dashboardBurst(50);
  return {
    lines: [
      "## Dashboard issue (App in Probot, default throttling on, GitHub answered in process)",
      "",
      `  burst of ${r.events} PR events at once: ${r.writes} dashboard write(s) (issue created/edited) = ${r.perEvent.toFixed(3)} per event — target ≤ 0.05: ${r.perEvent <= 0.05 ? "met" : "MISSED"}; ${r.refreshes} refresh(es); the issue showed all ${r.shown} PRs ${r.seconds.toFixed(0)} s after the burst began`,
    ],
  };
}

if (process.argv[1]?.endsWith("dashboard.ts")) console.log((await benchDashboard()).lines.join("\n"));
