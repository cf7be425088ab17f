import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { example } from "../action/harness.js";
import { BASE, harness, patch, pullPayload, shaFor } from "./fake.js";
import { textHash } from "../../src/engine/diff.js";

afterEach(() => nock.cleanAll());

/** Three PRs opened before the App was installed: GitHub has them, the App never saw an event. */
async function installedLate() {
  const h = await harness();
  for (let n = 1; n <= 3; n++) {
    h.gh.pulls.set(n, pullPayload(n, {}).pull_request);
    h.gh.prFiles.set(n, [{ filename: `execution/m${n}.py`, patch: patch(1, 2) }]);
  }
  // A closed one is not recorded.
  h.gh.pulls.set(9, pullPayload(9, { action: "closed" }).pull_request);
  return h;
}

describe("installed on a repository with open PRs (installation.created, installation_repositories.added)", () => {
  it("records a footprint for each open PR, in one ledger commit, without posting any report", async () => {
    const h = await installedLate();
    await h.send("installation", example("installation", "created"));
    expect(h.gh.calls()).toEqual([
      `GET ${BASE}`, // the default branch
      "POST /graphql", // the config
      `GET ${BASE}/pulls`, // the open PRs (one page)
      "POST /graphql", // their footprints: none
      `GET ${BASE}/pulls/1/files`,
      `GET ${BASE}/pulls/2/files`,
      `GET ${BASE}/pulls/3/files`,
      "POST /graphql", // the scope the commit writes: their files' index shards, their stream's head and shards
      `POST ${BASE}/git/trees`,
      `POST ${BASE}/git/commits`,
      `POST ${BASE}/git/refs`,
    ]);
    expect(h.gh.checkRuns).toEqual([]);
    expect(h.gh.comments).toEqual([]);
    expect(h.gh.ledger!.footprints.map((f) => [f.change, f.stream, f.headSha, f.files.map((x) => x.path)])).toEqual([1, 2, 3].map((n) => [`#${n}`, "EXEC", shaFor(n), [`execution/m${n}.py`]]));
    expect(h.gh.ledger!.footprints[0]!.files[0]!.changes).toEqual([{ start: 1, end: 2, hash: textHash(["new 1", "new 2"], false) }]);
  });

  it("the PRs it recorded count at once: a fourth PR in their stream (max_agents 3) is at capacity", async () => {
    const h = await installedLate();
    await h.send("installation", example("installation", "created"));
    h.gh.prFiles.set(4, [{ filename: "execution/m4.py", patch: patch(1, 2) }]);
    await h.send("pull_request", pullPayload(4, {}));
    const run = h.gh.checkRuns.find((r) => r.head_sha === shaFor(4))!;
    expect([run.conclusion, run.output.title]).toEqual(["failure", "Blocked: 1 at capacity"]);
  });

  it("a redelivery (or a PR recorded by its own event meanwhile) records nothing again and writes nothing", async () => {
    const h = await installedLate();
    h.gh.prFiles.set(2, [{ filename: "execution/m2.py", patch: patch(5, 1) }]);
    await h.send("pull_request", pullPayload(2, {})); // #2's own event: its footprint, read in full
    const own = h.gh.ledger!.footprints.find((f) => f.change === "#2")!;
    await h.send("installation", example("installation", "created"));
    expect(h.gh.ledger!.footprints.map((f) => f.change)).toEqual(["#1", "#2", "#3"]);
    expect(h.gh.ledger!.footprints.find((f) => f.change === "#2")).toEqual(own);
    h.gh.reset();
    await h.send("installation", example("installation", "created"));
    expect(h.gh.writes()).toEqual([]);
  });

  it("without a PUCS config nothing is recorded; a repository it cannot read is logged, not thrown", async () => {
    const h = await installedLate();
    h.gh.defaultFiles.delete("config/pucs_streams.yaml");
    await h.send("installation", example("installation", "created"));
    expect(h.gh.writes()).toEqual([]);
    expect(h.gh.ledgerRef).toBeNull();
    // installation_repositories.added names Codertocat/Space, which this GitHub does not serve.
    h.gh.reset();
    await expect(h.send("installation_repositories", example("installation_repositories", "added"))).resolves.toBeUndefined();
    expect(h.gh.writes()).toEqual([]);
  });
});
