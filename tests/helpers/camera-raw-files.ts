/**
 * Camera raw files written by hand after the DNG 1.4 specification (and the TIFF 6.0 layout the
 * makers' raws share): IFD0 holds the camera tags and either a small RGB thumbnail (what DNG
 * converters and phones write) or the sensor data itself; SubIFDs hold the 16-bit colour filter
 * array and the rendered previews (JPEG-compressed, compression 7, YCbCr). No raw writer exists
 * among the test machine's packages, so the layout is built here, field by field.
 */

type Entry = { tag: number; type: 1 | 2 | 3 | 4 | 13; values: number[] | string };

const TYPE_SIZE = { 1: 1, 2: 1, 3: 2, 4: 4, 13: 4 } as const;

class TiffWriter {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly le: boolean) {
    this.append(Buffer.from(le ? 'II*\0\0\0\0\0' : 'MM\0*\0\0\0\0', 'latin1'));
  }
  /** Append bytes on an even offset; returns their offset. */
  append(b: Buffer): number {
    if (this.size % 2) this.push(Buffer.alloc(1));
    const at = this.size;
    this.push(b);
    return at;
  }
  private push(b: Buffer) {
    this.chunks.push(b);
    this.size += b.length;
  }
  private num(type: number, v: number): Buffer {
    const b = Buffer.alloc(TYPE_SIZE[type as keyof typeof TYPE_SIZE]);
    if (type === 1) b[0] = v;
    else if (type === 3) b[this.le ? 'writeUInt16LE' : 'writeUInt16BE'](v);
    else b[this.le ? 'writeUInt32LE' : 'writeUInt32BE'](v);
    return b;
  }
  /** Append one IFD (entries sorted, long values after it); returns its offset. */
  ifd(entries: Entry[], next = 0): number {
    const sorted = [...entries].sort((a, b) => a.tag - b.tag);
    const values = sorted.map((e) => (typeof e.values === 'string' ? Buffer.from(`${e.values}\0`, 'latin1') : Buffer.concat(e.values.map((v) => this.num(e.type, v)))));
    const at = this.size + (this.size % 2);
    const dirLen = 2 + 12 * sorted.length + 4;
    let extra = at + dirLen;
    const dir = Buffer.alloc(dirLen);
    const u16 = (v: number, o: number) => (this.le ? dir.writeUInt16LE(v, o) : dir.writeUInt16BE(v, o));
    const u32 = (v: number, o: number) => (this.le ? dir.writeUInt32LE(v, o) : dir.writeUInt32BE(v, o));
    u16(sorted.length, 0);
    const tail: Buffer[] = [];
    sorted.forEach((e, i) => {
      const o = 2 + 12 * i;
      const v = values[i]!;
      u16(e.tag, o);
      u16(e.type, o + 2);
      u32(typeof e.values === 'string' ? v.length : e.values.length, o + 4);
      if (v.length <= 4) v.copy(dir, o + 8);
      else {
        u32(extra, o + 8);
        const padded = v.length % 2 ? Buffer.concat([v, Buffer.alloc(1)]) : v;
        tail.push(padded);
        extra += padded.length;
      }
    });
    u32(next, dirLen - 4);
    this.append(Buffer.concat([dir, ...tail]));
    return at;
  }
  finish(firstIfd: number): Buffer {
    const b = Buffer.concat(this.chunks);
    b[this.le ? 'writeUInt32LE' : 'writeUInt32BE'](firstIfd, 4);
    return b;
  }
}

export interface CameraRawSpec {
  /** Byte order (default little-endian, as DNG writers use). */
  order?: 'II' | 'MM';
  /** DNGVersion; null writes a maker-style raw (no DNG tags, the sensor data still marked CFA). */
  dngVersion?: [number, number, number, number] | null;
  /** Small RGB24 thumbnail in IFD0 (the DNG converters' layout); without it IFD0 holds the sensor data. */
  thumbnail?: { width: number; height: number; rgb: Buffer };
  /** JPEG-compressed previews, one SubIFD each (the size the directory declares beside the stream). */
  previews?: { jpeg: Buffer; width: number; height: number }[];
  /** Sensor size (16-bit RGGB colour filter array, smooth content). */
  sensor: { width: number; height: number };
  orientation?: number;
}

/** A DNG (or maker raw) per the spec above, as bytes. */
export function buildCameraRaw(spec: CameraRawSpec): Buffer {
  const le = (spec.order ?? 'II') === 'II';
  const w = new TiffWriter(le);
  const { width: sw, height: sh } = spec.sensor;
  const cfa = Buffer.alloc(sw * sh * 2);
  for (let y = 0; y < sh; y++) for (let x = 0; x < sw; x++) {
    const v = 512 + ((x * 7 + y * 3) % 2048) + ((x ^ y) & 1) * 300;
    cfa[le ? 'writeUInt16LE' : 'writeUInt16BE'](v, 2 * (y * sw + x));
  }
  /** One image in one strip: its directory's entries. */
  const image = (o: { preview: boolean; width: number; height: number; bits: number[]; compression: number; photometric: number; offset: number; length: number }): Entry[] => [
    { tag: 254, type: 4, values: [o.preview ? 1 : 0] },
    { tag: 256, type: 4, values: [o.width] },
    { tag: 257, type: 4, values: [o.height] },
    { tag: 258, type: 3, values: o.bits },
    { tag: 259, type: 3, values: [o.compression] },
    { tag: 262, type: 3, values: [o.photometric] },
    { tag: 273, type: 4, values: [o.offset] },
    { tag: 277, type: 3, values: [o.bits.length] },
    { tag: 278, type: 4, values: [o.height] },
    { tag: 279, type: 4, values: [o.length] },
  ];
  const cfaAt = w.append(cfa);
  // 16-bit RGGB colour filter array (photometric 32803, CFARepeatPatternDim, CFAPattern).
  const sensor: Entry[] = [
    ...image({ preview: false, width: sw, height: sh, bits: [16], compression: 1, photometric: 32803, offset: cfaAt, length: cfa.length }),
    { tag: 33421, type: 3, values: [2, 2] },
    { tag: 33422, type: 1, values: [0, 1, 1, 2] },
  ];
  const subIfds: number[] = [];
  if (spec.thumbnail) subIfds.push(w.ifd(sensor));
  // JPEG previews: compression 7, YCbCr.
  for (const { jpeg, width, height } of spec.previews ?? []) {
    subIfds.push(w.ifd(image({ preview: true, width, height, bits: [8, 8, 8], compression: 7, photometric: 6, offset: w.append(jpeg), length: jpeg.length })));
  }
  const camera: Entry[] = [
    { tag: 271, type: 2, values: 'Acme' },
    { tag: 272, type: 2, values: 'Acme R1' },
    { tag: 274, type: 3, values: [spec.orientation ?? 1] },
    ...(spec.dngVersion === null ? [] : [{ tag: 50706, type: 1, values: spec.dngVersion ?? [1, 4, 0, 0] } as Entry, { tag: 50708, type: 2, values: 'Acme R1' } as Entry]),
    ...(subIfds.length ? [{ tag: 330, type: 4, values: subIfds } as Entry] : []),
  ];
  // IFD0: the camera's tags and the uncompressed RGB thumbnail, or the sensor data itself.
  const t = spec.thumbnail;
  const ifd0 = t ? [...camera, ...image({ preview: true, width: t.width, height: t.height, bits: [8, 8, 8], compression: 1, photometric: 2, offset: w.append(t.rgb), length: t.rgb.length })] : [...camera, ...sensor];
  return w.finish(w.ifd(ifd0));
}
