import { graphql } from '../gql/index.ts';

/** Who is asking: the operator pages check this before they ask for any order. */
export const ViewerQuery = graphql(`
  query OpsViewer {
    viewer {
      id
      isOperator
    }
  }
`);

/** What one row of the operator's order list shows (the list, the live feed and bulk answers select it alike). */
export const OpsOrderRow = graphql(`
  fragment OpsOrderRow on ProductionOrder {
    id
    reference
    userId
    status
    statusLabel
    orderStatus
    canceled
    priority
    etaDays
    etaAt
    createdAt
    totalCents
    currency
    notes
    version
    position
    flags {
      paymentMismatch
      refunded
      refundFailed
      refundExcess
      disputed
      disputeStatus
    }
  }
`);

export const OpsOrdersQuery = graphql(`
  query OpsOrders($filter: OrderFilter, $first: Int!, $after: String) {
    orders(filter: $filter, first: $first, after: $after) {
      totalCount
      edges {
        node {
          ...OpsOrderRow
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

/** Ids and versions only: "select all N matching" reads up to 1,000 of them. */
export const OpsOrderIdsQuery = graphql(`
  query OpsOrderIds($filter: OrderFilter, $first: Int!, $after: String) {
    orders(filter: $filter, first: $first, after: $after) {
      edges {
        node {
          id
          reference
          version
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

/**
 * The list's own filter, applied by the server; `leaving` also brings the change that takes a
 * listed order out of it, and `matches` (the server's answer, by the rule `orders` applies) tells which.
 */
export const OpsOrdersChangedSubscription = graphql(`
  subscription OpsOrdersChanged($filter: OrderFilter) {
    ordersChanged(filter: $filter, leaving: true) {
      ...OpsOrderRow
      matches(filter: $filter)
    }
  }
`);

export const BulkSetOrderStatusMutation = graphql(`
  mutation BulkSetOrderStatus($input: BulkSetOrderStatusInput!) {
    bulkSetOrderStatus(input: $input) {
      results {
        id
        ok
        error {
          code
          message
        }
        order {
          ...OpsOrderRow
        }
      }
    }
  }
`);
