/**
 * 'center-crop' generated-image models read the central pixels of a frame unresampled
 * (resampling erases the traces they look for), and smaller frames go in at their own size.
 */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { classifyImage } from '../../../src-main/core/analysis/classify';
import { centerCrop } from '../../../src-main/core/analysis/image-ops';
import { parseManifest } from '../../../src-main/core/analysis/manifest';
import { ModelRegistry } from '../../../src-main/core/analysis/registry';
import type { RgbImage } from '../../../src-main/core/analysis/types';
import { createLogger } from '../../../src-main/core/log/logger';
import type { GraphSpec } from '../../helpers/onnx-builder';
import { testManifest, writeModel } from '../../helpers/analysis-models';
import { tempDir } from '../../helpers/core';

const log = createLogger('test', { level: 'error', sink: () => undefined });

/** logit = mean |x[..., w+1] − x[..., w]| over the whole input (0..1 pixels): 1 for a 0/255 column stripe pattern. */
function stripeGraph(fixed?: [number, number]): GraphSpec {
  const [h, w] = fixed ?? ['H', 'W'];
  return {
    nodes: [
      { op: 'Slice', inputs: ['input', 's1', 'e1', 'ax'], outputs: ['right'] },
      { op: 'Slice', inputs: ['input', 's0', 'e0', 'ax'], outputs: ['left'] },
      { op: 'Sub', inputs: ['right', 'left'], outputs: ['d'] },
      { op: 'Abs', inputs: ['d'], outputs: ['ad'] },
      { op: 'ReduceMean', inputs: ['ad'], outputs: ['logit'], attrs: { axes: [1, 2, 3], keepdims: 1 } },
    ],
    initializers: [
      { name: 's1', dims: [1], data: [1], int64: true },
      { name: 'e1', dims: [1], data: [1_000_000], int64: true },
      { name: 's0', dims: [1], data: [0], int64: true },
      { name: 'e0', dims: [1], data: [-1], int64: true },
      { name: 'ax', dims: [1], data: [3], int64: true },
    ],
    inputs: [{ name: 'input', shape: [1, 3, h, w] }],
    outputs: [{ name: 'logit', shape: [1, 1, 1, 1] }],
  };
}

const manifest = (id: string) =>
  testManifest(id, 'generated-image', {
    input: { name: 'input', shape: [1, 3, 64, 64], layout: 'NCHW', colorOrder: 'RGB', scale: 255, mean: [0, 0, 0], std: [1, 1, 1], resize: 'center-crop' },
    outputs: { logit: { name: 'logit' } },
  });

/** Grey frame with 0/255 alternating columns only inside its central 64×64 region. */
function stripedCentre(w: number, h: number): RgbImage {
  const data = new Uint8Array(w * h * 3).fill(128);
  const x0 = (w - 64) >> 1;
  const y0 = (h - 64) >> 1;
  for (let y = y0; y < y0 + 64; y++) for (let x = x0; x < x0 + 64; x++) data.fill((x - x0) % 2 ? 255 : 0, (y * w + x) * 3, (y * w + x) * 3 + 3);
  return { width: w, height: h, data };
}

describe("generated-image models with resize 'center-crop'", () => {
  let t: { dir: string; cleanup: () => void };
  let reg: ModelRegistry;
  const models = () => path.join(t.dir, 'models');
  beforeEach(() => {
    t = tempDir('mg-cc-');
    reg = new ModelRegistry({ dirs: [{ dir: models(), source: 'bundled' }], importDir: path.join(t.dir, 'imp'), log, threads: 1 });
  });
  afterEach(async () => {
    await reg.close();
    t.cleanup();
  });

  it('centerCrop copies the central pixels and keeps small images whole', () => {
    const img = stripedCentre(300, 200);
    const c = centerCrop(img, 64, 64);
    expect([c.width, c.height]).toEqual([64, 64]);
    expect(Array.from(c.data.subarray(0, 6))).toEqual([0, 0, 0, 255, 255, 255]);
    const small = centerCrop({ width: 10, height: 6, data: new Uint8Array(180).fill(7) }, 64, 64);
    expect([small.width, small.height]).toEqual([10, 6]);
  });

  it('feeds the native central crop (no resampling): the stripe pattern reaches the model intact', async () => {
    writeModel(models(), stripeGraph(), manifest('t-cc'));
    const m = await reg.get('t-cc');
    const r = await classifyImage(m, stripedCentre(1000, 600));
    expect(r.rawLogit).toBeCloseTo(1, 5); // any resampling would blur the 1-pixel stripes below 1
  });

  it('sends a frame smaller than the input at its own size', async () => {
    writeModel(models(), stripeGraph(), manifest('t-cc-small'));
    const m = await reg.get('t-cc-small');
    const data = new Uint8Array(20 * 10 * 3);
    for (let i = 0; i < 20 * 10; i++) data.fill(i % 2 ? 255 : 0, i * 3, i * 3 + 3);
    const r = await classifyImage(m, { width: 20, height: 10, data });
    expect(r.rawLogit).toBeCloseTo(1, 5);
  });

  it('refuses a center-crop model whose graph fixes height and width', async () => {
    writeModel(models(), stripeGraph([64, 64]), manifest('t-cc-fixed'));
    await expect(reg.get('t-cc-fixed')).rejects.toMatchObject({ code: 'MODEL_INVALID', message: expect.stringMatching(/dynamic height and width/) });
  });

  it("refuses 'center-crop' on face models", () => {
    const bad = { ...testManifest('t-face-cc', 'face-manipulation'), file: 'x.onnx', sha256: 'a'.repeat(64) };
    bad.input = { ...bad.input, resize: 'center-crop' };
    expect(() => parseManifest(bad, 'test')).toThrow(/generated-image models only/);
    expect(() => parseManifest({ ...bad, input: { ...bad.input, resize: 'stretch' } }, 'test')).not.toThrow();
  });
});
