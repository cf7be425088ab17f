/**
 * Which stream owns a file, and the other per-file facts the engine needs from the config
 * (critical files, hot-file rules, areas).
 *
 * Ownership rule: a file belongs to the stream whose matching pattern is the MOST SPECIFIC
 * (`compareSpecificity` from globs.ts: more literal path segments, then a longer literal prefix,
 * then a longer pattern); when the most specific matching patterns of two streams tie, the stream
 * declared first in the config wins. Every other stream with a matching pattern is listed in `also`
 * (declaration order). A file no pattern matches is unowned: stream null.
 * So `execution/smart_execution.py` belongs to a stream listing that exact path even when another
 * stream claims `execution/**\/*.py`.
 *
 * Hot-file rules follow the same rule: the most specific matching rule decides the mode, ties to
 * the rule declared first.
 *
 * Patterns use minimatch semantics with dot:true (see globs.ts). Per-config indexes are built once
 * and cached by config object (WeakMap): configs are immutable data once loaded.
 *
 * Pure: no I/O.
 */

import { PatternIndex, compareSpecificity } from "./globs.js";
import type { Config, HotFileMode, StreamConfig } from "./types.js";

export interface FileClass {
  path: string;
  /** Owning stream id, or null when no stream's pattern matches (unowned). */
  stream: string | null;
  /** Other streams whose patterns match, in declaration order. */
  also: string[];
}

interface ConfigIndex {
  /** Every stream pattern; value = stream index in config.streams. */
  streams: PatternIndex<number>;
  /** Specificity rank of each distinct pattern (0 = most specific; equal specificity, equal rank). */
  rank: Map<string, number>;
  /** Hot-file rules; value = rule index. */
  hot: PatternIndex<number>;
  areas: PatternIndex<number>;
}

const configIndexes = new WeakMap<Config, ConfigIndex>();
const criticalIndexes = new WeakMap<StreamConfig, PatternIndex<true>>();

function rankPatterns(patterns: Iterable<string>): Map<string, number> {
  const sorted = [...new Set(patterns)].sort(compareSpecificity);
  const rank = new Map<string, number>();
  let r = 0;
  sorted.forEach((p, k) => {
    if (k > 0 && compareSpecificity(sorted[k - 1] as string, p) !== 0) r = k;
    rank.set(p, r);
  });
  return rank;
}

function indexOf(config: Config): ConfigIndex {
  let idx = configIndexes.get(config);
  if (idx) return idx;
  const streamEntries = config.streams.flatMap((s, i) => s.patterns.map((pattern) => ({ pattern, value: i })));
  const hotEntries = config.hotFiles.map((h, i) => ({ pattern: h.pattern, value: i }));
  idx = {
    streams: new PatternIndex(streamEntries),
    rank: rankPatterns([...streamEntries, ...hotEntries].map((e) => e.pattern)),
    hot: new PatternIndex(hotEntries),
    areas: new PatternIndex(config.areas.flatMap((a, i) => a.patterns.map((pattern) => ({ pattern, value: i })))),
  };
  configIndexes.set(config, idx);
  return idx;
}

/** Owner and co-claimants of each path, in input order (see the module comment for the rule). */
export function classify(paths: string[], config: Config): FileClass[] {
  const idx = indexOf(config);
  const out: FileClass[] = new Array(paths.length);
  for (let k = 0; k < paths.length; k++) {
    const path = paths[k] as string;
    const matches = idx.streams.matchEntries(path);
    if (matches.length === 0) {
      out[k] = { path, stream: null, also: [] };
      continue;
    }
    let best = -1;
    let bestRank = Infinity;
    for (const m of matches) {
      const r = idx.rank.get(m.pattern) as number;
      // Matches come in entry order, i.e. declaration order of streams: strict < keeps the earlier on ties.
      if (r < bestRank) {
        bestRank = r;
        best = m.value;
      }
    }
    const also: string[] = [];
    let last = -1;
    for (const m of matches) {
      if (m.value === best || m.value === last) continue;
      last = m.value;
      also.push((config.streams[m.value] as StreamConfig).id);
    }
    out[k] = { path, stream: (config.streams[best] as StreamConfig).id, also };
  }
  return out;
}

/** The owning stream of one path (null = unowned). */
export function ownerOf(path: string, config: Config): string | null {
  return (classify([path], config)[0] as FileClass).stream;
}

/** True when `path` matches one of the stream's `critical_files` entries (paths or globs). A `critical`
 *  stream's other files are not "critical files": callers check `stream.critical` themselves. */
export function isCriticalFile(path: string, stream: StreamConfig): boolean {
  if (stream.criticalFiles.length === 0) return false;
  let idx = criticalIndexes.get(stream);
  if (!idx) {
    idx = new PatternIndex(stream.criticalFiles.map((pattern) => ({ pattern, value: true as const })));
    criticalIndexes.set(stream, idx);
  }
  return idx.matchEntries(path).length > 0;
}

/** The hot-file mode of a path: the most specific matching `hot_files` rule's mode (ties: the rule
 *  declared first), or null when no rule matches. */
export function hotFileMode(path: string, config: Config): HotFileMode | null {
  if (config.hotFiles.length === 0) return null;
  const idx = indexOf(config);
  let best: number | null = null;
  let bestRank = Infinity;
  for (const m of idx.hot.matchEntries(path)) {
    const r = idx.rank.get(m.pattern) as number;
    if (r < bestRank) {
      bestRank = r;
      best = m.value;
    }
  }
  return best === null ? null : (config.hotFiles[best] as Config["hotFiles"][number]).mode;
}

/** Names of the areas (`areas:` entries, e.g. the seed's `models`, `config`) whose patterns match the path, in declaration order. */
export function areaOf(path: string, config: Config): string[] {
  if (config.areas.length === 0) return [];
  const out: string[] = [];
  let last = -1;
  for (const m of indexOf(config).areas.matchEntries(path)) {
    if (m.value === last) continue;
    last = m.value;
    out.push((config.areas[m.value] as Config["areas"][number]).name);
  }
  return out;
}
