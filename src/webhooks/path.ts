/** Where Stripe delivers: the route serves it, simulated payments post to it, its failures are rate limited by it. */
export const STRIPE_WEBHOOK_PATH = '/api/stripe/webhook';
