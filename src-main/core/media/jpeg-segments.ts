/**
 * The marker segments of a JPEG's header, in memory: everything from SOI up to the first scan (SOS)
 * or EOI, where a picture's metadata (APPn), comments (COM), tables (DQT, DHT) and frame header
 * (SOFn) are (ITU-T T.81 §B.1). One walk for every reader of those segments (EXIF, quantisation
 * tables, comments, C2PA's APP11); readers that go on through the scans (jpeg-dct.ts) or read from
 * a file handle (picture-end.ts, image-header.ts) walk on their own.
 *
 * Fill bytes (0xFF before a marker) and the stand-alone markers (TEM, RSTn, a repeated SOI) are
 * skipped. The walk stops at SOS, EOI, anything that is not a marker, a length under 2, or the end of
 * `bytes`; a segment whose declared length runs past the end is returned cut, marked `truncated`.
 */

export interface JpegSegment {
  /** The marker's second byte (0xE1 for APP1, 0xDB for DQT, 0xFE for COM…). */
  marker: number;
  /** Where the marker starts in `bytes`. */
  offset: number;
  /** The segment's data after its two-byte length, cut at the end of `bytes`. */
  payload: Buffer;
  /** The declared length runs past the end of `bytes`. */
  truncated: boolean;
}

/** The header segments of the JPEG in `bytes` (from its SOI), in file order; none when `bytes` does not start with SOI. */
export function* jpegHeaderSegments(bytes: Buffer): Generator<JpegSegment> {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return;
  let pos = 2;
  while (pos + 4 <= bytes.length && bytes[pos] === 0xff) {
    const marker = bytes[pos + 1]!;
    if (marker === 0xff) {
      pos += 1; // a fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      pos += 2; // TEM, RSTn, SOI: no length follows
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return; // the first scan, or the end of the picture
    const len = bytes.readUInt16BE(pos + 2);
    if (len < 2) return;
    const end = pos + 2 + len;
    yield { marker, offset: pos, payload: bytes.subarray(pos + 4, Math.min(end, bytes.length)), truncated: end > bytes.length };
    pos = end;
  }
}
