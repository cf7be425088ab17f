/**
 * `npm run bench:accuracy -- <git repository> [--merges N] [--histogram] [--json]`: conflict prediction against git.
 *
 * Replays the last N two-parent merges of a repository (bare or not): each merge's two parents are two
 * changes from their merge base, exactly as two pull requests would be. Each side's footprint is built
 * from `git diff -M <base> <parent>` read by the same parser and `footprintFile` the App uses on a PR's
 * files; `evaluate` (the App's engine call) runs both ways (side 1 against side 2's footprint and back),
 * and a file is predicted to conflict when either direction says PARTITION. The truth is
 * `git merge-tree --write-tree <p1> <p2>`'s list of conflicted files.
 *
 *   recall     git-conflicted files PUCS flagged / all git-conflicted files (target 1.000)
 *   precision  flagged files git conflicts on / all flagged files (target ≥ 0.95)
 *   symbols    for each conflicting region of a flagged file in Python, JavaScript or Go: the
 *              enclosing definition PUCS names (tree-sitter on the merge base's file, what the App
 *              reads) against an independent oracle (bench/oracles.ts: CPython's ast, acorn, gofmt
 *              layout); both "outside any definition" counts as agreeing. Target ≥ 0.95.
 *   time       engine time per scenario: every `evaluate` call of the merge (both directions, and
 *              the second call with symbols when one flags PARTITION), warm: the median of 7 runs,
 *              after 200 runs of the first scenario (the App is a long-running process). Tree-sitter
 *              parsing is I/O-side (the App's adapter) and printed apart.
 *
 * The baseline is the old rule measured in the same run: the same footprints without their text
 * hashes (so no identical change is recognised), a rename's old path treated as the whole file, and
 * the hunk header's section as the name.
 *
 * Merges with several merge bases (criss-cross) are skipped and counted: git merges those against a
 * synthetic base no pull request has.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { compareChanges, footprintFile, overlapRanges, parseUnifiedDiff } from "../src/engine/diff.js";
import { formatIssue, parseConfig } from "../src/engine/config/index.js";
import { evaluate, formatRanges } from "../src/engine/evaluate.js";
import { definitionsOf, enclosingDefinition, languageOf, type Definition } from "../src/engine/symbols.js";
import type { Change, ChangedFile, Config, Ledger, LineRange } from "../src/engine/types.js";
import { loadLanguages, parseLoaded } from "../src/symbols/loader.js";
import { goDefs, javascriptDefs, oracleEnclosing, pythonDefs, sectionName, type OracleDef } from "./oracles.js";

const args = process.argv.slice(2);
const repo = args.find((a, k) => !a.startsWith("--") && args[k - 1] !== "--merges");
const mIdx = args.indexOf("--merges");
const wanted = mIdx >= 0 ? Number(args[mIdx + 1]) : 100;
const asJson = args.includes("--json");
// GitHub's pull request patches are git's default (Myers) diff; git's merge aligns with histogram. `--histogram`
// builds the footprints the way the merge sees the changes (what the CLI can do with local git).
const algorithm = args.includes("--histogram") ? "histogram" : "myers";
if (!repo || !Number.isInteger(wanted) || wanted <= 0) {
  console.error("usage: npm run bench:accuracy -- <path to a git repository> [--merges N] [--histogram] [--json]");
  process.exit(2);
}

function git(...a: string[]): string {
  // stderr is captured: a failure is an exception here, handled (and counted) by the caller.
  return execFileSync("git", ["-C", repo as string, ...a], { encoding: "utf8", maxBuffer: 512 << 20, stdio: ["ignore", "pipe", "pipe"] });
}
const DIFF = () => ["diff", "-M", "--src-prefix=a/", "--dst-prefix=b/", "--no-color", "--no-ext-diff", "--no-textconv", "-U3", `--diff-algorithm=${algorithm}`];

// A config with one stream that owns no real file: no stream, dependency, capacity or critical rule
// applies, so every conflict found is a file both sides changed.
const parsed = parseConfig('version: 1\nstreams:\n  NONE:\n    name: "none"\n    files_pattern: "__pucs_bench_none__/**"\n', "bench.yaml");
if (!parsed.ok) throw new Error(parsed.issues.map(formatIssue).join("\n"));
const CONFIG: Config = parsed.config;
const NOW = Date.parse("2026-11-27T00:00:00Z");

function ledgerWith(id: string, files: ChangedFile[]): Ledger {
  return {
    kind: "pucs-ledger",
    schemaVersion: 1,
    session: null,
    locks: [],
    intents: [],
    queues: [],
    overrides: [],
    footprints: [{ change: id, agent: `agent${id}`, stream: null, headSha: "0".repeat(40), draft: false, files: files.map(footprintFile), recordedAt: new Date(NOW).toISOString() }],
  } as Ledger;
}

const noHash = (rs: LineRange[] | null): LineRange[] | null => (rs === null ? null : rs.map(({ hash: _h, ...r }) => r));
const rangesOf = (f: ChangedFile): LineRange[] | null =>
  f.hunks === null ? null : f.hunks.flatMap((h) => h.changes.map((c) => (h.section && c.section === undefined ? { ...c, section: h.section } : c)));

interface Tally {
  tp: number;
  fp: number;
  fn: number;
}
const tally = (): Tally => ({ tp: 0, fp: 0, fn: 0 });
const newRule = tally();
const oldRule = tally();
const sym = { regions: 0, pucs: 0, old: 0, unreadable: 0, byLang: new Map<string, { regions: number; pucs: number; old: number }>() };
const engineMs: number[] = [];
const parseMs: number[] = [];
const counts = { scanned: 0, used: 0, criss: 0, unreadable: 0, shared: 0, conflicted: 0, duplicates: 0, sharedScenarios: 0 };
const misses: string[] = [];
const symbolMisses: string[] = [];
const falseAlarms: string[] = [];

const lines = git("rev-list", "--merges", "--parents", `--max-count=${wanted * 4}`, "HEAD").trim().split("\n").filter(Boolean);
const merges = lines.map((l) => l.split(" ")).filter((p) => p.length === 3);
const head = git("rev-parse", "HEAD").trim();

const oracleCache = new Map<string, OracleDef[] | null>();
function oracleDefs(lang: string, content: string, key: string): OracleDef[] | null {
  if (oracleCache.has(key)) return oracleCache.get(key)!;
  const d = lang === "python" ? pythonDefs(content) : lang === "go" ? goDefs(content) : lang === "javascript" ? javascriptDefs(content) : null;
  oracleCache.set(key, d);
  return d;
}

/** Warm time of `run`: the median of 7 runs after the one above (the first call of a scenario also compiles);
 *  the fastest of the 7 is added to `fastest` (the engine's own cost, without the machine's interference). */
let fastest = 0;
function timed(run: () => void): number {
  const ts: number[] = [];
  for (let k = 0; k < 7; k++) {
    const t0 = performance.now();
    run();
    ts.push(performance.now() - t0);
  }
  ts.sort((x, y) => x - y);
  fastest += ts[0] as number;
  return ts[3] as number;
}
const fastestMs: number[] = [];
const slowest: { ms: number; merge: string; files: number }[] = [];
let warmed = false;

const langs = new Set<string>();
await loadLanguages(["python", "javascript", "typescript", "go"]);

for (const [merge, p1, p2] of merges) {
  if (counts.used >= wanted) break;
  if (!merge || !p1 || !p2) continue;
  counts.scanned++;
  const bases = git("merge-base", "--all", p1 as string, p2 as string).trim().split("\n").filter(Boolean);
  if (bases.length !== 1) {
    counts.criss++;
    continue;
  }
  const base = bases[0] as string;
  let d1: ReturnType<typeof parseUnifiedDiff>;
  let d2: ReturnType<typeof parseUnifiedDiff>;
  let mt: ReturnType<typeof spawnSync>;
  try {
    // A partial clone or a mirror without its largest blobs cannot diff every merge: such merges are counted and skipped.
    d1 = parseUnifiedDiff(git(...DIFF(), base, p1 as string));
    d2 = parseUnifiedDiff(git(...DIFF(), base, p2 as string));
    mt = spawnSync("git", ["-C", repo, "merge-tree", "--write-tree", "--name-only", "--no-messages", p1 as string, p2 as string], { encoding: "utf8", maxBuffer: 64 << 20 });
    if (mt.status !== 0 && mt.status !== 1) throw new Error(`git merge-tree failed: ${mt.stderr}`);
  } catch {
    counts.unreadable++;
    continue;
  }
  counts.used++;
  if (d1.errors.length > 0 || d2.errors.length > 0) throw new Error(`${merge}: ${[...d1.errors, ...d2.errors].join("; ")}`);
  const conflicted = new Set(String(mt.stdout).split("\n").slice(1).filter(Boolean));
  counts.conflicted += conflicted.size;

  // Names of one file across both sides (a rename's old and new path).
  const namesOf = (p: string): Set<string> => {
    const s = new Set([p]);
    for (const f of [...d1.files, ...d2.files]) if (f.path === p || f.previousPath === p) for (const n of [f.path, f.previousPath]) if (n) s.add(n);
    return s;
  };

  // The engine, both directions, as the App would run it for each PR.
  const c1: Change = { id: "#1", agent: "agent#1", files: d1.files };
  const c2: Change = { id: "#2", agent: "agent#2", files: d2.files };
  const l1 = ledgerWith("#2", d2.files);
  const l2 = ledgerWith("#1", d1.files);
  let evs = [evaluate(c1, l1, CONFIG, NOW), evaluate(c2, l2, CONFIG, NOW)];
  if (!warmed && d1.files.length > 0 && d2.files.length > 0) {
    // The App is a long-running process: time the engine warm, after the JIT has seen it run.
    for (let k = 0; k < 200; k++) evs = [evaluate(c1, l1, CONFIG, NOW), evaluate(c2, l2, CONFIG, NOW)];
    warmed = true;
  }
  let elapsed = timed(() => {
    evs = [evaluate(c1, l1, CONFIG, NOW), evaluate(c2, l2, CONFIG, NOW)];
  });

  const flagged = new Map<string, Set<string>>(); // key → names
  const shared = new Set<string>();
  for (const ev of evs) {
    for (const c of ev.conflicts) {
      if (c.type !== "INTENT_OVERLAP") continue;
      const names = namesOf(c.file);
      const key = [...names].sort().join("|");
      shared.add(key);
      if (c.strategy === "PARTITION") flagged.set(key, names);
      else if (c.details.includes("already makes this exact change")) counts.duplicates++;
    }
  }
  // Old rule: no hashes, a rename's old path as the whole file; the same pairs of files.
  const oldFlagged = new Map<string, Set<string>>();
  const theirsByPath = (files: ChangedFile[]) => new Map(files.map((f) => [f.path, f]));
  for (const [mine, theirs] of [[d1.files, d2.files], [d2.files, d1.files]] as const) {
    const other = theirsByPath(theirs);
    for (const f of mine) {
      for (const p of f.previousPath && f.previousPath !== f.path ? [f.path, f.previousPath] : [f.path]) {
        const t = other.get(p);
        if (!t) continue;
        const names = namesOf(p);
        const key = [...names].sort().join("|");
        shared.add(key);
        if (overlapRanges(p === f.path ? noHash(rangesOf(f)) : null, noHash(footprintFile(t).changes)) !== null) oldFlagged.set(key, names);
      }
    }
  }
  counts.shared += shared.size;
  if (shared.size > 0) counts.sharedScenarios++;

  const score = (t: Tally, flags: Map<string, Set<string>>, log: boolean) => {
    for (const [key, names] of flags) {
      if ([...names].some((n) => conflicted.has(n))) t.tp++;
      else {
        t.fp++;
        if (log) falseAlarms.push(`${(merge as string).slice(0, 10)} ${key}`);
      }
    }
    for (const q of conflicted) {
      if (![...flags.values()].some((names) => names.has(q))) {
        t.fn++;
        if (log) misses.push(`${(merge as string).slice(0, 10)} ${q}`);
      }
    }
  };
  score(newRule, flagged, true);
  score(oldRule, oldFlagged, false);

  // Symbols for flagged files, as the App does: read the base files, parse, evaluate again with them.
  if (flagged.size > 0) {
    const symbols = new Map<string, Definition[]>();
    const contents = new Map<string, string>();
    for (const ev of evs) {
      for (const c of ev.conflicts) {
        if (c.strategy !== "PARTITION" || symbols.has(c.file)) continue;
        const lang = languageOf(c.file);
        if (!lang) continue;
        let text: string;
        try {
          text = git("show", `${base}:${c.file}`);
        } catch {
          continue; // not in the base (added on both sides)
        }
        const p0 = performance.now();
        const root = parseLoaded(lang, text);
        parseMs.push(performance.now() - p0);
        if (!root) continue;
        symbols.set(c.file, definitionsOf(root, lang));
        contents.set(c.file, text);
        langs.add(lang);
      }
    }
    if (symbols.size > 0) {
      elapsed += timed(() => {
        evaluate(c1, l1, CONFIG, NOW, { symbols });
        evaluate(c2, l2, CONFIG, NOW, { symbols });
      });
      // Score each conflicting region of each side against the oracle.
      const f1 = new Map(d1.files.flatMap((f) => [[f.path, f] as const, ...(f.previousPath && f.status === "renamed" ? [[f.previousPath, f] as const] : [])]));
      const f2 = new Map(d2.files.flatMap((f) => [[f.path, f] as const, ...(f.previousPath && f.status === "renamed" ? [[f.previousPath, f] as const] : [])]));
      for (const [path, defs] of symbols) {
        const a = f1.get(path);
        const b = f2.get(path);
        if (!a || !b) continue;
        const cmp = compareChanges(rangesOf(a), rangesOf(b));
        const lang = languageOf(path) as string;
        const oracle = oracleDefs(lang, contents.get(path) as string, `${base}:${path}`);
        const regions = [...cmp.mineRegions, ...cmp.theirRegions];
        if (oracle === null || !["python", "javascript", "go"].includes(lang)) {
          sym.unreadable += regions.length;
          continue;
        }
        const per = sym.byLang.get(lang) ?? { regions: 0, pucs: 0, old: 0 };
        for (const r of regions) {
          const truth = oracleEnclosing(oracle, r)?.name ?? null;
          const named = enclosingDefinition(defs, r)?.name ?? null;
          const simple = named === null ? null : (named.split(/\.|::/).pop() as string);
          const old = sectionName(r.section);
          sym.regions++;
          per.regions++;
          if (simple === truth) {
            sym.pucs++;
            per.pucs++;
          } else symbolMisses.push(`${(merge as string).slice(0, 10)} ${path}:${formatRanges([r])} PUCS ${named ?? "-"}, oracle ${truth ?? "-"}`);
          if (old === truth) {
            sym.old++;
            per.old++;
          }
        }
        sym.byLang.set(lang, per);
      }
    }
  }
  engineMs.push(elapsed);
  fastestMs.push(fastest);
  fastest = 0;
  slowest.push({ ms: +elapsed.toFixed(3), merge: (merge as string).slice(0, 10), files: d1.files.length + d2.files.length });
}
slowest.sort((a, b) => b.ms - a.ms);

const ratio = (a: number, b: number) => (b === 0 ? "n/a" : (a / b).toFixed(3));
const pct = (xs: number[], q: number) => {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
};
const result = {
  repository: repo,
  diffAlgorithm: algorithm,
  head,
  merges: { scanned: counts.scanned, replayed: counts.used, crissCrossSkipped: counts.criss, unreadableSkipped: counts.unreadable, withSharedFiles: counts.sharedScenarios },
  sharedFiles: counts.shared,
  gitConflictedFiles: counts.conflicted,
  identicalChangeMerges: counts.duplicates,
  pucs: { ...newRule, recall: ratio(newRule.tp, newRule.tp + newRule.fn), precision: ratio(newRule.tp, newRule.tp + newRule.fp) },
  baseline: { ...oldRule, recall: ratio(oldRule.tp, oldRule.tp + oldRule.fn), precision: ratio(oldRule.tp, oldRule.tp + oldRule.fp) },
  symbols: {
    regions: sym.regions,
    pucs: ratio(sym.pucs, sym.regions),
    baseline: ratio(sym.old, sym.regions),
    unreadableRegions: sym.unreadable,
    byLanguage: Object.fromEntries([...sym.byLang].map(([l, v]) => [l, { regions: v.regions, pucs: ratio(v.pucs, v.regions), baseline: ratio(v.old, v.regions) }])),
  },
  engineMsPerScenario: { median: +pct(engineMs, 0.5).toFixed(3), p95: +pct(engineMs, 0.95).toFixed(3), max: +Math.max(0, ...engineMs).toFixed(3), maxOfFastest: +Math.max(0, ...fastestMs).toFixed(3) },
  treeSitterParseMsPerFile: { median: +pct(parseMs, 0.5).toFixed(2), max: +Math.max(0, ...parseMs).toFixed(2), files: parseMs.length },
  slowestScenarios: slowest.slice(0, 3),
  falseAlarms: falseAlarms.slice(0, 20),
  symbolMismatches: symbolMisses.slice(0, 20),
  misses: misses.slice(0, 20),
};
if (asJson) console.log(JSON.stringify(result, null, 2));
else {
  const r = result;
  console.log(`Conflict prediction against git merge-tree — ${repo} at ${head.slice(0, 12)}, footprints from ${algorithm} diffs`);
  console.log(`merges: ${r.merges.replayed} replayed (${r.merges.scanned} scanned, ${r.merges.crissCrossSkipped} criss-cross and ${r.merges.unreadableSkipped} with missing objects skipped), ${r.merges.withSharedFiles} with files both sides changed`);
  console.log(`files changed on both sides: ${r.sharedFiles}; git conflicts on ${r.gitConflictedFiles}; identical changes recognised: ${r.identicalChangeMerges}`);
  console.log(`            recall  precision   tp   fp   fn`);
  for (const [name, t] of [["PUCS", r.pucs], ["baseline", r.baseline]] as const) {
    console.log(`${name.padEnd(10)}  ${String(t.recall).padStart(6)}  ${String(t.precision).padStart(9)} ${String(t.tp).padStart(4)} ${String(t.fp).padStart(4)} ${String(t.fn).padStart(4)}`);
  }
  console.log(`symbols: ${r.symbols.regions} conflicting regions — PUCS ${r.symbols.pucs}, baseline (hunk header) ${r.symbols.baseline}; ${JSON.stringify(r.symbols.byLanguage)}; ${r.symbols.unreadableRegions} regions in files the oracle cannot read`);
  console.log(`engine per scenario (median of 7 runs): median ${r.engineMsPerScenario.median} ms, p95 ${r.engineMsPerScenario.p95} ms, max ${r.engineMsPerScenario.max} ms (fastest of 7, worst scenario: ${r.engineMsPerScenario.maxOfFastest} ms); tree-sitter parse per file: median ${r.treeSitterParseMsPerFile.median} ms (${r.treeSitterParseMsPerFile.files} files)`);
  console.log(`slowest scenarios: ${r.slowestScenarios.map((x) => `${x.merge} ${x.ms} ms (${x.files} changed files)`).join(", ")}`);
  if (r.misses.length > 0) console.log(`misses: ${r.misses.join(", ")}`);
  if (r.symbolMismatches.length > 0) console.log(`symbol mismatches (first 20): ${r.symbolMismatches.join("; ")}`);
  if (r.falseAlarms.length > 0) console.log(`false alarms (first 20): ${r.falseAlarms.join(", ")}`);
}
