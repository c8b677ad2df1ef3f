import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../web/src/client/errors.ts';
import { BULK_CHUNK, runBulk, type BulkItem, type SendBulk } from '../../../web/src/ops/bulk.ts';
import { apiFilter, EMPTY_FILTER, listFilterSearch, parseListFilter } from '../../../web/src/ops/filter.ts';

describe('the operator list filter in the address bar', () => {
  it("round-trips through the query string, in the console's own order, dropping what it does not know", () => {
    const filter = parseListFilter(
      new URLSearchParams(
        'status=approved,SUBMITTED,BOGUS&priority=RUSH&from=2026-03-01&to=not-a-day&customer=%20abc%20&q=blue',
      ),
    );
    expect(filter).toEqual({
      statuses: ['SUBMITTED', 'APPROVED'],
      priorities: ['RUSH'],
      from: '2026-03-01',
      to: '',
      customer: 'abc',
      q: 'blue',
    });
    expect(listFilterSearch(filter)).toBe(
      '?status=SUBMITTED%2CAPPROVED&priority=RUSH&from=2026-03-01&customer=abc&q=blue',
    );
    expect(parseListFilter(new URLSearchParams(listFilterSearch(filter).slice(1)))).toEqual(filter);
    expect(listFilterSearch(EMPTY_FILTER)).toBe('');
  });

  it('asks the API for whole local days', () => {
    const filter = {
      ...EMPTY_FILTER,
      statuses: ['SUBMITTED' as const],
      from: '2026-03-01',
      to: '2026-03-02',
      customer: 'u1',
      q: 'x',
    };
    const asked = apiFilter(filter);
    expect(asked).toMatchObject({ orderStatuses: ['SUBMITTED'], userId: 'u1', search: 'x' });
    expect(new Date(asked.createdFrom as string).getTime()).toBe(new Date(2026, 2, 1).getTime());
    expect(new Date(asked.createdTo as string).getTime()).toBe(new Date(2026, 2, 3).getTime() - 1);
  });
});

describe('the bulk status change', () => {
  const items: BulkItem[] = Array.from({ length: 250 }, (_, i) => ({
    id: `id-${i}`,
    reference: `PO-${i}`,
    expectedVersion: i,
  }));

  type Sent = Parameters<SendBulk>[0];
  type Answer = Awaited<ReturnType<SendBulk>>;
  function fakeSend(answer: (items: Sent['items'], call: number) => Answer): { client: SendBulk; calls: Sent[] } {
    const calls: Sent[] = [];
    const client: SendBulk = (input) => {
      calls.push(input);
      try {
        return Promise.resolve(answer(input.items, calls.length - 1));
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    };
    return { client, calls };
  }

  it('sends chunks of at most 100, each item with the version the console loaded, and gives one result per order', async () => {
    const { client, calls } = fakeSend((chunk) =>
      (Array.isArray(chunk) ? chunk : [chunk]).map((item) =>
        (item.expectedVersion ?? 0) % 3 === 0
          ? { id: String(item.id), ok: true, error: null, order: null }
          : (item.expectedVersion ?? 0) % 3 === 1
            ? {
                id: String(item.id),
                ok: false,
                error: { code: 'VERSION_CONFLICT' as const, message: 'changed' },
                order: null,
              }
            : {
                id: String(item.id),
                ok: false,
                error: { code: 'ILLEGAL_TRANSITION' as const, message: 'never paid' },
                order: null,
              },
      ),
    );
    const progress: number[] = [];
    const results = await runBulk(client, { items, status: 'APPROVED', message: ' go ', dryRun: true }, (done) =>
      progress.push(done),
    );
    expect(calls.map((call) => (Array.isArray(call.items) ? call.items.length : 1))).toEqual([
      BULK_CHUNK,
      BULK_CHUNK,
      50,
    ]);
    expect(calls.every((call) => call.dryRun)).toBe(true);
    expect(calls.flatMap((call) => call.items)).toEqual(
      items.map((item) => ({ id: item.id, expectedVersion: item.expectedVersion })),
    );
    expect(progress).toEqual([100, 200, 250]);
    expect(results.map((result) => result.outcome).slice(0, 3)).toEqual(['ok', 'conflict', 'refused']);
    expect(results[2]).toMatchObject({ code: 'ILLEGAL_TRANSITION', message: 'never paid', reference: 'PO-2' });
  });

  it('says "unknown" for the orders of a chunk whose request failed, and still sends the rest', async () => {
    const { client, calls } = fakeSend((chunk, call) => {
      if (call === 1) throw new ApiError('The server could not be reached.', 'NETWORK', true);
      return (Array.isArray(chunk) ? chunk : [chunk]).map((item) => ({
        id: String(item.id),
        ok: true,
        error: null,
        order: null,
      }));
    });
    const results = await runBulk(client, { items, status: 'FULFILLED', message: '', dryRun: false });
    expect(calls).toHaveLength(3);
    expect(results.filter((result) => result.outcome === 'unknown').map((result) => result.id)).toEqual(
      items.slice(100, 200).map((item) => item.id),
    );
    expect(results.filter((result) => result.outcome === 'ok')).toHaveLength(150);
  });
});
