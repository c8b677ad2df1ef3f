import { graphql } from '../gql/index.ts';
import type { ProductionBoardQuery as BoardAnswer } from '../gql/graphql.ts';

/** A board column as both lanes (the stages and the holds) show it: its figures and up to N cards. */
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

export type Board = BoardAnswer['productionBoard'];
export type BoardColumnView = Board['columns'][number];
/** What a board card shows of its order, and what its move needs (version, allowed actions). */
export type BoardCardOrder = BoardColumnView['cards'][number]['order'];
