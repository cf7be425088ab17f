/**
 * Runs the bundled Action (dist/index.js) as the GitHub runner does: a node child process with the
 * event payload at GITHUB_EVENT_PATH, INPUT_* variables, and GITHUB_OUTPUT / GITHUB_STEP_SUMMARY
 * files, against a FakeGitHub at GITHUB_API_URL. Payloads start from @octokit/webhooks-examples.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const DIST = join(ROOT, "dist", "index.js");

const require = createRequire(import.meta.url);
type Example = { name: string; actions: string[]; examples: Record<string, unknown>[] };
const EXAMPLES = require("@octokit/webhooks-examples/api.github.com/index.json") as Example[];

/** A deep copy of the first real webhook example of `event` (with `action`, when given). */
export function example(event: string, action?: string): Record<string, unknown> {
  const e = EXAMPLES.find((x) => x.name === event);
  if (!e) throw new Error(`no webhook example for ${event}`);
  const ex = e.examples.find((x) => action === undefined || x.action === action);
  if (!ex) throw new Error(`no ${event}.${action} example`);
  return structuredClone(ex);
}

export interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  /** `::error::` / `::warning::` workflow commands written to stdout. */
  commands: { command: string; props: string; message: string }[];
}

/** Parse the GITHUB_OUTPUT file-command format (`name<<DELIM\nvalue\nDELIM`). */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i]!);
    if (!m) continue;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i]!);
    out[m[1]!] = value.join("\n");
  }
  return out;
}

function unescapeProperty(s: string): string {
  return s.replace(/%3A/g, ":").replace(/%2C/g, ",").replace(/%0D/g, "\r").replace(/%0A/g, "\n").replace(/%25/g, "%");
}

function unescapeData(s: string): string {
  return s.replace(/%0D/g, "\r").replace(/%0A/g, "\n").replace(/%25/g, "%");
}

export async function runAction(opts: {
  apiUrl: string;
  event: string;
  payload: Record<string, unknown>;
  inputs?: Record<string, string>;
  repository?: string;
  env?: Record<string, string>;
}): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), "pucs-action-"));
  try {
    const eventPath = join(dir, "event.json");
    const outputPath = join(dir, "output");
    const summaryPath = join(dir, "summary.md");
    writeFileSync(eventPath, JSON.stringify(opts.payload));
    writeFileSync(outputPath, "");
    writeFileSync(summaryPath, "");
    const inputs = { token: "ghs_test", mode: "gate", "commit-protocol": "off", config: "", ...opts.inputs };
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "",
      HOME: dir,
      GITHUB_ACTIONS: "true",
      GITHUB_EVENT_NAME: opts.event,
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_REPOSITORY: opts.repository ?? "octo-org/octo-repo",
      GITHUB_API_URL: opts.apiUrl,
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_RUN_ID: "4242",
      GITHUB_OUTPUT: outputPath,
      GITHUB_STEP_SUMMARY: summaryPath,
      RUNNER_TEMP: dir,
      PUCS_RETRY_BASE_MS: "1", // retries of 5xx answers without the real 1 s / 4 s / 9 s waits
      ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
      ...opts.env,
    };
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [DIST], { env, cwd: dir, timeout: 60_000 }, (err, stdout, stderr) => {
        const c = err ? (typeof (err as { code?: unknown }).code === "number" ? ((err as { code: number }).code) : 1) : 0;
        resolve({ code: c, stdout, stderr });
      });
    });
    const commands: ActionRun["commands"] = [];
    for (const line of stdout.split("\n")) {
      const m = /^::(error|warning|notice)( [^:]*)?::(.*)$/.exec(line);
      if (m) commands.push({ command: m[1]!, props: unescapeProperty((m[2] ?? "").trim()), message: unescapeData(m[3]!) });
    }
    return { code, stdout, stderr, outputs: parseOutputFile(readFileSync(outputPath, "utf8")), summary: readFileSync(summaryPath, "utf8"), commands };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
