/**
 * What the container-structure readers (mp4-structure.ts, mkv-structure.ts, avi-structure.ts) share:
 * reading a file in small bounded pieces, and what they say about the end of a file — bytes after the
 * last box, element or chunk, a file cut short inside one, a picture or video appended there.
 */
import type fs from 'node:fs';
import type { MetadataFlag } from '../../../src-shared/domain/media';
import { APPENDED_MEDIA_KINDS, appendedLooksLike } from './sniff';

/** Up to `len` bytes at `pos` (fewer at the end of the file). */
export async function readAt(fh: fs.promises.FileHandle, pos: number, len: number): Promise<Buffer> {
  const buf = Buffer.alloc(Math.max(0, len));
  const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
  return buf.subarray(0, bytesRead);
}

/** Headers (`headerBytes` at a position) read through a window of `window` bytes, so many small neighbours cost one read. */
export function headerReader(fh: fs.promises.FileHandle, window: number, headerBytes: number): (pos: number) => Promise<Buffer> {
  let start = -1;
  let win: Buffer = Buffer.alloc(0);
  return async (pos) => {
    if (start < 0 || pos < start || pos + headerBytes > start + win.length) {
      win = await readAt(fh, pos, window);
      start = pos;
    }
    return win.subarray(pos - start, pos - start + headerBytes);
  };
}

/** Bytes after a container's last box, element or chunk. */
export interface Trailing {
  bytes: number;
  allZero: boolean;
  /** What they begin like ("a ZIP archive", "a JPEG picture"), when recognised. */
  looksLike: string | null;
}

/** The bytes from `pos` to the end of the file (`size`), sniffed from their first MiB. */
export async function readTrailing(fh: fs.promises.FileHandle, pos: number, size: number): Promise<Trailing> {
  const tail = await readAt(fh, pos, Math.min(size - pos, 1024 * 1024));
  return { bytes: size - pos, allZero: tail.every((x) => x === 0) && size - pos <= tail.length, looksLike: appendedLooksLike(tail) };
}

/** The group row and flag for trailing bytes after the last `unit` (box, element, chunk). */
export function trailingFinding(tr: Trailing, unit: string): { row: string; flag: MetadataFlag } {
  return {
    row: `${tr.bytes} bytes${tr.allZero ? ', all zero' : ''}${tr.looksLike ? `, beginning like ${tr.looksLike}` : ''}`,
    flag: tr.allZero
      ? { code: 'TRAILING_DATA', severity: 'info', message: `${tr.bytes} zero bytes pad the file after its last ${unit}.` }
      : {
        code: 'TRAILING_DATA',
        severity: 'warning',
        message: `${tr.bytes} bytes after the file's last ${unit} belong to no ${unit}${tr.looksLike ? ` and begin like ${tr.looksLike}` : ''}: data appended after the file was written, or a damaged end. Players ignore them.`,
      },
  };
}

/** The group row and flag for a file that ends inside `what` ("its 'mdat' box", "its Segment element"). */
export function truncatedFinding(what: string, present: number, declared: number): { row: string; flag: MetadataFlag } {
  return {
    row: `${what.replace(/^its /, '')}: ${present} of ${declared} bytes present`,
    flag: { code: 'TRUNCATED', severity: 'warning', message: `The file ends inside ${what}: ${present} of the ${declared} bytes it declares are present (cut short; what followed is lost).` },
  };
}

/** A picture or video appended after the last `unit`, as the analysis looks for it (null: none, or not media). */
export function mediaAfterEnd(tr: Trailing | null, size: number, unit: string): { offset: number; foundAs: string } | null {
  return tr?.looksLike && APPENDED_MEDIA_KINDS.has(tr.looksLike) ? { offset: size - tr.bytes, foundAs: `${tr.looksLike} appended after the last ${unit}` } : null;
}

/** What a structure reader says about a file: the 'structure' metadata group, its highlights and its flags. */
export interface StructureFindings {
  group: Record<string, string>;
  highlights: { label: string; value: string }[];
  flags: MetadataFlag[];
}

/** A layout row kept to a readable length (a hostile file can list 200,000 elements that fold into nothing). */
export const capText = (s: string, max = 2000): string => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
