import { useEffect, useMemo, useState } from 'react';
import { customerClient } from '../client/clients.ts';
import { ApiError } from '../client/errors.ts';
import { OpsLayout } from '../components/OpsLayout.tsx';
import { ShopCalendarQuery, ShopMetricsQuery, type ShopCalendar, type ShopMetrics } from '../metrics/documents.ts';
import { MetricsForm } from '../metrics/MetricsForm.tsx';
import { preloadChart } from '../metrics/ChartSlot.tsx';
import { Figures } from '../metrics/Figures.tsx';
import { metricsFilterSearch, parseMetricsFilter, type MetricsFilter } from '../metrics/period.ts';
import { useLocation } from '../router.tsx';

/** `/ops/metrics`: the shop's figures as charts, for operators (checked before anything is loaded). */
export function OpsMetricsPage() {
  return (
    <OpsLayout title="Shop figures">
      <MetricsConsole />
    </OpsLayout>
  );
}

/** The filter goes into the address (shareable, reloadable), as the order list's does. */
function showFilter(filter: MetricsFilter): void {
  const url = `/ops/metrics${metricsFilterSearch(filter)}`;
  if (url === location.pathname + location.search) return;
  history.pushState(null, '', url);
  dispatchEvent(new PopStateEvent('popstate'));
}

type Answer =
  | { readonly state: 'loading'; readonly shown: ShopMetrics | null }
  | { readonly state: 'done'; readonly shown: ShopMetrics }
  | { readonly state: 'failed'; readonly shown: ShopMetrics | null; readonly error: ApiError };

const asApiError = (caught: unknown) =>
  caught instanceof ApiError ? caught : new ApiError('The request failed.', 'NETWORK', true);

type CalendarAnswer =
  | { readonly state: 'loading' }
  | { readonly state: 'done'; readonly calendar: ShopCalendar }
  | { readonly state: 'failed'; readonly error: ApiError };

/**
 * The shop's days are counted in its time zone (`SHOP_TIME_ZONE`), not the browser's: the
 * presets end on the shop's today, which the server tells, before any figure is asked for.
 */
function MetricsConsole() {
  const [answer, setAnswer] = useState<CalendarAnswer>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);
  useEffect(preloadChart, []);
  useEffect(() => {
    let live = true;
    setAnswer({ state: 'loading' });
    customerClient.request(ShopCalendarQuery, {}).then(
      (data) => live && setAnswer({ state: 'done', calendar: data.shopCalendar }),
      (caught: unknown) => live && setAnswer({ state: 'failed', error: asApiError(caught) }),
    );
    return () => {
      live = false;
    };
  }, [attempt]);
  if (answer.state === 'done') return <MetricsFigures calendar={answer.calendar} />;
  return (
    <>
      <h1>Shop figures</h1>
      {answer.state === 'loading' ? (
        <p role="status" data-testid="metrics-status">
          Loading the shop&apos;s calendar…
        </p>
      ) : (
        <p role="alert" className="error">
          The shop&apos;s calendar could not be loaded: {answer.error.message}{' '}
          <button type="button" onClick={() => setAttempt((n) => n + 1)}>
            Try again
          </button>
        </p>
      )}
    </>
  );
}

function MetricsFigures({ calendar }: { calendar: ShopCalendar }) {
  const { search } = useLocation();
  const searchText = search.toString();
  // Presets end on the shop's today; explicit from/to in the address stay as they are.
  const { today } = calendar;
  const filter = useMemo(() => parseMetricsFilter(new URLSearchParams(searchText), today), [searchText, today]);
  const [answer, setAnswer] = useState<Answer>({ state: 'loading', shown: null });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let live = true;
    setAnswer((before) => ({ state: 'loading', shown: before.shown }));
    customerClient
      .request(ShopMetricsQuery, {
        from: filter.from,
        to: filter.to,
        priority: filter.priority,
        technique: filter.technique,
      })
      .then(
        (data) => live && setAnswer({ state: 'done', shown: data.shopMetrics }),
        (caught: unknown) => {
          // What was shown belongs to another filter: it goes, and the refusal says why.
          if (live) setAnswer({ state: 'failed', shown: null, error: asApiError(caught) });
        },
      );
    return () => {
      live = false;
    };
  }, [filter, attempt]);

  return (
    <>
      <h1>Shop figures</h1>
      <MetricsForm filter={filter} today={today} timeZone={calendar.timeZone} onApply={showFilter} />
      <p role="status" data-testid="metrics-status">
        {answer.state === 'loading'
          ? 'Loading the figures…'
          : answer.state === 'done'
            ? `Figures from ${answer.shown.from} to ${answer.shown.to}${filterText(filter)}.`
            : ''}
      </p>
      {answer.state === 'failed' ? (
        <p role="alert" className="error">
          The figures could not be loaded: {answer.error.message}
          {answer.error.code === 'BAD_USER_INPUT' ? null : (
            <>
              {' '}
              <button type="button" onClick={() => setAttempt((n) => n + 1)}>
                Try again
              </button>
            </>
          )}
        </p>
      ) : null}
      {answer.shown ? <Figures metrics={answer.shown} /> : null}
    </>
  );
}

function filterText(filter: MetricsFilter): string {
  const parts = [
    filter.priority ? `${filter.priority.toLowerCase()} priority` : '',
    filter.technique ? `${filter.technique.toLowerCase()} technique` : '',
  ].filter(Boolean);
  return parts.length ? `, ${parts.join(', ')} only` : '';
}
