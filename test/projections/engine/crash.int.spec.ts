import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { randomOrderLife, readModelSuite, seededRandom } from '../support.ts';

const CHILD = fileURLToPath(new URL('./projector-child.ts', import.meta.url));

interface ProjectorChild {
  readonly process: ChildProcess;
  /** Resolves once the child has printed `committing` `count` times: it is then inside a batch. */
  committing(count: number): Promise<void>;
  readonly exited: Promise<void>;
}

function projectorChild(url: string): ProjectorChild {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, url], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let seen = 0;
  const waiters: { count: number; resolve: () => void }[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line !== 'committing') return;
    seen += 1;
    for (const waiter of waiters.filter((w) => seen >= w.count)) waiter.resolve();
  });
  return {
    process: child,
    exited,
    committing: (count) => new Promise((resolve) => waiters.push({ count, resolve })),
  };
}

describe('a projector killed hard', () => {
  const fx = readModelSuite();

  it(
    'leaves, after 20 SIGKILLs mid-batch while commands flow, a read model equal to a fresh rebuild with no timeline entry doubled',
    { timeout: 180_000 },
    async () => {
      const random = seededRandom(42);
      let flowing = true;
      const writers = Array.from({ length: 2 }, async () => {
        while (flowing) await randomOrderLife(fx.commands, random, 3);
      });
      let kills = 0;
      // Two projector processes at a time: one leads, the other waits to take over when it dies.
      const children = [projectorChild(fx.db.url), projectorChild(fx.db.url)];
      try {
        while (kills < 20) {
          const target = 1 + Math.floor(random() * 3);
          const leader = await Promise.race(children.map((child) => child.committing(target).then(() => child)));
          leader.process.kill('SIGKILL');
          await leader.exited;
          kills += 1;
          children.splice(children.indexOf(leader), 1, projectorChild(fx.db.url));
        }
      } finally {
        flowing = false;
        for (const child of children) child.process.kill('SIGKILL');
        await Promise.all([...writers, ...children.map((child) => child.exited)]);
      }

      const survivor = await fx.project();
      try {
        await fx.caughtUp(60_000);
      } finally {
        await survivor.close();
      }
      const projected = await fx.snapshot();
      const { rows } = await fx.db.pool.query<{ events: string; timeline: string; distinct_ids: string }>(
        `select (select count(*) from es_events where stream_id like 'order-%') as events,
              (select count(*) from fulfillment_events) as timeline, (select count(distinct id) from fulfillment_events) as distinct_ids`,
      );
      expect(kills).toBe(20);
      expect(Number(rows[0]!.events)).toBeGreaterThan(500);
      expect(rows[0]!.timeline).toBe(rows[0]!.events);
      expect(rows[0]!.distinct_ids).toBe(rows[0]!.events);

      await fx.rebuild();
      expect(await fx.snapshot()).toEqual(projected);
    },
  );
});
