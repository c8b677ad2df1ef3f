import { graphql } from '../gql/index.ts';

/**
 * The operator's order page: everything the customer's page shows (`OrderFields`) plus what only
 * operators see: notes, owner, each timeline entry's actor and details, payment facts and flags.
 * The query, the subscription and every mutation on the page select it alike, so a mutation's
 * answer can be shown in place of the live value.
 */
export const OpsOrderFields = graphql(`
  fragment OpsOrderFields on ProductionOrder {
    ...OrderFields
    userId
    notes
    heldAt
    events {
      id
      actor {
        type
        id
      }
      metadata
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
`);

export const OpsOrderQuery = graphql(`
  query OpsOrder($id: ID!) {
    order(id: $id) {
      ...OpsOrderFields
    }
  }
`);

export const OpsOrderUpdatedSubscription = graphql(`
  subscription OpsOrderUpdated($id: ID!, $afterPosition: String) {
    orderUpdated(id: $id, afterPosition: $afterPosition) {
      ...OpsOrderFields
    }
  }
`);

export const OpsSetOrderStatusMutation = graphql(`
  mutation OpsSetOrderStatus(
    $id: ID!
    $status: ProductionOrderState!
    $message: String
    $expectedVersion: Int
    $tracking: TrackingInput
  ) {
    setOrderStatus(
      id: $id
      status: $status
      message: $message
      expectedVersion: $expectedVersion
      tracking: $tracking
    ) {
      ...OpsOrderFields
    }
  }
`);

export const OpsSetOrderPriorityMutation = graphql(`
  mutation OpsSetOrderPriority($id: ID!, $priority: Priority!, $reason: String, $expectedVersion: Int) {
    setOrderPriority(id: $id, priority: $priority, reason: $reason, expectedVersion: $expectedVersion) {
      ...OpsOrderFields
    }
  }
`);

export const OpsCancelOrderMutation = graphql(`
  mutation OpsCancelOrder($id: ID!, $reason: String, $expectedVersion: Int) {
    cancelOrder(id: $id, reason: $reason, expectedVersion: $expectedVersion) {
      ...OpsOrderFields
    }
  }
`);

export const OpsUpdateOrderNotesMutation = graphql(`
  mutation OpsUpdateOrderNotes($id: ID!, $notes: String!, $expectedVersion: Int) {
    updateOrderNotes(id: $id, notes: $notes, expectedVersion: $expectedVersion) {
      ...OpsOrderFields
    }
  }
`);

export const OpsPostOrderMessageMutation = graphql(`
  mutation OpsPostOrderMessage($id: ID!, $message: String!) {
    postOrderMessage(id: $id, message: $message) {
      ...OpsOrderFields
    }
  }
`);

export const OpsIssueTrackingLinkMutation = graphql(`
  mutation OpsIssueTrackingLink($id: ID!) {
    issueTrackingLink(id: $id) {
      ...OpsOrderFields
    }
  }
`);

export const OpsRevokeTrackingLinkMutation = graphql(`
  mutation OpsRevokeTrackingLink($id: ID!) {
    revokeTrackingLink(id: $id) {
      ...OpsOrderFields
    }
  }
`);
