import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { BASE, harness, patch, pullPayload, shaFor } from "./fake.js";

afterEach(() => nock.cleanAll());

describe("a push", () => {
  it("a lone PR: one read of ledger+config, its files, a success check run, no comment, then the footprint in one commit", async () => {
    const h = await harness();
    h.gh.prFiles.set(1, [{ filename: "execution/a.py", patch: patch(10, 2, "def run():") }]);
    await h.send("pull_request", pullPayload(1, {}));
    expect(h.gh.calls()).toEqual([
      "POST /graphql",
      `GET ${BASE}/pulls/1/files`,
      `GET ${BASE}/commits/${shaFor(1)}/check-runs`,
      `POST ${BASE}/check-runs`,
      `GET ${BASE}/issues/1/comments`,
      `POST ${BASE}/git/trees`,
      `POST ${BASE}/git/commits`,
      `POST ${BASE}/git/refs`,
    ]);
    const run = h.gh.log.find((r) => r.path === `${BASE}/check-runs`)!.body;
    expect(run).toMatchObject({ name: "PUCS / conflicts", head_sha: shaFor(1), status: "completed", conclusion: "success", output: { title: "No conflicts" } });
    expect(h.gh.ledger!.footprints).toEqual([
      {
        change: "#1",
        agent: "agent1",
        stream: "EXEC",
        headSha: shaFor(1),
        draft: false,
        title: "PR 1",
        url: "https://github.com/Codertocat/Hello-World/pull/1",
        labels: [],
        files: [{ path: "execution/a.py", changes: [{ start: 10, end: 11, section: "def run():" }] }],
        recordedAt: "2026-11-23T12:00:00.000Z",
      },
    ]);
  });
});
