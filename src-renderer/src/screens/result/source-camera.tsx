/** The source-camera check of a still picture: its sensor noise against the camera library's fingerprints. */
import type { Detection } from '../../../../src-shared/domain/detection';
import { CAMERA_OUTCOME_LABEL, sourceCameraLine, type CameraMatch } from '../../../../src-shared/domain/cameras';

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
            <td>{m.rotation === null ? '—' : `${m.rotation}°`}</td>
            <td className="small">{m.note ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
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
