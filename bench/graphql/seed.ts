import { randomUUID } from 'node:crypto';
import type { Actor } from '../../src/domain/order/index.ts';
import { progress } from '../support/output.ts';
import type { BenchServer } from './server.ts';

/** A seeded order, its owner and the owner's token (each order has its own customer). */
export interface SeededOrder {
  readonly id: string;
  readonly ownerId: string;
  readonly ownerToken: string;
}

const IN_FLIGHT = 32;
const STRIPE: Actor = { type: 'stripe', id: 'bench' };

/**
 * Orders placed and moved through the real command service, so the read model holds what the
 * lifecycle makes: 1 to 3 line items, every priority, and a mix of states (a quarter still
 * draft, the rest paid, some approved or in production), each with an operator's message.
 */
export async function seedOrders(server: BenchServer, count: number): Promise<SeededOrder[]> {
  progress(`graphql: seeding ${count} orders through the command service`);
  const orders: SeededOrder[] = [];
  for (let start = 0; start < count; start += IN_FLIGHT) {
    const batch = Array.from({ length: Math.min(IN_FLIGHT, count - start) }, (_, j) => placeOne(server, start + j));
    orders.push(...(await Promise.all(batch)));
  }
  await server.caughtUp();
  return orders;
}

async function placeOne(server: BenchServer, index: number): Promise<SeededOrder> {
  const { commands, payments } = server.runtime;
  const operator: Actor = { type: 'operator', id: server.operatorId };
  const ownerId = randomUUID();
  const priority = index % 10 === 0 ? 'hold' : index % 3 === 0 ? 'rush' : 'standard';
  const sizes = ['S', 'M', 'L']
    .slice(0, 1 + (index % 3))
    .map((size, i) => ({ size, quantity: 1 + ((index + i) % 40), technique: i === 1 ? 'screen' : 'dtg' }));
  const created = await commands.createOrder(
    {
      garmentId: 'classic-tee',
      designUrl: `https://cdn.example.com/designs/${index}.png`,
      sizes,
      priority,
      ...(priority === 'hold' ? { holdReason: 'artwork check' } : {}),
      notes: `bench order ${index}`,
      prompt: 'a lighthouse at dusk, risograph style',
    },
    { actor: { type: 'customer', id: ownerId } },
  );
  const id = created.orderId;
  if (index % 4 !== 0) {
    const checkout = await payments.checkout.open(id);
    await commands.confirmPayment(
      id,
      {
        sessionId: checkout.sessionId,
        paymentIntentId: `pi_bench_${index}`,
        amountCents: created.state.totalCents,
        currency: 'usd',
        stripeEventId: `evt_bench_${index}`,
      },
      { actor: STRIPE },
    );
    if (index % 4 >= 2 && priority !== 'hold') {
      await commands.setOrderStatus(id, { status: 'approved', message: 'Spec approved' }, { actor: operator });
      if (index % 4 === 3)
        await commands.setOrderStatus(id, { status: 'in_production', message: null }, { actor: operator });
    }
  }
  await commands.postMessage(id, { message: 'Thanks, we are on it' }, { actor: operator });
  return { id, ownerId, ownerToken: await server.token(ownerId) };
}
