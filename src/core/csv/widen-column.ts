import type { DecantError } from '../errors';
import type { ColumnInfo } from './dialect';

/**
 * When a full read fails because a value past the sniffer's sample does not fit its column's
 * type (a DecantError with code 'cast'), the column is read as VARCHAR instead. Returns the new
 * columns and a note saying where, or null when widening cannot help (not a cast error, or the
 * column is text already).
 */
export function widenOnCastError(
  columns: readonly ColumnInfo[],
  error: DecantError,
): { columns: ColumnInfo[]; note: string } | null {
  if (error.code !== 'cast') return null;
  const col = columns.find((c) => c.name === error.column);
  if (!col || col.type === 'VARCHAR') return null;
  const where = error.message.replace(/^csv: "[^"]*": /, '').replace(/ \(the type.*\)$/, '');
  return {
    columns: columns.map((c) => (c === col ? { name: c.name, type: 'VARCHAR' } : c)),
    note: `column "${col.name}" written as text (VARCHAR): ${where}`,
  };
}
