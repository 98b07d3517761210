/**
 * A generated corpus of hostile and broken media files for the robustness tests: truncated,
 * zero-byte, random bytes behind media extensions, huge declared dimensions, absurd
 * durations, corrupt headers, polyglots, deeply nested metadata, very long and unicode
 * names, names that look like command-line options. Everything is built here from ffmpeg
 * and sharp output plus byte surgery — no file from outside the repo.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import sharp from 'sharp';
import { buildCameraRaw } from './camera-raw-files';
import { heifEnc } from './heif-boxes';
import { pngChunk } from './provenance-files';

/** One corpus file and why it is hostile. */
export interface HostileFile {
  name: string;
  path: string;
  why: string;
}

/** A seeded byte generator, so a failing corpus file can be rebuilt exactly. */
export function seededBytes(seed: number, n: number): Buffer {
  const out = Buffer.alloc(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = s & 0xff;
  }
  return out;
}

const PNG_SIG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A PNG declaring w×h with a tiny (wrong-sized) IDAT: a decompression-bomb header. */
function pngDeclaring(w: number, h: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([PNG_SIG, pngChunk('IHDR', ihdr), pngChunk('IDAT', zlib.deflateSync(Buffer.alloc(64))), pngChunk('IEND', Buffer.alloc(0))]);
}

/** Patch the SOF0/SOF2 height and width of a JPEG. */
function jpegWithDims(jpeg: Buffer, w: number, h: number): Buffer {
  const out = Buffer.from(jpeg);
  for (let i = 2; i < out.length - 9; i++) {
    if (out[i] === 0xff && (out[i + 1] === 0xc0 || out[i + 1] === 0xc2)) {
      out.writeUInt16BE(h, i + 5);
      out.writeUInt16BE(w, i + 7);
      return out;
    }
  }
  throw new Error('no SOF marker in the base JPEG');
}

/** Overwrite the 32-bit duration fields of every mvhd/mdhd/tkhd box (v0) with `value`. */
function mp4WithDuration(mp4: Buffer, value: number): Buffer {
  const out = Buffer.from(mp4);
  for (const [box, off] of [['mvhd', 16], ['mdhd', 16], ['tkhd', 20]] as const) {
    let i = out.indexOf(box);
    while (i >= 0) {
      if (out[i + 4] === 0) out.writeUInt32BE(value >>> 0, i + 4 + off);
      i = out.indexOf(box, i + 4);
    }
  }
  return out;
}

/** Corrupt `count` bytes after `from` (keeps the header, breaks the payload). */
function scribble(buf: Buffer, from: number, count: number, seed: number): Buffer {
  const out = Buffer.from(buf);
  const noise = seededBytes(seed, count);
  for (let k = 0; k < count; k++) out[from + ((k * 7919) % Math.max(1, out.length - from))] = noise[k]!;
  return out;
}

/** A HEIF file with the primary image's ispe (declared size) set to w×h. */
function heicDeclaring(heic: Buffer, w: number, h: number): Buffer {
  const out = Buffer.from(heic);
  const at = out.indexOf('ispe', 0, 'latin1');
  if (at < 0) throw new Error('no ispe box in the base HEIC');
  out.writeUInt32BE(w, at + 8);
  out.writeUInt32BE(h, at + 12);
  return out;
}

/** Base media every mutation starts from: a JPEG, a PNG, a HEIC (libheif's heif-enc), a short H.264 MP4 and a WebM. */
async function bases(dir: string, ffmpeg: string): Promise<{ jpeg: Buffer; png: Buffer; heic: Buffer; mp4: Buffer; webm: Buffer }> {
  const raw = seededBytes(7, 96 * 64 * 3);
  const jpeg = await sharp(raw, { raw: { width: 96, height: 64, channels: 3 } }).jpeg({ quality: 85 }).toBuffer();
  const png = await sharp(raw, { raw: { width: 96, height: 64, channels: 3 } }).png().toBuffer();
  const mp4Path = path.join(dir, '.base.mp4');
  const webmPath = path.join(dir, '.base.webm');
  execFileSync(ffmpeg, ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=10:duration=2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', mp4Path]);
  execFileSync(ffmpeg, ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=10:duration=1', '-c:v', 'libvpx', '-deadline', 'realtime', '-b:v', '200k', webmPath]);
  const pngPath = path.join(dir, '.base.png');
  const heicPath = path.join(dir, '.base.heic');
  fs.writeFileSync(pngPath, png);
  heifEnc(['-q', '60', pngPath, '-o', heicPath]);
  const out = { jpeg, png, heic: fs.readFileSync(heicPath), mp4: fs.readFileSync(mp4Path), webm: fs.readFileSync(webmPath) };
  for (const f of [mp4Path, webmPath, pngPath, heicPath]) fs.rmSync(f);
  return out;
}

/** Write the corpus into dir (≥ 40 files) and return them with the reason each is hostile. */
export async function makeHostileCorpus(dir: string, ffmpeg = process.env.MEDIAGUARD_FFMPEG || 'ffmpeg'): Promise<HostileFile[]> {
  fs.mkdirSync(dir, { recursive: true });
  const b = await bases(dir, ffmpeg);
  const files: HostileFile[] = [];
  const add = (name: string, data: Buffer | string, why: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, data);
    files.push({ name, path: p, why });
  };
  const half = (x: Buffer, f = 0.5) => x.subarray(0, Math.floor(x.length * f));

  // Empty and truncated.
  for (const ext of ['jpg', 'png', 'mp4', 'mov', 'webm', 'gif']) add(`empty.${ext}`, Buffer.alloc(0), 'zero bytes');
  add('trunc-header.jpg', b.jpeg.subarray(0, 20), 'JPEG cut inside its header');
  add('trunc-header.png', b.png.subarray(0, 30), 'PNG cut inside IHDR');
  add('trunc-3bytes.jpg', b.jpeg.subarray(0, 3), 'only a JPEG SOI and one byte');
  add('trunc-moov.mp4', half(b.mp4, 0.3), 'MP4 cut before its index');
  add('trunc-ftyp.mp4', b.mp4.subarray(0, 40), 'MP4 of only its ftyp box');
  add('trunc.webm', b.webm.subarray(0, 60), 'WebM cut inside the EBML header');

  // Random bytes behind media extensions.
  const exts = ['jpg', 'png', 'mp4', 'mov', 'mkv', 'webm', 'gif', 'webp', 'tiff', 'bmp', 'heic', 'avi'];
  exts.forEach((ext, i) => add(`random.${ext}`, seededBytes(100 + i, 4096 + i * 513), 'random bytes'));

  // Corrupt headers (magic kept, structure broken).
  add('bad-sof.jpg', scribble(b.jpeg, 2, 200, 11), 'JPEG with its markers and tables overwritten');
  add('bad-ihdr.png', Buffer.concat([PNG_SIG, pngChunk('IHDR', Buffer.alloc(13)), pngChunk('IEND', Buffer.alloc(0))]), 'PNG with 0×0 IHDR and no IDAT');
  add('bad-crc.png', scribble(b.png, 8, 64, 12), 'PNG with broken chunk lengths and CRCs');
  const badBoxes = Buffer.from(b.mp4);
  badBoxes.writeUInt32BE(0xfffffff0, 0); // ftyp claims 4 GB
  for (let i = badBoxes.indexOf('moov'); i >= 0; i = badBoxes.indexOf('moov', i + 4)) badBoxes.write('m\0\0v', i, 'latin1');
  add('bad-boxes.mp4', badBoxes, 'MP4 whose first box claims 4 GB and whose index box is renamed');
  add('gif-header-only.gif', Buffer.from('GIF89a\xff\xff\xff\xff\x00\x00\x00', 'latin1'), 'GIF header declaring 65535×65535, no data');
  add('riff-garbage.webp', Buffer.concat([Buffer.from('RIFF\xff\xff\xff\x7fWEBPVP8 ', 'latin1'), seededBytes(14, 512)]), 'WebP RIFF header over garbage');

  // Huge declared dimensions.
  add('huge-dims.png', pngDeclaring(100_000, 100_000), 'PNG declaring 10 gigapixels');
  add('huge-wide.png', pngDeclaring(2_000_000_000, 1), 'PNG declaring 2e9×1');
  add('huge-dims.jpg', jpegWithDims(b.jpeg, 65_000, 65_000), 'JPEG SOF declaring 65000×65000');
  add('zero-dims.jpg', jpegWithDims(b.jpeg, 0, 0), 'JPEG SOF declaring 0×0');
  add('huge-dims.heic', heicDeclaring(b.heic, 100_000, 100_000), 'HEIC whose ispe declares 100000×100000');
  add('zero-dims.heic', heicDeclaring(b.heic, 0, 0), 'HEIC whose ispe declares 0×0');
  add('trunc.heic', half(b.heic, 0.6), 'HEIC cut inside its coded picture');
  const hvcc = b.heic.indexOf('hvcC', 0, 'latin1');
  // The hvcC payload (after its 4-byte type) overwritten, its size and the boxes after it kept.
  const hvccSize = b.heic.readUInt32BE(hvcc - 4);
  add('bad-hvcc.heic', Buffer.concat([scribble(b.heic.subarray(0, hvcc - 4 + hvccSize), hvcc + 4, hvccSize - 8, 21), b.heic.subarray(hvcc - 4 + hvccSize)]), 'HEIC whose decoder configuration (hvcC) is garbage');

  // Camera raws: undeveloped sensor data only, a garbage preview, a preview declaring 10 gigapixels.
  add('sensor-only.dng', buildCameraRaw({ sensor: { width: 320, height: 240 } }), 'DNG holding only 16-bit sensor data, no preview');
  add('bad-preview.dng', buildCameraRaw({ previews: [{ jpeg: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), seededBytes(19, 3000)]), width: 640, height: 480 }], sensor: { width: 64, height: 48 } }), 'DNG whose JPEG preview is garbage after its SOI');
  add('huge-preview.nef', buildCameraRaw({ dngVersion: null, previews: [{ jpeg: b.jpeg, width: 100_000, height: 100_000 }], sensor: { width: 64, height: 48 } }), 'maker raw whose preview directory declares 100000×100000');

  // Absurd durations.
  add('absurd-duration.mp4', scribble(mp4WithDuration(b.mp4, 0xffffffff), Math.floor(b.mp4.length * 0.5), 2000, 15), 'MP4 claiming ~4e9 time units, payload destroyed');
  add('zero-duration-trunc.mp4', half(mp4WithDuration(b.mp4, 0), 0.6), 'MP4 claiming zero duration, cut short');

  // Polyglots: one file, several readings; none is a decodable picture or video.
  add('zip-as.mp4', Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), seededBytes(16, 1000)]), 'ZIP signature behind .mp4');
  add('pdf-as.jpg', Buffer.from('%PDF-1.7\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n'), 'PDF behind .jpg');
  add('html-as.png', Buffer.from('<!doctype html><script>require("child_process").exec("touch /tmp/pwned")</script>'), 'HTML with script behind .png');
  add('gifar.gif', Buffer.concat([Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00', 'latin1'), Buffer.from('PK\x03\x04'), seededBytes(17, 300)]), 'GIF header with a ZIP glued after, no image data');
  add('elf-as.mov', Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01', 'latin1'), seededBytes(18, 2000)]), 'ELF executable header behind .mov');
  add('jpeg-magic-mp4-body.jpg', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), b.mp4.subarray(4, 2000)]), 'JPEG magic on an MP4 body');
  add('m3u8-as.mp4', Buffer.from('#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile:///etc/passwd\n#EXTINF:10,\nhttp://127.0.0.1:1/x.ts\n'), 'HLS playlist pointing at local files and the network, behind .mp4');
  add('bom-live-hls.m4v', Buffer.from('\uFEFF#EXTM3U\n#EXTINF:4,\nother-evidence.mp4\n'), 'live HLS playlist (BOM first) that would make ffmpeg read another file, behind .m4v');
  add('ffconcat-as.mov', Buffer.from("ffconcat version 1.0\nfile '/etc/passwd'\n"), 'ffmpeg concat script behind .mov');

  // Deeply nested metadata: an XMP of 20k nested elements and an EXIF IFD chain that loops.
  const nested = `<x:xmpmeta xmlns:x="adobe:ns:meta/">${'<rdf:Bag>'.repeat(20_000)}${'</rdf:Bag>'.repeat(20_000)}</x:xmpmeta>`;
  const xmpSeg = Buffer.concat([Buffer.from('http://ns.adobe.com/xap/1.0/\0'), Buffer.from(nested)]).subarray(0, 65_000);
  const app1 = Buffer.alloc(4);
  app1.writeUInt16BE(0xffe1, 0);
  app1.writeUInt16BE(xmpSeg.length + 2, 2);
  add('nested-xmp-trunc.jpg', half(Buffer.concat([b.jpeg.subarray(0, 2), app1, xmpSeg, b.jpeg.subarray(2)]), 0.55), 'JPEG with 20k-deep XMP, image data cut');
  const exif = Buffer.from('Exif\0\0MM\0\x2a\0\0\0\x08\0\x01\x87\x69\0\x04\0\0\0\x01\0\0\0\x08\0\0\0\x08', 'latin1');
  const app1e = Buffer.alloc(4);
  app1e.writeUInt16BE(0xffe1, 0);
  app1e.writeUInt16BE(exif.length + 2, 2);
  add('exif-loop-trunc.jpg', Buffer.concat([b.jpeg.subarray(0, 2), app1e, exif, b.jpeg.subarray(2, 300)]), 'JPEG with a self-referencing EXIF IFD, image data cut');
  add('many-chunks.png', Buffer.concat([PNG_SIG, ...Array.from({ length: 5000 }, (_, i) => pngChunk('tEXt', Buffer.from(`k${i}\0${'v'.repeat(50)}`)))]), 'PNG of 5000 text chunks and no IHDR');

  // Hostile names (broken content, so each must still fail cleanly, and by name never as an option).
  const broken = half(b.jpeg, 0.1);
  add(`${'a'.repeat(240)}.jpg`, broken, '244-character name');
  add('-i.jpg', broken, 'name that looks like an ffmpeg option');
  add('-y -f null.mp4', half(b.mp4, 0.05), 'name with spaces that looks like options');
  add('--help.png', half(b.png, 0.2), 'name that looks like a long option');
  add('видео 证据 🎥.mp4', half(b.mp4, 0.05), 'Cyrillic, CJK and emoji name');
  add('e\u0301vidence\u202egpj.mp4', half(b.mp4, 0.05), 'combining mark and right-to-left override in the name');
  add("quote'\"$(id)`;|&.jpg", broken, 'shell metacharacters in the name');
  add('newline\nname.png', half(b.png, 0.2), 'newline in the name');
  return files;
}

/** Valid small media under hostile names: must analyse normally (names are data, never options). */
export async function makeHostileNamedValid(dir: string): Promise<HostileFile[]> {
  fs.mkdirSync(dir, { recursive: true });
  const raw = Buffer.alloc(160 * 120 * 3, 200);
  const png = await sharp(raw, { raw: { width: 160, height: 120, channels: 3 } }).png().toBuffer();
  return ['-i.png', '--version.png', `${'ü'.repeat(100)}.png`, 'a;rm -rf ~.png'].map((name) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, png);
    return { name, path: p, why: 'valid picture, hostile name' };
  });
}

/** SHA-256 of a file (to check nothing in the corpus was modified by the analysis). */
export function sha256Of(p: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex');
}
