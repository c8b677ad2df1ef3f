/**
 * The rebuild's switch, see docs/adr/0007-rebuild-bulk-load.md: the fresh tables replace the live
 * ones in one transaction that takes the checkpoint lock first, so readers see old or new tables,
 * never a half-built one, and the live projector pauses for its length.
 */
import type pg from 'pg';
import { comparePositions, type GlobalPosition, type RecordedEvent } from '../../eventstore/eventStore.ts';
import { lockCheckpoint, saveCheckpoint } from './checkpoints.ts';
import { clearDeadLettersUpTo } from './deadLetters.ts';
import { CHANGES_CHANNEL, encodeChangeNotices } from './notifications.ts';
import type { Projection } from './projection.ts';
import { applyPage, type LoadSettings, type RebuildCursor } from './rebuildLoad.ts';
import { qualified, quoteIdent } from './table.ts';
import { resumeAutovacuum } from './tableClone.ts';

/** The rebuild's lock session ended: another rebuild may be under way, so this one stops unswitched. */
export class RebuildLockLostError extends Error {
  override readonly name = 'RebuildLockLostError';
  constructor() {
    super('The rebuild lost its lock (its session ended); the live tables are as they were');
  }
}

const ATTEMPTS = 20;
/**
 * How long the switch waits for the live tables: a little longer than deadlock_timeout. After
 * deadlock_timeout PostgreSQL cancels an autovacuum that holds the lock (a freshly switched-in
 * table is vacuumed soon after its load; a shorter wait never got past it and retried for
 * seconds), and if a reader and the switch ever wait on each other, the switch has waited
 * longest, so it is the one the deadlock check fails (40P01) and it retries.
 */
const TABLE_LOCK_TIMEOUT_SQL = `select set_config('lock_timeout', (extract(epoch from current_setting('deadlock_timeout')::interval) * 1000 + 250)::int::text, true)`;
const RETRIED = new Set(['55P03', '40P01']);

/**
 * The one transaction that makes the new tables live. It takes the checkpoint row first, the
 * lock every projection batch takes first, so the live projector pauses here; applies what the
 * new tables still lack; takes the live tables (briefly blocking readers); moves the old tables
 * out and the new ones in; sets the checkpoint to where the new tables stand; announces the
 * orders that changed beyond the live position; commits. The live projector then finds the
 * checkpoint moved and continues from it. Retried when the table locks are not granted in time.
 */
export async function switchTables(
  client: pg.ClientBase,
  settings: LoadSettings,
  cursor: RebuildCursor,
  retiredPrefix: string,
  lockLost: AbortSignal,
  dropLockTimeoutMs: number,
): Promise<{ clearedDeadLetters: number; retiredDropped: boolean }> {
  for (let attempt = 1; ; attempt += 1) {
    const before = { position: cursor.position, events: cursor.events };
    try {
      await client.query('begin');
      await client.query("set local lock_timeout = '30s'");
      // Every projection's checkpoint first, in the order every live batch takes them.
      const live: (GlobalPosition | undefined)[] = [];
      for (const { projection } of settings.slots) live.push(await lockCheckpoint(client, projection.name, 'any'));
      // Rows are read back from the new tables here, so a retry starts from what is committed.
      for (const slot of settings.slots) slot.rebuild.forget();
      const pending: RebuildCursor = { position: cursor.position, events: cursor.events };
      await applyRemaining(client, settings, pending);
      await client.query(TABLE_LOCK_TIMEOUT_SQL);
      const tables = settings.slots.flatMap((slot) => slot.projection.tables.map((table) => table.name));
      await client.query(
        `lock table ${tables.map((name) => qualified('public', name)).join(', ')} in access exclusive mode`,
      );
      const retired = quoteIdent(`${retiredPrefix}${settings.schema.slice(-12)}`);
      await client.query(`create schema ${retired}`);
      for (const name of tables) {
        await client.query(`alter table ${qualified('public', name)} set schema ${retired}`);
        await client.query(`alter table ${qualified(settings.schema, name)} set schema public`);
        await resumeAutovacuum(client, 'public', name);
      }
      let clearedDeadLetters = 0;
      if (pending.position) {
        for (const [index, { projection }] of settings.slots.entries()) {
          await saveCheckpoint(client, projection.name, pending.position);
          clearedDeadLetters += await clearDeadLettersUpTo(client, projection.name, pending.position);
          await announce(client, projection, live[index], pending.position);
        }
      }
      // The last moment to find the rebuild's lock gone (another rebuild may be under way): nothing is switched yet.
      if (lockLost.aborted) throw new RebuildLockLostError();
      await client.query('commit');
      cursor.position = pending.position;
      cursor.events = pending.events;
      // Switched: from here on nothing may fail the rebuild or retry the switch.
      return { clearedDeadLetters, retiredDropped: await dropIfFree(client, retired, dropLockTimeoutMs) };
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      cursor.position = before.position;
      cursor.events = before.events;
      if (!RETRIED.has((error as { code?: string }).code ?? '') || attempt >= ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

/**
 * Drops a retired schema unless some session still holds a lock on its tables (a reader that was
 * in a transaction on the old tables when they were switched out): the drop waits at most
 * `lockTimeoutMs` for it, then the schema is left for the next rebuild's clean-up. Without the
 * bound the drop waited on the reader for as long as the reader's transaction lasted, and its
 * exclusive lock request queued every other reader of those tables behind it.
 */
export async function dropIfFree(client: pg.ClientBase, quotedSchema: string, lockTimeoutMs: number): Promise<boolean> {
  try {
    await client.query('begin');
    await client.query(`select set_config('lock_timeout', $1, true)`, [String(lockTimeoutMs)]);
    await client.query(`drop schema if exists ${quotedSchema} cascade`);
    await client.query('commit');
    return true;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    if ((error as { code?: string }).code === '55P03') return false;
    throw error;
  }
}

async function applyRemaining(client: pg.ClientBase, settings: LoadSettings, cursor: RebuildCursor): Promise<void> {
  for (;;) {
    const page: readonly RecordedEvent[] = await settings.eventStore.readAll({
      ...(cursor.position ? { after: cursor.position } : {}),
      maxCount: settings.pageSize,
      streamPrefixes: settings.streamPrefixes,
    });
    if (page.length === 0) return;
    await applyPage(client, settings, cursor, page);
    if (page.length < settings.pageSize) return;
  }
}

/** Tells every process what the new tables have beyond what the live tables had. */
async function announce(
  client: pg.ClientBase,
  projection: Projection,
  live: GlobalPosition | undefined,
  position: GlobalPosition,
): Promise<void> {
  if (!projection.changedAfter || (live && comparePositions(position, live) <= 0)) return;
  const { rows } = await client.query<{ id: string }>(projection.changedAfter, [
    (live?.commit ?? -1n).toString(),
    (live?.prepare ?? -1n).toString(),
  ]);
  await client.query('select pg_notify($1, payload) from unnest($2::text[]) as payload', [
    CHANGES_CHANNEL,
    encodeChangeNotices(
      position,
      rows.map((row) => row.id),
    ),
  ]);
}
