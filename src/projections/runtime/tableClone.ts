import type pg from 'pg';
import { qualified } from '../orders/columns.ts';

type Queryable = Pick<pg.ClientBase, 'query'>;

const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/**
 * Creates `target.table` as an empty copy of `public.table`: columns, defaults, NOT NULL and
 * CHECK constraints, storage, comments and grants, but no indexes yet (a bulk load into an
 * unindexed table and indexes built afterwards is much faster than loading through them).
 */
export async function cloneTableShell(db: Queryable, target: string, table: string): Promise<void> {
  await db.query(`create table ${qualified(target, table)} (like ${qualified('public', table)} including all excluding indexes)`);
  const { rows } = await db.query<{ privilege: string; grantee: string }>(
    `select a.privilege_type as privilege, coalesce(quote_ident(r.rolname), 'public') as grantee
     from pg_class c cross join lateral aclexplode(c.relacl) a left join pg_roles r on r.oid = a.grantee
     where c.oid = $1::regclass and a.grantee <> c.relowner`,
    [`public.${table}`],
  );
  for (const row of rows) await db.query(`grant ${row.privilege} on ${qualified(target, table)} to ${row.grantee}`);
}

/**
 * Gives `target.table` every index and key constraint `public.table` has, under the same names,
 * read from the catalog: whatever later migrations add to the live table is rebuilt too.
 */
export async function cloneIndexes(db: Queryable, target: string, table: string): Promise<void> {
  const { rows } = await db.query<{ definition: string; constraint_name: string | null; constraint_definition: string | null }>(
    `select pg_get_indexdef(i.indexrelid) as definition, c.conname as constraint_name, pg_get_constraintdef(c.oid) as constraint_definition
     from pg_index i
     left join pg_constraint c on c.conindid = i.indexrelid and c.conrelid = i.indrelid and c.contype in ('p', 'u', 'x')
     where i.indrelid = $1::regclass
     order by c.contype nulls last, i.indexrelid`,
    [`public.${table}`],
  );
  const onLive = new RegExp(` ON (ONLY )?public\\.${table} `);
  for (const row of rows) {
    if (row.constraint_name && row.constraint_definition) {
      await db.query(`alter table ${qualified(target, table)} add constraint ${quote(row.constraint_name)} ${row.constraint_definition}`);
      continue;
    }
    if (!onLive.test(row.definition)) throw new Error(`Cannot clone index of ${table}: ${row.definition}`);
    // CREATE INDEX puts the index in its table's schema, under the same name.
    await db.query(row.definition.replace(onLive, ` ON $1${qualified(target, table)} `));
  }
}
