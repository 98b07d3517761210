/**
 * Camera raw files built on TIFF: DNG (Adobe's open raw format, what phones write in "RAW" mode)
 * and the TIFF-based raws of camera makers (NEF, ARW, CR2, PEF, …). libvips reads such a file's
 * first directory, which is a small preview or the undeveloped sensor data — never the picture.
 * MediaGuard does not develop sensor data (a demosaic of its own would be a rendering no detector
 * was measured on, with traces of its own): it analyses the largest rendered preview the file
 * embeds, and says so. Pure functions over the file's bytes; every offset is bounds-checked.
 */

/** One image directory of a TIFF file (IFD chain and SubIFDs). */
export interface TiffImageDir {
  /** Where it sits, for messages: "IFD0", "IFD1", "IFD0 › sub-IFD 2". */
  where: string;
  /** NewSubfileType: bit 0 set for a reduced-resolution (preview) image. */
  subfileType: number;
  width: number;
  height: number;
  bitsPerSample: number;
  samples: number;
  compression: number;
  photometric: number;
  planar: number;
  tiled: boolean;
  /** Strip extents (all inside the file), or null when tiled, missing or out of bounds. */
  strips: { offset: number; length: number }[] | null;
  /** A JPEG stream named by JPEGInterchangeFormat/Length (older raws keep previews this way). */
  jpegInterchange: { offset: number; length: number } | null;
}

/** A previewable image and how its pixels are stored. */
export interface RawPreview {
  dir: TiffImageDir;
  coding: 'jpeg' | 'rgb';
}

export interface CameraRaw {
  /** "1.4.0.0" for a DNG, null for a maker's raw. */
  dngVersion: string | null;
  /** The largest directory holding sensor data (colour filter array or linear raw), null when none is described. */
  sensor: TiffImageDir | null;
  /** Rendered previews MediaGuard can decode, largest first. */
  previews: RawPreview[];
  /** IFD0's Orientation (1 when absent): it applies to every image of the file. */
  orientation: number;
}

const PHOTOMETRIC_CFA = 32803;
const PHOTOMETRIC_LINEAR_RAW = 34892;
const MAX_DIRS = 64;
const MAX_CHAIN = 16;
const MAX_STRIPS = 65_536;

/** Every image directory of a classic (not Big-) TIFF file: the IFD chain and SubIFDs two levels deep; damaged parts are skipped. */
export function readTiffDirs(b: Buffer): { dirs: TiffImageDir[]; dngVersion: string | null; orientation: number } {
  const out = { dirs: [] as TiffImageDir[], dngVersion: null as string | null, orientation: 1 };
  if (b.length < 8) return out;
  const order = b.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') return out;
  const le = order === 'II';
  const u16 = (o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
  const u32 = (o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  if (u16(2) !== 42) return out;
  const visited = new Set<number>();

  /** Numbers of one entry (BYTE, SHORT, LONG), at most `max`; [] when its values lie outside the file. */
  const values = (e: number, max: number): number[] => {
    const type = u16(e + 2);
    const size = type === 3 ? 2 : type === 4 || type === 13 ? 4 : type === 1 || type === 7 ? 1 : 0;
    const n = u32(e + 4);
    if (!size || n === 0 || n > max) return [];
    const at = size * n <= 4 ? e + 8 : u32(e + 8);
    if (at + size * n > b.length) return [];
    const vals: number[] = [];
    for (let i = 0; i < n; i++) vals.push(size === 2 ? u16(at + 2 * i) : size === 4 ? u32(at + 4 * i) : b[at + i]!);
    return vals;
  };

  const readDir = (off: number, where: string, depth: number): number => {
    if (off < 8 || off + 2 > b.length || visited.has(off) || out.dirs.length >= MAX_DIRS) return 0;
    visited.add(off);
    const count = Math.min(u16(off), Math.floor((b.length - off - 2) / 12));
    const tags = new Map<number, number>();
    for (let i = 0; i < count; i++) tags.set(u16(off + 2 + 12 * i), off + 2 + 12 * i);
    const one = (tag: number, dflt: number) => {
      const e = tags.get(tag);
      return e === undefined ? dflt : (values(e, 16)[0] ?? dflt);
    };
    const many = (tag: number, max: number) => {
      const e = tags.get(tag);
      return e === undefined ? [] : values(e, max);
    };
    if (where === 'IFD0') {
      const v = many(50706, 4);
      if (v.length === 4) out.dngVersion = v.join('.');
      out.orientation = one(274, 1);
    }
    const offsets = many(273, MAX_STRIPS);
    const lengths = many(279, MAX_STRIPS);
    const strips = offsets.length && offsets.length === lengths.length ? offsets.map((o, i) => ({ offset: o, length: lengths[i]! })) : null;
    const jo = one(513, 0);
    const jl = one(514, 0);
    out.dirs.push({
      where,
      subfileType: one(254, 0),
      width: one(256, 0),
      height: one(257, 0),
      bitsPerSample: one(258, 1),
      samples: one(277, 1),
      compression: one(259, 1),
      photometric: one(262, -1),
      planar: one(284, 1),
      tiled: tags.has(322) || tags.has(324),
      strips: strips && strips.every((s) => s.length > 0 && s.offset + s.length <= b.length) ? strips : null,
      jpegInterchange: jo > 0 && jl > 0 && jo + jl <= b.length ? { offset: jo, length: jl } : null,
    });
    if (depth < 2) many(330, MAX_DIRS).forEach((sub, i) => readDir(sub, `${where} › sub-IFD ${i + 1}`, depth + 1));
    const nextAt = off + 2 + 12 * u16(off);
    return nextAt + 4 <= b.length ? u32(nextAt) : 0;
  };

  let next = u32(4);
  for (let i = 0; i < MAX_CHAIN && next; i++) next = readDir(next, `IFD${i}`, 0);
  return out;
}

const isJpegAt = (b: Buffer, offset: number) => b[offset] === 0xff && b[offset + 1] === 0xd8;

/** How a directory's pixels can be had, or null when MediaGuard cannot decode them (sensor data, tiles, 16-bit, odd codings). */
function previewCoding(b: Buffer, d: TiffImageDir): RawPreview['coding'] | null {
  if (d.width <= 0 || d.height <= 0 || d.photometric === PHOTOMETRIC_CFA || d.photometric === PHOTOMETRIC_LINEAR_RAW) return null;
  if (d.jpegInterchange && isJpegAt(b, d.jpegInterchange.offset)) return 'jpeg';
  if (d.tiled || !d.strips) return null;
  // A JPEG-compressed preview (compression 7, or 6 in older writers) is one complete 8-bit JPEG stream in one strip
  // (a lossless-JPEG sensor strip starts the same way but declares more bits, or none).
  if ((d.compression === 7 || d.compression === 6) && d.bitsPerSample === 8 && d.strips.length === 1 && isJpegAt(b, d.strips[0]!.offset)) return 'jpeg';
  const bytes = d.strips.reduce((s, x) => s + x.length, 0);
  if (d.compression === 1 && d.photometric === 2 && d.samples === 3 && d.bitsPerSample === 8 && d.planar === 1 && bytes >= d.width * d.height * 3) return 'rgb';
  return null;
}

/**
 * The file's camera-raw layout, or null when it is not a camera raw: a DNG (DNGVersion in IFD0),
 * a TIFF holding colour-filter-array or linear-raw sensor data, or a Canon CR2 ("CR" after the header).
 */
export function cameraRawOf(b: Buffer): CameraRaw | null {
  const { dirs, dngVersion, orientation } = readTiffDirs(b);
  const sensorDirs = dirs.filter((d) => d.photometric === PHOTOMETRIC_CFA || d.photometric === PHOTOMETRIC_LINEAR_RAW);
  const cr2 = b.length >= 10 && b.toString('latin1', 8, 10) === 'CR';
  if (dngVersion === null && sensorDirs.length === 0 && !cr2) return null;
  const area = (d: TiffImageDir) => d.width * d.height;
  const previews: RawPreview[] = [];
  for (const dir of dirs) {
    const coding = previewCoding(b, dir);
    if (coding) previews.push({ dir, coding });
  }
  previews.sort((x, y) => area(y.dir) - area(x.dir));
  // A CR2's sensor directory declares no photometric interpretation: there, the largest directory that is not a preview.
  const candidates = sensorDirs.length ? sensorDirs : dirs.filter((d) => !previews.some((p) => p.dir === d));
  const sensor = candidates.reduce<TiffImageDir | null>((best, d) => (!best || area(d) > area(best) ? d : best), null);
  return { dngVersion, sensor, previews, orientation: orientation >= 1 && orientation <= 8 ? orientation : 1 };
}

/** The preview's pixels as stored: a JPEG stream, or packed RGB24 rows joined from its strips. */
export function previewBytes(b: Buffer, p: RawPreview): Buffer {
  const d = p.dir;
  if (p.coding === 'jpeg') {
    const at = d.jpegInterchange && isJpegAt(b, d.jpegInterchange.offset) ? d.jpegInterchange : d.strips![0]!;
    return b.subarray(at.offset, at.offset + at.length);
  }
  const out = Buffer.alloc(d.width * d.height * 3);
  let pos = 0;
  for (const s of d.strips!) {
    if (pos >= out.length) break;
    pos += b.copy(out, pos, s.offset, s.offset + Math.min(s.length, out.length - pos));
  }
  return out;
}

/** A preview for messages: "1024×683 JPEG (IFD0 › sub-IFD 2)". */
export function describePreview(p: RawPreview): string {
  return `${p.dir.width}×${p.dir.height} ${p.coding === 'jpeg' ? 'JPEG' : 'RGB'} (${p.dir.where})`;
}

/** One line for messages: "DNG 1.4.0.0; sensor data 6000×4000, 16-bit colour filter array". */
export function describeCameraRaw(raw: CameraRaw): string {
  const kind = raw.dngVersion ? `DNG ${raw.dngVersion}` : 'a camera maker’s TIFF-based raw format';
  const s = raw.sensor;
  if (!s || s.width <= 0 || s.height <= 0) return kind;
  const what = s.photometric === PHOTOMETRIC_CFA ? 'colour filter array' : s.photometric === PHOTOMETRIC_LINEAR_RAW ? 'linear raw' : 'undeveloped';
  return `${kind}; sensor data ${s.width}×${s.height}, ${s.bitsPerSample}-bit ${what}`;
}

/** sharp's flip / flop / rotate (sharp flips before it rotates) that show a picture stored with each EXIF orientation upright. */
const ORIENTATION_STEPS: Record<number, { flip: boolean; flop: boolean; rotate: number }> = {
  1: { flip: false, flop: false, rotate: 0 },
  2: { flip: false, flop: true, rotate: 0 },
  3: { flip: false, flop: false, rotate: 180 },
  4: { flip: true, flop: false, rotate: 0 },
  5: { flip: true, flop: false, rotate: 90 },
  6: { flip: false, flop: false, rotate: 90 },
  7: { flip: false, flop: true, rotate: 90 },
  8: { flip: false, flop: false, rotate: 270 },
};

/** The steps for an EXIF orientation (none for an unknown one). */
export function orientationSteps(o: number): { flip: boolean; flop: boolean; rotate: number } {
  return ORIENTATION_STEPS[o] ?? ORIENTATION_STEPS[1]!;
}
