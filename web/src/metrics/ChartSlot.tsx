import { lazy, Suspense } from 'react';
import type { ChartProps } from './Chart.tsx';

/** uPlot and its stylesheet come with this chunk, fetched only by pages that draw a chart. */
const LazyChart = lazy(() => import('./Chart.tsx'));

export function ChartSlot(props: ChartProps) {
  return (
    <Suspense fallback={<p className="muted">Drawing the chart…</p>}>
      <LazyChart {...props} />
    </Suspense>
  );
}
