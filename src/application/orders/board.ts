import type { Viewer } from '../../auth/viewer.ts';
import { AppError } from '../../domain/errors.ts';
import {
  ROUTE_STOPS,
  TECHNIQUES,
  type OrderState,
  type PromiseStanding,
  type RouteStopId,
  type Technique,
} from '../../domain/order/index.ts';
import {
  BOARD_STATES,
  WORK_IN_PROGRESS_STATES,
  findOrders,
  readBoardCounts,
  readBoardFacts,
  type BoardFacts,
  type BoardGroupFacts,
  type BoardState,
  type ProductionOrderView,
  type Queryable,
} from '../../projections/index.ts';

/** Cards per lane when none is asked for, and the most one answer carries. */
export const DEFAULT_BOARD_CARDS = 20;
export const MAX_BOARD_CARDS = 100;

export interface BoardCardView {
  readonly order: ProductionOrderView;
  /** Null when no promise runs (Ready: the clock stopped). */
  readonly standing: PromiseStanding | null;
}

export interface BoardLane {
  /** The route stop (`queued`, `printing`, `finishing`, `ready`), or `on-hold` for the held orders of every stage. */
  readonly id: RouteStopId | 'on-hold';
  /** The stop's label (Ready: "Ready today", the orders fulfilled on the shop's today), or "On hold". */
  readonly label: string;
  /** The lifecycle state of the stage; null for the on-hold lane. */
  readonly orderStatus: OrderState | null;
  readonly count: number;
  readonly atRisk: number;
  readonly overdue: number;
  /** Garments (line item quantities) per technique, every technique listed. */
  readonly garments: readonly { readonly technique: Technique; readonly quantity: number }[];
  /** The first cards, soonest ETA first (Ready: latest ready first). */
  readonly cards: readonly BoardCardView[];
  /** How many more orders the lane holds than its cards show. */
  readonly moreCount: number;
}

export interface ProductionBoardView {
  readonly asOf: Date;
  readonly columns: readonly BoardLane[];
  readonly onHold: BoardLane;
}

/** What the gauges export per work-in-progress stage: orders (held ones apart), at risk, overdue. */
export interface StageFigures {
  readonly stage: RouteStopId;
  readonly held: boolean;
  readonly count: number;
  readonly atRisk: number;
  readonly overdue: number;
}

const STAGES = BOARD_STATES.map((state) => {
  const stop = ROUTE_STOPS.find((candidate) => candidate.orderStatus === state);
  if (!stop) throw new Error(`no route stop for ${state}`);
  // Ready holds only the orders fulfilled on the shop's today: its heading says so.
  return { state, stop, label: state === 'fulfilled' ? `${stop.label} today` : stop.label };
});

function requireOperator(viewer: Viewer): void {
  if (!viewer.isOperator) throw new AppError('FORBIDDEN', 'Only operators can see the production board');
}

function checkCards(cardsPerColumn: number): void {
  if (!Number.isSafeInteger(cardsPerColumn) || cardsPerColumn < 0 || cardsPerColumn > MAX_BOARD_CARDS) {
    throw new AppError(
      'BAD_USER_INPUT',
      `Invalid board request: cardsPerColumn must be a whole number from 0 to ${MAX_BOARD_CARDS}`,
      { fields: [{ path: 'cardsPerColumn', message: `must be a whole number from 0 to ${MAX_BOARD_CARDS}` }] },
    );
  }
}

/**
 * The production board, for operators: every order of the board's stages counted by the server
 * (one statement), the first cards of each lane read whole in a second one. Ready is the orders
 * fulfilled on `now`'s day in the shop's time zone.
 */
export async function productionBoard(
  db: Queryable,
  viewer: Viewer,
  request: { readonly cardsPerColumn?: number },
  now: Date,
  shopTimeZone: string,
): Promise<ProductionBoardView> {
  requireOperator(viewer);
  const cardsPerColumn = request.cardsPerColumn ?? DEFAULT_BOARD_CARDS;
  checkCards(cardsPerColumn);
  const facts = await readBoardFacts(db, now, shopTimeZone, cardsPerColumn);
  const orders = await findOrders(
    db,
    facts.cards.map((card) => card.id),
    { now },
  );
  const lane = (
    id: BoardLane['id'],
    label: string,
    orderStatus: OrderState | null,
    inLane: (held: boolean, status: BoardState) => boolean,
  ): BoardLane => {
    const groups = facts.groups.filter((group) => inLane(group.held, group.status));
    const sum = (pick: (group: BoardGroupFacts) => number) => groups.reduce((total, group) => total + pick(group), 0);
    const cards = cardsOf(facts, orders, inLane);
    const count = sum((group) => group.count);
    return {
      id,
      label,
      orderStatus,
      count,
      atRisk: sum((group) => group.atRisk),
      overdue: sum((group) => group.overdue),
      garments: TECHNIQUES.map((technique) => ({
        technique,
        quantity: facts.garments
          .filter((row) => row.technique === technique && inLane(row.held, row.status))
          .reduce((total, row) => total + row.quantity, 0),
      })),
      cards,
      moreCount: Math.max(0, count - cards.length),
    };
  };
  return {
    asOf: now,
    columns: STAGES.map(({ state, stop, label }) =>
      lane(stop.id, label, state, (held, status) => !held && status === state),
    ),
    onHold: lane('on-hold', 'On hold', null, (held) => held),
  };
}

function cardsOf(
  facts: BoardFacts,
  orders: ReadonlyMap<string, ProductionOrderView>,
  inLane: (held: boolean, status: BoardState) => boolean,
): BoardCardView[] {
  return facts.cards.flatMap((card) => {
    const order = orders.get(card.id);
    return order && inLane(card.held, card.status) ? [{ order, standing: card.standing }] : [];
  });
}

/** Orders, at-risk and overdue counts per work-in-progress stage (Queued, Printing, Finishing), held apart: the gauges' figures. */
export async function stageFigures(db: Queryable, now: Date): Promise<StageFigures[]> {
  const groups = await readBoardCounts(db, now);
  return STAGES.filter(({ state }) => WORK_IN_PROGRESS_STATES.some((wip) => wip === state)).flatMap(({ state, stop }) =>
    [false, true].map((held) => {
      const group = groups.find((candidate) => candidate.status === state && candidate.held === held);
      return {
        stage: stop.id,
        held,
        count: group?.count ?? 0,
        atRisk: group?.atRisk ?? 0,
        overdue: group?.overdue ?? 0,
      };
    }),
  );
}
