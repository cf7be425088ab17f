/**
 * Engine benchmark (issue 2 §7): one 3,000-file change evaluated against a ledger of 1,000 open
 * changes × 20 files and a config of 50 streams × 4 patterns, beside a naive baseline measured in the
 * same run on the same data: every file × every stream pattern (precompiled minimatch) × every claim.
 */
import { Minimatch } from "minimatch";
import { evaluate } from "../src/engine/evaluate.js";
import type { Change, Config, Ledger, StreamConfig } from "../src/engine/types.js";

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface EngineFixture {
  config: Config;
  ledger: Ledger;
  change: Change;
}

export function engineFixture(streams = 50, openChanges = 1000, filesPerChange = 20, changeFiles = 3000): EngineFixture {
  const rand = rng(42);
  const dirs = Array.from({ length: streams }, (_, i) => `pkg${i}`);
  const cfgStreams: StreamConfig[] = dirs.map((d, i) => ({
    id: `S${i}`,
    name: `stream ${i}`,
    patterns: [`${d}/src/**/*.ts`, `${d}/lib/**`, `${d}/test/**/*.test.ts`, `docs/${d}/**/*.md`],
    maxAgents: 1000,
    agentTemplates: [],
    dependsOn: i > 0 && i % 5 === 0 ? [`S${i - 1}`] : [],
    dependsOnAreas: [],
    critical: false,
    criticalFiles: [`${d}/src/core.ts`],
    testPatterns: [],
    coordinators: [],
  }));
  const config: Config = {
    version: 1,
    streams: cfgStreams,
    areas: [],
    locks: { defaultTtlMinutes: 30, maxTtlMinutes: 480, queueGraceMinutes: 15 },
    mergeGate: { pinnedPhases: null, blockOn: "phase", blockOnLocks: true },
    hotFiles: [{ pattern: "package-lock.json", mode: "ignore" }],
    coordinators: [],
  };
  const pathAt = (n: number): string => {
    const d = dirs[n % streams]!;
    const kind = Math.floor(n / streams) % 3;
    const k = Math.floor(n / (streams * 3));
    return kind === 0 ? `${d}/src/mod${k % 40}/file${k}.ts` : kind === 1 ? `${d}/lib/util${k}.js` : `${d}/test/unit/case${k}.test.ts`;
  };
  const universe = 60_000;
  const iso = (ms: number) => new Date(ms).toISOString();
  const now = Date.parse("2026-11-23T20:00:00Z");
  const ledger: Ledger = {
    kind: "pucs-ledger",
    schemaVersion: 1,
    session: null,
    locks: Array.from({ length: 200 }, (_, i) => ({
      lease: `l${i}`,
      path: i % 10 === 0 ? `${dirs[i % streams]}/lib/gen${i}/**` : pathAt(Math.floor(rand() * universe)),
      agent: `agent${i}`,
      stream: `S${i % streams}`,
      task: "t",
      acquiredAt: iso(now - 60_000),
      expiresAt: iso(now + 30 * 60_000),
    })),
    intents: [],
    footprints: Array.from({ length: openChanges }, (_, c) => ({
      change: `#${c + 1}`,
      agent: `dev${c}`,
      stream: `S${c % streams}`,
      headSha: "0".repeat(40),
      draft: false,
      files: Array.from({ length: filesPerChange }, () => {
        const start = 1 + Math.floor(rand() * 400);
        return { path: pathAt(Math.floor(rand() * universe)), changes: [{ start, end: start + Math.floor(rand() * 20), section: "function f()" }] };
      }),
      recordedAt: iso(now),
    })),
    queues: [],
    overrides: [],
  };
  const change: Change = {
    id: "#99999",
    agent: "me",
    files: Array.from({ length: changeFiles }, (_, i) => {
      const start = 1 + Math.floor(rand() * 400);
      return {
        path: pathAt(Math.floor(rand() * universe) + (i % 2)),
        hunks: [{ oldStart: start, oldLines: 5, newStart: start, newLines: 6, section: "function g()", changes: [{ start, end: start + 4, section: "function g()" }] }],
      };
    }),
  };
  return { config, ledger, change };
}

/** The naive loop: every file × every stream pattern × every claim, with precompiled matchers. */
export function naiveEvaluate(fx: EngineFixture): number {
  const patterns = fx.config.streams.flatMap((s) => s.patterns.map((p) => ({ stream: s.id, mm: new Minimatch(p, { dot: true }) })));
  const claims: { path: string; mm: Minimatch | null }[] = [
    ...fx.ledger.locks.map((l) => ({ path: l.path, mm: /[*?[{]/.test(l.path) ? new Minimatch(l.path, { dot: true }) : null })),
    ...fx.ledger.footprints.flatMap((f) => f.files.map((file) => ({ path: file.path, mm: null }))),
  ];
  let hits = 0;
  for (const file of fx.change.files) {
    let owner: string | null = null;
    for (const p of patterns) if (p.mm.match(file.path)) owner ??= p.stream;
    for (const c of claims) if (c.mm ? c.mm.match(file.path) : c.path === file.path) hits++;
    if (owner) hits += 0;
  }
  return hits;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(fn: () => unknown): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

export async function benchEngine(): Promise<{ lines: string[]; medianMs: number; ratio: number }> {
  const fx = engineFixture();
  const now = Date.parse("2026-11-23T20:00:00Z");
  // Each run gets a fresh ledger object, so the per-ledger claim index is rebuilt every time (as for a
  // freshly read ledger on each webhook); the config's pattern index is reused (one config per repo).
  const run = () => evaluate(fx.change, { ...fx.ledger }, fx.config, now);
  for (let i = 0; i < 5; i++) run();
  naiveEvaluate(fx);
  // Interleaved rounds (6 evaluations, then 1 naive loop), so a load that comes and goes on the
  // machine weighs on both sides of the ratio alike.
  const fast: number[] = [];
  const slow: number[] = [];
  for (let round = 0; round < 7; round++) {
    for (let i = 0; i < 6; i++) fast.push(time(run));
    slow.push(time(() => naiveEvaluate(fx)));
  }
  const conflicts = run().conflicts.length;
  const m = median(fast);
  const n = median(slow);
  const ratio = n / m;
  return {
    medianMs: m,
    ratio,
    lines: [
      `engine: evaluate 3,000-file change vs 1,000 open changes x 20 files, 50 streams x 4 patterns (${conflicts} conflicts found)`,
      `  evaluate  median ${m.toFixed(2)} ms  (p90 ${[...fast].sort((a, b) => a - b)[Math.floor(fast.length * 0.9)]!.toFixed(2)} ms, ${fast.length} runs)   target <= 20 ms: ${m <= 20 ? "met" : "MISSED"}`,
      `  naive     median ${n.toFixed(1)} ms  (every file x every pattern x every claim, ${slow.length} runs interleaved)`,
      `  ratio     ${ratio.toFixed(1)}x faster than naive   target >= 50x: ${ratio >= 50 ? "met" : "MISSED"}`,
    ],
  };
}
