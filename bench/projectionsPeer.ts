import type pg from 'pg';

/**
 * The yardstick issue 3 names: "a plain read-fold-upsert loop", run here over the very events the
 * rebuild reads, so the two rates compare side by side. Raw pg: pages of 10,000 order events in
 * `$all` order (pg parses the jsonb), a Map of each order's status and version, one upsert per
 * page of the orders it changed. It writes one narrow row per order and nothing per event: no
 * timeline, no line items, no secondary indexes, no domain rules, no guard. What the rebuild
 * does beyond that is the difference between the two figures.
 */
export async function plainReadFoldUpsert(pool: pg.Pool): Promise<{ events: number; orders: number; ms: number }> {
  await pool.query('drop table if exists bench_plain_orders');
  await pool.query(
    'create table bench_plain_orders (id text primary key, status text not null, version bigint not null, updated_at timestamptz not null)',
  );
  const started = performance.now();
  const state = new Map<string, { status: string; version: number; at: string }>();
  let after = { commit: '0', prepare: '0' };
  let events = 0;
  for (;;) {
    const { rows } = await pool.query<{
      type: string;
      data: { at: string };
      stream: string;
      version: string;
      commit: string;
      prepare: string;
    }>(
      `select event_type as type, data, stream_id as stream, stream_version as version, transaction_id::text as commit, global_position as prepare
       from es_events where (transaction_id, global_position) > ($1::xid8, $2::bigint) and starts_with(stream_id, 'order-')
       order by transaction_id, global_position limit 10000`,
      [after.commit, after.prepare],
    );
    if (rows.length === 0) break;
    const changed = new Set<string>();
    for (const row of rows) {
      const previous = state.get(row.stream);
      state.set(row.stream, {
        status: STATUS_AFTER[row.type] ?? previous?.status ?? 'draft',
        version: Number(row.version),
        at: row.data.at,
      });
      changed.add(row.stream);
    }
    const ids = [...changed];
    const orders = ids.map((id) => state.get(id)!);
    await pool.query(
      `insert into bench_plain_orders (id, status, version, updated_at)
       select * from unnest($1::text[], $2::text[], $3::bigint[], $4::timestamptz[])
       on conflict (id) do update set status = excluded.status, version = excluded.version, updated_at = excluded.updated_at`,
      [ids, orders.map((o) => o.status), orders.map((o) => o.version), orders.map((o) => o.at)],
    );
    events += rows.length;
    const last = rows.at(-1)!;
    after = { commit: last.commit, prepare: last.prepare };
  }
  const ms = performance.now() - started;
  await pool.query('drop table bench_plain_orders');
  return { events, orders: state.size, ms };
}

const STATUS_AFTER: Readonly<Record<string, string>> = {
  OrderCreated: 'draft',
  PaymentConfirmed: 'submitted',
  SpecApproved: 'approved',
  ProductionStarted: 'in_production',
  OrderFulfilled: 'fulfilled',
  OrderCanceled: 'canceled',
};
