/**
 * Metadata an investigator reads: EXIF/XMP/IPTC/GPS for images (exifr), container and
 * stream tags for videos (ffprobe, already in MediaInfo), the embedded EXIF thumbnail
 * compared with the main picture, and the flags of metadata-flags.ts.
 */
import fs from 'node:fs';
import exifr, { sidecar as exifrSidecar } from 'exifr';
import { sharp } from '../native';
import type { MediaInfo, MetadataFlag, MetadataReport } from '../../../src-shared/domain/media';
import { DEFAULT_SETTINGS, type AppSettings } from '../../../src-shared/domain/settings';
import { cameraRawOf, describeCameraRaw, describePreview, previewBytes, type RawPreview } from './camera-raw';
import { firstErrorLine } from './error-text';
import { findExifBlock, walkTiff, type TiffGroup } from './exif-tiff';
import { decodeHeif, decodeHeifThumbnail } from './heif';
import { readImageBytes, type DecodedImage } from './image-decode';
import { heifItems } from './isobmff';
import { jpegHistoryOfFile, type FileHistory } from './jpeg-history';
import { describeContainerStructure, readContainerStructure, structureC2pa, structureTopBoxes, structureX264, structureXmp, type ContainerStructure } from './container-structure';
import { describePictureEnd, readPictureEnd, type PictureEnd } from './picture-end';
import { jpegQualityOfFile, type JpegQuality } from './jpeg-quality';
import { checkC2paBmffHash } from './c2pa-bmff';
import { findC2pa, locateC2pa } from './c2pa-manifest';
import type { TrustAnchors } from './c2pa-trust';
import { describeGeneratorMarks } from './generator-marks';
import { pictureMarks } from './picture-marks';
import { capText } from './structure-io';
import { imageFlags, lowerKeys, videoFlags } from './metadata-flags';

const GROUPS = ['ifd0', 'exif', 'gps', 'xmp', 'iptc', 'ifd1', 'jfif', 'interop'] as const;

/** Any parsed tag value → a bounded display string. */
export function tagString(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.replace(/\0+$/, '').slice(0, 1000);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return Number.isFinite(v.getTime()) ? v.toISOString() : '';
  if (v instanceof Uint8Array) return `<${v.length} bytes>`;
  // exifr returns SHORT/LONG lists as typed arrays: show their numbers, not a JSON object of indices.
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>, String).join(', ').slice(0, 1000);
  if (Array.isArray(v)) return v.map(tagString).join(', ').slice(0, 1000);
  try {
    return JSON.stringify(v).slice(0, 1000);
  } catch {
    return String(v).slice(0, 1000);
  }
}

/** At most this many events of an XMP edit history are listed. */
const MAX_HISTORY_EVENTS = 20;

/**
 * exifr's XMP namespaces → the 'xmp' group: the xmp namespace's tags, the media-management IDs and
 * the edit history (xmpMM:History, one "action by agent at time" per event; every agent named also
 * in HistorySoftwareAgent, which the editing-software check reads).
 */
export function xmpGroup(parsed: Record<string, unknown>): Record<string, string> {
  const grp = toGroup(parsed.xmp);
  const mm = parsed.xmpMM;
  if (!mm || typeof mm !== 'object') return grp;
  const m = mm as Record<string, unknown>;
  for (const k of ['DocumentID', 'OriginalDocumentID', 'InstanceID']) {
    const v = tagString(m[k]);
    if (v) grp[k] = v;
  }
  const history = (Array.isArray(m.History) ? m.History : [m.History]).filter((e): e is Record<string, unknown> => !!e && typeof e === 'object');
  if (history.length) {
    const text = (v: unknown) => tagString(v).slice(0, 200);
    grp.History =
      history
        .slice(0, MAX_HISTORY_EVENTS)
        .map((e) => [text(e.action) || 'event', e.softwareAgent ? `by ${text(e.softwareAgent)}` : '', e.when ? `at ${text(e.when)}` : '', e.parameters ? `(${text(e.parameters)})` : ''].filter(Boolean).join(' '))
        .join('; ') + (history.length > MAX_HISTORY_EVENTS ? `; … (${history.length} events)` : '');
    const agents = [...new Set(history.map((e) => text(e.softwareAgent)).filter(Boolean))];
    if (agents.length) grp.HistorySoftwareAgent = agents.join('; ').slice(0, 1000);
  }
  return grp;
}

/** XMP's IPTC Extension DigitalSourceType (Iptc4xmpExt), as exifr parsed it; '' when absent. */
function digitalSourceTypeTag(parsed: Record<string, unknown>): string {
  const ext = parsed.Iptc4xmpExt;
  return ext && typeof ext === 'object' ? tagString((ext as Record<string, unknown>).DigitalSourceType) : '';
}

function toGroup(o: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!o || typeof o !== 'object') return out;
  for (const [k, v] of Object.entries(o as Record<string, unknown>)) {
    const s = tagString(v);
    if (s !== '') out[k] = s;
  }
  return out;
}

/** Degrees/minutes/seconds + ref → signed decimal degrees. */
function dms(v: string | undefined, ref: string | undefined): number | null {
  if (!v) return null;
  const parts = v.split(',').map((x) => Number(x.trim()));
  if (parts.length < 1 || parts.some((x) => !Number.isFinite(x))) return null;
  const deg = (parts[0] ?? 0) + (parts[1] ?? 0) / 60 + (parts[2] ?? 0) / 3600;
  return ref && /^[SW]/i.test(ref) ? -deg : deg;
}

/** 32×32 greyscale of an image for coarse comparison (stored orientation, not rotated). */
async function tiny(input: Buffer | RawPicture, limit: number, crop?: number): Promise<Buffer> {
  const open = () => (Buffer.isBuffer(input) ? sharp(input, { limitInputPixels: limit, failOn: 'none' }) : sharp(input.data, { raw: input.raw, limitInputPixels: limit }));
  let img = open();
  if (crop) {
    // Letterboxed thumbnails: keep the centre band with the main picture's aspect.
    const m = await img.metadata();
    const w = m.width ?? 1;
    const h = m.height ?? 1;
    const targetH = Math.min(h, Math.round(w / crop));
    const targetW = Math.min(w, Math.round(h * crop));
    img = open().extract({ left: Math.floor((w - targetW) / 2), top: Math.floor((h - targetH) / 2), width: targetW, height: targetH });
  }
  return img.greyscale().resize(32, 32, { fit: 'fill' }).raw().toBuffer();
}

type RawPicture = { data: Buffer; raw: { width: number; height: number; channels: 3 } };
/** A decoded RGB picture as sharp's raw input. */
const rawPicture = (d: { data: Buffer; width: number; height: number }): RawPicture => ({ data: d.data, raw: { width: d.width, height: d.height, channels: 3 } });

/**
 * The main picture as sharp input: the file, or for HEIF (not in this sharp build) its pixels decoded
 * by libheif — the job's own decode when it shares one (`decoded`), so a HEIC is decoded once.
 */
async function mainPicture(file: () => Promise<Buffer>, info: MediaInfo, limit: number, decoded?: () => Promise<DecodedImage>): Promise<Buffer | RawPicture> {
  if (isCameraRaw(info)) {
    // Its largest preview, as stored (the smaller previews are stored the same way).
    const bytes = await file();
    const raw = cameraRawOf(bytes);
    if (!raw?.previews.length) throw new Error('no decodable preview');
    return storedPreview(bytes, raw.previews[0]!);
  }
  if (info.format !== 'heif') return file();
  const d = decoded ? await decoded() : decodeHeif(await file(), 'main picture', limit);
  return rawPicture(d);
}

/** A TIFF-based camera raw file, as the probe found it (camera-raw.ts). */
const isCameraRaw = (info: MediaInfo) => info.format === 'tiff' && info.tags.cameraRaw !== undefined;

/** A camera raw preview as sharp input, in its stored orientation. */
function storedPreview(bytes: Buffer, p: RawPreview): Buffer | RawPicture {
  const data = previewBytes(bytes, p);
  return p.coding === 'jpeg' ? data : rawPicture({ data, width: p.dir.width, height: p.dir.height });
}

/** At most this many smaller previews of a camera raw file are compared with the analysed one. */
const MAX_RAW_PREVIEWS_COMPARED = 4;

/** A decoded picture turned by a multiple of 90° (for comparing an upright HEIF picture with a thumbnail stored another way). */
async function turned(pic: RawPicture, degrees: number, limit: number): Promise<RawPicture> {
  if (degrees === 0) return pic;
  const { data, info } = await sharp(pic.data, { raw: pic.raw, limitInputPixels: limit }).rotate(degrees).raw().toBuffer({ resolveWithObject: true });
  return rawPicture({ data, width: info.width, height: info.height });
}

/** A thumbnail this far (mean absolute difference, 0..255) from the main picture shows other content. */
export const THUMBNAIL_TOLERANCE = 24;

/**
 * Whether each thumbnail shows other content than the main picture (null: it could not be
 * decoded, which proves nothing either way). The main picture is decoded once for all of them.
 */
async function compareThumbnails(file: () => Promise<Buffer>, thumbs: (Buffer | RawPicture | null)[], info: MediaInfo, limit: number, decoded?: () => Promise<DecodedImage>): Promise<(boolean | null)[]> {
  if (thumbs.every((t) => t === null)) return thumbs.map(() => null);
  const distance = (a: Buffer, b: Buffer) => {
    let sum = 0;
    for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
    return sum / a.length;
  };
  let main: Buffer | RawPicture;
  try {
    main = await mainPicture(file, info, limit, decoded);
  } catch {
    return thumbs.map(() => null);
  }
  const swap = info.rotation === 90 || info.rotation === 270;
  const aspect = swap ? info.height / info.width : info.width / info.height;
  // HEIF is decoded upright (its irot/imir applied) while a thumbnail may be stored another way: it
  // differs only if it matches the picture at none of the four quarter turns.
  const views: { tiny: Buffer; aspect: number }[] = [];
  if (Buffer.isBuffer(main)) views.push({ tiny: await tiny(main, limit), aspect });
  else {
    // Turned from a 256-px copy (the comparison is at 32 × 32): four turns of a 12 MP picture cost more than its decode.
    const { data, info: small } = await sharp(main.data, { raw: main.raw, limitInputPixels: limit }).resize(256, 256, { fit: 'inside', withoutEnlargement: true }).raw().toBuffer({ resolveWithObject: true });
    const reduced = rawPicture({ data, width: small.width, height: small.height });
    for (const deg of [0, 90, 180, 270]) {
      const t = await turned(reduced, deg, limit);
      // The aspect of the whole picture so turned (the copy's is rounded to whole pixels).
      views.push({ tiny: await tiny(t, limit), aspect: deg % 180 ? main.raw.height / main.raw.width : main.raw.width / main.raw.height });
    }
  }
  const out: (boolean | null)[] = [];
  for (const thumb of thumbs) {
    if (thumb === null) {
      out.push(null);
      continue;
    }
    try {
      let best = Infinity;
      for (const v of views) best = Math.min(best, distance(v.tiny, await tiny(thumb, limit, v.aspect)));
      out.push(best > THUMBNAIL_TOLERANCE);
    } catch {
      out.push(null);
    }
  }
  return out;
}

/** The thumbnail a HEIF file stores beside its primary picture (see decodeHeifThumbnail), as sharp input; null when none or undecodable. */
function heifThumbnail(bytes: Buffer, limit: number): RawPicture | null {
  try {
    const t = decodeHeifThumbnail(bytes, 'thumbnail', limit);
    return t ? rawPicture(t) : null;
  } catch {
    return null;
  }
}

/** Formats exifr reads; others (GIF, BMP) have no EXIF container worth a parse. */
const EXIF_FORMATS = new Set(['jpeg', 'tiff', 'heif', 'avif', 'png', 'webp']);
/** Metadata lives in the header for every format but TIFF, whose IFDs may sit anywhere. */
const METADATA_READ_BYTES = 64 * 1024 * 1024;

/** The bytes exifr parses: read here (not by exifr from a path) so no file handle is left open on a parse error. */
async function metadataBytes(p: string): Promise<Buffer> {
  const fh = await fs.promises.open(p, 'r');
  try {
    const size = (await fh.stat()).size;
    const buf = Buffer.alloc(Math.min(size, METADATA_READ_BYTES));
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

const EXIFR_OPTIONS = {
  tiff: true,
  ifd1: true,
  exif: true,
  gps: true,
  xmp: true,
  iptc: true,
  jfif: true,
  icc: false,
  makerNote: false,
  userComment: true,
  mergeOutput: false,
  reviveValues: false,
  translateValues: true,
  sanitize: true,
} as const;
const TIFF_GROUPS: readonly TiffGroup[] = ['ifd0', 'exif', 'gps', 'interop', 'ifd1'];

const errorText = (e: unknown) => firstErrorLine(e instanceof Error ? e.message : tagString(e));

/**
 * What exifr reads: the file, except for HEIF/AVIF, whose EXIF item exifr 7 misreads ("Malformed
 * EXIF data" on valid files from libheif and libvips alike): there it reads the item's TIFF block
 * as a TIFF file (and the XMP item as a sidecar, in parseImageMetadata).
 */
function exifrSource(bytes: Buffer, format: string, block: ReturnType<typeof findExifBlock>): Buffer | null {
  if (format !== 'heif' && format !== 'avif') return bytes;
  return block && block.tiff.length >= 8 ? block.tiff : null;
}

/**
 * exifr's reading, completed by the entry-by-entry TIFF walk when the EXIF block is damaged
 * (exifr then loses whole IFDs, or the whole segment, for one bad offset), with the problems found.
 */
async function parseImageMetadata(
  bytes: Buffer,
  format: string,
  complete: boolean,
): Promise<{ parsed: Record<string, unknown>; exifPresent: boolean; problems: string[]; thumbnail: Buffer | null; source: Buffer | null }> {
  let parsed: Record<string, unknown> = {};
  let failure: string | null = null;
  const block = findExifBlock(bytes, format);
  const source = exifrSource(bytes, format, block);
  try {
    parsed = source ? (((await exifr.parse(source, EXIFR_OPTIONS)) as Record<string, unknown> | undefined) ?? {}) : {};
  } catch (e) {
    failure = errorText(e); // also "Unknown file format" for containers exifr does not read: not damage by itself
  }
  const walk = block ? walkTiff(block.tiff, { complete }) : null;
  const exifrErrors = Array.isArray(parsed.errors) ? parsed.errors.map(errorText).filter(Boolean) : [];
  const problems: string[] = [];
  // (Only a complete read can tell: a HEIF file keeps its EXIF item anywhere, possibly past the bytes read.)
  if (block?.truncated && complete) problems.push(`the EXIF segment is cut short (${block.tiff.length} bytes present of the size declared)`);
  problems.push(...(walk?.problems ?? []));
  // exifr's own complaints (XMP, IPTC, a TIFF case the walk accepts) count when the walk found nothing more precise.
  if (!problems.length) problems.push(...exifrErrors);
  if (failure !== null && block) {
    if (!problems.length) problems.push(failure);
    // exifr gave up on the whole file: what the other segments (XMP, IPTC, JFIF) hold is still readable.
    const rest = await exifr.parse(bytes, { ...EXIFR_OPTIONS, tiff: false, ifd1: false, exif: false, gps: false, interop: false }).catch(() => undefined);
    parsed = (rest as Record<string, unknown> | undefined) ?? {};
  }
  if (format === 'heif' || format === 'avif') {
    // XMP is an item of its own in HEIF/AVIF (a 'mime' item, application/rdf+xml): exifr reads it as a sidecar (a named export: the default export object has no sidecar).
    const xmp = heifItems(bytes, (i) => i.type === 'mime' && /^application\/rdf\+xml\b/i.test(i.contentType ?? ''))[0];
    if (xmp && xmp.data.length) {
      try {
        const x = ((await exifrSidecar(xmp.data, EXIFR_OPTIONS, 'xmp')) as Record<string, unknown> | undefined) ?? {};
        for (const [k, v] of Object.entries(x)) if (k !== 'errors' && parsed[k] === undefined) parsed[k] = v;
      } catch (e) {
        problems.push(`the XMP item cannot be read: ${errorText(e)}`);
      }
    }
  }
  if (walk && problems.length) {
    // Keep every tag either reader got; exifr's rendering wins where both read a tag.
    for (const g of TIFF_GROUPS) parsed[g] = { ...walk.groups[g], ...((parsed[g] as Record<string, unknown> | undefined) ?? {}) };
  }
  return { parsed, exifPresent: block !== null || exifrErrors.length > 0, problems: [...new Set(problems)], thumbnail: walk?.thumbnail ?? null, source };
}

async function imageReport(
  p: string,
  info: MediaInfo,
  limits: AppSettings['limits'],
  known?: FileHistory | Promise<FileHistory>,
  knownQuality?: JpegQuality | null,
  decoded?: () => Promise<DecodedImage>,
  knownEnd?: PictureEnd | null,
  c2paTrust: TrustAnchors | null = null,
): Promise<MetadataReport> {
  const bytes = EXIF_FORMATS.has(info.format) ? await metadataBytes(p) : null;
  const meta = bytes ? await parseImageMetadata(bytes, info.format, bytes.length >= info.sizeBytes) : { parsed: {}, exifPresent: false, problems: [], thumbnail: null, source: null };
  const parsed = meta.parsed;
  const groups: Record<string, Record<string, string>> = {};
  for (const g of GROUPS) {
    const grp = g === 'xmp' ? xmpGroup(parsed) : toGroup(parsed[g]);
    if (Object.keys(grp).length) groups[g] = grp;
  }
  // What the picture's own texts say of the software that made or re-saved it (picture-marks.ts).
  const marks = pictureMarks({
    bytes,
    format: info.format,
    sizeBytes: info.sizeBytes,
    parsed,
    software: [groups.ifd0?.Software, groups.xmp?.CreatorTool].filter((x): x is string => !!x),
    sourceType: digitalSourceTypeTag(parsed) || undefined,
    c2paTrust,
  });
  for (const [name, rows] of Object.entries(marks.groups)) groups[name] = { ...groups[name], ...rows };
  let thumb: Buffer | null = null;
  try {
    const t = meta.source ? await exifr.thumbnail(meta.source) : undefined;
    thumb = t && t.length > 0 ? Buffer.from(t) : null;
  } catch {
    thumb = null;
  }
  // exifr finds no thumbnail behind a damaged IFD0; the walk may still have found it.
  if (!thumb && meta.problems.length && meta.thumbnail && meta.thumbnail.length > 0) thumb = Buffer.from(meta.thumbnail);
  // A HEIC stores its thumbnail as an item of its own beside the picture (iPhones do; their EXIF has none).
  // The file's bytes, read once: those read for the metadata when they hold all of it.
  let fileBytes: Promise<Buffer> | undefined;
  const file = () => (fileBytes ??= bytes && bytes.length >= info.sizeBytes ? Promise.resolve(bytes) : readImageBytes(p));
  const itemThumb = info.format === 'heif' ? await file().then((b) => heifThumbnail(b, limits.maxImagePixels), () => null) : null;
  // A camera raw file embeds previews of several sizes: the smaller ones are compared with the one analysed.
  const rawFile = isCameraRaw(info) ? await file().catch(() => null) : null;
  const raw = rawFile ? cameraRawOf(rawFile) : null;
  const smaller = raw ? raw.previews.slice(1, 1 + MAX_RAW_PREVIEWS_COMPARED) : [];
  const [exifDiffers, itemDiffers, ...previewDiffers] = await compareThumbnails(file, [thumb, itemThumb, ...smaller.map((p) => storedPreview(rawFile!, p))], info, limits.maxImagePixels, decoded);
  const compared = [exifDiffers, itemDiffers, ...previewDiffers].filter((d): d is boolean => d !== null);
  const thumbnailDiffers = compared.length ? compared.some((d) => d) : null;
  const flags = [...marks.flags, ...imageFlags(groups, { width: info.width, height: info.height }, { exifPresent: meta.exifPresent, damage: meta.problems })];
  if (exifDiffers) {
    flags.push({ code: 'THUMBNAIL_DIFFERS', severity: 'warning', message: 'The embedded EXIF thumbnail shows different content from the main picture: a classic sign that the picture was edited and the thumbnail left behind.' });
  }
  if (itemDiffers) {
    flags.push({ code: 'THUMBNAIL_DIFFERS', severity: 'warning', message: 'The thumbnail the HEIF file stores beside its picture shows different content from the main picture: a classic sign that the picture was edited and the thumbnail left behind.' });
  }
  smaller.forEach((p, i) => {
    if (!previewDiffers[i]) return;
    const analysed = raw!.previews[0]!.dir;
    flags.push({
      code: 'THUMBNAIL_DIFFERS',
      severity: 'warning',
      message: `The ${p.dir.width}×${p.dir.height} preview this camera raw file stores (${p.dir.where}) shows different content from its ${analysed.width}×${analysed.height} preview, the one analysed: one of them was edited or replaced after the camera wrote them.`,
    });
  });
  // What follows the picture in the file (MPF pictures, a motion photo's video, appended data).
  const end = knownEnd !== undefined ? knownEnd : await readPictureEnd(p, info.format, info.sizeBytes).catch(() => null);
  const after = end ? describePictureEnd(end, info.sizeBytes) : null;
  if (after) {
    if (Object.keys(after.group).length) groups.structure = after.group;
    flags.push(...after.flags);
  }
  const highlights: { label: string; value: string }[] = [...marks.highlights];
  const add = (label: string, value: string | undefined) => {
    if (value) highlights.push({ label, value });
  };
  add('After the picture', after?.group.video ?? after?.group.afterPicture ?? after?.group.mpfPictures);
  if (raw) {
    add('Camera raw', describeCameraRaw(raw));
    groups.cameraRaw = {
      format: raw.dngVersion ? `DNG ${raw.dngVersion}` : 'TIFF-based raw',
      ...(raw.sensor ? { sensorData: `${raw.sensor.width}×${raw.sensor.height}, ${raw.sensor.bitsPerSample}-bit (${raw.sensor.where})` } : {}),
      previews: raw.previews.map(describePreview).join('; '),
      analysed: 'the largest preview; raw sensor data is not developed',
    };
  }
  const g = (grp: string, k: string) => groups[grp]?.[k];
  add('Camera', [g('ifd0', 'Make'), g('ifd0', 'Model')].filter(Boolean).join(' ') || undefined);
  add('Lens', g('exif', 'LensModel'));
  add('Software', g('ifd0', 'Software') ?? g('xmp', 'CreatorTool') ?? g('pngText', 'Software') ?? marks.software ?? undefined);
  add('Taken', g('exif', 'DateTimeOriginal'));
  add('Modified', g('ifd0', 'ModifyDate') ?? g('xmp', 'ModifyDate'));
  const lat = dms(g('gps', 'GPSLatitude'), g('gps', 'GPSLatitudeRef'));
  const lon = dms(g('gps', 'GPSLongitude'), g('gps', 'GPSLongitudeRef'));
  if (lat !== null && lon !== null) add('GPS', `${lat.toFixed(6)}, ${lon.toFixed(6)}`);
  add('Author', g('ifd0', 'Artist') ?? g('iptc', 'Byline') ?? g('xmp', 'creator'));
  if (info.format === 'jpeg') {
    const q = knownQuality !== undefined ? knownQuality : await jpegQualityOfFile(p).catch(() => null);
    if (q) {
      add('JPEG quality', `≈${q.quality}${q.standardTables ? ' (standard libjpeg tables)' : ' (custom tables)'}`);
      groups.jpeg = { ...groups.jpeg, estimatedQuality: String(q.quality), standardTables: String(q.standardTables) };
      if (q.standardTables && (g('ifd0', 'Make') || g('ifd0', 'Model'))) {
        flags.push({ code: 'REENCODED', severity: 'info', message: `Camera metadata, but quantisation tables are libjpeg's standard ones at quality ${q.quality}: typical of software re-saving rather than camera firmware.` });
      }
    }
    // Compression history (jpeg-history.ts): an earlier JPEG compression on the same grid.
    const h = (await known) ?? await jpegHistoryOfFile(p).catch((e: unknown) => ({ ok: false as const, reason: e instanceof Error ? e.message : String(e) }));
    const jpeg = (groups.jpeg ??= {});
    if (!h.ok) {
      add('Compression history', `not analysed: ${h.reason}`);
      jpeg.compressionHistory = `not analysed: ${h.reason}`;
    } else if (!h.history) {
      add('Compression history', 'not analysed: too few non-zero coefficients (a small or very flat picture, or a very low quality)');
      jpeg.compressionHistory = 'not analysed: too few coefficients';
    } else {
      const { finding, earlierQuality, votes, fits } = h.history;
      jpeg.compressionHistory = finding === 'twice' ? 'saved at least twice' : 'no earlier lower-quality compression seen';
      jpeg.compressionHistoryFrequencies = `${votes} of ${fits.length} DCT frequencies show an earlier quantisation`;
      if (earlierQuality !== null) jpeg.earlierQuality = String(earlierQuality);
      if (finding === 'twice') {
        const earlier = earlierQuality !== null ? ` at quality ≈${earlierQuality}` : '';
        add('Compression history', `saved as JPEG at least twice (earlier${earlier || ' with other quantisation steps'})`);
        flags.push({
          code: 'RECOMPRESSED',
          severity: 'notice',
          message: `The JPEG coefficients show an earlier compression on the same 8×8 grid${earlier}${q ? `, before the present one at ≈${q.quality}` : ''} (${votes} of ${fits.length} DCT frequencies): the picture was decoded and saved again — by an editor, a converter or a messaging app. That alone does not say whether anything was changed.`,
        });
      } else add('Compression history', 'no sign of an earlier, lower-quality JPEG compression on the same grid');
    }
  }
  return { highlights, groups, flags, hasEmbeddedThumbnail: thumb !== null || itemThumb !== null || smaller.length > 0, thumbnailDiffers };
}

/** The x264 settings string x264 embeds in its first SEI, if present in the first 2 MiB. */
export async function findX264Sei(p: string): Promise<string | null> {
  const fh = await fs.promises.open(p, 'r');
  try {
    const buf = Buffer.alloc(2 * 1024 * 1024);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const text = buf.subarray(0, bytesRead).toString('latin1');
    const m = /x264 - core (\d+)[^\0]{0,120}?options: ([ -~]{0,2000})/.exec(text);
    return m ? `core ${m[1]}; ${m[2]}` : null;
  } finally {
    await fh.close();
  }
}

const SEVERITY_RANK: Record<MetadataFlag['severity'], number> = { warning: 0, notice: 1, info: 2 };

/** The XMP packets of a video, parsed and merged (the first packet's value wins), as the 'xmp' group. */
async function videoXmp(packets: readonly string[]): Promise<{ group: Record<string, string>; sourceType: string; problems: string[] }> {
  const merged: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const packet of packets.slice(0, 8)) {
    try {
      const x = ((await exifrSidecar(Buffer.from(packet, 'utf8'), EXIFR_OPTIONS, 'xmp')) as Record<string, unknown> | undefined) ?? {};
      for (const [ns, tags] of Object.entries(x)) {
        if (ns === 'errors' || !tags || typeof tags !== 'object') continue;
        merged[ns] = { ...(tags as Record<string, unknown>), ...((merged[ns] as Record<string, unknown> | undefined) ?? {}) };
      }
    } catch (e) {
      problems.push(errorText(e));
    }
  }
  return { group: xmpGroup(merged), sourceType: digitalSourceTypeTag(merged), problems };
}

async function videoReport(p: string, info: MediaInfo, known?: ContainerStructure | null, c2paTrust: TrustAnchors | null = null): Promise<MetadataReport> {
  const [x264InFile, structure] = await Promise.all([findX264Sei(p).catch(() => null), known !== undefined ? Promise.resolve(known) : readContainerStructure(p, info)]);
  // A transport stream's packet headers split the text every 184 bytes: the settings read from the
  // reassembled video stream come first there.
  const x264 = structureX264(structure) ?? x264InFile;
  const groups: Record<string, Record<string, string>> = {};
  if (Object.keys(info.tags).length) groups.container = { ...info.tags };
  const v = info.streams.find((s) => s.index === info.videoStreamIndex) ?? info.streams.find((s) => s.type === 'video');
  const a = info.streams.find((s) => s.type === 'audio');
  if (v?.tags && Object.keys(v.tags).length) groups.video = { ...v.tags };
  if (a?.tags && Object.keys(a.tags).length) groups.audio = { ...a.tags };
  if (x264) groups.encoder = { x264 };
  const found = structure ? describeContainerStructure(structure) : null;
  if (found) groups.structure = found.group;
  const xmp = structureXmp(structure).length ? await videoXmp(structureXmp(structure)) : null;
  if (xmp && Object.keys(xmp.group).length) groups.xmp = xmp.group;
  if (xmp?.problems.length && groups.structure) groups.structure.xmpProblems = xmp.problems.join('; ');
  const highlights: { label: string; value: string }[] = [];
  const add = (label: string, value: string | null | undefined) => {
    if (value) highlights.push({ label, value });
  };
  const t = { ...lowerKeys(groups.container), ...lowerKeys(groups.video) };
  add('Container', info.container);
  add('Video', [info.videoCodec, v?.profile, `${info.width}×${info.height}`, info.fps ? `${info.fps.toFixed(3).replace(/\.?0+$/, '')} fps` : null].filter(Boolean).join(', '));
  add('Audio', info.audioCodec);
  add('Duration', info.durationSec !== null ? `${info.durationSec.toFixed(2)} s` : null);
  add('Rotation', info.rotation ? `${info.rotation}°` : null);
  add('Device', [t['com.apple.quicktime.make'] ?? t['com.android.manufacturer'], t['com.apple.quicktime.model'] ?? t['com.android.model']].filter(Boolean).join(' ') || null);
  add('Created', t.creation_time ?? t['com.apple.quicktime.creationdate']);
  add('Encoder', t.encoder ?? (x264 ? `x264 ${x264.split(';')[0]}` : null));
  add('Software', groups.xmp?.CreatorTool);
  add('Edit history', groups.xmp?.History && capText(groups.xmp.History, 240));
  add('Location', t.location ?? t['com.apple.quicktime.location.ISO6709']);
  if (found) highlights.push(...found.highlights);
  // What the video declares of its making: the IPTC digital source type in its XMP, a C2PA manifest store.
  const c2paBox = structureC2pa(structure);
  const c2pa = c2paBox ? findC2pa(c2paBox, info.format, 'a video is checked by its BMFF hash', c2paTrust) : null;
  const store = c2paBox ? locateC2pa(c2paBox, info.format) : null;
  // A video's manifest hashes the file box by box (c2pa.hash.bmff), read from disk in one pass.
  if (c2pa && store) c2pa.dataHash = await checkC2paBmffHash(store.data, { path: p, size: info.sizeBytes, boxes: structureTopBoxes(structure) }).catch((e: unknown) => ({ state: 'unchecked' as const, alg: null, reason: `the file could not be read (${errorText(e)})` }));
  const marks = describeGeneratorMarks({
    texts: [],
    sourceType: xmp?.sourceType || undefined,
    software: [groups.xmp?.CreatorTool, t.encoder, t.software].filter((x): x is string => !!x),
    c2pa,
    subject: 'video',
  });
  if (Object.keys(marks.group).length) groups.generator = marks.group;
  highlights.unshift(...marks.highlights);
  // Warnings first: what the structure shows (hidden media, appended data) outranks the tag notices.
  const flags = [...marks.flags, ...videoFlags(groups, x264), ...(found?.flags ?? [])].sort((x, y) => SEVERITY_RANK[x.severity] - SEVERITY_RANK[y.severity]);
  return { highlights, groups, flags, hasEmbeddedThumbnail: false, thumbnailDiffers: null };
}

/**
 * The metadata report for a probed file. A caller that has already read a JPEG's coefficients and
 * quantisation tables passes what it found (`jpegHistory`, `jpegQuality`), and the file is not read for them again.
 */
export async function readMetadata(
  p: string,
  info: MediaInfo,
  opts: {
    limits?: AppSettings['limits'];
    /** A JPEG's compression history when the caller has it, or will have it (awaited last, after every read of the file). */
    jpegHistory?: FileHistory | Promise<FileHistory>;
    jpegQuality?: JpegQuality | null;
    decoded?: () => Promise<DecodedImage>;
    /** A video's container structure when the caller has read it (null: none read). */
    structure?: ContainerStructure | null;
    /** A picture's end and what follows it, when the caller has read it (null: not such a picture). */
    pictureEnd?: PictureEnd | null;
    /** The administrator's C2PA trust anchors (c2pa-trust.ts), when configured. */
    c2paTrust?: TrustAnchors | null;
  } = {},
): Promise<MetadataReport> {
  const limits = opts.limits ?? DEFAULT_SETTINGS.limits;
  switch (info.kind) {
    case 'image':
      return imageReport(p, info, limits, opts.jpegHistory, opts.jpegQuality, opts.decoded, opts.pictureEnd, opts.c2paTrust ?? null);
    case 'video':
      return videoReport(p, info, opts.structure, opts.c2paTrust ?? null);
  }
}
