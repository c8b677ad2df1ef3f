import {
  AT_RISK_SHARE,
  promiseMs,
  TIER_DAYS,
  type OrderState,
  type PromiseStanding,
  type Technique,
  type Tier,
} from '../../domain/order/index.ts';
import { shopDay } from '../metrics/zone.ts';
import type { Queryable } from './queries.ts';

/**
 * The production board's figures over every order of the board's stages, in one statement (one
 * snapshot): per stage and hold, the count and the at-risk and overdue counts, the garments per
 * technique, and the first cards by ETA. The promise standing (`src/domain/order/promise.ts`) is
 * written here once, as SQL, and every figure and card reads it from the same `board` rows.
 * Ready is the orders made ready (fulfilled) on the shop's today (`SHOP_TIME_ZONE`): the day is
 * the metrics' `shopDay`, its bounds that day's midnights in the zone.
 */

/** The lifecycle states the board shows, a column each (Queued, Printing, Finishing, Ready today). */
export const BOARD_STATES = ['submitted', 'approved', 'in_production', 'fulfilled'] as const satisfies OrderState[];
export type BoardState = (typeof BOARD_STATES)[number];

export interface BoardGroupFacts {
  readonly status: BoardState;
  readonly held: boolean;
  readonly count: number;
  readonly atRisk: number;
  readonly overdue: number;
}
export interface BoardGarmentFacts {
  readonly status: BoardState;
  readonly held: boolean;
  readonly technique: Technique;
  readonly quantity: number;
}
export interface BoardCardFacts {
  readonly id: string;
  readonly held: boolean;
  readonly status: BoardState;
  /** Null when no promise runs (a Ready order's clock stopped). */
  readonly standing: PromiseStanding | null;
}
export interface BoardFacts {
  readonly groups: readonly BoardGroupFacts[];
  readonly garments: readonly BoardGarmentFacts[];
  /** The first `cardsPerLane` of each lane (each stage's orders not on hold, and the held ones together), in board order. */
  readonly cards: readonly BoardCardFacts[];
}

const promiseSql = (tier: string) =>
  `case ${tier} ${(Object.keys(TIER_DAYS) as Tier[])
    .map((name) => `when '${name}' then ${promiseMs(name)}::float8`)
    .join(' ')} end`;

// $1: now (epoch ms), $2: the work-in-progress states read; with Ready, $3: the shop's today
// (YYYY-MM-DD) and $4: its time zone: a fulfilled order is read only when it was fulfilled that day,
// between its midnights, through the partial index on fulfilled_at (migration 016), so the board
// never walks the shop's whole history of fulfilled orders.
// Time left = paidAt + promise + held − (pausedAt or now).
// A running clock's promise is the row's eta_at (the projection's etaOf), its tier the priority;
// only a paused one (on hold) is read from the clock itself: most rows never touch the jsonb.
const boardRows = (withReady: boolean) => `with clocks as (
  select o.id, o.status, o.priority = 'hold' as held, o.fulfilled_at,
    o.status = 'fulfilled' or o.paid_at is null as no_promise,
    case when o.priority = 'hold' then ${promiseSql(`o.eta_clock->>'tier'`)} else ${promiseSql('o.priority')} end
      as promise_ms,
    case when o.eta_at is not null then extract(epoch from o.eta_at) * 1000 - $1::float8
      when o.priority = 'hold' then (o.eta_clock->>'paidAtMs')::float8 + ${promiseSql(`o.eta_clock->>'tier'`)}
        + coalesce((o.eta_clock->>'heldMs')::float8, 0)
        - coalesce((o.eta_clock->>'pausedAtMs')::float8, $1::float8) end as left_ms
  from production_orders o where o.status = any($2::text[])${
    withReady
      ? `
    or (o.status = 'fulfilled' and o.fulfilled_at >= $3::date::timestamp at time zone $4::text
      and o.fulfilled_at < ($3::date + 1)::timestamp at time zone $4::text)`
      : ''
  }
), board as (
  select id, status, held,
    case when no_promise or left_ms is null then null
      when left_ms < 0 then 'overdue'
      when left_ms < promise_ms * ${AT_RISK_SHARE} then 'at_risk'
      else 'on_track' end as standing,
    -- By ETA (time left), soonest first; Ready has none: the latest ready first.
    case when status = 'fulfilled' then -extract(epoch from fulfilled_at) * 1000 else left_ms end as sort_key
  from clocks
)`;

const GROUPS = `(select coalesce(json_agg(json_build_object('status', status, 'held', held, 'count', n,
    'atRisk', at_risk, 'overdue', overdue)), '[]'::json)
  from (select status, held, count(*) as n, count(*) filter (where standing = 'at_risk') as at_risk,
    count(*) filter (where standing = 'overdue') as overdue from board group by status, held) g)`;

const GARMENTS = `(select coalesce(json_agg(json_build_object('status', status, 'held', held, 'technique', technique,
    'quantity', quantity)), '[]'::json)
  from (select b.status, b.held, li.technique, sum(li.quantity)::int8 as quantity
    from board b join production_line_items li on li.order_id = b.id group by b.status, b.held, li.technique) t)`;

// $5: cards per lane. A lane: a stage's orders not on hold, or every held order.
const CARDS = `(select coalesce(json_agg(json_build_object('id', id, 'held', held, 'status', status, 'standing', standing)
    order by lane, rn), '[]'::json)
  from (select id, held, status, standing, lane,
    row_number() over (partition by lane order by sort_key, id) as rn
    from (select *, case when held then 'held' else status end as lane from board) b) c where rn <= $5::int)`;

const BOARD_STATEMENT = `${boardRows(true)} select ${GROUPS} as groups, ${GARMENTS} as garments, ${CARDS} as cards`;
const COUNTS_STATEMENT = `${boardRows(false)} select ${GROUPS} as groups`;

interface Raw {
  groups: BoardGroupFacts[];
  garments: (Omit<BoardGarmentFacts, 'quantity'> & { quantity: number | string })[];
  cards?: BoardCardFacts[];
}

/** The board as of `now`, its Ready the orders fulfilled on that day in `timeZone`, with the first `cardsPerLane` cards of each lane (0: figures only). */
export async function readBoardFacts(
  db: Queryable,
  now: Date,
  timeZone: string,
  cardsPerLane: number,
): Promise<BoardFacts> {
  const { rows } = await db.query<Raw>({
    name: 'orders.board',
    text: BOARD_STATEMENT,
    values: [now.getTime(), WORK_IN_PROGRESS_STATES, shopDay(now.getTime(), timeZone), timeZone, cardsPerLane],
  });
  const raw = rows[0];
  return {
    groups: raw?.groups ?? [],
    garments: (raw?.garments ?? []).map((row) => ({ ...row, quantity: Number(row.quantity) })),
    cards: raw?.cards ?? [],
  };
}

/** The stages of work in progress: the board's but Ready, whose orders are done. */
export const WORK_IN_PROGRESS_STATES = BOARD_STATES.filter((state) => state !== 'fulfilled');

/**
 * The counts alone (per stage and hold: orders, at risk, overdue) of the work in progress, for the
 * gauges scraped often: no fulfilled order is read.
 */
export async function readBoardCounts(db: Queryable, now: Date): Promise<readonly BoardGroupFacts[]> {
  const { rows } = await db.query<Pick<Raw, 'groups'>>({
    name: 'orders.board_counts',
    text: COUNTS_STATEMENT,
    values: [now.getTime(), WORK_IN_PROGRESS_STATES],
  });
  return rows[0]?.groups ?? [];
}
