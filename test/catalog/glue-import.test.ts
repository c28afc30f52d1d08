import { beforeEach, describe, expect, it } from 'vitest';
import { catalogExport, type GlueTableInput } from '../../src/catalog/glue-export';
import { importKey, planImport } from '../../src/catalog/glue-import';
import {
  col,
  draft,
  freshCatalog,
  HOSTILE_NAMES,
  snapshotOf,
  table,
  type TestCatalog,
} from './catalog-fixtures';

/** What survives an export: everything but this browser's sources, numbering and dates. */
const exportable = ({
  sources: _s,
  version: _v,
  createdAt: _c,
  updatedAt: _u,
  updatedBy: _b,
  ...rest
}: ReturnType<typeof table>) => rest;

let c: TestCatalog;
beforeEach(async () => {
  c = await freshCatalog();
});

async function exportOf(store: TestCatalog['store']) {
  return catalogExport(await store.listDatabases(), await store.listAllTables());
}

describe('export → import', () => {
  it('round-trips databases, tables, types and parameters into an empty catalog', async () => {
    await c.store.createDatabase('sales', 'Sales data');
    await c.store.createTable(
      draft('sales', 'orders', {
        description: 'All orders',
        columns: [
          col('id', 'BIGINT', 'order id'),
          col('items', 'STRUCT(sku VARCHAR, qty BIGINT)[]'),
          col('big', 'UBIGINT'),
          col('at', 'TIME'),
        ],
        partitionKeys: [col('year', 'INTEGER')],
        parameters: {
          delimiter: ';',
          header: false,
          quote: '"',
          recordCount: 3,
          sizeBytes: 99,
          compression: 'gzip',
          location: 's3://b/o/',
        },
      }),
    );
    await c.store.createTable(
      draft('sales', 'events', { classification: 'parquet', parameters: {} }),
    );
    const doc = JSON.parse(JSON.stringify(await exportOf(c.store))) as unknown;

    const target = await freshCatalog();
    const plan = planImport(doc, { databases: [], tables: [] });
    expect(plan.conflicts).toEqual([]);
    expect(plan.skipped).toEqual([]);
    const result = await target.store.applyImport(plan, { overwrite: [] });
    expect(result).toEqual({ databasesCreated: 1, tablesCreated: 2, overwritten: 0 });

    expect(await target.store.listDatabases()).toMatchObject([
      { name: 'sales', description: 'Sales data' },
    ]);
    const original = await c.store.listAllTables();
    const imported = await target.store.listAllTables();
    expect(imported.map(exportable)).toEqual(original.map(exportable));
    expect(imported.every((t) => t.version === 1 && t.sources.length === 0)).toBe(true);
  });

  it('round-trips awkward names exactly', async () => {
    for (const name of HOSTILE_NAMES) {
      await c.store.createDatabase(name, name);
      await c.store.createTable(
        draft(name, name, { columns: [col(name, 'STRUCT("a b" VARCHAR)', name)] }),
      );
    }
    const doc = JSON.parse(JSON.stringify(await exportOf(c.store))) as unknown;
    const target = await freshCatalog();
    await target.store.applyImport(planImport(doc, { databases: [], tables: [] }), {
      overwrite: [],
    });
    expect((await target.store.listAllTables()).map(exportable)).toEqual(
      (await c.store.listAllTables()).map(exportable),
    );
  });

  it('finds nothing to do when importing a catalog into itself', async () => {
    await c.store.createDatabase('sales');
    await c.store.createTable(draft('sales', 'orders'));
    const existing = {
      databases: await c.store.listDatabases(),
      tables: await c.store.listAllTables(),
    };
    const plan = planImport(await exportOf(c.store), existing);
    expect(plan).toMatchObject({
      create: { databases: [], tables: [] },
      conflicts: [],
      unchanged: [{ database: 'sales' }, { database: 'sales', table: 'orders' }],
    });
  });
});

describe('planImport', () => {
  const existing = {
    databases: [{ name: 'sales', description: 'old', createdAt: 0, updatedAt: 0 }],
    tables: [table('sales', 'orders')],
  };

  it('reports clashes as conflicts instead of overwriting', () => {
    const changed = table('sales', 'orders', {
      columns: [col('id', 'BIGINT'), col('price', 'DECIMAL(10,2)')],
    });
    const doc = catalogExport(
      [{ name: 'sales', description: 'new', createdAt: 0, updatedAt: 0 }],
      [changed, table('sales', 'refunds')],
    );
    const plan = planImport(doc, existing);
    expect(plan.create.tables.map((t) => t.name)).toEqual(['refunds']);
    expect(plan.conflicts.map(({ key, reason }) => ({ key, reason }))).toEqual([
      {
        key: importKey('sales'),
        reason: 'database "sales" already exists with another description',
      },
      {
        key: importKey('sales', 'orders'),
        reason: 'table "sales"."orders" already exists: column "price": DOUBLE → DECIMAL(10,2)',
      },
    ]);
  });

  it('creates databases a table names but the list lacks, and skips unreadable tables', () => {
    const orc: GlueTableInput = {
      Name: 'legacy',
      TableType: 'EXTERNAL_TABLE',
      Parameters: { classification: 'orc' },
      StorageDescriptor: {
        Columns: [],
        InputFormat: '',
        OutputFormat: '',
        Compressed: false,
        SerdeInfo: { SerializationLibrary: 'x', Parameters: {} },
        Parameters: {},
      },
      PartitionKeys: [],
    };
    const doc = { TableList: [{ DatabaseName: 'crm', TableInput: orc }] };
    const plan = planImport(doc, { databases: [], tables: [] });
    expect(plan.create.databases).toMatchObject([{ name: 'crm', description: '' }]);
    expect(plan.skipped).toEqual([
      {
        database: 'crm',
        table: 'legacy',
        reason: 'table "crm"."legacy" is stored as "orc", which Decant cannot read',
      },
    ]);
  });

  it('reads `aws glue get-tables` output', () => {
    const doc = {
      TableList: [
        {
          Name: 'clicks',
          DatabaseName: 'web',
          CreateTime: '2024-01-01T00:00:00Z',
          PartitionKeys: [{ Name: 'dt', Type: 'string' }],
          StorageDescriptor: {
            Columns: [
              { Name: 'url', Type: 'string' },
              { Name: 'n', Type: 'int' },
            ],
            Location: 's3://logs/clicks/',
            SerdeInfo: {
              SerializationLibrary: 'org.apache.hadoop.hive.serde2.OpenCSVSerde',
              Parameters: { separatorChar: '|' },
            },
          },
          Parameters: { classification: 'csv', 'skip.header.line.count': '1' },
        },
      ],
    };
    const [clicks] = planImport(doc, { databases: [], tables: [] }).create.tables;
    expect(clicks).toMatchObject({
      database: 'web',
      name: 'clicks',
      classification: 'csv',
      columns: [col('url', 'VARCHAR'), col('n', 'INTEGER')],
      partitionKeys: [col('dt', 'VARCHAR')],
      parameters: { header: true, delimiter: '|', quote: '"', location: 's3://logs/clicks/' },
    });
  });

  it('refuses files that are not catalog documents, or are from a newer Decant', () => {
    const none = { databases: [], tables: [] };
    expect(() => planImport([], none)).toThrow('catalog: import: the file is not a JSON object');
    expect(() => planImport({}, none)).toThrow('neither a DatabaseList nor a TableList');
    expect(() => planImport({ decantVersion: 99, TableList: [] }, none)).toThrow(
      'written by a newer Decant (format 99)',
    );
    expect(() => planImport({ TableList: [{ DatabaseName: 'x' }] }, none)).toThrow(
      'TableList[0] has no Name',
    );
    expect(() => planImport({ DatabaseList: [{ Name: 'a' }, { Name: 'a' }] }, none)).toThrow(
      'database "a" appears twice',
    );
    const t = table('a', 'b');
    expect(() => planImport(catalogExport([], [t, t]), none)).toThrow(
      'table "a"."b" appears twice',
    );
  });
});

describe('applyImport', () => {
  beforeEach(async () => {
    await c.store.createDatabase('sales', 'old');
    await c.store.createTable(
      draft('sales', 'orders', {
        sources: [{ kind: 'url', path: 'o.csv', url: 'https://x/o.csv', size: 1, lastModified: 1 }],
      }),
    );
  });

  const incomingDoc = () =>
    catalogExport(
      [{ name: 'sales', description: 'new', createdAt: 0, updatedAt: 0 }],
      [
        table('sales', 'orders', { columns: [col('id', 'BIGINT'), col('total', 'DOUBLE')] }),
        table('sales', 'refunds'),
      ],
    );

  it('writes only the chosen conflicts, archiving what it overwrites', async () => {
    const existing = {
      databases: await c.store.listDatabases(),
      tables: await c.store.listAllTables(),
    };
    const plan = planImport(incomingDoc(), existing);
    const result = await c.store.applyImport(plan, { overwrite: [importKey('sales', 'orders')] });
    expect(result).toEqual({ databasesCreated: 0, tablesCreated: 1, overwritten: 1 });
    expect(await c.store.listDatabases()).toMatchObject([{ description: 'old' }]);
    const orders = await c.store.getTable('sales', 'orders');
    expect(orders).toMatchObject({
      version: 2,
      columns: [col('id', 'BIGINT'), col('total', 'DOUBLE')],
    });
    expect(orders!.sources).toHaveLength(1); // this browser's sources stay
    expect(await c.store.listVersions('sales', 'orders')).toMatchObject([
      { version: 1, reason: 'replaced by import: removed "price"; added "total"' },
    ]);
    expect(await c.store.search('refunds')).toHaveLength(1);
  });

  it('writes nothing if the catalog changed since the plan', async () => {
    const existing = {
      databases: await c.store.listDatabases(),
      tables: await c.store.listAllTables(),
    };
    const plan = planImport(incomingDoc(), existing);
    await c.store.createTable(draft('sales', 'refunds'));
    const before = await snapshotOf(c.db);
    await expect(c.store.applyImport(plan, { overwrite: [importKey('sales')] })).rejects.toThrow(
      'catalog: import: table "sales"."refunds" was created since the import was planned; plan it again',
    );
    expect(await snapshotOf(c.db)).toEqual(before);
    await expect(c.store.applyImport(plan, { overwrite: ['nope'] })).rejects.toThrow(
      "catalog: import: nope is not one of the plan's conflicts",
    );
  });
});
