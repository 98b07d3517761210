/** Analyse: add files and follow the queue. */
import { DropZone } from '../components/drop-zone';
import { QueueList } from '../components/queue-list';
import { Empty, ErrorState } from '../components/states';
import { useQueue } from '../stores/queue-store';

/** The analyse screen. */
export function Analyse() {
  const { rows, error, leftOut, busy, clearFinished, refresh } = useQueue();
  const finished = rows.some((r) => r.state !== 'queued' && r.state !== 'running') || leftOut.length > 0;
  return (
    <section className="screen" data-testid="screen-analyse" aria-labelledby="h-analyse">
      <header className="screen-head">
        <h1 id="h-analyse">Analyse</h1>
      </header>
      <DropZone />
      {error && <ErrorState error={error} onRetry={() => void refresh()} />}
      <div className="panel">
        <div className="panel-head">
          <h2>Queue</h2>
          {busy && <span className="muted" role="status">Adding files…</span>}
          {finished && (
            <button type="button" className="btn btn-small btn-ghost" onClick={clearFinished}>
              Clear finished
            </button>
          )}
        </div>
        {leftOut.length > 0 && (
          // What dropped folders held that was not queued: an analyst must know what was not examined.
          <ul className="warnings" aria-label="Left out of the dropped folders" data-testid="left-out">
            {leftOut.map((t, i) => (
              <li key={i}>{t}</li>
            ))}
          </ul>
        )}
        {rows.length === 0 ? <Empty title="No files in the queue">Drop files on the window or use the buttons above.</Empty> : <QueueList rows={rows} />}
      </div>
    </section>
  );
}
