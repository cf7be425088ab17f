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
 * Successful answers are parsed with JSON.parse (`nativeJson`, src/github/native-json.ts).
 *
 * PUCS_RETRY_BASE_MS (default 1000) scales every wait: the tests run GitHub's `retry-after: 1` in
 * milliseconds instead of seconds. It changes how long, never whether.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import Bottleneck from "bottleneck";
import { ProbotOctokit } from "probot";
import { retryBaseMs } from "../github/client.js";
import { nativeJson } from "../github/native-json.js";
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

/**
 * Octokit's throttling queues every POST 1 s apart in its "write" group, GraphQL queries included.
 * A query creates no content (GitHub's secondary limits count it as 1 point, not as a write), and the
 * App's every event starts with one: in that queue, a lone push waited its turn behind the writes of
 * the event before (its report took 1 s instead of 0.2 s) and a 50-event burst needed 109 s for 59
 * writes. So the write group PUCS hands the throttle lets a request through at once when it runs
 * inside `queries` (set by the `unqueuedQueries` plugin for GraphQL queries, never mutations); every
 * other write is spaced as before, through the same kind of Bottleneck group, shared between
 * instances through Redis when Probot has REDIS_URL.
 */
const queries = new AsyncLocalStorage<true>();

/** Whether an Octokit request is a GraphQL query (not a mutation). */
export function isGraphqlQuery(options: Record<string, unknown>): boolean {
  return String(options.method).toUpperCase() === "POST" && /\/graphql$/.test(String(options.url)) && typeof options.query === "string" && !/^\s*mutation\b/.test(options.query);
}

export function unqueuedQueries(octokit: unknown): Record<string, never> {
  (octokit as { hook: { wrap(name: "request", fn: (request: (o: Record<string, unknown>) => Promise<unknown>, o: Record<string, unknown>) => Promise<unknown>): void } }).hook.wrap(
    "request",
    (request, options) => (isGraphqlQuery(options) ? queries.run(true, () => request(options)) : request(options)),
  );
  return {};
}

interface Limiter {
  schedule(...args: unknown[]): Promise<unknown>;
}
interface LimiterGroup {
  key(id: string): Limiter;
}
let writeGroup: LimiterGroup | null = null;

/** The throttle's write group: spaced 1 s apart as Octokit's own, except GraphQL queries. */
function writesExceptQueries(throttle: Record<string, unknown>): LimiterGroup {
  if (!writeGroup) {
    const connection = throttle.connection;
    const real = new Bottleneck.Group({ id: "octokit-write", maxConcurrent: 1, minTime: 1000, timeout: 120_000, ...(connection ? { connection: connection as Bottleneck.IORedisConnection } : {}) });
    writeGroup = {
      key: (id) => {
        const limiter = real.key(id);
        return { schedule: (...args: unknown[]) => (queries.getStore() ? Promise.resolve(undefined) : (limiter.schedule as (...a: unknown[]) => Promise<unknown>)(...args)) };
      },
    };
  }
  return writeGroup;
}

export const PucsOctokit = ProbotOctokit.plugin(nativeJson, requestRetry(), unqueuedQueries).defaults((o: Record<string, unknown>) => {
  const base = retryBaseMs();
  const throttle = (o.throttle ?? {}) as Record<string, unknown>;
  return {
    ...o,
    retry: { ...((o.retry ?? {}) as object), enabled: false },
    throttle: {
      ...throttle,
      ...(throttle.write === undefined ? { write: writesExceptQueries(throttle) } : {}),
      retryAfterBaseValue: base,
      onSecondaryRateLimit: onLimit("secondary rate limit"),
      onRateLimit: onLimit("rate limit"),
    },
  };
});
