import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, chmodSync, mkdirSync, renameSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  compareChanges,
  footprintFile,
  headerRange,
  hunkFromHeader,
  newSideRanges,
  overlapRanges,
  parseHunkHeader,
  parsePatch,
  parseUnifiedDiff,
  textHash,
  unquoteCString,
} from "../../src/engine/diff.js";
import type { LineRange } from "../../src/engine/types.js";

const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_AUTHOR_NAME: "t",
  GIT_AUTHOR_EMAIL: "t@example.com",
  GIT_COMMITTER_NAME: "t",
  GIT_COMMITTER_EMAIL: "t@example.com",
};

/** The value without the `hash` of its line ranges (tests of the parser's other fields; hashes have their own tests). */
function noHash<T>(x: T): T {
  return JSON.parse(JSON.stringify(x, (k, v) => (k === "hash" ? undefined : v))) as T;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, env: GIT_ENV, encoding: "utf8" });
}

describe("parseUnifiedDiff on real git output", () => {
  let dir: string;
  let text: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "pucs-diff-"));
    git(dir, "init", "-q");
    const lines = Array.from({ length: 30 }, (_, k) => `line ${k + 1}`);
    writeFileSync(join(dir, "old.txt"), lines.join("\n") + "\n");
    writeFileSync(join(dir, "sp ace.txt"), "a\nb\nc\n");
    writeFileSync(join(dir, "ünï.txt"), "x\n");
    writeFileSync(join(dir, "ta\tb \"q\".txt"), "q\n");
    writeFileSync(join(dir, "bin.dat"), Buffer.from([0, 1, 2]));
    writeFileSync(join(dir, "mode.sh"), "echo hi\n");
    writeFileSync(join(dir, "nonl.txt"), "one\ntwo");
    mkdirSync(join(dir, "src"));
    writeFileSync(
      join(dir, "src", "calc.py"),
      [
        "def alpha():",
        "    a = 1",
        "    b = 2",
        "    return a + b",
        "",
        "",
        "def beta():",
        "    x = 1",
        "    y = 2",
        "    z = 3",
        "    w = 4",
        "    return x + y + z + w",
        "",
      ].join("\n"),
    );
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "base");

    // A rename with one changed line (line 20 of 30).
    renameSync(join(dir, "old.txt"), join(dir, "new.txt"));
    const changed = [...lines];
    changed[19] = "line twenty";
    writeFileSync(join(dir, "new.txt"), changed.join("\n") + "\n");
    writeFileSync(join(dir, "sp ace.txt"), "a\nB\nc\n");
    writeFileSync(join(dir, "ünï.txt"), "y\n");
    unlinkSync(join(dir, "ta\tb \"q\".txt"));
    writeFileSync(join(dir, "bin.dat"), Buffer.from([0, 1, 3]));
    chmodSync(join(dir, "mode.sh"), 0o755);
    writeFileSync(join(dir, "nonl.txt"), "one\ntwo\nthree\n");
    writeFileSync(join(dir, "added.txt"), "new\nfile\n");
    writeFileSync(
      join(dir, "src", "calc.py"),
      [
        "def alpha():",
        "    a = 10",
        "    b = 2",
        "    return a + b",
        "",
        "",
        "def beta():",
        "    x = 1",
        "    y = 2",
        "    z = 3",
        "    w = 4",
        "    v = 5",
        "    return x + y + z + w + v",
        "",
      ].join("\n"),
    );
    git(dir, "add", "-A");
    text = git(dir, "diff", "--cached", "-M", "--no-color", "--no-ext-diff", "--src-prefix=a/", "--dst-prefix=b/");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads every file with its status, paths and old-side changes", () => {
    const { files, errors } = parseUnifiedDiff(text);
    expect(errors).toEqual([]);
    expect(noHash(files)).toEqual([
      {
        path: "added.txt",
        status: "added",
        hunks: [{ oldStart: 0, oldLines: 0, newStart: 1, newLines: 2, section: "", changes: [{ start: 1, end: 0 }] }],
      },
      { path: "bin.dat", status: "modified", hunks: null },
      { path: "mode.sh", status: "changed", hunks: [] },
      {
        path: "new.txt",
        previousPath: "old.txt",
        status: "renamed",
        hunks: [
          { oldStart: 17, oldLines: 7, newStart: 17, newLines: 7, section: "line 16", changes: [{ start: 20, end: 20, section: "line 16" }] },
        ],
      },
      {
        path: "nonl.txt",
        status: "modified",
        hunks: [{ oldStart: 1, oldLines: 2, newStart: 1, newLines: 3, section: "", changes: [{ start: 2, end: 2 }] }],
      },
      {
        path: "sp ace.txt",
        status: "modified",
        hunks: [{ oldStart: 1, oldLines: 3, newStart: 1, newLines: 3, section: "", changes: [{ start: 2, end: 2 }] }],
      },
      {
        path: "src/calc.py",
        status: "modified",
        hunks: [
          { oldStart: 1, oldLines: 5, newStart: 1, newLines: 5, section: "", changes: [{ start: 2, end: 2 }] },
          {
            oldStart: 9,
            oldLines: 4,
            newStart: 9,
            newLines: 5,
            section: "def beta():",
            changes: [{ start: 12, end: 12, section: "def beta():" }],
          },
        ],
      },
      {
        path: 'ta\tb "q".txt',
        status: "removed",
        hunks: [{ oldStart: 1, oldLines: 1, newStart: 0, newLines: 0, section: "", changes: [{ start: 1, end: 1 }] }],
      },
      {
        path: "ünï.txt",
        status: "modified",
        hunks: [{ oldStart: 1, oldLines: 1, newStart: 1, newLines: 1, section: "", changes: [{ start: 1, end: 1 }] }],
      },
    ]);
  });

  it("reads function context from hunk headers with -U1 (the last hunk ends at the end of the file)", () => {
    const u1 = git(dir, "diff", "--cached", "-U1", "--no-color", "--", "src/calc.py");
    const { files, errors } = parseUnifiedDiff(u1);
    expect(errors).toEqual([]);
    expect(noHash(files)).toEqual([
      {
        path: "src/calc.py",
        status: "modified",
        hunks: [
          { oldStart: 1, oldLines: 3, newStart: 1, newLines: 3, section: "", changes: [{ start: 2, end: 2 }] },
          {
            oldStart: 11,
            oldLines: 2,
            newStart: 11,
            newLines: 3,
            section: "def beta():",
            changes: [{ start: 12, end: 12, section: "def beta():" }],
          },
        ],
      },
    ]);
  });

  it("reads a binary patch (--binary) as an unknown patch", () => {
    const bin = git(dir, "diff", "--cached", "--binary", "--", "bin.dat", "mode.sh");
    expect(bin).toContain("GIT binary patch");
    expect(noHash(parseUnifiedDiff(bin))).toEqual({
      files: [
        { path: "bin.dat", status: "modified", hunks: null },
        { path: "mode.sh", status: "changed", hunks: [] },
      ],
      errors: [],
    });
  });

  it("reads copies (-C --find-copies-harder)", () => {
    writeFileSync(join(dir, "copy.py"), git(dir, "show", "HEAD:src/calc.py"));
    git(dir, "add", "copy.py");
    const out = git(dir, "diff", "--cached", "-C", "--find-copies-harder", "--", "copy.py", "src/calc.py");
    const { files, errors } = parseUnifiedDiff(out);
    expect(errors).toEqual([]);
    expect(noHash(files.find((f) => f.path === "copy.py"))).toEqual({
      path: "copy.py",
      previousPath: "src/calc.py",
      status: "copied",
      hunks: [],
    });
    git(dir, "rm", "-q", "--cached", "copy.py");
  });
});

describe("parseUnifiedDiff fixtures", () => {
  it("returns nothing for empty input", () => {
    expect(parseUnifiedDiff("")).toEqual({ files: [], errors: [] });
  });

  it("reads a plain diff -u with timestamps", () => {
    const text = [
      "--- a/x.txt\t2024-01-01 00:00:00.000000000 +0000",
      "+++ b/x.txt\t2024-01-02 00:00:00.000000000 +0000",
      "@@ -5,0 +6,2 @@ intro",
      "+new 1",
      "+new 2",
      "",
    ].join("\n");
    expect(noHash(parseUnifiedDiff(text))).toEqual({
      files: [
        {
          path: "x.txt",
          status: "modified",
          hunks: [{ oldStart: 5, oldLines: 0, newStart: 6, newLines: 2, section: "intro", changes: [{ start: 6, end: 5, section: "intro" }] }],
        },
      ],
      errors: [],
    });
  });

  it("handles CRLF line endings and a quoted path with only the new side quoted", () => {
    const text = [
      'diff --git a/plain.txt "b/tab\\there.txt"',
      "similarity index 100%",
      "rename from plain.txt",
      'rename to "tab\\there.txt"',
      "",
    ].join("\r\n");
    expect(noHash(parseUnifiedDiff(text))).toEqual({
      files: [{ path: "tab\there.txt", previousPath: "plain.txt", status: "renamed", hunks: [] }],
      errors: [],
    });
  });

  it("computes several change regions in one hunk, including a pure insertion and a removal", () => {
    const text = [
      "diff --git a/f b/f",
      "--- a/f",
      "+++ b/f",
      "@@ -10,8 +10,7 @@ fn main()",
      " l10",
      "-l11",
      "-l12",
      "+L11",
      " l13",
      "+inserted",
      " l14",
      "-l15",
      " l16",
      " l17",
      "",
    ].join("\n");
    const { files, errors } = parseUnifiedDiff(text);
    expect(errors).toEqual([]);
    expect(noHash(files[0]?.hunks?.[0]?.changes)).toEqual([
      { start: 11, end: 12, section: "fn main()" },
      { start: 14, end: 13, section: "fn main()" },
      { start: 15, end: 15, section: "fn main()" },
    ]);
  });

  it("accepts an empty line as an empty context line", () => {
    const text = ["--- a/f", "+++ b/f", "@@ -1,3 +1,3 @@", " a", "", "-c", "+C", ""].join("\n");
    expect(noHash(parseUnifiedDiff(text))).toEqual({
      files: [
        { path: "f", status: "modified", hunks: [{ oldStart: 1, oldLines: 3, newStart: 1, newLines: 3, section: "", changes: [{ start: 3, end: 3 }] }] },
      ],
      errors: [],
    });
  });

  it("reads a body line that looks like a file header while the hunk is incomplete", () => {
    const text = ["--- a/f", "+++ b/f", "@@ -1,2 +1,2 @@", "--- x", "+++ y", " z", ""].join("\n");
    const { files, errors } = parseUnifiedDiff(text);
    expect(errors).toEqual([]);
    expect(noHash(files[0]?.hunks?.[0]?.changes)).toEqual([{ start: 1, end: 1 }]);
  });

  it("new file that is empty, and a deleted empty file", () => {
    const text = [
      "diff --git a/empty b/empty",
      "new file mode 100644",
      "index 0000000..e69de29",
      "diff --git a/gone b/gone",
      "deleted file mode 100644",
      "index e69de29..0000000",
    ].join("\n");
    expect(noHash(parseUnifiedDiff(text))).toEqual({
      files: [
        { path: "empty", status: "added", hunks: [] },
        { path: "gone", status: "removed", hunks: [] },
      ],
      errors: [],
    });
  });

  it("reads unquoted names with spaces in the diff --git line when both sides are the same", () => {
    const text = ["diff --git a/my dir/a b.txt b/my dir/a b.txt", "old mode 100644", "new mode 100755"].join("\n");
    expect(noHash(parseUnifiedDiff(text))).toEqual({
      files: [{ path: "my dir/a b.txt", status: "changed", hunks: [] }],
      errors: [],
    });
  });

  it("reads mnemonic prefixes", () => {
    const text = ["diff --git c/x w/x", "--- c/x", "+++ w/x", "@@ -1 +1 @@", "-a", "+b"].join("\n");
    expect(parseUnifiedDiff(text).files.map((f) => f.path)).toEqual(["x"]);
  });
});

describe("parseUnifiedDiff malformed input", () => {
  const cases: [string, string[], { path: string; hunks: null | "some" }[], string[]][] = [
    [
      "garbage before any file",
      ["hello", "world", "diff --git a/x b/x", "--- a/x", "+++ b/x", "@@ -1 +1 @@", "-a", "+b"],
      [{ path: "x", hunks: "some" }],
      ['lines 1-2: expected a file header ("diff --git a/<path> b/<path>", or "--- <path>" then "+++ <path>"), got "hello"'],
    ],
    [
      "hunk shorter than its header (truncated)",
      ["diff --git a/x b/x", "--- a/x", "+++ b/x", "@@ -1,3 +1,3 @@", " a", "-b"],
      [{ path: "x", hunks: null }],
      ['line 7 (x): the hunk at line 4 ends early at the end of the input after 2 old and 1 new lines; its header "@@ -1,3 +1,3 @@" declares 3 old and 3 new lines'],
    ],
    [
      "hunk longer than its header",
      ["diff --git a/x b/x", "--- a/x", "+++ b/x", "@@ -1,2 +1,2 @@ f()", " a", "-b", "+c", "-d", "diff --git a/y b/y", "--- a/y", "+++ b/y", "@@ -1 +1 @@", "-a", "+b"],
      [{ path: "x", hunks: null }, { path: "y", hunks: "some" }],
      ['line 8 (x): the hunk at line 4 has more lines than its header "@@ -1,2 +1,2 @@" declares (2 old, 2 new): got "-d"'],
    ],
    [
      "too many removed lines inside the declared span",
      ["--- a/x", "+++ b/x", "@@ -1,1 +1,2 @@", "-a", "-b", "+c", "+d"],
      [{ path: "x", hunks: null }],
      ['line 5 (x): the hunk at line 3 has more old lines than its header allows; its header "@@ -1,1 +1,2 @@" declares 1 old and 2 new lines'],
    ],
    [
      "a foreign line inside a hunk",
      ["--- a/x", "+++ b/x", "@@ -1,2 +1,2 @@", " a", "*b", " c"],
      [{ path: "x", hunks: null }],
      [
        'line 5 (x): expected a line of the hunk at line 3 (starting with " ", "-" or "+"), got "*b"; the hunk has 1 old and 1 new lines so far, its header "@@ -1,2 +1,2 @@" declares 2 old and 2 new lines'
      ],
    ],
    [
      "a malformed hunk header",
      ["diff --git a/x b/x", "--- a/x", "+++ b/x", "@@ -1,2 +1,two @@", " a"],
      [{ path: "x", hunks: null }],
      ['line 4 (x): expected a hunk header like "@@ -12,5 +12,7 @@ section", got "@@ -1,2 +1,two @@"'],
    ],
    [
      "an impossible hunk header",
      ["--- a/x", "+++ b/x", "@@ -0,2 +1,2 @@", " a", " b"],
      [{ path: "x", hunks: null }],
      ['line 3 (x): invalid hunk header "@@ -0,2 +1,2 @@": old start 0 is only valid with an old line count of 0'],
    ],
    [
      "hunks out of order",
      ["--- a/x", "+++ b/x", "@@ -10 +10 @@", "-a", "+b", "@@ -3 +3 @@", "-c", "+d"],
      [{ path: "x", hunks: null }],
      ['line 6 (x): the hunk starts at old line 3, inside or before the previous hunk (old lines 10-10); hunks must be in increasing order'],
    ],
    [
      "--- without +++ in a git file",
      ["diff --git a/x b/x", "--- a/x", "@@ -1 +1 @@", "-a", "+b"],
      [{ path: "x", hunks: null }],
      ['line 3 (x): expected a "+++ b/<path>" line after the "---" line, got "@@ -1 +1 @@"'],
    ],
    [
      "+++ without hunks",
      ["diff --git a/x b/x", "--- a/x", "+++ b/x", "diff --git a/y b/y", "old mode 100644", "new mode 100755"],
      [{ path: "x", hunks: null }, { path: "y", hunks: "some" }],
      ['line 4 (x): expected a hunk header like "@@ -12,5 +12,7 @@ section" after the "+++" line, got "diff --git a/y b/y"'],
    ],
    [
      "a hunk before the ---/+++ lines",
      ["diff --git a/x b/x", "@@ -1 +1 @@", "-a", "+b"],
      [{ path: "x", hunks: null }],
      ['line 2 (x): a hunk header before the "--- a/<path>" and "+++ b/<path>" lines'],
    ],
    [
      "an unknown extended header line",
      ["diff --git a/x b/x", "weird header", "--- a/x", "+++ b/x", "@@ -1 +1 @@", "-a", "+b"],
      [{ path: "x", hunks: null }],
      [
        'line 2 (x): unexpected line in the header of a file diff: "weird header" (expected "index", "old mode"/"new mode", "new file mode", "deleted file mode", "rename from/to", "copy from/to", "similarity index", "Binary files ... differ" or "--- a/<path>")',
      ],
    ],
    [
      "a bad quoted path",
      ['diff --git "a/x\\q" "b/x\\q"', "--- a/x", "+++ b/x"],
      [],
      ['line 1: cannot read the paths of "diff --git \\"a/x\\\\q\\" \\"b/x\\\\q\\"": unknown escape "\\q"'],
    ],
    [
      "an unterminated quoted path on the --- line",
      ["diff --git a/x b/x", '--- "a/x', "+++ b/x", "@@ -1 +1 @@", "-a", "+b"],
      [{ path: "x", hunks: null }],
      ['line 2 (x): cannot read the path in "--- \\"a/x": missing closing double quote'],
    ],
    [
      "a combined diff",
      ["diff --cc x", "index 1,2..3", "@@@ -1,1 -1,1 +1,1 @@@", "- a", " +b", "diff --git a/y b/y", "old mode 100644", "new mode 100755"],
      [{ path: "y", hunks: "some" }],
      ['line 1: combined diffs of merge commits are not supported (got "diff --cc x"); diff the branch against its merge base instead (git diff <base>...HEAD)'],
    ],
    [
      "ambiguous unquoted names",
      ["diff --git a/one two b/three four", "old mode 100644", "new mode 100755"],
      [],
      ['line 1: cannot tell the path of "diff --git a/one two b/three four" (names with spaces that differ and no "rename"/"---"/"+++" line to disambiguate)'],
    ],
    [
      "both sides /dev/null",
      ["--- /dev/null", "+++ /dev/null", "@@ -0,0 +1 @@", "+a"],
      [],
      ["line 1: both sides of the file diff are /dev/null"],
    ],
  ];
  it.each(cases)("%s", (_name, lines, expectedFiles, expectedErrors) => {
    const { files, errors } = parseUnifiedDiff(lines.join("\n") + "\n");
    expect(errors).toEqual(expectedErrors);
    expect(files.map((f) => ({ path: f.path, hunks: f.hunks === null ? null : "some" }))).toEqual(expectedFiles);
  });

  it("never throws on arbitrary input", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom("diff --git a/x b/x", "--- a/x", "+++ b/x", "@@ -1,2 +1,2 @@", " a", "-b", "+c", "\\ No newline at end of file", "", '"', "Binary files a/x and b/x differ", "rename from \"q", "GIT binary patch"), fc.string()), { maxLength: 30 }),
        (lines) => {
          const r = parseUnifiedDiff(lines.join("\n"));
          expect(Array.isArray(r.files) && Array.isArray(r.errors)).toBe(true);
        },
      ),
    );
  });
});

describe("parsePatch (GitHub's per-file patch field)", () => {
  it("reads hunks, no-newline markers and sections", () => {
    const patch =
      "@@ -1,3 +1,4 @@\n a\n+b\n c\n d\n@@ -20,3 +21,2 @@ class Foo:\n x\n-y\n z\n\\ No newline at end of file";
    expect(noHash(parsePatch(patch))).toEqual({
      hunks: [
        { oldStart: 1, oldLines: 3, newStart: 1, newLines: 4, section: "", changes: [{ start: 2, end: 1 }] },
        { oldStart: 20, oldLines: 3, newStart: 21, newLines: 2, section: "class Foo:", changes: [{ start: 21, end: 21, section: "class Foo:" }] },
      ],
      errors: [],
    });
  });
  it("an empty patch has no hunks", () => {
    expect(parsePatch("")).toEqual({ hunks: [], errors: [] });
  });
  it("refuses text before the first hunk", () => {
    expect(parsePatch("diff --git a/x b/x\n@@ -1 +1 @@\n-a\n+b")).toEqual({
      hunks: [],
      errors: ['line 1: expected a hunk header like "@@ -12,5 +12,7 @@ section", got "diff --git a/x b/x"'],
    });
  });
  it("refuses a body that disagrees with its header", () => {
    expect(parsePatch("@@ -1,2 +1,2 @@\n-a\n+b")).toEqual({
      hunks: [],
      errors: ['line 4: the hunk at line 1 ends early at the end of the input after 1 old and 1 new lines; its header "@@ -1,2 +1,2 @@" declares 2 old and 2 new lines'],
    });
  });
  it("refuses trailing garbage after the last hunk", () => {
    expect(noHash(parsePatch("@@ -1 +1 @@\n-a\n+b\nnot a hunk"))).toEqual({
      hunks: [{ oldStart: 1, oldLines: 1, newStart: 1, newLines: 1, section: "", changes: [{ start: 1, end: 1 }] }],
      errors: ['line 4: expected a hunk header like "@@ -12,5 +12,7 @@ section", got "not a hunk"'],
    });
  });
});

describe("hunk headers", () => {
  it("parses counts that default to 1", () => {
    expect(parseHunkHeader("@@ -7 +8 @@ x")).toEqual({ oldStart: 7, oldLines: 1, newStart: 8, newLines: 1, section: "x" });
    expect(parseHunkHeader("@@ nope @@")).toBeNull();
  });
  it("a header alone covers the whole old range, or the insertion point", () => {
    expect(hunkFromHeader("@@ -4,3 +4,5 @@ def f():")?.changes).toEqual([{ start: 4, end: 6, section: "def f():" }]);
    expect(headerRange({ oldStart: 4, oldLines: 0, newStart: 5, newLines: 2, section: "" })).toEqual({ start: 5, end: 4 });
    expect(hunkFromHeader("garbage")).toBeNull();
  });
});

describe("unquoteCString", () => {
  it("decodes escapes and octal UTF-8 bytes", () => {
    expect(unquoteCString('"a\\tb\\\\c\\"d\\303\\251"')).toEqual({ value: 'a\tb\\c"dé', end: 20 });
  });
  it("reports bad octal", () => {
    expect(unquoteCString('"\\49"')).toEqual({ error: 'invalid octal escape "\\4" (expected three octal digits, at most \\377)' });
  });
});

describe("footprintFile and newSideRanges", () => {
  const hunks = [
    { oldStart: 1, oldLines: 3, newStart: 1, newLines: 4, section: "", changes: [{ start: 2, end: 1 }] },
    { oldStart: 20, oldLines: 2, newStart: 21, newLines: 0, section: "g()", changes: [{ start: 20, end: 21, section: "g()" }] },
    { oldStart: 1, oldLines: 2, newStart: 0, newLines: 0, section: "", changes: [{ start: 1, end: 2 }] },
  ];
  it("flattens hunks into the footprint", () => {
    expect(footprintFile({ path: "p", hunks: hunks.slice(0, 2) })).toEqual({
      path: "p",
      changes: [
        { start: 2, end: 1 },
        { start: 20, end: 21, section: "g()" },
      ],
    });
    expect(footprintFile({ path: "b", hunks: null })).toEqual({ path: "b", changes: null });
  });
  it("gives each hunk's new-side span, at least one line from line 1", () => {
    expect(newSideRanges(hunks)).toEqual([
      { start: 1, end: 4 },
      { start: 21, end: 21, section: "g()" },
      { start: 1, end: 1 },
    ]);
  });
});

describe("overlapRanges", () => {
  const r = (start: number, end: number, section?: string): LineRange => (section ? { start, end, section } : { start, end });
  it("disjoint regions separated by an unchanged line can merge", () => {
    expect(overlapRanges([r(1, 2)], [r(4, 4)])).toBeNull();
  });
  it("adjacent regions conflict (git conflicts on adjacent changes)", () => {
    expect(overlapRanges([r(1, 2, "f()")], [r(3, 3, "g()")])).toEqual({ overlapping: [r(1, 3)], mine: ["f()"], theirs: ["g()"] });
  });
  it("an insertion at p conflicts with changes covering p-1 or p and with an insertion at p, not at p+1", () => {
    expect(overlapRanges([r(5, 4)], [r(3, 4)])).toEqual({ overlapping: [r(3, 4)], mine: [], theirs: [] });
    expect(overlapRanges([r(5, 4)], [r(5, 6)])).toEqual({ overlapping: [r(5, 6)], mine: [], theirs: [] });
    expect(overlapRanges([r(5, 4)], [r(5, 4)])).toEqual({ overlapping: [r(5, 4)], mine: [], theirs: [] });
    expect(overlapRanges([r(5, 4)], [r(6, 5)])).toBeNull();
    expect(overlapRanges([r(5, 4)], [r(6, 6)])).toBeNull();
    expect(overlapRanges([r(5, 4)], [r(2, 3)])).toBeNull();
  });
  it("reports only the conflicting regions, merged, with distinct sections in line order", () => {
    const mine = [r(30, 31, "b()"), r(1, 2, "a()"), r(10, 12, "a()"), r(50, 50, "c()")];
    const theirs = [r(11, 20, "x()"), r(21, 25, "y()"), r(40, 40, "z()"), r(32, 32, "b()")];
    expect(overlapRanges(mine, theirs)).toEqual({
      overlapping: [r(10, 20), r(30, 32)],
      mine: ["a()", "b()"],
      theirs: ["x()", "b()"],
    });
  });
  it("finds a conflict behind a long region that started earlier", () => {
    expect(overlapRanges([r(1, 100), r(200, 200)], [r(5, 5), r(150, 150)])).toEqual({ overlapping: [r(1, 100)], mine: [], theirs: [] });
    expect(overlapRanges([r(10, 10), r(60, 60)], [r(1, 100), r(5, 5)])).toEqual({ overlapping: [r(1, 100)], mine: [], theirs: [] });
  });
  it("null is the whole file: conflicts with anything non-empty", () => {
    expect(overlapRanges(null, [r(3, 4, "f")])).toEqual({ overlapping: [r(3, 4)], mine: [], theirs: ["f"] });
    expect(overlapRanges([r(3, 4, "f")], null)).toEqual({ overlapping: [r(3, 4)], mine: ["f"], theirs: [] });
    expect(overlapRanges(null, null)).toEqual({ overlapping: [], mine: [], theirs: [] });
    expect(overlapRanges(null, [])).toBeNull();
    expect(overlapRanges([], [r(1, 1)])).toBeNull();
  });

  const range = fc
    .tuple(fc.integer({ min: 1, max: 500 }), fc.integer({ min: -1, max: 20 }))
    .map(([s, len]) => ({ start: s, end: s + len }));
  const side = fc.option(fc.array(range, { maxLength: 8 }), { nil: null });
  it("property: whether it is null is symmetric", () => {
    fc.assert(fc.property(side, side, (a, b) => {
      expect(overlapRanges(a, b) === null).toBe(overlapRanges(b, a) === null);
    }));
  });
  it("property: a non-empty side always overlaps itself", () => {
    fc.assert(fc.property(fc.array(range, { minLength: 1, maxLength: 8 }), (a) => {
      expect(overlapRanges(a, a)).not.toBeNull();
    }));
  });
  it("property: shifting one side far away makes it null", () => {
    fc.assert(
      fc.property(fc.array(range, { maxLength: 8 }), fc.array(range, { maxLength: 8 }), (a, b) => {
        const far = b.map((x) => ({ start: x.start + 10_000, end: x.end + 10_000 }));
        expect(overlapRanges(a, far)).toBeNull();
      }),
    );
  });
  it("property: agrees with a brute-force line check", () => {
    fc.assert(
      fc.property(fc.array(range, { maxLength: 6 }), fc.array(range, { maxLength: 6 }), (a, b) => {
        const brute = a.some((x) => b.some((y) => x.start <= y.end + 1 && y.start <= x.end + 1));
        expect(overlapRanges(a, b) !== null).toBe(brute);
      }),
    );
  });
});

describe("overlapRanges agrees with git's own three-way merge", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "pucs-merge-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // Base: 40 distinct lines. Each side replaces or inserts, always writing content unique to that side,
  // so no change is identical on both sides. (A pure deletion can be: both sides deleting the same
  // line merge cleanly in git, while overlapRanges calls it a conflict, on the safe side. Seed
  // 225045725 found that when deletions were generated.)
  const edit = fc.array(
    fc.record({ at: fc.integer({ min: 0, max: 40 }), del: fc.integer({ min: 0, max: 3 }), ins: fc.integer({ min: 1, max: 2 }) }),
    { minLength: 1, maxLength: 3 },
  );
  function apply(base: string[], edits: { at: number; del: number; ins: number }[], tag: string): string[] {
    const out = [...base];
    const sorted = [...edits].sort((x, y) => y.at - x.at);
    let last = Infinity;
    let n = 0;
    for (const e of sorted) {
      if (e.at + e.del > last) continue; // keep edits non-overlapping within one side
      const del = Math.min(e.del, base.length - e.at);
      if (del === 0 && e.ins === 0) continue;
      out.splice(e.at, del, ...Array.from({ length: e.ins }, () => `${tag}-${n++}`));
      last = e.at;
    }
    return out;
  }
  function diffRanges(basePath: string, otherPath: string): LineRange[] | null {
    const r = spawnSync("git", ["diff", "--no-index", "--no-color", "-U3", basePath, otherPath], { env: GIT_ENV, encoding: "utf8" });
    if (r.stdout === "") return [];
    const { files, errors } = parseUnifiedDiff(r.stdout);
    expect(errors).toEqual([]);
    return footprintFile(files[0]!).changes;
  }

  it("null exactly when git merge-file merges cleanly", () => {
    const base = Array.from({ length: 40 }, (_, k) => `base ${k}`);
    let runs = 0;
    fc.assert(
      fc.property(edit, edit, (ea, eb) => {
        const a = apply(base, ea, "ours");
        const b = apply(base, eb, "theirs");
        const bp = join(dir, "base"), ap = join(dir, "ours"), tp = join(dir, "theirs");
        writeFileSync(bp, base.join("\n") + "\n");
        writeFileSync(ap, a.join("\n") + "\n");
        writeFileSync(tp, b.join("\n") + "\n");
        const merge = spawnSync("git", ["merge-file", "-p", ap, bp, tp], { env: GIT_ENV, encoding: "utf8" });
        const conflicts = merge.status ?? -1;
        expect(conflicts).toBeGreaterThanOrEqual(0);
        const ours = diffRanges(bp, ap);
        const theirs = diffRanges(bp, tp);
        const ours0 = ours ?? [];
        const theirs0 = theirs ?? [];
        // Unchanged sides merge trivially.
        if (ours0.length === 0 || theirs0.length === 0) return;
        runs++;
        expect(overlapRanges(ours, theirs) !== null).toBe(conflicts > 0);
      }),
      { numRuns: 60, seed: 20261123 },
    );
    expect(runs).toBeGreaterThan(30);
  });
});

describe("parseUnifiedDiff tolerances", () => {
  it("ignores blank lines at the end of a pasted diff, and reads a git file followed by a plain one", () => {
    const text = ["diff --git a/x b/x", "--- a/x", "+++ b/x", "@@ -1 +1 @@", "-a", "+b", "--- y", "+++ y", "@@ -2,0 +3 @@", "+c", "", "", ""].join("\n");
    expect(noHash(parseUnifiedDiff(text))).toEqual({
      files: [
        { path: "x", status: "modified", hunks: [{ oldStart: 1, oldLines: 1, newStart: 1, newLines: 1, section: "", changes: [{ start: 1, end: 1 }] }] },
        { path: "y", status: "modified", hunks: [{ oldStart: 2, oldLines: 0, newStart: 3, newLines: 1, section: "", changes: [{ start: 3, end: 2 }] }] },
      ],
      errors: [],
    });
  });
});

describe("compareChanges: git's rule, checked against git merge-tree in a real repository", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "pucs-rule-"));
    git(dir, "init", "-q", "-b", "main");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const BASE = Array.from({ length: 20 }, (_, k) => `line ${k + 1}`).join("\n") + "\n";
  let n = 0;

  /** Commits `base` on a fresh branch, then `ours` and `theirs` (path → content; null deletes; a `rename` moves a file first)
   *  on two branches of it. Returns git's verdict and both sides' footprint ranges of `path` (as from a PR's diff). */
  function scenario(
    path: string,
    base: string,
    ours: string,
    theirs: string,
    opts: { oursPath?: string } = {},
  ): { clean: boolean; ours: LineRange[] | null; theirs: LineRange[] | null; oursFile: ReturnType<typeof parseUnifiedDiff>["files"][number] } {
    const tag = `s${n++}`;
    git(dir, "checkout", "-q", "--orphan", `${tag}-base`);
    git(dir, "rm", "-rfq", "--ignore-unmatch", ".");
    writeFileSync(join(dir, path), base);
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "base");
    const commitSide = (side: string, content: string, newPath?: string) => {
      git(dir, "checkout", "-q", "-b", `${tag}-${side}`, `${tag}-base`);
      if (newPath) git(dir, "mv", path, newPath);
      writeFileSync(join(dir, newPath ?? path), content);
      git(dir, "add", "-A");
      git(dir, "commit", "-qm", side);
    };
    commitSide("ours", ours, opts.oursPath);
    commitSide("theirs", theirs);
    const merge = spawnSync("git", ["merge-tree", "--write-tree", "--name-only", `${tag}-ours`, `${tag}-theirs`], { cwd: dir, env: GIT_ENV, encoding: "utf8" });
    expect([0, 1]).toContain(merge.status);
    const side = (branch: string) => {
      const text = git(dir, "diff", "-M", "--src-prefix=a/", "--dst-prefix=b/", "--no-color", "--no-ext-diff", `${tag}-base`, branch);
      const { files, errors } = parseUnifiedDiff(text);
      expect(errors).toEqual([]);
      expect(files).toHaveLength(1);
      return files[0]!;
    };
    const o = side(`${tag}-ours`);
    const t = side(`${tag}-theirs`);
    return { clean: merge.status === 0, ours: footprintFile(o).changes, theirs: footprintFile(t).changes, oursFile: o };
  }
  const edit = (text: string, fn: (lines: string[]) => void): string => {
    const lines = text.split("\n");
    lines.pop();
    fn(lines);
    return lines.join("\n") + "\n";
  };

  it("identical replacements merge cleanly and are reported as identical, not as a conflict", () => {
    const same = edit(BASE, (l) => l.splice(9, 2, "changed 10", "changed 11"));
    const s = scenario("f.txt", BASE, same, same);
    expect(s.clean).toBe(true);
    expect(compareChanges(s.ours, s.theirs)).toEqual({ overlap: null, identical: [{ start: 10, end: 11 }], mineRegions: [], theirRegions: [] });
  });

  it("identical insertions at one point merge cleanly; different insertions there conflict", () => {
    const a = edit(BASE, (l) => l.splice(5, 0, "new A", "new B"));
    const s = scenario("f.txt", BASE, a, a);
    expect(s.clean).toBe(true);
    expect(compareChanges(s.ours, s.theirs).identical).toEqual([{ start: 6, end: 5 }]);
    expect(overlapRanges(s.ours, s.theirs)).toBeNull();
    const b = edit(BASE, (l) => l.splice(5, 0, "new A", "new C"));
    const d = scenario("f.txt", BASE, a, b);
    expect(d.clean).toBe(false);
    expect(overlapRanges(d.ours, d.theirs)?.overlapping).toEqual([{ start: 6, end: 5 }]);
  });

  it("the same text on one side plus another edit elsewhere: still clean, the identical part is named", () => {
    const a = edit(BASE, (l) => l.splice(2, 1, "same 3"));
    const b = edit(BASE, (l) => {
      l.splice(14, 1, "theirs 15");
      l.splice(2, 1, "same 3");
    });
    const s = scenario("f.txt", BASE, a, b);
    expect(s.clean).toBe(true);
    expect(compareChanges(s.ours, s.theirs)).toMatchObject({ overlap: null, identical: [{ start: 3, end: 3 }] });
  });

  it("adjacent edits conflict in git, and here", () => {
    const s = scenario("f.txt", BASE, edit(BASE, (l) => l.splice(4, 1, "ours 5")), edit(BASE, (l) => l.splice(5, 1, "theirs 6")));
    expect(s.clean).toBe(false);
    expect(overlapRanges(s.ours, s.theirs)?.overlapping).toEqual([{ start: 5, end: 6 }]);
    // One unchanged line between them: clean in both.
    const t = scenario("f.txt", BASE, edit(BASE, (l) => l.splice(4, 1, "ours 5")), edit(BASE, (l) => l.splice(6, 1, "theirs 7")));
    expect(t.clean).toBe(true);
    expect(overlapRanges(t.ours, t.theirs)).toBeNull();
  });

  it("one side deleting what the other changed conflicts; both deleting the same lines is identical", () => {
    const del = edit(BASE, (l) => l.splice(7, 2));
    const s = scenario("f.txt", BASE, del, edit(BASE, (l) => l.splice(7, 1, "theirs 8")));
    expect(s.clean).toBe(false);
    expect(overlapRanges(s.ours, s.theirs)).not.toBeNull();
    const both = scenario("f.txt", BASE, del, del);
    expect(both.clean).toBe(true);
    expect(compareChanges(both.ours, both.theirs)).toMatchObject({ overlap: null, identical: [{ start: 8, end: 9 }] });
  });

  it("whitespace-only differences are different text (git conflicts)", () => {
    for (const variant of ["changed 4 ", "changed\t4", " changed 4", "changed 4\r"]) {
      const s = scenario("f.txt", BASE, edit(BASE, (l) => l.splice(3, 1, "changed 4")), edit(BASE, (l) => l.splice(3, 1, variant)));
      expect(s.clean).toBe(false);
      expect(overlapRanges(s.ours, s.theirs)?.overlapping).toEqual([{ start: 4, end: 4 }]);
    }
  });

  it("files without a trailing newline: the final newline is part of the text", () => {
    const noEol = BASE.slice(0, -1);
    const changedNoEol = edit(BASE, (l) => l.splice(19, 1, "last")).slice(0, -1);
    const changedEol = edit(BASE, (l) => l.splice(19, 1, "last"));
    // Both replace the last line with "last", one without the newline: git conflicts.
    const s = scenario("f.txt", noEol, changedNoEol, changedEol);
    expect(s.clean).toBe(false);
    expect(overlapRanges(s.ours, s.theirs)).not.toBeNull();
    // The same text, both without the newline: identical.
    const t = scenario("f.txt", noEol, changedNoEol, changedNoEol);
    expect(t.clean).toBe(true);
    expect(compareChanges(t.ours, t.theirs).identical).toEqual([{ start: 20, end: 20 }]);
    // Only adding the missing newline on both sides: identical too.
    const u = scenario("f.txt", noEol, BASE, BASE);
    expect(u.clean).toBe(true);
    expect(compareChanges(u.ours, u.theirs).identical).toEqual([{ start: 20, end: 20 }]);
    // One side adds the newline, the other changes an earlier adjacent line: conflict.
    const v = scenario("f.txt", noEol, BASE, edit(BASE, (l) => l.splice(18, 1, "theirs 19")).slice(0, -1));
    expect(v.clean).toBe(false);
    expect(overlapRanges(v.ours, v.theirs)).not.toBeNull();
  });

  it("renames: the renamed side's ranges are on the old path's lines, as git's rename-aware merge sees them", () => {
    const body = Array.from({ length: 30 }, (_, k) => `statement number ${k + 1} of the module`).join("\n") + "\n";
    const same = edit(body, (l) => l.splice(9, 1, "the same edit"));
    const s = scenario("old.txt", body, same, same, { oursPath: "new.txt" });
    expect(s.oursFile).toMatchObject({ path: "new.txt", previousPath: "old.txt", status: "renamed" });
    expect(s.clean).toBe(true);
    expect(compareChanges(s.ours, s.theirs)).toMatchObject({ overlap: null, identical: [{ start: 10, end: 10 }] });
    const other = scenario("old.txt", body, same, edit(body, (l) => l.splice(9, 1, "another edit")), { oursPath: "new.txt" });
    expect(other.clean).toBe(false);
    expect(overlapRanges(other.ours, other.theirs)).not.toBeNull();
    const apart = scenario("old.txt", body, same, edit(body, (l) => l.splice(25, 1, "far away")), { oursPath: "new.txt" });
    expect(apart.clean).toBe(true);
    expect(overlapRanges(apart.ours, apart.theirs)).toBeNull();
  });
});

describe("textHash", () => {
  it("is 16 hex digits, the same for the same text and different for whitespace, newline and line splits", () => {
    const h = textHash(["a", "b"], false);
    expect(h).toMatch(/^[0-9a-f]{16}$/);
    expect(textHash(["a", "b"], false)).toBe(h);
    const others = [textHash(["a", "b"], true), textHash(["a ", "b"], false), textHash(["ab"], false), textHash(["a", "b", ""], false), textHash(["a\tb"], false), textHash([], false), textHash([""], false)];
    expect(new Set([h, ...others]).size).toBe(others.length + 1);
  });
  it("is read from hunk bodies: '\\ No newline' after a '+' line marks the new text", () => {
    const withEol = parsePatch("@@ -3 +3 @@\n-x\n+y").hunks[0]!.changes[0]!;
    const without = parsePatch("@@ -3 +3 @@\n-x\n+y\n\\ No newline at end of file").hunks[0]!.changes[0]!;
    const oldWithout = parsePatch("@@ -3 +3 @@\n-x\n\\ No newline at end of file\n+y").hunks[0]!.changes[0]!;
    expect(withEol.hash).toBe(textHash(["y"], false));
    expect(without.hash).toBe(textHash(["y"], true));
    expect(oldWithout.hash).toBe(textHash(["y"], false));
    // A header-only hunk (body unknown) has no hash: never identical to anything.
    expect(hunkFromHeader("@@ -3 +3 @@")!.changes[0]!.hash).toBeUndefined();
    expect(compareChanges(hunkFromHeader("@@ -3 +3 @@")!.changes, hunkFromHeader("@@ -3 +3 @@")!.changes).overlap).not.toBeNull();
  });
});
