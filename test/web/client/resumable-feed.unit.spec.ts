import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../web/src/client/errors.ts';
import type { SubscriptionSink } from '../../../web/src/client/graphqlClient.ts';
import { isAfter } from '../../../web/src/client/position.ts';
import { ResumableFeed, type FeedState } from '../../../web/src/client/resumableFeed.ts';

interface Value {
  readonly position: string;
  readonly label: string;
}

/** A source whose load answers and subscriptions the test drives by hand. */
function fakeSource(loaded: () => Value | null) {
  const subscriptions: { afterPosition: string; sink: SubscriptionSink<Value>; ended: boolean }[] = [];
  let loads = 0;
  return {
    subscriptions,
    loads: () => loads,
    source: {
      load: () => {
        loads++;
        return Promise.resolve(loaded());
      },
      subscribe: (afterPosition: string, sink: SubscriptionSink<Value>) => {
        const subscription = { afterPosition, sink, ended: false };
        subscriptions.push(subscription);
        return () => {
          subscription.ended = true;
        };
      },
      position: (value: Value) => value.position,
    },
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('ResumableFeed', () => {
  it('subscribes from the loaded position, ignores updates at or before the shown one, and resumes from the last shown after a drop', async () => {
    const fake = fakeSource(() => ({ position: '10-10', label: 'loaded' }));
    const states: FeedState<Value>[] = [];
    const feed = new ResumableFeed(fake.source, (state) => states.push(state), { backoff: () => 1 });
    feed.start();
    await settle();
    expect(fake.subscriptions.map((s) => s.afterPosition)).toEqual(['10-10']);
    const first = fake.subscriptions[0]!.sink;
    first.connected();
    first.next({ position: '12-12', label: 'approved' });
    first.next({ position: '11-11', label: 'late duplicate' });
    first.next({ position: '12-12', label: 'same again' });
    expect(states.at(-1)).toMatchObject({ value: { label: 'approved' }, connection: 'online', error: null });

    first.error(new ApiError('The live connection was lost.', 'SOCKET_CLOSED', true));
    expect(states.at(-1)?.connection).toBe('offline');
    await settle();
    expect(fake.subscriptions.map((s) => s.afterPosition)).toEqual(['10-10', '12-12']);
    expect(fake.loads()).toBe(1);
    feed.stop();
  });

  it('stops at a refusal (not found, unauthenticated) instead of retrying', async () => {
    const fake = fakeSource(() => ({ position: '1-1', label: 'x' }));
    const states: FeedState<Value>[] = [];
    const feed = new ResumableFeed(fake.source, (state) => states.push(state), { backoff: () => 1 });
    feed.start();
    await settle();
    fake.subscriptions[0]!.sink.error(new ApiError('Order not found', 'NOT_FOUND', false));
    await settle();
    expect(fake.subscriptions).toHaveLength(1);
    expect(states.at(-1)).toMatchObject({ connection: 'offline', error: { code: 'NOT_FOUND' } });
    feed.stop();
  });

  it('loads again after the server ends the subscription, and says not found when the value is gone', async () => {
    let current: Value | null = { position: '5-5', label: 'tracked' };
    const fake = fakeSource(() => current);
    const states: FeedState<Value>[] = [];
    const feed = new ResumableFeed(fake.source, (state) => states.push(state), { backoff: () => 1 });
    feed.start();
    await settle();
    current = null;
    fake.subscriptions[0]!.sink.complete();
    await settle();
    expect(fake.loads()).toBe(2);
    expect(fake.subscriptions).toHaveLength(1);
    expect(states.at(-1)).toMatchObject({ error: { code: 'NOT_FOUND' } });
    feed.stop();
  });

  it("takes a mutation's answer only when it is newer than what is shown", async () => {
    const fake = fakeSource(() => ({ position: '20-20', label: 'loaded' }));
    const states: FeedState<Value>[] = [];
    const feed = new ResumableFeed(fake.source, (state) => states.push(state), { backoff: () => 1 });
    feed.start();
    await settle();
    feed.offer({ position: '19-19', label: 'older' });
    expect(states.at(-1)?.value?.label).toBe('loaded');
    feed.offer({ position: '21-3', label: 'canceled' });
    expect(states.at(-1)?.value?.label).toBe('canceled');
    feed.stop();
  });
});

describe('isAfter', () => {
  it('compares positions as two unsigned integers beyond 2^53', () => {
    expect(isAfter('9007199254740993-1', '9007199254740992-5')).toBe(true);
    expect(isAfter('10-2', '10-10')).toBe(false);
    expect(isAfter('10-10', '10-10')).toBe(false);
    expect(isAfter('11-0', undefined)).toBe(true);
    expect(isAfter('garbage', '1-1')).toBe(false);
  });
});
