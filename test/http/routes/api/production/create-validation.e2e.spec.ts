import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, request } from '../../../../support/http.ts';
import { openStack, orderBody, type Stack } from '../../../../support/stack.ts';

describe('POST /api/production refuses bad input', () => {
  let stack: Stack;
  let token: string;
  beforeAll(async () => {
    stack = await openStack({ payments: 'stripe' });
    token = await stack.token(newId());
  });
  afterAll(() => stack.close());

  /** Posts, and checks the refusal wrote nothing and asked Stripe for nothing. */
  async function refused(body: unknown, options: { rawBody?: string } = {}) {
    const events = await stack.eventCount();
    const stripeCalls = stack.fake!.requests.length;
    const answer = await request(stack.url, 'POST', '/api/production', {
      token,
      ...(options.rawBody === undefined ? { body } : { rawBody: options.rawBody }),
    });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({
      status: 400,
      code: 'BAD_USER_INPUT',
      type: expect.any(String),
      title: expect.any(String),
      detail: expect.any(String),
    });
    expect(await stack.eventCount()).toBe(events);
    expect(stack.fake!.requests.length).toBe(stripeCalls);
    return answer.body.errors as { path: string; message: string }[];
  }
  const paths = (errors: { path: string }[]) => errors.map((e) => e.path).sort();

  it.each([
    ['a design URL that is not http(s)', { designUrl: 'ftp://cdn.example.com/a.png' }, ['designUrl']],
    ['a design URL that is no URL at all', { designUrl: 'fox.png' }, ['designUrl']],
    ['a garment the catalog does not have', { garmentId: 'golden-tee' }, ['garmentId']],
    ['a size the garment does not offer', { sizes: [{ size: 'XXXXL', quantity: 1 }] }, ['sizes[0].size']],
    ['a quantity of 0', { sizes: [{ size: 'M', quantity: 0 }] }, ['sizes[0].quantity']],
    ['a quantity above 10000', { sizes: [{ size: 'M', quantity: 10_001 }] }, ['sizes[0].quantity']],
    ['a fractional quantity', { sizes: [{ size: 'M', quantity: 1.5 }] }, ['sizes[0].quantity']],
    ['a quantity sent as text', { sizes: [{ size: 'M', quantity: '3' }] }, ['sizes[0].quantity']],
    ['an unknown technique', { sizes: [{ size: 'M', quantity: 1, technique: 'laser' }] }, ['sizes[0].technique']],
    [
      'the same size and technique twice',
      {
        sizes: [
          { size: 'M', quantity: 1 },
          { size: 'M', quantity: 2, technique: 'dtg' },
        ],
      },
      ['sizes[1]'],
    ],
    ['no sizes', { sizes: [] }, ['sizes']],
    [
      'more than 50 line items',
      {
        sizes: Array.from({ length: 51 }, (_, i) => ({
          size: 'M',
          quantity: 1,
          technique: ['dtg', 'screen', 'embroidery'][i % 3],
        })),
      },
      ['sizes'],
    ],
    ['an unknown priority', { priority: 'urgent' }, ['priority']],
    ['notes longer than 2000 characters', { notes: 'x'.repeat(2001) }, ['notes']],
    ['a project id that is not a uuid', { projectId: 'abc' }, ['projectId']],
    ['a price from the client', { price: 1, totalCents: 1 }, ['price', 'totalCents']],
    ['an unknown field in a size', { sizes: [{ size: 'M', quantity: 1, unitPrice: 1 }] }, ['sizes[0].unitPrice']],
  ])('refuses %s, naming the field', async (_, overrides, expected) => {
    const errors = await refused(orderBody(overrides));
    expect(paths(errors)).toEqual(expect.arrayContaining(expected));
    for (const error of errors) expect(error.message).toEqual(expect.any(String));
  });

  it('lists every problem of one body in one answer', async () => {
    const errors = await refused({
      designUrl: 'javascript:alert(1)',
      garmentId: 'classic-tee',
      sizes: [
        { size: 'XXXXL', quantity: 0 },
        { size: 'M', quantity: 20_000, technique: 'laser' },
      ],
      priority: 'now',
      notes: 'y'.repeat(2001),
      color: 'red',
    });
    expect(paths(errors)).toEqual(
      expect.arrayContaining([
        'designUrl',
        'sizes[0].size',
        'sizes[0].quantity',
        'sizes[1].quantity',
        'sizes[1].technique',
        'priority',
        'notes',
        'color',
      ]),
    );
  });

  it('still checks sizes against the catalog when the body has other problems', async () => {
    const errors = await refused(orderBody({ sizes: [{ size: 'XXXXL', quantity: 1 }], priority: 'now' }));
    expect(errors.find((e) => e.path === 'sizes[0].size')?.message).toMatch(/must be one of XS, S, M, L, XL, 2XL, 3XL/);
  });

  it.each([
    ['an array', []],
    ['a string', 'order please'],
    ['null', null],
    ['sizes that are not objects', { ...orderBody(), sizes: [null, 3, 'M'] }],
    ['an empty object', {}],
  ])('refuses a body that is %s without a 500', async (_, body) => {
    await refused(body);
  });

  it('refuses JSON that does not parse', async () => {
    await refused(undefined, { rawBody: '{"designUrl": ' });
  });

  it('refuses an Idempotency-Key longer than 255 characters', async () => {
    const answer = await request(stack.url, 'POST', '/api/production', {
      token,
      body: orderBody(),
      headers: { 'idempotency-key': 'k'.repeat(256) },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([{ path: 'headers.idempotency-key', message: expect.any(String) }]);
  });

  it('answers 401 problem+json without a token, and writes nothing', async () => {
    const before = await stack.eventCount();
    const answer = await request(stack.url, 'POST', '/api/production', { body: orderBody() });
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await stack.eventCount()).toBe(before);
  });
});
