/**
 * Fuzz: ledger documents (issue 5 §3 "Bad input"). parseLedger on mutated serialized ledgers
 * either returns a ledger that round-trips through serializeLedger, or throws a LedgerError with
 * code corrupt / foreign / unsupported-version and a clear message naming the source.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import type { Ledger } from "../../src/engine/types.js";
import { LedgerError } from "../../src/ledger/store.js";
import { emptyLedger, parseLedger, serializeLedger } from "../../src/ledger/schema.js";
import { applyAll, applyWrap, expectCleanMessage, mutationArb, params, Timer, wrapArb } from "./helpers.js";

const SEED = 0x1ed6_e5ed;
const SOURCE = "refs/pucs/ledger at 0123abc";
const timer = new Timer();
afterAll(() => console.log(timer.summary("ledger parseLedger")));

const iso = fc.integer({ min: Date.parse("2000-01-01T00:00:00Z"), max: Date.parse("2100-01-01T00:00:00Z") }).map((t) => new Date(t).toISOString());
const str = fc.string({ minLength: 1, maxLength: 12 });
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const strip = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

const lockArb = fc.record({ lease: str, path: str, agent: str, stream: fc.option(fc.string()), task: fc.string(), change: opt(str), acquiredAt: iso, expiresAt: iso }).map(strip);
const intentArb = fc
  .record({ id: str, agent: str, stream: fc.option(fc.string()), files: fc.array(str, { maxLength: 3 }), description: fc.string(), durationMinutes: fc.double({ min: 0.001, max: 1e6, noNaN: true }), signalledAt: iso, expiresAt: iso, change: opt(str) })
  .map(strip);
const rangeArb = fc.record({ start: fc.nat(), end: fc.nat(), section: opt(fc.string()) }).map(strip);
const footprintArb = fc
  .record({
    change: str,
    agent: fc.string(),
    stream: fc.option(fc.string()),
    headSha: fc.string(),
    draft: fc.boolean(),
    title: opt(fc.string()),
    url: opt(fc.string()),
    labels: opt(fc.array(fc.string(), { maxLength: 3 })),
    files: fc.array(fc.record({ path: str, changes: fc.option(fc.array(rangeArb, { maxLength: 3 })) }), { maxLength: 3 }),
    truncated: opt(fc.boolean()),
    recordedAt: iso,
  })
  .map(strip);
const queueArb = fc.record({ path: str, waiters: fc.array(fc.record({ agent: str, change: opt(str), enqueuedAt: iso }).map(strip), { maxLength: 3 }) });
const overrideArb = fc.record({ change: str, by: fc.string(), reason: fc.string(), at: iso, headSha: opt(fc.string()) }).map(strip);

const ledgerArb: fc.Arbitrary<Ledger> = fc.record({
  session: fc.option(fc.record({ id: str, startedAt: iso })),
  locks: fc.array(lockArb, { maxLength: 4 }),
  intents: fc.array(intentArb, { maxLength: 3 }),
  footprints: fc.array(footprintArb, { maxLength: 3 }),
  queues: fc.array(queueArb, { maxLength: 3 }),
  overrides: fc.array(overrideArb, { maxLength: 2 }),
}).map((p) => ({ ...emptyLedger(), ...p }) as Ledger);

/** JSON-level mutations: change one value somewhere (kind, version, types, keys). */
type JsonEdit = { at: number; to: unknown } | { at: number; drop: true } | { at: number; addKey: string; value: unknown };
const jsonValue = fc.oneof(
  fc.constantFrom<unknown>(null, true, 0, -1, 1.5, 2, 1e308, "", "x", "pucs-ledger", "pucs-ledger-v2", [], {}, "2026-13-40T99:99:99Z", "2026-01-02T03:04:05+01:00", "not a date", -0),
  fc.jsonValue({ maxDepth: 2 }),
);
const jsonEditArb: fc.Arbitrary<JsonEdit> = fc.oneof(
  fc.record({ at: fc.nat(), to: jsonValue }),
  fc.record({ at: fc.nat(), drop: fc.constant(true as const) }),
  fc.record({ at: fc.nat(), addKey: fc.constantFrom("extra", "__proto__", "constructor", "kind", "schemaVersion", ""), value: jsonValue }),
);

/** Applies `e` to the at-th node (depth-first) of a JSON value. */
function editJson(doc: unknown, e: JsonEdit): unknown {
  const nodes: { parent: Record<string | number, unknown> | unknown[]; key: string | number; value: unknown }[] = [];
  const walk = (v: unknown, parent: any, key: string | number) => {
    nodes.push({ parent, key, value: v });
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, v, i));
    else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, v, k);
  };
  const root = { doc };
  walk(doc, root, "doc");
  const n = nodes[e.at % nodes.length]!;
  if ("to" in e) (n.parent as any)[n.key] = e.to;
  else if ("drop" in e) {
    if (Array.isArray(n.parent)) n.parent.splice(n.key as number, 1);
    else if (n.parent !== root) delete (n.parent as any)[n.key];
  } else if (n.value && typeof n.value === "object" && !Array.isArray(n.value)) {
    Object.defineProperty(n.value, e.addKey, { value: e.value, enumerable: true, writable: true, configurable: true });
  }
  return root.doc;
}

type Case = { text: string; how: string };
const caseArb: fc.Arbitrary<Case> = fc.oneof(
  { weight: 2, arbitrary: ledgerArb.map((l) => ({ text: serializeLedger(l), how: "valid" })) },
  {
    weight: 4,
    arbitrary: fc.tuple(ledgerArb, fc.array(jsonEditArb, { minLength: 1, maxLength: 3 })).map(([l, es]) => ({
      text: JSON.stringify(es.reduce(editJson, JSON.parse(serializeLedger(l)) as unknown), null, 2),
      how: `json-edit:${es.length}`,
    })),
  },
  {
    weight: 4,
    arbitrary: fc.tuple(ledgerArb, fc.array(mutationArb, { minLength: 1, maxLength: 4 }), wrapArb).map(([l, ms, w]) => ({
      text: applyWrap(applyAll(serializeLedger(l), ms), w),
      how: `text:${ms.map((m) => m.k).join(",")}+${w}`,
    })),
  },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 100 }).map((text) => ({ text, how: "random" })) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => ({ text: JSON.stringify(v), how: "random-json" })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 5000 }).map((d) => ({ text: "[".repeat(d) + "]".repeat(d), how: `deep(${d})` })) },
);

const CODES = ["corrupt", "foreign", "unsupported-version"];

describe("fuzz: parseLedger", () => {
  it("round-trips or throws a LedgerError with a clear message (10,000 cases)", () => {
    let parsed = 0;
    fc.assert(
      fc.property(caseArb, ({ text, how }) => {
        let ledger: Ledger | null = null;
        let error: unknown = null;
        timer.time({ how, text }, () => {
          try {
            ledger = parseLedger(text, SOURCE);
          } catch (e) {
            error = e;
          }
        });
        if (ledger !== null) {
          parsed++;
          const once = serializeLedger(ledger);
          // An untouched canonical document comes back byte for byte.
          if (how === "valid") expect(once).toBe(text);
          const again = parseLedger(once, SOURCE);
          expect(serializeLedger(again), how).toBe(once);
          return;
        }
        expect(error, `${how}: not a LedgerError: ${String(error)}`).toBeInstanceOf(LedgerError);
        const e = error as LedgerError;
        expect(CODES).toContain(e.code);
        expectCleanMessage(e.message, "ledger error");
        expect(e.message.startsWith(`${SOURCE}: `), e.message).toBe(true);
        // A syntax error says where.
        if (e.message.includes("not valid JSON")) expect(e.message).toMatch(/at line \d+, column \d+/);
      }),
      params(SEED),
    );
    expect(parsed, "some cases must parse, or the round-trip half is never checked").toBeGreaterThan(1500);
  });
});
