/** Installed models: list, re-verify hashes, import a new one from its manifest. */
import { useState } from 'react';
import type { ModelSummary } from '../../../../src-shared/domain/models';
import { call } from '../../api';
import { HashCell } from '../../components/copy-button';
import { Empty, ErrorState, Loading } from '../../components/states';
import { bytes } from '../../lib/format';
import { useCall } from '../../lib/use-call';
import { toast } from '../../stores/toast-store';
import { pickPaths } from '../../lib/pick-paths';

function verifiedLabel(m: ModelSummary): string {
  if (m.error) return `Problem: ${m.error}`;
  if (m.verified === null) return 'Not checked yet';
  return m.verified ? 'Hash matches manifest' : 'Hash does NOT match the manifest';
}

/** Models section of the settings tab. */
export function ModelsAdmin() {
  const models = useCall('models:list', {}, 'models');
  const [verified, setVerified] = useState<ModelSummary[] | null>(null);
  const [busy, setBusy] = useState(false);
  const list = verified ?? models.value;

  const verify = async () => {
    setBusy(true);
    const res = await call('admin:models:verify', {});
    setBusy(false);
    if (!res.ok) return toast('error', res.error.message);
    setVerified(res.value);
    const bad = res.value.filter((m) => m.verified === false || m.error);
    toast(bad.length ? 'error' : 'info', bad.length ? `${bad.length} model(s) failed verification.` : 'Every model matches its manifest.');
  };
  const importModel = async () => {
    const [manifestPath] = await pickPaths();
    if (!manifestPath) return;
    const res = await call('admin:models:import', { manifestPath });
    if (!res.ok) return toast('error', `Model not imported: ${res.error.message}`);
    toast('info', `Imported ${res.value.id} ${res.value.version}.`);
    setVerified(null);
    models.reload();
  };

  return (
    <div className="panel" data-testid="models-admin">
      <div className="panel-head">
        <h2>Models</h2>
        <button type="button" className="btn btn-small" onClick={() => void verify()} disabled={busy}>
          {busy ? 'Verifying…' : 'Verify hashes'}
        </button>
        <button type="button" className="btn btn-small btn-primary" onClick={() => void importModel()}>
          Import model…
        </button>
      </div>
      <p className="muted small">Choose the model’s manifest (.json) next to its .onnx file. A model whose hash or input shape does not match its manifest is refused.</p>
      {models.status === 'error' && !verified && <ErrorState error={models.error} onRetry={models.reload} />}
      {models.status === 'loading' && !list && <Loading minHeight={120} />}
      {list &&
        (list.length === 0 ? (
          <Empty title="No models installed">Without models MediaGuard cannot judge files: import one above.</Empty>
        ) : (
          <table className="table compact">
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col">Task</th>
                <th scope="col">Size</th>
                <th scope="col">Source</th>
                <th scope="col">Licence</th>
                <th scope="col">SHA-256</th>
                <th scope="col">Integrity</th>
              </tr>
            </thead>
            <tbody>
              {list.map((m) => (
                <tr key={`${m.id}@${m.version}`} data-testid="model-row">
                  <td className="nowrap">
                    <strong>{m.id}</strong> <span className="muted">{m.version}</span>
                  </td>
                  <td className="nowrap">{m.task}</td>
                  <td className="nowrap">{bytes(m.sizeBytes)}</td>
                  <td>{m.source}</td>
                  <td>{m.license}</td>
                  <HashCell value={m.sha256} label={`${m.id} hash`} chars={12} />
                  <td className={m.verified === false || m.error ? 'form-error' : ''}>{verifiedLabel(m)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
    </div>
  );
}
