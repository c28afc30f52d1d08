/**
 * `datapackage.json` for a shared package, as the Frictionless Data Package standard (v1) spells
 * it: a Tabular Data Package with one resource per table, its Parquet file(s), their size and
 * SHA-256, and a Table Schema whose types are mapped from DuckDB's. What the share withheld is
 * said in words, on the resource.
 */
import { asciiLower } from '../core/sql/table-view';
import type { SharedColumn, Withheld } from './share-rules';
import { withheldSentences } from './withheld-words';

/** One Parquet file of a packaged table, as written. */
export interface PackagedFile {
  /** POSIX path from the package root: `data/shop.sales/year=2024/part-00000.parquet`. */
  path: string;
  bytes: number;
  /** SHA-256 of the file's bytes, 64 lower-case hex digits. */
  sha256: string;
  rows: number;
}

/** A table as packaged: what the share compiled to, and the files written from it. */
export interface PackagedTable {
  database: string;
  name: string;
  description: string;
  columns: readonly SharedColumn[];
  withheld: Withheld;
  /** Keys the files are partitioned by (`key=value/` folders), in order. */
  partitionKeys: readonly string[];
  /** The table's primary key when known; dropped when one of its columns is not shared as is. */
  primaryKey?: readonly string[];
  /** In the order they are read; partition folders kept in their paths. */
  files: readonly PackagedFile[];
  /** SHA-256 of the files' bytes one after another in `files` order (the resource's hash). */
  sha256: string;
  /** The path of the recipe of the job that made the table, when the package holds one. */
  recipe?: string;
}

export interface PackageInfo {
  /** Shown as the package's title; its name is derived from it. */
  title: string;
  description?: string;
  created: Date;
}

/** The Frictionless Table Schema field types Decant writes. */
export type FieldType =
  | 'string'
  | 'number'
  | 'integer'
  | 'boolean'
  | 'date'
  | 'time'
  | 'datetime'
  | 'duration'
  | 'object'
  | 'array'
  | 'any';

export interface TableSchemaField {
  name: string;
  type: FieldType;
  /** `binary` (base64 text) for BLOB, `uuid` for UUID; absent: `default`. */
  format?: 'binary' | 'uuid';
  description?: string;
}

export interface DataResource {
  profile: 'tabular-data-resource';
  name: string;
  title: string;
  description?: string;
  /** One path, or an array of paths for a table written as several files. */
  path: string | string[];
  format: 'parquet';
  mediatype: 'application/vnd.apache.parquet';
  bytes: number;
  /** `sha256:<hex>` of the files one after another, in `path` order. */
  hash: string;
  schema: { fields: TableSchemaField[]; primaryKey?: string[] };
  /** Not part of the standard, beside it: the row count, and each file for per-file checks. */
  stats: { rows: number };
  files: { path: string; bytes: number; hash: string; rows: number }[];
  /** Keys read from `key=value/` folder names, not from the files. */
  partitionKeys?: string[];
  /** What the share left out or changed, in sentences (absent: nothing). */
  withheld?: string[];
  /** Decant's own, beside the standard: the path of the recipe (the job) that made the table. */
  recipe?: string;
}

export interface DataPackage {
  profile: 'tabular-data-package';
  name: string;
  title: string;
  description?: string;
  /** ISO 8601. */
  created: string;
  resources: DataResource[];
}

/** The Data Package describing `tables`; resource names are unique and valid for the standard. */
export function dataPackageFromTables(
  info: PackageInfo,
  tables: readonly PackagedTable[],
): DataPackage {
  const taken = new Set<string>();
  return {
    profile: 'tabular-data-package',
    name: standardName(info.title, new Set()),
    title: info.title,
    ...(info.description ? { description: info.description } : {}),
    created: info.created.toISOString(),
    resources: tables.map((t) => resourceFromTable(t, taken)),
  };
}

function resourceFromTable(t: PackagedTable, taken: Set<string>): DataResource {
  const withheld = withheldSentences(t.withheld);
  const keys = new Set(t.partitionKeys);
  const fields = t.columns.map((c) => fieldFromColumn(c, keys.has(c.name)));
  const primaryKey = sharedPrimaryKey(t);
  const paths = t.files.map((f) => f.path);
  return {
    profile: 'tabular-data-resource',
    name: standardName(`${t.database}.${t.name}`, taken),
    title: `${t.database}.${t.name}`,
    ...(t.description ? { description: t.description } : {}),
    path: paths.length === 1 ? paths[0]! : paths,
    format: 'parquet',
    mediatype: 'application/vnd.apache.parquet',
    bytes: t.files.reduce((n, f) => n + f.bytes, 0),
    hash: `sha256:${t.sha256}`,
    schema: { fields, ...(primaryKey ? { primaryKey } : {}) },
    stats: { rows: t.files.reduce((n, f) => n + f.rows, 0) },
    files: t.files.map((f) => ({
      path: f.path,
      bytes: f.bytes,
      hash: `sha256:${f.sha256}`,
      rows: f.rows,
    })),
    ...(t.partitionKeys.length ? { partitionKeys: [...t.partitionKeys] } : {}),
    ...(withheld.length ? { withheld } : {}),
    ...(t.recipe ? { recipe: t.recipe } : {}),
  };
}

function fieldFromColumn(c: SharedColumn, partitionKey: boolean): TableSchemaField {
  const { type, format } = fieldTypeFromDuckDb(c.type);
  const notes = [c.comment.trim()];
  if (c.treatment === 'hashed')
    notes.push('Hashed: each value is the hex SHA-256 of a secret salt followed by the value.');
  if (c.treatment === 'redacted') notes.push('Redacted: every value is empty (null).');
  if (c.treatment === 'partial')
    notes.push('Partly redacted: every character but the last 4 of each value is "*".');
  if (partitionKey) notes.push('Partition key: read from the `key=value` folder names.');
  const description = notes.filter(Boolean).join(' ');
  return {
    name: c.name,
    type: c.treatment === 'hashed' || c.treatment === 'partial' ? 'string' : type,
    ...(format && c.treatment !== 'hashed' && c.treatment !== 'partial' ? { format } : {}),
    ...(description ? { description } : {}),
  };
}

/** The primary key, when every column of it is shared as it was (hashed stays unique). */
function sharedPrimaryKey(t: PackagedTable): string[] | undefined {
  if (!t.primaryKey?.length) return undefined;
  const ok = t.primaryKey.every((k) =>
    t.columns.some(
      (c) =>
        asciiLower(c.name) === asciiLower(k) &&
        c.treatment !== 'redacted' &&
        c.treatment !== 'partial',
    ),
  );
  return ok ? [...t.primaryKey] : undefined;
}

const INTEGER =
  /^(TINYINT|SMALLINT|INTEGER|INT|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|INT[1248]|LONG|SHORT)$/;
const NUMBER = /^(FLOAT|DOUBLE|REAL|FLOAT[48]|DECIMAL|NUMERIC)(\(\d+\s*,\s*\d+\))?$/;
const STRING = /^(VARCHAR|TEXT|STRING|CHAR|BPCHAR|BIT|BITSTRING|ENUM\(.*\))$/s;

/** The Table Schema type (and format) of a DuckDB type name; `any` when none fits. */
export function fieldTypeFromDuckDb(duckType: string): {
  type: FieldType;
  format?: 'binary' | 'uuid';
} {
  const t = duckType.trim().toUpperCase();
  if (/\[\d*\]$/.test(t) || t.startsWith('LIST(')) return { type: 'array' };
  if (t.startsWith('STRUCT(') || t.startsWith('MAP(') || t.startsWith('UNION('))
    return { type: 'object' };
  if (INTEGER.test(t)) return { type: 'integer' };
  if (NUMBER.test(t)) return { type: 'number' };
  if (STRING.test(t)) return { type: 'string' };
  if (t === 'UUID') return { type: 'string', format: 'uuid' };
  if (t === 'BLOB' || t === 'BYTEA' || t === 'VARBINARY')
    return { type: 'string', format: 'binary' };
  if (t === 'BOOLEAN' || t === 'BOOL') return { type: 'boolean' };
  if (t === 'DATE') return { type: 'date' };
  if (t === 'TIME' || t === 'TIME WITH TIME ZONE' || t === 'TIMETZ') return { type: 'time' };
  if (t.startsWith('TIMESTAMP') || t === 'DATETIME') return { type: 'datetime' };
  if (t === 'INTERVAL') return { type: 'duration' };
  return { type: 'any' };
}

/**
 * A name the standard accepts (`^[-a-z0-9._/]+$`, here without `/`) made from `text`: lower
 * case, other characters as `_`; `-2`, `-3`… when `taken` already holds it. Adds it to `taken`.
 */
export function standardName(text: string, taken: Set<string>): string {
  const base =
    text
      .toLowerCase()
      .replace(/[^-a-z0-9._]+/g, '_')
      .replace(/^_+|_+$/g, '') || 'table';
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}-${i}`;
  taken.add(name);
  return name;
}
