#!/usr/bin/env node
// `npm start`: build, then launch Electron. Where the Electron binary cannot be had (it
// downloads on first launch), say so in one clear line instead of a stack trace.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const NO_BINARY =
  'MediaGuard: the Electron binary is not installed and could not be downloaded (it is fetched on first launch and needs a network). ' +
  "Run 'npx install-electron' once on a connected machine, or use the command line: 'npx mediaguard --help'.";

function resolveElectron() {
  if (process.env.MEDIAGUARD_ELECTRON) return fs.existsSync(process.env.MEDIAGUARD_ELECTRON) ? process.env.MEDIAGUARD_ELECTRON : null;
  // Resolving 'electron' triggers its first-launch download; run it in a child so a failure is one line, not a trace.
  const probe = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], { cwd: root, encoding: 'utf8', timeout: 300_000 });
  if (probe.status !== 0) return null;
  const exe = probe.stdout.trim();
  return exe && fs.existsSync(exe) ? exe : null;
}

const exe = resolveElectron();
if (!exe) {
  console.error(NO_BINARY);
  process.exit(1);
}
const child = spawn(exe, [root, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
child.on('error', () => {
  console.error(NO_BINARY);
  process.exit(1);
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
