/**
 * The store at scale and start-up: history list / search / filter over 10,000 records,
 * audit verify over 100,000 entries (baseline: reading the same log file and hashing its
 * bytes once), CLI start-up (`--version`, `--help`, `models list`), and the first model load
 * (hash check + ONNX session).
 * The 10,000-record data dir is built once through the real repository and cached.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { entryHash, GENESIS_HASH } from '../src-main/core/audit/chain';
import { openCore, type Core } from '../src-main/core/core';
import { createLogger } from '../src-main/core/log/logger';
import type { AuditEntry } from '../src-shared/domain/audit';
import { makeDetection } from '../tests/helpers/detections';
import { signIn } from '../tests/helpers/core';
import type { BenchContext } from './types';

type Ctx = Pick<BenchContext, 'root' | 'cacheDir' | 'quick' | 'log' | 'time'>;

const quiet = () => createLogger('bench', { level: 'error', sink: () => undefined });
const open = (dataDir: string) => openCore({ dataDir, appVersion: '0.0.0-bench', log: quiet(), bcryptCost: 4, compactEveryMs: null, bundledModels: false });

/** A data dir with n history records (built once through detections.insert, then cached). */
async function historyDir(ctx: Ctx, n: number): Promise<string> {
  const dir = path.join(ctx.cacheDir, `store-${n}`);
  if (fs.existsSync(path.join(dir, '.complete'))) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  ctx.log(`building a store of ${n} records (once; cached in ${path.relative(ctx.root, dir)})`);
  const core = await open(dir);
  const users = [await signIn(core, 'admin', 'b-admin'), await signIn(core, 'user', 'b-user'), await signIn(core, 'investigator', 'b-inv')];
  const bands = ['authentic', 'inconclusive', 'manipulated'] as const;
  for (let i = 0; i < n; i++) {
    const u = users[i % 3]!;
    await core.detections.insert(
      makeDetection({ ownerId: u.userId, ownerName: u.username, band: bands[i % 3], probability: (i % 100) / 100, kind: i % 4 ? 'image' : 'video', createdAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(), file: { ...makeDetection().file, name: `case-${i % 97}-evidence-${i}.jpg` } }),
    );
  }
  await core.close();
  fs.writeFileSync(path.join(dir, '.complete'), '');
  return dir;
}

/** A data dir whose audit log holds n chained entries (written directly: 100,000 fsyncs would take minutes). */
function auditDir(ctx: Ctx, n: number): string {
  const dir = path.join(ctx.cacheDir, `audit-${n}`);
  if (fs.existsSync(path.join(dir, '.complete'))) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'db'), { recursive: true });
  const lines: string[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const base = { seq, time: new Date(Date.UTC(2026, 0, 1) + seq * 1000).toISOString(), actorId: 'u1', actorName: 'analyst', action: 'record.viewed' as const, target: crypto.randomUUID(), details: { i: seq }, prevHash: prev };
    const e: AuditEntry = { ...base, hash: entryHash(base) };
    lines.push(JSON.stringify(e));
    prev = e.hash;
  }
  fs.writeFileSync(path.join(dir, 'db', 'activity_logs.jsonl'), lines.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'db', 'activity_logs.head.json'), JSON.stringify({ seq: n, hash: prev }));
  fs.writeFileSync(path.join(dir, '.complete'), '');
  return dir;
}

export default {
  name: 'store',
  description: 'history over 10,000 records, audit verify over 100,000 entries, start-up',
  async run(ctx: Ctx) {
    const figures: { figure: string; value: number; unit: string; detail?: string; compareTo?: string }[] = [];
    const n = ctx.quick ? 2000 : 10_000;
    const hd = await historyDir(ctx, n);
    const openT = await ctx.time(async () => (await open(hd)).close(), { runs: 1 });
    figures.push({ figure: `open a store of ${n} records`, value: openT.medianMs, unit: 'ms', detail: 'lock, load index rows, recover, migrations' });
    const core: Core = await open(hd);
    try {
      const admin = await core.auth.loginSession('b', 'admin1', 'correct-horse-42', 'test');
      const user = await core.auth.loginSession('u', 'user1', 'correct-horse-42', 'test');
      const q = async (label: string, query: Parameters<Core['detections']['list']>[0], scope = admin) => {
        const r = await ctx.time(() => core.detections.list({ limit: 50, ...query }, scope), { runs: 5 });
        figures.push({ figure: `history: ${label}`, value: r.medianMs, unit: 'ms', detail: `${r.result.total} matching of ${n}` });
      };
      await q('first page, newest first', {});
      await q('page 100 (offset 4950)', { offset: Math.min(4950, n - 50) });
      await q('search "evidence-42"', { search: 'evidence-42' });
      await q('filter manipulated videos', { band: 'manipulated', kind: 'video' });
      await q('sort by probability', { sort: 'probability', order: 'desc' });
      await q("a user's own records", {}, user);
      const stats = await ctx.time(() => core.detections.stats(admin), { runs: 3 });
      figures.push({ figure: 'dashboard stats', value: stats.medianMs, unit: 'ms' });
    } finally {
      await core.close();
    }

    const an = ctx.quick ? 20_000 : 100_000;
    const ad = auditDir(ctx, an);
    const logFile = path.join(ad, 'db', 'activity_logs.jsonl');
    const base = await ctx.time(() => crypto.createHash('sha256').update(fs.readFileSync(logFile)).digest('hex'), { runs: 3 });
    figures.push({ figure: `read + sha256 the ${an}-entry log file (baseline)`, value: base.medianMs, unit: 'ms', detail: `${(fs.statSync(logFile).size / 1024 ** 2).toFixed(0)} MB` });
    const ac = await open(ad);
    try {
      const v = await ctx.time(() => ac.audit.verify(), { runs: 3 });
      if (!v.result.ok) throw new Error(`audit verify failed on a generated chain: ${JSON.stringify(v.result).slice(0, 300)}`);
      figures.push({ figure: `audit verify, ${an} entries`, value: v.medianMs, unit: 'ms', detail: `${(v.medianMs / base.medianMs).toFixed(1)}× the baseline (every entry parsed, re-hashed as canonical JSON and chained)`, compareTo: `read + sha256 the ${an}-entry log file (baseline)` });
    } finally {
      await ac.close();
    }

    // Start-up.
    const cli = path.join(ctx.root, 'bin', 'mediaguard.cjs');
    const nodeBare = await ctx.time(() => execFileSync(process.execPath, ['-e', '0']), { runs: 5 });
    figures.push({ figure: 'node -e 0 (baseline)', value: nodeBare.medianMs, unit: 'ms' });
    if (fs.existsSync(path.join(ctx.root, 'dist', 'cli', 'mediaguard.cjs'))) {
      const v = await ctx.time(() => execFileSync(process.execPath, [cli, '--version']), { runs: 5 });
      figures.push({ figure: 'mediaguard --version', value: v.medianMs, unit: 'ms', detail: 'answered by the launcher from package.json', compareTo: 'node -e 0 (baseline)' });
      const h = await ctx.time(() => execFileSync(process.execPath, [cli, '--help']), { runs: 5 });
      figures.push({ figure: 'mediaguard --help', value: h.medianMs, unit: 'ms', detail: `${(h.medianMs - nodeBare.medianMs).toFixed(0)} ms over bare Node: loads the CLI bundle, no command module, store or native package`, compareTo: 'node -e 0 (baseline)' });
      // A command that opens the store (data dir created beforehand, so this is a plain open).
      const dd = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-bench-cli-'));
      try {
        execFileSync(process.execPath, [cli, 'models', 'list', '--data-dir', dd]);
        const m = await ctx.time(() => execFileSync(process.execPath, [cli, 'models', 'list', '--data-dir', dd]), { runs: 5 });
        figures.push({ figure: 'mediaguard models list (opens the store)', value: m.medianMs, unit: 'ms', detail: 'store, settings and model manifests; sharp, onnxruntime, pdfkit stay unloaded', compareTo: 'node -e 0 (baseline)' });
      } finally {
        fs.rmSync(dd, { recursive: true, force: true });
      }
    } else ctx.log('dist/cli not built (npm run build): no CLI start-up figures');
    const models = path.join(ctx.root, 'models');
    const det = fs.existsSync(models) ? fs.readdirSync(models).find((f) => f.endsWith('.json') && /"face-detection"/.test(fs.readFileSync(path.join(models, f), 'utf8'))) : undefined;
    if (det) {
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-bench-load-'));
      const c = await openCore({ dataDir: tmp, appVersion: '0.0.0-bench', log: quiet(), compactEveryMs: null, analysisInProcess: true });
      try {
        const id = det.replace(/\.json$/, '');
        const t0 = performance.now();
        await c.analysis.registry.get(id);
        const first = performance.now() - t0;
        const t1 = performance.now();
        await c.analysis.registry.get(id);
        figures.push({ figure: `first model load (${id}: sha256 + ONNX session)`, value: first, unit: 'ms', detail: `${(fs.statSync(path.join(models, `${id}.onnx`)).size / 1024 ** 2).toFixed(1)} MB; second get ${(performance.now() - t1).toFixed(2)} ms (cached)` });
      } catch (e) {
        ctx.log(`first model load: ${e instanceof Error ? e.message : String(e)}`);
      } finally {
        await c.close();
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    }
    return figures;
  },
};
