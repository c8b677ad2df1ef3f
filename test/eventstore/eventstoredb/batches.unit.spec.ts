import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readBatches } from '../../../src/eventstore/eventstoredb/batches.ts';
import { waitFor } from '../support.ts';

/** readBatches over a plain object-mode stream, standing where the client's subscription stands. */
function drain(source: PassThrough, maxBatchSize: number, signal?: AbortSignal) {
  const batches: number[][] = [];
  const done = (async () => {
    for await (const batch of readBatches<number>(source, { maxBatchSize, signal })) batches.push(batch);
  })();
  return { batches, done };
}

describe('EventStoreDB subscription batches', () => {
  it('hands over what is already buffered in batches of at most maxBatchSize, in order', async () => {
    const source = new PassThrough({ objectMode: true, highWaterMark: 100 });
    for (let i = 1; i <= 7; i += 1) source.write(i);
    source.end();
    const { batches, done } = drain(source, 3);
    await done;
    expect(batches).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it('delivers live items as they come, without waiting for a batch to fill', async () => {
    const source = new PassThrough({ objectMode: true });
    const { batches, done } = drain(source, 100);
    source.write(1);
    await waitFor(
      () => batches.length === 1,
      () => `batches ${JSON.stringify(batches)}`,
    );
    source.write(2);
    source.write(3);
    await waitFor(
      () => batches.flat().length === 3,
      () => `batches ${JSON.stringify(batches)}`,
    );
    source.end();
    await done;
    expect(batches.flat()).toEqual([1, 2, 3]);
    expect(batches.every((b) => b.length > 0)).toBe(true);
  });

  it('ends when the signal aborts, also while waiting for news, and leaves no listener behind', async () => {
    const source = new PassThrough({ objectMode: true });
    const controller = new AbortController();
    const { batches, done } = drain(source, 10, controller.signal);
    source.write(1);
    await waitFor(
      () => batches.length === 1,
      () => 'first batch',
    );
    controller.abort();
    await done;
    expect(batches).toEqual([[1]]);
    expect(source.listenerCount('readable') + source.listenerCount('error') + source.listenerCount('end')).toBe(0);
  });

  it('does not start reading when the signal is already aborted', async () => {
    const source = new PassThrough({ objectMode: true });
    source.write(1);
    const { batches, done } = drain(source, 10, AbortSignal.abort());
    await done;
    expect(batches).toEqual([]);
  });

  it('throws the error that ends the source', async () => {
    const source = new PassThrough({ objectMode: true });
    const { done } = drain(source, 10);
    source.destroy(new Error('server went away'));
    await expect(done).rejects.toThrow('server went away');
  });

  it('refuses a batch size below 1', async () => {
    const { done } = drain(new PassThrough({ objectMode: true }), 0);
    await expect(done).rejects.toThrow(RangeError);
  });
});
