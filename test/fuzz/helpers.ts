/**
 * Shared pieces of the fuzz suites (not a test file itself): fixed seeds, per-case timing, the
 * "clear message" check and a few text mutators.
 */
import fc from "fast-check";
import { expect } from "vitest";

/**
 * Per-case limit on this process's CPU time: a case that burns more counts as unbounded work. CPU
 * time, not wall time, so that other processes busy on the same cores (parallel test files, a slow
 * machine) do not fail a case that did nothing wrong: a wall-clock limit here failed `pucs check`
 * at 1.47 s while three test files ran at once.
 */
export const CASE_LIMIT_MS = 1_000;
/** Wall-clock backstop for a case that waits forever (on a child process, say) instead of working. */
export const CASE_WALL_LIMIT_MS = 30_000;

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** fast-check parameters: fixed seed (reproducible in CI), at least `numRuns` cases. On failure
 *  fast-check prints the seed and the shrink path (`{ seed, path, endOnFailure: true }`) to re-run it. */
export function params(seed: number, numRuns = 10_000): fc.Parameters<unknown> {
  return { seed, numRuns, endOnFailure: false };
}

/** Tracks the slowest case of a suite; `time` runs one case and fails it when it took too long. */
export class Timer {
  max = 0;
  maxInput: unknown = undefined;
  cases = 0;
  total = 0;

  time<T>(input: unknown, fn: () => T): T {
    const t0 = performance.now();
    const c0 = cpuMs();
    const r = fn();
    this.record(input, cpuMs() - c0, performance.now() - t0);
    return r;
  }

  async timeAsync<T>(input: unknown, fn: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    const c0 = cpuMs();
    const r = await fn();
    this.record(input, cpuMs() - c0, performance.now() - t0);
    return r;
  }

  /** `cpu`: this process's CPU time for the case; `wall`: its elapsed time. `max` is the CPU figure. */
  private record(input: unknown, cpu: number, wall: number): void {
    this.cases++;
    this.total += cpu;
    if (cpu > this.max) {
      this.max = cpu;
      this.maxInput = input;
    }
    if (cpu >= CASE_LIMIT_MS) {
      throw new Error(`case used ${cpu.toFixed(1)} ms of CPU (limit ${CASE_LIMIT_MS} ms): unbounded work on ${preview(input)}`);
    }
    if (wall >= CASE_WALL_LIMIT_MS) {
      throw new Error(`case took ${wall.toFixed(0)} ms (limit ${CASE_WALL_LIMIT_MS} ms): a hang on ${preview(input)}`);
    }
  }

  summary(name: string): string {
    return `[fuzz] ${name}: ${this.cases} cases, max ${this.max.toFixed(1)} ms of CPU per case (mean ${(this.total / Math.max(1, this.cases)).toFixed(2)} ms), slowest input ${preview(this.maxInput)}`;
  }
}

export function preview(v: unknown, max = 160): string {
  const s = typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v, (_k, x) => (typeof x === "string" && x.length > max ? `${x.slice(0, max)}…(${x.length} chars)` : x));
  if (s === undefined) return String(v);
  return s.length > max * 2 ? `${s.slice(0, max * 2)}…(${s.length} chars)` : s;
}

/** Text a user may see: non-empty, and no stack trace or raw JS error class. */
export const STACK_TEXT = /\n\s+at |^\s*at \S+ \(|\b(?:TypeError|RangeError|ReferenceError|SyntaxError|InternalError)\b|node:internal|\.ts:\d+:\d+\)|Cannot read propert|is not a function|undefined is not|\[object Object\]/;

export function expectCleanMessage(msg: unknown, what: string): void {
  expect(typeof msg, `${what}: message type`).toBe("string");
  const s = msg as string;
  expect(s.trim().length, `${what}: empty message`).toBeGreaterThan(0);
  expect(STACK_TEXT.test(s), `${what}: stack trace or raw JS error text in ${JSON.stringify(s.slice(0, 400))}`).toBe(false);
}

// ---------------------------------------------------------------------------------------------
// Text mutations
// ---------------------------------------------------------------------------------------------

export type Mutation =
  | { k: "flip"; at: number; ch: string }
  | { k: "delete-char"; at: number }
  | { k: "insert"; at: number; s: string }
  | { k: "del-line"; at: number }
  | { k: "dup-line"; at: number }
  | { k: "swap-lines"; at: number; to: number }
  | { k: "indent"; at: number; by: number }
  | { k: "truncate"; at: number }
  | { k: "line"; at: number; s: string };

/** Characters that tend to matter to YAML, JSON, diffs and globs, plus control and non-ASCII ones. */
export const SPICY = [
  ..."{}[]:,-#&*!|>'\"%@`?\\/+ \t\r\n\u0000\ufeff\u2028é日😀0123456789.eE",
];

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ k: fc.constant("flip" as const), at: fc.nat(), ch: fc.oneof(fc.constantFrom(...SPICY), fc.string({ unit: "binary", minLength: 1, maxLength: 1 })) }),
  fc.record({ k: fc.constant("delete-char" as const), at: fc.nat() }),
  fc.record({ k: fc.constant("insert" as const), at: fc.nat(), s: fc.oneof(fc.constantFrom(...SPICY), fc.string({ unit: "binary", maxLength: 8 })) }),
  fc.record({ k: fc.constant("del-line" as const), at: fc.nat() }),
  fc.record({ k: fc.constant("dup-line" as const), at: fc.nat() }),
  fc.record({ k: fc.constant("swap-lines" as const), at: fc.nat(), to: fc.nat() }),
  fc.record({ k: fc.constant("indent" as const), at: fc.nat(), by: fc.integer({ min: -4, max: 4 }) }),
  fc.record({ k: fc.constant("truncate" as const), at: fc.nat() }),
);

export function applyMutation(text: string, m: Mutation): string {
  const n = text.length;
  switch (m.k) {
    case "flip": {
      if (n === 0) return m.ch;
      const i = m.at % n;
      return text.slice(0, i) + m.ch + text.slice(i + 1);
    }
    case "delete-char": {
      if (n === 0) return text;
      const i = m.at % n;
      return text.slice(0, i) + text.slice(i + 1);
    }
    case "insert": {
      const i = m.at % (n + 1);
      return text.slice(0, i) + m.s + text.slice(i);
    }
    case "truncate":
      return text.slice(0, m.at % (n + 1));
    default: {
      const lines = text.split("\n");
      const i = m.at % lines.length;
      if (m.k === "del-line") lines.splice(i, 1);
      else if (m.k === "dup-line") lines.splice(i, 0, lines[i]!);
      else if (m.k === "swap-lines") {
        const j = m.to % lines.length;
        [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      } else if (m.k === "indent") {
        const l = lines[i]!;
        lines[i] = m.by >= 0 ? " ".repeat(m.by) + l : l.replace(new RegExp(`^ {0,${-m.by}}`), "");
      } else if (m.k === "line") lines.splice(i, 0, m.s);
      return lines.join("\n");
    }
  }
}

export function applyAll(text: string, ms: readonly Mutation[]): string {
  return ms.reduce(applyMutation, text);
}

/** Whole-text transformations: CRLF line ends, a BOM, tabs for indentation. */
export const wrapArb = fc.constantFrom("none", "crlf", "bom", "tabs", "cr", "nul-end");
export function applyWrap(text: string, w: string): string {
  switch (w) {
    case "crlf":
      return text.replace(/\n/g, "\r\n");
    case "bom":
      return "\ufeff" + text;
    case "tabs":
      return text.replace(/^( {2})+/gm, (s) => "\t".repeat(s.length / 2));
    case "cr":
      return text.replace(/\n/g, "\r");
    case "nul-end":
      return text + "\u0000";
    default:
      return text;
  }
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
