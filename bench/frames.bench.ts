/**
 * Frame extraction next to plain `ffmpeg -i clip -f null -` decoding of the same file in the
 * same run: the baseline is what decoding alone costs; our figures add scaling, the pipe and
 * the buffers, and show what sampling (seek vs sequential) saves.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { extractFrames, probe, resolveTools } from '../src-main/core/media';
import type { BenchContext } from './types';

type Ctx = Pick<BenchContext, 'cacheDir' | 'quick' | 'runs' | 'ffmpeg' | 'log' | 'time'>;

function benchClip(ctx: Ctx, w: number, h: number, secs: number): string {
  const file = path.join(ctx.cacheDir, `clip-${w}x${h}-${secs}s-g60.mp4`);
  if (!fs.existsSync(file)) {
    ctx.log(`generating ${path.basename(file)} (cached for later runs)`);
    const tmp = `${file}.tmp.mp4`;
    execFileSync(ctx.ffmpeg, ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=${w}x${h}:rate=30:duration=${secs}`, '-c:v', 'libx264', '-preset', 'veryfast', '-g', '60', '-pix_fmt', 'yuv420p', tmp]);
    fs.renameSync(tmp, file);
  }
  return file;
}

export default {
  name: 'frames',
  description: 'frame extraction vs plain ffmpeg decoding of the same clip',
  async run(ctx: Ctx) {
    const file = ctx.quick ? benchClip(ctx, 640, 360, 10) : benchClip(ctx, 1280, 720, 20);
    const tools = await resolveTools({ env: process.env });
    const info = await probe(file, tools);
    const total = Math.round((info.durationSec ?? 0) * (info.fps ?? 0));
    const desc = `${info.width}×${info.height} ${info.videoCodec}, ${total} frames`;
    ctx.log(`${path.basename(file)}: ${desc}; ffmpeg ${tools.ffmpeg.version} (${tools.ffmpeg.source})`);

    const baseline = await ctx.time(() => execFileSync(tools.ffmpeg.path, ['-v', 'error', '-i', `file:${file}`, '-f', 'null', '-']));
    const limits = { maxFrames: 1_000_000 };
    const all = await ctx.time(() => extractFrames(file, info, tools, { strategy: { kind: 'rate', fps: info.fps ?? 30, max: 1_000_000 }, maxSide: 224, method: 'sequential', limits }));
    const even = (method: 'auto' | 'seek' | 'sequential') => ctx.time(() => extractFrames(file, info, tools, { strategy: { kind: 'even', count: 16 }, maxSide: 224, method }));
    const auto = await even('auto');
    const seq = await even('sequential');
    const seek = await even('seek');
    const fps = (frames: number, ms: number) => (frames * 1000) / ms;
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    const figures = [
      { figure: 'ffmpeg -f null decode (baseline)', value: fps(total, baseline.medianMs), unit: 'frames/s', detail: `${s(baseline.medianMs)} for ${desc}` },
      {
        figure: 'extractFrames, every frame → RGB24 @224',
        value: fps(all.result.frames.length, all.medianMs),
        unit: 'frames/s',
        detail: `${s(all.medianMs)}; ${(all.medianMs / baseline.medianMs).toFixed(2)}× the baseline's time`,
        compareTo: 'ffmpeg -f null decode (baseline)',
      },
      { figure: 'extractFrames, 16 even frames @224 (auto)', value: auto.medianMs, unit: 'ms', detail: `method ${auto.result.sampling.method}; ${(auto.medianMs / baseline.medianMs).toFixed(2)}× the baseline's time` },
      { figure: 'extractFrames, 16 even frames @224 (sequential)', value: seq.medianMs, unit: 'ms', detail: `${(seq.medianMs / baseline.medianMs).toFixed(2)}× the baseline's time` },
      {
        figure: 'extractFrames, 16 even frames @224 (seek)',
        value: seek.medianMs,
        unit: 'ms',
        detail: `${(seek.medianMs / baseline.medianMs).toFixed(2)}× the baseline's time; seek check ${seek.result.sampling.seekCheck?.passed ? 'passed' : (seek.result.sampling.fallbackReason ?? 'n/a')}`,
      },
    ];
    if (!ctx.quick) {
      // Where seeking pays: few frames from a long video (2 min, keyframe every 2 s).
      const long = benchClip(ctx, 640, 360, 120);
      const linfo = await probe(long, tools);
      const lbase = await ctx.time(() => execFileSync(tools.ffmpeg.path, ['-v', 'error', '-i', `file:${long}`, '-f', 'null', '-']), { runs: 1 });
      const lauto = await ctx.time(() => extractFrames(long, linfo, tools, { strategy: { kind: 'even', count: 16 }, maxSide: 224 }), { runs: 1 });
      figures.push(
        { figure: 'long clip: ffmpeg -f null decode (baseline)', value: lbase.medianMs, unit: 'ms', detail: `640×360, 3600 frames` },
        {
          figure: 'long clip: extractFrames, 16 even frames (auto)',
          value: lauto.medianMs,
          unit: 'ms',
          detail: `method ${lauto.result.sampling.method}; ${(lauto.medianMs / lbase.medianMs).toFixed(2)}× the baseline's time`,
        },
      );
    }
    return figures;
  },
};
