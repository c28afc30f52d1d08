import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CsvSource } from '../../workers/engine/inspect-csv';
import { HEAD_BYTES } from '../../workers/engine/read-head';
import type { NodeEngine } from './node-engine';

export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

export function fixturePath(name: string): string {
  return FIXTURES + name;
}

/** A fixture's golden answer (`x.expected.json` beside `x.csv`). */
export function expected(name: string): Record<string, unknown> & {
  columns?: { name: string; type: string }[];
  rowCount?: number;
  error?: boolean;
  delimiter?: string;
  header?: boolean;
  rows?: unknown[][];
} {
  const base = name.replace(/\.(csv|tsv|ndjson)$/, '');
  return JSON.parse(readFileSync(FIXTURES + base + '.expected.json', 'utf8'));
}

let n = 0;

/** Registers a file with the Node engine and reads its head, as the worker does for a dropped file. */
export function sourceFor(
  engine: NodeEngine,
  path: string,
  name = path.split('/').pop()!,
): CsvSource {
  const gzip = /\.gz$/.test(path);
  const id = `${++n}`;
  const reg = `f${id}${gzip ? '.csv.gz' : '.csv'}`;
  engine.register(reg, path);
  const size = statSync(path).size;
  const all = readFileSync(path);
  if (gzip) throw new Error('use sourceForGzip');
  const head = new Uint8Array(all.subarray(0, HEAD_BYTES));
  return {
    fileId: id,
    path: reg,
    name,
    size,
    head,
    headSpan: head.length,
    headIsWhole: size <= HEAD_BYTES,
    gzip,
  };
}
