/**
 * The regions of a hunk as git's MERGE would align them.
 *
 * GitHub's patches (and `git diff`'s default) are Myers diffs; git's merge (ort) aligns each side with its
 * base by the histogram diff. Where the two alignments differ, regions that look separate, or identical,
 * in the patches are not to git (a line moved, a block rewritten around repeated lines). A hunk carries
 * the whole old and new text of its span, so its histogram alignment can be computed from the patch
 * alone: this module does that, with xdiff's algorithm (xhistogram.c: the common run whose rarest line
 * occurs least often in the old text is the anchor, then both sides of it, recursively).
 *
 * It is an approximation of what git's merge does on the whole file, on the safe side where it can be:
 * - a group the same as one of the patch's (after xdiff's compaction, which slides groups over equal
 *   lines) keeps the patch's place, where git's indent heuristic put it; a group of its own is widened
 *   over every line it could slide across, so wherever git puts it, the widened region holds it;
 * - when the alignment is too ambiguous for histogram (xdiff falls back to Myers), the whole changed span
 *   of the hunk is one region.
 * The alignment is computed within the hunk (git's uses the whole file); callers use it beside the Myers
 * regions, not instead of them.
 *
 * Pure: no I/O.
 */
import type { LineRange } from "./types.js";

/** xdiff's limit: lines occurring more often than this are not used as anchors. */
const MAX_CHAIN = 64;

/** One line of a hunk body: context, removed or added; its text with a CR when it had one; whether git marked it "\ No newline at end of file". */
export interface BodyLine {
  kind: " " | "-" | "+";
  text: string;
  noEol?: boolean;
}

/** A changed region of the alternative alignment: old-side range (an insertion before old line p is start p, end p-1), its new text. */
export interface AltRegion {
  start: number;
  end: number;
  added: string[];
  /** The last added line has no newline (git's "\ No newline at end of file"). */
  noNewline: boolean;
}

/**
 * Histogram alignment of `a` (old) and `b` (new): marks changed lines in `chgA`/`chgB`.
 * Ranges are 0-based [l1, l1 + c1) and [l2, l2 + c2).
 */
function histogram(a: readonly string[], b: readonly string[], chgA: Uint8Array, chgB: Uint8Array, l1: number, c1: number, l2: number, c2: number, depth: number): void {
  for (;;) {
    if (c1 <= 0 && c2 <= 0) return;
    if (c1 <= 0) {
      chgB.fill(1, l2, l2 + c2);
      return;
    }
    if (c2 <= 0) {
      chgA.fill(1, l1, l1 + c1);
      return;
    }
    const end1 = l1 + c1 - 1;
    const end2 = l2 + c2 - 1;
    // The index of the old range: first occurrence of each line, the chain of later ones, the count.
    const first = new Map<string, { ptr: number; cnt: number }>();
    const next = new Int32Array(c1).fill(-1);
    for (let p = end1; p >= l1; p--) {
      const line = a[p] as string;
      const rec = first.get(line);
      if (rec) {
        next[p - l1] = rec.ptr;
        rec.ptr = p;
        rec.cnt++;
      } else first.set(line, { ptr: p, cnt: 1 });
    }
    const cnt = (p: number): number => (first.get(a[p] as string) as { cnt: number }).cnt;
    let bestCnt = MAX_CHAIN + 1;
    let b1 = -1;
    let e1 = -1;
    let b2 = -1;
    let e2 = -1;
    let hasCommon = false;
    for (let bp = l2; bp <= end2; ) {
      let bNext = bp + 1;
      const rec = first.get(b[bp] as string);
      if (rec) {
        hasCommon = true;
        if (rec.cnt <= bestCnt) {
          let as = rec.ptr;
          for (;;) {
            let np = next[as - l1] as number;
            let bs = bp;
            let ae = as;
            let be = bs;
            let rc = rec.cnt;
            while (as > l1 && bs > l2 && a[as - 1] === b[bs - 1]) {
              as--;
              bs--;
              if (rc > 1) rc = Math.min(rc, cnt(as));
            }
            while (ae < end1 && be < end2 && a[ae + 1] === b[be + 1]) {
              ae++;
              be++;
              if (rc > 1) rc = Math.min(rc, cnt(ae));
            }
            if (bNext <= be) bNext = be + 1;
            if (e1 - b1 < ae - as || rc < bestCnt) {
              b1 = as;
              e1 = ae;
              b2 = bs;
              e2 = be;
              bestCnt = rc;
            }
            if (np === -1) break;
            while (np !== -1 && np <= ae) np = next[np - l1] as number;
            if (np === -1) break;
            as = np;
          }
        }
      }
      bp = bNext;
    }
    if (b1 === -1 || (hasCommon && bestCnt > MAX_CHAIN) || depth > 200) {
      // No anchor (nothing in common), or only lines too frequent to anchor on (xdiff then runs Myers here):
      // the whole span changed, which covers any alignment of it.
      chgA.fill(1, l1, l1 + c1);
      chgB.fill(1, l2, l2 + c2);
      return;
    }
    histogram(a, b, chgA, chgB, l1, b1 - l1, l2, b2 - l2, depth + 1);
    c1 = end1 - e1;
    c2 = end2 - e2;
    l1 = e1 + 1;
    l2 = e2 + 1;
  }
}

/**
 * The changed regions of one hunk under the histogram alignment, each widened over the equal lines it
 * could slide across; `oldStart` is the old line number of the body's first old line (for a pure
 * insertion hunk, the line after the header's oldStart). Lines are compared with their exact text.
 */
export function histogramRegions(body: readonly BodyLine[], oldStart: number): AltRegion[] {
  // Lines compare with their exact text and whether they end with a newline (as xdiff compares them).
  const key = (l: BodyLine): string => (l.noEol ? `${l.text}\u0000` : l.text);
  const a: string[] = [];
  const b: string[] = [];
  const bLines: BodyLine[] = [];
  // The patch's own (Myers) alignment, as marked in the body.
  const myersA: number[] = [];
  const myersB: number[] = [];
  for (const l of body) {
    if (l.kind !== "+") {
      a.push(key(l));
      myersA.push(l.kind === "-" ? 1 : 0);
    }
    if (l.kind !== "-") {
      b.push(key(l));
      bLines.push(l);
      myersB.push(l.kind === "+" ? 1 : 0);
    }
  }
  const chgA = new Uint8Array(a.length);
  const chgB = new Uint8Array(b.length);
  histogram(a, b, chgA, chgB, 0, a.length, 0, b.length, 0);
  // xdiff's compaction, to its lowest position, remembering how high each group could go.
  const topA = compact(a, chgA);
  const topB = compact(b, chgB);
  // The Myers groups compacted the same way: a histogram group equal to one of them is the same change, which
  // git's compaction (indent heuristic included) puts where the patch has it.
  const mA = Uint8Array.from(myersA);
  const mB = Uint8Array.from(myersB);
  compact(a, mA);
  compact(b, mB);
  const sameGroup = (m: Uint8Array, c: Uint8Array, s0: number, e0: number): boolean => {
    if ((s0 > 0 && m[s0 - 1]) || (e0 < m.length && m[e0])) return false;
    for (let k = s0; k < e0; k++) if (!m[k] || !c[k]) return false;
    return true;
  };
  /** Where the patch has a group whose compacted form is [s0, e0) of size n: the first run of n changed lines from `from`. */
  const patchRun = (orig: readonly number[], from: number, e0: number, n: number): number => {
    for (let k = from; k < e0; k++) if (orig[k] && (k === 0 || !orig[k - 1]) && orig.slice(k, k + n).every((v) => v === 1)) return k;
    return -1;
  };
  const out: AltRegion[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && !chgA[i] && !chgB[j]) {
      i++;
      j++;
      continue;
    }
    // A group: the changed old lines from i and the changed new lines from j.
    let ie = i;
    while (ie < a.length && chgA[ie]) ie++;
    let je = j;
    while (je < b.length && chgB[je]) je++;
    if (ie === i && je === j) {
      // Unchanged lines left on one side only cannot happen with a consistent alignment: the rest changed.
      ie = a.length;
      je = b.length;
    }
    // The old lines the group may cover wherever git's compaction puts it: a group of old lines from its
    // highest start; an insertion's point moves up as far as its new lines do.
    const up = ie > i ? i - (topA.get(i) ?? i) : j - (topB.get(j) ?? j);
    const added = bLines.slice(j, je);
    const text = { added: added.map((l) => l.text), noNewline: added[added.length - 1]?.noEol === true };
    let exact = -1;
    if (sameGroup(mA, chgA, i, ie) && sameGroup(mB, chgB, j, je)) {
      // The patch's own position of this group (old side; an insertion's point follows its new lines).
      if (ie > i) exact = patchRun(myersA, i - up, ie, ie - i);
      else {
        const k = patchRun(myersB, j - up, je, je - j);
        if (k !== -1) exact = i - (j - k);
      }
    }
    if (exact !== -1) out.push({ start: oldStart + exact, end: oldStart + exact + (ie - i) - 1, ...text });
    else out.push({ start: oldStart + i - up, end: oldStart + ie - 1, ...text });
    i = ie;
    j = je;
  }
  return out;
}

/**
 * xdiff's `xdl_change_compact` on one side, without its final choice: each group of changed lines slides up
 * while the line before it equals its last line and down while the line after equals its first, merging
 * with the groups it meets, until its size is stable; it is left at its lowest position. Returns, by each
 * group's final start, the highest start it could take (git's indent heuristic picks one in between).
 */
function compact(x: readonly string[], chg: Uint8Array): Map<number, number> {
  const top = new Map<number, number>();
  let s = 0;
  for (;;) {
    while (s < x.length && !chg[s]) s++;
    if (s >= x.length) break;
    let e = s;
    while (e < x.length && chg[e]) e++;
    let size: number;
    let high: number;
    do {
      size = e - s;
      while (s > 0 && x[s - 1] === x[e - 1]) {
        chg[--s] = 1;
        chg[--e] = 0;
        while (s > 0 && chg[s - 1]) s--;
      }
      high = s;
      while (e < x.length && x[s] === x[e]) {
        chg[s++] = 0;
        chg[e++] = 1;
        while (e < x.length && chg[e]) e++;
      }
    } while (size !== e - s);
    top.set(s, Math.min(top.get(s) ?? s, high));
    s = e;
  }
  return top;
}

/** Whether two region lists are the same regions (start, end, hash). */
export function sameRegions(x: readonly LineRange[], y: readonly LineRange[]): boolean {
  return x.length === y.length && x.every((r, k) => r.start === y[k]!.start && r.end === y[k]!.end && r.hash === y[k]!.hash);
}
