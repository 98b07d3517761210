/**
 * Evaluation: `npm run eval -- --data <folder>` reads <folder>/MANIFEST.tsv (relpath, label,
 * manipulation_or_generator, ...), runs the project's full pipeline on every file and, when
 * the reference models folder is present, the MesoNet references (YuNet faces + MesoNet) on
 * the same decoded frames, and prints per source and per generator: AUC, EER, TPR at 5 %
 * FPR, accuracy at the shipped thresholds, inconclusive/undetermined counts and errors;
 * then, per source and overall, the project's AUC minus each reference's with a 95 % paired
 * cluster-bootstrap interval (metrics.ts pairedAucBootstrap; files cut from one source file, or
 * sharing the MANIFEST's optional `group` column, are resampled together; originOf), so a gap can
 * be read against its noise.
 *
 * Options: --models-dir <dir> (extra project models), --reference <dir> (default
 * $MEDIAGUARD_REFERENCE_MODELS, then ../shared/reference-models), --frames <N> (video
 * frames, evenly spaced; default the app's own sampling count, 16; frames are decoded at the
 * app's size, VIDEO_FRAME_MAX_SIDE), --limit <N> (the first N real and N fake files of each source, for a
 * quick look; CI runs this), --only <src,...>, --json <file> (per-file scores, the tables and the comparisons),
 * --strict (exit 1 when any file could not be analysed by the project's pipeline, or when the
 * project's models are missing), --perturb <spec> (edit every decoded frame before any system sees
 * it: jpeg:Q, heic:Q, avif:Q, scale:F or a chain such as scale:0.5,jpeg:75; eval-perturb.ts), --judge-all-codings
 * (let the whole-image detectors judge HEVC- and AV1-coded stills — HEIC and AVIF files, or a chain ending in
 * heic:Q or avif:Q — which the app does not: to measure why).
 */
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_SETTINGS } from '../src-shared/domain/settings';
import { AppError } from '../src-shared/result';
import { createLogger } from '../src-main/core/log/logger';
import { extractFrames } from '../src-main/core/media/frames';
import { identify } from '../src-main/core/media/identify';
import { probe } from '../src-main/core/media/probe';
import { resolveTools } from '../src-main/core/media/tools';
import { auc, bandAccuracy, eer, pairedAucBootstrap, tprAtFpr, type Scored } from '../src-main/core/analysis/metrics';
import { parseManifest, type ManifestRow } from '../src-main/core/analysis/eval-manifest';
import { resolveModels } from '../src-main/core/analysis/model-set';
import { VIDEO_FRAME_MAX_SIDE } from '../src-main/core/analysis/analyze-file';
import { applyPerturbation, describePerturbation, formatAfter, parsePerturbation, type FrameEdit } from '../src-main/core/analysis/eval-perturb';
import { runPipeline, stillCodingOf, type PipelineModels, type StillCoding } from '../src-main/core/analysis/pipeline';
import { ModelRegistry } from '../src-main/core/analysis/registry';
import { bundledModelsDir } from '../src-main/core/analysis/service';
import { evalArgs, firstPerSourceAndLabel } from './eval-args';

interface Outcome {
  score: number | null;
  band: string;
  error: string | null;
}

function readManifest(dir: string): ManifestRow[] {
  return parseManifest(fs.readFileSync(path.join(dir, 'MANIFEST.tsv'), 'utf8'));
}

const f3 = (x: number | null) => (x === null ? '   —  ' : x.toFixed(3).padStart(6));

async function main(): Promise<number> {
  const a = evalArgs(process.argv.slice(2));
  if (!a.data) {
    process.stderr.write('usage: npm run eval -- --data <folder with MANIFEST.tsv> [--models-dir d] [--reference d] [--frames N] [--limit N] [--only a,b] [--json out] [--strict] [--perturb jpeg:Q|heic:Q|avif:Q|scale:F[,...]] [--judge-all-codings]\n');
    return 2;
  }
  const judgeAllCodings = a['judge-all-codings'] !== undefined;
  let edits: FrameEdit[] = [];
  if (a.perturb !== undefined) {
    try {
      edits = parsePerturbation(a.perturb);
    } catch (e) {
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
      return 2;
    }
  }
  const log = createLogger('eval', { level: 'error' });
  const repo = path.resolve(__dirname, '..');
  const refDir = a.reference ?? process.env.MEDIAGUARD_REFERENCE_MODELS ?? path.resolve(repo, '..', 'shared', 'reference-models');
  const projectDirs = [bundledModelsDir(repo) ?? path.join(repo, 'models'), ...(a['models-dir'] ? [path.resolve(a['models-dir'])] : [])].map((dir) => ({ dir, source: 'bundled' as const }));
  const project = new ModelRegistry({ dirs: projectDirs, importDir: path.join(repo, '.cache', 'eval-imports'), log });
  const systems: { name: string; models: PipelineModels | null; note: string }[] = [];
  const own = await resolveModels(project, {});
  const ownUsable = own.imageModels.length > 0 || (own.detector !== null && own.faceClassifiers.length > 0);
  systems.push({ name: 'MediaGuard', models: ownUsable ? own : null, note: ownUsable ? [own.detector, ...own.faceClassifiers, ...own.imageModels].filter(Boolean).map((m) => m!.manifest.id).join('+') : `no usable project models: ${own.missing.join(' ')}` });
  let refReg: ModelRegistry | null = null;
  if (fs.existsSync(refDir)) {
    refReg = new ModelRegistry({ dirs: [{ dir: refDir, source: 'path' }], importDir: path.join(repo, '.cache', 'eval-imports'), log });
    for (const [name, id] of [['Meso4-DF (ref)', 'ref-meso4-df'], ['MesoInception-DF (ref)', 'ref-mesoinception-df']] as const) {
      const m = await resolveModels(refReg, { detector: 'ref-yunet-n-640', faceClassifiers: [id], imageModels: [] });
      systems.push({ name, models: m.detector && m.faceClassifiers.length ? m : null, note: m.missing.join(' ') || `YuNet + ${id}` });
    }
  } else process.stderr.write(`reference models not found at ${refDir}: the MesoNet columns are left out\n`);

  let rows = readManifest(a.data);
  if (a.only) {
    const keep = new Set(a.only.split(','));
    rows = rows.filter((r) => keep.has(r.source));
  }
  if (a.limit) {
    const n = Number(a.limit);
    if (!Number.isInteger(n) || n < 1) {
      process.stderr.write('--limit takes a whole number of files per source and label\n');
      return 2;
    }
    rows = firstPerSourceAndLabel(rows, n);
  }
  const tools = await resolveTools({ env: process.env });
  // The app's defaults, so the tables describe what a user gets (until session 9 the eval took 8 frames at 1280 px).
  const frames = Number(a.frames ?? DEFAULT_SETTINGS.sampling.count);
  const results: (ManifestRow & { outcomes: Outcome[] })[] = [];
  const t0 = Date.now();
  for (const [i, row] of rows.entries()) {
    const file = path.join(a.data, row.relpath);
    let decoded: Awaited<ReturnType<typeof extractFrames>> | null = null;
    let kind: 'image' | 'video' = 'image';
    let stillCoding: StillCoding | null = null;
    let intakeError: string | null = null;
    try {
      const id = await identify(file, { tools });
      const info = await probe(file, tools, { identity: id, limits: DEFAULT_SETTINGS.limits });
      kind = info.kind;
      // As the app: a HEIC or AVIF file, or a still whose last edit was such a round trip, is HEVC- or AV1-coded
      // (whole-image detectors then do not judge it; --judge-all-codings lets them, to measure why).
      const last = edits[edits.length - 1];
      const coding = stillCodingOf(last ? formatAfter(last) : info.format);
      stillCoding = info.kind === 'image' && !judgeAllCodings ? coding : null;
      decoded = await extractFrames(file, info, tools, { strategy: { kind: 'even', count: frames }, ...(info.kind === 'video' ? { maxSide: VIDEO_FRAME_MAX_SIDE } : {}) });
      if (edits.length) {
        const edited = [];
        for (const f of decoded.frames) {
          const img = await applyPerturbation(f, edits);
          edited.push({ ...f, width: img.width, height: img.height, data: Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength) });
        }
        decoded = { ...decoded, frames: edited };
      }
    } catch (e) {
      intakeError = e instanceof AppError ? `${e.code}: ${e.message}` : String(e);
    }
    const outcomes: Outcome[] = [];
    for (const s of systems) {
      if (!s.models) {
        outcomes.push({ score: null, band: 'undetermined', error: 'MODEL_MISSING' });
        continue;
      }
      if (!decoded) {
        outcomes.push({ score: null, band: 'undetermined', error: intakeError });
        continue;
      }
      try {
        const r = await runPipeline({ kind, frames: decoded.frames, expectedFrames: decoded.frames.length, stillCoding }, s.models, { thresholds: null, evidence: false });
        outcomes.push({ score: r.verdict.probability, band: r.verdict.band, error: null });
      } catch (e) {
        outcomes.push({ score: null, band: 'undetermined', error: e instanceof Error ? e.message : String(e) });
      }
    }
    results.push({ ...row, outcomes });
    if ((i + 1) % 25 === 0 || i + 1 === rows.length) process.stderr.write(`  ${i + 1}/${rows.length} files, ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
  }

  const tables: Record<string, unknown>[] = [];
  const line = (group: string, items: typeof results) => {
    const cells = systems.map((_, k) => {
      // An undetermined file carries no information: it is scored 0.5 for the ranking metrics.
      const sc: Scored[] = items.map((r) => ({ fake: r.fake, score: r.outcomes[k]!.score ?? 0.5 }));
      const acc = bandAccuracy(items.map((r) => ({ fake: r.fake, band: r.outcomes[k]!.band })));
      const errors = items.filter((r) => r.outcomes[k]!.error).length;
      const undetermined = items.filter((r) => r.outcomes[k]!.band === 'undetermined').length;
      const m = { auc: auc(sc), eer: eer(sc), tpr5: tprAtFpr(sc, 0.05), accuracy: acc.accuracy, inconclusive: acc.inconclusive - undetermined, undetermined, errors };
      tables.push({ group, system: systems[k]!.name, n: items.length, ...m });
      return `${f3(m.auc)} ${f3(m.eer)} ${f3(m.tpr5)} ${f3(m.accuracy)} ${String(m.inconclusive).padStart(4)} ${String(undetermined).padStart(4)} ${String(errors).padStart(4)}`;
    });
    process.stdout.write(`${group.slice(0, 60).padEnd(60)} ${String(items.length).padStart(5)} | ${cells.join(' | ')}\n`);
  };
  const header = () => {
    process.stdout.write(`${''.padEnd(60)} ${''.padStart(5)} | ${systems.map((s) => s.name.padEnd(51)).join(' | ')}\n`);
    process.stdout.write(`${'group'.padEnd(60)} ${'n'.padStart(5)} | ${systems.map(() => '   AUC    EER  TPR@5  acc.  inc  und  err').join(' | ')}\n`);
  };
  process.stdout.write(`\nSystems: ${systems.map((s) => `${s.name} = ${s.note}`).join('; ')}\n`);
  if (edits.length) process.stdout.write(`Every decoded frame edited first, for every system alike: ${describePerturbation(edits)}\n`);
  process.stdout.write('Per source (AUC/EER/TPR need both labels in the group; acc. = accuracy of authentic/manipulated bands at the shipped thresholds):\n');
  header();
  for (const src of [...new Set(results.map((r) => r.source))].sort()) line(src, results.filter((r) => r.source === src));
  const reals = results.filter((r) => !r.fake);
  process.stdout.write(`\nPer generator (its fakes against all ${reals.length} real files):\n`);
  header();
  for (const g of [...new Set(results.filter((r) => r.fake).map((r) => r.generator))].sort()) line(g, [...results.filter((r) => r.fake && r.generator === g), ...reals]);
  process.stdout.write('\n');
  line('ALL', results);
  const comparisons: Record<string, unknown>[] = [];
  if (systems.length > 1) {
    const nOrigins = new Set(results.map((r) => r.origin)).size;
    process.stdout.write(`\nAUC difference, ${systems[0]!.name} minus each reference, with a 95 % paired cluster-bootstrap interval (2,000 resamples within each label, seed 1; the ${results.length} files form ${nOrigins} clusters, files cut from the same source file, or sharing a MANIFEST group, moving together; other dependence, e.g. one person in several videos, is not modelled) and the share of resamples in which ${systems[0]!.name} ranks better:\n`);
    const scored = (items: typeof results, k: number): Scored[] => items.map((r) => ({ fake: r.fake, score: r.outcomes[k]!.score ?? 0.5 }));
    const groups: [string, typeof results][] = [...new Set(results.map((r) => r.source))].sort().map((src) => [src, results.filter((r) => r.source === src)]);
    for (const [group, items] of [...groups, ['ALL', results] as [string, typeof results]]) {
      const cells = systems.slice(1).map((ref, j) => {
        const d = pairedAucBootstrap(scored(items, 0), scored(items, j + 1), { clusters: items.map((r) => r.origin) });
        if (d) comparisons.push({ group, system: systems[0]!.name, reference: ref.name, ...d });
        return d ? `vs ${ref.name}: ${d.diff >= 0 ? '+' : ''}${d.diff.toFixed(3)} [${d.lo.toFixed(3)}, ${d.hi.toFixed(3)}] better in ${(d.shareBetter * 100).toFixed(0)} %` : null;
      });
      if (cells.some((c) => c !== null)) process.stdout.write(`${group.slice(0, 60).padEnd(60)} ${String(items.length).padStart(5)} | ${cells.map((c) => c ?? '—').join(' | ')}\n`);
    }
  }
  if (a.json) fs.writeFileSync(a.json, JSON.stringify({ systems: systems.map((s) => ({ name: s.name, note: s.note })), perturbation: edits.length ? describePerturbation(edits) : null, frames, tables, comparisons, files: results }, null, 1));
  await project.close();
  await refReg?.close();
  const failed = results.filter((r) => r.outcomes[0]!.error);
  process.stdout.write(`\n${results.length} files in ${((Date.now() - t0) / 1000).toFixed(0)} s; ${failed.length} could not be analysed by ${systems[0]!.name}\n`);
  for (const r of failed.slice(0, 20)) process.stdout.write(`  ${r.relpath}: ${r.outcomes[0]!.error}\n`);
  if ('strict' in a && (failed.length > 0 || !systems[0]!.models)) return 1;
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    process.stderr.write(`eval failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
