/**
 * From nothing to a running App, as a newcomer does it: `npm start` (dist/server.js) without any App
 * setting serves Probot's setup page; a real headless browser (Debian's chromium) renders it; its one
 * button's form carries app.yml as the manifest and posts it to GitHub (here the local GitHub, via
 * GHE_HOST, for an organization via GH_ORG); GitHub's redirect back with a code makes the server
 * exchange it (`POST /app-manifests/{code}/conversions`, checked against GitHub's OpenAPI
 * description), write `.env` and the key (mode 600), start the App in the same process and print the
 * installation URL; the App then handles a signed pull_request webhook with those credentials (its
 * JWT verified against the new App's public key).
 *
 * The screenshot of the page is kept in .tmp/test-artifacts/setup-page.png (docs/setup-page.png is
 * a copy of it, for the README).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { load } from "js-yaml";
import { afterAll, beforeAll, expect, test } from "vitest";
import { ROOT } from "../action/harness.js";
import { chromium, decodeEntities, type Chromium } from "../support/chromium.js";
import { freePort, pullEvent, sign, type Delivery } from "./app-process.js";
import { LocalGitHub, type LocalRepo } from "./local-github.js";
import { responseSchema, validate } from "./openapi.js";

const appYml = load(readFileSync(join(ROOT, "app.yml"), "utf8")) as Record<string, any>;
const ARTIFACTS = join(ROOT, ".tmp", "test-artifacts");

let gh: LocalGitHub;
let repo: LocalRepo;
let dir: string;
let port: number;
let server: ChildProcess;
let out = "";
let browser: Chromium;

async function until<T>(what: string, check: () => T | Promise<T>, timeoutMs = 30_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline || server.exitCode !== null) throw new Error(`gave up waiting for: ${what}\nserver output:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  // First: when chromium is missing it is installed (apt-get), which may take minutes; failing, it throws.
  browser = chromium();
  gh = await LocalGitHub.start({ requireToken: true });
  repo = await gh.createRepo("octo-org/octo-repo", {
    files: { "config/pucs_streams.yaml": readFileSync(join(ROOT, "config", "pucs_streams.yaml"), "utf8"), "execution/fill_predictor.py": "def predict():\n    return 1\n" },
    installationId: 31,
  });
  // A clone's working directory, as far as the server reads it: app.yml and package.json, no .env.
  dir = mkdtempSync(join(tmpdir(), "pucs-setup-"));
  copyFileSync(join(ROOT, "app.yml"), join(dir, "app.yml"));
  copyFileSync(join(ROOT, "package.json"), join(dir, "package.json"));
  port = await freePort();
  server = spawn(process.execPath, [join(ROOT, "dist", "server.js")], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "", PORT: String(port), HOST: "127.0.0.1", GHE_HOST: gh.host, GHE_PROTOCOL: "http", GH_ORG: "octo-org", LOG_LEVEL: "warn" },
  });
  server.stdout!.on("data", (d) => (out += d));
  server.stderr!.on("data", (d) => (out += d));
  await until("the setup page", () => fetch(`http://127.0.0.1:${port}/probot`).then((r) => r.ok, () => false));
  await until("the greeting", () => out.includes("smee.io"));
  expect(out).toContain(`pucs app: no App settings, so this is Probot's setup page: open http://127.0.0.1:${port} and click "Register GitHub App".\n`);
}, 900_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.once("exit", r));
    server.kill("SIGTERM");
    await exited;
  }
  await gh?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

let manifest: Record<string, any>;
let formAction: string;

test("the setup page in a headless browser: one button whose form carries app.yml as the manifest", async () => {
  const dom = await browser.dumpDom(`http://127.0.0.1:${port}/`); // "/" redirects to /probot
  expect(dom).toContain("<title>Setup pucs | built with Probot</title>");
  const forms = [...dom.matchAll(/<form\b[^>]*>/g)].map((m) => m[0]);
  expect(forms).toHaveLength(1);
  formAction = decodeEntities(/action="([^"]*)"/.exec(forms[0]!)![1]!);
  expect(/method="post"/i.test(forms[0]!)).toBe(true);
  // GH_ORG: registered for the organization, on the GitHub of GHE_HOST.
  expect(formAction).toBe(`http://${gh.host}/organizations/octo-org/settings/apps/new`);
  const buttons = [...dom.matchAll(/<button\b[^>]*>([^<]*)<\/button>/g)];
  expect(buttons.map((b) => b[1]!.trim())).toEqual(["Register GitHub App"]);
  expect(/name="manifest"/.test(buttons[0]![0])).toBe(true);
  manifest = JSON.parse(decodeEntities(/value="([^"]*)"/.exec(buttons[0]![0])![1]!));
  expect(manifest.default_permissions).toEqual(appYml.default_permissions);
  expect(manifest.default_events).toEqual(appYml.default_events);
  // (test/app/manifest.test.ts pins what app.yml holds.)
  expect(Object.keys(manifest.default_permissions).length).toBeGreaterThan(0);
  expect(manifest.default_events.length).toBeGreaterThan(0);
  expect(manifest.name).toBe("PUCS");
  expect(manifest.public).toBe(false);
  expect(manifest.description).toBe(appYml.description);
  expect(manifest.url).toBe(appYml.url);
  // Webhooks go to where the page was opened (the App takes them at /), GitHub comes back to /probot/setup.
  expect(manifest.hook_attributes).toEqual({ url: `http://127.0.0.1:${port}/` });
  expect(manifest.redirect_url).toBe(`http://127.0.0.1:${port}/probot/setup`);

  mkdirSync(ARTIFACTS, { recursive: true });
  const shot = join(ARTIFACTS, "setup-page.png");
  rmSync(shot, { force: true });
  await browser.screenshot(`http://127.0.0.1:${port}/probot`, shot, [900, 640]);
  const png = readFileSync(shot);
  expect(png.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
  expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([900, 640]);
  // Nothing went to GitHub yet: the page only renders.
  expect(gh.log).toEqual([]);
});

test("GitHub's callback: the code is exchanged, .env and the key written (mode 600), the App starts and works", async () => {
  expect(manifest, "the browser test above ran").toBeDefined();
  // The button: the browser posts the form to GitHub, which redirects back with a code.
  const created = await fetch(formAction, { method: "POST", body: new URLSearchParams({ manifest: JSON.stringify(manifest) }), redirect: "manual" });
  expect(created.status).toBe(302);
  const back = created.headers.get("location")!;
  const code = gh.registrations[0]!.code;
  expect(back).toBe(`http://127.0.0.1:${port}/probot/setup?code=${code}`);
  expect(gh.registrations[0]!.org).toBe("octo-org");

  const done = await fetch(back, { redirect: "manual" });
  expect(done.status).toBe(302);
  expect(done.headers.get("location")).toBe(`${gh.url}/apps/pucs/installations/new`);
  const conversions = gh.requests("apps/create-from-manifest");
  expect(conversions.map((e) => [e.method, e.path, e.status])).toEqual([["POST", `/app-manifests/${code}/conversions`, 201]]);
  const registered = gh.registrations[0]!.app!;
  expect(validate(responseSchema("apps/create-from-manifest", 201)!, registered)).toEqual([]);
  expect(registered.permissions).toEqual(appYml.default_permissions);
  expect(registered.events).toEqual(appYml.default_events);

  const envFile = join(dir, ".env");
  const keyFile = join(dir, `pucs-app-${registered.id}.private-key.pem`);
  expect(readFileSync(envFile, "utf8")).toBe(
    [
      "# Written by PUCS's setup page (npm start without App settings).",
      `APP_ID=${registered.id}`,
      `PRIVATE_KEY_PATH=pucs-app-${registered.id}.private-key.pem`,
      `WEBHOOK_SECRET=${registered.webhook_secret}`,
      `GITHUB_CLIENT_ID=${registered.client_id}`,
      `GITHUB_CLIENT_SECRET=${registered.client_secret}`,
      `GHE_HOST=${gh.host}`,
      "GHE_PROTOCOL=http",
      "GH_ORG=octo-org",
      "",
    ].join("\n"),
  );
  expect(readFileSync(keyFile, "utf8")).toBe(registered.pem);
  expect(statSync(envFile).mode & 0o777).toBe(0o600);
  expect(statSync(keyFile).mode & 0o777).toBe(0o600);
  expect(readdirSync(dir).sort()).toEqual([".env", "app.yml", "package.json", `pucs-app-${registered.id}.private-key.pem`]);

  // The same process now runs the App and says where to install it.
  await until("the installation URL", () => out.includes("Install it on your repositories"));
  expect(out).toContain(`pucs app: PUCS is running. Install it on your repositories: ${gh.url}/apps/pucs/installations/new\n`);
  const code2 = await fetch(`http://127.0.0.1:${port}/probot/setup?code=${code}`, { redirect: "manual" });
  expect(code2.status).toBe(404); // the setup routes are gone

  // A pull request, delivered to the webhook URL the manifest registered, signed with the new secret.
  const pr = await repo.createPull({ author: "alice", files: { "execution/fill_predictor.py": "def predict():\n    return 2\n" } });
  const delivery: Delivery = pullEvent(gh, repo, pr.number, "opened");
  const body = JSON.stringify(delivery.payload);
  const post = (url: string, secret: string) =>
    fetch(url, { method: "POST", body, headers: { "content-type": "application/json", "x-github-event": delivery.event, "x-github-delivery": randomUUID(), "x-hub-signature-256": sign(secret, body) } });
  expect((await post(manifest.hook_attributes.url, "not-the-secret")).status).toBe(400);
  expect(gh.requests("apps/create-installation-access-token")).toEqual([]);
  const ok = await post(manifest.hook_attributes.url, String(registered.webhook_secret));
  expect([200, 202]).toContain(ok.status);
  const check = await until("the PUCS / conflicts check run", () => [...repo.checkRuns.values()].find((c) => c.name === "PUCS / conflicts" && c.status === "completed"));
  expect(check.app).toBe("pucs");
  // Authenticated as the new App: its JWT verified against the registered key.
  expect(gh.requests("apps/create-installation-access-token").map((e) => e.status)).toContain(201);
  expect(gh.problems()).toEqual([]);
  expect(existsSync(join(dir, ".env.pucs-setup"))).toBe(false);
});

test("the local GitHub refuses what GitHub refuses: a manifest without a homepage, a code used twice", async () => {
  const bad = await fetch(formAction, { method: "POST", body: new URLSearchParams({ manifest: JSON.stringify({ ...manifest, url: undefined }) }), redirect: "manual" });
  expect(bad.status).toBe(422);
  expect(await bad.text()).toContain("Invalid GitHub App configuration: url (the App&#39;s homepage) must be an http(s) URL".replace("&#39;", "'"));
  const used = await fetch(`${gh.gheUrl}/app-manifests/${gh.registrations[0]!.code}/conversions`, { method: "POST" });
  expect(used.status).toBe(404);
  expect(gh.problems().map((e) => [e.method, e.path, e.problem])).toEqual([["POST", "/organizations/octo-org/settings/apps/new", "invalid-body"]]);
});

test('"or use an existing GitHub App": the id, key and secret given on the import page are written the same way, and the App starts', async () => {
  const registered = gh.registrations[0]?.app;
  expect(registered, "the callback test above ran").toBeTruthy();
  const dir2 = mkdtempSync(join(tmpdir(), "pucs-import-"));
  const port2 = await freePort();
  let out2 = "";
  const child = spawn(process.execPath, [join(ROOT, "dist", "server.js")], {
    cwd: dir2,
    env: { PATH: process.env.PATH ?? "", PORT: String(port2), HOST: "127.0.0.1", GHE_HOST: gh.host, GHE_PROTOCOL: "http", LOG_LEVEL: "warn" },
  });
  child.stdout!.on("data", (d) => (out2 += d));
  child.stderr!.on("data", (d) => (out2 += d));
  try {
    const deadline = Date.now() + 30_000;
    while (!(await fetch(`http://127.0.0.1:${port2}/probot/import`).then((r) => r.ok, () => false))) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no import page: ${out2}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const page = await (await fetch(`http://127.0.0.1:${port2}/probot/import`)).text();
    expect(page).toContain("Use existing Github App");
    const r = await fetch(`http://127.0.0.1:${port2}/probot/import`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ appId: String(registered!.id), pem: registered!.pem, webhook_secret: registered!.webhook_secret }),
    });
    expect(r.status).toBe(200);
    expect(readFileSync(join(dir2, ".env"), "utf8")).toBe(
      [
        "# Written by PUCS's setup page (npm start without App settings).",
        `APP_ID=${registered!.id}`,
        `PRIVATE_KEY_PATH=pucs-app-${registered!.id}.private-key.pem`,
        `WEBHOOK_SECRET=${registered!.webhook_secret}`,
        `GHE_HOST=${gh.host}`,
        "GHE_PROTOCOL=http",
        "",
      ].join("\n"),
    );
    expect(readFileSync(join(dir2, `pucs-app-${registered!.id}.private-key.pem`), "utf8")).toBe(registered!.pem);
    const deadline2 = Date.now() + 30_000;
    while (!out2.includes("Install it on your repositories")) {
      if (Date.now() > deadline2 || child.exitCode !== null) throw new Error(`the imported App did not start: ${out2}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(out2).toContain(`pucs app: PUCS is running. Install it on your repositories: ${gh.url}/apps/pucs/installations/new\n`);
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(dir2, { recursive: true, force: true });
  }
});
