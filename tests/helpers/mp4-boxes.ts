/**
 * Box surgery on small MP4 files for the tests: parse the box tree, change the movie box (edit
 * lists, header times, XMP), write it back with the sizes recomputed. Only files whose media data
 * comes before the movie box (ffmpeg's default layout) may have their movie box resized: the
 * chunk offsets point into `mdat`, which does not move.
 */
export interface Box {
  type: string;
  /** A container's children, or a leaf's payload (after the 8-byte header). */
  children?: Box[];
  payload?: Buffer;
}

const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl', 'edts', 'udta', 'dinf']);

/** The boxes of b[from, to) (32-bit sizes, as ffmpeg writes small files). */
export function parseBoxes(b: Buffer, from = 0, to = b.length): Box[] {
  const out: Box[] = [];
  let pos = from;
  while (pos + 8 <= to) {
    const size = b.readUInt32BE(pos);
    const type = b.toString('latin1', pos + 4, pos + 8);
    if (size < 8 || pos + size > to) throw new Error(`box ${type} at ${pos} does not fit`);
    out.push(CONTAINERS.has(type) ? { type, children: parseBoxes(b, pos + 8, pos + size) } : { type, payload: b.subarray(pos + 8, pos + size) });
    pos += size;
  }
  return out;
}

/** One box (its size computed). */
export function box(type: string, body: Buffer | Box[]): Buffer {
  const payload = Buffer.isBuffer(body) ? body : Buffer.concat(body.map(write));
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + payload.length);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, payload]);
}

function write(b: Box): Buffer {
  return box(b.type, b.children ?? b.payload!);
}

export const serialise = (boxes: Box[]): Buffer => Buffer.concat(boxes.map(write));

/** The first box of this type among `boxes`. */
export function find(boxes: Box[], type: string): Box {
  const x = boxes.find((b) => b.type === type);
  if (!x) throw new Error(`no ${type} box`);
  return x;
}

/** The trak boxes of a parsed file, in order. */
export const tracks = (file: Box[]): Box[] => find(file, 'moov').children!.filter((b) => b.type === 'trak');

/** A version-0 edit list: [segment duration in movie units, media time in media units (−1: empty), rate]. */
export function elst(entries: [number, number, number][]): Buffer {
  const b = Buffer.alloc(8 + entries.length * 12);
  b.writeUInt32BE(entries.length, 4);
  entries.forEach(([seg, mt, rate], i) => {
    b.writeUInt32BE(seg, 8 + i * 12);
    b.writeInt32BE(mt, 12 + i * 12);
    b.writeInt16BE(Math.trunc(rate), 16 + i * 12);
    b.writeUInt16BE(Math.round((rate - Math.trunc(rate)) * 65536), 18 + i * 12);
  });
  return b;
}

/** Replace a track's edit list (created when the track has none). */
export function setEdits(trak: Box, list: Buffer): void {
  const kids = trak.children!;
  const edts = kids.find((b) => b.type === 'edts');
  if (edts) edts.children = [{ type: 'elst', payload: list }];
  else kids.splice(1, 0, { type: 'edts', children: [{ type: 'elst', payload: list }] });
}

/** Seconds since 1970 → the 1904-based seconds the headers hold. */
export const macSeconds = (unixSec: number): number => unixSec + 2_082_844_800;

/** Set the creation and modification times of a version-0 mvhd / tkhd / mdhd payload. */
export function setTimes(header: Box, created: number, modified: number): void {
  const p = Buffer.from(header.payload!);
  if (p[0] !== 0) throw new Error(`${header.type} is not version 0`);
  p.writeUInt32BE(created, 4);
  p.writeUInt32BE(modified, 8);
  header.payload = p;
}

/** The timescale of a version-0 mvhd or mdhd payload. */
export const timescale = (header: Box): number => header.payload!.readUInt32BE(12);

/** An XMP packet naming a creator tool and an edit history. */
export function xmpPacket(creatorTool: string, agents: string[]): string {
  const events = agents.map((a, i) => `<rdf:li stEvt:action="saved" stEvt:softwareAgent="${a}" stEvt:when="2024-03-0${i + 1}T11:00:00Z"/>`).join('');
  return (
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
    '<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/" xmlns:stEvt="http://ns.adobe.com/xap/1.0/sType/ResourceEvent#"' +
    ` xmp:CreatorTool="${creatorTool}" xmp:CreateDate="2024-03-01T10:00:00Z" xmpMM:DocumentID="xmp.did:0001" xmpMM:OriginalDocumentID="xmp.did:0000">` +
    `<xmpMM:History><rdf:Seq>${events}</rdf:Seq></xmpMM:History></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`
  );
}

/** A top-level 'uuid' box holding an XMP packet. */
export function xmpUuidBox(packet: string): Buffer {
  return box('uuid', Buffer.concat([Buffer.from('be7acfcb97a942e89c71999491e3afac', 'hex'), Buffer.from(packet, 'utf8')]));
}
