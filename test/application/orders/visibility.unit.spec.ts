import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  actorOf,
  audienceOf,
  checkOwnerFilter,
  isCustomerOwner,
  isViewable,
  scopeOf,
} from '../../../src/application/orders/visibility.ts';
import type { Viewer } from '../../../src/auth/viewer.ts';
import { isAppError } from '../../../src/domain/errors.ts';

const viewer = (isOperator: boolean): Viewer => ({
  id: randomUUID(),
  isOperator,
  expiresAt: undefined,
  credential: 'Bearer x',
});

describe('who sees which orders', () => {
  it('lets an operator see every order and narrows nothing for them', () => {
    const operator = viewer(true);
    expect(isViewable(operator, randomUUID())).toBe(true);
    expect(scopeOf(operator)).toEqual({});
    expect(audienceOf(operator)).toBe('operator');
    expect(audienceOf(viewer(true))).toBe(audienceOf(operator));
  });

  it('lets a customer see their own orders only, and narrows their reads to them', () => {
    const customer = viewer(false);
    expect(isViewable(customer, customer.id)).toBe(true);
    expect(isViewable(customer, randomUUID())).toBe(false);
    expect(scopeOf(customer)).toEqual({ ownerId: customer.id });
    expect(audienceOf(customer)).toBe(`user:${customer.id}`);
    expect(audienceOf(viewer(false))).not.toBe(audienceOf(customer));
  });

  it("refuses a customer's list of another user's orders, naming the field, and lets operators and their own through", () => {
    const customer = viewer(false);
    expect(() => checkOwnerFilter(customer, customer.id, 'query.userId')).not.toThrow();
    expect(() => checkOwnerFilter(viewer(true), customer.id, 'query.userId')).not.toThrow();
    let refusal: unknown;
    try {
      checkOwnerFilter(customer, randomUUID(), 'filter.userId');
    } catch (error) {
      refusal = error;
    }
    expect(isAppError(refusal) && refusal.code).toBe('FORBIDDEN');
    expect(isAppError(refusal) && refusal.details.fields).toEqual([
      { path: 'filter.userId', message: 'operators only' },
    ]);
  });

  it('treats only the owning customer as the owner, never an operator, and acts as what the viewer is', () => {
    const customer = viewer(false);
    const operator = { ...viewer(true), id: customer.id };
    expect(isCustomerOwner(customer, customer.id)).toBe(true);
    expect(isCustomerOwner(operator, customer.id)).toBe(false);
    expect(actorOf(customer)).toEqual({ type: 'customer', id: customer.id });
    expect(actorOf(operator)).toEqual({ type: 'operator', id: customer.id });
  });
});
