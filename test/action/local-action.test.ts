/** `npm run local-action` runs the Action's sources with @github/local-action (its toolkit stubs). */
import { execFile } from "node:child_process";
import { expect, test } from "vitest";
import { ROOT } from "./harness.js";

test("npm run local-action runs src/action/main.ts with the shipped env file", async () => {
  const { code, out } = await new Promise<{ code: number; out: string }>((resolve) => {
    execFile("npm", ["run", "--silent", "local-action"], { cwd: ROOT, timeout: 120_000, env: { ...process.env, NO_COLOR: "1" } }, (err, stdout, stderr) =>
      resolve({ code: err ? 1 : 0, out: stdout + stderr }),
    );
  });
  expect(code).toBe(0);
  expect(out).toContain("::set-output name=verdict::none");
  expect(out).toContain("::info::push to refs/heads/feature/stream-OBS-tracing, not the default branch (main): no verdict can have changed.");
  expect(out).toContain("::info::GitHub API: 0 reads, 0 writes");
}, 120_000);
