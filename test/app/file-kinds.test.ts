import { describe, expect, it } from 'vitest';
import { fileKindOf, outNameOf } from '../../src/app/file-kinds';

describe('Quick convert: files by name', () => {
  it('reads CSV, JSON, NDJSON and Parquet; refuses the rest', () => {
    expect(fileKindOf('sales.csv.gz')).toBe('csv');
    expect(fileKindOf('events.TSV')).toBe('csv');
    expect(fileKindOf('people.json')).toBe('json');
    expect(fileKindOf('orders.ndjson')).toBe('json');
    expect(fileKindOf('logs.jsonl.gz')).toBe('json');
    expect(fileKindOf('part-0.parquet')).toBe('parquet');
    expect(fileKindOf('photo.png')).toBeNull();
    expect(fileKindOf('data.parquet.gz')).toBeNull();
  });

  it('names the output after the input', () => {
    expect(outNameOf('sales.csv.gz', 'parquet')).toBe('sales.parquet');
    expect(outNameOf('orders.ndjson', 'parquet')).toBe('orders.parquet');
    expect(outNameOf('logs.jsonl.gz', 'parquet')).toBe('logs.parquet');
    expect(outNameOf('part-0.parquet', 'csv')).toBe('part-0.csv');
    expect(outNameOf('part-0.parquet', 'parquet')).toBe('part-0.parquet');
    expect(outNameOf('.json', 'parquet')).toBe('data.parquet');
  });
});
