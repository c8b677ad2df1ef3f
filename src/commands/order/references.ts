import type pg from 'pg';
import { formatReference } from '../../domain/order/index.ts';
import type { ReferenceAllocator } from './ports.ts';

/** Two processes creating the sequence at once: the loser sees one of these; the sequence exists. */
const ALREADY_EXISTS = new Set(['42P07', '23505']);

/**
 * References from a PostgreSQL sequence: `PO-000001`, `PO-000002`… Unique across processes;
 * numbers taken by an order that was then not written (a lost race) are simply skipped.
 * Creates the sequence on first use, so it needs no migration of its own.
 */
export function createPostgresReferenceAllocator(pool: pg.Pool): ReferenceAllocator {
  let ready: Promise<void> | undefined;
  const ensureSequence = async (): Promise<void> => {
    try {
      await pool.query('create sequence if not exists order_reference_seq');
    } catch (error) {
      if (!ALREADY_EXISTS.has((error as { code?: string }).code ?? '')) throw error;
    }
  };
  return {
    async next() {
      ready ??= ensureSequence().catch((error: unknown) => {
        ready = undefined; // try again next time rather than failing for ever
        throw error;
      });
      await ready;
      const { rows } = await pool.query<{ n: string }>("select nextval('order_reference_seq')::text as n");
      const n = rows[0]?.n;
      if (n === undefined) throw new Error('nextval returned no row');
      return formatReference(BigInt(n));
    },
  };
}

/** References counted in memory, for tests and tools that need no database. */
export function createInMemoryReferenceAllocator(start = 1): ReferenceAllocator {
  let next = start;
  return { next: () => Promise.resolve(formatReference(next++)) };
}
