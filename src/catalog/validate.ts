/**
 * Checks the store makes before writing, so a bad record is refused with a reason instead of
 * being stored and breaking a query later. Names may be anything SQL can quote: only empty
 * names and NUL characters are refused.
 */
import { quotedName } from '../core/quoted-name';
import { catalogError, tableLabel } from './catalog-errors';
import type { CatalogColumn, CatalogPartition, CatalogTable } from './model';

/** Throws unless `name` can name a database, table or column. */
export function checkName(
  what: 'database' | 'table' | 'column' | 'crawler' | 'classifier',
  name: string,
): void {
  if (typeof name !== 'string' || name === '') throw catalogError(`a ${what} name cannot be empty`);
  if (name.includes('\0'))
    throw catalogError(`${what} name ${quotedName(name)} contains a NUL character`);
}

/**
 * Throws unless `t` is storable: valid names, a known classification, every column typed, and
 * no two columns (partition keys included) whose names DuckDB would confuse (`id` and `ID`).
 */
export function checkTable(
  t: Pick<CatalogTable, 'database' | 'name' | 'columns' | 'partitionKeys' | 'classification'>,
): void {
  checkName('database', t.database);
  checkName('table', t.name);
  const where = `table ${tableLabel(t.database, t.name)}`;
  if (!['csv', 'json', 'parquet'].includes(t.classification))
    throw catalogError(`${where}: unknown classification ${quotedName(String(t.classification))}`);
  const seen = new Map<string, string>();
  const check = (c: CatalogColumn) => {
    checkName('column', c.name);
    if (typeof c.type !== 'string' || c.type.trim() === '')
      throw catalogError(`${where}: column ${quotedName(c.name)} has no type`);
    const folded = c.name.toLowerCase();
    const clash = seen.get(folded);
    if (clash !== undefined)
      throw catalogError(
        clash === c.name
          ? `${where}: column ${quotedName(c.name)} appears twice`
          : `${where}: columns ${quotedName(clash)} and ${quotedName(c.name)} differ only in case, which SQL cannot tell apart`,
      );
    seen.set(folded, c.name);
  };
  t.columns.forEach(check);
  t.partitionKeys.forEach(check);
}

/** Throws unless every partition has one value per partition key and a location of its own. */
export function checkPartitions(t: CatalogTable, partitions: readonly CatalogPartition[]): void {
  const where = `table ${tableLabel(t.database, t.name)}`;
  const locations = new Set<string>();
  for (const p of partitions) {
    if (p.values.length !== t.partitionKeys.length)
      throw catalogError(
        `${where}: partition ${quotedName(p.location)} has ${p.values.length} values for ${t.partitionKeys.length} partition keys`,
      );
    if (locations.has(p.location))
      throw catalogError(`${where}: two partitions have the location ${quotedName(p.location)}`);
    locations.add(p.location);
  }
}
