import type { Readable } from 'node:stream';

/**
 * Turns an object-mode stream (the client's subscription) into batches: each batch is whatever is
 * already buffered, up to `maxBatchSize`, so a catch-up arrives in big batches and live events one
 * by one without waiting for a batch to fill. Ends when the source ends or `signal` aborts; throws
 * the source's error. It reads in paused mode (`read()` on `'readable'`), so the source applies
 * back-pressure while the consumer is busy. Closing the source is the caller's job.
 */
export async function* readBatches<T>(
  source: Readable,
  options: { readonly maxBatchSize: number; readonly signal?: AbortSignal | undefined },
): AsyncGenerator<T[], void, undefined> {
  const { maxBatchSize, signal } = options;
  if (!Number.isSafeInteger(maxBatchSize) || maxBatchSize < 1) {
    throw new RangeError(`maxBatchSize must be a whole number of at least 1, got ${String(maxBatchSize)}`);
  }
  let failure: { readonly error: unknown } | undefined;
  let ended = false;
  // Set by every listener; the loop only sleeps when nothing happened since it last looked, so a
  // wake-up between "read() gave nothing" and "sleep" is never lost.
  let woken = false;
  let wake: (() => void) | undefined;
  const poke = (): void => {
    woken = true;
    wake?.();
  };
  const onError = (error: unknown): void => {
    failure = { error };
    poke();
  };
  const onEnd = (): void => {
    ended = true;
    poke();
  };
  source.on('readable', poke);
  source.on('end', onEnd);
  source.on('close', onEnd);
  source.on('error', onError);
  signal?.addEventListener('abort', poke);
  try {
    for (;;) {
      if (signal?.aborted) return;
      woken = false;
      const batch: T[] = [];
      while (batch.length < maxBatchSize) {
        const item = source.read() as T | null;
        if (item === null) break;
        batch.push(item);
      }
      if (batch.length > 0) {
        yield batch;
        continue;
      }
      if (failure) throw failure.error;
      // destroy(error) emits 'error' a tick later: do not mistake that for a clean end.
      if (source.errored) throw source.errored;
      if (ended || source.destroyed) return;
      if (!woken) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    }
  } finally {
    source.off('readable', poke);
    source.off('end', onEnd);
    source.off('close', onEnd);
    source.off('error', onError);
    signal?.removeEventListener('abort', poke);
  }
}
