/**
 * Camera fingerprints (core/cameras): estimating a fingerprint from reference pictures, and
 * checking one picture against the library — next to decoding the same pictures alone (the
 * floor any check pays), measured in the same run; a half-size copy compared at its scale; a part
 * cut out of the frame, searched for; and the sensor-noise map a match adds (over the whole
 * fingerprint area), next to the PCE of the same picture.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CameraLibrary } from '../src-main/core/cameras/camera-library';
import { cropTurned, pceCrop, readGreyPicture, subPlane } from '../src-main/core/cameras/picture-plane';
import { loadCameraDir } from '../src-main/core/cameras/camera-compute';
import { pceOfResidual, questionedResidual } from '../src-main/core/analysis/prnu';
import { sensorNoiseMap } from '../src-main/core/analysis/prnu-map';
import { DEFAULT_SETTINGS } from '../src-shared/domain/settings';
import { simCamera, writePhoto } from '../tests/helpers/camera-pictures';
import type { BenchContext } from './types';

type Ctx = Pick<BenchContext, 'cacheDir' | 'quick' | 'log' | 'time'>;

const limits = DEFAULT_SETTINGS.limits;
/** The audit log is not what is measured. */
const audit = { append: async () => undefined } as unknown as ConstructorParameters<typeof CameraLibrary>[1];

export default {
  name: 'cameras',
  description: 'camera sensor-noise fingerprints: estimate one, check a picture against the library',
  async run(ctx: Ctx) {
    const [W, H] = ctx.quick ? [1600, 1200] : [4032, 3024];
    const refsCount = 8;
    const dir = path.join(ctx.cacheDir, `cameras-${W}x${H}`);
    const refs = path.join(dir, 'refs');
    const cam = simCamera(1, W, H);
    const pic = (name: string) => path.join(dir, name);
    if (!fs.existsSync(pic('questioned.jpg'))) {
      ctx.log(`generating ${refsCount + 1} synthetic ${W}×${H} camera pictures`);
      for (let i = 0; i < refsCount; i++) await writePhoto(path.join(refs, `ref${i}.jpg`), cam, 100 + i);
      await writePhoto(pic('questioned.jpg'), cam, 999);
    }
    if (!fs.existsSync(pic('other-camera.jpg'))) await writePhoto(pic('other-camera.jpg'), simCamera(2, W, H), 998);
    if (!fs.existsSync(pic('half-size.jpg'))) await writePhoto(pic('half-size.jpg'), cam, 997, { resize: 0.5 });
    if (!fs.existsSync(pic('cut-out.jpg'))) await writePhoto(pic('cut-out.jpg'), cam, 996, { cut: { left: 1000, top: 800, width: 1600, height: 1200 } });
    if (!fs.existsSync(pic('other-cut-out.jpg'))) await writePhoto(pic('other-cut-out.jpg'), simCamera(2, W, H), 995, { cut: { left: 1000, top: 800, width: 1600, height: 1200 } });
    const lib = path.join(dir, 'library');
    fs.rmSync(lib, { recursive: true, force: true });
    const library = new CameraLibrary(lib, audit);
    const refFiles = fs.readdirSync(refs).map((n) => path.join(refs, n));
    const mp = ((W * H) / 1e6).toFixed(1);

    let n = 0;
    const add = await ctx.time(() => library.add({ name: `camera ${n++}`, paths: [refs], actor: null, limits }), { runs: 1 });
    const decodeRefs = await ctx.time(async () => {
      for (const f of refFiles) await readGreyPicture(f, limits);
    }, { runs: 1 });
    const figures = [
      { figure: `fingerprint from ${refsCount} pictures of ${mp} MP`, value: Math.round(add.medianMs), unit: 'ms', detail: `crop ${add.result.camera.crop.w}×${add.result.camera.crop.h}`, compareTo: 'decoding them (baseline)' },
      { figure: 'decoding them (baseline)', value: Math.round(decodeRefs.medianMs), unit: 'ms', detail: 'sharp, luminance, stored orientation' },
    ];
    // The library now holds one fingerprint; checks against 1 and against 5 of the picture's size.
    const check1 = await ctx.time(() => library.check(pic('questioned.jpg'), { actor: null, limits }));
    for (let i = 1; i < 5; i++) await library.add({ name: `camera ${n++}`, paths: [refs], actor: null, limits });
    const check5 = await ctx.time(() => library.check(pic('questioned.jpg'), { actor: null, limits }));
    const other5 = await ctx.time(() => library.check(pic('other-camera.jpg'), { actor: null, limits }));
    const half5 = await ctx.time(() => library.check(pic('half-size.jpg'), { actor: null, limits }));
    const cut5 = await ctx.time(() => library.check(pic('cut-out.jpg'), { actor: null, limits }), { runs: 1 });
    const otherCut5 = await ctx.time(() => library.check(pic('other-cut-out.jpg'), { actor: null, limits }), { runs: 1 });
    const decode = await ctx.time(() => readGreyPicture(pic('questioned.jpg'), limits));
    // The sensor-noise map a match adds (included in the checks above), next to the PCE of the same residual.
    const { cameras } = await loadCameraDir(path.join(lib, 'cameras'));
    const fp = cameras[0]!;
    // The match test reads the central ≤ 1024² of the fingerprint's area; the map covers all of it (its residual too).
    const sub = pceCrop(fp.header.crop);
    const subPlaneOf = cropTurned(decode.result, 0, sub);
    const subResidual = questionedResidual(subPlaneOf);
    const subK = subPlane(fp.data, fp.header.crop, sub);
    const pceOnly = await ctx.time(() => pceOfResidual(subResidual, subPlaneOf, { width: sub.w, height: sub.h, data: subK }));
    const plane = cropTurned(decode.result, 0, fp.header.crop);
    const mapOnly = await ctx.time(() => sensorNoiseMap(plane, questionedResidual(plane), fp.data));
    figures.push(
      { figure: `check a ${mp} MP picture, 1 fingerprint`, value: Math.round(check1.medianMs), unit: 'ms', detail: `PCE ${Math.round(check1.result.matches[0]?.pce ?? 0)}; includes starting the thread`, compareTo: 'decoding the picture (baseline)' },
      { figure: `check a ${mp} MP picture, 5 fingerprints`, value: Math.round(check5.medianMs), unit: 'ms', detail: 'it matches each at the first turn tried', compareTo: 'decoding the picture (baseline)' },
      { figure: `another camera's picture, 5 fingerprints`, value: Math.round(other5.medianMs), unit: 'ms', detail: `no match: two turns tried each (best PCE ${Math.round(Math.max(...other5.result.matches.map((m) => m.pce ?? 0)))})`, compareTo: 'decoding the picture (baseline)' },
      { figure: `a half-size copy (${half5.result.file.width}×${half5.result.file.height}), 5 fingerprints`, value: Math.round(half5.medianMs), unit: 'ms', detail: `compared at scale 0.5: ${half5.result.matches.filter((m) => m.outcome === 'match').length} of 5 match (PCE ${Math.round(half5.result.matches[0]?.pce ?? 0)})`, compareTo: 'decoding the picture (baseline)' },
      { figure: `a part cut out (${cut5.result.file.width}×${cut5.result.file.height}), 5 fingerprints`, value: Math.round(cut5.medianMs), unit: 'ms', detail: `searched: ${cut5.result.matches.filter((m) => m.outcome === 'match').length} of 5 found, at (${cut5.result.matches[0]?.offset?.x}, ${cut5.result.matches[0]?.offset?.y}), at the first turn`, compareTo: 'decoding the picture (baseline)' },
      { figure: `another camera's part cut out, 5 fingerprints`, value: Math.round(otherCut5.medianMs), unit: 'ms', detail: `searched at four turns each: best PCE ${Math.round(Math.max(...otherCut5.result.matches.map((m) => m.pce ?? 0)))}`, compareTo: 'decoding the picture (baseline)' },
      { figure: 'decoding the picture (baseline)', value: Math.round(decode.medianMs), unit: 'ms', detail: 'sharp, luminance, stored orientation' },
      { figure: `sensor-noise map of a match, ${plane.width}×${plane.height}`, value: Math.round(mapOnly.medianMs), unit: 'ms', detail: `its residual included; ${mapOnly.result.cols * mapOnly.result.rows} blocks, ${Math.round(mapOnly.result.judgedShare * 100)} % judged, ${mapOnly.result.regions.length} regions`, compareTo: 'PCE of the same picture (baseline)' },
      { figure: 'PCE of the same picture (baseline)', value: Math.round(pceOnly.medianMs), unit: 'ms', detail: `one fingerprint, one turn, its central ${sub.w}×${sub.h}, residual ready` },
    );
    return figures;
  },
};
