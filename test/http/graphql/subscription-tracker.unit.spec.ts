import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import { CONTROLLER, type InternalContext } from '../../../src/http/graphql/context.ts';
import { SubscriptionTracker } from '../../../src/http/graphql/subscriptions.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const contextFor = (controller: AbortController) =>
  ({
    [CONTROLLER]: controller,
    signal: controller.signal,
    recheckViewer: () => Promise.resolve(undefined),
  }) as unknown as InternalContext;

describe('the subscription tracker', () => {
  it('keeps no delivered payload alive while the subscription stays open', async () => {
    const tracker = new SubscriptionTracker({ subscriptionOpened: () => () => undefined });
    const refs: WeakRef<object>[] = [];
    async function* source(): AsyncGenerator<ExecutionResult> {
      for (let i = 0; i < 200; i++) {
        const payload = { data: { big: 'x'.repeat(10_000) + String(i) } };
        refs.push(new WeakRef(payload));
        yield payload;
      }
      // Stays open, as a live subscription does.
      await new Promise(() => undefined);
    }
    const controller = new AbortController();
    const tracked = tracker.track(source(), contextFor(controller));
    for (let i = 0; i < 200; i++) expect((await tracked.next()).done).toBe(false);
    const pending = tracked.next();
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    expect(refs.filter((ref) => ref.deref() !== undefined).length).toBeLessThanOrEqual(1);
    // And it still ends cleanly: the next() in flight answers done, the operation is aborted.
    await tracker.closeAll(100);
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(controller.signal.aborted).toBe(true);
  });
});
