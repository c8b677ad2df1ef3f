import { useEffect, useState } from 'react';
import { customerClient } from '../client/clients.ts';
import { OrderPaymentQuery } from '../client/documents.ts';
import { ApiError } from '../client/errors.ts';
import type { OrderPaymentQuery as OrderPaymentResult } from '../gql/graphql.ts';
import { formatDateTime, formatMoney } from '../format.ts';

type Payment = NonNullable<OrderPaymentResult['order']>['payment'];

/** A paid order that was canceled: what was paid and what came back, as Stripe reported it. Read again at each change. */
export function RefundFacts({ orderId, position }: { orderId: string; position: string }) {
  const [payment, setPayment] = useState<Payment | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    customerClient.request(OrderPaymentQuery, { id: orderId }).then(
      (answer) => {
        if (!current) return;
        setPayment(answer.order?.payment ?? null);
        setFailure(null);
      },
      (error: unknown) => current && setFailure(error instanceof ApiError ? error.message : 'The request failed.'),
    );
    return () => {
      current = false;
    };
  }, [orderId, position]);

  return (
    <section className="card" aria-labelledby="refund-heading">
      <h2 id="refund-heading">Refund</h2>
      {failure ? <p className="error">The refund details could not be loaded: {failure}</p> : null}
      {payment ? (
        <dl className="facts">
          <dt>Paid</dt>
          <dd>
            {formatMoney(payment.paidCents, payment.currency)}
            {payment.paidAt ? ` on ${formatDateTime(payment.paidAt)}` : ''}
          </dd>
          <dt>Refunded</dt>
          <dd data-testid="refunded">{formatMoney(payment.refundedCents, payment.currency)}</dd>
          <dt>Refund status</dt>
          <dd data-testid="refund-status">
            {payment.refundFailed
              ? `The refund failed${payment.refundFailureReason ? `: ${payment.refundFailureReason}` : ''}. We are looking into it.`
              : payment.refundRequested
                ? 'Refund requested; waiting for the payment provider to confirm it.'
                : payment.refundedCents >= payment.paidCents && payment.paidCents > 0
                  ? 'Refunded in full.'
                  : 'No refund is pending.'}
          </dd>
        </dl>
      ) : failure ? null : (
        <p>Loading the refund details…</p>
      )}
    </section>
  );
}
