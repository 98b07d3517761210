/**
 * Evaluation of the shifted-grid map (`npm run eval:jpeg-grid -- --data <folder>`): reads
 * <folder>/MANIFEST.tsv and, from every still picture of the chosen rows of at least 200 px (real
 * and generated alike: they serve as content),
 * - saves it at a later quality as it is (untouched: any region reported is a false alarm), and
 *   with 3 px cut off the left and 5 px off the top first (cropped: the file's own earlier
 *   compression, when it had one, now lies on another grid — the map should name that grid for
 *   the whole picture, not report regions);
 * - does the same with a rectangle pasted in from another picture of the folder that was saved as
 *   a JPEG at an earlier quality (resized to the same size first), cut and placed at random
 *   positions (never a multiple of 8 apart in both directions): a large one (20–40 % of each side)
 *   and a small one (8–15 %). The paste is found when a reported region on the paste's grid covers
 *   at least half of it or lies at least half on it; any other region is a false region.
 * Earlier → later qualities: 60 → 90, 75 → 90, 75 → 95, 80 → 90, 85 → 95, and a camera-like
 * earlier save (another libjpeg-turbo table set per picture, trellis quantisation, quality 75)
 * before a plain save at 90. Encoding is libjpeg-turbo through sharp, in memory; nothing is written.
 * It also reports what the map says of the folder's own JPEG files as they are (their history is
 * unknown: a description, not an error rate).
 * Options: --limit N (the first N stills of each source and label), --skip N (after its first N: pictures
 * no setting was chosen on), --only src,…, --threshold T,
 * --half even|odd (every other picture: settings were chosen on the even half, read on the odd one),
 * --json <file> (per-case outcomes).
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { jpegGridOfBuffer, GRID_REGION_DEFAULTS } from '../src-main/core/media/jpeg-grid';
import { seededRandom } from '../src-main/core/analysis/copy-move';
import { chosenStills, evalArgs, iou, overlap, pct, type Rect } from './eval-args';

interface Tally {
  n: number;
  reported: number;
  found: number;
  falseRegion: number;
  pictureGrid: number;
  iou: number[];
}
const tally = (): Tally => ({ n: 0, reported: 0, found: 0, falseRegion: 0, pictureGrid: 0, iou: [] });

const PAIRS: [number, number][] = [
  [60, 90],
  [75, 90],
  [75, 95],
  [80, 90],
  [85, 95],
];
const SIZES = { large: [0.2, 0.4], small: [0.08, 0.15] } as const;

async function main() {
  const a = evalArgs(process.argv.slice(2));
  const sel = chosenStills(a, 'usage: npm run eval:jpeg-grid -- --data <folder with MANIFEST.tsv> [--limit N] [--skip N] [--only src,...] [--threshold T] [--half even|odd] [--json out.json]');
  const { dir, limit } = sel;
  const chosen = a.half === 'even' || a.half === 'odd' ? sel.chosen.filter((_, i) => i % 2 === (a.half === 'even' ? 0 : 1)) : sel.chosen;
  const threshold = a.threshold ? Number(a.threshold) : GRID_REGION_DEFAULTS.threshold;
  const rnd = seededRandom(20261201);
  const tallies = new Map<string, Tally>();
  const get = (k: string) => tallies.get(k) ?? (tallies.set(k, tally()), tallies.get(k)!);
  const asIs = { files: 0, pictureGrid: 0, reported: 0, examples: [] as string[] };
  const times: number[] = [];
  const per: object[] = [];

  const judge = (buf: Buffer, truth: (Rect & { dx: number; dy: number }) | null, key: string, rec: Record<string, unknown>) => {
    const t0 = performance.now();
    const f = jpegGridOfBuffer(buf, { threshold });
    times.push(performance.now() - t0);
    const t = get(key);
    t.n++;
    if (!f.ok) throw new Error(f.reason);
    const g = f.grid;
    if (!g) {
      rec[key] = 'too small';
      return;
    }
    if (g.pictureGrid) t.pictureGrid++;
    if (g.regions.length) t.reported++;
    let hit = false;
    let falseRegion = false;
    let best = 0;
    for (const r of g.regions) {
      const on = truth && r.dx === truth.dx && r.dy === truth.dy ? Math.max(overlap(r, truth) / (r.w * r.h), overlap(r, truth) / (truth.w * truth.h)) : 0;
      if (on >= 0.5) hit = true;
      else falseRegion = true;
      if (truth) best = Math.max(best, iou(r, truth));
    }
    if (hit) {
      t.found++;
      t.iou.push(best);
    }
    if (falseRegion) t.falseRegion++;
    rec[key] = { ...(truth ? { paste: truth } : {}), pictureGrid: g.pictureGrid, regions: g.regions };
  };

  for (const [i, r] of chosen.entries()) {
    const file = fs.readFileSync(path.join(dir, r.relpath));
    const rec: Record<string, unknown> = { relpath: r.relpath };
    if (/\.jpe?g$/i.test(r.relpath)) {
      const f = jpegGridOfBuffer(file, { threshold });
      if (f.ok && f.grid) {
        asIs.files++;
        if (f.grid.pictureGrid) asIs.pictureGrid++;
        if (f.grid.regions.length) {
          asIs.reported++;
          if (asIs.examples.length < 8) asIs.examples.push(r.relpath);
        }
        rec.asIs = { pictureGrid: f.grid.pictureGrid, regions: f.grid.regions };
      }
    }
    let host: { data: Buffer; info: { width: number; height: number } };
    let donorFile: Buffer;
    try {
      const m = await sharp(file).metadata();
      if (!m.width || !m.height || m.width < 203 || m.height < 205) throw new Error('under 200 px');
      host = await sharp(file).rotate().removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
      donorFile = fs.readFileSync(path.join(dir, chosen[(i + 37) % chosen.length]!.relpath));
    } catch (e) {
      console.error(`skip ${r.relpath}: ${(e as Error).message}`);
      continue;
    }
    const { width: w, height: h } = host.info;
    const raw = { raw: { width: w, height: h, channels: 3 as const } };
    const cropped = await sharp(host.data, raw).extract({ left: 3, top: 5, width: w - 3, height: h - 5 }).raw().toBuffer();
    const rawC = { raw: { width: w - 3, height: h - 5, channels: 3 as const } };
    const cases: [string, object, number][] = [...PAIRS.map(([q1, q2]) => [`${q1} → ${q2}`, { quality: q1 }, q2] as [string, object, number]), ['camera-like 75 → 90', { quality: 75, quantisationTable: 1 + (i % 8), trellisQuantisation: true, overshootDeringing: true }, 90]];
    for (const [name, first, q2] of cases) {
      for (const [hostName, pic, hw, hh, rw] of [
        ['', host.data, w, h, raw],
        ['cropped ', cropped, w - 3, h - 5, rawC],
      ] as const) {
        judge(await sharp(pic, rw).jpeg({ quality: q2 }).toBuffer(), null, `${name} | ${hostName}untouched`, rec);
        const donor = await sharp(await sharp(donorFile).rotate().removeAlpha().resize(hw, hh, { fit: 'cover' }).toColourspace('srgb').jpeg(first).toBuffer())
          .raw()
          .toBuffer();
        for (const [size, range] of Object.entries(SIZES)) {
          const sw = Math.round(hw * (range[0] + (range[1] - range[0]) * rnd()));
          const sh = Math.round(hh * (range[0] + (range[1] - range[0]) * rnd()));
          const x = Math.floor(rnd() * (hw - sw));
          const y = Math.floor(rnd() * (hh - sh));
          let sx = Math.floor(rnd() * (hw - sw));
          const sy = Math.floor(rnd() * (hh - sh));
          if ((x - sx) % 8 === 0 && (y - sy) % 8 === 0) sx = sx >= 3 ? sx - 3 : sx + 3;
          const out = Buffer.from(pic);
          for (let yy = 0; yy < sh; yy++) donor.copy(out, ((y + yy) * hw + x) * 3, ((sy + yy) * hw + sx) * 3, ((sy + yy) * hw + sx + sw) * 3);
          const truth = { x, y, w: sw, h: sh, dx: (((x - sx) % 8) + 8) % 8, dy: (((y - sy) % 8) + 8) % 8 };
          judge(await sharp(out, rw).jpeg({ quality: q2 }).toBuffer(), truth, `${name} | ${hostName}${size} paste`, rec);
        }
      }
    }
    per.push(rec);
    if ((i + 1) % 10 === 0) console.error(`${i + 1}/${chosen.length}`);
  }

  console.log(`Shifted-grid map on ${dir} (${chosen.length} stills${Number.isFinite(limit) ? `, at most ${limit} per source and label` : ''}${a.skip ? ` after its first ${a.skip}` : ''}${a.half ? `, ${a.half} half` : ''}; threshold ${threshold})\n`);
  console.log('| earlier → later save | content | pictures | whole-picture grid named | a region reported | paste found | pictures with a false region | median IoU of the best region |');
  console.log('|---|---|---|---|---|---|---|---|');
  const sums = new Map<string, Tally>();
  for (const [k, t] of tallies) {
    const [name, content] = k.split(' | ') as [string, string];
    const isPaste = content.includes('paste');
    const sk = `${content.startsWith('cropped') ? 'cropped host, ' : ''}${isPaste ? `${content.includes('large') ? 'large' : 'small'} paste` : 'untouched'}`;
    const s = sums.get(sk) ?? (sums.set(sk, tally()), sums.get(sk)!);
    s.n += t.n;
    s.reported += t.reported;
    s.found += t.found;
    s.falseRegion += t.falseRegion;
    s.pictureGrid += t.pictureGrid;
    s.iou.push(...t.iou);
    const med = [...t.iou].sort((p, q) => p - q)[Math.floor(t.iou.length / 2)];
    console.log(`| ${name} | ${content} | ${t.n} | ${t.pictureGrid} | ${t.reported} (${pct(t.reported, t.n)}) | ${isPaste ? `${t.found} (${pct(t.found, t.n)})` : '–'} | ${t.falseRegion} | ${isPaste && med !== undefined ? med.toFixed(2) : '–'} |`);
  }
  for (const [k, s] of sums) {
    const med = [...s.iou].sort((p, q) => p - q)[Math.floor(s.iou.length / 2)];
    const isPaste = k.includes('paste');
    console.log(`| all | ${k} | ${s.n} | ${s.pictureGrid} | ${s.reported} (${pct(s.reported, s.n)}) | ${isPaste ? `${s.found} (${pct(s.found, s.n)})` : '–'} | ${s.falseRegion} (${pct(s.falseRegion, s.n)}) | ${isPaste && med !== undefined ? med.toFixed(2) : '–'} |`);
  }
  console.log(`\nThe folder's own JPEG files (history unknown): ${asIs.files} mapped, ${asIs.pictureGrid} with a whole-picture earlier grid named, ${asIs.reported} with a region reported${asIs.examples.length ? ` (${asIs.examples.join(', ')})` : ''}.`);
  const sorted = [...times].sort((p, q) => p - q);
  const at = (f: number) => sorted[Math.min(sorted.length - 1, Math.floor(f * sorted.length))]!.toFixed(0);
  if (sorted.length) console.log(`\nTime per picture (decoding and map): median ${at(0.5)} ms, 90th percentile ${at(0.9)} ms, max ${at(1 - 1e-9)} ms`);
  if (a.json) fs.writeFileSync(a.json, JSON.stringify(per, null, 1));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
