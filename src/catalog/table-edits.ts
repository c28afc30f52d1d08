/**
 * Pure rules for editing a table's schema: when an edit deserves a new version, and the
 * table and reason that a single-column edit produces.
 */
import { quotedName } from '../core/quoted-name';
import { describeChanges, diffSchemas, sameColumnOrder } from './schema-diff';
import type { CatalogColumn, CatalogTable } from './model';

type Schema = Pick<CatalogTable, 'columns' | 'partitionKeys'>;

/**
 * Why `next` needs a new version of `stored` (its columns or partition keys differ, order
 * included), or undefined when only other fields changed.
 */
export function schemaChangeReason(stored: Schema, next: Schema): string | undefined {
  const parts: string[] = [];
  const columns = diffSchemas(stored.columns, next.columns);
  if (columns.length) parts.push(describeChanges(columns));
  else if (!sameColumnOrder(stored.columns, next.columns)) parts.push('columns reordered');
  const keys = diffSchemas(stored.partitionKeys, next.partitionKeys);
  if (keys.length) parts.push(`partition keys: ${describeChanges(keys)}`);
  else if (!sameColumnOrder(stored.partitionKeys, next.partitionKeys))
    parts.push('partition keys reordered');
  return parts.length ? parts.join('; ') : undefined;
}

/**
 * `table` with one column (or partition key) patched, and the reason to record: a rename says
 * so (a name diff would read as removed + added); other edits leave it to the schema diff.
 * Returns undefined when `table` has no such column.
 */
export function tableWithColumnEdit(
  table: CatalogTable,
  columnName: string,
  patch: Partial<CatalogColumn>,
): { next: CatalogTable; reason?: string } | undefined {
  const all = [...table.columns, ...table.partitionKeys];
  if (!all.some((c) => c.name === columnName)) return undefined;
  const newName = patch.name ?? columnName;
  const edit = (c: CatalogColumn): CatalogColumn =>
    c.name !== columnName
      ? c
      : { name: newName, type: patch.type ?? c.type, comment: patch.comment ?? c.comment };
  const next: CatalogTable = {
    ...table,
    columns: table.columns.map(edit),
    partitionKeys: table.partitionKeys.map(edit),
    updatedBy: { kind: 'user' },
  };
  if (newName === columnName) return { next };
  const renamedOnly = (c: CatalogColumn) => (c.name === columnName ? { ...c, name: newName } : c);
  const rest = diffSchemas(all.map(renamedOnly), [...next.columns, ...next.partitionKeys]);
  const renamed = `column ${quotedName(columnName)} renamed to ${quotedName(newName)}`;
  return { next, reason: rest.length ? `${renamed}; ${describeChanges(rest)}` : renamed };
}
