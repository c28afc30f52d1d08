/** Which files Quick convert reads, by their names, and what their outputs are called. Pure. */
import { parquetNameFromFileName } from '../core/format';
import type { ConvertTarget } from './kept-cards';

/** What Quick convert reads, by the file's name; anything else is refused with a reason. */
export type FileKind = 'csv' | 'json' | 'parquet';
const KINDS: [RegExp, FileKind][] = [
  [/\.(csv|tsv|txt|tab|psv|dat)(\.gz|\.gzip)?$/i, 'csv'],
  [/\.(json|ndjson|jsonl)(\.gz|\.gzip)?$/i, 'json'],
  [/\.parquet$/i, 'parquet'],
];

export function fileKindOf(name: string): FileKind | null {
  return KINDS.find(([re]) => re.test(name))?.[1] ?? null;
}

/** `part.parquet` → `part.csv` (Parquet → CSV); `orders.ndjson.gz` → `orders.parquet`. */
export function outNameOf(name: string, target: ConvertTarget): string {
  if (target === 'parquet' && fileKindOf(name) === 'csv') return parquetNameFromFileName(name);
  const base = name.replace(/\.(gz|gzip)$/i, '').replace(/\.(json|ndjson|jsonl|parquet)$/i, '');
  return `${base || 'data'}.${target}`;
}
