#!/usr/bin/env node
// Generates the test media into tests/fixtures/generated/ (gitignored): ffmpeg lavfi test
// sources, sharp-drawn images with EXIF, hand-built headers and hand-corrupted copies.
// Nothing is downloaded and nothing comes from ../shared. Cached: a stamp records the
// recipe version and the ffmpeg used; when it matches and every file exists, nothing runs.
// Written to a temporary folder and renamed into place, so an interrupted run leaves no
// half-made set behind. Usage: node scripts/make-fixtures.mjs [--force]
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const RECIPE = 'media-v11';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outRoot = path.join(root, 'tests', 'fixtures', 'generated');
const dest = path.join(outRoot, 'media');
const ffmpeg = process.env.MEDIAGUARD_FFMPEG || 'ffmpeg';
// libheif's encoder (Debian: libheif-examples): the HEIC fixtures. The app only decodes HEIF.
const heifEnc = process.env.MEDIAGUARD_HEIF_ENC || 'heif-enc';

/** Every file this script makes; the cache is valid only if all exist. */
export const MEDIA_FIXTURES = [
  'clip.mp4', 'clip-faststart.mp4', 'clip.mkv', 'clip.m2t', 'clip.avi', 'clip.webm', 'trap.mp4', 'rotated.mp4', 'scenes.mp4', 'audio-only.mp4',
  'truncated.mp4', 'truncated-faststart.mp4', 'random.mp4', 'empty.mp4', 'camera.jpg', 'edited.jpg', 'stripped.jpg', 'gimp.jpg',
  'rotated.jpg', 'truncated.jpg', 'jpeg-named.png', 'mp4-named.jpg', 'plain.png', 'grey.png', 'bomb.png', 'anim.gif', 'plain.webp',
  'plain.tiff', 'plain.bmp', 'plain.avif', 'notes.txt', 'cloned.jpg', 'spliced.jpg', 'pasted.jpg',
  'camera.heic', 'plain.heic', 'deep.heic', 'multi.heic', 'truncated.heic', 'cut.mp4', 'joined.mkv', 'generated.png',
];

function ffmpegVersion() {
  try {
    return execFileSync(ffmpeg, ['-hide_banner', '-version'], { encoding: 'utf8' }).split('\n')[0];
  } catch {
    return null;
  }
}

function heifEncVersion() {
  // heif-enc has no --version: its help (on stderr) starts with the libheif version.
  const r = spawnSync(heifEnc, ['--help'], { encoding: 'utf8' });
  const first = `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n').find((l) => /heif-enc/.test(l));
  return r.error || !first ? null : first.trim();
}

const ffv = ffmpegVersion();
if (!ffv) {
  console.error(`make-fixtures: cannot run ${ffmpeg}; install ffmpeg (apt-get install ffmpeg) or set MEDIAGUARD_FFMPEG`);
  process.exit(1);
}
const hev = heifEncVersion();
if (!hev) {
  console.error(`make-fixtures: cannot run ${heifEnc}; install libheif's tools (apt-get install libheif-examples) or set MEDIAGUARD_HEIF_ENC`);
  process.exit(1);
}
const stampFile = path.join(dest, '.stamp');
const stamp = `${RECIPE}\n${ffv}\n${hev}\n`;
const force = process.argv.includes('--force');
if (!force && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === stamp && MEDIA_FIXTURES.every((f) => fs.existsSync(path.join(dest, f)))) {
  console.log('fixtures: up to date');
  process.exit(0);
}

const t0 = Date.now();
fs.mkdirSync(outRoot, { recursive: true });
const tmp = fs.mkdtempSync(path.join(outRoot, '.media-tmp-'));
const at = (f) => path.join(tmp, f);
const ff = (...args) => execFileSync(ffmpeg, ['-nostdin', '-hide_banner', '-v', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'inherit'] });

// Deterministic pseudo-random bytes (xorshift), so "random.mp4" is the same on every machine.
function prng(n, seed = 0x9e3779b9) {
  const b = Buffer.alloc(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    b[i] = x & 0xff;
  }
  return b;
}

// ---------- EXIF (APP1) builder: IFD0, Exif IFD, GPS IFD and IFD1 with a JPEG thumbnail ----------
const TYPE = { ascii: 2, short: 3, long: 4, rational: 5 };
function entryBytes([, type, value]) {
  if (type === 'ascii') return Buffer.from(`${value}\0`, 'latin1');
  const vals = Array.isArray(value) ? value : [value];
  if (type === 'short') return Buffer.concat(vals.map((v) => { const b = Buffer.alloc(2); b.writeUInt16BE(v); return b; }));
  if (type === 'long') return Buffer.concat(vals.map((v) => { const b = Buffer.alloc(4); b.writeUInt32BE(v); return b; }));
  return Buffer.concat(vals.map(([n, d]) => { const b = Buffer.alloc(8); b.writeUInt32BE(n); b.writeUInt32BE(d, 4); return b; }));
}
function countOf([, type, value]) {
  if (type === 'ascii') return Buffer.byteLength(`${value}\0`, 'latin1');
  return Array.isArray(value) ? value.length : 1;
}
function ifdSize(entries) {
  let data = 0;
  for (const e of entries) { const n = entryBytes(e).length; if (n > 4) data += n + (n % 2); }
  return 2 + 12 * entries.length + 4 + data;
}
function writeIfd(buf, off, entries, next) {
  const sorted = [...entries].sort((a, b) => a[0] - b[0]);
  buf.writeUInt16BE(sorted.length, off);
  let dataOff = off + 2 + 12 * sorted.length + 4;
  sorted.forEach((e, i) => {
    const p = off + 2 + 12 * i;
    const bytes = entryBytes(e);
    buf.writeUInt16BE(e[0], p);
    buf.writeUInt16BE(TYPE[e[1]], p + 2);
    buf.writeUInt32BE(countOf(e), p + 4);
    if (bytes.length <= 4) bytes.copy(buf, p + 8);
    else { buf.writeUInt32BE(dataOff, p + 8); bytes.copy(buf, dataOff); dataOff += bytes.length + (bytes.length % 2); }
  });
  buf.writeUInt32BE(next, off + 2 + 12 * sorted.length);
}
function exifApp1({ ifd0, exif = [], gps = [], thumbnail = null }) {
  const ptr = (tag) => [tag, 'long', 0];
  const i0 = [...ifd0, ...(exif.length ? [ptr(0x8769)] : []), ...(gps.length ? [ptr(0x8825)] : [])];
  const i1 = thumbnail ? [[0x0103, 'short', 6], ptr(0x0201), [0x0202, 'long', thumbnail.length]] : [];
  const o0 = 8;
  const oE = o0 + ifdSize(i0);
  const oG = oE + (exif.length ? ifdSize(exif) : 0);
  const o1 = oG + (gps.length ? ifdSize(gps) : 0);
  const oT = o1 + (i1.length ? ifdSize(i1) : 0);
  const set = (list, tag, v) => { const e = list.find((x) => x[0] === tag); if (e) e[2] = v; };
  set(i0, 0x8769, oE); set(i0, 0x8825, oG); set(i1, 0x0201, oT);
  const tiff = Buffer.alloc(oT + (thumbnail ? thumbnail.length : 0));
  tiff.write('MM', 0, 'latin1'); tiff.writeUInt16BE(42, 2); tiff.writeUInt32BE(o0, 4);
  writeIfd(tiff, o0, i0, i1.length ? o1 : 0);
  if (exif.length) writeIfd(tiff, oE, exif, 0);
  if (gps.length) writeIfd(tiff, oG, gps, 0);
  if (i1.length) { writeIfd(tiff, o1, i1, 0); thumbnail.copy(tiff, oT); }
  const head = Buffer.alloc(4); head.writeUInt16BE(0xffe1, 0); head.writeUInt16BE(2 + 6 + tiff.length, 2);
  return Buffer.concat([head, Buffer.from('Exif\0\0', 'latin1'), tiff]);
}
/** Put an APP1 right after SOI, dropping any APP1 the encoder wrote. */
function withApp1(jpeg, app1) {
  const parts = [jpeg.subarray(0, 2), app1];
  let pos = 2;
  while (jpeg[pos] === 0xff && jpeg[pos + 1] !== 0xda) {
    const len = jpeg.readUInt16BE(pos + 2);
    if (jpeg[pos + 1] !== 0xe1) parts.push(jpeg.subarray(pos, pos + 2 + len));
    pos += 2 + len;
  }
  parts.push(jpeg.subarray(pos));
  return Buffer.concat(parts);
}

// ---------- drawings ----------
const scene = (w, h, variant) => Buffer.from(
  variant === 'a'
    ? `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#5aa0e6"/><stop offset="1" stop-color="#f4e2b0"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/><circle cx="${w * 0.75}" cy="${h * 0.25}" r="${h * 0.12}" fill="#ffd23f"/><rect x="0" y="${h * 0.7}" width="${w}" height="${h * 0.3}" fill="#3b7d3b"/><rect x="${w * 0.2}" y="${h * 0.45}" width="${w * 0.2}" height="${h * 0.3}" fill="#8b4513"/></svg>`
    : `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="100%" height="100%" fill="#202020"/><circle cx="${w * 0.3}" cy="${h * 0.6}" r="${h * 0.3}" fill="#e03030"/><rect x="${w * 0.55}" y="${h * 0.1}" width="${w * 0.35}" height="${h * 0.5}" fill="#f0f0f0"/></svg>`,
);

async function images() {
  // A textured picture with one region (110×80 at 30,40) cloned to 330,220: the copy-move check's walk.
  {
    const [W, H] = [480, 360];
    const tex = await sharp(prng(W * H * 3, 0x51ed), { raw: { width: W, height: H, channels: 3 } }).blur(1.6).raw().toBuffer();
    for (let j = 0; j < 80; j++) for (let i = 0; i < 110; i++) for (let c = 0; c < 3; c++) tex[((220 + j) * W + 330 + i) * 3 + c] = tex[((40 + j) * W + 30 + i) * 3 + c];
    await sharp(tex, { raw: { width: W, height: H, channels: 3 } }).jpeg({ quality: 90 }).toFile(at('cloned.jpg'));
  }
  // A textured picture saved at quality 60, a 150×120 region of another texture pasted at 173,101,
  // then saved again at 90: the splice map's walk (the pasted blocks lack the earlier compression).
  {
    const [W, H] = [480, 360];
    const raw = { raw: { width: W, height: H, channels: 3 } };
    const host = await sharp(prng(W * H * 3, 0x7a11), raw).blur(1.6).raw().toBuffer();
    const donor = await sharp(prng(W * H * 3, 0x0d0e), raw).blur(1.2).raw().toBuffer();
    const first = await sharp(await sharp(host, raw).jpeg({ quality: 60 }).toBuffer()).raw().toBuffer();
    for (let j = 0; j < 120; j++) donor.copy(first, ((101 + j) * W + 173) * 3, ((101 + j) * W + 173) * 3, ((101 + j) * W + 323) * 3);
    await sharp(first, raw).jpeg({ quality: 90 }).toFile(at('spliced.jpg'));
  }
  // A textured picture never compressed before, with a 150×120 piece of another texture saved at
  // quality 60 cut at 13,20 and pasted at 171,101, saved at 90: the shifted-grid map's walk (the
  // piece carries its earlier compression on a grid 6 px right and 1 px down of the file's).
  {
    const [W, H] = [480, 360];
    const raw = { raw: { width: W, height: H, channels: 3 } };
    const host = await sharp(prng(W * H * 3, 0x3c5a), raw).blur(1.6).raw().toBuffer();
    const donor = await sharp(await sharp(prng(W * H * 3, 0x9e1f), raw).blur(1.2).jpeg({ quality: 60 }).toBuffer()).raw().toBuffer();
    for (let j = 0; j < 120; j++) donor.copy(host, ((101 + j) * W + 171) * 3, ((20 + j) * W + 13) * 3, ((20 + j) * W + 163) * 3);
    await sharp(host, raw).jpeg({ quality: 90 }).toFile(at('pasted.jpg'));
  }
  const photoA = await sharp(scene(640, 480, 'a')).jpeg({ quality: 88 }).toBuffer();
  const photoB = await sharp(scene(640, 480, 'b')).jpeg({ quality: 88 }).toBuffer();
  const thumbA = await sharp(photoA).resize(160, 120).jpeg({ quality: 70 }).toBuffer();
  const cameraIfd0 = [[0x010f, 'ascii', 'Canon'], [0x0110, 'ascii', 'Canon EOS 80D'], [0x0131, 'ascii', 'Firmware Version 1.0.2'], [0x0132, 'ascii', '2024:05:01 10:00:00']];
  const exifDates = (orig) => [[0x9003, 'ascii', orig], [0x9004, 'ascii', orig]];
  fs.writeFileSync(at('camera.jpg'), withApp1(photoA, exifApp1({
    ifd0: cameraIfd0,
    exif: [...exifDates('2024:05:01 10:00:00'), [0xa002, 'long', 640], [0xa003, 'long', 480]],
    gps: [[0x0001, 'ascii', 'N'], [0x0002, 'rational', [[48, 1], [51, 1], [2960, 100]]], [0x0003, 'ascii', 'E'], [0x0004, 'rational', [[2, 1], [17, 1], [4020, 100]]]],
    thumbnail: thumbA,
  })));
  // HEIC (HEVC in HEIF, the iPhone's format) by libheif's encoder: the camera photo with its EXIF
  // (heif-enc carries a JPEG's EXIF into an Exif item), a plain one, a 10-bit one, a file holding
  // two pictures (the first is primary) and a cut one.
  const heic = (out, ...args) => execFileSync(heifEnc, ['-q', '60', ...args, '-o', at(out)], { stdio: ['ignore', 'ignore', 'inherit'] });
  heic('camera.heic', at('camera.jpg'));
  await sharp(scene(64, 48, 'a')).png().toFile(at('heic-a.png'));
  await sharp(scene(64, 48, 'b')).png().toFile(at('heic-b.png'));
  heic('plain.heic', at('heic-a.png'));
  heic('multi.heic', at('heic-a.png'), at('heic-b.png'));
  await sharp(scene(64, 48, 'a')).toColourspace('rgb16').png().toFile(at('heic-deep.png'));
  heic('deep.heic', '-b', '10', at('heic-deep.png'));
  for (const f of ['heic-a.png', 'heic-b.png', 'heic-deep.png']) fs.rmSync(at(f));
  const cameraHeic = fs.readFileSync(at('camera.heic'));
  fs.writeFileSync(at('truncated.heic'), cameraHeic.subarray(0, Math.floor(cameraHeic.length * 0.6)));
  // Edited: other content in the main picture, the original's thumbnail left behind, Photoshop,
  // modified five weeks after capture, EXIF size from before a resize.
  fs.writeFileSync(at('edited.jpg'), withApp1(photoB, exifApp1({
    ifd0: [[0x010f, 'ascii', 'Canon'], [0x0110, 'ascii', 'Canon EOS 80D'], [0x0131, 'ascii', 'Adobe Photoshop 25.0 (Windows)'], [0x0132, 'ascii', '2024:06:10 18:30:00']],
    exif: [...exifDates('2024:05:01 10:00:00'), [0xa002, 'long', 6000], [0xa003, 'long', 4000]],
    thumbnail: thumbA,
  })));
  fs.writeFileSync(at('stripped.jpg'), photoA);
  // EXIF written by sharp itself (withExif), as an editor would leave it: software, no camera.
  await sharp(scene(320, 240, 'a')).withExif({ IFD0: { Software: 'GIMP 2.10.36', DateTime: '2024:07:01 12:00:00' } }).jpeg({ quality: 92 }).toFile(at('gimp.jpg'));
  // Stored landscape 200x100 (left red, right blue) with EXIF orientation 6: displayed 100x200, red on top.
  const halves = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><rect width="100" height="100" fill="#ff0000"/><rect x="100" width="100" height="100" fill="#0000ff"/></svg>`);
  await sharp(halves).withMetadata({ orientation: 6 }).jpeg({ quality: 95 }).toFile(at('rotated.jpg'));
  fs.writeFileSync(at('truncated.jpg'), photoA.subarray(0, Math.floor(photoA.length / 2)));
  fs.writeFileSync(at('jpeg-named.png'), photoA);
  await sharp(scene(64, 48, 'a')).png().toFile(at('plain.png'));
  await sharp(scene(64, 48, 'a')).greyscale().png().toFile(at('grey.png'));
  await sharp(scene(64, 48, 'a')).webp({ quality: 90 }).toFile(at('plain.webp'));
  await sharp(scene(64, 48, 'a')).tiff().toFile(at('plain.tiff'));
  await sharp(scene(64, 48, 'a')).avif({ quality: 60, effort: 0 }).toFile(at('plain.avif')).catch(() => fs.writeFileSync(at('plain.avif'), ''));
  // BMP by hand (sharp does not write BMP): 24-bit bottom-up rows padded to 4 bytes.
  const { data, info } = await sharp(scene(64, 48, 'a')).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const row = Math.ceil((info.width * 3) / 4) * 4;
  const bmp = Buffer.alloc(54 + row * info.height);
  bmp.write('BM', 0, 'latin1'); bmp.writeUInt32LE(bmp.length, 2); bmp.writeUInt32LE(54, 10); bmp.writeUInt32LE(40, 14);
  bmp.writeInt32LE(info.width, 18); bmp.writeInt32LE(info.height, 22); bmp.writeUInt16LE(1, 26); bmp.writeUInt16LE(24, 28); bmp.writeUInt32LE(row * info.height, 34);
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < info.width; x++) {
      const s = (y * info.width + x) * 3;
      const d = 54 + (info.height - 1 - y) * row + x * 3;
      bmp[d] = data[s + 2]; bmp[d + 1] = data[s + 1]; bmp[d + 2] = data[s];
    }
  }
  fs.writeFileSync(at('plain.bmp'), bmp);
  // Decompression bomb: a valid PNG header claiming 100000x100000 pixels, a few bytes of data.
  const crc = (buf) => { let c = ~0; for (const byte of buf) { c ^= byte; for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1)); } return ~c >>> 0; };
  const chunk = (type, body) => { const len = Buffer.alloc(4); len.writeUInt32BE(body.length); const tb = Buffer.concat([Buffer.from(type, 'latin1'), body]); const c = Buffer.alloc(4); c.writeUInt32BE(crc(tb)); return Buffer.concat([len, tb, c]); };
  const ihdr = Buffer.alloc(13); ihdr.writeUInt32BE(100000, 0); ihdr.writeUInt32BE(100000, 4); ihdr[8] = 8; ihdr[9] = 2;
  fs.writeFileSync(at('bomb.png'), Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(Buffer.alloc(300001))), chunk('IEND', Buffer.alloc(0))]));
  // A Stable Diffusion web UI's PNG: its parameters in a tEXt chunk after IHDR.
  const plainPng = fs.readFileSync(at('plain.png'));
  const params = 'a lighthouse on a cliff at dusk\nNegative prompt: blurry\nSteps: 25, Sampler: DPM++ 2M, CFG scale: 7, Seed: 424242, Size: 64x48, Model hash: 6ce0161689, Model: v1-5-pruned-emaonly, Version: v1.10.1';
  fs.writeFileSync(at('generated.png'), Buffer.concat([plainPng.subarray(0, 33), chunk('tEXt', Buffer.from(`parameters\0${params}`, 'latin1')), plainPng.subarray(33)]));
  fs.writeFileSync(at('notes.txt'), 'Not media at all.\n');
}

function patchRotation90(file) {
  // ffmpeg 5.1 cannot set a display rotation when muxing: write the tkhd matrix by hand.
  const b = fs.readFileSync(file);
  const i = b.indexOf('tkhd', 0, 'latin1');
  if (i < 0 || b[i + 4] !== 0) throw new Error('tkhd v0 not found');
  const m = i + 4 + 40;
  [0, 65536, 0, -65536, 0, 0, 0, 0, 1 << 30].forEach((v, k) => b.writeInt32BE(v, m + 4 * k));
  fs.writeFileSync(file, b);
}

function videos() {
  const src = (size, dur, rate = 25) => ['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${rate}:duration=${dur}`];
  ff(...src('320x240', 4), '-f', 'lavfi', '-i', 'sine=frequency=440:duration=4', '-map', '0:v', '-map', '1:a', '-c:v', 'libx264', '-preset', 'veryfast', '-g', '25', '-bf', '2', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '64k', '-shortest', at('clip.mp4'));
  ff('-i', at('clip.mp4'), '-c', 'copy', '-movflags', '+faststart', at('clip-faststart.mp4'));
  ff('-i', at('clip.mp4'), '-c', 'copy', at('clip.mkv'));
  // MPEG-TS has no index: ffmpeg's seek lands on whatever packet is near, often mid-GOP.
  ff('-i', at('clip.mp4'), '-c', 'copy', '-f', 'mpegts', at('clip.m2t'));
  ff(...src('160x120', 2), '-c:v', 'mpeg4', '-q:v', '5', '-g', '12', at('clip.avi'));
  ff(...src('160x120', 1), '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '300k', at('clip.webm'));
  // The seeking trap: intra refresh. Recovery points are flagged as keyframes, but a decoder
  // starting there shows garbage until the refresh wave has crossed the picture.
  ff(...src('320x240', 6), '-c:v', 'libx264', '-preset', 'veryfast', '-x264-params', 'intra-refresh=1:keyint=50', '-pix_fmt', 'yuv420p', at('trap.mp4'));
  ff(...src('160x120', 1), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', at('rotated.mp4'));
  patchRotation90(at('rotated.mp4'));
  ff('-f', 'lavfi', '-i', 'color=c=red:size=160x120:rate=25:duration=1', '-f', 'lavfi', '-i', 'smptebars=size=160x120:rate=25:duration=1', ...src('160x120', 1),
    '-filter_complex', '[0:v][1:v][2:v]concat=n=3:v=1:a=0[v]', '-map', '[v]', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', at('scenes.mp4'));
  ff(...src('64x48', 0.6, 5), at('anim.gif'));
  ff('-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'aac', '-b:a', '64k', '-f', 'mp4', at('audio-only.mp4'));
  // Cut without re-encoding: 3.2 s of red, then the test pattern, one keyframe every 5 s (no scene-cut
  // keyframe), cut 3.2 s in. ffmpeg keeps the media from the keyframe at 0 and writes an edit list that
  // starts playback at 3.2 s: 170 of 250 frames play, the 80 red ones stay in the file unplayed.
  ff('-f', 'lavfi', '-i', 'color=c=red:size=160x120:rate=25:duration=3.2', ...src('160x120', 6.8), '-filter_complex', '[0:v][1:v]concat=n=2:v=1:a=0[v]', '-map', '[v]',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-x264-params', 'keyint=125:min-keyint=125:scenecut=0', '-pix_fmt', 'yuv420p', at('.uncut.mp4'));
  ff('-ss', '3.2', '-i', at('.uncut.mp4'), '-c', 'copy', at('cut.mp4'));
  fs.rmSync(at('.uncut.mp4'));
  // Another Matroska file appended to the first (cat a.mkv b.mkv): players show clip.mkv only (FFmpeg reads on into
  // the second's clusters); the appended 2 s of red are found by the element walk and analysed apart.
  ff('-f', 'lavfi', '-i', 'color=c=red:size=160x120:rate=25:duration=2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', at('.red.mkv'));
  fs.writeFileSync(at('joined.mkv'), Buffer.concat([fs.readFileSync(at('clip.mkv')), fs.readFileSync(at('.red.mkv'))]));
  fs.rmSync(at('.red.mkv'));
  const clip = fs.readFileSync(at('clip.mp4'));
  fs.writeFileSync(at('truncated.mp4'), clip.subarray(0, Math.floor(clip.length / 2)));
  const fast = fs.readFileSync(at('clip-faststart.mp4'));
  fs.writeFileSync(at('truncated-faststart.mp4'), fast.subarray(0, Math.floor(fast.length * 0.6)));
  fs.writeFileSync(at('mp4-named.jpg'), fs.readFileSync(at('clip.avi')));
  fs.writeFileSync(at('random.mp4'), prng(64 * 1024));
  fs.writeFileSync(at('empty.mp4'), Buffer.alloc(0));
}

try {
  await images();
  videos();
  const missing = MEDIA_FIXTURES.filter((f) => !fs.existsSync(at(f)));
  if (missing.length) throw new Error(`not generated: ${missing.join(', ')}`);
  fs.writeFileSync(at('.stamp'), stamp);
  fs.rmSync(dest, { recursive: true, force: true });
  fs.renameSync(tmp, dest);
  fs.chmodSync(dest, 0o755);
  console.log(`fixtures: generated ${MEDIA_FIXTURES.length} media files in ${((Date.now() - t0) / 1000).toFixed(1)}s → ${path.relative(root, dest)}`);
} catch (e) {
  fs.rmSync(tmp, { recursive: true, force: true });
  console.error(`fixtures: failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
