import { useState } from 'react';
import { customerClient } from '../client/clients.ts';
import { CancelOrderMutation } from '../client/documents.ts';
import { ApiError } from '../client/errors.ts';
import type { ProductionOrder } from '../client/useProductionRealtime.ts';

type Outcome =
  | { kind: 'idle' }
  | { kind: 'confirming' }
  | { kind: 'pending' }
  | { kind: 'done'; text: string }
  | { kind: 'failed'; text: string };

/**
 * Pay now (a draft's checkout URL) and Cancel order, as the server allows it: a refused action is
 * disabled with the server's reason; the outcome shown is the server's answer, never assumed.
 */
export function OrderActions({
  order,
  onOrder,
  offerPayment,
}: {
  order: ProductionOrder;
  onOrder: (order: ProductionOrder) => void;
  offerPayment: boolean;
}) {
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'idle' });
  const cancel = order.allowedActions.find((check) => check.action === 'CANCEL');
  const draft = offerPayment && order.orderStatus === 'DRAFT' && !order.canceled;

  const confirmCancel = async () => {
    setOutcome({ kind: 'pending' });
    try {
      const answer = await customerClient.request(CancelOrderMutation, {
        id: order.id,
        expectedVersion: order.version,
      });
      onOrder(answer.cancelOrder);
      setOutcome({
        kind: 'done',
        text: answer.cancelOrder.canceled
          ? `Order ${answer.cancelOrder.reference} is canceled.`
          : 'The server did not cancel the order.',
      });
    } catch (error) {
      const text =
        error instanceof ApiError
          ? error.code === 'VERSION_CONFLICT'
            ? 'The order changed meanwhile; look at it again before canceling.'
            : error.message
          : 'The request failed.';
      setOutcome({ kind: 'failed', text: `Not canceled: ${text}` });
    }
  };

  if (order.canceled && outcome.kind !== 'done') return null;
  // The success page of a draft: Stripe's confirmation is on its way; neither paying again nor canceling now.
  if (!offerPayment && order.orderStatus === 'DRAFT') return null;
  return (
    <section className="card" aria-labelledby="actions-heading">
      <h2 id="actions-heading">Actions</h2>
      {draft ? (
        order.checkoutUrl ? (
          <p>
            <a className="button button-primary" href={order.checkoutUrl}>
              Pay now
            </a>{' '}
            <span className="muted">This order is not paid yet; production starts once it is.</span>
          </p>
        ) : (
          <p>This order is not paid yet, and there is no payment link for it now.</p>
        )
      ) : null}
      {cancel && !order.canceled ? (
        <div className="cancel">
          {outcome.kind === 'confirming' ? (
            <p>
              Cancel order {order.reference}?{' '}
              {order.orderStatus === 'DRAFT' ? '' : 'A refund is requested for a paid order. '}
              <button type="button" className="button-danger" onClick={() => void confirmCancel()}>
                Yes, cancel order
              </button>{' '}
              <button type="button" autoFocus onClick={() => setOutcome({ kind: 'idle' })}>
                Keep order
              </button>
            </p>
          ) : (
            <p>
              <button
                type="button"
                disabled={!cancel.allowed || outcome.kind === 'pending'}
                aria-describedby={cancel.allowed ? undefined : 'cancel-reason'}
                onClick={() => setOutcome({ kind: 'confirming' })}
              >
                {outcome.kind === 'pending' ? 'Canceling…' : 'Cancel order'}
              </button>{' '}
              {!cancel.allowed && cancel.reason ? (
                <span id="cancel-reason" className="muted">
                  {cancel.reason}
                </span>
              ) : null}
            </p>
          )}
        </div>
      ) : null}
      {outcome.kind === 'done' ? <p role="status">{outcome.text}</p> : null}
      {outcome.kind === 'failed' ? (
        <p role="alert" className="error">
          {outcome.text}
        </p>
      ) : null}
    </section>
  );
}
