import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { orderStreamId } from '../../../src/domain/order/index.ts';
import { findOrder, projectionStatus, RebuildStoppedError } from '../../../src/projections/index.ts';
import { randomOrderLife, readModelSuite, seededRandom } from '../support.ts';

const operator = { type: 'operator', id: 'op-7' } as const;

describe('events the projection cannot apply', () => {
  const fx = readModelSuite({ projector: true });

  const deadLetters = async () =>
    (
      await fx.db.pool.query<{ event_type: string; stream_id: string; error: string }>(
        "select event_type, stream_id, error from projection_dead_letters where projection = 'orders' order by position_commit, position_prepare",
      )
    ).rows;

  it('dead-letters a poison event with its error while later events, of that order and others, are still projected', async () => {
    const random = seededRandom(3);
    const victim = await randomOrderLife(fx.commands, random, 0);
    const { version } = await fx.commands.load(victim);
    // A PriorityChanged naming a priority that does not exist: the guard refuses it.
    await fx.store.appendToStream(
      orderStreamId(victim),
      [
        {
          id: randomUUID(),
          type: 'PriorityChanged',
          data: {
            orderId: victim,
            actor: operator,
            at: new Date().toISOString(),
            from: 'standard',
            to: 'urgent',
            reason: null,
          },
        },
      ],
      { expectedVersion: version },
    );
    const after = await fx.commands.postMessage(victim, { message: 'Still here' }, { actor: operator });
    const other = await randomOrderLife(fx.commands, random, 2);
    await fx.caughtUp();

    const letters = await deadLetters();
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ event_type: 'PriorityChanged', stream_id: orderStreamId(victim) });
    expect(letters[0]!.error).toMatch(/to is missing or malformed/);
    const order = await findOrder(fx.db.pool, victim);
    expect(order?.version).toBe(after.version);
    expect(order?.events.at(-1)?.message).toBe('Still here');
    expect(order?.priority).not.toBe('urgent');
    expect(await findOrder(fx.db.pool, other)).not.toBeNull();
  });

  it('dead-letters an event the database refuses (a second order with a taken reference) and applies the rest of its batch', async () => {
    const existingId = await randomOrderLife(fx.commands, seededRandom(5), 0);
    const clashId = randomUUID();
    const [first] = (await fx.store.readStream(orderStreamId(existingId))).events;
    // Projector stopped meanwhile, so the refused event and the good ones land in one batch.
    await fx.readModel.close();
    await fx.store.appendToStream(
      orderStreamId(clashId),
      [{ id: randomUUID(), type: 'OrderCreated', data: { ...first!.data, orderId: clashId } }],
      { expectedVersion: 'no_stream' },
    );
    const fine = await randomOrderLife(fx.commands, seededRandom(6), 1);
    fx.readModel = await fx.project();
    await fx.caughtUp();

    const letter = (await deadLetters()).find((l) => l.stream_id === orderStreamId(clashId));
    expect(letter?.error).toMatch(/Rejected by the database: .*unique/);
    expect(await findOrder(fx.db.pool, clashId)).toBeNull();
    expect((await findOrder(fx.db.pool, fine))?.reference).toMatch(/^PO-\d{6}$/);
    expect((await findOrder(fx.db.pool, existingId))?.reference).toBe(first!.data.reference);
  });

  it("skips an event type it does not know (a newer version wrote it) and applies the order's later events", async () => {
    const orderId = await randomOrderLife(fx.commands, seededRandom(8), 0);
    const { version } = await fx.commands.load(orderId);
    await fx.store.appendToStream(
      orderStreamId(orderId),
      [{ id: randomUUID(), type: 'GiftWrapRequested', data: { orderId, paper: 'gold' } }],
      { expectedVersion: version },
    );
    const later = await fx.commands.postMessage(orderId, { message: 'After the unknown one' }, { actor: operator });
    await fx.caughtUp();
    const order = await findOrder(fx.db.pool, orderId);
    expect(order?.version).toBe(later.version);
    expect(order?.events.map((e) => e.streamVersion)).not.toContain(version + 1);
    expect((await deadLetters()).some((l) => l.stream_id === orderStreamId(orderId))).toBe(false);
  });

  it('shows position, lag and dead letters in projections status', async () => {
    await fx.caughtUp();
    const [status] = await projectionStatus({ pool: fx.db.pool, eventStore: fx.store });
    expect(status).toMatchObject({
      name: 'orders',
      lagEvents: 0,
      lagSeconds: 0,
      projectorRunning: true,
      rebuildRunning: false,
    });
    const { rows } = await fx.db.pool.query<{ c: string; p: string }>(
      'select transaction_id::text as c, global_position::text as p from es_events order by transaction_id desc, global_position desc limit 1',
    );
    expect(status!.position).toEqual({ commit: BigInt(rows[0]!.c), prepare: BigInt(rows[0]!.p) });
    expect(status!.deadLetters.total).toBe(2);
    expect(status!.deadLetters.items.map((l) => l.eventType)).toEqual(['PriorityChanged', 'OrderCreated']);
  });

  it('stops a rebuild at the poison event and leaves the live tables as they were', async () => {
    await fx.caughtUp();
    const before = await fx.snapshot();
    await expect(fx.rebuild()).rejects.toBeInstanceOf(RebuildStoppedError);
    expect(await fx.snapshot()).toEqual(before);
    const { rows } = await fx.db.pool.query("select nspname from pg_namespace where nspname like 'projection_%'");
    expect(rows).toEqual([]);
  });
});

describe('a rebuild meeting a value the database refuses', () => {
  const fx = readModelSuite({ projector: true });

  it('stops at the event it came from, saying which and why, and leaves the live tables as they were', async () => {
    const random = seededRandom(11);
    for (let i = 0; i < 5; i += 1) await randomOrderLife(fx.commands, random, 3);
    const orderId = await randomOrderLife(fx.commands, random, 1);
    const { version } = await fx.commands.load(orderId);
    // Date.parse reads Date#toString's form (so the guard lets it by); PostgreSQL does not.
    const refused = {
      id: randomUUID(),
      type: 'MessagePosted',
      data: { orderId, actor: operator, at: new Date(Date.UTC(2025, 0, 2)).toString(), message: 'odd instant' },
    };
    await fx.store.appendToStream(orderStreamId(orderId), [refused], { expectedVersion: version });
    await randomOrderLife(fx.commands, random, 2);
    await fx.caughtUp();
    // The live projector kept it aside.
    const [status] = await projectionStatus({ pool: fx.db.pool, eventStore: fx.store });
    expect(status!.deadLetters.items.map((l) => l.eventType)).toEqual(['MessagePosted']);
    const before = await fx.snapshot();

    const stopped = await Promise.race([
      fx.rebuild().then(
        () => new Error('the rebuild went through'),
        (error: unknown) => error,
      ),
      new Promise((resolve) => setTimeout(() => resolve(new Error('the rebuild still runs after 60 s')), 60_000)),
    ]);
    expect(stopped).toBeInstanceOf(RebuildStoppedError);
    expect((stopped as RebuildStoppedError).event.id).toBe(refused.id);
    expect((stopped as Error).message).toMatch(
      new RegExp(
        `MessagePosted ${refused.id} \\(v${version + 1} of ${orderStreamId(orderId)}\\): .*timestamp with time zone`,
      ),
    );
    expect(await fx.snapshot()).toEqual(before);
    const { rows } = await fx.db.pool.query("select nspname from pg_namespace where nspname like 'projection_%'");
    expect(rows).toEqual([]);
  });
});
