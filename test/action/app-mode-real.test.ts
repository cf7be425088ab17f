/**
 * mode: app with the real App bundle (dist/app.js beside dist/index.js), run as the runner runs the
 * Action, against the local GitHub: a pull_request event yields the PUCS / conflicts check run and
 * the PR's footprint in the ledger on refs/pucs/ledger, with every request valid for GitHub's API.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { LocalGitHub, type LocalRepo } from "../e2e/local-github.js";
import { ledgerAt } from "../e2e/support.js";
import { example, runAction } from "./harness.js";

const ROOT = join(import.meta.dirname, "..", "..");
let gh: LocalGitHub;
let repo: LocalRepo;

beforeAll(async () => {
  gh = await LocalGitHub.start();
  repo = await gh.createRepo("octo-org/octo-repo", {
    files: {
      "config/pucs_streams.yaml": readFileSync(join(ROOT, "config", "pucs_streams.yaml"), "utf8"),
      "observability/metrics.py": "def collect():\n    return 1\n",
    },
  });
});
afterAll(async () => gh.stop());

function prPayload(number: number): Record<string, unknown> {
  const p = repo.pull(number);
  const payload = example("pull_request", "opened");
  const pr = payload.pull_request as Record<string, unknown>;
  Object.assign(pr, repo.pullJson(p, gh.url));
  payload.number = number;
  const r = payload.repository as Record<string, unknown>;
  Object.assign(r, { name: "octo-repo", full_name: "octo-org/octo-repo", default_branch: "main", owner: { ...(r.owner as object), login: "octo-org" } });
  return payload;
}

test("mode: app runs the real App on the job's event: check run, footprint, nothing GitHub would refuse", async () => {
  const pr = await repo.createPull({ author: "alice", title: "[PUCS-OBS] feat: a metric", files: { "observability/metrics.py": "def collect():\n    return 2\n" } });
  const r = await runAction({ apiUrl: gh.url, event: "pull_request", payload: prPayload(pr.number), inputs: { mode: "app" } });
  expect(r.commands.filter((c) => c.command === "error"), r.stdout).toEqual([]);
  expect(r.code).toBe(0);
  expect(gh.problems()).toEqual([]);
  const runs = [...repo.checkRuns.values()].filter((c) => c.headSha === pr.headSha);
  expect(runs.map((c) => [c.name, c.conclusion, c.output.title])).toEqual([["PUCS / conflicts", "success", "No conflicts"]]);
  const ledger = (await ledgerAt(repo.gitDir))!;
  expect(ledger.footprints.map((f) => [f.change, f.agent, f.stream, f.headSha, f.files.map((x) => x.path)])).toEqual([["#1", "alice", "OBS", pr.headSha, ["observability/metrics.py"]]]);
});
