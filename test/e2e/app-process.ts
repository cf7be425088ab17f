/**
 * The PUCS App as it runs in production: `node dist/server.js` (npm start) as a child process with
 * Probot's environment (a real RSA key, WEBHOOK_SECRET, PORT, GHE_HOST → the local GitHub), and
 * webhooks posted to it over HTTP, signed with `x-hub-signature-256`. Payloads start from
 * `@octokit/webhooks-examples` and carry the local GitHub's current state.
 *
 * Probot answers a webhook after its handlers finished (200), or 500 when one threw, 400 for a bad
 * signature: `send` returns that status and the time it took.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHmac, generateKeyPairSync, randomUUID } from "node:crypto";
import { createServer } from "node:net";
import { join } from "node:path";
import { example, ROOT } from "../action/harness.js";
import type { LocalGitHub, LocalRepo } from "./local-github.js";

export function appKeys(): { privateKey: string; publicKey: string } {
  return generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs1", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => (typeof a === "object" && a ? resolve(a.port) : reject(new Error("no port"))));
    });
  });
}

export function sign(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

export interface Delivery {
  event: string;
  payload: Record<string, unknown>;
  id?: string;
}

export class AppProcess {
  readonly webhookUrl: string;
  stderr = "";
  stdout = "";
  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
    readonly secret: string,
  ) {
    this.webhookUrl = `http://127.0.0.1:${port}/api/github/webhooks`;
    child.stderr!.on("data", (d) => (this.stderr += d));
    child.stdout!.on("data", (d) => (this.stdout += d));
  }

  static async start(gh: LocalGitHub, opts: { appId: number; privateKey: string; secret?: string; env?: Record<string, string> }): Promise<AppProcess> {
    const port = await freePort();
    const secret = opts.secret ?? "e2e-webhook-secret";
    const child = spawn(process.execPath, [join(ROOT, "dist", "server.js")], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        APP_ID: String(opts.appId),
        PRIVATE_KEY: opts.privateKey,
        WEBHOOK_SECRET: secret,
        PORT: String(port),
        HOST: "127.0.0.1",
        GHE_HOST: gh.host,
        GHE_PROTOCOL: "http",
        LOG_LEVEL: "warn",
        NODE_ENV: "production",
        ...opts.env,
      },
    });
    const app = new AppProcess(child, port, secret);
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`dist/server.js exited with ${child.exitCode}: ${app.stderr}${app.stdout}`);
      const ok = await fetch(`http://127.0.0.1:${port}/api/github/webhooks`, { method: "GET" }).then(
        () => true,
        () => false,
      );
      if (ok) return app;
      if (Date.now() > deadline) throw new Error(`dist/server.js did not listen on ${port} within 15 s: ${app.stderr}${app.stdout}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** POST one webhook; `secret` overrides the signing secret (a forged delivery). */
  async send(d: Delivery, opts: { secret?: string } = {}): Promise<{ status: number; body: string; ms: number }> {
    const body = JSON.stringify(d.payload);
    const t0 = performance.now();
    const res = await fetch(this.webhookUrl, {
      method: "POST",
      body,
      headers: {
        "content-type": "application/json",
        "user-agent": "GitHub-Hookshot/e2e",
        "x-github-event": d.event,
        "x-github-delivery": d.id ?? randomUUID(),
        "x-github-hook-id": "1",
        "x-hub-signature-256": sign(opts.secret ?? this.secret, body),
      },
    });
    const text = await res.text();
    return { status: res.status, body: text, ms: performance.now() - t0 };
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const done = new Promise((r) => this.child.once("exit", r));
    this.child.kill("SIGTERM");
    await done;
  }
}

function repoPart(gh: LocalGitHub, repo: LocalRepo, payload: Record<string, unknown>): void {
  payload.repository = repo.repoJson(gh.gheUrl);
  payload.installation = { id: repo.installationId, node_id: Buffer.from(`023:Installation${repo.installationId}`).toString("base64") };
}

/** A pull_request webhook for PR `number` as the local GitHub has it now. */
export function pullEvent(gh: LocalGitHub, repo: LocalRepo, number: number, action: string, extra: Record<string, unknown> = {}): Delivery {
  const payload = example("pull_request", action === "synchronize" || action === "closed" || action === "labeled" ? action : "opened");
  payload.action = action;
  payload.number = number;
  payload.pull_request = repo.pullJson(repo.pull(number), gh.gheUrl);
  repoPart(gh, repo, payload);
  payload.sender = gh.user(repo.pull(number).author);
  if (action === "synchronize") {
    payload.before = "0".repeat(40);
    payload.after = repo.pull(number).headSha;
  }
  Object.assign(payload, extra);
  return { event: "pull_request", payload };
}

/** `login` comments `body` on PR `number`: the comment is created in the local GitHub, and its webhook returned. */
export function commentEvent(gh: LocalGitHub, repo: LocalRepo, number: number, login: string, body: string): Delivery {
  const c = repo.addComment(number, login, body);
  const payload = example("issue_comment", "created");
  const pr = repo.pullJson(repo.pull(number), gh.gheUrl);
  payload.issue = {
    ...(payload.issue as object),
    url: pr.issue_url,
    html_url: pr.html_url,
    id: 8_000_000 + number,
    number,
    title: pr.title,
    user: pr.user,
    labels: pr.labels,
    state: pr.state,
    body: pr.body,
    pull_request: { url: pr.url, html_url: pr.html_url, diff_url: pr.diff_url, patch_url: `${pr.html_url}.patch`, merged_at: pr.merged_at },
  };
  payload.comment = repo.commentJson(c, gh.gheUrl);
  repoPart(gh, repo, payload);
  payload.sender = gh.user(login);
  return { event: "issue_comment", payload };
}
