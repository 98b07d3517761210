/** Audit log viewer: filters, paging, and chain verification that shows where the chain breaks. */
import { useMemo, useState } from 'react';
import { AUDIT_ACTIONS, formatAnchor, type AuditVerifyResult } from '../../../../src-shared/domain/audit';
import { CopyButton } from '../../components/copy-button';
import { call, type In } from '../../api';
import { Pager } from '../../components/pager';
import { Empty, ErrorState, Loading } from '../../components/states';
import { when } from '../../lib/format';
import { useCall } from '../../lib/use-call';
import { useDebounced } from '../../lib/use-debounced';

const LIMIT = 100;

function VerifyPanel({ onResult }: { onResult: (r: AuditVerifyResult) => void }) {
  const [result, setResult] = useState<AuditVerifyResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const verify = async () => {
    setBusy(true);
    const res = await call('admin:audit:verify', {});
    setBusy(false);
    if (!res.ok) return setError(res.error.message);
    setError(null);
    setResult(res.value);
    onResult(res.value);
  };
  return (
    <div className="panel">
      <div className="panel-head">
        <h2>Chain integrity</h2>
        <button type="button" className="btn btn-small btn-primary" onClick={() => void verify()} disabled={busy} data-testid="verify-chain">
          {busy ? 'Verifying…' : 'Verify the chain'}
        </button>
      </div>
      <p className="muted small">Each entry carries the hash of the one before it; editing, removing or reordering any entry breaks the chain from that point.</p>
      {error && <p className="form-error" role="alert">{error}</p>}
      {result && (
        <div role="status" data-testid="verify-result" data-ok={result.ok}>
          {result.ok ? (
            <>
              <p className="ok-text">Intact: {result.entries.toLocaleString()} entries.</p>
              {result.headSeq !== null && result.headHash !== null && (
                <p className="small">
                  Newest entry, to keep somewhere other than this computer (a later log that no longer holds it was rewritten; check with{' '}
                  <code>mediaguard audit verify --anchor</code>): <code className="breakable" data-testid="audit-anchor">{formatAnchor({ seq: result.headSeq, hash: result.headHash })}</code>{' '}
                  <CopyButton value={formatAnchor({ seq: result.headSeq, hash: result.headHash })} label="audit anchor" />
                </p>
              )}
            </>
          ) : (
            <>
              <p className="form-error">Broken: {result.breaks.length} problem(s) in {result.entries.toLocaleString()} entries.</p>
              <ul className="breaks">
                {result.breaks.map((b) => (
                  <li key={`${b.seq}-${b.kind}`} data-testid="chain-break">
                    <strong>Entry #{b.seq}</strong> — {b.kind}: {b.message}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </div>
  );
}

/** The audit tab. */
export function AuditLog() {
  const [action, setAction] = useState('');
  const [actor, setActor] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [offset, setOffset] = useState(0);
  const [broken, setBroken] = useState<Set<number>>(new Set());
  const actorD = useDebounced(actor, 300);
  const input = useMemo(() => {
    const i: In<'admin:audit:list'> = { offset, limit: LIMIT };
    if (action) i.action = action;
    if (actorD.trim()) i.actor = actorD.trim();
    if (from) i.from = new Date(`${from}T00:00:00`).toISOString();
    if (to) i.to = new Date(`${to}T23:59:59.999`).toISOString();
    return i;
  }, [action, actorD, from, to, offset]);
  const list = useCall('admin:audit:list', input, JSON.stringify(input));
  const reset = (f: () => void) => {
    f();
    setOffset(0);
  };
  return (
    <div data-testid="audit">
      <VerifyPanel onResult={(r) => setBroken(new Set(r.breaks.map((b) => b.seq)))} />
      <div className="filters">
        <label className="filter">
          <span>Action</span>
          <select value={action} onChange={(e) => reset(() => setAction(e.target.value))} data-testid="audit-action">
            <option value="">Any</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <label className="filter grow">
          <span>Actor</span>
          <input type="search" value={actor} onChange={(e) => reset(() => setActor(e.target.value))} placeholder="Username" />
        </label>
        <label className="filter">
          <span>From</span>
          <input type="date" value={from} onChange={(e) => reset(() => setFrom(e.target.value))} />
        </label>
        <label className="filter">
          <span>To</span>
          <input type="date" value={to} onChange={(e) => reset(() => setTo(e.target.value))} />
        </label>
      </div>
      {list.status === 'error' && <ErrorState error={list.error} onRetry={list.reload} />}
      {list.status === 'loading' && !list.value && <Loading minHeight={200} />}
      {list.value && (
        <div className={`panel${list.status === 'loading' ? ' stale' : ''}`}>
          {list.value.items.length === 0 ? (
            <Empty title="No audit entries match" />
          ) : (
            <table className="table compact" data-testid="audit-table">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Time</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Action</th>
                  <th scope="col">Target</th>
                  <th scope="col">Details</th>
                </tr>
              </thead>
              <tbody>
                {list.value.items.map((e) => (
                  <tr key={e.seq} data-testid="audit-row" data-action={e.action} className={broken.has(e.seq) ? 'row-broken' : undefined} title={broken.has(e.seq) ? 'The chain breaks at this entry' : undefined}>
                    <td className="mono">{e.seq}</td>
                    <td className="cell-time">{when(e.time)}</td>
                    <td>{e.actorName ?? 'system'}</td>
                    <td className="mono">{e.action}</td>
                    <td className="mono small breakable">{e.target ?? ''}</td>
                    <td className="mono small breakable">{Object.keys(e.details).length ? JSON.stringify(e.details) : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <Pager offset={offset} limit={LIMIT} total={list.value.total} onChange={setOffset} />
        </div>
      )}
    </div>
  );
}
