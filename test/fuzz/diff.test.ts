/**
 * Fuzz: diffs (issue 5 §3 "Bad input"). parseUnifiedDiff and parsePatch on mutations of real
 * `git diff` output (made in a temp repository at suite start) and on hunk headers with huge,
 * negative or missing numbers never throw or hang; every error names a line number; every file
 * returned is well-formed (hunks null, or each hunk's changed regions inside its old range).
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePatch, parseUnifiedDiff } from "../../src/engine/diff.js";
import { footprintFile } from "../../src/engine/diff.js";
import type { ChangedFile, Hunk } from "../../src/engine/types.js";
import { FootprintFileSchema } from "../../src/ledger/schema.js";
import { applyAll, applyWrap, expectCleanMessage, mutationArb, params, Timer, wrapArb, type Mutation } from "./helpers.js";

const SEED = 0xd1ff_5eed;
const timer = new Timer();
const patchTimer = new Timer();

let base = "";
/** Real `git diff` outputs, each with several files. */
let DIFFS: string[] = [];
/** Real per-file patches (hunks only), as GitHub's `patch` field. */
let PATCHES: string[] = [];

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, GIT_AUTHOR_NAME: "T", GIT_AUTHOR_EMAIL: "t@e.x", GIT_COMMITTER_NAME: "T", GIT_COMMITTER_EMAIL: "t@e.x", GIT_CONFIG_NOSYSTEM: "1", HOME: tmpdir() },
  });
}

const numbered = (n: number, tag = "") => Array.from({ length: n }, (_, i) => `line ${i + 1}${tag}`).join("\n") + "\n";

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), "pucs-fuzz-diff-"));
  const dir = join(base, "r");
  mkdirSync(dir);
  git(dir, "init", "-q", "-b", "main");
  const write = (p: string, c: string | Buffer) => {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), c);
  };
  write("src/a.py", numbered(60));
  write("src/b.py", numbered(20));
  write("old name.txt", numbered(10));
  write("gone.txt", numbered(5));
  write("bin.dat", Buffer.from([0, 1, 2, 3, 255, 0, 7]));
  write("run.sh", "#!/bin/sh\necho hi\n");
  write("café/ü.txt", numbered(8));
  write("no-eol.txt", "a\nb");
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "base");
  // Modifications in several hunks, a rename with edits, a delete, an add, binary, mode, unicode, no EOL.
  const a = numbered(60).split("\n");
  a[2] = "changed 3";
  a.splice(20, 2);
  a.splice(40, 0, "inserted A", "inserted B");
  a[55] = "changed 56";
  write("src/a.py", a.join("\n"));
  write("src/b.py", numbered(20).replace("line 1\n", "") + "tail\n");
  git(dir, "mv", "old name.txt", "new name.txt");
  write("new name.txt", numbered(10).replace("line 5", "line five"));
  git(dir, "rm", "-q", "gone.txt");
  write("added.md", "# new\n\ntext\n");
  write("bin.dat", Buffer.from([0, 9, 9, 9, 255, 0]));
  chmodSync(join(dir, "run.sh"), 0o755);
  write("café/ü.txt", numbered(8).replace("line 2", "zwei"));
  write("no-eol.txt", "a\nB");
  git(dir, "add", "-A");
  const flags = ["-c", "core.quotePath=true", "diff", "--cached", "--src-prefix=a/", "--dst-prefix=b/", "--no-color", "--no-ext-diff"];
  DIFFS = [
    git(dir, ...flags, "-M"),
    git(dir, ...flags, "-M", "-U0"),
    git(dir, ...flags, "--no-renames", "-U1"),
    git(dir, ...flags, "-M", "--binary"),
    git(dir, ...flags, "-M", "-U10", "--", "src"),
  ];
  PATCHES = [];
  for (const d of DIFFS) {
    for (const chunk of d.split(/^diff --git .*$/m)) {
      const at = chunk.indexOf("\n@@");
      if (at >= 0) PATCHES.push(chunk.slice(at + 1));
    }
  }
});

afterAll(() => {
  if (base) rmSync(base, { recursive: true, force: true });
  console.log(timer.summary("diff parseUnifiedDiff"));
  console.log(patchTimer.summary("diff parsePatch"));
});

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

const numArb = fc.oneof(
  fc.nat({ max: 100 }),
  fc.constantFrom("0", "-1", "-0", "00", "1e5", "99999999999", "9007199254740993", "99999999999999999999999999999", "4294967296", "", " 1", "+1", "1.5", "0x10"),
);
const headerArb = fc
  .tuple(numArb, fc.option(numArb), numArb, fc.option(numArb), fc.constantFrom("", " def f():", " @@", "\u0000", " é😀"))
  .map(([os, ol, ns, nl, sec]) => `@@ -${os}${ol === null ? "" : `,${ol}`} +${ns}${nl === null ? "" : `,${nl}`} @@${sec}`);
const bodyLineArb = fc.oneof(
  fc.constantFrom(" ctx", "-old", "+new", "", "\\ No newline at end of file", "x junk", "@@", "--- a/x", "+++ b/x", "diff --git a/x b/x", "\t", "\r"),
  fc.string({ maxLength: 12 }),
);
const syntheticPatch = fc
  .array(fc.tuple(headerArb, fc.array(bodyLineArb, { maxLength: 12 })), { minLength: 1, maxLength: 4 })
  .map((hs) => hs.map(([h, body]) => [h, ...body].join("\n")).join("\n") + "\n");

/** Mutations that target diff structure: swap a hunk header for a synthetic one, cut the body. */
const diffMutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: mutationArb },
  { weight: 2, arbitrary: fc.tuple(fc.nat(), headerArb).map(([at, s]): Mutation => ({ k: "line", at, s })) },
  { weight: 1, arbitrary: fc.tuple(fc.nat(), bodyLineArb).map(([at, s]): Mutation => ({ k: "line", at, s })) },
);

function replaceHeaders(text: string, header: string, nth: number): string {
  let n = 0;
  return text.replace(/^@@ .*$/gm, (h) => (n++ % Math.max(1, nth) === 0 ? header : h));
}

type DiffCase = { text: string; how: string };
const diffCaseArb = (source: () => string[]): fc.Arbitrary<DiffCase> =>
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .tuple(fc.nat(), fc.array(diffMutationArb, { minLength: 1, maxLength: 5 }), wrapArb)
        .map(([i, ms, w]) => {
          const all = source();
          return { text: applyWrap(applyAll(all[i % all.length]!, ms), w), how: `real#${i % all.length}+${ms.map((m) => m.k).join(",")}+${w}` };
        }),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(fc.nat(), headerArb, fc.integer({ min: 1, max: 3 })).map(([i, h, nth]) => {
        const all = source();
        return { text: replaceHeaders(all[i % all.length]!, h, nth), how: `real#${i % all.length} headers->${h}` };
      }),
    },
    { weight: 2, arbitrary: syntheticPatch.map((text) => ({ text, how: "synthetic" })) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 200 }).map((text) => ({ text, how: "random" })) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 200_000 }).map((n) => ({ text: `--- a/x\n+++ b/x\n@@ -1,${n} +1,${n} @@\n${" ctx\n".repeat(Math.min(n, 5_000))}`, how: `long(${n})` })) },
  );

// ---------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------

const LINE_REF = /^(?:line \d+|lines \d+-\d+)\b/;

function checkErrors(errors: string[], textLines: number): void {
  for (const e of errors) {
    expectCleanMessage(e, "diff error");
    expect(e, "an error starts with the line it is about").toMatch(LINE_REF);
    const n = Number(/^lines? (\d+)/.exec(e)![1]);
    expect(n).toBeGreaterThanOrEqual(1);
    expect(n, `line ${n} beyond the input (${textLines} lines): ${e}`).toBeLessThanOrEqual(textLines + 1);
  }
}

/** A cheap assertion for hot loops (vitest's expect costs microseconds per call). */
function ok(cond: boolean, msg: () => string): void {
  if (!cond) throw new Error(msg());
}

/** Well-formed hunks: numbers are non-negative integers, hunks in increasing order, and each
 *  changed region is inside the hunk's old range (an empty region {k, k-1} marks an insertion). */
function checkHunks(hunks: Hunk[], where: string): void {
  let prevEnd = -Infinity;
  for (const h of hunks) {
    for (const k of ["oldStart", "oldLines", "newStart", "newLines"] as const) {
      ok(Number.isInteger(h[k]) && h[k] >= 0, () => `${where}: ${k} ${h[k]}`);
    }
    ok(typeof h.section === "string", () => `${where}: section`);
    const lo = h.oldLines === 0 ? h.oldStart + 1 : h.oldStart;
    const hi = lo + h.oldLines - 1;
    ok(lo > prevEnd, () => `${where}: hunks out of order at ${JSON.stringify(h)}`);
    prevEnd = Math.max(prevEnd, hi);
    let last = -Infinity;
    for (const r of h.changes) {
      const what = () => `${where}: region ${JSON.stringify(r)} of hunk ${JSON.stringify(h)}`;
      ok(r.start >= lo && r.end <= Math.max(hi, lo - 1), () => `${what()} is outside the old range ${lo}-${hi}`);
      ok(r.start <= r.end + 1, () => `${what()} is not a range`);
      ok(r.start >= last, () => `${what()}: regions out of order`);
      last = r.end + 1;
    }
  }
}

const STATUSES = new Set([undefined, "added", "removed", "modified", "renamed", "copied", "changed", "unchanged"]);

function checkFile(f: ChangedFile): void {
  ok(typeof f.path === "string" && f.path.length > 0, () => `file with an empty path: ${JSON.stringify(f)}`);
  ok(f.previousPath === undefined || f.previousPath.length > 0, () => `empty previousPath: ${JSON.stringify(f)}`);
  ok(STATUSES.has(f.status), () => `status ${f.status}`);
  if (f.hunks !== null) checkHunks(f.hunks, f.path);
}

const countLines = (text: string) => text.split("\n").length;


describe("fuzz: diffs", () => {
  it("the real diffs parse without errors (the mutation base is valid)", () => {
    expect(DIFFS.length).toBe(5);
    for (const d of DIFFS) {
      const r = parseUnifiedDiff(d);
      expect(r.errors).toEqual([]);
      expect(r.files.length).toBeGreaterThanOrEqual(2);
      r.files.forEach(checkFile);
    }
    expect(PATCHES.length).toBeGreaterThan(10);
    for (const p of PATCHES) expect(parsePatch(p).errors).toEqual([]);
  });

  it("parseUnifiedDiff never throws or hangs; errors name a line; files are well-formed (10,000 cases)", () => {
    fc.assert(
      fc.property(diffCaseArb(() => DIFFS), ({ text, how }) => {
        const r = timer.time({ how, text }, () => parseUnifiedDiff(text));
        checkErrors(r.errors, countLines(text));
        r.files.forEach(checkFile);
        if (r.errors.length === 0 && text.trim() !== "") expect(r.files.length, how).toBeGreaterThan(0);
      }),
      params(SEED),
    );
  });

  it("parsePatch never throws or hangs; errors name a line; hunks are well-formed (10,000 cases)", () => {
    fc.assert(
      fc.property(diffCaseArb(() => PATCHES), ({ text, how }) => {
        const r = patchTimer.time({ how, text }, () => parsePatch(text));
        checkErrors(r.errors, countLines(text));
        checkHunks(r.hunks, how);
      }),
      params(SEED + 1),
    );
  });

  // Was a bug (src/engine/diff.ts parseHunkHeader, line 73): hunk-header numbers are read with Number()
  // and no upper bound, so "@@ -99999999999999999999,2 +1,2 @@" gives oldStart 1e20, beyond
  // Number.MAX_SAFE_INTEGER (1 + 1e20 === 1e20, so line arithmetic silently stops counting). The
  // footprint built from it (footprintFile) is then refused by the ledger schema (LineRangeSchema:
  // z.number().int() allows safe integers only), e.g. in `pucs check --record`, as "a pucs bug".
  // Expected: an error "line 3 (x): invalid hunk header ...: line numbers above 9007199254740991".
  it("a hunk header with line numbers beyond 2^53 is refused, not turned into an unstorable footprint", () => {
    const r = parseUnifiedDiff("--- a/x\n+++ b/x\n@@ -99999999999999999999,2 +1,2 @@\n-a\n-b\n+c\n+d\n");
    const f = r.files[0]!;
    expect(f.hunks === null || f.hunks.every((h) => Number.isSafeInteger(h.oldStart))).toBe(true);
    expect(FootprintFileSchema.safeParse(footprintFile(f)).success).toBe(true);
  });

  // Was a bug (src/engine/diff.ts markerPath, ~line 318): the "empty path" check runs BEFORE the a/ b/
  // prefix is stripped, so "+++ b/" (a truncated or hostile path) yields the path "".
  // - plain diff "--- a/x\n+++ b/\n@@ -1 +1 @@\n-a\n+b\n": a file { path: "", status: "renamed",
  //   previousPath: "x" } and no error;
  // - git diff "diff --git a/x b/x\n--- a/x\n+++ b/\n@@ -1 +1 @@\n-a\n+b\n": NO file and NO error
  //   (pushFile drops path ""), i.e. a changed file silently disappears from the change.
  // Expected: an error "line 3 (x): cannot read the path in \"+++ b/\": empty path", and the file
  // kept with its old path (or hunks null), never dropped.
  it("a '+++ b/' line with an empty path is an error, not a silent rename to \"\"", () => {
    const r = parseUnifiedDiff("--- a/x\n+++ b/\n@@ -1 +1 @@\n-a\n+b\n");
    expect(r.files.map((f) => f.path)).not.toContain("");
    expect(r.errors.length).toBeGreaterThan(0);
  });
  it("a git file diff whose '+++' path is only the prefix is not silently dropped", () => {
    const r = parseUnifiedDiff("diff --git a/x b/x\n--- a/x\n+++ b/\n@@ -1 +1 @@\n-a\n+b\n");
    expect(r.files.length + r.errors.length).toBeGreaterThan(0);
  });
});
