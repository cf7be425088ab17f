/**
 * The Octokit the App runs with (`npm start` and the e2e tests): Probot's own (throttling, retry,
 * pagination, auth) with retry settings a webhook handler can live with.
 *
 * Probot's `run()` replaces Octokit's throttle callbacks with ones that never retry a secondary rate
 * limit (403 "You have exceeded a secondary rate limit") and retry a primary one twice however long
 * the wait. Both are wrong for PUCS: a secondary limit is GitHub saying "slow down", not "no", and an
 * event dropped there is a report, a lock or a release that never happens. So:
 * - secondary and primary rate limits are retried (up to RATE_LIMIT_RETRIES times) when GitHub asks
 *   for a wait of at most MAX_RATE_LIMIT_WAIT_S; a longer wait fails the delivery (GitHub shows it as
 *   failed; redelivering it later is safe, every handler is idempotent);
 * - 5xx answers and unanswered requests are retried SERVER_RETRIES times (`serverRetry`, below, in
 *   place of @octokit/plugin-retry). Requests whose outcome a retry could duplicate (creating a
 *   comment or a check run) opt out with `request: { retries: 0 }` and recover by looking first
 *   (src/github/app-gateway.ts).
 *
 * PUCS_RETRY_BASE_MS (default 1000) scales every wait: the tests run GitHub's `retry-after: 1` in
 * milliseconds instead of seconds. It changes how long, never whether.
 */
import { ProbotOctokit } from "probot";
import { retryBaseMs } from "../github/client.js";

export { retryBaseMs };

export const RATE_LIMIT_RETRIES = 3;
export const MAX_RATE_LIMIT_WAIT_S = 60;
export const SERVER_RETRIES = 4;

/** Whether to wait `retryAfterS` seconds and retry a rate-limited request that was tried `retryCount` times already. */
export function retryRateLimited(retryAfterS: number, retryCount: number): boolean {
  return retryCount < RATE_LIMIT_RETRIES && Number.isFinite(retryAfterS) && retryAfterS <= MAX_RATE_LIMIT_WAIT_S;
}

interface Opts {
  method?: string;
  url?: string;
  request?: { retryCount?: number };
}
interface Logged {
  log: { warn(msg: string): void };
}

function onLimit(kind: string) {
  return (retryAfter: number, options: Opts, octokit: Logged): boolean => {
    const again = retryRateLimited(retryAfter, options.request?.retryCount ?? 0);
    octokit.log.warn(`${kind} on ${options.method} ${options.url}: ${again ? `retrying in ${retryAfter} s` : "giving up (the delivery fails; redeliver it later)"}`);
    return again;
  };
}

/** An error's HTTP status (Octokit's RequestError), or null when there was no answer at all. */
function statusOf(e: unknown): number | null {
  const err = e as { status?: unknown; response?: unknown };
  return typeof err?.status === "number" && err.response !== undefined ? err.status : null;
}

/** Whether a failed request is worth trying again: a 5xx, a 429 the throttle did not take, or no answer. */
export function serverRetryable(e: unknown): boolean {
  const status = statusOf(e);
  if (status === null) return typeof (e as { status?: unknown })?.status === "number"; // Octokit: fetch failed
  if (status === 429) return !/rate limit/i.test(String((e as { message?: unknown }).message));
  return status >= 500;
}

type RequestFn = (options: Record<string, unknown>) => Promise<{ data?: unknown }>;
interface Hookable {
  hook: { wrap(name: "request", fn: (request: RequestFn, options: Record<string, unknown>) => Promise<unknown>): void };
}

/**
 * Octokit plugin: retries 5xx answers, unanswered requests and GraphQL's "Something went wrong while
 * executing your query" SERVER_RETRIES times, waiting (n + 1)² × PUCS_RETRY_BASE_MS before try n + 1;
 * `request: { retries: 0 }` opts a request out. It replaces @octokit/plugin-retry, which routes every
 * request through a Bottleneck queue that costs about 6 ms per request even when nothing fails
 * (measured here: 6.1 ms vs 0.3 ms per in-memory request; an event makes 4–8 of them).
 */
export function serverRetry(octokit: unknown): Record<string, never> {
  (octokit as Hookable).hook.wrap("request", async (request, options) => {
    const opts = (options.request ?? {}) as { retries?: number };
    const max = typeof opts.retries === "number" ? opts.retries : SERVER_RETRIES;
    for (let n = 0; ; n++) {
      try {
        const r = await request(options);
        const errors = (r.data as { errors?: { message?: string }[] } | undefined)?.errors;
        if (!(Array.isArray(errors) && /Something went wrong while executing your query/.test(String(errors[0]?.message)))) return r;
        if (n >= max) return r;
      } catch (e) {
        if (n >= max || !serverRetryable(e)) throw e;
      }
      
      await new Promise((resolve) => setTimeout(resolve, (n + 1) * (n + 1) * retryBaseMs()));
    }
  });
  return {};
}

export const PucsOctokit = ProbotOctokit.plugin(serverRetry).defaults((o: Record<string, unknown>) => {
  const base = retryBaseMs();
  const throttle = (o.throttle ?? {}) as Record<string, unknown>;
  return {
    ...o,
    retry: { ...((o.retry ?? {}) as object), enabled: false },
    throttle: { ...throttle, retryAfterBaseValue: base, onSecondaryRateLimit: onLimit("secondary rate limit"), onRateLimit: onLimit("rate limit") },
  };
});
