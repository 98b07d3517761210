/** The part of a video its edit list hides: where it lies, a picture of each frame analysed and what the models read there. */
import { hiddenSpansText, type Detection, type HiddenFrame, type HiddenMediaCheck } from '../../../../src-shared/domain/detection';
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

/** What the models read in frames analysed apart from the file's own, or why nothing could be read. */
export function ApartVerdict({ c, testId, what }: { c: Pick<HiddenMediaCheck, 'frames' | 'probability' | 'band' | 'note'>; testId: string; what: string }) {
  return (
    <p data-testid={testId}>
      {c.frames.length ? (
        <>
          Read apart from {what}: <strong>{c.probability !== null ? `${pct(c.probability)} — ${BAND_LABEL[c.band]}` : BAND_LABEL[c.band]}</strong>. Not part of the verdict
          {c.band === 'manipulated' ? ', but it keeps the file from being called authentic' : ''}.
        </>
      ) : (
        c.note
      )}
    </p>
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
      <ApartVerdict testId="hidden-media-verdict" c={h} what="the played frames" />
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
