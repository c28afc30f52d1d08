import { describe, expect, it } from 'vitest';
import { athenaDdl, catalogExport, tableInputFromTable } from '../../src/catalog/glue-export';
import { quoteHiveIdent, quoteHiveLiteral } from '../../src/core/sql/hive-quote';
import { col, table } from './catalog-fixtures';

const orders = table('sales', 'orders', {
  description: 'All orders',
  columns: [
    col('id', 'BIGINT', 'order id'),
    col('price', 'DECIMAL(10,2)'),
    col('items', 'STRUCT(sku VARCHAR, qty BIGINT)[]'),
    col('ordered_at', 'TIMESTAMP'),
  ],
  partitionKeys: [col('year')],
  parameters: {
    delimiter: ';',
    header: true,
    recordCount: 1200,
    sizeBytes: 5000,
    compression: 'gzip',
  },
});

describe('tableInputFromTable', () => {
  it('writes a CSV table as Glue CreateTable takes it', () => {
    expect(tableInputFromTable(orders, 's3://bucket/sales/orders/')).toEqual({
      Name: 'orders',
      Description: 'All orders',
      TableType: 'EXTERNAL_TABLE',
      Parameters: {
        classification: 'csv',
        delimiter: ';',
        header: 'true',
        recordCount: '1200',
        sizeKey: '5000',
        compressionType: 'gzip',
        'skip.header.line.count': '1',
      },
      StorageDescriptor: {
        Columns: [
          { Name: 'id', Type: 'bigint', Comment: 'order id' },
          { Name: 'price', Type: 'decimal(10,2)' },
          { Name: 'items', Type: 'array<struct<sku:string,qty:bigint>>' },
          { Name: 'ordered_at', Type: 'timestamp' },
        ],
        Location: 's3://bucket/sales/orders/',
        InputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
        OutputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
        Compressed: true,
        SerdeInfo: {
          SerializationLibrary: 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe',
          Parameters: { 'field.delim': ';', 'serialization.format': ';' },
        },
        Parameters: expect.objectContaining({ classification: 'csv' }) as unknown,
      },
      PartitionKeys: [{ Name: 'year', Type: 'string' }],
    });
  });

  it('uses OpenCSVSerde for quoted CSV, JsonSerDe for JSON, ParquetHiveSerDe for Parquet', () => {
    const quoted = tableInputFromTable(
      table('s', 't', { parameters: { delimiter: '\t', quote: '"', escape: '"' } }),
    );
    expect(quoted.StorageDescriptor.SerdeInfo).toEqual({
      SerializationLibrary: 'org.apache.hadoop.hive.serde2.OpenCSVSerde',
      Parameters: { separatorChar: '\t', quoteChar: '"', escapeChar: '\\' },
    });
    expect(quoted.StorageDescriptor).not.toHaveProperty('Location');
    const json = tableInputFromTable(table('s', 't', { classification: 'json', parameters: {} }));
    expect(json.StorageDescriptor.SerdeInfo).toEqual({
      SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
      Parameters: { paths: 'id,price' },
    });
    const parquet = tableInputFromTable(
      table('s', 't', { classification: 'parquet', parameters: { location: 's3://b/p/' } }),
    );
    expect(parquet.Parameters).toEqual({ classification: 'parquet' });
    expect(parquet.StorageDescriptor).toMatchObject({
      Location: 's3://b/p/',
      InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
      OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
      SerdeInfo: {
        SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
      },
    });
  });

  it('keeps the DuckDB type in the column when Glue’s would lose something', () => {
    const t = table('s', 't', {
      columns: [col('n', 'UBIGINT'), col('at', 'TIME'), col('ok', 'INT')],
    });
    expect(tableInputFromTable(t).StorageDescriptor.Columns).toEqual([
      { Name: 'n', Type: 'decimal(20,0)', Parameters: { 'decant.type': 'UBIGINT' } },
      { Name: 'at', Type: 'string', Parameters: { 'decant.type': 'TIME' } },
      { Name: 'ok', Type: 'int' },
    ]);
  });
});

describe('catalogExport', () => {
  it('lists databases and tables in Glue’s shapes, with our format version', () => {
    const doc = catalogExport(
      [{ name: 'sales', description: 'Sales', createdAt: 0, updatedAt: 0 }],
      [orders],
    );
    expect(doc.decantVersion).toBe(1);
    expect(doc.DatabaseList).toEqual([{ Name: 'sales', Description: 'Sales' }]);
    expect(doc.TableList).toEqual([
      { DatabaseName: 'sales', TableInput: tableInputFromTable(orders) },
    ]);
  });
});

describe('athenaDdl', () => {
  it('writes CSV DDL with the SerDe, partitions, location and properties', () => {
    expect(athenaDdl(orders, 's3://bucket/sales/orders/')).toBe(
      [
        'CREATE EXTERNAL TABLE `sales`.`orders` (',
        "  `id` bigint COMMENT 'order id',",
        '  `price` decimal(10,2),',
        '  `items` array<struct<sku:string,qty:bigint>>,',
        '  `ordered_at` timestamp',
        ')',
        "COMMENT 'All orders'",
        'PARTITIONED BY (',
        '  `year` string',
        ')',
        "ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe'",
        'WITH SERDEPROPERTIES (',
        "  'field.delim' = ';',",
        "  'serialization.format' = ';'",
        ')',
        "STORED AS INPUTFORMAT 'org.apache.hadoop.mapred.TextInputFormat'",
        "OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'",
        "LOCATION 's3://bucket/sales/orders/'",
        'TBLPROPERTIES (',
        "  'classification' = 'csv',",
        "  'delimiter' = ';',",
        "  'header' = 'true',",
        "  'recordCount' = '1200',",
        "  'sizeKey' = '5000',",
        "  'compressionType' = 'gzip',",
        "  'skip.header.line.count' = '1'",
        ')',
      ].join('\n'),
    );
  });

  it('writes Parquet DDL', () => {
    const events = table('logs', 'events', {
      classification: 'parquet',
      columns: [col('id', 'BIGINT'), col('payload', 'MAP(VARCHAR, VARCHAR)')],
      parameters: {},
    });
    expect(athenaDdl(events, 's3://b/events/')).toBe(
      [
        'CREATE EXTERNAL TABLE `logs`.`events` (',
        '  `id` bigint,',
        '  `payload` map<string,string>',
        ')',
        "ROW FORMAT SERDE 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'",
        'WITH SERDEPROPERTIES (',
        "  'serialization.format' = '1'",
        ')',
        "STORED AS INPUTFORMAT 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat'",
        "OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat'",
        "LOCATION 's3://b/events/'",
        'TBLPROPERTIES (',
        "  'classification' = 'parquet'",
        ')',
      ].join('\n'),
    );
  });

  it('quotes hostile names and text so they stay one token', () => {
    const t = table('db`x', 'a`; DROP TABLE y; --', {
      description: "it's a \\ test",
      columns: [col('<img onerror>', 'VARCHAR', "O'Neil")],
    });
    const ddl = athenaDdl(t, "s3://b/it's/");
    expect(ddl).toContain('CREATE EXTERNAL TABLE `db``x`.`a``; DROP TABLE y; --` (');
    expect(ddl).toContain("  `<img onerror>` string COMMENT 'O\\'Neil'");
    expect(ddl).toContain("COMMENT 'it\\'s a \\\\ test'");
    expect(ddl).toContain("LOCATION 's3://b/it\\'s/'");
  });

  it('quotes like Hive', () => {
    expect(quoteHiveIdent('a`b')).toBe('`a``b`');
    expect(quoteHiveLiteral("a'b\\c")).toBe("'a\\'b\\\\c'");
  });
});
