#!/usr/bin/env node
// The `pucs` command. The CLI is bundled into dist/cli.js (committed, verified by `npm run check-dist`).
import "../dist/cli.js";
