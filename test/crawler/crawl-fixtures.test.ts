// The shared fixtures' golden answers, through groupTables: the paths are the fixtures' own
// (relative to test/fixtures, as if the folder had been dropped), sizes and row counts are read
// from the files, columns come from the expected.json (logs has none there: its header is id,msg).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ClassifiedFile } from '../../src/crawler/crawl-file';
import { groupTables } from '../../src/crawler/group-tables';
import { cols } from './crawl-files';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const COMMA_CSV = 'delimiter=,;quote=";header=true;encoding=utf-8';

interface Expected {
  table?: string;
  tables?: number;
  classification: string;
  rowCount: number;
  columns?: { name: string; type: string }[];
  partitionKeys?: { name: string; type?: string }[];
  partitions?: string[][];
}

const expected = (name: string): Expected =>
  JSON.parse(readFileSync(`${FIXTURES}${name}.expected.json`, 'utf8')) as Expected;

/** Every file under `test/fixtures/<folder>`, as the crawler would list a dropped folder. */
function droppedFolder(folder: string, columns: ClassifiedFile['columns']): ClassifiedFile[] {
  const names = readdirSync(FIXTURES + folder, { recursive: true, encoding: 'utf8' });
  return names
    .map((name) => `${folder}/${name.split('\\').join('/')}`)
    .filter((path) => statSync(FIXTURES + path).isFile())
    .map((path) => classified(path, columns, COMMA_CSV));
}

function classified(path: string, columns: ClassifiedFile['columns'], formatKey: string) {
  const stat = statSync(FIXTURES + path);
  const lines = readFileSync(FIXTURES + path, 'utf8')
    .trimEnd()
    .split('\n');
  return {
    path,
    size: stat.size,
    lastModified: stat.mtimeMs,
    classification: 'csv' as const,
    columns,
    formatKey,
    rowCount: lines.length - 1,
  };
}

describe('crawl fixtures', () => {
  it('sales/ (Hive year=/month=) is one table with keys year and month, not three tables', () => {
    const want = expected('sales');
    const plan = groupTables(droppedFolder('sales', want.columns!));
    expect(plan.tables).toHaveLength(want.tables!);
    const [sales] = plan.tables;
    expect(sales).toMatchObject({
      name: want.table,
      root: 'sales',
      classification: want.classification,
      columns: want.columns,
      rowCount: want.rowCount,
    });
    expect(sales!.partitionKeys.map((k) => k.name)).toEqual(want.partitionKeys!.map((k) => k.name));
    // "BIGINT or VARCHAR": years have no leading zeros; months do, and stay "01", not 1.
    expect(sales!.partitionKeys.map((k) => k.type)).toEqual(['BIGINT', 'VARCHAR']);
    expect(sales!.partitions.map((p) => p.values)).toEqual(want.partitions);
    expect(sales!.partitions[0]).toMatchObject({
      location: 'year=2024/month=01',
      files: ['sales/year=2024/month=01/part-0.csv'],
      rowCount: 2,
    });
    expect(plan.skipped).toEqual([]);
  });

  it('logs/ (plain 2024/01 folders) is one table with partition_0 and partition_1', () => {
    const want = expected('logs');
    const plan = groupTables(droppedFolder('logs', cols('id BIGINT', 'msg VARCHAR')));
    expect(plan.tables).toHaveLength(want.tables!);
    const [logs] = plan.tables;
    expect(logs).toMatchObject({ name: want.table, root: 'logs', rowCount: want.rowCount });
    expect(logs!.partitionKeys).toEqual([
      { name: 'partition_0', type: 'BIGINT' },
      { name: 'partition_1', type: 'VARCHAR' },
    ]);
    expect(logs!.partitions.map((p) => p.values)).toEqual(want.partitions);
  });

  it('a single dropped events.tsv is the table events, without partitions', () => {
    const want = expected('events');
    const tab = 'delimiter=\\t;quote=";header=true;encoding=utf-8';
    const plan = groupTables([classified('events.tsv', want.columns!, tab)]);
    expect(plan.tables).toEqual([
      expect.objectContaining({
        name: 'events',
        root: '',
        formatKey: tab,
        columns: want.columns,
        partitionKeys: [],
        partitions: [],
        rowCount: want.rowCount,
      }),
    ]);
  });

  it('all three dropped together make three tables, sorted by name', () => {
    const plan = groupTables([
      ...droppedFolder('sales', expected('sales').columns!),
      ...droppedFolder('logs', cols('id BIGINT', 'msg VARCHAR')),
      classified('events.tsv', expected('events').columns!, 'tab'),
    ]);
    expect(plan.tables.map((t) => t.name)).toEqual(['events', 'logs', 'sales']);
  });
});
