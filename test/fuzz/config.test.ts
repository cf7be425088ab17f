/**
 * Fuzz: config YAML (issue 5 §3 "Bad input"). parseConfig on arbitrary text and on mutations of the
 * shipped config/pucs_streams.yaml never throws, never hangs, and reports every problem as a
 * positioned issue whose formatted form is `file[:line:col]: error|warning: message`.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { formatIssue, parseConfig } from "../../src/engine/config/index.js";
import type { SourceIssue } from "../../src/engine/types.js";
import { ROOT } from "../cli/helpers.js";
import { applyAll, applyWrap, escapeRegExp, expectCleanMessage, mutationArb, params, preview, Timer, wrapArb, type Mutation } from "./helpers.js";

const SEED = 0x5eed_c0f1;
const FILE = "config/pucs_streams.yaml";
const SHIPPED = readFileSync(join(ROOT, FILE), "utf8");
const FORMAT = new RegExp(`^${escapeRegExp(FILE)}(:\\d+:\\d+)?: (error|warning): `);

const timer = new Timer();
afterAll(() => console.log(timer.summary("config YAML")));

/** A line a user might type into the config: random keys and values, huge numbers, anchors, flow collections. */
const keyArb = fc.oneof(
  fc.constantFrom("streams", "version", "areas", "locks", "merge_gate", "hot_files", "coordinators", "name", "files_pattern", "max_agents", "dependencies", "critical", "default_ttl", "max_ttl", "phases", "block_on", "<<", "? x", "EXEC", "exec", "__proto__", "constructor", "toString", "\"quoted key\"", "1", "null", "~", "&a k", "*a", "!!str t", "- item"),
  fc.string({ maxLength: 12 }),
);
const valueArb = fc.oneof(
  fc.constantFrom(
    "1e309", "-1e309", "99999999999999999999999999", "-0", "0x7fffffffffffffff", ".nan", ".inf", "-.inf", "0o777", "1_000", "4.0", "3.5", "-3",
    "true", "false", "yes", "no", "null", "~", "", "\"\"", "''", "[]", "{}", "[a, b", "{a: 1", "'unterminated", "\"bad \\q escape\"",
    "&x [1, 2]", "*x", "*nope", "!!binary aGk=", "!!js/function 'f'", "!custom x", "|", ">-", "\"execution/**/*.py\"",
    "\"**/**/**/**/**/*\"", "\"{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}\"", "\"+(a|+(b|c))\"", "\"[\"", "\"/etc/passwd\"", "\"../x\"",
    "90s", "45m", "2h", "1h30m", "0", "-5m", "9999999999h", "1e400m", "5 minutes",
  ),
  fc.string({ maxLength: 20 }),
  fc.double().map(String),
  fc.bigInt().map(String),
);
const lineArb = fc
  .tuple(fc.nat({ max: 8 }), keyArb, valueArb)
  .map(([indent, k, v]) => `${" ".repeat(indent)}${k}: ${v}`);

const deepNesting = fc
  .tuple(fc.integer({ min: 1, max: 200 }), fc.constantFrom("[", "{a: ", "- "))
  .map(([d, open]) => {
    if (open === "- ") return Array.from({ length: d }, (_, i) => `${"  ".repeat(i)}- `).join("\n") + "x\n";
    const close = open === "[" ? "]" : "}";
    return `streams: ${open.repeat(d)}x${close.repeat(d)}\n`;
  });

/** Small "billion laughs" (at most ~4,400 leaves: 2^12 or 3^7), which must stay cheap. The big ones are
 *  covered by their own test below (they used to exhaust the heap), and kept out of the property so it stays fast. */
const smallLaughs = fc
  .tuple(fc.integer({ min: 2, max: 3 }), fc.integer({ min: 1, max: 12 }), fc.boolean())
  .map(([fan, levels, underStreams]) => laughs(fan === 2 ? levels : Math.min(levels, 7), fan, underStreams));

function laughs(levels: number, fan: number, underStreams: boolean): string {
  const lines = [`${underStreams ? "  " : ""}l0: &l0 ["lol", "lol"]`];
  for (let i = 1; i < levels; i++) lines.push(`${underStreams ? "  " : ""}l${i}: &l${i} [${Array.from({ length: fan }, () => `*l${i - 1}`).join(", ")}]`);
  return (underStreams ? "streams:\n" : "") + lines.join("\n") + "\n";
}

/** Many aliases: more than the 100 the parser allows. */
const manyAliases = fc.integer({ min: 90, max: 400 }).map((n) => `a: &a x\nb: [${Array.from({ length: n }, () => "*a").join(", ")}]\n`);

interface Case {
  text: string;
  how: string;
}

const textArb: fc.Arbitrary<Case> = fc.oneof(
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 300 }).map((text) => ({ text, how: "random" })) },
  { weight: 1, arbitrary: fc.array(lineArb, { maxLength: 25 }).map((ls) => ({ text: ls.join("\n"), how: "random-lines" })) },
  {
    weight: 6,
    arbitrary: fc
      .tuple(fc.array(mutationArb, { minLength: 1, maxLength: 6 }), fc.array(fc.tuple(fc.nat(), lineArb), { maxLength: 3 }), wrapArb)
      .map(([ms, inserted, wrap]) => {
        const all: Mutation[] = [...ms, ...inserted.map(([at, s]): Mutation => ({ k: "line", at, s }))];
        return { text: applyWrap(applyAll(SHIPPED, all), wrap), how: `shipped+${all.map((m) => m.k).join(",")}+${wrap}` };
      }),
  },
  { weight: 1, arbitrary: wrapArb.map((w) => ({ text: applyWrap(SHIPPED, w), how: `shipped+${w}` })) },
  { weight: 1, arbitrary: deepNesting.map((text) => ({ text, how: "deep" })) },
  { weight: 1, arbitrary: smallLaughs.map((text) => ({ text, how: "laughs" })) },
  { weight: 1, arbitrary: manyAliases.map((text) => ({ text, how: "aliases" })) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 200 }).map((s) => ({ text: `streams:\n  X:\n    name: ${s}\n    files_pattern: ${s}\n`, how: "unicode" })) },
);

function checkIssue(i: SourceIssue, text: string): void {
  expect(i.file).toBe(FILE);
  expect(Number.isInteger(i.line) && i.line >= 0, `line ${i.line}`).toBe(true);
  expect(Number.isInteger(i.col) && i.col >= 0, `col ${i.col}`).toBe(true);
  // A position names a place in the text (YAML line breaks are \r\n, \n and a lone \r; plus one for
  // a position at the very end).
  expect(i.line, `line ${i.line} beyond the text`).toBeLessThanOrEqual(text.split(/\r\n|\r|\n/).length + 1);
  if (i.line > 0) expect(i.col, "a known line has a 1-based column").toBeGreaterThanOrEqual(1);
  expect(["error", "warning"]).toContain(i.severity);
  expectCleanMessage(i.message, "config issue");
  expect(formatIssue(i)).toMatch(FORMAT);
}

describe("fuzz: parseConfig", () => {
  it("never throws or hangs; every issue is positioned, formatted and free of stack text (10,000 cases)", () => {
    fc.assert(
      fc.property(textArb, ({ text, how }) => {
        const r = timer.time({ how, text }, () => parseConfig(text, FILE));
        if (r.ok) {
          expect(r.config.streams.length).toBeGreaterThan(0);
          for (const w of r.warnings) {
            expect(w.severity).toBe("warning");
            checkIssue(w, text);
          }
        } else {
          expect(r.issues.length, `no issue for a refused config (${how})`).toBeGreaterThan(0);
          expect(r.issues.some((i) => i.severity === "error")).toBe(true);
          for (const i of r.issues) checkIssue(i, text);
        }
      }),
      params(SEED),
    );
  });

  it("the shipped config parses cleanly (the mutation base is valid)", () => {
    const r = parseConfig(SHIPPED, FILE);
    expect(r.ok ? r.warnings : r.issues).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it("an alias to an alias-heavy node is bounded (100 aliases max) and reported at its line", () => {
    const r = parseConfig(`a: &a x\nb: [${Array.from({ length: 101 }, () => "*a").join(", ")}]\n`, FILE);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.issues.map(formatIssue)).toContain(`${FILE}:2:${5 + 4 * 100}: error: more than 100 aliases (*name); write the values out`);
  });

  // BUG (src/engine/config/yaml-ast.ts, MAX_ALIASES / toPlain): the parser limits the NUMBER of alias
  // uses to 100 but not what they expand to. Each alias shares its target node, and toPlain()
  // (called by ctx.validate on the root, parse.ts Ctx.validate) expands the DAG into a tree, so
  // 2 aliases per level over L levels make 2^L values from 2·L aliases: 22 levels (42 aliases)
  // take seconds, 29 levels (56 aliases) exhaust the 4 GB heap and kill the process (measured).
  // Expected: refused quickly with an issue ("alias expansion too large"), like the 101-alias case.
  it("a 'billion laughs' document within the 100-alias limit is refused, not expanded", () => {
    // 40 levels would be 2^40 values: expanded, this would never finish (the test would time out).
    const r = parseConfig(laughs(40, 2, false), FILE);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.issues.map((i) => i.message)).toContain("aliases expand to more than 50000 values; write the values out");
  });

  // BUG (minor, src/engine/config/yaml-ast.ts class Lines, ~line 50): positions from event offsets
  // count only "\n" as a line break, while js-yaml (syntax errors) also counts a lone "\r". In a file
  // with old-Mac CR line ends, "version: 1\rstreams: 5\r" is reported at 1:21 instead of 2:10, and
  // a syntax error in the same file at its real line: the two disagree. Found by the property above
  // (the "cr" wrap of the shipped config), then narrowed by hand.
  it("a semantic issue in a CR-only file is reported at its YAML line", () => {
    const r = parseConfig("version: 1\rstreams: 5\r", FILE);
    expect(!r.ok && r.issues.map(formatIssue)).toEqual([`${FILE}:2:10: error: streams: expected a mapping of stream id to stream settings, got 5`]);
  });
});
