/**
 * An Octokit plugin that retries what is worth retrying (edge module, no Probot: the Action bundles it
 * too). Used in place of @octokit/plugin-retry, which sends every request through a Bottleneck queue
 * that costs about 6 ms per request even when nothing fails (measured: 6.1 ms against 0.3 ms per
 * in-memory request).
 *
 * - 5xx answers, requests that got no answer, a 429 that is not a rate limit, and GraphQL's
 *   "Something went wrong while executing your query" are retried `retries` times (default
 *   SERVER_RETRIES), waiting (n + 1)² × base ms before try n + 1.
 * - With `rateLimits: true` (the Action, which has no Octokit throttling), a secondary rate limit
 *   (403/429 "…secondary rate limit…") or an exhausted primary one is retried RATE_LIMIT_RETRIES times
 *   when GitHub asks for a wait of at most MAX_RATE_LIMIT_WAIT_S (`retry-after`, else
 *   `x-ratelimit-reset`), waiting what it asks (× base / 1000). The App leaves these to Probot's
 *   throttling plugin.
 * - `request: { retries: 0 }` opts a request out (creates that a blind retry could duplicate).
 *
 * `base` is PUCS_RETRY_BASE_MS (default 1000): tests scale every wait down; it changes how long, never whether.
 */
import { retryBaseMs } from "./client.js";

export const SERVER_RETRIES = 4;
export const RATE_LIMIT_RETRIES = 3;
export const MAX_RATE_LIMIT_WAIT_S = 60;

/** Whether to wait `retryAfterS` seconds and retry a rate-limited request that was tried `retryCount` times already. */
export function retryRateLimited(retryAfterS: number, retryCount: number): boolean {
  return retryCount < RATE_LIMIT_RETRIES && Number.isFinite(retryAfterS) && retryAfterS <= MAX_RATE_LIMIT_WAIT_S;
}

interface Failure {
  status?: unknown;
  message?: unknown;
  response?: { headers?: Record<string, unknown> };
}

/** An error's HTTP status (Octokit's RequestError), or null when there was no answer at all. */
function statusOf(e: unknown): number | null {
  const err = e as Failure;
  return typeof err?.status === "number" && err.response !== undefined ? err.status : null;
}

/** Seconds GitHub asks to wait when `e` is a rate limit (secondary or exhausted primary); null when it is not one. */
export function rateLimitWait(e: unknown, nowMs: number): number | null {
  const status = statusOf(e);
  if (status !== 403 && status !== 429) return null;
  const err = e as Failure;
  const headers = err.response?.headers ?? {};
  const secondary = /secondary rate limit/i.test(String(err.message));
  const exhausted = String(headers["x-ratelimit-remaining"]) === "0";
  if (!secondary && !exhausted) return null;
  const after = Number(headers["retry-after"]);
  if (Number.isFinite(after) && after >= 0) return after;
  const reset = Number(headers["x-ratelimit-reset"]);
  if (exhausted && Number.isFinite(reset)) return Math.max(0, Math.ceil(reset - nowMs / 1000) + 1);
  return 60; // GitHub's advice for a secondary limit without retry-after: wait at least a minute
}

/** Whether a failed request is worth trying again as a server error: a 5xx, a 429 that is no rate limit, or no answer. */
export function serverRetryable(e: unknown): boolean {
  const status = statusOf(e);
  if (status === null) return typeof (e as Failure)?.status === "number"; // Octokit: the fetch itself failed
  if (status === 429) return !/rate limit/i.test(String((e as Failure).message));
  return status >= 500;
}

type RequestFn = (options: Record<string, unknown>) => Promise<{ data?: unknown }>;
interface Hookable {
  hook: { wrap(name: "request", fn: (request: RequestFn, options: Record<string, unknown>) => Promise<unknown>): void };
}

export interface RetryOptions {
  rateLimits?: boolean;
  /** Wait unit in ms (default: PUCS_RETRY_BASE_MS, read when a wait happens). */
  baseMs?: () => number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Told before each wait (for logs). */
  onRetry?: (why: string, waitMs: number, options: Record<string, unknown>) => void;
}

/** The plugin, configured: `Octokit.plugin(requestRetry({ rateLimits: true }))`. */
export function requestRetry(opts: RetryOptions = {}): (octokit: unknown) => Record<string, never> {
  const baseMs = opts.baseMs ?? (() => retryBaseMs());
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = opts.now ?? Date.now;
  return (octokit) => {
    (octokit as Hookable).hook.wrap("request", async (request, options) => {
      const req = (options.request ?? {}) as { retries?: number };
      const max = typeof req.retries === "number" ? req.retries : SERVER_RETRIES;
      let serverTries = 0;
      let limitTries = 0;
      for (;;) {
        let wait: number;
        let why: string;
        try {
          const r = await request(options);
          const errors = (r.data as { errors?: { message?: string }[] } | undefined)?.errors;
          const wentWrong = Array.isArray(errors) && /Something went wrong while executing your query/.test(String(errors[0]?.message));
          if (!wentWrong || serverTries >= max) return r;
          serverTries++;
          wait = serverTries * serverTries * baseMs();
          why = "GraphQL: something went wrong";
        } catch (e) {
          const limited = opts.rateLimits ? rateLimitWait(e, now()) : null;
          if (limited !== null) {
            if (!retryRateLimited(limited, limitTries)) throw e;
            limitTries++;
            wait = (limited * baseMs());
            why = `rate limited for ${limited} s`;
          } else {
            if (serverTries >= max || !serverRetryable(e)) throw e;
            serverTries++;
            wait = serverTries * serverTries * baseMs();
            why = `answer ${String((e as Failure).status)}`;
          }
        }
        opts.onRetry?.(why, wait, options);
        await sleep(wait);
      }
    });
    return {};
  };
}
