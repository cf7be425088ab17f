/**
 * The I/O half of src/engine/symbols.ts: loads web-tree-sitter and the prebuilt grammars of
 * @vscode/tree-sitter-wasm from node_modules, once per process, and hands the engine a `ParseFn`.
 *
 * Loading is lazy per language (a grammar is compiled the first time a file of its language needs
 * symbols: tens of milliseconds each). Any failure (package missing from a bundle, a wasm that does
 * not load) makes that language unavailable: callers fall back to the diff's own context.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { ParseFn, SymbolLanguage, SyntaxNode } from "../engine/symbols.js";

type TreeSitter = typeof import("web-tree-sitter");

let runtime: Promise<TreeSitter | null> | null = null;
const languages = new Map<SymbolLanguage, Promise<unknown>>();
const loaded = new Map<SymbolLanguage, { parse(text: string): SyntaxNode | null } | null>();

/** The directory of a package's main file (web-tree-sitter does not export its package.json), from node_modules
 *  next to the running code: the same in the sources and in a bundle. */
function resolveDir(pkg: string): string | null {
  try {
    return dirname(createRequire(import.meta.url).resolve(pkg));
  } catch {
    return null;
  }
}

async function loadRuntime(): Promise<TreeSitter | null> {
  try {
    // Without its files on disk (a bundle run without node_modules) there is nothing to load: say nothing, fall back.
    const dir = resolveDir("web-tree-sitter");
    if (!dir) return null;
    const ts: TreeSitter = await import("web-tree-sitter");
    await ts.Parser.init({ locateFile: (name: string) => join(dir, name) });
    return ts;
  } catch {
    return null;
  }
}

/** Loads the grammars of these languages (the rest stay as they are); resolves when they are ready or failed. */
export async function loadLanguages(langs: Iterable<SymbolLanguage>): Promise<void> {
  runtime ??= loadRuntime();
  const ts = await runtime;
  const pending: Promise<unknown>[] = [];
  for (const lang of langs) {
    if (loaded.has(lang)) continue;
    let p = languages.get(lang);
    if (!p) {
      p = (async () => {
        const wasmDir = resolveDir("@vscode/tree-sitter-wasm");
        if (!ts || !wasmDir) {
          loaded.set(lang, null);
          return;
        }
        try {
          const language = await ts.Language.load(join(wasmDir, `tree-sitter-${lang}.wasm`));
          const parser = new ts.Parser();
          parser.setLanguage(language);
          loaded.set(lang, { parse: (text) => (parser.parse(text)?.rootNode as unknown as SyntaxNode | undefined) ?? null });
        } catch {
          loaded.set(lang, null);
        }
      })();
      languages.set(lang, p);
    }
    pending.push(p);
  }
  await Promise.all(pending);
}

/** A ParseFn over the grammars loaded so far (null for a language not loaded or unavailable). */
export const parseLoaded: ParseFn = (lang, text) => loaded.get(lang)?.parse(text) ?? null;
