/**
 * What investigators look for in metadata, as pure checks over parsed tag groups:
 * editing software, missing camera data, dates that disagree, re-encoding traces.
 */
import type { MetadataFlag } from '../../../src-shared/domain/media';

/** Editors and re-encoders whose name in a software tag means the file was processed after capture. */
export const EDITING_SOFTWARE =
  /photoshop|lightroom|gimp|affinity|pixelmator|paint\.net|paintshop|corel|capture one|darktable|rawtherapee|luminar|snapseed|facetune|faceapp|picsart|canva|fotor|meitu|vsco|snapchat|instagram|inshot|capcut|premiere|after effects|final cut|davinci|resolve|imovie|handbrake|avidemux|shotcut|kdenlive|openshot|vegas|filmora|movavi|camtasia|clipchamp|deepfacelab|faceswap|roop/i;

/** "2023:05:01 10:20:30" (EXIF) or ISO 8601 → ms since epoch, read as UTC when no zone is given. */
export function parseTagDate(v: string | undefined): number | null {
  if (!v) return null;
  const m = /^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?/.exec(v.trim());
  if (!m) return null;
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${m[7] ? (m[7] === 'Z' ? 'Z' : m[7].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')) : 'Z'}`;
  const t = Date.parse(iso);
  return Number.isFinite(t) && Number(m[1]) > 1900 ? t : null;
}

type Groups = Record<string, Record<string, string>>;

function pick(groups: Groups, ...keys: string[]): string | undefined {
  for (const k of keys) {
    const [g, name] = k.split('.') as [string, string];
    const v = groups[g]?.[name];
    if (v !== undefined && v !== '') return v;
  }
  return undefined;
}

/** What is known about the metadata containers themselves, beyond the tags read from them. */
export interface MetadataIntegrity {
  /** An EXIF block exists in the file (even if none of its tags could be read). */
  exifPresent?: boolean;
  /** Structural problems found while reading it (bad offsets, cut-off segment), one line each. */
  damage?: readonly string[];
}

/** How many damage lines a flag message spells out. */
const DAMAGE_LINES = 3;

/** Flags for an image's EXIF/XMP/IPTC groups (dimensions as displayed, for the EXIF size check). */
export function imageFlags(groups: Groups, actual: { width: number; height: number }, integrity: MetadataIntegrity = {}): MetadataFlag[] {
  const flags: MetadataFlag[] = [];
  const damage = integrity.damage ?? [];
  const hasAny = ['ifd0', 'exif', 'gps', 'xmp', 'iptc', 'pngText'].some((g) => Object.keys(groups[g] ?? {}).length > 0) || !!pick(groups, 'jpeg.comment');
  if (damage.length) {
    const listed = damage.slice(0, DAMAGE_LINES).join('; ');
    const more = damage.length > DAMAGE_LINES ? ` (+${damage.length - DAMAGE_LINES} more)` : '';
    flags.push({
      code: 'METADATA_DAMAGED',
      severity: 'warning',
      message:
        `The metadata is malformed: ${listed}${more}. ` +
        (hasAny ? 'Every tag that could still be read is shown; what the bad offsets point to is lost. ' : 'None of its tags could be read. ') +
        'Damage like this is left by editing tools and by hand-editing of the file, not by stripping.',
    });
  }
  if (!hasAny) {
    if (damage.length) return flags;
    flags.push(
      integrity.exifPresent
        ? { code: 'EMPTY_METADATA', severity: 'notice', message: 'An EXIF block is present but holds no descriptive tags: written empty by the software that last saved the file.' }
        : {
          code: 'NO_METADATA',
          severity: 'notice',
          message: 'No EXIF, XMP or IPTC metadata: it was stripped, as messaging apps, social networks and many editors do when re-saving.',
        },
    );
    return flags;
  }
  const software = [pick(groups, 'ifd0.Software'), pick(groups, 'ifd0.ProcessingSoftware'), pick(groups, 'xmp.CreatorTool'), pick(groups, 'xmp.HistorySoftwareAgent'), pick(groups, 'pngText.Software'), pick(groups, 'pngText.Comment'), pick(groups, 'jpeg.comment')].filter(
    (s): s is string => !!s,
  );
  const editor = software.find((s) => EDITING_SOFTWARE.test(s));
  if (editor) flags.push({ code: 'EDITING_SOFTWARE', severity: 'warning', message: `Written by editing software: "${editor.slice(0, 120)}".` });
  if (!pick(groups, 'ifd0.Make') && !pick(groups, 'ifd0.Model')) {
    const message = damage.length ? 'The readable metadata names no camera make or model (the damaged part may have held them).' : 'Metadata is present but names no camera make or model.';
    flags.push({ code: 'NO_CAMERA_DATA', severity: 'notice', message });
  }
  const original = parseTagDate(pick(groups, 'exif.DateTimeOriginal'));
  const digitized = parseTagDate(pick(groups, 'exif.CreateDate', 'exif.DateTimeDigitized'));
  const modified = parseTagDate(pick(groups, 'ifd0.ModifyDate', 'ifd0.DateTime', 'xmp.ModifyDate'));
  if (original !== null && digitized !== null && Math.abs(original - digitized) > 2000) {
    flags.push({ code: 'DATE_MISMATCH', severity: 'notice', message: 'The capture date and the digitised date disagree.' });
  }
  if (original !== null && modified !== null && modified - original > 60_000) {
    const mins = Math.round((modified - original) / 60_000);
    flags.push({ code: 'MODIFIED_AFTER_CAPTURE', severity: 'notice', message: `The modification date is ${mins >= 120 ? `${Math.round(mins / 60)} h` : `${mins} min`} after the capture date.` });
  }
  if (original !== null && modified !== null && original - modified > 60_000) {
    flags.push({ code: 'DATE_MISMATCH', severity: 'notice', message: 'The modification date is earlier than the capture date.' });
  }
  const ew = Number(pick(groups, 'exif.ExifImageWidth', 'exif.PixelXDimension'));
  const eh = Number(pick(groups, 'exif.ExifImageHeight', 'exif.PixelYDimension'));
  if (ew > 0 && eh > 0 && actual.width > 0) {
    const same = (ew === actual.width && eh === actual.height) || (ew === actual.height && eh === actual.width);
    if (!same) {
      flags.push({ code: 'DIMENSION_MISMATCH', severity: 'notice', message: `EXIF says ${ew}×${eh} but the picture is ${actual.width}×${actual.height}: resized or cropped after the metadata was written.` });
    }
  }
  return flags;
}

/** Tags with their names lower-cased (Matroska's tags are upper case: ENCODER, CREATION_TIME); the first spelling wins. */
export function lowerKeys(tags: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags ?? {})) out[k.toLowerCase()] ??= v;
  return out;
}

/** Flags for a video's container and stream tags, the writing application its structure names, and encoder traces. */
export function videoFlags(groups: Groups, x264: string | null): MetadataFlag[] {
  const flags: MetadataFlag[] = [];
  const container = lowerKeys(groups.container);
  const tags = { ...container, ...lowerKeys(groups.video) };
  const st = groups.structure;
  const software = [
    tags.encoder,
    tags['com.apple.quicktime.software'],
    tags.software,
    tags.handler_name,
    tags.comment,
    st?.writingApp,
    st?.muxingApp,
    groups.xmp?.CreatorTool,
    groups.xmp?.HistorySoftwareAgent,
  ].filter((s): s is string => !!s);
  const editor = software.find((s) => EDITING_SOFTWARE.test(s));
  if (editor) flags.push({ code: 'EDITING_SOFTWARE', severity: 'warning', message: `Tagged by editing software: "${editor.slice(0, 120)}".` });
  const enc = [container.encoder, container.software, st?.muxingApp].find((x) => /^Lavf/i.test(x ?? ''));
  if (enc) {
    flags.push({ code: 'REENCODED', severity: 'notice', message: `Written by FFmpeg's libavformat (${enc}): produced or re-muxed by FFmpeg-based software, not straight from a camera.` });
  }
  if (x264) flags.push({ code: 'REENCODED', severity: 'notice', message: `Encoded with the x264 software encoder (${x264.slice(0, 60)}); cameras and phones use hardware encoders.` });
  const make = tags['com.apple.quicktime.make'] ?? tags['com.android.manufacturer'] ?? tags.make;
  if (!make) flags.push({ code: 'NO_CAMERA_DATA', severity: 'notice', message: 'No device make or model tag.' });
  const created = tags.creation_time ?? tags['com.apple.quicktime.creationdate'];
  if (!created) flags.push({ code: 'NO_CREATION_TIME', severity: 'notice', message: 'No creation time tag (removed or never written).' });
  const c1 = parseTagDate(container.creation_time);
  const c2 = parseTagDate(lowerKeys(groups.video).creation_time);
  if (c1 !== null && c2 !== null && Math.abs(c1 - c2) > 60_000) flags.push({ code: 'DATE_MISMATCH', severity: 'notice', message: 'The container and video stream creation times disagree.' });
  return flags;
}
