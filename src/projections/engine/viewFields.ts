import type { Column, ColumnKind, Columns } from './table.ts';

/**
 * A read table's columns as an API view shows them, derived from the table's one definition:
 * `snake_case` names become `camelCase` fields, instants (pg hands them over as Dates) ISO text,
 * bigints (text from pg) numbers; everything else as it is. A view composes the columns that need
 * more (labels, nested facts, computed values) by hand and takes the rest from here, so a new
 * column reaches the view, and GraphQL's default resolver for a field of the same name, with no
 * code of its own.
 */

/** `in_production_at` → `inProductionAt`. */
export type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;

export const camelCase = <S extends string>(name: S): CamelCase<S> =>
  name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase()) as CamelCase<S>;

type Nullable<C> = C extends Column<ColumnKind, unknown, true> ? null : never;
/** A column's value as a view shows it. */
export type ShownValue<C> =
  C extends Column<infer K, infer V, boolean>
    ? (K extends 'timestamptz' ? string : K extends 'int8' ? number : V) | Nullable<C>
    : never;

/** These columns of a table as view fields. */
export type ShownFields<C extends Columns, K extends keyof C & string> = {
  readonly [N in K as CamelCase<N>]: ShownValue<C[N]>;
};

/** The expression a compiled view reads one column with (`r`: the row as pg hands it over). */
function shownCode(name: string, column: Column): string {
  const value = `r.${name}`;
  const convert =
    column.kind === 'timestamptz' ? `iso(${value})` : column.kind === 'int8' ? `Number(${value})` : undefined;
  if (convert === undefined) return value;
  return column.nullable ? `${value} === null ? null : ${convert}` : convert;
}

const iso = (value: Date | string): string => new Date(value).toISOString();

/**
 * The function that adds these columns of a row, as view fields, to the object a view composed
 * by hand, compiled once when the module loads: one store per column, no loop over columns, and
 * no object spread (views are built for every order read and every change a subscription is
 * told; a literal that starts with a spread and goes on with more fields measured ten times
 * slower). Column names are the definition's own identifiers, never input.
 */
export function shownFields<C extends Columns, K extends keyof C & string>(
  columns: C,
  names: readonly K[],
): <V extends object>(row: { readonly [N in K]: unknown }, composed: V) => V & ShownFields<C, K> {
  for (const name of names) if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Not a column name: ${name}`);
  const stores = names.map((name) => `v.${camelCase(name)} = ${shownCode(name, columns[name]!)};`);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- code made from the column definitions, for speed (see above)
  const compile = new Function('iso', `return (r, v) => { ${stores.join(' ')} return v; };`) as (
    convert: typeof iso,
  ) => <V extends object>(row: { readonly [N in K]: unknown }, composed: V) => V & ShownFields<C, K>;
  return compile(iso);
}

/**
 * `(from, into) => into` with these fields of `from` stored on `into`, compiled once: for a row
 * built by hand that takes some columns as they are from elsewhere (named stores; a loop of
 * keyed stores measured ten times slower than a literal of the whole row).
 */
export function fieldCopier<K extends string>(
  names: readonly K[],
): <F extends { readonly [N in K]: unknown }, V extends object>(from: F, into: V) => V & Pick<F, K> {
  for (const name of names) if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`Not a field name: ${name}`);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- code made from the names given at module load, for speed (see above)
  return new Function(
    'from',
    'into',
    `${names.map((name) => `into.${name} = from.${name};`).join(' ')} return into;`,
  ) as <F extends { readonly [N in K]: unknown }, V extends object>(from: F, into: V) => V & Pick<F, K>;
}
