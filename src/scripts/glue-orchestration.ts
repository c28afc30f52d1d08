/**
 * The app's crawlers, custom classifiers, triggers and workflows as Glue API inputs
 * (CreateCrawler, CreateClassifier, CreateTrigger, CreateWorkflow). What Glue's API has no field
 * for is said in `notes`, never dropped silently.
 */
import type { Crawler, CrawlerSource, CsvClassifier } from '../catalog';
import type { Trigger, TriggerAction, TriggerCondition, Workflow } from '../scheduler';
import { awsCron } from './aws-cron';

/** Glue's names for jobs: letters, digits, `_` and `-` (the console refuses much else). */
export const glueName = (s: string) =>
  s.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'job';

/** The app's saved orchestration a bundle may carry, as its stores hold it. */
export interface GlueOrchestration {
  triggers: readonly Trigger[];
  workflows: readonly Workflow[];
  crawlers: readonly Crawler[];
  classifiers: readonly CsvClassifier[];
}

export type GlueInput = Record<string, unknown>;

/** Glue's CustomDatatypes names for the classifier types DuckDB names. */
const GLUE_DATATYPES: Record<string, string | undefined> = {
  BOOLEAN: 'BOOLEAN',
  BIGINT: 'LONG',
  DOUBLE: 'DOUBLE',
  DATE: 'DATE',
  TIMESTAMP: 'TIMESTAMP',
  VARCHAR: 'STRING',
};

/** A custom CSV classifier as CreateClassifier's input. */
export function classifierInput(c: CsvClassifier, note: (m: string) => void): GlueInput {
  const about = `classifier "${c.name}"`;
  const types = c.customDatatypes.flatMap((t) => {
    const g = GLUE_DATATYPES[t];
    if (!g) note(`${about}: Glue's CustomDatatypes have no ${t}; left out (read as STRING)`);
    return g ? [g] : [];
  });
  if (c.quote === '')
    note(
      `${about}: Glue's QuoteSymbol cannot be "none"; written as '"' — files that hold '"' read differently`,
    );
  if (c.escape !== '' && c.escape !== c.quote)
    note(
      `${about}: Glue's CsvClassifier has no escape character (${JSON.stringify(c.escape)}); quotes are doubled there`,
    );
  if (c.decimalSeparator !== '.')
    note(`${about}: Glue's CsvClassifier has no decimal comma; such numbers are read as STRING`);
  if (c.dateFormat !== '' || c.timestampFormat !== '')
    note(
      `${about}: Glue's CsvClassifier has no date or timestamp format (${[c.dateFormat, c.timestampFormat].filter((f) => f).join(', ')}); Glue detects them`,
    );
  if (c.nullValues.length > 0)
    note(
      `${about}: Glue's CsvClassifier has no NULL texts (${c.nullValues.join(', ')}); set serialization.null.format on the tables`,
    );
  if (c.encoding !== 'auto' && c.encoding !== 'utf-8')
    note(`${about}: Glue's CsvClassifier reads UTF-8; files in ${c.encoding} must be converted`);
  return {
    CsvClassifier: {
      Name: c.name,
      Delimiter: c.delimiter,
      QuoteSymbol: c.quote === '' ? '"' : c.quote,
      ContainsHeader: c.header,
      ...(c.columnNames.length > 0 ? { Header: [...c.columnNames] } : {}),
      // The tab reads values as they are (DuckDB trims nothing unquoted).
      DisableValueTrimming: true,
      AllowSingleColumn: c.allowSingleColumn,
      ...(types.length > 0 ? { CustomDatatypeConfigured: true, CustomDatatypes: types } : {}),
    },
  };
}

/** Where Glue crawls a source: its S3 prefix, or a folder under the bundle's prefix to upload to. */
function s3PathOf(
  crawler: Crawler,
  s: CrawlerSource,
  dataPrefix: string,
  note: (m: string) => void,
): string {
  if (s.kind === 'url' && s.url.startsWith('s3://')) return s.url;
  // Crawled with the user's credentials: the crawler's own S3 place.
  if (s.kind === 's3-prefix') return `s3://${s.bucket}/${s.prefix}`;
  if (s.kind === 's3-list') {
    // A presigned ListObjectsV2 URL names its bucket (virtual-hosted or path style) and prefix.
    try {
      const u = new URL(s.listUrl);
      const hosted = /^([^.]+)\.s3[.-]/.exec(u.hostname);
      const bucket = hosted ? hosted[1]! : u.pathname.split('/')[1]!;
      const prefix = u.searchParams.get('prefix') ?? '';
      return `s3://${bucket}/${prefix}`;
    } catch {
      /* fall through to the upload folder */
    }
  }
  const name = s.kind === 'directory' || s.kind === 's3-list' ? s.name : s.path;
  const path = `${dataPrefix}/${glueName(crawler.name)}/${name.replace(/^\/+/, '')}`;
  note(
    `crawler "${crawler.name}": ${JSON.stringify(name)} is read from this browser; Glue crawls S3 only — upload it to ${path}`,
  );
  return path;
}

/** A saved crawler as CreateCrawler's input. */
export function crawlerInput(
  c: Crawler,
  role: string,
  dataPrefix: string,
  note: (m: string) => void,
): GlueInput {
  const about = `crawler "${c.name}"`;
  let policy = {
    UpdateBehavior: c.schemaChangePolicy.update,
    DeleteBehavior: c.schemaChangePolicy.delete,
  };
  if (
    c.recrawlPolicy === 'CRAWL_NEW_FOLDERS_ONLY' &&
    (policy.UpdateBehavior !== 'LOG' || policy.DeleteBehavior !== 'LOG')
  ) {
    note(
      `${about}: Glue crawls new folders only with the schema-change policy LOG/LOG; ` +
        `${policy.UpdateBehavior}/${policy.DeleteBehavior} is written as LOG/LOG`,
    );
    policy = { UpdateBehavior: 'LOG', DeleteBehavior: 'LOG' };
  }
  let sampleSize = c.sampleSize;
  if (sampleSize !== undefined && (sampleSize < 1 || sampleSize > 249)) {
    note(`${about}: Glue samples 1–249 files per folder, not ${sampleSize}; every file is crawled`);
    sampleSize = undefined;
  }
  if (c.keepCopies)
    note(`${about}: "keep copies of dropped files" is the tab's own; S3 keeps the files in Glue`);
  const paths = [...new Set(c.sources.map((s) => s3PathOf(c, s, dataPrefix, note)))];
  const configuration: Record<string, unknown> = {
    Version: 1.0,
    Grouping: { TableGroupingPolicy: 'CombineCompatibleSchemas' },
  };
  if (c.tableThreshold !== undefined)
    configuration.CrawlerOutput = { Tables: { TableThreshold: c.tableThreshold } };
  return {
    Name: c.name,
    Role: role,
    DatabaseName: c.database,
    ...(c.description ? { Description: c.description } : {}),
    Targets: {
      S3Targets: paths.map((p) => ({
        Path: p.endsWith('/') ? p : `${p}/`,
        ...(c.exclusions.length > 0 ? { Exclusions: [...c.exclusions] } : {}),
        ...(sampleSize !== undefined ? { SampleSize: sampleSize } : {}),
      })),
    },
    ...(c.classifiers.length > 0 ? { Classifiers: [...c.classifiers] } : {}),
    ...(c.tablePrefix ? { TablePrefix: c.tablePrefix } : {}),
    SchemaChangePolicy: policy,
    RecrawlPolicy: { RecrawlBehavior: c.recrawlPolicy },
    Configuration: JSON.stringify(configuration),
  };
}

function actionInput(a: TriggerAction): GlueInput {
  if (a.kind === 'crawler') return { CrawlerName: a.crawlerName };
  const args = Object.fromEntries(
    Object.entries(a.arguments).map(([k, v]) => [k.startsWith('--') ? k : `--${k}`, v]),
  );
  return {
    JobName: glueName(a.jobName),
    ...(Object.keys(args).length > 0 ? { Arguments: args } : {}),
    ...(a.timeoutMinutes !== undefined ? { Timeout: a.timeoutMinutes } : {}),
  };
}

function conditionInput(c: TriggerCondition): GlueInput {
  return c.kind === 'job'
    ? { LogicalOperator: 'EQUALS', JobName: glueName(c.jobName), State: c.state }
    : { LogicalOperator: 'EQUALS', CrawlerName: c.crawlerName, CrawlState: c.state };
}

const isUtc = (zone: string) => ['UTC', 'Etc/UTC', 'GMT', 'Etc/GMT'].includes(zone);

/**
 * A trigger as CreateTrigger's input, or null when Glue cannot run it (`note` says why).
 * `eventWorkflow` names the workflow an EVENT trigger outside any workflow is put into.
 */
export function triggerInput(
  t: Trigger,
  eventWorkflow: string,
  note: (m: string) => void,
): GlueInput | null {
  const about = `trigger "${t.name}"`;
  const base: GlueInput = {
    Name: t.name,
    ...(t.workflowName ? { WorkflowName: t.workflowName } : {}),
    ...(t.description ? { Description: t.description } : {}),
    Actions: t.actions.map(actionInput),
  };
  switch (t.kind) {
    case 'ON_DEMAND':
      return { ...base, Type: 'ON_DEMAND' };
    case 'SCHEDULED': {
      const c = awsCron(t.schedule);
      if ('problem' in c) {
        note(`${about} is left out: ${c.problem}`);
        return null;
      }
      if (!isUtc(t.timeZone))
        note(
          `${about}: Glue reads schedules in UTC; "${t.schedule}" reads in ${t.timeZone} here — ` +
            `written as ${c.cron} UTC, shift its hours by hand (the offset moves with daylight saving)`,
        );
      if (t.missedRuns !== 'skip')
        note(
          `${about}: the missed-run policy (${t.missedRuns}) is the tab's own; Glue never sleeps`,
        );
      return {
        ...base,
        Type: 'SCHEDULED',
        Schedule: c.cron,
        ...(t.activated ? { StartOnCreation: true } : {}),
      };
    }
    case 'CONDITIONAL':
      return {
        ...base,
        Type: 'CONDITIONAL',
        Predicate: {
          Logical: t.predicate.logical === 'ALL' ? 'AND' : 'ANY',
          Conditions: t.predicate.conditions.map(conditionInput),
        },
        ...(t.activated ? { StartOnCreation: true } : {}),
      };
    case 'EVENT': {
      note(
        `${about}: Glue starts EVENT triggers on Amazon EventBridge events, not by listing ` +
          `${t.source.label} every ${t.pollSeconds} s — add an EventBridge rule for S3 "Object Created" ` +
          `events of that prefix with the workflow "${t.workflowName ?? eventWorkflow}" as its target`,
      );
      if (!t.workflowName)
        note(`${about}: Glue runs EVENT triggers only in a workflow; it starts "${eventWorkflow}"`);
      return {
        ...base,
        WorkflowName: t.workflowName ?? eventWorkflow,
        Type: 'EVENT',
        EventBatchingCondition: {
          BatchSize: t.batching.batchSize,
          BatchWindow: t.batching.windowSeconds,
        },
      };
    }
  }
}

/** A workflow as CreateWorkflow's input. */
export function workflowInput(w: Workflow): GlueInput {
  return {
    Name: w.name,
    ...(w.description ? { Description: w.description } : {}),
    ...(Object.keys(w.defaultRunProperties).length > 0
      ? { DefaultRunProperties: { ...w.defaultRunProperties } }
      : {}),
    ...(w.maxConcurrentRuns !== undefined ? { MaxConcurrentRuns: w.maxConcurrentRuns } : {}),
  };
}

/** Job and crawler names a trigger starts or watches. */
function namesOf(t: Trigger): { jobs: string[]; crawlers: string[] } {
  const jobs: string[] = [];
  const crawlers: string[] = [];
  for (const a of t.actions)
    (a.kind === 'job' ? jobs : crawlers).push(a.kind === 'job' ? a.jobName : a.crawlerName);
  if (t.kind === 'CONDITIONAL')
    for (const c of t.predicate.conditions)
      (c.kind === 'job' ? jobs : crawlers).push(c.kind === 'job' ? c.jobName : c.crawlerName);
  return { jobs, crawlers };
}

/**
 * What of the app's orchestration belongs with job `jobName`: the triggers that start or watch
 * it, every trigger of their workflows (a workflow is its triggers' graph), those workflows, the
 * crawlers any of them start or watch, and the custom classifiers those crawlers list.
 */
export function orchestrationOf(
  jobName: string,
  o: GlueOrchestration,
  note: (m: string) => void,
): {
  triggers: Trigger[];
  workflows: Workflow[];
  crawlers: Crawler[];
  classifiers: CsvClassifier[];
} {
  const direct = o.triggers.filter((t) => namesOf(t).jobs.includes(jobName));
  const flowNames = new Set(direct.flatMap((t) => (t.workflowName ? [t.workflowName] : [])));
  const triggers = o.triggers.filter(
    (t) => direct.includes(t) || (t.workflowName !== undefined && flowNames.has(t.workflowName)),
  );
  const workflows = o.workflows.filter((w) => flowNames.has(w.name));
  for (const f of flowNames)
    if (!workflows.some((w) => w.name === f))
      note(`workflow "${f}" is named by a trigger but not saved; written with Glue's defaults`);
  const crawlerNames = new Set(triggers.flatMap((t) => namesOf(t).crawlers));
  const crawlers = o.crawlers.filter((c) => crawlerNames.has(c.name));
  for (const n of crawlerNames)
    if (!crawlers.some((c) => c.name === n))
      note(`crawler "${n}" is named by a trigger but not saved here; create it in Glue first`);
  const otherJobs = new Set(triggers.flatMap((t) => namesOf(t).jobs).filter((n) => n !== jobName));
  for (const j of otherJobs)
    note(
      `job "${j}" is named by a trigger but is not in this bundle; export it too (as ${glueName(j)})`,
    );
  const classifierNames = new Set(crawlers.flatMap((c) => c.classifiers));
  const classifiers = o.classifiers.filter((c) => classifierNames.has(c.name));
  for (const n of classifierNames)
    if (!classifiers.some((c) => c.name === n))
      note(
        `classifier "${n}" is listed by a crawler but no longer saved; Glue will refuse the crawler until it exists`,
      );
  return { triggers, workflows, crawlers, classifiers };
}
