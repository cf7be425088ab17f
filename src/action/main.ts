/**
 * The Action: read inputs and the event, run the gate (or, with `mode: app`, the whole PUCS App),
 * set outputs, write the job summary. Any failure ends the step with a message that says what to fix
 * (config problems with file:line:col, missing token permissions, API failures); never a stack trace.
 */
import { readFile } from "node:fs/promises";
import * as core from "@actions/core";
import { getOctokit } from "@actions/github";
import { requestRetry } from "../github/retry.js";
import { LedgerError } from "../ledger/store.js";
import { GateApiError, GateGateway, countingClient, type RequestClient } from "../github/gate.js";
import { ActionError, gateRun } from "./gate-run.js";
import { parseEnv, parseInputs } from "./inputs.js";
import { gateLedger } from "./ledger.js";
import { renderSummary } from "./summary.js";

/** The message to show for any error: ours verbatim, anything else as its message only. */
export function describeError(e: unknown): string {
  if (e instanceof ActionError || e instanceof GateApiError || e instanceof LedgerError) return e.message;
  const msg = e instanceof Error ? e.message : String(e);
  return `The PUCS merge gate failed unexpectedly: ${msg}. Re-run the job; if it fails again, report it with this message.`;
}

async function readPayload(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new ActionError(`Cannot read the event payload at GITHUB_EVENT_PATH=${path} (${(e as { code?: string }).code ?? "error"}).`);
  }
  try {
    const data = JSON.parse(text) as unknown;
    if (typeof data !== "object" || data === null || Array.isArray(data)) throw new Error("not an object");
    return data as Record<string, unknown>;
  } catch {
    throw new ActionError(`The event payload at GITHUB_EVENT_PATH=${path} is not a JSON object.`);
  }
}

async function writeSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) {
    core.info(markdown);
    return;
  }
  await core.summary.addRaw(markdown, true).write();
}

export async function run(): Promise<void> {
  try {
    const inputs = parseInputs((name) => core.getInput(name));
    const env = parseEnv(process.env);
    const payload = await readPayload(env.eventPath);
    if (inputs.mode === "app") {
      const { loadApp, runProbotApp } = await import("./app-mode.js");
      const app = await loadApp(process.env.PUCS_APP_MODULE, import.meta.url);
      await runProbotApp(app, { token: inputs.token, apiUrl: env.apiUrl, eventName: env.eventName, payload, deliveryId: process.env.GITHUB_RUN_ID ?? "local" }, import.meta.url);
      core.info(`The PUCS App handled ${env.eventName}.`);
      return;
    }
    // A job should survive GitHub's transient errors: 5xx answers and unanswered requests are retried
    // 4 times (waiting 1, 4, 9, 16 s), rate limits when GitHub asks for at most a minute (its
    // retry-after). 4xx answers that will not change (403 permission, 404, 422) fail at once.
    const octokit = getOctokit(
      inputs.token,
      { baseUrl: env.apiUrl },
      requestRetry({ rateLimits: true, onRetry: (why, ms, o) => core.info(`GitHub: ${String(o.method)} ${String(o.url)}: ${why}; trying again in ${(ms / 1000).toFixed(1)} s`) }),
    );
    const counted = countingClient(octokit as unknown as RequestClient);
    const gw = new GateGateway(counted.client, { owner: env.owner, repo: env.repo });
    const outcome = await gateRun(
      { eventName: env.eventName, payload, mode: inputs.mode, commitProtocol: inputs.commitProtocol, configPath: inputs.config, targetUrl: env.runUrl },
      { gw, ledger: gateLedger(gw), now: env.now ?? Date.now(), calls: counted.calls },
    );
    for (const [k, v] of Object.entries(outcome.outputs)) core.setOutput(k, v);
    for (const w of outcome.warnings) core.warning(w.message, { title: w.title });
    const s = outcome.report.status;
    if (s) core.info(`PUCS / merge-gate on ${s.sha.slice(0, 7)}: ${s.status.state} — ${s.status.description} (${s.action})`);
    for (const r of outcome.report.republished) core.info(`re-published ${r.change}: ${r.status.state} — ${r.status.description}`);
    for (const n of outcome.report.notes) core.info(n);
    core.info(`GitHub API: ${counted.calls.reads} reads, ${counted.calls.writes} writes`);
    if (outcome.config) await writeSummary(renderSummary(outcome.report, outcome.config));
    if (outcome.failures.length) core.setFailed(outcome.failures.join("\n\n"));
  } catch (e) {
    const message = describeError(e);
    try {
      await writeSummary(`## PUCS merge gate: ❌ error\n\n${message.split("\n").map((l) => `    ${l}`).join("\n")}\n`);
    } catch {
      // the summary is a courtesy; the step still fails with the message below
    }
    core.setFailed(message);
  }
}
