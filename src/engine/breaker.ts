/**
 * Stream circuit breakers (seed §3.3): the pure rules. The ledger keeps one `StreamBreaker` per stream
 * that has failures or is not CLOSED (src/ledger/transitions.ts changes it); this module derives its
 * state at `now` and says what it means.
 *
 *   CLOSED ──(failureThreshold failures within windowMinutes)──▶ OPEN
 *   OPEN ──(cooldownMinutes pass)──▶ HALF_OPEN: the first claim (lock or intent) in the stream is the trial
 *   HALF_OPEN ──(a success: a green check suite)──▶ CLOSED      HALF_OPEN ──(a failure)──▶ OPEN again
 *   any ──(`pucs breaker reset`, `/pucs breaker reset`)──▶ CLOSED
 */
import type { CircuitBreakerConfig, Config, Ledger, StreamBreaker } from "./types.js";

/** The seed's BaseCircuitBreakerConfig: 5 failures, 300 s before HALF_OPEN; a 10-minute window. */
export const BREAKER_DEFAULTS: CircuitBreakerConfig = { failureThreshold: 5, windowMinutes: 10, cooldownMinutes: 5, blockMerges: true };

export type BreakerState = "CLOSED" | "OPEN" | "HALF_OPEN";

/** The breaker settings of `stream`: its own `circuit_breaker:` (merged by the parser), else the global one, else the defaults. */
export function breakerConfigFor(config: Config, stream: string | null): CircuitBreakerConfig {
  const own = stream === null ? undefined : config.streams.find((s) => s.id === stream)?.circuitBreaker;
  return own ?? config.circuitBreaker ?? BREAKER_DEFAULTS;
}

export function breakerOf(l: Ledger, stream: string | null): StreamBreaker | null {
  if (stream === null) return null;
  return (l.breakers ?? []).find((b) => b.stream === stream) ?? null;
}

export function breakerState(b: StreamBreaker | null, now: number): BreakerState {
  if (!b || b.openedAt === undefined || b.halfOpensAt === undefined) return "CLOSED";
  return now < Date.parse(b.halfOpensAt) ? "OPEN" : "HALF_OPEN";
}

/** The state of `stream`'s breaker at `now`. */
export function streamBreakerState(l: Ledger, stream: string | null, now: number): BreakerState {
  return breakerState(breakerOf(l, stream), now);
}

const short = (iso: string): string => iso.replace(/\.000Z$/, "Z");

/** One sentence for a person: who tripped it, when it half-opens, how to reset. */
export function describeBreaker(b: StreamBreaker, now: number): string {
  const state = breakerState(b, now);
  const t = b.trippedBy;
  const who = t ? ` by ${t.agent}${t.change ? ` (${t.change})` : ""} at ${short(t.at)}: ${t.error}` : "";
  const reset = `\`pucs breaker reset --stream ${b.stream} --reason "…"\` or \`/pucs breaker reset -- reason\` closes it`;
  if (state === "OPEN") {
    return `The ${b.stream} circuit breaker is OPEN (${b.failures.length} failure${b.failures.length === 1 ? "" : "s"}; tripped${who}); it half-opens at ${short(b.halfOpensAt!)}. ${reset}.`;
  }
  if (state === "HALF_OPEN") {
    const trial = b.trial ? `${b.trial.agent}${b.trial.change ? ` (${b.trial.change})` : ""} holds the one trial` : "the next claim in the stream is the one trial";
    return `The ${b.stream} circuit breaker is HALF_OPEN (tripped${who}): ${trial}; a green check suite closes it. ${reset}.`;
  }
  return `The ${b.stream} circuit breaker is CLOSED (${b.failures.length} recent failure${b.failures.length === 1 ? "" : "s"}).`;
}
