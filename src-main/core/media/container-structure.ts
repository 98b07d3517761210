/**
 * A video container's own structure, whichever family it is: MP4/QuickTime boxes (mp4-structure.ts),
 * Matroska/WebM elements (mkv-structure.ts), AVI chunks (avi-structure.ts) or MPEG transport-stream
 * packets (ts-structure.ts). Read once per file (headers only: milliseconds; a transport stream has no
 * index, so its packet headers are read through the whole file) for the metadata report, the media an
 * MP4 edit list hides and a file appended after this one.
 */
import type { BmffTopBox } from './c2pa-bmff';
import type { MediaInfo } from '../../../src-shared/domain/media';
import { appendedOfAvi, describeAviStructure, isAviFormat, readAviStructure, type AviStructure } from './avi-structure';
import { appendedOfMkv, describeMkvStructure, isMatroskaFormat, readMkvStructure, type MkvStructure } from './mkv-structure';
import { appendedOfMp4, describeMp4Structure, isMp4Format, readMp4Structure, type Mp4Structure } from './mp4-structure';
import type { StructureFindings } from './structure-io';
import { appendedOfTs, describeTsStructure, isTsFormat, readTsStructure, type TsStructure } from './ts-structure';

export type ContainerStructure = { kind: 'mp4'; s: Mp4Structure } | { kind: 'mkv'; s: MkvStructure } | { kind: 'avi'; s: AviStructure } | { kind: 'ts'; s: TsStructure };

/**
 * The structure of a probed video's container, or null when its family is not read or the file does not
 * parse as one (or `signal` stopped the read).
 */
export async function readContainerStructure(p: string, info: Pick<MediaInfo, 'kind' | 'format' | 'sizeBytes'>, signal?: AbortSignal): Promise<ContainerStructure | null> {
  if (info.kind !== 'video') return null;
  try {
    if (isMp4Format(info.format)) {
      const s = await readMp4Structure(p, info.sizeBytes);
      return s ? { kind: 'mp4', s } : null;
    }
    if (isMatroskaFormat(info.format)) {
      const s = await readMkvStructure(p, info.sizeBytes);
      return s ? { kind: 'mkv', s } : null;
    }
    if (isAviFormat(info.format)) {
      const s = await readAviStructure(p, info.sizeBytes);
      return s ? { kind: 'avi', s } : null;
    }
    if (isTsFormat(info.format)) {
      const s = await readTsStructure(p, info.sizeBytes, signal);
      return s ? { kind: 'ts', s } : null;
    }
  } catch {
    // Unreadable structure: the metadata report goes on without it (the probe already read the file).
  }
  return null;
}

/** The 'structure' metadata group, its highlights and flags. */
export function describeContainerStructure(c: ContainerStructure): StructureFindings {
  switch (c.kind) {
    case 'mp4':
      return describeMp4Structure(c.s);
    case 'mkv':
      return describeMkvStructure(c.s);
    case 'avi':
      return describeAviStructure(c.s);
    case 'ts':
      return describeTsStructure(c.s);
  }
}

/** Where a file appended after this one begins, and how it was found; null when none. */
export function appendedOf(c: ContainerStructure, size: number): { offset: number; foundAs: string } | null {
  switch (c.kind) {
    case 'mp4':
      return appendedOfMp4(c.s, size);
    case 'mkv':
      return appendedOfMkv(c.s, size);
    case 'avi':
      return appendedOfAvi(c.s, size);
    case 'ts':
      return appendedOfTs(c.s, size);
  }
}

/** XMP packets the structure carries (MP4 only). */
export const structureXmp = (c: ContainerStructure | null): readonly string[] => (c?.kind === 'mp4' ? c.s.xmp : []);

/** The bytes of a C2PA manifest store's box (MP4/MOV), for generator-marks.ts. */
export const structureC2pa = (c: ContainerStructure | null): Buffer | null => (c?.kind === 'mp4' ? (c.s.c2pa ?? null) : null);

/**
 * An MP4's top-level boxes and where each starts, for the C2PA BMFF hash (c2pa-bmff.ts); null when they
 * were not all walked or the last one is cut short.
 */
export function structureTopBoxes(c: ContainerStructure | null): BmffTopBox[] | null {
  if (c?.kind !== 'mp4' || c.s.layoutCut || c.s.cutShort) return null;
  let at = 0;
  return c.s.layout.map((b) => {
    const box = { type: b.type, start: at, size: b.size };
    at += b.size;
    return box;
  });
}

/** x264's settings read from the video stream itself (transport streams, where packet headers split the text in the file). */
export const structureX264 = (c: ContainerStructure | null): string | null => (c?.kind === 'ts' ? c.s.x264 : null);
