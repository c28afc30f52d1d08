import { DuckDBInstance } from '@duckdb/node-api';
import { quoteLiteral } from '../../src/core/sql/quote';

export interface NativeRead {
  columns: [name: string, type: string][];
  rows: Record<string, unknown>[];
}

/** Native DuckDB (not the wasm build): the independent reader the tests compare against. */
export async function nativeRead(from: string): Promise<NativeRead> {
  const c = await (await DuckDBInstance.create(':memory:')).connect();
  await c.run(`CREATE VIEW t AS SELECT * FROM ${from}`);
  const columns = (await c.runAndReadAll('DESCRIBE t'))
    .getRowObjectsJson()
    .map((r) => [String(r.column_name), String(r.column_type)] as [string, string]);
  const rows = (await c.runAndReadAll('SELECT * FROM t')).getRowObjectsJson();
  c.closeSync();
  return { columns, rows };
}

export const parquetAt = (path: string) => `read_parquet(${quoteLiteral(path)})`;
export const csvAt = (path: string) => `read_csv(${quoteLiteral(path)})`;
