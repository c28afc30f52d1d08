/**
 * The catalog as AWS sees it: Glue `TableInput` JSON (what `glue:CreateTable` takes), a whole
 * catalog export document, and Athena `CREATE EXTERNAL TABLE` DDL. Pure functions of the model.
 */
import { quoteHiveIdent, quoteHiveLiteral } from '../core/sql/hive-quote';
import { athenaJsonWarning, type JsonLayout } from './json-layout';
import { canonicalDuckDbType, duckDbTypeToGlue, glueTypeToDuckDb } from './glue-types';
import type { CatalogColumn, CatalogDatabase, CatalogTable, TableParameters } from './model';

export { duckDbTypeToGlue, glueTypeToDuckDb } from './glue-types';

/** The export document's format version; planImport refuses documents newer than this. */
export const CATALOG_EXPORT_VERSION = 1;

export interface GlueColumn {
  Name: string;
  Type: string;
  Comment?: string;
  /** `decant.type` holds the DuckDB type when Glue's type would lose something (UBIGINT…). */
  Parameters?: Record<string, string>;
}

export interface GlueSerDeInfo {
  SerializationLibrary: string;
  Parameters: Record<string, string>;
}

export interface GlueStorageDescriptor {
  Columns: GlueColumn[];
  Location?: string;
  InputFormat: string;
  OutputFormat: string;
  Compressed: boolean;
  SerdeInfo: GlueSerDeInfo;
  Parameters: Record<string, string>;
}

export interface GlueTableInput {
  Name: string;
  Description?: string;
  TableType: 'EXTERNAL_TABLE';
  Parameters: Record<string, string>;
  StorageDescriptor: GlueStorageDescriptor;
  PartitionKeys: GlueColumn[];
}

export interface GlueDatabaseInput {
  Name: string;
  Description?: string;
}

export interface CatalogExportDocument {
  decantVersion: number;
  DatabaseList: GlueDatabaseInput[];
  TableList: { DatabaseName: string; TableInput: GlueTableInput }[];
}

/** Where a Glue/Athena table's files are, when the caller does not say: `parameters.location`. */
export const LOCATION_PARAMETER = 'location';
/** Column parameter that keeps a DuckDB type Glue's type cannot express exactly. */
export const DUCKDB_TYPE_PARAMETER = 'decant.type';

/** Decant parameter names that Glue's crawlers spell differently. */
export const GLUE_PARAMETER_NAMES: Record<string, string> = {
  sizeBytes: 'sizeKey',
  compression: 'compressionType',
};

const TEXT_INPUT = 'org.apache.hadoop.mapred.TextInputFormat';
const TEXT_OUTPUT = 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat';
export const SERDES = {
  parquet: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
  openCsv: 'org.apache.hadoop.hive.serde2.OpenCSVSerde',
  lazySimple: 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe',
  json: 'org.openx.data.jsonserde.JsonSerDe',
} as const;

/**
 * Glue's `TableInput` for `t`, ready for `aws glue create-table --table-input`. `location`
 * defaults to `t.parameters.location`; Location is left out when neither is set. CSV tables use
 * OpenCSVSerde when `parameters.quote` is set (fields are quoted), else LazySimpleSerDe.
 */
export function tableInputFromTable(t: CatalogTable, location?: string): GlueTableInput {
  const where = location ?? stringParameter(t.parameters, LOCATION_PARAMETER);
  const parameters = glueParameters(t);
  const storage = storageOf(t);
  return {
    Name: t.name,
    ...(t.description ? { Description: t.description } : {}),
    TableType: 'EXTERNAL_TABLE',
    Parameters: parameters,
    StorageDescriptor: {
      Columns: t.columns.map(glueColumn),
      ...(where ? { Location: where } : {}),
      InputFormat: storage.input,
      OutputFormat: storage.output,
      Compressed: !!t.parameters.compression && t.parameters.compression !== 'none',
      SerdeInfo: storage.serde,
      Parameters: { ...parameters },
    },
    PartitionKeys: t.partitionKeys.map(glueColumn),
  };
}

/** A whole-catalog (or any subset) export: Glue's DatabaseList/TableList shapes, plus our version. */
export function catalogExport(
  databases: readonly CatalogDatabase[],
  tables: readonly CatalogTable[],
): CatalogExportDocument {
  return {
    decantVersion: CATALOG_EXPORT_VERSION,
    DatabaseList: databases.map((d) => ({
      Name: d.name,
      ...(d.description ? { Description: d.description } : {}),
    })),
    TableList: tables.map((t) => ({
      DatabaseName: t.database,
      TableInput: tableInputFromTable(t),
    })),
  };
}

/**
 * Athena DDL for `t` reading from `location` (an `s3://` folder). Names are backquoted with
 * backquotes doubled; literals are Hive-escaped (see hive-quote.ts), so any name or comment is safe.
 * For a JSON table whose files Athena's SerDe cannot read (`jsonLayout`, see json-layout.ts), the
 * DDL opens with a comment saying so.
 */
export function athenaDdl(
  t: CatalogTable,
  location: string,
  options: { jsonLayout?: JsonLayout } = {},
): string {
  const input = tableInputFromTable(t, location);
  const sd = input.StorageDescriptor;
  const warning = t.classification === 'json' ? athenaJsonWarning(options.jsonLayout) : undefined;
  const lines = [
    ...(warning ? commentLines(`WARNING: ${warning}`) : []),
    `CREATE EXTERNAL TABLE ${quoteHiveIdent(t.database)}.${quoteHiveIdent(t.name)} (`,
    columnList(sd.Columns),
    ')',
  ];
  if (t.description) lines.push(`COMMENT ${quoteHiveLiteral(t.description)}`);
  if (input.PartitionKeys.length)
    lines.push('PARTITIONED BY (', columnList(input.PartitionKeys), ')');
  lines.push(`ROW FORMAT SERDE ${quoteHiveLiteral(sd.SerdeInfo.SerializationLibrary)}`);
  if (Object.keys(sd.SerdeInfo.Parameters).length)
    lines.push('WITH SERDEPROPERTIES (', propertyList(sd.SerdeInfo.Parameters), ')');
  lines.push(
    `STORED AS INPUTFORMAT ${quoteHiveLiteral(sd.InputFormat)}`,
    `OUTPUTFORMAT ${quoteHiveLiteral(sd.OutputFormat)}`,
    `LOCATION ${quoteHiveLiteral(location)}`,
    'TBLPROPERTIES (',
    propertyList(input.Parameters),
    ')',
  );
  return lines.join('\n');
}

/** `text` as `-- ` comment lines of at most ~100 characters; line breaks in it cannot escape. */
function commentLines(text: string): string[] {
  const out: string[] = [];
  let line = '--';
  for (const word of text.split(/\s+/)) {
    if (line.length + word.length > 100 && line !== '--') {
      out.push(line);
      line = '--';
    }
    line += ` ${word}`;
  }
  out.push(line);
  return out;
}

function columnList(columns: GlueColumn[]): string {
  return columns
    .map(
      (c) =>
        `  ${quoteHiveIdent(c.Name)} ${c.Type}` +
        (c.Comment ? ` COMMENT ${quoteHiveLiteral(c.Comment)}` : ''),
    )
    .join(',\n');
}

function propertyList(props: Record<string, string>): string {
  return Object.entries(props)
    .map(([k, v]) => `  ${quoteHiveLiteral(k)} = ${quoteHiveLiteral(v)}`)
    .join(',\n');
}

function glueColumn(c: CatalogColumn): GlueColumn {
  const type = duckDbTypeToGlue(c.type);
  const lossless = safeGlueToDuckDb(type) === canonicalDuckDbType(c.type);
  return {
    Name: c.name,
    Type: type,
    ...(c.comment ? { Comment: c.comment } : {}),
    ...(lossless ? {} : { Parameters: { [DUCKDB_TYPE_PARAMETER]: c.type } }),
  };
}

function safeGlueToDuckDb(type: string): string | undefined {
  try {
    return glueTypeToDuckDb(type);
  } catch {
    return undefined;
  }
}

/** Glue's string map: classification first, then every Decant parameter, stringified. */
function glueParameters(t: CatalogTable): Record<string, string> {
  const out: Record<string, string> = { classification: t.classification };
  for (const [key, value] of Object.entries(t.parameters)) {
    if (value === undefined || key === LOCATION_PARAMETER) continue;
    out[GLUE_PARAMETER_NAMES[key] ?? key] = String(value);
  }
  // What Athena reads to skip a CSV header line.
  if (t.classification === 'csv' && t.parameters.header) out['skip.header.line.count'] = '1';
  return out;
}

function storageOf(t: CatalogTable): { serde: GlueSerDeInfo; input: string; output: string } {
  const text = { input: TEXT_INPUT, output: TEXT_OUTPUT };
  switch (t.classification) {
    case 'parquet':
      return {
        serde: {
          SerializationLibrary: SERDES.parquet,
          Parameters: { 'serialization.format': '1' },
        },
        input: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
        output: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
      };
    case 'json':
      return {
        serde: {
          SerializationLibrary: SERDES.json,
          Parameters: { paths: t.columns.map((c) => c.name).join(',') },
        },
        ...text,
      };
    case 'csv': {
      const delimiter = stringParameter(t.parameters, 'delimiter') ?? ',';
      const quote = stringParameter(t.parameters, 'quote');
      if (quote) {
        // OpenCSV already reads a doubled quote inside quotes; its escape is for `\"` styles.
        const escape = stringParameter(t.parameters, 'escape');
        const escapeChar = escape && escape !== quote ? escape : '\\';
        return {
          serde: {
            SerializationLibrary: SERDES.openCsv,
            Parameters: { separatorChar: delimiter, quoteChar: quote, escapeChar },
          },
          ...text,
        };
      }
      return {
        serde: {
          SerializationLibrary: SERDES.lazySimple,
          Parameters: { 'field.delim': delimiter, 'serialization.format': delimiter },
        },
        ...text,
      };
    }
  }
}

function stringParameter(p: TableParameters, key: string): string | undefined {
  const v = p[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}
