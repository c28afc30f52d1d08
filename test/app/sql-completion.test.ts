import { CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { schemaCompletionSource, sql } from '@codemirror/lang-sql';
import { EditorState } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import { DUCKDB_DIALECT } from '../../src/app/duckdb-dialect';
import { completionSchema } from '../../src/app/sql-completion';

const tables = [
  {
    database: 'default',
    name: 'airports',
    columns: [
      { name: 'iata', type: 'VARCHAR' },
      { name: 'Lat Deg', type: 'DOUBLE' },
    ],
    partitionKeys: [{ name: 'state', type: 'VARCHAR' }],
  },
  {
    database: 'sales',
    name: 'orders',
    columns: [{ name: 'id', type: 'BIGINT' }],
    partitionKeys: [],
  },
  { database: 'v1.2', name: 'Order', columns: [], partitionKeys: [] },
];

/** The completions at the end of `doc`, as a user typing it would get them. */
function completionsAt(doc: string): { label: string; apply: string }[] {
  const config = { dialect: DUCKDB_DIALECT, schema: completionSchema(tables) };
  const state = EditorState.create({ doc, extensions: [sql(config)] });
  const result = schemaCompletionSource(config)(
    new CompletionContext(state, doc.length, false),
  ) as CompletionResult | null;
  return (result?.options ?? []).map((o) => ({
    label: o.label,
    apply: typeof o.apply === 'string' ? o.apply : o.label,
  }));
}

describe('completionSchema', () => {
  it('offers databases, quoting the ones DuckDB cannot read bare', () => {
    const got = completionsAt('SELECT * FROM de');
    expect(got).toContainEqual({ label: 'default', apply: '"default"' });
    expect(got).toContainEqual({ label: 'sales', apply: 'sales' });
    expect(got).toContainEqual({ label: 'v1.2', apply: '"v1.2"' });
  });

  it("offers a database's tables after its name, bare or quoted", () => {
    expect(completionsAt('SELECT * FROM "default".ai')).toEqual([
      { label: 'airports', apply: 'airports' },
    ]);
    expect(completionsAt('SELECT * FROM sales.o')).toEqual([{ label: 'orders', apply: 'orders' }]);
    expect(completionsAt('SELECT * FROM "v1.2".O')).toEqual([{ label: 'Order', apply: '"Order"' }]);
  });

  it("offers a table's columns, partition keys included", () => {
    expect(completionsAt('SELECT "default".airports.')).toEqual([
      { label: 'iata', apply: 'iata' },
      { label: 'Lat Deg', apply: '"Lat Deg"' },
      { label: 'state', apply: 'state' },
    ]);
  });
});

describe('DUCKDB_DIALECT', () => {
  it("knows DuckDB's own words as keywords and types", () => {
    const words = DUCKDB_DIALECT.spec.keywords ?? '';
    for (const w of ['qualify', 'pivot', 'summarize', 'asof', 'select']) expect(words).toContain(w);
    expect(DUCKDB_DIALECT.spec.types ?? '').toContain('hugeint');
  });
});
