import type { ReactNode } from 'react';
import { formatDateTime } from '../format.ts';

export interface TimelineEntryView {
  readonly id: string;
  /** The status label the change left the order in. */
  readonly label: string;
  readonly message: string | null;
  readonly occurredAt: string;
  /** Who made the change; operators' pages show it, the customer's leave it out. */
  readonly actor?: { readonly type: string; readonly id: string } | undefined;
  /** More of the entry (e.g. a shipment's tracking link), where a page shows it. */
  readonly details?: ReactNode;
}

/** The order's timeline, oldest first, as the server keeps it. */
export function Timeline({ entries, headingId }: { entries: readonly TimelineEntryView[]; headingId: string }) {
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>Timeline</h2>
      {entries.length === 0 ? (
        <p>Nothing has happened yet.</p>
      ) : (
        <ol className="timeline">
          {entries.map((entry) => (
            <li key={entry.id} data-entry={entry.id}>
              <span className="timeline-label">{entry.label}</span>
              {entry.message ? <span className="timeline-message">{entry.message}</span> : null}
              {entry.details}
              <time dateTime={entry.occurredAt}>{formatDateTime(entry.occurredAt)}</time>
              {entry.actor ? (
                <span className="timeline-actor" data-testid="timeline-actor">
                  by {entry.actor.type.toLowerCase()} <code>{entry.actor.id}</code>
                </span>
              ) : null}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
