import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisProgress } from '../../../src-shared/domain/detection';
import type { Core } from '../../../src-main/core/core';
import { writeStandardModels, solidFrame } from '../../helpers/analysis-models';
import { signIn, tempDir, testCore } from '../../helpers/core';

/** Media made here: a JPEG with a red "face" and a short testsrc video (ffmpeg lavfi). */
function makeMedia(dir: string): Promise<{ image: string; video: string; dark: string }> {
  const video = path.join(dir, 'clip.mp4');
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25', '-t', '4', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-preset', 'ultrafast', '-y', video]);
  const image = path.join(dir, 'face.jpg');
  const dark = path.join(dir, 'dark.png');
  return Promise.all([
    sharp(Buffer.from(solidFrame(320, 240, [120, 120, 120], { x1: 0.3, y1: 0.25, x2: 0.7, y2: 0.75, color: [230, 40, 40] })), { raw: { width: 320, height: 240, channels: 3 } }).jpeg({ quality: 92 }).toFile(image),
    sharp(Buffer.from(solidFrame(320, 240, [4, 4, 4])), { raw: { width: 320, height: 240, channels: 3 } }).png().toFile(dark),
  ]).then(() => ({ image, video, dark }));
}

describe('analysis engine: queue, store, events, cancel', () => {
  let core: Core;
  let cleanup: () => Promise<void>;
  let media: { image: string; video: string; dark: string };
  let mediaDir: { dir: string; cleanup: () => void };
  const events: { event: string; payload: unknown }[] = [];

  beforeAll(async () => {
    mediaDir = tempDir('mg-media-');
    media = await makeMedia(mediaDir.dir);
    const models = path.join(mediaDir.dir, 'models');
    writeStandardModels(models);
    const t = await testCore({ analysisInProcess: true, bundledModels: false, modelsDir: models });
    core = t.core;
    cleanup = t.cleanup;
    core.events.attach('win-1', (event, payload) => events.push({ event, payload }));
  });
  afterAll(async () => {
    await cleanup();
    mediaDir.cleanup();
  });

  it('analyses an image into a stored record with artifacts, events and audit', async () => {
    const s = await signIn(core, 'user', 'win-1');
    const [job] = await core.analysis.engine.enqueue([media.image], { userId: s.userId, username: s.username, role: s.role }, { store: true, senderId: 'win-1' });
    const out = await core.analysis.engine.wait(job!.jobId);
    expect(out.job.state).toBe('done');
    const rec = (await core.detections.get(out.job.detectionId!))!;
    expect(rec.status).toBe('done');
    expect(rec.kind).toBe('image');
    expect(rec.file.hashes.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(rec.verdict.band).toBe('manipulated');
    expect(rec.faceTracks).toHaveLength(1);
    expect(rec.models.map((m) => m.id)).toEqual(['t-detector', 't-face', 't-image']);
    expect(rec.timingsMs).toMatchObject({ hash: expect.any(Number), frames: expect.any(Number), classify: expect.any(Number), store: expect.any(Number), total: expect.any(Number) });
    for (const a of rec.artifacts) expect((await core.artifacts.read(rec.id, a.key)).data.length).toBeGreaterThan(0);
    expect(rec.artifacts.map((a) => a.kind)).toEqual(expect.arrayContaining(['face', 'heatmap', 'keyframe', 'ela', 'noise']));
    const mine = events.filter((e) => (e.payload as { jobId: string }).jobId === job!.jobId);
    const stages = mine.filter((e) => e.event === 'analysis:progress').map((e) => (e.payload as AnalysisProgress).stage);
    expect(stages[0]).toBe('queued');
    expect(stages).toEqual(expect.arrayContaining(['hash', 'frames', 'classify', 'store', 'done']));
    const fractions = mine.filter((e) => e.event === 'analysis:progress').map((e) => (e.payload as AnalysisProgress).fraction);
    expect([...fractions].sort((a, b) => a - b)).toEqual(fractions);
    expect(mine.at(-1)).toMatchObject({ event: 'analysis:done', payload: { state: 'done', detectionId: rec.id, error: null } });
    const audit = await core.audit.list({ offset: 0, limit: 50 });
    expect(audit.items.map((e) => e.action)).toEqual(expect.arrayContaining(['analysis.started', 'analysis.finished']));
  });

  it('cancels a video mid-way: no record is left, the audit says so', async () => {
    const s = await signIn(core, 'user', 'win-1');
    let cancelled = false;
    const [job] = await core.analysis.engine.enqueue([media.video], { userId: s.userId, username: s.username, role: s.role }, {
      store: true,
      senderId: 'win-1',
      options: { frames: 40 },
      onProgress: (p) => {
        if (p.stage === 'classify' && p.fraction > 0.5 && !cancelled) {
          cancelled = true;
          core.analysis.engine.cancel(p.jobId, { userId: s.userId, username: s.username, role: s.role });
        }
      },
    });
    const out = await core.analysis.engine.wait(job!.jobId);
    expect(cancelled).toBe(true);
    expect(out.job).toMatchObject({ state: 'cancelled', detectionId: null, error: { code: 'CANCELLED' } });
    const page = await core.detections.list({ offset: 0, limit: 50 } as never, { userId: s.userId, role: s.role });
    expect(page.items.every((r) => r.fileName !== 'clip.mp4')).toBe(true);
    const audit = await core.audit.list({ offset: 0, limit: 100 });
    expect(audit.items.some((e) => e.action === 'analysis.cancelled' && e.target === job!.jobId)).toBe(true);
  });

  it('analyses a video end to end with tracks over frames', async () => {
    const [job] = await core.analysis.engine.enqueue([media.video], null, { store: false, senderId: null, options: { frames: 6 } });
    const out = await core.analysis.engine.wait(job!.jobId);
    expect(out.job.state).toBe('done');
    const r = out.output!;
    expect(r.kind).toBe('video');
    expect(r.result.frames).toHaveLength(6);
    expect(r.result.faceTracks).toHaveLength(1);
    expect(r.result.faceTracks[0]!.observations).toHaveLength(6);
    expect(r.sampling.frames).toHaveLength(6);
    expect(r.result.artifacts.some((a) => a.ref.kind === 'ela')).toBe(false);
  });

  it('a bad file fails with a clear error and leaves nothing behind; the queue goes on', async () => {
    const junk = path.join(mediaDir.dir, 'junk.mp4');
    fs.writeFileSync(junk, Buffer.from('this is not a video at all, just text'));
    const s = await signIn(core, 'user', 'win-1');
    const jobs = await core.analysis.engine.enqueue([junk, path.join(mediaDir.dir, 'missing.jpg'), media.dark], { userId: s.userId, username: s.username, role: s.role }, { store: true, senderId: 'win-1' });
    const [a, b, c] = await Promise.all(jobs.map((j) => core.analysis.engine.wait(j.jobId)));
    expect(a!.job).toMatchObject({ state: 'failed', detectionId: null, error: { code: 'UNSUPPORTED_MEDIA' } });
    expect(b!.job).toMatchObject({ state: 'failed', error: { code: 'NOT_FOUND' } });
    expect(c!.job.state).toBe('done');
    expect(c!.detection!.warnings.map((w) => w.code)).toContain('NO_FACE');
    expect(c!.detection!.verdict.decidedBy).toBe('generated-image');
    const page = await core.detections.list({ offset: 0, limit: 50 } as never, { userId: s.userId, role: s.role });
    expect(page.items.map((r) => r.fileName)).not.toContain('junk.mp4');
  });

  it('expands folders to their media files and lists only the caller\'s jobs', async () => {
    const u = await signIn(core, 'user', 'win-u', 'someone');
    const jobs = await core.analysis.engine.enqueue([mediaDir.dir], { userId: u.userId, username: u.username, role: u.role }, { store: false, senderId: null, options: { frames: 2 } });
    expect(jobs.map((j) => j.fileName).sort()).toEqual(['clip.mp4', 'dark.png', 'face.jpg', 'junk.mp4']);
    await Promise.all(jobs.map((j) => core.analysis.engine.wait(j.jobId)));
    const visible = core.analysis.engine.list({ userId: u.userId, username: u.username, role: 'user' });
    expect(visible.every((j) => j.ownerId === u.userId)).toBe(true);
    expect(() => core.analysis.engine.cancel(jobs[0]!.jobId, { userId: 'other', username: 'x', role: 'user' })).toThrow(/No such job/);
  });
});

describe('analysis engine: files that never started', () => {
  it('a queued file cancelled by its owner, and the files left in the queue at close, are named in the audit log', async () => {
    const mediaDir = tempDir('mg-close-');
    const models = path.join(mediaDir.dir, 'models');
    writeStandardModels(models);
    const { video } = await makeMedia(mediaDir.dir);
    const t = await testCore({ analysisInProcess: true, bundledModels: false, modelsDir: models });
    let closed = false;
    try {
      const s = await signIn(t.core, 'user', 'win-c');
      const owner = { userId: s.userId, username: s.username, role: s.role };
      const jobs = await t.core.analysis.engine.enqueue(Array<string>(8).fill(video), owner, { store: true, senderId: null, options: { frames: 2 } });
      const p = t.core.analysis.engine.pending();
      expect(p.queued + p.running).toBe(8);
      t.core.analysis.engine.cancel(jobs[7]!.jobId, owner);
      expect((await t.core.analysis.engine.wait(jobs[7]!.jobId)).job.state).toBe('cancelled');
      const mine = t.core.audit.list({ action: 'analysis.cancelled' }).items[0]!;
      expect(mine).toMatchObject({ actorName: s.username, target: jobs[7]!.jobId, details: { file: 'clip.mp4', path: video, message: 'cancelled before it started' } });
      await t.core.close();
      closed = true;
      const outcomes = await Promise.all(jobs.slice(0, 7).map((j) => t.core.analysis.engine.wait(j.jobId)));
      const leftInQueue = outcomes.filter((o) => o.job.error?.message === 'The application closed before this analysis started.');
      expect(leftInQueue.length).toBeGreaterThanOrEqual(1);
      const reopened = await testCore({ dataDir: t.dir, analysisInProcess: true, bundledModels: false, modelsDir: models });
      try {
        const atClose = reopened.core.audit.list({ action: 'analysis.cancelled' }).items.find((e) => e.target === 'queue')!;
        expect(atClose).toMatchObject({ actorId: null, details: { reason: 'the application closed before these analyses started', count: leftInQueue.length } });
        expect((atClose.details.files as string[]).every((f) => f === video)).toBe(true);
        expect((await reopened.core.audit.verify()).ok).toBe(true);
      } finally {
        await reopened.core.close();
      }
    } finally {
      if (!closed) await t.core.close();
      await t.cleanup().catch(() => undefined);
      mediaDir.cleanup();
    }
  });
});

describe('analysis engine: fairness', () => {
  it('alternates between owners so one big batch does not starve another user', async () => {
    const mediaDir = tempDir('mg-fair-');
    const models = path.join(mediaDir.dir, 'models');
    writeStandardModels(models);
    const img = path.join(mediaDir.dir, 'a.png');
    await sharp(Buffer.from(solidFrame(64, 48, [120, 120, 120])), { raw: { width: 64, height: 48, channels: 3 } }).png().toFile(img);
    const t = await testCore({ analysisInProcess: true, bundledModels: false, modelsDir: models });
    try {
      const order: string[] = [];
      const a = { userId: 'ua', username: 'a', role: 'user' as const };
      const b = { userId: 'ub', username: 'b', role: 'user' as const };
      const track = (who: string) => ({ store: false, senderId: null, onProgress: (p: AnalysisProgress) => p.stage === 'done' && order.push(who) });
      const ja = await t.core.analysis.engine.enqueue([img, img, img, img], a, track('a'));
      const jb = await t.core.analysis.engine.enqueue([img], b, track('b'));
      await Promise.all([...ja, ...jb].map((j) => t.core.analysis.engine.wait(j.jobId)));
      expect(order.indexOf('b')).toBeLessThanOrEqual(1);
    } finally {
      await t.cleanup();
      mediaDir.cleanup();
    }
  });
});
