import type pg from 'pg';
import { qualified } from './table.ts';

type Queryable = Pick<pg.ClientBase, 'query'>;

const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/**
 * Creates `target.table` as an empty copy of `public.table`: columns, defaults, NOT NULL and
 * CHECK constraints, storage, comments and grants, but no indexes yet (a bulk load into an
 * unindexed table and indexes built afterwards is much faster than loading through them).
 */
export async function cloneTableShell(db: Queryable, target: string, table: string): Promise<void> {
  // LIKE copies no storage parameters, and the live table's (production_orders' fillfactor, which
  // leaves room for HOT updates) must hold for the rebuilt one too; its TOAST table's are kept on
  // that table's own catalog row.
  const { rows: shape } = await db.query<{ options: string[] | null; toast: string[] | null }>(
    `select c.reloptions as options, t.reloptions as toast from pg_class c left join pg_class t on t.oid = c.reltoastrelid where c.oid = $1::regclass`,
    [`public.${table}`],
  );
  const parameter = (prefix: string) => (option: string) => {
    const at = option.indexOf('=');
    return `, ${prefix}${quote(option.slice(0, at))} = '${option.slice(at + 1).replaceAll("'", "''")}'`;
  };
  const kept = (options: string[] | null | undefined) =>
    (options ?? []).filter((option) => !option.startsWith('autovacuum_enabled='));
  const copied = [...kept(shape[0]?.options).map(parameter('')), ...kept(shape[0]?.toast).map(parameter('toast.'))];
  // No autovacuum while it is being built: a vacuum of the freshly loaded table would hold the
  // lock the switch needs (and it is cancelled only after deadlock_timeout, longer than the
  // switch waits). The switch turns it back on (see `resumeAutovacuum`).
  await db.query(
    `create table ${qualified(target, table)} (like ${qualified('public', table)} including all excluding indexes) with (autovacuum_enabled = false, toast.autovacuum_enabled = false${copied.join('')})`,
  );
  const { rows } = await db.query<{ privilege: string; grantee: string }>(
    `select a.privilege_type as privilege, coalesce(quote_ident(r.rolname), 'public') as grantee
     from pg_class c cross join lateral aclexplode(c.relacl) a left join pg_roles r on r.oid = a.grantee
     where c.oid = $1::regclass and a.grantee <> c.relowner`,
    [`public.${table}`],
  );
  for (const row of rows) await db.query(`grant ${row.privilege} on ${qualified(target, table)} to ${row.grantee}`);
}

/** Undoes what `cloneTableShell` turned off for the load: the table is live now. */
export async function resumeAutovacuum(db: Queryable, schema: string, table: string): Promise<void> {
  await db.query(`alter table ${qualified(schema, table)} reset (autovacuum_enabled, toast.autovacuum_enabled)`);
}

/** One index to build, and the constraint to attach to it afterwards (primary key, unique). */
export interface IndexBuild {
  readonly table: string;
  readonly build: string;
  readonly attach: string | undefined;
}

/**
 * What gives `target.table` every index and key constraint `public.table` has, under the same
 * names, read from the catalog: whatever later migrations add to the live table is rebuilt too.
 * Key constraints become a plain `CREATE UNIQUE INDEX` and an `ADD CONSTRAINT … USING INDEX`
 * afterwards: index builds only share-lock their table, so all of them can run at once on
 * several connections, where `ADD PRIMARY KEY` would lock the table and build alone.
 */
export async function indexBuilds(db: Queryable, target: string, table: string): Promise<IndexBuild[]> {
  const { rows } = await db.query<{
    definition: string;
    constraint_name: string | null;
    constraint_type: string | null;
    constraint_definition: string | null;
  }>(
    `select pg_get_indexdef(i.indexrelid) as definition, c.conname as constraint_name, c.contype as constraint_type, pg_get_constraintdef(c.oid) as constraint_definition
     from pg_index i
     left join pg_constraint c on c.conindid = i.indexrelid and c.conrelid = i.indrelid and c.contype in ('p', 'u', 'x')
     where i.indrelid = $1::regclass
     order by c.contype nulls last, i.indexrelid`,
    [`public.${table}`],
  );
  const onLive = new RegExp(` ON (ONLY )?public\\.${table} `);
  return rows.map((row) => {
    const qualifiedTable = qualified(target, table);
    if (row.constraint_name && row.constraint_definition && row.constraint_type === 'x') {
      return {
        table,
        build: `alter table ${qualifiedTable} add constraint ${quote(row.constraint_name)} ${row.constraint_definition}`,
        attach: undefined,
      };
    }
    if (!onLive.test(row.definition)) throw new Error(`Cannot clone index of ${table}: ${row.definition}`);
    // CREATE INDEX puts the index in its table's schema, under the same name.
    const build = row.definition.replace(onLive, ` ON $1${qualifiedTable} `);
    if (!row.constraint_name || !row.constraint_definition) return { table, build, attach: undefined };
    const kind = row.constraint_type === 'p' ? 'primary key' : 'unique';
    const deferrable = / DEFERRABLE( INITIALLY DEFERRED)?$/.exec(row.constraint_definition)?.[0] ?? '';
    return {
      table,
      build,
      attach: `alter table ${qualifiedTable} add constraint ${quote(row.constraint_name)} ${kind} using index ${quote(row.constraint_name)}${deferrable}`,
    };
  });
}
