#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI is bundled by `npm run build` into dist/cli/mediaguard.cjs.
const path = require('node:path');
const fs = require('node:fs');
const bundle = path.join(__dirname, '..', 'dist', 'cli', 'mediaguard.cjs');
if (!fs.existsSync(bundle)) {
  process.stderr.write("mediaguard: the CLI is not built yet. Run 'npm run build' in the project folder first.\n");
  process.exit(1);
}
require(bundle);
