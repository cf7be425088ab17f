import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { minimatch } from "minimatch";
import {
  compareSpecificity,
  compileGlob,
  globsIntersect,
  isGlob,
  matchesGlob,
  PatternIndex,
  validateGlob,
} from "../../src/engine/globs.js";

describe("isGlob", () => {
  it.each([
    ["execution/**/*.py", true],
    ["a/{b,c}.ts", true],
    ["a?.py", true],
    ["a/[bc].py", true],
    ["+(a|b).py", true],
    ["execution/smart_execution.py", false],
    [".github/workflows/ci.yml", false],
    ["a{b}", false],
    ["package-lock.json", false],
  ])("%s -> %s", (s, expected) => {
    expect(isGlob(s)).toBe(expected);
  });
});

describe("validateGlob", () => {
  it("accepts ordinary patterns and literal paths", () => {
    for (const p of [
      "execution/**/*.py",
      "models/risk*.py,x".split(",")[0]!,
      "{api,mcp}/**/*.py",
      "**/.github/*.yml",
      "a/**/b/**/c/**/d/**/e",
      "+(a|b).py",
      "CHANGELOG.md",
      "{1..256}.txt",
    ]) {
      expect(validateGlob(p), p).toBeNull();
    }
  });

  it.each([
    ["", "empty pattern"],
    ["   ", "pattern is only whitespace"],
    ["/etc/passwd", 'absolute path: patterns are relative to the repository root (remove the leading "/")'],
    ["../outside/**", '".." segments are not allowed: patterns are relative to the repository root'],
    ["a/../b", '".." segments are not allowed: patterns are relative to the repository root'],
    ["{..,a}/x", '".." segments are not allowed: patterns are relative to the repository root'],
    ["./a", '"." segments are not allowed: write the path without "./"'],
    ["a//b", 'empty path segment ("//")'],
    ["a\\*b", 'backslashes are not supported: use "/" as the path separator (escapes are not supported)'],
    ["!execution/**", 'negation ("!") is not supported: list the paths to include instead'],
    ["# comment", 'comments ("#") are not supported in patterns'],
    ["x".repeat(513), "pattern is 513 characters long; the limit is 512"],
    ["{1..257}.txt", "brace expansion makes more than 256 alternatives"],
    ["{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}", "brace expansion makes more than 256 alternatives"],
    ["{1..100000000}", "brace expansion makes more than 256 alternatives"],
    ["**/a/**/b/**/c/**/d/**", '5 "**" segments; at most 4 are allowed'],
    ["+(a|@(b|c)).py", 'nested extglobs are not supported (e.g. "+(a|@(b|c))"): flatten the alternatives'],
    ["execution/", 'a trailing "/" matches no file: use "dir/**" for everything under a directory'],
    ["{a,b/}", 'a trailing "/" matches no file: use "dir/**" for everything under a directory'],
  ])("refuses %j", (pattern, message) => {
    expect(validateGlob(pattern)).toBe(message);
  });

  it("never throws on arbitrary strings (property)", () => {
    const chars = fc.constantFrom(..."ab./*?[]{},!@+()|#\\-.. 0123456789".split(""));
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: chars, maxLength: 600 }), fc.string({ maxLength: 80 })), (s) => {
        const r = validateGlob(s);
        expect(r === null || (typeof r === "string" && r.length > 0 && !r.includes("\n"))).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it("matches a many-star pattern that validates without catastrophic backtracking (a hang would time the test out)", () => {
    const p = "*a".repeat(60) + "*b";
    expect(validateGlob(p)).toBeNull();
    expect(matchesGlob("a".repeat(200) + "c", p)).toBe(false);
  });
});

describe("compileGlob", () => {
  it("literal patterns compare by equality and keep the whole path as prefix", () => {
    const g = compileGlob("execution/smart_execution.py");
    expect(g.isLiteral).toBe(true);
    expect(g.literalPrefix).toBe("execution/smart_execution.py");
    expect(g.test("execution/smart_execution.py")).toBe(true);
    expect(g.test("execution/smart_execution.pyc")).toBe(false);
  });

  it("computes the directory prefix before the first magic segment", () => {
    expect(compileGlob("execution/**/*.py").literalPrefix).toBe("execution/");
    expect(compileGlob("models/risk*.py").literalPrefix).toBe("models/");
    expect(compileGlob("a/b/{c,d}/e").literalPrefix).toBe("a/b/");
    expect(compileGlob("*.py").literalPrefix).toBe("");
    expect(compileGlob("**/x").literalPrefix).toBe("");
    expect(compileGlob("execution/**/*.py").isLiteral).toBe(false);
  });

  it("is memoised", () => {
    expect(compileGlob("x/**/*.ts")).toBe(compileGlob("x/**/*.ts"));
  });
});

describe("matchesGlob", () => {
  it.each([
    ["execution/smart_execution.py", "execution/**/*.py", true],
    ["execution/a/b/c.py", "execution/**/*.py", true],
    ["execution/.hidden/c.py", "execution/**/*.py", true],
    ["execution/.c.py", "execution/*.py", true],
    [".github/workflows/ci.yml", "**/*.yml", true],
    [".env", "*", true],
    ["execution/a.ts", "execution/**/*.py", false],
    ["api/x.py", "{api,mcp}/**/*.py", true],
    ["mcp/y/x.py", "{api,mcp}/**/*.py", true],
    ["other/x.py", "{api,mcp}/**/*.py", false],
    ["models/risk_limits.py", "models/risk*.py", true],
    ["models/sub/risk.py", "models/risk*.py", false],
    ["CHANGELOG.md", "CHANGELOG.md", true],
    ["a/CHANGELOG.md", "CHANGELOG.md", false],
  ])("%s vs %s -> %s", (path, pattern, expected) => {
    expect(matchesGlob(path, pattern)).toBe(expected);
  });
});

describe("compiled matching agrees with minimatch { dot: true }", () => {
  it("on random globs and clean paths (property)", () => {
    const litSeg = fc.constantFrom("a", "b", "ab", "ba", "x.py", "x.ts", ".env", "src", ".git");
    const globSeg = fc.constantFrom(
      "a", "b", "x.py", ".env", "src", "*", "**", "*.py", "a*", "*b", "?", "[ab]", "[!a]*", "+(a|b)",
      "@(x.py|src)", "{a,b}", "a{b,}", "*a*", "x.*", ".*", "*.*", "!(a)",
    );
    fc.assert(
      fc.property(
        fc.array(globSeg, { minLength: 1, maxLength: 4 }).map((s) => s.join("/")),
        fc.array(fc.array(litSeg, { minLength: 1, maxLength: 5 }).map((s) => s.join("/")), { maxLength: 10 }),
        (glob, paths) => {
          const g = compileGlob(glob);
          for (const p of paths) expect(g.test(p), `${p} vs ${glob}`).toBe(minimatch(p, glob, { dot: true }));
        },
      ),
      { numRuns: 1500 },
    );
  });

  it("follows minimatch on a trailing ** (needs one segment); unclean paths match nothing", () => {
    expect(matchesGlob("a", "a/**")).toBe(false);
    expect(matchesGlob("a/b", "a/**")).toBe(true);
    expect(matchesGlob("b", "**/b/**")).toBe(false);
    expect(matchesGlob("a/b", "a/**/b")).toBe(true);
    // Repository paths never have empty, "." or ".." segments: such a path matches no pattern.
    expect(matchesGlob("a//b", "a/**")).toBe(false);
    expect(matchesGlob("a/./b", "a/**")).toBe(false);
  });
});

describe("globsIntersect", () => {
  it.each([
    ["execution/**/*.py", "execution/smart_execution.py", true],
    ["execution/**/*.py", "execution/a.ts", false],
    ["*.py", "*.ts", false],
    ["src/*.py", "src/*.ts", false],
    ["**/*.py", "**/*.ts", false],
    ["**/*.py", "execution/**", true],
    ["execution/**", "llm/**", false],
    ["{api,mcp}/**/*.py", "mcp/server.py", true],
    ["{api,mcp}/**/*.py", "llm/**/*.py", false],
    ["models/risk*.py", "models/**", true],
    ["models/risk*.py", "models/circuit*.py", false],
    ["models/risk*.py", "models/*_limits.py", true],
    ["a/*/c", "a/b/*", true],
    ["a/*/c", "a/b/d", false],
    ["**", ".github/ci.yml", true],
    ["a/**/b", "a/b", true],
    ["a/**/b/c", "a/x/y/c", false],
    ["x", "x", true],
    ["x", "y", false],
  ])("%s ∩ %s -> %s", (a, b, expected) => {
    expect(globsIntersect(a, b)).toBe(expected);
    expect(globsIntersect(b, a)).toBe(expected);
  });

  const litSeg = fc.constantFrom("a", "b", "ab", "ba", "aab", "x.py", "x.ts", ".env", "src");
  const pathArb = fc.array(litSeg, { minLength: 1, maxLength: 5 }).map((s) => s.join("/"));
  const globSeg = fc.constantFrom(
    "a", "b", "ab", "x.py", ".env", "src",
    "*", "**", "*.py", "*.ts", "a*", "*b", "?", "??", "[ab]", "[!a]*", "+(a|b)", "@(x.py|src)",
    "{a,b}", "a{b,}", "{x.py,x.ts}", "*a*", "x.*", ".*",
  );
  const globArb = fc.array(globSeg, { minLength: 1, maxLength: 4 }).map((s) => s.join("/"));

  it("is sound on random globs and paths: a path matching both means they intersect (property)", () => {
    fc.assert(
      fc.property(globArb, globArb, fc.array(pathArb, { minLength: 1, maxLength: 20 }), (g1, g2, paths) => {
        for (const p of paths) {
          if (minimatch(p, g1, { dot: true }) && minimatch(p, g2, { dot: true })) {
            expect(globsIntersect(g1, g2)).toBe(true);
          }
        }
      }),
      { numRuns: 1500 },
    );
  });

  // Build globs that certainly match a path by generalising its segments, so the soundness check
  // below never passes vacuously.
  const generalise = (segs: string[], choices: number[]): string => {
    const out: string[] = [];
    for (let i = 0; i < segs.length; i++) {
      const s = segs[i]!;
      const c = choices[i % choices.length]!;
      switch (c) {
        case 0: out.push(s); break;
        case 1: out.push("*"); break;
        case 2: out.push(s[0] + "*"); break;
        case 3: out.push("*" + s[s.length - 1]); break;
        case 4: out.push("?".repeat(s.length)); break;
        case 5: out.push(`{${s},zz}`); break;
        case 6: if (out[out.length - 1] !== "**") out.push("**"); break;
        default: out.push(`*${s.slice(1, 2)}*`);
      }
    }
    if (out.length === 0) return "**";
    return out.join("/");
  };

  it("is never false for two globs built to match the same path (property)", () => {
    const choices = fc.array(fc.integer({ min: 0, max: 7 }), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(fc.array(litSeg, { minLength: 1, maxLength: 5 }), choices, choices, (segs, c1, c2) => {
        const path = segs.join("/");
        const g1 = generalise(segs, c1);
        const g2 = generalise(segs, c2);
        expect(matchesGlob(path, g1)).toBe(true);
        expect(matchesGlob(path, g2)).toBe(true);
        expect(globsIntersect(g1, g2)).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });
});

describe("compareSpecificity", () => {
  it("prefers more literal segments, then a longer literal prefix, then a longer pattern", () => {
    expect(compareSpecificity("execution/smart_execution.py", "execution/**/*.py")).toBeLessThan(0);
    expect(compareSpecificity("execution/**/*.py", "execution/smart_execution.py")).toBeGreaterThan(0);
    expect(compareSpecificity("execution/**/*.py", "*.py")).toBeLessThan(0);
    // same literal segment count (1), longer prefix wins
    expect(compareSpecificity("execution/*.py", "llm/*.py")).toBeLessThan(0);
    // same segments and prefix, longer pattern wins
    expect(compareSpecificity("models/risk*.py", "models/r*.py")).toBeLessThan(0);
    expect(compareSpecificity("models/risk*.py", "models/risk*.py")).toBe(0);
    expect(compareSpecificity("models/risk*.py", "models/circ*.py")).toBe(0);
  });

  it("ranks a pattern with fewer ** segments as more specific before comparing lengths", () => {
    // execution/*.py matches a subset of execution/**/*.py, though it is the shorter pattern.
    expect(compareSpecificity("execution/*.py", "execution/**/*.py")).toBeLessThan(0);
    expect(compareSpecificity("src/**/*.ts", "src/*/*/x.ts")).toBeGreaterThan(0);
  });

  it("sorts a list from most to least specific", () => {
    const list = ["**", "*.py", "execution/**/*.py", "execution/smart_execution.py", "execution/**"];
    expect([...list].sort(compareSpecificity)).toEqual([
      "execution/smart_execution.py",
      "execution/**/*.py",
      "execution/**",
      "*.py",
      "**",
    ]);
  });
});

describe("PatternIndex", () => {
  it("returns the values of all matching entries in insertion order", () => {
    const idx = new PatternIndex([
      { pattern: "**/*.py", value: "any-py" },
      { pattern: "execution/**/*.py", value: "EXEC" },
      { pattern: "execution/smart_execution.py", value: "EXEC-critical" },
      { pattern: "{api,mcp}/**/*.py", value: "API" },
      { pattern: ".github/**", value: "CI" },
    ]);
    expect(idx.match("execution/smart_execution.py")).toEqual(["any-py", "EXEC", "EXEC-critical"]);
    expect(idx.match("mcp/server.py")).toEqual(["any-py", "API"]);
    expect(idx.match(".github/workflows/ci.yml")).toEqual(["CI"]);
    expect(idx.match("README.md")).toEqual([]);
    expect(idx.matchEntries("api/x.py")).toEqual([
      { pattern: "**/*.py", value: "any-py", index: 0 },
      { pattern: "{api,mcp}/**/*.py", value: "API", index: 3 },
    ]);
  });

  it("equals the naive filter over all entries (property)", () => {
    const litSeg = fc.constantFrom("a", "b", "ab", "x.py", "x.ts", ".env", "src");
    const globSeg = fc.constantFrom("a", "b", "src", "x.py", "*", "**", "*.py", "a*", "{a,b}", "{src,b}", "?", ".*");
    const patternArb = fc.array(globSeg, { minLength: 1, maxLength: 4 }).map((s) => s.join("/"));
    const pathArb = fc.array(litSeg, { minLength: 1, maxLength: 4 }).map((s) => s.join("/"));
    fc.assert(
      fc.property(
        fc.array(patternArb, { minLength: 0, maxLength: 12 }),
        fc.array(pathArb, { minLength: 1, maxLength: 15 }),
        (patterns, paths) => {
          const entries = patterns.map((pattern, i) => ({ pattern, value: i }));
          const idx = new PatternIndex(entries);
          for (const p of paths) {
            const naive = entries.filter((e) => minimatch(p, e.pattern, { dot: true })).map((e) => e.value);
            expect(idx.match(p)).toEqual(naive);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it("classifies 3,000 files against 50 streams × 4 patterns exactly as the naive loop does (speed: npm run bench)", () => {
    const entries: { pattern: string; value: string }[] = [];
    for (let s = 0; s < 50; s++) {
      entries.push({ pattern: `pkg${s}/**/*.py`, value: `S${s}` });
      entries.push({ pattern: `pkg${s}/src/**/*.ts`, value: `S${s}` });
      entries.push({ pattern: `tests/test_*s${s}*.py`, value: `S${s}` });
      entries.push({ pattern: `docs/s${s}/README.md`, value: `S${s}` });
    }
    const files = Array.from({ length: 3000 }, (_, i) => {
      const s = i % 60;
      return i % 3 === 0 ? `pkg${s}/mod/file${i}.py` : i % 3 === 1 ? `pkg${s}/src/a/file${i}.ts` : `tests/test_s${s}_${i}.py`;
    });
    const idx = new PatternIndex(entries);
    const naiveMatchers = entries.map((e) => compileGlob(e.pattern));
    const naive = (f: string) => entries.filter((_, i) => naiveMatchers[i]!.test(f)).map((e) => e.value);
    let matched = 0;
    for (const f of files) {
      const got = idx.match(f);
      expect(got).toEqual(naive(f));
      matched += got.length;
    }
    expect(matched).toBeGreaterThan(2000);
  });
});
