import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIENCE, graphql, newId, type RunningApp, startApp } from '../../support/http.ts';

/** A token signed with the app's own secret, with the claims given. */
function signed(app: RunningApp, claims: { exp?: number; iat?: number }): Promise<string> {
  const jwt = new SignJWT({ role: 'authenticated' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(newId())
    .setAudience(AUDIENCE);
  if (claims.iat !== undefined) jwt.setIssuedAt(claims.iat);
  if (claims.exp !== undefined) jwt.setExpirationTime(claims.exp);
  return jwt.sign(new TextEncoder().encode(app.secret));
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
/** 9999-12-31: a token that would never expire. */
const YEAR_9999 = Math.floor(Date.UTC(9999, 11, 31) / 1000);

describe('token lifetime', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(() => app.close());

  it('refuses a token whose exp is in year 9999 with 401 and says why', async () => {
    const token = await signed(app, { iat: nowSeconds(), exp: YEAR_9999 });
    const answer = await graphql(app.url, '{ viewer { id } }', { token });
    expect(answer.status).toBe(401);
    expect(answer.body.errors[0]).toMatchObject({
      message: expect.stringContaining('lives longer than the 86400 seconds'),
      extensions: { code: 'UNAUTHENTICATED' },
    });
  });

  it('refuses a token issued long ago that still has time left, by its iat', async () => {
    const token = await signed(app, { iat: nowSeconds() - 30 * 24 * 3600, exp: nowSeconds() + 3600 });
    expect((await graphql(app.url, '{ viewer { id } }', { token })).status).toBe(401);
  });

  it('refuses a token without exp', async () => {
    const token = await signed(app, { iat: nowSeconds() });
    expect((await graphql(app.url, '{ viewer { id } }', { token })).status).toBe(401);
  });

  it('accepts a token within the bound, such as the 12-hour development tokens', async () => {
    const userId = newId();
    const answer = await graphql(app.url, '{ viewer { id } }', { token: await app.token(userId) });
    expect(answer.status).toBe(200);
    expect(answer.body.data.viewer.id).toBe(userId);
  });
});

describe('with introspection off, errors do not spell out the schema', () => {
  let closed: RunningApp;
  let open: RunningApp;
  beforeAll(async () => {
    closed = await startApp({ introspection: false });
    open = await startApp({ introspection: true });
  });
  afterAll(async () => {
    await closed.close();
    await open.close();
  });

  const cases = [
    [
      'an enum value written in a query',
      '{ orders(filter: { orderStatuses: [APROVED] }) { edges { cursor } } }',
      undefined,
    ],
    [
      'an enum value in a query variable',
      'query($s: [ProductionOrderState!]) { orders(filter: { orderStatuses: $s }) { edges { cursor } } }',
      { s: ['APROVED'] },
    ],
    [
      'an enum value in a mutation variable',
      'mutation($s: ProductionOrderState!) { setOrderStatus(id: "x", status: $s) { id } }',
      { s: 'APROVED' },
    ],
    ['an argument name', '{ orders(fist: 1) { edges { cursor } } }', undefined],
    ['an input field name', '{ orders(filter: { serch: "x" }) { edges { cursor } } }', undefined],
    ['a type name', 'query($s: ProductionOrderStat) { viewer { id } }', undefined],
  ] as const;

  it.each(cases)('hides the suggestion for %s', async (_, query, variables) => {
    const token = await closed.token(newId());
    const answer = await graphql(closed.url, query, { token, ...(variables ? { variables } : {}) });
    expect(answer.body.errors?.length).toBeGreaterThan(0);
    for (const error of answer.body.errors) expect(error.message).not.toContain('Did you mean');
  });

  it('still suggests the enum value with introspection on', async () => {
    const token = await open.token(newId());
    const answer = await graphql(open.url, cases[0][1], { token });
    expect(answer.body.errors[0].message).toContain('Did you mean the enum value "APPROVED"?');
  });
});
