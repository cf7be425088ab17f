/**
 * Line-level view of changes: unified-diff parsing and hunk overlap.
 *
 * - `parseUnifiedDiff` reads `git diff` output (several files, renames, copies, mode changes,
 *   new/deleted files, binary files, C-quoted paths) and also plain `diff -u` output.
 * - `parsePatch` reads GitHub's per-file `patch` field (hunks only).
 * - Every hunk's `changes` are the changed regions on the OLD (base) side, computed from the body.
 * - `overlapRanges` decides whether two changes to the same file can merge (null) or collide.
 *
 * Parsing never throws: every problem becomes an error string "line N (path): what was expected,
 * got ...". A file whose hunks could not be read is returned with `hunks: null` (unknown patch,
 * treated as touching the whole file), never with a partial, silently wrong hunk list.
 *
 * Paths: git's default prefixes `a/` and `b/` are stripped (and the mnemonic prefixes c/ i/ w/ o/
 * of `diff.mnemonicPrefix`, 1/ 2/ of `--no-index`). Output of `--no-prefix` or custom
 * `--src-prefix`/`--dst-prefix` is not supported: callers running git should pass
 * `--src-prefix=a/ --dst-prefix=b/ --no-color --no-ext-diff`.
 *
 * Pure: no I/O.
 */

import type { ChangedFile, FootprintFile, Hunk, LineRange } from "./types.js";
import { histogramRegions, sameRegions, type BodyLine } from "./histogram.js";

export interface DiffParseResult {
  files: ChangedFile[];
  errors: string[];
}

export interface PatchParseResult {
  /** When `errors` is not empty, treat the file's patch as unknown (hunks null): `hunks` then holds at most
   *  the hunks read before the problem (none when a hunk itself is malformed). */
  hunks: Hunk[];
  errors: string[];
}

/**
 * Short hash (16 hex digits, two independent 32-bit lanes) of a region's new text: each line with its
 * exact whitespace followed by a newline, except the last one when `noNewline` (git's "\ No newline at
 * end of file"). Two regions with the same old-side range and the same hash are the identical change.
 */
export function textHash(lines: readonly string[], noNewline: boolean): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x9747b28c;
  const mix = (code: number): void => {
    h1 = Math.imul(h1 ^ code, 0x01000193);
    h2 = Math.imul(h2 ^ code, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  };
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k] as string;
    for (let c = 0; c < line.length; c++) mix(line.charCodeAt(c));
    if (k < lines.length - 1 || !noNewline) mix(10);
  }
  mix(lines.length & 0xffff);
  mix(noNewline ? 1 : 2);
  h1 = Math.imul(h1 ^ (h1 >>> 16), 0x85ebca6b) ^ Math.imul(h2 ^ (h2 >>> 13), 0xc2b2ae35);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 0x27d4eb2f) ^ Math.imul(h1 ^ (h1 >>> 13), 0x165667b1);
  return (h1 >>> 0).toString(16).padStart(8, "0") + (h2 >>> 0).toString(16).padStart(8, "0");
}

/** The line-level collision between two changes to one file (see `overlapRanges`). */
export interface RangeOverlap {
  /** Merged old-side line ranges where the two sides' conflicting regions lie, sorted; [] when both sides are unknown (whole file). */
  overlapping: LineRange[];
  /** Distinct section names (hunk headers' function context) of my conflicting regions, in line order. */
  mine: string[];
  /** The same for the other side. */
  theirs: string[];
}

// ---------------------------------------------------------------------------
// Lines and small helpers
// ---------------------------------------------------------------------------

/** Input lines; `cr` holds the indices of the lines that ended with "\r\n" (for the text of "+" lines: a CR is part of a line's text). */
type Lines = string[] & { cr?: Set<number> };

/** Input lines without their "\n" or "\r\n"; blank lines at the very end (pasted diffs) are dropped. */
function splitLines(text: string): Lines {
  let cr: Set<number> | undefined;
  const lines: Lines = text.split("\n").map((l, k) => {
    if (!l.endsWith("\r")) return l;
    (cr ??= new Set()).add(k);
    return l.slice(0, -1);
  });
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  if (cr) lines.cr = cr;
  return lines;
}

function excerpt(line: string | undefined): string {
  if (line === undefined) return "the end of the input";
  const cut = line.length > 60 ? `${line.slice(0, 60)}...` : line;
  return JSON.stringify(cut);
}

function where(lineNo: number, path: string | null): string {
  return path ? `line ${lineNo} (${path})` : `line ${lineNo}`;
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@(.*)$/;
const HUNK_EXAMPLE = '"@@ -12,5 +12,7 @@ section"';

type HunkHeader = Omit<Hunk, "changes">;

/** Parse a hunk header line (`@@ -12,5 +12,7 @@ def fn():`); null when the line is not one. */
export function parseHunkHeader(line: string): HunkHeader | null {
  const m = HUNK_HEADER.exec(line);
  if (!m) return null;
  const h = {
    oldStart: Number(m[1]),
    oldLines: m[2] === undefined ? 1 : Number(m[2]),
    newStart: Number(m[3]),
    newLines: m[4] === undefined ? 1 : Number(m[4]),
    section: (m[5] ?? "").trim(),
  };
  // Line numbers past MAX_LINE are not a real file's (and past 2^53 arithmetic on them is wrong).
  if ([h.oldStart, h.oldLines, h.newStart, h.newLines].some((n) => n > MAX_LINE)) return null;
  return h;
}

/** The largest line number or count a hunk header may carry. */
export const MAX_LINE = 1_000_000_000;

/** The old-side region a hunk header covers, for when its body is unknown: the whole old range,
 *  or for a pure insertion (oldLines 0, inserted after old line oldStart) the empty range at oldStart + 1. */
export function headerRange(h: HunkHeader): LineRange {
  const r: LineRange =
    h.oldLines === 0
      ? { start: h.oldStart + 1, end: h.oldStart }
      : { start: h.oldStart, end: h.oldStart + h.oldLines - 1 };
  if (h.section) r.section = h.section;
  return r;
}

/** A Hunk built from its header alone (body unknown): `changes` is the whole old range. Null when the line is not a hunk header. */
export function hunkFromHeader(line: string): Hunk | null {
  const h = parseHunkHeader(line);
  return h ? { ...h, changes: [headerRange(h)] } : null;
}

function headerProblem(h: HunkHeader): string | null {
  if (h.oldStart === 0 && h.oldLines > 0) return "old start 0 is only valid with an old line count of 0";
  if (h.newStart === 0 && h.newLines > 0) return "new start 0 is only valid with a new line count of 0";
  return null;
}

// ---------------------------------------------------------------------------
// Hunk bodies
// ---------------------------------------------------------------------------

interface HunkRead {
  hunk: Hunk | null;
  /** Index of the first line after the hunk (or of the offending line on error). */
  next: number;
}

/**
 * Read the hunk whose header is lines[i]. Lines are 0-based indices; error messages use 1-based numbers.
 * The body ends when the header's old and new line counts are reached; a body that runs out early,
 * runs over, or contains a line that is not ' ', '-', '+' or '\' is an error.
 */
function readHunk(lines: Lines, i: number, path: string | null, errors: string[]): HunkRead {
  const headerLine = lines[i] as string;
  const header = parseHunkHeader(headerLine);
  if (!header) {
    errors.push(`${where(i + 1, path)}: expected a hunk header like ${HUNK_EXAMPLE}, got ${excerpt(headerLine)}`);
    return { hunk: null, next: i + 1 };
  }
  const bad = headerProblem(header);
  if (bad) {
    errors.push(`${where(i + 1, path)}: invalid hunk header ${excerpt(headerLine)}: ${bad}`);
    return { hunk: null, next: i + 1 };
  }
  const declared = `its header ${excerpt(hunkHeaderOnly(headerLine))} declares ${header.oldLines} old and ${header.newLines} new lines`;
  const section = header.section;
  const changes: LineRange[] = [];
  let oldSeen = 0;
  let newSeen = 0;
  // Old-side line number of the next old line; for a pure insertion hunk, the line after oldStart.
  let cur = header.oldLines === 0 ? header.oldStart + 1 : header.oldStart;
  let runStart: number | null = null;
  // The run's new lines (without their "+") and whether the last one lacks its newline.
  let added: string[] = [];
  let noNewline = false;
  let last: string | undefined;
  // The body's lines, for the histogram alignment (see histogram.ts).
  const body: BodyLine[] = [];
  const text = (k: number, line: string): string => (lines.cr?.has(k) ? `${line.slice(1)}\r` : line.slice(1));
  const closeRun = () => {
    if (runStart === null) return;
    const r: LineRange = { start: runStart, end: cur - 1 };
    if (section) r.section = section;
    r.hash = textHash(added, noNewline);
    changes.push(r);
    runStart = null;
    added = [];
    noNewline = false;
  };
  let j = i + 1;
  while (oldSeen < header.oldLines || newSeen < header.newLines) {
    const line = lines[j];
    if (line === undefined) {
      errors.push(
        `${where(j + 1, path)}: the hunk at line ${i + 1} ends early at the end of the input after ${oldSeen} old and ${newSeen} new lines; ${declared}`,
      );
      return { hunk: null, next: j };
    }
    const c = line[0];
    if (c === " " || line === "") {
      // An empty line is an empty context line whose leading space was stripped (as `git apply` accepts).
      closeRun();
      body.push({ kind: " ", text: text(j, line) });
      oldSeen++;
      newSeen++;
      cur++;
    } else if (c === "-") {
      if (runStart === null) runStart = cur;
      body.push({ kind: "-", text: text(j, line) });
      oldSeen++;
      cur++;
    } else if (c === "+") {
      if (runStart === null) runStart = cur;
      added.push(text(j, line));
      body.push({ kind: "+", text: text(j, line) });
      newSeen++;
    } else if (c === "\\") {
      // "\ No newline at end of file": not a line of either side; after a "+" line, the new text's last line has no newline.
      if (last?.[0] === "+") noNewline = true;
      const prev = body[body.length - 1];
      if (prev) prev.noEol = true;
    } else {
      errors.push(
        `${where(j + 1, path)}: expected a line of the hunk at line ${i + 1} (starting with " ", "-" or "+"), got ${excerpt(line)}; the hunk has ${oldSeen} old and ${newSeen} new lines so far, ${declared}`,
      );
      return { hunk: null, next: j };
    }
    if (oldSeen > header.oldLines || newSeen > header.newLines) {
      errors.push(
        `${where(j + 1, path)}: the hunk at line ${i + 1} has more ${oldSeen > header.oldLines ? "old" : "new"} lines than its header allows; ${declared}`,
      );
      return { hunk: null, next: j + 1 };
    }
    last = line;
    j++;
  }
  // A "\ No newline" marker right after the body belongs to its last line.
  while (lines[j]?.startsWith("\\")) {
    if (last?.[0] === "+") noNewline = true;
    const prev = body[body.length - 1];
    if (prev) prev.noEol = true;
    j++;
  }
  closeRun();
  const hunk: Hunk = { ...header, changes };
  const alt = histogramRegions(body, header.oldLines === 0 ? header.oldStart + 1 : header.oldStart).map((g): LineRange => {
    const r: LineRange = { start: g.start, end: g.end };
    if (section) r.section = section;
    r.hash = textHash(g.added, g.noNewline);
    return r;
  });
  if (!sameRegions(alt, changes)) hunk.alt = alt;
  return { hunk, next: j };
}

/** Is lines[j] the start of a hunk body line that cannot belong anywhere (the previous hunk overran its header)? */
function isStrayBodyLine(lines: string[], j: number): boolean {
  const line = lines[j];
  if (line === undefined) return false;
  if (line.startsWith("--- ") && lines[j + 1]?.startsWith("+++ ")) return false;
  return line[0] === " " || line[0] === "-" || line[0] === "+";
}

/**
 * Read consecutive hunks starting at lines[i] (which must be a hunk header). Stops at the first line
 * that is not a hunk header. On any problem returns hunks null and the index to resume at.
 */
function readHunks(
  lines: string[],
  i: number,
  path: string | null,
  errors: string[],
): { hunks: Hunk[] | null; next: number } {
  const hunks: Hunk[] = [];
  let j = i;
  let failed = false;
  while (j < lines.length && (lines[j] as string).startsWith("@@")) {
    const headerAt = j;
    const { hunk, next } = readHunk(lines, j, path, errors);
    if (!hunk) {
      failed = true;
      j = next;
      break;
    }
    const prev = hunks[hunks.length - 1];
    if (prev && firstOldLine(hunk) < firstOldLine(prev) + prev.oldLines) {
      errors.push(
        `${where(headerAt + 1, path)}: the hunk starts at old line ${hunk.oldStart}, inside or before the previous hunk (old lines ${prev.oldStart}-${prev.oldStart + prev.oldLines - 1}); hunks must be in increasing order`,
      );
      failed = true;
      j = next;
      break;
    }
    hunks.push(hunk);
    j = next;
    if (isStrayBodyLine(lines, j)) {
      errors.push(
        `${where(j + 1, path)}: the hunk at line ${headerAt + 1} has more lines than its header ${excerpt(hunkHeaderOnly(lines[headerAt] as string))} declares (${hunk.oldLines} old, ${hunk.newLines} new): got ${excerpt(lines[j])}`,
      );
      failed = true;
      break;
    }
  }
  return { hunks: failed ? null : hunks, next: j };
}

/** First old line a hunk is about (for an insertion: the line it is inserted before). */
function firstOldLine(h: HunkHeader): number {
  return h.oldLines === 0 ? h.oldStart + 1 : h.oldStart;
}

function hunkHeaderOnly(line: string): string {
  return line.replace(/^(@@[^@]*@@).*$/, "$1");
}

// ---------------------------------------------------------------------------
// Paths
// ---------------------------------------------------------------------------

const C_ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, "\\": 92 };
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8");

/**
 * Read a git C-style quoted string starting at s[from] === '"' (core.quotePath): escapes \a \b \t \n \v \f \r
 * \" \\ and \ooo (octal bytes of the UTF-8 encoding). Returns the decoded value and the index after the
 * closing quote, or an error describing the problem.
 */
export function unquoteCString(s: string, from = 0): { value: string; end: number } | { error: string } {
  if (s[from] !== '"') return { error: "expected a double quote" };
  const bytes: number[] = [];
  let k = from + 1;
  while (k < s.length) {
    const c = s[k] as string;
    if (c === '"') return { value: decoder.decode(new Uint8Array(bytes)), end: k + 1 };
    if (c === "\\") {
      const e = s[k + 1];
      if (e === undefined) break;
      if (/[0-7]/.test(e)) {
        const oct = (/^[0-7]{1,3}/.exec(s.slice(k + 1, k + 4)) as RegExpExecArray)[0];
        if (oct.length !== 3 || parseInt(oct, 8) > 0o377) return { error: `invalid octal escape "\\${oct}" (expected three octal digits, at most \\377)` };
        bytes.push(parseInt(oct, 8));
        k += 4;
        continue;
      }
      const code = C_ESCAPES[e];
      if (code === undefined) return { error: `unknown escape "\\${e}"` };
      bytes.push(code);
      k += 2;
      continue;
    }
    const cp = s.codePointAt(k) as number;
    const ch = String.fromCodePoint(cp);
    for (const b of encoder.encode(ch)) bytes.push(b);
    k += ch.length;
  }
  return { error: "missing closing double quote" };
}

const OLD_PREFIXES = ["a/", "c/", "i/", "w/", "o/", "1/"];
const NEW_PREFIXES = ["b/", "c/", "i/", "w/", "o/", "2/"];

function stripPrefix(p: string, prefixes: string[]): string {
  for (const pre of prefixes) if (p.startsWith(pre)) return p.slice(pre.length);
  return p;
}

/** Path on a "--- " / "+++ " line (without the marker). null = /dev/null. */
function markerPath(rest: string, side: "old" | "new"): { path: string | null } | { error: string } {
  let raw: string;
  if (rest.startsWith('"')) {
    const q = unquoteCString(rest);
    if ("error" in q) return q;
    raw = q.value;
  } else {
    // git appends a TAB when the name contains a space; `diff -u` appends "\t<timestamp>".
    const tab = rest.indexOf("\t");
    raw = tab >= 0 ? rest.slice(0, tab) : rest;
  }
  if (raw === "/dev/null") return { path: null };
  if (raw === "") return { error: "empty path" };
  const path = stripPrefix(raw, side === "old" ? OLD_PREFIXES : NEW_PREFIXES);
  if (path === "") return { error: `empty path after the ${side === "old" ? "a/" : "b/"} prefix` };
  return { path };
}

/** Paths of a "diff --git <a> <b>" line; null when they cannot be told apart (unquoted names with spaces that differ). */
function gitHeaderPaths(rest: string): { a: string; b: string } | { error: string } | null {
  if (rest.startsWith('"')) {
    const qa = unquoteCString(rest);
    if ("error" in qa) return qa;
    const after = rest.slice(qa.end);
    if (!after.startsWith(" ")) return { error: "expected a space after the first quoted path" };
    const bPart = after.slice(1);
    let b: string;
    if (bPart.startsWith('"')) {
      const qb = unquoteCString(bPart);
      if ("error" in qb) return qb;
      b = qb.value;
    } else b = bPart;
    return { a: stripPrefix(qa.value, OLD_PREFIXES), b: stripPrefix(b, NEW_PREFIXES) };
  }
  const quotedB = rest.indexOf(' "');
  if (quotedB >= 0) {
    const qb = unquoteCString(rest, quotedB + 1);
    if (!("error" in qb) && qb.end === rest.length) {
      return { a: stripPrefix(rest.slice(0, quotedB), OLD_PREFIXES), b: stripPrefix(qb.value, NEW_PREFIXES) };
    }
  }
  // Unquoted: find the split where both halves name the same file (git's own rule), else a single space.
  const spaces: number[] = [];
  for (let k = rest.indexOf(" "); k >= 0; k = rest.indexOf(" ", k + 1)) spaces.push(k);
  for (const k of spaces) {
    const a = stripPrefix(rest.slice(0, k), OLD_PREFIXES);
    const b = stripPrefix(rest.slice(k + 1), NEW_PREFIXES);
    if (a === b && a !== "") return { a, b };
  }
  if (spaces.length === 1) {
    const k = spaces[0] as number;
    return { a: stripPrefix(rest.slice(0, k), OLD_PREFIXES), b: stripPrefix(rest.slice(k + 1), NEW_PREFIXES) };
  }
  return null;
}

function quotedValue(rest: string): { value: string } | { error: string } {
  if (rest.startsWith('"')) {
    const q = unquoteCString(rest);
    if ("error" in q) return q;
    return { value: q.value };
  }
  return { value: rest };
}

// ---------------------------------------------------------------------------
// Whole diffs
// ---------------------------------------------------------------------------

const FILE_START_EXPECTED = 'expected a file header ("diff --git a/<path> b/<path>", or "--- <path>" then "+++ <path>")';

function isFileStart(lines: string[], i: number): boolean {
  const line = lines[i] as string;
  return (
    line.startsWith("diff --git ") ||
    line.startsWith("diff --cc ") ||
    line.startsWith("diff --combined ") ||
    (line.startsWith("--- ") && (lines[i + 1]?.startsWith("+++ ") ?? false))
  );
}

/**
 * Parse `git diff` (or `diff -u`) output into changed files, in the order they appear.
 * See the module comment for the error and path conventions.
 */
export function parseUnifiedDiff(text: string): DiffParseResult {
  const lines = splitLines(text);
  const files: ChangedFile[] = [];
  const errors: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    if (line.startsWith("diff --git ")) {
      i = parseGitFile(lines, i, files, errors);
    } else if (line.startsWith("diff --cc ") || line.startsWith("diff --combined ")) {
      errors.push(
        `line ${i + 1}: combined diffs of merge commits are not supported (got ${excerpt(line)}); diff the branch against its merge base instead (git diff <base>...HEAD)`,
      );
      i++;
      while (i < lines.length && !isFileStart(lines, i)) i++;
    } else if (line.startsWith("--- ") && lines[i + 1]?.startsWith("+++ ")) {
      i = parsePlainFile(lines, i, files, errors);
    } else {
      const from = i;
      while (i < lines.length && !isFileStart(lines, i)) i++;
      const span = i - 1 > from ? `lines ${from + 1}-${i}` : `line ${from + 1}`;
      errors.push(`${span}: ${FILE_START_EXPECTED}, got ${excerpt(line)}`);
    }
  }
  return { files, errors };
}

/** Skip to the next file start after a problem in a plain (non-git) file diff; returns the index. */
function resync(lines: string[], i: number): number {
  while (i < lines.length && !isFileStart(lines, i)) i++;
  return i;
}

/** Skip to the next "diff --git"/"diff --cc" line after a problem inside a git file diff (its own "---"/"+++"
 *  lines must not be mistaken for a new file). */
function resyncGit(lines: string[], i: number): number {
  while (i < lines.length && !(lines[i] as string).startsWith("diff --git ") && !(lines[i] as string).startsWith("diff --cc ") && !(lines[i] as string).startsWith("diff --combined ")) i++;
  return i;
}

function parseGitFile(lines: string[], start: number, files: ChangedFile[], errors: string[]): number {
  const headerLine = lines[start] as string;
  const header = gitHeaderPaths(headerLine.slice("diff --git ".length));
  if (header && "error" in header) {
    errors.push(`line ${start + 1}: cannot read the paths of ${excerpt(headerLine)}: ${header.error}`);
    return resyncGit(lines, start + 1);
  }
  let oldPath: string | null | undefined = header?.a;
  let newPath: string | null | undefined = header?.b;
  let renameFrom: string | undefined;
  let renameTo: string | undefined;
  let copyFrom: string | undefined;
  let copyTo: string | undefined;
  let added = false;
  let deleted = false;
  let modeChanged = false;
  let binary = false;
  let hunks: Hunk[] | null = [];
  const label = () => newPath ?? oldPath ?? renameTo ?? null;

  let i = start + 1;
  /** Extended header lines: each handler returns a problem, or null when the line was understood. */
  const ext: [string, (rest: string) => string | null][] = [
    ["old mode ", () => flag(() => (modeChanged = true))],
    ["new mode ", () => flag(() => (modeChanged = true))],
    ["deleted file mode ", () => flag(() => (deleted = true))],
    ["new file mode ", () => flag(() => (added = true))],
    ["similarity index ", () => null],
    ["dissimilarity index ", () => null],
    ["index ", () => null],
    ["rename from ", (r) => withValue(r, (v) => (renameFrom = v))],
    ["rename to ", (r) => withValue(r, (v) => (renameTo = v))],
    ["copy from ", (r) => withValue(r, (v) => (copyFrom = v))],
    ["copy to ", (r) => withValue(r, (v) => (copyTo = v))],
  ];
  function flag(set: () => void): null {
    set();
    return null;
  }
  function withValue(rest: string, set: (v: string) => void): string | null {
    const q = quotedValue(rest);
    if ("error" in q) return q.error;
    if (q.value === "") return "empty path";
    set(q.value);
    return null;
  }
  function pushFile(): void {
    const f = buildFile();
    if (f.path !== "") files.push(f);
  }

  headerLoop: while (i < lines.length) {
    const line = lines[i] as string;
    if (line.startsWith("diff ")) break;
    for (const [prefix, handle] of ext) {
      if (line.startsWith(prefix)) {
        const problem = handle(line.slice(prefix.length));
        if (problem) {
          errors.push(`${where(i + 1, label())}: cannot read the path in ${excerpt(line)}: ${problem}`);
          hunks = null;
          pushFile();
          return resyncGit(lines, i + 1);
        }
        i++;
        continue headerLoop;
      }
    }
    if (line.startsWith("Binary files ") && line.endsWith(" differ")) {
      binary = true;
      i++;
      continue;
    }
    if (line === "GIT binary patch") {
      binary = true;
      i++;
      while (i < lines.length && !isFileStart(lines, i)) i++;
      break;
    }
    if (line.startsWith("--- ")) {
      const plus = lines[i + 1];
      if (plus === undefined || !plus.startsWith("+++ ")) {
        errors.push(`${where(i + 2, label())}: expected a "+++ b/<path>" line after the "---" line, got ${excerpt(plus)}`);
        hunks = null;
        pushFile();
        return resyncGit(lines, i + 1);
      }
      const o = markerPath(line.slice(4), "old");
      const n = markerPath(plus.slice(4), "new");
      if ("error" in o || "error" in n) {
        const bad = "error" in o ? { at: i, e: o.error, l: line } : { at: i + 1, e: (n as { error: string }).error, l: plus };
        errors.push(`${where(bad.at + 1, label())}: cannot read the path in ${excerpt(bad.l)}: ${bad.e}`);
        hunks = null;
        pushFile();
        return resyncGit(lines, i + 2);
      }
      if (o.path === null) added = true;
      else oldPath = o.path;
      if (n.path === null) deleted = true;
      else newPath = n.path;
      i += 2;
      if (!lines[i]?.startsWith("@@")) {
        errors.push(`${where(i + 1, label())}: expected a hunk header like ${HUNK_EXAMPLE} after the "+++" line, got ${excerpt(lines[i])}`);
        hunks = null;
        pushFile();
        return resyncGit(lines, i);
      }
      const read = readHunks(lines, i, label(), errors);
      hunks = read.hunks;
      i = read.next;
      if (hunks === null) {
        pushFile();
        return resyncGit(lines, i);
      }
      if (i < lines.length && !isFileStart(lines, i)) {
        errors.push(`${where(i + 1, label())}: expected another hunk header like ${HUNK_EXAMPLE} or the next file's "diff --git" line, got ${excerpt(lines[i])}`);
        hunks = null;
        pushFile();
        return resyncGit(lines, i);
      }
      pushFile();
      return i;
    }
    if (line.startsWith("@@")) {
      errors.push(`${where(i + 1, label())}: a hunk header before the "--- a/<path>" and "+++ b/<path>" lines`);
      hunks = null;
      pushFile();
      return resyncGit(lines, i + 1);
    }
    errors.push(
      `${where(i + 1, label())}: unexpected line in the header of a file diff: ${excerpt(line)} (expected "index", "old mode"/"new mode", "new file mode", "deleted file mode", "rename from/to", "copy from/to", "similarity index", "Binary files ... differ" or "--- a/<path>")`,
    );
    hunks = null;
    pushFile();
    return resyncGit(lines, i + 1);
  }
  if (binary) hunks = null;
  const file = buildFile();
  if (file.path === "") {
    errors.push(
      `line ${start + 1}: cannot tell the path of ${excerpt(headerLine)} (names with spaces that differ and no "rename"/"---"/"+++" line to disambiguate)`,
    );
    return i;
  }
  files.push(file);
  return i;

  function buildFile(): ChangedFile {
    const oldName = renameFrom ?? copyFrom ?? oldPath ?? undefined;
    const newName = renameTo ?? copyTo ?? newPath ?? undefined;
    const path = (deleted ? oldName : newName) ?? oldName ?? "";
    const f: ChangedFile = { path, hunks: binary ? null : hunks };
    if (renameFrom !== undefined || renameTo !== undefined) {
      f.status = "renamed";
      if (oldName !== undefined) f.previousPath = oldName;
    } else if (copyFrom !== undefined || copyTo !== undefined) {
      f.status = "copied";
      if (oldName !== undefined) f.previousPath = oldName;
    } else if (added) f.status = "added";
    else if (deleted) f.status = "removed";
    else if (modeChanged && !binary && (hunks === null || hunks.length === 0)) f.status = "changed";
    else f.status = "modified";
    return f;
  }
}

function parsePlainFile(lines: string[], start: number, files: ChangedFile[], errors: string[]): number {
  const minus = lines[start] as string;
  const plus = lines[start + 1] as string;
  const o = markerPath(minus.slice(4), "old");
  const n = markerPath(plus.slice(4), "new");
  if ("error" in o || "error" in n) {
    const bad = "error" in o ? { at: start, e: o.error, l: minus } : { at: start + 1, e: (n as { error: string }).error, l: plus };
    errors.push(`line ${bad.at + 1}: cannot read the path in ${excerpt(bad.l)}: ${bad.e}`);
    return resync(lines, start + 2);
  }
  if (o.path === null && n.path === null) {
    errors.push(`line ${start + 1}: both sides of the file diff are /dev/null`);
    return resync(lines, start + 2);
  }
  const path = (n.path ?? o.path) as string;
  const f: ChangedFile = { path, status: o.path === null ? "added" : n.path === null ? "removed" : "modified", hunks: null };
  if (o.path !== null && n.path !== null && o.path !== n.path) {
    f.status = "renamed";
    f.previousPath = o.path;
  }
  let i = start + 2;
  if (!lines[i]?.startsWith("@@")) {
    errors.push(`${where(i + 1, path)}: expected a hunk header like ${HUNK_EXAMPLE} after the "+++" line, got ${excerpt(lines[i])}`);
    files.push(f);
    return resync(lines, i);
  }
  const read = readHunks(lines, i, path, errors);
  i = read.next;
  f.hunks = read.hunks;
  if (f.hunks !== null && i < lines.length && !isFileStart(lines, i)) {
    errors.push(`${where(i + 1, path)}: expected another hunk header like ${HUNK_EXAMPLE} or the next file's "---" line, got ${excerpt(lines[i])}`);
    f.hunks = null;
  }
  files.push(f);
  return resync(lines, i);
}

/**
 * Parse GitHub's per-file `patch` field: hunk headers and bodies only. An empty patch has no hunks.
 * On errors, `hunks` holds only the hunks read before the first problem: treat the file as unknown.
 */
export function parsePatch(patch: string): PatchParseResult {
  const lines = splitLines(patch);
  const errors: string[] = [];
  if (lines.length === 0) return { hunks: [], errors };
  if (!(lines[0] as string).startsWith("@@")) {
    errors.push(`line 1: expected a hunk header like ${HUNK_EXAMPLE}, got ${excerpt(lines[0])}`);
    return { hunks: [], errors };
  }
  const read = readHunks(lines, 0, null, errors);
  if (read.hunks === null) {
    return { hunks: [], errors };
  }
  if (read.next < lines.length) {
    errors.push(`line ${read.next + 1}: expected a hunk header like ${HUNK_EXAMPLE}, got ${excerpt(lines[read.next])}`);
  }
  return { hunks: read.hunks, errors };
}

// ---------------------------------------------------------------------------
// Footprints and overlap
// ---------------------------------------------------------------------------

/** The old path of a renamed file (its hunks are on that path's lines); undefined when it is not a rename. A copy's
 *  source is not: the source stays, unchanged. A previous path without a status (the gate's file list) counts as a rename. */
export function renamedFrom(f: { path: string; previousPath?: string; status?: ChangedFile["status"] }): string | undefined {
  return f.previousPath !== undefined && f.previousPath !== f.path && f.status !== "copied" ? f.previousPath : undefined;
}

/** The ledger's view of a changed file: its old-side changed regions (null = unknown patch, whole file), and a rename's old path. */
export function footprintFile(f: ChangedFile): FootprintFile {
  const from = renamedFrom(f);
  const changes = f.hunks === null ? null : f.hunks.flatMap((h) => h.changes.map((r) => ({ ...r })));
  const out: FootprintFile = from === undefined ? { path: f.path, changes } : { path: f.path, previousPath: from, changes };
  const alt = altRegions(f);
  if (alt !== undefined) out.alt = alt.map((r) => ({ ...r }));
  return out;
}

/**
 * A file's regions as git's merge would align them: undefined when they are its regions.
 *
 * - Within each hunk, the histogram alignment of its body (histogram.ts: the hunk's `alt`).
 * - Across hunks, what the patch cannot show: git aligns the whole file, and once a hunk adds or removes
 *   lines, the hunks that follow closely (see `CLOSE_HUNKS`) can be paired differently across the few
 *   lines the patch leaves out (repeated lines such as `});` or blank ones are enough). express
 *   f6ec710534 `test/res.send.js`: a hunk adds 19 lines; across the next hunks, 2 hidden lines apart, git
 *   pairs its added `});` and blank lines with old ones further down and sees old lines 380-441 as mostly
 *   rewritten, touching the other side's edit of line 417, which the patch shows 1 unchanged line away. So the hunks after such a hunk in a close run are one region here,
 *   from the first change after it to the run's last change. That region is the same change as the other
 *   side's only when both sides made the same changes throughout the run (its hash is of all of them).
 * - Regions of one side that overlap or touch (a histogram region widened over the lines it could slide
 *   across meets its neighbour) are one change to git: merged, with a hash of all of them.
 */
export function altRegions(f: ChangedFile): LineRange[] | undefined {
  if (f.alt !== undefined) return f.alt;
  if (f.hunks === null) return undefined;
  const runs = shiftedRuns(f.hunks);
  if (runs.length === 0 && !f.hunks.some((h) => h.alt !== undefined)) return undefined;
  const out: LineRange[] = [];
  let k = 0;
  for (const run of runs) {
    for (; k <= run.shift; k++) out.push(...regionsOf(f.hunks[k] as Hunk));
    const inRun = f.hunks.slice(run.first, run.last + 1).flatMap(regionsOf);
    const stretch = f.hunks.slice(run.shift + 1, run.last + 1).flatMap(regionsOf);
    out.push(joined(stretch, inRun, "stretch"));
    k = run.last + 1;
  }
  for (; k < f.hunks.length; k++) out.push(...regionsOf(f.hunks[k] as Hunk));
  return mergeTouching(out);
}

/** Hunks whose changes are at most this many unchanged lines apart are a close run: 3 lines of context on
 *  each side and at most 2 lines between the hunks that the patch does not show (the runs git's whole-file
 *  alignment was seen to pair across; at 4 or 6 hidden lines the false alarms grow, see the README). */
const CLOSE_HUNKS = 8;

const regionsOf = (h: Hunk): LineRange[] => h.alt ?? h.changes;

/** In each close run of hunks with a hunk that changes the number of lines before its last hunk: the run's
 *  first hunk, that (first such) hunk and the run's last hunk, as indices. */
function shiftedRuns(hunks: readonly Hunk[]): { first: number; shift: number; last: number }[] {
  const runs: { first: number; shift: number; last: number }[] = [];
  let first = 0;
  for (let k = 0; k < hunks.length; k++) {
    const next = hunks[k + 1];
    if (next !== undefined && close(hunks[k] as Hunk, next)) continue;
    // hunks[first..k] is a close run.
    for (let s = first; s < k; s++) {
      const h = hunks[s] as Hunk;
      if (h.newLines !== h.oldLines) {
        runs.push({ first, shift: s, last: k });
        break;
      }
    }
    first = k + 1;
  }
  return runs;
}

/** Whether two consecutive hunks' changes are at most CLOSE_HUNKS unchanged lines apart. */
function close(a: Hunk, b: Hunk): boolean {
  const last = a.changes[a.changes.length - 1];
  const first = b.changes[0];
  if (last === undefined || first === undefined) return false;
  return first.start - last.end - 1 <= CLOSE_HUNKS;
}

/** One region covering `rs` (not empty; named by the first one's section); its hash, when every region of `of` has one, is of `of`'s
 *  ranges and hashes: identical to the other side's only when both made exactly those changes. */
function joined(rs: readonly LineRange[], of: readonly LineRange[], kind: string): LineRange {
  const head = rs[0] as LineRange;
  const r: LineRange = { start: Math.min(...rs.map((x) => x.start)), end: Math.max(...rs.map((x) => x.end)) };
  if (head.section !== undefined) r.section = head.section;
  if (of.every((x) => x.hash !== undefined)) r.hash = textHash([`\u0000${kind}`, ...of.map((x) => `${x.start}-${x.end}:${x.hash}`)], false);
  return r;
}

/** Regions of one side that overlap or touch, merged into one (see `joined`); a region alone is kept as it is. */
function mergeTouching(rs: readonly LineRange[]): LineRange[] {
  const sorted = sortRanges([...rs]);
  const out: LineRange[] = [];
  for (let k = 0; k < sorted.length; ) {
    let end = (sorted[k] as LineRange).end;
    let j = k + 1;
    while (j < sorted.length && (sorted[j] as LineRange).start <= end + 1) end = Math.max(end, (sorted[j++] as LineRange).end);
    const group = sorted.slice(k, j);
    out.push(group.length === 1 ? (group[0] as LineRange) : joined(group, group, "merged"));
    k = j;
  }
  return out;
}

/**
 * For annotations on the NEW side (check runs, review comments): each hunk's span in the new file,
 * newStart..newStart+newLines-1, at least one line and never before line 1 (a hunk that only deletes
 * points at the line where the deletion happened). Carries the hunk's section.
 */
export function newSideRanges(hunks: Hunk[]): LineRange[] {
  return hunks.map((h) => {
    const start = Math.max(1, h.newStart);
    const end = Math.max(start, h.newStart + h.newLines - 1);
    const r: LineRange = { start, end };
    if (h.section) r.section = h.section;
    return r;
  });
}

/**
 * Do two changes to the same file collide at the line level?
 *
 * Rule (git's three-way merge, xdiff's xdl_merge): regions are old-side ranges; an insertion before old
 * line p is the empty range at p. Two regions conflict when they overlap OR touch, unless both are the
 * identical change (same range, same new-text `hash`: see `compareChanges`), i.e. when no unchanged
 * old line separates them: a.start <= b.end + 1 && b.start <= a.end + 1. So lines 1-2 vs line 3 conflict
 * (adjacent), lines 1-2 vs line 4 do not (line 3 separates them); an insertion at p conflicts with a change
 * covering p-1 or p, and with another insertion at p, but not with an insertion at p+1.
 * `null` (unknown patch: binary, too large, not given) stands for the whole file and conflicts with any
 * non-empty side; two nulls conflict; an empty list (no line changes: pure rename, mode change) never does.
 *
 * Returns null when the sides are disjoint (safe to MERGE), else the overlap: `overlapping` is the union of
 * both sides' conflicting regions merged into sorted ranges (no sections), `mine`/`theirs` the distinct
 * section names of each side's conflicting regions in line order.
 */
export function overlapRanges(a: LineRange[] | null, b: LineRange[] | null): RangeOverlap | null {
  return compareChanges(a, b).overlap;
}

/** What `compareChanges` finds: the collision (null = git merges the file cleanly) and the identical regions. */
export interface ChangeComparison {
  overlap: RangeOverlap | null;
  /** Old-side regions both sides replace with the identical text (same range, same `hash`), sorted: duplicate work, merged cleanly by git. */
  identical: LineRange[];
  /** The conflicting regions of each side as given (sorted, not merged): [] when there is no overlap or that side is unknown. */
  mineRegions: LineRange[];
  theirRegions: LineRange[];
}

const NO_IDENTICAL: LineRange[] = [];

/**
 * `overlapRanges` plus the identical changes it set aside. git's rule (xdiff's xdl_merge): two regions that
 * overlap or touch conflict unless both sides make the identical change — the same old-side range replaced
 * by the same text, byte for byte (whitespace counts; so does a missing final newline). Regions without a
 * `hash` (body unknown) are never identical.
 */
export function compareChanges(a: LineRange[] | null, b: LineRange[] | null): ChangeComparison {
  if (a === null && b === null) return { overlap: { overlapping: [], mine: [], theirs: [] }, identical: NO_IDENTICAL, mineRegions: [], theirRegions: [] };
  if (a === null || b === null) {
    const known = (a ?? b) as LineRange[];
    if (known.length === 0) return { overlap: null, identical: NO_IDENTICAL, mineRegions: [], theirRegions: [] };
    const sorted = sortRanges(known);
    const sections = distinctSections(sorted);
    return {
      overlap: { overlapping: mergeRanges(sorted), mine: a === null ? [] : sections, theirs: b === null ? [] : sections },
      identical: NO_IDENTICAL,
      mineRegions: a === null ? [] : sorted,
      theirRegions: b === null ? [] : sorted,
    };
  }
  if (a.length === 0 || b.length === 0) return { overlap: null, identical: NO_IDENTICAL, mineRegions: [], theirRegions: [] };
  const sa = sortRanges(a);
  const sb = sortRanges(b);
  const hitA = new Array<boolean>(sa.length).fill(false);
  const hitB = new Array<boolean>(sb.length).fill(false);
  let any = false;
  let identical: LineRange[] | null = null;
  // Sweep: a and b sorted by start; skip the prefix of b whose every region ends too early for ra (and so,
  // since later regions of a start no earlier, for them too).
  const prefixMaxEnd: number[] = [];
  for (const r of sb) prefixMaxEnd.push(Math.max(r.end, prefixMaxEnd[prefixMaxEnd.length - 1] ?? -Infinity));
  let lo = 0;
  for (let x = 0; x < sa.length; x++) {
    const ra = sa[x] as LineRange;
    while (lo < sb.length && (prefixMaxEnd[lo] as number) + 1 < ra.start) lo++;
    for (let y = lo; y < sb.length; y++) {
      const rb = sb[y] as LineRange;
      if (rb.start > ra.end + 1) break;
      if (ra.start <= rb.end + 1) {
        if (ra.start === rb.start && ra.end === rb.end && ra.hash !== undefined && ra.hash === rb.hash) {
          (identical ??= []).push({ start: ra.start, end: ra.end });
          continue;
        }
        hitA[x] = true;
        hitB[y] = true;
        any = true;
      }
    }
  }
  const same = identical ?? NO_IDENTICAL;
  if (!any) return { overlap: null, identical: same, mineRegions: [], theirRegions: [] };
  const ca = sa.filter((_, k) => hitA[k]);
  const cb = sb.filter((_, k) => hitB[k]);
  return {
    overlap: {
      overlapping: mergeRanges(sortRanges([...ca, ...cb])),
      mine: distinctSections(ca),
      theirs: distinctSections(cb),
    },
    identical: same,
    mineRegions: ca,
    theirRegions: cb,
  };
}

function sortRanges(rs: LineRange[]): LineRange[] {
  return [...rs].sort((x, y) => x.start - y.start || x.end - y.end);
}

function distinctSections(rs: LineRange[]): string[] {
  const out: string[] = [];
  for (const r of rs) if (r.section && !out.includes(r.section)) out.push(r.section);
  return out;
}

/** Merge sorted ranges that overlap or touch (half-open [start, end+1) intervals that meet). */
function mergeRanges(sorted: LineRange[]): LineRange[] {
  const out: LineRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end + 1) {
      last.end = Math.max(last.end, r.end);
    } else {
      out.push({ start: r.start, end: r.end });
    }
  }
  return out;
}
