import { useId, useState } from 'react';
import { customerClient } from '../client/clients.ts';
import { OpsPostOrderMessageMutation } from '../client/opsOrderDocuments.ts';
import type { OpsOrder } from '../opsOrderChanges.ts';
import { CommandOutcomeText, useCommand } from './OpsCommand.tsx';

/** Posts a message on the order's timeline (the customer and the public tracking page see it). */
export function OpsMessageForm({ order, onOrder }: { order: OpsOrder; onOrder: (order: OpsOrder) => void }) {
  const [message, setMessage] = useState('');
  const command = useCommand();
  const fieldId = useId();
  const reasonId = useId();
  const check = order.allowedActions.find((entry) => entry.action === 'POST_MESSAGE');
  const allowed = check?.allowed ?? false;
  const post = async () => {
    const text = message.trim();
    const ok = await command.run(
      'Posting…',
      () => customerClient.request(OpsPostOrderMessageMutation, { id: order.id, message: text }),
      (answer) => {
        onOrder(answer.postOrderMessage);
        return 'Message posted on the timeline.';
      },
    );
    // Kept on failure, so it can be sent again.
    if (ok) setMessage('');
  };
  return (
    <section className="card" aria-labelledby="message-heading">
      <h2 id="message-heading">Post a message</h2>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void post();
        }}
      >
        <p className="field">
          <label htmlFor={fieldId}>Message for the timeline (the customer sees it)</label>
          <textarea
            id={fieldId}
            rows={2}
            value={message}
            required
            maxLength={2000}
            aria-describedby={allowed ? undefined : reasonId}
            onChange={(event) => setMessage(event.target.value)}
          />
        </p>
        {!allowed && check?.reason ? (
          <p id={reasonId} className="ops-reason">
            {check.reason}
          </p>
        ) : null}
        <p>
          <button type="submit" disabled={!allowed || command.pending || message.trim() === ''}>
            {command.pending ? 'Posting…' : 'Post message'}
          </button>
        </p>
        <CommandOutcomeText outcome={command.outcome} testId="message-outcome" />
      </form>
    </section>
  );
}
