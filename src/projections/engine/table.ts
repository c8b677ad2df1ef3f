/**
 * A read table defined once: its columns (kind, nullability, TypeScript type), and what derives
 * from them: the row types (as written, as pg reads them), the column list, select lists and
 * JSON objects for queries, and the COPY text encoder a rebuild's bulk load writes with.
 * The table itself is made by a migration; a test holds the two equal.
 */
export type ColumnKind = 'uuid' | 'text' | 'int4' | 'int8' | 'bool' | 'jsonb' | 'timestamptz' | 'date';

export class Column<K extends ColumnKind = ColumnKind, V = unknown, N extends boolean = boolean> {
  /** Phantom: the TypeScript type of a written value. */
  declare readonly value?: V;
  constructor(
    readonly kind: K,
    readonly nullable: N,
    /** Text from a fixed list (labels, types) that never holds a tab, newline or backslash: COPY skips escaping it. */
    readonly plain = false,
  ) {}
  orNull(): Column<K, V, true> {
    return new Column<K, V, true>(this.kind, true, this.plain);
  }
  fixedList(): Column<K, V, N> {
    return new Column<K, V, N>(this.kind, this.nullable, true);
  }
}

export const uuid = () => new Column<'uuid', string, false>('uuid', false);
export const text = <V extends string = string>() => new Column<'text', V, false>('text', false);
export const int4 = () => new Column<'int4', number, false>('int4', false);
export const int8 = () => new Column<'int8', string, false>('int8', false);
/** A bigint written from a JS number (durations, sums that stay far below 2^53); pg still reads it back as text. */
export const int8Number = () => new Column<'int8', number, false>('int8', false);
export const bool = () => new Column<'bool', boolean, false>('bool', false);
export const jsonb = <V>() => new Column<'jsonb', V, false>('jsonb', false);
export const timestamptz = () => new Column<'timestamptz', string, false>('timestamptz', false);
/** A calendar day, `YYYY-MM-DD`. */
export const date = () => new Column<'date', string, false>('date', false);

export type Columns = Readonly<Record<string, Column>>;

type Nullable<C> = C extends Column<ColumnKind, unknown, true> ? null : never;
type WrittenValue<C> = C extends Column<ColumnKind, infer V, boolean> ? V | Nullable<C> : never;
/** pg's default parsing: timestamptz and date become a Date; int8 stays text. */
type ReadValue<C> =
  C extends Column<infer K, infer V, boolean>
    ? (K extends 'timestamptz' | 'date' ? Date : K extends 'int8' ? string : V) | Nullable<C>
    : never;

/** A row as the projection writes it (and reads it back exactly, see {@link TableDefinition.readBackList}). */
export type WrittenRow<C extends Columns> = { -readonly [K in keyof C]: WrittenValue<C[K]> };
/** A row as a plain `select` hands it over through pg. */
export type ReadRow<C extends Columns> = { -readonly [K in keyof C]: ReadValue<C[K]> };
export type RowOf<T extends { readonly columns: Columns }> = WrittenRow<T['columns']>;
export type ReadRowOf<T extends { readonly columns: Columns }> = ReadRow<T['columns']>;

/** What the engine needs of a table (a rebuild clones, loads, indexes and switches it). */
export interface ReadTable {
  readonly name: string;
  readonly columns: Columns;
  readonly columnNames: readonly string[];
  readonly key: readonly string[];
  readonly statistics: 'all' | readonly string[];
  readonly load: 'streamed' | 'final';
}

export interface TableDefinition<C extends Columns = Columns> extends ReadTable {
  readonly columns: C;
  readonly columnNames: readonly (keyof C & string)[];
  /** The key rows are compared and ordered by. */
  readonly key: readonly (keyof C & string)[];
  /**
   * What a rebuild analyzes before the switch: every column for a table read many ways, only its
   * key columns for one read by key alone (a full analyze of a big table costs a fifth of its load).
   */
  readonly statistics: 'all' | readonly (keyof C & string)[];
  /**
   * How a rebuild loads it: `streamed`, rows written once and never changed (COPY as the fold
   * goes); `final`, rows that change (COPY once at the end of the bulk load, in their final state).
   */
  readonly load: 'streamed' | 'final';
  /** A row as one COPY text line (newline included): compiled from the columns, see {@link copyEncoder}. */
  copyLine(row: WrittenRow<C>): string;
}

export function defineTable<C extends Columns>(
  name: string,
  columns: C,
  options: {
    readonly key: readonly (keyof C & string)[];
    readonly statistics: 'all' | readonly (keyof C & string)[];
    readonly load: 'streamed' | 'final';
  },
): TableDefinition<C> {
  return { name, columns, columnNames: Object.keys(columns), ...options, copyLine: copyEncoder(columns) };
}

/** `"schema"."table"`, quoted: rebuilds write into another schema. */
export const qualified = (schema: string, table: string): string => `${quoteIdent(schema)}.${quoteIdent(table)}`;

export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/**
 * A select-list expression that reads the column back exactly as it was written: timestamps as
 * ISO text (never through a JS Date, which would drop microseconds), bigints as text.
 */
export function readBack(column: string, kind: ColumnKind): string {
  if (kind === 'timestamptz' || kind === 'date') return `to_json(${column}) #>> '{}' as ${column}`;
  if (kind === 'int8') return `${column}::text as ${column}`;
  return column;
}

/** Every column, read back as written ({@link WrittenRow}). */
export const readBackList = (table: ReadTable): string =>
  Object.entries(table.columns)
    .map(([name, column]) => readBack(name, column.kind))
    .join(', ');

/** `alias.a, alias.b, …`: a select list of these columns ({@link ReadRow}'s values). */
export const selectList = <C extends Columns>(alias: string, columns: readonly (keyof C & string)[]): string =>
  columns.map((name) => `${alias}.${name}`).join(', ');

/** `json_build_object('a', alias.a, …)` of these columns; bigints as text (a JSON number would lose digits). */
export const jsonObject = <C extends Columns>(
  table: TableDefinition<C>,
  alias: string,
  columns: readonly (keyof C & string)[],
  extra = '',
): string =>
  `json_build_object(${columns
    .map((name) => `'${name}', ${alias}.${name}${table.columns[name]!.kind === 'int8' ? '::text' : ''}`)
    .join(', ')}${extra ? `, ${extra}` : ''})`;

const NEEDS_ESCAPE = /[\\\n\r\t]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
/** Text as COPY's text format wants it: backslash, newline, carriage return and tab escaped. */
export const escapeText = (text: string): string =>
  NEEDS_ESCAPE.test(text) ? text.replace(/[\\\n\r\t]/g, (c) => ESCAPES[c]!) : text;

/** One value in COPY's text format; `\N` is null. */
function field(value: unknown, kind: ColumnKind): string {
  if (value === null || value === undefined) return '\\N';
  switch (kind) {
    case 'jsonb':
      return escapeText(JSON.stringify(value));
    case 'bool':
      return value ? 't' : 'f';
    case 'text':
    case 'timestamptz':
      return escapeText(typeof value === 'string' ? value : JSON.stringify(value));
    case 'date':
    case 'uuid':
    case 'int4':
    case 'int8':
      return typeof value === 'number' || typeof value === 'bigint' ? value.toString() : (value as string);
  }
}

/** A row encoder for COPY's text format, column by column: the yardstick {@link copyEncoder} is held equal to. */
export function rowEncoder(columns: Columns): (row: object) => string {
  const names = Object.keys(columns);
  const kinds = Object.values(columns).map((column) => column.kind);
  return (row) => {
    const values = row as Record<string, unknown>;
    let line = field(values[names[0]!], kinds[0]!);
    for (let c = 1; c < names.length; c += 1) line += `\t${field(values[names[c]!], kinds[c]!)}`;
    return `${line}\n`;
  };
}

/** The expression that writes one value of a compiled encoder (`v`: the value; see `field`). */
function valueCode(v: string, column: Column): string {
  const nul = `${v} === null || ${v} === undefined ? '\\\\N' : `;
  switch (column.kind) {
    case 'jsonb':
      return `${nul}esc(JSON.stringify(${v}))`;
    case 'bool':
      return `${nul}(${v} ? 't' : 'f')`;
    case 'text':
    case 'timestamptz':
      return column.plain
        ? `${nul}(typeof ${v} === 'string' ? ${v} : esc(JSON.stringify(${v})))`
        : `${nul}esc(typeof ${v} === 'string' ? ${v} : JSON.stringify(${v}))`;
    case 'date':
    case 'uuid':
    case 'int4':
    case 'int8':
      return `${nul}('' + ${v})`;
  }
}

/**
 * The row encoder compiled for these columns: one template literal per row, no loop over
 * columns, no escape test for ids, numbers and fixed-list text. The bulk load encodes a line per
 * event; this is what the hand-written encoders it replaces did, made from the table's one
 * definition (same output as {@link rowEncoder}, a test checks it; column names are the
 * definition's own identifiers, never input).
 */
export function copyEncoder<C extends Columns>(columns: C): (row: WrittenRow<C>) => string {
  const names = Object.keys(columns);
  for (const name of names) if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Not a column name: ${name}`);
  const body = `return (r) => \`${names.map((name) => `\${${valueCode(`r.${name}`, columns[name]!)}}`).join('\\t')}\\n\`;`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- code made from the column definitions above, for speed (see the comment)
  const compile = new Function('esc', body) as (esc: typeof escapeText) => (row: WrittenRow<C>) => string;
  return compile(escapeText);
}
