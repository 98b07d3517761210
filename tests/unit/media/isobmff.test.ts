/**
 * The HEIF/AVIF item reader on hand-built containers: iloc versions 0/1/2 with base offsets and
 * several extents, items stored in idat (construction method 1), the EXIF offset conventions
 * writers use ("Exif\0\0" kept or skipped), and lies in sizes. Built here, byte by byte.
 */
import { describe, expect, it } from 'vitest';
import { findExifBlock } from '../../../src-main/core/media/exif-tiff';
import { childBoxes, heifItems } from '../../../src-main/core/media/isobmff';

const u8 = (n: number) => Buffer.from([n & 255]);
const u16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
};
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const box = (type: string, ...body: Buffer[]) => {
  const payload = Buffer.concat(body);
  return Buffer.concat([u32(8 + payload.length), Buffer.from(type, 'latin1'), payload]);
};
const fullBox = (type: string, version: number, ...body: Buffer[]) => box(type, u8(version), Buffer.alloc(3), ...body);
const infe = (id: number, type: string, contentType?: string) =>
  fullBox('infe', 2, u16(id), u16(0), Buffer.from(type, 'latin1'), Buffer.from('\0', 'latin1'), ...(contentType ? [Buffer.from(`${contentType}\0`, 'latin1')] : []));

/** A minimal big-endian TIFF: IFD0 with Make and Model. */
function tiff(make: string, model: string): Buffer {
  const strings = Buffer.from(`${make}\0${model}\0`, 'latin1');
  const ifd = Buffer.concat([u16(2), u16(0x010f), u16(2), u32(make.length + 1), u32(8 + 2 + 24 + 4), u16(0x0110), u16(2), u32(model.length + 1), u32(8 + 2 + 24 + 4 + make.length + 1), u32(0)]);
  return Buffer.concat([Buffer.from('MM', 'latin1'), u16(42), u32(8), ifd, strings]);
}

/**
 * ftyp + meta(hdlr, iinf, iloc[, idat]) + mdat holding `payload` for item 1 ('Exif'), in `parts`
 * extents; iloc version v; method 1 puts the payload in idat instead of mdat.
 */
function container(payload: Buffer, opts: { version?: 0 | 1 | 2; method?: 0 | 1; parts?: number; base?: boolean } = {}): Buffer {
  const v = opts.version ?? 0;
  const method = opts.method ?? 0;
  const parts = opts.parts ?? 1;
  const ftyp = box('ftyp', Buffer.from('heic', 'latin1'), u32(0), Buffer.from('mif1heic', 'latin1'));
  const hdlr = fullBox('hdlr', 0, u32(0), Buffer.from('pict', 'latin1'), Buffer.alloc(12), Buffer.from('\0', 'latin1'));
  const iinf = fullBox('iinf', 0, u16(2), infe(1, 'Exif'), infe(2, 'mime', 'application/rdf+xml'));
  const cut = [0, ...Array.from({ length: parts - 1 }, (_, k) => Math.round(((k + 1) * payload.length) / parts)), payload.length];
  const ilocFor = (start: number) => {
    // offset_size 4, length_size 4, base_offset_size 4 (or 0), index_size 0
    const sizes = u16((4 << 12) | (4 << 8) | ((opts.base ? 4 : 0) << 4));
    const idField = (id: number) => (v < 2 ? u16(id) : u32(id));
    const entry = Buffer.concat([
      idField(1),
      ...(v >= 1 ? [u16(method)] : []),
      u16(0),
      ...(opts.base ? [u32(start)] : []),
      u16(parts),
      ...cut.slice(0, -1).map((c, k) => Buffer.concat([u32((opts.base ? 0 : start) + c), u32(cut[k + 1]! - c)])),
    ]);
    return fullBox('iloc', v, sizes, v < 2 ? u16(1) : u32(1), entry);
  };
  const idat = method === 1 ? box('idat', payload) : null;
  // The iloc's size does not depend on the offsets it holds: build once to measure, then for real.
  const metaLen = fullBox('meta', 0, hdlr, iinf, ilocFor(0), ...(idat ? [idat] : [])).length;
  const start = method === 1 ? 0 : ftyp.length + metaLen + 8;
  const meta = fullBox('meta', 0, hdlr, iinf, ilocFor(start), ...(idat ? [idat] : []));
  return Buffer.concat([ftyp, meta, box('mdat', method === 1 ? Buffer.alloc(0) : payload)]);
}

const exifItem = (offset: number, prefix: boolean, t: Buffer) => Buffer.concat([u32(offset), prefix ? Buffer.from('Exif\0\0', 'latin1') : Buffer.alloc(0), t]);

describe('HEIF/AVIF items (ISO base media boxes)', () => {
  const t = tiff('Apple', 'iPhone 15 Pro');

  it('finds the Exif item through iloc versions 0, 1 and 2, in one extent or three, with or without a base offset', () => {
    for (const version of [0, 1, 2] as const) {
      for (const parts of [1, 3]) {
        for (const base of [false, true]) {
          const file = container(exifItem(0, false, t), { version, parts, base });
          const items = heifItems(file, (i) => i.type === 'Exif');
          expect(items, `v${version} parts ${parts} base ${base}`).toHaveLength(1);
          expect(items[0]!.truncated).toBe(false);
          expect(findExifBlock(file, 'heif')?.tiff.equals(t), `v${version} parts ${parts} base ${base}`).toBe(true);
        }
      }
    }
  });

  it('reads an item kept in idat (construction method 1)', () => {
    const file = container(exifItem(0, false, t), { version: 1, method: 1 });
    expect(findExifBlock(file, 'avif')?.tiff.equals(t)).toBe(true);
  });

  it('follows both EXIF conventions: an offset that skips "Exif\\0\\0", and a zero offset with the prefix left in', () => {
    expect(findExifBlock(container(exifItem(6, true, t)), 'heif')?.tiff.equals(t)).toBe(true);
    expect(findExifBlock(container(exifItem(0, true, t)), 'heif')?.tiff.equals(t)).toBe(true);
    // A wrong offset: the TIFF header is found near the start.
    expect(findExifBlock(container(exifItem(40, false, t)), 'heif')?.tiff.equals(t)).toBe(true);
  });

  it('lists items by type and content type', () => {
    const file = container(exifItem(0, false, t));
    expect(heifItems(file, (i) => i.type === 'mime' && i.contentType === 'application/rdf+xml').map((i) => i.id)).toEqual([]); // item 2 has no location
    expect(heifItems(file, () => true).map((i) => [i.id, i.type])).toEqual([[1, 'Exif']]);
  });

  it('says an item is cut when its extent runs past the end of the file, and survives lying sizes', () => {
    const file = container(exifItem(0, false, t));
    const cut = file.subarray(0, file.length - 10);
    expect(heifItems(cut, (i) => i.type === 'Exif')[0]).toMatchObject({ truncated: true });
    expect(findExifBlock(cut, 'heif')).toMatchObject({ truncated: true });
    // Every byte of the meta box overwritten in turn: never an exception.
    const meta = file.indexOf('meta', 0, 'latin1') - 4;
    for (let i = meta; i < file.length - t.length; i++) {
      for (const v of [0x00, 0xff, 0x7f]) {
        const b = Buffer.from(file);
        b[i] = v;
        expect(() => findExifBlock(b, 'heif')).not.toThrow();
      }
    }
  });

  it('walks boxes with 64-bit and to-the-end sizes, and stops at a header that does not fit', () => {
    const large = Buffer.concat([u32(1), Buffer.from('mdat', 'latin1'), Buffer.from([0, 0, 0, 0, 0, 0, 0, 20]), Buffer.from('abcd', 'latin1')]);
    expect(childBoxes(large, 0, large.length)).toEqual([{ type: 'mdat', start: 16, end: 20, truncated: false }]);
    const toEnd = Buffer.concat([u32(0), Buffer.from('mdat', 'latin1'), Buffer.from('xyz', 'latin1')]);
    expect(childBoxes(toEnd, 0, toEnd.length)).toEqual([{ type: 'mdat', start: 8, end: 11, truncated: false }]);
    const liar = Buffer.concat([u32(4), Buffer.from('free', 'latin1')]);
    expect(childBoxes(liar, 0, liar.length)).toEqual([]);
  });
});
