/**
 * CLI start-up: a command that never decodes media, runs a model or writes a PDF must not
 * load sharp, onnxruntime-node, pdfkit, fontkit or libheif-js (≈ 0.4 s before the first line; README
 * "Performance"). The CLI is built as shipped (scripts/build.mjs, into a private folder) and
 * run in child processes preloaded with a probe that lists the packages each one loaded.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const PROBE = path.join(__dirname, 'fixtures', 'package-probe.cjs');
const HEAVY = ['sharp', 'onnxruntime-node', 'pdfkit', 'fontkit', 'libheif-js'];
const PW = 'correct-horse-42';

let buildDir = '';
let dataDir = '';
let n = 0;

/** Run the built CLI (or `node -e code`) under the probe; the packages it loaded, and its output. */
function probed(args: string[], env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string; loaded: string[] } {
  const out = path.join(buildDir, `probe-${n++}.txt`);
  const r = spawnSync(process.execPath, ['-r', PROBE, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, MG_PACKAGE_PROBE_OUT: out, MEDIAGUARD_PASSWORD: '', MEDIAGUARD_NEW_PASSWORD: '', ...env },
    timeout: 60_000,
  });
  const loaded = fs.existsSync(out) ? fs.readFileSync(out, 'utf8').split('\n').filter(Boolean) : [];
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, loaded };
}
const cli = (args: string[], env: Record<string, string> = {}) => probed([path.join(buildDir, 'cli', 'mediaguard.cjs'), ...args, '--data-dir', dataDir], env);
const heavyIn = (loaded: string[]) => HEAVY.filter((p) => loaded.includes(p));

beforeAll(() => {
  // Inside the project (tests/.artifacts is ignored) so that the bundle's external requires
  // resolve node_modules exactly as dist/cli does.
  const base = path.join(ROOT, 'tests', '.artifacts');
  fs.mkdirSync(base, { recursive: true });
  buildDir = fs.mkdtempSync(path.join(base, 'cli-lazy-'));
  dataDir = path.join(buildDir, 'data');
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs'), 'cli'], { cwd: ROOT, env: { ...process.env, MEDIAGUARD_BUILD_OUT: buildDir }, stdio: 'pipe' });
}, 120_000);

afterAll(() => {
  if (buildDir) fs.rmSync(buildDir, { recursive: true, force: true });
});

describe('CLI start-up loads only what the command needs', () => {
  it('the probe sees a package that is loaded (control)', () => {
    const r = probed(['-e', "require('sharp')"]);
    expect(r.code).toBe(0);
    expect(r.loaded).toContain('sharp');
  });

  it('--help and a command --help load no engine, store or native package', () => {
    for (const args of [['--help'], ['users', '--help'], ['analyze', '--help']]) {
      const r = probed([path.join(buildDir, 'cli', 'mediaguard.cjs'), ...args]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/Usage: mediaguard/);
      expect(heavyIn(r.loaded), args.join(' ')).toEqual([]);
      expect(r.loaded.filter((p) => p.includes('nedb')), args.join(' ')).toEqual([]);
    }
  });

  it('users create-admin, users list and audit verify open the store but load no native package', () => {
    const made = cli(['users', 'create-admin', 'root'], { MEDIAGUARD_NEW_PASSWORD: PW });
    expect(made.code, made.stderr).toBe(0);
    expect(heavyIn(made.loaded)).toEqual([]);
    expect(made.loaded).toContain('nedb-promises');

    const list = cli(['users', 'list', '--as', 'root'], { MEDIAGUARD_PASSWORD: PW });
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^root\s+admin/m);
    expect(heavyIn(list.loaded)).toEqual([]);

    const verify = cli(['audit', 'verify', '--as', 'root'], { MEDIAGUARD_PASSWORD: PW });
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/Audit log intact/);
    expect(heavyIn(verify.loaded)).toEqual([]);

    const exported = path.join(buildDir, 'audit.jsonl');
    const ex = cli(['audit', 'export', '--out', exported, '--as', 'root'], { MEDIAGUARD_PASSWORD: PW });
    expect(ex.code, ex.stderr).toBe(0);
    const file = cli(['audit', 'verify', '--file', exported]);
    expect(file.code, file.stderr).toBe(0);
    expect(heavyIn(file.loaded)).toEqual([]);
    expect(file.loaded.filter((p) => p.includes('nedb'))).toEqual([]);
  });
});
