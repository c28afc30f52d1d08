// Athena reads JSON one object per line: the layouts it cannot read are found and said.
import { describe, expect, it } from 'vitest';
import { athenaDdl } from '../../src/catalog/glue-export';
import { jsonLayoutFromHead } from '../../src/catalog/json-layout';
import type { CatalogTable } from '../../src/catalog/model';
import { draft } from './catalog-fixtures';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('jsonLayoutFromHead', () => {
  it('tells arrays, pretty-printed objects and NDJSON apart', () => {
    expect(jsonLayoutFromHead(bytes('[\n  {"a": 1},\n  {"a": 2}\n]\n'))).toBe('array');
    expect(jsonLayoutFromHead(bytes('\uFEFF  \n[{"a":1}]'))).toBe('array');
    expect(jsonLayoutFromHead(bytes('{\n  "a": 1\n}\n{\n  "a": 2\n}\n'))).toBe('multiline');
    expect(jsonLayoutFromHead(bytes('{"a": "}{", "b": {"c": [1]}}\n{"a": 2}\n'))).toBe('ndjson');
    expect(jsonLayoutFromHead(bytes('{"a": "say \\"}\\""}\n'))).toBe('ndjson');
    expect(jsonLayoutFromHead(bytes('{"a": 1}'))).toBe('ndjson');
    // A first object longer than the bytes read cannot be judged.
    expect(jsonLayoutFromHead(bytes('{"a": "aaaa'))).toBeUndefined();
    expect(jsonLayoutFromHead(bytes('  \n'))).toBeUndefined();
    expect(jsonLayoutFromHead(bytes('a,b\n1,2\n'))).toBeUndefined();
  });
});

describe('Athena DDL of JSON tables', () => {
  const table: CatalogTable = {
    ...draft('default', 'movies', { classification: 'json', parameters: {} }),
    version: 1,
    createdAt: 1,
    updatedAt: 1,
  };

  it('opens with a comment when the files are a JSON array or pretty-printed', () => {
    for (const layout of ['array', 'multiline'] as const) {
      const ddl = athenaDdl(table, 's3://b/movies/', { jsonLayout: layout });
      const lines = ddl.split('\n');
      const comment = lines.filter((l) => l.startsWith('--')).join(' ');
      expect(comment).toContain('one JSON object per line');
      expect(comment).toContain('Athena cannot read them');
      expect(comment).toContain('NDJSON or Parquet');
      expect(lines.every((l) => l.length <= 104)).toBe(true);
      expect(lines.find((l) => !l.startsWith('--'))).toMatch(/^CREATE EXTERNAL TABLE `default`/);
    }
  });

  it('says nothing for NDJSON, an unknown layout or a table that is not JSON', () => {
    expect(athenaDdl(table, 's3://b/m/', { jsonLayout: 'ndjson' })).not.toContain('--');
    expect(athenaDdl(table, 's3://b/m/')).not.toContain('--');
    const csv = { ...table, classification: 'csv' as const };
    expect(athenaDdl(csv, 's3://b/m/', { jsonLayout: 'array' })).not.toContain('--');
  });
});
