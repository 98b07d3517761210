/** Face detection maps boxes from the model input back to frame pixels, for each way of placing the frame. */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectFaces, tileGrid } from '../../../src-main/core/analysis/face-detect';
import type { ModelRegistry } from '../../../src-main/core/analysis/registry';
import { detectorGraph, solidFrame, TEST_BOX, testManifest, testRegistry, writeModel } from '../../helpers/analysis-models';
import { tempDir } from '../../helpers/core';

describe('face detection placement', () => {
  let t: { dir: string; cleanup: () => void };
  let reg: ModelRegistry;
  beforeEach(() => {
    t = tempDir('mg-fd-');
    reg = testRegistry(t.dir);
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

  it('tiles a large picture into at most 3×3 overlapping tiles, and not a small one', () => {
    expect(tileGrid(500, 400, 384)).toEqual([]);
    const g = tileGrid(1024, 768, 384);
    expect(g).toHaveLength(4);
    expect(g[0]).toMatchObject({ x: 0, y: 0 });
    expect(Math.max(...g.map((t) => t.x + t.w))).toBe(1024);
    expect(Math.max(...g.map((t) => t.y + t.h))).toBe(768);
    expect(g[1]!.x).toBeLessThan(g[0]!.w); // overlap
    expect(tileGrid(4000, 3000, 384)).toHaveLength(9);
  });

  it('finds a face only the tile pass can see, in frame coordinates, and only with tiles on', async () => {
    const graph = detectorGraph();
    graph.initializers = (graph.initializers ?? []).map((i) => (i.name === 'box_c' ? { ...i, data: [0.45, 0.45, 0.55, 0.55] } : i));
    writeModel(path.join(t.dir, 'models'), graph, testManifest('d-small', 'face-detection'));
    const model = await reg.get('d-small');
    // Dark 1200×900 frame with one bright patch inside the first tile: too little light for
    // the whole-frame pass, plenty for the tile that holds it.
    const big = { width: 1200, height: 900, data: solidFrame(1200, 900, [0, 0, 0], { x1: 100 / 1200, y1: 100 / 900, x2: 400 / 1200, y2: 350 / 900, color: [255, 255, 255] }), index: 0, timeSec: 0 };
    expect(await detectFaces(model, big)).toEqual([]);
    const found = await detectFaces(model, big, { tiles: true });
    expect(found).toHaveLength(1);
    const tile = tileGrid(1200, 900, 64)[0]!;
    expect(found[0]!.x).toBeCloseTo(0.45 * tile.w, 0);
    expect(found[0]!.y).toBeCloseTo(0.45 * tile.h, 0);
    expect(found[0]!.w).toBeCloseTo(0.1 * tile.w, 0);
  });

  it('zoom-out pass: a face that fills the frame is found on a canvas twice its size, mapped back to the frame', async () => {
    // A detector that answers on dark inputs only (score = sigmoid(4 − 20·mean)): the mid-grey
    // frame (mean 0.3) is refused as it is, and accepted when it covers a quarter of a black canvas.
    const graph = (box: readonly [number, number, number, number]) => {
      const g = detectorGraph([box]);
      g.initializers = (g.initializers ?? []).map((i) => (i.name === 'k' ? { ...i, data: [-20] } : i.name === 'bias' ? { ...i, data: [4] } : i));
      return g;
    };
    writeModel(path.join(t.dir, 'models'), graph(TEST_BOX), testManifest('d-zoom', 'face-detection'));
    const model = await reg.get('d-zoom');
    const grey = { width: 400, height: 200, data: solidFrame(400, 200, [77, 77, 77]), index: 0, timeSec: 0 };
    expect(await detectFaces(model, grey)).toEqual([]);
    const found = await detectFaces(model, grey, { zoomOut: true });
    expect(found).toHaveLength(1);
    // 400×200 → 32×16 at (16, 24) of the 64×64 canvas; 12.5 frame px per canvas px; clipped to the frame.
    expect(found[0]!.x).toBeCloseTo((0.3 * 64 - 16) * 12.5, 3);
    expect(found[0]!.y).toBe(0);
    expect(found[0]!.x + found[0]!.w).toBeCloseTo((0.7 * 64 - 16) * 12.5, 3);
    expect(found[0]!.y + found[0]!.h).toBe(200);
    expect(found[0]!.landmarks![2]).toEqual([expect.closeTo((0.5 * 64 - 16) * 12.5, 3), expect.closeTo((0.5 * 64 - 24) * 12.5, 3)]);
    // A box under 30 % of the frame's shorter side is not the zoom-out pass's to report.
    writeModel(path.join(t.dir, 'models'), graph([0.48, 0.48, 0.52, 0.52]), testManifest('d-zoom-small', 'face-detection'));
    expect(await detectFaces(await reg.get('d-zoom-small'), grey, { zoomOut: true })).toEqual([]);
  });
});
