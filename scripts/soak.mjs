#!/usr/bin/env node
// `npm run soak`: the robustness suite (tests/unit/robustness) at soak strength — 25 kill -9
// cycles instead of the unit suite's 20 (MEDIAGUARD_SOAK_KILLS overrides; MEDIAGUARD_SOAK_SEED
// replays a kill schedule). Several minutes on a 2-core machine; not part of `npm test`.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env, MEDIAGUARD_SOAK: '1', MEDIAGUARD_SOAK_KILLS: process.env.MEDIAGUARD_SOAK_KILLS ?? '25' };
console.log(`soak: robustness suite with ${env.MEDIAGUARD_SOAK_KILLS} kill cycles${env.MEDIAGUARD_SOAK_SEED ? ` (seed ${env.MEDIAGUARD_SOAK_SEED})` : ''}`);
const r = spawnSync(path.join(root, 'node_modules', '.bin', 'vitest'), ['run', '--project', 'unit', 'tests/unit/robustness', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit', env, shell: process.platform === 'win32' });
process.exit(r.status ?? 1);
