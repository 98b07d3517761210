/**
 * Evidence images of an analysis: face thumbnails and heatmap overlays per track, whole-image
 * heatmaps, the key frame with its face boxes, error-level analysis and the noise residual.
 */
import type { FaceObservation, FaceTrack, FrameResult, GridCheck, ImageScore } from '../../../src-shared/domain/detection';
import type { MediaKind } from '../../../src-shared/domain/media';
import type { ModelManifest, ModelThresholds } from '../../../src-shared/domain/models';
import { bandOf, faceSizePx } from './calibration';
import { occlusionMap, type HeatMap } from './classify';
import type { CopyMoveResult } from './copy-move';
import type { Upright, UprightSplice } from '../media/jpeg-splice';
import type { SensorNoiseCheck } from '../../../src-shared/domain/cameras';
import type { GridRegion } from '../media/jpeg-grid';
import { errorLevel, noiseResidual } from './forensics';
import type { LoadedModel } from './registry';
import { drawBoxes, encodeJpeg, encodePng, overlayHeatmap, shrink } from './render';
import type { ArtifactOut, RgbImage } from './types';

/** The most suspicious observation of a track, with what is needed to show it. */
export interface TrackBest {
  obs: FaceObservation;
  score: number;
  thumb: RgbImage;
  crops: Map<string, RgbImage>;
  maps: Map<string, HeatMap | null>;
  probs: Map<string, number>;
}

export function bandColor(band: string): [number, number, number] {
  return band === 'manipulated' ? [230, 40, 40] : band === 'authentic' ? [40, 200, 90] : band === 'inconclusive' ? [240, 180, 30] : [150, 150, 150];
}

/**
 * What a model's own map shows, for the viewer: the manifest's `outputs.heatmap.caption` (written
 * for users), else its `meaning`, named after the model.
 */
export function heatmapNote(m: ModelManifest): string {
  const o = m.outputs.heatmap;
  const text = typeof o === 'object' && o !== null ? (typeof o.caption === 'string' && o.caption) || o.meaning : undefined;
  const note = `${m.id}: ${text ?? 'the model’s localisation map'}`;
  // A third-party manifest's `meaning` has no length limit; the stored note has one (detection-schema).
  return note.length > NOTE_MAX ? `${note.slice(0, NOTE_MAX - 1)}…` : note;
}

const NOTE_MAX = 600;

/** What an occlusion map shows. */
export function occlusionNote(m: ModelManifest): string {
  return `${m.id}: occlusion sensitivity — where greying out part of the crop lowers the score most (the model has no map of its own).`;
}

/** Thumbnail and heatmap per track; occlusion (costly) only for the three most suspicious tracks. */
export async function faceEvidence(tracks: FaceTrack[], best: Map<number, TrackBest>, classifiers: LoadedModel[], fail: (m: LoadedModel, e: unknown) => void): Promise<ArtifactOut[]> {
  const out: ArtifactOut[] = [];
  const occlusionFor = new Set(
    tracks
      .filter((t) => t.probability !== null)
      .sort((a, b) => b.probability! - a.probability!)
      .slice(0, 3)
      .map((t) => t.trackId),
  );
  for (const tr of tracks) {
    const b = best.get(tr.trackId);
    if (!b) continue;
    const faceKey = `face-t${tr.trackId}`;
    out.push({ ref: { key: faceKey, kind: 'face', mime: 'image/jpeg', width: b.thumb.width, height: b.thumb.height, frameIndex: b.obs.frameIndex, trackId: tr.trackId }, data: await encodeJpeg(b.thumb) });
    b.obs.faceArtifact = faceKey;
    const clf = classifiers.find((m) => b.crops.has(m.manifest.id));
    if (!clf || b.obs.probability === null) continue;
    const crop = b.crops.get(clf.manifest.id)!;
    let map = b.maps.get(clf.manifest.id) ?? null;
    let note = heatmapNote(clf.manifest);
    if (!map) {
      note = occlusionNote(clf.manifest);
      if (!occlusionFor.has(tr.trackId)) continue;
      try {
        map = await occlusionMap(clf, crop, b.probs.get(clf.manifest.id) ?? b.obs.probability, 5, faceSizePx(b.obs.box));
      } catch (e) {
        fail(clf, e);
        continue;
      }
    }
    const key = `heatmap-t${tr.trackId}`;
    const overlay = overlayHeatmap(crop, map);
    out.push({ ref: { key, kind: 'heatmap', mime: 'image/png', width: overlay.width, height: overlay.height, frameIndex: b.obs.frameIndex, trackId: tr.trackId, note }, data: await encodePng(overlay) });
    b.obs.heatmapArtifact = key;
  }
  return out;
}

/** Overlays of the maps whole-image models output. */
export async function imageEvidence(scores: ImageScore[], maps: Map<string, { map: HeatMap; frame: RgbImage }>, models: LoadedModel[] = []): Promise<ArtifactOut[]> {
  const out: ArtifactOut[] = [];
  for (const s of scores) {
    const m = maps.get(s.modelId);
    if (!m) continue;
    const overlay = overlayHeatmap(m.frame, m.map);
    const key = `heatmap-image-${s.modelId}`;
    const model = models.find((x) => x.manifest.id === s.modelId);
    const note = model ? heatmapNote(model.manifest) : `${s.modelId}: the model’s localisation map`;
    out.push({ ref: { key, kind: 'heatmap', mime: 'image/png', width: overlay.width, height: overlay.height, note }, data: await encodePng(overlay) });
    s.heatmapArtifact = key;
  }
  return out;
}

/** Key frame with coloured face boxes, ELA (stills only) and the noise residual. */
export async function stillEvidence(ctx: {
  kind: MediaKind;
  keyframe: { frame: RgbImage; index: number; boxes: FaceObservation[] } | null;
  firstFrame: RgbImage | null;
  frames: FrameResult[];
  thresholds: ModelThresholds;
}): Promise<ArtifactOut[]> {
  const { keyframe } = ctx;
  // ELA only means something on the original encoding of a still picture; on decoded video
  // frames it would show the analysis' own re-encoding.
  const still = ctx.kind === 'image' ? ctx.firstFrame : (keyframe?.frame ?? null);
  // The three are independent: encoding the key frame, ELA and the noise residual run side
  // by side (libvips works on its own threads while the per-pixel loops run here).
  const key = async (): Promise<ArtifactOut | null> => {
    if (!keyframe) return null;
    const colored = drawBoxes(keyframe.frame, keyframe.boxes.map((o) => ({ box: o.box, color: bandColor(bandOf(o.probability, ctx.thresholds)) })));
    return { ref: { key: 'keyframe', kind: 'keyframe', mime: 'image/jpeg', width: colored.width, height: colored.height, frameIndex: keyframe.index }, data: await encodeJpeg(colored) };
  };
  const ela = async (): Promise<ArtifactOut | null> => {
    if (ctx.kind !== 'image' || !still) return null;
    const { image } = await errorLevel(still);
    return { ref: { key: 'ela', kind: 'ela', mime: 'image/png', width: image.width, height: image.height }, data: await encodePng(image) };
  };
  const noise = async (): Promise<ArtifactOut | null> => {
    if (!still) return null;
    const image = await noiseResidual(still);
    return { ref: { key: 'noise', kind: 'noise', mime: 'image/png', width: image.width, height: image.height }, data: await encodePng(image) };
  };
  // The libvips steps are queued first so they start while the key frame's boxes are drawn.
  const [elaOut, noiseOut, keyOut] = await Promise.all([ela(), noise(), key()]);
  if (keyOut && keyframe) {
    const fr = ctx.frames.find((f) => f.index === keyframe.index);
    if (fr) fr.keyframeArtifact = 'keyframe';
  }
  return [keyOut, elaOut, noiseOut].filter((p): p is ArtifactOut => p !== null);
}

/** Colours of the region pairs in the copy-move overlay (both places of a pair share one). */
const PAIR_COLORS: [number, number, number][] = [
  [255, 40, 200],
  [0, 220, 255],
  [255, 200, 0],
  [120, 255, 60],
  [255, 110, 30],
  [150, 110, 255],
];

/**
 * The copy-move overlay: the picture (at most 1280 px), dimmed, with each region pair tinted in
 * its own colour and both of its places boxed. The note lists the pairs as the viewer numbers them.
 */
export async function cloneEvidence(still: RgbImage, found: CopyMoveResult): Promise<ArtifactOut> {
  const base = await shrink(still, 1280);
  const out = new Uint8Array(base.data.length);
  const { width: aw, height: ah } = found.analysed;
  const sx = aw / base.width;
  const sy = ah / base.height;
  for (let y = 0; y < base.height; y++) {
    const my = Math.min(ah - 1, Math.floor((y + 0.5) * sy));
    for (let x = 0; x < base.width; x++) {
      const i = (y * base.width + x) * 3;
      const m = found.mask[my * aw + Math.min(aw - 1, Math.floor((x + 0.5) * sx))]!;
      if (m) {
        const [r, g, b] = PAIR_COLORS[(m - 1) % PAIR_COLORS.length]!;
        out[i] = Math.round(base.data[i]! * 0.45 + r * 0.55);
        out[i + 1] = Math.round(base.data[i + 1]! * 0.45 + g * 0.55);
        out[i + 2] = Math.round(base.data[i + 2]! * 0.45 + b * 0.55);
      } else {
        out[i] = Math.round(base.data[i]! * 0.6);
        out[i + 1] = Math.round(base.data[i + 1]! * 0.6);
        out[i + 2] = Math.round(base.data[i + 2]! * 0.6);
      }
    }
  }
  const k = base.width / still.width;
  const boxes = found.regions.flatMap((r, i) => {
    const color = PAIR_COLORS[i % PAIR_COLORS.length]!;
    return [r.a, r.b].map((b) => ({ box: { x: b.x * k, y: b.y * k, w: b.w * k, h: b.h * k, confidence: 1 }, color }));
  });
  const image = drawBoxes({ width: base.width, height: base.height, data: out }, boxes);
  const pairs = found.regions
    .slice(0, 6)
    .map((r, i) => `${i + 1}: ${r.a.w}×${r.a.h} px at (${r.a.x}, ${r.a.y}) ↔ (${r.b.x}, ${r.b.y})${r.mirrored ? ', mirrored' : ''}`)
    .join('; ');
  const more = found.regions.length > 6 ? `; and ${found.regions.length - 6} more` : '';
  const note = `Copy-move check: regions that are copies of other regions of the same picture, each pair in its own colour (which of the two is the original cannot be told). ${pairs}${more}.`;
  return { ref: { key: 'clone', kind: 'clone', mime: 'image/png', width: image.width, height: image.height, note: note.length > NOTE_MAX ? `${note.slice(0, NOTE_MAX - 1)}…` : note }, data: await encodePng(image) };
}

/**
 * The splice map overlay: the picture (at most 1280 px) with the map's heat (how strongly each
 * 48-pixel neighbourhood looks saved once rather than twice, up to twice the threshold) blended
 * over it, and each region reported boxed. Blocks the map did not reach stay uncoloured.
 */
export async function spliceEvidence(still: RgbImage, upright: UprightSplice, threshold: number): Promise<ArtifactOut> {
  const listed = listRegions(upright.regions);
  const note = `Splice map: where the picture does not carry the earlier, lower-quality JPEG compression the rest of it does (warm colours; threshold ${threshold} nats over 48-pixel neighbourhoods)${upright.regions.length ? `. Regions: ${listed}` : '; no region reached the threshold'}.`;
  return mapOverlay(still, upright, 'splice', note);
}

/**
 * The sensor-noise map overlay of a picture that matches a camera: where it lacks that camera's
 * noise (warm: from the threshold up to twice as far below the prediction), each region boxed.
 * Blocks that could not be judged, and the picture outside the fingerprint's area, stay uncoloured.
 */
export async function sensorEvidence(still: RgbImage, upright: Upright<{ x: number; y: number; w: number; h: number }>, check: SensorNoiseCheck): Promise<ArtifactOut> {
  const a = check.area;
  const note = `Sensor-noise map: where the picture lacks the noise of the camera “${check.cameraName}” that the rest of it carries (warm colours; ${check.block}-pixel blocks, correlation threshold ${check.threshold.toFixed(3)}). It covers the central ${a.w}×${a.h} at (${a.x}, ${a.y}); ${Math.round(check.judgedShare * 100)} % of it could be judged.${upright.regions.length ? ` Regions: ${listRegions(upright.regions)}.` : ' No region lacks it.'}`;
  return mapOverlay(still, upright, 'sensor', note);
}

/** The regions' boxes in words (the first six). */
function listRegions(regions: { x: number; y: number; w: number; h: number }[]): string {
  const listed = regions
    .slice(0, 6)
    .map((r, i) => `${i + 1}: ${r.w}×${r.h} px at (${r.x}, ${r.y})`)
    .join('; ');
  return `${listed}${regions.length > 6 ? `; and ${regions.length - 6} more` : ''}`;
}

/**
 * A block map's overlay (splice or grid map): the picture (at most 1280 px) with the map's heat
 * (0..2 per 8-pixel block) blended over it, and each region boxed. Blocks the map did not reach
 * stay uncoloured.
 */
async function mapOverlay(still: RgbImage, upright: Upright<{ x: number; y: number; w: number; h: number }>, kind: 'splice' | 'grid' | 'sensor', note: string): Promise<ArtifactOut> {
  const base = await shrink(still, 1280);
  // The heat grid covers whole 8-pixel blocks: up to 7 px past the picture's right and bottom edges.
  const scale = base.width / upright.width;
  const hm = { width: upright.heat.width, height: upright.heat.height, data: upright.heat.data.map((v) => v / 2) };
  const gridW = Math.max(base.width, Math.round(hm.width * 8 * scale));
  const gridH = Math.max(base.height, Math.round(hm.height * 8 * scale));
  const canvas: RgbImage = { width: gridW, height: gridH, data: new Uint8Array(gridW * gridH * 3) };
  for (let y = 0; y < base.height; y++) canvas.data.set(base.data.subarray(y * base.width * 3, (y + 1) * base.width * 3), y * gridW * 3);
  const over = overlayHeatmap(canvas, hm);
  const cropped: RgbImage = { width: base.width, height: base.height, data: new Uint8Array(base.width * base.height * 3) };
  for (let y = 0; y < base.height; y++) cropped.data.set(over.data.subarray(y * gridW * 3, y * gridW * 3 + base.width * 3), y * base.width * 3);
  const boxes = upright.regions.map((r) => ({ box: { x: r.x * scale, y: r.y * scale, w: r.w * scale, h: r.h * scale, confidence: 1 }, color: [255, 40, 200] as [number, number, number] }));
  const image = drawBoxes(cropped, boxes);
  return { ref: { key: kind, kind, mime: 'image/png', width: image.width, height: image.height, note: note.length > NOTE_MAX ? `${note.slice(0, NOTE_MAX - 1)}…` : note }, data: await encodePng(image) };
}

/**
 * The shifted-grid map overlay: where the picture carries an earlier JPEG compression on another
 * 8×8 grid than the file's (warm: up to twice the threshold), each region boxed. When the whole
 * picture sits on an earlier grid (cropped after a save), the heat shows the other grids only.
 */
export async function gridEvidence(still: RgbImage, upright: Upright<GridRegion>, threshold: number, pictureGrid: GridCheck['pictureGrid']): Promise<ArtifactOut> {
  const own = pictureGrid ? ` The picture, over ${Math.round(pictureGrid.share * 100)} % of it, carries an earlier compression on a grid shifted by (${pictureGrid.dx}, ${pictureGrid.dy}) px: it was cropped after an earlier save; the map shows other grids.` : '';
  const note = `Shifted-grid map: where the picture carries an earlier JPEG compression on another 8×8 grid than the file's own (warm colours; threshold ${threshold} over 64-pixel windows).${own}${upright.regions.length ? ` Regions: ${listRegions(upright.regions)}.` : ' No region reached the threshold.'}`;
  return mapOverlay(still, upright, 'grid', note);
}
