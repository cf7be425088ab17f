import { spawn } from "node:child_process";
import { createHmac, generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { load } from "js-yaml";
import { describe, expect, it } from "vitest";
import { PULL_ACTIONS } from "../../src/app/index.js";

const root = new URL("../../", import.meta.url);

describe("app.yml", () => {
  const manifest = load(readFileSync(new URL("app.yml", root), "utf8")) as { default_events: string[]; default_permissions: Record<string, string> };

  it("asks for exactly the permissions the App uses", () => {
    expect(manifest.default_permissions).toEqual({ checks: "write", pull_requests: "read", issues: "write", contents: "write", metadata: "read", statuses: "write", actions: "read" });
  });

  it("subscribes to the events the App handles", () => {
    expect(manifest.default_events).toEqual(["pull_request", "issue_comment", "issues", "check_suite", "workflow_run"]);
    expect(PULL_ACTIONS).toEqual(["opened", "synchronize", "reopened", "ready_for_review", "converted_to_draft", "edited", "labeled", "unlabeled", "closed"]);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe("npm start (dist/server.js)", () => {
  // Without any App setting outside production it serves the setup page instead (test/e2e/setup-page.test.ts).
  it("without credentials in production: exits 2 saying what to set", async () => {
    const child = spawn(process.execPath, ["dist/server.js"], { cwd: root, env: { PATH: process.env.PATH ?? "", NODE_ENV: "production" } });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    const code = await new Promise((r) => child.on("exit", r));
    expect(code).toBe(2);
    expect(err).toBe(
      'pucs app: missing APP_ID, WEBHOOK_SECRET, PRIVATE_KEY or PRIVATE_KEY_PATH. Register the App from app.yml (see the README, "The GitHub App"), then set APP_ID, PRIVATE_KEY_PATH and WEBHOOK_SECRET (with a .env file: "node --env-file=.env dist/server.js").\n',
    );
  });

  it("with some settings but not all: exits 2 naming the rest, also outside production (no setup page over a half-configured App)", async () => {
    const child = spawn(process.execPath, ["dist/server.js"], { cwd: root, env: { PATH: process.env.PATH ?? "", APP_ID: "12" } });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    const code = await new Promise((r) => child.on("exit", r));
    expect(code).toBe(2);
    expect(err).toMatch(/^pucs app: missing WEBHOOK_SECRET, PRIVATE_KEY or PRIVATE_KEY_PATH\. Register the App/);
  });

  it("with Probot's environment: serves signed webhooks on PORT and rejects unsigned ones", async () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
    const port = await freePort();
    const child = spawn(process.execPath, ["dist/server.js"], {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", APP_ID: "1", PRIVATE_KEY: privateKey, WEBHOOK_SECRET: "s3cret", PORT: String(port), LOG_LEVEL: "error", NODE_ENV: "production" },
    });
    try {
      const url = `http://127.0.0.1:${port}/api/github/webhooks`;
      const body = JSON.stringify({ zen: "Keep it logically awesome.", hook_id: 1 });
      const sig = `sha256=${createHmac("sha256", "s3cret").update(body).digest("hex")}`;
      let ok: Response | null = null;
      for (let i = 0; i < 100 && !ok; i++) {
        ok = await fetch(url, { method: "POST", body, headers: { "content-type": "application/json", "x-github-event": "ping", "x-github-delivery": "1", "x-hub-signature-256": sig } }).catch(() => null);
        if (!ok) await new Promise((r) => setTimeout(r, 100));
      }
      expect(ok?.status).toBe(200);
      const bad = await fetch(url, { method: "POST", body, headers: { "content-type": "application/json", "x-github-event": "ping", "x-github-delivery": "2", "x-hub-signature-256": "sha256=00" } });
      expect(bad.status).toBe(400);
    } finally {
      child.kill();
    }
  });
});
