/**
 * The dashboard issue through the whole App (Probot, the fake GitHub behind nock, real payloads from
 * @octokit/webhooks-examples): created once and found by its marker, edited only when the body
 * changed and at most once per interval (a burst coalesced), checkboxes ticked by a maintainer, by a
 * read-only user and by the App itself, a deleted issue recreated, a renamed one found, off = no writes.
 */
import nock from "nock";
import { Probot, ProbotOctokit } from "probot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/app/index.js";
import { LedgerWriter } from "../../src/app/ledger-writer.js";
import type { Dashboards } from "../../src/app/dashboard.js";
import { DASHBOARD_MARKER, parseDashboardStatus } from "../../src/engine/dashboard.js";
import { API, BASE, CONFIG, FakeGitHub, NOW, example, patch, pullPayload } from "./fake.js";
import { assertValid } from "../support/schemas.js";

type J = Record<string, any>;

const DASH_CONFIG = `${CONFIG}dashboard:\n  title: Coordination board\n  labels: [pucs:dashboard, coordination]\n`;

interface Issue {
  number: number;
  title: string;
  body: string;
  labels: string[];
  state: "open" | "closed";
  deleted?: boolean;
  comments: string[];
}

/** Issues (numbered from 1000, so PR comments stay with the fake GitHub) and the ledger's history. */
class IssueModel {
  issues: Issue[] = [];
  log: { method: string; path: string; body?: J }[] = [];
  next = 1000;
  /** Search finds nothing when false (GitHub's search index lags). */
  searchWorks = true;
  /** Runs before a creation is applied (another replica creating its own at the same moment). */
  beforeCreate: (() => void) | null = null;
  constructor(private gh: FakeGitHub) {
    const num = (uri: string) => Number(/\/issues\/(\d+)/.exec(uri)?.[1]);
    const ours = (uri: string) => /\/issues\/\d+/.test(uri) && num(uri) >= 1000;
    nock(API)
      .persist()
      .get((uri) => uri.startsWith(`${BASE}/issues?`))
      .reply((uri): [number, J] => {
        this.log.push({ method: "GET", path: uri });
        const label = new URL(API + uri).searchParams.get("labels");
        return [200, this.issues.filter((i) => !i.deleted && (!label || i.labels.includes(label))).map((i) => this.json(i))];
      })
      .get((uri) => uri.startsWith("/search/issues"))
      .reply((uri): [number, J] => {
        this.log.push({ method: "GET", path: uri });
        const items = this.searchWorks ? this.issues.filter((i) => !i.deleted && i.body.includes("pucs:dashboard")).map((i) => this.json(i)) : [];
        return [200, { total_count: items.length, incomplete_results: false, items }];
      })
      .post(`${BASE}/issues`)
      .reply((uri, body: any): [number, J] => {
        this.log.push({ method: "POST", path: uri, body });
        const race = this.beforeCreate;
        this.beforeCreate = null;
        race?.();
        const i: Issue = { number: this.next++, title: body.title, body: body.body, labels: body.labels ?? [], state: "open", comments: [] };
        this.issues.push(i);
        return [201, this.json(i)];
      })
      .get((uri) => ours(uri) && !uri.includes("/comments"))
      .reply((uri): [number, J] => {
        this.log.push({ method: "GET", path: uri });
        const i = this.issues.find((x) => x.number === num(uri));
        return !i ? [404, { message: "Not Found" }] : i.deleted ? [410, { message: "This issue was deleted" }] : [200, this.json(i)];
      })
      .patch((uri) => ours(uri))
      .reply((uri, body: any): [number, J] => {
        this.log.push({ method: "PATCH", path: uri, body });
        const i = this.issues.find((x) => x.number === num(uri));
        if (!i) return [404, { message: "Not Found" }];
        if (i.deleted) return [410, { message: "This issue was deleted" }];
        Object.assign(i, body);
        return [200, this.json(i)];
      })
      .post((uri) => ours(uri) && uri.endsWith("/comments"))
      .reply((uri, body: any): [number, J] => {
        this.log.push({ method: "POST", path: uri, body });
        this.issues.find((x) => x.number === num(uri))!.comments.push(body.body);
        return [201, { id: 1, body: body.body }];
      })
      // The ledger's history (GraphQL): the fake GitHub's commits, newest first.
      .post("/graphql", (b: J) => String(b.query).includes("history(first"))
      .reply((_uri, b: any): [number, J] => {
        this.log.push({ method: "POST", path: "/graphql#history" });
        const nodes: J[] = [];
        for (let sha = this.gh.ledgerRef; sha && nodes.length < b.variables.n; sha = this.gh.commits.get(sha)?.parents[0] ?? null) {
          nodes.push({ message: this.gh.commits.get(sha)!.message, committedDate: "2026-11-23T12:00:00Z" });
        }
        return [200, { data: { repository: { ref: this.gh.ledgerRef ? { target: { history: { nodes } } } : null } } }];
      });
  }
  json(i: Issue): J {
    return { number: i.number, title: i.title, body: i.body, state: i.state, labels: i.labels.map((name) => ({ name })), user: { login: "pucs[bot]", type: "Bot" } };
  }
  get open(): Issue[] {
    return this.issues.filter((i) => !i.deleted && i.state === "open");
  }
  writes(): { method: string; path: string; body?: J }[] {
    return this.log.filter((r) => r.method !== "GET" && !r.path.startsWith("/graphql"));
  }
}

interface H {
  gh: FakeGitHub;
  issues: IssueModel;
  probot: Probot;
  dash: Dashboards;
  clock: { now: number };
  timers: { fn: () => void; due: number; cancelled: boolean }[];
  send(name: string, payload: J): Promise<void>;
  /** Moves the clock and runs the timers that are due (each to its end). */
  advance(ms: number): Promise<void>;
}

async function setup(config = DASH_CONFIG): Promise<H> {
  nock.disableNetConnect();
  nock.cleanAll();
  // The issue routes first: nock tries interceptors in the order they were added.
  const gh0 = {} as FakeGitHub;
  const issues = new IssueModel(gh0);
  const gh = new FakeGitHub();
  (issues as unknown as { gh: FakeGitHub }).gh = gh;
  gh.defaultFiles.set("config/pucs_streams.yaml", config);
  gh.permissions.set("boss", "maintain");
  gh.permissions.set("reader", "read");
  gh.permissions.set("dev", "write");
  const clock = { now: NOW };
  const timers: H["timers"] = [];
  let dash: Dashboards | null = null;
  let ids = 0;
  const Octokit = ProbotOctokit.defaults((o: J) => ({ ...o, retry: { enabled: false }, throttle: { enabled: false } }));
  const probot = new Probot({ githubToken: "test-token", Octokit, logLevel: "fatal" });
  await probot.load(
    createApp({
      now: () => clock.now,
      newId: () => `id-${++ids}`,
      writer: new LedgerWriter({ sleep: async () => {}, random: () => 0 }),
      knownLabels: new Set([`Codertocat/Hello-World:*`]),
      dashboard: {
        setTimer: (fn, ms) => {
          const t = { fn, due: clock.now + ms, cancelled: false };
          timers.push(t);
          return () => void (t.cancelled = true);
        },
        expose: (d) => (dash = d),
      },
    }),
  );
  const h: H = {
    gh,
    issues,
    probot,
    get dash() {
      return dash!;
    },
    clock,
    timers,
    send: (name, payload) => {
      if (name === "pull_request" && payload.pull_request) gh.pulls.set(Number(payload.pull_request.number), structuredClone(payload.pull_request));
      return probot.receive({ id: `d-${++ids}`, name, payload } as Parameters<Probot["receive"]>[0]);
    },
    advance: async (ms) => {
      clock.now += ms;
      for (;;) {
        const due = timers.filter((t) => !t.cancelled && t.due <= clock.now);
        if (due.length === 0) break;
        for (const t of due) {
          t.cancelled = true;
          t.fn();
        }
        await dash!.settle();
      }
    },
  };
  return h;
}

function prEvent(n: number, file = `execution/f${n}.py`, extra: Partial<Parameters<typeof pullPayload>[1]> = {}): J {
  const p = pullPayload(n, { files: [{ filename: file, patch: patch(1, 2) }], ...extra });
  return p;
}

async function openPr(h: H, n: number, file?: string): Promise<void> {
  h.gh.prFiles.set(n, [{ filename: file ?? `execution/f${n}.py`, patch: patch(1, 2) }]);
  await h.send("pull_request", prEvent(n, file));
}

function editedPayload(issue: Issue, before: string, after: string, sender: { login: string; type?: string }): J {
  const p = example("issues", "edited");
  p.issue.number = issue.number;
  p.issue.title = issue.title;
  p.issue.body = after;
  p.changes = { body: { from: before } };
  p.sender.login = sender.login;
  p.sender.type = sender.type ?? "User";
  return p;
}

const tick = (body: string, key: string) => {
  const out = body.replace(`- [ ] ${key}`, `- [x] ${key}`);
  if (out === body) throw new Error(`no box ${key}`);
  return out;
};

let h: H;
afterEach(() => nock.cleanAll());

describe("the dashboard issue", () => {
  beforeEach(async () => {
    h = await setup();
  });

  it("coalesces a burst of 50 PR events into one creation, then one edit per interval at most", async () => {
    for (let n = 1; n <= 50; n++) h.gh.prFiles.set(n, [{ filename: `execution/f${n}.py`, patch: patch(1, 2) }]);
    await Promise.all(Array.from({ length: 50 }, (_, i) => h.send("pull_request", prEvent(i + 1))));
    expect(h.timers.filter((t) => !t.cancelled)).toHaveLength(1); // one refresh asked for, 5 s after the first event
    expect(h.issues.writes()).toEqual([]);
    await h.advance(5_000);
    expect(h.issues.writes().map((w) => `${w.method} ${w.path}`)).toEqual([`POST ${BASE}/issues`]);
    const issue = h.issues.open[0]!;
    expect(issue.title).toBe("Coordination board");
    expect(issue.labels).toEqual(["pucs:dashboard", "coordination"]);
    expect(issue.body.startsWith(`${DASHBOARD_MARKER}\n## Coordination board\n`)).toBe(true);
    expect(issue.body).toContain("**50** open PRs");
    assertValid("status", parseDashboardStatus(issue.body));

    // 50 more events: one refresh, a minute after the last one, one edit.
    for (let n = 51; n <= 100; n++) h.gh.prFiles.set(n, [{ filename: `api/f${n}.py`, patch: patch(1, 2) }]);
    await Promise.all(Array.from({ length: 50 }, (_, i) => h.send("pull_request", prEvent(51 + i, `api/f${51 + i}.py`))));
    await h.advance(5_000);
    expect(h.issues.writes()).toHaveLength(1); // not yet: at most once a minute
    await h.advance(55_000);
    expect(h.issues.writes().map((w) => `${w.method} ${w.path}`)).toEqual([`POST ${BASE}/issues`, `PATCH ${BASE}/issues/1000`]);
    expect(h.issues.open[0]!.body).toContain("**100** open PRs");
    const writesPerEvent = h.issues.writes().length / 100;
    expect(writesPerEvent).toBeLessThanOrEqual(0.05);

    // Nothing changed: a refresh reads and writes nothing.
    await h.send("pull_request", prEvent(7));
    await h.advance(60_000);
    expect(h.issues.writes()).toHaveLength(2);
    expect(h.dash.stats).toMatchObject({ creates: 1, edits: 1 });
  });

  it("finds its issue by the marker (never a second one) in another replica, after a rename, and when search lags", async () => {
    await openPr(h, 1);
    await h.advance(5_000);
    expect(h.issues.issues).toHaveLength(1);
    h.issues.issues[0]!.title = "Renamed by a maintainer";
    // Another replica (a fresh process): knows no number, finds the issue by its label and marker.
    const other = await setup();
    other.issues.issues = h.issues.issues;
    other.issues.next = h.issues.next;
    other.issues.searchWorks = false;
    other.gh.ledgerRef = h.gh.ledgerRef;
    other.gh.commits = h.gh.commits;
    other.gh.trees = h.gh.trees;
    await openPr(other, 2);
    await other.advance(5_000);
    expect(other.issues.issues).toHaveLength(1);
    expect(other.issues.writes().map((w) => `${w.method} ${w.path}`)).toEqual([`PATCH ${BASE}/issues/1000`]);
    expect(other.issues.issues[0]!.title).toBe("Renamed by a maintainer");
    expect(other.issues.issues[0]!.body).toContain("**2** open PRs");
  });

  it("two replicas creating it at the same moment: the later one is closed as a duplicate, the first kept", async () => {
    h.issues.beforeCreate = () => {
      // Another instance's issue lands between this one's look and its create.
      h.issues.issues.push({ number: h.issues.next++, title: "PUCS dashboard", body: `${DASHBOARD_MARKER}\nfrom the other replica`, labels: ["pucs:dashboard"], state: "open", comments: [] });
    };
    await openPr(h, 1);
    await h.advance(5_000);
    expect(h.issues.issues.map((i) => [i.number, i.state])).toEqual([
      [1000, "open"],
      [1001, "closed"],
    ]);
    expect(h.issues.issues[1]!.comments[0]).toContain("A duplicate of #1000");
    expect(h.issues.issues[0]!.body).toContain("**1** open PR ");
    expect(h.dash.stats).toMatchObject({ creates: 1, closed: 1 });
    // From then on only #1000 is edited.
    await openPr(h, 2);
    await h.advance(60_000);
    expect(h.issues.writes().at(-1)).toMatchObject({ method: "PATCH", path: `${BASE}/issues/1000` });
  });

  it("recreates a deleted issue (issues.deleted, or a 410 on edit)", async () => {
    await openPr(h, 1);
    await h.advance(5_000);
    const first = h.issues.issues[0]!;
    first.deleted = true;
    const del = example("issues", "deleted");
    del.issue.number = first.number;
    del.issue.body = first.body;
    await h.send("issues", del);
    await h.advance(60_000);
    expect(h.issues.open.map((i) => i.number)).toEqual([1001]);
    // Deleted without the event reaching us: the edit gets 410, and the issue is made again.
    h.issues.issues[1]!.deleted = true;
    await openPr(h, 2);
    await h.advance(60_000);
    expect(h.issues.open.map((i) => i.number)).toEqual([1002]);
    expect(h.issues.writes().map((w) => `${w.method} ${w.path}`)).toEqual([`POST ${BASE}/issues`, `POST ${BASE}/issues`, `PATCH ${BASE}/issues/1001`, `POST ${BASE}/issues`]);
  });

  it("a maintainer's tick releases another's lock, notes who in the ledger's history and unticks the box", async () => {
    await openPr(h, 1);
    await h.send("issue_comment", (await import("./fake.js")).commentPayload(1, "/pucs lock execution/f1.py -- ML model"));
    await h.advance(5_000);
    const issue = h.issues.open[0]!;
    const lease = h.gh.ledger!.locks[0]!.lease;
    const key = `<!-- pucs:action release-lock ${lease} -->`;
    expect(issue.body).toContain(`- [ ] ${key} Release \`execution/f1.py\` held by agent1 (#1)`);
    const before = issue.body;
    const after = tick(before, key);
    issue.body = after;
    h.issues.log = [];
    await h.send("issues", editedPayload(issue, before, after, { login: "boss" }));
    expect(h.gh.ledger!.locks).toEqual([]);
    const ref = h.gh.ledgerRef!;
    expect(h.gh.commits.get(ref)!.message.split("\n\nPucs-Nonce:")[0]).toBe("force-unlock execution/f1.py held by agent1 (EXEC, #1), by boss\n\n(dashboard #1000: ticked by @boss)");
    // Unticked at once: the body rendered again, with the release in its history.
    expect(h.issues.writes().map((w) => `${w.method} ${w.path}`)).toEqual([`PATCH ${BASE}/issues/1000`]);
    expect(issue.body).not.toContain("- [x]");
    expect(issue.body).not.toContain(key);
    expect(issue.body).toContain(" release: force-unlock execution/f1.py held by agent1 (EXEC, #1), by boss\n");
    expect(issue.comments).toEqual([]);
    // The same delivery again (GitHub may redeliver): the box is no longer ticked, nothing happens.
    const ref2 = h.gh.ledgerRef;
    h.issues.log = [];
    await h.send("issues", editedPayload(issue, before, after, { login: "boss" }));
    expect(h.gh.ledgerRef).toBe(ref2);
    expect(h.issues.writes()).toEqual([]);
    expect(h.issues.log.map((r) => `${r.method} ${r.path}`)).toEqual([`GET ${BASE}/issues/1000`]);
  });

  it("a read-only user's tick is reverted with a reply saying why; nothing is released", async () => {
    await openPr(h, 1);
    await h.send("issue_comment", (await import("./fake.js")).commentPayload(1, "/pucs lock execution/f1.py -- ML model"));
    await h.advance(5_000);
    const issue = h.issues.open[0]!;
    const lease = h.gh.ledger!.locks[0]!.lease;
    const before = issue.body;
    const after = tick(tick(before, `<!-- pucs:action release-lock ${lease} -->`), "<!-- pucs:action release-expired -->");
    issue.body = after;
    const ref = h.gh.ledgerRef;
    h.issues.log = [];
    await h.send("issues", editedPayload(issue, before, after, { login: "reader" }));
    expect(h.gh.ledgerRef).toBe(ref);
    expect(h.gh.ledger!.locks).toHaveLength(1);
    expect(issue.body).toBe(before); // unticked: the body as it was
    expect(issue.comments).toEqual([
      "<!-- pucs:dashboard-reply -->\n@reader: not done, the box was unticked — “release expired locks” needs write access; @reader has read; “release execution/f1.py held by agent1” needs maintain or admin access (releasing someone else's lock); @reader has read.",
    ]);
  });

  it("ignores the App's own edits, even one with a ticked box, and title-only edits", async () => {
    await openPr(h, 1);
    await h.advance(5_000);
    const issue = h.issues.open[0]!;
    const before = issue.body;
    const after = tick(before, "<!-- pucs:action release-expired -->");
    h.issues.log = [];
    const logBefore = h.gh.log.length;
    await h.send("issues", editedPayload(issue, before, after, { login: "pucs[bot]", type: "Bot" }));
    const rename = editedPayload(issue, before, after, { login: "boss" });
    rename.changes = { title: { from: "PUCS dashboard" } };
    await h.send("issues", rename);
    expect(h.issues.log).toEqual([]);
    expect(h.gh.log.length).toBe(logBefore);
  });

  it("re-runs the gate for all open PRs: every report re-published, and says who did it", async () => {
    await openPr(h, 1);
    await openPr(h, 2, "execution/f1.py");
    await h.advance(5_000);
    const issue = h.issues.open[0]!;
    const before = issue.body;
    const after = tick(before, "<!-- pucs:action rerun-gate -->");
    issue.body = after;
    h.gh.checkRuns.length = 0; // the reports vanished (say, a check suite was re-requested)
    await h.send("issues", editedPayload(issue, before, after, { login: "dev" }));
    expect(h.gh.checkRuns.map((r) => r.head_sha).sort()).toHaveLength(2);
    expect(issue.comments).toEqual(["<!-- pucs:dashboard-reply -->\n@dev re-ran the gate: 2 open PR reports re-published from the ledger."]);
    expect(issue.body).toBe(before);
  });
});

describe("the dashboard off", () => {
  it("without a dashboard section: no issue, no writes, and no further reads until a merge", async () => {
    h = await setup(CONFIG);
    await openPr(h, 1);
    await h.advance(5_000);
    await openPr(h, 2);
    await h.advance(60_000);
    expect(h.issues.log).toEqual([]);
    expect(h.timers.filter((t) => t.due > NOW + 5_000)).toEqual([]); // nothing scheduled after the first read found it off
  });

  it("enabled: false is off too", async () => {
    h = await setup(`${CONFIG}dashboard:\n  enabled: false\n`);
    await openPr(h, 1);
    await h.advance(5_000);
    expect(h.issues.log).toEqual([]);
  });
});
