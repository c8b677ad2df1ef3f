import type { Connection } from '../client/resumableFeed.ts';

const TEXT: Record<Connection, string> = {
  online: 'Live: changes appear as they happen.',
  connecting: 'Connecting to live updates…',
  offline: 'Offline: live updates are paused. Reconnecting…',
};

/** Says whether the page is live; a status region, so a change of connection is announced politely. */
export function ConnectionBanner({ connection }: { connection: Connection }) {
  return (
    <p role="status" className={`connection connection-${connection}`} data-connection={connection}>
      {TEXT[connection]}
    </p>
  );
}
