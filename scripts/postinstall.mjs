#!/usr/bin/env node
// Optional download of the bundled ffmpeg/ffprobe (ffmpeg-static) for users whose install
// can reach its download host. It never fails the install: MediaGuard falls back to an
// ffmpeg on PATH (or the path in settings / MEDIAGUARD_FFMPEG). Skipped in CI and when
// MEDIAGUARD_SKIP_FFMPEG_DOWNLOAD=1.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (process.env.CI || process.env.MEDIAGUARD_SKIP_FFMPEG_DOWNLOAD === '1') process.exit(0);
const installer = path.join(root, 'node_modules', 'ffmpeg-static', 'install.js');
if (!fs.existsSync(installer)) process.exit(0);
const r = spawnSync(process.execPath, [installer], { cwd: path.dirname(installer), stdio: 'pipe', timeout: 120_000, encoding: 'utf8' });
if (r.status === 0) console.log('mediaguard: bundled ffmpeg installed (ffmpeg-static).');
else console.log('mediaguard: bundled ffmpeg could not be downloaded; an ffmpeg on PATH will be used (see README, "ffmpeg").');
process.exit(0);
