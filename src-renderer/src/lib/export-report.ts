/** Export a record as a PDF report through main's save dialog, with feedback. */
import { call } from '../api';
import { toast } from '../stores/toast-store';
import type { ReportRecord } from '../../../src-shared/contract/reports';

/** Ask main to write the report; null when cancelled or failed (the user is told either way). */
export async function exportReport(detectionId: string, opts: { caseReference?: string; notes?: string } = {}): Promise<ReportRecord | null> {
  const input: { detectionId: string; caseReference?: string; notes?: string } = { detectionId };
  if (opts.caseReference) input.caseReference = opts.caseReference;
  if (opts.notes) input.notes = opts.notes;
  const res = await call('reports:export', input);
  if (!res.ok) {
    toast('error', `Report not exported: ${res.error.message}`);
    return null;
  }
  if (!res.value) {
    toast('info', 'Export cancelled.');
    return null;
  }
  toast('info', `Report saved to ${res.value.path}`);
  return res.value;
}
