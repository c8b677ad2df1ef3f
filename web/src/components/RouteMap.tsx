import { ClipboardCheck, ListOrdered, Package, Printer, Sparkles, type LucideIcon } from 'lucide-react';
import type { ProductionStatus, RouteStopState } from '../gql/graphql.ts';
import { formatDateTime } from '../format.ts';

/** The spec's route stops and their icons (lib/productionRouteStops.ts), by status. */
const ICONS: Record<ProductionStatus, LucideIcon> = {
  SPEC_REVIEW: ClipboardCheck,
  QUEUED: ListOrdered,
  PRINTING: Printer,
  FINISHING: Sparkles,
  READY: Package,
};

const STATE_TEXT: Record<RouteStopState, string> = { DONE: 'Done', CURRENT: 'Current', UPCOMING: 'Upcoming' };

export interface RouteStopView {
  readonly id: string;
  readonly label: string;
  readonly status: ProductionStatus;
  readonly state: RouteStopState;
  readonly reachedAt: string | null;
}

/** The five stops, each done, current or upcoming (said in words, not by colour alone), with when it was reached. */
export function RouteMap({ route, headingId }: { route: readonly RouteStopView[]; headingId: string }) {
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>Route map</h2>
      <ol className="route">
        {route.map((stop) => {
          const Icon = ICONS[stop.status];
          return (
            <li
              key={stop.id}
              className={`stop stop-${stop.state.toLowerCase()}`}
              aria-current={stop.state === 'CURRENT' ? 'step' : undefined}
              data-stop={stop.id}
              data-state={stop.state}
            >
              <Icon aria-hidden="true" className="stop-icon" size={28} />
              <span className="stop-label">{stop.label}</span>
              <span className="stop-state">{STATE_TEXT[stop.state]}</span>
              {stop.reachedAt ? (
                <time className="stop-time" dateTime={stop.reachedAt}>
                  {formatDateTime(stop.reachedAt)}
                </time>
              ) : (
                <span className="stop-time">Not reached</span>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
