import type { OpsOrder } from '../opsOrderChanges.ts';
import type { TimelineEntryView } from './Timeline.tsx';

type Entry = OpsOrder['events'][number];

const stringAt = (metadata: unknown, key: string): string | undefined => {
  const value = (metadata as Record<string, unknown> | null)?.[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/** Only web links become links: a stored `javascript:` URL stays text. */
const isWebUrl = (url: string): boolean => {
  try {
    return ['http:', 'https:'].includes(new URL(url).protocol);
  } catch {
    return false;
  }
};

/** A shipment's details beyond the message (carrier and number are in it): its tracking URL. */
function Shipment({ entry }: { entry: Entry }) {
  const url = stringAt(entry.metadata, 'trackingUrl');
  if (!url) return null;
  return (
    <span className="timeline-message" data-testid="timeline-tracking">
      Tracking: {isWebUrl(url) ? <a href={url}>{url}</a> : url}
    </span>
  );
}

/** The operator's timeline: the customer's entries plus who made each change and the shipment's link. */
export const opsTimeline = (order: OpsOrder): TimelineEntryView[] =>
  order.events.map((entry) => ({
    id: entry.id,
    label: entry.statusLabel,
    message: entry.message ?? null,
    occurredAt: entry.occurredAt,
    actor: entry.actor,
    details: <Shipment entry={entry} />,
  }));
