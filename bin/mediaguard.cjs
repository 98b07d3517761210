#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI is bundled by `npm run build` into dist/cli/mediaguard.cjs.
const path = require('node:path');
const fs = require('node:fs');
// `--version` alone is answered here: the bundle loads sharp, onnxruntime and pdfkit up front
// (≈ 2 s on a slow machine, see README "Performance") for a line that lives in package.json.
if (process.argv.length === 3 && ['--version', '-v', 'version'].includes(process.argv[2])) {
  process.stdout.write(`${require('../package.json').version}\n`);
  process.exit(0);
}
const bundle = path.join(__dirname, '..', 'dist', 'cli', 'mediaguard.cjs');
if (!fs.existsSync(bundle)) {
  process.stderr.write("mediaguard: the CLI is not built yet. Run 'npm run build' in the project folder first.\n");
  process.exit(1);
}
require(bundle);
