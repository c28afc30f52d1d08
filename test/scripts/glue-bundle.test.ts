import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import type { CatalogTable, Crawler, CsvClassifier } from '../../src/catalog';
import { defaultClassifier } from '../../src/core/csv/custom-classifier';
import type { Trigger, Workflow } from '../../src/scheduler';
import { glueBundle, scriptTableOf, type GlueBundle } from '../../src/scripts';
import { awsCron } from '../../src/scripts/aws-cron';
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

const CLASSIFIER: CsvClassifier = {
  ...defaultClassifier('semicolons'),
  delimiter: ';',
  header: 'PRESENT',
  columnNames: ['id', 'price'],
  customDatatypes: ['BIGINT', 'DOUBLE', 'TIME'],
  decimalSeparator: ',',
  nullValues: ['NA'],
  createdAt: 0,
  updatedAt: 0,
};

const CRAWLER: Crawler = {
  name: 'sales crawler',
  description: 'Finds the daily sales',
  database: 'shop',
  tablePrefix: 'raw_',
  sources: [
    { kind: 'url', path: 'sales/a.csv', url: 's3://b/sales/' },
    { kind: 'opfs', path: 'returns', opfsPath: 'kept/returns', size: 1, lastModified: 0 },
    { kind: 's3-prefix', bucket: 'lake', prefix: 'refunds/', region: 'eu-west-1' },
  ],
  exclusions: ['**/_tmp/**'],
  classifiers: ['semicolons'],
  sampleSize: 10,
  tableThreshold: 5,
  schemaChangePolicy: { update: 'UPDATE_IN_DATABASE', delete: 'DEPRECATE_IN_DATABASE' },
  recrawlPolicy: 'CRAWL_EVERYTHING',
  keepCopies: false,
  createdAt: 0,
  updatedAt: 0,
};

const at = { activatedAt: 0, createdAt: 0, updatedAt: 0 };
const TRIGGERS: Trigger[] = [
  {
    ...at,
    id: 't1',
    kind: 'SCHEDULED',
    name: 'nightly crawl',
    description: '',
    workflowName: 'sales-flow',
    actions: [{ kind: 'crawler', crawlerName: 'sales crawler' }],
    activated: true,
    schedule: '30 2 * * 1-5',
    timeZone: 'Europe/Berlin',
    missedRuns: 'run-once',
  },
  {
    ...at,
    id: 't2',
    kind: 'CONDITIONAL',
    name: 'after the crawl',
    description: 'Runs the job once the crawler succeeded',
    workflowName: 'sales-flow',
    actions: [
      { kind: 'job', jobName: 'daily sales', arguments: { region: 'us' }, timeoutMinutes: 20 },
    ],
    activated: true,
    predicate: {
      logical: 'ALL',
      conditions: [{ kind: 'crawler', crawlerName: 'sales crawler', state: 'SUCCEEDED' }],
    },
  },
  {
    ...at,
    id: 't3',
    kind: 'CONDITIONAL',
    name: 'on failure',
    description: '',
    workflowName: 'sales-flow',
    actions: [{ kind: 'job', jobName: 'alert', arguments: {} }],
    activated: true,
    predicate: {
      logical: 'ANY',
      conditions: [
        { kind: 'job', jobName: 'daily sales', state: 'FAILED' },
        { kind: 'job', jobName: 'daily sales', state: 'TIMEOUT' },
      ],
    },
  },
  {
    ...at,
    id: 't4',
    kind: 'EVENT',
    name: 'new drops',
    description: '',
    actions: [{ kind: 'job', jobName: 'daily sales', arguments: {} }],
    activated: true,
    source: { kind: 'list-objects', sourceId: 's1', label: 'b.s3.amazonaws.com/drops/' },
    pollSeconds: 60,
    batching: { batchSize: 10, windowSeconds: 300 },
  },
  {
    ...at,
    id: 't5',
    kind: 'SCHEDULED',
    name: 'odd days',
    description: '',
    actions: [{ kind: 'job', jobName: 'daily sales', arguments: {} }],
    activated: false,
    schedule: '0 6 1 * 1',
    timeZone: 'UTC',
    missedRuns: 'skip',
  },
  {
    ...at,
    id: 't6',
    kind: 'ON_DEMAND',
    name: 'someone else',
    description: '',
    actions: [{ kind: 'job', jobName: 'other job', arguments: {} }],
    activated: true,
  },
];

const WORKFLOWS: Workflow[] = [
  {
    name: 'sales-flow',
    description: 'Crawl, then load',
    defaultRunProperties: { day: 'today' },
    maxConcurrentRuns: 1,
    createdAt: 0,
    updatedAt: 0,
  },
];

function withOrchestration(): GlueBundle {
  return glueBundle(
    job,
    [SALES],
    { tables: [scriptTableOf(SALES)] },
    {
      s3Prefix: 's3://my-bucket/decant',
      role: 'arn:aws:iam::123456789012:role/GlueJobRole',
      outputPath: 's3://my-bucket/out',
      orchestration: {
        triggers: TRIGGERS,
        workflows: WORKFLOWS,
        crawlers: [CRAWLER],
        classifiers: [CLASSIFIER, { ...CLASSIFIER, name: 'unused' }],
      },
    },
  );
}

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
    expect(b.CreateTrigger).toMatchObject([
      {
        Type: 'ON_DEMAND',
        Actions: [{ JobName: 'daily-sales' }],
        WorkflowName: 'daily-sales-workflow',
      },
    ]);
    expect(b.CreateWorkflow).toEqual([{ Name: 'daily-sales-workflow', MaxConcurrentRuns: 1 }]);
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

describe('Export for AWS Glue: the app’s classifiers, crawlers, triggers and workflows', () => {
  it('every input is valid for botocore’s Glue model, custom classifiers and triggers included', () => {
    const report = validate(withOrchestration());
    expect(Object.keys(report).sort()).toEqual([
      'CreateClassifier[0]',
      'CreateCrawler[0]',
      'CreateCrawler[1]',
      'CreateDatabase[0]',
      'CreateJob[0]',
      'CreateTable[0]',
      'CreateTrigger[0]',
      'CreateTrigger[1]',
      'CreateTrigger[2]',
      'CreateTrigger[3]',
      'CreateWorkflow[0]',
      'CreateWorkflow[1]',
    ]);
    expect(Object.values(report).filter((r) => r !== '')).toEqual([]);
  });

  it('a custom CSV classifier becomes CreateClassifier, named by the crawler that lists it', () => {
    const b = withOrchestration();
    expect(b.CreateClassifier).toEqual([
      {
        CsvClassifier: {
          Name: 'semicolons',
          Delimiter: ';',
          QuoteSymbol: '"',
          ContainsHeader: 'PRESENT',
          Header: ['id', 'price'],
          DisableValueTrimming: true,
          AllowSingleColumn: false,
          CustomDatatypeConfigured: true,
          CustomDatatypes: ['LONG', 'DOUBLE'],
        },
      },
    ]);
    const crawler = b.CreateCrawler.find((c) => c.Name === 'sales crawler')!;
    expect(crawler).toMatchObject({
      Classifiers: ['semicolons'],
      DatabaseName: 'shop',
      TablePrefix: 'raw_',
      SchemaChangePolicy: {
        UpdateBehavior: 'UPDATE_IN_DATABASE',
        DeleteBehavior: 'DEPRECATE_IN_DATABASE',
      },
      RecrawlPolicy: { RecrawlBehavior: 'CRAWL_EVERYTHING' },
      Targets: {
        S3Targets: [
          { Path: 's3://b/sales/', Exclusions: ['**/_tmp/**'], SampleSize: 10 },
          { Path: 's3://my-bucket/decant/data/sales-crawler/returns/' },
          { Path: 's3://lake/refunds/' },
        ],
      },
    });
    expect(JSON.parse(crawler.Configuration as string)).toMatchObject({
      CrawlerOutput: { Tables: { TableThreshold: 5 } },
    });
    // What Glue's CsvClassifier cannot hold is said, not dropped.
    const notes = b.notes.join('\n');
    expect(notes).toMatch(/classifier "semicolons": Glue's CustomDatatypes have no TIME/);
    expect(notes).toMatch(/classifier "semicolons": Glue's CsvClassifier has no decimal comma/);
    expect(notes).toMatch(/classifier "semicolons": Glue's CsvClassifier has no NULL texts \(NA\)/);
    expect(notes).toMatch(
      /"returns" is read from this browser; Glue crawls S3 only — upload it to s3:\/\/my-bucket\/decant\/data\/sales-crawler\/returns/,
    );
  });

  it('CONDITIONAL, EVENT and SCHEDULED triggers with their workflow', () => {
    const b = withOrchestration();
    const byName = Object.fromEntries(b.CreateTrigger.map((t) => [t.Name, t]));
    expect(Object.keys(byName).sort()).toEqual([
      'after the crawl',
      'new drops',
      'nightly crawl',
      'on failure',
    ]);
    expect(byName['nightly crawl']).toEqual({
      Name: 'nightly crawl',
      WorkflowName: 'sales-flow',
      Type: 'SCHEDULED',
      Schedule: 'cron(30 2 ? * 2,3,4,5,6 *)',
      StartOnCreation: true,
      Actions: [{ CrawlerName: 'sales crawler' }],
    });
    expect(byName['after the crawl']).toEqual({
      Name: 'after the crawl',
      WorkflowName: 'sales-flow',
      Description: 'Runs the job once the crawler succeeded',
      Type: 'CONDITIONAL',
      Predicate: {
        Logical: 'AND',
        Conditions: [
          { LogicalOperator: 'EQUALS', CrawlerName: 'sales crawler', CrawlState: 'SUCCEEDED' },
        ],
      },
      StartOnCreation: true,
      Actions: [{ JobName: 'daily-sales', Arguments: { '--region': 'us' }, Timeout: 20 }],
    });
    expect(byName['on failure']).toMatchObject({
      Type: 'CONDITIONAL',
      Predicate: {
        Logical: 'ANY',
        Conditions: [
          { LogicalOperator: 'EQUALS', JobName: 'daily-sales', State: 'FAILED' },
          { LogicalOperator: 'EQUALS', JobName: 'daily-sales', State: 'TIMEOUT' },
        ],
      },
      Actions: [{ JobName: 'alert' }],
    });
    expect(byName['new drops']).toEqual({
      Name: 'new drops',
      WorkflowName: 'daily-sales-workflow',
      Type: 'EVENT',
      EventBatchingCondition: { BatchSize: 10, BatchWindow: 300 },
      Actions: [{ JobName: 'daily-sales' }],
    });
    expect(b.CreateWorkflow).toEqual([
      {
        Name: 'sales-flow',
        Description: 'Crawl, then load',
        DefaultRunProperties: { day: 'today' },
        MaxConcurrentRuns: 1,
      },
      { Name: 'daily-sales-workflow', MaxConcurrentRuns: 1 },
    ]);
    // Only what belongs with this job: not another job's standalone trigger, nor unused classifiers.
    expect(JSON.stringify(b.CreateTrigger)).not.toContain('someone else');
    expect(b.CreateClassifier.map((c) => (c.CsvClassifier as { Name: string }).Name)).toEqual([
      'semicolons',
    ]);
  });

  it('what Glue cannot run the same way is said in the notes, not dropped silently', () => {
    const notes = withOrchestration().notes.join('\n');
    expect(notes).toMatch(/trigger "odd days" is left out: .*both day-of-month and day-of-week/);
    expect(notes).toMatch(/trigger "nightly crawl": Glue reads schedules in UTC; .*Europe\/Berlin/);
    expect(notes).toMatch(/trigger "nightly crawl": the missed-run policy \(run-once\)/);
    expect(notes).toMatch(
      /trigger "new drops": Glue starts EVENT triggers on Amazon EventBridge events/,
    );
    expect(notes).toMatch(/trigger "new drops": Glue runs EVENT triggers only in a workflow/);
    expect(notes).toMatch(/job "alert" is named by a trigger but is not in this bundle/);
  });

  it('schedules become AWS cron, or say why not', () => {
    expect(awsCron('cron(15 12 * * ? *)')).toEqual({ cron: 'cron(15 12 * * ? *)' });
    expect(awsCron('15 12 * * *')).toEqual({ cron: 'cron(15 12 * * ? *)' });
    expect(awsCron('0 6 1 * *')).toEqual({ cron: 'cron(0 6 1 * ? *)' });
    expect(awsCron('0 6 * * 0,6')).toEqual({ cron: 'cron(0 6 ? * 1,7 *)' });
    expect(awsCron('0 6 * * MON-FRI')).toEqual({ cron: 'cron(0 6 ? * MON-FRI *)' });
    expect(awsCron('0 6 * * 5L')).toEqual({ cron: 'cron(0 6 ? * 6L *)' });
    expect(awsCron('@daily')).toEqual({ cron: 'cron(0 0 * * ? *)' });
    expect(awsCron('*/5 * * * 1/2')).toMatchObject({ problem: expect.stringMatching(/step/) });
    expect(awsCron('61 * * * *')).toMatchObject({ problem: expect.stringMatching(/schedule:/) });
  });

  it('the validator catches a wrong trigger (so the checks above can fail)', () => {
    const b = withOrchestration();
    const broken = {
      ...b,
      CreateTrigger: [{ ...b.CreateTrigger[0], EventBatchingCondition: { BatchWindow: 10 } }],
    };
    expect(validate(broken)['CreateTrigger[0]']).toMatch(/BatchSize/);
  });
});
