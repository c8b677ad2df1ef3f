import { graphql } from '../gql/index.ts';

/** Everything the order pages show of an order; the query, the subscription and mutations select it alike. */
export const OrderFields = graphql(`
  fragment OrderFields on ProductionOrder {
    id
    reference
    status
    statusLabel
    orderStatus
    createdAt
    updatedAt
    prompt
    priority
    etaDays
    etaAt
    imageUrl
    garment {
      id
      title
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
      occurredAt
      position
    }
    version
    position
    totalCents
    currency
    canceled
    holdReason
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
    checkoutUrl
    publicTrackingUrl
  }
`);

export const OrderQuery = graphql(`
  query Order($id: ID!) {
    order(id: $id) {
      ...OrderFields
    }
  }
`);

export const OrderUpdatedSubscription = graphql(`
  subscription OrderUpdated($id: ID!, $afterPosition: String) {
    orderUpdated(id: $id, afterPosition: $afterPosition) {
      ...OrderFields
    }
  }
`);

export const CancelOrderMutation = graphql(`
  mutation CancelOrder($id: ID!, $expectedVersion: Int) {
    cancelOrder(id: $id, expectedVersion: $expectedVersion) {
      ...OrderFields
    }
  }
`);

/** Payment and refund facts, read on their own: only a canceled paid order shows them. */
export const OrderPaymentQuery = graphql(`
  query OrderPayment($id: ID!) {
    order(id: $id) {
      id
      position
      payment {
        paidCents
        paidAt
        currency
        refundedCents
        refundRequested
        refundFailed
        refundFailureReason
      }
    }
  }
`);

export const MyOrdersQuery = graphql(`
  query MyOrders($first: Int!, $after: String) {
    orders(first: $first, after: $after) {
      edges {
        cursor
        node {
          id
          reference
          statusLabel
          orderStatus
          canceled
          priority
          createdAt
          totalCents
          currency
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const TrackingFields = graphql(`
  fragment TrackingFields on PublicOrderTracking {
    reference
    status
    statusLabel
    orderStatus
    canceled
    priority
    etaDays
    etaAt
    onHold
    route {
      id
      label
      status
      state
      reachedAt
    }
    events {
      id
      status
      message
      occurredAt
    }
    position
  }
`);

export const TrackOrderQuery = graphql(`
  query TrackOrder($token: String!) {
    trackOrder(token: $token) {
      ...TrackingFields
    }
  }
`);

export const TrackedOrderUpdatedSubscription = graphql(`
  subscription TrackedOrderUpdated($token: String!, $afterPosition: String) {
    trackedOrderUpdated(token: $token, afterPosition: $afterPosition) {
      ...TrackingFields
    }
  }
`);
