/**
 * The sensor-noise map of a picture that matches a camera, carried to the picture: stored pixels
 * for a picture stored turned, upright for its EXIF orientation; the verdict rule; and the
 * analysis of a picture with content pasted in from another camera (record, overlay, report).
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FingerprintBuilder } from '../../../src-main/core/analysis/prnu';
import { compareAndMap } from '../../../src-main/core/cameras/camera-compute';
import { cropFor, cropTurned, luminance, pceCrop, type GreyPicture } from '../../../src-main/core/cameras/picture-plane';
import { uprightSensorMap, withSensorGaps } from '../../../src-main/core/cameras/sensor-map';
import { sensorNoiseLine, type SensorNoiseCheck } from '../../../src-shared/domain/cameras';
import type { Verdict } from '../../../src-shared/domain/detection';
import { DEFAULT_SETTINGS } from '../../../src-shared/domain/settings';
import { fingerprintFile, pasteSquare, simCamera, simPhoto, writePhoto } from '../../helpers/camera-pictures';
import { iou } from '../../../scripts/eval-args';
import { writeStandardModels } from '../../helpers/analysis-models';
import { pdfText } from '../../helpers/pdf-tools';
import { tempDir, testCore } from '../../helpers/core';

describe('the map carried to the picture', () => {
  const W = 1024;
  const H = 512;
  const cam = simCamera(41, W, H);
  const other = simCamera(42, W, H);
  const grey = (rgb: Buffer) => luminance(new Uint8Array(rgb), W, H);
  const builder = new FingerprintBuilder(W, H);
  for (let i = 0; i < 8; i++) builder.add({ width: W, height: H, data: grey(simPhoto(cam, 200 + i)) });
  const fp = builder.finish();
  const camera = fingerprintFile({ id: 'cam-t', name: 'Test camera', width: W, height: H, crop: { x: 0, y: 0, w: W, h: H }, images: 8, data: fp.data });

  it('finds a pasted region of a picture stored upside down where it is in the stored picture, and upright where the viewer sees it', () => {
    // Pasted at (300, 200) in the camera's orientation; the file stores the rows turned half a turn.
    const tampered = grey(pasteSquare(simPhoto(cam, 300), simPhoto(other, 301), W, 300, 200, 176));
    const stored = Float32Array.from(tampered).reverse();
    const pic: GreyPicture = { name: 'p.png', path: '/p.png', sha256: '', format: 'png', make: null, model: null, width: W, height: H, data: stored, orientation: 1 };
    const { matches, map } = compareAndMap(pic, [camera], undefined, true);
    expect(matches[0]).toMatchObject({ outcome: 'match', rotation: 180 });
    expect(map!.regions).toHaveLength(1);
    const r = map!.regions[0]!;
    // In stored pixels the square lies at (1024 − 300 − 176, 512 − 200 − 176) = (548, 136); the map's resolution is a block.
    expect(iou(r, { x: 548, y: 136, w: 176, h: 176 })).toBeGreaterThan(0.4);
    expect(map!.area).toEqual({ x: 0, y: 0, w: W, h: H });
    // The heat is warm over the square's stored place and cold far from it.
    const heatAt = (x: number, y: number) => map!.heat[Math.floor(y / 8) * map!.blocksWide + Math.floor(x / 8)]!;
    expect(heatAt(636, 224)).toBeGreaterThanOrEqual(1);
    expect(heatAt(100, 450)).toBeLessThan(1);

    // EXIF orientation 6 (the viewer turns the stored rows a quarter clockwise): stored (x, y) shows at (H − 1 − y, x).
    const { check, upright } = uprightSensorMap(map!, 6);
    const u = check.regions[0]!;
    expect(u).toMatchObject({ x: H - r.y - r.h, y: r.x, w: r.h, h: r.w, blocks: r.blocks });
    expect(u.areaShare).toBeCloseTo((r.w * r.h) / (W * H), 3);
    expect(check).toMatchObject({ method: 'local PRNU correlation 1', cameraId: 'cam-t', cameraName: 'Test camera', area: { x: 0, y: 0, w: H, h: W }, coverage: 1, block: 128 });
    expect(upright).toMatchObject({ width: H, height: W });
    expect(sensorNoiseLine(check)).toMatch(/^1 region lacks the sensor noise of “Test camera” that the rest of the picture carries, as content pasted in or painted over does: \d+×\d+ px at \(\d+, \d+\) \(map over 100 % of the picture \(its central 512×1024\); \d+ % of it could be judged\)$/);
  });

  it('makes no map without a match', () => {
    const pic: GreyPicture = { name: 'o.png', path: '/o.png', sha256: '', format: 'png', make: null, model: null, width: W, height: H, data: grey(simPhoto(other, 400)), orientation: 1 };
    const { matches, map } = compareAndMap(pic, [camera], undefined, true);
    expect(matches[0]!.outcome).toBe('no-match');
    expect(map).toBeNull();
  });

  it('keeps a picture with a region lacking the noise out of the authentic band, and leaves the verdict alone otherwise', () => {
    const m: SensorNoiseCheck = { method: 'local PRNU correlation 1', cameraId: 'c', cameraName: 'Cam', area: { x: 0, y: 0, w: 1024, h: 1024 }, coverage: 0.1, judgedShare: 0.9, block: 128, threshold: 0.03, regions: [{ x: 10, y: 20, w: 200, h: 180, areaShare: 0.03, blocks: 30, correlation: 0.002, predicted: 0.12 }] };
    const v: Verdict = { band: 'authentic', probability: 0.05, thresholds: { authentic: 0.2, manipulated: 0.8 }, explanation: 'Models say authentic.', decidedBy: 'combined' };
    const out = withSensorGaps(v, m);
    expect(out.band).toBe('inconclusive');
    expect(out.probability).toBe(0.05);
    expect(out.explanation).toBe('Models say authentic. But the sensor-noise map found that 1 region (largest 200×180 px) lacks the sensor noise of the camera “Cam” that the rest of the picture carries, as content pasted in or painted over does. So the picture is not called authentic: inconclusive; see where in the sensor-noise evidence.');
    expect(withSensorGaps({ ...v, band: 'manipulated', probability: 0.9 }, m).band).toBe('manipulated');
    expect(withSensorGaps(v, { ...m, regions: [] })).toBe(v);
    expect(sensorNoiseLine({ ...m, regions: [] })).toBe('The noise of “Cam” is present wherever it could be judged: no region lacks it (map over 10 % of the picture (its central 1024×1024); 90 % of it could be judged; regions under 128 px cannot be found)');
    expect(sensorNoiseLine({ ...m, regions: [], judgedShare: 0.01 })).toMatch(/^Where the noise of “Cam” is missing could not be mapped: its noise is too weak block by block/);
  });
});

describe('a fingerprint area wider than the match test reads', () => {
  it('matches on the central part and maps the whole area: a paste outside that part is found', () => {
    // A 2080×520 camera: its fingerprint covers 2048×512 at (16, 4); the match test correlates the central 1024×512 only.
    const W = 2080;
    const H = 520;
    const cam = simCamera(71, W, H);
    const other = simCamera(72, W, H);
    const area = cropFor(W, H)!;
    expect(area).toEqual({ x: 16, y: 4, w: 2048, h: 512 });
    expect(pceCrop(area)).toEqual({ x: 528, y: 4, w: 1024, h: 512 });
    const grey = (rgb: Buffer) => luminance(new Uint8Array(rgb), W, H);
    const builder = new FingerprintBuilder(area.w, area.h);
    for (let i = 0; i < 8; i++) builder.add(cropTurned({ width: W, height: H, data: grey(simPhoto(cam, 900 + i)) }, 0, area));
    const camera = fingerprintFile({ id: 'cam-w', name: 'Wide camera', width: W, height: H, crop: area, images: 8, data: builder.finish().data });
    // Pasted at (150, 180), 200 px: in the area, well left of the part the match test reads (x ≥ 528).
    const pic: GreyPicture = { name: 'w.png', path: '/w.png', sha256: '', format: 'png', make: null, model: null, width: W, height: H, data: grey(pasteSquare(simPhoto(cam, 950), simPhoto(other, 951), W, 150, 180, 200)), orientation: 1 };
    const { matches, map } = compareAndMap(pic, [camera], undefined, true);
    expect(matches[0]).toMatchObject({ outcome: 'match', rotation: 0 });
    expect(map!.area).toEqual(area);
    const { check } = uprightSensorMap(map!, 1);
    expect(check.coverage).toBeCloseTo((2048 * 512) / (W * H), 3);
    expect(check.regions).toHaveLength(1);
    expect(iou(check.regions[0]!, { x: 150, y: 180, w: 200, h: 200 })).toBeGreaterThan(0.4);
  });
});

describe('the analysis of a picture with content pasted in from another camera', () => {
  const W = 1024;
  const H = 768;
  const camA = simCamera(51, W, H);
  const camB = simCamera(52, W, H);
  const work = tempDir('mg-sensor-map-');
  const refs = path.join(work.dir, 'refs');
  const tamperedPath = path.join(work.dir, 'tampered.jpg');
  const authenticPath = path.join(work.dir, 'authentic.jpg');
  const resizedPath = path.join(work.dir, 'resized.jpg');

  beforeAll(async () => {
    for (let i = 0; i < 12; i++) await writePhoto(path.join(refs, `a${i}.jpg`), camA, 5000 + i);
    await writePhoto(authenticPath, camA, 6000);
    await writePhoto(resizedPath, camA, 6002, { resize: 0.75 });
    const tampered = pasteSquare(simPhoto(camA, 6001), simPhoto(camB, 7001), W, 420, 300, 200);
    await fs.promises.writeFile(tamperedPath, await sharp(tampered, { raw: { width: W, height: H, channels: 3 } }).jpeg({ quality: 95 }).toBuffer());
  }, 120_000);
  afterAll(() => work.cleanup());

  it('records the region, keeps the picture out of the authentic band, pictures it and reports it; an authentic picture shows none; a resized one matches at its scale', async () => {
    const models = tempDir('mg-sensor-models-');
    writeStandardModels(models.dir);
    const { core, cleanup } = await testCore({ bundledModels: false, analysisInProcess: true, modelsDir: models.dir });
    try {
      const owner = { userId: 'u1', username: 'ivy', role: 'investigator' as const };
      await core.cameras.add({ name: 'Exhibit 7 camera', paths: [refs], actor: owner, limits: DEFAULT_SETTINGS.limits });
      const analyse = async (file: string) => {
        const { jobs } = await core.analysis.engine.start([file], owner, { store: true, senderId: null });
        const out = await core.analysis.engine.wait(jobs[0]!.jobId);
        expect(out.job.state, JSON.stringify(out.job.error)).toBe('done');
        return (await core.detections.get(out.job.detectionId!))!;
      };
      const t = await analyse(tamperedPath);
      expect(t.sourceCamera!.matches[0]).toMatchObject({ cameraName: 'Exhibit 7 camera', outcome: 'match' });
      const m = t.sourceCamera!.integrity!;
      expect(m).toMatchObject({ cameraName: 'Exhibit 7 camera', area: { x: 0, y: 128, w: 1024, h: 512 }, block: 128 });
      expect(m.regions).toHaveLength(1);
      const r = m.regions[0]!;
      // The pasted square: (420, 300), 200 px; the map's resolution is a block.
      expect(iou(r, { x: 420, y: 300, w: 200, h: 200 })).toBeGreaterThan(0.4);
      expect(r.x).toBeLessThanOrEqual(520);
      expect(r.y).toBeLessThanOrEqual(400);
      expect(r.x + r.w).toBeGreaterThanOrEqual(520);
      expect(r.y + r.h).toBeGreaterThanOrEqual(400);
      expect(t.verdict.band).not.toBe('authentic');
      expect(t.verdict.explanation).toMatch(/sensor-noise map (also )?found that 1 region \(largest \d+×\d+ px\) lacks the sensor noise of the camera “Exhibit 7 camera”/);
      expect(t.warnings.find((w) => w.code === 'SENSOR_NOISE_GAPS')?.message).toMatch(/^The picture matches the camera “Exhibit 7 camera”, but 1 region lacks its sensor noise \(largest \d+×\d+ px at \(\d+, \d+\)\)/);
      const art = t.artifacts.find((a) => a.key === m.artifact);
      expect(art).toMatchObject({ kind: 'sensor', mime: 'image/png' });
      expect(art!.note).toMatch(/^Sensor-noise map: where the picture lacks the noise of the camera “Exhibit 7 camera”/);

      const pdf = path.join(models.dir, 't.pdf');
      await core.reports.exportReport({ detectionId: t.id, destPath: pdf, author: { userId: 'u1', username: 'ivy', displayName: 'Ivy', role: 'investigator' }, overwrite: false });
      const text = pdfText(fs.readFileSync(pdf)).replace(/\s+/g, ' ');
      expect(text).toMatch(/Sensor-noise map/);
      expect(text).toMatch(/1 region lacks the sensor noise of “Exhibit 7 camera”/);
      expect(text).toMatch(/Sensor-noise map · \d+×\d+ · warm: the camera’s noise missing; boxes: regions/);

      const a = await analyse(authenticPath);
      expect(a.sourceCamera!.matches[0]!.outcome).toBe('match');
      expect(a.sourceCamera!.integrity!.regions).toEqual([]);
      expect(a.sourceCamera!.integrity!.judgedShare).toBeGreaterThan(0.5);
      expect(a.sourceCamera!.integrity!.artifact).toBeUndefined();
      expect(a.verdict.explanation).not.toMatch(/sensor-noise map/);
      expect(a.warnings.some((w) => w.code === 'SENSOR_NOISE_GAPS')).toBe(false);

      // The camera's picture resized to 768×576: matched at its scale, in the record and the report; not mapped (the map reads blocks at the camera's own scale).
      const r2 = await analyse(resizedPath);
      expect(r2.sourceCamera).toMatchObject({ cameras: 1, otherSizes: 0, matches: [{ cameraName: 'Exhibit 7 camera', outcome: 'match', rotation: 0, scale: 0.75 }] });
      expect(r2.sourceCamera!.integrity ?? null).toBeNull();
      const pdf2 = path.join(models.dir, 'r.pdf');
      await core.reports.exportReport({ detectionId: r2.id, destPath: pdf2, author: { userId: 'u1', username: 'ivy', displayName: 'Ivy', role: 'investigator' }, overwrite: false });
      const text2 = pdfText(fs.readFileSync(pdf2)).replace(/\s+/g, ' ');
      expect(text2).toMatch(/Sensor noise matches “Exhibit 7 camera” \(PCE \d+, the picture resized ×0\.75\)/);
      expect(text2).toMatch(/0°, resized/); // the table cell (its scale wraps to the next line)
    } finally {
      await cleanup();
      models.cleanup();
    }
  }, 180_000);
});
