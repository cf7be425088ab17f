import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  canonicalLedger,
  emptyLedger,
  jsonErrorOffset,
  parseLedger,
  serializeLedger,
} from "../../src/ledger/schema.js";
import { LedgerError } from "../../src/ledger/store.js";
import { at, footprint, intent, ledgerWith, lock } from "./fixtures.js";

const SRC = "refs/pucs/ledger at abc1234";
const HINT = "Inspect it with `git show refs/pucs/ledger:ledger.json`.";

function parseError(text: string): LedgerError {
  try {
    parseLedger(text, SRC, HINT);
  } catch (e) {
    expect(e).toBeInstanceOf(LedgerError);
    return e as LedgerError;
  }
  throw new Error("expected parseLedger to throw");
}

describe("emptyLedger", () => {
  it("is a valid, empty version-1 ledger", () => {
    expect(emptyLedger()).toStrictEqual({
      kind: "pucs-ledger",
      schemaVersion: 1,
      session: null,
      locks: [],
      intents: [],
      footprints: [],
      queues: [],
      overrides: [],
      handoffs: [],
      breakers: [],
    });
    expect(parseLedger(serializeLedger(emptyLedger()), SRC)).toStrictEqual(emptyLedger());
  });

  it("returns a fresh object each time", () => {
    const a = emptyLedger();
    a.locks.push(lock({ path: "x", agent: "a" }));
    expect(emptyLedger().locks).toEqual([]);
  });
});

describe("serializeLedger", () => {
  it("writes the canonical text: fixed key order, sorted arrays, FIFO waiters, 2-space indent, trailing newline", () => {
    const l = ledgerWith({
      session: { startedAt: at(0), id: "S1" } as never,
      locks: [
        lock({ path: "src/b.py", agent: "bob", lease: "L2", change: "#2", stream: "EXEC" }),
        lock({ path: "src/a.py", agent: "al", lease: "L9" }),
        lock({ path: "src/a.py", agent: "al", lease: "L1" }),
      ],
      intents: [intent({ id: "i2", agent: "bob" }), intent({ id: "i1", agent: "al" })],
      queues: [
        { path: "z", waiters: [{ agent: "second", enqueuedAt: at(2) }, { agent: "first", enqueuedAt: at(1) }] },
        { path: "a", waiters: [{ agent: "x", change: "#3", enqueuedAt: at(0) }] },
      ],
      overrides: [{ reason: "hotfix", by: "maint", change: "#9", at: at(5) }],
    });
    const text = serializeLedger(l);
    expect(text.endsWith("}\n")).toBe(true);
    const doc = JSON.parse(text);
    expect(Object.keys(doc)).toEqual(["kind", "schemaVersion", "session", "locks", "intents", "footprints", "queues", "overrides", "handoffs", "breakers"]);
    expect(Object.keys(doc.session)).toEqual(["id", "startedAt"]);
    expect(doc.locks.map((k: { path: string; lease: string }) => `${k.path}/${k.lease}`)).toEqual(["src/a.py/L1", "src/a.py/L9", "src/b.py/L2"]);
    expect(Object.keys(doc.locks[2])).toEqual(["lease", "path", "agent", "stream", "task", "change", "acquiredAt", "expiresAt"]);
    expect(Object.keys(doc.locks[0])).toEqual(["lease", "path", "agent", "stream", "task", "acquiredAt", "expiresAt"]);
    expect(doc.intents.map((i: { agent: string }) => i.agent)).toEqual(["al", "bob"]);
    expect(doc.queues.map((q: { path: string }) => q.path)).toEqual(["a", "z"]);
    expect(doc.queues[1].waiters.map((w: { agent: string }) => w.agent)).toEqual(["second", "first"]);
    expect(Object.keys(doc.overrides[0])).toEqual(["change", "by", "reason", "at"]);
    expect(text).toContain('\n  "locks": [\n    {\n      "lease": "L1",\n');
  });

  it("gives the same bytes for the same content in any order", () => {
    const a = ledgerWith({ locks: [lock({ path: "a", agent: "x" }), lock({ path: "b", agent: "y" })] });
    const b = ledgerWith({ locks: [lock({ path: "b", agent: "y" }), lock({ path: "a", agent: "x" })] });
    expect(serializeLedger(a)).toBe(serializeLedger(b));
  });

  it("round-trips a full ledger, and a non-canonical one to its canonical form", () => {
    const l = ledgerWith({
      session: { id: "S", startedAt: at(0) },
      locks: [lock({ path: "b/**", agent: "y", change: "#1" }), lock({ path: "a", agent: "x" })],
      intents: [intent({ id: "i", agent: "x", files: ["z", "a"], change: "#4" })],
      footprints: [
        footprint({ change: "#2", title: "T", files: [{ path: "q", changes: null }, { path: "b", changes: [{ start: 4, end: 3 }] }] }),
        footprint({ change: "#1" }),
      ],
      queues: [{ path: "a", waiters: [{ agent: "w", enqueuedAt: at(1) }] }],
      overrides: [{ change: "#1", by: "m", reason: "r", at: at(2), headSha: "abc" }],
    });
    const back = parseLedger(serializeLedger(l), SRC);
    expect(back).toStrictEqual(canonicalLedger(l));
    expect(back.footprints[1]!.files.map((f) => f.path)).toEqual(["q", "b"]); // entries keep their inner order
    expect(serializeLedger(back)).toBe(serializeLedger(l));
  });
});

describe("footprint fields of issue 15 (optional)", () => {
  it("keeps a rename's old path, each region's hash and enclosing symbol (null = outside every definition), and the histogram alignment's regions", () => {
    const l = ledgerWith({
      footprints: [
        footprint({
          change: "#3",
          files: [{ path: "new.py", previousPath: "old.py", changes: [{ start: 4, end: 5, section: "def f():", hash: "0123456789abcdef", symbol: "Model.fit" }, { start: 9, end: 8, symbol: null }], alt: [{ start: 4, end: 9, hash: "fedcba9876543210" }] }],
        }),
      ],
    });
    const text = serializeLedger(l);
    expect(text).toContain('"path": "new.py",\n          "previousPath": "old.py",\n          "changes"');
    const back = parseLedger(text, SRC);
    expect(back).toStrictEqual(canonicalLedger(l));
    expect(back.footprints[0]!.files[0]!.changes![1]).toStrictEqual({ start: 9, end: 8, symbol: null });
  });

  it("a ledger written before them reads unchanged and writes the same bytes", () => {
    const old = ledgerWith({ footprints: [footprint({ change: "#3", files: [{ path: "a.py", changes: [{ start: 1, end: 2, section: "def g():" }] }] })] });
    const text = serializeLedger(old);
    expect(text).not.toMatch(/previousPath|symbol|alt/);
    expect(serializeLedger(parseLedger(text, SRC))).toBe(text);
  });
});

describe("parseLedger errors", () => {
  it("invalid JSON: corrupt, with the line and column and the hint", () => {
    const e = parseError('{\n  "kind": "pucs-ledger",\n  "locks": [,]\n}\n');
    expect(e.code).toBe("corrupt");
    expect(e.message).toBe(
      `${SRC}: ledger.json is not valid JSON (Unexpected token ',' at line 3, column 13). ${HINT}`,
    );
  });

  it("truncated JSON says where it ends", () => {
    const e = parseError('{\n  "kind": "pucs-ledger",\n');
    expect(e.code).toBe("corrupt");
    expect(e.message).toBe(
      `${SRC}: ledger.json is not valid JSON (Expected double-quoted property name at line 3, column 1: the text ends too early). ${HINT}`,
    );
  });

  it("empty text and non-objects are corrupt", () => {
    expect(parseError("  \n").message).toBe(`${SRC}: ledger.json is empty. ${HINT}`);
    expect(parseError("[]").message).toBe(`${SRC}: ledger.json must be a JSON object, found an array. ${HINT}`);
    expect(parseError("null").message).toBe(`${SRC}: ledger.json must be a JSON object, found null. ${HINT}`);
    expect(parseError("42").code).toBe("corrupt");
  });

  it("another kind, or none: foreign", () => {
    const e = parseError('{"kind":"release-notes","entries":[]}');
    expect(e.code).toBe("foreign");
    expect(e.message).toBe(`${SRC}: ledger.json is not a PUCS ledger ("kind" is "release-notes", expected "pucs-ledger"). ${HINT}`);
    const f = parseError('{"locks":[]}');
    expect(f.code).toBe("foreign");
    expect(f.message).toBe(`${SRC}: ledger.json is not a PUCS ledger (it has no "kind", expected "pucs-ledger"). ${HINT}`);
  });

  it("a newer schemaVersion: unsupported-version, telling to upgrade", () => {
    const e = parseError(JSON.stringify({ ...emptyLedger(), schemaVersion: 2, newField: [] }));
    expect(e.code).toBe("unsupported-version");
    expect(e.message).toBe(
      `${SRC}: ledger.json has schemaVersion 2, but this pucs understands schemaVersion 1 only. ` +
        "Upgrade pucs (e.g. `npm install pucs@latest`) on this machine; the ledger was not changed.",
    );
  });

  it("schemaVersion 0 or a string is a schema violation, not a version problem", () => {
    const e = parseError(JSON.stringify({ ...emptyLedger(), schemaVersion: "1" }));
    expect(e.code).toBe("corrupt");
    expect(e.message).toBe(`${SRC}: ledger.json does not match the ledger schema (schemaVersion: Invalid input: expected 1). ${HINT}`);
  });

  it("schema violations: corrupt, naming each issue's JSON path", () => {
    const bad = {
      ...emptyLedger(),
      locks: [{ ...lock({ path: "a", agent: "b" }), lease: "", acquiredAt: "yesterday", extra: 1 }],
      footprints: [{ ...footprint({ change: "#1" }), files: [{ path: "x", changes: [{ start: -1, end: 2 }] }] }],
    };
    const e = parseError(JSON.stringify(bad));
    expect(e.code).toBe("corrupt");
    expect(e.message).toBe(
      `${SRC}: ledger.json does not match the ledger schema (` +
        "locks[0].lease: must not be empty; " +
        "locks[0].acquiredAt: expected an ISO-8601 UTC time such as 2026-01-02T03:04:05Z; " +
        'locks[0]: Unrecognized key: "extra"; ' +
        "footprints[0].files[0].changes[0].start: Too small: expected number to be >=0" +
        `). ${HINT}`,
    );
  });

  it("lists at most five issues and counts the rest", () => {
    const e = parseError('{"kind":"pucs-ledger","schemaVersion":1}');
    expect(e.message).toBe(
      `${SRC}: ledger.json does not match the ledger schema (session: missing (expected object); locks: missing (expected array); ` +
        `intents: missing (expected array); footprints: missing (expected array); queues: missing (expected array); and 1 more). ${HINT}`,
    );
  });

  it("uses a default hint when none is given", () => {
    expect(() => parseLedger("{", "somewhere")).toThrow(
      "somewhere: ledger.json is not valid JSON (Expected property name or '}' at line 1, column 2: the text ends too early). The ledger was not changed.",
    );
  });
});

describe("jsonErrorOffset", () => {
  it("points at the first bad character", () => {
    expect(jsonErrorOffset('{"a":1,}')).toBe(7);
    expect(jsonErrorOffset("[1,]")).toBe(3);
    expect(jsonErrorOffset("1 2")).toBe(2);
    expect(jsonErrorOffset("01")).toBe(1);
    expect(jsonErrorOffset('"\\x"')).toBe(2);
    expect(jsonErrorOffset('{"a":[1,2,{"b":null,"c":"\\u00e9"}],"d":-1.5e3}')).toBeNull();
  });

  it("agrees with JSON.parse on validity (property)", () => {
    const jsonish = fc.oneof(
      fc.json().map((s) => s),
      fc
        .tuple(fc.json(), fc.nat(), fc.constantFrom("", ",", "}", "]", "{", '"', ":", "\\", "\n", "x", "0", "-"))
        .map(([s, i, c]) => {
          const k = s.length === 0 ? 0 : i % (s.length + 1);
          return s.slice(0, k) + c + s.slice(k + 1);
        }),
    );
    fc.assert(
      fc.property(jsonish, (s) => {
        let valid = true;
        try {
          JSON.parse(s);
        } catch {
          valid = false;
        }
        expect(jsonErrorOffset(s) === null).toBe(valid);
      }),
      { numRuns: 2000 },
    );
  });
});
