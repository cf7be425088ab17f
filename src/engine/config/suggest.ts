/** "Did you mean" suggestions for misspelt keys, stream ids and area names. */

function normalise(s: string): string {
  return s.toLowerCase().replace(/[-_\s]/g, "");
}

/** Levenshtein distance, stopping early once it exceeds `max`. */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The closest candidate to `word`, or null when none is close: a candidate equal ignoring case,
 * "_" and "-" wins; else the smallest edit distance within max(1, ⌊length/3⌋) that does not
 * rewrite the whole word (ties: first listed).
 */
export function suggest(word: string, candidates: readonly string[]): string | null {
  const n = normalise(word);
  for (const c of candidates) if (c !== word && normalise(c) === n) return c;
  const max = Math.max(1, Math.floor(word.length / 3));
  let best: string | null = null;
  let bestD = max + 1;
  for (const c of candidates) {
    if (c === word) continue;
    const d = editDistance(normalise(word), normalise(c), max);
    if (d < bestD && d < Math.min(n.length, normalise(c).length)) {
      best = c;
      bestD = d;
    }
  }
  return best;
}

/** `; did you mean "x"?` or "". */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const s = suggest(word, candidates);
  return s === null ? "" : `; did you mean ${JSON.stringify(s)}?`;
}
