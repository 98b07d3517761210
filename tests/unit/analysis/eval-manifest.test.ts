import { describe, expect, it } from 'vitest';
import { originOf, parseManifest } from '../../../src-main/core/analysis/eval-manifest';

describe('eval manifest', () => {
  it('reads the columns it needs, in any order, and keys each row for the cluster bootstrap', () => {
    const text = [
      'label\tsource_path\trelpath\tmanipulation_or_generator',
      'fake\tvids/183_253.mp4 (DERIVED: full frame at 5s via ffmpeg -q:v 2)\tffpp/frames/183_253_t05s.jpg\tFF++ Deepfakes',
      'fake\tvids/183_253.mp4 (DERIVED: full frame at 8s via ffmpeg -q:v 2)\tffpp/frames/183_253_t08s.jpg\tFF++ Deepfakes',
      'fake\tvids/183_253.mp4\tffpp/videos/183_253.mp4\tFF++ Deepfakes',
      'real\t\tphotos/a.jpg\t',
      'real\tdownloads/b.jpg\tphotos/b.jpg\tnone\r',
    ].join('\n');
    const rows = parseManifest(text);
    expect(rows.map((r) => r.source)).toEqual(['ffpp', 'ffpp', 'ffpp', 'photos', 'photos']);
    expect(rows.map((r) => r.fake)).toEqual([true, true, true, false, false]);
    expect(new Set(rows.slice(0, 3).map((r) => r.origin))).toEqual(new Set(['source:vids/183_253.mp4']));
    expect(rows[3]).toMatchObject({ origin: 'file:photos/a.jpg', generator: '?' });
    expect(rows[4]).toMatchObject({ origin: 'source:downloads/b.jpg', generator: 'none' });
  });
  it('prefers a group column, and refuses a manifest without relpath or label', () => {
    const rows = parseManifest('relpath\tlabel\tgroup\tsource_path\nx/1.jpg\tfake\tperson7\ta.mp4\nx/2.jpg\treal\t \tb.mp4\n');
    expect(rows.map((r) => r.origin)).toEqual(['group:person7', 'source:b.mp4']);
    expect(originOf('x/3.jpg')).toBe('file:x/3.jpg');
    expect(() => parseManifest('path\tlabel\nx\treal\n')).toThrow(/relpath and label/);
    expect(() => parseManifest('')).toThrow(/empty/);
  });
});
