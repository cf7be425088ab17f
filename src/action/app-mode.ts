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
import type { AppRunOptions } from "../app/action-runner.js";
import { ActionError } from "./gate-run.js";

export type { AppRunOptions };

function messagesOf(e: unknown): string[] {
  const errors = (e as { errors?: unknown }).errors;
  if (Array.isArray(errors) && errors.length) return errors.flatMap(messagesOf);
  return [e instanceof Error ? e.message : String(e)];
}

/** What dist/app.js exports for this mode: runs an App function on one event (src/app/action-runner.ts). */
type Runner = (app: ApplicationFunction, o: AppRunOptions) => Promise<void>;

const bundleUrl = (here: string): string => new URL("./app.js", here).href;

function noBundle(url: string): ActionError {
  return new ActionError(`mode: app needs the PUCS App bundle (${url}) beside the Action's dist/index.js, and this build has none: use a release that ships dist/app.js, or mode: gate.`);
}

/**
 * Run `app` on one event with Probot, which dist/app.js carries (the gate's own bundle does not: it
 * stays small and starts fast). Rejects with an ActionError naming what the App's handlers threw.
 */
export async function runProbotApp(app: ApplicationFunction, o: AppRunOptions, here: string): Promise<void> {
  const url = bundleUrl(here);
  let runner: Runner | undefined;
  try {
    runner = ((await import(url)) as { runProbotApp?: Runner }).runProbotApp;
  } catch (e) {
    if ((e as { code?: string }).code === "ERR_MODULE_NOT_FOUND") throw noBundle(url);
    throw new ActionError(`mode: app could not load the PUCS App from ${url}: ${(e as Error).message}`);
  }
  if (typeof runner !== "function") throw new ActionError(`mode: app: ${url} does not export runProbotApp: the Action and the App bundle come from different builds; use one release.`);
  try {
    await runner(app, o);
  } catch (e) {
    const action = typeof o.payload.action === "string" ? `.${o.payload.action}` : "";
    const why = messagesOf(e).map((m) => m.replace(/\.$/, "")).join("; ");
    throw new ActionError(`The PUCS App failed on ${o.eventName}${action}: ${why}. Fix the cause and re-run the job.`);
  }
}

/** Load the App function: PUCS_APP_MODULE, else dist/app.js beside this bundle. */
export async function loadApp(moduleRef: string | undefined, here: string): Promise<ApplicationFunction> {
  const url = moduleRef ? (/^file:/.test(moduleRef) ? moduleRef : pathToFileURL(moduleRef).href) : bundleUrl(here);
  let mod: { default?: unknown };
  try {
    mod = (await import(url)) as { default?: unknown };
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "ERR_MODULE_NOT_FOUND" && !moduleRef) {
      throw noBundle(url);
    }
    throw new ActionError(`mode: app could not load the PUCS App from ${url}: ${(e as Error).message}`);
  }
  if (typeof mod.default !== "function") throw new ActionError(`mode: app: ${url} has no default export that is the App function.`);
  return mod.default as ApplicationFunction;
}
