/**
 * The App on one event inside a workflow job (the Action's `mode: app`): Probot with the job's token,
 * the event handed over as the webhook it stands for. Lives in the App's bundle (dist/app.js), so the
 * gate's bundle (dist/index.js) carries no Probot. A handler that throws rejects with its errors (the
 * Action turns them into a failed step): a swallowed error would look like a green run.
 */
import { Probot, type ApplicationFunction } from "probot";

export interface AppRunOptions {
  token: string;
  apiUrl: string;
  eventName: string;
  payload: Record<string, unknown>;
  /** Used as the webhook delivery id (the run id in a workflow). */
  deliveryId: string;
}

export async function runProbotApp(app: ApplicationFunction, o: AppRunOptions): Promise<void> {
  const probot = new Probot({ githubToken: o.token, baseUrl: o.apiUrl, logLevel: "info" });
  await probot.load(app);
  await probot.receive({ id: o.deliveryId, name: o.eventName, payload: o.payload } as Parameters<typeof probot.receive>[0]);
}
