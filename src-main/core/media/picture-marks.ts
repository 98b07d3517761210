/**
 * What a picture's own texts say of the software that made or re-saved it, in one step of the
 * metadata report (metadata.ts): the PNG text chunks, the EXIF UserComment and the JPEG comments
 * (picture-texts.ts) read as AI generators' settings and names, the IPTC digital source type, C2PA
 * Content Credentials (generator-marks.ts, c2pa-manifest.ts), and the JPEG comments that name a
 * re-encoder: the GD library (PHP's image functions), FFmpeg's JPEG encoder, JPEGmini.
 */
import type { MetadataFlag } from '../../../src-shared/domain/media';
import { findC2pa } from './c2pa-manifest';
import type { TrustAnchors } from './c2pa-trust';
import { describeGeneratorMarks } from './generator-marks';
import { decodeUserComment, readJpegComments, readPngTexts } from './picture-texts';
import { capText } from './structure-io';

/** Shown comment texts are cut to this many characters. */
const SHOWN = 1000;

export interface PictureMarks {
  /** Metadata groups to add (`exif` rows are added to the EXIF group already there). */
  groups: Record<string, Record<string, string>>;
  highlights: { label: string; value: string }[];
  flags: MetadataFlag[];
  /** The software a comment names, for the 'Software' highlight when no tag names one. */
  software: string | null;
}

/**
 * The marks in a picture's metadata bytes. `bytes`: the file from its start (`metadataBytes`), the whole
 * file when `bytes.length >= sizeBytes` (only then is a C2PA data hash checked); `parsed`: exifr's output;
 * `software`: the software tags already read (EXIF Software, XMP CreatorTool); `sourceType`: XMP's IPTC DigitalSourceType.
 */
export function pictureMarks(input: {
  bytes: Buffer | null;
  format: string;
  sizeBytes: number;
  parsed: Record<string, unknown>;
  software: readonly string[];
  sourceType: string | undefined;
  /** The administrator's C2PA trust anchors (c2pa-trust.ts), if any. */
  c2paTrust?: TrustAnchors | null;
}): PictureMarks {
  const { bytes, format } = input;
  const groups: PictureMarks['groups'] = {};
  const png = bytes && format === 'png' ? readPngTexts(bytes) : { texts: [], unreadable: 0 };
  const userComment = decodeUserComment(input.parsed.userComment);
  if (userComment) groups.exif = { UserComment: capText(userComment, SHOWN) };
  // A JPEG's comment segments (COM): what some writers sign with ("CREATOR: gd-jpeg …", "Created with GIMP").
  const comments = bytes && format === 'jpeg' ? readJpegComments(bytes) : [];
  if (comments.length) groups.jpeg = { comment: capText(comments.join(' | '), SHOWN) };
  const marks = describeGeneratorMarks({
    texts: png.texts,
    unreadableTexts: png.unreadable,
    userComment: userComment ?? undefined,
    sourceType: input.sourceType,
    software: input.software,
    comments,
    c2pa: bytes ? findC2pa(bytes, format, bytes.length >= input.sizeBytes ? bytes : `the file is larger than the ${bytes.length} bytes read for its metadata`, input.c2paTrust ?? null) : null,
  });
  if (Object.keys(marks.pngText).length) groups.pngText = marks.pngText;
  if (Object.keys(marks.group).length) groups.generator = marks.group;
  const writer = reencoderComments(comments);
  return { groups, highlights: marks.highlights, flags: [...marks.flags, ...writer.flags], software: writer.software };
}

/** What the JPEG comments say of a re-encoder that wrote the picture. */
function reencoderComments(comments: readonly string[]): { flags: MetadataFlag[]; software: string | null } {
  const flags: MetadataFlag[] = [];
  const gd = comments.map((c) => /CREATOR: gd-jpeg v([\d.]+) \(using IJG JPEG v(\w+)\)(?:, (?:default )?quality(?: = (\d+))?)?/.exec(c)).find(Boolean);
  if (gd) {
    flags.push({
      code: 'REENCODED',
      severity: 'notice',
      message: `Saved by the GD graphics library (gd-jpeg v${gd[1]}, IJG JPEG v${gd[2]}${gd[3] ? `, quality ${gd[3]}` : ''}), the JPEG writer behind PHP's image functions: a web server, forum or CMS re-saved the picture, typically on upload. It is not a camera original.`,
    });
  }
  const lavc = comments.find((c) => /^Lavc\d+\.\d+\.\d+$/.test(c));
  if (lavc) {
    flags.push({ code: 'REENCODED', severity: 'notice', message: `Written by FFmpeg's JPEG encoder (${lavc}): a frame taken from a video, or a picture converted by FFmpeg-based software; not a camera original.` });
  }
  const jpegMini = comments.find((c) => /JPEGmini/i.test(c));
  if (jpegMini) flags.push({ code: 'REENCODED', severity: 'notice', message: `Re-compressed by JPEGmini ("${capText(jpegMini, 80)}"): an optimiser re-saved the picture.` });
  return { flags, software: gd ? `GD graphics library (gd-jpeg v${gd[1]})` : (jpegMini ?? null) };
}
