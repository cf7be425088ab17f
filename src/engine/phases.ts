/**
 * Merge phases (seed §5.3): the order in which streams' changes may merge.
 *
 * Pinned phases (merge_gate.phases) win; otherwise streams are layered topologically by their
 * stream dependencies (dependsOn): phase 1 holds the streams that depend on no stream, phase n the
 * streams whose dependencies all lie in phases < n. Within a phase, ids keep declaration order.
 * Area dependencies (dependsOnAreas) create no edge. parseConfig refuses cycles; should a Config
 * built elsewhere still hold one, the streams on or behind it go, in declaration order, into one
 * last phase rather than vanishing.
 */
import type { Config } from "./types.js";

/** Phases as lists of stream ids (a fresh array each call). */
export function phases(config: Config): string[][] {
  return config.mergeGate.pinnedPhases ? config.mergeGate.pinnedPhases.map((p) => [...p]) : derive(config);
}

function derive(config: Config): string[][] {
  const ids = config.streams.map((s) => s.id);
  const known = new Set(ids);
  const deps = new Map(config.streams.map((s) => [s.id, s.dependsOn.filter((d) => known.has(d) && d !== s.id)]));
  const phaseOf = new Map<string, number>();
  const layers: string[][] = [];
  let remaining = ids;
  while (remaining.length > 0) {
    const layer = remaining.filter((id) => deps.get(id)!.every((d) => phaseOf.has(d)));
    if (layer.length === 0) {
      layers.push(remaining); // a cycle (never from parseConfig): keep the streams visible
      break;
    }
    for (const id of layer) phaseOf.set(id, layers.length + 1);
    layers.push(layer);
    const placed = new Set(layer);
    remaining = remaining.filter((id) => !placed.has(id));
  }
  return layers;
}

/** 1-based phase of `stream`, or null when it is in no phase (unknown stream). */
export function phaseOf(config: Config, stream: string): number | null {
  const i = phases(config).findIndex((layer) => layer.includes(stream));
  return i === -1 ? null : i + 1;
}

/**
 * Every stream `stream` depends on, directly or transitively (dependsOn only), in breadth-first
 * order from the stream's own list; excludes `stream` itself even on a cycle. [] for an unknown id.
 */
export function dependencyClosure(config: Config, stream: string): string[] {
  const byId = new Map(config.streams.map((s) => [s.id, s]));
  const out: string[] = [];
  const seen = new Set<string>([stream]);
  const queue = [...(byId.get(stream)?.dependsOn ?? [])];
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (seen.has(id) || !byId.has(id)) continue;
    seen.add(id);
    out.push(id);
    queue.push(...byId.get(id)!.dependsOn);
  }
  return out;
}
