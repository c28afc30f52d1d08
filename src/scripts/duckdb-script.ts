/**
 * A job as one SQL script for the native DuckDB CLI (`duckdb < job.sql`): each catalog source
 * read from its files with the catalog's own settings, parameters and locations as variables at
 * the top, every target written by COPY. The transforms are the tab's own compiled SQL: the
 * same engine, so the same answers.
 */
import { readCsvSql } from '../core/sql/read-csv';
import { quoteIdent, quoteLiteral, structLiteral } from '../core/sql/quote';
import { compileJob, nodeLabel, type CompiledTarget, type Job, type SourceTable } from '../jobs';
import { outputExtension } from '../jobs';
import { placeholdersOf, replaceSentinels, type Placeholder } from './placeholders';
import {
  scriptBaseName,
  type GeneratedScript,
  type ScriptContext,
  type ScriptFlag,
  type ScriptTable,
} from './script-model';

/** The variable holding a table's location: `location:shop.sales`. */
export const locationVariable = (t: Pick<ScriptTable, 'database' | 'name'>) =>
  `location:${t.database}.${t.name}`;

/** The variable holding a dropped file's path: `file:skus.csv`. */
export const fileVariable = (registered: string) => `file:${registered}`;

/** The variable naming the folder targets write under. */
export const OUTPUT_VARIABLE = 'output';

/** `-- ` before every line of `text`. */
const comment = (text: string) =>
  text
    .split('\n')
    .map((l) => `-- ${l}`.trimEnd())
    .join('\n');

/** `SET VARIABLE "name" = 'value';` */
const setVariable = (name: string, value: string) =>
  `SET VARIABLE ${quoteIdent(name)} = ${quoteLiteral(value)};`;

/** The SELECT reading a table's files: data columns, then partition keys, as the catalog says. */
export function readTableSql(t: ScriptTable, path: string): string {
  const hive =
    t.partitionKeys.length > 0
      ? `hive_partitioning=true, hive_types=${structLiteral(t.partitionKeys.map((k) => [k.name, k.type] as const))}`
      : 'hive_partitioning=false';
  const keys = t.partitionKeys.map((k) => quoteIdent(k.name));
  let scan: string;
  let data = t.columns.map((c) => quoteIdent(c.name));
  if (t.classification === 'csv') {
    if (!t.dialect) throw new Error(`scripts: CSV table ${t.database}.${t.name} has no dialect`);
    scan = readCsvSql(path, t.dialect, t.columns).replace(/\)$/, `, ${hive})`);
  } else if (t.classification === 'json') {
    const columns = structLiteral(t.columns.map((c) => [c.name, c.type] as const));
    scan = `read_json(${quoteLiteral(path)}, format='auto', columns=${columns}, ${hive})`;
  } else {
    // Parquet carries its own types; the catalog's are applied, as the tab's reader does.
    scan = `read_parquet(${quoteLiteral(path)}, union_by_name=true, ${hive})`;
    data = t.columns.map(
      (c) => `CAST(${quoteIdent(c.name)} AS ${c.type}) AS ${quoteIdent(c.name)}`,
    );
  }
  return `SELECT ${[...data, ...keys].join(', ')} FROM ${scan}`;
}

/** Where a target writes, under the output variable: a file, or a folder of `key=value` folders. */
export function targetOutput(t: CompiledTarget): string {
  return t.write.partitionKeys.length > 0
    ? t.write.path
    : t.write.path + outputExtension(t.write.format);
}

/**
 * An S3 target's `s3://` path: its prefix (partition folders go under it), or one file in it
 * (`part-00000.parquet`, as the tab's files sit in the prefix); null for other targets.
 */
export function s3Output(t: CompiledTarget): string | null {
  const s3 = t.write.s3;
  if (t.write.destination !== 's3' || !s3) return null;
  const folder = `s3://${s3.bucket}/${s3.prefix}`;
  return t.write.partitionKeys.length > 0
    ? folder.replace(/\/$/, '')
    : `${folder}part-00000${outputExtension(t.write.format)}`;
}

/** How native DuckDB writes to S3 (httpfs, a secret): comment lines, when a target does. */
function s3Note(targets: readonly CompiledTarget[]): string[] {
  const s3 = targets.find((t) => t.write.s3)?.write.s3;
  if (!s3) return [];
  const endpoint = s3.endpoint
    ? `, ENDPOINT ${quoteLiteral(s3.endpoint.replace(/^https?:\/\//, ''))}, URL_STYLE 'path'` +
      (s3.endpoint.startsWith('http:') ? ', USE_SSL false' : '')
    : '';
  return [
    "-- Amazon S3 targets are written through DuckDB's httpfs extension, signed with your AWS",
    '-- credentials (never in this script). Before running it, for example:',
    '--   INSTALL httpfs; LOAD httpfs;',
    `--   CREATE SECRET (TYPE s3, PROVIDER credential_chain, REGION ${quoteLiteral(s3.region)}${endpoint});`,
    '',
  ];
}

function copyOptions(t: CompiledTarget): string {
  const f = t.write.format;
  const opts: string[] = [];
  if (f.kind === 'parquet')
    opts.push(
      'FORMAT parquet',
      `COMPRESSION ${f.compression === 'none' ? 'uncompressed' : f.compression}`,
      `ROW_GROUP_SIZE ${f.rowGroupSize}`,
    );
  else if (f.kind === 'csv')
    opts.push(
      'FORMAT csv',
      `DELIMITER ${quoteLiteral(f.delimiter)}`,
      `QUOTE ${quoteLiteral(f.quote)}`,
      `HEADER ${f.header}`,
      `COMPRESSION ${f.compression}`,
    );
  else opts.push('FORMAT json', `COMPRESSION ${f.compression}`);
  if (t.write.partitionKeys.length > 0)
    opts.push(
      `PARTITION_BY (${t.write.partitionKeys.map(quoteIdent).join(', ')})`,
      'OVERWRITE_OR_IGNORE',
    );
  return opts.join(', ');
}

/**
 * The DuckDB script of `job`. Throws the compiler's JobError when the job does not compile
 * (the Script tab shows those issues on their nodes).
 */
export function duckdbScript(job: Job, ctx: ScriptContext): GeneratedScript {
  const params = job.parameters.map((p) => p.name);
  const usedTables = ctx.tables.filter((t) =>
    job.nodes.some(
      (n) =>
        n.kind === 'catalog-source' &&
        n.options.database === t.database &&
        n.options.table === t.name,
    ),
  );
  const fileSources = job.nodes.flatMap((n) => (n.kind === 'file-source' ? [n] : []));
  const files = [...new Set(fileSources.map((n) => n.options.path))];
  const placeholders: Placeholder[] = placeholdersOf([
    ...params.map((p) => `p:${p}`),
    ...usedTables.map((t) => `v:${locationVariable(t)}`),
    ...files.map((f) => `v:${fileVariable(f)}`),
  ]);
  const sentinel = (name: string) => placeholders.find((p) => p.name === name)!.sentinel;
  const tables: SourceTable[] = usedTables.map((t) => ({
    database: t.database,
    name: t.name,
    columns: t.columns,
    partitionKeys: t.partitionKeys,
    partitions: [],
    subset: {
      ref: `(${readTableSql(t, `${sentinel(`v:${locationVariable(t)}`)}/**/*${t.suffix}`)})`,
      files: [],
    },
  }));
  const withFiles: Job = {
    ...job,
    nodes: job.nodes.map((n) =>
      n.kind === 'file-source'
        ? { ...n, options: { ...n.options, path: sentinel(`v:${fileVariable(n.options.path)}`) } }
        : n,
    ),
  };
  const compiled = compileJob(withFiles, {
    tables,
    facts: ctx.facts,
    schemas: ctx.schemas,
    arguments: Object.fromEntries(params.map((p) => [p, sentinel(`p:${p}`)])),
  });
  const lookup = (name: string) => `getvariable(${quoteLiteral(name.slice(2))})`;
  const flags: ScriptFlag[] = [];
  for (const n of job.nodes) {
    if (n.kind !== 'catalog-source') continue;
    const t = usedTables.find(
      (u) => u.database === n.options.database && u.name === n.options.table,
    );
    for (const p of t?.problems ?? [])
      flags.push({ nodeId: n.id, message: `${nodeLabel(n)}: ${p}`, detail: p });
  }
  for (const n of job.nodes) {
    // Row-level outcome columns are the tab's own SQL, exact here; the rules' verdict is not.
    if (n.kind !== 'evaluate-data-quality' || n.options.onFailure === 'continue') continue;
    const p =
      'this script does not measure the rules, so it never fails the job ' +
      (n.options.onFailure === 'fail-before-write' ? 'before writing' : 'after writing');
    flags.push({ nodeId: n.id, message: `${nodeLabel(n)}: ${p}`, detail: p });
  }

  const head = [
    `Decant job ${JSON.stringify(job.name)} as a script for the native DuckDB CLI (1.1 or later):`,
    `  duckdb < ${scriptBaseName(job.name)}.sql`,
    ...(job.description ? ['', job.description] : []),
    '',
    'Edit the variables below (or SET VARIABLE them before `.read`ing this file):',
    '  parameters are the job arguments (--name value in Glue), read with getvariable(name);',
    '  each source is read from its location with the settings the Data Catalog holds;',
    `  targets write under the folder ${JSON.stringify(OUTPUT_VARIABLE)}.`,
  ];
  const pivots = job.nodes.filter(
    (n) => (n.kind === 'pivot' && !n.options.values) || n.kind === 'drop-null-fields',
  );
  if (pivots.length > 0)
    head.push(
      '',
      `Found in the data the tab had, and fixed in this script: ${pivots
        .map((n) =>
          n.kind === 'pivot'
            ? `${JSON.stringify(n.name)}'s pivot values`
            : `${JSON.stringify(n.name)}'s all-NULL columns`,
        )
        .join(', ')}.`,
    );
  if (flags.length > 0)
    head.push(
      '',
      'NOT THE SAME AS THE TAB — these nodes do not read here what they read in Decant:',
      ...flags.map((f) => `  ${f.message}`),
    );
  const lines = [comment(head.join('\n')), ''];
  if (params.length > 0) {
    lines.push('-- Parameters');
    for (const p of job.parameters) lines.push(setVariable(p.name, p.value));
    lines.push('');
  }
  if (usedTables.length > 0 || files.length > 0) {
    lines.push('-- Sources');
    for (const t of usedTables) {
      const what =
        t.classification === 'csv'
          ? `CSV (${t.dialect?.delimiter === '\t' ? 'tab' : JSON.stringify(t.dialect?.delimiter)}-separated)`
          : t.classification === 'json'
            ? 'JSON'
            : 'Parquet';
      const keys =
        t.partitionKeys.length > 0
          ? `, partitioned by ${t.partitionKeys.map((k) => k.name).join(', ')} (key=value folders)`
          : '';
      lines.push(`-- ${t.database}.${t.name}: ${what} files *${t.suffix}${keys}`);
      lines.push(setVariable(locationVariable(t), t.location));
    }
    for (const f of files) {
      lines.push(`-- Dropped file ${JSON.stringify(f)}`);
      lines.push(setVariable(fileVariable(f), ctx.files?.[f] ?? f));
    }
    lines.push('');
  }
  lines.push('-- Targets', setVariable(OUTPUT_VARIABLE, ctx.output ?? '.'), '');
  lines.push(...s3Note(compiled.targets));
  for (const t of compiled.targets) {
    const sql = replaceSentinels(t.sql, placeholders, lookup);
    const s3 = s3Output(t);
    const to =
      s3 !== null
        ? quoteLiteral(s3)
        : `(getvariable(${quoteLiteral(OUTPUT_VARIABLE)}) || ${quoteLiteral('/' + targetOutput(t))})`;
    lines.push(
      `-- Target ${JSON.stringify(t.name)}: ${t.write.format.kind} → ${s3 ?? targetOutput(t)}` +
        (t.write.partitionKeys.length > 0 ? '/ (key=value folders)' : ''),
      `COPY (\n${sql}\n) TO ${to} (${copyOptions(t)});`,
      '',
    );
  }
  return {
    engine: 'duckdb',
    fileName: `${scriptBaseName(job.name)}.sql`,
    text: lines.join('\n'),
    flags,
  };
}
