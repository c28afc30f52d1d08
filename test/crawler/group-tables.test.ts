import { describe, expect, it } from 'vitest';
import { DecantError } from '../../src/core/errors';
import type { ClassifiedFile } from '../../src/crawler/crawl-file';
import { groupTables, type CrawlPlan } from '../../src/crawler/group-tables';
import { cols, csvFile, SALES_COLUMNS } from './crawl-files';

const SALES_PATHS = [
  'sales/year=2024/month=01/part-0.csv',
  'sales/year=2024/month=02/part-0.csv',
  'sales/year=2025/month=01/part-0.csv',
];
const sales = (columns = SALES_COLUMNS) => SALES_PATHS.map((p) => csvFile(p, columns));
const names = (plan: CrawlPlan) => plan.tables.map((t) => t.name);

describe('groupTables: folders', () => {
  it('makes one table of a folder whose files agree, named after it, Hive keys and all', () => {
    const [table] = groupTables(sales()).tables;
    expect(table).toMatchObject({
      name: 'sales',
      root: 'sales',
      partitionKeys: [
        { name: 'year', type: 'BIGINT' },
        { name: 'month', type: 'VARCHAR' },
      ],
      sizeBytes: 300,
      rowCount: 30,
    });
    expect(table!.partitions.map((p) => [p.location, p.values])).toEqual([
      ['year=2024/month=01', ['2024', '01']],
      ['year=2024/month=02', ['2024', '02']],
      ['year=2025/month=01', ['2025', '01']],
    ]);
  });

  it('makes a folder of files with no sub-folders one table without partitions', () => {
    const plan = groupTables([csvFile('exports/jan.csv'), csvFile('exports/feb.csv')]);
    expect(plan.tables).toMatchObject([{ name: 'exports', partitionKeys: [], partitions: [] }]);
    expect(plan.tables[0]!.files.map((f) => f.path)).toEqual([
      'exports/feb.csv',
      'exports/jan.csv',
    ]);
  });

  it('combines plain folders of one schema, as Glue does: data/eu + data/us → data', () => {
    const plan = groupTables([csvFile('data/eu/a.csv'), csvFile('data/us/a.csv')]);
    expect(plan.tables).toMatchObject([
      { name: 'data', partitionKeys: [{ name: 'partition_0', type: 'VARCHAR' }] },
    ]);
    expect(plan.tables[0]!.partitions.map((p) => p.values)).toEqual([['eu'], ['us']]);
  });

  it('reads a level whose Hive keys disagree as partition_N, keeping stray key=value names whole', () => {
    const plan = groupTables([csvFile('t/year=2024/a.csv'), csvFile('t/2025/a.csv')]);
    expect(plan.tables[0]!.partitionKeys).toEqual([{ name: 'partition_0', type: 'VARCHAR' }]);
    expect(plan.tables[0]!.partitions.map((p) => p.values)).toEqual([['2025'], ['year=2024']]);
  });

  it('keeps leading zeros: month=01 is VARCHAR "01", day=7 BIGINT', () => {
    const plan = groupTables([
      csvFile('t/month=01/day=7/a.csv'),
      csvFile('t/month=12/day=10/a.csv'),
      csvFile('t/month=12/day=2/a.csv'),
    ]);
    expect(plan.tables[0]!.partitionKeys).toEqual([
      { name: 'month', type: 'VARCHAR' },
      { name: 'day', type: 'BIGINT' },
    ]);
    // Numbers sort as numbers: day=2 before day=10.
    expect(plan.tables[0]!.partitions.map((p) => p.values)).toEqual([
      ['01', '7'],
      ['12', '2'],
      ['12', '10'],
    ]);
  });

  it('unescapes URL-encoded Hive values, keeping the location as written', () => {
    const plan = groupTables([
      csvFile('t/city=New%20York/a.csv'),
      csvFile('t/city=S%C3%A3o%20Paulo/a.csv'),
      csvFile('t/city=__HIVE_DEFAULT_PARTITION__/a.csv'),
    ]);
    expect(plan.tables[0]!.partitions.map((p) => [p.location, p.values[0]])).toEqual([
      ['city=New%20York', 'New York'],
      ['city=S%C3%A3o%20Paulo', 'São Paulo'],
      ['city=__HIVE_DEFAULT_PARTITION__', '__HIVE_DEFAULT_PARTITION__'],
    ]);
  });

  it('renames a Hive key that a data column already uses', () => {
    const plan = groupTables([
      csvFile('t/year=2024/a.csv', cols('id BIGINT', 'Year BIGINT')),
      csvFile('t/year=2025/a.csv', cols('id BIGINT', 'Year BIGINT')),
    ]);
    expect(plan.tables[0]!.partitionKeys).toEqual([{ name: 'partition_0', type: 'BIGINT' }]);
    expect(plan.tables[0]!.partitions.map((p) => p.values)).toEqual([['2024'], ['2025']]);
  });

  it('moves the root down past a plain one-name level above Hive levels', () => {
    const plan = groupTables([
      csvFile('export/sales/year=2024/a.csv'),
      csvFile('export/sales/year=2025/a.csv'),
    ]);
    expect(plan.tables).toMatchObject([
      { name: 'export_sales', root: 'export/sales', partitionKeys: [{ name: 'year' }] },
    ]);
    expect(plan.tables[0]!.partitions.map((p) => p.location)).toEqual(['year=2024', 'year=2025']);
  });
});

describe('groupTables: schemas', () => {
  it('widens types and adds columns only some files have (CombineCompatibleSchemas)', () => {
    const plan = groupTables([
      csvFile('s/year=2024/a.csv', cols('id BIGINT', 'price BIGINT', 'day DATE')),
      csvFile('s/year=2025/a.csv', cols('id BIGINT', 'price DOUBLE', 'day TIMESTAMP')),
      csvFile('s/year=2026/a.csv', cols('id BIGINT', 'price DOUBLE', 'note VARCHAR', 'day NULL')),
      csvFile('s/year=2027/a.csv', cols('id VARCHAR', 'price DECIMAL(10,2)', 'day DATE')),
    ]);
    expect(plan.tables).toHaveLength(1);
    expect(plan.tables[0]!.columns).toEqual(
      cols('id VARCHAR', 'price DOUBLE', 'day TIMESTAMP', 'note VARCHAR'),
    );
  });

  it('with combineCompatibleSchemas false, splits folders whose columns are not the same', () => {
    const files = [
      csvFile('s/year=2024/a.csv', cols('id BIGINT', 'price BIGINT')),
      csvFile('s/year=2025/a.csv', cols('id BIGINT', 'price DOUBLE')),
    ];
    expect(names(groupTables(files))).toEqual(['s']);
    const strict = groupTables(files, { combineCompatibleSchemas: false });
    expect(names(strict)).toEqual(['s_year_2024', 's_year_2025']);
    expect(strict.tables[0]!.note).toContain('(schemas are not combined)');
  });

  it('never merges incompatible folders: each sub-folder is a table saying why', () => {
    const plan = groupTables([
      ...sales().slice(0, 2),
      csvFile(
        'sales/year=2025/month=01/part-0.csv',
        cols('id BIGINT', 'sku VARCHAR', 'price DATE'),
      ),
    ]);
    expect(names(plan)).toEqual(['sales_year_2024', 'sales_year_2025']);
    expect(plan.tables[0]).toMatchObject({
      root: 'sales/year=2024',
      partitionKeys: [{ name: 'month', type: 'VARCHAR' }],
    });
    const why =
      '"sales" is not one table: "sales/year=2025/month=01/part-0.csv" and ' +
      '"sales/year=2024/month=01/part-0.csv" cannot share a table: ' +
      'column "price": DOUBLE and DATE have no common type';
    expect(plan.tables.map((t) => t.note)).toEqual([why, why]);
  });

  it('splits files of different classifications or CSV dialects', () => {
    const semicolon = { formatKey: 'delimiter=;' };
    const plan = groupTables([
      csvFile('d/a=1/x.csv'),
      csvFile('d/a=2/x.csv', SALES_COLUMNS, semicolon),
      csvFile('d/a=3/x.json', SALES_COLUMNS, { classification: 'json', formatKey: '' }),
    ]);
    expect(names(plan)).toEqual(['d_a_1', 'd_a_2', 'd_a_3']);
    expect(plan.tables.map((t) => t.classification)).toEqual(['csv', 'csv', 'json']);
    expect(plan.tables[0]!.note).toContain('different CSV dialects');
  });

  it('splits folders with no column name in common: two datasets, not one', () => {
    const plan = groupTables([
      csvFile('data/customers/a.csv', cols('customer_id BIGINT', 'name VARCHAR')),
      csvFile('data/orders/a.csv', cols('order_id BIGINT', 'amount DOUBLE')),
    ]);
    expect(names(plan)).toEqual(['data_customers', 'data_orders']);
    expect(plan.tables[0]!.note).toContain('no column name in common');
  });

  it('keeps a partitioned folder whole when only loose files beside its partitions differ', () => {
    const plan = groupTables([...sales(), csvFile('sales/readme.csv', cols('line VARCHAR'))]);
    expect(names(plan)).toEqual(['sales', 'sales_readme']);
    expect(plan.tables[0]!.partitions).toHaveLength(3);
    expect(plan.tables[0]!.note).toBeUndefined();
    expect(plan.tables[1]).toMatchObject({ root: 'sales', partitionKeys: [] });
    expect(plan.tables[1]!.note).toBe(
      'files directly in "sales" sit beside its partition folders, so they are not partitions of it',
    );
  });
});

describe('groupTables: the crawl root', () => {
  it('makes loose files of one schema and one name one table, named by their common words', () => {
    const plan = groupTables([csvFile('sales-2024-01.csv'), csvFile('sales-2024-02.csv')]);
    expect(plan.tables).toMatchObject([{ name: 'sales_2024', root: '' }]);
    expect(plan.tables[0]!.files).toHaveLength(2);
  });

  it('does not merge loose files whose names share nothing, whatever their columns', () => {
    const plan = groupTables([csvFile('customers.csv'), csvFile('suppliers.csv')]);
    expect(names(plan)).toEqual(['customers', 'suppliers']);
  });

  it('makes one table per compatible group of loose files', () => {
    const plan = groupTables([
      csvFile('orders-1.csv'),
      csvFile('orders-2.csv', cols('id DATE')),
      csvFile('orders-3.csv'),
    ]);
    expect(plan.tables.map((t) => [t.name, t.files.map((f) => f.path)])).toEqual([
      ['orders', ['orders-1.csv', 'orders-3.csv']],
      ['orders_2', ['orders-2.csv']],
    ]);
  });

  it('without rootName, reads each top folder as its own dataset; with it, the root is one', () => {
    const files = SALES_PATHS.map((p) => csvFile(p.replace('sales/', '')));
    expect(names(groupTables(files))).toEqual(['year_2024', 'year_2025']);
    const plan = groupTables(files, { rootName: 'Sales' });
    expect(plan.tables).toMatchObject([
      { name: 'sales', root: '', partitionKeys: [{ name: 'year' }, { name: 'month' }] },
    ]);
  });

  it('names the split parts of a named root after it', () => {
    const files = [csvFile('year=2024/a.csv'), csvFile('year=2025/a.csv', cols('id DATE'))];
    const plan = groupTables(files, { rootName: 'sales' });
    expect(names(plan)).toEqual(['sales_year_2024', 'sales_year_2025']);
    expect(plan.tables[0]!.note).toMatch(/^"sales" is not one table: /);
  });

  it('is empty for no files', () => {
    expect(groupTables([])).toEqual({ tables: [], skipped: [] });
    expect(groupTables([], { rootName: 'x' })).toEqual({ tables: [], skipped: [] });
  });
});

describe('groupTables: exclusions, names, threshold', () => {
  it('skips excluded, hidden and system files, saying why, before grouping', () => {
    const plan = groupTables(
      [
        ...sales(),
        csvFile('sales/_SUCCESS', []),
        csvFile('sales/year=2024/month=01/.part-0.csv.crc', []),
        csvFile('sales/_tmp/part-9.csv', cols('x BOOLEAN')),
        csvFile('sales/year=2024/month=03/part-0.csv.bak', cols('x BOOLEAN')),
        csvFile('.DS_Store', []),
      ],
      { exclusions: ['**/*.bak', '**/_tmp/**'] },
    );
    expect(names(plan)).toEqual(['sales']);
    expect(plan.tables[0]!.partitions).toHaveLength(3);
    expect(plan.skipped).toEqual([
      { path: '.DS_Store', reason: 'a hidden or system file' },
      { path: 'sales/_SUCCESS', reason: 'a hidden or system file' },
      { path: 'sales/_tmp/part-9.csv', reason: 'excluded by "**/_tmp/**"' },
      { path: 'sales/year=2024/month=01/.part-0.csv.crc', reason: 'a hidden or system file' },
      { path: 'sales/year=2024/month=03/part-0.csv.bak', reason: 'excluded by "**/*.bak"' },
    ]);
  });

  it('applies the table prefix and keeps names unique', () => {
    const plan = groupTables([csvFile('Sales.csv', cols('x BOOLEAN')), ...sales()], {
      tablePrefix: 'raw_',
    });
    expect(plan.tables.map((t) => [t.name, t.root])).toEqual([
      ['raw_sales', ''],
      ['raw_sales_2', 'sales'],
    ]);
  });

  it('throws when more tables than the threshold would be made, saying how many and which', () => {
    const files = ['a', 'b', 'c'].map((x, i) => csvFile(`d/part=${x}/f.csv`, cols(`c${i} BIGINT`)));
    expect(groupTables(files, { tableThreshold: 3 }).tables).toHaveLength(3);
    const attempt = () => groupTables(files, { tableThreshold: 2 });
    expect(attempt).toThrow(DecantError);
    expect(attempt).toThrow(
      'crawler: this crawl would make 3 tables, more than the threshold of 2: ' +
        'd_part_a (d/part=a/), d_part_b (d/part=b/), d_part_c (d/part=c/). ' +
        'The first split: "d" is not one table: "d/part=b/f.csv" and "d/part=a/f.csv" cannot ' +
        'share a table: no column name in common. ' +
        'Raise the threshold, exclude what should not be crawled, or make the schemas agree.',
    );
  });

  it('lists ten tables in a threshold error, then sums up', () => {
    const files = Array.from({ length: 12 }, (_, i) => csvFile(`f${i}.csv`, cols(`c${i} BIGINT`)));
    expect(() => groupTables(files, { tableThreshold: 1 })).toThrow(
      /would make 12 tables, .*f9 \(f9\.csv\), … and 2 more\. Raise/,
    );
  });

  it('refuses a threshold that is not a whole number ≥ 1, and a malformed glob', () => {
    expect(() => groupTables([], { tableThreshold: 0 })).toThrow(
      'crawler: the table threshold must be a whole number ≥ 1, not 0',
    );
    expect(() => groupTables([], { tableThreshold: 1.5 })).toThrow(DecantError);
    expect(() => groupTables([], { exclusions: ['{a'] })).toThrow(
      'crawler: exclusion "{a" has a "{" without its "}"',
    );
  });
});

describe('groupTables: the plan', () => {
  it('is the same for the same files in any order', () => {
    const files: ClassifiedFile[] = [
      ...sales(),
      csvFile('logs/2024/01/data.csv', cols('id BIGINT', 'msg VARCHAR')),
      csvFile('logs/2024/02/data.csv', cols('id BIGINT', 'msg VARCHAR')),
      csvFile('a.csv', cols('x DATE')),
      csvFile('sales/_SUCCESS', []),
    ];
    const plan = groupTables(files);
    expect(groupTables([...files].reverse())).toEqual(plan);
    expect(groupTables([files[4]!, files[0]!, files[5]!, ...files])).toMatchObject({
      tables: plan.tables,
    });
  });

  it('leaves row counts out when any file has none', () => {
    const plan = groupTables([
      csvFile('t/p=1/a.csv'),
      csvFile('t/p=2/a.csv', SALES_COLUMNS, { rowCount: undefined }),
    ]);
    const [table] = plan.tables;
    expect(table!.rowCount).toBeUndefined();
    expect(table!.partitions[0]!.rowCount).toBe(10);
    expect('rowCount' in table!.partitions[1]!).toBe(false);
    expect(table!.sizeBytes).toBe(200);
  });

  it('groups 10,000 files of one dataset into one table', () => {
    const files: ClassifiedFile[] = [];
    for (let day = 1; files.length < 10_000; day++) {
      const dd = String(((day - 1) % 28) + 1).padStart(2, '0');
      const mm = String((Math.floor((day - 1) / 28) % 12) + 1).padStart(2, '0');
      const yyyy = 2000 + Math.floor((day - 1) / 336);
      for (let part = 0; part < 4; part++) {
        files.push(csvFile(`events/year=${yyyy}/month=${mm}/day=${dd}/part-${part}.csv`));
      }
    }
    const plan = groupTables(files);
    expect(plan.tables).toHaveLength(1);
    expect(plan.tables[0]!.files).toHaveLength(10_000);
    expect(plan.tables[0]!.partitions).toHaveLength(2_500);
    expect(plan.tables[0]!.partitionKeys.map((k) => `${k.name} ${k.type}`)).toEqual([
      'year BIGINT',
      'month VARCHAR',
      'day VARCHAR',
    ]);
  });
});

describe('groupTables: mixed depths', () => {
  it('splits a folder whose files sit at different depths when its sub-folders differ too', () => {
    const plan = groupTables([
      csvFile('t/a.csv'),
      csvFile('t/p=1/b.csv'),
      csvFile('t/p=2/q=1/c.csv'),
    ]);
    expect(names(plan)).toEqual(['t_a', 't_p_1', 't_p_2']);
    expect(plan.tables[0]!.note).toBe(
      '"t" is not one table: files sit at different folder depths: "t/a.csv" and "t/p=1/b.csv"',
    );
  });
});
