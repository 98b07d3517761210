/**
 * Evaluation of the sensor-noise map (`npm run eval:sensor-map -- [--data <folder>]`): how often
 * a region pasted in from another camera's picture is found where it is, and how often an
 * untouched picture of the camera gets a region anyway. No set of pictures from known cameras is
 * available, so cameras are simulated (tests/helpers/camera-pictures.ts): each has its own
 * multiplicative pattern (--strength, 0.006 by default); a picture is content × (1 + K) plus shot
 * noise, rounded and saved as JPEG at each --quality. The content is the real photographs of the
 * --data folder's MANIFEST.tsv (its real stills of at least 512 px a side, resized to cover
 * --size, 1024x768 by default), or without --data the helpers' synthetic scenes. The first --refs
 * (12) pictures make the fingerprint (as `cameras add` does); each of the next --limit (8) is
 * judged untouched and with a --paste px square (200) from another picture through another
 * camera, placed at random inside the fingerprint's area. A paste counts as found when a region's
 * box overlaps at least half of it; a region overlapping none of it is a false region. Everything
 * is in memory; nothing is written. --verbose prints every picture's outcome and regions.
 */
import sharp from 'sharp';
import { compareAndMap } from '../src-main/core/cameras/camera-compute';
import { FingerprintBuilder } from '../src-main/core/analysis/prnu';
import { cropFor, cropTurned, luminance, type GreyPicture } from '../src-main/core/cameras/picture-plane';
import { fingerprintFile, pasteSquare, prng, simCamera, type SimCamera } from '../tests/helpers/camera-pictures';
import { evalArgs, iou, overlap, pct, type Rect } from './eval-args';
import { contents, expose } from './eval-sensors';

const USAGE = 'usage: npm run eval:sensor-map -- [--data <folder with MANIFEST.tsv>] [--limit N] [--refs N] [--quality 95,90] [--strength 0.006] [--size 1024x768] [--paste 200] [--verbose]';

/** A camera's picture of `content` (with `paste`'s square box replaced by the same box of its picture), saved as JPEG at `quality`, decoded back to luminance. */
async function shoot(cam: SimCamera, content: Buffer, seed: number, quality: number, paste?: { from: Buffer; box: Rect }): Promise<GreyPicture> {
  const { width: W, height: H } = cam;
  const out = expose(cam, content, seed);
  const shot = paste ? pasteSquare(out, paste.from, W, paste.box.x, paste.box.y, paste.box.w) : out;
  const jpeg = await sharp(shot, { raw: { width: W, height: H, channels: 3 } }).jpeg({ quality }).toBuffer();
  const dec = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
  return { name: '', path: '', sha256: '', format: 'jpeg', make: null, model: null, width: W, height: H, data: luminance(new Uint8Array(dec.data), W, H), orientation: 1 };
}

async function main() {
  const a = evalArgs(process.argv.slice(2));
  if ('help' in a) {
    console.log(USAGE);
    return;
  }
  const [W, H] = (a.size ?? '1024x768').split('x').map(Number) as [number, number];
  const refs = a.refs ? Number(a.refs) : 12;
  const limit = a.limit ? Number(a.limit) : 8;
  const qualities = (a.quality ?? '95,90').split(',').map(Number);
  const strength = a.strength ? Number(a.strength) : 0.006;
  const side = a.paste ? Number(a.paste) : 200;
  const verbose = 'verbose' in a;
  const crop = cropFor(W, H);
  if (!crop || ![W, H, refs, limit, strength, side, ...qualities].every((v) => Number.isFinite(v) && v > 0) || side > Math.min(crop.w, crop.h)) {
    console.error(USAGE);
    process.exit(2);
  }
  const pics = await contents(a, W, H, refs + 2 * limit);
  if (pics.length < refs + 2) {
    console.error(`Only ${pics.length} content pictures of at least 512 px a side; need ${refs + 2}.`);
    process.exit(2);
  }
  const questioned = pics.slice(refs, refs + limit);
  const donors = pics.slice(refs + limit).concat(pics.slice(0, refs));
  console.log(`Sensor-noise map: ${W}×${H} pictures (map over the central ${crop.w}×${crop.h}), ${refs} reference pictures, pattern ${(strength * 100).toFixed(2)} %, ${side}-px pastes; content: ${a.data ? `real photographs of ${a.data}` : 'synthetic scenes'}`);
  console.log('quality | matched | judged (mean) | untouched with a region | pastes found | false regions | median IoU');
  for (const q of qualities) {
    const camA = simCamera(7001, W, H, strength);
    const camB = simCamera(7002, W, H, strength);
    const builder = new FingerprintBuilder(crop.w, crop.h);
    for (let i = 0; i < refs; i++) builder.add(cropTurned(await shoot(camA, await pics[i]!.rgb(), 100 + i, q), 0, crop));
    const fp = builder.finish();
    const camera = fingerprintFile({ id: 'cam-eval', name: 'simulated camera', width: W, height: H, crop, images: refs, data: fp.data });
    const place = prng(q * 131);
    let matched = 0;
    let judged = 0;
    let mapped = 0;
    let untouchedFalse = 0;
    let found = 0;
    let falseRegions = 0;
    const ious: number[] = [];
    for (let i = 0; i < questioned.length; i++) {
      const content = await questioned[i]!.rgb();
      for (const tampered of [false, true]) {
        const box: Rect = { x: crop.x + Math.floor(place() * (crop.w - side)), y: crop.y + Math.floor(place() * (crop.h - side)), w: side, h: side };
        const paste = tampered ? { from: expose(camB, await donors[i % donors.length]!.rgb(), 500 + i), box } : undefined;
        const pic = await shoot(camA, content, 300 + i * 2 + (tampered ? 1 : 0), q, paste);
        const { matches, map } = compareAndMap(pic, [camera], undefined, true);
        if (matches[0]?.outcome === 'match') matched++;
        if (verbose) console.log(`  q${q} ${questioned[i]!.name} ${tampered ? `paste ${box.w}×${box.h} at (${box.x}, ${box.y})` : 'untouched'}: ${matches[0]?.outcome} PCE ${matches[0]?.pce}${map ? `, judged ${(map.judgedShare * 100).toFixed(0)} %, regions ${map.regions.map((r) => `${r.w}×${r.h} at (${r.x}, ${r.y}), ${r.blocks} blocks, ρ ${r.correlation.toFixed(3)} / ${r.predicted.toFixed(3)}`).join('; ') || 'none'}` : ''}`);
        if (!map) continue;
        mapped++;
        judged += map.judgedShare;
        if (!tampered) {
          if (map.regions.length) untouchedFalse++;
          continue;
        }
        const hit = map.regions.find((r) => overlap(r, box) >= 0.5 * side * side);
        if (hit) {
          found++;
          ious.push(iou(hit, box));
        }
        falseRegions += map.regions.filter((r) => overlap(r, box) === 0).length;
      }
    }
    ious.sort((x, y) => x - y);
    const n = questioned.length;
    console.log(
      `q${q} | ${pct(matched, 2 * n)} | ${mapped ? ((judged / mapped) * 100).toFixed(0) : '–'} % | ${untouchedFalse} of ${n} | ${found} of ${n} (${pct(found, n)}) | ${falseRegions} | ${ious.length ? ious[ious.length >> 1]!.toFixed(2) : '–'}`,
    );
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
