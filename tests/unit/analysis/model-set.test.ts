import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveModels } from '../../../src-main/core/analysis/model-set';
import { ModelRegistry } from '../../../src-main/core/analysis/registry';
import { createLogger } from '../../../src-main/core/log/logger';
import { classifierGraph, detectorGraph, testManifest, writeModel } from '../../helpers/analysis-models';
import { tempDir } from '../../helpers/core';

const log = createLogger('test', { level: 'error', sink: () => undefined });

describe('model selection', () => {
  let t: { dir: string; cleanup: () => void };
  let reg: ModelRegistry;
  beforeAll(() => {
    t = tempDir('mg-set-');
    const dir = path.join(t.dir, 'm');
    writeModel(dir, detectorGraph(), testManifest('ref-detector', 'face-detection', { provenance: { reference: true } }));
    writeModel(dir, detectorGraph(), testManifest('own-detector', 'face-detection'));
    writeModel(dir, classifierGraph(), testManifest('ref-face', 'face-manipulation'));
    writeModel(dir, classifierGraph(), testManifest('own-face', 'face-manipulation'), { sha256: 'f'.repeat(64) });
    reg = new ModelRegistry({ dirs: [{ dir, source: 'bundled' }], importDir: path.join(t.dir, 'imp'), log, threads: 1 });
  });
  afterAll(async () => {
    await reg.close();
    t.cleanup();
  });

  it('prefers project models over references, and names a model whose hash is wrong', async () => {
    const m = await resolveModels(reg);
    expect(m.detector?.manifest.id).toBe('own-detector');
    // the project classifier is refused (wrong hash), and the reference is not silently substituted
    expect(m.faceClassifiers).toEqual([]);
    expect(m.missing.join(' ')).toMatch(/own-face.*does not match the manifest/);
    expect(m.missing.join(' ')).toMatch(/generated-image/);
  });

  it('uses exactly the models named, and refuses a model of the wrong task', async () => {
    const m = await resolveModels(reg, { detector: 'ref-detector', faceClassifiers: ['ref-face', 'own-detector'], imageModels: [] });
    expect(m.detector?.manifest.id).toBe('ref-detector');
    expect(m.faceClassifiers.map((c) => c.manifest.id)).toEqual(['ref-face']);
    expect(m.missing).toEqual([expect.stringMatching(/own-detector.*not a face-manipulation model/)]);
  });
});
