import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../src-shared/domain/settings';
import { findWorkerScript, WorkerRunner } from '../../../src-main/core/analysis/runner';
import { createLogger } from '../../../src-main/core/log/logger';
import { solidFrame, writeStandardModels } from '../../helpers/analysis-models';
import { tempDir } from '../../helpers/core';

const log = createLogger('test', { level: 'error', sink: () => undefined });

describe('analysis in a worker thread', () => {
  let t: { dir: string; cleanup: () => void };
  let runner: WorkerRunner;
  let image: string;
  beforeAll(async () => {
    t = tempDir('mg-worker-');
    const models = path.join(t.dir, 'models');
    writeStandardModels(models);
    image = path.join(t.dir, 'face.png');
    await sharp(Buffer.from(solidFrame(200, 150, [120, 120, 120], { x1: 0.3, y1: 0.25, x2: 0.7, y2: 0.75, color: [40, 40, 230] })), { raw: { width: 200, height: 150, channels: 3 } }).png().toFile(image);
    const script = findWorkerScript(path.join(__dirname, '../../../src-main/core/analysis'));
    expect(script).not.toBeNull();
    runner = new WorkerRunner({ modelDirs: [{ dir: models, source: 'path' }], importDir: path.join(t.dir, 'imp'), threads: 1 }, script!, log, 2000);
  });
  afterAll(async () => {
    await runner.close();
    t.cleanup();
  });

  it('runs a job off the main thread and returns buffers and progress', async () => {
    const stages: string[] = [];
    const out = await runner.run({ jobId: 'j1', path: image, options: { models: { imageModels: [] } }, settings: DEFAULT_SETTINGS }, (s) => stages.push(s));
    expect(out.result.verdict.band).toBe('authentic');
    expect(Buffer.isBuffer(out.result.artifacts[0]!.data)).toBe(true);
    expect(stages).toEqual(expect.arrayContaining(['probe', 'hash', 'frames', 'classify']));
  });

  it('reports expected errors with their codes and stays usable', async () => {
    await expect(runner.run({ jobId: 'j2', path: path.join(t.dir, 'nope.png'), options: {}, settings: DEFAULT_SETTINGS }, () => undefined)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(runner.run({ jobId: 'j3', path: image, options: { models: { faceClassifiers: ['missing-model'], imageModels: [] } }, settings: DEFAULT_SETTINGS }, () => undefined)).rejects.toMatchObject({
      code: 'MODEL_MISSING',
      message: expect.stringContaining('missing-model'),
    });
    const out = await runner.run({ jobId: 'j4', path: image, options: {}, settings: DEFAULT_SETTINGS }, () => undefined);
    expect(out.result.faceTracks).toHaveLength(1);
  });

  it('times out a job that runs too long', async () => {
    await expect(runner.run({ jobId: 'j5', path: image, options: {}, settings: DEFAULT_SETTINGS, timeoutMs: 1 }, () => undefined)).rejects.toMatchObject({ code: 'TIMEOUT' });
  });
});

describe('worker failures', () => {
  const init = { modelDirs: [], importDir: '/nonexistent' };
  const req = { jobId: 'x', path: '/x.jpg', options: {}, settings: DEFAULT_SETTINGS };

  it('a worker that dies fails its job with a clear error, and the next job gets a new worker', async () => {
    // Dies on the first run; answers the second (a fresh thread starts with n = 0 again, so use a file flag).
    const fd = tempDir('mg-wflag-');
    const flag = path.join(fd.dir, 'died');
    const script = `const { parentPort } = require('node:worker_threads'); const fs = require('node:fs');
      parentPort.on('message', (m) => { if (m.type !== 'run') return;
        if (!fs.existsSync(${JSON.stringify(flag)})) { fs.writeFileSync(${JSON.stringify(flag)}, '1'); process.exit(3); }
        parentPort.postMessage({ type: 'error', jobId: m.req.jobId, error: { code: 'NOT_FOUND', message: 'second worker answered' } }); });`;
    const r = new WorkerRunner(init, { file: script, eval: true }, log, 200);
    try {
      await expect(r.run(req, () => undefined)).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringMatching(/exited/) });
      await expect(r.run({ ...req, jobId: 'y' }, () => undefined)).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'second worker answered' });
    } finally {
      await r.close();
      fd.cleanup();
    }
  });

  it('a job that ignores cancel is stopped by ending the thread', async () => {
    const hang = `require('node:worker_threads').parentPort.on('message', () => { /* never answers */ });`;
    const r = new WorkerRunner(init, { file: hang, eval: true }, log, 150);
    try {
      const p = r.run(req, () => undefined);
      setTimeout(() => r.cancel('x'), 50);
      await expect(p).rejects.toMatchObject({ code: 'CANCELLED' });
    } finally {
      await r.close();
    }
  });
});
