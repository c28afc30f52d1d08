import { describe, expect, it } from 'vitest';
import type { TargetFormat } from '../../src/jobs';
import { duckdbScript, pysparkScript, type ScriptContext } from '../../src/scripts';
import { CSV } from '../engine/catalog-support';
import { jobOf, node } from '../jobs/job-support';

/** An Amazon S3 target in the exported scripts: the natural s3:// path in both, no credential. */

const SALES: ScriptContext = {
  tables: [
    {
      database: 'shop',
      name: 'sales',
      classification: 'csv',
      location: 's3://bucket/sales',
      dialect: CSV,
      columns: [
        { name: 'id', type: 'BIGINT' },
        { name: 'price', type: 'DOUBLE' },
      ],
      partitionKeys: [{ name: 'year', type: 'BIGINT' }],
      suffix: '.csv',
    },
  ],
};

function s3Job(format: TargetFormat, partitionKeys: string[], endpoint?: string) {
  return jobOf(
    [
      node('catalog-source', 'src', { database: 'shop', table: 'sales' }),
      node(
        'target',
        'out',
        {
          format,
          partitionKeys,
          destination: 's3',
          s3: {
            bucket: 'my-lake',
            prefix: 'daily/sales',
            region: 'eu-west-3',
            ...(endpoint ? { endpoint } : {}),
          },
        },
        'to s3',
      ),
    ],
    [['src', 'out']],
    { name: 'to-s3' },
  );
}

describe('an S3 target in the DuckDB script', () => {
  it('COPYs a partitioned target to the prefix, with a note on httpfs and credentials', () => {
    const text = duckdbScript(s3Job({ kind: 'parquet' }, ['year']), SALES).text;
    expect(text).toMatch(
      /COPY \([\s\S]+\) TO 's3:\/\/my-lake\/daily\/sales' \(FORMAT parquet, [^)]*PARTITION_BY \("year"\)/,
    );
    expect(text).toContain(
      '-- Target "to s3": parquet → s3://my-lake/daily/sales/ (key=value folders)',
    );
    expect(text).toContain('--   INSTALL httpfs; LOAD httpfs;');
    expect(text).toContain(
      "--   CREATE SECRET (TYPE s3, PROVIDER credential_chain, REGION 'eu-west-3');",
    );
    expect(text).not.toMatch(/getvariable\('output'\) \|\| '\/to s3'/);
  });

  it('an unpartitioned target is one file in the prefix; an endpoint is named in the note', () => {
    const text = duckdbScript(s3Job({ kind: 'csv' }, [], 'http://127.0.0.1:9000'), SALES).text;
    expect(text).toMatch(/\) TO 's3:\/\/my-lake\/daily\/sales\/part-00000\.csv' \(FORMAT csv/);
    expect(text).toContain(
      "REGION 'eu-west-3', ENDPOINT '127.0.0.1:9000', URL_STYLE 'path', USE_SSL false);",
    );
  });

  it('a job without S3 targets has no S3 note', () => {
    const job = s3Job({ kind: 'parquet' }, []);
    const t = job.nodes[1]!;
    if (t.kind === 'target') t.options = { ...t.options, destination: 'folder', s3: undefined };
    expect(duckdbScript(job, SALES).text).not.toContain('httpfs');
  });
});

describe('an S3 target in the Glue PySpark script', () => {
  it('writes Parquet with write_dynamic_frame to the s3 path, partitionKeys kept', () => {
    const text = pysparkScript(s3Job({ kind: 'parquet' }, ['year']), SALES).text;
    expect(text).toContain('connection_type="s3",');
    expect(text).toMatch(
      /connection_options=\{"path": "s3:\/\/my-lake\/daily\/sales\/", "partitionKeys": \["year"\]\}/,
    );
  });

  it('writes text formats to the s3 path too', () => {
    const text = pysparkScript(s3Job({ kind: 'ndjson' }, []), SALES).text;
    expect(text).toMatch(/_write_text\(\w+, "json", "s3:\/\/my-lake\/daily\/sales\/", \[\]/);
  });
});
