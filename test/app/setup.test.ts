/**
 * Where `npm start`'s setup flow writes a new App's credentials (src/app/setup.ts): `.env` and the
 * private key, mode 600; an existing `.env` is never rewritten.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { envFileWriter, readEnvFile, startMode, type EnvWrite } from "../../src/app/setup.js";

const PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nAAAA\n-----END RSA PRIVATE KEY-----\n";
/** What Probot's ManifestCreation hands to updateEnv after the code conversion. */
const converted = { APP_ID: "1234", PRIVATE_KEY: `"${PEM}"`, WEBHOOK_SECRET: "whsec", GITHUB_CLIENT_ID: "Iv23abc", GITHUB_CLIENT_SECRET: "cs3cret" };
const mode = (p: string) => statSync(p).mode & 0o777;

describe("startMode", () => {
  it("runs the App with every setting, a key from either variable", () => {
    expect(startMode({ APP_ID: "1", WEBHOOK_SECRET: "s", PRIVATE_KEY: "k" })).toEqual({ mode: "app" });
    expect(startMode({ APP_ID: "1", WEBHOOK_SECRET: "s", PRIVATE_KEY_PATH: "k.pem", NODE_ENV: "production" })).toEqual({ mode: "app" });
  });
  it("serves the setup page with none of them outside production", () => {
    expect(startMode({})).toEqual({ mode: "setup" });
    expect(startMode({ NODE_ENV: "development", PORT: "3000", GHE_HOST: "ghe.example.com" })).toEqual({ mode: "setup" });
  });
  it("fails naming what is missing in production, or when some are set", () => {
    const none = startMode({ NODE_ENV: "production" });
    expect(none.mode).toBe("fail");
    expect((none as { message: string }).message).toMatch(/^pucs app: missing APP_ID, WEBHOOK_SECRET, PRIVATE_KEY or PRIVATE_KEY_PATH\. /);
    expect((startMode({ PRIVATE_KEY_PATH: "k.pem" }) as { message: string }).message).toMatch(/^pucs app: missing APP_ID, WEBHOOK_SECRET\. /);
    expect((startMode({ APP_ID: "1", PRIVATE_KEY: "k" }) as { message: string }).message).toMatch(/^pucs app: missing WEBHOOK_SECRET\. /);
  });
});

describe("envFileWriter", () => {
  let dir: string;
  const saved = { ...process.env };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "pucs-env-"));
    for (const k of ["GHE_HOST", "GHE_PROTOCOL", "GH_ORG"]) delete process.env[k];
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  });

  it("creates .env (mode 600) with the key in its own file (mode 600), and puts the values in process.env", () => {
    const writes: EnvWrite[] = [];
    process.env.GHE_HOST = "ghe.example.com";
    const out = envFileWriter(dir, (w) => writes.push(w))(converted);
    expect(readFileSync(join(dir, ".env"), "utf8")).toBe(
      "# Written by PUCS's setup page (npm start without App settings).\nAPP_ID=1234\nPRIVATE_KEY_PATH=pucs-app-1234.private-key.pem\nWEBHOOK_SECRET=whsec\nGITHUB_CLIENT_ID=Iv23abc\nGITHUB_CLIENT_SECRET=cs3cret\nGHE_HOST=ghe.example.com\n",
    );
    expect(readFileSync(join(dir, "pucs-app-1234.private-key.pem"), "utf8")).toBe(PEM);
    expect(mode(join(dir, ".env"))).toBe(0o600);
    expect(mode(join(dir, "pucs-app-1234.private-key.pem"))).toBe(0o600);
    expect(out.PRIVATE_KEY).toBeUndefined();
    expect(process.env.APP_ID).toBe("1234");
    expect(process.env.PRIVATE_KEY_PATH).toBe("pucs-app-1234.private-key.pem");
    expect(writes).toEqual([{ file: join(dir, ".env"), keyFile: join(dir, "pucs-app-1234.private-key.pem"), keys: ["APP_ID", "PRIVATE_KEY_PATH", "WEBHOOK_SECRET", "GITHUB_CLIENT_ID", "GITHUB_CLIENT_SECRET", "GHE_HOST"] }]);
    // Probot's reader (Node's dotenv parser) gets the values back.
    expect(readEnvFile(dir)).toMatchObject({ APP_ID: "1234", WEBHOOK_SECRET: "whsec", PRIVATE_KEY_PATH: "pucs-app-1234.private-key.pem" });
  });

  it("appends to an existing .env below its lines, which stay byte for byte, and makes it mode 600", () => {
    const before = "# mine\nPORT=4000\nLOG_LEVEL=debug"; // no final newline
    writeFileSync(join(dir, ".env"), before);
    chmodSync(join(dir, ".env"), 0o644);
    const write = envFileWriter(dir);
    write({ WEBHOOK_PROXY_URL: "https://smee.io/abc" }); // Probot's smee channel comes first
    write(converted);
    const text = readFileSync(join(dir, ".env"), "utf8");
    expect(text.startsWith(`${before}\n`)).toBe(true);
    expect(text.slice(before.length + 1)).toBe(
      "WEBHOOK_PROXY_URL=https://smee.io/abc\nAPP_ID=1234\nPRIVATE_KEY_PATH=pucs-app-1234.private-key.pem\nWEBHOOK_SECRET=whsec\nGITHUB_CLIENT_ID=Iv23abc\nGITHUB_CLIENT_SECRET=cs3cret\n",
    );
    expect(mode(join(dir, ".env"))).toBe(0o600);
    expect(readEnvFile(dir)).toMatchObject({ PORT: "4000", APP_ID: "1234", WEBHOOK_PROXY_URL: "https://smee.io/abc" });
  });

  it("leaves a .env that already sets one of the values exactly as it was: they go to .env.pucs-setup", () => {
    const before = "GITHUB_CLIENT_ID=Iv23old\nPORT=4000\n";
    writeFileSync(join(dir, ".env"), before);
    const writes: EnvWrite[] = [];
    envFileWriter(dir, (w) => writes.push(w))(converted);
    expect(readFileSync(join(dir, ".env"), "utf8")).toBe(before);
    const side = readFileSync(join(dir, ".env.pucs-setup"), "utf8");
    expect(side.split("\n")[0]).toBe("# .env already sets GITHUB_CLIENT_ID: PUCS did not change it. Merge these lines into .env yourself.");
    expect(side).toContain("\nAPP_ID=1234\n");
    expect(mode(join(dir, ".env.pucs-setup"))).toBe(0o600);
    expect(writes[0]!.file).toBe(join(dir, ".env.pucs-setup"));
  });

  it("never overwrites a private key file", () => {
    writeFileSync(join(dir, "pucs-app-1234.private-key.pem"), "someone else's key\n");
    expect(() => envFileWriter(dir)(converted)).toThrow(/EEXIST/);
    expect(readFileSync(join(dir, "pucs-app-1234.private-key.pem"), "utf8")).toBe("someone else's key\n");
    expect(existsSync(join(dir, ".env"))).toBe(false);
  });
});
