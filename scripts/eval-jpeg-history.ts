/**
 * Evaluation of the JPEG compression-history check (`npm run eval:jpeg-history -- --data <folder>`):
 * reads <folder>/MANIFEST.tsv and, from every still picture of the chosen rows (real and generated
 * alike),
 * - cuts 3 px off the left and 5 px off the top (so that whatever JPEG grid the file had no longer
 *   lines up with the new one) and saves it once at quality 75, 85, 90 and 95: a "twice" answer
 *   there is a false alarm;
 * - saves the same content at an earlier quality (50, 60, 70, 80, 90), decodes it and saves it
 *   again at each of those qualities: a "twice" answer there is a detection, and the earlier
 *   quality it names is checked (within ±2);
 * - does both again with "camera-like" tables: libjpeg-turbo's other built-in quantisation tables
 *   (a different one per picture) with trellis quantisation, which zeroes coefficients by
 *   rate-distortion rather than plain rounding — once at 75 and 90 (false alarms), and as the
 *   earlier save (at 70 and 85) before a plain save at 75 or 90 (detections);
 * - and reports what the check says of the folder's JPEG files as they are (their history is not
 *   known, so that is a description, not an error rate).
 * Encoding is libjpeg-turbo through sharp (standard tables, 4:2:0 chroma), in memory; nothing is
 * written. Options: --limit N (the first N stills of each source and label), --only src,…,
 * --json <file> (per-file outcomes).
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { decodeLumaCoefficients } from '../src-main/core/media/jpeg-dct';
import { jpegHistory, type JpegHistory } from '../src-main/core/media/jpeg-history';
import { chosenStills, evalArgs, pct } from './eval-args';

const LATER = [75, 85, 90, 95];
const EARLIER = [50, 60, 70, 80, 90];

async function main() {
  const a = evalArgs(process.argv.slice(2));
  const { dir, limit, chosen } = chosenStills(a, 'usage: npm run eval:jpeg-history -- --data <folder with MANIFEST.tsv> [--limit N] [--only src,...] [--json out.json]');
  const once = new Map<number, { n: number; twice: number; judged: number }>();
  const twice = new Map<string, { n: number; found: number; judged: number; qualityRight: number }>();
  const onceCustom = new Map<number, { n: number; twice: number; judged: number }>();
  const twiceCustom = new Map<string, { n: number; found: number; judged: number }>();
  const asIs = new Map<string, { n: number; twice: number; notAnalysed: number; reasons: Map<string, number> }>();
  const times: number[] = [];
  const per: object[] = [];
  const judge = (buf: Buffer): JpegHistory | null => {
    const d = decodeLumaCoefficients(buf, { maxBlocks: 65536 });
    if (!d.ok) throw new Error(d.reason);
    const t0 = performance.now();
    const h = jpegHistory(d.luma);
    times.push(performance.now() - t0);
    return h;
  };
  for (const [i, r] of chosen.entries()) {
    const file = fs.readFileSync(path.join(dir, r.relpath));
    const rec: Record<string, unknown> = { relpath: r.relpath };
    if (/\.jpe?g$/i.test(r.relpath)) {
      const key = `${r.source} (${r.fake ? 'generated/fake' : 'real'})`;
      const s = asIs.get(key) ?? { n: 0, twice: 0, notAnalysed: 0, reasons: new Map() };
      s.n++;
      const d = decodeLumaCoefficients(file, { maxBlocks: 65536 });
      if (!d.ok) {
        s.notAnalysed++;
        const why = d.reason.replace(/ \(.*$/, '');
        s.reasons.set(why, (s.reasons.get(why) ?? 0) + 1);
        rec.asIs = d.reason;
      } else {
        const h = jpegHistory(d.luma);
        if (h?.finding === 'twice') s.twice++;
        if (!h) s.notAnalysed++;
        rec.asIs = h ? { finding: h.finding, earlierQuality: h.earlierQuality, votes: h.votes, examined: h.fits.length } : 'too few coefficients';
      }
      asIs.set(key, s);
    }
    let src: { data: Buffer; info: { width: number; height: number; channels: number } };
    try {
      const m = await sharp(file).metadata();
      if (!m.width || !m.height || m.width < 40 || m.height < 40) throw new Error('too small');
      src = await sharp(file).rotate().removeAlpha().extract({ left: 3, top: 5, width: m.width - 3, height: m.height - 5 }).toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    } catch (e) {
      console.error(`skip ${r.relpath}: ${(e as Error).message}`);
      continue;
    }
    const raw = { raw: { width: src.info.width, height: src.info.height, channels: src.info.channels as 3 } };
    const outcomes: Record<string, string> = {};
    for (const q2 of LATER) {
      const h = judge(await sharp(src.data, raw).jpeg({ quality: q2 }).toBuffer());
      const o = once.get(q2) ?? { n: 0, twice: 0, judged: 0 };
      o.n++;
      if (h) o.judged++;
      if (h?.finding === 'twice') o.twice++;
      once.set(q2, o);
      outcomes[`once ${q2}`] = h ? `${h.finding}${h.earlierQuality ?? ''}` : 'not judged';
      for (const q1 of EARLIER) {
        const first = await sharp(src.data, raw).jpeg({ quality: q1 }).toBuffer();
        const dec = await sharp(first).raw().toBuffer({ resolveWithObject: true });
        const h2 = judge(await sharp(dec.data, { raw: { width: dec.info.width, height: dec.info.height, channels: dec.info.channels as 3 } }).jpeg({ quality: q2 }).toBuffer());
        const key = `${q1} → ${q2}`;
        const t = twice.get(key) ?? { n: 0, found: 0, judged: 0, qualityRight: 0 };
        t.n++;
        if (h2) t.judged++;
        if (h2?.finding === 'twice') {
          t.found++;
          if (h2.earlierQuality !== null && Math.abs(h2.earlierQuality - q1) <= 2) t.qualityRight++;
        }
        twice.set(key, t);
        outcomes[key] = h2 ? `${h2.finding}${h2.earlierQuality ?? ''}` : 'not judged';
      }
    }
    // Camera-like tables: another built-in table set per picture, trellis quantisation.
    const custom = (q: number) => ({ quality: q, quantisationTable: 1 + (i % 8), trellisQuantisation: true, overshootDeringing: true });
    for (const q of [75, 90]) {
      const h = judge(await sharp(src.data, raw).jpeg(custom(q)).toBuffer());
      const o = onceCustom.get(q) ?? { n: 0, twice: 0, judged: 0 };
      o.n++;
      if (h) o.judged++;
      if (h?.finding === 'twice') o.twice++;
      onceCustom.set(q, o);
      outcomes[`once custom ${q}`] = h ? `${h.finding}${h.earlierQuality ?? ''}` : 'not judged';
      for (const q1 of [70, 85]) {
        const first = await sharp(src.data, raw).jpeg(custom(q1)).toBuffer();
        const dec = await sharp(first).raw().toBuffer({ resolveWithObject: true });
        const h2 = judge(await sharp(dec.data, { raw: { width: dec.info.width, height: dec.info.height, channels: dec.info.channels as 3 } }).jpeg({ quality: q }).toBuffer());
        const key = `custom ${q1} → ${q}`;
        const t = twiceCustom.get(key) ?? { n: 0, found: 0, judged: 0 };
        t.n++;
        if (h2) t.judged++;
        if (h2?.finding === 'twice') t.found++;
        twiceCustom.set(key, t);
        outcomes[key] = h2 ? `${h2.finding}${h2.earlierQuality ?? ''}` : 'not judged';
      }
    }
    rec.synthetic = outcomes;
    per.push(rec);
    if ((i + 1) % 25 === 0) console.error(`${i + 1}/${chosen.length}`);
  }

  console.log(`JPEG compression history on ${dir} (${chosen.length} stills${Number.isFinite(limit) ? `, at most ${limit} per source and label` : ''})\n`);
  console.log('Saved once (a "twice" answer is a false alarm):');
  console.log('| quality | pictures | judged | called "twice" | rate |\n|---|---|---|---|---|');
  let fa = 0;
  let n1 = 0;
  for (const [q, o] of once) {
    console.log(`| ${q} | ${o.n} | ${o.judged} | ${o.twice} | ${pct(o.twice, o.judged)} |`);
    fa += o.twice;
    n1 += o.judged;
  }
  console.log(`| all | | ${n1} | ${fa} | ${pct(fa, n1)} |`);
  console.log('\nSaved twice on the same grid (earlier → later quality):');
  console.log('| earlier → later | pictures | judged | called "twice" | rate | earlier quality named within ±2 |\n|---|---|---|---|---|---|');
  const groups: Record<string, [number, number, number]> = { 'earlier lower than later': [0, 0, 0], 'earlier higher than later': [0, 0, 0], 'same quality': [0, 0, 0] };
  for (const [k, t] of twice) {
    console.log(`| ${k} | ${t.n} | ${t.judged} | ${t.found} | ${pct(t.found, t.judged)} | ${t.qualityRight} of ${t.found} |`);
    const [q1, q2] = k.split(' → ').map(Number) as [number, number];
    const g = groups[q1 < q2 ? 'earlier lower than later' : q1 > q2 ? 'earlier higher than later' : 'same quality']!;
    g[0] += t.judged;
    g[1] += t.found;
    g[2] += t.qualityRight;
  }
  for (const [k, [n, f, qr]] of Object.entries(groups)) console.log(`| ${k} | | ${n} | ${f} | ${pct(f, n)} | ${qr} of ${f} |`);
  console.log('\nCamera-like tables (another libjpeg-turbo table set per picture, trellis quantisation):');
  console.log('| save | pictures | judged | called "twice" | rate |\n|---|---|---|---|---|');
  for (const [q, o] of onceCustom) console.log(`| once at ${q} (false alarm) | ${o.n} | ${o.judged} | ${o.twice} | ${pct(o.twice, o.judged)} |`);
  for (const [k, t] of twiceCustom) console.log(`| ${k}, then plain (detection) | ${t.n} | ${t.judged} | ${t.found} | ${pct(t.found, t.judged)} |`);
  console.log('\nThe folder\'s JPEG files as they are (history unknown):');
  console.log('| source | JPEG files | not analysed | called "twice" |\n|---|---|---|---|');
  for (const [k, s] of asIs) {
    const why = [...s.reasons].map(([r, c]) => `${c} ${r}`).join('; ');
    console.log(`| ${k} | ${s.n} | ${s.notAnalysed}${why ? ` (${why})` : ''} | ${s.twice} (${pct(s.twice, s.n - s.notAnalysed)}) |`);
  }
  const sorted = [...times].sort((p, q) => p - q);
  const at = (f: number) => sorted[Math.min(sorted.length - 1, Math.floor(f * sorted.length))]!.toFixed(0);
  if (sorted.length) console.log(`\nTime per picture (history only, after decoding the coefficients): median ${at(0.5)} ms, 90th percentile ${at(0.9)} ms, max ${at(1 - 1e-9)} ms`);
  if (a.json) fs.writeFileSync(a.json, JSON.stringify(per, null, 1));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
