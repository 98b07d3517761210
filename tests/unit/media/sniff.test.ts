import { describe, expect, it } from 'vitest';
import { extensionOf, isExtensionMismatch, sniff } from '../../../src-main/core/media/sniff';

const b = (...xs: (number | string)[]) => Buffer.concat(xs.map((x) => (typeof x === 'string' ? Buffer.from(x, 'latin1') : Buffer.from([x]))));
const pad = (buf: Buffer, n = 512) => Buffer.concat([buf, Buffer.alloc(Math.max(0, n - buf.length))]);

describe('sniff (magic bytes)', () => {
  it.each([
    ['jpeg', b(0xff, 0xd8, 0xff, 0xe0)],
    ['png', b(0x89, 'PNG\r\n', 0x1a, '\n')],
    ['gif', b('GIF89a')],
    ['gif', b('GIF87a')],
    ['webp', b('RIFF', 0, 0, 0, 0, 'WEBPVP8 ')],
    ['tiff', b('II*', 0)],
    ['tiff', b('MM', 0, '*')],
    ['avi', b('RIFF', 0, 0, 0, 0, 'AVI LIST')],
    ['mp4', b(0, 0, 0, 0x18, 'ftypisom', 0, 0, 2, 0, 'isomiso2')],
    ['mov', b(0, 0, 0, 0x14, 'ftypqt  ', 0, 0, 0, 0, 'qt  ')],
    ['heif', b(0, 0, 0, 0x18, 'ftypheic', 0, 0, 0, 0, 'mif1heic')],
    ['avif', b(0, 0, 0, 0x18, 'ftypavif', 0, 0, 0, 0, 'mif1avif')],
    ['webm', b(0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84, 'webm')],
    ['matroska', b(0x1a, 0x45, 0xdf, 0xa3, 0xa3, 0x42, 0x82, 0x88, 'matroska')],
    ['flv', b('FLV', 1)],
    ['mpeg', b(0, 0, 1, 0xba)],
  ])('identifies %s', (format, head) => {
    const r = sniff(pad(head));
    expect(r.kind === 'image' || r.kind === 'video').toBe(true);
    expect((r as { format: string }).format).toBe(format);
  });

  it('identifies BMP only with a real DIB header size', () => {
    const bmp = Buffer.alloc(64);
    bmp.write('BM', 0, 'latin1');
    bmp.writeUInt32LE(40, 14);
    expect(sniff(bmp)).toMatchObject({ kind: 'image', format: 'bmp' });
    const text = pad(b('BM is just text here, not a bitmap'));
    expect(sniff(text).kind).toBe('unknown');
  });

  it('identifies MPEG-TS by the sync byte every 188 bytes', () => {
    const ts = Buffer.alloc(188 * 3);
    ts[0] = ts[188] = ts[376] = 0x47;
    expect(sniff(ts)).toMatchObject({ kind: 'video', format: 'mpegts' });
  });

  it('refuses non-media with a reason and leaves unknown containers to ffprobe', () => {
    expect(sniff(Buffer.alloc(0))).toMatchObject({ kind: 'refused' });
    expect(sniff(pad(b('%PDF-1.7')))).toMatchObject({ kind: 'refused', reason: expect.stringMatching(/PDF/) });
    expect(sniff(pad(b('PK', 3, 4)))).toMatchObject({ kind: 'refused', reason: expect.stringMatching(/ZIP/) });
    expect(sniff(pad(b('RIFF', 0, 0, 0, 0, 'WAVEfmt ')))).toMatchObject({ kind: 'refused', reason: expect.stringMatching(/audio/) });
    expect(sniff(pad(b('ID3', 3)))).toMatchObject({ kind: 'refused' });
    expect(sniff(pad(b(0x7f, 'ELF')))).toMatchObject({ kind: 'refused' });
    expect(sniff(pad(b('<svg xmlns="http://www.w3.org/2000/svg">')))).toMatchObject({ kind: 'refused', reason: expect.stringMatching(/SVG/) });
    expect(sniff(pad(b('OggS', 0)))).toMatchObject({ kind: 'unknown', hint: 'ogg' });
    expect(sniff(pad(b(0, 0, 0, 8, 'mdat')))).toMatchObject({ kind: 'unknown', hint: 'mov' });
    expect(sniff(pad(b('hello world')))).toMatchObject({ kind: 'unknown' });
  });
});

describe('extensions', () => {
  it('reads the extension of names with dots, dashes, unicode and none', () => {
    expect(extensionOf('/x/photo.JPG')).toBe('jpg');
    expect(extensionOf('/x/-rf .mp4')).toBe('mp4');
    expect(extensionOf('/x/日本 語.webm')).toBe('webm');
    expect(extensionOf('/x/.hidden')).toBeNull();
    expect(extensionOf('/x/noext')).toBeNull();
    expect(extensionOf('/x/trailing.')).toBeNull();
  });
  it('flags an extension that does not belong to the content', () => {
    expect(isExtensionMismatch('jpeg', 'png')).toBe(true);
    expect(isExtensionMismatch('jpeg', 'jpeg')).toBe(false);
    expect(isExtensionMismatch('mov', 'mp4')).toBe(false);
    expect(isExtensionMismatch('avi', 'jpg')).toBe(true);
    expect(isExtensionMismatch('png', null)).toBe(false);
  });
});
