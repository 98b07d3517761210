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
