import { useEffect, useRef, useState } from 'react';
import { customerClient } from '../client/clients.ts';
import { OpsIssueTrackingLinkMutation, OpsRevokeTrackingLinkMutation } from '../client/opsOrderDocuments.ts';
import type { OpsOrder } from '../opsOrderChanges.ts';
import { CommandOutcomeText, useCommand } from './OpsCommand.tsx';

/** The public tracking link: shown, issued when there is none, or revoked and replaced (the old one stops working). */
export function OpsTrackingLink({ order, onOrder }: { order: OpsOrder; onOrder: (order: OpsOrder) => void }) {
  const command = useCommand();
  const [confirming, setConfirming] = useState(false);
  const revokeButton = useRef<HTMLButtonElement>(null);
  const wasConfirming = useRef(false);
  // Leaving the confirmation (kept or revoked) puts focus back on the button that asked for it.
  useEffect(() => {
    if (wasConfirming.current && !confirming) revokeButton.current?.focus();
    wasConfirming.current = confirming;
  }, [confirming]);
  const issue = () =>
    command.run(
      'Issuing…',
      () => customerClient.request(OpsIssueTrackingLinkMutation, { id: order.id }),
      (answer) => {
        onOrder(answer.issueTrackingLink);
        return 'Tracking link issued.';
      },
    );
  const revoke = async () => {
    setConfirming(false);
    await command.run(
      'Revoking…',
      () => customerClient.request(OpsRevokeTrackingLinkMutation, { id: order.id }),
      (answer) => {
        onOrder(answer.revokeTrackingLink);
        return 'The old link no longer works; a new one replaces it.';
      },
    );
  };
  return (
    <section className="card" aria-labelledby="tracking-heading">
      <h2 id="tracking-heading">Public tracking link</h2>
      {order.publicTrackingUrl ? (
        <>
          <p>
            <a href={order.publicTrackingUrl} data-testid="tracking-url">
              {order.publicTrackingUrl}
            </a>
          </p>
          {confirming ? (
            <p>
              Revoke this link? Anyone using it loses access; a new link replaces it.{' '}
              <button type="button" className="button-danger" onClick={() => void revoke()}>
                Yes, revoke and replace
              </button>{' '}
              <button type="button" autoFocus onClick={() => setConfirming(false)}>
                Keep this link
              </button>
            </p>
          ) : (
            <p>
              <button type="button" ref={revokeButton} disabled={command.pending} onClick={() => setConfirming(true)}>
                {command.pending ? 'Revoking…' : 'Revoke and replace'}
              </button>
            </p>
          )}
        </>
      ) : (
        <>
          <p>No public tracking link has been issued.</p>
          <p>
            <button type="button" disabled={command.pending} onClick={() => void issue()}>
              {command.pending ? 'Issuing…' : 'Issue tracking link'}
            </button>
          </p>
        </>
      )}
      <CommandOutcomeText outcome={command.outcome} testId="tracking-outcome" />
    </section>
  );
}
