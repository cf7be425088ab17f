/**
 * Enclosing symbols: which function, method or class of a file's BASE version encloses each changed
 * region, from a tree-sitter syntax tree (web-tree-sitter with the grammars of @vscode/tree-sitter-wasm).
 *
 * git's hunk header names the last definition line BEFORE the hunk's first context line: an edit a few
 * lines into `def f2()` is reported as `def f1():`, and an edit near the top names nothing. Here the
 * name comes from the tree itself: the innermost definition whose lines contain the whole region,
 * qualified by its enclosing definitions ("Model.predict"). A region outside every definition, or
 * spanning several, has no symbol (null): never a wrong name.
 *
 * Pure: loading a grammar is I/O and lives in the caller's adapter (src/symbols/loader.ts); the
 * functions here take an already parsed tree (or a `parse` function) and only read it.
 */

import type { Evaluation, FootprintFile, LineRange } from "./types.js";

/** The grammars this module knows how to read definitions from. C files are read with the C++ grammar. */
export type SymbolLanguage = "python" | "typescript" | "tsx" | "javascript" | "go" | "rust" | "java" | "c-sharp" | "cpp" | "ruby";

const BY_EXTENSION: Record<string, SymbolLanguage> = {
  py: "python",
  pyi: "python",
  ts: "typescript",
  mts: "typescript",
  cts: "typescript",
  tsx: "tsx",
  js: "javascript",
  mjs: "javascript",
  cjs: "javascript",
  jsx: "javascript",
  go: "go",
  rs: "rust",
  java: "java",
  cs: "c-sharp",
  c: "cpp",
  h: "cpp",
  cc: "cpp",
  cpp: "cpp",
  cxx: "cpp",
  hh: "cpp",
  hpp: "cpp",
  hxx: "cpp",
  rb: "ruby",
};

/** The grammar for a path, by its extension; null = unknown language (callers fall back to the diff's own context). */
export function languageOf(path: string): SymbolLanguage | null {
  const base = path.slice(path.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  if (dot <= 0) return null;
  return BY_EXTENSION[base.slice(dot + 1).toLowerCase()] ?? null;
}

/** The part of a tree-sitter node this module reads (web-tree-sitter's `Node` fits it). */
export interface SyntaxNode {
  type: string;
  text: string;
  startPosition: { row: number; column: number };
  endPosition: { row: number; column: number };
  namedChildren: (SyntaxNode | null)[];
  childForFieldName(name: string): SyntaxNode | null;
}

/** One definition of the base file: 1-based inclusive lines. */
export interface Definition {
  /** Qualified name: enclosing definitions' names joined with "." ("Model.predict"). */
  name: string;
  kind: "function" | "method" | "class" | "type" | "module";
  start: number;
  end: number;
  /** Nesting depth (0 = top level). */
  depth: number;
}

type Kind = Definition["kind"];

const FUNCTION_VALUES = new Set(["arrow_function", "function_expression", "function", "generator_function", "class", "class_expression"]);

/** The definition a node starts, if any: its kind and bare name. */
function definitionOf(node: SyntaxNode, lang: SymbolLanguage): { kind: Kind; name: string } | null {
  const named = (field = "name"): string | null => node.childForFieldName(field)?.text ?? null;
  const make = (kind: Kind, name: string | null) => (name ? { kind, name } : null);
  switch (lang) {
    case "python":
      if (node.type === "function_definition") return make("function", named());
      if (node.type === "class_definition") return make("class", named());
      return null;
    case "typescript":
    case "tsx":
    case "javascript":
      switch (node.type) {
        case "function_declaration":
        case "generator_function_declaration":
        case "function_signature":
          return make("function", named());
        case "class_declaration":
        case "abstract_class_declaration":
          return make("class", named());
        case "interface_declaration":
        case "enum_declaration":
          return make("type", named());
        case "internal_module":
        case "module":
          return make("module", named());
        case "method_definition":
        case "method_signature":
        case "abstract_method_signature":
          return make("method", named());
        case "variable_declarator": {
          const value = node.childForFieldName("value");
          return value && FUNCTION_VALUES.has(value.type) ? make(value.type.startsWith("class") ? "class" : "function", named()) : null;
        }
        case "public_field_definition":
        case "field_definition": {
          const value = node.childForFieldName("value");
          const name = node.childForFieldName("name") ?? node.childForFieldName("property");
          return value && FUNCTION_VALUES.has(value.type) ? make("method", name?.text ?? null) : null;
        }
        case "assignment_expression": {
          // `res.send = function send(body) {...}`, `exports.x = () => {...}`: named by what it is assigned to.
          const value = node.childForFieldName("right");
          const left = node.childForFieldName("left");
          const name = left && (left.type === "identifier" || left.type === "member_expression") ? left.text.replace(/\s+/g, "") : null;
          return value && FUNCTION_VALUES.has(value.type) ? make(value.type.startsWith("class") ? "class" : "function", name) : null;
        }
        case "pair": {
          const value = node.childForFieldName("value");
          return value && FUNCTION_VALUES.has(value.type) ? make("function", named("key")) : null;
        }
        default:
          return null;
      }
    case "go":
      if (node.type === "function_declaration") return make("function", named());
      if (node.type === "method_declaration") {
        const name = named();
        const receiver = node.childForFieldName("receiver")?.text ?? "";
        const type = /([A-Za-z_][A-Za-z0-9_]*)(?:\[[^\]]*\])?\s*\)\s*$/.exec(receiver)?.[1];
        return make("method", name && type ? `${type}.${name}` : name);
      }
      if (node.type === "type_spec") {
        const t = node.childForFieldName("type")?.type;
        return t === "struct_type" || t === "interface_type" ? make("type", named()) : null;
      }
      return null;
    case "rust":
      switch (node.type) {
        case "function_item":
        case "function_signature_item":
          return make("function", named());
        case "struct_item":
        case "enum_item":
        case "union_item":
          return make("type", named());
        case "trait_item":
          return make("type", named());
        case "mod_item":
          return make("module", named());
        case "impl_item": {
          const type = node.childForFieldName("type")?.text ?? null;
          const trait = node.childForFieldName("trait")?.text;
          return make("type", type && trait ? `<${type} as ${trait}>` : type);
        }
        default:
          return null;
      }
    case "java":
    case "c-sharp":
      switch (node.type) {
        case "class_declaration":
        case "interface_declaration":
        case "enum_declaration":
        case "record_declaration":
        case "struct_declaration":
        case "record_struct_declaration":
        case "annotation_type_declaration":
          return make("class", named());
        case "method_declaration":
        case "constructor_declaration":
        case "destructor_declaration":
        case "compact_constructor_declaration":
        case "local_function_statement":
          return make("method", named());
        default:
          return null;
      }
    case "cpp":
      switch (node.type) {
        case "function_definition":
          return make("function", declaratorName(node.childForFieldName("declarator")));
        case "class_specifier":
        case "struct_specifier":
        case "union_specifier":
        case "enum_specifier":
          return node.childForFieldName("body") ? make("class", named()) : null;
        case "namespace_definition":
          return make("module", named());
        default:
          return null;
      }
    case "ruby":
      switch (node.type) {
        case "method":
          return make("method", named());
        case "singleton_method":
          return make("method", named());
        case "class":
        case "module":
          return make(node.type === "class" ? "class" : "module", named());
        default:
          return null;
      }
  }
}

/** The name a C/C++ function declarator declares: through pointer/reference/function declarators to the identifier. */
function declaratorName(d: SyntaxNode | null): string | null {
  for (let k = 0; d && k < 16; k++) {
    switch (d.type) {
      case "identifier":
      case "field_identifier":
      case "qualified_identifier":
      case "destructor_name":
      case "operator_name":
      case "template_function":
        return d.text;
      default: {
        const inner = d.childForFieldName("declarator");
        if (inner) d = inner;
        else return null;
      }
    }
  }
  return null;
}

/** 1-based first and last line of a node (a node ending at column 0 ends on the line before). */
function linesOf(node: SyntaxNode): { start: number; end: number } {
  const start = node.startPosition.row + 1;
  const end = node.endPosition.column === 0 && node.endPosition.row > node.startPosition.row ? node.endPosition.row : node.endPosition.row + 1;
  return { start, end };
}

/** Node types whose span is the definition's (decorators, export and template wrappers included). */
const WRAPPERS = new Set(["decorated_definition", "export_statement", "template_declaration"]);

/**
 * Every definition of a parsed file, in document order, each with its qualified name. Iterative walk;
 * cost is linear in the tree.
 */
export function definitionsOf(root: SyntaxNode, lang: SymbolLanguage): Definition[] {
  const out: Definition[] = [];
  // Stack of [node, qualified prefix, depth, span override (wrapper's start line)].
  const stack: [SyntaxNode, string, number, number | null][] = [[root, "", 0, null]];
  while (stack.length > 0) {
    const [node, prefix, depth, wrapStart] = stack.pop() as [SyntaxNode, string, number, number | null];
    const def = definitionOf(node, lang);
    let childPrefix = prefix;
    let childDepth = depth;
    if (def) {
      const { start, end } = linesOf(node);
      const name = prefix ? `${prefix}.${def.name}` : def.name;
      const kind: Kind = def.kind === "function" && prefix ? "method" : def.kind;
      out.push({ name, kind, start: wrapStart !== null ? Math.min(wrapStart, start) : start, end, depth });
      childPrefix = name;
      childDepth = depth + 1;
    }
    const passStart = WRAPPERS.has(node.type) ? (wrapStart ?? linesOf(node).start) : null;
    const kids = node.namedChildren;
    for (let k = kids.length - 1; k >= 0; k--) {
      const kid = kids[k];
      if (kid) stack.push([kid, childPrefix, childDepth, passStart]);
    }
  }
  out.sort((a, b) => a.start - b.start || b.end - a.end);
  return out;
}

/**
 * The innermost definition that encloses a region: for lines s..e, one with start <= s and e <= end;
 * for an insertion before line p (the empty range p..p-1), one that contains both line p-1 and line p.
 * Null when no definition encloses the whole region.
 */
export function enclosingDefinition(defs: readonly Definition[], range: LineRange): Definition | null {
  const insertion = range.end < range.start;
  const lo = insertion ? range.start - 1 : range.start;
  const hi = insertion ? range.start : range.end;
  let best: Definition | null = null;
  for (const d of defs) {
    if (d.start > lo) break; // sorted by start
    if (d.end >= hi && (best === null || d.end - d.start <= best.end - best.start)) best = d;
  }
  return best;
}

/** A parser for one language: text → root node, or null when the language is not available. */
export type ParseFn = (lang: SymbolLanguage, text: string) => SyntaxNode | null;

/**
 * The enclosing symbol of each range of one base-side file: the qualified name, or null (outside every
 * definition). Returns null when the file's language is unknown or has no parser: fall back to the
 * diff's own context, never a guessed name.
 */
export function symbolsFor(content: string, path: string, ranges: readonly LineRange[], parse: ParseFn): (string | null)[] | null {
  const lang = languageOf(path);
  if (!lang) return null;
  const root = parse(lang, content);
  if (!root) return null;
  const defs = definitionsOf(root, lang);
  return ranges.map((r) => enclosingDefinition(defs, r)?.name ?? null);
}

/** At most this many files get symbols for one report (the rest keep the hunk-header names). */
export const MAX_SYMBOL_FILES = 20;

/** The files of a report's PARTITION conflicts whose language has a grammar, in report order, at most MAX_SYMBOL_FILES:
 *  the only files whose base text is worth reading. */
export function partitionedFiles(ev: Evaluation): { path: string; lang: SymbolLanguage }[] {
  const out: { path: string; lang: SymbolLanguage }[] = [];
  for (const c of ev.conflicts) {
    if (c.type !== "INTENT_OVERLAP" || c.strategy !== "PARTITION" || out.some((f) => f.path === c.file)) continue;
    const lang = languageOf(c.file);
    if (lang) out.push({ path: c.file, lang });
    if (out.length >= MAX_SYMBOL_FILES) break;
  }
  return out;
}

/**
 * A footprint's files with the enclosing symbol of each region (`LineRange.symbol`) wherever the definitions
 * of its base file are known (`symbols`, keyed by base path: a rename's old path): what the change's own event
 * read, kept so that a later report built from the ledger alone (another change's event refreshing it) can
 * still name functions. Files not in `symbols` are returned as they are (the same objects).
 */
export function nameRegions(files: readonly FootprintFile[], symbols: ReadonlyMap<string, readonly Definition[]>): FootprintFile[] {
  return files.map((f) => {
    const defs = symbols.get(f.previousPath ?? f.path);
    if (!defs || f.changes === null) return f;
    const named = (r: LineRange): LineRange => ({ ...r, symbol: enclosingDefinition(defs, r)?.name ?? null });
    return { ...f, changes: f.changes.map(named), ...(f.alt !== undefined ? { alt: f.alt.map(named) } : {}) };
  });
}
