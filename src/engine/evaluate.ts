/**
 * evaluate(change, ledger, config, now): every conflict between one change and the live claims of
 * everyone else, each with its resolution strategy and a concrete next step (DESIGN.md §3).
 *
 *   LOCKED          a file is under someone else's live lock                      QUEUE
 *   INTENT_OVERLAP  another open change (footprint) or declared intent touches it MERGE when the
 *                   changed lines are disjoint (or the file is a `merge` hot file), else PARTITION
 *   DEPENDENCY      a file belongs to a stream or area this change's stream depends on
 *                                                   QUEUE behind that stream's open work, else ARBITRATE
 *   CAPACITY        the stream already has max_agents active holders             QUEUE
 *   CRITICAL        a critical file, or a file of a critical stream             ARBITRATE
 *
 * "Someone else" = a claim of another change; claims without a change (local CLI agents) belong to
 * their agent. Hot files with mode `ignore` never conflict. Output order is deterministic: by
 * conflict type (in the order above, LOCKED and CAPACITY first), then file, then holder.
 *
 * Cost: one pass over the ledger (a hash lookup per claimed path) and stream patterns indexed once per
 * config, so a 3,000-file change against 1,000 open changes is a few hash lookups per file.
 */
import { breakerOf, breakerState, describeBreaker } from "./breaker.js";
import { coordinatorsNote, decidedNotes, rollbackNotes, withDecisions } from "./arbitrate.js";
import { classify, hotFileMode, isCriticalFile, areaOf } from "./classify.js";
import { altRegions, compareChanges, renamedFrom, textHash } from "./diff.js";
import { enclosingDefinition, type Definition } from "./symbols.js";
import { compileGlob, globsIntersect, isGlob, matchesGlob } from "./globs.js";
import { streamOfChange } from "./membership.js";
import { ownsClaim } from "./change.js";
import type {
  Change,
  ChangedFile,
  Config,
  Conflict,
  ConflictType,
  Evaluation,
  Footprint,
  FootprintFile,
  Intent,
  Ledger,
  LineRange,
  Lock,
  StreamConfig,
  Verdict,
} from "./types.js";
import { UNLISTED } from "./types.js";

export interface EvaluateOptions {
  /** A stream declared by the caller (e.g. `pucs intent --stream`): takes precedence over labels, commits, branch and files. */
  stream?: string | null;
  /** Definitions of base-side files by path (src/engine/symbols.ts), for the files the caller could read: PARTITION
   *  advice then names the enclosing function or class of each side's edit instead of the hunk header's section. */
  symbols?: ReadonlyMap<string, readonly Definition[]>;
}

interface ClaimIndex {
  literalLocks: Map<string, Lock[]>;
  /** Glob locks by the first segment of their literal prefix ("" = magic first segment: test every path). */
  globLocks: Map<string, { lock: Lock; prefix: string }[]>;
  literalIntents: Map<string, Intent[]>;
  globIntents: Map<string, { intent: Intent; pattern: string; prefix: string }[]>;
  /** Footprint files on the change's own paths only (found by one scan of the ledger). */
  footprints: Map<string, { footprint: Footprint; file: FootprintFile }[]>;
  /** Expiry of every lock and intent in epoch ms, parsed once. */
  expires: Map<Lock | Intent, number>;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** "a" for "a/b/" or "a/b.py"; "" for "" (a pattern whose first segment is magic). */
function firstSegment(p: string): string {
  const slash = p.indexOf("/");
  return slash === -1 ? p : p.slice(0, slash);
}

/** The glob claims that can match `path`: its first segment's bucket, and the always-tested one. */
function candidates<T>(buckets: Map<string, T[]>, path: string): T[] | undefined {
  if (buckets.size === 0) return undefined;
  const own = buckets.get(firstSegment(path));
  const any = buckets.get("");
  return own && any ? [...own, ...any] : (own ?? any);
}

const NONE: readonly never[] = [];

/**
 * The claims that can concern these paths. One pass over the ledger: locks and intents are few and
 * indexed whole; footprints (the bulk: every open change's files) are kept only where they touch one
 * of the change's own paths, so the cost is a hash lookup per footprint file and nothing is allocated
 * for the rest.
 */
function indexFor(ledger: Ledger, paths: ReadonlySet<string>, wantAllFootprints: boolean): ClaimIndex {
  const literalLocks = new Map<string, Lock[]>();
  const globLocks: ClaimIndex["globLocks"] = new Map();
  const literalIntents = new Map<string, Intent[]>();
  const globIntents: ClaimIndex["globIntents"] = new Map();
  const footprints = new Map<string, { footprint: Footprint; file: FootprintFile }[]>();
  const expires = new Map<Lock | Intent, number>();
  for (const lock of ledger.locks) {
    expires.set(lock, Date.parse(lock.expiresAt));
    if (isGlob(lock.path)) {
      const prefix = compileGlob(lock.path).literalPrefix;
      push(globLocks, firstSegment(prefix), { lock, prefix });
    }
    else push(literalLocks, lock.path, lock);
  }
  for (const intent of ledger.intents) {
    expires.set(intent, Date.parse(intent.expiresAt));
    for (const f of intent.files) {
      if (isGlob(f)) {
        const prefix = compileGlob(f).literalPrefix;
        push(globIntents, firstSegment(prefix), { intent, pattern: f, prefix });
      }
      else push(literalIntents, f, intent);
    }
  }
  for (const footprint of ledger.footprints) {
    for (const file of footprint.files) {
      if (wantAllFootprints || paths.has(file.path)) push(footprints, file.path, { footprint, file });
      // A rename is found on its old path too: the same base file as anyone changing that path.
      const from = file.previousPath;
      if (from !== undefined && from !== file.path && (wantAllFootprints || paths.has(from))) push(footprints, from, { footprint, file });
    }
  }
  return { literalLocks, globLocks, literalIntents, globIntents, footprints, expires };
}

const TYPE_ORDER: Record<ConflictType, number> = { LOCKED: 0, CAPACITY: 1, INTENT_OVERLAP: 2, DEPENDENCY: 3, CRITICAL: 4 };

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareConflicts(a: Conflict, b: Conflict): number {
  return TYPE_ORDER[a.type] - TYPE_ORDER[b.type] || cmp(a.file, b.file) || cmp(a.holderChange ?? a.holder, b.holderChange ?? b.holder) || cmp(a.strategy, b.strategy);
}

export function formatRanges(ranges: readonly LineRange[]): string {
  return ranges.map((r) => (r.end < r.start ? `before line ${r.start}` : r.start === r.end ? `line ${r.start}` : `lines ${r.start}-${r.end}`)).join(", ");
}


/** The ranges a changed file touches on the old side; null = the whole file (unknown patch). */
function rangesOf(file: ChangedFile): LineRange[] | null {
  if (file.hunks === null) return null;
  return file.hunks.flatMap((h) => h.changes.map((c) => (h.section && c.section === undefined ? { ...c, section: h.section } : c)));
}

function who(agent: string, change: string | undefined): string {
  return change ? `${change} (${agent})` : agent;
}

function coordinatorsOf(stream: StreamConfig | undefined, config: Config): string {
  const list = stream && stream.coordinators.length > 0 ? stream.coordinators : config.coordinators;
  if (list.length > 0) return list.join(", ");
  return stream ? `the ${stream.id} stream's coordinators` : "a coordinator";
}

/** How many holders of a full stream a CAPACITY conflict names (the rest are counted). */
export const CAPACITY_SHOWN = 6;

/** One stream's open work as CAPACITY and DEPENDENCY count it. */
export interface StreamWork {
  /** Holder ids ("#12", or the agent for a claim without a change) in ledger order: open changes' footprints, then live intents, then live locks. */
  holders: string[];
  /** Every holder: `holders` plus the open changes a partial ledger counts without listing (UNLISTED). */
  count: number;
}

/**
 * The open work of each stream, leaving out `isSelf`'s claims: the one rule CAPACITY and DEPENDENCY
 * count by (src/engine/refresh.ts asks it too). A holder counts once however many claims it has; a
 * draft takes no slot; a partial ledger's unlisted members of a stream are counted (UNLISTED).
 */
export function activeHolders(
  ledger: Ledger,
  now: number,
  isSelf: (entry: { change?: string; agent: string }) => boolean = () => false,
  isLive: (entry: Lock | Intent, at: number) => boolean = (entry, at) => Date.parse(entry.expiresAt) > at,
): Map<string, StreamWork> {
  const out = new Map<string, StreamWork>();
  const seen = new Map<string, Set<string>>();
  const note = (s: string | null, holder: string): void => {
    if (!s) return;
    let ids = seen.get(s);
    if (!ids) {
      ids = new Set();
      seen.set(s, ids);
      out.set(s, { holders: [], count: 0 });
    }
    if (ids.has(holder)) return;
    ids.add(holder);
    const work = out.get(s)!;
    work.holders.push(holder);
    work.count++;
  };
  // A draft is work in progress: its files still overlap, but it takes no CAPACITY slot (and the gate ignores it).
  for (const fp of ledger.footprints) if (!isSelf(fp) && !fp.draft) note(fp.stream, fp.change);
  for (const it of ledger.intents) if (isLive(it, now) && !isSelf(it)) note(it.stream, it.change ?? it.agent);
  for (const l of ledger.locks) if (isLive(l, now) && !isSelf(l)) note(l.stream, l.change ?? l.agent);
  for (const [s, n] of Object.entries(ledger[UNLISTED] ?? {})) {
    if (n <= 0) continue;
    const work = out.get(s) ?? { holders: [], count: 0 };
    work.count += n;
    out.set(s, work);
  }
  return out;
}

export function evaluate(change: Change, ledger: Ledger, config: Config, now: number, options: EvaluateOptions = {}): Evaluation {
  const paths = change.files.map((f) => f.path);
  const touchedPaths = new Set<string>(paths);
  for (const f of change.files) {
    const from = renamedFrom(f);
    if (from !== undefined) touchedPaths.add(from);
  }
  const globPaths = new Set([...touchedPaths].filter((p) => isGlob(p)));
  const declaresGlobs = globPaths.size > 0;
  const index = indexFor(ledger, touchedPaths, declaresGlobs);
  const isLive = (entry: Lock | Intent, at: number): boolean => (index.expires.get(entry) ?? Date.parse(entry.expiresAt)) > at;
  const streamsById = new Map(config.streams.map((s) => [s.id, s]));

  const classes = classify(paths, config);
  let stream: string | null;
  let streamSource: Evaluation["streamSource"];
  if (options.stream !== undefined && options.stream !== null) {
    stream = options.stream;
    streamSource = "declared";
  } else {
    const m = streamOfChange(change, config, classes);
    stream = m.stream;
    streamSource = m.source;
  }
  const myStream = stream ? streamsById.get(stream) : undefined;

  const conflicts: Conflict[] = [];
  const seen = new Set<string>();
  const add = (c: Conflict, key: string): void => {
    if (seen.has(key)) return;
    seen.add(key);
    conflicts.push(c);
  };

  const isSelf = (entry: { change?: string; agent: string }): boolean => ownsClaim(change, entry);

  /** Open work of each stream by others (see `activeHolders`). */
  const activeByStream = activeHolders(ledger, now, isSelf, isLive);

  const lockConflict = (path: string, lock: Lock): void => {
    add(
      {
        type: "LOCKED",
        strategy: "QUEUE",
        file: path,
        holder: lock.agent,
        ...(lock.change ? { holderChange: lock.change } : {}),
        holderStream: lock.stream,
        details: `Locked by ${who(lock.agent, lock.change)}${lock.stream ? ` for ${lock.stream}` : ""} until ${lock.expiresAt}${lock.task ? `: ${lock.task}` : ""}.`,
        nextStep: `Wait until ${who(lock.agent, lock.change)} releases ${lock.path} or the lock expires at ${lock.expiresAt}; to be next in line run \`/pucs queue ${path}\` on the PR or \`pucs queue ${path}\` locally.`,
        until: lock.expiresAt,
      },
      `L|${path}|${lock.lease}`,
    );
  };

  const intentConflict = (path: string, intent: Intent, merge: boolean): void => {
    add(
      {
        type: "INTENT_OVERLAP",
        strategy: merge ? "MERGE" : "PARTITION",
        file: path,
        holder: intent.agent,
        ...(intent.change ? { holderChange: intent.change } : {}),
        holderStream: intent.stream,
        details: `${who(intent.agent, intent.change)}${intent.stream ? ` (${intent.stream})` : ""} intends to work on ${path}: ${intent.description}.`,
        nextStep: merge
          ? `${path} is a hot file merged mechanically: go ahead, and rebase after ${who(intent.agent, intent.change)} merges.`
          : `Agree with ${who(intent.agent, intent.change)} who takes which part of ${path} (split by function), or work on other files until their intent ends at ${intent.expiresAt}.`,
      },
      `I|${path}|${intent.id}`,
    );
  };

  const footprintConflict = (path: string, mine: LineRange[] | null, fp: Footprint, theirs: FootprintFile, hotMerge: boolean, renamed: Renames = NO_RENAMES, mineAlt?: LineRange[]): void => {
    const other = `${fp.change}${fp.stream ? ` (${fp.stream})` : ""}`;
    const renameClash = renameConflict(path, mine, theirs.changes, renamed, fp.change);
    if (renameClash) {
      add(
        {
          type: "INTENT_OVERLAP",
          strategy: "PARTITION",
          file: path,
          holder: fp.agent,
          holderChange: fp.change,
          holderStream: fp.stream,
          details: `${other} ${renameClash.details}`,
          nextStep: renameClash.nextStep,
        },
        `F|${path}|${fp.change}`,
      );
      return;
    }
    let compared = compareChanges(mine, theirs.changes);
    // The patches are Myers diffs, git's merge aligns with histogram: where either side's hunks align
    // differently under it, a conflict under that alignment is one too (src/engine/histogram.ts).
    let realigned = false;
    if (compared.overlap === null && mine !== null && theirs.changes !== null && (mineAlt !== undefined || theirs.alt !== undefined)) {
      const again = compareChanges(mineAlt ?? mine, theirs.alt ?? theirs.changes);
      if (again.overlap !== null) {
        compared = again;
        realigned = true;
      }
    }
    const overlap = compared.overlap;
    const moved = renameNote(renamed, fp.change);
    if (overlap === null && !hotMerge && compared.identical.length > 0) {
      // git merges identical changes cleanly: no conflict, but duplicate work is news.
      const same = formatRanges(compared.identical);
      add(
        {
          type: "INTENT_OVERLAP",
          strategy: "MERGE",
          file: path,
          holder: fp.agent,
          holderChange: fp.change,
          holderStream: fp.stream,
          details: `${other} already makes this exact change to ${same} of ${path}; any other lines are disjoint.${moved}`,
          nextStep: `Duplicate work: git merges identical changes cleanly, so this is safe in parallel; agree with ${fp.change} which of you keeps the edit to ${same} and drop it from the other.`,
        },
        `F|${path}|${fp.change}`,
      );
      return;
    }
    if (overlap === null || hotMerge) {
      add(
        {
          type: "INTENT_OVERLAP",
          strategy: "MERGE",
          file: path,
          holder: fp.agent,
          holderChange: fp.change,
          holderStream: fp.stream,
          details: hotMerge
            ? `${other} also changes ${path}, a hot file that merges mechanically.`
            : `${other} also changes ${path}, in other lines: the changes are disjoint.${moved}`,
          nextStep: `Safe in parallel: whichever merges second rebases onto the first (git merges disjoint hunks cleanly).`,
        },
        `F|${path}|${fp.change}`,
      );
      return;
    }
    const mineNames = overlap.mine.length > 0 ? overlap.mine.join(", ") : "its lines";
    const theirNames = overlap.theirs.length > 0 ? overlap.theirs.join(", ") : "its lines";
    // Names from the base file's definitions when the caller read it; else from the footprints' own, when every
    // conflicting region of both sides has one (what each change's event read); else the hunk headers' sections.
    const defs = options.symbols?.get(path);
    const both = compared.mineRegions.length > 0 && compared.theirRegions.length > 0;
    const nameOf = defs ? (r: LineRange) => enclosingDefinition(defs, r)?.name ?? null : both && storedNames(compared.mineRegions) && storedNames(compared.theirRegions) ? (r: LineRange) => r.symbol ?? null : null;
    const named = nameOf && both ? namedSides(nameOf, compared.mineRegions, compared.theirRegions) : null;
    // With the enclosing definitions known, the advice names them; otherwise it names the hunks' sections.
    const nextStep = named
      ? named.sameSymbol
        ? `Both change \`${named.sameSymbol}\` (this change: ${named.mineLines}; ${fp.change}: ${named.theirLines}): one should land first — queue behind ${fp.change} and rebase onto it, or hand this edit to ${fp.change}.`
        : `${fp.change} changes ${named.theirs}, this change changes ${named.mine}: split by function — keep each edit inside its own, or queue behind ${fp.change}.`
      : `Partition ${path} with ${fp.change}: this change keeps ${mineNames}, ${fp.change} keeps ${theirNames}; move the overlapping edit (${formatRanges(overlap.overlapping)}) to one side, or queue behind ${fp.change}.`;
    add(
      {
        type: "INTENT_OVERLAP",
        strategy: "PARTITION",
        file: path,
        holder: fp.agent,
        holderChange: fp.change,
        holderStream: fp.stream,
        details: `${other} changes the same lines of ${path} (${formatRanges(overlap.overlapping)}${realigned ? ", as git's merge aligns the two versions" : ""}).${moved}`,
        nextStep,
        lines: named ? { overlapping: overlap.overlapping, mine: named.mineSymbols, theirs: named.theirSymbols } : overlap,
      },
      `F|${path}|${fp.change}`,
    );
  };

  const criticalHits = new Map<string, string[]>();

  change.files.forEach((file, i) => {
    const owner = classes[i]?.stream ?? null;
    const hot = hotFileMode(file.path, config);
    if (hot === "ignore") return;
    const hotMerge = hot === "merge";
    const from = renamedFrom(file);
    const touched = from !== undefined ? [file.path, from] : [file.path];
    // The base file this file's changes are on (a rename's hunks are on its old path's lines).
    const baseFile = from ?? file.path;
    let mine: LineRange[] | null | undefined; // computed on the first footprint hit
    let mineAlt: LineRange[] | undefined;

    for (const path of touched) {
      if (declaresGlobs && globPaths.has(path)) {
        // A declared glob (intent or lock request): compare against every claim's pattern.
        for (const lock of ledger.locks) if (isLive(lock, now) && !isSelf(lock) && globsIntersect(path, lock.path)) lockConflict(path, lock);
        for (const intent of ledger.intents) {
          if (!isLive(intent, now) || isSelf(intent)) continue;
          if (intent.files.some((f) => globsIntersect(path, f))) intentConflict(path, intent, hotMerge);
        }
        for (const [fpPath, entries] of index.footprints) {
          if (!matchesGlob(fpPath, path)) continue;
          for (const { footprint, file: theirs } of entries) if (!isSelf(footprint)) footprintConflict(fpPath, null, footprint, theirs, hotMerge);
        }
        continue;
      }
      for (const lock of index.literalLocks.get(path) ?? NONE) if (isLive(lock, now) && !isSelf(lock)) lockConflict(path, lock);
      for (const { lock, prefix } of candidates(index.globLocks, path) ?? NONE) {
        if (path.startsWith(prefix) && isLive(lock, now) && !isSelf(lock) && matchesGlob(path, lock.path)) lockConflict(path, lock);
      }
      for (const intent of index.literalIntents.get(path) ?? NONE) if (isLive(intent, now) && !isSelf(intent)) intentConflict(path, intent, hotMerge);
      for (const { intent, pattern, prefix } of candidates(index.globIntents, path) ?? NONE) {
        if (path.startsWith(prefix) && isLive(intent, now) && !isSelf(intent) && matchesGlob(path, pattern)) intentConflict(path, intent, hotMerge);
      }
      for (const { footprint, file: theirs } of index.footprints.get(path) ?? NONE) {
        if (isSelf(footprint)) continue;
        if ((theirs.previousPath ?? theirs.path) === baseFile) {
          // The same base file, whichever side renames it: both sides' regions are on its lines. Reported on
          // the base path (once, though a rename is found under both of its paths).
          if (mine === undefined) {
            mine = rangesOf(file);
            mineAlt = altRegions(file);
          }
          footprintConflict(baseFile, mine, footprint, theirs, hotMerge, { mine: from === undefined ? null : file.path, theirs: theirs.previousPath === undefined ? null : theirs.path }, mineAlt);
        } else {
          // Different base files under one name (a rename onto a path the other side changes): the whole file.
          footprintConflict(path, null, footprint, theirs, hotMerge);
        }
      }
    }

    // DEPENDENCY: the file belongs to a stream (or area) this change's stream depends on.
    if (myStream) {
      let depStream: string | null = null;
      let area: string | null = null;
      if (owner && owner !== myStream.id && myStream.dependsOn.includes(owner)) depStream = owner;
      else if (owner !== myStream.id) {
        area = areaOf(file.path, config).find((a) => myStream.dependsOnAreas.includes(a)) ?? null;
        if (area) depStream = owner;
      }
      if (depStream !== null || area !== null) {
        const ownerCfg = depStream ? streamsById.get(depStream) : undefined;
        const work = depStream ? activeByStream.get(depStream) : undefined;
        const open = work?.holders ?? [];
        const count = work?.count ?? 0;
        // The first 5 by name, the rest counted (a partial ledger may only count them: UNLISTED).
        const shown = open.slice(0, 5);
        const named = shown.length === 0 ? `${count} open change${count === 1 ? "" : "s"}` : shown.join(", ") + (count > shown.length ? ` and ${count - shown.length} more` : "");
        const what = area ? `area \`${area}\`${depStream ? ` (owned by ${depStream})` : ""}` : `stream ${depStream}`;
        add(
          {
            type: "DEPENDENCY",
            strategy: count > 0 ? "QUEUE" : "ARBITRATE",
            file: file.path,
            holder: open[0] ?? (count > 0 ? `${depStream}'s open work` : coordinatorsOf(ownerCfg, config)),
            holderStream: depStream,
            details: `${file.path} belongs to ${what}, which ${myStream.id} depends on.`,
            nextStep:
              count > 0
                ? `Queue behind ${depStream}'s open work (${named}): merge after it, or hand this edit to ${depStream}.`
                : `Ask ${coordinatorsOf(ownerCfg, config)} to approve changing ${area ? `\`${area}\`` : depStream} from ${myStream.id}, or move the edit into a ${depStream ?? area} change.`,
          },
          `D|${file.path}`,
        );
      }
    }

    // CRITICAL: critical files of the owning stream; files of critical streams are grouped per stream.
    const ownerCfg = owner ? streamsById.get(owner) : undefined;
    if (ownerCfg) {
      if (ownerCfg.critical) {
        const list = criticalHits.get(ownerCfg.id) ?? [];
        list.push(file.path);
        criticalHits.set(ownerCfg.id, list);
      } else if (isCriticalFile(file.path, ownerCfg)) {
        add(
          {
            type: "CRITICAL",
            strategy: "ARBITRATE",
            file: file.path,
            holder: coordinatorsOf(ownerCfg, config),
            holderStream: ownerCfg.id,
            details: `${file.path} is a critical file of ${ownerCfg.id}.`,
            nextStep: `Ask ${coordinatorsOf(ownerCfg, config)} to review this change to ${file.path} before it merges.`,
          },
          `C|${file.path}`,
        );
      }
    }
  });

  for (const [id, files] of criticalHits) {
    const s = streamsById.get(id);
    const shown = files.slice(0, 5).join(", ") + (files.length > 5 ? ` and ${files.length - 5} more` : "");
    add(
      {
        type: "CRITICAL",
        strategy: "ARBITRATE",
        file: files[0] ?? "",
        holder: coordinatorsOf(s, config),
        holderStream: id,
        details: `${id} is a critical stream; this change touches ${files.length} of its file(s): ${shown}.`,
        nextStep: `Ask ${coordinatorsOf(s, config)} to review before it merges.`,
      },
      `CS|${id}`,
    );
  }

  // CAPACITY: the stream already has max_agents active holders other than this change.
  if (myStream) {
    const work = activeByStream.get(myStream.id);
    const count = work?.count ?? 0;
    if (count >= myStream.maxAgents) {
      // The first CAPACITY_SHOWN holders by name, the rest counted (a stream can have thousands).
      const shown = work!.holders.slice(0, CAPACITY_SHOWN).join(", ") + (count > CAPACITY_SHOWN ? ` and ${count - CAPACITY_SHOWN} more` : "");
      add(
        {
          type: "CAPACITY",
          strategy: "QUEUE",
          file: "",
          holder: shown,
          holderStream: myStream.id,
          details: `${myStream.id} already has ${count} active (max_agents ${myStream.maxAgents}): ${shown}.`,
          nextStep: `Wait until one of them merges or releases its claims, pick work in another stream, or raise max_agents for ${myStream.id}.`,
        },
        "CAP",
      );
    }
  }

  conflicts.sort(compareConflicts);
  // ARBITRATE conflicts a coordinator decided (`/pucs decide`) stay listed, marked, and stop counting.
  const judged = withDecisions(conflicts, ledger, change.id);
  return {
    change: change.id,
    stream,
    streamSource,
    files: classes.map((c) => ({ path: c.path, stream: c.stream, also: c.also })),
    conflicts: judged,
    verdict: verdictOf(judged),
    // Notes, not conflicts: the stream's circuit breaker (seed §3.3) when it is not CLOSED, a ROLLBACK
    // suggested for a merged change of the stream (seed §8.1), the coordinators asked, the decisions.
    suggestions: [
      ...breakerNote(ledger, stream, now),
      ...rollbackNotes(ledger, stream, change.id),
      ...coordinatorsNote(judged, config),
      ...decidedNotes(judged),
      ...new Set(judged.filter((c) => !c.decided).map((c) => c.nextStep)),
    ].slice(0, 10),
  };
}

function breakerNote(ledger: Ledger, stream: string | null, now: number): string[] {
  const b = breakerOf(ledger, stream);
  return b && breakerState(b, now) !== "CLOSED" ? [describeBreaker(b, now)] : [];
}

/** The new names of one base file when a side renames it (null = that side keeps the name). */
interface Renames {
  mine: string | null;
  theirs: string | null;
}
const NO_RENAMES: Renames = { mine: null, theirs: null };

/** The text hash of a region replaced by nothing (`textHash([], false)`): what deleting lines leaves. */
const NOTHING = textHash([], false);

/**
 * git's rename conflicts, which no line comparison shows: both sides rename the file to different names
 * (rename/rename), or one renames it without changing a line while the other deletes it (rename/delete:
 * its footprint removes every line from line 1 and adds none) or changes it in a way not known (an
 * unknown patch may be the deletion). Null when there is none.
 */
function renameConflict(path: string, mine: LineRange[] | null, theirs: LineRange[] | null, renamed: Renames, other: string): { details: string; nextStep: string } | null {
  if (renamed.mine !== null && renamed.theirs !== null && renamed.mine !== renamed.theirs) {
    return {
      details: `renames ${path} to ${renamed.theirs}; this change renames it to ${renamed.mine}: git stops on the two names (a rename/rename conflict), whatever the lines.`,
      nextStep: `Agree with ${other} on one name for ${path} (${renamed.mine} or ${renamed.theirs}): one of you drops the rename and rebases onto the other, or queue behind ${other}.`,
    };
  }
  const deletes = (rs: LineRange[] | null): boolean => rs === null || (rs.length === 1 && rs[0]!.start === 1 && rs[0]!.end >= 1 && rs[0]!.hash === NOTHING);
  const pureRename = (rs: LineRange[] | null, to: string | null): boolean => to !== null && rs !== null && rs.length === 0;
  if ((pureRename(mine, renamed.mine) && deletes(theirs)) || (pureRename(theirs, renamed.theirs) && deletes(mine))) {
    const to = (renamed.mine ?? renamed.theirs) as string;
    const who = renamed.mine !== null ? "this change renames" : `${other} renames`;
    return {
      details: `may delete ${path} (it removes every line from line 1, or its patch is unknown) while ${who} it to ${to}: git stops on a rename/delete conflict.`,
      nextStep: `Agree with ${other} whether ${path} stays (as ${to}) or goes, or queue behind ${other}.`,
    };
  }
  return null;
}

/** What a rename adds to a report's details: where git carries the other side's edits. */
function renameNote(renamed: Renames, other: string): string {
  if (renamed.mine !== null && renamed.mine === renamed.theirs) return ` Both rename it to ${renamed.mine}.`;
  if (renamed.theirs !== null) return ` ${other} renames it to ${renamed.theirs}: git carries this change's edits there.`;
  if (renamed.mine !== null) return ` This change renames it to ${renamed.mine}: git carries ${other}'s edits there.`;
  return "";
}

/** Whether every region carries its enclosing symbol (`LineRange.symbol`, null = outside every definition). */
const storedNames = (rs: readonly LineRange[]): boolean => rs.every((r) => r.symbol !== undefined);

/** Each side's conflicting regions named by their enclosing definitions: "`predict` (lines 10-14)". */
function namedSides(
  nameOf: (r: LineRange) => string | null,
  mine: readonly LineRange[],
  theirs: readonly LineRange[],
): { mine: string; theirs: string; mineLines: string; theirLines: string; mineSymbols: string[]; theirSymbols: string[]; sameSymbol: string | null } {
  const side = (regions: readonly LineRange[]) => {
    const groups = new Map<string | null, LineRange[]>();
    for (const r of regions) {
      const name = nameOf(r);
      const list = groups.get(name);
      if (list) list.push(r);
      else groups.set(name, [r]);
    }
    const text = [...groups].map(([name, rs]) => (name === null ? formatRanges(rs) : `\`${name}\` (${formatRanges(rs)})`)).join(", ");
    return { text, names: [...groups.keys()], lines: formatRanges(regions) };
  };
  const a = side(mine);
  const b = side(theirs);
  const only = (names: (string | null)[]) => (names.length === 1 ? names[0] : null);
  const sameSymbol = only(a.names) !== null && only(a.names) === only(b.names) ? (only(a.names) as string) : null;
  const symbols = (names: (string | null)[]) => names.filter((n): n is string => n !== null);
  return { mine: a.text, theirs: b.text, mineLines: a.lines, theirLines: b.lines, mineSymbols: symbols(a.names), theirSymbols: symbols(b.names), sameSymbol };
}

/** Whether a conflict stops an intent from being recorded unforced: safe merges and review-only notes (CRITICAL) do not. */
export function blocksIntent(c: Conflict): boolean {
  return c.strategy !== "MERGE" && c.type !== "CRITICAL" && c.decided === undefined;
}

/** The verdict; a decided ARBITRATE conflict counts as a safe one (it is still listed). */
export function verdictOf(conflicts: readonly Conflict[]): Verdict {
  const open = conflicts.filter((c) => c.decided === undefined);
  if (open.some((c) => c.type === "LOCKED" || c.type === "CAPACITY")) return "blocked";
  if (open.some((c) => c.strategy !== "MERGE")) return "needs-decision";
  if (conflicts.length > 0) return "safe-overlap";
  return "clear";
}
