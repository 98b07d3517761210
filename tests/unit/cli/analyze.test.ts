import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src-main/cli/main';
import { cliCoreDefaults } from '../../../src-main/cli/context';
import { termSafe, termSafeOutput } from '../../../src-main/cli/term-safe';
import { buildCameraRaw } from '../../helpers/camera-raw-files';
import { solidFrame, testManifest, writeModel, writeStandardModels, classifierGraph } from '../../helpers/analysis-models';
import { tempDir } from '../../helpers/core';
import { testIo as io } from '../../helpers/cli-io';
import { cloneRegion, texture } from '../../helpers/textures';
import { tEXt, withPngChunks } from '../../helpers/provenance-files';

describe('mediaguard analyze / models', () => {
  let t: { dir: string; cleanup: () => void };
  let models: string;
  let image: string;
  beforeAll(async () => {
    cliCoreDefaults.bcryptCost = 4;
    cliCoreDefaults.compactEveryMs = null;
    cliCoreDefaults.analysisInProcess = true;
    cliCoreDefaults.bundledModels = false;
    t = tempDir('mg-cli-an-');
    models = path.join(t.dir, 'models');
    writeStandardModels(models);
    image = path.join(t.dir, 'face.jpg');
    await sharp(Buffer.from(solidFrame(160, 120, [120, 120, 120], { x1: 0.3, y1: 0.25, x2: 0.7, y2: 0.75, color: [230, 40, 40] })), { raw: { width: 160, height: 120, channels: 3 } }).jpeg().toFile(image);
  });
  afterAll(() => {
    delete cliCoreDefaults.analysisInProcess;
    delete cliCoreDefaults.bundledModels;
    t.cleanup();
  });
  const dd = () => ['--data-dir', path.join(t.dir, 'data')];

  it('--json prints one object per file; a failure is an error object and exit 1', async () => {
    const o = io();
    const code = await runCli(['analyze', '--json', '--models-dir', models, image, path.join(t.dir, 'nope.jpg'), ...dd()], o);
    expect(code).toBe(1);
    const lines = o.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ file: fs.realpathSync(image), kind: 'image', verdict: 'manipulated', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(lines[0]!.score).toBeGreaterThan(0.7);
    expect(lines[0]!.faces).toHaveLength(1);
    expect(lines[0]!.frames).toEqual([expect.objectContaining({ index: 0, timeSec: 0 })]);
    expect((lines[0]!.models as { id: string; sha256: string }[]).map((m) => m.id)).toEqual(['t-detector', 't-face', 't-image']);
    expect(lines[0]!.timings).toMatchObject({ total: expect.any(Number) });
    expect(lines[1]).toMatchObject({ file: path.join(t.dir, 'nope.jpg'), error: { code: 'NOT_FOUND' } });
  });

  it('analyses a HEIC picture (the iPhone format) like its JPEG: same face, same verdict, its EXIF read', async () => {
    const heic = path.join(t.dir, 'face.heic');
    const src = path.join(t.dir, 'face-exif.jpg');
    await sharp(image).withExif({ IFD0: { Make: 'Apple', Model: 'iPhone 15' } }).jpeg({ quality: 95 }).toFile(src);
    execFileSync('heif-enc', ['-q', '80', src, '-o', heic], { stdio: 'ignore' });
    const o = io();
    expect(await runCli(['analyze', '--json', '--models-dir', models, heic, ...dd()], o)).toBe(0);
    const line = JSON.parse(o.out.trim()) as Record<string, unknown> & { metadata: { highlights: { label: string; value: string }[] } };
    expect(line).toMatchObject({ kind: 'image', verdict: 'manipulated', format: 'heif' });
    expect(line.faces).toHaveLength(1);
    expect(line.metadata.highlights).toContainEqual({ label: 'Camera', value: 'Apple iPhone 15' });
    // The whole-image detector does not judge HEVC-coded pictures; the face decided.
    expect(line.decidedBy).toBe('faces');
    expect(line.imageScores).toEqual([{ model: 't-image', probability: null, band: 'undetermined', notJudged: expect.stringMatching(/^the picture is HEVC-coded \(HEIC\/HEIF\)/) }]);
    expect(line.warnings).toContainEqual({ code: 'NOT_JUDGED', message: expect.stringMatching(/only the faces were judged, and they can flag the picture but not clear it\.$/) });
    const h = io();
    expect(await runCli(['analyze', '--models-dir', models, heic, ...dd()], h)).toBe(0);
    expect(h.out).toMatch(/face\.heic: MANIPULATED \d+\.\d %/);
  });

  it('a camera raw file (DNG): its largest preview analysed like the JPEG it embeds, and said so; one with only sensor data refused', async () => {
    const jpeg = fs.readFileSync(image);
    const thumb = await sharp(jpeg).resize(80, 60).raw().toBuffer();
    const dng = path.join(t.dir, 'face.dng');
    fs.writeFileSync(dng, buildCameraRaw({ thumbnail: { width: 80, height: 60, rgb: thumb }, previews: [{ jpeg, width: 160, height: 120 }], sensor: { width: 176, height: 128 } }));
    const sensorOnly = path.join(t.dir, 'sensor.dng');
    fs.writeFileSync(sensorOnly, buildCameraRaw({ sensor: { width: 176, height: 128 } }));
    const o = io();
    expect(await runCli(['analyze', '--json', '--models-dir', models, image, dng, sensorOnly, ...dd()], o)).toBe(1);
    const [asJpeg, asDng, refused] = o.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown> & { metadata: { highlights: { label: string; value: string }[] } });
    expect(asDng).toMatchObject({ kind: 'image', format: 'tiff', verdict: asJpeg!.verdict, score: asJpeg!.score, faces: asJpeg!.faces });
    expect(asDng!.warnings).toContainEqual({ code: 'CAMERA_RAW', message: expect.stringMatching(/what was analysed is the 160×120 JPEG preview the file embeds \(IFD0 › sub-IFD 2\)/) });
    expect(asDng!.metadata.highlights).toContainEqual({ label: 'Camera raw', value: 'DNG 1.4.0.0; sensor data 176×128, 16-bit colour filter array' });
    expect(refused).toMatchObject({ error: { code: 'UNSUPPORTED_MEDIA', message: expect.stringMatching(/^"sensor\.dng" is a camera raw file .* with no preview MediaGuard can decode/) } });
  });

  it('an AVIF picture: faces judged, the whole-image detector holds back (AV1 coding)', async () => {
    const avif = path.join(t.dir, 'face.avif');
    await sharp(image).avif({ quality: 70, effort: 0 }).toFile(avif);
    const o = io();
    expect(await runCli(['analyze', '--json', '--models-dir', models, avif, ...dd()], o)).toBe(0);
    const line = JSON.parse(o.out.trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ format: 'avif', verdict: 'manipulated', decidedBy: 'faces' });
    expect(line.imageScores).toEqual([{ model: 't-image', probability: null, band: 'undetermined', notJudged: expect.stringMatching(/^the picture is AV1-coded \(AVIF\)/) }]);
  });

  it('human output and exit 0 when all files succeed', async () => {
    const o = io();
    expect(await runCli(['analyze', '--models-dir', models, image, ...dd()], o)).toBe(0);
    expect(o.out).toMatch(/face\.jpg: MANIPULATED \d+\.\d %/);
  });

  it('prints the copy-move check of a picture: the pair found (human and --json), or that none was', async () => {
    const cloned = path.join(t.dir, 'cloned.png');
    const tex = texture(400, 300, 3);
    const forged = cloneRegion(tex, 20, 30, 100, 80, 260, 190);
    await sharp(Buffer.from(forged.data), { raw: { width: 400, height: 300, channels: 3 } }).png().toFile(cloned);
    const o = io();
    expect(await runCli(['analyze', '--models-dir', models, cloned, image, ...dd()], o)).toBe(0);
    expect(o.out).toMatch(/cloned\.png: (INCONCLUSIVE|MANIPULATED|UNDETERMINED) /);
    expect(o.out).toMatch(/! CLONED_REGIONS: 1 region of the picture is a copy of another part of it/);
    expect(o.out).toMatch(/ {2}copy-move: 1\d\d×\d\d at \(\d+, \d+\) ↔ 1\d\d×\d\d at \(\d+, \d+\) \(analysed at 400 px\)\n/);
    expect(o.out).toMatch(/face\.jpg: [^\n]*\n(?:.*\n)*? {2}copy-move: no copied region found \(analysed at 160 px\)/);
    const j = io();
    expect(await runCli(['analyze', '--json', '--models-dir', models, cloned, ...dd()], j)).toBe(0);
    const line = JSON.parse(j.out.trim()) as { copyMove: { method: string; regions: { a: object; b: object; mirrored: boolean }[]; analysedLongSide: number } };
    expect(line.copyMove).toMatchObject({ method: expect.stringMatching(/^dense-dct-patchmatch /), analysedLongSide: 400, regions: [expect.objectContaining({ mirrored: false })] });
  });

  it('prints the splice map of a twice-saved JPEG: the pasted region (human and --json), or that none was found', async () => {
    const spliced = path.join(t.dir, 'spliced.jpg');
    const plain = path.join(t.dir, 'twice.jpg');
    const raw = { raw: { width: 480, height: 360, channels: 3 as const } };
    const host = texture(480, 360, 21);
    const donor = texture(480, 360, 77);
    const first = await sharp(await sharp(Buffer.from(host.data), raw).jpeg({ quality: 60 }).toBuffer()).raw().toBuffer();
    await sharp(first, raw).jpeg({ quality: 90 }).toFile(plain);
    for (let r = 0; r < 120; r++) first.set(donor.data.subarray(((101 + r) * 480 + 173) * 3, ((101 + r) * 480 + 323) * 3), ((101 + r) * 480 + 173) * 3);
    await sharp(first, raw).jpeg({ quality: 90 }).toFile(spliced);
    const o = io();
    expect(await runCli(['analyze', '--models-dir', models, spliced, plain, ...dd()], o)).toBe(0);
    expect(o.out).toMatch(/! SPLICED_REGIONS: The JPEG was saved twice \(earlier at quality ≈\d+\), but 1 region does not carry the earlier compression/);
    expect(o.out).toMatch(/ {2}splice map: 1\d\d×1\d\d at \(1\d\d, 1\d\d\) lack the earlier compression\n/);
    expect(o.out).toMatch(/twice\.jpg: [^\n]*\n(?:.*\n)*? {2}splice map: no region without the earlier compression found\n/);
    expect(o.out).not.toMatch(/twice\.jpg: [^\n]*\n(?:.*\n)*?.*SPLICED_REGIONS/);
    const j = io();
    expect(await runCli(['analyze', '--json', '--models-dir', models, spliced, ...dd()], j)).toBe(0);
    const line = JSON.parse(j.out.trim()) as { verdict: string; splice: { method: string; earlierQuality: number; regions: { x: number; y: number; w: number; h: number }[]; threshold: number; coverage: number } };
    expect(line.splice).toMatchObject({ method: expect.stringMatching(/^double-quantisation block map /), threshold: 80, coverage: 1 });
    expect(line.splice.regions).toHaveLength(1);
    expect(line.verdict).not.toBe('authentic');
    // Stored turned (EXIF orientation 6: shown 90° clockwise): the region is given where the picture shows it.
    const turned = path.join(t.dir, 'turned.jpg');
    await sharp(first, raw).jpeg({ quality: 90 }).withMetadata({ orientation: 6 }).toFile(turned);
    const k = io();
    expect(await runCli(['analyze', '--json', '--models-dir', models, turned, ...dd()], k)).toBe(0);
    const r = (JSON.parse(k.out.trim()) as typeof line).splice.regions[0]!;
    // Stored at x 173–322, y 101–220 of 480 × 360; upright at x 359−y = 139–258, y = x = 173–322.
    const stored = line.splice.regions[0]!;
    expect(r).toMatchObject({ x: 360 - (stored.y + stored.h), y: stored.x, w: stored.h, h: stored.w });
    expect(Math.abs(r.x - 139)).toBeLessThanOrEqual(16);
    expect(Math.abs(r.y - 173)).toBeLessThanOrEqual(16);
  });

  it('prints the shifted-grid map of a JPEG with content pasted in from another JPEG (human and --json), or that none was found', async () => {
    const pasted = path.join(t.dir, 'grid-pasted.jpg');
    const once = path.join(t.dir, 'grid-once.jpg');
    const raw = { raw: { width: 480, height: 360, channels: 3 as const } };
    const host = Buffer.from(texture(480, 360, 21).data);
    await sharp(host, raw).jpeg({ quality: 90 }).toFile(once);
    // A piece of another picture saved at quality 60, cut at (13, 20) and placed at (171, 101): its grid lands (6, 1) px off the file's.
    const donor = await sharp(await sharp(Buffer.from(texture(480, 360, 77).data), raw).jpeg({ quality: 60 }).toBuffer()).raw().toBuffer();
    for (let r = 0; r < 120; r++) host.set(donor.subarray(((20 + r) * 480 + 13) * 3, ((20 + r) * 480 + 163) * 3), ((101 + r) * 480 + 171) * 3);
    await sharp(host, raw).jpeg({ quality: 90 }).toFile(pasted);
    const o = io();
    expect(await runCli(['analyze', '--models-dir', models, pasted, once, ...dd()], o)).toBe(0);
    expect(o.out).toMatch(/! SHIFTED_GRID_REGIONS: 1 region of the JPEG carries the trace of an earlier JPEG compression on another 8×8 grid/);
    expect(o.out).toMatch(/ {2}shifted-grid map: 1\d\d×1\d\d at \(1\d\d, \d+\) on a grid shifted by \(6, 1\), earlier quality ≈\d+\n/);
    expect(o.out).toMatch(/grid-once\.jpg: [^\n]*\n(?:.*\n)*? {2}shifted-grid map: no region on another grid found\n/);
    expect(o.out).not.toMatch(/grid-once\.jpg: [^\n]*\n(?:.*\n)*?.*SHIFTED_GRID_REGIONS/);
    const j = io();
    expect(await runCli(['analyze', '--json', '--models-dir', models, pasted, ...dd()], j)).toBe(0);
    const line = JSON.parse(j.out.trim()) as { verdict: string; grid: { method: string; pictureGrid: null; regions: { x: number; y: number; w: number; h: number; dx: number; dy: number }[]; threshold: number } };
    expect(line.grid).toMatchObject({ method: expect.stringMatching(/^shifted-grid DC lattice map /), pictureGrid: null, threshold: 24 });
    expect(line.grid.regions).toEqual([expect.objectContaining({ dx: 6, dy: 1 })]);
    const r = line.grid.regions[0]!;
    expect(Math.abs(r.x - 171)).toBeLessThanOrEqual(32);
    expect(Math.abs(r.y - 101)).toBeLessThanOrEqual(32);
    expect(line.verdict).not.toBe('authentic');
  });

  it('reads a JPEG once at intake for its quality, history and map: the quality reaches both the warnings and the metadata report', async () => {
    const low = path.join(t.dir, 'low.jpg');
    const tex = texture(320, 240, 12);
    await sharp(Buffer.from(tex.data), { raw: { width: 320, height: 240, channels: 3 } }).jpeg({ quality: 50 }).toFile(low);
    const j = io();
    expect(await runCli(['analyze', '--json', '--models-dir', models, low, ...dd()], j)).toBe(0);
    const line = JSON.parse(j.out.trim()) as { warnings: { code: string; message: string }[]; metadata: { highlights: { label: string; value: string }[] }; timings: Record<string, number> };
    expect(line.warnings).toContainEqual({ code: 'HEAVY_RECOMPRESSION', message: expect.stringMatching(/^JPEG quality is about 50:/) });
    expect(line.metadata.highlights).toContainEqual({ label: 'JPEG quality', value: '≈50 (standard libjpeg tables)' });
    expect(line.metadata.highlights).toContainEqual({ label: 'Compression history', value: 'no sign of an earlier, lower-quality JPEG compression on the same grid' });
    expect(line.timings['jpeg-coefficients']).toBeGreaterThan(0);
  });

  it('prints the file\'s compression history and metadata flags (human and --json)', async () => {
    const resaved = path.join(t.dir, 'resaved.jpg');
    const tex = texture(320, 240, 6);
    const first = await sharp(Buffer.from(tex.data), { raw: { width: 320, height: 240, channels: 3 } }).jpeg({ quality: 60 }).toBuffer();
    await sharp(first).jpeg({ quality: 90 }).toFile(resaved);
    const o = io();
    expect(await runCli(['analyze', '--models-dir', models, resaved, ...dd()], o)).toBe(0);
    expect(o.out).toMatch(/ {2}compression history: saved as JPEG at least twice \(earlier at quality ≈(58|59|60|61|62)\)\n/);
    expect(o.out).toMatch(/ {2}~ RECOMPRESSED \(notice, file metadata\): The JPEG coefficients show an earlier compression/);
    const j = io();
    expect(await runCli(['analyze', '--json', '--models-dir', models, resaved, ...dd()], j)).toBe(0);
    const line = JSON.parse(j.out.trim()) as { metadata: { highlights: { label: string; value: string }[]; flags: { code: string }[] } };
    expect(line.metadata.highlights).toContainEqual({ label: 'Compression history', value: expect.stringMatching(/^saved as JPEG at least twice/) });
    expect(line.metadata.flags.map((f) => f.code)).toContain('RECOMPRESSED');
  });

  it("a picture whose metadata records an AI generator's settings is not called authentic, though the models clear it", async () => {
    const plain = path.join(t.dir, 'gray.png');
    const declared = path.join(t.dir, 'gray-sd.png');
    // Bluish grey: the test face model (red − blue) and image model (green) both read it as authentic.
    const png = await sharp({ create: { width: 160, height: 120, channels: 3, background: '#4d4d80' } }).png().toBuffer();
    fs.writeFileSync(plain, png);
    fs.writeFileSync(declared, withPngChunks(png, tEXt('parameters', 'a gray wall\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 99, Size: 160x120, Model: sd15')));
    const j = io();
    expect(await runCli(['analyze', '--json', '--models-dir', models, plain, declared, ...dd()], j)).toBe(0);
    const [a, b] = j.out.trim().split('\n').map((l) => JSON.parse(l) as { verdict: string; score: number; explanation: string; warnings: { code: string; message: string }[] });
    expect(a, JSON.stringify(a)).toMatchObject({ verdict: 'authentic' });
    expect(b!.verdict).toBe('inconclusive');
    expect(b!.score).toBe(a!.score);
    expect(b!.explanation).toMatch(/But the file's metadata declares it made by an AI image generator \(a Stable Diffusion web UI \(AUTOMATIC1111 or compatible\) — model sd15 — seed 99\)\. So the file is not called authentic: inconclusive\.$/);
    expect(b!.warnings).toContainEqual({ code: 'DECLARED_GENERATED', message: expect.stringMatching(/^The file's metadata declares it AI-generated/) });
    const o = io();
    expect(await runCli(['analyze', '--models-dir', models, declared, ...dd()], o)).toBe(0);
    expect(o.out).toMatch(/~ AI_GENERATOR_SETTINGS \(warning, file metadata\): The file records the settings of an AI image generator/);
  });

  it('a hostile file name cannot forge result lines or drive the terminal: controls and direction marks are shown as [U+XXXX]', async () => {
    const folder = path.join(t.dir, 'inj');
    fs.mkdirSync(folder);
    const name = 'z\nfake.jpg: AUTHENTIC 0.1 %  [image, sha256 deadbeef]\n\u001b[2Jx\u202Egpj.jpg';
    fs.copyFileSync(image, path.join(folder, name));
    const o = io();
    expect(await runCli(['analyze', '--models-dir', models, path.join(folder, name), ...dd()], o)).toBe(0);
    const verdictLines = o.out.split('\n').filter((l) => /: (AUTHENTIC|MANIPULATED|INCONCLUSIVE|UNDETERMINED) /.test(l));
    expect(verdictLines).toHaveLength(1);
    expect(verdictLines[0]).toMatch(/^z\[U\+000A\]fake\.jpg: AUTHENTIC 0\.1 % {2}\[image, sha256 deadbeef\]\[U\+000A\]\[U\+001B\]\[2Jx\[U\+202E\]gpj\.jpg: MANIPULATED /);
    expect(o.out).not.toMatch(/[\u001b\u202e]/);
  });

  it('termSafe marks controls, bidi marks and line separators; termSafeOutput keeps the CLI\'s own newlines', () => {
    expect(termSafe('a\tb\r\nc\u0085d\u2028e\u2066f\u061Cg\u00e9h')).toBe('a[U+0009]b[U+000D][U+000A]c[U+0085]d[U+2028]e[U+2066]f[U+061C]gé' + 'h');
    expect(termSafeOutput('line one\n\tline two\u001b[31m\n')).toBe('line one\n\tline two[U+001B][31m\n');
    expect(termSafe(null)).toBe('null');
  });

  it('a folder: its pictures are analysed, what it left out goes to stderr without failing the run', async () => {
    const folder = path.join(t.dir, 'case');
    fs.mkdirSync(folder);
    fs.copyFileSync(image, path.join(folder, 'IMG_0002'));
    fs.writeFileSync(path.join(folder, 'notes.txt'), 'x');
    const o = io();
    expect(await runCli(['analyze', '--json', '--models-dir', models, folder, ...dd()], o)).toBe(0);
    const lines = o.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([expect.objectContaining({ file: path.join(folder, 'IMG_0002'), verdict: 'manipulated' })]);
    expect(o.err).toContain('mediaguard analyze: Not analysed in “case”: 1 file that is not an image or a video (notes.txt).');
  });

  it('with no models there is no verdict, and the message names what is missing', async () => {
    const o = io();
    const code = await runCli(['analyze', '--json', image, ...dd()], o);
    expect(code).toBe(1);
    const line = JSON.parse(o.out.trim()) as { error: { code: string; message: string } };
    expect(line.error.code).toBe('MODEL_MISSING');
    expect(line.error.message).toMatch(/face detector|face-manipulation model/);
  });

  it('rejects bad options', async () => {
    expect(await runCli(['analyze', ...dd()], io())).toBe(2);
    expect(await runCli(['analyze', '--frames', '0', image, ...dd()], io())).toBe(2);
    expect(await runCli(['analyze', '--store', image, ...dd()], io())).toBe(2);
    const o = io();
    expect(await runCli(['analyze', '--store', '--as', 'ghost', '--models-dir', models, image, ...dd()], o)).toBe(3);
  });

  it('models list and verify; verify fails (exit 4) on a wrong hash', async () => {
    const o = io();
    expect(await runCli(['models', 'list', '--json', '--models-dir', models, ...dd()], o)).toBe(0);
    expect((JSON.parse(o.out) as { id: string }[]).map((m) => m.id).sort()).toEqual(['t-detector', 't-face', 't-image']);
    const v = io();
    expect(await runCli(['models', 'verify', '--models-dir', models, ...dd()], v)).toBe(0);
    expect(v.out).toMatch(/t-face\s.*verified/);
    const bad = path.join(t.dir, 'bad-models');
    writeModel(bad, classifierGraph(), testManifest('t-bad', 'face-manipulation'), { sha256: 'e'.repeat(64) });
    const b = io();
    expect(await runCli(['models', 'verify', '--models-dir', bad, ...dd()], b)).toBe(4);
    expect(b.out).toMatch(/t-bad.*FAILED/);
  });
});

describe('mediaguard analyze --store --report', () => {
  it('stores into the account\'s history and writes a PDF report', async () => {
    cliCoreDefaults.bcryptCost = 4;
    cliCoreDefaults.compactEveryMs = null;
    cliCoreDefaults.analysisInProcess = true;
    cliCoreDefaults.bundledModels = false;
    const t = tempDir('mg-cli-rep-');
    try {
      const models = path.join(t.dir, 'models');
      writeStandardModels(models);
      const image = path.join(t.dir, 'face.jpg');
      await sharp(Buffer.from(solidFrame(160, 120, [120, 120, 120], { x1: 0.3, y1: 0.25, x2: 0.7, y2: 0.75, color: [230, 40, 40] })), { raw: { width: 160, height: 120, channels: 3 } }).jpeg().toFile(image);
      const data = ['--data-dir', path.join(t.dir, 'data')];
      const env = { MEDIAGUARD_PASSWORD: 'correct-horse-42', MEDIAGUARD_NEW_PASSWORD: 'correct-horse-42' };
      expect(await runCli(['users', 'create-admin', 'chief', ...data], io(env))).toBe(0);
      expect(await runCli(['analyze', '--report', 'x.pdf', image, ...data], io(env))).toBe(2);
      const pdf = path.join(t.dir, 'out.pdf');
      const o = io(env);
      const code = await runCli(['analyze', '--json', '--store', '--as', 'chief', '--report', pdf, '--models-dir', models, image, ...data], o);
      expect(o.err).toBe('');
      expect(code).toBe(0);
      const line = JSON.parse(o.out.trim()) as { detectionId: string; report: { path: string; sha256: string } };
      expect(line.detectionId).toMatch(/\w+/);
      expect(line.report.path).toBe(pdf);
      expect(fs.readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
      const again = io(env);
      expect(await runCli(['analyze', '--json', '--store', '--as', 'chief', '--report', pdf, '--models-dir', models, image, ...data], again)).toBe(1);
      expect(JSON.parse(again.out.trim())).toMatchObject({ report: { error: { code: expect.any(String) } } });
    } finally {
      delete cliCoreDefaults.analysisInProcess;
      delete cliCoreDefaults.bundledModels;
      t.cleanup();
    }
  });
});
