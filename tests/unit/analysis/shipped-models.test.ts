/**
 * The default models in models/: every manifest parses, every file matches its hash, each
 * model loads in onnxruntime and runs on frames of the sizes the app feeds it, and each has
 * what the verdict and the report rely on (calibration, thresholds, error rates, metrics,
 * provenance, a model card). Needs nothing from ../shared.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelRegistry } from '../../../src-main/core/analysis/registry';
import { classify, classifyImage } from '../../../src-main/core/analysis/classify';
import { detectFaces } from '../../../src-main/core/analysis/face-detect';
import { createLogger } from '../../../src-main/core/log/logger';
import { tempDir } from '../../helpers/core';
import { noiseImage as noise } from '../../helpers/analysis-models';

const MODELS = path.resolve(__dirname, '../../../models');
const log = createLogger('test', { level: 'error', sink: () => undefined });

describe('shipped default models', () => {
  let t: { dir: string; cleanup: () => void };
  let reg: ModelRegistry;
  beforeAll(() => {
    t = tempDir('mg-shipped-');
    reg = new ModelRegistry({ dirs: [{ dir: MODELS, source: 'bundled' }], importDir: path.join(t.dir, 'imp'), log, threads: 1 });
  });
  afterAll(async () => {
    await reg.close();
    t.cleanup();
  });

  it('one model per task, every manifest valid and every file matching its hash, ≤ 60 MB together', async () => {
    const list = await reg.verify();
    expect(list.filter((m) => m.error)).toEqual([]);
    expect(list.every((m) => m.verified === true)).toBe(true);
    expect(new Set(list.map((m) => m.task))).toEqual(new Set(['face-detection', 'face-manipulation', 'generated-image']));
    expect(list.reduce((a, m) => a + m.sizeBytes, 0)).toBeLessThan(60 * 1024 * 1024);
  });

  it('each carries a model card, provenance with the training command and data hash, and metrics', () => {
    for (const e of reg.entries()) {
      const m = e.manifest;
      expect(fs.existsSync(path.join(MODELS, `${m.id}.md`)), `${m.id}.md`).toBe(true);
      expect(m.metrics.length, m.id).toBeGreaterThan(0);
      expect(typeof m.provenance.producedBy, m.id).toBe('string');
      if (m.task !== 'face-detection') {
        expect(m.provenance.command, m.id).toMatch(/^python3 training\//);
        expect(m.provenance.dataManifestSha256, m.id).toMatch(/^[0-9a-f]{64}$/);
        expect(m.calibration, m.id).toBeDefined();
        expect(m.thresholds!.authentic, m.id).toBeLessThanOrEqual(m.thresholds!.manipulated);
        expect(m.errorRates, m.id).toBeDefined();
      }
    }
    const face = reg.byTask('face-manipulation')[0]!.manifest;
    // The many-faces correction needs the real-face table; without it the verdict silently stays uncorrected.
    expect(face.realExceedance!.p.length).toBeGreaterThan(10);
    expect(face.realExceedance!.share[0]).toBe(1);
    // Small faces score higher than large ones: the shipped size correction lowers them, more the smaller they are,
    // never raises a score, and leaves faces of the model's input size alone; the engine judges none under 40 px.
    const sc = face.sizeCorrection!;
    expect(sc.logit.every((v, i) => v <= 0 && (i === 0 || v >= sc.logit[i - 1]!))).toBe(true);
    expect(sc.logit[0]!).toBeLessThan(-1);
    expect(sc.logit.at(-1)).toBe(0);
    expect(sc.px.at(-1)).toBeLessThanOrEqual(face.input.shape[2]!);
    expect(face.limits?.minFacePx).toBe(40);
    expect(sc.px[0]!).toBeLessThanOrEqual(40);
  });

  it('the detector runs on a 640×480 frame and finds no face in noise', async () => {
    const det = await reg.get(reg.byTask('face-detection')[0]!.manifest.id);
    expect(await detectFaces(det, noise(640, 480, 1), { tiles: true })).toEqual([]);
  });

  it('the face model gives a probability and a 0..1 heatmap for a batch of crops', async () => {
    const m = await reg.get(reg.byTask('face-manipulation')[0]!.manifest.id);
    const [h, w] = m.manifest.input.shape.slice(2) as [number, number];
    const out = await classify(m, [noise(w, h, 1), noise(w, h, 2), noise(w, h, 3)]);
    expect(out).toHaveLength(3);
    for (const o of out) {
      expect(Number.isFinite(o.rawLogit)).toBe(true);
      expect(o.probability).toBeGreaterThanOrEqual(0);
      expect(o.probability).toBeLessThanOrEqual(1);
      expect(o.heatmap!.data.every((v) => v >= 0 && v <= 1)).toBe(true);
    }
    expect(out[0]!.rawLogit).not.toBe(out[1]!.rawLogit);
  });

  it('the generated-image model reads frames smaller and larger than its input at native size', async () => {
    const m = await reg.get(reg.byTask('generated-image')[0]!.manifest.id);
    for (const [w, h] of [[96, 80], [640, 480], [1280, 720]] as const) {
      const o = await classifyImage(m, noise(w, h, w));
      expect(Number.isFinite(o.rawLogit), `${w}x${h}`).toBe(true);
      expect(o.probability).toBeGreaterThanOrEqual(0);
      expect(o.probability).toBeLessThanOrEqual(1);
    }
  });
});
