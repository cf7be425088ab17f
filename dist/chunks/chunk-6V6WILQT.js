import { createRequire as __pucsCreateRequire } from 'node:module'; const require = __pucsCreateRequire(import.meta.url);

// src/cli/check-lazy.ts
var LAZY = {
  "src/git/ledger-store.ts": () => import("./ledger-store-BVOQQM6Y.js"),
  "src/engine/config/index.ts": () => import("./config-SQIE7EEH.js"),
  "src/ledger/transitions.ts": () => import("./transitions-JU7CAMOZ.js"),
  "web-tree-sitter": () => import("./web-tree-sitter-MKDH6W4J.js"),
  "@opentelemetry/api": () => import("./esm-3G3JOTEL.js")
};
function lazyImport(key) {
  const load = Object.prototype.hasOwnProperty.call(LAZY, key) ? LAZY[key] : void 0;
  return load ? load() : Promise.reject(new Error(`pucs: the fast path asked for ${JSON.stringify(key)}, which dist/cli.js does not provide (rebuild with scripts/build.mjs)`));
}

export {
  LAZY,
  lazyImport
};
