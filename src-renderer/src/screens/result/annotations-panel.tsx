/** Investigator notes and verdict overrides: listed for everyone, added by investigators and admins. */
import { useState, type FormEvent } from 'react';
import { VERDICT_BANDS, type Detection, type VerdictBand } from '../../../../src-shared/domain/detection';
import { call } from '../../api';
import { FormError } from '../../components/states';
import { BAND_LABEL, when } from '../../lib/format';
import { useSession } from '../../stores/session-store';
import { toast } from '../../stores/toast-store';

/** Annotations of a record; `onSaved` receives the updated record. */
export function AnnotationsPanel({ d, onSaved }: { d: Detection; onSaved: (d: Detection) => void }) {
  const role = useSession((s) => s.session?.user.role);
  const canAnnotate = role === 'investigator' || role === 'admin';
  const [note, setNote] = useState('');
  const [override, setOverride] = useState(false);
  const [band, setBand] = useState<VerdictBand>(d.verdict.band === 'manipulated' ? 'authentic' : 'manipulated');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!note.trim()) return setError('Write a note.');
    if (override && reason.trim().length < 3) return setError('Give the reason for overriding the verdict.');
    setBusy(true);
    const res = await call('history:annotate', override ? { id: d.id, note: note.trim(), override: { band, reason: reason.trim() } } : { id: d.id, note: note.trim() });
    setBusy(false);
    if (!res.ok) return setError(res.error.message);
    setNote('');
    setReason('');
    setOverride(false);
    setError(null);
    toast('info', 'Annotation saved and recorded in the audit log.');
    onSaved(res.value);
  };

  return (
    <div data-testid="annotations">
      {d.annotations.length === 0 ? (
        <p className="muted">No annotations yet.</p>
      ) : (
        <ol className="annotations">
          {d.annotations.map((a) => (
            <li key={a.id} data-testid="annotation">
              <div className="annotation-head">
                <strong>{a.authorName}</strong>
                <span className="muted small">{when(a.createdAt)}</span>
              </div>
              <p>{a.note}</p>
              {a.override && (
                <p className="override-note">
                  Overrode the verdict to <strong>{BAND_LABEL[a.override.band]}</strong> — {a.override.reason}
                </p>
              )}
            </li>
          ))}
        </ol>
      )}
      {canAnnotate ? (
        <form className="annotate-form" onSubmit={(e) => void submit(e)} noValidate>
          <label className="field">
            <span>Note</span>
            <textarea value={note} onChange={(e) => setNote(e.target.value)} rows={3} maxLength={5000} data-testid="annotation-note" />
          </label>
          {d.status === 'done' && (
            // An analysis that did not finish has no verdict to override (main refuses it too).
            <label className="check">
              <input type="checkbox" checked={override} onChange={(e) => setOverride(e.target.checked)} data-testid="override-toggle" />
              Override the verdict
            </label>
          )}
          {override && (
            <div className="row gap wrap">
              <label className="field">
                <span>New verdict</span>
                <select value={band} onChange={(e) => setBand(e.target.value as VerdictBand)} data-testid="override-band">
                  {VERDICT_BANDS.map((b) => (
                    <option key={b} value={b}>
                      {BAND_LABEL[b]}
                    </option>
                  ))}
                </select>
              </label>
              <label className="field grow">
                <span>Reason</span>
                <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={2000} data-testid="override-reason" />
              </label>
            </div>
          )}
          <FormError error={error} />
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="save-annotation">
            {busy ? 'Saving…' : 'Add annotation'}
          </button>
        </form>
      ) : (
        <p className="muted small">Investigators and administrators can annotate results.</p>
      )}
    </div>
  );
}
