// Issue 11 item 1: one CSV dataset is one table, whichever of its files hold a quoted value and
// whatever order the folder lists them in. The classifier pass runs on DuckDB-WASM's Node
// bundle; the plan's dialect then reads every file of the table.
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCsvSql } from '../../src/core/sql/read-csv';
import { groupTables, tableCsvDialect, type CrawlPlan } from '../../src/crawler';
import type { CrawledFile } from '../../src/engine/protocol';
import { crawlFiles, type CrawlItem } from '../../workers/engine/crawl-files';
import { asyncBufferFromBlob } from '../../workers/engine/inspect-parquet';
import { HEAD_BYTES } from '../../workers/engine/read-head';
import { filesUnder, writeAirports } from '../support/airports';
import { expected, fixturePath } from '../support/fixtures';
import { startNodeEngine, type NodeEngine } from '../support/node-engine';

let engine: NodeEngine;
let airports: string;
let n = 0;
beforeAll(async () => {
  engine = await startNodeEngine();
  airports = await writeAirports();
});

/** `path` (relative to `parent`) as the worker sees a dropped file: bytes read on demand. */
function item(parent: string, path: string): CrawlItem {
  const disk = join(parent, path);
  const size = statSync(disk).size;
  const blob = new Blob([readFileSync(disk)]);
  return {
    path,
    size,
    lastModified: 0,
    kind: 'csv',
    registered: `grouping-${++n}.csv`,
    gzip: false,
    register: (name, bytes) =>
      bytes ? engine.s.db.registerFileBuffer(name, bytes) : engine.register(name, disk),
    drop: (name) => engine.drop(name),
    io: {
      head: async () => {
        const bytes = new Uint8Array(await blob.slice(0, HEAD_BYTES).arrayBuffer());
        return { bytes, span: bytes.length, whole: size <= HEAD_BYTES };
      },
      whole: async () => new Uint8Array(await blob.arrayBuffer()),
      buffer: () => asyncBufferFromBlob(blob),
    },
  };
}

/** Classifies the files in the order given, then plans; the files come back for their dialects. */
async function crawl(parent: string, paths: string[]): Promise<[CrawlPlan, CrawledFile[]]> {
  const out = await crawlFiles(
    engine.s,
    paths.map((p) => item(parent, p)),
    { cancelled: () => false, onProgress: () => undefined },
  );
  expect(out.skipped).toEqual([]);
  return [groupTables(out.files), out.files];
}

/** A query (`sql` of the scan) over every file of the plan's only table, read with its dialect. */
function readTable(
  parent: string,
  plan: CrawlPlan,
  files: CrawledFile[],
  sql: (scan: string) => string,
): Record<string, unknown>[] {
  const table = plan.tables[0]!;
  const dialect = tableCsvDialect(table.formatKey, files[0]!.dialect!);
  const names = table.files.map((f) => {
    const name = `grouping-read-${++n}.csv`;
    engine.register(name, join(parent, f.path));
    return name;
  });
  try {
    return engine.s.rows(sql(readCsvSql(names, dialect, table.columns)));
  } finally {
    for (const name of names) engine.drop(name);
  }
}

const ORDERS = [
  ['sorted', (paths: string[]) => [...paths].sort()],
  ['reversed', (paths: string[]) => [...paths].sort().reverse()],
] as const;

describe('crawling one CSV dataset whose files differ only in quoting', () => {
  it.each(ORDERS)(
    'airports/ (PARTITION_BY state, some partitions quoted) is one table, listed %s',
    async (_, order) => {
      const want = expected('airports') as ReturnType<typeof expected> & {
        partitionKeys: { name: string; type: string }[];
        partitions: string[][];
        partitionRows: number[];
        quotedNames: Record<string, number>;
      };
      const parent = dirname(airports);
      const [plan, files] = await crawl(parent, order(filesUnder(airports)));
      expect(plan.tables.map((t) => t.name)).toEqual([want.table]);
      const [t] = plan.tables;
      expect(t!.columns).toEqual(want.columns);
      expect(t!.partitionKeys).toEqual(want.partitionKeys);
      expect(t!.partitions.map((p) => p.values)).toEqual(want.partitions);
      expect(t!.partitions.map((p) => p.rowCount)).toEqual(want.partitionRows);
      expect(t!.rowCount).toBe(want.rowCount);
      expect(JSON.parse(t!.formatKey).slice(0, 3)).toEqual([',', want.quote, want.escape]);

      // The table's dialect reads every file with quoted values whole, quotes undoubled.
      const rows = readTable(
        parent,
        plan,
        files,
        (scan) =>
          `SELECT substr(iata, 1, 2) AS state, count(*) AS n, ` +
          `count(*) FILTER (WHERE name LIKE '%,%' OR name LIKE '%"%') AS quoted, ` +
          `count(*) FILTER (WHERE name = 'Boeing "King County" Field') AS boeing ` +
          `FROM ${scan} GROUP BY 1 ORDER BY 1`,
      );
      expect(rows.map((r) => [r.state, Number(r.n)])).toEqual(
        want.partitions.map(([state], i) => [state, want.partitionRows[i]]),
      );
      const quoted = Object.fromEntries(rows.map((r) => [r.state, Number(r.quoted)]));
      expect(quoted).toEqual({ GA: 0, SC: 0, ...want.quotedNames });
      expect(rows.reduce((sum, r) => sum + Number(r.boeing), 0)).toBe(1);
    },
  );

  it.each(ORDERS)(
    "csv-spectrum's empty, newlines, simple and utf8 files in one folder are one table, listed %s",
    async (_, order) => {
      const want = expected('spectrum') as ReturnType<typeof expected> & { quote: string };
      const parent = fixturePath('');
      const paths = ['empty', 'newlines', 'simple', 'utf8'].map((f) => `spectrum/${f}.csv`);
      const [plan, files] = await crawl(parent, order(paths));
      expect(plan.tables).toHaveLength(want.tables as number);
      expect(plan.tables[0]).toMatchObject({
        name: want.table,
        columns: want.columns,
        rowCount: want.rowCount,
      });
      expect(JSON.parse(plan.tables[0]!.formatKey)[1]).toBe(want.quote);
      const rows = readTable(
        parent,
        plan,
        files,
        (scan) => `SELECT a, c FROM ${scan} ORDER BY a, c`,
      );
      expect(rows).toHaveLength(want.rowCount!);
      expect(rows.map((r) => r.a)).toContain('Once upon \na time');
      expect(rows.map((r) => r.c)).toContain('ʤ');
    },
  );

  it('a file quoting a value without a comma is not read by a template that has no quoting', async () => {
    // b.csv parses into two fields either way: read with a.csv's dialect, "say ""hi""" would
    // keep its quotes as text. It is sniffed by itself, and the table quotes.
    const parent = mkdtempSync(join(tmpdir(), 'decant-grouping-'));
    mkdirSync(join(parent, 'q'));
    writeFileSync(join(parent, 'q/a.csv'), 'id,note\n1,plain\n');
    writeFileSync(join(parent, 'q/b.csv'), 'id,note\n2,"say ""hi"""\n');
    for (const paths of [
      ['q/a.csv', 'q/b.csv'],
      ['q/b.csv', 'q/a.csv'],
    ]) {
      const [plan, files] = await crawl(parent, paths);
      expect(plan.tables.map((t) => t.name)).toEqual(['q']);
      const notes = readTable(
        parent,
        plan,
        files,
        (scan) => `SELECT note FROM ${scan} ORDER BY id`,
      );
      expect(notes.map((r) => r.note)).toEqual(['plain', 'say "hi"']);
    }
  });
});
