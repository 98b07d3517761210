/** "Export PDF report…": asks for a case reference and notes, then main's save dialog picks the place. */
import { useState, type FormEvent } from 'react';
import { exportReport } from '../lib/export-report';
import { Modal, ModalActions } from './modal';

/** The button and its dialog. */
export function ExportReportButton({ detectionId, fileName, small, primary }: { detectionId: string; fileName: string; small?: boolean; primary?: boolean }) {
  const [open, setOpen] = useState(false);
  const [caseReference, setCaseReference] = useState('');
  const [notes, setNotes] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const rec = await exportReport(detectionId, { caseReference: caseReference.trim(), notes: notes.trim() });
    setBusy(false);
    if (rec) setOpen(false);
  };
  return (
    <>
      <button
        type="button"
        className={`btn${small ? ' btn-small' : ''}${primary ? ' btn-primary' : ''}`}
        onClick={() => setOpen(true)}
        aria-label={small ? `Export a report of ${fileName}` : undefined}
        data-testid="export-report"
      >
        {small ? 'Export' : 'Export PDF report…'}
      </button>
      {open && (
        <Modal title={`Report on ${fileName}`} onClose={() => setOpen(false)} testId="export-dialog">
          <form onSubmit={(e) => void submit(e)}>
            <label className="field">
              <span>Case reference (optional)</span>
              <input value={caseReference} maxLength={200} onChange={(e) => setCaseReference(e.target.value)} autoFocus data-testid="case-reference" />
            </label>
            <label className="field">
              <span>Notes for the report (optional)</span>
              <textarea value={notes} maxLength={5000} rows={4} onChange={(e) => setNotes(e.target.value)} />
            </label>
            <p className="muted small">The report states the verdict, the evidence, the file’s hashes and the exact models used. Its own SHA-256 is recorded here.</p>
            <ModalActions actionLabel={busy ? 'Writing…' : 'Choose where to save…'} onCancel={() => setOpen(false)} busy={busy} actionTestId="choose-report-location" />
          </form>
        </Modal>
      )}
    </>
  );
}
