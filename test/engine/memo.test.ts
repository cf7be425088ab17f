import { describe, expect, it } from "vitest";
import { Lru, deepFreeze } from "../../src/engine/memo.js";

describe("Lru", () => {
  it("forgets the least recently used entry beyond its limit; a get refreshes an entry", () => {
    const m = new Lru<string, number>(2);
    m.set("a", 1);
    m.set("b", 2);
    expect(m.has("a")).toBe(true);
    expect(m.get("a")).toBe(1); // a is now the most recent (has() does not refresh)
    m.set("c", 3); // b goes
    expect([m.get("a"), m.get("b"), m.get("c"), m.size]).toEqual([1, undefined, 3, 2]);
    m.set("a", 10); // overwrite keeps the size
    expect([m.get("a"), m.size]).toEqual([10, 2]);
    m.clear();
    expect(m.size).toBe(0);
  });

  it("refuses a limit below 1", () => {
    expect(() => new Lru(0)).toThrow("an Lru holds at least 1 entry (got 0)");
  });
});

describe("deepFreeze", () => {
  it("freezes nested objects and arrays, so a write throws instead of changing a shared value", () => {
    const v = deepFreeze({ a: [{ b: 1 }], c: { d: "x" }, e: null });
    expect(Object.isFrozen(v.a[0])).toBe(true);
    expect(() => {
      (v.a as { b: number }[]).push({ b: 2 });
    }).toThrow(TypeError);
    expect(() => {
      (v.c as { d: string }).d = "y";
    }).toThrow(TypeError);
    expect(v).toEqual({ a: [{ b: 1 }], c: { d: "x" }, e: null });
  });
});
