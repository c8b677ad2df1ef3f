import { graphql } from '../gql/index.ts';
import type { ProductionBoardQuery as BoardAnswer } from '../gql/graphql.ts';

/**
 * The board, every figure computed by the server over every order. No fragments: the API's depth
 * limit (7) counts each fragment spread as two levels, and a card's allowed actions are already
 * six deep, so the two lanes spell out the same selection.
 */
export const ProductionBoardQuery = graphql(`
  query ProductionBoard($cardsPerColumn: Int) {
    productionBoard(cardsPerColumn: $cardsPerColumn) {
      asOf
      columns {
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
      onHold {
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
    }
  }
`);

export type Board = BoardAnswer['productionBoard'];
export type BoardColumnView = Board['columns'][number];
/** What a board card shows of its order, and what its move needs (version, allowed actions). */
export type BoardCardOrder = BoardColumnView['cards'][number]['order'];
