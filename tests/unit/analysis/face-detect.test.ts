/** Face detection maps boxes from the model input back to frame pixels, for each way of placing the frame. */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectFaces } from '../../../src-main/core/analysis/face-detect';
import { ModelRegistry } from '../../../src-main/core/analysis/registry';
import { createLogger } from '../../../src-main/core/log/logger';
import { detectorGraph, solidFrame, TEST_BOX, testManifest, writeModel } from '../../helpers/analysis-models';
import { tempDir } from '../../helpers/core';

const log = createLogger('test', { level: 'error', sink: () => undefined });

describe('face detection placement', () => {
  let t: { dir: string; cleanup: () => void };
  let reg: ModelRegistry;
  beforeEach(() => {
    t = tempDir('mg-fd-');
    reg = new ModelRegistry({ dirs: [{ dir: path.join(t.dir, 'models'), source: 'bundled' }], importDir: path.join(t.dir, 'imp'), log, threads: 1 });
  });
  afterEach(async () => {
    await reg.close();
    t.cleanup();
  });

  const frame = { width: 400, height: 200, data: solidFrame(400, 200, [230, 230, 230]), index: 0, timeSec: 0 };
  const [x1, y1, x2, y2] = TEST_BOX.map((v) => v * 64);

  it('stretch: input box × (frame / input)', async () => {
    writeModel(path.join(t.dir, 'models'), detectorGraph(), testManifest('d-stretch', 'face-detection'));
    const [b] = await detectFaces(await reg.get('d-stretch'), frame);
    expect(b).toMatchObject({ x: expect.closeTo(x1! * (400 / 64), 3), y: expect.closeTo(y1! * (200 / 64), 3), w: expect.closeTo((x2! - x1!) * (400 / 64), 3) });
  });

  it('centred letterbox: the padding offset is removed before scaling back', async () => {
    const m = testManifest('d-center', 'face-detection');
    writeModel(path.join(t.dir, 'models'), detectorGraph(), { ...m, input: { ...m.input, resize: 'letterbox', letterboxAlign: 'center', interpolation: 'area' } as typeof m.input });
    const [b] = await detectFaces(await reg.get('d-center'), frame);
    // 400×200 → 64×32 placed at y 16..48 of the 64×64 input; scale 6.25 both ways.
    expect(b!.x).toBeCloseTo(x1! * 6.25, 3);
    expect(b!.y).toBeCloseTo(Math.max(0, (y1! - 16) * 6.25), 3);
    expect(b!.y + b!.h).toBeCloseTo(Math.min(200, (y2! - 16) * 6.25), 3);
    expect(b!.landmarks![2]![1]).toBeCloseTo((0.5 * 64 - 16) * 6.25, 3);
  });
});
