import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRunner } from '../../src/jobs/run/job-runner';
import { isFinal, type JobRun } from '../../src/jobs/run-model';
import { JobStore } from '../../src/jobs/store';
import type { Job } from '../../src/jobs';
import { jobOf, node } from '../jobs/job-support';
import { runWorld, startNodeEngine } from '../jobs/run/run-support';
import type { NodeEngine } from '../support/node-engine';
import { SparkClient } from './spark-client';

/**
 * Parquet the tab writes (the job runner: DuckDB-WASM and parquet-wasm, partitioned) read back
 * by the readers Athena and Glue users depend on — pyarrow and Spark — with the expected types,
 * in every compression the tab offers.
 */

let engine: NodeEngine;
let spark: SparkClient;

beforeAll(async () => {
  engine = await startNodeEngine();
  spark = await SparkClient.open();
});

afterAll(() => spark?.close());

const COMPRESSIONS = ['zstd', 'snappy', 'gzip', 'none'] as const;

function typedJob(compression: (typeof COMPRESSIONS)[number]): Job {
  const derived: [string, string][] = [
    ['amount', 'CAST(price AS DECIMAL(10,2))'],
    ['at', `TIMESTAMP '2024-03-01 10:00:00' + to_hours(id)`],
    ['day', `DATE '2024-03-01' + CAST(id AS INTEGER)`],
    ['even', 'id % 2 = 0'],
    ['small', 'CAST(id AS INTEGER)'],
    ['tags', `['a', sku]`],
    ['info', `{'n': id, 's': sku}`],
  ];
  const nodes = [
    node('catalog-source', 'sales', { database: 'shop', table: 'sales' }),
    ...derived.map(([column, expression], i) =>
      node('derived-column', `d${i}`, { column, expression }),
    ),
    node('target', 'out', {
      format: { kind: 'parquet', compression },
      partitionKeys: ['year'],
      destination: 'opfs',
      path: `typed-${compression}`,
    }),
  ];
  const edges = nodes.slice(1).map((n, i) => [nodes[i]!.id, n.id] as [string, string]);
  return jobOf(nodes, edges, { name: `typed ${compression}` });
}

/** Spark's and pyarrow's types of the columns, partition key last (as both read folders). */
const SPARK_TYPES = [
  ['id', 'bigint'],
  ['sku', 'string'],
  ['price', 'double'],
  ['month', 'bigint'],
  ['amount', 'decimal(10,2)'],
  ['at', 'timestamp_ntz'],
  ['day', 'date'],
  ['even', 'boolean'],
  ['small', 'int'],
  ['tags', 'array<string>'],
  ['info', 'struct<n:bigint,s:string>'],
  ['year', 'int'],
];
const ARROW_TYPES = [
  ['id', 'int64'],
  ['sku', 'string'],
  ['price', 'double'],
  ['month', 'int64'],
  ['amount', 'decimal128(10, 2)'],
  ['at', 'timestamp[us]'],
  ['day', 'date32[day]'],
  ['even', 'bool'],
  ['small', 'int32'],
  ['tags', 'list<element: string>'],
  ['info', 'struct<n: int64, s: string>'],
];

describe('Parquet written by the tab, read by pyarrow and Spark', () => {
  for (const compression of COMPRESSIONS)
    it(`${compression}, partitioned by year`, async () => {
      const world = await runWorld(engine);
      const store = new JobStore(world.cat.db);
      const runs: JobRun[] = [];
      const runner = new JobRunner({
        store,
        engine: world.jobEngine,
        catalog: world.catalog,
        places: world.places,
        onRun: (r) => runs.push(r),
      });
      const id = await runner.start(await store.saveJob(typedJob(compression)), {});
      while (!runs.some((r) => r.id === id && isFinal(r.state)))
        await new Promise((r) => setTimeout(r, 50));
      const run = runs.findLast((r) => r.id === id)!;
      expect(run.state, run.error?.message).toBe('SUCCEEDED');
      const types = await spark.parquetTypes(join(world.dir, 'opfs', `typed-${compression}`));
      expect(types.error ?? '').toBe('');
      expect(types.rows).toBe(5);
      expect(types.arrowRows).toBe(5);
      expect(types.spark).toEqual(SPARK_TYPES);
      // pyarrow's dataset reads `year=…` folders as a dictionary-typed key: the data columns.
      // A list's item name (`l` from parquet-wasm, `element` from Spark) is not part of its type.
      const arrow = types.arrow.map(([n, t]) => [n, t.replace(/list<\w+: /g, 'list<element: ')]);
      expect(arrow.slice(0, ARROW_TYPES.length)).toEqual(ARROW_TYPES);
    });
});
