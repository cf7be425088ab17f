/**
 * The modules `pucs check`'s fast path loads only when it needs them (a cache miss, a tracer, symbols
 * for a partitioned file), by the key scripts/build.mjs gives each `import()` of the fast path's
 * CommonJS bundle (dist/chunks/check-fast.cjs): a source file's path from the project's root, or a
 * package's name. The bundle is compiled with V8 code cache data through node:vm, where Node 20 cannot
 * run `import()` (a script compiled from cache data loses its import callback), so the build turns each
 * `import(X)` into `__pucsImport(key)`, answered here from dist/cli.js's own module graph (the build
 * makes each of these a chunk). The build fails if the bundle imports a key that is not in this table.
 */
export const LAZY: Record<string, () => Promise<unknown>> = {
  "src/git/ledger-store.ts": () => import("../git/ledger-store.js"),
  "src/engine/config/index.ts": () => import("../engine/config/index.js"),
  "src/ledger/transitions.ts": () => import("../ledger/transitions.js"),
  "web-tree-sitter": () => import("web-tree-sitter"),
  "@opentelemetry/api": () => import("@opentelemetry/api"),
};

/** `import()` for the fast path's bundle: the module of `key`, or a rejection naming it. */
export function lazyImport(key: string): Promise<unknown> {
  const load = Object.prototype.hasOwnProperty.call(LAZY, key) ? LAZY[key] : undefined;
  return load ? load() : Promise.reject(new Error(`pucs: the fast path asked for ${JSON.stringify(key)}, which dist/cli.js does not provide (rebuild with scripts/build.mjs)`));
}
