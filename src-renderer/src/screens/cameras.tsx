/**
 * Cameras: sensor-noise (PRNU) fingerprints of cameras, estimated from pictures known to come
 * from them, and the check of a questioned picture against every one — "was this photo taken
 * with this camera?". Investigators and admins add and remove fingerprints; everyone checks.
 */
import { useState } from 'react';
import type { CameraCheck } from '../../../src-shared/domain/cameras';
import { CameraMatchTable, SensorNoiseSummary } from './result/source-camera';
import type { CameraSkipped } from '../../../src-shared/contract/cameras';
import { INVESTIGATOR_UP } from '../../../src-shared/roles';
import { call } from '../api';
import { HashCell } from '../components/copy-button';
import { Field } from '../components/field';
import { Empty, ErrorState, FormError, Loading } from '../components/states';
import { when } from '../lib/format';
import { useCall } from '../lib/use-call';
import { useSession } from '../stores/session-store';
import { toast } from '../stores/toast-store';
import { pickPaths } from '../lib/pick-paths';
import { usePanelDrop } from '../lib/use-panel-drop';

function CheckBox({ cameras }: { cameras: number }) {
  const [result, setResult] = useState<CameraCheck | null>(null);
  const [busy, setBusy] = useState(false);
  const check = async (chosen?: string) => {
    const path = chosen ?? (await pickPaths())[0];
    if (!path) return;
    setBusy(true);
    const res = await call('cameras:check', { path });
    setBusy(false);
    if (!res.ok) return toast('error', res.error.message);
    setResult(res.value);
  };
  const drop = usePanelDrop((paths) => {
    if (cameras === 0) return toast('error', 'The library holds no camera yet: add one first.');
    if (busy) return toast('error', 'A picture is being compared; drop the next when it is done.');
    if (paths.length > 1) toast('info', `${paths.length} files or folders were dropped; the first is checked.`);
    void check(paths[0]);
  });
  return (
    <div className={`panel${drop.over ? ' panel-drop' : ''}`} data-testid="camera-check" {...drop.handlers}>
      <div className="panel-head">
        <h2>Check a picture</h2>
        <button type="button" className="btn btn-small btn-primary" onClick={() => void check()} disabled={busy || cameras === 0} data-testid="camera-check-pick">
          {busy ? 'Comparing…' : 'Choose a picture…'}
        </button>
      </div>
      <p className="muted small">
        Choose a picture, or drop it on this panel. Compares the picture’s sensor noise with every camera below. A picture is compared at the camera’s own size (as stored, or turned), as the whole frame resized
        smaller with its proportions kept — the more it was reduced, the weaker the test — or as a part cut out of the frame, searched for over every offset of
        the fingerprint’s central area (seconds per camera; analyses do not search); an enlarged or stretched copy, or a crop also resized, cannot be compared. A match (PCE at or above 60 at the aligned position, and nowhere else nearly as high) is strong evidence the picture came from that camera; no match does not prove it did not (heavy compression, strong denoising or a
        weak fingerprint hide the noise).
      </p>
      {result && (
        <div role="status" data-testid="camera-check-result">
          <p>
            <strong>{result.file.name}</strong> ({result.file.width}×{result.file.height}) against {result.cameras} camera{result.cameras === 1 ? '' : 's'}:
          </p>
          <CameraMatchTable matches={result.matches} />
          {result.integrity && <SensorNoiseSummary m={result.integrity} />}
          <p className="mono small breakable">SHA-256 {result.file.sha256}</p>
        </div>
      )}
    </div>
  );
}

function AddCamera({ onAdded }: { onAdded: () => void }) {
  const [name, setName] = useState('');
  const [paths, setPaths] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [skipped, setSkipped] = useState<CameraSkipped[]>([]);
  const addPaths = (more: string[]) => setPaths((p) => [...new Set([...p, ...more])]);
  const pick = async (directories: boolean) => addPaths(await pickPaths({ directories }));
  const drop = usePanelDrop(addPaths);
  const add = async () => {
    setError(null);
    setSkipped([]);
    setBusy(true);
    const res = await call('cameras:add', { name: name.trim(), paths });
    setBusy(false);
    if (!res.ok) {
      const details = res.error.details as { skipped?: CameraSkipped[] } | undefined;
      setSkipped(details?.skipped ?? []);
      return setError(res.error.message);
    }
    setSkipped(res.value.skipped);
    toast('info', `Added ${res.value.camera.name}: ${res.value.camera.images} pictures.${res.value.notes.length ? ` ${res.value.notes.join(' ')}` : ''}`);
    setName('');
    setPaths([]);
    onAdded();
  };
  return (
    <div className={`panel${drop.over ? ' panel-drop' : ''}`} data-testid="camera-add" {...drop.handlers}>
      <div className="panel-head">
        <h2>Add a camera</h2>
      </div>
      <p className="muted small">
        Choose, or drop on this panel, at least 5 pictures (20 or more are far better) known to come from one camera, at its full size and untouched by editors: flat, bright scenes such as sky or walls
        give the clearest fingerprint. Pictures of another size or orientation than most are left out and named.
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void add();
        }}
      >
        <Field label="Camera name" value={name} onChange={(e) => setName(e.target.value)} maxLength={200} required hint="How the camera is known in the case, e.g. “Exhibit 12 phone”." data-testid="camera-name" />
        <div className="row gap">
          <button type="button" className="btn btn-small" onClick={() => void pick(false)} data-testid="camera-pick-files">
            Choose pictures…
          </button>
          <button type="button" className="btn btn-small" onClick={() => void pick(true)} data-testid="camera-pick-folder">
            Choose a folder…
          </button>
          <span className="muted small" data-testid="camera-paths">
            {paths.length === 0 ? 'Nothing chosen yet' : `${paths.length} file${paths.length === 1 ? '' : 's'} or folder${paths.length === 1 ? '' : 's'} chosen`}
          </span>
          {paths.length > 0 && (
            <button type="button" className="btn btn-small" onClick={() => setPaths([])}>
              Clear
            </button>
          )}
        </div>
        <FormError error={error} />
        <button type="submit" className="btn btn-primary" disabled={busy || !name.trim() || paths.length === 0} data-testid="camera-add-submit">
          {busy ? 'Estimating the fingerprint…' : 'Estimate fingerprint'}
        </button>
      </form>
      {skipped.length > 0 && (
        <details data-testid="camera-skipped">
          <summary>
            {skipped.length} picture{skipped.length === 1 ? '' : 's'} left out
          </summary>
          <ul className="small">
            {skipped.slice(0, 100).map((s, i) => (
              <li key={`${s.name}-${i}`}>
                <strong>{s.name}</strong>: {s.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

/** The cameras screen. */
export function Cameras() {
  const list = useCall('cameras:list', {}, 'cameras');
  const role = useSession((s) => s.session?.user.role);
  const canEdit = role !== undefined && INVESTIGATOR_UP.includes(role);
  const [confirming, setConfirming] = useState<string | null>(null);
  const remove = async (id: string) => {
    setConfirming(null);
    const res = await call('cameras:remove', { id });
    if (!res.ok) return toast('error', res.error.message);
    toast('info', `Removed ${res.value.name}.`);
    list.reload();
  };
  const cameras = list.value?.cameras ?? [];
  return (
    <section className="screen" data-testid="screen-cameras" aria-labelledby="h-cameras">
      <header className="screen-head">
        <h1 id="h-cameras">Cameras</h1>
        <span className="muted small">Sensor-noise fingerprints: which camera took a picture.</span>
      </header>
      <CheckBox cameras={cameras.length} />
      <div className="panel" data-testid="camera-library">
        <div className="panel-head">
          <h2>Camera library</h2>
        </div>
        {list.status === 'error' && <ErrorState error={list.error} onRetry={list.reload} />}
        {list.status === 'loading' && !list.value && <Loading minHeight={120} />}
        {list.value?.problems.map((p) => (
          <p key={p.file} className="form-error small" role="alert">
            {p.file}: {p.error}
          </p>
        ))}
        {list.value &&
          (cameras.length === 0 ? (
            <Empty title="No cameras yet">{canEdit ? 'Add one below from pictures it took.' : 'An investigator adds cameras from pictures they took.'}</Empty>
          ) : (
            <table className="table compact">
              <thead>
                <tr>
                  <th scope="col">Camera</th>
                  <th scope="col">Make and model (EXIF)</th>
                  <th scope="col">Picture size</th>
                  <th scope="col">From</th>
                  <th scope="col">Added</th>
                  <th scope="col">SHA-256</th>
                  {canEdit && (
                    <th scope="col">
                      <span className="sr-only">Actions</span>
                    </th>
                  )}
                </tr>
              </thead>
              <tbody>
                {cameras.map((c) => (
                  <tr key={c.id} data-testid="camera-row">
                    <td>
                      <strong>{c.name}</strong>
                    </td>
                    <td>{[c.make, c.model].filter(Boolean).join(' ') || '—'}</td>
                    <td className="mono">
                      {c.width}×{c.height}
                    </td>
                    <td>{c.images} pictures</td>
                    <td>
                      {when(c.createdAt)} by {c.createdBy || '—'}
                    </td>
                    <HashCell value={c.sha256} label="fingerprint hash" />
                    {canEdit && (
                      <td>
                        {confirming === c.id ? (
                          <button type="button" className="btn btn-small btn-danger" onClick={() => void remove(c.id)} data-testid="camera-remove-confirm">
                            Confirm removal
                          </button>
                        ) : (
                          <button type="button" className="btn btn-small" onClick={() => setConfirming(c.id)} data-testid="camera-remove">
                            Remove
                          </button>
                        )}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          ))}
      </div>
      {canEdit && <AddCamera onAdded={list.reload} />}
    </section>
  );
}
