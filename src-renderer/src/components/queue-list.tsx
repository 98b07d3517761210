/** The analysis queue: one row per file with stage, progress, ETA, cancel and per-file errors. */
import { ERROR_CODES, type ErrorCode } from '../../../src-shared/result';
import type { AnalysisProgress } from '../../../src-shared/domain/detection';
import { describeError } from '../api';
import { duration, stateLabel } from '../lib/format';
import { useNav } from '../stores/nav-store';
import { useQueue, type QueueRow } from '../stores/queue-store';
import { toast } from '../stores/toast-store';

const STAGE_LABEL: Record<AnalysisProgress['stage'], string> = {
  queued: 'Waiting',
  probe: 'Identifying format',
  hash: 'Hashing',
  metadata: 'Reading metadata',
  frames: 'Extracting frames',
  faces: 'Finding faces',
  classify: 'Scoring faces',
  'image-model': 'Scoring whole image',
  forensics: 'Forensic filters',
  aggregate: 'Combining scores',
  store: 'Saving',
  done: 'Done',
};

function asCode(code: string): ErrorCode {
  return (ERROR_CODES as readonly string[]).includes(code) ? (code as ErrorCode) : 'INTERNAL';
}

function Row({ row }: { row: QueueRow }) {
  const cancel = useQueue((s) => s.cancel);
  const go = useNav((s) => s.go);
  const active = row.state === 'queued' || row.state === 'running';
  const fraction = row.state === 'done' ? 1 : (row.progress?.fraction ?? 0);
  const stage = row.progress ? STAGE_LABEL[row.progress.stage] : row.state === 'running' ? 'Starting' : row.state === 'queued' ? 'Waiting' : '';
  const err = row.error ? describeError({ code: asCode(row.error.code), message: row.error.message }) : null;
  const onCancel = async () => {
    const e = await cancel(row.jobId);
    if (e) toast('error', `Could not cancel ${row.fileName}: ${e.message}`);
  };
  return (
    <li className={`queue-row state-${row.state}`} data-testid="queue-row" data-state={row.state} data-file={row.fileName}>
      <div className="queue-main">
        <span className="queue-name" title={row.path || row.fileName}>
          {row.fileName}
        </span>
        <span className={`queue-state pill pill-${row.state}`} data-testid="queue-state">
          {stateLabel(row.state)}
        </span>
      </div>
      {active || row.state === 'done' ? (
        <div className="queue-progress">
          <div className="bar" role="progressbar" aria-label={`Progress of ${row.fileName}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(fraction * 100)}>
            <div className="bar-fill" style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
          </div>
          <span className="queue-meta" data-testid="queue-stage">
            {stage}
            {active && ` · ${Math.round(fraction * 100)} %`}
            {active && row.progress?.etaSec !== null && row.progress?.etaSec !== undefined && ` · about ${duration(row.progress.etaSec)} left`}
          </span>
        </div>
      ) : null}
      {err && (
        <div className="queue-error" role="alert" data-testid="queue-error">
          <strong>{err.title}</strong>
          {err.hint && <span> {err.hint}</span>}
        </div>
      )}
      <div className="queue-actions">
        {active && (
          <button type="button" className="btn btn-small" onClick={() => void onCancel()} aria-label={`Cancel ${row.fileName}`}>
            Cancel
          </button>
        )}
        {row.state === 'done' && row.detectionId && (
          <button type="button" className="btn btn-small btn-primary" onClick={() => go({ name: 'result', id: row.detectionId! })} data-testid="open-result">
            Open result
          </button>
        )}
      </div>
    </li>
  );
}

/** The list of rows, newest last. */
export function QueueList({ rows }: { rows: QueueRow[] }) {
  return (
    <ul className="queue" aria-label="Analysis queue">
      {rows.map((r) => (
        <Row key={r.jobId} row={r} />
      ))}
    </ul>
  );
}
