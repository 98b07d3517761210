/** The source-camera check of a still picture: its sensor noise against the camera library's fingerprints. */
import type { Detection } from '../../../../src-shared/domain/detection';
import { CAMERA_OUTCOME_LABEL, matchGeometry, sensorNoiseLine, sourceCameraLine, type CameraMatch, type SensorNoiseCheck } from '../../../../src-shared/domain/cameras';
import { useArtifact } from '../../lib/artifacts';
import { LayerImage } from './forensic-layers';

/** One row per fingerprint compared: outcome, PCE against its threshold, the turn, the note (also the Cameras screen's check). */
export function CameraMatchTable({ matches }: { matches: readonly CameraMatch[] }) {
  return (
    <table className="table compact">
      <thead>
        <tr>
          <th scope="col">Camera</th>
          <th scope="col">Outcome</th>
          <th scope="col">PCE</th>
          <th scope="col">Picture turned</th>
          <th scope="col">Note</th>
        </tr>
      </thead>
      <tbody>
        {matches.map((m) => (
          <tr key={m.cameraId} data-testid="camera-match-row">
            <td>{m.cameraName}</td>
            <td className={m.outcome === 'match' ? 'ok-text' : undefined}>
              <strong>{CAMERA_OUTCOME_LABEL[m.outcome]}</strong>
            </td>
            <td className="mono">{m.pce === null ? '—' : `${m.pce} (≥ ${m.threshold})`}</td>
            <td>{matchGeometry(m)}</td>
            <td className="small">{m.note ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Where a picture that matches a camera lacks that camera's noise: the line, the regions, the limits (also the Cameras screen's check). */
export function SensorNoiseSummary({ m, children }: { m: SensorNoiseCheck; children?: React.ReactNode }) {
  return (
    <div data-testid="sensor-map">
      <h4>Sensor-noise map</h4>
      <p className={m.regions.length ? 'warn' : undefined} data-testid={m.regions.length ? 'sensor-map-found' : 'sensor-map-none'}>
        {sensorNoiseLine(m)}.
      </p>
      {children}
      {m.regions.length > 0 && (
        <table className="data small" data-testid="sensor-map-table">
          <thead>
            <tr>
              <th>Region</th>
              <th>Place (x, y, w×h)</th>
              <th>Share of map</th>
              <th>Correlation / predicted</th>
            </tr>
          </thead>
          <tbody>
            {m.regions.slice(0, 20).map((r, i) => (
              <tr key={i}>
                <td>{i + 1}</td>
                <td className="mono">{`${r.x}, ${r.y}, ${r.w}×${r.h}`}</td>
                <td>{(r.areaShare * 100).toFixed(2)} %</td>
                <td className="mono">{`${r.correlation.toFixed(3)} / ${r.predicted.toFixed(3)} (≥ ${m.threshold.toFixed(3)} shows the noise)`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="muted small">
        The picture's noise, correlated with the matched camera's fingerprint in {m.block}-pixel blocks, against what each block's content predicts. A block predicted to show the noise clearly but found without it holds content the camera did not record there:
        pasted in, cloned from elsewhere in the frame, or painted over. Dark, saturated, busy or strongly compressed blocks cannot be judged; smaller regions are not found; only the fingerprint's central area is mapped. It does not enter the probability; a
        region found keeps the picture out of the authentic band.
      </p>
    </div>
  );
}

function SensorNoiseOverlay({ id, artifact }: { id: string; artifact: string }) {
  const img = useArtifact(id, artifact);
  return (
    <figure className="layer">
      <LayerImage img={img} alt="Sensor-noise map overlay" />
      <figcaption className="muted small">Warm colours: blocks lacking the camera's noise; boxes: regions reported.</figcaption>
    </figure>
  );
}

/** The result screen's "Source camera" section. */
export function SourceCameraPanel({ d }: { d: Detection }) {
  const c = d.sourceCamera;
  if (!c) return null;
  return (
    <div data-testid="source-camera">
      <p>
        <strong>{sourceCameraLine(c)}.</strong>
      </p>
      {c.matches.length > 0 && <CameraMatchTable matches={c.matches} />}
      {c.integrity && <SensorNoiseSummary m={c.integrity}>{c.integrity.artifact && d.artifacts.some((a) => a.key === c.integrity!.artifact) && <SensorNoiseOverlay id={d.id} artifact={c.integrity.artifact} />}</SensorNoiseSummary>}
      {c.problems.map((p) => (
        <p key={p} className="form-error small">
          {p}
        </p>
      ))}
      <p className="muted small">
        Sensor noise (PRNU) compared with the fingerprints in Cameras at the time of the analysis. A match (PCE at or above the threshold) is strong evidence the picture came from
        that camera; no match does not prove it did not: heavy compression, resizing, strong denoising or a weak fingerprint hide the noise.
      </p>
    </div>
  );
}
