/**
 * The camera library: fingerprints of cameras' sensor noise (PRNU) estimated from reference
 * pictures, and the check of a questioned picture against them. One self-describing file per
 * camera in `<data dir>/cameras/` (fingerprint-file.ts); adding, removing and checking are
 * written to the audit log with the hashes of what was used.
 *
 * Method (Lukáš, Fridrich & Goljan 2006; Goljan, Fridrich & Filler 2009): each picture's noise
 * residual W = I − denoised(I); the fingerprint K = Σ W·I / Σ I² over the reference pictures;
 * a questioned picture matches when its residual correlates with I·K: peak-to-correlation
 * energy (PCE) at the aligned position at or above 60, and no other shift nearly as high (else
 * inconclusive: a periodic trace such as JPEG blocks). Pictures of the camera's own size (as
 * stored, or turned a quarter or half) are compared, and pictures of its whole frame resized
 * smaller at the scale their size gives (scaled-compare.ts); a cropped, enlarged or stretched
 * picture has lost the alignment, and MediaGuard does not search scales or crops.
 *
 * The arithmetic (camera-compute.ts) runs on a thread of its own per request (camera-thread.ts);
 * this class walks folders, writes and removes the files and the audit entries.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CAMERA_GOOD_IMAGES, type CameraCheck, type CameraSummary } from '../../../src-shared/domain/cameras';
import { AppError } from '../../../src-shared/result';
import type { AuditActor, AuditLog } from '../audit/audit-log';
import { writeFileAtomic } from '../db/durable-file';
import { fsError } from '../db/fs-errors';
import { Mutex } from '../db/mutex';
import { expandPaths } from '../analysis/engine';
import { EXT, loadCameraDir, type CameraProblem, type Limits, type SkippedPicture } from './camera-compute';
import { createCameraWork, type CameraWork } from './camera-thread';
import { decodeFingerprint, encodeFingerprint, summaryOf, type FingerprintFile } from './fingerprint-file';

/** What adding a camera did. */
export interface CameraAdded {
  camera: CameraSummary;
  skipped: SkippedPicture[];
  /** Notes on the fingerprint's strength (fewer pictures than advisable). */
  notes: string[];
}

export class CameraLibrary {
  readonly dir: string;
  private readonly lock = new Mutex();

  constructor(
    dataDir: string,
    private readonly audit: AuditLog,
    private readonly now: () => number = Date.now,
    /** Where the sensor-noise arithmetic runs: a thread of its own when its script can run (camera-thread.ts), never the caller's. */
    private readonly work: CameraWork = createCameraWork(),
  ) {
    this.dir = path.join(dataDir, 'cameras');
  }

  /** Every fingerprint, read and checked; unreadable or damaged files are named apart, never dropped silently. */
  load(): Promise<{ cameras: FingerprintFile[]; problems: CameraProblem[] }> {
    return loadCameraDir(this.dir);
  }

  /** The library's summaries (and what could not be read). */
  async list(): Promise<{ cameras: CameraSummary[]; problems: CameraProblem[] }> {
    const { cameras, problems } = await this.load();
    return { cameras: cameras.map(summaryOf), problems };
  }

  /**
   * Estimate a camera's fingerprint from reference pictures (files or folders) and add it.
   * Pictures that cannot be used (unreadable, not a picture, another size or orientation than
   * most of them, a copy of one already read) are skipped and named; fewer than
   * CAMERA_MIN_IMAGES usable ones refuse the whole request and nothing is written.
   */
  async add(opts: { name: string; paths: string[]; actor: AuditActor; limits: Limits; signal?: AbortSignal; onProgress?: (done: number, total: number, name: string) => void }): Promise<CameraAdded> {
    const name = opts.name.trim();
    if (!name || name.length > 200 || /[\u0000-\u001f\u007f]/.test(name)) throw new AppError('VALIDATION', 'A camera needs a name of 1 to 200 characters without control characters.');
    if (!opts.paths.length) throw new AppError('VALIDATION', 'Name the reference pictures (files or folders) the fingerprint is estimated from.');
    // A name already taken is refused before the pictures are read (and again under the lock, for a name taken meanwhile).
    const taken = async () => {
      if ((await this.load()).cameras.some((c) => c.header.name.toLowerCase() === name.toLowerCase())) throw new AppError('CONFLICT', `A camera named "${name}" is already in the library.`);
    };
    await taken();
    // Folders are walked here (by content, as for analysis); the pictures are read on the camera thread.
    const { files } = await expandPaths(opts.paths);
    const { estimate, skipped } = await this.work.estimate({ files, limits: opts.limits }, opts.onProgress, opts.signal);
    const common = (vals: (string | null)[]) => {
      const counts = new Map<string, number>();
      for (const v of vals) if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
      return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
    };
    const id = `cam-${randomUUID()}`;
    return this.lock.run(async () => {
      await taken();
      const bytes = encodeFingerprint(
        {
          id,
          name,
          make: common(estimate.sources.map((s) => s.make)),
          model: common(estimate.sources.map((s) => s.model)),
          width: estimate.width,
          height: estimate.height,
          crop: estimate.crop,
          images: estimate.images,
          sources: estimate.sources.map((s) => ({ name: s.name, sha256: s.sha256 })),
          createdAt: new Date(this.now()).toISOString(),
          createdBy: opts.actor?.username ?? '',
        },
        estimate.data,
      );
      const file = path.join(this.dir, `${id}${EXT}`);
      try {
        await fs.promises.mkdir(this.dir, { recursive: true });
        await writeFileAtomic(file, bytes);
      } catch (e) {
        throw fsError(e, 'write the camera fingerprint');
      }
      const camera = summaryOf(decodeFingerprint(bytes, path.basename(file)));
      await this.audit.append({
        actor: opts.actor,
        action: 'camera.added',
        target: id,
        details: { name, make: camera.make, model: camera.model, width: camera.width, height: camera.height, images: camera.images, skipped: skipped.length, sha256: camera.sha256, sources: camera.sources.slice(0, 200) },
      });
      const notes = camera.images < CAMERA_GOOD_IMAGES ? [`Estimated from ${camera.images} pictures: ${CAMERA_GOOD_IMAGES} or more (flat, bright, unzoomed scenes such as sky or walls are best) make matches far clearer.`] : [];
      return { camera, skipped, notes };
    });
  }

  /** Remove a camera's fingerprint (by id, or by its exact name). */
  async remove(idOrName: string, actor: AuditActor): Promise<CameraSummary> {
    return this.lock.run(async () => {
      const { cameras } = await this.load();
      const c = cameras.find((x) => x.header.id === idOrName) ?? cameras.find((x) => x.header.name === idOrName);
      if (!c) throw new AppError('NOT_FOUND', `No camera "${idOrName}" is in the library.`);
      try {
        await fs.promises.rm(path.join(this.dir, `${c.header.id}${EXT}`));
      } catch (e) {
        throw fsError(e, 'remove the camera fingerprint');
      }
      const s = summaryOf(c);
      await this.audit.append({ actor, action: 'camera.removed', target: s.id, details: { name: s.name, sha256: s.sha256, images: s.images } });
      return s;
    });
  }

  /**
   * Compare a picture's sensor noise with every fingerprint in the library. The picture is
   * tried as stored and turned by half a turn (and a quarter either way when its sides are the
   * camera's swapped); the best PCE counts. A picture that matches is also mapped: where it
   * lacks the best-matching camera's noise (sensor-map.ts).
   */
  async check(picturePath: string, opts: { actor: AuditActor; limits: Limits; signal?: AbortSignal }): Promise<CameraCheck & { problems: CameraProblem[] }> {
    const { file, matches, cameras, problems, integrity } = await this.work.compare({ path: picturePath, dir: this.dir, limits: opts.limits }, opts.signal);
    await this.audit.append({
      actor: opts.actor,
      action: 'camera.checked',
      target: file.sha256,
      details: {
        file: file.name,
        sha256: file.sha256,
        results: matches.map((m) => ({ camera: m.cameraId, name: m.cameraName, outcome: m.outcome, pce: m.pce })),
        ...(integrity ? { sensorNoiseGaps: integrity.regions.length } : {}),
      },
    });
    return { file, matches, cameras, problems, ...(integrity ? { integrity } : {}) };
  }
}
