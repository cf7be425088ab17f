import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { minimatch } from "minimatch";
import { areaOf, classify, hotFileMode, isCriticalFile, ownerOf } from "../../src/engine/classify.js";
import { compareSpecificity } from "../../src/engine/globs.js";
import type { Config, StreamConfig } from "../../src/engine/types.js";

function stream(id: string, patterns: string[], extra: Partial<StreamConfig> = {}): StreamConfig {
  return {
    id,
    name: id,
    patterns,
    maxAgents: 3,
    agentTemplates: [],
    dependsOn: [],
    dependsOnAreas: [],
    critical: false,
    criticalFiles: [],
    testPatterns: [],
    coordinators: [],
    ...extra,
  };
}

function config(streams: StreamConfig[], extra: Partial<Config> = {}): Config {
  return {
    version: 1,
    streams,
    areas: [],
    locks: { defaultTtlMinutes: 30, maxTtlMinutes: 480, queueGraceMinutes: 15 },
    mergeGate: { pinnedPhases: null, blockOn: "phase", blockOnLocks: true },
    hotFiles: [],
    coordinators: [],
    ...extra,
  };
}

/** The seed's streams (§2.2). */
const seed = config(
  [
    stream("EXEC", ["execution/**/*.py"], { criticalFiles: ["execution/smart_execution.py", "execution/profit_taking.py"] }),
    stream("LLM", ["llm/**/*.py"], { criticalFiles: ["llm/agents/base.py", "llm/agents/supervisor.py"] }),
    stream("SCAN", ["scanners/**/*.py", "indicators/**/*.py"]),
    stream("RISK", ["models/risk*.py", "models/circuit*.py", "compliance/**/*.py"], { critical: true }),
    stream("BACK", ["backtesting/**/*.py", "evaluation/**/*.py"]),
    stream("OBS", ["observability/**/*.py"]),
    stream("API", ["api/**/*.py", "mcp/**/*.py"]),
  ],
  {
    areas: [
      { name: "config", patterns: ["config/**"] },
      { name: "models", patterns: ["models/**"] },
      { name: "execution", patterns: ["execution/**"] },
    ],
    hotFiles: [
      { pattern: "**/*.lock", mode: "ignore" },
      { pattern: "CHANGELOG.md", mode: "merge" },
      { pattern: "package-lock.json", mode: "ignore" },
      { pattern: "generated/**", mode: "merge" },
      { pattern: "generated/schema.json", mode: "ignore" },
    ],
  },
);

describe("classify", () => {
  it("gives each file its owner in input order, and null for unowned files", () => {
    expect(
      classify(
        ["llm/agents/base.py", "execution/orders/fill.py", "models/risk_limits.py", "README.md", "execution/fill.ts", "models/other.py", "execution/x.py"],
        seed,
      ),
    ).toEqual([
      { path: "llm/agents/base.py", stream: "LLM", also: [] },
      { path: "execution/orders/fill.py", stream: "EXEC", also: [] },
      { path: "models/risk_limits.py", stream: "RISK", also: [] },
      { path: "README.md", stream: null, also: [] },
      { path: "execution/fill.ts", stream: null, also: [] },
      { path: "models/other.py", stream: null, also: [] },
      { path: "execution/x.py", stream: "EXEC", also: [] },
    ]);
  });

  it("uses minimatch semantics with dotfiles, ** and braces", () => {
    const c = config([
      stream("DOT", [".github/**"]),
      stream("BR", ["src/{a,b}/*.ts"]),
      stream("DEEP", ["**/test/**"]),
    ]);
    expect(classify([".github/workflows/ci.yml", "src/a/x.ts", "src/c/x.ts", "pkg/test/.hidden/t.js", "src/b/.x.ts"], c)).toEqual([
      { path: ".github/workflows/ci.yml", stream: "DOT", also: [] },
      { path: "src/a/x.ts", stream: "BR", also: [] },
      { path: "src/c/x.ts", stream: null, also: [] },
      { path: "pkg/test/.hidden/t.js", stream: "DEEP", also: [] },
      { path: "src/b/.x.ts", stream: "BR", also: [] },
    ]);
  });

  // Specificity is globs.ts's compareSpecificity: more literal segments, then a longer literal prefix, then a longer pattern.
  it("the most specific pattern owns; other matching streams are listed in declaration order", () => {
    const c = config([
      stream("BROAD", ["**/*.py"]),
      stream("EXEC", ["execution/**/*.py"]),
      stream("SMART", ["execution/smart_execution.py"]),
      stream("MID", ["execution/orders/*.py"]),
    ]);
    expect(classify(["execution/smart_execution.py", "execution/orders/x.py", "execution/sub/y.py", "z.py"], c)).toEqual([
      { path: "execution/smart_execution.py", stream: "SMART", also: ["BROAD", "EXEC"] },
      { path: "execution/orders/x.py", stream: "MID", also: ["BROAD", "EXEC"] },
      { path: "execution/sub/y.py", stream: "EXEC", also: ["BROAD"] },
      { path: "z.py", stream: "BROAD", also: [] },
    ]);
  });

  it("ties go to the stream declared first", () => {
    const c = config([stream("B", ["lib/*.js"]), stream("A", ["lib/*.js", "other/**"])]);
    expect(classify(["lib/x.js"], c)).toEqual([{ path: "lib/x.js", stream: "B", also: ["A"] }]);
    const swapped = config([stream("A", ["lib/*.js"]), stream("B", ["lib/*.js"])]);
    expect(classify(["lib/x.js"], swapped)).toEqual([{ path: "lib/x.js", stream: "A", also: ["B"] }]);
  });

  it("a stream with several matching patterns is listed once", () => {
    const c = config([stream("A", ["src/**", "src/x.ts"]), stream("B", ["src/**/*.ts", "**/*.ts"])]);
    expect(classify(["src/x.ts"], c)).toEqual([{ path: "src/x.ts", stream: "A", also: ["B"] }]);
    expect(ownerOf("src/x.ts", c)).toBe("A");
    expect(ownerOf("nope", c)).toBeNull();
  });

  it("agrees with a naive minimatch loop under the documented rule", () => {
    const seg = fc.constantFrom("src", "lib", "a", "b", ".cfg", "test");
    const file = fc.constantFrom("x.ts", "y.py", ".env", "README.md", "a.test.ts");
    const path = fc.tuple(fc.array(seg, { maxLength: 3 }), file).map(([d, f]) => [...d, f].join("/"));
    const pattern = fc.constantFrom(
      "src/**",
      "src/*.ts",
      "**/*.ts",
      "**/*.py",
      "lib/**/*.py",
      "a/b/x.ts",
      "{a,b}/**",
      "**/.env",
      "**/test/**",
      "src/a/*",
      "*.md",
      "**/*.test.ts",
    );
    const streams = fc.array(fc.array(pattern, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(streams, fc.array(path, { minLength: 1, maxLength: 10 }), (pats, paths) => {
        const c = config(pats.map((p, i) => stream(`S${i}`, p)));
        const expected = paths.map((p) => {
          const matching = c.streams
            .map((s, i) => {
              const ms = s.patterns.filter((pat) => minimatch(p, pat, { dot: true }));
              if (ms.length === 0) return null;
              const best = [...ms].sort(compareSpecificity)[0] as string;
              return { i, id: s.id, best };
            })
            .filter((x) => x !== null);
          if (matching.length === 0) return { path: p, stream: null, also: [] };
          const owner = [...matching].sort((x, y) => compareSpecificity(x.best, y.best) || x.i - y.i)[0]!;
          return { path: p, stream: owner.id, also: matching.filter((m) => m.id !== owner.id).map((m) => m.id) };
        });
        expect(classify(paths, c)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it("classifies 3,000 files against 50 streams x 4 patterns, with the index cached per config", () => {
    const streams: StreamConfig[] = [];
    for (let s = 0; s < 50; s++) {
      streams.push(stream(`S${s}`, [`pkg${s}/src/**/*.ts`, `pkg${s}/test/**`, `docs/pkg${s}/*.md`, `**/pkg${s}-*.json`]));
    }
    const c = config(streams);
    const paths: string[] = [];
    for (let k = 0; k < 3000; k++) {
      const s = k % 60; // some files belong to no stream
      paths.push(k % 3 === 0 ? `pkg${s}/src/mod${k}/file${k}.ts` : k % 3 === 1 ? `pkg${s}/test/t${k}.ts` : `config/pkg${s}-${k}.json`);
    }
    const first = classify(paths, c); // builds and caches the index
    expect(first.filter((f) => f.stream !== null).length).toBe(2500);
    expect(first[0]).toEqual({ path: "pkg0/src/mod0/file0.ts", stream: "S0", also: [] });
    expect(first[2]).toEqual({ path: "config/pkg2-2.json", stream: "S2", also: [] });
    // The cached index gives the same answers on the next call (its speed is measured by npm run bench).
    expect(classify(paths, c)).toEqual(first);
  });
});

describe("isCriticalFile", () => {
  const exec = seed.streams[0]!;
  it("matches the stream's critical_files entries (paths or globs)", () => {
    expect(isCriticalFile("execution/smart_execution.py", exec)).toBe(true);
    expect(isCriticalFile("execution/orders.py", exec)).toBe(false);
    const globby = stream("G", ["g/**"], { criticalFiles: ["g/core/**/*.py"] });
    expect(isCriticalFile("g/core/a/b.py", globby)).toBe(true);
    expect(isCriticalFile("g/other.py", globby)).toBe(false);
  });
  it("a critical stream without critical_files has no critical files (callers check stream.critical)", () => {
    expect(isCriticalFile("models/risk_limits.py", seed.streams[3]!)).toBe(false);
  });
});

describe("hotFileMode", () => {
  it("takes the most specific matching rule, ties to the first declared", () => {
    expect(hotFileMode("yarn.lock", seed)).toBe("ignore");
    expect(hotFileMode("sub/poetry.lock", seed)).toBe("ignore");
    expect(hotFileMode("CHANGELOG.md", seed)).toBe("merge");
    expect(hotFileMode("docs/CHANGELOG.md", seed)).toBeNull();
    expect(hotFileMode("generated/api.ts", seed)).toBe("merge");
    expect(hotFileMode("generated/schema.json", seed)).toBe("ignore");
    expect(hotFileMode("src/x.ts", seed)).toBeNull();
    const tie = config([], {
      hotFiles: [
        { pattern: "gen/*.ts", mode: "merge" },
        { pattern: "gen/*.ts", mode: "ignore" },
      ],
    });
    expect(hotFileMode("gen/a.ts", tie)).toBe("merge");
    expect(hotFileMode("gen/a.ts", config([]))).toBeNull();
  });
});

describe("areaOf", () => {
  it("lists matching areas in declaration order", () => {
    expect(areaOf("models/risk_limits.py", seed)).toEqual(["models"]);
    expect(areaOf("config/settings.yaml", seed)).toEqual(["config"]);
    expect(areaOf("src/x.ts", seed)).toEqual([]);
    const c = config([], {
      areas: [
        { name: "b", patterns: ["shared/**", "shared/x/**"] },
        { name: "a", patterns: ["**/x/**"] },
      ],
    });
    expect(areaOf("shared/x/y.ts", c)).toEqual(["b", "a"]);
  });
});
