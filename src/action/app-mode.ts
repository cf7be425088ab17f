/**
 * `mode: app`: the whole PUCS App inside a workflow job, for teams who will not host a server. The
 * event that started the job is handed to the App as the webhook it stands for, with the job's token
 * (what @probot/adapter-github-actions does). Unlike that adapter, a handler that throws FAILS the
 * step with the handlers' messages: a swallowed error would look like a green run.
 *
 * The App is loaded from dist/app.js beside the Action's own bundle (the same build ships both);
 * PUCS_APP_MODULE may name another module (an absolute path or file URL) exporting the App function.
 */
import { pathToFileURL } from "node:url";
import type { ApplicationFunction } from "probot";
import { ActionError } from "./gate-run.js";

export interface AppRunOptions {
  token: string;
  apiUrl: string;
  eventName: string;
  payload: Record<string, unknown>;
  /** Used as the webhook delivery id (the run id in a workflow). */
  deliveryId: string;
}

function messagesOf(e: unknown): string[] {
  const errors = (e as { errors?: unknown }).errors;
  if (Array.isArray(errors) && errors.length) return errors.flatMap(messagesOf);
  return [e instanceof Error ? e.message : String(e)];
}

/** Run `app` on one event; rejects with an ActionError naming what the App's handlers threw. */
export async function runProbotApp(app: ApplicationFunction, o: AppRunOptions): Promise<void> {
  const { Probot } = await import("probot");
  const probot = new Probot({ githubToken: o.token, baseUrl: o.apiUrl, logLevel: "info" });
  await probot.load(app);
  const action = typeof o.payload.action === "string" ? `.${o.payload.action}` : "";
  try {
    await probot.receive({ id: o.deliveryId, name: o.eventName, payload: o.payload } as Parameters<typeof probot.receive>[0]);
  } catch (e) {
    const why = messagesOf(e).map((m) => m.replace(/\.$/, "")).join("; ");
    throw new ActionError(`The PUCS App failed on ${o.eventName}${action}: ${why}. Fix the cause and re-run the job.`);
  }
}

/** Load the App function: PUCS_APP_MODULE, else dist/app.js beside this bundle. */
export async function loadApp(moduleRef: string | undefined, here: string): Promise<ApplicationFunction> {
  const url = moduleRef ? (/^file:/.test(moduleRef) ? moduleRef : pathToFileURL(moduleRef).href) : new URL("./app.js", here).href;
  let mod: { default?: unknown };
  try {
    mod = (await import(url)) as { default?: unknown };
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "ERR_MODULE_NOT_FOUND" && !moduleRef) {
      throw new ActionError(`mode: app needs the PUCS App bundle (${url}) beside the Action's dist/index.js, and this build has none: use a release that ships dist/app.js, or mode: gate.`);
    }
    throw new ActionError(`mode: app could not load the PUCS App from ${url}: ${(e as Error).message}`);
  }
  if (typeof mod.default !== "function") throw new ActionError(`mode: app: ${url} has no default export that is the App function.`);
  return mod.default as ApplicationFunction;
}
