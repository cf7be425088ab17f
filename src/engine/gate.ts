/**
 * The merge gate (DESIGN.md §4): may this change merge now?
 *
 * A change's phase is the latest phase among its streams (a change spanning OBS and API files is a
 * phase-3 change). It is blocked by:
 *  - every open, non-draft change of a strictly earlier phase ("phase" mode), or only those whose
 *    streams the change depends on, transitively ("dependencies" mode; still earlier phases only, so
 *    two changes can never wait for each other);
 *  - a live lock held by someone else on one of its files (when merge_gate.block_on_locks); whose lock is
 *    whose is `ownsClaim` (change.ts), the same rule the App's and the CLI's reports use.
 * Changes with no stream are outside the phase order: only locks can block them.
 *  - its stream's circuit breaker being OPEN (when circuit_breaker.block_merges, the default).
 * A recorded override (`/pucs gate override -- reason`) lets the change pass and says who decided.
 */
import { dependencyClosure, phaseOf } from "./phases.js";
import { streamOfChange } from "./membership.js";
import { matchesGlob } from "./globs.js";
import { ownsClaim } from "./change.js";
import { breakerConfigFor, breakerOf, breakerState, describeBreaker } from "./breaker.js";
import type { Change, Config, GateBlocker, GateChange, GateResult, Ledger, Lock } from "./types.js";

/** The gate's view of a change: its streams are its declared stream plus the owners of its files. */
export function gateChangeOf(change: Change, config: Config): GateChange {
  const m = streamOfChange(change, config);
  const streams = m.stream ? [m.stream, ...m.streams.filter((s) => s !== m.stream)] : m.streams;
  const out: GateChange = { change: change.id, agent: change.agent, streams, draft: change.draft ?? false, files: change.files.map((f) => f.path) };
  if (change.title !== undefined) out.title = change.title;
  if (change.url !== undefined) out.url = change.url;
  if (change.headSha !== undefined) out.headSha = change.headSha;
  return out;
}

/** The streams the gate files a change under (what a footprint records as `streams`). */
export const gateStreamsOf = (change: Change, config: Config): string[] => gateChangeOf(change, config).streams;

/** Latest phase among the streams (null when none of them is phased). */
export function phaseOfChange(streams: readonly string[], config: Config): number | null {
  let phase: number | null = null;
  for (const s of streams) {
    const p = phaseOf(config, s);
    if (p !== null && (phase === null || p > phase)) phase = p;
  }
  return phase;
}

function changeNumber(id: string): number {
  const m = /^#(\d+)$/.exec(id);
  return m ? Number(m[1]) : Number.MAX_SAFE_INTEGER;
}

function byChange(a: { change: string }, b: { change: string }): number {
  return changeNumber(a.change) - changeNumber(b.change) || (a.change < b.change ? -1 : a.change > b.change ? 1 : 0);
}

function holderOf(lock: Lock): string {
  return lock.change ?? lock.agent;
}

export function gate(change: GateChange, open: readonly GateChange[], ledger: Ledger | null, config: Config, now: number): GateResult {
  const phase = phaseOfChange(change.streams, config);
  const blockers: GateBlocker[] = [];

  if (phase !== null) {
    const deps =
      config.mergeGate.blockOn === "dependencies"
        ? new Set(change.streams.flatMap((s) => dependencyClosure(config, s)))
        : null;
    const earlier: GateBlocker[] = [];
    for (const other of open) {
      if (other.change === change.change || other.draft) continue;
      const otherPhase = phaseOfChange(other.streams, config);
      if (otherPhase === null || otherPhase >= phase) continue;
      let stream: string | null;
      if (deps) {
        const hit = other.streams.find((s) => deps.has(s));
        if (hit === undefined) continue;
        stream = hit;
      } else {
        stream = other.streams.find((s) => phaseOf(config, s) === otherPhase) ?? null;
      }
      const blocker: GateBlocker = {
        change: other.change,
        stream,
        phase: otherPhase,
        reason: deps ? "dependency" : "earlier-phase",
        unblock: `${other.change} (${stream ?? "?"}, phase ${otherPhase}) must be merged or closed first${deps ? `: ${change.streams.join("/")} depends on ${stream}` : ""}.`,
      };
      if (other.title !== undefined) blocker.title = other.title;
      if (other.url !== undefined) blocker.url = other.url;
      earlier.push(blocker);
    }
    earlier.sort((a, b) => (a.phase ?? 0) - (b.phase ?? 0) || byChange(a, b));
    blockers.push(...earlier);
  }

  if (config.mergeGate.blockOnLocks && ledger && change.files && change.files.length > 0) {
    const seen = new Set<string>();
    const locks = ledger.locks
      .filter((l) => Date.parse(l.expiresAt) > now && !ownsClaim({ id: change.change, agent: change.agent ?? "" }, l))
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    for (const lock of locks) {
      const hit = change.files.find((f) => matchesGlob(f, lock.path));
      if (hit === undefined || seen.has(lock.lease)) continue;
      seen.add(lock.lease);
      blockers.push({
        change: holderOf(lock),
        stream: lock.stream,
        phase: lock.stream ? phaseOf(config, lock.stream) : null,
        reason: "lock",
        unblock: `${hit} is locked by ${lock.agent}${lock.change ? ` (${lock.change})` : ""} until ${lock.expiresAt}: wait for release or expiry, or \`/pucs queue ${hit}\`.`,
      });
    }
  }

  // A stream whose circuit breaker is OPEN holds its changes (circuit_breaker.block_merges).
  if (ledger) {
    for (const s of change.streams) {
      const b = breakerOf(ledger, s);
      if (!b || breakerState(b, now) !== "OPEN" || !breakerConfigFor(config, s).blockMerges) continue;
      blockers.push({ change: `breaker:${s}`, stream: s, phase: phaseOf(config, s), reason: "breaker", unblock: describeBreaker(b, now) });
    }
  }

  const override = ledger?.overrides.find((o) => o.change === change.change);
  const result: GateResult = {
    change: change.change,
    streams: [...change.streams],
    phase,
    verdict: blockers.length === 0 || override ? "pass" : "blocked",
    blockers,
    description: "",
  };
  if (override && blockers.length > 0) result.overriddenBy = override;
  result.description = describeGate(result);
  return result;
}

/** One line for a commit status (GitHub allows 140 characters). */
export function describeGate(r: GateResult): string {
  const where = r.phase === null ? "no stream" : `phase ${r.phase} (${r.streams.join(", ")})`;
  let text: string;
  if (r.overriddenBy) {
    text = `Overridden by @${r.overriddenBy.by}: ${r.overriddenBy.reason}`;
  } else if (r.verdict === "pass") {
    text = r.phase === null ? "No stream: outside the phase order, no lock in the way" : `Ready: ${where}, nothing earlier is open`;
  } else {
    const names = r.blockers.map((b) => (b.reason === "lock" ? `lock by ${b.change}` : b.reason === "breaker" ? `${b.stream} circuit breaker` : `${b.change} (${b.stream ?? "?"}, phase ${b.phase})`));
    // "and others", not a count: a count would change (and every waiting PR's status be re-posted)
    // whenever any blocker merges.
    const shown = names.slice(0, 3).join(", ") + (names.length > 3 ? " and others" : "");
    text = `Blocked by ${shown}`;
  }
  return text.length <= 140 ? text : `${text.slice(0, 139)}…`;
}
