/**
 * A package's files, in the order they are written: each table's Parquet files (hashed as their
 * bytes stream past, never held whole), then `datapackage.json`, the README, Glue `TableInput`
 * JSON and Athena DDL whose locations point at the package's own files, and each table's recipe.
 * The same iterable feeds a zip (client-zip, stored) or a folder writer.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { makeZip } from 'client-zip';
import { athenaDdl, tableInputFromTable, type CatalogTable } from '../catalog';
import { DecantError } from '../core/errors';
import { recipeSummary, recipeText, type Recipe } from '../jobs';
import { quoteHiveIdent } from '../core/sql/hive-quote';
import {
  dataPackageFromTables,
  standardName,
  type DataPackage,
  type PackagedFile,
  type PackagedTable,
} from './datapackage';
import { packageReadme, type ReadmeStatistics } from './package-readme';
import { partPath, tableFolder } from './package-paths';
import type { CompiledShare } from './share-rules';

/** One Parquet file written from a share (see shareTargetSpec), with its partition values. */
export interface SharedPart {
  /** Partition values as DuckDB's text, in `share.partitionKeys` order ([] unpartitioned). */
  values: readonly (string | null)[];
  rows: number;
  /** The file's bytes: an encoder's Blob, an OPFS or picked File. Read once, as a stream. */
  data: Blob;
}

export interface PackageTableInput {
  /** The catalog table the share read (names, description, Glue's model). */
  table: CatalogTable;
  share: CompiledShare;
  /** Its Parquet files, in order. */
  parts: readonly SharedPart[];
  primaryKey?: readonly string[];
  statistics?: ReadmeStatistics;
  /** The recipe of the job that produced the table, when there is one: written beside it. */
  recipe?: Recipe;
  /** A job made the table but its recipe was left out (it may hold withheld values): the README says so. */
  recipeLeftOut?: boolean;
}

export interface PackageInput {
  title: string;
  description?: string;
  created: Date;
  tables: readonly PackageTableInput[];
  /**
   * Where the package will live, e.g. `s3://bucket/prefix/`: Glue and Athena locations are made
   * from it. Default: `s3://YOUR-BUCKET/YOUR-PREFIX/`, which the README says to replace.
   */
  location?: string;
}

/** A file of the package: its path from the root and its bytes, streamed or whole. */
export interface PackageEntry {
  path: string;
  data: AsyncIterable<Uint8Array> | Uint8Array;
  size: number;
  lastModified: Date;
}

export const PLACEHOLDER_LOCATION = 's3://YOUR-BUCKET/YOUR-PREFIX/';

/**
 * The package's files, for a zip or a folder. Each Parquet entry must be read to its end before
 * the next entry is asked for (a zip or folder writer does): the hashes in `datapackage.json` are
 * those of the bytes that went by. `manifest` resolves with the datapackage.json written, and
 * rejects (as the iteration does) when a file's bytes are not the size it said.
 */
export function packageEntries(input: PackageInput): {
  entries: AsyncIterable<PackageEntry>;
  manifest: Promise<DataPackage>;
} {
  let settle!: { resolve(d: DataPackage): void; reject(e: unknown): void };
  const manifest = new Promise<DataPackage>((resolve, reject) => (settle = { resolve, reject }));
  manifest.catch(() => {}); // the iteration reports it too
  async function* entries(): AsyncGenerator<PackageEntry> {
    try {
      const taken = new Set<string>();
      const packaged: PackagedTable[] = [];
      for (const t of input.tables) {
        const resource = standardName(`${t.table.database}.${t.table.name}`, taken);
        const whole = sha256.create();
        const files: PackagedFile[] = [];
        for (const [i, part] of t.parts.entries()) {
          const path = partPath(tableFolder(resource), t.share.partitionKeys, part.values, i);
          const file = { path, bytes: 0, sha256: '', rows: part.rows };
          yield {
            path,
            size: part.data.size,
            lastModified: input.created,
            data: hashedBytes(part.data, whole, file),
          };
          if (file.sha256 === '' || file.bytes !== part.data.size)
            throw new DecantError(
              `cannot package ${path}: ${file.bytes} of its ${part.data.size} bytes were read`,
              { domain: 'share' },
            );
          files.push(file);
        }
        packaged.push(packagedTable(t, resource, files, bytesToHex(whole.digest())));
      }
      const doc = dataPackageFromTables(input, packaged);
      yield* metadataEntries(input, packaged, doc);
      settle.resolve(doc);
    } catch (e) {
      settle.reject(e);
      throw e;
    }
  }
  return { entries: entries(), manifest };
}

/** The package as one zip stream (entries stored: Parquet is compressed already). */
export function packageZip(input: PackageInput): {
  zip: ReadableStream<Uint8Array>;
  manifest: Promise<DataPackage>;
} {
  const { entries, manifest } = packageEntries(input);
  async function* zipInputs() {
    for await (const e of entries)
      yield { name: e.path, input: e.data, size: e.size, lastModified: e.lastModified };
  }
  return { zip: makeZip(zipInputs(), { buffersAreUTF8: true }), manifest };
}

/** `data`'s bytes, each chunk added to `whole` and to the file's own hash as it goes by. */
async function* hashedBytes(
  data: Blob,
  whole: ReturnType<typeof sha256.create>,
  file: PackagedFile,
): AsyncGenerator<Uint8Array> {
  const own = sha256.create();
  const reader = data.stream().getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      own.update(value);
      whole.update(value);
      file.bytes += value.length;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
  file.sha256 = bytesToHex(own.digest());
}

function packagedTable(
  t: PackageTableInput,
  resource: string,
  files: PackagedFile[],
  hash: string,
): PackagedTable {
  return {
    database: t.table.database,
    name: t.table.name,
    description: t.table.description,
    columns: t.share.columns,
    withheld: t.share.withheld,
    partitionKeys: t.share.partitionKeys,
    primaryKey: t.primaryKey,
    files,
    sha256: hash,
    ...(t.recipe ? { recipe: recipePath(resource) } : {}),
  };
}

/** Where a table's recipe is written in its package. */
export function recipePath(resource: string): string {
  return `recipes/${resource}.json`;
}

function* metadataEntries(
  input: PackageInput,
  tables: readonly PackagedTable[],
  doc: DataPackage,
): Generator<PackageEntry> {
  const text = (path: string, body: string): PackageEntry => {
    const data = new TextEncoder().encode(body);
    return { path, data, size: data.length, lastModified: input.created };
  };
  const base = withSlash(input.location ?? PLACEHOLDER_LOCATION);
  const extras: { path: string; what: string }[] = [];
  const aws: PackageEntry[] = [];
  tables.forEach((t, i) => {
    const resource = doc.resources[i]!.name;
    const source = input.tables[i]!;
    const location = `${base}${tableFolder(resource)}/`;
    const shared = sharedCatalogTable(source.table, t);
    const glue = `glue/${resource}.table-input.json`;
    const ddl = `athena/${resource}.sql`;
    aws.push(text(glue, `${JSON.stringify(tableInputFromTable(shared, location), null, 2)}\n`));
    aws.push(text(ddl, athenaScript(shared, location)));
    extras.push(
      { path: glue, what: `Glue TableInput for ${t.database}.${t.name} (aws glue create-table)` },
      { path: ddl, what: `Athena DDL for ${t.database}.${t.name}` },
    );
    if (source.recipe && t.recipe) {
      aws.push(text(t.recipe, recipeText(source.recipe)));
      extras.push({
        path: t.recipe,
        what: `the recipe of the job that made ${t.database}.${t.name} (open it in Decant to run it on your own files)`,
      });
    }
  });
  if (input.location === undefined)
    extras.push({
      path: PLACEHOLDER_LOCATION,
      what: 'the Glue and Athena files locate the data here: replace it with where the package is uploaded',
    });
  yield text('datapackage.json', `${JSON.stringify(doc, null, 2)}\n`);
  yield text(
    'README.md',
    packageReadme({
      ...input,
      tables: tables.map((t, i) => ({
        ...t,
        statistics: input.tables[i]!.statistics,
        ...(input.tables[i]!.recipe
          ? { recipeSummary: recipeSummary(input.tables[i]!.recipe!) }
          : {}),
        ...(input.tables[i]!.recipeLeftOut ? { recipeLeftOut: true } : {}),
      })),
      extras,
    }),
  );
  yield* aws;
}

/**
 * The shared table as the catalog would describe its package files: Parquet, the shared columns
 * (hashed ones as VARCHAR, left-out ones gone), the kept partition keys, and its size and rows.
 */
export function sharedCatalogTable(table: CatalogTable, t: PackagedTable): CatalogTable {
  const keys = new Set(t.partitionKeys);
  const column = (c: PackagedTable['columns'][number]) => ({
    name: c.name,
    type: c.type,
    comment: c.comment,
  });
  return {
    ...table,
    classification: 'parquet',
    sources: [],
    columns: t.columns.filter((c) => !keys.has(c.name)).map(column),
    partitionKeys: t.partitionKeys.map((k) => column(t.columns.find((c) => c.name === k)!)),
    parameters: {
      recordCount: t.files.reduce((n, f) => n + f.rows, 0),
      sizeBytes: t.files.reduce((n, f) => n + f.bytes, 0),
      objectCount: t.files.length,
    },
  };
}

/** Athena's CREATE EXTERNAL TABLE, then (partitioned) MSCK REPAIR TABLE to load the folders. */
function athenaScript(t: CatalogTable, location: string): string {
  let out = `${athenaDdl(t, location)};\n`;
  if (t.partitionKeys.length)
    out += `\nMSCK REPAIR TABLE ${quoteHiveIdent(t.database)}.${quoteHiveIdent(t.name)};\n`;
  return out;
}

function withSlash(location: string): string {
  return location.endsWith('/') ? location : `${location}/`;
}
