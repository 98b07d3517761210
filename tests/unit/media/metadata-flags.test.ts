import { describe, expect, it } from 'vitest';
import { imageFlags, parseTagDate, videoFlags } from '../../../src-main/core/media/metadata-flags';

const codes = (f: { code: string }[]) => f.map((x) => x.code);

describe('metadata flags', () => {
  it('parses EXIF and ISO dates, rejecting junk', () => {
    expect(parseTagDate('2024:05:01 10:00:00')).toBe(Date.UTC(2024, 4, 1, 10));
    expect(parseTagDate('2024-05-01T10:00:00Z')).toBe(Date.UTC(2024, 4, 1, 10));
    expect(parseTagDate('2024-05-01T12:00:00+02:00')).toBe(Date.UTC(2024, 4, 1, 10));
    expect(parseTagDate('0000:00:00 00:00:00')).toBeNull();
    expect(parseTagDate('yesterday')).toBeNull();
    expect(parseTagDate(undefined)).toBeNull();
  });

  it('says when there is no metadata at all', () => {
    expect(codes(imageFlags({}, { width: 10, height: 10 }))).toEqual(['NO_METADATA']);
  });

  it('reports damaged metadata as damaged, never as stripped, and an empty EXIF block as empty', () => {
    const none = imageFlags({}, { width: 10, height: 10 }, { exifPresent: true, damage: ['IFD0 at offset 999 is outside the block'] });
    expect(codes(none)).toEqual(['METADATA_DAMAGED']);
    expect(none[0]).toMatchObject({ severity: 'warning' });
    expect(none[0]!.message).toMatch(/IFD0 at offset 999 is outside the block.*None of its tags could be read/);
    const some = imageFlags({ ifd0: { Software: 'GIMP 2.10' } }, { width: 10, height: 10 }, { exifPresent: true, damage: ['a', 'b', 'c', 'd', 'e'] });
    expect(codes(some)).toEqual(['METADATA_DAMAGED', 'EDITING_SOFTWARE', 'NO_CAMERA_DATA']);
    expect(some[0]!.message).toMatch(/a; b; c \(\+2 more\)\. Every tag that could still be read is shown/);
    expect(some[2]!.message).toMatch(/damaged part may have held them/);
    expect(codes(imageFlags({}, { width: 10, height: 10 }, { exifPresent: true }))).toEqual(['EMPTY_METADATA']);
    expect(codes(imageFlags({}, { width: 10, height: 10 }, { exifPresent: false, damage: [] }))).toEqual(['NO_METADATA']);
  });

  it('flags editing software, missing camera, dates and EXIF size that disagree', () => {
    const flags = imageFlags(
      {
        ifd0: { Software: 'Adobe Photoshop 25.0', ModifyDate: '2024:06:01 10:00:00' },
        exif: { DateTimeOriginal: '2024:05:01 10:00:00', CreateDate: '2024:05:01 11:00:00', ExifImageWidth: '4000', ExifImageHeight: '3000' },
      },
      { width: 800, height: 600 },
    );
    expect(codes(flags)).toEqual(expect.arrayContaining(['EDITING_SOFTWARE', 'NO_CAMERA_DATA', 'DATE_MISMATCH', 'MODIFIED_AFTER_CAPTURE', 'DIMENSION_MISMATCH']));
  });

  it('stays quiet for a consistent camera file (rotated EXIF size accepted)', () => {
    const flags = imageFlags(
      { ifd0: { Make: 'Canon', Model: 'EOS', Software: 'Firmware 1.0', ModifyDate: '2024:05:01 10:00:00' }, exif: { DateTimeOriginal: '2024:05:01 10:00:00', ExifImageWidth: '600', ExifImageHeight: '800' } },
      { width: 800, height: 600 },
    );
    expect(flags).toEqual([]);
  });

  it('flags FFmpeg muxing, x264, editors and missing tags in videos', () => {
    const f = videoFlags({ container: { encoder: 'Lavf58.29.100' }, video: { handler_name: 'Core Media Video' } }, 'core 148; crf=40');
    expect(codes(f)).toEqual(expect.arrayContaining(['REENCODED', 'NO_CAMERA_DATA', 'NO_CREATION_TIME']));
    expect(codes(videoFlags({ container: { encoder: 'HandBrake 1.6.1 2023012300', creation_time: '2024-01-01T00:00:00Z' } }, null))).toContain('EDITING_SOFTWARE');
    const phone = videoFlags({ container: { 'com.apple.quicktime.make': 'Apple', creation_time: '2024-01-01T00:00:00Z' }, video: { creation_time: '2024-01-01T00:00:00Z' } }, null);
    expect(phone).toEqual([]);
    expect(codes(videoFlags({ container: { creation_time: '2024-01-01T00:00:00Z', make: 'x' }, video: { creation_time: '2024-03-01T00:00:00Z' } }, null))).toEqual(['DATE_MISMATCH']);
  });
});
