import { anonymousClient } from '../client/clients.ts';
import { TrackedOrderUpdatedSubscription, TrackOrderQuery } from '../client/documents.ts';
import { useResumableFeed } from '../client/useResumableFeed.ts';
import { ConnectionBanner } from '../components/ConnectionBanner.tsx';
import { EtaCountdown } from '../components/EtaCountdown.tsx';
import { Layout } from '../components/Layout.tsx';
import { RouteMap } from '../components/RouteMap.tsx';
import { PriorityBadge, StatusBadge } from '../components/StatusBadge.tsx';
import { Timeline } from '../components/Timeline.tsx';
import type { TrackingFieldsFragment } from '../gql/graphql.ts';

/**
 * `/track/<token>`: public progress for anyone with the link, no sign-in: the same resumable
 * feed as the order page, over `trackOrder` and `trackedOrderUpdated`. A revoked link ends the
 * subscription; the reload that follows finds nothing and the page says the link no longer works.
 */
export function TrackPage({ token }: { token: string }) {
  const live = useResumableFeed<TrackingFieldsFragment>(`track:${token}`, () => ({
    load: async () => (await anonymousClient.request(TrackOrderQuery, { token })).trackOrder,
    subscribe: (afterPosition, sink) =>
      anonymousClient.subscribe(
        TrackedOrderUpdatedSubscription,
        { token, afterPosition },
        { ...sink, next: (data) => sink.next(data.trackedOrderUpdated) },
      ),
    position: (tracking) => tracking.position,
  }));
  const order = live.value;
  if (live.error?.code === 'NOT_FOUND' || (live.error && !live.error.transient && !order)) {
    return (
      <Layout title="Tracking link">
        <h1>This tracking link does not work</h1>
        <p>The link is unknown or was replaced by a newer one. Ask the shop for a current link.</p>
      </Layout>
    );
  }
  return (
    <Layout title={order ? `Tracking ${order.reference}` : 'Tracking'}>
      <ConnectionBanner connection={live.connection} />
      {order ? (
        <>
          <h1>
            Order <span data-testid="reference">{order.reference}</span>
          </h1>
          <p className="badges">
            <StatusBadge statusLabel={order.statusLabel} canceled={order.canceled} />{' '}
            <PriorityBadge priority={order.priority} />
          </p>
          <section aria-labelledby="eta-heading" className="eta-box">
            <h2 id="eta-heading">Estimated ready</h2>
            <EtaCountdown
              eta={{
                etaAt: order.etaAt,
                etaDays: order.etaDays,
                onHold: order.onHold,
                fulfilled: order.orderStatus === 'FULFILLED',
                canceled: order.canceled,
                draft: order.orderStatus === 'DRAFT',
              }}
            />
          </section>
          <RouteMap route={order.route} headingId="route-heading" />
          <Timeline
            headingId="timeline-heading"
            entries={order.events.map((event) => ({
              id: event.id,
              label: event.status,
              message: event.message,
              occurredAt: event.occurredAt,
            }))}
          />
        </>
      ) : (
        <>
          <h1>Tracking</h1>
          <p>{live.error ? `${live.error.message} Trying again…` : 'Loading…'}</p>
        </>
      )}
    </Layout>
  );
}
