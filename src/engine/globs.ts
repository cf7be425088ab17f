/**
 * Glob toolkit: one place that decides what a pattern means, whether it is acceptable, whether two
 * patterns can match a common path, and which of two patterns is more specific.
 *
 * Semantics are minimatch 11's with `{ dot: true }`: `*` and `**` match dotfiles and dot-directories,
 * `**` as a whole path segment matches any number of segments, `{a,b}` and `{1..3}` braces expand,
 * extglobs (`+(a|b)`) work. Patterns are repository-relative, `/`-separated, without escapes.
 *
 * Pure: no I/O, no clock. Memo caches are bounded and only ever hold deterministic results.
 */
import { Minimatch, braceExpand, type MinimatchOptions } from "minimatch";

/** Limits that keep hostile or accidental patterns from costing unbounded time. */
export const GLOB_LIMITS = {
  maxLength: 512,
  maxBraceAlternatives: 256,
  maxGlobstars: 4,
} as const;

const MM_OPTIONS: MinimatchOptions = {
  dot: true,
  // One more than the limit, so an over-limit pattern is detected without expanding all of it.
  braceExpandMax: GLOB_LIMITS.maxBraceAlternatives + 1,
};

const MEMO_LIMIT = 20_000;

function memoSet<K, V>(memo: Map<K, V>, key: K, value: V): V {
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, value);
  return value;
}

// ---------------------------------------------------------------------------
// isGlob
// ---------------------------------------------------------------------------

const isGlobMemo = new Map<string, boolean>();
/** Characters (or leading characters) that can make a pattern magic: * ? [ { ( anywhere, ! or # first. */
const PLAIN_SUSPECT = /[*?[{(]|^[!#]/;

/** True when `s` has any glob magic (`*`, `?`, `[...]`, extglobs, or braces that expand), or starts
 *  with "!" or "#" (minimatch negation / comment): i.e. it is not simply one path. */
export function isGlob(s: string): boolean {
  // Fast path: without any character minimatch gives meaning to, a string is a plain path.
  if (!PLAIN_SUSPECT.test(s)) return false;
  const hit = isGlobMemo.get(s);
  if (hit !== undefined) return hit;
  let magic: boolean;
  if (s.startsWith("!") || s.startsWith("#")) return memoSet(isGlobMemo, s, true); // negation / comment
  try {
    magic = new Minimatch(s, { ...MM_OPTIONS, magicalBraces: true }).hasMagic();
  } catch {
    magic = true; // something minimatch cannot even parse is certainly not a plain path
  }
  return memoSet(isGlobMemo, s, magic);
}

// ---------------------------------------------------------------------------
// validateGlob
// ---------------------------------------------------------------------------

const EXT_OPENERS = new Set(["?", "*", "+", "@", "!"]);

/** True when an extglob appears inside another extglob, e.g. `+(a|@(b|c))`. Skips `[...]` classes. */
function hasNestedExtglob(p: string): boolean {
  const stack: ("ext" | "paren")[] = [];
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === "[") {
      // Skip a character class; `]` right after `[`, `[!` or `[^` is a literal member.
      let j = i + 1;
      if (p[j] === "!" || p[j] === "^") j++;
      if (p[j] === "]") j++;
      while (j < p.length && p[j] !== "]") j++;
      if (j < p.length) i = j;
      continue;
    }
    if (EXT_OPENERS.has(c) && p[i + 1] === "(") {
      if (stack.includes("ext")) return true;
      stack.push("ext");
      i++;
      continue;
    }
    if (c === "(") stack.push("paren");
    else if (c === ")") stack.pop();
  }
  return false;
}

/**
 * null when `pattern` is an acceptable repository glob (or literal path), else a one-line message
 * saying what is wrong. Never throws; runs in time bounded by the length limit.
 */
export function validateGlob(pattern: string): string | null {
  try {
    return validateGlobUnsafe(pattern);
  } catch (e) {
    return `invalid pattern: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`;
  }
}

function validateGlobUnsafe(pattern: string): string | null {
  if (typeof pattern !== "string") return "pattern must be a string";
  if (pattern.length === 0) return "empty pattern";
  if (pattern.trim().length === 0) return "pattern is only whitespace";
  if (pattern.length > GLOB_LIMITS.maxLength) {
    return `pattern is ${pattern.length} characters long; the limit is ${GLOB_LIMITS.maxLength}`;
  }
  if (pattern.includes("\\")) {
    return 'backslashes are not supported: use "/" as the path separator (escapes are not supported)';
  }
  if (pattern.startsWith("/")) {
    return 'absolute path: patterns are relative to the repository root (remove the leading "/")';
  }
  if (pattern.startsWith("!")) {
    return 'negation ("!") is not supported: list the paths to include instead';
  }
  if (pattern.startsWith("#")) return 'comments ("#") are not supported in patterns';
  if (pattern.endsWith("/")) {
    return 'a trailing "/" matches no file: use "dir/**" for everything under a directory';
  }
  if (hasNestedExtglob(pattern)) {
    return 'nested extglobs are not supported (e.g. "+(a|@(b|c))"): flatten the alternatives';
  }
  const expansions = braceExpand(pattern, MM_OPTIONS);
  if (expansions.length > GLOB_LIMITS.maxBraceAlternatives) {
    return `brace expansion makes more than ${GLOB_LIMITS.maxBraceAlternatives} alternatives`;
  }
  for (const alt of expansions) {
    if (alt.length === 0) return "a brace alternative is empty";
    if (alt.startsWith("/")) return 'absolute path: patterns are relative to the repository root (remove the leading "/")';
    if (alt.endsWith("/")) return 'a trailing "/" matches no file: use "dir/**" for everything under a directory';
    const segments = alt.split("/");
    let globstars = 0;
    for (const seg of segments) {
      if (seg === "..") return '".." segments are not allowed: patterns are relative to the repository root';
      if (seg === ".") return '"." segments are not allowed: write the path without "./"';
      if (seg === "") return 'empty path segment ("//")';
      if (seg === "**") globstars++;
    }
    if (globstars > GLOB_LIMITS.maxGlobstars) {
      return `${globstars} "**" segments; at most ${GLOB_LIMITS.maxGlobstars} are allowed`;
    }
  }
  const mm = new Minimatch(pattern, MM_OPTIONS);
  if (mm.set.length === 0) return "pattern matches nothing";
  mm.match("pucs-validate/probe.txt"); // forces every lazily-built matcher to compile
  return null;
}

// ---------------------------------------------------------------------------
// compileGlob / matchesGlob
// ---------------------------------------------------------------------------

export interface CompiledGlob {
  pattern: string;
  /** No magic at all: the pattern is one repository path and matches by string equality. */
  isLiteral: boolean;
  /** The directory prefix before the first magic segment ("execution/" for "execution/**\/*.py");
   *  the whole pattern when it is literal; "" when the first segment is magic. */
  literalPrefix: string;
  test(path: string): boolean;
}

function segmentIsMagic(seg: string): boolean {
  return seg.includes("{") || seg.includes("}") || isGlob(seg);
}

function literalPrefixOf(pattern: string, literal: boolean): string {
  if (literal) return pattern;
  const segs = pattern.split("/");
  let prefix = "";
  for (let i = 0; i < segs.length - 1; i++) {
    const seg = segs[i]!;
    if (segmentIsMagic(seg)) break;
    prefix += seg + "/";
  }
  return prefix;
}

/** A compiled glob plus a test on an already split path (used by PatternIndex to split once). */
interface Compiled extends CompiledGlob {
  /** `segs` is `path.split("/")` when the path is clean (see {@link cleanSegments}), else null. */
  testSplit(path: string, segs: string[] | null): boolean;
}

const compileMemo = new Map<string, Compiled>();

/** Compile (memoised). Literal patterns compare by string equality; others use minimatch. */
export function compileGlob(pattern: string): CompiledGlob {
  return compileInternal(pattern);
}

function compileInternal(pattern: string): Compiled {
  const hit = compileMemo.get(pattern);
  if (hit) return hit;
  const literal = !pattern.includes("\\") && !isGlob(pattern);
  let compiled: Compiled;
  if (literal) {
    const test = (p: string): boolean => p === pattern;
    compiled = { pattern, isLiteral: true, literalPrefix: pattern, test, testSplit: test };
  } else {
    let mm: Minimatch | null = null;
    try {
      mm = new Minimatch(pattern, MM_OPTIONS);
    } catch {
      mm = null; // an uncompilable pattern matches nothing; validateGlob reports it
    }
    const baseRows = mm ? rowsOf(pattern) : null;
    const rows = baseRows ? matchRowsOf(baseRows) : null;
    const m = mm;
    const testSplit = (p: string, segs: string[] | null): boolean => {
      // Repository paths are clean ("a/b.py": no empty, "." or ".." segment; git never prints
      // another kind): an unclean one matches no pattern, in every matcher alike.
      if (m === null || segs === null) return false;
      if (rows === null) return m.match(p);
      for (const row of rows) if (matchRow(row, segs)) return true;
      return false;
    };
    compiled = {
      pattern,
      isLiteral: false,
      literalPrefix: literalPrefixOf(pattern, false),
      test: (p) => testSplit(p, cleanSegments(p)),
      testSplit,
    };
  }
  return memoSet(compileMemo, pattern, compiled);
}

/** `path.split("/")` when every segment is non-empty and not "." or ".."; else null. */
function cleanSegments(path: string): string[] | null {
  const segs = path.split("/");
  for (const s of segs) if (s === "" || s === "." || s === "..") return null;
  return segs;
}

function segMatches(seg: Seg, s: string): boolean {
  if (seg.k === "lit") return seg.s === s;
  if (seg.k === "wild") return (seg.starOnly ?? seg.test)(s);
  return true;
}

/**
 * The rows as our matcher runs them. minimatch's trailing "**" needs at least one segment ("a/**"
 * does not match "a"), so a trailing "**" becomes "any one segment" followed by "**".
 */
function matchRowsOf(rows: Seg[][]): Seg[][] {
  return rows.map((row) =>
    row.length > 0 && row[row.length - 1]!.k === "star2" ? [...row.slice(0, -1), ANY_SEGMENT, row[row.length - 1]!] : row,
  );
}

const ANY_SEGMENT: Seg = { k: "wild", test: () => true, starOnly: undefined, prefix: "", suffix: "" };

/**
 * Segment-wise match, "**" matching zero or more segments. Greedy with backtracking to the last
 * "**" only, which is exact because every other token matches exactly one segment: O(n·m).
 */
function matchRow(row: Seg[], segs: string[]): boolean {
  let pi = 0;
  let si = 0;
  let starP = -1;
  let starS = 0;
  while (si < segs.length) {
    const tok = row[pi];
    if (tok?.k === "star2") {
      starP = pi++;
      starS = si;
      continue;
    }
    if (tok !== undefined && segMatches(tok, segs[si]!)) {
      pi++;
      si++;
      continue;
    }
    if (starP < 0) return false;
    pi = starP + 1;
    si = ++starS;
  }
  while (pi < row.length && row[pi]!.k === "star2") pi++;
  return pi === row.length;
}

/** True when `path` equals the literal `pattern` or matches it as a glob. */
export function matchesGlob(path: string, pattern: string): boolean {
  return path === pattern || compileGlob(pattern).test(path);
}

// ---------------------------------------------------------------------------
// globsIntersect
// ---------------------------------------------------------------------------

type Seg =
  | { k: "star2" }
  | { k: "lit"; s: string }
  | {
      k: "wild";
      test: (s: string) => boolean;
      /** Set when the segment is only literals and "*": an exact, faster test. */
      starOnly: ((s: string) => boolean) | undefined;
      prefix: string;
      suffix: string;
    };

/** Characters that may start or end something non-literal inside a segment. Stopping the literal
 *  prefix/suffix at any of them only makes it shorter, which keeps the comparison sound. */
const NOT_PLAIN = new Set(["*", "?", "[", "]", "(", ")", "|", "+", "@", "!", "{", "}", "\\"]);

function plainPrefix(src: string): string {
  let i = 0;
  while (i < src.length && !NOT_PLAIN.has(src[i]!)) i++;
  return src.slice(0, i);
}

function plainSuffix(src: string): string {
  let i = src.length;
  while (i > 0 && !NOT_PLAIN.has(src[i - 1]!)) i--;
  return src.slice(i);
}

const rowsMemo = new Map<string, Seg[][] | null>();

/** The pattern's brace-expanded rows of segments; null when minimatch cannot compile it. */
function rowsOf(pattern: string): Seg[][] | null {
  if (rowsMemo.has(pattern)) return rowsMemo.get(pattern)!;
  let rows: Seg[][] | null;
  try {
    const mm = new Minimatch(pattern, MM_OPTIONS);
    // Negated ("!x") and comment ("#x") patterns are refused by validateGlob; if one gets here
    // anyway it is left to minimatch (matching) and treated as "could match anything" (intersect).
    if (mm.negate || mm.comment) return memoSet(rowsMemo, pattern, null);
    rows = mm.set.map((row) =>
      row.map((part): Seg => {
        if (typeof part === "string") return { k: "lit", s: part };
        if (typeof part === "symbol") return { k: "star2" };
        const src = part.pattern;
        return {
          k: "wild",
          test: (s) => part.testUnchecked(s),
          starOnly: starOnlyMatcher(src),
          prefix: plainPrefix(src),
          suffix: plainSuffix(src),
        };
      }),
    );
  } catch {
    rows = null;
  }
  return memoSet(rowsMemo, pattern, rows);
}

function segsIntersect(a: Seg, b: Seg): boolean {
  if (a.k === "lit" && b.k === "lit") return a.s === b.s;
  if (a.k === "lit" && b.k === "wild") return !a.s.includes("/") && b.test(a.s);
  if (a.k === "wild" && b.k === "lit") return !b.s.includes("/") && a.test(b.s);
  if (a.k === "wild" && b.k === "wild") {
    const prefixOk = a.prefix.startsWith(b.prefix) || b.prefix.startsWith(a.prefix);
    const suffixOk = a.suffix.endsWith(b.suffix) || b.suffix.endsWith(a.suffix);
    return prefixOk && suffixOk;
  }
  return true; // "**" handled by the caller; never reached
}

function rowsIntersect(a: Seg[], b: Seg[]): boolean {
  const memo = new Map<number, boolean>();
  const width = b.length + 1;
  const go = (i: number, j: number): boolean => {
    const key = i * width + j;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let r: boolean;
    const sa = a[i];
    const sb = b[j];
    if (sa === undefined && sb === undefined) r = true;
    else if (sa?.k === "star2") r = go(i + 1, j) || (sb !== undefined && go(i, j + 1));
    else if (sb?.k === "star2") r = go(i, j + 1) || (sa !== undefined && go(i + 1, j));
    else if (sa === undefined || sb === undefined) r = false;
    else r = segsIntersect(sa, sb) && go(i + 1, j + 1);
    memo.set(key, r);
    return r;
  };
  return go(0, 0);
}

const intersectMemo = new Map<string, boolean>();

/**
 * Whether some path can match both patterns. Sound: never false when a path matches both.
 * Patterns minimatch cannot compile are treated as possibly matching anything (true), unless both
 * are plain strings, which intersect only when equal.
 */
export function globsIntersect(a: string, b: string): boolean {
  if (a === b) return true;
  const key = a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
  const hit = intersectMemo.get(key);
  if (hit !== undefined) return hit;
  let r: boolean;
  const ca = compileGlob(a);
  const cb = compileGlob(b);
  if (ca.isLiteral && cb.isLiteral) r = false;
  else if (ca.isLiteral) r = cb.test(a);
  else if (cb.isLiteral) r = ca.test(b);
  else {
    const ra = rowsOf(a);
    const rb = rowsOf(b);
    if (ra === null || rb === null) r = true;
    else r = ra.some((x) => rb.some((y) => rowsIntersect(x, y)));
  }
  return memoSet(intersectMemo, key, r);
}

// ---------------------------------------------------------------------------
// compareSpecificity
// ---------------------------------------------------------------------------

interface Specificity {
  literalSegments: number;
  prefixLength: number;
  globstars: number;
  length: number;
}

function specificityOf(pattern: string): Specificity {
  const c = compileGlob(pattern);
  const literalSegments = c.isLiteral
    ? pattern.split("/").length
    : pattern.split("/").filter((s) => !segmentIsMagic(s)).length;
  const globstars = c.isLiteral ? 0 : pattern.split("/").filter((s) => s === "**").length;
  return { literalSegments, prefixLength: c.literalPrefix.length, globstars, length: pattern.length };
}

/**
 * Orders patterns by specificity: negative when `a` is MORE specific than `b`. More literal
 * segments first, then the longer literal prefix, then fewer `**` segments (`src/*.ts` is narrower
 * than `src/**\/*.ts`), then the longer pattern; 0 when all four tie.
 */
export function compareSpecificity(a: string, b: string): number {
  const sa = specificityOf(a);
  const sb = specificityOf(b);
  return (
    sb.literalSegments - sa.literalSegments ||
    sb.prefixLength - sa.prefixLength ||
    sa.globstars - sb.globstars ||
    sb.length - sa.length
  );
}

// ---------------------------------------------------------------------------
// PatternIndex
// ---------------------------------------------------------------------------

export interface PatternEntry<T> {
  pattern: string;
  value: T;
}

export interface PatternMatch<T> {
  pattern: string;
  value: T;
  /** Position of the entry in the constructor's list. */
  index: number;
}

/**
 * Many patterns against many paths. Literal patterns sit in a Map; glob patterns are bucketed by
 * their literal first path segment (every brace alternative's), and patterns whose first segment
 * is magic are checked for every path.
 */
export class PatternIndex<T> {
  readonly #entries: { pattern: string; value: T; glob: Compiled; base: ((basename: string) => boolean) | null }[];
  readonly #literals = new Map<string, number[]>();
  readonly #byFirst = new Map<string, number[]>();
  readonly #always: number[] = [];

  constructor(entries: PatternEntry<T>[]) {
    this.#entries = entries.map((e) => ({
      pattern: e.pattern,
      value: e.value,
      glob: compileInternal(e.pattern),
      base: basenameFilter(e.pattern),
    }));
    this.#entries.forEach((e, i) => {
      if (e.glob.isLiteral) {
        push(this.#literals, e.pattern, i);
        return;
      }
      const rows = rowsOf(e.pattern);
      const firsts = new Set<string>();
      let bucketable = rows !== null && rows.length > 0;
      for (const row of rows ?? []) {
        const first = row[0];
        if (first?.k === "lit") firsts.add(first.s);
        else bucketable = false;
      }
      if (bucketable) for (const f of firsts) push(this.#byFirst, f, i);
      else this.#always.push(i);
    });
  }

  /** Values of every entry whose pattern matches `path`, in insertion order. */
  match(path: string): T[] {
    return this.matchEntries(path).map((m) => m.value);
  }

  /** Entries whose pattern matches `path`, in insertion order, with the pattern that matched. */
  matchEntries(path: string): PatternMatch<T>[] {
    const slash = path.indexOf("/");
    const first = slash === -1 ? path : path.slice(0, slash);
    const hits: number[] = [];
    const lits = this.#literals.get(path);
    if (lits) hits.push(...lits);
    const bucket = this.#byFirst.get(first);
    const base = slash === -1 ? path : path.slice(path.lastIndexOf("/") + 1);
    let segs: string[] | null | undefined; // split lazily, once
    const entries = this.#entries;
    for (let round = 0; round < 2; round++) {
      const list = round === 0 ? bucket : this.#always;
      if (list === undefined) continue;
      for (let k = 0; k < list.length; k++) {
        const i = list[k]!;
        const e = entries[i]!;
        if (e.base !== null && !e.base(base)) continue;
        if (segs === undefined) segs = cleanSegments(path);
        if (e.glob.testSplit(path, segs)) hits.push(i);
      }
    }
    // Buckets are each in ascending order; merge by sorting (hits is tiny).
    if (hits.length > 1) hits.sort((x, y) => x - y);
    const out: PatternMatch<T>[] = [];
    let last = -1;
    for (const i of hits) {
      if (i === last) continue; // an entry bucketed under several brace alternatives
      last = i;
      const e = this.#entries[i]!;
      out.push({ pattern: e.pattern, value: e.value, index: i });
    }
    return out;
  }
}

/**
 * A cheap necessary condition on a path's last segment: every row of the pattern ends with a
 * literal or wildcard segment that the basename must match. null when some row ends with "**"
 * (or the pattern does not compile), i.e. no filter. Star-only segments ("test_*risk*.py") are
 * checked by their literal fragments, which is exact and much cheaper than a full match.
 */
function basenameFilter(pattern: string): ((basename: string) => boolean) | null {
  const rows = rowsOf(pattern);
  if (rows === null || rows.length === 0) return null;
  const tests: ((b: string) => boolean)[] = [];
  for (const row of rows) {
    const last = row[row.length - 1];
    if (last === undefined || last.k === "star2") return null;
    if (last.k === "lit") {
      const lit = last.s;
      tests.push((b) => b === lit);
    } else {
      tests.push(last.starOnly ?? last.test);
    }
  }
  if (tests.length === 1) return tests[0]!;
  return (b) => tests.some((t) => t(b));
}

/** Exact matcher for a segment made only of literal characters and "*" (dot: true semantics). */
function starOnlyMatcher(src: string): ((s: string) => boolean) | undefined {
  if (!src.includes("*")) return undefined;
  for (const c of src) if (c !== "*" && NOT_PLAIN.has(c)) return undefined;
  const frags = src.split("*");
  const head = frags[0]!;
  const tail = frags[frags.length - 1]!;
  const middle = frags.slice(1, -1).filter((f) => f.length > 0);
  const min = head.length + tail.length;
  const m0 = middle[0];
  if (middle.length === 0) {
    return (s) => s.length >= min && s.startsWith(head) && s.endsWith(tail) && s !== "." && s !== "..";
  }
  if (middle.length === 1) {
    const f = m0!;
    return (s) => {
      if (s.length < min + f.length || !s.endsWith(tail) || !s.startsWith(head)) return false;
      const k = s.indexOf(f, head.length);
      return k !== -1 && k + f.length <= s.length - tail.length && s !== "." && s !== "..";
    };
  }
  return (s) => {
    if (s === "." || s === "..") return false;
    if (s.length < min || !s.startsWith(head) || !s.endsWith(tail)) return false;
    let at = head.length;
    const end = s.length - tail.length;
    for (let j = 0; j < middle.length; j++) {
      const f = middle[j]!;
      const k = s.indexOf(f, at);
      if (k === -1 || k + f.length > end) return false;
      at = k + f.length;
    }
    return true;
  };
}

function push(map: Map<string, number[]>, key: string, i: number): void {
  const list = map.get(key);
  if (list) {
    if (list[list.length - 1] !== i) list.push(i);
  } else map.set(key, [i]);
}
