/** Statistics: verdicts, media types, activity per day and per analyst. */
import { Bar, Doughnut } from 'react-chartjs-2';
import { VERDICT_BANDS } from '../../../../src-shared/domain/detection';
import { Empty, ErrorState, Loading } from '../../components/states';
import { axes, dayLabel, useChartTheme } from '../../lib/charts';
import { BAND_LABEL } from '../../lib/format';
import { useCall } from '../../lib/use-call';

/** The statistics tab. */
export function Statistics() {
  const stats = useCall('stats:dashboard', {}, 'stats');
  const t = useChartTheme();
  const s = stats.value;
  return (
    <div data-testid="statistics">
      {stats.status === 'error' && <ErrorState error={stats.error} onRetry={stats.reload} />}
      {stats.status === 'loading' && !s && <Loading minHeight={300} />}
      {s && s.total === 0 && <Empty title="No analyses yet" />}
      {s && s.total > 0 && (
        <div className="grid-2">
          <div className="panel chart-panel">
            <h2>Verdicts</h2>
            <div className="chart-box">
              <Doughnut
                data={{ labels: VERDICT_BANDS.map((b) => BAND_LABEL[b]), datasets: [{ data: VERDICT_BANDS.map((b) => s.byBand[b]), backgroundColor: VERDICT_BANDS.map((b) => t.band[b]), borderWidth: 0 }] }}
                options={{ maintainAspectRatio: false, plugins: { legend: { position: 'right', labels: { color: t.fg } } } }}
              />
            </div>
          </div>
          <div className="panel chart-panel">
            <h2>Media types</h2>
            <div className="chart-box">
              <Doughnut
                data={{ labels: ['Images', 'Videos'], datasets: [{ data: [s.byKind.image, s.byKind.video], backgroundColor: [t.series[0]!, t.series[1]!], borderWidth: 0 }] }}
                options={{ maintainAspectRatio: false, plugins: { legend: { position: 'right', labels: { color: t.fg } } } }}
              />
            </div>
          </div>
          <div className="panel chart-panel">
            <h2>Per day</h2>
            <div className="chart-box">
              <Bar data={{ labels: s.perDay.map((d) => dayLabel(d.day)), datasets: [{ label: 'Analyses', data: s.perDay.map((d) => d.count), backgroundColor: t.accent }] }} options={{ maintainAspectRatio: false, plugins: { legend: { display: false } }, scales: axes(t) }} />
            </div>
          </div>
          <div className="panel chart-panel">
            <h2>Per analyst</h2>
            <div className="chart-box">
              <Bar
                data={{ labels: s.perUser.map((u) => u.ownerName), datasets: [{ label: 'Analyses', data: s.perUser.map((u) => u.count), backgroundColor: t.series[2] }] }}
                options={{ maintainAspectRatio: false, indexAxis: 'y', plugins: { legend: { display: false } }, scales: axes(t) }}
              />
            </div>
          </div>
        </div>
      )}
    </div>
  );
}
