/**
 * Evaluation of comparing resized pictures with a camera fingerprint (`npm run eval:camera-scale
 * -- [--data <folder>]`): how often a camera's picture, resized smaller as a whole, still matches
 * the camera's fingerprint, and how often another camera's picture resized the same way matches it
 * anyway. Cameras are simulated (eval-sensors.ts: each has its own multiplicative pattern of
 * --strength, 0.006 by default) over the --data folder's real photographs (or synthetic scenes
 * without it), at --size (2048x1536: the fingerprint covers its central 2048×1024). The first --refs
 * (12) pictures, saved at JPEG quality 95, make the fingerprint (as `cameras add` does); each of the
 * next --limit (8) is shot by the camera and by another one, resized to each of --scales with
 * sharp's default Lanczos-3 kernel, saved at each --quality and compared as the app compares (the
 * picture's size tells the scale). With --cuts, each picture is also cut to those shares of each
 * side at a random place in the frame and searched for as the Cameras screen's check does (found:
 * a match at the place it was cut). Everything is in memory; nothing is written. --verbose prints
 * every comparison.
 */
import sharp from 'sharp';
import { compareWithFingerprints } from '../src-main/core/cameras/camera-compute';
import { FingerprintBuilder } from '../src-main/core/analysis/prnu';
import { cropFor, cropTurned, luminance, type GreyPicture } from '../src-main/core/cameras/picture-plane';
import { fingerprintFile, prng, simCamera } from '../tests/helpers/camera-pictures';
import { evalArgs, pct } from './eval-args';
import { contents, expose } from './eval-sensors';

const USAGE = 'usage: npm run eval:camera-scale -- [--data <folder with MANIFEST.tsv>] [--limit N] [--refs N] [--scales 1,0.9,0.75,0.6,0.5,0.4] [--cuts 0.5,0.3] [--quality 95,90] [--strength 0.006] [--size 2048x1536] [--verbose]';

/** RGB rows W × H cut to `cut` and resized to `scale` of their size (1: as they are), saved as JPEG at `quality`, decoded back to luminance. */
async function saved(rgb: Buffer, W: number, H: number, scale: number, quality: number, cut?: { left: number; top: number; width: number; height: number }): Promise<GreyPicture> {
  let img = sharp(rgb, { raw: { width: W, height: H, channels: 3 } });
  if (cut) img = sharp(await img.extract(cut).png().toBuffer());
  if (scale !== 1) img = sharp(await img.resize(Math.round(W * scale), Math.round(H * scale)).png().toBuffer());
  const dec = await sharp(await img.jpeg({ quality }).toBuffer())
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width, height } = dec.info;
  return { name: '', path: '', sha256: '', format: 'jpeg', make: null, model: null, width, height, data: luminance(new Uint8Array(dec.data), width, height), orientation: 1 };
}

async function main() {
  const a = evalArgs(process.argv.slice(2));
  if ('help' in a) {
    console.log(USAGE);
    return;
  }
  const [W, H] = (a.size ?? '2048x1536').split('x').map(Number) as [number, number];
  const refs = a.refs ? Number(a.refs) : 12;
  const limit = a.limit ? Number(a.limit) : 8;
  const scales = (a.scales ?? '1,0.9,0.75,0.6,0.5,0.4').split(',').map(Number);
  const cuts = a.cuts ? a.cuts.split(',').map(Number) : [];
  const qualities = (a.quality ?? '95,90').split(',').map(Number);
  const strength = a.strength ? Number(a.strength) : 0.006;
  const verbose = 'verbose' in a;
  const crop = cropFor(W, H);
  if (!crop || ![W, H, refs, limit, strength, ...qualities].every((v) => Number.isFinite(v) && v > 0) || !scales.every((s) => s > 0 && s <= 1) || !cuts.every((c) => c > 0 && c < 1)) {
    console.error(USAGE);
    process.exit(2);
  }
  const pics = await contents(a, W, H, refs + limit);
  if (pics.length < refs + 1) {
    console.error(`Only ${pics.length} content pictures of at least 512 px a side; need ${refs + 1}.`);
    process.exit(2);
  }
  const questioned = pics.slice(refs, refs + limit);
  const camA = simCamera(8001, W, H, strength);
  const camB = simCamera(8002, W, H, strength);
  const builder = new FingerprintBuilder(crop.w, crop.h);
  for (let i = 0; i < refs; i++) builder.add(cropTurned(await saved(expose(camA, await pics[i]!.rgb(), 100 + i), W, H, 1, 95), 0, crop));
  const camera = fingerprintFile({ id: 'cam-eval', name: 'simulated camera', width: W, height: H, crop, images: refs, data: builder.finish().data });
  console.log(`Resized pictures against a fingerprint: ${W}×${H} camera (fingerprint over the central ${crop.w}×${crop.h}; a resized picture is compared over at most 1024×1024 of it), ${refs} reference pictures, pattern ${(strength * 100).toFixed(2)} %, ${questioned.length} pictures per cell; content: ${a.data ? `real photographs of ${a.data}` : 'synthetic scenes'}`);
  console.log('quality | scale | picture size | same camera: matched | median PCE | other camera: matched | highest PCE');
  for (const q of qualities) {
    for (const s of scales) {
      const same: number[] = [];
      const other: number[] = [];
      let sameMatched = 0;
      let otherMatched = 0;
      let size = '';
      for (let i = 0; i < questioned.length; i++) {
        const content = await questioned[i]!.rgb();
        for (const [cam, pces] of [
          [camA, same],
          [camB, other],
        ] as const) {
          const pic = await saved(expose(cam, content, 300 + i * 2 + (cam === camB ? 1 : 0)), W, H, s, q);
          size = `${pic.width}×${pic.height}`;
          const m = compareWithFingerprints(pic, [camera])[0]!;
          if (m.outcome === 'match') {
            if (cam === camA) sameMatched++;
            else otherMatched++;
          }
          pces.push(m.pce ?? Number.NaN);
          if (verbose) console.log(`  q${q} ×${s} ${questioned[i]!.name} ${cam === camA ? 'same' : 'other'} camera: ${m.outcome} PCE ${m.pce}${m.note ? ` (${m.note})` : ''}`);
        }
      }
      const sorted = same.filter(Number.isFinite).sort((x, y) => x - y);
      const n = questioned.length;
      console.log(
        `q${q} | ${s} | ${size} | ${sameMatched} of ${n} (${pct(sameMatched, n)}) | ${sorted.length ? sorted[sorted.length >> 1]!.toFixed(1) : '–'} | ${otherMatched} of ${n} | ${other.some(Number.isFinite) ? Math.max(...other.filter(Number.isFinite)).toFixed(1) : '–'}`,
      );
    }
  }
  if (!cuts.length) return;
  // Parts cut out of the frame at random places (anywhere in it), searched for as the Cameras screen's check does.
  console.log('\nquality | part cut out (share of each side) | picture size | same camera: found at its place | inside the fingerprint area | median PCE | other camera: matched | highest PCE');
  const place = prng(4242);
  for (const q of qualities) {
    for (const f of cuts) {
      const cw = Math.round(W * f);
      const ch = Math.round(H * f);
      let found = 0;
      let inside = 0;
      let otherMatched = 0;
      const same: number[] = [];
      const other: number[] = [];
      for (let i = 0; i < questioned.length; i++) {
        const content = await questioned[i]!.rgb();
        const cut = { left: Math.floor(place() * (W - cw + 1)), top: Math.floor(place() * (H - ch + 1)), width: cw, height: ch };
        if (cut.left >= crop.x && cut.top >= crop.y && cut.left + cw <= crop.x + crop.w && cut.top + ch <= crop.y + crop.h) inside++;
        for (const cam of [camA, camB]) {
          const pic = await saved(expose(cam, content, 700 + i * 2 + (cam === camB ? 1 : 0)), W, H, 1, q, cut);
          const m = compareWithFingerprints(pic, [camera], undefined, true)[0]!;
          if (cam === camA) {
            same.push(m.pce ?? Number.NaN);
            if (m.outcome === 'match' && m.offset?.x === cut.left && m.offset.y === cut.top) found++;
          } else {
            other.push(m.pce ?? Number.NaN);
            if (m.outcome === 'match') otherMatched++;
          }
          if (verbose) console.log(`  q${q} cut ${f} at (${cut.left}, ${cut.top}) ${questioned[i]!.name} ${cam === camA ? 'same' : 'other'} camera: ${m.outcome} PCE ${m.pce}${m.offset ? ` at (${m.offset.x}, ${m.offset.y})` : ''}`);
        }
      }
      const sorted = same.filter(Number.isFinite).sort((x, y) => x - y);
      const n = questioned.length;
      console.log(
        `q${q} | ${f} | ${cw}×${ch} | ${found} of ${n} (${pct(found, n)}) | ${inside} of ${n} | ${sorted.length ? sorted[sorted.length >> 1]!.toFixed(1) : '–'} | ${otherMatched} of ${n} | ${other.some(Number.isFinite) ? Math.max(...other.filter(Number.isFinite)).toFixed(1) : '–'}`,
      );
    }
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
