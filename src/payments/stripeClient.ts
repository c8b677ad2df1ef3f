import Stripe from 'stripe';

/** What the Stripe SDK needs from our configuration (`config.stripe` when set). */
export interface StripeSettings {
  readonly secretKey: string;
  /** Another API endpoint (stripe-mock, the tests' fake): its host, port and protocol replace Stripe's. */
  readonly apiBase: string | undefined;
}

/**
 * The one place the Stripe SDK is constructed. `STRIPE_API_BASE` becomes the SDK's
 * `host`/`port`/`protocol` options so tests and stripe-mock receive the real SDK's requests.
 * The SDK retries network failures itself, reusing the request's idempotency key, so a retried
 * checkout or refund never creates a second one.
 */
export function createStripeClient(settings: StripeSettings): Stripe {
  return new Stripe(settings.secretKey, {
    maxNetworkRetries: 2,
    timeout: 15_000,
    telemetry: false,
    ...(settings.apiBase ? apiBaseOptions(settings.apiBase) : {}),
  });
}

function apiBaseOptions(apiBase: string): { host: string; port: number; protocol: 'http' | 'https' } {
  const url = new URL(apiBase);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  const port = url.port ? Number(url.port) : protocol === 'http' ? 80 : 443;
  return { host: url.hostname, port, protocol };
}
