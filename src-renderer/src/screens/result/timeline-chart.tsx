/** Score over time per face track (and the per-frame maximum); clicking a point selects that frame. */
import { useMemo } from 'react';
import { Line } from 'react-chartjs-2';
import type { ChartEvent, ActiveElement, Chart } from 'chart.js';
import type { Detection } from '../../../../src-shared/domain/detection';
import { useChartTheme } from '../../lib/charts';
import { timecode } from '../../lib/format';

interface Point {
  x: number;
  y: number;
  frameIndex: number;
}

/** Timeline chart; `selected` is highlighted. */
export function TimelineChart({ d, selected, onSelect }: { d: Detection; selected: number | null; onSelect: (frameIndex: number) => void }) {
  const t = useChartTheme();
  const datasets = useMemo(() => {
    const sets = d.faceTracks.map((track, i) => ({
      label: `Face ${track.trackId + 1}`,
      data: track.observations.filter((o) => o.probability !== null).map((o) => ({ x: o.timeSec, y: (o.probability ?? 0) * 100, frameIndex: o.frameIndex })) as Point[],
      borderColor: t.series[i % t.series.length],
      backgroundColor: t.series[i % t.series.length],
      tension: 0.2,
      pointRadius: 4,
      pointHoverRadius: 7,
    }));
    if (sets.length === 0) {
      sets.push({
        label: 'Frame score',
        data: d.frames.filter((f) => f.probability !== null).map((f) => ({ x: f.timeSec, y: (f.probability ?? 0) * 100, frameIndex: f.index })),
        borderColor: t.accent,
        backgroundColor: t.accent,
        tension: 0.2,
        pointRadius: 4,
        pointHoverRadius: 7,
      });
    }
    return sets;
  }, [d, t]);

  const selectedTime = d.frames.find((f) => f.index === selected)?.timeSec ?? null;
  const onClick = (_e: ChartEvent, els: ActiveElement[], chart: Chart) => {
    const el = els[0];
    if (!el) return;
    const p = chart.data.datasets[el.datasetIndex]?.data[el.index] as Point | undefined;
    if (p) onSelect(p.frameIndex);
  };

  return (
    <div className="chart-box tall" data-testid="timeline">
      <Line
        aria-label="Manipulation probability over time, per face"
        data={{ datasets }}
        options={{
          maintainAspectRatio: false,
          parsing: false,
          interaction: { mode: 'nearest', intersect: false, axis: 'x' },
          onClick,
          scales: {
            x: { type: 'linear', title: { display: true, text: 'Time', color: t.muted }, ticks: { color: t.muted, callback: (v) => timecode(Number(v)) }, grid: { color: t.grid } },
            y: { min: 0, max: 100, title: { display: true, text: 'Probability %', color: t.muted }, ticks: { color: t.muted }, grid: { color: t.grid } },
          },
          plugins: {
            legend: { labels: { color: t.fg } },
            tooltip: { callbacks: { title: (items) => (items[0] ? timecode(Number(items[0].parsed.x)) : ''), label: (i) => `${i.dataset.label}: ${Number(i.parsed.y).toFixed(1)} %` } },
          },
        }}
      />
      <p className="muted small" data-testid="timeline-selection">
        {selectedTime !== null ? `Showing the frame at ${timecode(selectedTime)}. Click a point to show another frame.` : 'Click a point to show that frame with its heatmap.'}
      </p>
    </div>
  );
}
