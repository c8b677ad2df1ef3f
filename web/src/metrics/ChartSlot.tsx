import { lazy, Suspense } from 'react';
import type { ChartProps } from './Chart.tsx';

const loadChart = () => import('./Chart.tsx');
/** uPlot and its stylesheet come with this chunk, fetched only by pages that draw a chart. */
const LazyChart = lazy(loadChart);

/** Starts fetching the chart chunk (an operator's figures page, while its data is asked for): not one more round trip after the answer. */
export function preloadChart(): void {
  void loadChart();
}

export function ChartSlot(props: ChartProps) {
  return (
    <Suspense fallback={<p className="muted">Drawing the chart…</p>}>
      <LazyChart {...props} />
    </Suspense>
  );
}
