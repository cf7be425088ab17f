/**
 * ARBITRATE with a decider (seed §8.1: "Manual: coordinator decides") and ROLLBACK notes: the pure
 * rules every surface shares.
 *
 * - An ARBITRATE conflict has a key (`conflictKey`: type, stream, file). A decision recorded with
 *   `/pucs decide -- note` covers the keys of the change's ARBITRATE conflicts at that time; `evaluate`
 *   marks a covered conflict `decided` and it stops counting for the verdict. A conflict with a new key
 *   (another file, another stream) is not covered by an old decision.
 * - The coordinators of a conflict are its stream's `coordinators:`, else the global list; each is a
 *   login ("octocat") or a team ("@org/team"). They are asked for a review once per change.
 * - A merged change whose merge commit failed CI on the default branch carries a ROLLBACK suggestion
 *   until the revert is opened; the open changes of its stream get a note saying so.
 */
import type { Arbitration, ArbitrationDecision, Config, Conflict, Ledger, MergedChange } from "./types.js";

/** FNV-1a, 32 bits, as 8 hex digits. */
function fnv(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

/**
 * The identity of an ARBITRATE conflict a decision covers: type, stream, file, and a digest of what it
 * says (a critical stream's one conflict names the files touched: touching another one is a new key).
 */
export function conflictKey(c: Pick<Conflict, "type" | "holderStream" | "file" | "details">): string {
  return `${c.type}:${c.holderStream ?? "-"}:${c.file}@${fnv(c.details)}`;
}

export const isArbitrate = (c: Conflict): boolean => c.strategy === "ARBITRATE";

export function arbitrationOf(l: Ledger, change: string): Arbitration | null {
  return (l.arbitrations ?? []).find((a) => a.change === change) ?? null;
}

/** The latest decision covering `key`, if any. */
export function decisionFor(a: Arbitration | null, key: string): ArbitrationDecision | null {
  if (!a) return null;
  for (let i = a.decisions.length - 1; i >= 0; i--) if (a.decisions[i]!.keys.includes(key)) return a.decisions[i]!;
  return null;
}

/** The conflicts with the change's decisions applied: a covered ARBITRATE conflict gets `decided`. */
export function withDecisions(conflicts: Conflict[], l: Ledger, change: string): Conflict[] {
  const a = arbitrationOf(l, change);
  if (!a || a.decisions.length === 0) return conflicts;
  return conflicts.map((c) => {
    if (!isArbitrate(c)) return c;
    const d = decisionFor(a, conflictKey(c));
    return d ? { ...c, decided: { by: d.by, note: d.note, at: d.at } } : c;
  });
}

/** The coordinators named for a stream: its own list, else the global one. */
export function coordinatorsOfStream(config: Config, stream: string | null): string[] {
  const s = stream === null ? undefined : config.streams.find((x) => x.id === stream);
  return s && s.coordinators.length > 0 ? s.coordinators : config.coordinators;
}

export interface Coordinators {
  /** Logins (without "@"), for `reviewers`. */
  reviewers: string[];
  /** "org/team" of each team, for `team_reviewers` (the slug is the part after the slash). */
  teams: string[];
}

/** Splits coordinator entries into users and teams ("@org/team"), without duplicates, in order. */
export function splitCoordinators(list: readonly string[]): Coordinators {
  const reviewers: string[] = [];
  const teams: string[] = [];
  for (const raw of list) {
    const v = raw.replace(/^@/, "");
    const into = v.includes("/") ? teams : reviewers;
    if (!into.some((x) => x.toLowerCase() === v.toLowerCase())) into.push(v);
  }
  return { reviewers, teams };
}

/** The coordinators of the undecided ARBITRATE conflicts, minus `exclude` (the PR's author: GitHub refuses to ask them). */
export function coordinatorsFor(conflicts: readonly Conflict[], config: Config, exclude: string | null = null): Coordinators {
  const all = conflicts.filter((c) => isArbitrate(c) && !c.decided).flatMap((c) => coordinatorsOfStream(config, c.holderStream));
  const out = splitCoordinators(all);
  return exclude === null ? out : { reviewers: out.reviewers.filter((r) => r.toLowerCase() !== exclude.toLowerCase()), teams: out.teams };
}

/** "@alice, @org/team" */
export function namesOf(c: Coordinators): string {
  return [...c.reviewers, ...c.teams].map((x) => `@${x}`).join(", ");
}

/**
 * Whom to ask for a review on this change now: null when there is no undecided ARBITRATE conflict,
 * no coordinator to ask, or they were asked before (once per change, not on every push).
 */
export function coordinatorsToAsk(conflicts: readonly Conflict[], l: Ledger, change: string, config: Config, author: string | null): Coordinators | null {
  if (arbitrationOf(l, change)?.requested) return null;
  const c = coordinatorsFor(conflicts, config, author);
  return c.reviewers.length + c.teams.length > 0 ? c : null;
}

/**
 * The keys of the undecided ARBITRATE conflicts `who` may decide: all of them for a maintainer;
 * otherwise those whose coordinators list the login or a team `inTeam` says the login is in.
 */
export function decidableKeys(conflicts: readonly Conflict[], config: Config, who: { login: string; maintainer: boolean; inTeam: (team: string) => boolean }): string[] {
  const keys: string[] = [];
  for (const c of conflicts) {
    if (!isArbitrate(c) || c.decided) continue;
    const may =
      who.maintainer ||
      splitCoordinators(coordinatorsOfStream(config, c.holderStream)).reviewers.some((r) => r.toLowerCase() === who.login.toLowerCase()) ||
      splitCoordinators(coordinatorsOfStream(config, c.holderStream)).teams.some((t) => who.inTeam(t));
    const k = conflictKey(c);
    if (may && !keys.includes(k)) keys.push(k);
  }
  return keys;
}

/** One line per decided conflict, for the report: "CRITICAL `risk/x.py`: decided by @alice: note". */
export function decidedNotes(conflicts: readonly Conflict[]): string[] {
  return conflicts.filter((c) => c.decided).map((c) => `${c.type}${c.file ? ` \`${c.file}\`` : ""}: decided by @${c.decided!.by}: ${c.decided!.note || "(no note)"}`);
}

/** The note naming the coordinators asked (when an ARBITRATE conflict is undecided and some are configured). */
export function coordinatorsNote(conflicts: readonly Conflict[], config: Config): string[] {
  const c = coordinatorsFor(conflicts, config);
  if (c.reviewers.length + c.teams.length === 0) return [];
  return [`Coordinators asked to review (ARBITRATE): ${namesOf(c)}; one of them, or a maintainer, records the decision with \`/pucs decide -- note\`.`];
}

// ---------------------------------------------------------------------------
// ROLLBACK (seed §8.1: breaking change detected → revert + notify)
// ---------------------------------------------------------------------------

/** Merged changes of `stream` whose merge commit fails on the default branch and is not reverted yet. */
export function openRollbacks(l: Ledger, stream: string | null): MergedChange[] {
  if (stream === null) return [];
  return (l.merges ?? []).filter((m) => m.stream === stream && m.rollback !== undefined && m.rollback.done === undefined);
}

/** The merged change `mergeSha` (or the change "#12") names, if PUCS tracked it. */
export function mergedChange(l: Ledger, ref: string): MergedChange | null {
  const all = l.merges ?? [];
  if (/^#\d+$/.test(ref)) return all.find((m) => m.change === ref) ?? null;
  const r = ref.toLowerCase();
  if (r.length < 7) return null;
  return all.find((m) => m.mergeSha.toLowerCase().startsWith(r)) ?? null;
}

/** One ROLLBACK-strategy note per open suggestion in the stream, for the report of each of its open changes. */
export function rollbackNotes(l: Ledger, stream: string | null, self: string | null = null): string[] {
  return openRollbacks(l, stream)
    .filter((m) => m.change !== self)
    .map((m) => `ROLLBACK suggested: ${m.change}${m.title ? ` ("${m.title}")` : ""} of ${m.stream} merged as ${m.mergeSha.slice(0, 7)} and fails on the default branch (${m.rollback!.checks.join(", ") || "CI"}). A maintainer reverts it with \`/pucs rollback\` on ${m.change} (or \`pucs rollback ${m.mergeSha.slice(0, 7)}\` locally); rebase onto the revert before merging.`);
}
