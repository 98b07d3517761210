/**
 * Evaluation of the copy-move check (`npm run eval:copy-move -- --data <folder>`): reads
 * <folder>/MANIFEST.tsv, and
 * - runs the check on every still picture as it is (real and generated pictures alike: none of
 *   them is known to hold a cloned region), which gives the false-alarm rate per source;
 * - makes, from every real still, copies with one region cloned elsewhere in the same picture
 *   (a rectangle or an ellipse with a feathered edge, covering 0.5–4 % of the picture; a third of
 *   them mirrored; then saved as PNG or as JPEG at quality 95, 85 or 75) and counts how many the
 *   check finds — found means a reported region pair lies on the planted pair (the centre of
 *   each reported box inside the planted box on either side, or the other way round) — by
 *   encoding, copy size, picture size and whether the copied region has texture at all (a
 *   copy of a flat area is invisible to any such check: under half of its 8×8 blocks vary by
 *   4 grey levels or more).
 *
 * Nothing is written to disk; the forgeries are made in memory with sharp, with a fixed seed, so
 * two runs print the same table. Options: --limit N (the first N stills of each source), --only
 * src,…, --json <file> (per-file outcomes), --max-side N (the check's analysed size).
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { COPY_MOVE_DEFAULTS, detectCopyMove, seededRandom, type FoundClone as CloneRegion } from '../src-main/core/analysis/copy-move';
import type { RgbImage } from '../src-main/core/analysis/types';
import type { PixelBox } from '../src-shared/domain/detection';
import { chosenStills, evalArgs, pct } from './eval-args';


async function decode(buf: Buffer): Promise<RgbImage> {
  const { data, info } = await sharp(buf).rotate().removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

export interface Planted {
  src: PixelBox;
  dst: PixelBox;
  mirrored: boolean;
  shape: 'rect' | 'ellipse';
}

/** Clone one region of img to another place (in place on a copy); returns the copy and what was planted, or null when the picture is too small. */
export function plantClone(img: RgbImage, rand: () => number): { image: RgbImage; planted: Planted } | null {
  const { width: W, height: H } = img;
  const share = 0.005 + rand() * 0.035;
  const aspect = 0.6 + rand() * 0.8;
  const w = Math.round(Math.sqrt(share * W * H * aspect));
  const h = Math.round(Math.sqrt((share * W * H) / aspect));
  if (w < 12 || h < 12 || w * 2 + 8 > W || h * 2 + 8 > H) return null;
  let src: PixelBox | null = null;
  let dst: PixelBox | null = null;
  for (let t = 0; t < 50 && !dst; t++) {
    const s = { x: Math.floor(rand() * (W - w)), y: Math.floor(rand() * (H - h)), w, h };
    const d = { x: Math.floor(rand() * (W - w)), y: Math.floor(rand() * (H - h)), w, h };
    const apart = Math.abs(s.x - d.x) >= w + 4 || Math.abs(s.y - d.y) >= h + 4;
    if (apart) [src, dst] = [s, d];
  }
  if (!src || !dst) return null;
  const mirrored = rand() < 1 / 3;
  const shape = rand() < 0.5 ? 'rect' : 'ellipse';
  const out = new Uint8Array(img.data);
  const feather = Math.max(1, Math.round(Math.min(w, h) * 0.06));
  for (let j = 0; j < h; j++) {
    for (let i = 0; i < w; i++) {
      // Weight: 1 inside, falling to 0 over `feather` px at the edge of the shape.
      let inside: number;
      if (shape === 'rect') inside = Math.min(i + 0.5, w - i - 0.5, j + 0.5, h - j - 0.5);
      else {
        const u = (i + 0.5 - w / 2) / (w / 2);
        const v = (j + 0.5 - h / 2) / (h / 2);
        inside = (1 - Math.sqrt(u * u + v * v)) * Math.min(w, h) * 0.5;
      }
      const a = Math.max(0, Math.min(1, inside / feather));
      if (a <= 0) continue;
      const si = mirrored ? w - 1 - i : i;
      const sp = ((src.y + j) * W + src.x + si) * 3;
      const dp = ((dst.y + j) * W + dst.x + i) * 3;
      for (let c = 0; c < 3; c++) out[dp + c] = Math.round(a * img.data[sp + c]! + (1 - a) * img.data[dp + c]!);
    }
  }
  return { image: { width: W, height: H, data: out }, planted: { src, dst, mirrored, shape } };
}

/** Share of the 8×8 blocks of a box whose luma varies (standard deviation ≥ 4 grey levels): a flat region's copy cannot be seen. */
export function texturedShareOf(img: RgbImage, b: PixelBox): number {
  let blocks = 0;
  let textured = 0;
  for (let y = b.y; y + 8 <= b.y + b.h; y += 8) {
    for (let x = b.x; x + 8 <= b.x + b.w; x += 8) {
      let s = 0;
      let s2 = 0;
      for (let j = 0; j < 8; j++) {
        for (let i = 0; i < 8; i++) {
          const p = ((y + j) * img.width + x + i) * 3;
          const v = 0.299 * img.data[p]! + 0.587 * img.data[p + 1]! + 0.114 * img.data[p + 2]!;
          s += v;
          s2 += v * v;
        }
      }
      blocks++;
      if (Math.sqrt(Math.max(0, s2 / 64 - (s / 64) ** 2)) >= 4) textured++;
    }
  }
  return blocks ? textured / blocks : 0;
}

const centre = (b: PixelBox) => [b.x + b.w / 2, b.y + b.h / 2] as const;
const inBox = ([x, y]: readonly [number, number], b: PixelBox) => x >= b.x && x <= b.x + b.w && y >= b.y && y <= b.y + b.h;
const onPair = (r: CloneRegion, p: Planted) => {
  const hit = (a: PixelBox, b: PixelBox) => inBox(centre(a), b) || inBox(centre(b), a);
  return (hit(r.a, p.src) && hit(r.b, p.dst)) || (hit(r.a, p.dst) && hit(r.b, p.src));
};

async function main() {
  const a = evalArgs(process.argv.slice(2));
  const { dir, chosen } = chosenStills(a, 'usage: npm run eval:copy-move -- --data <folder with MANIFEST.tsv> [--limit N] [--only src,...] [--json out.json] [--max-side N]');
  const maxSide = a['max-side'] ? Number(a['max-side']) : COPY_MOVE_DEFAULTS.maxSide;
  const rand = seededRandom(20261201);
  const ENCODINGS = ['png', 'jpeg95', 'jpeg85', 'jpeg75'] as const;
  const fa = new Map<string, { n: number; alarms: number; pattern: number }>();
  const found = new Map<string, { n: number; hit: number; other: number }>();
  const per: object[] = [];
  const times: number[] = [];
  let failed = 0;
  for (const [i, r] of chosen.entries()) {
    let img: RgbImage;
    try {
      img = await decode(fs.readFileSync(path.join(dir, r.relpath)));
    } catch (e) {
      failed++;
      console.error(`skip ${r.relpath}: ${(e as Error).message}`);
      continue;
    }
    const t0 = performance.now();
    const plain = detectCopyMove(img, { maxSide });
    times.push(performance.now() - t0);
    const key = `${r.source} (${r.fake ? 'generated/fake' : 'real'})`;
    const f = fa.get(key) ?? { n: 0, alarms: 0, pattern: 0 };
    f.n++;
    if (plain.regions.length) f.alarms++;
    if (plain.patternSteps) f.pattern++;
    fa.set(key, f);
    const rec: Record<string, unknown> = { relpath: r.relpath, analysed: plain.analysed, alarms: plain.regions.length, regions: plain.regions, patternSteps: plain.patternSteps, candidates: plain.candidates };
    if (!r.fake) {
      const made = plantClone(img, rand);
      if (made) {
        const enc = ENCODINGS[Math.floor(rand() * ENCODINGS.length)]!;
        const raw = sharp(Buffer.from(made.image.data), { raw: { width: img.width, height: img.height, channels: 3 } });
        const buf = enc === 'png' ? await raw.png().toBuffer() : await raw.jpeg({ quality: Number(enc.slice(4)) }).toBuffer();
        const forged = await decode(buf);
        const res = detectCopyMove(forged, { maxSide });
        const hit = res.regions.some((x) => onPair(x, made.planted));
        const share = (made.planted.src.w * made.planted.src.h) / (img.width * img.height);
        const bucket = `${enc}${made.planted.mirrored ? ' mirrored' : ''}`;
        const textured = texturedShareOf(img, made.planted.src);
        const big = Math.min(img.width, img.height) >= 400;
        for (const k of [bucket, share < 0.015 ? 'area 0.5-1.5 %' : 'area 1.5-4 %', big ? 'picture 400 px or more' : 'picture under 400 px', textured >= 0.5 ? 'copied region mostly textured' : 'copied region mostly flat', ...(big && textured >= 0.5 ? ['picture ≥ 400 px, region mostly textured'] : []), 'all']) {
          const g = found.get(k) ?? { n: 0, hit: 0, other: 0 };
          g.n++;
          if (hit) g.hit++;
          else if (res.regions.length) g.other++;
          found.set(k, g);
        }
        rec.forged = { planted: made.planted, encoding: enc, textured, hit, regions: res.regions, patternSteps: res.patternSteps, candidates: res.candidates };
      }
    }
    per.push(rec);
    if ((i + 1) % 50 === 0) console.error(`${i + 1}/${chosen.length}`);
  }
  console.log(`copy-move check (maxSide ${maxSide}) on ${chosen.length} stills of ${dir}${failed ? `, ${failed} undecodable` : ''}`);
  console.log('\nFalse alarms on the pictures as they are (none is known to hold a clone):');
  console.log('| source | pictures | with a region reported | rate | repeating pattern (nothing reported) |\n|---|---|---|---|---|');
  let tn = 0;
  let ta = 0;
  let tp = 0;
  for (const [k, v] of [...fa].sort()) {
    console.log(`| ${k} | ${v.n} | ${v.alarms} | ${pct(v.alarms, v.n)} | ${v.pattern} |`);
    tn += v.n;
    ta += v.alarms;
    tp += v.pattern;
  }
  console.log(`| all | ${tn} | ${ta} | ${pct(ta, tn)} | ${tp} |`);
  console.log('\nPlanted clones in the real stills, found on the planted pair:');
  console.log('| forgeries | n | found | found | other region only |\n|---|---|---|---|---|');
  for (const [k, v] of [...found].sort()) console.log(`| ${k} | ${v.n} | ${v.hit} | ${pct(v.hit, v.n)} | ${v.other} |`);
  const st = [...times].sort((x, y) => x - y);
  if (st.length) console.log(`\nTime per picture (check only): median ${st[Math.floor(st.length / 2)]!.toFixed(0)} ms, 90th percentile ${st[Math.floor(st.length * 0.9)]!.toFixed(0)} ms, max ${st[st.length - 1]!.toFixed(0)} ms`);
  if (a.json) fs.writeFileSync(a.json, JSON.stringify(per, null, 1));
}

if (/eval-copy-move\.[cm]?[jt]s$/.test(process.argv[1] ?? '')) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
