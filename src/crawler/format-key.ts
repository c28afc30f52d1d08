import type { CsvDialect } from '../core/csv/dialect';

/** CSV files share a table only when they are read the same way: this says how, as a key. */
export function csvFormatKey(d: CsvDialect): string {
  return JSON.stringify([
    d.delimiter,
    d.quote,
    d.escape,
    d.header,
    d.encoding,
    d.decimalSeparator,
    d.dateFormat,
    d.timestampFormat,
    // Only when set (a custom classifier's null strings), so older keys stay as they were.
    ...(d.nullValues ? [d.nullValues] : []),
  ]);
}
