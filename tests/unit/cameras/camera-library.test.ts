import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFingerprint, encodeFingerprint } from '../../../src-main/core/cameras/fingerprint-file';
import { cropFor, cropTurned, pceCrop, subPlane, turnedSize } from '../../../src-main/core/cameras/picture-plane';
import { runCli } from '../../../src-main/cli/main';
import { cliCoreDefaults } from '../../../src-main/cli/context';
import { DEFAULT_SETTINGS } from '../../../src-shared/domain/settings';
import { AppError } from '../../../src-shared/result';
import { fingerprintFile, prng, simCamera, writePhoto } from '../../helpers/camera-pictures';
import { compareWithFingerprints, sourceCameraCheck } from '../../../src-main/core/cameras/camera-compute';
import { PCE_MATCH } from '../../../src-main/core/analysis/prnu';
import { writeStandardModels } from '../../helpers/analysis-models';
import { pdfText } from '../../helpers/pdf-tools';
import { sourceCameraLine } from '../../../src-shared/domain/cameras';
import { signIn, tempDir, TEST_PASSWORD, testCore } from '../../helpers/core';
import { openCore } from '../../../src-main/core/core';
import { createLogger } from '../../../src-main/core/log/logger';
import { testIo } from '../../helpers/cli-io';

const limits = DEFAULT_SETTINGS.limits;
const W = 640;
const H = 480;
const camA = simCamera(101, W, H);
const camB = simCamera(202, W, H);
const work = tempDir('mg-cam-');
const refs = path.join(work.dir, 'refs-a');
const other = path.join(work.dir, 'other');

beforeAll(async () => {
  for (let i = 0; i < 8; i++) await writePhoto(path.join(refs, `a${i}.jpg`), camA, 1000 + i, { make: 'Acme', model: 'Shooter 1' });
  await fs.promises.writeFile(path.join(refs, 'notes.txt'), 'not a picture');
  await fs.promises.copyFile(path.join(refs, 'a0.jpg'), path.join(refs, 'a0-copy.jpg'));
  await writePhoto(path.join(refs, 'portrait.jpg'), camA, 1100, { turn: 90 });
  await writePhoto(path.join(other, 'a-fresh.jpg'), camA, 2000);
  await writePhoto(path.join(other, 'a-fresh.png'), camA, 2001, { format: 'png' });
  await writePhoto(path.join(other, 'a-upside-down.jpg'), camA, 2002, { turn: 180 });
  await writePhoto(path.join(other, 'a-portrait.jpg'), camA, 2003, { turn: 270 });
  await writePhoto(path.join(other, 'a-half.jpg'), camA, 2004, { resize: 0.5 });
  for (let i = 0; i < 3; i++) await writePhoto(path.join(other, `b${i}.jpg`), camB, 3000 + i);
}, 120_000);
afterAll(() => work.cleanup());

describe('picture planes', () => {
  it('crops a power-of-two central area (its central 1024 for the match test) and refuses pictures too small', () => {
    expect(cropFor(640, 480)).toEqual({ x: 64, y: 112, w: 512, h: 256 });
    expect(cropFor(4032, 3024)).toEqual({ x: 992, y: 488, w: 2048, h: 2048 });
    // The match test correlates the central 1024×1024 of that area; the map covers all of it.
    expect(pceCrop(cropFor(4032, 3024)!)).toEqual({ x: 1504, y: 1000, w: 1024, h: 1024 });
    expect(pceCrop(cropFor(640, 480)!)).toEqual(cropFor(640, 480));
    const values = Float32Array.from({ length: 8 * 4 }, (_, i) => i);
    expect([...subPlane(values, { x: 10, y: 20, w: 8, h: 4 }, { x: 12, y: 21, w: 2, h: 2 })]).toEqual([10, 11, 18, 19]);
    expect(() => subPlane(values, { x: 10, y: 20, w: 8, h: 4 }, { x: 9, y: 21, w: 2, h: 2 })).toThrow(RangeError);
    expect(cropFor(255, 1000)).toBeNull();
  });

  it('reads a turned picture back into the stored orientation', () => {
    const pic = { width: 3, height: 2, data: Float32Array.from([1, 2, 3, 4, 5, 6]) };
    // Turned 90° clockwise the 3×2 picture is 2×3: rows (4 1), (5 2), (6 3).
    expect(turnedSize(3, 2, 90)).toEqual({ width: 2, height: 3 });
    expect([...cropTurned(pic, 90, { x: 0, y: 0, w: 2, h: 3 }).data]).toEqual([4, 1, 5, 2, 6, 3]);
    expect([...cropTurned(pic, 180, { x: 0, y: 0, w: 3, h: 2 }).data]).toEqual([6, 5, 4, 3, 2, 1]);
    expect([...cropTurned(pic, 270, { x: 0, y: 0, w: 2, h: 3 }).data]).toEqual([3, 6, 2, 5, 1, 4]);
    expect(() => cropTurned(pic, 90, { x: 0, y: 0, w: 3, h: 2 })).toThrow(RangeError);
  });
});

describe('the comparison', () => {
  it('calls a correlation that repeats at a lattice of shifts inconclusive, not a match', () => {
    // A 16×16 tile repeated over both the picture's noise and the "fingerprint": PCE far above 60,
    // but as high at every multiple of 16 — a shared periodic trace, not a sensor's own noise.
    const r = prng(7);
    const S = 256;
    const tile = Float32Array.from({ length: 256 }, () => r() - 0.5);
    const data = new Float32Array(S * S);
    const k = new Float32Array(S * S);
    for (let i = 0; i < S * S; i++) {
      const p = tile[((i / S) & 15) * 16 + ((i % S) & 15)]!;
      data[i] = 128 + 4 * p + 2 * (r() - 0.5);
      k[i] = p / 100;
    }
    const camera = fingerprintFile({ id: 'cam-x', name: 'Lattice', width: S, height: S, crop: { x: 0, y: 0, w: S, h: S }, images: 30, data: k });
    const [m] = compareWithFingerprints({ name: 'p.png', path: '/p.png', sha256: '', format: 'png', make: null, model: null, width: S, height: S, data, orientation: 1 }, [camera]);
    expect(m!.pce!).toBeGreaterThan(PCE_MATCH);
    expect(m!.outcome).toBe('inconclusive');
    expect(m!.note).toMatch(/as strong at a shift of \(-?\d+, -?\d+\) pixels/);
    expect(sourceCameraLine({ cameras: 1, otherSizes: 0, matches: [m!], problems: [] })).toMatch(/^Inconclusive against “Lattice”: the correlation repeats/);
  });
});

describe('the fingerprint file', () => {
  const header = { id: 'cam-1', name: 'Test', make: null, model: null, width: 32, height: 16, crop: { x: 0, y: 0, w: 16, h: 16 }, images: 5, sources: [], createdAt: '2026-01-01T00:00:00.000Z', createdBy: 'ivy' };
  const values = Float32Array.from({ length: 256 }, (_, i) => Math.sin(i) / 100);

  it('round-trips and refuses damaged, cut or foreign files with a clear reason', () => {
    const bytes = encodeFingerprint(header, values);
    const back = decodeFingerprint(bytes, 'x.mgfp');
    expect(back.header.name).toBe('Test');
    expect([...back.data]).toEqual([...values]);
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 3]! ^= 0x40;
    expect(() => decodeFingerprint(flipped, 'x.mgfp')).toThrow(/do not match the hash/);
    expect(() => decodeFingerprint(bytes.subarray(0, bytes.length - 4), 'x.mgfp')).toThrow(/bytes of values/);
    expect(() => decodeFingerprint(Buffer.from('GIF89a...'), 'x.mgfp')).toThrow(/does not start as/);
    const badHeader = Buffer.from(bytes);
    badHeader.writeUInt32LE(0xffffff, 5);
    expect(() => decodeFingerprint(badHeader, 'x.mgfp')).toThrow(/header is cut off/);
    expect(() => encodeFingerprint({ ...header, crop: { x: 20, y: 0, w: 16, h: 16 } }, values)).not.toThrow();
    expect(() => decodeFingerprint(encodeFingerprint({ ...header, crop: { x: 20, y: 0, w: 16, h: 16 } }, values), 'x.mgfp')).toThrow(/outside the picture/);
    expect(() => encodeFingerprint(header, values.subarray(1))).toThrow(RangeError);
    const odd = Float32Array.from({ length: 24 * 16 }, (_, i) => Math.cos(i) / 100);
    expect(() => decodeFingerprint(encodeFingerprint({ ...header, crop: { x: 0, y: 0, w: 24, h: 16 } }, odd), 'x.mgfp')).toThrow(/crop of 24×16 is not a power of two a side/);
  });
});

describe('the camera library', () => {
  it('estimates a fingerprint, names what it skipped, and tells its own camera from another', async () => {
    const { core, dir, cleanup } = await testCore({ bundledModels: false, analysisInProcess: true });
    try {
      const actor = { userId: 'u1', username: 'ivy' };
      const added = await core.cameras.add({ name: 'Exhibit 12 camera', paths: [refs], actor, limits });
      expect(added.camera.images).toBe(8);
      expect(added.camera).toMatchObject({ width: W, height: H, make: 'Acme', model: 'Shooter 1', createdBy: 'ivy', crop: { w: 512, h: 256 } });
      expect(added.notes.join(' ')).toMatch(/Estimated from 8 pictures/);
      const reasons = Object.fromEntries(added.skipped.map((s) => [s.name, s.reason]));
      expect(reasons['notes.txt']).toBeUndefined(); // not media: the folder walk leaves it out
      expect(reasons['a0-copy.jpg'] ?? reasons['a0.jpg']).toMatch(/same file/);
      expect(reasons['portrait.jpg']).toMatch(/480×640, stored turned relative to the 640×480/);
      expect(fs.existsSync(path.join(dir, 'cameras', `${added.camera.id}.mgfp`))).toBe(true);

      const check = async (name: string) => (await core.cameras.check(path.join(other, name), { actor, limits })).matches[0]!;
      for (const name of ['a-fresh.jpg', 'a-fresh.png']) {
        const m = await check(name);
        expect(m.outcome, name).toBe('match');
        expect(m.pce!, name).toBeGreaterThan(100);
        expect(m.rotation).toBe(0);
      }
      const flipped = await check('a-upside-down.jpg');
      expect(flipped).toMatchObject({ outcome: 'match', rotation: 180 });
      const portrait = await check('a-portrait.jpg');
      expect(portrait).toMatchObject({ outcome: 'match', rotation: 90 });
      for (let i = 0; i < 3; i++) {
        const m = await check(`b${i}.jpg`);
        expect(m.outcome).toBe('no-match');
        expect(m.pce!).toBeLessThan(30);
      }
      const half = await check('a-half.jpg');
      expect(half).toMatchObject({ outcome: 'not-comparable', pce: null });
      expect(half.note).toMatch(/^The picture \(320×240\) is the camera's 640×480 frame resized to 50 %: the fingerprint's region would be under 256 pixels a side/);

      const log = core.audit.list({ limit: 50 }).items;
      expect(log.some((e) => e.action === 'camera.added' && e.target === added.camera.id && (e.details.sources as unknown[]).length === 8)).toBe(true);
      expect(log.filter((e) => e.action === 'camera.checked').length).toBe(8);

      await expect(core.cameras.add({ name: 'exhibit 12 CAMERA', paths: [refs], actor, limits })).rejects.toThrow(/already in the library/);
      const removed = await core.cameras.remove('Exhibit 12 camera', actor);
      expect(removed.id).toBe(added.camera.id);
      expect((await core.cameras.list()).cameras).toHaveLength(0);
      await expect(core.cameras.remove(added.camera.id, actor)).rejects.toThrow(/No camera/);
    } finally {
      await cleanup();
    }
  }, 120_000);

  it('refuses too few usable pictures and writes nothing; lists a damaged file apart', async () => {
    const { core, dir, cleanup } = await testCore({ bundledModels: false, analysisInProcess: true });
    try {
      const actor = { userId: 'u1', username: 'ivy' };
      const few = [0, 1, 2].map((i) => path.join(refs, `a${i}.jpg`));
      const e = await core.cameras.add({ name: 'Few', paths: [...few, path.join(refs, 'notes.txt')], actor, limits }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).message).toMatch(/at least 5 usable pictures.*only 3/);
      expect(JSON.stringify((e as AppError).details)).toMatch(/notes\.txt.*not a picture/);
      expect(fs.existsSync(path.join(dir, 'cameras'))).toBe(false);
      await expect(core.cameras.add({ name: ' ', paths: few, actor, limits })).rejects.toThrow(/needs a name/);

      await fs.promises.mkdir(path.join(dir, 'cameras'));
      await fs.promises.writeFile(path.join(dir, 'cameras', 'cam-x.mgfp'), 'junk');
      const list = await core.cameras.list();
      expect(list.cameras).toEqual([]);
      expect(list.problems[0]!.error).toMatch(/not a usable camera fingerprint/);
      await expect(core.cameras.check(path.join(refs, 'notes.txt'), { actor, limits })).rejects.toThrow(/not a picture/);
      // The analysis of a picture with only a damaged fingerprint file in the library says so, rather than nothing.
      const sc = await sourceCameraCheck(path.join(dir, 'cameras'), path.join(other, 'a-fresh.jpg'), { format: 'jpeg', width: W, height: H }, limits);
      expect(sc!.check).toMatchObject({ cameras: 0, otherSizes: 0, matches: [] });
      expect(sc!.map).toBeNull();
      expect(sc!.check.problems[0]).toMatch(/^cam-x\.mgfp: .*not a usable camera fingerprint/);
      expect(sourceCameraLine(sc!.check)).toMatch(/^No camera fingerprint could be read: not compared \(cam-x\.mgfp/);
      // BMP and GIF: no camera writes them, no check.
      expect(await sourceCameraCheck(path.join(dir, 'cameras'), path.join(other, 'a-fresh.jpg'), { format: 'gif', width: W, height: H }, limits)).toBeNull();
    } finally {
      await cleanup();
    }
  }, 60_000);
});

describe('the analysis of a picture', () => {
  it('compares it with the library: its own camera matches, another does not, another size is not compared; the record and report say so', async () => {
    const models = tempDir('mg-cam-models-');
    writeStandardModels(models.dir);
    const { core, cleanup } = await testCore({ bundledModels: false, analysisInProcess: true, modelsDir: models.dir });
    try {
      const owner = { userId: 'u1', username: 'ivy', role: 'investigator' as const };
      const analyse = async (file: string) => {
        const { jobs } = await core.analysis.engine.start([file], owner, { store: true, senderId: null });
        const out = await core.analysis.engine.wait(jobs[0]!.jobId);
        expect(out.job.state, JSON.stringify(out.job.error)).toBe('done');
        return (await core.detections.get(out.job.detectionId!))!;
      };
      // An empty library: no check at all.
      expect((await analyse(path.join(other, 'a-fresh.jpg'))).sourceCamera).toBeUndefined();
      await core.cameras.add({ name: 'Exhibit 12 camera', paths: [refs], actor: owner, limits });
      const a = await analyse(path.join(other, 'a-upside-down.jpg'));
      expect(a.sourceCamera).toMatchObject({ cameras: 1, otherSizes: 0, problems: [], matches: [{ cameraName: 'Exhibit 12 camera', outcome: 'match', rotation: 180 }] });
      expect(a.timingsMs['source-camera']).toBeGreaterThan(0);
      const b = await analyse(path.join(other, 'b1.jpg'));
      expect(b.sourceCamera!.matches[0]!.outcome).toBe('no-match');
      const half = await analyse(path.join(other, 'a-half.jpg'));
      expect(half.sourceCamera).toEqual({ cameras: 1, otherSizes: 1, matches: [], problems: [] });
      expect(sourceCameraLine(half.sourceCamera!)).toBe('The camera in the library has another picture size: not compared');

      const pdf = path.join(models.dir, 'a.pdf');
      await core.reports.exportReport({ detectionId: a.id, destPath: pdf, author: { userId: 'u1', username: 'ivy', displayName: 'Ivy', role: 'investigator' }, overwrite: false });
      const text = pdfText(fs.readFileSync(pdf)).replace(/\s+/g, ' ');
      expect(text).toMatch(/Source camera \(sensor noise\)/);
      expect(text).toMatch(/Sensor noise matches “Exhibit 12 camera” \(PCE \d+\)/);
    } finally {
      await cleanup();
      models.cleanup();
    }
  }, 120_000);
});

describe('mediaguard cameras', () => {
  beforeAll(() => {
    cliCoreDefaults.bcryptCost = 4;
    cliCoreDefaults.compactEveryMs = null;
  });

  it('adds as an admin, checks as a user, and refuses a user adding', async () => {
    const t = tempDir();
    try {
      const cli = async (args: string[], env: Record<string, string> = {}) => {
        const io = testIo(env);
        const code = await runCli([...args, '--data-dir', t.dir], io);
        return { code, out: io.out, err: io.err };
      };
      const admin = { MEDIAGUARD_PASSWORD: TEST_PASSWORD };
      // A user-role account past its first-login password change (signIn), made in the same data directory.
      const setup = await openCore({ dataDir: t.dir, appVersion: '0.0.0-test', log: createLogger('test', { level: 'error', sink: () => undefined }), bcryptCost: 4, compactEveryMs: null, bundledModels: false });
      await signIn(setup, 'user', 'setup-user', 'una');
      await setup.close();
      const asUna = { MEDIAGUARD_PASSWORD: TEST_PASSWORD };
      const denied = await cli(['cameras', 'add', 'Cam', refs, '--as', 'una'], asUna);
      expect(denied.code).toBe(3);
      expect(denied.err).toMatch(/una is user; this command needs one of: investigator, admin/);
      const add = await cli(['cameras', 'add', 'Cam A', refs, '--as', 'admin0'], admin);
      expect(add.code, add.err).toBe(0);
      expect(add.out).toMatch(/Added cam-.*Cam A {2}640×480 {2}8 pictures {2}\(Acme Shooter 1\)/);
      expect(add.err).toMatch(/skipped portrait\.jpg/);
      const list = await cli(['cameras', 'list', '--json', '--as', 'admin0'], admin);
      expect(JSON.parse(list.out).cameras[0].name).toBe('Cam A');
      const check = await cli(['cameras', 'check', path.join(other, 'a-fresh.jpg'), '--as', 'una'], asUna);
      expect(check.code, check.err).toBe(0);
      expect(check.out).toMatch(/Cam A: MATCH {2}PCE \d+/);
      // It matches: where it lacks the camera's noise is mapped too (an untouched picture: nowhere).
      expect(check.out).toMatch(/\n {2}sensor-noise map: The noise of “Cam A” is present wherever it could be judged: no region lacks it \(map over 43 % of the picture \(its central 512×256\); \d+ % of it could be judged; regions under 128 px cannot be found\)\n/);
      const checkB = await cli(['cameras', 'check', path.join(other, 'b0.jpg'), '--json', '--as', 'admin0'], admin);
      expect(JSON.parse(checkB.out).matches[0].outcome).toBe('no-match');
      expect(JSON.parse(checkB.out).integrity).toBeUndefined();
      expect((await cli(['cameras', 'check', '--as', 'admin0'], admin)).code).toBe(2);
      expect((await cli(['cameras', 'rename', 'x', '--as', 'admin0'], admin)).code).toBe(2);
      const rm = await cli(['cameras', 'remove', 'Cam A', '--as', 'admin0'], admin);
      expect(rm.out).toMatch(/Removed cam-/);
    } finally {
      t.cleanup();
    }
  }, 120_000);
});
