#!/usr/bin/env node
// The README's test command: typecheck, lint, build, then the three test tiers and the
// Electron suite. Prints one closing line "tests: N passed, N failed, N skipped" and exits
// non-zero if anything failed. Skipped suites are named, never hidden.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'test-results');
fs.mkdirSync(out, { recursive: true });
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];
const skippedNotes = [];

function step(name, cmd, args, env = {}) {
  console.log(`\n=== ${name} ===`);
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  const ok = r.status === 0;
  console.log(`--- ${name}: ${ok ? 'ok' : `FAILED (exit ${r.status ?? r.signal})`} in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  if (!ok) failures.push(name);
  return ok;
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** Count a Playwright JSON report's results, noting skip reasons. */
function countPlaywright(report, label) {
  if (!report) return false;
  const walk = (suite) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        const status = t.status; // expected | unexpected | flaky | skipped
        if (status === 'skipped') {
          totals.skipped++;
          const why = (t.annotations ?? []).find((a) => a.type === 'skip')?.description ?? 'no reason given';
          skippedNotes.push(`${label}: ${spec.title} — ${why}`);
        } else if (status === 'expected' || status === 'flaky') totals.passed++;
        else totals.failed++;
      }
    }
    for (const s of suite.suites ?? []) walk(s);
  };
  for (const s of report.suites ?? []) walk(s);
  return true;
}

const quick = process.argv.includes('--quick');

if (fs.existsSync(path.join(root, 'scripts', 'make-fixtures.mjs'))) step('fixtures', process.execPath, ['scripts/make-fixtures.mjs']);
if (!quick) {
  step('typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
  step('lint', bin('eslint'), ['.']);
}
step('build', process.execPath, ['scripts/build.mjs']);

// Unit + renderer tiers (vitest).
const vitestJson = path.join(out, 'vitest.json');
fs.rmSync(vitestJson, { force: true });
step('unit and renderer tests (vitest)', bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`]);
const v = readJson(vitestJson);
if (v) {
  totals.passed += v.numPassedTests ?? 0;
  totals.failed += v.numFailedTests ?? 0;
  totals.skipped += (v.numPendingTests ?? 0) + (v.numTodoTests ?? 0);
  for (const f of v.testResults ?? []) {
    for (const a of f.assertionResults ?? []) {
      if (a.status === 'pending' || a.status === 'skipped' || a.status === 'todo') skippedNotes.push(`vitest: ${a.fullName}`);
    }
  }
} else {
  failures.push('vitest produced no report');
}

// End-to-end tier (Chromium through the test bridge).
const e2eJson = path.join(out, 'e2e.json');
fs.rmSync(e2eJson, { force: true });
step('end-to-end tests (Playwright, Chromium, test bridge)', bin('playwright'), ['test', '-c', 'tests/e2e/playwright.config.ts', '--reporter=list,json'], {
  PLAYWRIGHT_JSON_OUTPUT_NAME: e2eJson,
});
if (!countPlaywright(readJson(e2eJson), 'e2e')) failures.push('e2e produced no report');

// Electron suite: runs where the binary exists, reports itself skipped elsewhere.
const elJson = path.join(out, 'electron.json');
fs.rmSync(elJson, { force: true });
step('Electron suite (Playwright _electron)', bin('playwright'), ['test', '-c', 'tests/electron/playwright.config.ts', '--reporter=list,json'], {
  PLAYWRIGHT_JSON_OUTPUT_NAME: elJson,
});
if (!countPlaywright(readJson(elJson), 'electron')) failures.push('electron suite produced no report');

console.log('\n=== summary ===');
if (skippedNotes.length) {
  console.log('Skipped:');
  for (const n of skippedNotes) console.log(`  - ${n}`);
}
if (failures.length) console.log(`Failed steps: ${failures.join(', ')}`);
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failures.length || totals.failed ? 1 : 0);
