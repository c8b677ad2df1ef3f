import type { OrderSummaryView } from '../../../../projections/index.ts';

/**
 * `ProductionOrder.payment` and `.flags`, from the read model's row. Money returned is capped at
 * the payment here too: a row projected before refunds were capped may still hold a larger total
 * until the next rebuild, and the API promises `refundedCents <= paidCents`.
 */
export function orderPayment(view: OrderSummaryView) {
  const { payment } = view;
  const paidCents = payment.paidCents ?? 0;
  const refundedCents = Math.min(payment.refundedCents, paidCents);
  return {
    paidCents,
    paidAt: payment.paidAt,
    currency: payment.paidCurrency ?? view.currency,
    refundedCents,
    refundRequested: payment.refundDue && refundedCents < paidCents,
    refundFailed: payment.refundFailed,
    refundFailureReason: payment.refundFailureReason,
    lastPaymentFailure: payment.lastFailure,
  };
}

export function orderFlags(view: OrderSummaryView) {
  const { payment, dispute } = view;
  const open = dispute?.open === true;
  return {
    paymentMismatch: payment.mismatch,
    refunded: Math.min(payment.refundedCents, payment.paidCents ?? 0) > 0,
    refundFailed: payment.refundFailed,
    refundExcess: payment.refundExcess || payment.refundedCents > (payment.paidCents ?? 0),
    disputed: open,
    disputeEvidenceDueBy: open ? dispute.evidenceDueBy : null,
    disputeStatus: dispute?.status ?? null,
  };
}
