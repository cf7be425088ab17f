#!/usr/bin/env node
// The `pucs` command. A CommonJS file: Node starts it ~10 ms sooner than an ES module (a commit hook runs
// `pucs check` on every commit). dist/pucs.cjs runs a plain check's fast path and loads the bundled CLI
// (dist/cli.js, committed, verified by `npm run check-dist`) for everything else.
require("../dist/pucs.cjs");
