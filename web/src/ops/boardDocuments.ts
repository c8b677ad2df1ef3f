import { graphql } from '../gql/index.ts';

/** What a board card shows of its order, and what its move needs (version, allowed actions). */
export const BoardCardOrder = graphql(`
  fragment BoardCardOrder on ProductionOrder {
    id
    reference
    orderStatus
    statusLabel
    priority
    holdReason
    etaAt
    etaDays
    canceled
    version
    garment {
      title
    }
    lineItems {
      quantity
      technique
    }
    allowedActions {
      action
      allowed
      reason
    }
  }
`);

export const BoardColumnFields = graphql(`
  fragment BoardColumnFields on BoardColumn {
    id
    label
    orderStatus
    count
    atRisk
    overdue
    moreCount
    garments {
      technique
      quantity
    }
    cards {
      standing
      order {
        ...BoardCardOrder
      }
    }
  }
`);

/** The board, every figure computed by the server over every order. */
export const ProductionBoardQuery = graphql(`
  query ProductionBoard($cardsPerColumn: Int) {
    productionBoard(cardsPerColumn: $cardsPerColumn) {
      asOf
      columns {
        ...BoardColumnFields
      }
      onHold {
        ...BoardColumnFields
      }
    }
  }
`);
