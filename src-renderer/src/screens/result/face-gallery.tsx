/** One tile per face track: the crop, its calibrated score and how many frames it spans. */
import type { Detection, FaceTrack } from '../../../../src-shared/domain/detection';
import { VerdictBadge } from '../../components/verdict-badge';
import { useArtifact } from '../../lib/artifacts';
import { timecode } from '../../lib/format';
import { faceLabel } from './evidence';

function bestObservation(t: FaceTrack) {
  return t.observations.find((o) => o.faceArtifact) ?? [...t.observations].sort((a, b) => (b.probability ?? -1) - (a.probability ?? -1))[0];
}

function Tile({ id, label, track, video, selected, onSelect }: { id: string; label: string; track: FaceTrack; video: boolean; selected: boolean; onSelect: (trackId: number, frameIndex: number | null) => void }) {
  const best = bestObservation(track);
  const crop = useArtifact(id, best?.faceArtifact);
  return (
    <li className="face-tile" data-testid="face-tile">
      <button
        type="button"
        className={`face-button${selected ? ' selected' : ''}`}
        aria-pressed={selected}
        onClick={() => onSelect(track.trackId, best?.frameIndex ?? null)}
        aria-label={`${label}, ${track.band}: show it with its heatmap`}
      >
        <div className="face-img">
          {crop.status === 'ok' ? <img src={crop.url} alt={`${label}`} /> : <span className="muted small">{crop.status === 'loading' ? '…' : 'no crop'}</span>}
        </div>
        <div className="face-info">
          <strong>{label}</strong>
          <VerdictBadge band={track.band} probability={track.probability} />
          {track.probability === null && <span className="muted small">not judged: see the warnings</span>}
          <span className="muted small">
            {video ? `${track.observations.length} frames${best ? ` · peak at ${timecode(best.timeSec)}` : ''}` : `detector confidence ${best ? (best.box.confidence * 100).toFixed(0) : '—'} %`}
          </span>
        </div>
      </button>
    </li>
  );
}

/** The gallery. */
export function FaceGallery({ d, selected, onSelect }: { d: Detection; selected: number | null; onSelect: (trackId: number, frameIndex: number | null) => void }) {
  if (d.faceTracks.length === 0) {
    return <p className="muted">No faces were found{d.kind === 'image' ? ' in this image' : ' in the sampled frames'}. The verdict rests on whole-image analysis only.</p>;
  }
  return (
    <ul className="face-gallery">
      {d.faceTracks.map((t) => (
        <Tile key={t.trackId} id={d.id} label={faceLabel(d, t.trackId)} track={t} video={d.kind === 'video'} selected={selected === t.trackId} onSelect={onSelect} />
      ))}
    </ul>
  );
}
