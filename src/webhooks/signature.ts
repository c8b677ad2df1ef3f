import Stripe from 'stripe';
import { AppError } from '../domain/errors.ts';

/** Stripe's default: a signature older than five minutes is refused (replay protection). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/**
 * Checks `Stripe-Signature` against the exact bytes received and returns the parsed event.
 * Several secrets may be configured during our own secret rotation; the SDK already accepts any
 * of several `v1` signatures in one header (Stripe's side of a rotation). A timestamp from the
 * future beyond the tolerance is refused too: the SDK checks age only.
 * Throws `BAD_USER_INPUT` (400) on any failure, before anything is read from the body.
 */
export function verifyStripeEvent(
  rawBody: Buffer,
  header: string | string[] | undefined,
  secrets: readonly string[],
  now: Date,
): Stripe.Event {
  if (typeof header !== 'string' || header.length === 0) throw badSignature('the Stripe-Signature header is missing');
  const timestamp = /(?:^|,)t=(\d+)(?:,|$)/.exec(header)?.[1];
  if (timestamp && Number(timestamp) > now.getTime() / 1000 + SIGNATURE_TOLERANCE_SECONDS) {
    throw badSignature('the signature timestamp is in the future');
  }
  let lastProblem = 'no webhook secret is configured';
  for (const secret of secrets) {
    try {
      const event = Stripe.webhooks.constructEvent(
        rawBody,
        header,
        secret,
        SIGNATURE_TOLERANCE_SECONDS,
        undefined,
        now.getTime(),
      );
      if (typeof event?.id !== 'string' || typeof event.type !== 'string' || !event.data?.object)
        throw badSignature('the payload is not a Stripe event');
      return event;
    } catch (error) {
      if (!(error instanceof Stripe.errors.StripeSignatureVerificationError)) {
        throw error instanceof AppError ? error : badSignature('the payload is not a Stripe event');
      }
      lastProblem = error.message;
    }
  }
  throw badSignature(lastProblem);
}

const SIGNATURE_FIELD = 'stripe-signature';

function badSignature(why: string): AppError {
  return new AppError('BAD_USER_INPUT', `Invalid Stripe webhook signature: ${why}`, {
    fields: [{ path: SIGNATURE_FIELD, message: why }],
  });
}

/** The error {@link verifyStripeEvent} refuses a delivery with (bad webhook deliveries are rate-limited per address). */
export const isBadSignature = (error: unknown): boolean =>
  error instanceof AppError && error.code === 'BAD_USER_INPUT' && error.details.fields?.[0]?.path === SIGNATURE_FIELD;
