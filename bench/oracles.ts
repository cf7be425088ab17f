/**
 * Independent oracles for the accuracy benchmark's symbol check: the enclosing definition of a line
 * range, found WITHOUT tree-sitter and without src/engine/symbols.ts, so the benchmark compares two
 * methods rather than one method with itself.
 *
 *   Python      CPython's own `ast` module (FunctionDef, AsyncFunctionDef, ClassDef; decorators count)
 *   JavaScript  acorn (ESTree): function and class declarations, methods, and functions or classes
 *               bound to a name (variable, assignment `a.b = function`, object property)
 *   Go          gofmt's layout: `func` and `type X struct|interface {` at column 0, closed by the first
 *               `}` at column 0 (every Go file in the benchmark's repository is gofmt-formatted)
 *
 * Each returns definitions as { name: simple name, start, end } with 1-based inclusive lines, or null
 * when the file cannot be read (syntax the oracle does not know): such files are left out of the
 * symbol figures and counted.
 */
import { spawnSync } from "node:child_process";
import * as acorn from "acorn";

export interface OracleDef {
  name: string;
  start: number;
  end: number;
}

const PY = `
import ast, json, sys
src = sys.stdin.read()
try:
    tree = ast.parse(src)
except Exception:
    print("null"); sys.exit(0)
out = []
for node in ast.walk(tree):
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        start = min([node.lineno] + [d.lineno for d in node.decorator_list])
        out.append({"name": node.name, "start": start, "end": node.end_lineno})
print(json.dumps(out))
`;

export function pythonDefs(content: string): OracleDef[] | null {
  const r = spawnSync("python3", ["-c", PY], { input: content, encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as OracleDef[] | null;
}

export function goDefs(content: string): OracleDef[] {
  const lines = content.split("\n");
  const out: OracleDef[] = [];
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k] as string;
    let name: string | null = null;
    const fn = /^func\s+(?:\([^)]*?\b([A-Za-z_]\w*)(?:\[[^\]]*\])?\)\s*)?([A-Za-z_]\w*)/.exec(line);
    if (fn) name = fn[2] as string;
    const ty = /^type\s+([A-Za-z_]\w*)(?:\[[^\]]*\])?\s+(?:struct|interface)\s*\{/.exec(line);
    if (ty) name = ty[1] as string;
    if (!name) continue;
    let end = k;
    if (!/\}\s*(\/\/.*)?$/.test(line) || /\{\s*$/.test(line)) {
      end = lines.findIndex((l, j) => j > k && /^\}/.test(l));
      if (end < 0) end = lines.length - 1;
    }
    out.push({ name, start: k + 1, end: end + 1 });
  }
  return out;
}

type Node = acorn.Node & Record<string, unknown>;

export function javascriptDefs(content: string): OracleDef[] | null {
  let ast: acorn.Node;
  const opts = { ecmaVersion: "latest" as const, locations: true, allowHashBang: true, allowReturnOutsideFunction: true, allowAwaitOutsideFunction: true };
  try {
    ast = acorn.parse(content, { ...opts, sourceType: "module" });
  } catch {
    try {
      ast = acorn.parse(content, { ...opts, sourceType: "script" });
    } catch {
      return null;
    }
  }
  const out: OracleDef[] = [];
  const isFn = (n: unknown): boolean =>
    !!n && typeof n === "object" && ["FunctionExpression", "ArrowFunctionExpression", "ClassExpression"].includes((n as Node).type);
  const keyName = (k: unknown): string | null => {
    const n = k as Node | null;
    if (!n) return null;
    if (n.type === "Identifier" || n.type === "PrivateIdentifier") return n.name as string;
    if (n.type === "Literal") return String(n.value);
    if (n.type === "MemberExpression") return keyName(n.property);
    return null;
  };
  const push = (name: string | null, span: Node, from: Node = span) => {
    if (name) out.push({ name, start: from.loc!.start.line, end: span.loc!.end.line });
  };
  const visit = (n: unknown): void => {
    if (!n || typeof n !== "object") return;
    if (Array.isArray(n)) {
      for (const x of n) visit(x);
      return;
    }
    const node = n as Node;
    if (typeof node.type !== "string") return;
    switch (node.type) {
      case "FunctionDeclaration":
      case "ClassDeclaration":
        push(keyName(node.id), node);
        break;
      case "MethodDefinition":
      case "PropertyDefinition":
        if (node.type === "MethodDefinition" || isFn(node.value)) push(keyName(node.key), node);
        break;
      case "VariableDeclarator":
        if (isFn(node.init)) push(keyName(node.id), node.init as Node, node);
        break;
      case "AssignmentExpression":
        if (isFn(node.right)) push(keyName(node.left), node.right as Node, node);
        break;
      case "Property":
        if (isFn(node.value)) push(keyName(node.key), node);
        break;
    }
    for (const [k, v] of Object.entries(node)) if (k !== "loc" && v && typeof v === "object") visit(v);
  };
  visit(ast);
  return out;
}

/** The innermost oracle definition containing lines s..e (an insertion before p: lines p-1 and p). */
export function oracleEnclosing(defs: readonly OracleDef[], range: { start: number; end: number }): OracleDef | null {
  const insertion = range.end < range.start;
  const lo = insertion ? range.start - 1 : range.start;
  const hi = insertion ? range.start : range.end;
  let best: OracleDef | null = null;
  for (const d of defs) if (d.start <= lo && d.end >= hi && (!best || d.end - d.start < best.end - best.start)) best = d;
  return best;
}

/** The identifier a hunk header's section names (the old method): `def fit(self):` → fit. Null when none. */
export function sectionName(section: string | undefined): string | null {
  if (!section) return null;
  const kw = /\b(?:def|class|function\*?|func|fn|module|struct|interface|type|impl)\s+(?:\([^)]*\)\s*)?([A-Za-z_$][\w$]*)/.exec(section);
  if (kw) return kw[1] as string;
  const assigned = /([A-Za-z_$][\w$]*)\s*[:=]\s*(?:async\s+)?(?:function\b|\()/.exec(section);
  if (assigned) return assigned[1] as string;
  const call = /([A-Za-z_$][\w$]*)\s*\(/.exec(section);
  return call ? (call[1] as string) : null;
}
