/** A table of detection summaries (dashboard recents, history). */
import type { DetectionSummary } from '../../../src-shared/domain/detection';
import { shortHash, stateLabel, when } from '../lib/format';
import { useNav } from '../stores/nav-store';
import { VerdictBadge } from './verdict-badge';
import type { ReactNode } from 'react';

/** Rows open the result on click or Enter. */
export function SummaryTable({ items, showOwner, actions }: { items: DetectionSummary[]; showOwner?: boolean; actions?: (d: DetectionSummary) => ReactNode }) {
  const go = useNav((s) => s.go);
  return (
    <table className="table" data-testid="summary-table">
      <thead>
        <tr>
          <th scope="col">File</th>
          <th scope="col">Verdict</th>
          <th scope="col">Type</th>
          {showOwner && <th scope="col">Analyst</th>}
          <th scope="col">SHA-256</th>
          <th scope="col">Analysed</th>
          {actions && <th scope="col"><span className="sr-only">Actions</span></th>}
        </tr>
      </thead>
      <tbody>
        {items.map((d) => (
          <tr key={d.id} data-testid="summary-row" data-id={d.id}>
            <td className="cell-name">
              <button type="button" className="link" onClick={() => go({ name: 'result', id: d.id })}>
                {d.fileName}
              </button>
            </td>
            <td>
              {d.status === 'done' ? (
                <VerdictBadge band={d.band} probability={d.probability} overridden={d.overridden} />
              ) : (
                // An analysis that never finished has no verdict: say so rather than show "Undetermined".
                <span className={`pill pill-${d.status}`} data-testid="record-status" title={d.status === 'queued' || d.status === 'running' ? undefined : 'No verdict: the analysis did not finish'}>
                  {stateLabel(d.status)}
                  {d.status === 'queued' || d.status === 'running' ? '' : ' · no verdict'}
                </span>
              )}
            </td>
            <td>{d.kind}</td>
            {showOwner && <td>{d.ownerName}</td>}
            <td className="mono" title={d.sha256}>
              {shortHash(d.sha256)}
            </td>
            <td>{when(d.createdAt)}</td>
            {actions && <td className="cell-actions">{actions(d)}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
