/**
 * Which evidence image the viewer shows. The engine stores a key frame (boxes drawn in),
 * a whole-image heatmap overlay, and per face track the best crop with its heatmap overlay;
 * other frames have no stored pixels, so a request for one falls back to the nearest
 * stored view and says so.
 */
import type { ArtifactRef, Detection } from '../../../../src-shared/domain/detection';
import { pct, timecode } from '../../lib/format';

/** What the user asked to see. */
export type EvidenceView = { kind: 'frame'; frameIndex: number | null } | { kind: 'face'; trackId: number; frameIndex: number | null };

export interface Evidence {
  baseKey?: string;
  heatmapKey?: string;
  width: number;
  height: number;
  caption: string;
  /** Set when the view differs from what was asked for. */
  note?: string;
  /** What the heatmap shows and which model made it (from the heatmap artifact). */
  heatmapNote?: string;
}

/** "Face 1", "Face 2"… in the order of the record's tracks (track ids need not start at 0). */
export function faceLabel(d: Detection, trackId: number): string {
  const i = d.faceTracks.findIndex((t) => t.trackId === trackId);
  return `Face ${i >= 0 ? i + 1 : trackId}`;
}

function ref(d: Detection, key: string | undefined): ArtifactRef | undefined {
  return key ? d.artifacts.find((a) => a.key === key) : undefined;
}

function faceEvidence(d: Detection, trackId: number, frameIndex: number | null): Evidence | null {
  const track = d.faceTracks.find((t) => t.trackId === trackId);
  if (!track) return null;
  const stored = track.observations.filter((o) => o.faceArtifact);
  const obs = stored.find((o) => o.frameIndex === frameIndex) ?? stored[0];
  if (!obs) return null;
  const r = ref(d, obs.faceArtifact);
  const atTime = d.kind === 'video' ? ` at ${timecode(obs.timeSec)}` : '';
  const asked = track.observations.find((o) => o.frameIndex === frameIndex);
  return {
    baseKey: obs.faceArtifact,
    heatmapKey: obs.heatmapArtifact,
    heatmapNote: ref(d, obs.heatmapArtifact)?.note,
    width: r?.width ?? 1,
    height: r?.height ?? 1,
    caption: `${faceLabel(d, trackId)}${atTime} · face score ${pct(obs.probability)}`,
    note:
      asked && asked.frameIndex !== obs.frameIndex && d.kind === 'video'
        ? `At ${timecode(asked.timeSec)} this face scored ${pct(asked.probability)}; its stored crop is from ${timecode(obs.timeSec)}.`
        : undefined,
  };
}

function frameEvidence(d: Detection, frameIndex: number | null): Evidence {
  const keyframes = d.artifacts.filter((a) => a.kind === 'keyframe');
  const frameOf = (a: ArtifactRef) => d.frames.find((f) => f.index === a.frameIndex);
  const wanted = d.frames.find((f) => f.index === frameIndex);
  // The stored key frame nearest in time to the one asked for.
  const nearest = [...keyframes].sort((a, b) => Math.abs((frameOf(a)?.timeSec ?? 0) - (wanted?.timeSec ?? 0)) - Math.abs((frameOf(b)?.timeSec ?? 0) - (wanted?.timeSec ?? 0)))[0];
  const imageHeat = d.artifacts.find((a) => a.kind === 'heatmap' && a.trackId === undefined && (a.frameIndex === undefined || a.frameIndex === nearest?.frameIndex));
  const base = nearest ?? imageHeat;
  const shownFrame = nearest ? frameOf(nearest) : undefined;
  const caption =
    d.kind === 'video' && shownFrame ? `Frame ${shownFrame.index} at ${timecode(shownFrame.timeSec)} · frame score ${pct(shownFrame.probability)}` : `${d.file.name}${base === imageHeat ? ' · whole-image heatmap' : ''}`;
  return {
    baseKey: base?.key,
    heatmapKey: base && base !== imageHeat ? imageHeat?.key : undefined,
    heatmapNote: imageHeat?.note,
    width: base?.width ?? d.media?.width ?? 1,
    height: base?.height ?? d.media?.height ?? 1,
    caption,
    note:
      d.kind === 'video' && wanted && shownFrame && wanted.index !== shownFrame.index
        ? `No image is stored for ${timecode(wanted.timeSec)} (frame score ${pct(wanted.probability)}); showing the key frame at ${timecode(shownFrame.timeSec)}.`
        : undefined,
  };
}

/** Resolve a view to artifact keys and a caption. */
export function evidenceFor(d: Detection, view: EvidenceView): Evidence {
  if (view.kind === 'face') return faceEvidence(d, view.trackId, view.frameIndex) ?? frameEvidence(d, view.frameIndex);
  return frameEvidence(d, view.frameIndex);
}

/** The whole picture: the key frame, or the first frame. */
export function frameView(d: Detection): EvidenceView {
  const key = d.artifacts.find((a) => a.kind === 'keyframe');
  return { kind: 'frame', frameIndex: key?.frameIndex ?? d.frames[0]?.index ?? null };
}

/**
 * The view a result opens on: the whole picture when a whole-image heatmap exists,
 * otherwise the highest-scoring face with a heatmap (the evidence of where), otherwise
 * the whole picture.
 */
export function defaultView(d: Detection): EvidenceView {
  if (d.artifacts.some((a) => a.kind === 'heatmap' && a.trackId === undefined)) return frameView(d);
  const faces = d.faceTracks.flatMap((t) => t.observations.filter((o) => o.heatmapArtifact).map((o) => ({ t, o })));
  const top = faces.sort((a, b) => (b.o.probability ?? -1) - (a.o.probability ?? -1))[0];
  return top ? { kind: 'face', trackId: top.t.trackId, frameIndex: top.o.frameIndex } : frameView(d);
}
