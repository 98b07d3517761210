/** The history filter bar: search, verdict, type, owner, date range and sort. */
import { VERDICT_BANDS, type VerdictBand } from '../../../src-shared/domain/detection';
import { BAND_LABEL } from '../lib/format';

export interface HistoryFilter {
  search: string;
  band: VerdictBand | '';
  kind: 'image' | 'video' | '';
  ownerId: string;
  from: string;
  to: string;
  sort: 'createdAt' | 'fileName' | 'probability';
  order: 'asc' | 'desc';
}

export const EMPTY_FILTER: HistoryFilter = { search: '', band: '', kind: '', ownerId: '', from: '', to: '', sort: 'createdAt', order: 'desc' };

/** Controls bound to a filter value. */
export function HistoryFilters({ value, onChange, owners }: { value: HistoryFilter; onChange: (f: HistoryFilter) => void; owners: { id: string; name: string }[] | null }) {
  const set = <K extends keyof HistoryFilter>(k: K, v: HistoryFilter[K]) => onChange({ ...value, [k]: v });
  return (
    <div className="filters" role="search">
      <label className="filter grow">
        <span>Search</span>
        <input type="search" placeholder="File name or hash" value={value.search} onChange={(e) => set('search', e.target.value)} data-testid="history-search" />
      </label>
      <label className="filter">
        <span>Verdict</span>
        <select value={value.band} onChange={(e) => set('band', e.target.value as HistoryFilter['band'])} data-testid="history-band">
          <option value="">Any</option>
          {VERDICT_BANDS.map((b) => (
            <option key={b} value={b}>
              {BAND_LABEL[b]}
            </option>
          ))}
        </select>
      </label>
      <label className="filter">
        <span>Type</span>
        <select value={value.kind} onChange={(e) => set('kind', e.target.value as HistoryFilter['kind'])} data-testid="history-kind">
          <option value="">Any</option>
          <option value="image">Image</option>
          <option value="video">Video</option>
        </select>
      </label>
      {owners && (
        <label className="filter">
          <span>Analyst</span>
          <select value={value.ownerId} onChange={(e) => set('ownerId', e.target.value)} data-testid="history-owner">
            <option value="">Anyone</option>
            {owners.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <label className="filter">
        <span>From</span>
        <input type="date" value={value.from} onChange={(e) => set('from', e.target.value)} />
      </label>
      <label className="filter">
        <span>To</span>
        <input type="date" value={value.to} onChange={(e) => set('to', e.target.value)} />
      </label>
      <label className="filter">
        <span>Sort by</span>
        <select value={`${value.sort}:${value.order}`} onChange={(e) => {
          const [sort, order] = e.target.value.split(':') as [HistoryFilter['sort'], HistoryFilter['order']];
          onChange({ ...value, sort, order });
        }} data-testid="history-sort">
          <option value="createdAt:desc">Newest first</option>
          <option value="createdAt:asc">Oldest first</option>
          <option value="fileName:asc">Name A–Z</option>
          <option value="fileName:desc">Name Z–A</option>
          <option value="probability:desc">Highest score</option>
          <option value="probability:asc">Lowest score</option>
        </select>
      </label>
    </div>
  );
}
