/** Rolling chart of the live probability. */
import { Line } from 'react-chartjs-2';
import { useChartTheme } from '../lib/charts';

export interface LivePoint {
  t: number;
  p: number | null;
  faces: number;
}

/** The chart; gaps where no face (no score) was seen. */
export function LiveChart({ points, windowSec }: { points: LivePoint[]; windowSec: number }) {
  const t = useChartTheme();
  // A fixed-width window that scrolls, so the axis does not rescale with every frame.
  const last = points.length ? points[points.length - 1]!.t : 0;
  const max = Math.max(windowSec, Math.ceil(last));
  const min = max - windowSec;
  return (
    <div className="chart-box" data-testid="live-chart">
      <Line
        aria-label="Live manipulation probability"
        data={{ datasets: [{ label: 'Probability %', data: points.map((p) => ({ x: p.t, y: p.p === null ? null : p.p * 100 })) as { x: number; y: number }[], borderColor: t.accent, backgroundColor: t.accent, pointRadius: 0, spanGaps: false, tension: 0.2 }] }}
        options={{
          maintainAspectRatio: false,
          animation: false,
          parsing: false,
          scales: {
            x: { type: 'linear', min, max, ticks: { color: t.muted, stepSize: 5, callback: (v) => `${Number(v).toFixed(0)} s` }, grid: { color: t.grid } },
            y: { min: 0, max: 100, ticks: { color: t.muted }, grid: { color: t.grid } },
          },
          plugins: { legend: { display: false } },
        }}
      />
    </div>
  );
}
