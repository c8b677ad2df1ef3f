import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
// uPlot's own stylesheet, bundled with this chunk and served from our origin.
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  readonly label: string;
  /** One value per x; null: nothing to draw there. */
  readonly values: readonly (number | null)[];
  readonly color: string;
}

export interface ChartProps {
  /** Names the chart for tests and the bench (`data-chart`). */
  readonly id: string;
  /** What the picture shows, said in words (the canvas's accessible name). */
  readonly label: string;
  /** `YYYY-MM-DD` days (shop calendar), one per value. */
  readonly days: readonly string[];
  readonly series: readonly ChartSeries[];
  readonly kind: 'line' | 'bars';
  /** How a value reads on the axis and in the hover legend. */
  readonly format: (value: number) => string;
  /** Days between two x values: 1 (days) or 7 (weeks); ticks fall on whole steps. Default 1. */
  readonly stepDays?: number;
}

const HEIGHT = 240;
const DAY_S = 86_400;
const dayStart = (day: string) => Date.parse(`${day}T00:00:00Z`) / 1000;
const dayText = (ts: number) => new Date(ts * 1000).toISOString().slice(0, 10);
/** `Mar 2` under a tick: the calendar day, never a time (the days are not instants). */
const tickText = (ts: number) =>
  new Date(ts * 1000).toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });

/**
 * One uPlot chart over days: lines or bars, the values at the cursor in its legend. Loaded lazily
 * (`React.lazy`) with uPlot, so pages without charts never load either. The days are calendar
 * days already (the shop's), drawn as such: uPlot is told UTC so it shifts none of them.
 */
export default function Chart({ id, label, days, series, kind, format, stepDays = 1 }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const xs = days.map(dayStart);
    const bars = kind === 'bars' ? uPlot.paths.bars?.({ size: [0.7, 48] }) : undefined;
    const plot = new uPlot(
      {
        width: Math.max(320, element.clientWidth),
        height: HEIGHT,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        scales: {
          x: {
            time: true,
            // Bars get half a step of room at each end, so the first and last are whole.
            range: (_u, min, max) => (bars ? [min - (stepDays * DAY_S) / 2, max + (stepDays * DAY_S) / 2] : [min, max]),
          },
          y: { range: (_u, _min, max) => [0, Math.max(1, max)] },
        },
        axes: [
          {
            // Ticks on the data's own days (weeks start on Mondays, which epoch-aligned steps miss), every nth when many.
            splits: () => xs.filter((_x, index) => index % Math.ceil(xs.length / 10) === 0),
            values: (_u, ticks) => ticks.map(tickText),
          },
          { values: (_u, ticks) => ticks.map(format) },
        ],
        series: [
          { label: stepDays === 7 ? 'Week of' : 'Day', value: (_u, ts) => (ts == null ? '' : dayText(ts)) },
          ...series.map((each) => ({
            label: each.label,
            stroke: each.color,
            width: 2,
            ...(bars ? { paths: bars, fill: each.color, points: { show: false } } : {}),
            value: (_u: uPlot, value: number | null) => (value == null ? '–' : format(value)),
          })),
        ],
        hooks: {
          // Tests and the bench wait for this: the canvas has been drawn with the data.
          draw: [() => element.setAttribute('data-drawn', 'true')],
        },
      },
      [xs, ...series.map((each) => [...each.values])] as uPlot.AlignedData,
      element,
    );
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(320, element.clientWidth), height: HEIGHT }),
    );
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
      element.removeAttribute('data-drawn');
    };
  }, [days, series, kind, format, stepDays]);
  return <div ref={box} className="chart" role="img" aria-label={label} data-chart={id} />;
}
