import { describe, expect, it } from 'vitest';
import { createKeyedQueue } from '../../src/shared/keyedQueue.ts';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('the keyed queue (one per stream in the command handler and the EventStoreDB adapter)', () => {
  it('runs the tasks of one key one at a time in call order, and other keys side by side', async () => {
    const queue = createKeyedQueue();
    const trace: string[] = [];
    const task = (name: string, ms: number) => async () => {
      trace.push(`${name}+`);
      await pause(ms);
      trace.push(`${name}-`);
      return name;
    };
    const results = await Promise.all([
      queue.run('a', task('a1', 20)),
      queue.run('a', task('a2', 1)),
      queue.run('b', task('b1', 5)),
    ]);
    expect(results).toEqual(['a1', 'a2', 'b1']);
    expect(trace.indexOf('a2+')).toBeGreaterThan(trace.indexOf('a1-'));
    expect(trace.indexOf('b1+')).toBeLessThan(trace.indexOf('a1-'));
  });

  it('keeps arrival order for many waiting tasks, never two of one key at once', async () => {
    const queue = createKeyedQueue();
    const started: number[] = [];
    let running = 0;
    let most = 0;
    // Later tasks finish faster: a queue that let them overtake would show it in `started`.
    const runs = Array.from({ length: 40 }, (_, i) =>
      queue.run('hot', async () => {
        started.push(i);
        most = Math.max(most, (running += 1));
        await pause((40 - i) % 3);
        running -= 1;
        return i;
      }),
    );
    expect(queue.size).toBe(1);
    expect(await Promise.all(runs)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(started).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(most).toBe(1);
  });

  it('does not fail the tasks behind a failed one, whether it rejects or throws at once', async () => {
    const queue = createKeyedQueue();
    const rejected = queue.run('a', () => Promise.reject(new Error('boom')));
    const thrown = queue.run('a', () => {
      throw new Error('at once');
    });
    const next = queue.run('a', () => Promise.resolve('after'));
    await expect(rejected).rejects.toThrow('boom');
    await expect(thrown).rejects.toThrow('at once');
    await expect(next).resolves.toBe('after');
  });

  it('forgets a key once its queue drains, whatever its tasks answered, and takes it up again', async () => {
    const queue = createKeyedQueue();
    const work = [
      queue.run('a', () => Promise.resolve(1)),
      queue.run('a', () => Promise.reject(new Error('boom'))),
      queue.run('b', () => Promise.resolve(2)),
    ];
    expect(queue.size).toBe(2);
    await Promise.allSettled(work);
    await settled();
    expect(queue.size).toBe(0);
    await expect(queue.run('a', () => Promise.resolve('again'))).resolves.toBe('again');
    expect(queue.size).toBe(0);
  });
});
