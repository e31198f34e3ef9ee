import { useEffect, useRef, type ReactNode } from 'react';
import uPlot, { type AlignedData, type Options } from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useTheme } from '../app/theme.js';

/** Reads a CSS custom property of the page, so charts follow the light/dark theme. */
export function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

/**
 * uPlot in a React component: the chart is made when the data, size or theme change and destroyed on
 * unmount. `label` is the accessible name; the numbers are always beside the chart as text too.
 */
export function UplotChart({
  label,
  data,
  options,
  height = 220,
}: {
  label: string;
  data: AlignedData;
  options: (width: number) => Omit<Options, 'width' | 'height'>;
  height?: number;
}): ReactNode {
  const host = useRef<HTMLDivElement>(null);
  const { theme } = useTheme();
  useEffect(() => {
    const el = host.current;
    if (!el) return undefined;
    let chart: uPlot | undefined;
    const draw = (): void => {
      chart?.destroy();
      const width = Math.max(240, el.clientWidth);
      chart = new uPlot({ ...options(width), width, height }, data, el);
    };
    draw();
    const ro = new ResizeObserver(() => {
      if (chart && Math.abs(chart.width - el.clientWidth) > 8) draw();
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      chart?.destroy();
    };
  }, [data, options, height, theme]);
  return <div className="chart" ref={host} role="img" aria-label={label} />;
}

const axis = (): uPlot.Axis => ({
  stroke: cssVar('--fg-muted'),
  grid: { stroke: cssVar('--border'), width: 1 },
  ticks: { stroke: cssVar('--border'), width: 1 },
});

/** A bar chart over categories (x is the category index; its labels are the category names). */
export function barOptions(
  categories: readonly string[],
  seriesLabel: string,
  color: string,
): (width: number) => Omit<Options, 'width' | 'height'> {
  return () => ({
    legend: { show: false },
    cursor: { show: false },
    scales: {
      x: { time: false, range: [-0.5, categories.length - 0.5] },
      y: { range: (_u, _min, max) => [0, Math.max(1, max)] },
    },
    axes: [
      {
        ...axis(),
        values: (_u, splits) => splits.map((i) => categories[i] ?? ''),
        splits: () => categories.map((_, i) => i),
      },
      {
        ...axis(),
        values: (_u, splits) => splits.map((v) => new Intl.NumberFormat(navigator.languages).format(v)),
      },
    ],
    series: [
      {},
      {
        label: seriesLabel,
        stroke: cssVar(color),
        fill: cssVar(color),
        ...(uPlot.paths.bars ? { paths: uPlot.paths.bars({ size: [0.6, 64] }) } : {}),
        points: { show: false },
      },
    ],
  });
}
