/**
 * Small, bounded memory for pure functions of text (the config and the ledger are re-read on every
 * webhook, and are the same text most of the time). Pure: no I/O, no clocks.
 */

/** A map that forgets its least recently used entry beyond `limit` entries. */
export class Lru<K, V> {
  readonly #map = new Map<K, V>();
  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`an Lru holds at least 1 entry (got ${limit})`);
  }
  get size(): number {
    return this.#map.size;
  }
  /** Whether `key` is held (without making it recent). */
  has(key: K): boolean {
    return this.#map.has(key);
  }
  get(key: K): V | undefined {
    const v = this.#map.get(key);
    if (v === undefined) return undefined;
    this.#map.delete(key);
    this.#map.set(key, v);
    return v;
  }
  set(key: K, value: V): void {
    this.#map.delete(key);
    this.#map.set(key, value);
    if (this.#map.size > this.limit) this.#map.delete(this.#map.keys().next().value as K);
  }
  clear(): void {
    this.#map.clear();
  }
}

/**
 * Freeze a plain-data value and everything in it, so a value shared between callers (a memoized parse)
 * cannot be changed by one of them behind the others' backs: a write to it throws (ES modules are strict).
 */
export function deepFreeze<T>(value: T): T {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== "object" || v === null || Object.isFrozen(v)) continue;
    Object.freeze(v);
    for (const k of Object.keys(v)) stack.push((v as Record<string, unknown>)[k]);
  }
  return value;
}
