/**
 * `npm start` without App settings: what to do, and where Probot's setup flow writes the new App's
 * credentials.
 *
 * Probot 14's own setup flow (`run()` without APP_ID / private key: the page at `/probot` whose one
 * button posts app.yml as a manifest to GitHub, and the `/probot/setup` callback that exchanges
 * GitHub's code with `POST /app-manifests/{code}/conversions`) is used unchanged. Two things differ
 * from `probot run`: where the credentials go (Probot rewrites `.env` in place; `envFileWriter`
 * never changes a line that is already there, keeps the key in a file and makes both mode 600), and
 * what happens next (the server starts the App itself; see server.ts).
 */
import { closeSync, chmodSync, existsSync, openSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";

/** The settings the App cannot run without. */
export const APP_SETTINGS = ["APP_ID", "WEBHOOK_SECRET", "PRIVATE_KEY", "PRIVATE_KEY_PATH"] as const;

export type StartMode = { mode: "app" } | { mode: "setup" } | { mode: "fail"; message: string };

/**
 * App settings complete → run the App; none at all and not production → Probot's setup flow; anything
 * else (some missing, or none in production) → the message naming what to set.
 */
export function startMode(env: Record<string, string | undefined>): StartMode {
  const missing = ["APP_ID", "WEBHOOK_SECRET"].filter((k) => !env[k]);
  if (!env.PRIVATE_KEY && !env.PRIVATE_KEY_PATH) missing.push("PRIVATE_KEY or PRIVATE_KEY_PATH");
  if (missing.length === 0) return { mode: "app" };
  const none = APP_SETTINGS.every((k) => !env[k]);
  if (none && env.NODE_ENV !== "production") return { mode: "setup" };
  return {
    mode: "fail",
    message: `pucs app: missing ${missing.join(", ")}. Register the App from app.yml (see the README, "The GitHub App"), then set APP_ID, PRIVATE_KEY_PATH and WEBHOOK_SECRET (with a .env file: "node --env-file=.env dist/server.js").\n`,
  };
}

/** `dir/.env` as Probot reads it (Node's dotenv parser), or {} when there is none. */
export function readEnvFile(dir: string): Record<string, string> {
  const path = join(dir, ".env");
  if (!existsSync(path)) return {};
  return parseEnv(readFileSync(path, "utf8")) as Record<string, string>;
}

export interface EnvWrite {
  /** The file the settings went to: `.env`, or `.env.pucs-setup` when `.env` already had one of them. */
  file: string;
  /** The private key file, when this write carried the key. */
  keyFile?: string;
  keys: string[];
}

/** A .env value on one line: bare when it is plain, else double-quoted (Node's parser expands \n there). */
function formatValue(v: string): string {
  if (/^[A-Za-z0-9_./:@+,=-]*$/.test(v)) return v;
  return `"${v.replace(/\n/g, "\\n")}"`;
}

/** Create `path` with `text`, mode 600; refuses (EEXIST) when it exists. */
function createPrivate(path: string, text: string): void {
  const fd = openSync(path, "wx", 0o600);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

/**
 * The `updateEnv` Probot's setup flow calls (first with WEBHOOK_PROXY_URL when it made a smee.io
 * channel, then with APP_ID, PRIVATE_KEY, WEBHOOK_SECRET, GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET).
 *
 * - The private key goes to `pucs-app-<APP_ID>.private-key.pem` (mode 600, never overwritten) and
 *   `.env` gets PRIVATE_KEY_PATH instead of a multi-line PRIVATE_KEY.
 * - No `.env`: it is created, mode 600. An existing `.env` is never rewritten: the new settings are
 *   appended below its lines (and the file made mode 600, it now holds secrets), unless it already has
 *   one of them: then they go to `.env.pucs-setup` and `.env` is left exactly as it was.
 * - GHE_HOST, GHE_PROTOCOL and GH_ORG set in the environment are kept in the file too, so the next
 *   start talks to the same GitHub.
 * - The values are also put in process.env (Probot reads WEBHOOK_PROXY_URL back from there).
 */
export function envFileWriter(dir: string, onWrite: (w: EnvWrite) => void = () => {}): (env: NodeJS.ProcessEnv) => NodeJS.ProcessEnv {
  return (incoming) => {
    const env: Record<string, string> = {};
    let keyFile: string | undefined;
    for (const [k, v] of Object.entries(incoming)) {
      if (v === undefined) continue;
      if (k === "PRIVATE_KEY") {
        // Probot hands the PEM over wrapped in double quotes for its own .env format.
        const pem = v.replace(/^"|"$/g, "");
        const name = `pucs-app-${incoming.APP_ID ?? "new"}.private-key.pem`;
        createPrivate(join(dir, name), pem.endsWith("\n") ? pem : `${pem}\n`);
        keyFile = join(dir, name);
        env.PRIVATE_KEY_PATH = name;
      } else {
        env[k] = v;
      }
    }
    if (incoming.APP_ID) {
      for (const k of ["GHE_HOST", "GHE_PROTOCOL", "GH_ORG"]) if (process.env[k] && !(k in env)) env[k] = process.env[k]!;
    }
    const envPath = join(dir, ".env");
    const existing = existsSync(envPath) ? readFileSync(envPath, "utf8") : null;
    const had = existing === null ? {} : (parseEnv(existing) as Record<string, string>);
    const clash = Object.keys(env).filter((k) => k in had && had[k] !== env[k]);
    const lines = Object.entries(env)
      .filter(([k]) => !(k in had && had[k] === env[k]))
      .map(([k, v]) => `${k}=${formatValue(v)}\n`)
      .join("");
    let file = envPath;
    if (existing === null) {
      createPrivate(envPath, `# Written by PUCS's setup page (npm start without App settings).\n${lines}`);
    } else if (clash.length === 0) {
      const fd = openSync(envPath, "a", 0o600);
      try {
        writeSync(fd, `${existing.length && !existing.endsWith("\n") ? "\n" : ""}${lines}`);
      } finally {
        closeSync(fd);
      }
      chmodSync(envPath, 0o600);
    } else {
      file = join(dir, ".env.pucs-setup");
      const fd = openSync(file, "a", 0o600);
      try {
        writeSync(fd, `# .env already sets ${clash.join(", ")}: PUCS did not change it. Merge these lines into .env yourself.\n${lines}`);
      } finally {
        closeSync(fd);
      }
      chmodSync(file, 0o600);
    }
    Object.assign(process.env, env);
    onWrite({ file, keys: Object.keys(env), ...(keyFile ? { keyFile } : {}) });
    return env;
  };
}
