import { beforeAll, describe, expect, it } from 'vitest';
import {
  createInMemoryGarmentCatalog,
  createOrderCommands,
  createPostgresReferenceAllocator,
  type OrderCommands,
} from '../../../src/commands/order/index.ts';
import { payOrder } from '../../support/paid-order.ts';
import { perSuite } from '../../support/suite.ts';
import { customer, GARMENT, operator, orderHarness, orderInput, refusal, TOTAL_CENTS } from './support.ts';

/**
 * Two service instances (two processes, two state caches) over one store: B writes behind A's
 * back, so A's cached fold is stale, and A must still answer as the store says.
 */
const h = perSuite(orderHarness);
let a: OrderCommands;
let b: OrderCommands;
beforeAll(() => {
  a = h.orders;
  b = createOrderCommands({
    eventStore: h.store,
    references: createPostgresReferenceAllocator(h.db.pool),
    garments: createInMemoryGarmentCatalog([GARMENT]),
    clock: h.clock,
    idSecret: h.idSecret,
  });
});

/** An order A created and touched last, so A's cache holds it at version 2. */
async function orderCachedByA() {
  const { orderId } = await a.createOrder(orderInput(), { actor: customer() });
  const touched = await a.updateNotes(orderId, { notes: 'from A' }, { actor: operator });
  expect(touched.version).toBe(2);
  return orderId;
}

describe('two order service instances with their own caches over one store', () => {
  it('accepts the true expected version although A cached an older one, deciding on what B wrote', async () => {
    const orderId = await orderCachedByA();
    await b.updateNotes(orderId, { notes: 'from B' }, { actor: operator });
    const posted = await a.postMessage(orderId, { message: 'hello' }, { actor: operator, expectedVersion: 3 });
    expect(posted.version).toBe(4);
    expect(posted.state.notes).toBe('from B');
    expect((await h.stored(orderId)).events.map((e) => [e.streamVersion, e.event?.type])).toEqual([
      [1, 'OrderCreated'],
      [2, 'NotesUpdated'],
      [3, 'NotesUpdated'],
      [4, 'MessagePosted'],
    ]);
  });

  it('refuses the version A cached once B moved past it, and writes nothing', async () => {
    const orderId = await orderCachedByA();
    await b.updateNotes(orderId, { notes: 'from B' }, { actor: operator });
    // The caller's version agrees with A's cache: only the store knows it is stale.
    expect(await refusal(a.postMessage(orderId, { message: 'late' }, { actor: operator, expectedVersion: 2 }))).toBe(
      'VERSION_CONFLICT',
    );
    expect((await h.stored(orderId)).version).toBe(3);
  });

  it('retries a command with no expected version on what B wrote and appends after it', async () => {
    const orderId = await orderCachedByA();
    await b.updateNotes(orderId, { notes: 'from B' }, { actor: operator });
    await b.updateNotes(orderId, { notes: 'from B again' }, { actor: operator });
    const posted = await a.postMessage(orderId, { message: 'after B' }, { actor: operator });
    expect(posted.version).toBe(5);
    expect(posted.state.notes).toBe('from B again');
    expect((await h.stored(orderId)).version).toBe(5);
  });

  it('does not take a refusal from a stale cache: approves what B has since paid for', async () => {
    const orderId = await orderCachedByA();
    await payOrder(b, orderId, TOTAL_CENTS, { paymentIntentId: null });
    const approved = await a.setOrderStatus(orderId, { status: 'approved' }, { actor: operator });
    expect(approved).toMatchObject({ version: 5, state: { orderStatus: 'approved' } });
  });

  it('answers a key B applied as B first did, although A never saw it', async () => {
    const orderId = await orderCachedByA();
    const options = { actor: operator, idempotencyKey: `msg-${orderId}` };
    const first = await b.postMessage(orderId, { message: 'once' }, options);
    const again = await a.postMessage(orderId, { message: 'once' }, { ...options, expectedVersion: 2 });
    expect(again).toEqual({ ...first, replayed: true });
    expect((await h.stored(orderId)).version).toBe(3);
  });

  it('keeps a stranger from learning of an order A has cached', async () => {
    const orderId = await orderCachedByA();
    expect(await refusal(a.cancelOrder(orderId, { reason: null }, { actor: customer() }))).toBe('NOT_FOUND');
    expect((await h.stored(orderId)).version).toBe(2);
  });

  it('answers a dry run from the store, not from a stale cache', async () => {
    const orderId = await orderCachedByA();
    await b.updateNotes(orderId, { notes: 'from B' }, { actor: operator });
    const dry = await a.execute(
      { type: 'PostMessage', orderId, actor: operator, now: h.clock.now(), message: 'maybe' },
      { dryRun: true },
    );
    expect(dry).toMatchObject({ version: 4, state: { notes: 'from B' } });
    expect((await h.stored(orderId)).version).toBe(3);
  });
});
