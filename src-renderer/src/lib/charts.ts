/** Chart.js registration (tree-shaken) and colours taken from the current theme's CSS variables. */
import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  DoughnutController,
  Filler,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  Tooltip,
} from 'chart.js';
import { useEffect, useState } from 'react';
import type { VerdictBand } from '../../../src-shared/domain/detection';

Chart.register(ArcElement, BarController, BarElement, CategoryScale, DoughnutController, Filler, Legend, LineController, LineElement, LinearScale, PointElement, Tooltip);
// Charts animate only briefly so streaming updates stay calm.
Chart.defaults.set('animation', { duration: 150 });

/** Read a CSS custom property from :root. */
export function cssVar(name: string, fallback = '#888'): string {
  if (typeof getComputedStyle !== 'function') return fallback;
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

export interface ChartTheme {
  fg: string;
  muted: string;
  grid: string;
  accent: string;
  band: Record<VerdictBand, string>;
  series: string[];
}

function readTheme(): ChartTheme {
  return {
    fg: cssVar('--fg'),
    muted: cssVar('--muted'),
    grid: cssVar('--line'),
    accent: cssVar('--accent'),
    band: {
      authentic: cssVar('--band-authentic'),
      inconclusive: cssVar('--band-inconclusive'),
      manipulated: cssVar('--band-manipulated'),
      undetermined: cssVar('--band-undetermined'),
    },
    series: [cssVar('--accent'), '#d97706', '#0e9f6e', '#9333ea', '#db2777', '#0891b2'],
  };
}

/** Theme colours for charts, re-read when the system switches light/dark. */
export function useChartTheme(): ChartTheme {
  const [theme, setTheme] = useState(readTheme);
  useEffect(() => {
    const mq = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
    if (!mq) return;
    const on = () => setTheme(readTheme());
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, []);
  return theme;
}

/** Scale options common to every chart. */
export function axes(t: ChartTheme, yMax?: number) {
  return {
    x: { ticks: { color: t.muted }, grid: { color: t.grid } },
    // Counts are whole numbers: no 0.4-analysis ticks.
    y: { ticks: { color: t.muted, precision: 0 }, grid: { color: t.grid }, beginAtZero: true, ...(yMax !== undefined ? { max: yMax } : {}) },
  };
}

/** "Nov 28" for a YYYY-MM-DD day key (as a calendar day, not shifted by the time zone). */
export function dayLabel(day: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return day;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}
