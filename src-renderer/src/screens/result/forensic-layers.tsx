/** Classic forensic filters: error-level analysis and noise residual side by side, and the copy-move check. */
import type { ArtifactRef, Detection } from '../../../../src-shared/domain/detection';
import { useArtifact } from '../../lib/artifacts';
import { Loading } from '../../components/states';

const ABOUT: Record<'ela' | 'noise', { title: string; text: string }> = {
  ela: { title: 'Error level', text: 'Re-compresses the image and shows where it changes most. Pasted or retouched regions often stand out as brighter than their surroundings.' },
  noise: { title: 'Noise residual', text: 'The fine sensor noise left after denoising. Regions from another source often have a different texture or strength.' },
};

/** A stored image as it loads: the picture, its error, or a spinner. */
export function LayerImage({ img, alt }: { img: ReturnType<typeof useArtifact>; alt: string }) {
  return <div className="layer-img">{img.status === 'ok' ? <img src={img.url} alt={alt} /> : img.status === 'error' ? <p className="muted">{img.error.message}</p> : <Loading />}</div>;
}

function Layer({ id, a }: { id: string; a: ArtifactRef }) {
  const img = useArtifact(id, a.key);
  const about = ABOUT[a.kind as 'ela' | 'noise'];
  return (
    <figure className="layer" data-testid={`layer-${a.kind}`}>
      <LayerImage img={img} alt={about.title} />
      <figcaption>
        <strong>{about.title}</strong>
        <span className="muted small">{about.text}</span>
      </figcaption>
    </figure>
  );
}

/** The copy-move check of a still picture: what it found, where (overlay) and what it cannot see. */
export function CopyMovePanel({ d }: { d: Detection }) {
  const cm = d.copyMove;
  const art = cm?.artifact ? d.artifacts.find((a) => a.key === cm.artifact) : undefined;
  const img = useArtifact(d.id, art?.key);
  if (!cm) return null;
  const n = cm.regions.length;
  return (
    <section className="copy-move" data-testid="copy-move">
      <h3>Copy-move check</h3>
      {n === 0 && cm.patternSteps ? (
        <p data-testid="copy-move-pattern">
          No copied region is reported: the picture repeats a pattern at {cm.patternSteps} different steps (wallpaper, a step-and-repeat banner, tiles), and copies cannot be told from it.
        </p>
      ) : n === 0 ? (
        <p data-testid="copy-move-none">No copied region was found.</p>
      ) : (
        <p className="warn" data-testid="copy-move-found">
          {n} region{n > 1 ? 's' : ''} of the picture {n > 1 ? 'are copies' : 'is a copy'} of another part of it.
        </p>
      )}
      {art && (
        <figure className="layer">
          <LayerImage img={img} alt="Copy-move overlay" />
          <figcaption className="muted small">Each pair in its own colour; which of the two places is the original cannot be told.</figcaption>
        </figure>
      )}
      {n > 0 && (
        <table className="data small" data-testid="copy-move-table">
          <thead>
            <tr>
              <th>Pair</th>
              <th>One place (x, y, w×h)</th>
              <th>Other place</th>
              <th>Share</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {cm.regions.slice(0, 20).map((r, i) => (
              <tr key={i}>
                <td>{i + 1}</td>
                <td className="mono">{`${r.a.x}, ${r.a.y}, ${r.a.w}×${r.a.h}`}</td>
                <td className="mono">{`${r.b.x}, ${r.b.y}, ${r.b.w}×${r.b.h}`}</td>
                <td>{(r.areaShare * 100).toFixed(2)} %</td>
                <td>{r.mirrored ? 'mirrored' : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="muted small">
        Finds regions moved or mirrored within the picture (analysed at {cm.analysedLongSide} px on the long side; {Math.round(cm.texturedShare * 100)} % of it has texture the check can match), not rotated, rescaled or recoloured copies, nor copies of flat areas. Content that repeats for
        real — a collage, repeated icons, printed patterns — is found too. The check does not enter the probability; a copy found keeps the picture out of the authentic band.
      </p>
    </section>
  );
}

/** The splice map of a twice-saved JPEG: regions lacking the earlier compression (overlay, table, limits). */
export function SplicePanel({ d }: { d: Detection }) {
  const sp = d.splice;
  const art = sp?.artifact ? d.artifacts.find((a) => a.key === sp.artifact) : undefined;
  const img = useArtifact(d.id, art?.key);
  if (!sp) return null;
  const n = sp.regions.length;
  const earlier = sp.earlierQuality !== null ? ` at quality ≈${sp.earlierQuality}` : '';
  return (
    <section className="copy-move" data-testid="splice">
      <h3>Splice map</h3>
      {n === 0 ? (
        <p data-testid="splice-none">The JPEG was saved twice (earlier{earlier || ' at a lower quality'}); no region without that earlier compression was found.</p>
      ) : (
        <p className="warn" data-testid="splice-found">
          The JPEG was saved twice (earlier{earlier || ' at a lower quality'}), but {n} region{n > 1 ? 's do' : ' does'} not carry the earlier compression: content pasted in between the two saves leaves that trace.
        </p>
      )}
      {art && (
        <figure className="layer">
          <LayerImage img={img} alt="Splice map overlay" />
          <figcaption className="muted small">Warm colours: neighbourhoods that look saved once rather than twice; boxes: regions reported.</figcaption>
        </figure>
      )}
      {n > 0 && (
        <table className="data small" data-testid="splice-table">
          <thead>
            <tr>
              <th>Region</th>
              <th>Place (x, y, w×h)</th>
              <th>Share</th>
              <th>Evidence</th>
            </tr>
          </thead>
          <tbody>
            {sp.regions.slice(0, 20).map((r, i) => (
              <tr key={i}>
                <td>{i + 1}</td>
                <td className="mono">{`${r.x}, ${r.y}, ${r.w}×${r.h}`}</td>
                <td>{(r.areaShare * 100).toFixed(2)} %</td>
                <td>{`${r.peak.toFixed(0)} / ${sp.threshold}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="muted small">
        Compares every 8×8 block's JPEG coefficients with a single and a double compression at the steps the compression history found. It sees content that came from a picture never saved at the earlier quality on this grid; not flat areas, not a region re-saved at the
        host's earlier quality on the same grid, and nothing when the earlier save was finer than the last one.{sp.coverage < 1 ? ` The map covers the first ${Math.round(sp.coverage * 100)} % of the picture (stored orientation).` : ''} It does not enter the probability; a region found keeps the picture out of the authentic band.
      </p>
    </section>
  );
}

/** The shifted-grid map of a JPEG still: regions compressed earlier on another 8×8 grid (overlay, table, limits). */
export function GridPanel({ d }: { d: Detection }) {
  const gc = d.grid;
  const art = gc?.artifact ? d.artifacts.find((a) => a.key === gc.artifact) : undefined;
  const img = useArtifact(d.id, art?.key);
  if (!gc) return null;
  const n = gc.regions.length;
  const own = gc.pictureGrid;
  return (
    <section className="copy-move" data-testid="grid">
      <h3>Shifted-grid map</h3>
      {own && (
        <p data-testid="grid-picture">
          The picture, over {Math.round(own.share * 100)} % of it, carries an earlier JPEG compression on a grid shifted by ({own.dx}, {own.dy}) px{own.earlierQuality !== null ? ` (quality ≈${own.earlierQuality})` : ''}: it was cropped after an earlier save, or is mostly made of a picture that was. That alone is no manipulation; regions are content on yet another grid.
        </p>
      )}
      {n === 0 ? (
        <p data-testid="grid-none">No region compressed earlier on another grid than the rest of the picture was found.</p>
      ) : (
        <p className="warn" data-testid="grid-found">
          {n} region{n > 1 ? 's carry' : ' carries'} an earlier JPEG compression on another 8×8 grid than the rest of the picture: content pasted in from another JPEG leaves that trace.
        </p>
      )}
      {art && (
        <figure className="layer">
          <LayerImage img={img} alt="Shifted-grid map overlay" />
          <figcaption className="muted small">Warm colours: windows whose block sums cluster on another grid's quantisation lattice; boxes: regions reported.</figcaption>
        </figure>
      )}
      {n > 0 && (
        <table className="data small" data-testid="grid-table">
          <thead>
            <tr>
              <th>Region</th>
              <th>Place (x, y, w×h)</th>
              <th>Grid shift</th>
              <th>Earlier quality</th>
              <th>Share</th>
              <th>Evidence</th>
            </tr>
          </thead>
          <tbody>
            {gc.regions.slice(0, 20).map((r, i) => (
              <tr key={i}>
                <td>{i + 1}</td>
                <td className="mono">{`${r.x}, ${r.y}, ${r.w}×${r.h}`}</td>
                <td className="mono">{`${r.dx}, ${r.dy}`}</td>
                <td>{r.earlierQuality !== null ? `≈${r.earlierQuality}` : `DC step ${r.earlierStep}`}</td>
                <td>{(r.areaShare * 100).toFixed(2)} %</td>
                <td>{`${r.peak.toFixed(0)} / ${gc.threshold}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="muted small">
        Looks, in every 64-pixel window and on each of the 63 grids other than the file's own, for 8×8 block sums that cluster at multiples of one quantisation step: the trace an earlier JPEG save leaves on its grid. It does not see a paste whose earlier grid lines up with the file's, an earlier save finer than about
        quality 85, content resized or rotated after its earlier save, or flat areas. Grid shifts are in stored pixels.{gc.coverage < 1 ? ` The map covers the first ${Math.round(gc.coverage * 100)} % of the picture (stored orientation).` : ''} It does not enter the probability; a region found keeps the picture out of the authentic band.
      </p>
    </section>
  );
}

/** The stored layers (error level only exists for still images: on decoded video it would show our own re-encoding). */
export function ForensicLayers({ d }: { d: Detection }) {
  const layers = d.artifacts.filter((a) => a.kind === 'ela' || a.kind === 'noise');
  return (
    <>
      {layers.length === 0 ? (
        <p className="muted">No forensic layers were stored for this analysis.</p>
      ) : (
        <div className="layers">
          {layers.map((a) => (
            <Layer key={a.key} id={d.id} a={a} />
          ))}
        </div>
      )}
      <CopyMovePanel d={d} />
      <SplicePanel d={d} />
      <GridPanel d={d} />
    </>
  );
}
