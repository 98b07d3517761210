/**
 * Hostile and broken files through the real handler table (`analysis:start` as a signed-in
 * user): each one ends with a clear error code and message — refused at the door or failed
 * as a job — the process keeps running, and no partial record or artifact is left behind
 * (the engine's documented behaviour: a failed job's record is removed, the audit log keeps
 * `analysis.failed` with the code). Valid files under hostile names still analyse.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../../src-main/core/core';
import type { Dispatcher } from '../../../src-main/ipc/dispatcher';
import { createAppDispatcher } from '../../../src-main/ipc/handler-table';
import { ERROR_CODES } from '../../../src-shared/result';
import { writeStandardModels } from '../../helpers/analysis-models';
import { signIn, tempDir, testCore } from '../../helpers/core';
import { makeHostileCorpus, makeHostileNamedValid, sha256Of, type HostileFile } from '../../helpers/hostile-corpus';

interface DoneEvent {
  jobId: string;
  state: string;
  detectionId: string | null;
  error: { code: string; message: string } | null;
}

/** Codes that name a problem with the input (never INTERNAL: that would be a bug). */
const INPUT_CODES = new Set(['UNSUPPORTED_MEDIA', 'LIMIT_EXCEEDED', 'VALIDATION', 'TIMEOUT', 'IO']);

describe('hostile corpus through analysis:start', () => {
  let core: Core;
  let d: Dispatcher;
  let cleanup: () => Promise<void>;
  let t: { dir: string; cleanup: () => void };
  let corpus: HostileFile[];
  const done = new Map<string, DoneEvent>();
  const waiters = new Map<string, (e: DoneEvent) => void>();

  beforeAll(async () => {
    t = tempDir('mg-hostile-');
    writeStandardModels(path.join(t.dir, 'models'));
    corpus = await makeHostileCorpus(path.join(t.dir, 'corpus'));
    const c = await testCore({ analysisInProcess: true, bundledModels: false, modelsDir: path.join(t.dir, 'models') });
    core = c.core;
    cleanup = c.cleanup;
    d = createAppDispatcher(core);
    await signIn(core, 'user', 'w-user');
    core.events.attach('w-user', (ev, p) => {
      if (ev !== 'analysis:done') return;
      const e = p as DoneEvent;
      done.set(e.jobId, e);
      waiters.get(e.jobId)?.(e);
    });
  }, 120_000);
  afterAll(async () => {
    await cleanup();
    t.cleanup();
  });

  const finished = (jobId: string) => new Promise<DoneEvent>((resolve) => (done.has(jobId) ? resolve(done.get(jobId)!) : waiters.set(jobId, resolve)));

  it('has at least 40 files of every kind of hostility', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(40);
    const kinds = ['zero bytes', 'random bytes', 'cut', 'declaring', 'duration', 'behind', 'deep', 'name'];
    for (const k of kinds) expect(corpus.some((f) => f.why.includes(k)), k).toBe(true);
  });

  it('every file ends with a clear error, nothing partial is stored, the engine keeps going', async () => {
    const before = new Map(corpus.map((f) => [f.path, sha256Of(f.path)]));
    const outcomes: { file: string; why: string; where: 'start' | 'job'; code: string; message: string }[] = [];
    const jobs: { f: HostileFile; jobId: string }[] = [];
    for (const f of corpus) {
      core.grants.grant('w-user', f.path); // as if dropped on the window
      const r = await d.invoke('w-user', 'analysis:start', { paths: [f.path] });
      if (!r.ok) {
        outcomes.push({ file: f.name, why: f.why, where: 'start', code: r.error.code, message: r.error.message });
        continue;
      }
      const [job] = (r.value as { jobs: { jobId: string }[] }).jobs;
      jobs.push({ f, jobId: job!.jobId });
    }
    const t0 = performance.now();
    for (const { f, jobId } of jobs) {
      const e = await finished(jobId);
      if (process.env.MEDIAGUARD_DEBUG_CORPUS) console.log(f.name, Math.round(performance.now() - t0), e.state, e.error?.code, e.error?.message);
      if (e.state === 'done') outcomes.push({ file: f.name, why: f.why, where: 'job', code: 'DONE', message: `analysed as a valid file (record ${e.detectionId})` });
      else {
        expect(e.state, f.name).toBe('failed');
        expect(e.detectionId, f.name).toBeNull();
        outcomes.push({ file: f.name, why: f.why, where: 'job', code: e.error?.code ?? 'none', message: e.error?.message ?? '' });
      }
    }
    const bad = outcomes.filter((o) => o.code === 'DONE' || o.code === 'INTERNAL' || !(ERROR_CODES as readonly string[]).includes(o.code) || !INPUT_CODES.has(o.code) || o.message.length < 10);
    expect(bad, JSON.stringify(bad, null, 1)).toEqual([]);
    expect(outcomes).toHaveLength(corpus.length);
    // The message names the file or the problem, never a stack trace.
    for (const o of outcomes) expect(o.message, o.file).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);

    // No partial record, no orphan artifact, nothing left running.
    const admin = await signIn(core, 'admin', 'w-admin');
    expect((await core.detections.list({}, admin)).total).toBe(0);
    const art = path.join(core.dataDir, 'artifacts');
    expect(fs.existsSync(art) ? fs.readdirSync(art) : []).toEqual([]);
    const q = await d.invoke('w-user', 'analysis:queue', {});
    expect(q.ok && (q.value as { state: string }[]).filter((j) => j.state === 'queued' || j.state === 'running')).toEqual([]);
    // The audit log keeps each failure with its code, and still verifies.
    const failed = core.audit.list({ limit: 1000 }).items.filter((a) => a.action === 'analysis.failed');
    expect(failed).toHaveLength(jobs.length);
    expect((await core.audit.verify()).ok).toBe(true);
    // The evidence itself was only read.
    for (const f of corpus) expect(sha256Of(f.path), f.name).toBe(before.get(f.path));
  }, 120_000);

  it('valid files under hostile names analyse normally, and the engine still works after the corpus', async () => {
    const valid = await makeHostileNamedValid(path.join(t.dir, 'valid'));
    core.grants.grant('w-user', path.join(t.dir, 'valid')); // as if the folder was dropped
    const r = await d.invoke('w-user', 'analysis:start', { paths: valid.map((v) => v.path) });
    expect(r.ok).toBe(true);
    const events = await Promise.all((r as { value: { jobs: { jobId: string }[] } }).value.jobs.map((j) => finished(j.jobId)));
    for (const [i, e] of events.entries()) {
      expect(e, valid[i]!.name).toMatchObject({ state: 'done', error: null });
      const rec = await d.invoke('w-user', 'history:get', { id: e.detectionId! });
      expect(rec).toMatchObject({ ok: true, value: { status: 'done', file: { name: valid[i]!.name } } });
    }
  }, 60_000);
});
