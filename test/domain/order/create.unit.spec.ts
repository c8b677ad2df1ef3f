import { describe, expect, it } from 'vitest';
import { DEFAULT_CREATION_HOLD_REASON, type OrderCreated } from '../../../src/domain/order/index.ts';
import {
  GARMENT,
  LINE_ITEM_IDS,
  ORDER_ID,
  T0,
  TOTAL_CENTS,
  createCommand,
  ev,
  given,
  operator,
  owner,
  stripe,
} from './fixtures.ts';

const fieldsOf = (error: { details: { fields?: readonly { path: string }[] } }): string[] =>
  (error.details.fields ?? []).map((f) => f.path);

describe('creating an order', () => {
  it('creates a draft priced from the garment snapshot, in cents, with dtg and standard by default', () => {
    given()
      .when(
        createCommand({ notes: '  Fold neatly ', prompt: 'a fox', projectId: '7c9e6679-7425-40de-944b-e07fc1f90ae7' }),
      )
      .then([
        {
          type: 'OrderCreated',
          orderId: ORDER_ID,
          actor: owner,
          at: T0.toISOString(),
          reference: 'PO-000042',
          userId: owner.id,
          projectId: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
          garment: GARMENT,
          designUrl: 'https://cdn.example.com/designs/fox.png',
          prompt: 'a fox',
          notes: 'Fold neatly',
          priority: 'standard',
          holdReason: null,
          lineItems: [
            { id: LINE_ITEM_IDS[0]!, size: 'M', quantity: 3, technique: 'dtg', unitPriceCents: 1850 },
            { id: LINE_ITEM_IDS[1]!, size: 'L', quantity: 2, technique: 'screen', unitPriceCents: 1850 },
          ],
          totalCents: TOTAL_CENTS,
          currency: 'usd',
          metadata: {},
        },
      ]);
  });

  it('lets an operator place an order for themselves, and nobody else but customers', () => {
    given()
      .when(createCommand({ actor: operator }))
      .then([expect.objectContaining({ actor: operator, userId: operator.id }) as OrderCreated]);
    given()
      .when(createCommand({ actor: stripe }))
      .thenThrows('FORBIDDEN');
  });

  it('lists every problem of a bad order at once', () => {
    const error = given()
      .when(
        createCommand({
          reference: 'order 7',
          designUrl: 'ftp://example.com/x.png',
          priority: 'urgent',
          notes: 'x'.repeat(2001),
          projectId: 'not-a-uuid',
          sizes: [
            { size: 'XXS', quantity: 1 },
            { size: 'M', quantity: 0 },
            { size: 'L', quantity: 1.5 },
            { size: 'S', quantity: 10_001, technique: 'vinyl' },
            { size: 'M', quantity: 2, technique: 'dtg' },
          ],
          lineItemIds: [...LINE_ITEM_IDS, 'x', 'y'],
        }),
      )
      .thenThrows('BAD_USER_INPUT');
    expect(fieldsOf(error)).toEqual([
      'reference',
      'designUrl',
      'sizes[0].size',
      'sizes[1].quantity',
      'sizes[2].quantity',
      'sizes[3].quantity',
      'sizes[3].technique',
      'sizes[4]',
      'priority',
      'notes',
      'projectId',
    ]);
    expect(error.message).toMatch(/sizes\[0\]\.size: must be one of S, M, L, XL for Classic Tee/);
  });

  it('accepts quantities 1 and 10000 and the same size in two techniques', () => {
    const sizes = [
      { size: 'M', quantity: 1 },
      { size: 'M', quantity: 10_000, technique: 'embroidery' },
    ];
    given()
      .when(createCommand({ sizes }))
      .then([expect.objectContaining({ totalCents: 10_001 * 1850 }) as OrderCreated]);
  });

  it('refuses more than 50 line items and no line items', () => {
    const many = Array.from({ length: 51 }, (_, i) => ({
      size: 'M',
      quantity: 1,
      technique: i % 2 ? 'dtg' : 'screen',
    }));
    const tooMany = given()
      .when(createCommand({ sizes: many, lineItemIds: many.map((_, i) => `id-${i}`) }))
      .thenThrows('BAD_USER_INPUT');
    expect(fieldsOf(tooMany)).toContain('sizes');
    const none = given()
      .when(createCommand({ sizes: [] }))
      .thenThrows('BAD_USER_INPUT');
    expect(none.details.fields).toEqual([{ path: 'sizes', message: 'must list at least one size' }]);
  });

  it('refuses a garment the catalog does not have', () => {
    const error = given()
      .when(createCommand({ garmentId: 'hoodie-x', garment: undefined }))
      .thenThrows('BAD_USER_INPUT');
    expect(fieldsOf(error)).toEqual(['garmentId']);
  });

  it('gives a hold placed at creation a reason, and refuses a hold reason without hold', () => {
    given()
      .when(createCommand({ priority: 'hold' }))
      .then([expect.objectContaining({ priority: 'hold', holdReason: DEFAULT_CREATION_HOLD_REASON }) as OrderCreated]);
    given()
      .when(createCommand({ priority: 'hold', holdReason: 'Wait for proof' }))
      .then([expect.objectContaining({ holdReason: 'Wait for proof' }) as OrderCreated]);
    const error = given()
      .when(createCommand({ priority: 'rush', holdReason: 'why' }))
      .thenThrows('BAD_USER_INPUT');
    expect(fieldsOf(error)).toEqual(['holdReason']);
  });

  it('answers a repeated creation with the same idempotency key with nothing, and any other with ILLEGAL_TRANSITION', () => {
    const created = { ...ev.created(), idempotencyKey: 'create-1' };
    given(created)
      .when(createCommand({ idempotencyKey: 'create-1' }))
      .thenNothing();
    given(created)
      .when(createCommand({ idempotencyKey: 'create-2' }))
      .thenThrows('ILLEGAL_TRANSITION', /already exists/);
    given(created).when(createCommand()).thenThrows('ILLEGAL_TRANSITION');
  });

  it('is a caller bug, not bad input, to pass fewer line item ids than sizes', () => {
    expect(() =>
      given()
        .when(createCommand({ lineItemIds: [] }))
        .thenNothing(),
    ).toThrow(/one line item id per size/);
  });
});
