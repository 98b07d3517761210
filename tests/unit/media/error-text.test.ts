import { describe, expect, it } from 'vitest';
import { decoderComplaints, distinctLines, errorSummary, firstErrorLine } from '../../../src-main/core/media/error-text';

// What sharp threw for a JPEG cut off inside its EXIF segment.
const VIPS_TRUNCATED_EXIF = [
  'Input buffer has corrupt header: VipsJpeg: premature end of JPEG image',
  'VipsJpeg: JPEG datastream contains no image',
  'VipsJpeg: premature end of JPEG image',
  'VipsJpeg: JPEG datastream contains no image',
  'VipsJpeg: premature end of JPEG image',
  'VipsJpeg: premature end of JPEG image',
].join('\n');

describe('decoder message clean-up', () => {
  it('collapses libvips repetitions to the distinct lines, first meaningful line first', () => {
    expect(distinctLines(VIPS_TRUNCATED_EXIF)).toEqual(['Input buffer has corrupt header: VipsJpeg: premature end of JPEG image', 'VipsJpeg: JPEG datastream contains no image']);
    expect(firstErrorLine(VIPS_TRUNCATED_EXIF)).toBe('Input buffer has corrupt header: VipsJpeg: premature end of JPEG image');
    expect(errorSummary(VIPS_TRUNCATED_EXIF)).toBe('Input buffer has corrupt header: VipsJpeg: premature end of JPEG image; VipsJpeg: JPEG datastream contains no image');
  });

  it('skips empty and bare-prefix lines, and a later fuller line takes the shorter one\'s place', () => {
    expect(firstErrorLine('\n  \nVipsJpeg:\n---\nread error\n')).toBe('read error');
    expect(distinctLines('premature end of JPEG image\nother\nVipsJpeg: premature end of JPEG image')).toEqual(['VipsJpeg: premature end of JPEG image', 'other']);
  });

  it('treats ffmpeg lines that differ only by the context address as the same', () => {
    const s = '[h264 @ 0x55d0c0a1b2c0] error while decoding MB 3 4\n[h264 @ 0x55d0c0a1ffff] error while decoding MB 3 4\n[h264 @ 0x55d0c0a1b2c0] concealing 10 DC errors';
    expect(distinctLines(s)).toHaveLength(2);
    expect(errorSummary(s, { lines: 1, from: 'end' })).toBe('[h264 @ 0x55d0c0a1b2c0] concealing 10 DC errors');
    expect(errorSummary('x'.repeat(500), { max: 10 })).toHaveLength(10);
  });

  it('turns ffmpeg\'s per-frame decoder complaints into one sentence: codec once, first complaint, distinct others counted', () => {
    const lines = ['[h264 @ 0x55d0c0a1b2c0] error while decoding MB 20 0', '[h264 @ 0x55d0c0a1ffff] error while decoding MB 20 0', '[h264 @ 0x55d0c0a1b2c0] concealing 10 DC errors'];
    expect(decoderComplaints(lines)).toBe('(h264) error while decoding MB 20 0 (+1 other distinct message)');
    expect(decoderComplaints(lines.slice(0, 2))).toBe('(h264) error while decoding MB 20 0');
    expect(decoderComplaints([])).toBe('');
  });
});
