/**
 * Score over time: the per-frame maximum as a line, each face track as its own series;
 * clicking (or pressing Enter on) a point selects that frame and track.
 */
import { useMemo } from 'react';
import { Line } from 'react-chartjs-2';
import type { ActiveElement, Chart, ChartEvent } from 'chart.js';
import type { Detection } from '../../../../src-shared/domain/detection';
import { faceLabel } from './evidence';
import { useChartTheme } from '../../lib/charts';
import { timecode } from '../../lib/format';

interface Point {
  x: number;
  y: number;
  frameIndex: number;
  trackId: number | null;
}

const MAX_LEGEND = 8;

/** Timeline chart; `selected` is the frame shown in the viewer. */
export function TimelineChart({ d, selected, onSelect }: { d: Detection; selected: number | null; onSelect: (frameIndex: number, trackId: number | null) => void }) {
  const t = useChartTheme();
  const datasets = useMemo(() => {
    const frameLine = {
      label: 'Frame (highest face)',
      data: d.frames.filter((f) => f.probability !== null).map((f): Point => ({ x: f.timeSec, y: (f.probability ?? 0) * 100, frameIndex: f.index, trackId: null })),
      borderColor: t.muted,
      backgroundColor: t.muted,
      borderDash: [4, 4],
      borderWidth: 1.5,
      tension: 0.2,
      pointRadius: 2,
      pointHoverRadius: 6,
    };
    const tracks = d.faceTracks.map((track, i) => ({
      label: `${faceLabel(d, track.trackId)}`,
      data: track.observations.filter((o) => o.probability !== null).map((o): Point => ({ x: o.timeSec, y: (o.probability ?? 0) * 100, frameIndex: o.frameIndex, trackId: track.trackId })),
      borderColor: t.series[i % t.series.length],
      backgroundColor: t.series[i % t.series.length],
      borderWidth: 2,
      tension: 0.2,
      pointRadius: 4,
      pointHoverRadius: 7,
    }));
    return [frameLine, ...tracks];
  }, [d, t]);

  const selectedTime = d.frames.find((f) => f.index === selected)?.timeSec ?? null;
  const onClick = (_e: ChartEvent, els: ActiveElement[], chart: Chart) => {
    // Prefer a face point over the frame line when both are under the cursor.
    const el = [...els].sort((a, b) => (a.datasetIndex === 0 ? 1 : 0) - (b.datasetIndex === 0 ? 1 : 0))[0];
    if (!el) return;
    const p = chart.data.datasets[el.datasetIndex]?.data[el.index] as Point | undefined;
    if (p) onSelect(p.frameIndex, p.trackId);
  };

  return (
    <div data-testid="timeline">
      <div className="chart-box tall">
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
              legend: { display: datasets.length <= MAX_LEGEND + 1, labels: { color: t.fg, boxHeight: 8 } },
              tooltip: { callbacks: { title: (items) => (items[0] ? timecode(Number(items[0].parsed.x)) : ''), label: (i) => `${i.dataset.label}: ${Number(i.parsed.y).toFixed(1)} %` } },
            },
          }}
        />
      </div>
      {/* The chart's points as a keyboard-reachable list of frames. */}
      <label className="filter timeline-keys">
        <span>Frame</span>
        <select value={selected ?? ''} onChange={(e) => onSelect(Number(e.target.value), null)} data-testid="timeline-frame">
          {d.frames.map((f) => (
            <option key={f.index} value={f.index}>
              {timecode(f.timeSec)} — {f.faceCount} face(s), {f.probability === null ? 'no score' : `${(f.probability * 100).toFixed(1)} %`}
            </option>
          ))}
        </select>
      </label>
      <p className="muted small" data-testid="timeline-selection">
        {selectedTime !== null ? `Selected ${timecode(selectedTime)}. Click a point to show that moment with its heatmap.` : 'Click a point to show that moment with its heatmap.'}
      </p>
    </div>
  );
}
