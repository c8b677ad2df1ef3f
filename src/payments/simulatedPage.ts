import type { Order } from '../domain/order/index.ts';

const escape = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
const dollars = (cents: number): string => `$${(cents / 100).toFixed(2)}`;

/**
 * The simulated Stripe Checkout page: the order as Stripe would show it, and a Pay button.
 * Plain HTML with no scripts or outside resources, so it works offline.
 */
export function simulatedCheckoutPage(order: Order, sessionId: string, cancelUrl: string): string {
  const rows = order.lineItems
    .map((item) => `<tr><td>${escape(order.garment.title)} - ${escape(item.size)}</td><td>${escape(item.technique)}</td><td>${item.quantity}</td><td>${dollars(item.unitPriceCents)}</td><td>${dollars(item.unitPriceCents * item.quantity)}</td></tr>`)
    .join('\n');
  const payable = order.orderStatus === 'draft' && order.payment === null;
  const action = payable
    ? `<form method="post" action="/checkout/simulated/${encodeURIComponent(sessionId)}"><button type="submit">Pay ${dollars(order.totalCents)}</button></form>`
    : `<p>This order is ${escape(order.orderStatus)}; there is nothing to pay.</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Checkout ${escape(order.reference)} (simulated)</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto}table{border-collapse:collapse;width:100%}td,th{padding:.3rem;border-bottom:1px solid #ddd;text-align:left}button{font-size:1.1rem;padding:.5rem 1.5rem}</style>
</head><body>
<p><strong>Simulated payment</strong>: no money moves. Paying sends this server a signed <code>checkout.session.completed</code>.</p>
<h1>Order ${escape(order.reference)}</h1>
<p><img src="${escape(order.designUrl)}" alt="design" width="160"></p>
<table><thead><tr><th>Item</th><th>Technique</th><th>Qty</th><th>Unit</th><th>Amount</th></tr></thead><tbody>
${rows}
</tbody><tfoot><tr><th colspan="4">Total (${escape(order.currency.toUpperCase())})</th><th>${dollars(order.totalCents)}</th></tr></tfoot></table>
${action}
<p><a href="${escape(cancelUrl)}">Back to the order</a></p>
</body></html>`;
}
