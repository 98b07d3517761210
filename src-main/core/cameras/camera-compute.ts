/**
 * The sensor-noise (PRNU) work of the camera library, free of the store and the audit log so it
 * can run on a thread of its own (camera-worker-entry.ts) or in the analysis worker: reading the
 * library folder, estimating a fingerprint from reference pictures, and comparing a picture with
 * fingerprints. Method and limits: camera-library.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CAMERA_GOOD_IMAGES, CAMERA_MAX_IMAGES, CAMERA_RUNNER_UP_MAX, CAMERA_MIN_IMAGES, type CameraCheck, type CameraMatch, type SourceCameraCheck } from '../../../src-shared/domain/cameras';
import type { AppSettings } from '../../../src-shared/domain/settings';
import { AppError } from '../../../src-shared/result';
import { FingerprintBuilder, PCE_MATCH, paddedPce, paddedResidual, pceOfResidual, questionedResidual, type PaddedResidual, type Plane } from '../analysis/prnu';
import { errnoCode, fsError } from '../db/fs-errors';
import { decodeFingerprint, type FingerprintFile } from './fingerprint-file';
import { CAMERA_CROP_MIN, cropFor, cropTurned, pceCrop, readGreyPicture, subPlane, turnedSize, type GreyPicture, type Turn } from './picture-plane';
import { CAMERA_SCALE_WEAK, scaledFingerprint, scaledRegion, scaledTurnsFor } from './scaled-compare';
import { cropOffset, cropTurnsFor, PCE_SEARCH_MATCH, searchCrop, searchRegion } from './crop-search';
import { storedSensorMap, uprightSensorMap, type StoredSensorMap } from './sensor-map';

/** A fingerprint file's extension. */
export const EXT = '.mgfp';
/** Different picture sizes accumulated at once while adding (the most common one becomes the fingerprint). */
const MAX_SIZES = 4;

export type Limits = Pick<AppSettings['limits'], 'maxFileBytes' | 'maxImagePixels'>;

/** A reference picture that was not used, and why. */
export interface SkippedPicture {
  name: string;
  reason: string;
}

/** A fingerprint file in the folder that could not be read. */
export interface CameraProblem {
  file: string;
  error: string;
}

/** Fingerprint files read before, by path: reused while their size and modification time stay the same. */
const loaded = new Map<string, { mtimeMs: number; size: number; file: FingerprintFile }>();

/**
 * Every fingerprint in a library folder, read and checked (each file once while it is
 * unchanged: the analysis of every picture consults the library); unreadable or damaged files
 * are named apart, never dropped silently. A missing folder is an empty library.
 */
export async function loadCameraDir(dir: string): Promise<{ cameras: FingerprintFile[]; problems: CameraProblem[] }> {
  let names: string[];
  try {
    names = (await fs.promises.readdir(dir)).filter((n) => n.endsWith(EXT) && !n.startsWith('.')).sort();
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return { cameras: [], problems: [] };
    throw fsError(e, 'read the camera library');
  }
  const cameras: FingerprintFile[] = [];
  const problems: CameraProblem[] = [];
  for (const n of names) {
    const p = path.join(dir, n);
    try {
      const st = await fs.promises.stat(p);
      const hit = loaded.get(p);
      if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) {
        cameras.push(hit.file);
        continue;
      }
      const f = decodeFingerprint(await fs.promises.readFile(p), n);
      if (`${f.header.id}${EXT}` !== n) throw new AppError('VALIDATION', `"${n}" holds the fingerprint "${f.header.id}" under another file name.`);
      loaded.set(p, { mtimeMs: st.mtimeMs, size: st.size, file: f });
      cameras.push(f);
    } catch (e) {
      loaded.delete(p);
      problems.push({ file: n, error: e instanceof Error ? e.message : String(e) });
    }
  }
  cameras.sort((a, b) => a.header.name.localeCompare(b.header.name));
  return { cameras, problems };
}

/** The turns (clockwise) under which a picture of this size has a camera's size. */
export function turnsFor(width: number, height: number, camera: { width: number; height: number }): Turn[] {
  return ([0, 180, 90, 270] as Turn[]).filter((t) => {
    const s = turnedSize(width, height, t);
    return s.width === camera.width && s.height === camera.height;
  });
}

/** One comparison of a picture with a fingerprint: at the camera's size, at a scale, or by searching for a crop. */
interface Tried {
  turn: Turn;
  pce: number;
  /** The runner-up correlation over the one judged, and where it lies (the aligned tests). */
  ratio: number;
  at: { dx: number; dy: number } | null;
  scale?: number;
  /** For a crop search: the offsets searched, and where the picture lay in the frame. */
  searched?: number;
  offset?: { x: number; y: number };
}

/** Above the threshold, the correlation must also stand out from every other shift: a lattice of equal peaks is a shared periodic trace. */
function outcomeOf(r: { pce: number; ratio: number; searched?: number; offset?: unknown }): 'match' | 'inconclusive' | 'no-match' {
  // A searched peak must clear the search's higher threshold, and lie where the picture could have been cut from.
  if (r.searched !== undefined && !r.offset) return 'no-match';
  return r.pce < thresholdOf(r) ? 'no-match' : r.ratio < CAMERA_RUNNER_UP_MAX ? 'match' : 'inconclusive';
}

function thresholdOf(r: { searched?: number }): number {
  return r.searched === undefined ? PCE_MATCH : PCE_SEARCH_MATCH;
}

/**
 * Compare a picture's sensor noise with fingerprints. The picture is tried as stored and
 * turned by half a turn (and a quarter either way when its sides are the camera's swapped);
 * the best PCE counts, at the aligned position only (no search over shifts). A picture that is the
 * camera's whole frame resized smaller is compared at its scale (scaled-compare.ts). A PCE at or above
 * the threshold is a match only when no other shift correlates nearly as strongly
 * (CAMERA_RUNNER_UP_MAX), else it is inconclusive. Fingerprints of another size (other than by such
 * a resize) are 'not-comparable'.
 */
export function compareWithFingerprints(pic: GreyPicture, cameras: readonly FingerprintFile[], signal?: AbortSignal, searchCrops = false): CameraMatch[] {
  return compareAndMap(pic, cameras, signal, false, searchCrops).matches;
}

/**
 * `compareWithFingerprints`, and with `map` the local sensor-noise map of the picture against the
 * camera it matches best (highest PCE among the matches): where it lacks that camera's noise.
 */
export function compareAndMap(pic: GreyPicture, cameras: readonly FingerprintFile[], signal: AbortSignal | undefined, map: boolean, searchCrops = false): { matches: CameraMatch[]; map: StoredSensorMap | null } {
  const matches: CameraMatch[] = [];
  let bestMatch: { camera: FingerprintFile; turn: Turn; pce: number } | null = null;
  // The picture's cleaned noise residual depends on the turn and the crop only: computed once for all fingerprints of a size.
  const residuals = new Map<string, { plane: Plane; residual: Float32Array }>();
  const questioned = (t: Turn, crop: FingerprintFile['header']['crop']) => {
    const key = `${t}:${crop.x},${crop.y},${crop.w},${crop.h}`;
    let q = residuals.get(key);
    if (!q) {
      const plane = cropTurned(pic, t, crop);
      q = { plane, residual: questionedResidual(plane) };
      residuals.set(key, q);
    }
    return q;
  };
  // A resized picture's residual, likewise per turn and region.
  const scaledResiduals = new Map<string, { plane: Plane; residual: PaddedResidual }>();
  const scaledQuestioned = (t: Turn, region: { x: number; y: number; w: number; h: number }) => {
    const key = `${t}:${region.x},${region.y},${region.w},${region.h}`;
    let q = scaledResiduals.get(key);
    if (!q) {
      const plane = cropTurned(pic, t, region);
      q = { plane, residual: paddedResidual(plane) };
      scaledResiduals.set(key, q);
    }
    return q;
  };
  for (const c of cameras) {
    if (signal?.aborted) throw new AppError('CANCELLED', 'The camera check was cancelled.');
    const h = c.header;
    const sub = pceCrop(h.crop);
    const turns = turnsFor(pic.width, pic.height, h);
    const scaled = turns.length ? [] : scaledTurnsFor(pic.width, pic.height, h);
    const crops = turns.length || !searchCrops ? [] : cropTurnsFor(pic.width, pic.height, h);
    if (!turns.length && !scaled.length && !crops.length) {
      matches.push({ cameraId: h.id, cameraName: h.name, outcome: 'not-comparable', pce: null, rotation: null, threshold: PCE_MATCH, note: `The picture is ${pic.width}×${pic.height}, the camera's pictures ${h.width}×${h.height}: only a picture of that size${searchCrops ? ', a part cut out of the frame,' : ''} or the whole frame resized smaller with its proportions kept can be compared${searchCrops ? ' (not an enlargement, a stretch, or a crop resized)' : ' here (a part cut out of the frame is searched for only by a check on the Cameras screen or with cameras check)'}.` });
      continue;
    }
    let best: Tried | null = null;
    const better = (t: Tried) => {
      if (!best || t.pce > best.pce) best = t;
      return outcomeOf(t) === 'match';
    };
    let tooSmall: string | null = null;
    const k = turns.length ? subPlane(c.data, h.crop, sub) : null;
    for (const t of turns) {
      const q = questioned(t, sub);
      const r = pceOfResidual(q.residual, q.plane, { width: sub.w, height: sub.h, data: k! });
      if (better({ turn: t, pce: r.pce, ratio: r.runnerUp.ratio, at: r.runnerUp })) break; // a clear match at this turn settles it
    }
    for (const { turn: t, sx, sy } of scaled) {
      const region = scaledRegion(h.crop, sx, sy);
      if (!region) {
        tooSmall = `The picture (${pic.width}×${pic.height}) is the camera's ${h.width}×${h.height} frame resized to ${Math.round(sx * 1000) / 10} %: the fingerprint's region would be under ${CAMERA_CROP_MIN} pixels a side at that size, too little to compare.`;
        continue;
      }
      const q = scaledQuestioned(t, region);
      const r = paddedPce(q.residual, q.plane, scaledFingerprint(c.data, h.crop, sx, sy, region));
      if (better({ turn: t, pce: r.pce, ratio: r.runnerUp.ratio, at: r.runnerUp, scale: Math.round(((sx + sy) / 2) * 1000) / 1000 })) break;
    }
    // A part cut out of the frame: searched over every offset, unless it already matched as a resize.
    const primary: Tried | null = best;
    if (!primary || outcomeOf(primary) !== 'match') {
      let found: Tried | null = null;
      for (const t of crops) {
        const size = turnedSize(pic.width, pic.height, t);
        const region = searchRegion(size.width, size.height, h.crop);
        if (!region) {
          tooSmall ??= `The picture (${pic.width}×${pic.height}) is smaller than the camera's ${h.width}×${h.height} frame, too small to search it for (under ${CAMERA_CROP_MIN} pixels a side).`;
          continue;
        }
        const q = scaledQuestioned(t, region);
        const r = searchCrop(q.plane, q.residual, c.data, h.crop);
        const offset = cropOffset(r, region, h.crop, size, h);
        // A peak where the picture could not have been cut from is no match, whatever its height.
        const tried: Tried = { turn: t, pce: r.pce, ratio: r.ratio, at: null, searched: h.crop.w * h.crop.h, ...(offset ? { offset } : {}) };
        if (!found || tried.pce > found.pce) found = tried;
        if (outcomeOf(tried) === 'match') break;
      }
      // The search's best is reported when it found something, or when nothing else was compared.
      if (found && (!primary || outcomeOf(found) !== 'no-match')) best = found;
    }
    if (!best) {
      matches.push({ cameraId: h.id, cameraName: h.name, outcome: 'not-comparable', pce: null, rotation: null, threshold: PCE_MATCH, note: tooSmall });
      continue;
    }
    const chosen: Tried = best;
    const { turn, pce, scale, offset } = chosen;
    const outcome = outcomeOf(chosen);
    // The sensor-noise map reads blocks where the fingerprint lies on the picture as stored: only a same-size match is mapped.
    if (outcome === 'match' && scale === undefined && chosen.searched === undefined && (!bestMatch || pce > bestMatch.pce)) bestMatch = { camera: c, turn, pce };
    const how =
      scale !== undefined
        ? `Compared as the camera's ${h.width}×${h.height} frame resized to ${pic.width}×${pic.height} (scale ${scale}). `
        : chosen.searched !== undefined
          ? offset && outcome !== 'no-match'
            ? `Found as a part cut out of the camera's ${h.width}×${h.height} frame at (${offset.x}, ${offset.y}), searched over ${chosen.searched.toLocaleString('en-US')} offsets. `
            : `Searched as a part cut out of the camera's ${h.width}×${h.height} frame over ${chosen.searched.toLocaleString('en-US')} offsets of the fingerprint's central ${h.crop.w}×${h.crop.h}: no offset correlates (a part cut from outside that area cannot be found). `
          : '';
    matches.push({
      cameraId: h.id,
      cameraName: h.name,
      outcome,
      pce: Math.round(pce * 10) / 10,
      rotation: turn,
      ...(scale === undefined ? {} : { scale }),
      ...(offset && outcome !== 'no-match' ? { offset } : {}),
      threshold: thresholdOf(chosen),
      note:
        outcome === 'inconclusive'
          ? `${how}The correlation is ${Math.round(chosen.ratio * 100)} % as strong ${chosen.at ? `at a shift of (${chosen.at.dx}, ${chosen.at.dy}) pixels` : 'at another offset'} as at the ${chosen.at ? 'aligned position' : 'best one'}: a periodic trace many cameras share (JPEG's 8×8 blocks) may be what correlates, not this sensor's noise.`
          : outcome === 'no-match' && scale !== undefined && scale < CAMERA_SCALE_WEAK
            ? `${how}Resizing this far averages away most of the sensor noise: a no-match says little.`
            : outcome === 'no-match' && h.images < CAMERA_GOOD_IMAGES
              ? `${how}The fingerprint was estimated from ${h.images} pictures: a weak fingerprint may miss a match.`
              : how.trim() || null,
    });
  }
  if (!map || !bestMatch) return { matches, map: null };
  if (signal?.aborted) throw new AppError('CANCELLED', 'The camera check was cancelled.');
  const h = bestMatch.camera.header;
  const q = questioned(bestMatch.turn, h.crop);
  return { matches, map: storedSensorMap({ id: h.id, name: h.name }, pic, bestMatch.turn, h.crop, q.plane, q.residual, bestMatch.camera.data) };
}

/**
 * The source-camera check an analysis of a still picture makes: null when the library is
 * empty or the picture is of a kind no camera writes (BMP, GIF); otherwise the comparison
 * with each fingerprint of the picture's size (the picture is decoded only when there is one),
 * and when one matches, the sensor-noise map against the best match in stored pixels (the
 * analysis turns it upright for the file's orientation: sensor-map.ts).
 */
export async function sourceCameraCheck(
  dir: string,
  picturePath: string,
  info: { format: string; width: number; height: number },
  limits: Limits,
  signal?: AbortSignal,
): Promise<{ check: SourceCameraCheck; map: StoredSensorMap | null } | null> {
  const { cameras, problems } = await loadCameraDir(dir);
  if (!cameras.length && !problems.length) return null;
  if (info.format === 'bmp' || info.format === 'gif') return null;
  const comparable = cameras.filter((c) => turnsFor(info.width, info.height, c.header).length > 0 || scaledTurnsFor(info.width, info.height, c.header).length > 0);
  const problemTexts = problems.map((p) => `${p.file}: ${p.error}`);
  if (!comparable.length) return { check: { cameras: cameras.length, otherSizes: cameras.length, matches: [], problems: problemTexts }, map: null };
  let pic: GreyPicture;
  try {
    pic = await readGreyPicture(picturePath, limits);
  } catch (e) {
    return { check: { cameras: cameras.length, otherSizes: cameras.length - comparable.length, matches: [], problems: [...problemTexts, `The picture could not be read for the comparison: ${e instanceof Error ? e.message : String(e)}`] }, map: null };
  }
  const found = compareAndMap(pic, comparable, signal, true);
  const matches = found.matches.filter((m) => m.outcome !== 'not-comparable');
  return { check: { cameras: cameras.length, otherSizes: cameras.length - matches.length, matches, problems: problemTexts }, map: found.map };
}

/** A fingerprint estimated from reference pictures, before it is named and written. */
export interface FingerprintEstimate {
  width: number;
  height: number;
  crop: { x: number; y: number; w: number; h: number };
  images: number;
  data: Float32Array;
  sources: { name: string; sha256: string; make: string | null; model: string | null }[];
}

/**
 * Estimate a camera's fingerprint from reference pictures (files: the caller expands folders).
 * Pictures that cannot be used (unreadable, not a picture, another size or orientation than most
 * of them, a copy of one already read) are skipped and named; fewer than CAMERA_MIN_IMAGES usable
 * ones throw (VALIDATION, the skipped pictures in its details).
 */
export async function estimateFingerprint(
  opts: { files: string[]; limits: Limits },
  onProgress?: (done: number, total: number, name: string) => void,
  signal?: AbortSignal,
): Promise<{ estimate: FingerprintEstimate; skipped: SkippedPicture[] }> {
  const files = [...opts.files];
  const skipped: SkippedPicture[] = [];
  if (files.length > CAMERA_MAX_IMAGES) {
    for (const f of files.slice(CAMERA_MAX_IMAGES)) skipped.push({ name: path.basename(f), reason: `beyond the first ${CAMERA_MAX_IMAGES} pictures` });
    files.length = CAMERA_MAX_IMAGES;
  }
  const bySize = new Map<string, { width: number; height: number; builder: FingerprintBuilder; crop: { x: number; y: number; w: number; h: number }; sources: { name: string; sha256: string; make: string | null; model: string | null }[] }>();
  const seen = new Set<string>();
  let done = 0;
  for (const f of files) {
    if (signal?.aborted) throw new AppError('CANCELLED', 'Adding the camera was cancelled; nothing was written.');
    onProgress?.(done, files.length, path.basename(f));
    done++;
    let pic;
    try {
      pic = await readGreyPicture(f, opts.limits);
    } catch (e) {
      skipped.push({ name: path.basename(f), reason: e instanceof Error ? e.message : String(e) });
      continue;
    }
    if (seen.has(pic.sha256)) {
      skipped.push({ name: pic.name, reason: 'the same file as another reference picture (counted once)' });
      continue;
    }
    seen.add(pic.sha256);
    const crop = cropFor(pic.width, pic.height);
    if (!crop) {
      skipped.push({ name: pic.name, reason: `${pic.width}×${pic.height} is too small (both sides must be at least 256 pixels)` });
      continue;
    }
    const key = `${pic.width}x${pic.height}`;
    let acc = bySize.get(key);
    if (!acc) {
      if (bySize.size >= MAX_SIZES) {
        skipped.push({ name: pic.name, reason: `${pic.width}×${pic.height}: a ${MAX_SIZES + 1}th different size among the pictures` });
        continue;
      }
      acc = { width: pic.width, height: pic.height, builder: new FingerprintBuilder(crop.w, crop.h), crop, sources: [] };
      bySize.set(key, acc);
    }
    acc.builder.add(cropTurned(pic, 0, crop));
    acc.sources.push({ name: pic.name, sha256: pic.sha256, make: pic.make, model: pic.model });
  }
  onProgress?.(done, files.length, '');
  const chosen = [...bySize.values()].sort((a, b) => b.sources.length - a.sources.length)[0];
  for (const acc of bySize.values()) {
    if (acc === chosen) continue;
    const turned = chosen && acc.width === chosen.height && acc.height === chosen.width;
    for (const s of acc.sources) skipped.push({ name: s.name, reason: `${acc.width}×${acc.height}${turned ? ', stored turned relative to' : ', another size than'} the ${chosen!.width}×${chosen!.height} of most pictures` });
  }
  if (!chosen || chosen.sources.length < CAMERA_MIN_IMAGES) {
    throw new AppError('VALIDATION', `A camera fingerprint needs at least ${CAMERA_MIN_IMAGES} usable pictures of one size from that camera; ${chosen ? `only ${chosen.sources.length} ${chosen.sources.length === 1 ? 'was' : 'were'}` : 'none was'} usable.`, { skipped: skipped.slice(0, 50) });
  }
  const fp = chosen.builder.finish();
  return { estimate: { width: chosen.width, height: chosen.height, crop: chosen.crop, images: fp.images, data: fp.data, sources: chosen.sources }, skipped };
}

/** The comparison of one picture with every fingerprint in a library folder. */
export async function comparePicture(opts: { path: string; dir: string; limits: Limits }, signal?: AbortSignal): Promise<CameraCheck & { problems: CameraProblem[] }> {
  const pic = await readGreyPicture(opts.path, opts.limits);
  const { cameras, problems } = await loadCameraDir(opts.dir);
  const found = compareAndMap(pic, cameras, signal, true, true);
  return {
    file: { name: pic.name, path: pic.path, sha256: pic.sha256, width: pic.width, height: pic.height },
    matches: found.matches,
    cameras: cameras.length,
    problems,
    ...(found.map ? { integrity: uprightSensorMap(found.map, pic.orientation).check } : {}),
  };
}
