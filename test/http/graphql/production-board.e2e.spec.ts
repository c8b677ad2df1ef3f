import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../../src/domain/order/index.ts';
import { boardSeeder, HOUR_MS, shopDayStart } from '../../support/board-seed.ts';
import { graphql, waitFor } from '../../support/http.ts';
import { openStack, type Stack } from '../../support/stack.ts';
import { newId } from '../../support/http.ts';

const BOARD = `query ($cards: Int) { productionBoard(cardsPerColumn: $cards) {
  asOf
  columns { ...column }
  onHold { ...column }
} }
fragment column on BoardColumn {
  id label orderStatus count atRisk overdue moreCount
  garments { technique quantity }
  cards { standing order { id orderStatus priority holdReason } }
}`;

const garments = (dtg: number, screen: number, embroidery: number) => [
  { technique: 'DTG', quantity: dtg },
  { technique: 'SCREEN', quantity: screen },
  { technique: 'EMBROIDERY', quantity: embroidery },
];

interface Card {
  readonly standing: string | null;
  readonly order: { id: string; orderStatus: string; priority: string; holdReason: string | null };
}
interface Column {
  readonly id: string;
  readonly label: string;
  readonly orderStatus: string | null;
  readonly count: number;
  readonly atRisk: number;
  readonly overdue: number;
  readonly moreCount: number;
  readonly garments: readonly { technique: string; quantity: number }[];
  readonly cards: readonly Card[];
}
interface Board {
  readonly asOf: string;
  readonly columns: readonly [Column, Column, Column, Column];
  readonly onHold: Column;
}

/** Each zone's other: at any instant, one of them is on a calendar day the other is not (5 or 19 hours apart). */
const ZONES = [
  ['UTC', 'America/New_York'],
  ['America/New_York', 'UTC'],
] as const;
/** The instants of a zone's calendar day holding `at`: its first and the next day's first. */
const dayOf = (at: number, zone: string) => {
  const start = shopDayStart(at, zone);
  // A day lasts 23 to 25 hours: 26 hours on is the next day.
  return { start, end: shopDayStart(start + 26 * HOUR_MS, zone) };
};

describe.each(ZONES)('the production board over GraphQL, and the shop gauges (SHOP_TIME_ZONE=%s)', (zone, other) => {
  let fx: Stack;
  let url: string;
  /** When each Ready candidate was fulfilled (epoch ms), and its garments. */
  const fulfilled = new Map<string, { at: number; garments: ReturnType<typeof garments> }>();
  const ids = {} as Record<
    | 'queuedFresh'
    | 'queuedRush'
    | 'queuedRisk'
    | 'printingRisk'
    | 'printingReleased'
    | 'finishingLate'
    | 'readyToday'
    | 'readyYesterday'
    | 'readyEdge'
    | 'heldPaused'
    | 'heldLate',
    string
  >;

  beforeAll(async () => {
    fx = await openStack({ env: { SHOP_TIME_ZONE: zone } });
    const server = fx.servers[0]!;
    url = server.url;
    const seed = boardSeeder(server.runtime.eventStore, server.runtime.pool);
    // Queued: the rush order with 0.2 days of its 2 left is at risk; the others are on track.
    ids.queuedFresh = await seed({
      priority: 'standard',
      paidAgoMs: HOUR_MS,
      stage: 'submitted',
      sizes: [{ size: 'M', quantity: 2 }],
    });
    ids.queuedRush = await seed({
      priority: 'rush',
      paidAgoMs: DAY_MS,
      stage: 'submitted',
      sizes: [{ size: 'L', quantity: 1, technique: 'screen' }],
    });
    ids.queuedRisk = await seed({
      priority: 'rush',
      paidAgoMs: 1.8 * DAY_MS,
      stage: 'submitted',
      sizes: [
        { size: 'S', quantity: 3 },
        { size: 'M', quantity: 1, technique: 'embroidery' },
      ],
    });
    // Printing: one day of five left is at risk; three days on hold after six days paid leave two: on track.
    ids.printingRisk = await seed({
      priority: 'standard',
      paidAgoMs: 4 * DAY_MS,
      stage: 'approved',
      sizes: [{ size: 'M', quantity: 4, technique: 'screen' }],
    });
    ids.printingReleased = await seed({
      priority: 'standard',
      paidAgoMs: 6 * DAY_MS,
      stage: 'approved',
      sizes: [{ size: 'M', quantity: 5, technique: 'embroidery' }],
      hold: { agoMs: 5.5 * DAY_MS, releasedAgoMs: 2.5 * DAY_MS, reason: 'waiting for art' },
    });
    // Finishing: a rush order paid three days ago is a day overdue.
    ids.finishingLate = await seed({
      priority: 'rush',
      paidAgoMs: 3 * DAY_MS,
      stage: 'in_production',
      sizes: [{ size: 'XL', quantity: 6 }],
    });
    // Ready today: fulfilled at the shop's midnight (today), a minute before it (yesterday), and
    // between its midnight and the other zone's (today in exactly one of the two zones).
    const now = Date.now();
    const today = shopDayStart(now, zone);
    const ready = async (name: 'readyToday' | 'readyYesterday' | 'readyEdge', at: number, made: number[]) => {
      const [dtg = 0, screen = 0, embroidery = 0] = made;
      ids[name] = await seed({
        priority: 'standard',
        paidAgoMs: 6 * DAY_MS,
        stage: 'fulfilled',
        fulfilledAtMs: at,
        sizes: [
          { size: 'M', quantity: dtg },
          { size: 'L', quantity: screen, technique: 'screen' },
          { size: 'S', quantity: embroidery, technique: 'embroidery' },
        ].filter((size) => size.quantity > 0),
      });
      fulfilled.set(ids[name], { at, garments: garments(dtg, screen, embroidery) });
    };
    await ready('readyToday', today, [7]);
    await ready('readyYesterday', today - 60_000, [0, 9]);
    await ready('readyEdge', (today + shopDayStart(now, other)) / 2, [0, 0, 3]);
    // On hold since 8 days with 3 days of its promise left then: paused, so on track though paid 10 days ago.
    ids.heldPaused = await seed({
      priority: 'standard',
      paidAgoMs: 10 * DAY_MS,
      stage: 'approved',
      sizes: [{ size: 'M', quantity: 8, technique: 'screen' }],
      hold: { agoMs: 8 * DAY_MS, reason: 'blank out of stock' },
    });
    // Held when already overdue: it stays overdue.
    ids.heldLate = await seed({
      priority: 'rush',
      paidAgoMs: 4 * DAY_MS,
      stage: 'submitted',
      sizes: [{ size: 'M', quantity: 1 }],
      hold: { agoMs: DAY_MS, reason: 'customer asked to wait' },
    });
    // The last seeded order shown: every one before it is projected too.
    await waitFor(async () => {
      const board = await read(fx.operator);
      expect(board.onHold.cards.map((card) => card.order.id)).toContain(ids.heldLate);
    }, 20_000);
  }, 120_000);
  afterAll(() => fx.close());

  async function read(token: string, cards?: number): Promise<Board> {
    const { body } = await graphql(url, BOARD, { token, variables: cards === undefined ? {} : { cards } });
    expect(body.errors).toBeUndefined();
    return body.data.productionBoard as Board;
  }
  const cardIds = (column: Column) => column.cards.map((card) => card.order.id);
  /** The seeded orders fulfilled on the shop's day of `asOf` (the board's instant), latest first. */
  const readyOn = (asOf: string) => {
    const { start, end } = dayOf(Date.parse(asOf), zone);
    return [...fulfilled]
      .filter(([, order]) => order.at >= start && order.at < end)
      .sort(([, a], [, b]) => b.at - a.at)
      .map(([id]) => id);
  };
  const standings = (column: Column) => column.cards.map((card) => card.standing);

  it('puts every order in its stage, soonest ETA first, with the counts, the at risk and the overdue', async () => {
    const board = await read(fx.operator);
    const [queued, printing, finishing, ready] = board.columns;
    expect(board.columns.map((c) => [c.id, c.label, c.orderStatus])).toEqual([
      ['queued', 'Queued', 'SUBMITTED'],
      ['printing', 'Printing', 'APPROVED'],
      ['finishing', 'Finishing', 'IN_PRODUCTION'],
      ['ready', 'Ready today', 'FULFILLED'],
    ]);
    expect(cardIds(queued)).toEqual([ids.queuedRisk, ids.queuedRush, ids.queuedFresh]);
    expect(standings(queued)).toEqual(['AT_RISK', 'ON_TRACK', 'ON_TRACK']);
    expect(queued).toMatchObject({ count: 3, atRisk: 1, overdue: 0, moreCount: 0 });
    expect(cardIds(printing)).toEqual([ids.printingRisk, ids.printingReleased]);
    expect(standings(printing)).toEqual(['AT_RISK', 'ON_TRACK']);
    expect(printing).toMatchObject({ count: 2, atRisk: 1, overdue: 0 });
    expect(cardIds(finishing)).toEqual([ids.finishingLate]);
    expect(finishing).toMatchObject({ count: 1, atRisk: 0, overdue: 1, cards: [{ standing: 'OVERDUE' }] });
    const readyToday = readyOn(board.asOf);
    expect(ready).toMatchObject({ count: readyToday.length, atRisk: 0, overdue: 0, moreCount: 0 });
    expect(cardIds(ready)).toEqual(readyToday);
    expect(standings(ready)).toEqual(readyToday.map(() => null));
  });

  it(`counts in Ready only the orders fulfilled on the shop's today in ${zone}`, async () => {
    const board = await read(fx.operator);
    const ready = board.columns[3];
    const asOf = Date.parse(board.asOf);
    // Seeded and read on the same day (unless midnight passed meanwhile: then none is today's).
    if (shopDayStart(asOf, zone) === shopDayStart(fulfilled.get(ids.readyToday)!.at, zone)) {
      expect(cardIds(ready)).toContain(ids.readyToday);
      expect(cardIds(ready)).not.toContain(ids.readyYesterday);
      // Between the two zones' midnights: today here exactly when not in the other zone.
      const edge = fulfilled.get(ids.readyEdge)!.at;
      const todayHere = edge >= dayOf(asOf, zone).start;
      expect(todayHere).not.toBe(edge >= dayOf(asOf, other).start);
      expect(cardIds(ready).includes(ids.readyEdge)).toBe(todayHere);
    }
    expect(cardIds(ready)).toEqual(readyOn(board.asOf));
    // The figures too: the garments of today's orders only.
    const sum = readyOn(board.asOf)
      .map((id) => fulfilled.get(id)!.garments)
      .reduce(
        (total, rows) => total.map((row, i) => ({ ...row, quantity: row.quantity + rows[i]!.quantity })),
        garments(0, 0, 0),
      );
    expect(ready.garments).toEqual(sum);
  });

  it('sums garments per technique over every order of a column', async () => {
    const board = await read(fx.operator);
    expect(board.columns.slice(0, 3).map((c) => c.garments)).toEqual([
      garments(5, 1, 1),
      garments(0, 4, 5),
      garments(6, 0, 0),
    ]);
    expect(board.onHold.garments).toEqual(garments(1, 8, 0));
  });

  it('keeps orders on hold apart with their reason; the hold pauses the promise', async () => {
    const { onHold } = await read(fx.operator);
    expect(onHold).toMatchObject({
      id: 'on-hold',
      label: 'On hold',
      orderStatus: null,
      count: 2,
      atRisk: 0,
      overdue: 1,
    });
    expect(
      onHold.cards.map((card) => [card.order.id, card.standing, card.order.orderStatus, card.order.holdReason]),
    ).toEqual([
      [ids.heldLate, 'OVERDUE', 'SUBMITTED', 'customer asked to wait'],
      [ids.heldPaused, 'ON_TRACK', 'APPROVED', 'blank out of stock'],
    ]);
  });

  it('lists a bounded number of cards per column and counts the rest', async () => {
    const board = await read(fx.operator, 1);
    expect(cardIds(board.columns[0])).toEqual([ids.queuedRisk]);
    expect(board.columns[0]).toMatchObject({ count: 3, moreCount: 2 });
    expect(board.onHold).toMatchObject({ count: 2, moreCount: 1 });
  });

  it('refuses customers, the signed-out, and a bad card count', async () => {
    const customer = await fx.token(newId());
    const refused = await graphql(url, BOARD, { token: customer });
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(refused.body.data).toBeNull();
    const anonymous = await graphql(url, BOARD);
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const bad = await graphql(url, BOARD, { token: fx.operator, variables: { cards: 101 } });
    expect(bad.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('moves a card when the transition is made, and the board follows', async () => {
    const moved = await graphql(
      url,
      'mutation ($id: ID!) { setOrderStatus(id: $id, status: APPROVED) { orderStatus } }',
      {
        token: fx.operator,
        variables: { id: ids.queuedFresh },
      },
    );
    expect(moved.body.errors).toBeUndefined();
    const board = await read(fx.operator);
    expect(cardIds(board.columns[0])).toEqual([ids.queuedRisk, ids.queuedRush]);
    expect(cardIds(board.columns[1])).toEqual([ids.printingRisk, ids.printingReleased, ids.queuedFresh]);
  });

  it('exports work in progress, at risk and overdue per stage as gauges on /metrics', async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    const value = (name: string, stage: string, onHold: boolean) => {
      const line = text.split('\n').find((l) => l.startsWith(`${name}{stage="${stage}",on_hold="${onHold}"}`));
      return line === undefined ? undefined : Number(line.split(' ').at(-1));
    };
    // After the move above: queued 2 (one at risk), printing 3 (one at risk), finishing 1 (overdue).
    expect(value('shop_work_in_progress_orders', 'queued', false)).toBe(2);
    expect(value('shop_work_in_progress_orders', 'printing', false)).toBe(3);
    expect(value('shop_work_in_progress_orders', 'finishing', false)).toBe(1);
    expect(value('shop_work_in_progress_orders', 'queued', true)).toBe(1);
    expect(value('shop_work_in_progress_orders', 'printing', true)).toBe(1);
    expect(value('shop_at_risk_orders', 'queued', false)).toBe(1);
    expect(value('shop_at_risk_orders', 'printing', false)).toBe(1);
    expect(value('shop_overdue_orders', 'finishing', false)).toBe(1);
    expect(value('shop_overdue_orders', 'queued', true)).toBe(1);
    expect(text).not.toContain('stage="ready"');
  });
});
