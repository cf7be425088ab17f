/** Repository hygiene: the shipped workflows and action.yml say what the Action needs, and no
 *  workflow runs untrusted PR code with secrets. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { load } from "js-yaml";
import { expect, test } from "vitest";
import { ROOT } from "./harness.js";

type Y = Record<string, any>;
const WF = join(ROOT, ".github/workflows");
const workflows = readdirSync(WF)
  .filter((f) => /\.ya?ml$/.test(f))
  .map((f) => ({ file: f, text: readFileSync(join(WF, f), "utf8"), doc: load(readFileSync(join(WF, f), "utf8")) as Y }));

test("action.yml: node24, the committed bundle, the documented inputs and outputs", () => {
  const a = load(readFileSync(join(ROOT, "action.yml"), "utf8")) as Y;
  expect(a.runs).toEqual({ using: "node24", main: "dist/index.js" });
  expect(Object.keys(a.inputs)).toEqual(["token", "config", "mode", "commit-protocol"]);
  expect(a.inputs.token.default).toBe("${{ github.token }}");
  expect(a.inputs.mode.default).toBe("gate");
  expect(a.inputs["commit-protocol"].default).toBe("off");
  expect(Object.keys(a.outputs)).toEqual(["streams", "phase", "verdict", "blocked-by", "test-patterns", "report"]);
});

test("no workflow uses pull_request_target", () => {
  expect(workflows.length).toBeGreaterThanOrEqual(2);
  for (const w of workflows) {
    expect(Object.keys(w.doc.on ?? {}), w.file).not.toContain("pull_request_target");
    const code = w.text.split("\n").filter((l) => !/^\s*#/.test(l)).join("\n");
    expect(code, w.file).not.toMatch(/pull_request_target/);
  }
});

test("no workflow splices an expression into a shell script", () => {
  for (const w of workflows) {
    for (const job of Object.values(w.doc.jobs as Y)) {
      for (const step of (job as Y).steps ?? []) {
        if (typeof step.run === "string") expect(step.run, `${w.file}: ${step.run}`).not.toMatch(/\$\{\{/);
      }
    }
  }
});

test("CI installs from the lockfile and runs npm test (which includes check-dist)", () => {
  const ci = workflows.find((w) => w.file === "ci.yml")!;
  const runs = (ci.doc.jobs.test.steps as Y[]).map((s) => s.run).filter(Boolean);
  expect(runs).toEqual(["npm ci", "npm test"]);
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as Y;
  expect(pkg.scripts.test).toContain("npm run check-dist");
});

test("the gate workflow: every event the gate handles, least permissions", () => {
  const g = workflows.find((w) => w.file === "merge-gate.yml")!;
  expect(g.doc.on.pull_request.types).toEqual(["opened", "synchronize", "reopened", "ready_for_review", "converted_to_draft", "labeled", "unlabeled", "edited", "closed"]);
  expect(g.doc.on.merge_group.types).toEqual(["checks_requested"]);
  expect(g.doc.permissions).toEqual({ contents: "read", "pull-requests": "read", statuses: "write" });
  expect(g.doc.concurrency["cancel-in-progress"]).toBe(false);
});
