/**
 * `npm start`: the PUCS App as a web server, configured by Probot's standard environment:
 * APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET, PORT (default 3000), GHE_HOST /
 * GHE_PROTOCOL for GitHub Enterprise Server, LOG_LEVEL, and optionally REDIS_URL (shares Octokit's
 * throttling between instances), PUCS_RETRY_BASE_MS (see src/app/octokit.ts). Webhooks are served at
 * /api/github/webhooks.
 */
import { run } from "probot";
import app from "./index.js";
import { PucsOctokit } from "./octokit.js";

const missing = ["APP_ID", "WEBHOOK_SECRET"].filter((k) => !process.env[k]);
if (!process.env.PRIVATE_KEY && !process.env.PRIVATE_KEY_PATH) missing.push("PRIVATE_KEY or PRIVATE_KEY_PATH");
if (missing.length > 0) {
  process.stderr.write(
    `pucs app: missing ${missing.join(", ")}. Register the App from app.yml (see the README, "The GitHub App"), then set APP_ID, PRIVATE_KEY_PATH and WEBHOOK_SECRET (with a .env file: "node --env-file=.env dist/server.js").\n`,
  );
  process.exit(2);
}

await run(app, { Octokit: PucsOctokit });
