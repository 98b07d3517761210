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
        {img.status === 'ok' ? <img src={img.url} alt={`${about.title} of frame ${a.frameIndex ?? 0}`} /> : img.status === 'error' ? <p className="muted">{img.error.message}</p> : <Loading />}
      </div>
      <figcaption>
        <strong>{about.title}</strong>
        <span className="muted small">{about.text}</span>
      </figcaption>
    </figure>
  );
}

/** Layers for the selected frame (or the first available). */
export function ForensicLayers({ d, frameIndex }: { d: Detection; frameIndex: number | null }) {
  const layers = d.artifacts.filter((a) => a.kind === 'ela' || a.kind === 'noise');
  if (layers.length === 0) return <p className="muted">No forensic layers were stored for this analysis.</p>;
  const forFrame = layers.filter((a) => a.frameIndex === frameIndex);
  const shown = forFrame.length > 0 ? forFrame : layers.filter((a) => a.frameIndex === layers[0]!.frameIndex);
  return (
    <div className="layers">
      {shown.map((a) => (
        <Layer key={a.key} id={d.id} a={a} />
      ))}
    </div>
  );
}
