/**
 * `npm start`: the PUCS App as a web server, configured by Probot's standard environment (also read
 * from `.env` in the working directory): APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET,
 * PORT (default 3000), HOST, GHE_HOST / GHE_PROTOCOL for GitHub Enterprise Server, LOG_LEVEL, and
 * optionally REDIS_URL (shares Octokit's throttling between instances), PUCS_RETRY_BASE_MS (see
 * src/app/octokit.ts). Webhooks are served at /api/github/webhooks, and at / (the URL Probot's setup
 * page registers).
 *
 * Without any of the App settings (and NODE_ENV not "production"), Probot's setup flow is served
 * instead (see setup.ts): http://localhost:PORT registers the App from app.yml (GH_ORG: for an
 * organization), the callback writes the credentials to `.env`, and the App then starts in this
 * same process and prints its installation URL. Settings partly missing, or missing in production,
 * end the process with exit 2 and a message naming them.
 */
import { run, type ApplicationFunction, type Probot } from "probot";
import app from "./index.js";
import { PucsOctokit } from "./octokit.js";
import { envFileWriter, readEnvFile, startMode, type EnvWrite } from "./setup.js";

const cwd = process.cwd();
const mode = startMode({ ...process.env, ...readEnvFile(cwd) });
if (mode.mode === "fail") {
  process.stderr.write(mode.message);
  process.exit(2);
}

let probot: Probot | null = null;
/** The App; webhooks are also taken at "/", the URL Probot's setup page puts in the manifest. */
const pucs: ApplicationFunction = async (instance, options) => {
  probot = instance;
  await app(instance, options);
  options.addHandler(await instance.getNodeMiddleware({ path: "/" }));
};

if (mode.mode === "app") {
  await run(pucs, { Octokit: PucsOctokit });
} else {
  // A smee.io channel (Probot's relay for machines GitHub cannot reach) is public: anyone with its
  // URL reads the deliveries. Only when asked for: NO_SMEE_SETUP=false or WEBHOOK_PROXY_URL.
  process.env.NO_SMEE_SETUP ??= "true";
  let written: EnvWrite | null = null;
  let registered: () => void = () => {};
  const done = new Promise<void>((resolve) => (registered = resolve));
  const setup = await run(pucs, {
    Octokit: PucsOctokit,
    updateEnv: envFileWriter(cwd, (w) => {
      if (!w.keys.includes("APP_ID")) return;
      written = w;
      registered();
    }),
  });
  process.stdout.write(
    `pucs app: no App settings, so this is Probot's setup page: open http://${["0.0.0.0", "[::]"].includes(setup.host) ? "localhost" : setup.host}:${setup.port} and click "Register GitHub App".\n` +
      (process.env.WEBHOOK_PROXY_URL
        ? `pucs app: webhooks will come through ${process.env.WEBHOOK_PROXY_URL}.\n`
        : `pucs app: the App's webhook URL will be the address you open the page at, and GitHub refuses one it cannot reach (localhost): open it at this server's public address, or restart with NO_SMEE_SETUP=false for a smee.io relay (public: for test repositories only).\n`),
  );
  await done;
  // The callback's answer (a redirect to the installation page) is being written: let it go out, so
  // that closing finds the browser's connection idle, then close (which also waits for it).
  await new Promise((resolve) => setTimeout(resolve, 100));
  await setup.stop();
  const w = written as EnvWrite | null;
  process.stdout.write(
    `pucs app: registered the App (APP_ID ${process.env.APP_ID}); settings written to ${w?.file}${w?.keyFile ? `, private key to ${w.keyFile}` : ""} (mode 600). Starting it.\n`,
  );
  await run(pucs, { Octokit: PucsOctokit });
  try {
    const gh = await (probot as Probot | null)!.auth();
    const { data } = await gh.request("GET /app");
    const url = `${data?.html_url}/installations/new`;
    process.stdout.write(`pucs app: ${data?.name ?? "the App"} is running. Install it on your repositories: ${url}\n`);
  } catch (e) {
    process.stderr.write(`pucs app: started, but asking GitHub for the App failed (${(e as Error).message}); install it from the App's page on GitHub.\n`);
  }
}
