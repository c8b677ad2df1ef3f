/**
 * What the upgrade test compares: an order as the public GraphQL API answers it, every field but
 * `etaDays` (whole days left from now, so it changes with the day the test runs). The fixture's
 * script recorded the old server's answers to exactly this query; the test asks the new server
 * the same, so changing it means regenerating the fixture (`make-fixture.ts`).
 */
export const ORDER_QUERY = /* GraphQL */ `
  query UpgradeOrder($id: ID!) {
    order(id: $id) {
      id
      reference
      userId
      projectId
      notes
      status
      statusLabel
      orderStatus
      createdAt
      updatedAt
      prompt
      priority
      etaAt
      imageUrl
      metadata
      version
      position
      totalCents
      currency
      canceled
      holdReason
      checkoutUrl
      publicTrackingUrl
      garment {
        id
        title
        price
        priceCents
        sizes
        imageUrl
      }
      lineItems {
        id
        size
        quantity
        technique
      }
      events {
        id
        status
        statusLabel
        message
        actor {
          type
          id
        }
        metadata
        occurredAt
        position
      }
      route {
        id
        label
        status
        state
        reachedAt
      }
      allowedActions {
        action
        allowed
        reason
        code
      }
      payment {
        paidCents
        paidAt
        currency
        refundedCents
        refundRequested
        refundFailed
        refundFailureReason
        lastPaymentFailure
      }
      flags {
        paymentMismatch
        refunded
        refundFailed
        refundExcess
        disputed
        disputeEvidenceDueBy
        disputeStatus
      }
    }
  }
`;

/** Fixed, so links built from it (garment images, tracking links, checkout URLs) compare equal. */
export const PUBLIC_BASE_URL = 'https://prints.example.com';

/** One order of the fixture, with what the old server answered about it. */
export interface FixtureOrder {
  /** What state it was left in, in words (for the test's names). */
  readonly story: string;
  readonly id: string;
  readonly ownerId: string;
  /** The `Idempotency-Key` it was created with, when it was. */
  readonly idempotencyKey?: string;
  /** `ORDER_QUERY`'s `order` as its owner saw it. */
  readonly asOwner: Record<string, unknown>;
  /** `ORDER_QUERY`'s `order` as an operator saw it. */
  readonly asOperator: Record<string, unknown>;
  /** `GET /api/production/:id` as its owner saw it, without `etaDays`. */
  readonly rest: Record<string, unknown>;
}

/** `before-redesign.json`: what the dump holds, and how it was made. */
export interface FixtureManifest {
  readonly commit: string;
  readonly madeAt: string;
  readonly postgres: string;
  /** The fixture cluster's next transaction id when it was dumped (see the test's restore). */
  readonly nextXid: string;
  readonly operatorId: string;
  readonly customerIds: readonly string[];
  readonly orders: readonly FixtureOrder[];
  /** `GET /api/production` as the operator saw it: every order id, newest first. */
  readonly operatorList: readonly string[];
}
