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
 * - 5xx answers and unanswered requests are retried SERVER_RETRIES times (`requestRetry` in
 *   src/github/retry.ts, in place of @octokit/plugin-retry). Requests whose outcome a retry could duplicate (creating a
 *   comment or a check run) opt out with `request: { retries: 0 }` and recover by looking first
 *   (src/github/app-gateway.ts).
 *
 * PUCS_RETRY_BASE_MS (default 1000) scales every wait: the tests run GitHub's `retry-after: 1` in
 * milliseconds instead of seconds. It changes how long, never whether.
 */
import { ProbotOctokit } from "probot";
import { retryBaseMs } from "../github/client.js";
import { MAX_RATE_LIMIT_WAIT_S, RATE_LIMIT_RETRIES, SERVER_RETRIES, requestRetry, retryRateLimited, serverRetryable } from "../github/retry.js";

export { MAX_RATE_LIMIT_WAIT_S, RATE_LIMIT_RETRIES, SERVER_RETRIES, retryBaseMs, retryRateLimited, serverRetryable };

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

export const PucsOctokit = ProbotOctokit.plugin(requestRetry()).defaults((o: Record<string, unknown>) => {
  const base = retryBaseMs();
  const throttle = (o.throttle ?? {}) as Record<string, unknown>;
  return {
    ...o,
    retry: { ...((o.retry ?? {}) as object), enabled: false },
    throttle: { ...throttle, retryAfterBaseValue: base, onSecondaryRateLimit: onLimit("secondary rate limit"), onRateLimit: onLimit("rate limit") },
  };
});
