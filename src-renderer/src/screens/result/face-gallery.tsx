/** One tile per face track: the crop, its calibrated score and how many frames it spans. */
import type { Detection, FaceTrack } from '../../../../src-shared/domain/detection';
import { VerdictBadge } from '../../components/verdict-badge';
import { useArtifact } from '../../lib/artifacts';
import { timecode } from '../../lib/format';

function bestObservation(t: FaceTrack) {
  return [...t.observations].sort((a, b) => (b.probability ?? -1) - (a.probability ?? -1))[0];
}

function Tile({ id, track, video, onSelect }: { id: string; track: FaceTrack; video: boolean; onSelect: (frameIndex: number) => void }) {
  const best = bestObservation(track);
  const crop = useArtifact(id, best?.faceArtifact);
  return (
    <li className="face-tile" data-testid="face-tile">
      <button type="button" className="face-button" onClick={() => best && onSelect(best.frameIndex)} aria-label={`Face ${track.trackId + 1}: show its highest-scoring frame`}>
        <div className="face-img">
          {crop.status === 'ok' ? <img src={crop.url} alt={`Face ${track.trackId + 1}`} /> : <span className="muted small">{crop.status === 'loading' ? '…' : 'no crop'}</span>}
        </div>
        <div className="face-info">
          <strong>Face {track.trackId + 1}</strong>
          <VerdictBadge band={track.band} probability={track.probability} />
          <span className="muted small">
            {video ? `${track.observations.length} frames${best ? ` · peak at ${timecode(best.timeSec)}` : ''}` : `detector confidence ${best ? (best.box.confidence * 100).toFixed(0) : '—'} %`}
          </span>
        </div>
      </button>
    </li>
  );
}

/** The gallery. */
export function FaceGallery({ d, onSelect }: { d: Detection; onSelect: (frameIndex: number) => void }) {
  if (d.faceTracks.length === 0) {
    return <p className="muted">No faces were found{d.kind === 'image' ? ' in this image' : ' in the sampled frames'}. The verdict rests on whole-image analysis only.</p>;
  }
  return (
    <ul className="face-gallery">
      {d.faceTracks.map((t) => (
        <Tile key={t.trackId} id={d.id} track={t} video={d.kind === 'video'} onSelect={onSelect} />
      ))}
    </ul>
  );
}
