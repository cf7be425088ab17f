import { beforeAll, describe, expect, it } from "vitest";
import { definitionsOf, enclosingDefinition, languageOf, nameRegions, partitionedFiles, symbolsFor, type SymbolLanguage } from "../../src/engine/symbols.js";
import { changeOfFootprint } from "../../src/engine/change.js";
import { parseLedger, serializeLedger } from "../../src/ledger/schema.js";
import { loadLanguages, parseLoaded } from "../../src/symbols/loader.js";
import type { Change, Footprint, LineRange } from "../../src/engine/types.js";
import { parsePatch } from "../../src/engine/diff.js";
import { evaluate } from "../../src/engine/evaluate.js";
import { emptyLedgerFixture, iso, seedConfig, T0 } from "./fixtures.js";

const ALL: SymbolLanguage[] = ["python", "typescript", "tsx", "javascript", "go", "rust", "java", "c-sharp", "cpp", "ruby"];

/** The line (1-based) of the first line containing `marker`. */
function lineOf(text: string, marker: string): number {
  const k = text.split("\n").findIndex((l) => l.includes(marker));
  if (k < 0) throw new Error(`no line with ${marker}`);
  return k + 1;
}
const at = (text: string, marker: string): LineRange => ({ start: lineOf(text, marker), end: lineOf(text, marker) });

beforeAll(async () => {
  await loadLanguages(ALL);
});

describe("languageOf", () => {
  it("maps extensions to grammars and unknown ones to null", () => {
    expect(["a.py", "b.ts", "c.tsx", "d.mjs", "e.go", "f.rs", "G.java", "h.cs", "i.c", "j.hpp", "k.rb"].map(languageOf)).toEqual([
      "python", "typescript", "tsx", "javascript", "go", "rust", "java", "c-sharp", "cpp", "cpp", "ruby",
    ]);
    expect(languageOf("README.md")).toBeNull();
    expect(languageOf("Makefile")).toBeNull();
    expect(languageOf(".py")).toBeNull();
  });
});

describe("every grammar loads under this Node", () => {
  it("parses a file of each language", () => {
    for (const lang of ALL) expect(parseLoaded(lang, "x")?.type, lang).toBeTruthy();
  });
});

describe("symbolsFor names the real enclosing definition", () => {
  it("Python: an edit a few lines into the second function names it, not the one before; the top of the file names nothing", () => {
    const py = [
      "import os",
      "",
      "def f1():",
      "    return 1",
      "",
      "class Model:",
      "    @property",
      "    def fit(self):",
      "        x = 1",
      "        y = 2",
      "        return x + y",
      "",
      "    def predict(self, z):",
      "        return z  # predict body",
      "",
      "def f2():",
      "    a = 1",
      "    b = 2  # f2 body",
      "    return a + b",
      "",
    ].join("\n");
    const ranges = [at(py, "import os"), at(py, "y = 2"), at(py, "predict body"), at(py, "f2 body"), at(py, "@property"), { start: lineOf(py, "def f2"), end: lineOf(py, "f2 body") }];
    expect(symbolsFor(py, "m/model.py", ranges, parseLoaded)).toEqual([null, "Model.fit", "Model.predict", "f2", "Model.fit", "f2"]);
    // A region spanning two functions has no single enclosing function: the class, or nothing at top level.
    expect(symbolsFor(py, "m/model.py", [{ start: lineOf(py, "y = 2"), end: lineOf(py, "predict body") }], parseLoaded)).toEqual(["Model"]);
    expect(symbolsFor(py, "m/model.py", [{ start: lineOf(py, "return 1"), end: lineOf(py, "f2 body") }], parseLoaded)).toEqual([null]);
    // An insertion between two lines of a function is inside it; one right after the function's last line is not.
    const afterF1 = lineOf(py, "return 1") + 1;
    expect(symbolsFor(py, "m/model.py", [{ start: afterF1 - 1, end: afterF1 - 2 }, { start: afterF1, end: afterF1 - 1 }], parseLoaded)).toEqual(["f1", null]);
  });

  it("TypeScript/JavaScript: functions, classes, methods, arrow functions bound to names, exported declarations", () => {
    const ts = [
      "export function alpha(a: number): number {",
      "  return a + 1; // alpha body",
      "}",
      "export class Box<T> {",
      "  private items: T[] = [];",
      "  add(item: T): void {",
      "    this.items.push(item); // add body",
      "  }",
      "  handler = (e: string) => {",
      "    console.log(e); // handler body",
      "  };",
      "}",
      "const beta = async (x: string) => {",
      "  return x; // beta body",
      "};",
      "interface Shape {",
      "  area(): number; // shape body",
      "}",
      "",
    ].join("\n");
    const ranges = ["alpha body", "add body", "handler body", "beta body", "shape body", "private items"].map((m) => at(ts, m));
    expect(symbolsFor(ts, "src/a.ts", ranges, parseLoaded)).toEqual(["alpha", "Box.add", "Box.handler", "beta", "Shape.area", "Box"]);
    const js = [
      "module.exports = {",
      "  run: function () {",
      "    go(); // run body",
      "  },",
      "};",
      "function gamma() {",
      "  return 2; // gamma body",
      "}",
      "res.send = function send(body) {",
      "  return body; // send body",
      "};",
      "exports.handler = async (req) => {",
      "  await req; // handler body",
      "};",
      "",
    ].join("\n");
    expect(symbolsFor(js, "lib/x.js", ["run body", "gamma body", "send body", "handler body"].map((m) => at(js, m)), parseLoaded)).toEqual(["run", "gamma", "res.send", "exports.handler"]);
    const tsx = ["export function View() {", "  return <div>hi</div>; // view body", "}", ""].join("\n");
    expect(symbolsFor(tsx, "ui/View.tsx", [at(tsx, "view body")], parseLoaded)).toEqual(["View"]);
  });

  it("Go: functions, methods with their receiver type, struct types", () => {
    const go = [
      "package main",
      "",
      "type Server struct {",
      "\tAddr string // server field",
      "}",
      "",
      "func (s *Server) Start() error {",
      "\treturn nil // start body",
      "}",
      "",
      "func (s Server) Stop() {} // stop body",
      "",
      "func main() {",
      "\tprintln(1) // main body",
      "}",
      "",
    ].join("\n");
    expect(symbolsFor(go, "cmd/main.go", ["server field", "start body", "stop body", "main body", "package main"].map((m) => at(go, m)), parseLoaded)).toEqual([
      "Server",
      "Server.Start",
      "Server.Stop",
      "main",
      null,
    ]);
  });

  it("Rust, Java, C#, C/C++ and Ruby", () => {
    const rs = ["struct P { x: i32 }", "impl P {", "    fn norm(&self) -> i32 {", "        self.x // norm body", "    }", "}", "fn main() {", "    let p = 1; // main body", "}", ""].join("\n");
    expect(symbolsFor(rs, "src/main.rs", ["norm body", "main body"].map((m) => at(rs, m)), parseLoaded)).toEqual(["P.norm", "main"]);
    const java = ["public class Shop {", "  private int n;", "  public Shop() {", "    n = 0; // ctor body", "  }", "  int total(int k) {", "    return n * k; // total body", "  }", "}", ""].join("\n");
    expect(symbolsFor(java, "src/Shop.java", ["ctor body", "total body", "private int n"].map((m) => at(java, m)), parseLoaded)).toEqual(["Shop.Shop", "Shop.total", "Shop"]);
    const cs = ["namespace App {", "  public class Cart {", "    public int Sum(int a) {", "      return a; // sum body", "    }", "  }", "}", ""].join("\n");
    expect(symbolsFor(cs, "App/Cart.cs", [at(cs, "sum body")], parseLoaded)).toEqual(["Cart.Sum"]);
    const c = ["#include <stdio.h>", "static int *helper(int x)", "{", "  return 0; /* helper body */", "}", "int main(void) {", "  return helper(1); /* main body */", "}", ""].join("\n");
    expect(symbolsFor(c, "src/main.c", ["helper body", "main body", "#include"].map((m) => at(c, m)), parseLoaded)).toEqual(["helper", "main", null]);
    const cpp = ["namespace ns {", "class Widget {", " public:", "  void draw() {", "    paint(); // draw body", "  }", "};", "}", "void Widget::resize(int w) {", "  width = w; // resize body", "}", ""].join("\n");
    expect(symbolsFor(cpp, "src/w.cpp", ["draw body", "resize body"].map((m) => at(cpp, m)), parseLoaded)).toEqual(["ns.Widget.draw", "Widget::resize"]);
    const rb = ["module Shop", "  class Cart", "    def total", "      42 # total body", "    end", "    def self.build", "      new # build body", "    end", "  end", "end", ""].join("\n");
    expect(symbolsFor(rb, "lib/cart.rb", ["total body", "build body"].map((m) => at(rb, m)), parseLoaded)).toEqual(["Shop.Cart.total", "Shop.Cart.build"]);
  });

  it("unknown language or no grammar: null, so callers fall back to the diff's context", () => {
    expect(symbolsFor("x = 1\n", "notes.txt", [{ start: 1, end: 1 }], parseLoaded)).toBeNull();
    expect(symbolsFor("def f():\n  pass\n", "a.py", [{ start: 2, end: 2 }], () => null)).toBeNull();
  });
});

describe("enclosingDefinition", () => {
  const defs = [
    { name: "A", kind: "class" as const, start: 1, end: 20, depth: 0 },
    { name: "A.m", kind: "method" as const, start: 3, end: 8, depth: 1 },
    { name: "A.n", kind: "method" as const, start: 10, end: 18, depth: 1 },
    { name: "g", kind: "function" as const, start: 22, end: 30, depth: 0 },
  ];
  it("picks the innermost definition that contains the whole region", () => {
    expect(enclosingDefinition(defs, { start: 4, end: 5 })?.name).toBe("A.m");
    expect(enclosingDefinition(defs, { start: 8, end: 10 })?.name).toBe("A");
    expect(enclosingDefinition(defs, { start: 19, end: 23 })).toBeNull();
    expect(enclosingDefinition(defs, { start: 21, end: 21 })).toBeNull();
    expect(enclosingDefinition(defs, { start: 30, end: 29 })?.name).toBe("g");
    expect(enclosingDefinition(defs, { start: 31, end: 30 })).toBeNull();
  });
  it("definitionsOf returns definitions sorted by start, outer first", () => {
    const py = "class A:\n    def m(self):\n        pass\n";
    const root = parseLoaded("python", py)!;
    expect(definitionsOf(root, "python").map((d) => [d.name, d.kind, d.start, d.end, d.depth])).toEqual([
      ["A", "class", 1, 3, 0],
      ["A.m", "method", 2, 3, 1],
    ]);
  });
});

describe("evaluate: PARTITION advice names real symbols; identical changes are MERGE and news", () => {
  const base = [
    "import os", // 1
    "", // 2
    "class Model:", // 3
    "    def fit(self, x):", // 4
    "        a = x + 1", // 5
    "        b = a * 2", // 6
    "        return b", // 7
    "", // 8
    "    def predict(self, z):", // 9
    "        y = z - 1", // 10
    "        return y", // 11
    "",
  ].join("\n");
  const path = "execution/model.py";
  const config = seedConfig();
  const footprintOf = (change: string, patch: string): Footprint => ({
    change,
    agent: `agent${change}`,
    stream: "EXEC",
    headSha: "a".repeat(40),
    draft: false,
    files: [{ path, changes: parsePatch(patch).hunks.flatMap((h) => h.changes) }],
    recordedAt: iso(T0),
  });
  const changeOf = (patch: string): Change => ({ id: "#20", agent: "me", files: [{ path, status: "modified", hunks: parsePatch(patch).hunks }] });
  const symbols = () => new Map([[path, definitionsOf(parseLoaded("python", base)!, "python")]]);
  // git's hunk header for an edit at line 7 names `def fit(self, x):`; for line 9, still `def fit` (the def line before the context).
  const mineAt6 = "@@ -5,3 +5,3 @@ class Model:\n         a = x + 1\n-        b = a * 2\n+        b = a * 3\n         return b";
  const theirsAt7to9 = "@@ -6,4 +6,4 @@     def fit(self, x):\n         b = a * 2\n-        return b\n+        return b + 0\n \n     def predict(self, z):";
  const theirsAt9 = "@@ -8,3 +8,3 @@     def fit(self, x):\n \n-    def predict(self, z):\n+    def predict(self, z, w=0):\n         y = z - 1";
  const mineAt8 = "@@ -7,2 +7,3 @@     def fit(self, x):\n         return b\n+        # done\n ";

  it("two edits in one function: 'both change `Model.fit`', one should land first", () => {
    const ledger = emptyLedgerFixture({ footprints: [footprintOf("#12", theirsAt7to9)] });
    const ev = evaluate(changeOf(mineAt6), ledger, config, T0, { symbols: symbols() });
    const c = ev.conflicts.find((x) => x.type === "INTENT_OVERLAP")!;
    expect(c.strategy).toBe("PARTITION");
    expect(c.nextStep).toBe(
      "Both change `Model.fit` (this change: line 6; #12: line 7): one should land first — queue behind #12 and rebase onto it, or hand this edit to #12.",
    );
    expect(c.lines).toEqual({ overlapping: [{ start: 6, end: 7 }], mine: ["Model.fit"], theirs: ["Model.fit"] });
  });

  it("edits in two functions that touch: names each side's function and says split by function", () => {
    // No blank line between the two methods, so an edit of fit's last line touches one of predict's first line.
    const base2 = base.replace("        return b\n\n", "        return b\n");
    const defs = new Map([[path, definitionsOf(parseLoaded("python", base2)!, "python")]]);
    const mine = "@@ -6,3 +6,3 @@ class Model:\n         b = a * 2\n-        return b\n+        return b + 1\n     def predict(self, z):";
    const theirs = "@@ -7,3 +7,3 @@     def fit(self, x):\n         return b\n-    def predict(self, z):\n+    def predict(self, z, w=0):\n         y = z - 1";
    const ledger = emptyLedgerFixture({ footprints: [footprintOf("#12", theirs)] });
    const c = evaluate(changeOf(mine), ledger, config, T0, { symbols: defs }).conflicts.find((x) => x.type === "INTENT_OVERLAP")!;
    expect(c.strategy).toBe("PARTITION");
    expect(c.nextStep).toBe("#12 changes `Model.predict` (line 8), this change changes `Model.fit` (line 7): split by function — keep each edit inside its own, or queue behind #12.");
    // Without symbols the hunk headers' sections are used, as before: both wrong here (`class Model:` and `def fit`).
    const plain = evaluate(changeOf(mine), ledger, config, T0).conflicts.find((x) => x.type === "INTENT_OVERLAP")!;
    expect(plain.nextStep).toContain("this change keeps class Model:, #12 keeps def fit(self, x):");
  });

  it("a report refreshed from the ledger alone names the symbols both footprints stored, and never guesses", () => {
    // Each PR's own event read the base file and stored its regions' symbols in its footprint (nameRegions).
    const defs = symbols();
    const named = (fp: Footprint): Footprint => ({ ...fp, files: nameRegions(fp.files, defs) });
    const mine = named(footprintOf("#20", mineAt6));
    const theirs = named(footprintOf("#12", theirsAt7to9));
    expect(mine.files[0]!.changes).toEqual([{ start: 6, end: 6, section: "class Model:", hash: expect.any(String), symbol: "Model.fit" }]);
    const refreshed = (m: Footprint, t: Footprint) => evaluate(changeOfFootprint(m), emptyLedgerFixture({ footprints: [m, t] }), config, T0).conflicts.find((x) => x.type === "INTENT_OVERLAP")!;
    // The same advice the event gave with the base file read (previous test), without reading it.
    expect(refreshed(mine, theirs).nextStep).toBe(
      "Both change `Model.fit` (this change: line 6; #12: line 7): one should land first — queue behind #12 and rebase onto it, or hand this edit to #12.",
    );
    // A region outside every definition is stored as null, and named by its lines.
    const top = named(footprintOf("#12", "@@ -1,2 +1,2 @@\n-import os\n+import sys\n \n"));
    expect(top.files[0]!.changes![0]!.symbol).toBeNull();
    const topMine = named(footprintOf("#20", "@@ -1,2 +1,2 @@\n-import os\n+import re\n \n"));
    const outside = refreshed(topMine, top);
    expect(outside.lines).toEqual({ overlapping: [{ start: 1, end: 1 }], mine: [], theirs: [] });
    expect(outside.nextStep).toMatch(/^#12 changes line 1, this change changes line 1: /);
    // One side without stored symbols (its event read nothing): the hunk headers' sections, not half a guess.
    const plain = refreshed(footprintOf("#20", mineAt6), theirs);
    expect(plain.nextStep).toBe("Partition execution/model.py with #12: this change keeps class Model:, #12 keeps def fit(self, x):; move the overlapping edit (lines 6-7) to one side, or queue behind #12.");
    // Symbols survive the ledger's JSON (an optional field: ledgers without it read as before).
    const back = parseLedger(serializeLedger(emptyLedgerFixture({ footprints: [mine, theirs] })), "test");
    expect(refreshed(back.footprints.find((f) => f.change === "#20")!, back.footprints.find((f) => f.change === "#12")!).lines).toEqual({
      overlapping: [{ start: 6, end: 7 }],
      mine: ["Model.fit"],
      theirs: ["Model.fit"],
    });
  });

  it("a file in a language without a grammar keeps the diff's own context (the hunk header's section), never a name", () => {
    const txt = "docs/model.txt";
    expect(languageOf(txt)).toBeNull();
    expect(partitionedFiles({ change: "#20", stream: null, streamSource: "none", files: [], verdict: "needs-decision", suggestions: [], conflicts: [{ type: "INTENT_OVERLAP", strategy: "PARTITION", file: txt, holder: "x", holderStream: null, details: "", nextStep: "" }] } as never)).toEqual([]);
    const theirs: Footprint = { ...footprintOf("#12", theirsAt7to9), files: [{ path: txt, changes: parsePatch(theirsAt7to9).hunks.flatMap((h) => h.changes) }] };
    const mine: Change = { id: "#20", agent: "me", files: [{ path: txt, status: "modified", hunks: parsePatch(mineAt6).hunks }] };
    // Even handed definitions of another file, or none, the advice names the hunk headers' sections.
    const c = evaluate(mine, emptyLedgerFixture({ footprints: [theirs] }), config, T0, { symbols: symbols() }).conflicts.find((x) => x.type === "INTENT_OVERLAP")!;
    expect(c.nextStep).toBe("Partition docs/model.txt with #12: this change keeps class Model:, #12 keeps def fit(self, x):; move the overlapping edit (lines 6-7) to one side, or queue behind #12.");
    expect(nameRegions(theirs.files, symbols())).toEqual(theirs.files);
  });

  it("the identical change in another PR is MERGE, and says who already makes it", () => {
    const ledger = emptyLedgerFixture({ footprints: [footprintOf("#12", mineAt6)] });
    const ev = evaluate(changeOf(mineAt6), ledger, config, T0, { symbols: symbols() });
    const c = ev.conflicts.find((x) => x.type === "INTENT_OVERLAP")!;
    expect(c.strategy).toBe("MERGE");
    expect(c.details).toBe("#12 (EXEC) already makes this exact change to line 6 of execution/model.py; any other lines are disjoint.");
    expect(c.nextStep).toContain("Duplicate work");
    expect(ev.verdict).not.toBe("needs-decision");
    // One character of whitespace more on one side: git conflicts, so PARTITION.
    const ws = evaluate(changeOf(mineAt6.replace("a * 3", "a * 3 ")), ledger, config, T0).conflicts.find((x) => x.type === "INTENT_OVERLAP")!;
    expect(ws.strategy).toBe("PARTITION");
  });
});
