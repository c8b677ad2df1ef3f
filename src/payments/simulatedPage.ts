import type { Order } from '../domain/order/index.ts';

/** Where the page's stylesheet is served (`checkoutSimulated.ts`): same origin, no inline style. */
export const SIMULATED_CHECKOUT_STYLESHEET = '/checkout/simulated/style.css';
/** The stylesheet itself, next to this file. */
export const SIMULATED_CHECKOUT_CSS_FILE = new URL('./simulatedCheckout.css', import.meta.url);

const escape = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
const dollars = (cents: number): string => `$${(cents / 100).toFixed(2)}`;

/**
 * The simulated Stripe Checkout page: the order as Stripe would show it, and a Pay button that
 * posts a plain form. Nothing runs or loads from elsewhere (no script, the stylesheet from this
 * server), so it works offline and under a strict Content-Security-Policy. The design is a link,
 * not an image: it lives on another origin.
 */
export function simulatedCheckoutPage(order: Order, sessionId: string, cancelUrl: string): string {
  const currency = escape(order.currency.toUpperCase());
  const rows = order.lineItems
    .map(
      (item) =>
        `<tr><th scope="row">${escape(order.garment.title)} - ${escape(item.size)}</th><td>${escape(item.technique)}</td><td class="num">${item.quantity}</td><td class="num">${dollars(item.unitPriceCents)}</td><td class="num">${dollars(item.unitPriceCents * item.quantity)}</td></tr>`,
    )
    .join('\n');
  const payable = order.orderStatus === 'draft' && order.payment === null;
  const action = payable
    ? `<form method="post" action="/checkout/simulated/${encodeURIComponent(sessionId)}">
<button type="submit" aria-describedby="simulated-notice">Pay ${dollars(order.totalCents)}</button>
</form>`
    : `<p class="status" role="status">This order is ${escape(order.orderStatus)}; there is nothing to pay.</p>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex">
<title>Pay order ${escape(order.reference)} (simulated checkout)</title>
<link rel="stylesheet" href="${SIMULATED_CHECKOUT_STYLESHEET}">
</head>
<body>
<main>
<div class="card">
<p class="brand">Production orders · Checkout</p>
<h1>Order ${escape(order.reference)}</h1>
<p class="notice" id="simulated-notice"><strong>Simulated payment:</strong> no money moves. Paying sends this server a signed <code>checkout.session.completed</code>, as Stripe would.</p>
<table>
<caption>Items</caption>
<thead><tr><th scope="col">Item</th><th scope="col">Technique</th><th scope="col" class="num">Qty</th><th scope="col" class="num">Unit</th><th scope="col" class="num">Amount</th></tr></thead>
<tbody>
${rows}
</tbody>
<tfoot><tr><th scope="row" colspan="4">Total (${currency})</th><td class="num">${dollars(order.totalCents)}</td></tr></tfoot>
</table>
${action}
<p class="after"><a href="${escape(order.designUrl)}" rel="noreferrer noopener">View the design</a> · <a href="${escape(cancelUrl)}">Back to the order</a></p>
</div>
</main>
</body>
</html>`;
}
