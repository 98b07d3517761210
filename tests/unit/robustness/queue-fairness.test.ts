/**
 * 20 files queued by two accounts while the UI keeps querying history and the queue: the
 * analysis runs in its worker thread, history answers stay quick, every job gets its turn
 * (round-robin between accounts: nobody's one file waits behind another's batch), progress
 * only moves forward and ends at 1, nothing deadlocks, all 20 finish.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../../src-main/core/core';
import type { Dispatcher } from '../../../src-main/ipc/dispatcher';
import { createAppDispatcher } from '../../../src-main/ipc/handler-table';
import type { AnalysisProgress } from '../../../src-shared/domain/detection';
import { solidFrame, writeStandardModels } from '../../helpers/analysis-models';
import { signIn, tempDir, testCore } from '../../helpers/core';

describe('a queue of 20 while history is queried', () => {
  let core: Core;
  let d: Dispatcher;
  let cleanup: () => Promise<void>;
  let t: { dir: string; cleanup: () => void };
  const files: string[] = [];
  beforeAll(async () => {
    t = tempDir('mg-fair-');
    writeStandardModels(path.join(t.dir, 'models'));
    for (let i = 0; i < 16; i++) {
      const p = path.join(t.dir, `img-${String(i).padStart(2, '0')}.png`);
      await sharp(Buffer.from(solidFrame(160, 120, [100 + i * 5, 120, 120], { x1: 0.3, y1: 0.25, x2: 0.7, y2: 0.75, color: [230, 40, 40] })), { raw: { width: 160, height: 120, channels: 3 } }).png().toFile(p);
      files.push(p);
    }
    for (let i = 0; i < 4; i++) {
      const p = path.join(t.dir, `clip-${i}.mp4`);
      execFileSync(process.env.MEDIAGUARD_FFMPEG || 'ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=192x144:rate=10:duration=${1 + i}`, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', p]);
      files.push(p);
    }
    // The worker thread, as in the app: the handler thread must stay free for history queries.
    const c = await testCore({ bundledModels: false, modelsDir: path.join(t.dir, 'models') });
    core = c.core;
    cleanup = c.cleanup;
    d = createAppDispatcher(core);
    await signIn(core, 'user', 'w-user');
    await signIn(core, 'investigator', 'w-inv');
  }, 60_000);
  afterAll(async () => {
    await cleanup();
    t.cleanup();
  });

  it('all finish, in fair turns, with monotone progress and responsive history', async () => {
    const progress = new Map<string, number[]>();
    const starts: string[] = [];
    const doneOrder: string[] = [];
    const owners = new Map<string, string>();
    let resolveAll!: () => void;
    const allDone = new Promise<void>((r) => (resolveAll = r));
    for (const sender of ['w-user', 'w-inv']) {
      core.events.attach(sender, (ev, p) => {
        if (ev === 'analysis:progress') {
          const pr = p as AnalysisProgress;
          const list = progress.get(pr.jobId) ?? [];
          if (list.length === 1 && pr.stage !== 'queued') starts.push(pr.jobId);
          list.push(pr.fraction);
          progress.set(pr.jobId, list);
        }
        if (ev === 'analysis:done') {
          const e = p as { jobId: string; state: string };
          expect(e.state).toBe('done');
          doneOrder.push(e.jobId);
          if (doneOrder.length === 20) resolveAll();
        }
      });
    }
    // The user drops a folder's worth (18 files); the investigator then drops 2 (each window is granted what it dropped).
    for (const f of files.slice(0, 18)) core.grants.grant('w-user', f);
    for (const f of files.slice(18)) core.grants.grant('w-inv', f);
    const a = await d.invoke('w-user', 'analysis:start', { paths: files.slice(0, 18) });
    const b = await d.invoke('w-inv', 'analysis:start', { paths: files.slice(18) });
    expect(a.ok && b.ok).toBe(true);
    for (const j of (a as { value: { jobs: { jobId: string }[] } }).value.jobs) owners.set(j.jobId, 'user');
    for (const j of (b as { value: { jobs: { jobId: string }[] } }).value.jobs) owners.set(j.jobId, 'inv');

    // Meanwhile the UI polls history and the queue.
    const latencies: number[] = [];
    let polling = true;
    const poller = (async () => {
      for (let i = 0; polling; i++) {
        const t0 = performance.now();
        const r = await d.invoke(i % 2 ? 'w-inv' : 'w-user', i % 3 === 2 ? 'analysis:queue' : 'history:list', i % 3 === 2 ? {} : { search: i % 4 ? undefined : 'img', limit: 50 });
        latencies.push(performance.now() - t0);
        expect(r.ok).toBe(true);
        await new Promise((res) => setTimeout(res, 15));
      }
    })();
    const timeout = new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`deadlock? ${doneOrder.length}/20 done after 150 s`)), 150_000));
    await Promise.race([allDone, timeout]);
    polling = false;
    await poller;

    expect(doneOrder).toHaveLength(20);
    // Every job made progress, only forwards, and reached 1.
    for (const [jobId, fr] of progress) {
      for (let i = 1; i < fr.length; i++) expect(fr[i]!, jobId).toBeGreaterThanOrEqual(fr[i - 1]!);
      expect(fr.at(-1), jobId).toBe(1);
      expect(fr.length, jobId).toBeGreaterThanOrEqual(5);
    }
    expect(progress.size).toBe(20);
    // Fair turns: the investigator's two files do not wait for the user's 18 — they run among the first few.
    const invTurns = starts.map((id, i) => (owners.get(id) === 'inv' ? i : -1)).filter((i) => i >= 0);
    expect(invTurns.length).toBe(2);
    expect(Math.max(...invTurns)).toBeLessThanOrEqual(4);
    // History stayed responsive while models ran (in the worker thread).
    latencies.sort((x, y) => x - y);
    const p95 = latencies[Math.floor(latencies.length * 0.95)]!;
    expect(latencies.length).toBeGreaterThan(20);
    expect(p95, `history/queue p95 ${p95.toFixed(0)} ms over ${latencies.length} queries`).toBeLessThan(1500);
    // And the history shows all 20 records.
    const inv = await d.invoke('w-inv', 'history:list', { limit: 50 });
    expect(inv.ok && (inv.value as { total: number }).total).toBe(20);
  }, 180_000);
});
