/** Reports: every exported PDF with its hash, the folder it is in, and a check of any PDF. */
import { useState } from 'react';
import type { ReportVerifyResult } from '../../../src-shared/contract/reports';
import { call } from '../api';
import { HashCell } from '../components/copy-button';
import { Empty, ErrorState, Loading } from '../components/states';
import { when } from '../lib/format';
import { useCall } from '../lib/use-call';
import { useNav } from '../stores/nav-store';
import { toast } from '../stores/toast-store';
import { pickPaths } from '../lib/pick-paths';

function VerifyBox() {
  const [result, setResult] = useState<ReportVerifyResult | null>(null);
  const verify = async () => {
    const [path] = await pickPaths();
    if (!path) return;
    const res = await call('reports:verify', { path });
    if (!res.ok) return toast('error', res.error.message);
    setResult(res.value);
  };
  return (
    <div className="panel">
      <div className="panel-head">
        <h2>Check a report</h2>
        <button type="button" className="btn btn-small" onClick={() => void verify()}>
          Choose a PDF…
        </button>
      </div>
      <p className="muted small">Hashes a PDF and says whether this installation issued it unchanged.</p>
      {result && (
        <div className={result.issued ? 'ok-text' : 'form-error'} role="status" data-testid="verify-report-result">
          <p>
            <strong>
              {result.issued
                ? result.report
                  ? `Issued here on ${when(result.report.createdAt)} for ${result.report.fileName}; unchanged.`
                  : 'Issued here, for a case you do not have access to; unchanged.'
                : 'Not confirmed as a report issued by this installation.'}
            </strong>{' '}
            {result.note}
          </p>
          <p className="mono small breakable">SHA-256 {result.sha256}</p>
          {result.anchor && (
            <p className="small" data-testid="verify-report-anchor">
              Audit log anchor printed in the report: entry {result.anchor.seq} —{' '}
              {result.anchor.matches ? 'the log still holds it as recorded.' : result.anchor.found === null ? 'the log no longer holds this entry.' : 'the log now holds a different entry there (rewritten).'}
            </p>
          )}
        </div>
      )}
    </div>
  );
}

/** The reports screen. */
export function Reports() {
  const list = useCall('reports:list', {}, 'reports');
  const go = useNav((s) => s.go);
  const reveal = async (id: string) => {
    const res = await call('reports:reveal', { id });
    if (!res.ok) toast('error', res.error.message);
  };
  return (
    <section className="screen" data-testid="screen-reports" aria-labelledby="h-reports">
      <header className="screen-head">
        <h1 id="h-reports">Reports</h1>
        <span className="muted small">Export a report from a result or from History.</span>
      </header>
      {list.status === 'error' && <ErrorState error={list.error} onRetry={list.reload} />}
      {list.status === 'loading' && !list.value && <Loading minHeight={200} />}
      {list.value && (
        <div className="panel">
          {list.value.length === 0 ? (
            <Empty title="No reports exported yet">Open a result and choose “Export PDF report…”.</Empty>
          ) : (
            <table className="table" data-testid="reports-table">
              <thead>
                <tr>
                  <th scope="col">Analysed file</th>
                  <th scope="col">Saved to</th>
                  <th scope="col">SHA-256 of the PDF</th>
                  <th scope="col">Exported</th>
                  <th scope="col">By</th>
                  <th scope="col"><span className="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                {[...list.value].reverse().map((r) => (
                  <tr key={r.id} data-testid="report-row">
                    <td>
                      <button type="button" className="link" onClick={() => go({ name: 'result', id: r.detectionId })}>
                        {r.fileName}
                      </button>
                    </td>
                    <td className="mono small breakable">{r.path}</td>
                    <HashCell value={r.sha256} label="report hash" />
                    <td>{when(r.createdAt)}</td>
                    <td>{r.authorName}</td>
                    <td>
                      <button type="button" className="btn btn-small" onClick={() => void reveal(r.id)} data-testid="reveal-report">
                        Show in folder
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
      <VerifyBox />
    </section>
  );
}
