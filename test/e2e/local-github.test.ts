/**
 * The local GitHub answers real clients (Octokit as the Action builds it with GITHUB_API_URL, and
 * ProbotOctokit with a GHE-style /api/v3 base URL and app authentication) the way GitHub does, checks
 * every request against GitHub's OpenAPI description, gives true compare-and-swap on refs, and shares
 * one ledger with CLI processes that push to its bare repository.
 */
import { createHash, createSign, generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { getOctokit } from "@actions/github";
import { ProbotOctokit } from "probot";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ROOT, pucsProcess, sh } from "../cli/helpers.js";
import { LocalGitHub, type LocalRepo } from "./local-github.js";

const STREAMS = readFileSync(join(ROOT, "config", "pucs_streams.yaml"), "utf8");
const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs1", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });

let gh: LocalGitHub;
let repo: LocalRepo;
type Client = ReturnType<typeof getOctokit>;
let octokit: Client;

beforeAll(async () => {
  gh = await LocalGitHub.start({ app: { id: 4242, slug: "pucs-test", publicKey } });
  repo = await gh.createRepo("octo-org/octo-repo", { files: { "README.md": "# octo\n", "config/pucs_streams.yaml": STREAMS, "src/a.ts": "export const a = 1;\n" }, installationId: 77 });
  octokit = getOctokit("test-token", { baseUrl: gh.url });
});
afterAll(async () => gh.stop());
beforeEach(() => {
  gh.faults(null);
  gh.clearLog();
});

const o = { owner: "octo-org", repo: "octo-repo" };

/** The error an Octokit call rejects with: status and GitHub's body. */
async function failure(p: Promise<unknown>): Promise<{ status: number; data: any; headers: Record<string, string> }> {
  try {
    await p;
  } catch (e) {
    const err = e as { status: number; response?: { data: any; headers: Record<string, string> } };
    return { status: err.status, data: err.response?.data, headers: err.response?.headers ?? {} };
  }
  throw new Error("expected the request to fail");
}

function jwt(key: string, iss: number | string, expInS = 600): string {
  const enc = (x: object) => Buffer.from(JSON.stringify(x)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const head = `${enc({ alg: "RS256", typ: "JWT" })}.${enc({ iat: now - 30, exp: now + expInS, iss })}`;
  return `${head}.${createSign("RSA-SHA256").update(head).sign(key).toString("base64url")}`;
}

describe("OpenAPI check", () => {
  it("answers 404 for an endpoint GitHub does not have, and logs it", async () => {
    const r = await failure(octokit.request("GET /repos/{owner}/{repo}/made-up-things", o));
    expect(r.status).toBe(404);
    expect(r.data).toEqual({ message: "Not Found", documentation_url: "https://docs.github.com/rest", status: "404" });
    expect(gh.problems()).toMatchObject([{ method: "GET", path: "/repos/octo-org/octo-repo/made-up-things", problem: "not-in-github-api", status: 404 }]);
  });

  it("answers 404 'not modelled' for an endpoint GitHub has but this model does not", async () => {
    const r = await failure(octokit.rest.repos.listForks(o));
    expect(r.status).toBe(404);
    expect(r.data.message).toBe("Not Found: the local GitHub does not model repos/list-forks (GET /repos/{owner}/{repo}/forks)");
    expect(gh.problems().map((p) => [p.problem, p.operationId])).toEqual([["not-modelled", "repos/list-forks"]]);
  });

  it("refuses a body that breaks the operation's schema with 422 and GitHub's message", async () => {
    const head = (await repo.git.refSha("refs/heads/main"))!;
    const r = await failure(octokit.request("POST /repos/{owner}/{repo}/check-runs", { ...o, name: "PUCS", head_sha: head, conclusion: "maybe" as never }));
    expect(r.status).toBe(422);
    expect(r.data.message).toBe(
      `Invalid request.\n\nFor 'properties/conclusion', "maybe" is not a member of ["action_required","cancelled","failure","neutral","success","skipped","stale","timed_out"].`,
    );
    const missing = await failure(octokit.request("POST /repos/{owner}/{repo}/statuses/{sha}", { ...o, sha: head } as never));
    expect(missing.data.message).toBe(`Invalid request.\n\nFor the request body, "state" wasn't supplied.`);
    const wrongType = await failure(octokit.request("PATCH /repos/{owner}/{repo}/git/refs/{ref}", { ...o, ref: "heads/main", sha: head, force: "yes" as never }));
    expect(wrongType.data.message).toBe(`Invalid request.\n\nFor 'properties/force', "yes" is not a boolean.`);
    expect(gh.problems().map((p) => [p.problem, p.status])).toEqual([
      ["invalid-body", 422],
      ["invalid-body", 422],
      ["invalid-body", 422],
    ]);
    expect(repo.checkRuns.size).toBe(0);
  });

  it("serves the GHE prefix /api/v3 to ProbotOctokit, authenticated as the app through an installation token", async () => {
    const probot = new ProbotOctokit({ auth: { appId: 4242, privateKey, installationId: 77 }, baseUrl: gh.gheUrl, throttle: { enabled: false }, retry: { enabled: false } });
    const { data } = await probot.rest.issues.createLabel({ ...o, name: "pucs:probot", color: "0e8a16" });
    expect(data).toMatchObject({ name: "pucs:probot", color: "0e8a16", url: `${gh.gheUrl}/repos/octo-org/octo-repo/labels/pucs%3Aprobot` });
    expect(gh.log.map((e) => [e.method, e.path, e.status, e.kind, e.actor])).toEqual([
      ["POST", "/app/installations/77/access_tokens", 201, "token", "pucs-test[bot]"],
      ["POST", "/repos/octo-org/octo-repo/labels", 201, "write", "pucs-test[bot]"],
    ]);
    expect(gh.problems()).toEqual([]);
  });
});

describe("installation tokens", () => {
  it("mints a token for an app JWT signed with the app's key and refuses other JWTs", async () => {
    const app = getOctokit(jwt(privateKey, 4242), { baseUrl: gh.url });
    const minted = await app.rest.apps.createInstallationAccessToken({ installation_id: 77 });
    expect(minted.status).toBe(201);
    expect(minted.data.token).toMatch(/^ghs_[0-9a-f]{36}$/);
    expect(gh.tokens.get(minted.data.token)).toBe("pucs-test[bot]");
    const other = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs1", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
    const forged = await failure(getOctokit(jwt(other.privateKey, 4242), { baseUrl: gh.url }).rest.apps.createInstallationAccessToken({ installation_id: 77 }));
    expect([forged.status, forged.data.message]).toEqual([401, "A JSON web token could not be decoded"]);
    const expired = await failure(getOctokit(jwt(privateKey, 4242, -10), { baseUrl: gh.url }).rest.apps.createInstallationAccessToken({ installation_id: 77 }));
    expect(expired.data.message).toBe("'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires.");
    const wrongApp = await failure(getOctokit(jwt(privateKey, 1), { baseUrl: gh.url }).rest.apps.createInstallationAccessToken({ installation_id: 77 }));
    expect(wrongApp.data.message).toBe(`Integration not found: the JWT's iss is 1, the app id is 4242`);
    const noInstall = await failure(app.rest.apps.createInstallationAccessToken({ installation_id: 78 }));
    expect(noInstall.status).toBe(404);
    const inst = await octokit.rest.apps.getRepoInstallation(o);
    expect(inst.data).toMatchObject({ id: 77, app_id: 4242, app_slug: "pucs-test", account: { login: "octo-org" } });
  });

  it("with requireToken, answers 401 Bad credentials to a token it did not issue", async () => {
    const strict = await LocalGitHub.start({ requireToken: true });
    try {
      await strict.createRepo("a/b");
      const r = await failure(getOctokit("nope", { baseUrl: strict.url }).rest.repos.get({ owner: "a", repo: "b" }));
      expect([r.status, r.data.message]).toEqual([401, "Bad credentials"]);
      strict.addToken("ghp_alice", "alice");
      const ok = await getOctokit("ghp_alice", { baseUrl: strict.url }).rest.repos.get({ owner: "a", repo: "b" });
      expect(ok.data).toMatchObject({ full_name: "a/b", default_branch: "main", private: false });
      expect(strict.log.map((e) => [e.status, e.problem, e.actor])).toEqual([
        [401, "bad-credentials", undefined],
        [200, undefined, "alice"],
      ]);
    } finally {
      await strict.stop();
    }
  });
});

describe("contents and pull requests", () => {
  it("serves file contents in base64 from the bare repository, per ref, and 404 when absent", async () => {
    const { data } = await octokit.rest.repos.getContent({ ...o, path: "config/pucs_streams.yaml" });
    expect(data).toMatchObject({ type: "file", encoding: "base64", name: "pucs_streams.yaml", path: "config/pucs_streams.yaml", size: Buffer.byteLength(STREAMS) });
    expect(Buffer.from((data as { content: string }).content, "base64").toString("utf8")).toBe(STREAMS);
    await repo.commit("feature-x", { "config/pucs_streams.yaml": "streams: [a]\n" });
    const onBranch = await octokit.rest.repos.getContent({ ...o, path: "config/pucs_streams.yaml", ref: "feature-x" });
    expect(Buffer.from((onBranch.data as { content: string }).content, "base64").toString("utf8")).toBe("streams: [a]\n");
    const dir = await octokit.rest.repos.getContent({ ...o, path: "config" });
    expect((dir.data as { name: string; type: string }[]).map((e) => [e.name, e.type])).toEqual([["pucs_streams.yaml", "file"]]);
    const absent = await failure(octokit.rest.repos.getContent({ ...o, path: "nope.txt" }));
    expect([absent.status, absent.data.message]).toEqual([404, "Not Found"]);
  });

  it("lists a pull request's files with patches, paginated by Link headers, and its commits", async () => {
    const files: Record<string, string> = { "src/a.ts": "export const a = 2;\n" };
    for (let i = 0; i < 149; i++) files[`gen/f${String(i).padStart(3, "0")}.txt`] = `line ${i}\n`;
    const pr = await repo.createPull({ title: "Many files", author: "alice", files, labels: ["pucs:stream/OBS"] });
    const first = await octokit.rest.pulls.listFiles({ ...o, pull_number: pr.number, per_page: 100 });
    expect(first.data).toHaveLength(100);
    expect(first.headers.link).toBe(
      `<${gh.url}/repos/octo-org/octo-repo/pulls/${pr.number}/files?per_page=100&page=2>; rel="next", <${gh.url}/repos/octo-org/octo-repo/pulls/${pr.number}/files?per_page=100&page=2>; rel="last"`,
    );
    const all = await octokit.paginate(octokit.rest.pulls.listFiles, { ...o, pull_number: pr.number, per_page: 100 });
    expect(all).toHaveLength(150);
    expect(all.map((f) => f.filename).slice(0, 2)).toEqual(["gen/f000.txt", "gen/f001.txt"]);
    const a = all.find((f) => f.filename === "src/a.ts")!;
    expect(a).toMatchObject({ status: "modified", additions: 1, deletions: 1, changes: 2, patch: "@@ -1 +1 @@\n-export const a = 1;\n+export const a = 2;" });
    expect(all.filter((f) => f.status === "added")).toHaveLength(149);
    const capped = await octokit.rest.pulls.listFiles({ ...o, pull_number: pr.number, per_page: 500 });
    expect(capped.data).toHaveLength(100);
    const got = await octokit.rest.pulls.get({ ...o, pull_number: pr.number });
    expect(got.data).toMatchObject({ number: pr.number, title: "Many files", state: "open", draft: false, merged: false, user: { login: "alice" }, head: { ref: `topic-${pr.number}`, sha: pr.headSha }, base: { ref: "main" }, changed_files: 150, additions: 150, deletions: 1, commits: 1 });
    expect(got.data.labels.map((l) => l.name)).toEqual(["pucs:stream/OBS"]);
    const head1 = pr.headSha;
    const head2 = await repo.pushHead(pr.number, { "gen/f000.txt": null });
    const commits = await octokit.rest.pulls.listCommits({ ...o, pull_number: pr.number });
    expect(commits.data.map((c) => c.sha)).toEqual([head1, head2]);
    expect(commits.data.map((c) => c.commit.message)).toEqual([`Change for #${pr.number}`, `Update #${pr.number}`]);
    const after = await octokit.paginate(octokit.rest.pulls.listFiles, { ...o, pull_number: pr.number, per_page: 100 });
    expect(after).toHaveLength(149);
    const open = await octokit.rest.pulls.list({ ...o, state: "open" });
    expect(open.data.map((p) => p.number)).toContain(pr.number);
    await repo.mergePull(pr.number);
    expect((await octokit.rest.pulls.get({ ...o, pull_number: pr.number })).data).toMatchObject({ state: "closed", merged: true });
    expect((await octokit.rest.pulls.list({ ...o, state: "open" })).data.map((p) => p.number)).not.toContain(pr.number);
    expect(await repo.readFile("main", "src/a.ts")).toBe("export const a = 2;\n");
    expect(gh.problems()).toEqual([]);
  });

  it("caps a pull request's files at 3,000 like GitHub", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 3005; i++) files[`bulk/${i}.txt`] = "same\n";
    const pr = await repo.createPull({ files });
    const all = await octokit.paginate(octokit.rest.pulls.listFiles, { ...o, pull_number: pr.number, per_page: 100 });
    expect(all).toHaveLength(3000);
    const last = await octokit.rest.pulls.listFiles({ ...o, pull_number: pr.number, per_page: 100, page: 30 });
    expect(last.headers.link).not.toContain('rel="next"');
  }, 120_000);
});

describe("comments, reactions, labels", () => {
  it("creates, lists (paginated), updates and deletes comments; reactions answer 201 then 200", async () => {
    const pr = await repo.createPull({ author: "bob" });
    for (let i = 0; i < 3; i++) repo.addComment(pr.number, "bob", `/pucs lock src/${i}.ts`);
    const created = await octokit.rest.issues.createComment({ ...o, issue_number: pr.number, body: "PUCS report" });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({ body: "PUCS report", user: { login: "pucs-test[bot]", type: "Bot" }, performed_via_github_app: { slug: "pucs-test" } });
    const page1 = await octokit.rest.issues.listComments({ ...o, issue_number: pr.number, per_page: 2 });
    expect(page1.data.map((c) => c.body)).toEqual(["/pucs lock src/0.ts", "/pucs lock src/1.ts"]);
    expect(page1.headers.link).toContain('rel="next"');
    const all = await octokit.paginate(octokit.rest.issues.listComments, { ...o, issue_number: pr.number, per_page: 2 });
    expect(all.map((c) => c.user?.login)).toEqual(["bob", "bob", "bob", "pucs-test[bot]"]);
    const updated = await octokit.rest.issues.updateComment({ ...o, comment_id: created.data.id, body: "PUCS report v2" });
    expect(updated.data.body).toBe("PUCS report v2");
    const target = all[0]!.id;
    const r1 = await octokit.rest.reactions.createForIssueComment({ ...o, comment_id: target, content: "eyes" });
    const r2 = await octokit.rest.reactions.createForIssueComment({ ...o, comment_id: target, content: "eyes" });
    expect([r1.status, r2.status, r2.data.id]).toEqual([201, 200, r1.data.id]);
    expect((await octokit.rest.issues.getComment({ ...o, comment_id: target })).data.reactions).toMatchObject({ total_count: 1, eyes: 1, "+1": 0 });
    const badReaction = await failure(octokit.request("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", { ...o, comment_id: target, content: "party" as never }));
    expect(badReaction.status).toBe(422);
    expect((await octokit.rest.issues.deleteComment({ ...o, comment_id: created.data.id })).status).toBe(204);
    expect(repo.commentsOn(pr.number).map((c) => c.body)).toEqual(["/pucs lock src/0.ts", "/pucs lock src/1.ts", "/pucs lock src/2.ts"]);
    const gone = await failure(octokit.rest.issues.updateComment({ ...o, comment_id: created.data.id, body: "x" }));
    expect(gone.status).toBe(404);
  });

  it("creates repo labels (422 already_exists on a duplicate) and adds, lists and removes issue labels", async () => {
    const pr = await repo.createPull({});
    expect((await octokit.rest.issues.createLabel({ ...o, name: "pucs:queued", color: "fbca04" })).status).toBe(201);
    const dup = await failure(octokit.rest.issues.createLabel({ ...o, name: "PUCS:queued", color: "fbca04" }));
    expect(dup).toMatchObject({ status: 422, data: { message: "Validation Failed", errors: [{ resource: "Label", code: "already_exists", field: "name" }] } });
    const added = await octokit.rest.issues.addLabels({ ...o, issue_number: pr.number, labels: ["pucs:queued", "pucs:stream/EXEC"] });
    expect(added.data.map((l) => l.name)).toEqual(["pucs:queued", "pucs:stream/EXEC"]);
    expect((await octokit.rest.issues.listLabelsOnIssue({ ...o, issue_number: pr.number })).data.map((l) => l.name)).toEqual(["pucs:queued", "pucs:stream/EXEC"]);
    const removed = await octokit.rest.issues.removeLabel({ ...o, issue_number: pr.number, name: "pucs:queued" });
    expect(removed.data.map((l) => l.name)).toEqual(["pucs:stream/EXEC"]);
    const absent = await failure(octokit.rest.issues.removeLabel({ ...o, issue_number: pr.number, name: "pucs:queued" }));
    expect([absent.status, absent.data.message]).toEqual([404, "Label does not exist"]);
    const repoLabels = await octokit.paginate(octokit.rest.issues.listLabelsForRepo, o);
    expect(repoLabels.map((l) => l.name)).toEqual(expect.arrayContaining(["pucs:queued", "pucs:stream/EXEC"]));
  });
});

describe("checks, statuses, permissions", () => {
  it("accumulates check-run annotations across updates and enforces 50 per request", async () => {
    const sha = (await repo.git.refSha("refs/heads/main"))!;
    const ann = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ path: "src/a.ts", start_line: from + i + 1, end_line: from + i + 1, annotation_level: "warning" as const, message: `overlap ${from + i}` }));
    const created = await octokit.rest.checks.create({ ...o, name: "PUCS", head_sha: sha, status: "in_progress", output: { title: "t", summary: "s", annotations: ann(50) } });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({ name: "PUCS", status: "in_progress", conclusion: null, output: { title: "t", summary: "s", annotations_count: 50 } });
    const updated = await octokit.rest.checks.update({ ...o, check_run_id: created.data.id, conclusion: "neutral", output: { title: "t2", summary: "s2", annotations: ann(20, 50) } });
    expect(updated.data).toMatchObject({ status: "completed", conclusion: "neutral", output: { title: "t2", annotations_count: 70 } });
    const tooMany = await failure(octokit.rest.checks.update({ ...o, check_run_id: created.data.id, output: { title: "t", summary: "s", annotations: ann(51) } }));
    expect([tooMany.status, tooMany.data.message]).toEqual([422, "Invalid request.\n\nFor 'properties/output/properties/annotations', the array has 51 items, more than the maximum of 50."]);
    const listed = await octokit.paginate(octokit.rest.checks.listAnnotations, { ...o, check_run_id: created.data.id, per_page: 30 });
    expect(listed.map((a) => a.message)).toEqual(ann(70).map((a) => a.message));
    const noConclusion = await failure(octokit.rest.checks.create({ ...o, name: "X", head_sha: sha, status: "completed" }));
    expect(noConclusion.data).toMatchObject({ message: "Validation Failed", errors: [{ resource: "CheckRun", code: "missing_field", field: "conclusion" }] });
    const forRef = await octokit.rest.checks.listForRef({ ...o, ref: sha, check_name: "PUCS" });
    expect(forRef.data.total_count).toBe(1);
  });

  it("creates commit statuses and combines the latest per context", async () => {
    const sha = (await repo.git.refSha("refs/heads/main"))!;
    await octokit.rest.repos.createCommitStatus({ ...o, sha, state: "pending", context: "PUCS / merge-gate", description: "waiting" });
    await octokit.rest.repos.createCommitStatus({ ...o, sha, state: "success", context: "ci" });
    let combined = await octokit.rest.repos.getCombinedStatusForRef({ ...o, ref: "main" });
    expect([combined.data.state, combined.data.total_count, combined.data.sha]).toEqual(["pending", 2, sha]);
    await octokit.rest.repos.createCommitStatus({ ...o, sha, state: "success", context: "PUCS / merge-gate" });
    combined = await octokit.rest.repos.getCombinedStatusForRef({ ...o, ref: sha });
    expect(combined.data.state).toBe("success");
    expect(combined.data.statuses.map((s) => [s.context, s.state])).toEqual([
      ["PUCS / merge-gate", "success"],
      ["ci", "success"],
    ]);
    const unknown = await failure(octokit.rest.repos.createCommitStatus({ ...o, sha: "1".repeat(40), state: "success" }));
    expect([unknown.status, unknown.data.message]).toEqual([422, `No commit found for SHA: ${"1".repeat(40)}`]);
  });

  it("answers collaborator permissions configured per user", async () => {
    repo.setPermission("mia", "maintain");
    repo.setPermission("tom", "triage");
    const perm = async (username: string) => (await octokit.rest.repos.getCollaboratorPermissionLevel({ ...o, username })).data;
    expect(await perm("mia")).toMatchObject({ permission: "write", role_name: "maintain", user: { login: "mia", permissions: { admin: false, maintain: true, push: true, triage: true, pull: true } } });
    expect(await perm("tom")).toMatchObject({ permission: "read", role_name: "triage" });
    expect(await perm("octo-org")).toMatchObject({ permission: "admin", role_name: "admin" });
    expect(await perm("stranger")).toMatchObject({ permission: "read", role_name: "read" });
  });
});

describe("git data", () => {
  it("creates blobs (utf-8 and base64), trees (inline content, base_tree, nested, deletion), commits and refs", async () => {
    const b1 = await octokit.rest.git.createBlob({ ...o, content: "héllo\n" });
    const b2 = await octokit.rest.git.createBlob({ ...o, content: Buffer.from([0, 1, 2, 255]).toString("base64"), encoding: "base64" });
    const text = Buffer.from("héllo\n", "utf8");
    expect(b1.data.sha).toBe(createHash("sha1").update(Buffer.concat([Buffer.from(`blob ${text.length}\0`), text])).digest("hex"));
    const got = await octokit.rest.git.getBlob({ ...o, file_sha: b2.data.sha });
    expect([got.data.size, Buffer.from(got.data.content, "base64")]).toEqual([4, Buffer.from([0, 1, 2, 255])]);
    const mainSha = (await repo.git.refSha("refs/heads/main"))!;
    const baseTree = (await octokit.rest.git.getCommit({ ...o, commit_sha: mainSha })).data.tree.sha;
    const tree = await octokit.rest.git.createTree({
      ...o,
      base_tree: baseTree,
      tree: [
        { path: "deep/nested/x.txt", mode: "100644", type: "blob", content: "x\n" },
        { path: "bin.dat", mode: "100644", type: "blob", sha: b2.data.sha },
        { path: "README.md", mode: "100644", type: "blob", sha: null },
      ],
    });
    expect(tree.status).toBe(201);
    const recursive = await octokit.rest.git.getTree({ ...o, tree_sha: tree.data.sha, recursive: "1" });
    const paths = recursive.data.tree.filter((e) => e.type === "blob").map((e) => e.path);
    expect(paths).toContain("deep/nested/x.txt");
    expect(paths).toContain("bin.dat");
    expect(paths).not.toContain("README.md");
    expect(paths).toContain("src/a.ts");
    const both = await failure(octokit.rest.git.createTree({ ...o, tree: [{ path: "a", mode: "100644", type: "blob", sha: b1.data.sha, content: "a" }] }));
    expect([both.status, both.data.message]).toEqual([422, "Must supply either tree.sha or tree.content, not both"]);
    const commit = await octokit.rest.git.createCommit({ ...o, message: "ledger: lock x", tree: tree.data.sha, parents: [mainSha], author: { name: "pucs", email: "pucs@example.com", date: "2026-11-23T20:00:00Z" } });
    expect(commit.data).toMatchObject({ message: "ledger: lock x", tree: { sha: tree.data.sha }, parents: [{ sha: mainSha }], author: { name: "pucs", email: "pucs@example.com", date: "2026-11-23T20:00:00Z" } });
    const badParent = await failure(octokit.rest.git.createCommit({ ...o, message: "m", tree: tree.data.sha, parents: ["2".repeat(40)] }));
    expect(badParent.data.message).toBe("Parent SHA does not exist or is not a commit object");
    const ref = await octokit.rest.git.createRef({ ...o, ref: "refs/pucs/test-ledger", sha: commit.data.sha });
    expect(ref.status).toBe(201);
    expect((await octokit.rest.git.getRef({ ...o, ref: "pucs/test-ledger" })).data).toMatchObject({ ref: "refs/pucs/test-ledger", object: { sha: commit.data.sha, type: "commit" } });
    expect((await octokit.rest.git.listMatchingRefs({ ...o, ref: "pucs/test-" })).data.map((r) => r.ref)).toEqual(["refs/pucs/test-ledger"]);
    const back = await failure(octokit.rest.git.updateRef({ ...o, ref: "pucs/test-ledger", sha: mainSha }));
    expect([back.status, back.data.message]).toEqual([422, "Update is not a fast forward"]);
    expect((await octokit.rest.git.updateRef({ ...o, ref: "pucs/test-ledger", sha: mainSha, force: true })).data.object.sha).toBe(mainSha);
    expect((await octokit.rest.git.deleteRef({ ...o, ref: "pucs/test-ledger" })).status).toBe(204);
    expect((await failure(octokit.rest.git.getRef({ ...o, ref: "pucs/test-ledger" }))).status).toBe(404);
    const again = await failure(octokit.rest.git.deleteRef({ ...o, ref: "pucs/test-ledger" }));
    expect([again.status, again.data.message]).toEqual([422, "Reference does not exist"]);
    expect(gh.problems()).toEqual([]);
  });

  it("lets exactly one of 16 concurrent writers fast-forward a ref; the others get 422 'Update is not a fast forward'", async () => {
    const mainSha = (await repo.git.refSha("refs/heads/main"))!;
    await octokit.rest.git.createRef({ ...o, ref: "refs/pucs/race", sha: mainSha });
    const results = await Promise.all(
      Array.from({ length: 16 }, async (_, i) => {
        const head = (await octokit.rest.git.getRef({ ...o, ref: "pucs/race" })).data.object.sha;
        const parent = await octokit.rest.git.getCommit({ ...o, commit_sha: head });
        const tree = await octokit.rest.git.createTree({ ...o, base_tree: parent.data.tree.sha, tree: [{ path: "ledger.json", mode: "100644", type: "blob", content: `{"writer":${i}}\n` }] });
        const commit = await octokit.rest.git.createCommit({ ...o, message: `writer ${i}`, tree: tree.data.sha, parents: [head] });
        try {
          await octokit.rest.git.updateRef({ ...o, ref: "pucs/race", sha: commit.data.sha, force: false });
          return { i, ok: true, sha: commit.data.sha };
        } catch (e) {
          const err = e as { status: number; response: { data: { message: string } } };
          return { i, ok: false, why: `${err.status} ${err.response.data.message}` };
        }
      }),
    );
    const winners = results.filter((r) => r.ok);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map((r) => r.why)).toEqual(Array(15).fill("422 Update is not a fast forward"));
    expect(await repo.git.refSha("refs/pucs/race")).toBe(winners[0]!.sha);
    expect(await repo.readFile("refs/pucs/race", "ledger.json")).toBe(`{"writer":${winners[0]!.i}}\n`);
  });

  it("lets exactly one of 16 concurrent creators create a ref; the others get 422 'Reference already exists'", async () => {
    const mainSha = (await repo.git.refSha("refs/heads/main"))!;
    const results = await Promise.allSettled(Array.from({ length: 16 }, () => octokit.rest.git.createRef({ ...o, ref: "refs/pucs/created", sha: mainSha })));
    expect(results.filter((r) => r.status === "fulfilled").map((r) => (r as PromiseFulfilledResult<{ status: number }>).value.status)).toEqual([201]);
    expect(results.filter((r) => r.status === "rejected").map((r) => `${(r as PromiseRejectedResult).reason.status} ${(r as PromiseRejectedResult).reason.response.data.message}`)).toEqual(Array(15).fill("422 Reference already exists"));
  });
});

describe("faults", () => {
  it("turns a seeded fraction of answers into 502s, secondary rate limits and timeouts", async () => {
    gh.faults({ rate: 1, kinds: ["502"], limit: 1 });
    expect((await failure(octokit.rest.repos.get(o))).status).toBe(502);
    expect((await octokit.rest.repos.get(o)).status).toBe(200);
    gh.faults({ rate: 1, kinds: ["secondary-rate-limit"], only: "writes", limit: 1 });
    expect((await octokit.rest.repos.get(o)).status).toBe(200);
    const limited = await failure(octokit.rest.issues.createLabel({ ...o, name: "never-made" }));
    expect([limited.status, limited.headers["retry-after"]]).toEqual([403, "1"]);
    expect(limited.data.message).toMatch(/^You have exceeded a secondary rate limit/);
    expect(repo.labels.has("never-made")).toBe(false);
    gh.faults({ rate: 1, kinds: ["429"], limit: 1 });
    const r429 = await failure(octokit.rest.repos.get(o));
    expect([r429.status, r429.headers["retry-after"]]).toEqual([429, "1"]);
    expect(gh.log.filter((e) => e.fault).map((e) => e.fault)).toEqual(["502", "secondary-rate-limit", "429"]);
  });

  it("applies a timed-out write but answers 504 after holding the connection; the same seed gives the same faults", async () => {
    const hung = await LocalGitHub.start({ hangMs: 50 });
    try {
      const r = await hung.createRepo("a/b");
      const pr = await r.createPull({});
      const client = getOctokit("t", { baseUrl: hung.url, request: { retries: 0 } });
      hung.faults({ rate: 1, kinds: ["timeout"], limit: 1 });
      const t = await failure(client.rest.issues.createComment({ owner: "a", repo: "b", issue_number: pr.number, body: "report" }));
      expect(t.status).toBe(504);
      expect(r.commentsOn(pr.number).map((c) => c.body)).toEqual(["report"]);
      const pattern = async () => {
        hung.faults({ rate: 0.3, kinds: ["502", "429"], seed: 7 });
        const out: number[] = [];
        for (let i = 0; i < 20; i++) out.push(await client.rest.repos.get({ owner: "a", repo: "b" }).then((x) => x.status, (e: { status: number }) => e.status));
        return out;
      };
      const first = await pattern();
      expect(await pattern()).toEqual(first);
      expect(first.filter((s) => s !== 200).length).toBeGreaterThan(0);
      expect(first.filter((s) => s === 200).length).toBeGreaterThan(0);
    } finally {
      await hung.stop();
    }
  });
});

describe("one ledger shared by REST and the CLI", () => {
  it("shows through GET ref → commit → tree → blob the lock a CLI process took by pushing to the bare repository", async () => {
    const clone = join(gh.root, "clone");
    sh(gh.root, "clone", "-q", repo.gitDir, clone);
    sh(clone, "checkout", "-q", "-b", "work");
    const run = await pucsProcess(clone, ["lock", "observability/metrics.py", "--agent", "cli-agent", "--stream", "OBS", "--task", "t", "--remote", "origin"]);
    expect(run.err).toBe("");
    expect(run.code).toBe(0);
    const ref = await octokit.rest.git.getRef({ ...o, ref: "pucs/ledger" });
    const commit = await octokit.rest.git.getCommit({ ...o, commit_sha: ref.data.object.sha });
    // Layout 2: one blob per claim (src/ledger/layout.ts).
    const tree = await octokit.rest.git.getTree({ ...o, tree_sha: commit.data.tree.sha, recursive: "true" });
    const entries = tree.data.tree.filter((e) => e.type === "blob" && e.path!.startsWith("locks/"));
    expect(entries).toHaveLength(1);
    const blob = await octokit.rest.git.getBlob({ ...o, file_sha: entries[0]!.sha! });
    const lock = JSON.parse(Buffer.from(blob.data.content, "base64").toString("utf8"));
    expect([lock.path, lock.agent]).toEqual(["observability/metrics.py", "cli-agent"]);
    // A REST writer that commits on top of the version it read wins the swap; the CLI then sees its write.
    const tree2 = await octokit.rest.git.createTree({ ...o, base_tree: commit.data.tree.sha, tree: [{ path: entries[0]!.path!, mode: "100644", type: "blob", sha: null }] });
    const c2 = await octokit.rest.git.createCommit({ ...o, message: "unlock observability/metrics.py by app", tree: tree2.data.sha, parents: [ref.data.object.sha] });
    await octokit.rest.git.updateRef({ ...o, ref: "pucs/ledger", sha: c2.data.sha });
    const status = await pucsProcess(clone, ["status", "--json", "--remote", "origin"]);
    expect(status.err).toBe("");
    expect(JSON.parse(status.out).locks).toEqual([]);
    // A REST writer still holding the CLI's version loses: the ref moved on.
    const stale = await octokit.rest.git.createCommit({ ...o, message: "stale", tree: commit.data.tree.sha, parents: [ref.data.object.sha] });
    const lost = await failure(octokit.rest.git.updateRef({ ...o, ref: "pucs/ledger", sha: stale.data.sha }));
    expect([lost.status, lost.data.message]).toEqual([422, "Update is not a fast forward"]);
  });
});

describe("GraphQL", () => {
  const LEDGER_QUERY = `query Ledger($owner: String!, $name: String!, $ref: String!, $path: String!) {
    repository(owner: $owner, name: $name) {
      ref(qualifiedName: $ref) {
        name prefix
        target { __typename oid ... on Commit { message parents(first: 1) { nodes { oid } } file(path: $path) { path object { ... on Blob { text byteSize } } } } }
      }
    }
  }`;

  it("answers the one-round-trip ledger read (ref → commit → file text) on both prefixes", async () => {
    const mainSha = (await repo.git.refSha("refs/heads/main"))!;
    const tree = await octokit.rest.git.createTree({ ...o, tree: [{ path: "ledger.json", mode: "100644", type: "blob", content: '{"locks":[]}\n' }] });
    const commit = await octokit.rest.git.createCommit({ ...o, message: "ledger v1", tree: tree.data.sha, parents: [mainSha] });
    await octokit.rest.git.createRef({ ...o, ref: "refs/pucs/gql", sha: commit.data.sha });
    const expected = {
      repository: {
        ref: { name: "gql", prefix: "refs/pucs/", target: { __typename: "Commit", oid: commit.data.sha, message: "ledger v1", parents: { nodes: [{ oid: mainSha }] }, file: { path: "ledger.json", object: { text: '{"locks":[]}\n', byteSize: 13 } } } },
      },
    };
    const vars = { owner: "octo-org", name: "octo-repo", ref: "refs/pucs/gql", path: "ledger.json" };
    expect(await octokit.graphql(LEDGER_QUERY, vars)).toEqual(expected);
    const probot = new ProbotOctokit({ auth: { token: "t" }, baseUrl: gh.gheUrl, throttle: { enabled: false }, retry: { enabled: false } });
    expect(await probot.graphql(LEDGER_QUERY, vars)).toEqual(expected);
    expect(gh.log.filter((e) => e.operationId === "graphql").map((e) => [e.path, e.kind, e.status])).toEqual([
      ["/graphql", "read", 200],
      ["/api/graphql", "read", 200],
    ]);
    expect(await octokit.graphql(LEDGER_QUERY, { ...vars, ref: "refs/pucs/none" })).toEqual({ repository: { ref: null } });
    const byExpression = await octokit.graphql<{ repository: { object: { text: string } } }>(`{ repository(owner: "octo-org", name: "octo-repo") { object(expression: "refs/pucs/gql:ledger.json") { ... on Blob { text } } } }`);
    expect(byExpression.repository.object.text).toBe('{"locks":[]}\n');
    expect(gh.problems()).toEqual([]);
  });

  it("answers GraphQL errors for unknown fields, mutations and unknown repositories, and logs the unmodelled ones", async () => {
    const errorOf = async (q: string) => {
      try {
        await octokit.graphql(q);
      } catch (e) {
        return (e as { errors: { message: string }[] }).errors.map((x) => x.message);
      }
      throw new Error("expected a GraphQL error");
    };
    expect(await errorOf(`{ repository(owner: "octo-org", name: "octo-repo") { stargazerCount } }`)).toEqual(["Field 'stargazerCount' doesn't exist on type 'Repository'"]);
    expect(await errorOf(`mutation { updateRefs(input: {}) { clientMutationId } }`)).toEqual(["Field 'updateRefs' doesn't exist on type 'Mutation'"]);
    expect(await errorOf(`{ repository(owner: "nobody", name: "nothing") { id } }`)).toEqual(["Could not resolve to a Repository with the name 'nobody/nothing'."]);
    expect(gh.problems().map((p) => [p.operationId, p.problem, p.message])).toEqual([
      ["graphql", "not-modelled", "Field 'stargazerCount' doesn't exist on type 'Repository'"],
      ["graphql", "not-modelled", "Field 'updateRefs' doesn't exist on type 'Mutation'"],
    ]);
  });
});
