/**
 * "Export for AWS Glue": the API inputs a user would otherwise click together in the console —
 * CreateDatabase/CreateTable for the sources, CreateCrawler over their S3 folders, CreateJob
 * running the PySpark script, CreateWorkflow and CreateTrigger — as one JSON document, each
 * keyed by its operation's name with exactly that operation's input shape.
 */
import { tableInputFromTable, type CatalogTable, type GlueTableInput } from '../catalog';
import type { Job } from '../jobs';
import { OUTPUT_PARAMETER, pysparkScript } from './pyspark-script';
import { scriptTableOf } from './catalog-tables';
import { scriptBaseName, type ScriptContext } from './script-model';
import {
  classifierInput,
  crawlerInput,
  glueName,
  orchestrationOf,
  triggerInput,
  workflowInput,
  type GlueInput,
  type GlueOrchestration,
} from './glue-orchestration';

export interface GlueBundleOptions {
  /** e.g. `s3://my-bucket/decant`: the script goes under `scripts/`, temp files under `temp/`. */
  s3Prefix: string;
  /** The IAM role Glue assumes, e.g. `arn:aws:iam::123456789012:role/GlueJobRole`. */
  role: string;
  /** Where targets write (the job's --output_path). */
  outputPath: string;
  /** An AWS cron expression, e.g. `cron(0 6 * * ? *)`; absent: the trigger is ON_DEMAND. */
  schedule?: string;
  workerType?: 'G.1X' | 'G.2X' | 'G.4X' | 'G.8X';
  numberOfWorkers?: number;
  /**
   * The app's saved triggers, workflows, crawlers and classifiers: those that start or watch this
   * job (and their workflows' other triggers, the crawlers they name, those crawlers'
   * classifiers) join the bundle. Without any trigger for the job, one ON_DEMAND (or `schedule`)
   * trigger in a workflow of its own starts it.
   */
  orchestration?: GlueOrchestration;
}

export interface GlueBundle {
  formatVersion: 1;
  /** The script to upload to CreateJob's ScriptLocation. */
  script: { location: string; fileName: string; text: string };
  CreateDatabase: { DatabaseInput: { Name: string; Description?: string } }[];
  CreateTable: { DatabaseName: string; TableInput: GlueTableInput }[];
  CreateClassifier: GlueInput[];
  CreateCrawler: GlueInput[];
  CreateJob: GlueInput;
  CreateWorkflow: GlueInput[];
  CreateTrigger: GlueInput[];
  /** What the app has that Glue's API cannot express, or that needs a step by hand, in words. */
  notes: string[];
}

const BOOKMARK = {
  enable: 'job-bookmark-enable',
  disable: 'job-bookmark-disable',
  pause: 'job-bookmark-pause',
};

/** The deploy bundle of `job`, reading `tables` (the catalog tables its sources read). */
export function glueBundle(
  job: Job,
  tables: readonly CatalogTable[],
  ctx: ScriptContext,
  options: GlueBundleOptions,
): GlueBundle {
  const prefix = options.s3Prefix.replace(/\/+$/, '');
  const script = pysparkScript(job, { ...ctx, output: options.outputPath });
  const location = `${prefix}/scripts/${script.fileName}`;
  const name = glueName(job.name);
  const databases = [...new Set(tables.map((t) => t.database))];
  const s3Roots = tables.flatMap((t) => {
    const l = scriptTableOf(t).location;
    return l.startsWith('s3://') ? [{ table: t, path: l }] : [];
  });
  const args: Record<string, string> = {
    '--job-bookmark-option': BOOKMARK[job.bookmarks],
    '--TempDir': `${prefix}/temp/`,
    '--enable-metrics': 'true',
    '--enable-continuous-cloudwatch-log': 'true',
    [`--${OUTPUT_PARAMETER}`]: options.outputPath,
  };
  for (const p of job.parameters) args[`--${p.name}`] = p.value;
  const notes: string[] = [];
  const note = (m: string) => {
    if (!notes.includes(m)) notes.push(m);
  };
  const sourceCrawlers: GlueInput[] =
    s3Roots.length === 0
      ? []
      : databases
          .filter((d) => s3Roots.some((r) => r.table.database === d))
          .map((d) => ({
            Name: `${name}-${glueName(d)}-sources`,
            Role: options.role,
            DatabaseName: d,
            Description: `Keeps the tables job ${job.name} reads up to date.`,
            Targets: {
              S3Targets: s3Roots
                .filter((r) => r.table.database === d)
                .map((r) => ({ Path: `${r.path}/`, Exclusions: ['**/_SUCCESS', '**/.*'] })),
            },
            SchemaChangePolicy: { UpdateBehavior: 'UPDATE_IN_DATABASE', DeleteBehavior: 'LOG' },
            RecrawlPolicy: { RecrawlBehavior: 'CRAWL_EVERYTHING' },
            Configuration: JSON.stringify({
              Version: 1.0,
              Grouping: { TableGroupingPolicy: 'CombineCompatibleSchemas' },
            }),
          }));
  const o = orchestrationOf(
    job.name,
    options.orchestration ?? { triggers: [], workflows: [], crawlers: [], classifiers: [] },
    note,
  );
  const ownWorkflow = `${name}-workflow`;
  let triggers: GlueInput[] = o.triggers.flatMap((t) => {
    const input = triggerInput(t, ownWorkflow, note);
    return input ? [input] : [];
  });
  const workflows = o.workflows.map(workflowInput);
  if (triggers.length === 0)
    triggers = [
      {
        Name: `${name}-${options.schedule ? 'schedule' : 'start'}`,
        WorkflowName: ownWorkflow,
        Type: options.schedule ? 'SCHEDULED' : 'ON_DEMAND',
        ...(options.schedule ? { Schedule: options.schedule, StartOnCreation: true } : {}),
        Actions: [{ JobName: name, Timeout: job.timeoutMinutes }],
      },
    ];
  // Workflows the triggers name that are not saved (or made for an EVENT trigger): Glue's defaults.
  for (const t of triggers) {
    const w = t.WorkflowName as string | undefined;
    if (w && !workflows.some((x) => x.Name === w))
      workflows.push(w === ownWorkflow ? { Name: w, MaxConcurrentRuns: 1 } : { Name: w });
  }
  const crawlers = [
    ...sourceCrawlers,
    ...o.crawlers.map((c) => crawlerInput(c, options.role, `${prefix}/data`, note)),
  ];
  return {
    formatVersion: 1,
    script: { location, fileName: script.fileName, text: script.text },
    CreateDatabase: [...new Set([...databases, ...o.crawlers.map((c) => c.database)])].map((d) => ({
      DatabaseInput: { Name: d },
    })),
    CreateTable: tables.map((t) => {
      const l = scriptTableOf(t).location;
      return {
        DatabaseName: t.database,
        TableInput: tableInputFromTable(t, l.startsWith('s3://') ? `${l}/` : undefined),
      };
    }),
    CreateClassifier: o.classifiers.map((c) => classifierInput(c, note)),
    CreateCrawler: crawlers,
    CreateJob: {
      Name: name,
      ...(job.description ? { Description: job.description } : {}),
      Role: options.role,
      Command: { Name: 'glueetl', ScriptLocation: location, PythonVersion: '3' },
      DefaultArguments: args,
      ExecutionProperty: { MaxConcurrentRuns: 1 },
      MaxRetries: job.maxRetries,
      Timeout: job.timeoutMinutes,
      GlueVersion: '5.0',
      WorkerType: options.workerType ?? 'G.1X',
      NumberOfWorkers: options.numberOfWorkers ?? 2,
    },
    CreateWorkflow: workflows,
    CreateTrigger: triggers,
    notes: [...script.flags.map((f) => `script: ${f.message}`), ...notes],
  };
}

/** The bundle's file name: `daily_sales.glue.json`. */
export const glueBundleName = (job: Job) => `${scriptBaseName(job.name)}.glue.json`;
