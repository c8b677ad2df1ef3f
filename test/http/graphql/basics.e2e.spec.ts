import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GARMENTS, graphql, newId, type RunningApp, startApp } from '../../support/http.ts';

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('GraphQL over HTTP', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp();
  });
  afterAll(() => running.close());

  it('answers viewer with null for an anonymous request', async () => {
    const { status, body } = await graphql(running.url, '{ viewer { id isOperator } }');
    expect(status).toBe(200);
    expect(body).toEqual({ data: { viewer: null } });
  });

  it('answers viewer with the token subject, not an operator unless user_profiles says so', async () => {
    const customer = newId();
    const operator = newId();
    running.operators.add(operator);
    const asCustomer = await graphql(running.url, '{ viewer { id isOperator } }', {
      token: await running.token(customer),
    });
    const asOperator = await graphql(running.url, '{ viewer { id isOperator } }', {
      token: await running.token(operator),
    });
    expect(asCustomer.body.data.viewer).toEqual({ id: customer, isOperator: false });
    expect(asOperator.body.data.viewer).toEqual({ id: operator, isOperator: true });
  });

  it('lists garments with the price in dollars and in cents', async () => {
    const { body } = await graphql(running.url, '{ garments { id title price priceCents sizes imageUrl } }');
    expect(body.data.garments).toEqual(GARMENTS.map((g) => ({ ...g, price: g.priceCents / 100 })));
  });

  it('lists the five route stops of the seed in order', async () => {
    const { body } = await graphql(running.url, '{ routeStops { id label status orderStatus icon } }');
    expect(body.data.routeStops).toEqual([
      { id: 'spec-review', label: 'Spec Review', status: 'SPEC_REVIEW', orderStatus: 'DRAFT', icon: 'ClipboardCheck' },
      { id: 'queued', label: 'Queued', status: 'QUEUED', orderStatus: 'SUBMITTED', icon: 'ListOrdered' },
      { id: 'printing', label: 'Printing', status: 'PRINTING', orderStatus: 'APPROVED', icon: 'Printer' },
      { id: 'finishing', label: 'Finishing', status: 'FINISHING', orderStatus: 'IN_PRODUCTION', icon: 'Sparkles' },
      { id: 'ready', label: 'Ready', status: 'READY', orderStatus: 'FULFILLED', icon: 'Package' },
    ]);
  });

  it.each([
    ['an expired token', () => running.token(newId(), { now: new Date(Date.now() - 13 * 3600_000) })],
    [
      'a token signed with another secret',
      () => running.token(newId(), { secret: 'another-secret-of-at-least-32-characters!' }),
    ],
    ['a token for another audience', () => running.token(newId(), { audience: 'anon' })],
    [
      'an unsigned token (alg: none)',
      () => Promise.resolve(`${b64({ alg: 'none' })}.${b64({ sub: newId(), aud: 'authenticated', exp: 4102444800 })}.`),
    ],
  ])('answers %s with 401 and UNAUTHENTICATED before any resolver runs', async (_name, makeToken) => {
    const { status, body } = await graphql(running.url, '{ viewer { id } }', { token: await makeToken() });
    expect(status).toBe(401);
    expect(body.data).toBeUndefined();
    expect(body.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) }),
    ]);
  });

  it('serves GraphiQL to a browser', async () => {
    const response = await fetch(`${running.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Production orders');
  });
});
