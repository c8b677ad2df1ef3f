import { formatDateTime, formatMoney } from '../format.ts';
import type { OpsOrder } from '../opsOrderChanges.ts';

/** What operators must look at, as flags, then the payment and refund facts as Stripe reported them. */
export function OpsPaymentFacts({ order }: { order: OpsOrder }) {
  const { payment, flags } = order;
  const raised = [
    flags.paymentMismatch
      ? {
          id: 'payment-mismatch',
          text: 'Payment mismatch: the money received does not equal the order total; the order was not submitted.',
        }
      : null,
    flags.disputed
      ? {
          id: 'disputed',
          text: `Disputed${flags.disputeStatus ? ` (${flags.disputeStatus.replaceAll('_', ' ')})` : ''}${flags.disputeEvidenceDueBy ? `: evidence due by ${formatDateTime(flags.disputeEvidenceDueBy)}` : ''}.`,
        }
      : null,
    flags.refundFailed
      ? {
          id: 'refund-failed',
          text: `Refund failed${payment.refundFailureReason ? `: ${payment.refundFailureReason}` : ''}.`,
        }
      : null,
    flags.refundExcess
      ? { id: 'refund-excess', text: 'Stripe reported more refunded than was paid; the excess was not recorded.' }
      : null,
    flags.refunded
      ? { id: 'refunded', text: `Refunded ${formatMoney(payment.refundedCents, payment.currency)}.` }
      : null,
  ].filter((flag) => flag !== null);
  return (
    <section className="card" aria-labelledby="payment-heading">
      <h2 id="payment-heading">Payment</h2>
      {raised.length > 0 ? (
        <ul className="ops-flags" aria-label="Flags">
          {raised.map((flag) => (
            <li key={flag.id} data-flag={flag.id}>
              {flag.text}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No flags.</p>
      )}
      <dl className="facts">
        <dt>Total</dt>
        <dd>{formatMoney(order.totalCents, order.currency)}</dd>
        <dt>Paid</dt>
        <dd data-testid="paid">
          {formatMoney(payment.paidCents, payment.currency)}
          {payment.paidAt ? ` on ${formatDateTime(payment.paidAt)}` : ''}
        </dd>
        <dt>Refunded</dt>
        <dd>{formatMoney(payment.refundedCents, payment.currency)}</dd>
        <dt>Refund</dt>
        <dd data-testid="refund-state">
          {payment.refundFailed
            ? 'Failed'
            : payment.refundRequested
              ? 'Requested, waiting for Stripe'
              : payment.refundedCents > 0
                ? 'Recorded'
                : 'None'}
        </dd>
        {payment.lastPaymentFailure ? (
          <>
            <dt>Last payment failure</dt>
            <dd>{payment.lastPaymentFailure}</dd>
          </>
        ) : null}
        <dt>Customer</dt>
        <dd>
          <code>{order.userId}</code>
        </dd>
      </dl>
    </section>
  );
}
