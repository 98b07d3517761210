/** Classic forensic filters: error-level analysis and noise residual, side by side. */
import type { ArtifactRef, Detection } from '../../../../src-shared/domain/detection';
import { useArtifact } from '../../lib/artifacts';
import { Loading } from '../../components/states';

const ABOUT: Record<'ela' | 'noise', { title: string; text: string }> = {
  ela: { title: 'Error level', text: 'Re-compresses the image and shows where it changes most. Pasted or retouched regions often stand out as brighter than their surroundings.' },
  noise: { title: 'Noise residual', text: 'The fine sensor noise left after denoising. Regions from another source often have a different texture or strength.' },
};

function Layer({ id, a }: { id: string; a: ArtifactRef }) {
  const img = useArtifact(id, a.key);
  const about = ABOUT[a.kind as 'ela' | 'noise'];
  return (
    <figure className="layer" data-testid={`layer-${a.kind}`}>
      <div className="layer-img">
        {img.status === 'ok' ? <img src={img.url} alt={about.title} /> : img.status === 'error' ? <p className="muted">{img.error.message}</p> : <Loading />}
      </div>
      <figcaption>
        <strong>{about.title}</strong>
        <span className="muted small">{about.text}</span>
      </figcaption>
    </figure>
  );
}

/** The stored layers (error level only exists for still images: on decoded video it would show our own re-encoding). */
export function ForensicLayers({ d }: { d: Detection }) {
  const layers = d.artifacts.filter((a) => a.kind === 'ela' || a.kind === 'noise');
  if (layers.length === 0) return <p className="muted">No forensic layers were stored for this analysis.</p>;
  return (
    <div className="layers">
      {layers.map((a) => (
        <Layer key={a.key} id={d.id} a={a} />
      ))}
    </div>
  );
}
