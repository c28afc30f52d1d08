/**
 * The naming rules every path that creates or renames a database or table shares (add to
 * catalog, crawler commit, Glue import, rename, restore, job output registration), checked inside
 * the write's transaction so two writes cannot both pass. DuckDB resolves names ignoring ASCII
 * case, so `Sales.Orders` would serve `sales.orders`: a name that differs from a stored one only in
 * case is refused, naming the stored one. DuckDB's own catalogs and schemas cannot be databases.
 */
import { quotedName } from '../core/quoted-name';
import { catalogError, tableLabel } from './catalog-errors';
import type { WriteTx } from './table-records';

/** Schema/catalog names DuckDB already uses: a database so named would be shadowed or refused. */
export const RESERVED_DATABASE_NAMES: readonly string[] = [
  'information_schema',
  'pg_catalog',
  'main',
  'temp',
  'system',
  'memory',
];

/** A name as DuckDB compares identifiers: ASCII letters folded, everything else as is. */
export function foldedName(name: string): string {
  return name.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** Why `name` cannot name a database, or undefined when it can. */
export function reservedDatabaseReason(name: string): string | undefined {
  const folded = foldedName(name);
  if (!RESERVED_DATABASE_NAMES.includes(folded)) return undefined;
  return `database name ${quotedName(name)} is reserved: DuckDB uses ${quotedName(folded)} for its own schemas; choose another name`;
}

/** Throws unless `name` may name a database (see RESERVED_DATABASE_NAMES). */
export function checkDatabaseNameFree(name: string): void {
  const reason = reservedDatabaseReason(name);
  if (reason) throw catalogError(reason);
}

/** The stored name among `names` that `name` would be confused with (same but for case). */
export function caseClash(names: Iterable<string>, name: string): string | undefined {
  const folded = foldedName(name);
  for (const n of names) if (n !== name && foldedName(n) === folded) return n;
  return undefined;
}

/** Throws if a stored database differs from `name` only in case (`except`: a rename's source). */
export async function checkDatabaseClash(
  tx: WriteTx,
  name: string,
  except?: string,
): Promise<void> {
  const names = (await tx.objectStore('databases').getAllKeys()).filter((n) => n !== except);
  const clash = caseClash(names, name);
  if (clash !== undefined)
    throw catalogError(
      `database ${quotedName(name)} differs from the existing database ${quotedName(clash)} only in case, which SQL cannot tell apart; use ${quotedName(clash)} or another name`,
    );
}

/** Throws if a table of `database` differs from `name` only in case (`except`: a rename's source). */
export async function checkTableClash(
  tx: WriteTx,
  database: string,
  name: string,
  except?: string,
): Promise<void> {
  const keys = await tx.objectStore('tables').index('by-database').getAllKeys(database);
  const names = keys.map(([, table]) => table).filter((n) => n !== except);
  const clash = caseClash(names, name);
  if (clash !== undefined)
    throw catalogError(
      `table ${tableLabel(database, name)} differs from the existing table ${tableLabel(database, clash)} only in case, which SQL cannot tell apart; choose another name`,
    );
}
