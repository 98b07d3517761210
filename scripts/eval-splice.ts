/**
 * Evaluation of the splice map of twice-saved JPEGs (`npm run eval:splice -- --data <folder>`):
 * reads <folder>/MANIFEST.tsv and, from every still picture of the chosen rows of at least 128 px
 * (real and generated alike: they serve as content), with 3 px cut off the left and 5 px off the
 * top so that the file's own JPEG grid no longer lines up,
 * - saves it at an earlier quality, decodes it and saves it again at a higher one (50 → 85,
 *   60 → 90, 70 → 90, 75 → 95, 80 → 90): any region reported there is a false alarm;
 * - does the same with a rectangle pasted in between the two saves from another picture of the
 *   folder (resized to the same size, at a random place): a large one (25–45 % of each side) and
 *   a small one (12–20 %). The paste is found when at least half of a reported region's box lies
 *   on it or the box holds at least half of it (the table gives the median IoU of the best region);
 *   a region that does neither is a false region;
 * - repeats both with a camera-like earlier save (another libjpeg-turbo table set per picture,
 *   trellis quantisation, quality 70) before a plain save at 90;
 * - and reports what the map says of the folder's own JPEG files that the compression history
 *   calls twice-saved (their history is unknown: a description, not an error rate).
 * The map only runs where the compression history finds the earlier save; the tables count how
 * often it did. Encoding is libjpeg-turbo through sharp, in memory; nothing is written.
 * Options: --limit N (the first N stills of each source and label), --only src,…,
 * --threshold T (window sum; default the shipped one), --extra N and --clip M (the map's extraFreqs
 * and clipMargin, to try other settings), --half even|odd (every other picture),
 * --json <file> (per-case outcomes, with the strongest window inside and outside the paste).
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { jpegForensics, SPLICE_MAP_DEFAULTS, SPLICE_REGION_DEFAULTS, spliceRegions } from '../src-main/core/media/jpeg-splice';
import { seededRandom } from '../src-main/core/analysis/copy-move';
import { chosenStills, evalArgs, iou, overlap, pct, type Rect } from './eval-args';

const PAIRS: [number, number][] = [
  [50, 85],
  [60, 90],
  [70, 90],
  [75, 95],
  [80, 90],
];
const SIZES = { large: [0.25, 0.45], small: [0.12, 0.2] } as const;

interface Tally {
  n: number;
  judged: number;
  reported: number;
  found: number;
  falseRegion: number;
  iou: number[];
}
const tally = (): Tally => ({ n: 0, judged: 0, reported: 0, found: 0, falseRegion: 0, iou: [] });

async function main() {
  const a = evalArgs(process.argv.slice(2));
  const sel = chosenStills(a, 'usage: npm run eval:splice -- --data <folder with MANIFEST.tsv> [--limit N] [--only src,...] [--threshold T] [--extra N] [--clip M] [--half even|odd] [--json out.json]');
  const { dir, limit } = sel;
  let chosen = sel.chosen;
  const threshold = a.threshold ? Number(a.threshold) : SPLICE_REGION_DEFAULTS.threshold;
  const mapOpts = { ...(a.extra ? { extraFreqs: Number(a.extra) } : {}), ...(a.clip ? { clipMargin: Number(a.clip) } : {}) };
  if (a.half === 'even' || a.half === 'odd') chosen = chosen.filter((_, i) => i % 2 === (a.half === 'even' ? 0 : 1));
  const tallies = new Map<string, Tally>();
  const get = (k: string) => tallies.get(k) ?? (tallies.set(k, tally()), tallies.get(k)!);
  const asIs = { files: 0, twice: 0, reported: 0, examples: [] as string[] };
  const times: number[] = [];
  const per: object[] = [];
  const rnd = seededRandom(20261201);

  const judge = (buf: Buffer, truth: Rect | null, key: string, rec: Record<string, unknown>) => {
    const t0 = performance.now();
    const f = jpegForensics({ buf, whole: true }, mapOpts);
    if (!f.ok) throw new Error(f.reason);
    const t = get(key);
    t.n++;
    const map = f.map;
    if (!map || !f.splice) {
      rec[key] = f.history ? 'history: once' : 'history: not judged';
      return;
    }
    times.push(performance.now() - t0);
    const found = threshold === f.splice.threshold ? f.splice : spliceRegions(map, f.splice.analysedWidth, f.splice.analysedHeight, SPLICE_MAP_DEFAULTS.window, { threshold });
    t.judged++;
    if (found.regions.length) t.reported++;
    const win = SPLICE_MAP_DEFAULTS.window;
    let maxIn = -Infinity;
    let maxOut = -Infinity;
    for (let by = 0; by + win <= map.blocksHigh; by++) {
      for (let bx = 0; bx + win <= map.blocksWide; bx++) {
        const v = map.windowLlr[by * map.blocksWide + bx]!;
        const w: Rect = { x: bx * 8, y: by * 8, w: win * 8, h: win * 8 };
        const inside = truth && w.x >= truth.x && w.y >= truth.y && w.x + w.w <= truth.x + truth.w && w.y + w.h <= truth.y + truth.h;
        const outside = !truth || w.x + w.w <= truth.x || w.x >= truth.x + truth.w || w.y + w.h <= truth.y || w.y >= truth.y + truth.h;
        if (inside) maxIn = Math.max(maxIn, v);
        if (outside) maxOut = Math.max(maxOut, v);
      }
    }
    // A region is on the paste when at least half of its box lies on it, or it holds at least half of
    // the paste (a paste smaller than the map's 48-px window gets a box larger than itself); the
    // others are false regions.
    let best = 0;
    let hit = false;
    let falseRegion = false;
    for (const r of found.regions) {
      const on = truth ? Math.max(overlap(r, truth) / (r.w * r.h), overlap(r, truth) / (truth.w * truth.h)) : 0;
      if (on >= 0.5) hit = true;
      else falseRegion = true;
      if (truth) best = Math.max(best, iou(r, truth));
    }
    if (hit) t.found++;
    if (hit) t.iou.push(best);
    if (falseRegion) t.falseRegion++;
    rec[key] = { ...(truth ? { paste: truth } : {}), regions: found.regions, maxIn: Number.isFinite(maxIn) ? Math.round(maxIn) : null, maxOut: Number.isFinite(maxOut) ? Math.round(maxOut) : null, iou: Math.round(best * 100) / 100 };
  };

  for (const [i, r] of chosen.entries()) {
    const file = fs.readFileSync(path.join(dir, r.relpath));
    const rec: Record<string, unknown> = { relpath: r.relpath };
    if (/\.jpe?g$/i.test(r.relpath)) {
      const f = jpegForensics({ buf: file, whole: true }, mapOpts);
      if (f.ok) {
        asIs.files++;
        const map = f.map;
        if (map && f.splice) {
          asIs.twice++;
          const found = spliceRegions(map, f.splice.analysedWidth, f.splice.analysedHeight, SPLICE_MAP_DEFAULTS.window, { threshold });
          if (found.regions.length) {
            asIs.reported++;
            if (asIs.examples.length < 8) asIs.examples.push(r.relpath);
          }
          rec.asIs = found.regions;
        }
      }
    }
    let host: { data: Buffer; info: { width: number; height: number } };
    let donor: Buffer;
    try {
      const m = await sharp(file).metadata();
      if (!m.width || !m.height || m.width < 131 || m.height < 133) throw new Error('under 128 px');
      host = await sharp(file).rotate().removeAlpha().extract({ left: 3, top: 5, width: m.width - 3, height: m.height - 5 }).toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
      const other = chosen[(i + 37) % chosen.length]!;
      donor = await sharp(fs.readFileSync(path.join(dir, other.relpath)))
        .rotate()
        .removeAlpha()
        .resize(host.info.width, host.info.height, { fit: 'cover' })
        .toColourspace('srgb')
        .raw()
        .toBuffer();
    } catch (e) {
      console.error(`skip ${r.relpath}: ${(e as Error).message}`);
      continue;
    }
    const { width: w, height: h } = host.info;
    const raw = { raw: { width: w, height: h, channels: 3 as const } };
    const paste = (dec: Buffer, size: readonly [number, number]): [Buffer, Rect] => {
      const sw = Math.round(w * (size[0] + (size[1] - size[0]) * rnd()));
      const sh = Math.round(h * (size[0] + (size[1] - size[0]) * rnd()));
      const x = Math.floor(rnd() * (w - sw));
      const y = Math.floor(rnd() * (h - sh));
      const dx = Math.floor(rnd() * (w - sw));
      const dy = Math.floor(rnd() * (h - sh));
      const out = Buffer.from(dec);
      for (let yy = 0; yy < sh; yy++) donor.copy(out, ((y + yy) * w + x) * 3, ((dy + yy) * w + dx) * 3, ((dy + yy) * w + dx + sw) * 3);
      return [out, { x, y, w: sw, h: sh }];
    };
    const cases: [string, object, number][] = [...PAIRS.map(([q1, q2]) => [`${q1} → ${q2}`, { quality: q1 }, q2] as [string, object, number]), ['camera-like 70 → 90', { quality: 70, quantisationTable: 1 + (i % 8), trellisQuantisation: true, overshootDeringing: true }, 90]];
    for (const [name, first, q2] of cases) {
      const dec = await sharp(await sharp(host.data, raw).jpeg(first).toBuffer())
        .raw()
        .toBuffer();
      judge(await sharp(dec, raw).jpeg({ quality: q2 }).toBuffer(), null, `${name} | untouched`, rec);
      for (const [size, range] of Object.entries(SIZES)) {
        const [forged, truth] = paste(dec, range);
        judge(await sharp(forged, raw).jpeg({ quality: q2 }).toBuffer(), truth, `${name} | ${size} paste`, rec);
      }
    }
    per.push(rec);
    if ((i + 1) % 25 === 0) console.error(`${i + 1}/${chosen.length}`);
  }

  console.log(`Splice map of twice-saved JPEGs on ${dir} (${chosen.length} stills${Number.isFinite(limit) ? `, at most ${limit} per source and label` : ''}${a.half ? `, ${a.half} half` : ''}; threshold ${threshold})\n`);
  console.log('| earlier → later save | content | pictures | history found the earlier save (map ran) | a region reported | paste found | pictures with a false region | median IoU of the best region |');
  console.log('|---|---|---|---|---|---|---|---|');
  const sum = { untouched: tally(), paste: tally() };
  for (const [k, t] of tallies) {
    const [name, content] = k.split(' | ') as [string, string];
    const isPaste = content !== 'untouched';
    const s = isPaste ? sum.paste : sum.untouched;
    s.n += t.n;
    s.judged += t.judged;
    s.reported += t.reported;
    s.found += t.found;
    s.falseRegion += t.falseRegion;
    s.iou.push(...t.iou);
    const med = [...t.iou].sort((x, y) => x - y)[Math.floor(t.iou.length / 2)];
    console.log(`| ${name} | ${content} | ${t.n} | ${t.judged} (${pct(t.judged, t.n)}) | ${t.reported} (${pct(t.reported, t.judged)}) | ${isPaste ? `${t.found} (${pct(t.found, t.judged)})` : '–'} | ${t.falseRegion} | ${isPaste && med !== undefined ? med.toFixed(2) : '–'} |`);
  }
  console.log(`| all | untouched | ${sum.untouched.n} | ${sum.untouched.judged} | ${sum.untouched.reported} (${pct(sum.untouched.reported, sum.untouched.judged)}: false alarms) | – | ${sum.untouched.falseRegion} | – |`);
  console.log(`| all | pasted | ${sum.paste.n} | ${sum.paste.judged} | ${sum.paste.reported} | ${sum.paste.found} (${pct(sum.paste.found, sum.paste.judged)} of mapped, ${pct(sum.paste.found, sum.paste.n)} of all) | ${sum.paste.falseRegion} | – |`);
  console.log(`\nThe folder's own JPEG files (history unknown): ${asIs.files} decoded, ${asIs.twice} called twice-saved and mapped, ${asIs.reported} with a region reported${asIs.examples.length ? ` (${asIs.examples.join(', ')})` : ''}.`);
  const sorted = [...times].sort((p, q) => p - q);
  const at = (f: number) => sorted[Math.min(sorted.length - 1, Math.floor(f * sorted.length))]!.toFixed(0);
  if (sorted.length) console.log(`\nTime per picture (decoding, history, map and regions): median ${at(0.5)} ms, 90th percentile ${at(0.9)} ms, max ${at(1 - 1e-9)} ms`);
  if (a.json) fs.writeFileSync(a.json, JSON.stringify(per, null, 1));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
