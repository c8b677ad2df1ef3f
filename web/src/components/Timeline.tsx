import { formatDateTime } from '../format.ts';

export interface TimelineEntryView {
  readonly id: string;
  /** The status label the change left the order in. */
  readonly label: string;
  readonly message: string | null;
  readonly occurredAt: string;
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
              <time dateTime={entry.occurredAt}>{formatDateTime(entry.occurredAt)}</time>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
