// The benchmark's orders CSV (bench/lib/csv.ts) as a catalog table: its dialect and columns as a
// crawl would record them, and the file handed to the Node engine host by path.
import { fileURLToPath } from 'node:url';
import type { ColumnInfo, CsvDialect } from '../../src/core/csv/dialect';
import { DiskFile } from '../../test/support/engine-host';

export const ORDERS_DIALECT: CsvDialect = {
  delimiter: ',',
  quote: '"',
  escape: '"',
  header: true,
  encoding: 'utf-8',
  decimalSeparator: '.',
  compression: 'none',
};

export const ORDERS_COLUMNS: ColumnInfo[] = [
  ['order_id', 'BIGINT'],
  ['customer_id', 'BIGINT'],
  ['amount', 'DOUBLE'],
  ['discount', 'DOUBLE'],
  ['created_at', 'TIMESTAMP'],
  ['shipped_at', 'TIMESTAMP'],
  ['country', 'VARCHAR'],
  ['status', 'VARCHAR'],
  ['channel', 'VARCHAR'],
  ['is_member', 'BOOLEAN'],
  ['quantity', 'BIGINT'],
  ['coupon', 'VARCHAR'],
].map(([name, type]) => ({ name: name!, type: type! }));

/**
 * A file known by its path only: the Node host registers it by path and never reads it here
 * (DiskFile would read a 1 GB CSV into memory).
 */
export class PathFile extends DiskFile {
  constructor(path: string, name = 'orders.csv') {
    super(fileURLToPath(new URL('../../package.json', import.meta.url)), name);
    Object.defineProperty(this, 'diskPath', { value: path });
  }
}

export function positiveIntFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw.replaceAll('_', ''));
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer`);
  return n;
}

/**
 * Reads the file once, untimed, so the OS page cache holds it before the first timed run: the
 * first side to run (the tab) would otherwise pay the disk read alone.
 */
export async function warmPageCache(path: string): Promise<void> {
  const { createReadStream } = await import('node:fs');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 22 })) void chunk;
}
