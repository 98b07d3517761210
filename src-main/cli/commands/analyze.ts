/** `mediaguard analyze <files or folders...>`: the same engine as the window, headless. */
import fs from 'node:fs';
import path from 'node:path';
import { describeLeftOut } from '../../../src-shared/domain/folders';
import type { AnalysisProgress, CopyMoveCheck, GridCheck, SpliceCheck } from '../../../src-shared/domain/detection';
import { formatName, type MetadataReport } from '../../../src-shared/domain/media';
import { sensorNoiseLine, sourceCameraLine, type SourceCameraCheck } from '../../../src-shared/domain/cameras';
import { AppError } from '../../../src-shared/result';
import type { Core } from '../../core/core';
import { jsonSummary } from '../../core/analysis/record';
import { EXIT, type CliCommand, type CliIo } from '../command';
import { cliSenderId, flagString, openCliCore, parseFlags, printError, requireRole } from '../context';
import { termSafe } from '../term-safe';

const USAGE = `Usage: mediaguard analyze <files or folders...> [options]

Options:
  --json               one JSON object per file on stdout (failures: {"file","error":{code,message}})
  --frames <N>         frames to sample from a video (default: settings, 16)
  --strategy <s>       even | rate | scene (default: settings)
  --models-dir <dir>   an extra model folder (also MEDIAGUARD_MODELS_DIR)
  --store              keep the results in the history of the account given by --as
  --report <path>      also write a PDF report (needs --store); with several files <path> is a folder
  --as <username>      account for --store (password from MEDIAGUARD_PASSWORD or a prompt)
  --data-dir <dir>     data directory (settings, imported models, history)

Exit code 0 when every file was analysed, 1 when any failed, 2 for usage errors.`;

const pct = (p: number | null) => (p === null ? '—' : `${(p * 100).toFixed(1)} %`);

function printHuman(io: CliIo, s: Record<string, unknown>): void {
  const verdict = String(s.verdict).toUpperCase();
  io.stdout(`${termSafe(s.name)}: ${verdict} ${pct(s.score as number | null)}  [${String(s.kind)}, sha256 ${String(s.sha256).slice(0, 16)}…]\n`);
  io.stdout(`  ${termSafe(s.explanation)}\n`);
  for (const w of s.warnings as { code: string; message: string }[]) io.stdout(`  ! ${w.code}: ${termSafe(w.message)}\n`);
  const cm = s.copyMove as CopyMoveCheck | undefined;
  if (cm) {
    const box = (b: { x: number; y: number; w: number; h: number }) => `${b.w}×${b.h} at (${b.x}, ${b.y})`;
    const found = cm.regions.length
      ? cm.regions
          .slice(0, 5)
          .map((r) => `${box(r.a)} ↔ ${box(r.b)}${r.mirrored ? ' mirrored' : ''}`)
          .join('; ') + (cm.regions.length > 5 ? `; and ${cm.regions.length - 5} more` : '')
      : cm.patternSteps
        ? `none reported: the picture repeats a pattern at ${cm.patternSteps} steps`
        : 'no copied region found';
    io.stdout(`  copy-move: ${found} (analysed at ${cm.analysedLongSide} px)\n`);
  }
  const sp = s.splice as SpliceCheck | undefined;
  if (sp) {
    const found = sp.regions.length
      ? sp.regions
          .slice(0, 5)
          .map((r) => `${r.w}×${r.h} at (${r.x}, ${r.y})`)
          .join('; ') + (sp.regions.length > 5 ? `; and ${sp.regions.length - 5} more` : '') + ' lack the earlier compression'
      : 'no region without the earlier compression found';
    io.stdout(`  splice map: ${found}${sp.coverage < 1 ? ` (the map covers the first ${Math.round(sp.coverage * 100)} % of the rows)` : ''}\n`);
  }
  const gc = s.grid as GridCheck | undefined;
  if (gc) {
    const found = gc.regions.length
      ? gc.regions
          .slice(0, 5)
          .map((r) => `${r.w}×${r.h} at (${r.x}, ${r.y}) on a grid shifted by (${r.dx}, ${r.dy})${r.earlierQuality !== null ? `, earlier quality ≈${r.earlierQuality}` : `, earlier DC step ${r.earlierStep}`}`)
          .join('; ') + (gc.regions.length > 5 ? `; and ${gc.regions.length - 5} more` : '')
      : 'no region on another grid found';
    const own = gc.pictureGrid ? ` (the picture, over ${Math.round(gc.pictureGrid.share * 100)} % of it, carries an earlier save on a grid shifted by (${gc.pictureGrid.dx}, ${gc.pictureGrid.dy}): cropped after that save)` : '';
    io.stdout(`  shifted-grid map: ${found}${own}${gc.coverage < 1 ? ` (the map covers the first ${Math.round(gc.coverage * 100)} % of the rows)` : ''}\n`);
  }
  const hm = s.hiddenMedia as { hiddenSec: number; frames: { mediaSec: number; faces: number; score: number | null }[]; probability: number | null; band: string } | undefined;
  if (hm) {
    const frames = hm.frames.map((f) => `${f.mediaSec.toFixed(2)} s: ${f.faces} face${f.faces === 1 ? '' : 's'}${f.score !== null ? ` ${pct(f.score)}` : ''}`).join('; ');
    io.stdout(`  hidden by the edit list: ${hm.hiddenSec.toFixed(2)} s, ${hm.frames.length} frames analysed apart — ${hm.probability !== null ? `${pct(hm.probability)} ${hm.band}` : hm.band}${frames ? ` (${frames})` : ''}\n`);
  }
  const am = s.appendedMedia as { offset: number; bytes: number; kind: string | null; format: string | null; frames: unknown[]; probability: number | null; band: string; note: string } | undefined;
  if (am) {
    const what = am.kind ? `${termSafe(formatName(am.format))} ${am.kind === 'image' ? 'picture' : 'video'}` : 'unreadable data';
    io.stdout(`  appended to the file: ${what}, ${am.bytes} bytes from byte ${am.offset} — ${am.frames.length ? `${am.frames.length} frame${am.frames.length === 1 ? '' : 's'} analysed apart: ${am.probability !== null ? `${pct(am.probability)} ${am.band}` : am.band}` : termSafe(am.note)}\n`);
  }
  const sc = s.sourceCamera as SourceCameraCheck | undefined;
  if (sc) io.stdout(`  source camera: ${termSafe(sourceCameraLine(sc))}\n`);
  if (sc?.integrity) io.stdout(`  sensor-noise map: ${termSafe(sensorNoiseLine(sc.integrity))}\n`);
  const md = s.metadata as Pick<MetadataReport, 'highlights' | 'flags'> | null;
  if (md) {
    const history = md.highlights.find((h) => h.label === 'Compression history');
    if (history) io.stdout(`  compression history: ${termSafe(history.value)}\n`);
    for (const f of md.flags) if (f.severity !== 'info') io.stdout(`  ~ ${f.code} (${f.severity}, file metadata): ${termSafe(f.message)}\n`);
  }
  const models = (s.models as { id: string; version: string; provider: string }[]).map((m) => `${m.id}@${m.version} (${m.provider})`).join(', ');
  io.stdout(`  models: ${models || 'none'}; total ${Math.round(((s.timings as Record<string, number>).total ?? 0) as number)} ms\n`);
}

async function run(args: string[], io: CliIo): Promise<number> {
  const p = parseFlags(args, { string: ['frames', 'strategy', 'models-dir', 'report'], boolean: ['json', 'store'] });
  if ('error' in p) {
    io.stderr(`mediaguard analyze: ${p.error}\n${USAGE}\n`);
    return EXIT.USAGE;
  }
  if (!p.positionals.length) {
    io.stderr(`mediaguard analyze: name at least one file or folder\n${USAGE}\n`);
    return EXIT.USAGE;
  }
  const framesFlag = flagString(p, 'frames');
  const frames = framesFlag === undefined ? undefined : Number(framesFlag);
  if (frames !== undefined && !(Number.isInteger(frames) && frames >= 1 && frames <= 4096)) {
    io.stderr('mediaguard analyze: --frames must be an integer from 1 to 4096\n');
    return EXIT.USAGE;
  }
  const strategy = flagString(p, 'strategy');
  if (strategy !== undefined && !['even', 'rate', 'scene'].includes(strategy)) {
    io.stderr('mediaguard analyze: --strategy must be even, rate or scene\n');
    return EXIT.USAGE;
  }
  const report = flagString(p, 'report');
  const store = p.flags.store === true;
  if (report && !store) {
    io.stderr('mediaguard analyze: --report needs --store --as <username> (a report is issued for a stored record, by an account)\n');
    return EXIT.USAGE;
  }
  if (store && !flagString(p, 'as')) {
    io.stderr('mediaguard analyze: --store needs --as <username>\n');
    return EXIT.USAGE;
  }
  const json = p.flags.json === true;
  let core: Core | null = null;
  try {
    core = await openCliCore(p, io, { modelsDir: flagString(p, 'models-dir') ?? null });
    const owner = store ? (await requireRole(core, p, io, ['user', 'investigator', 'admin'])).session : null;
    const reportPath = (name: string, many: boolean) => (many ? path.join(path.resolve(report!), `${name}.report.pdf`) : path.resolve(report!));
    let lastStage = '';
    const onProgress = (pr: AnalysisProgress) => {
      if (json || pr.stage === lastStage) return;
      lastStage = pr.stage;
      io.stderr(`  ${termSafe(pr.fileName)}: ${pr.stage} (${Math.round(pr.fraction * 100)} %)\n`);
    };
    const { jobs, leftOut } = await core.analysis.engine.start(p.positionals, owner ? { userId: owner.userId, username: owner.username, role: owner.role } : null, {
      store,
      senderId: null,
      onProgress,
      options: { ...(frames ? { frames } : {}), ...(strategy ? { strategy: strategy as 'even' | 'rate' | 'scene' } : {}) },
    });
    // What the folders held that was not queued (not a failure: those files are not images or videos, or were not examined).
    for (const l of leftOut) io.stderr(`mediaguard analyze: ${termSafe(describeLeftOut(l))}\n`);
    let failed = 0;
    for (const j of jobs) {
      const outcome = await core.analysis.engine.wait(j.jobId);
      if (outcome.output && outcome.job.state === 'done') {
        const summary = jsonSummary(outcome.output, outcome.job.detectionId);
        if (report && owner && outcome.job.detectionId) {
          try {
            if (jobs.length > 1) await fs.promises.mkdir(path.resolve(report), { recursive: true });
            const r = await core.reports.exportReport({
              detectionId: outcome.job.detectionId,
              destPath: reportPath(j.fileName, jobs.length > 1),
              author: { userId: owner.userId, username: owner.username, displayName: owner.displayName || owner.username, role: owner.role },
              overwrite: false,
            });
            summary.report = { path: r.path, sha256: r.sha256 };
          } catch (e) {
            // The analysis is stored either way; only the report failed, and the exit code says so.
            failed++;
            summary.report = { error: e instanceof AppError ? e.toShape() : { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) } };
            if (!json) io.stderr(`${termSafe(j.fileName)}: report not written: ${termSafe(e instanceof Error ? e.message : String(e))}\n`);
          }
        }
        if (json) io.stdout(JSON.stringify(summary) + '\n');
        else printHuman(io, summary);
      } else {
        failed++;
        const error = outcome.job.error ?? { code: 'INTERNAL', message: 'unknown failure' };
        if (json) io.stdout(JSON.stringify({ file: j.path, error }) + '\n');
        else io.stderr(`${termSafe(j.fileName)}: FAILED ${error.code}: ${termSafe(error.message)}\n`);
      }
    }
    return failed ? EXIT.FAILURE : EXIT.OK;
  } catch (e) {
    if (json && e instanceof AppError && e.code === 'NOT_FOUND') io.stdout(JSON.stringify({ file: p.positionals.join(' '), error: e.toShape() }) + '\n');
    return printError(io, 'analyze', e);
  } finally {
    if (core) {
      core.sessions.end(cliSenderId());
      await core.close();
    }
  }
}

export const analyzeCommand: CliCommand = { name: 'analyze', usage: USAGE, run };
