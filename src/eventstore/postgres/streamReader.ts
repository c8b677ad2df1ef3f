import type pg from 'pg';
import type { ReadStreamResult, RecordedEvent } from '../eventStore.ts';
import { EVENT_COLUMNS, toRecordedEvent, type EventRow } from './reads.ts';

interface PendingRead {
  readonly streamId: string;
  readonly fromVersion: number;
  readonly maxCount: number | null;
  resolve(result: ReadStreamResult): void;
  reject(error: unknown): void;
}

/**
 * Reads many streams in one statement (one snapshot each, so a stream's version and its events
 * always agree). The version comes from `es_streams`, so a slice still reports the whole stream's.
 * Both lookups are `limit`ed laterals: as plain joins the planner hashes the whole of `es_streams`
 * while it is small, and the named statement keeps that plan as the table grows.
 */
const READ_SQL = `
select q.idx::int, coalesce(s.version, 0)::text as head, ${EVENT_COLUMNS}
from unnest($1::text[], $2::bigint[], $3::bigint[]) with ordinality as q(stream_id, from_version, max_count, idx)
left join lateral (select st.version from es_streams st where st.stream_id = q.stream_id limit 1) s on true
left join lateral (
  select * from es_events x
  where x.stream_id = q.stream_id and x.stream_version >= q.from_version
  order by x.stream_version
  limit q.max_count
) e on true
order by q.idx, e.stream_version`;

type ReadRow = Omit<EventRow, 'id'> & { idx: number; head: string; id: string | null };

/** Coalesces concurrent `readStream` calls, like the append batcher: the first goes at once, the rest ride together. */
export class StreamReader {
  readonly #queue: PendingRead[] = [];
  #inFlight = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly readers: number,
    private readonly maxBatch = 256,
  ) {}

  read(streamId: string, fromVersion: number, maxCount: number | null): Promise<ReadStreamResult> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ streamId, fromVersion, maxCount, resolve, reject });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#inFlight < this.readers && this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.maxBatch);
      this.#inFlight += 1;
      void this.#run(batch).finally(() => {
        this.#inFlight -= 1;
        this.#pump();
      });
    }
  }

  async #run(batch: readonly PendingRead[]): Promise<void> {
    try {
      // Named, so each connection plans it once: planning costs more than running it for a batch.
      const { rows } = await this.pool.query<ReadRow>({
        name: 'es_read_streams',
        text: READ_SQL,
        values: [batch.map((r) => r.streamId), batch.map((r) => r.fromVersion), batch.map((r) => r.maxCount)],
      });
      const results = batch.map(() => ({ version: 0, events: [] as RecordedEvent[] }));
      for (const row of rows) {
        const result = results[row.idx - 1]!;
        result.version = Number(row.head);
        if (row.id !== null) result.events.push(toRecordedEvent(row as EventRow));
      }
      batch.forEach((read, i) => read.resolve(results[i]!));
    } catch (error) {
      for (const read of batch) read.reject(error);
    }
  }
}
