/** The Action's inputs and the GitHub Actions environment, read and checked (pure: values in). */
import { ActionError, type CommitProtocol } from "./gate-run.js";

export type ActionMode = "gate" | "check" | "app";

export interface ActionInputs {
  token: string;
  /** null = config/pucs_streams.yaml, then .github/pucs.yml. */
  config: string | null;
  mode: ActionMode;
  commitProtocol: CommitProtocol;
}

const MODES: readonly ActionMode[] = ["gate", "check", "app"];
const PROTOCOLS: readonly CommitProtocol[] = ["off", "warn", "enforce"];

/** `get(name)` returns the input's value ("" when unset), as `core.getInput` does. */
export function parseInputs(get: (name: string) => string): ActionInputs {
  const problems: string[] = [];
  const token = get("token").trim();
  const mode = (get("mode").trim() || "gate") as ActionMode;
  const commitProtocol = (get("commit-protocol").trim() || "off") as CommitProtocol;
  const config = get("config").trim() || null;
  if (!MODES.includes(mode)) problems.push(`input \`mode\` is "${mode}"; use one of ${MODES.join(", ")}`);
  if (!PROTOCOLS.includes(commitProtocol)) problems.push(`input \`commit-protocol\` is "${commitProtocol}"; use one of ${PROTOCOLS.join(", ")}`);
  if (token === "") problems.push("input `token` is empty; pass `token: ${{ github.token }}` (the default) or a token with contents: read, pull-requests: read and statuses: write");
  if (config !== null && (config.startsWith("/") || config.split("/").includes(".."))) {
    problems.push(`input \`config\` is "${config}"; give a path inside the repository, relative to its root (e.g. config/pucs_streams.yaml)`);
  }
  if (problems.length) throw new ActionError(`The PUCS merge gate's inputs are wrong:\n${problems.map((p) => `- ${p}`).join("\n")}`);
  return { token, config, mode, commitProtocol };
}

export interface ActionEnv {
  eventName: string;
  eventPath: string;
  owner: string;
  repo: string;
  apiUrl: string;
  /** Link to this workflow run, or null when the run id is unknown (local runs). */
  runUrl: string | null;
  /** Clock override for tests and replays (PUCS_NOW: epoch ms or ISO-8601); null = the real clock. */
  now: number | null;
}

export function parseEnv(env: Record<string, string | undefined>): ActionEnv {
  const missing = ["GITHUB_EVENT_NAME", "GITHUB_EVENT_PATH", "GITHUB_REPOSITORY"].filter((k) => !env[k]);
  if (missing.length) {
    throw new ActionError(
      `${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not set: the merge gate runs inside a GitHub Actions job (locally: \`npm run local-action\` with an .env file that sets them).`,
    );
  }
  const full = env.GITHUB_REPOSITORY!;
  const m = /^([^/\s]+)\/([^/\s]+)$/.exec(full);
  if (!m) throw new ActionError(`GITHUB_REPOSITORY is "${full}"; expected owner/name.`);
  const server = (env.GITHUB_SERVER_URL || "https://github.com").replace(/\/$/, "");
  let now: number | null = null;
  if (env.PUCS_NOW) {
    now = /^\d+$/.test(env.PUCS_NOW) ? Number(env.PUCS_NOW) : Date.parse(env.PUCS_NOW);
    if (!Number.isFinite(now)) throw new ActionError(`PUCS_NOW is "${env.PUCS_NOW}"; give epoch milliseconds or an ISO-8601 time.`);
  }
  return {
    eventName: env.GITHUB_EVENT_NAME!,
    eventPath: env.GITHUB_EVENT_PATH!,
    owner: m[1]!,
    repo: m[2]!,
    apiUrl: (env.GITHUB_API_URL || "https://api.github.com").replace(/\/$/, ""),
    runUrl: env.GITHUB_RUN_ID ? `${server}/${full}/actions/runs/${env.GITHUB_RUN_ID}` : null,
    now,
  };
}
