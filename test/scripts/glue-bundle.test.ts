import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import type { CatalogTable } from '../../src/catalog';
import { glueBundle, scriptTableOf, type GlueBundle } from '../../src/scripts';
import { jobOf, node } from '../jobs/job-support';

/** The deploy bundle's API inputs, validated by botocore's ParamValidator on Glue's service model. */

function validate(bundle: object): Record<string, string> {
  const out = execFileSync(inject('pythonPath'), [join(__dirname, 'validate_glue.py')], {
    input: JSON.stringify(bundle),
  });
  return JSON.parse(out.toString()) as Record<string, string>;
}

const SALES: CatalogTable = {
  database: 'shop',
  name: 'sales',
  description: 'Daily sales',
  classification: 'csv',
  sources: [
    {
      kind: 'url',
      path: 'year=2024/a.csv',
      url: 's3://b/sales/year=2024/a.csv',
      size: 1,
      lastModified: 0,
    },
  ],
  columns: [
    { name: 'id', type: 'BIGINT', comment: '' },
    { name: 'price', type: 'DECIMAL(10,2)', comment: 'in EUR' },
    { name: 'tags', type: 'VARCHAR[]', comment: '' },
  ],
  partitionKeys: [{ name: 'year', type: 'BIGINT', comment: '' }],
  parameters: { delimiter: ';', header: true },
  updatedBy: { kind: 'user' },
  version: 1,
  createdAt: 0,
  updatedAt: 0,
};

const job = jobOf(
  [
    node('catalog-source', 'src', { database: 'shop', table: 'sales' }),
    node('target', 'out', {
      format: { kind: 'parquet' },
      partitionKeys: ['year'],
      destination: 'folder',
    }),
  ],
  [['src', 'out']],
  {
    name: 'daily sales',
    bookmarks: 'enable',
    maxRetries: 2,
    timeoutMinutes: 30,
    parameters: [{ name: 'region', value: 'eu' }],
  },
);

function bundle(schedule?: string): GlueBundle {
  return glueBundle(
    job,
    [SALES],
    { tables: [scriptTableOf(SALES)] },
    {
      s3Prefix: 's3://my-bucket/decant/',
      role: 'arn:aws:iam::123456789012:role/GlueJobRole',
      outputPath: 's3://my-bucket/out',
      ...(schedule ? { schedule } : {}),
    },
  );
}

describe('Export for AWS Glue', () => {
  it('every API input is valid for botocore’s Glue model', () => {
    const report = validate(bundle('cron(0 6 * * ? *)'));
    expect(Object.keys(report).sort()).toEqual([
      'CreateCrawler[0]',
      'CreateDatabase[0]',
      'CreateJob[0]',
      'CreateTable[0]',
      'CreateTrigger[0]',
      'CreateWorkflow[0]',
    ]);
    expect(Object.values(report).filter((r) => r !== '')).toEqual([]);
  });

  it('carries the job’s settings: script, Glue 5, bookmarks, retries, timeout, arguments', () => {
    const b = bundle();
    expect(b.CreateJob).toMatchObject({
      Name: 'daily-sales',
      Command: { Name: 'glueetl', ScriptLocation: 's3://my-bucket/decant/scripts/daily_sales.py' },
      GlueVersion: '5.0',
      MaxRetries: 2,
      Timeout: 30,
      DefaultArguments: {
        '--job-bookmark-option': 'job-bookmark-enable',
        '--region': 'eu',
        '--output_path': 's3://my-bucket/out',
      },
    });
    expect(b.CreateTrigger).toMatchObject({
      Type: 'ON_DEMAND',
      Actions: [{ JobName: 'daily-sales' }],
    });
    expect(b.CreateCrawler[0]).toMatchObject({
      Targets: { S3Targets: [{ Path: 's3://b/sales/' }] },
    });
    expect(b.CreateTable[0]!.TableInput.StorageDescriptor.Location).toBe('s3://b/sales/');
    expect(b.script.text).toContain('glueContext.create_dynamic_frame.from_catalog');
  });

  it('the validator catches a wrong input (so the check above can fail)', () => {
    const b = bundle();
    const broken = { ...b, CreateJob: { ...b.CreateJob, Role: undefined, Timeout: 'soon' } };
    expect(validate(JSON.parse(JSON.stringify(broken)) as object)['CreateJob[0]']).toMatch(
      /Role|Timeout/,
    );
  });
});
