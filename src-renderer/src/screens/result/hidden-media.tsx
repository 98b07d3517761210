/** The part of a video its edit list hides: where it lies, a picture of each frame analysed and what the models read there. */
import { hiddenSpansText, type Detection, type HiddenFrame } from '../../../../src-shared/domain/detection';
import { Loading } from '../../components/states';
import { useArtifact } from '../../lib/artifacts';
import { BAND_LABEL, pct } from '../../lib/format';

/** A frame analysed apart (hidden by the edit list, or of an appended file): its picture, time, faces and most suspicious face. */
export function MediaFrame({ id, f, testId, alt, caption }: { id: string; f: HiddenFrame; testId: string; alt: string; caption: string | null }) {
  const img = useArtifact(id, f.artifact);
  return (
    <figure className="hidden-frame" data-testid={testId}>
      <div className="layer-img">{img.status === 'ok' ? <img src={img.url} alt={alt} /> : img.status === 'error' ? <p className="muted">{img.error.message}</p> : img.status === 'none' ? <p className="muted">No picture stored.</p> : <Loading />}</div>
      <figcaption className="small">
        {caption !== null && (
          <>
            <strong>{f.mediaSec.toFixed(2)} s</strong> <span className="muted">{caption}</span> ·{' '}
          </>
        )}
        {f.faceCount === 0 ? 'no face' : `${f.faceCount} face${f.faceCount > 1 ? 's' : ''}`}
        {f.probability !== null && <> · most suspicious {pct(f.probability)}</>}
      </figcaption>
    </figure>
  );
}

export function HiddenMediaPanel({ d }: { d: Detection }) {
  const h = d.hiddenMedia;
  if (!h) return null;
  return (
    <div data-testid="hidden-media">
      <p className="warn">
        {h.hiddenSec.toFixed(2)} s of the video track ({hiddenSpansText(h.spans)} of its {h.mediaSec.toFixed(2)} s of media) is stored in the file but never played: its edit list skips it, as a cut
        without re-encoding leaves it. Nobody who plays the file sees these frames.
      </p>
      <p data-testid="hidden-media-verdict">
        {h.frames.length ? (
          <>
            Read apart from the played frames: <strong>{h.probability !== null ? `${pct(h.probability)} — ${BAND_LABEL[h.band]}` : BAND_LABEL[h.band]}</strong>. Not part of the verdict
            {h.band === 'manipulated' ? ', but it keeps the file from being called authentic' : ''}.
          </>
        ) : (
          h.note
        )}
      </p>
      {h.frames.length > 0 && (
        <div className="hidden-frames">
          {h.frames.map((f) => (
            <MediaFrame key={f.artifact ?? f.mediaSec} id={d.id} f={f} testId="hidden-frame" alt={`Hidden frame at ${f.mediaSec.toFixed(2)} s of the media`} caption="of the media" />
          ))}
        </div>
      )}
      {h.frames.length > 0 && <p className="muted small">{h.note}</p>}
    </div>
  );
}
