/**
 * HEIC round trips for training (training/train_gen_residual.py --hevc-views): each listed PNG is
 * encoded with heif-enc at the listed quality and decoded again by the app's own HEIF decoder — the
 * same round trip `npm run eval -- --perturb heic:Q` applies — so that the views a model is trained
 * and calibrated on are the pixels the app reads from a HEIC.
 *
 * Usage: tsx scripts/heic-views.ts <list.tsv> [--jobs N]
 *   each line of list.tsv: <input .png>\t<quality 1-100>\t<output .png>
 * Lines whose output exists are skipped (an interrupted run resumes). A line that fails is reported
 * on stderr and the run goes on; the exit status is 1 if any failed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { sharp } from '../src-main/core/native';
import { applyPerturbation } from '../src-main/core/analysis/eval-perturb';
import { rgbSharp } from '../src-main/core/analysis/render';

interface Job {
  input: string;
  quality: number;
  output: string;
}

function parseList(text: string): Job[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      const [input, q, output] = l.split('\t');
      const quality = Number(q);
      if (!input || !output || !Number.isInteger(quality) || quality < 1 || quality > 100) throw new Error(`line ${i + 1}: expected <input.png>\\t<quality 1-100>\\t<output.png>, got '${l}'`);
      return { input, quality, output };
    });
}

async function roundTrip(job: Job): Promise<void> {
  const raw = await sharp(job.input).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  if (raw.info.channels !== 3) throw new Error(`${job.input}: ${raw.info.channels} channels after removing alpha`);
  const img = { width: raw.info.width, height: raw.info.height, data: new Uint8Array(raw.data.buffer, raw.data.byteOffset, raw.data.byteLength) };
  const out = await applyPerturbation(img, [{ kind: 'heic', quality: job.quality }]);
  await fs.promises.mkdir(path.dirname(job.output), { recursive: true });
  const tmp = `${job.output}.part`;
  await rgbSharp(out).png({ compressionLevel: 1 }).toFile(tmp);
  await fs.promises.rename(tmp, job.output);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const jobsAt = args.indexOf('--jobs');
  const workers = jobsAt >= 0 ? Math.max(1, Number(args.splice(jobsAt, 2)[1]) || 1) : 1;
  if (args.length !== 1) throw new Error('usage: tsx scripts/heic-views.ts <list.tsv> [--jobs N]');
  const jobs = parseList(await fs.promises.readFile(args[0]!, 'utf8')).filter((j) => !fs.existsSync(j.output));
  let next = 0;
  let done = 0;
  let failed = 0;
  const t0 = Date.now();
  const worker = async () => {
    for (let i = next++; i < jobs.length; i = next++) {
      const job = jobs[i]!;
      try {
        await roundTrip(job);
      } catch (e) {
        failed++;
        process.stderr.write(`heic-views: ${job.input} q${job.quality}: ${e instanceof Error ? e.message : String(e)}\n`);
      }
      if (++done % 200 === 0) process.stdout.write(`heic-views ${done}/${jobs.length} ${((Date.now() - t0) / 1000).toFixed(0)}s\n`);
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  process.stdout.write(`heic-views: ${done - failed} written, ${failed} failed, ${((Date.now() - t0) / 1000).toFixed(0)}s\n`);
  if (failed) process.exitCode = 1;
}

main().catch((e: unknown) => {
  process.stderr.write(`heic-views: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(2);
});
