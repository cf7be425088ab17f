/**
 * A real headless browser for tests: Debian's `chromium`, installed with apt-get when it is missing.
 * A test that needs it FAILS (never skips) when it cannot be installed.
 *
 *   const browser = await chromium();
 *   const dom = await browser.dumpDom(url);          // the DOM after the page ran
 *   await browser.screenshot(url, "shot.png", [900, 640]);
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

function which(name: string): string | null {
  try {
    return execFileSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim() || null;
  } catch {
    return null;
  }
}

/** The chromium binary, installed (apt-get update; apt-get install chromium) when missing. */
export function ensureChromium(): string {
  const found = which("chromium") ?? which("chromium-browser");
  if (found) return found;
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  try {
    execFileSync("apt-get", ["update", "-qq"], { env, stdio: "pipe", timeout: 300_000 });
    execFileSync("apt-get", ["install", "-y", "-qq", "chromium"], { env, stdio: "pipe", timeout: 600_000 });
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    throw new Error(`chromium is missing and "apt-get install chromium" failed: ${err.stderr?.toString().trim() || err.message}`);
  }
  const installed = which("chromium");
  if (!installed) throw new Error('chromium is missing: "apt-get install chromium" succeeded but no chromium binary is on PATH');
  return installed;
}

export interface Chromium {
  binary: string;
  dumpDom(url: string): Promise<string>;
  screenshot(url: string, file: string, size: [number, number]): Promise<void>;
}

export function chromium(): Chromium {
  const binary = ensureChromium();
  const headless = async (args: string[]) => {
    // A fresh profile per run; nothing but loopback (no background or component-update traffic).
    const profile = mkdtempSync(join(tmpdir(), "pucs-chromium-"));
    try {
      const flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--hide-scrollbars",
        `--user-data-dir=${profile}`,
        ...args,
      ];
      const { stdout } = await run(binary, flags, { maxBuffer: 16 * 1024 * 1024, timeout: 60_000 });
      return stdout;
    } finally {
      rmSync(profile, { recursive: true, force: true });
    }
  };
  return {
    binary,
    dumpDom: (url) => headless(["--dump-dom", url]),
    screenshot: async (url, file, [w, h]) => {
      await headless([`--window-size=${w},${h}`, `--screenshot=${file}`, url]);
    },
  };
}

/** Decode the entities a DOM serializer writes in attribute values. */
export function decodeEntities(s: string): string {
  return s.replace(/&(quot|amp|lt|gt|apos|#39|#x27|nbsp);/g, (_, e: string) => ({ quot: '"', amp: "&", lt: "<", gt: ">", apos: "'", "#39": "'", "#x27": "'", nbsp: "\u00a0" })[e]!);
}
