/** History: every kept analysis, searchable, filterable, sorted and paged in main. */
import { useEffect, useMemo, useState } from 'react';
import type { In } from '../api';
import { call } from '../api';
import { ConfirmDialog } from '../components/modal';
import { Pager } from '../components/pager';
import { Empty, ErrorState, Loading } from '../components/states';
import { SummaryTable } from '../components/summary-table';
import { ExportReportButton } from '../components/export-report-button';
import { useCall } from '../lib/use-call';
import { useDebounced } from '../lib/use-debounced';
import { useQueue } from '../stores/queue-store';
import { useSession } from '../stores/session-store';
import { toast } from '../stores/toast-store';
import type { DetectionSummary } from '../../../src-shared/domain/detection';
import { EMPTY_FILTER, HistoryFilters, type HistoryFilter } from './history-filters';

const LIMIT = 50;

function toInput(f: HistoryFilter, offset: number): In<'history:list'> {
  const input: In<'history:list'> = { sort: f.sort, order: f.order, offset, limit: LIMIT };
  if (f.search.trim()) input.search = f.search.trim();
  if (f.band) input.band = f.band;
  if (f.kind) input.kind = f.kind;
  if (f.ownerId) input.ownerId = f.ownerId;
  if (f.from) input.from = new Date(`${f.from}T00:00:00`).toISOString();
  if (f.to) input.to = new Date(`${f.to}T23:59:59.999`).toISOString();
  return input;
}

/** The history screen. */
export function History() {
  const role = useSession((s) => s.session?.user.role);
  const [filter, setFilter] = useState<HistoryFilter>(EMPTY_FILTER);
  const [offset, setOffset] = useState(0);
  const [confirm, setConfirm] = useState<DetectionSummary | null>(null);
  const [deleting, setDeleting] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const [owners, setOwners] = useState<Map<string, string>>(new Map());
  const settled = useDebounced(filter, 250);
  const input = useMemo(() => toInput(settled, offset), [settled, offset]);
  const list = useCall('history:list', input, JSON.stringify(input));
  const seesAll = role === 'investigator' || role === 'admin';
  // Finished analyses appear without a manual refresh.
  const finished = useQueue((s) => s.rows.filter((r) => r.state === 'done').length);
  const { reload } = list;
  useEffect(() => {
    if (finished > 0) reload();
  }, [finished, reload]);

  useEffect(() => setOffset(0), [settled]);
  // Owners for the filter: every account (admins) plus every analyst seen in the list, so
  // records of deleted accounts stay filterable.
  useEffect(() => {
    if (role !== 'admin') return;
    void call('admin:users:list', {}).then((r) => {
      if (r.ok) setOwners((prev) => new Map([...r.value.map((u) => [u.id, u.displayName || u.username] as const), ...prev]));
    });
  }, [role]);
  useEffect(() => {
    if (!seesAll || !list.value) return;
    setOwners((prev) => {
      const fresh = list.value!.items.filter((i) => !prev.has(i.ownerId));
      if (fresh.length === 0) return prev;
      const next = new Map(prev);
      for (const i of fresh) next.set(i.ownerId, i.ownerName);
      return next;
    });
  }, [list.value, seesAll]);

  const doDelete = async () => {
    if (!confirm) return;
    setDeleting(true);
    const res = await call('history:delete', { id: confirm.id });
    setDeleting(false);
    if (!res.ok) return setDeleteError(res.error.message);
    toast('info', `Deleted the record of ${confirm.fileName}.`);
    setConfirm(null);
    list.reload();
  };

  const v = list.value;
  return (
    <section className="screen" data-testid="screen-history" aria-labelledby="h-history">
      <header className="screen-head">
        <h1 id="h-history">History</h1>
      </header>
      <HistoryFilters value={filter} onChange={setFilter} owners={seesAll ? [...owners].map(([id, name]) => ({ id, name })) : null} />
      {list.status === 'error' && <ErrorState error={list.error} onRetry={list.reload} />}
      {!v && list.status === 'loading' && <Loading minHeight={240} />}
      {v && (
        <div className={`panel${list.status === 'loading' ? ' stale' : ''}`} aria-busy={list.status === 'loading'}>
          {v.items.length === 0 ? (
            <Empty title={v.total === 0 && JSON.stringify(filter) === JSON.stringify(EMPTY_FILTER) ? 'No analyses yet' : 'Nothing matches these filters'} />
          ) : (
            <SummaryTable
              items={v.items}
              showOwner={seesAll}
              actions={(d) => (
                <>
                  {d.status === 'done' && <ExportReportButton detectionId={d.id} fileName={d.fileName} small />}
                  <button type="button" className="btn btn-small btn-danger-ghost" onClick={() => { setDeleteError(null); setConfirm(d); }} aria-label={`Delete ${d.fileName}`} data-testid="delete-record">
                    Delete
                  </button>
                </>
              )}
            />
          )}
          <Pager offset={v.offset} limit={v.limit} total={v.total} onChange={setOffset} />
        </div>
      )}
      {confirm && (
        <ConfirmDialog
          title="Delete this record?"
          body={
            <p>
              The analysis of <strong>{confirm.fileName}</strong> and its evidence images will be deleted. Exported reports stay where they are. This is recorded in the audit log and cannot be undone.
            </p>
          }
          confirmLabel="Delete record"
          danger
          busy={deleting}
          error={deleteError}
          onConfirm={() => void doDelete()}
          onCancel={() => setConfirm(null)}
        />
      )}
    </section>
  );
}
