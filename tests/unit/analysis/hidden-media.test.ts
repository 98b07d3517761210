/**
 * The part of a video its edit list hides (tests/fixtures: cut.mp4, whose first 3.2 s of solid red
 * stay in the file unplayed): decoded, run through the models apart from the played frames,
 * pictured, named in the warnings and the verdict, and stored in a valid record.
 */
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeFile } from '../../../src-main/core/analysis/analyze-file';
import { hiddenFrameCount, hiddenMediaWarning, withHiddenMedia } from '../../../src-main/core/analysis/hidden-media';
import { buildDetection } from '../../../src-main/core/analysis/record';
import type { ModelRegistry } from '../../../src-main/core/analysis/registry';
import { detectionIssues } from '../../../src-main/core/db/detection-schema';
import type { HiddenMediaCheck, Verdict } from '../../../src-shared/domain/detection';
import { DEFAULT_SETTINGS } from '../../../src-shared/domain/settings';
import { testRegistry, writeStandardModels } from '../../helpers/analysis-models';
import { tempDir } from '../../helpers/core';
import { fixture } from '../media/helpers';

const verdict = (band: Verdict['band'], probability: number | null): Verdict => ({ band, probability, thresholds: { authentic: 0.3, manipulated: 0.7 }, explanation: 'Models say so.', decidedBy: 'faces' });
const hidden = (band: HiddenMediaCheck['band'], probability: number | null): HiddenMediaCheck => ({
  trackId: 1,
  spans: [{ startSec: 0, endSec: 3.2 }],
  hiddenSec: 3.2,
  mediaSec: 10,
  frames: probability === null ? [] : [{ mediaSec: 1, faceCount: 1, probability, band }],
  probability,
  band,
  note: probability === null ? 'None of its frames could be decoded.' : '1 frame analysed.',
});

describe('the hidden part and the verdict', () => {
  it('keeps a file out of the authentic band when its hidden part reads manipulated, and otherwise only says what it read', () => {
    const v = withHiddenMedia(verdict('authentic', 0.1), hidden('manipulated', 0.9));
    expect(v.band).toBe('inconclusive');
    expect(v.probability).toBe(0.1);
    expect(v.explanation).toBe(
      'Models say so. But the 3.20 s of video its edit list hides (never played; 1 frame analysed apart) reads 90.0 %, manipulated. So the file is not called authentic: inconclusive; see the hidden frames.',
    );
    expect(withHiddenMedia(verdict('manipulated', 0.9), hidden('authentic', 0.1))).toMatchObject({ band: 'manipulated', explanation: expect.stringContaining('Apart from the verdict, the 3.20 s of video') });
    expect(withHiddenMedia(verdict('authentic', 0.1), hidden('inconclusive', 0.5)).band).toBe('authentic');
    expect(withHiddenMedia(verdict('authentic', 0.1), hidden('undetermined', null))).toMatchObject({ band: 'authentic', explanation: 'Models say so. The 3.20 s of video its edit list hides could not be judged.' });
    expect(hiddenMediaWarning(hidden('undetermined', null)).message).toBe(
      "3.20 s of the video track's media (at 0.00–3.20 s of 10.00 s) is never played: the edit list skips it. None of its frames could be decoded. They are not part of the verdict.",
    );
  });

  it('samples the hidden part as densely as the played part, 2 to 8 frames', () => {
    expect(hiddenFrameCount(16, 6.8, 3.2)).toBe(8);
    expect(hiddenFrameCount(16, 60, 3.2)).toBe(2);
    expect(hiddenFrameCount(16, 20, 5)).toBe(4);
    expect(hiddenFrameCount(16, null, 3)).toBe(8);
  });
});

describe('analysing a video cut without re-encoding', () => {
  let t: { dir: string; cleanup: () => void };
  let reg: ModelRegistry;
  beforeAll(() => {
    t = tempDir('mg-hidden-');
    writeStandardModels(path.join(t.dir, 'models'));
    reg = testRegistry(t.dir);
  });
  afterAll(async () => {
    await reg.close();
    t.cleanup();
  });
  const run = (file: string) => analyzeFile(file, { registry: reg, settings: DEFAULT_SETTINGS, options: { frames: 8 }, signal: new AbortController().signal, progress: () => undefined });

  it('analyses the hidden frames apart, pictures them, and names them in the warnings and the verdict', async () => {
    const out = await run(fixture('cut.mp4'));
    const h = out.hiddenMedia!;
    expect(h).toMatchObject({ trackId: 1, hiddenSec: expect.closeTo(3.2, 3), mediaSec: expect.closeTo(10, 3) });
    expect(h.spans).toEqual([{ startSec: 0, endSec: expect.closeTo(3.2, 3) }]);
    // 8 played frames over 6.8 s: 4 hidden frames over 3.2 s, in the middle of equal slices.
    expect(h.frames.map((f) => f.mediaSec)).toEqual([0.4, 1.2, 2, 2.8]);
    // The test face model's logit follows redness: the red hidden frames read manipulated, the played test pattern does not.
    for (const f of h.frames) expect(f).toMatchObject({ faceCount: 1, band: 'manipulated' });
    expect(h.band).toBe('manipulated');
    expect(out.result.frames.every((f) => f.probability! < 0.7)).toBe(true);
    expect(out.result.verdict.band).not.toBe('authentic');
    expect(out.result.verdict.explanation).toContain('the 3.20 s of video its edit list hides (never played; 4 frames analysed apart) reads');
    expect(out.result.warnings.find((w) => w.code === 'HIDDEN_MEDIA')?.message).toMatch(/^3\.20 s of the video track's media \(at 0\.00–3\.20 s of 10\.00 s\) is never played: the edit list skips it\. 4 of its frames were analysed apart: \d+\.\d %, manipulated\./);
    // One picture per hidden frame: red, with the face box drawn.
    const pics = out.result.artifacts.filter((a) => a.ref.kind === 'hidden');
    expect(pics.map((a) => a.ref.key)).toEqual(h.frames.map((f) => f.artifact));
    const { data, info } = await sharp(pics[0]!.data).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([160, 120]);
    const corner = (5 * info.width + 5) * 3;
    expect([data[corner]! > 200, data[corner + 1]! < 60, data[corner + 2]! < 60]).toEqual([true, true, true]);
    expect(Object.keys(out.result.timingsMs)).toContain('hidden-media');
    // The stored record carries it and passes the store's schema.
    const d = buildDetection('rec1', { userId: 'u1', username: 'ann' }, out, new Date().toISOString(), new Date().toISOString(), '0.0.0');
    expect(d.hiddenMedia).toEqual(h);
    expect(detectionIssues(d)).toBeNull();
  });

  it('leaves a plain file without a hidden part', async () => {
    const out = await run(fixture('clip.mp4'));
    expect(out.hiddenMedia).toBeUndefined();
    expect(out.result.artifacts.some((a) => a.ref.kind === 'hidden')).toBe(false);
    expect(out.result.warnings.map((w) => w.code)).not.toContain('HIDDEN_MEDIA');
  });
});

