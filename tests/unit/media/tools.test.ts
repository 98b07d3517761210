import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findOnPath, resolveTools, toolVersion } from '../../../src-main/core/media';
import { defaultBundled } from '../../../src-main/core/media/tools';
import { tempDir } from '../../helpers/core';
import { rejectsWith } from './helpers';

const ffmpeg = findOnPath('ffmpeg', process.env)!;
const ffprobe = findOnPath('ffprobe', process.env)!;
const none = { ffmpeg: async () => null, ffprobe: async () => null };
const t = tempDir('mg-tools-');
afterAll(() => t.cleanup());

describe('resolveTools', () => {
  it('needs ffmpeg and ffprobe on PATH for these tests', () => {
    expect(ffmpeg).toBeTruthy();
    expect(ffprobe).toBeTruthy();
  });

  it('prefers the setting, then the env var, then the bundled binary, then PATH', async () => {
    const bundled = { ffmpeg: async () => ffmpeg, ffprobe: async () => ffprobe };
    const env = { PATH: path.dirname(ffmpeg), MEDIAGUARD_FFMPEG: ffmpeg, MEDIAGUARD_FFPROBE: ffprobe };
    const s = await resolveTools({ ffmpegPath: ffmpeg, ffprobePath: ffprobe, env, bundled });
    expect([s.ffmpeg.source, s.ffprobe.source]).toEqual(['setting', 'setting']);
    const e = await resolveTools({ env, bundled });
    expect([e.ffmpeg.source, e.ffprobe.source]).toEqual(['env', 'env']);
    const b = await resolveTools({ env: { PATH: env.PATH }, bundled });
    expect([b.ffmpeg.source, b.ffprobe.source]).toEqual(['bundled', 'bundled']);
    const p = await resolveTools({ env: { PATH: env.PATH }, bundled: none });
    expect(p.ffmpeg).toMatchObject({ source: 'path', path: ffmpeg });
    expect(p.ffmpeg.version).toMatch(/^\S+$/);
    expect(p.ffprobe.version).toBe(await toolVersion(ffprobe));
  });

  it('pairs ffprobe with the ffmpeg it will be matched against, unless ffprobe is chosen explicitly', async () => {
    const bundledProbeOnly = { ffmpeg: async () => null, ffprobe: async () => ffprobe };
    const r = await resolveTools({ env: { PATH: path.dirname(ffmpeg) }, bundled: bundledProbeOnly });
    expect(r.ffmpeg.source).toBe('path');
    expect(r.ffprobe).toMatchObject({ path: path.join(path.dirname(ffmpeg), 'ffprobe'), source: 'path' });
    // A lone ffmpeg with no sibling ffprobe: the usual order (bundled) applies.
    const lone = path.join(t.dir, 'lone');
    fs.mkdirSync(lone);
    fs.symlinkSync(ffmpeg, path.join(lone, 'ffmpeg'));
    const r2 = await resolveTools({ ffmpegPath: path.join(lone, 'ffmpeg'), env: { PATH: t.dir }, bundled: bundledProbeOnly });
    expect(r2.ffprobe.source).toBe('bundled');
    const r3 = await resolveTools({ ffprobePath: ffprobe, env: { PATH: path.dirname(ffmpeg) }, bundled: none });
    expect(r3.ffprobe.source).toBe('setting');
  });

  it('uses the real ffmpeg-static/ffprobe-static packages when their binaries exist', async () => {
    const bundledFfmpeg = await defaultBundled.ffmpeg();
    const bundledFfprobe = await defaultBundled.ffprobe();
    if (bundledFfmpeg && fs.existsSync(bundledFfmpeg)) {
      const r = await resolveTools({ env: { PATH: '' } });
      expect(r.ffmpeg).toMatchObject({ source: 'bundled', path: bundledFfmpeg });
    } else {
      // ffmpeg-static's download is absent here (no network at install): with nothing on PATH
      // the app says ffmpeg is missing, even though ffprobe-static ships its binary.
      await rejectsWith(resolveTools({ env: { PATH: '' } }), 'FFMPEG_MISSING');
    }
    if (bundledFfprobe && fs.existsSync(bundledFfprobe)) {
      const r = await resolveTools({ ffmpegPath: ffmpeg, env: { PATH: '' }, bundled: { ffmpeg: async () => null, ffprobe: async () => bundledFfprobe } });
      expect(['bundled', 'setting']).toContain(r.ffprobe.source);
    }
  });

  it('falls through a broken bundled binary to PATH', async () => {
    const fake = path.join(t.dir, 'fake-ffmpeg');
    fs.writeFileSync(fake, '#!/bin/sh\necho not ffmpeg\n', { mode: 0o755 });
    const r = await resolveTools({ env: { PATH: path.dirname(ffmpeg) }, bundled: { ffmpeg: async () => fake, ffprobe: async () => path.join(t.dir, 'missing') } });
    expect(r.ffmpeg.source).toBe('path');
    expect(r.ffprobe.source).toBe('path');
  });

  it('is a clear FFMPEG_MISSING when nothing is found, naming what to do', async () => {
    const e = await rejectsWith(resolveTools({ env: { PATH: t.dir }, bundled: none }), 'FFMPEG_MISSING');
    expect(e.message).toMatch(/apt-get install ffmpeg/);
    expect(e.message).toMatch(/MEDIAGUARD_FFMPEG/);
  });

  it('refuses a broken explicit choice instead of silently using another binary', async () => {
    const e1 = await rejectsWith(resolveTools({ ffmpegPath: path.join(t.dir, 'nope'), env: { PATH: path.dirname(ffmpeg) }, bundled: none }), 'FFMPEG_MISSING');
    expect(e1.message).toMatch(/Settings/);
    const notFf = path.join(t.dir, 'not-ffmpeg');
    fs.writeFileSync(notFf, '#!/bin/sh\necho hello\n', { mode: 0o755 });
    const e2 = await rejectsWith(resolveTools({ env: { PATH: path.dirname(ffmpeg), MEDIAGUARD_FFPROBE: notFf }, bundled: none }), 'FFMPEG_MISSING');
    expect(e2.message).toMatch(/MEDIAGUARD_FFPROBE/);
    const text = path.join(t.dir, 'text');
    fs.writeFileSync(text, 'not executable', { mode: 0o644 });
    await rejectsWith(resolveTools({ ffprobePath: text, env: { PATH: path.dirname(ffmpeg) }, bundled: none }), 'FFMPEG_MISSING');
  });

  it('runs -version once per binary', async () => {
    expect(toolVersion(ffmpeg)).toBe(toolVersion(ffmpeg));
  });
});
