/**
 * What a crawl writes, as plain data: a new crawler's defaults, each planned table as a catalog
 * draft (keeping what the user wrote on an existing one), its partitions. Pure.
 */
import type {
  CatalogPartition,
  CatalogTable,
  Crawler,
  TableParameters,
  TableSource,
} from '../catalog';
import type { CsvDialect } from '../core/csv/dialect';
import { csvFormatKey, CRAWLER_PARAMETER, tableCsvDialect, type TablePlan } from '.';
import type { CrawlRequest } from '../engine/protocol';
import { dialectFromParameters, parametersFromDialect } from '../catalog';

/** The name runs of an unsaved crawler are recorded under. */
export const UNSAVED = 'folder crawl';

export function newCrawler(): Crawler {
  return {
    name: '',
    description: '',
    database: 'default',
    tablePrefix: '',
    sources: [],
    exclusions: ['**/_tmp/**', '**/*.crc'],
    classifiers: [],
    schemaChangePolicy: { update: 'UPDATE_IN_DATABASE', delete: 'DEPRECATE_IN_DATABASE' },
    recrawlPolicy: 'CRAWL_EVERYTHING',
    keepCopies: true,
    createdAt: 0,
    updatedAt: 0,
  };
}

const CSV = /\.(csv|tsv|txt|tab|psv|dat)(\.gz|\.gzip)?$/i;
const JSON_FILE = /\.(json|ndjson|jsonl)(\.gz|\.gzip)?$/i;
const PARQUET = /\.parquet$/i;

/** The classifier a file goes to, by its name; null for a name no classifier takes. */
export function kindOf(path: string): CrawlRequest['kind'] | null {
  if (CSV.test(path)) return 'csv';
  if (JSON_FILE.test(path)) return 'json';
  return PARQUET.test(path) ? 'parquet' : null;
}

/** How a catalog table's files are read, as the crawler's format key (see csvFormatKey). */
export function formatKeyOf(t: CatalogTable): string {
  return t.classification === 'csv' ? csvFormatKey(dialectFromParameters(t)) : t.classification;
}

/**
 * The catalog draft of a planned table. An existing table keeps its description, its column
 * comments and its other parameters; a table that is back is no longer deprecated.
 */
export function tableDraftFor(
  t: TablePlan,
  sources: TableSource[],
  /** `dialect`: one of the table's files' (any: the plan's format key fixes its quoting). */
  opts: { crawler: Crawler; dialect?: CsvDialect; current?: CatalogTable },
) {
  const { crawler: c, dialect: d, current } = opts;
  const comment = (cols: CatalogTable['columns'] | undefined, name: string) =>
    cols?.find((x) => x.name === name)?.comment ?? '';
  const rows = t.files.every((f) => f.rowCount !== undefined)
    ? t.files.reduce((n, f) => n + (f.rowCount ?? 0), 0)
    : undefined;
  const parameters: TableParameters = {
    ...(current?.parameters ?? {}),
    recordCount: rows,
    sizeBytes: t.files.reduce((n, f) => n + f.size, 0),
    objectCount: t.files.length,
    // The files' dialects differ at most in quoting; the plan's key reads them all.
    ...(d
      ? parametersFromDialect(t.classification === 'csv' ? tableCsvDialect(t.formatKey, d) : d)
      : {}),
    ...(c.name.trim() ? { [CRAWLER_PARAMETER]: c.name.trim() } : {}),
    ...s3Location(t, sources),
  };
  delete parameters.DEPRECATED_BY_CRAWLER;
  return {
    database: c.database.trim(),
    name: t.name,
    description: current?.description ?? '',
    classification: t.classification,
    sources,
    columns: t.columns.map((x) => ({ ...x, comment: comment(current?.columns, x.name) })),
    partitionKeys: t.partitionKeys.map((x) => ({
      ...x,
      comment: comment(current?.partitionKeys, x.name),
    })),
    parameters,
    updatedBy: { kind: 'crawler' as const, name: c.name.trim() || UNSAVED },
  };
}

/**
 * A table read from one S3 bucket with the tab's credentials has a real S3 folder: kept as
 * Glue's location (`location`, as glue-export reads it), so its Glue JSON and Athena DDL point
 * at it. Object paths are their keys, so the table's root is its key prefix.
 */
function s3Location(t: TablePlan, sources: readonly TableSource[]): TableParameters {
  const first = sources[0];
  if (first?.kind !== 's3' || !t.root) return {};
  const one = sources.every((s) => s.kind === 's3' && s.bucket === first.bucket);
  return one ? { location: `s3://${first.bucket}/${t.root}/` } : {};
}

export function partitionsFor(t: TablePlan, database: string): CatalogPartition[] {
  return t.partitions.map((p) => ({
    database: database.trim(),
    table: t.name,
    values: p.values,
    location: p.location,
    files: p.files,
    rowCount: p.rowCount,
    sizeBytes: p.sizeBytes,
  }));
}
