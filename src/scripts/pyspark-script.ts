/**
 * A job as an AWS Glue job script (Glue 5: Spark 3.5, Python 3.11) in Glue Studio's shape —
 * GlueContext, getResolvedOptions, one DynamicFrame per node with its transformation_ctx,
 * job.commit() — that runs unchanged on plain Spark through the adapter at its top.
 */
import type { CsvDialect } from '../core/csv/dialect';
import {
  analyzeJob,
  compileJob,
  nodeLabel,
  type Job,
  type JobNode,
  type NodeColumn,
  type NodeId,
  type SourceTable,
  type TargetWriteFormat,
} from '../jobs';
import { DEFAULT_ROW_GROUP_SIZE, s3KeyPrefix } from '../jobs';
import { PYSPARK_ADAPTER } from './pyspark-prologue';
import { filterPy, transformLines } from './pyspark-nodes';
import { py, pyDict, pyList, pyName } from './python-text';
import {
  scriptBaseName,
  scriptTable,
  type GeneratedScript,
  type ScriptContext,
  type ScriptFlag,
  type ScriptTable,
} from './script-model';
import { sparkIdent, sparkType } from './spark-types';
import { sparkTimePattern } from './time-patterns';

/** The job parameter naming the folder (or s3:// prefix) targets write under. */
export const OUTPUT_PARAMETER = 'output_path';

const ENCODINGS: Record<string, string> = {
  'utf-8': 'UTF-8',
  'utf-16': 'UTF-16',
  'latin-1': 'ISO-8859-1',
};

/** Spark's CSV reader options for a dialect, and what it cannot read exactly. */
function csvOptions(d: CsvDialect, badRows: string, flag: (m: string) => void): [string, string][] {
  const o: [string, string][] = [
    ['header', d.header ? 'True' : 'False'],
    ['sep', py(d.delimiter)],
    ['quote', py(d.quote)],
    // No escape character: NUL, which no text holds (Spark's default would be a backslash).
    ['escape', py(d.escape === '' ? '\u0000' : d.escape)],
    ['encoding', py(ENCODINGS[d.encoding] ?? d.encoding)],
    ['multiLine', 'True'],
    [
      'mode',
      py(badRows === 'skip' ? 'DROPMALFORMED' : badRows === 'pad' ? 'PERMISSIVE' : 'FAILFAST'),
    ],
  ];
  if (d.decimalSeparator !== '.')
    flag('Spark’s CSV reader has no decimal comma: numbers with "," decimals would be read wrong');
  if (d.nullValues !== undefined) {
    if (d.nullValues.length > 1)
      flag(
        `Spark’s CSV reader takes one NULL text, not ${d.nullValues.length} (${d.nullValues.join(', ')})`,
      );
    o.push(['nullValue', py(d.nullValues[0] ?? '')]);
  }
  for (const [key, pattern] of [
    ['dateFormat', d.dateFormat],
    ['timestampFormat', d.timestampFormat],
  ] as const) {
    if (!pattern) continue;
    const p = sparkTimePattern(pattern);
    if (p instanceof Error) flag(p.message);
    else o.push([key, py(p)]);
  }
  return o;
}

/** `` `id` bigint, `first name` string ``: a schema for Spark's readers. */
function ddl(
  columns: readonly { name: string; type: string }[],
  flag: (m: string) => void,
): string {
  return columns
    .map((c) => {
      try {
        return `${sparkIdent(c.name)} ${sparkType(c.type)}`;
      } catch (e) {
        flag(
          `column ${JSON.stringify(c.name)}: ${e instanceof Error ? e.message.replace(/^scripts: /, '') : String(e)}`,
        );
        return `${sparkIdent(c.name)} string`;
      }
    })
    .join(', ');
}

function localCatalogEntry(t: ScriptTable, flag: (m: string) => void): string {
  const all = [...t.columns, ...t.partitionKeys];
  const pairs: [string, string][] = [
    ['format', py(t.classification)],
    ['location', py(t.location)],
    ['schema', py(ddl(all, flag))],
    ['columns', pyList(all.map((c) => py(c.name)))],
  ];
  if (t.classification === 'csv' && t.dialect)
    pairs.push([
      'options',
      `dict(${csvOptions(t.dialect, 'error', flag)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')})`,
    ]);
  return `    ${py(`${t.database}.${t.name}`)}: ${pyDict(pairs)},`;
}

/** DuckDB types whose text Spark writes otherwise (nested values). */
const NESTED_TYPE = /^(STRUCT|MAP|UNION)\(|\[\d*\]$/;

function writeLines(
  name: string,
  input: string,
  format: TargetWriteFormat,
  path: string,
  keys: readonly string[],
  columns: readonly NodeColumn[] | null,
  flag: (m: string) => void,
  /** An S3 target's `s3://bucket/prefix/`: written there, not under the output argument. */
  s3Path?: string,
): string[] {
  const where = s3Path ? py(s3Path) : `args[${py(OUTPUT_PARAMETER)}] + ${py('/' + path)}`;
  if (format.kind !== 'parquet') {
    // Text: Spark's writer with the options that make the tab's text (see _write_text).
    if (format.kind === 'csv')
      for (const c of columns ?? [])
        if (c.type && NESTED_TYPE.test(c.type))
          flag(
            `column ${JSON.stringify(c.name)} (${c.type}): Spark writes nested values into CSV as ` +
              "its own text (e.g. {1, a}), not DuckDB’s ({'id': 1, …}) as the tab does",
          );
    const options: [string, string][] =
      format.kind === 'csv'
        ? [
            ['sep', py(format.delimiter)],
            ['quote', py(format.quote)],
            ['header', format.header ? 'True' : 'False'],
            ['compression', py(format.compression)],
          ]
        : [['compression', py(format.compression)]];
    return [
      `${name} = _write_text(${input}, ${py(format.kind === 'csv' ? 'csv' : 'json')}, ${where}, ${pyList(keys.map(py))}, ${pyDict(options)}, transformation_ctx=${py(name)})`,
    ];
  }
  const conn: [string, string][] = [
    ['path', where],
    ['partitionKeys', pyList(keys.map(py))],
  ];
  const options: [string, string][] = [
    ['compression', py(format.compression === 'none' ? 'uncompressed' : format.compression)],
  ];
  if (format.rowGroupSize !== DEFAULT_ROW_GROUP_SIZE)
    flag(`Spark sizes row groups in bytes, not ${format.rowGroupSize} rows`);
  return [
    `${name} = glueContext.write_dynamic_frame.from_options(`,
    `    frame=${input},`,
    `    connection_type="s3",`,
    `    format="parquet",`,
    `    connection_options=${pyDict(conn)},`,
    `    format_options=${pyDict(options)},`,
    `    transformation_ctx=${py(name)},`,
    ')',
  ];
}

/** The PySpark script of `job`. Throws the compiler's JobError when the job does not compile. */
export function pysparkScript(job: Job, ctx: ScriptContext): GeneratedScript {
  const tables: SourceTable[] = ctx.tables.map((t) => ({
    database: t.database,
    name: t.name,
    columns: t.columns,
    partitionKeys: t.partitionKeys,
    partitions: [],
  }));
  // A job that does not compile for the tab has no script either: its JobError says why.
  compileJob(job, { tables, schemas: ctx.schemas, facts: ctx.facts });
  const a = analyzeJob(job, { tables, schemas: ctx.schemas, facts: ctx.facts });
  const flags: ScriptFlag[] = [];
  const jobFlag = (message: string) => flags.push({ message });
  const columnsOf = (id: NodeId): readonly NodeColumn[] | null =>
    ctx.schemas?.get(id) ?? a.built.get(id)?.columns ?? null;
  const names = new Map<NodeId, string>();
  a.order.forEach((id, i) => names.set(id, pyName(a.nodes.get(id)!.name, i + 1)));

  const defaults: [string, string][] = job.parameters.map((p) => [p.name, py(p.value)]);
  defaults.push([OUTPUT_PARAMETER, py(ctx.output ?? 's3://your-bucket/output')]);
  const used: ScriptTable[] = [];
  const body: string[] = [];
  const end: string[] = [];
  for (const id of a.order) {
    const node = a.nodes.get(id)! as JobNode;
    const name = names.get(id)!;
    const flag = (message: string) =>
      flags.push({ nodeId: id, message: `${nodeLabel(node)}: ${message}`, detail: message });
    const inputs = job.edges
      .filter((e) => e.to === id)
      .sort((x, y) => x.port - y.port)
      .map((e) => e.from);
    body.push('', `# Script generated for node ${nodeLabel(node)}`);
    if (node.kind === 'catalog-source') {
      const t = scriptTable(ctx, node.options.database, node.options.table);
      if (!t) {
        flag('its table is not in the catalog');
        continue;
      }
      if (!used.includes(t)) used.push(t);
      for (const p of t.problems ?? []) flag(p);
      const args = [`database=${py(t.database)}`, `table_name=${py(t.name)}`];
      if (node.options.partitionPredicate) {
        const keys = t.partitionKeys.map((k) => ({ name: k.name, type: k.type }));
        args.push(
          `push_down_predicate=${filterPy(node.options.partitionPredicate, keys, { flag })}`,
        );
      }
      args.push(`transformation_ctx=${py(name)}`);
      body.push(`${name} = glueContext.create_dynamic_frame.from_catalog(${args.join(', ')})`);
    } else if (node.kind === 'file-source') {
      const param = `file_${scriptBaseName(node.options.path)}`;
      if (!defaults.some(([n]) => n === param))
        defaults.push([param, py(ctx.files?.[node.options.path] ?? node.options.path)]);
      const opts = csvOptions(node.options.dialect, node.options.badRows ?? 'error', flag);
      body.push(
        `df = spark.read.schema(${py(ddl(node.options.columns, flag))}).options(${opts.map(([k, v]) => `${k}=${v}`).join(', ')}).csv(args[${py(param)}])`,
        `${name} = DynamicFrame.fromDF(df, glueContext, ${py(name)})`,
      );
    } else if (node.kind === 'target') {
      const { format, partitionKeys, path, destination, s3 } = node.options;
      const write = (
        format.kind === 'parquet'
          ? {
              kind: 'parquet',
              compression: format.compression ?? 'zstd',
              rowGroupSize: format.rowGroupSize ?? DEFAULT_ROW_GROUP_SIZE,
            }
          : format.kind === 'csv'
            ? {
                kind: 'csv',
                delimiter: format.delimiter ?? ',',
                quote: format.quote ?? '"',
                header: format.header ?? true,
                compression: format.compression ?? 'none',
              }
            : { kind: 'ndjson', compression: format.compression ?? 'none' }
      ) as TargetWriteFormat;
      body.push(
        ...writeLines(
          name,
          names.get(inputs[0]!)!,
          write,
          path ?? node.name,
          partitionKeys,
          columnsOf(inputs[0]!),
          flag,
          destination === 's3' && s3 ? `s3://${s3.bucket}/${s3KeyPrefix(s3.prefix)}` : undefined,
        ),
      );
    } else {
      const lines = transformLines(node, {
        name,
        inputs: inputs.map((i) => names.get(i)!),
        inputIds: inputs,
        inputColumns: inputs.map(columnsOf),
        columns: columnsOf(id),
        pivotValues: ctx.facts?.get(id)?.pivotValues,
        flag,
        atEnd: (lines) => end.push('', `# After writing: ${nodeLabel(node)}`, ...lines),
      });
      body.push(...(lines ?? []));
    }
  }

  const catalog: string[] = [];
  for (const t of used) catalog.push(localCatalogEntry(t, jobFlag));
  const head = [
    `# Decant job ${JSON.stringify(job.name)} as an AWS Glue job script (Glue 5.0: Spark 3.5, Python 3.11).`,
    ...(job.description ? job.description.split('\n').map((l) => `# ${l}`) : []),
    '#',
    '# On AWS Glue: the sources are read from the Data Catalog; pass --output_path s3://… .',
    '# On plain Spark (local, EMR, Databricks), the adapter below stands in for Glue:',
    `#   spark-submit ${scriptBaseName(job.name)}.py --output_path /data/out --locations '{"db.table": "/data/table"}'`,
    '#',
    '# Parameters (--name value; defaults below):',
    ...defaults.map(([n, v]) => `#   --${n} ${v}`),
    ...(used.length > 0
      ? [
          '#',
          '# Sources:',
          ...used.map((t) => `#   ${t.database}.${t.name}: ${t.classification} at ${t.location}`),
        ]
      : []),
  ];
  if (flags.length > 0)
    head.push(
      '#',
      '# NOT THE SAME AS THE TAB — these nodes do not compute on Spark what they compute in Decant:',
      ...flags.map((f) => `#   ${f.message}`),
    );
  const text = [
    ...head,
    '',
    PYSPARK_ADAPTER,
    '# How the Data Catalog describes the sources: used only on plain Spark (Glue reads its catalog).',
    'LOCAL_CATALOG = {',
    ...catalog,
    '}',
    '',
    `args = _arguments(${pyDict(defaults)})`,
    'sc = SparkContext.getOrCreate()',
    'glueContext = GlueContext(sc)',
    'spark = glueContext.spark_session',
    '# Decant computes in UTC; timestamps are written as Parquet INT64 microseconds.',
    'spark.conf.set("spark.sql.session.timeZone", "UTC")',
    'spark.conf.set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")',
    'job = Job(glueContext)',
    `job.init(args.get("JOB_NAME", ${py(job.name)}), args)`,
    ...body,
    ...end,
    '',
    'job.commit()',
    '',
  ].join('\n');
  return { engine: 'pyspark', fileName: `${scriptBaseName(job.name)}.py`, text, flags };
}
