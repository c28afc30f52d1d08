import { describe, expect, it } from 'vitest';
import type { CatalogTable } from '../../src/catalog';
import type { Job } from '../../src/jobs';
import { JobError } from '../../src/jobs';
import {
  duckdbScript,
  exportScripts,
  pysparkScript,
  scriptTableOf,
  type ScriptContext,
} from '../../src/scripts';
import { CSV } from '../engine/catalog-support';
import { jobOf, node } from '../jobs/job-support';

/** The scripts' text: what a user reads at the top, and the shape Glue Studio gives its scripts. */

const SALES: ScriptContext = {
  tables: [
    {
      database: 'shop',
      name: 'sales',
      classification: 'csv',
      location: 's3://bucket/sales',
      dialect: { ...CSV, delimiter: ';', nullValues: ['NA'] },
      columns: [
        { name: 'id', type: 'BIGINT' },
        { name: 'price', type: 'DECIMAL(10,2)' },
      ],
      partitionKeys: [{ name: 'year', type: 'BIGINT' }],
      suffix: '.csv.gz',
    },
  ],
};

function salesJob(over: Partial<Job> = {}): Job {
  return jobOf(
    [
      node('catalog-source', 'src', {
        database: 'shop',
        table: 'sales',
        partitionPredicate: {
          combine: 'AND',
          clauses: [{ column: 'year', op: 'GTE', value: { kind: 'constant', value: '${from}' } }],
        },
      }),
      node('filter', 'f', {
        filter: {
          combine: 'AND',
          clauses: [{ column: 'price', op: 'GT', value: { kind: 'constant', value: '${min}' } }],
        },
      }),
      node('target', 'out', {
        format: { kind: 'parquet', compression: 'snappy', rowGroupSize: 1000 },
        partitionKeys: ['year'],
        destination: 'folder',
        path: 'big sales',
      }),
    ],
    [
      ['src', 'f'],
      ['f', 'out'],
    ],
    {
      name: 'daily sales',
      parameters: [
        { name: 'from', value: '2024' },
        { name: 'min', value: '2.5' },
        { name: 'note', value: "it's" },
      ],
      ...over,
    },
  );
}

describe('the DuckDB script', () => {
  const text = duckdbScript(salesJob(), SALES).text;

  it('sets parameters and locations as variables, and reads them with getvariable', () => {
    expect(text).toContain(`SET VARIABLE "from" = '2024';`);
    expect(text).toContain(`SET VARIABLE "note" = 'it''s';`);
    expect(text).toContain(`SET VARIABLE "location:shop.sales" = 's3://bucket/sales';`);
    expect(text).toContain(`"price" > getvariable('min')`);
    expect(text).toContain(`"year" >= getvariable('from')`);
    expect(text).not.toMatch(/31415926535897/);
  });

  it('reads the source with exactly the catalog’s dialect, types and hive partitions', () => {
    expect(text).toContain(`read_csv((getvariable('location:shop.sales') || '/**/*.csv.gz')`);
    expect(text).toContain(`delim=';'`);
    expect(text).toContain(`nullstr=['NA']`);
    expect(text).toContain(`columns={'id': 'BIGINT', 'price': 'DECIMAL(10,2)'}`);
    expect(text).toContain(`hive_partitioning=true, hive_types={'year': 'BIGINT'}`);
    expect(text).toContain('auto_detect=false');
  });

  it('writes the target with COPY and its format options', () => {
    expect(text).toContain(
      `TO (getvariable('output') || '/big sales') (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 1000, PARTITION_BY ("year"), OVERWRITE_OR_IGNORE);`,
    );
  });

  it('is named after the job', () => {
    expect(duckdbScript(salesJob(), SALES).fileName).toBe('daily_sales.sql');
  });

  it('refuses a job that does not compile, saying why', () => {
    const job = salesJob();
    expect(() => duckdbScript({ ...job, nodes: job.nodes.slice(0, 2) }, SALES)).toThrow(JobError);
  });
});

describe('the PySpark script in Glue Studio’s shape', () => {
  const script = pysparkScript(salesJob(), SALES);
  const text = script.text;

  it('uses GlueContext, getResolvedOptions, Job and job.commit, with an adapter for plain Spark', () => {
    expect(text).toContain('from awsglue.context import GlueContext');
    expect(text).toContain('from awsglue.utils import getResolvedOptions');
    expect(text).toContain('except ImportError:');
    expect(text).toContain('glueContext = GlueContext(sc)');
    expect(text).toMatch(/job\.init\(/);
    expect(text.trimEnd().endsWith('job.commit()')).toBe(true);
  });

  it('reads the source from the catalog with a push-down predicate', () => {
    expect(text).toContain(
      `Src_node1 = glueContext.create_dynamic_frame.from_catalog(database="shop", table_name="sales", push_down_predicate=`,
    );
    expect(text).toContain('_sql_str(args["from"])');
    expect(text).toContain(' AS bigint)');
  });

  it('gives every node a transformation_ctx (Glue’s bookmarks need them)', () => {
    expect(text).toContain('transformation_ctx="Src_node1"');
    expect(text).toContain('DynamicFrame.fromDF(df, glueContext, "F_node2")');
    expect(text).toContain('transformation_ctx="Out_node3"');
  });

  it('documents parameters with their defaults, and the output', () => {
    expect(text).toContain('#   --from "2024"');
    expect(text).toContain(`#   --note "it's"`);
    expect(text).toContain(
      'args = _arguments({"from": "2024", "min": "2.5", "note": "it\'s", "output_path":',
    );
  });

  it('computes as DuckDB: expressions in ANSI mode, / as DOUBLE, integer sums as DECIMAL(38,0)', () => {
    const job = jobOf(
      [
        node('catalog-source', 'src', { database: 'shop', table: 'sales' }),
        node('derived-column', 'd', { column: 'x', expression: 'price / 3' }),
        node('aggregate', 'ag', {
          groupBy: [],
          aggregations: [{ column: 'id', fn: 'sum', as: 'ids' }],
        }),
        node('target', 'out', {
          format: { kind: 'csv', compression: 'gzip' },
          partitionKeys: [],
          destination: 'folder',
        }),
      ],
      [
        ['src', 'd'],
        ['d', 'ag'],
        ['ag', 'out'],
      ],
    );
    const t = pysparkScript(job, SALES).text;
    expect(t).toMatch(
      /with _ansi\(\):\n {4}df = _with_columns\(df, \[\("x", F\.expr\("price \/ CAST\(3 AS DOUBLE\)"\)\)\]\)/,
    );
    expect(t).toContain('df = df.agg(F.sum(_col("id").cast("decimal(38,0)")).alias("ids"))');
    expect(t).toMatch(
      /Out_node4 = _write_text\(Ag_node3, "csv", .*"compression": "gzip".*transformation_ctx="Out_node4"\)/,
    );
  });

  it('flags what Spark cannot do as the tab does, at the top and per node', () => {
    // Spark's CSV reader takes one NULL text, and sizes row groups in bytes.
    expect(script.flags.map((f) => f.message).join('\n')).toMatch(/row groups in bytes/);
    expect(text).toContain('NOT THE SAME AS THE TAB');
    const job = jobOf(
      [
        node('catalog-source', 'src', { database: 'shop', table: 'sales' }),
        node('derived-column', 'd', { column: 'x', expression: 'list_sort([3, 1])' }),
        node('target', 'out', {
          format: { kind: 'parquet' },
          partitionKeys: [],
          destination: 'folder',
        }),
      ],
      [
        ['src', 'd'],
        ['d', 'out'],
      ],
    );
    const { flagsByNode } = exportScripts(job, SALES);
    expect(flagsByNode.get('d')).toEqual([
      'Spark: `list_sort` has no Spark equivalent here (array_sort orders NULLs differently)',
    ]);
  });
});

describe('catalog tables as scripts read them', () => {
  const base: CatalogTable = {
    database: 'shop',
    name: 'sales',
    description: '',
    classification: 'csv',
    sources: [
      {
        kind: 'url',
        path: 'year=2024/a.csv.gz',
        url: 's3://b/sales/year=2024/a.csv.gz',
        size: 1,
        lastModified: 0,
      },
      {
        kind: 'url',
        path: 'year=2025/b.csv.gz',
        url: 's3://b/sales/year=2025/b.csv.gz',
        size: 1,
        lastModified: 0,
      },
    ],
    columns: [{ name: 'id', type: 'BIGINT', comment: '' }],
    partitionKeys: [{ name: 'year', type: 'BIGINT', comment: '' }],
    parameters: { delimiter: '|', header: false, compression: 'gzip' },
    updatedBy: { kind: 'user' },
    version: 1,
    createdAt: 0,
    updatedAt: 0,
  };

  it('S3 tables are read at their folder, with the catalog’s dialect', () => {
    const t = scriptTableOf(base);
    expect(t.location).toBe('s3://b/sales');
    expect(t.suffix).toBe('.csv.gz');
    expect(t.dialect).toMatchObject({ delimiter: '|', header: false, compression: 'gzip' });
    expect(t.partitionKeys).toEqual([{ name: 'year', type: 'BIGINT' }]);
  });

  it('partitions that are not key=value folders, and files with other columns, are flagged', () => {
    const odd = {
      ...base,
      sources: [
        {
          kind: 'url' as const,
          path: '2024/a.csv.gz',
          url: 's3://b/sales/2024/a.csv.gz',
          size: 1,
          lastModified: 0,
        },
        {
          kind: 'url' as const,
          path: '2025/b.csv.gz',
          url: 's3://b/sales/2025/b.csv.gz',
          size: 1,
          lastModified: 0,
          columns: ['id'],
        },
      ],
    };
    const t = scriptTableOf(odd);
    expect(t.problems).toHaveLength(2);
    const job = jobOf(
      [
        node('catalog-source', 'src', { database: 'shop', table: 'sales' }),
        node('target', 'out', {
          format: { kind: 'parquet' },
          partitionKeys: [],
          destination: 'folder',
        }),
      ],
      [['src', 'out']],
    );
    const scripts = exportScripts(job, { tables: [t] });
    const duck = scripts.duckdb as { flags: { message: string }[]; text: string };
    expect(duck.flags.map((f) => f.message).join('\n')).toMatch(/not key=value folders/);
    expect(duck.text).toContain('NOT THE SAME AS THE TAB');
    expect(scripts.flagsByNode.get('src')).toEqual([
      expect.stringMatching(
        /^DuckDB script: the partitions of shop.sales are not key=value folders/,
      ),
      expect.stringMatching(/^DuckDB script: some files of shop.sales have other columns/),
    ]);
  });

  it('tables on this computer get a placeholder location to set', () => {
    const t = scriptTableOf({
      ...base,
      classification: 'parquet',
      sources: [{ kind: 'opfs', path: 'p/x.parquet', opfsPath: 'a/b', size: 1, lastModified: 0 }],
    });
    expect(t.location).toBe('./data/shop/sales');
    expect(t.suffix).toBe('.parquet');
    expect(t.dialect).toBeUndefined();
  });
});

describe('Evaluate Data Quality in the scripts', () => {
  const dqJob = (onFailure: 'continue' | 'fail-before-write' | 'fail-after-write'): Job =>
    jobOf(
      [
        node('catalog-source', 'src', { database: 'shop', table: 'sales' }),
        node(
          'evaluate-data-quality',
          'dq',
          { ruleset: 'Rules = [ ColumnValues "price" > 0 ]', rowLevelOutcomes: true, onFailure },
          'quality gate',
        ),
        node('target', 'out', {
          format: { kind: 'parquet' },
          partitionKeys: [],
          destination: 'folder',
        }),
      ],
      [
        ['src', 'dq'],
        ['dq', 'out'],
      ],
    );

  it('PySpark: Glue’s own EvaluateDataQuality and its row-level outcomes, flagged as Glue-only', () => {
    const s = pysparkScript(dqJob('continue'), SALES);
    expect(s.text).toContain('from awsgluedq.transforms import EvaluateDataQuality');
    expect(s.text).toMatch(
      /Quality_gate_node2_results = EvaluateDataQuality\(\)\.process_rows\(frame=Src_node1, ruleset=Quality_gate_node2_ruleset, publishing_options=\{"dataQualityEvaluationContext": "Quality_gate_node2"/,
    );
    expect(s.text).toContain(
      'Quality_gate_node2 = SelectFromCollection.apply(dfc=Quality_gate_node2_results, key="rowLevelOutcomes", transformation_ctx="Quality_gate_node2")',
    );
    expect(s.text).not.toContain('assert ');
    expect(s.flags.map((f) => f.nodeId)).toEqual(['dq']);
    expect(s.flags[0]!.message).toContain('runs on AWS Glue only');
  });

  it('PySpark: the rule outcomes are asserted before the write, or after it at the end', () => {
    const before = pysparkScript(dqJob('fail-before-write'), SALES).text;
    const after = pysparkScript(dqJob('fail-after-write'), SALES).text;
    const write = (t: string) => t.indexOf('glueContext.write_dynamic_frame');
    const check = (t: string) => t.indexOf('key="ruleOutcomes"');
    expect(check(before)).toBeGreaterThan(0);
    expect(check(before)).toBeLessThan(write(before));
    expect(check(after)).toBeGreaterThan(write(after));
    expect(after.indexOf('job.commit()')).toBeGreaterThan(check(after));
  });

  it('DuckDB: the row-level columns are the tab’s SQL; a failure action is flagged', () => {
    const cont = duckdbScript(dqJob('continue'), SALES);
    expect(cont.flags).toEqual([]);
    expect(cont.text).toContain('AS "DataQualityEvaluationResult"');
    const gate = duckdbScript(dqJob('fail-before-write'), SALES);
    expect(gate.flags.map((f) => f.detail)).toEqual([
      'this script does not measure the rules, so it never fails the job before writing',
    ]);
    expect(gate.text).toContain('NOT THE SAME AS THE TAB');
  });
});
