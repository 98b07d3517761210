import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../../src-main/core/core';
import { createLogger } from '../../../src-main/core/log/logger';
import { createAppDispatcher } from '../../../src-main/ipc/handler-table';
import type { Dispatcher } from '../../../src-main/ipc/dispatcher';
import { classifierGraph, solidFrame, testManifest, writeModel, writeStandardModels } from '../../helpers/analysis-models';
import { signIn, tempDir, testCore } from '../../helpers/core';
import { placeholderDetection } from '../../../src-main/core/analysis/record';

describe('analysis and model handlers', () => {
  let core: Core;
  let d: Dispatcher;
  let cleanup: () => Promise<void>;
  let t: { dir: string; cleanup: () => void };
  let image: string;
  beforeAll(async () => {
    t = tempDir('mg-h-');
    writeStandardModels(path.join(t.dir, 'models'));
    image = path.join(t.dir, 'face.png');
    await sharp(Buffer.from(solidFrame(160, 120, [120, 120, 120], { x1: 0.3, y1: 0.25, x2: 0.7, y2: 0.75, color: [230, 40, 40] })), { raw: { width: 160, height: 120, channels: 3 } }).png().toFile(image);
    const c = await testCore({ analysisInProcess: true, bundledModels: false, modelsDir: path.join(t.dir, 'models') });
    core = c.core;
    cleanup = c.cleanup;
    d = createAppDispatcher(core);
    await signIn(core, 'admin', 'w-admin');
    await signIn(core, 'user', 'w-user');
    // What the user at window w-user dropped or picked (the preload and main's dialog grant these).
    core.grants.grant('w-user', t.dir);
    core.grants.grant('w-user', '/dev/null');
  });
  afterAll(async () => {
    await cleanup();
    t.cleanup();
  });

  it('analysis:start queues, runs and stores; analysis:queue shows it', async () => {
    const done = new Promise<unknown>((resolve) => core.events.attach('w-user', (ev, p) => ev === 'analysis:done' && resolve(p)));
    const r = await d.invoke('w-user', 'analysis:start', { paths: [image] });
    expect(r).toMatchObject({ ok: true, value: { jobs: [{ fileName: 'face.png', state: 'queued' }], leftOut: [] } });
    const fin = (await done) as { state: string; detectionId: string };
    expect(fin.state).toBe('done');
    const q = await d.invoke('w-user', 'analysis:queue', {});
    expect(q).toMatchObject({ ok: true, value: [{ state: 'done', detectionId: fin.detectionId }] });
    const rec = await d.invoke('w-user', 'history:get', { id: fin.detectionId });
    expect(rec).toMatchObject({ ok: true, value: { verdict: { band: 'manipulated' } } });
  });

  it('a dropped folder queues its pictures by content and lists what it left out', async () => {
    const folder = path.join(t.dir, 'evidence');
    fs.mkdirSync(folder);
    fs.copyFileSync(image, path.join(folder, 'IMG_0001')); // no extension
    fs.writeFileSync(path.join(folder, 'notes.txt'), 'case notes');
    const done = new Promise<unknown>((resolve) => core.events.attach('w-user', (ev, p) => ev === 'analysis:done' && resolve(p)));
    const r = await d.invoke('w-user', 'analysis:start', { paths: [folder] });
    expect(r).toMatchObject({ ok: true, value: { jobs: [{ fileName: 'IMG_0001', state: 'queued' }], leftOut: [{ folder: 'evidence', notMedia: 1, examples: ['notes.txt'] }] } });
    expect(await done).toMatchObject({ state: 'done' });
    // Nothing to analyse: refused, and the message says what the folder held.
    const none = path.join(t.dir, 'papers');
    fs.mkdirSync(none);
    fs.writeFileSync(path.join(none, 'a.txt'), 'x');
    expect(await d.invoke('w-user', 'analysis:start', { paths: [none] })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'No images or videos were found in the folders given. Not analysed in “papers”: 1 file that is not an image or a video (a.txt).' },
    });
  });

  it('files:pick grants what main\'s dialog returned; analysis:rerun takes the path from a record in scope', async () => {
    const picked = path.join(t.dir, 'picked.png');
    fs.copyFileSync(image, picked);
    core.grants.clear('w-admin');
    (core.dialogs as { openFiles: (id: string, o: unknown) => Promise<string[]> }).openFiles = async () => [picked];
    expect(await d.invoke('w-admin', 'files:pick', {})).toMatchObject({ ok: true, value: [picked] });
    expect(core.grants.covers('w-admin', picked)).toBe(true);
    expect(core.grants.covers('w-admin', image)).toBe(false);
    // A record whose analysis never finished, owned by w-user's account.
    const u = core.sessions.peek('w-user')!;
    const rec = await core.detections.insert(placeholderDetection('', { userId: u.userId, username: u.username }, { jobId: 'j', fileName: 'face.png', path: image, state: 'running', progress: null, detectionId: null, error: null, ownerId: u.userId }, new Date().toISOString(), 't'));
    await core.detections.setStatus(rec.id, 'interrupted');
    const done = new Promise<unknown>((resolve) => core.events.attach('w-user', (ev, p) => ev === 'analysis:done' && resolve(p)));
    core.grants.clear('w-user');
    expect(await d.invoke('w-user', 'analysis:rerun', { detectionId: rec.id })).toMatchObject({ ok: true, value: { jobs: [{ fileName: 'face.png', path: image }] } });
    expect(await done).toMatchObject({ state: 'done' });
    core.grants.grant('w-user', t.dir);
    core.grants.grant('w-user', '/dev/null');
    await signIn(core, 'user', 'w-other', 'user-other');
    expect(await d.invoke('w-other', 'analysis:rerun', { detectionId: rec.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('refuses relative, missing and non-file paths, and callers without a session', async () => {
    expect(await d.invoke('w-user', 'analysis:start', { paths: ['relative/x.jpg'] })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await d.invoke('w-user', 'analysis:start', { paths: [path.join(t.dir, 'gone.jpg')] })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await d.invoke('w-user', 'analysis:start', { paths: ['/dev/null'] })).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED_MEDIA' } });
    // A path nobody dropped or picked in this window is refused, whatever it is.
    expect(await d.invoke('w-user', 'analysis:start', { paths: ['/etc/hostname'] })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: expect.stringMatching(/“hostname” was not chosen in this window/) } });
    expect(await d.invoke('w-admin', 'analysis:start', { paths: [image] })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await d.invoke('w-user', 'analysis:start', { paths: [image, '/'] })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await d.invoke('nobody', 'analysis:start', { paths: [image] })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect(await d.invoke('w-user', 'analysis:start', { paths: [] })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await d.invoke('w-user', 'analysis:cancel', { jobId: 'no-such-job' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('models:list for everyone; import and verify for admins only', async () => {
    const list = await d.invoke('w-user', 'models:list', {});
    expect(list.ok && (list.value as { id: string }[]).map((m) => m.id).sort()).toEqual(['t-detector', 't-face', 't-image']);
    const src = path.join(t.dir, 'incoming');
    const good = writeModel(src, classifierGraph(), testManifest('t-imported', 'face-manipulation'));
    expect(await d.invoke('w-user', 'admin:models:import', { manifestPath: good.json })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await d.invoke('w-user', 'admin:models:verify', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    // The manifest is chosen in the admin's "Import model…" (main's dialog grants it); any other path is not read.
    expect(await d.invoke('w-admin', 'admin:models:import', { manifestPath: good.json })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: expect.stringMatching(/Import model/) } });
    core.grants.grant('w-admin', src);
    expect(await d.invoke('w-admin', 'admin:models:import', { manifestPath: good.json })).toMatchObject({ ok: true, value: { id: 't-imported', source: 'imported', verified: true } });
    const bad = writeModel(src, classifierGraph(), testManifest('t-wrong', 'face-manipulation'), { sha256: 'd'.repeat(64) });
    expect(await d.invoke('w-admin', 'admin:models:import', { manifestPath: bad.json })).toMatchObject({ ok: false, error: { code: 'MODEL_INVALID' } });
    expect(fs.existsSync(path.join(core.dataDir, 'models', 't-wrong.onnx'))).toBe(false);
    const v = await d.invoke('w-admin', 'admin:models:verify', {});
    expect(v.ok && (v.value as { verified: boolean }[]).every((m) => m.verified)).toBe(true);
    const audit = await core.audit.list({ offset: 0, limit: 100 });
    expect(audit.items.some((e) => e.action === 'model.imported' && e.target === 't-imported')).toBe(true);
  });

  it('live: start, score frames, refuse garbage and strangers, stop into a stored record', async () => {
    const jpeg = await sharp(image).jpeg().toBuffer();
    const st = await d.invoke('w-user', 'live:start', { deviceLabel: 'webcam' });
    expect(st.ok).toBe(true);
    const liveId = (st as { value: { liveId: string } }).value.liveId;
    for (let i = 0; i < 3; i++) {
      const f = await d.invoke('w-user', 'live:frame', { liveId, timeSec: i * 0.2, jpegBase64: jpeg.toString('base64') });
      expect(f).toMatchObject({ ok: true, value: { faces: [{ probability: expect.any(Number) }] } });
      expect((f as { value: { probability: number } }).value.probability).toBeGreaterThan(0.7);
    }
    // as in file analysis, a face under the model's minimum size (32 px here) is located, not judged
    const tiny = await sharp(image).resize(60, 45).jpeg().toBuffer();
    const small = await d.invoke('w-user', 'live:frame', { liveId, timeSec: 0.7, jpegBase64: tiny.toString('base64') });
    expect(small).toMatchObject({ ok: true, value: { faces: [{ probability: null }], probability: null } });
    expect(await d.invoke('w-user', 'live:frame', { liveId, timeSec: 1, jpegBase64: Buffer.from('not a jpeg').toString('base64') })).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED_MEDIA' } });
    expect(await d.invoke('w-admin', 'live:frame', { liveId, timeSec: 1, jpegBase64: jpeg.toString('base64') })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const stop = await d.invoke('w-user', 'live:stop', { liveId });
    expect(stop).toMatchObject({ ok: true, value: { detectionId: expect.any(String) } });
    const rec = await d.invoke('w-user', 'history:get', { id: (stop as { value: { detectionId: string } }).value.detectionId });
    expect(rec).toMatchObject({ ok: true, value: { kind: 'video', verdict: { band: 'manipulated' }, frames: [{}, {}, {}, {}] } });
    expect(await d.invoke('w-user', 'live:stop', { liveId })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('live monitoring while the app closes', () => {
  it('a frame (or stop) arriving after core.close() is answered CANCELLED, nothing logged as internal', async () => {
    const t = tempDir('mg-live-close-');
    const logged: string[] = [];
    writeStandardModels(path.join(t.dir, 'models'));
    const c = await testCore({
      analysisInProcess: true,
      bundledModels: false,
      modelsDir: path.join(t.dir, 'models'),
      log: createLogger('test', { level: 'warn', sink: (line) => logged.push(line) }),
    });
    try {
      const d = createAppDispatcher(c.core);
      await signIn(c.core, 'user', 'w-user');
      const frame = Buffer.from(solidFrame(160, 120, [120, 120, 120], { x1: 0.3, y1: 0.25, x2: 0.7, y2: 0.75, color: [230, 40, 40] }));
      const jpegBase64 = (await sharp(frame, { raw: { width: 160, height: 120, channels: 3 } }).jpeg().toBuffer()).toString('base64');
      const st = await d.invoke('w-user', 'live:start', { deviceLabel: 'webcam' });
      const liveId = (st as { value: { liveId: string } }).value.liveId;
      expect(await d.invoke('w-user', 'live:frame', { liveId, timeSec: 0, jpegBase64 })).toMatchObject({ ok: true });

      // One frame in flight while the core closes, one after: neither may surface as INTERNAL.
      const inFlight = d.invoke('w-user', 'live:frame', { liveId, timeSec: 0.2, jpegBase64 });
      await c.core.close();
      const during = await inFlight;
      expect(during.ok || (!during.ok && during.error.code === 'CANCELLED'), JSON.stringify(during)).toBe(true);
      const after = await d.invoke('w-user', 'live:frame', { liveId, timeSec: 0.4, jpegBase64 });
      expect(after).toMatchObject({ ok: false, error: { code: 'CANCELLED', message: expect.stringMatching(/closing/) } });
      expect(await d.invoke('w-user', 'live:stop', { liveId })).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
      expect(await d.invoke('w-user', 'live:start', { deviceLabel: 'webcam' })).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
      expect(logged.filter((l) => /handler threw|disposed/i.test(l))).toEqual([]);
    } finally {
      t.cleanup();
      fs.rmSync(c.dir, { recursive: true, force: true });
    }
  });
});
