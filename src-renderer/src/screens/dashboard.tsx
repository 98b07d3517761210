/** Dashboard: counts by verdict, activity, recent analyses, the running queue and a drop zone. */
import { useEffect } from 'react';
import { Bar, Doughnut } from 'react-chartjs-2';
import { VERDICT_BANDS } from '../../../src-shared/domain/detection';
import type { DashboardStats } from '../../../src-shared/contract/history';
import { DropZone } from '../components/drop-zone';
import { QueueList } from '../components/queue-list';
import { Empty, ErrorState, Loading } from '../components/states';
import { SummaryTable } from '../components/summary-table';
import { axes, dayLabel, useChartTheme } from '../lib/charts';
import { BAND_LABEL } from '../lib/format';
import { useCall } from '../lib/use-call';
import { useQueue } from '../stores/queue-store';
import { useSession } from '../stores/session-store';

function Counts({ s }: { s: DashboardStats }) {
  return (
    <div className="cards" data-testid="band-counts">
      <div className="card stat">
        <span className="stat-value">{s.total.toLocaleString()}</span>
        <span className="stat-label">Analyses</span>
      </div>
      {VERDICT_BANDS.map((b) => (
        <div className={`card stat stat-${b}`} key={b} data-band={b}>
          <span className="stat-value">{s.byBand[b].toLocaleString()}</span>
          <span className="stat-label">{BAND_LABEL[b]}</span>
        </div>
      ))}
    </div>
  );
}

function Charts({ s }: { s: DashboardStats }) {
  const t = useChartTheme();
  return (
    <div className="grid-2">
      <div className="panel chart-panel">
        <h2>Verdicts</h2>
        <div className="chart-box">
          <Doughnut
            aria-label="Analyses by verdict"
            data={{ labels: VERDICT_BANDS.map((b) => BAND_LABEL[b]), datasets: [{ data: VERDICT_BANDS.map((b) => s.byBand[b]), backgroundColor: VERDICT_BANDS.map((b) => t.band[b]), borderWidth: 0 }] }}
            options={{ maintainAspectRatio: false, plugins: { legend: { position: 'right', labels: { color: t.fg } } } }}
          />
        </div>
      </div>
      <div className="panel chart-panel">
        <h2>Analyses per day</h2>
        <div className="chart-box">
          <Bar
            aria-label="Analyses per day"
            data={{ labels: s.perDay.map((d) => dayLabel(d.day)), datasets: [{ label: 'Analyses', data: s.perDay.map((d) => d.count), backgroundColor: t.accent }] }}
            options={{ maintainAspectRatio: false, plugins: { legend: { display: false } }, scales: axes(t) }}
          />
        </div>
      </div>
    </div>
  );
}

/** The dashboard screen. */
export function Dashboard() {
  const stats = useCall('stats:dashboard', {}, 'dash');
  const rows = useQueue((s) => s.rows);
  const active = rows.filter((r) => r.state === 'queued' || r.state === 'running');
  const role = useSession((s) => s.session?.user.role);
  // New results change the counts: reload when a job finishes.
  const finished = rows.filter((r) => r.state === 'done').length;
  const { reload } = stats;
  useEffect(() => {
    if (finished > 0) reload();
  }, [finished, reload]);
  return (
    <section className="screen" data-testid="screen-dashboard" aria-labelledby="h-dash">
      <header className="screen-head">
        <h1 id="h-dash">Dashboard</h1>
      </header>
      <DropZone compact />
      {active.length > 0 && (
        <div className="panel">
          <h2>Running now</h2>
          <QueueList rows={active} />
        </div>
      )}
      {stats.status === 'error' && <ErrorState error={stats.error} onRetry={stats.reload} />}
      {stats.status === 'loading' && !stats.value && <Loading minHeight={320} />}
      {stats.value && (
        <>
          <Counts s={stats.value} />
          {stats.value.total > 0 && <Charts s={stats.value} />}
          <div className="panel">
            <h2>Recent analyses</h2>
            {stats.value.recent.length === 0 ? (
              <Empty title="No analyses yet">Drop an image or a video on the window to start.</Empty>
            ) : (
              <SummaryTable items={stats.value.recent} showOwner={role !== 'user'} />
            )}
          </div>
        </>
      )}
    </section>
  );
}
