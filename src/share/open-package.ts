/**
 * A received package, read: its datapackage.json checked (every listed file inside the package,
 * sized and hashed, present in a zip or folder), its README, and its tables with their schemas,
 * partition keys and what the sender withheld. Nothing here reads a data file's bytes; the
 * preview reads one file per table through the engine, lazily (slices, ranges).
 */
import type { ColumnInfo } from '../core/csv/dialect';
import type { EngineApi, UrlFile } from '../engine/protocol';
import { DecantError } from '../core/errors';
import { quotedName } from '../core/quoted-name';
import { ident, sql } from '../core/sql/sql-template';
import { recipeFromText, type Recipe } from '../jobs';
import type { TableSchemaField } from './datapackage';
import { fileText, type FetchPort, type PackageFile, type PackageSource } from './package-source';
import { insidePackage, listedFiles, type ListedFile } from './verify-package';

export interface PackageTable {
  /** The resource's name in datapackage.json. */
  resource: string;
  /** The table's name as the sender's catalog had it (`shop.sales` → `sales`). */
  name: string;
  /** The sender's database, when the title says it. */
  fromDatabase?: string;
  description: string;
  fields: TableSchemaField[];
  partitionKeys: string[];
  files: ListedFile[];
  rows: number;
  bytes: number;
  /** What the share left out or changed, in sentences. */
  withheld: string[];
  /** The recipe of the job that made the table, when the package holds one. */
  recipe?: PackageRecipe;
}

/** A table's recipe as read: the recipe, or why it cannot be opened (the table still can). */
export type PackageRecipe = { path: string; recipe: Recipe } | { path: string; problem: string };

/** A recipe is a few kilobytes of JSON; a file far larger is not one. */
const MAX_RECIPE_BYTES = 5 * 1024 * 1024;

export interface OpenedPackage {
  source: PackageSource;
  /** The package's standard name (`sales-share`), offered as the database name. */
  name: string;
  title: string;
  description: string;
  created?: string;
  /** README.md's text, or null when the package has none. */
  readme: string | null;
  tables: PackageTable[];
}

const say = (message: string) => new DecantError(`share: ${message}`, { domain: 'share' });

/**
 * Reads and checks `datapackage.json` and the README. Throws a `share:` DecantError (or the
 * remote error of the URL that failed) saying what is wrong: not JSON, no resources, a file
 * outside the package or missing from it, a resource that is not Parquet.
 */
export async function readPackage(source: PackageSource, port: FetchPort): Promise<OpenedPackage> {
  if (source.expiresAt && Date.parse(source.expiresAt) <= port.now())
    throw say(`this link expired on ${whenText(source.expiresAt)}; ask the sender for a new one`);
  const text = await fileText(await source.file('datapackage.json'), port);
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new DecantError(`share: datapackage.json is not JSON (${(e as Error).message})`, {
      domain: 'share',
      cause: e,
    });
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    throw say('datapackage.json is not a Data Package (not a JSON object)');
  const files = listedFiles(doc);
  for (const f of files)
    if (!source.has(f.path))
      throw say(`${quotedName(f.path)}, listed in datapackage.json, is missing from the package`);
  const resources = doc.resources as Record<string, unknown>[];
  const tables = resources.map((r, i) => tableOf(r, i, files));
  // Two resources may name the same table (from two databases): the later ones get `_2`, `_3`…
  const names = new Set<string>();
  for (const t of tables) {
    let name = t.name;
    for (let n = 2; names.has(name.toLowerCase()); n++) name = `${t.name}_${n}`;
    names.add(name.toLowerCase());
    t.name = name;
  }
  for (const [i, t] of tables.entries()) {
    const path = resources[i]!.recipe;
    if (path !== undefined) t.recipe = await recipeIn(source, port, path, t.resource);
  }
  let readme: string | null = null;
  if (source.has('README.md'))
    readme = await source
      .file('README.md')
      .then((f) => fileText(f, port))
      .catch(() => null);
  return {
    source,
    name: typeof doc.name === 'string' && doc.name ? doc.name : 'package',
    title: typeof doc.title === 'string' ? doc.title : String(doc.name ?? 'Data package'),
    description: typeof doc.description === 'string' ? doc.description : '',
    ...(typeof doc.created === 'string' ? { created: doc.created } : {}),
    readme,
    tables,
  };
}

/**
 * The recipe at `path` (a resource's `recipe`), checked as a recipe file is. A recipe that
 * cannot be read is a problem in words on its table; the package opens all the same.
 */
async function recipeIn(
  source: PackageSource,
  port: FetchPort,
  path: unknown,
  resource: string,
): Promise<PackageRecipe> {
  if (typeof path !== 'string' || !insidePackage(path))
    throw say(
      `resource ${quotedName(resource)}: recipe ${quotedName(String(path))} is not a file inside the package`,
    );
  if (!source.has(path))
    return { path, problem: `its recipe ${quotedName(path)} is missing from the package` };
  try {
    const file = await source.file(path);
    if (file.kind === 'blob' && file.blob.size > MAX_RECIPE_BYTES)
      throw say(`${quotedName(path)} is ${file.blob.size} bytes, too large for a recipe`);
    return { path, recipe: recipeFromText(await fileText(file, port)) };
  } catch (e) {
    return { path, problem: `its recipe ${quotedName(path)} cannot be opened: ${errorText(e)}` };
  }
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

function tableOf(r: Record<string, unknown>, i: number, all: ListedFile[]): PackageTable {
  const resource = typeof r.name === 'string' ? r.name : `#${i + 1}`;
  const where = `resource ${quotedName(resource)}`;
  if (r.format !== undefined && r.format !== 'parquet')
    throw say(`${where} is ${quotedName(String(r.format))}, not Parquet`);
  const schema = r.schema as { fields?: unknown } | undefined;
  const fields = Array.isArray(schema?.fields) ? (schema.fields as TableSchemaField[]) : [];
  if (fields.some((f) => typeof f?.name !== 'string'))
    throw say(`${where}: a schema field has no name`);
  const partitionKeys = Array.isArray(r.partitionKeys)
    ? r.partitionKeys.filter((k): k is string => typeof k === 'string')
    : [];
  for (const k of partitionKeys)
    if (!fields.some((f) => f.name === k))
      throw say(`${where}: partition key ${quotedName(k)} is not one of its fields`);
  const files = all.filter((f) => f.resource === resource);
  const title = typeof r.title === 'string' ? r.title : resource;
  const dot = title.indexOf('.');
  return {
    resource,
    name: dot > 0 && dot < title.length - 1 ? title.slice(dot + 1) : title,
    ...(dot > 0 ? { fromDatabase: title.slice(0, dot) } : {}),
    description: typeof r.description === 'string' ? r.description : '',
    fields,
    partitionKeys,
    files,
    rows: files.reduce((n, f) => n + (f.rows ?? 0), 0),
    bytes: files.reduce((n, f) => n + f.bytes, 0),
    withheld: Array.isArray(r.withheld)
      ? r.withheld.filter((s): s is string => typeof s === 'string')
      : [],
  };
}

/** `2026-12-03 09:00 UTC`. */
export function whenText(iso: string): string {
  return new Date(iso)
    .toISOString()
    .replace('T', ' ')
    .replace(/:\d\d\.\d{3}Z$/, ' UTC');
}

/** The DuckDB type a partition key's Table Schema type reads as (its values come from paths). */
export function duckTypeOfField(f: TableSchemaField): string {
  switch (f.type) {
    case 'integer':
      return 'BIGINT';
    case 'number':
      return 'DOUBLE';
    case 'boolean':
      return 'BOOLEAN';
    case 'date':
      return 'DATE';
    case 'datetime':
      return 'TIMESTAMP';
    default:
      return 'VARCHAR';
  }
}

/**
 * The values of `keys` in a file's path (`data/t/year=2024/month=1/part-00000.parquet`),
 * Hive-unescaped; throws naming the file when one is missing.
 */
export function partitionValuesOf(path: string, keys: readonly string[]): string[] {
  const segments = path.split('/').slice(0, -1);
  return keys.map((k) => {
    const seg = segments.find((s) => s.startsWith(`${hiveEscape(k)}=`));
    if (seg === undefined)
      throw say(`${quotedName(path)} is not in a ${quotedName(k)}=… folder of its table`);
    return hiveUnescape(seg.slice(hiveEscape(k).length + 1));
  });
}

/** The partition folder of a file (`year=2024/month=1`), '' when unpartitioned. */
export function partitionFolderOf(path: string, keys: readonly string[]): string {
  if (!keys.length) return '';
  const segments = path.split('/').slice(0, -1);
  return segments.slice(-keys.length).join('/');
}

/** The file's path below its table's partition folders' parent (what the catalog names it by). */
export function tablePathOf(path: string, keys: readonly string[]): string {
  return path
    .split('/')
    .slice(-(keys.length + 1))
    .join('/');
}

function hiveEscape(s: string): string {
  let out = '';
  for (const c of s) {
    const code = c.charCodeAt(0);
    out +=
      code < 0x20 || code === 0x7f || '"#%\'*/:=?\\{[]^'.includes(c)
        ? `%${code.toString(16).toUpperCase().padStart(2, '0')}`
        : c;
  }
  return out;
}

function hiveUnescape(s: string): string {
  return s.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

/** The engine's view of a package file: a File (zip slice, folder file) or a URL. */
export function engineFileOf(f: PackageFile, listed: ListedFile): File | UrlFile {
  const name = f.path.split('/').pop()!;
  if (f.kind === 'url')
    return { kind: 'url', url: f.url, size: listed.bytes, name: f.path, lastModified: 0 };
  return f.blob instanceof File
    ? f.blob
    : new File([f.blob], name, { lastModified: f.lastModified });
}

/** The engine calls a preview makes (the page's client, or the host itself in Node tests). */
export type PreviewEngine = Pick<
  EngineApi,
  | 'addFile'
  | 'addUrl'
  | 'removeFile'
  | 'inspectParquet'
  | 'attachTable'
  | 'detachTable'
  | 'runSql'
  | 'page'
  | 'dropResult'
>;

let nextId = 0;
const fileId = () => `package-${Date.now().toString(36)}-${++nextId}`;

async function withRegistered<T>(
  engine: PreviewEngine,
  file: File | UrlFile,
  use: (id: string) => Promise<T>,
): Promise<T> {
  const id = fileId();
  if (file instanceof File) await engine.addFile(id, file);
  else await engine.addUrl(id, file);
  try {
    return await use(id);
  } finally {
    await engine.removeFile(id).catch(() => undefined);
  }
}

/** The data columns of a table (partition keys apart), DuckDB-typed, from its first file's footer. */
export async function tableColumns(
  engine: PreviewEngine,
  pkg: OpenedPackage,
  t: PackageTable,
): Promise<ColumnInfo[]> {
  const first = t.files[0];
  if (!first) throw say(`resource ${quotedName(t.resource)} has no files`);
  const schema = await withRegistered(
    engine,
    engineFileOf(await pkg.source.file(first.path), first),
    (id) => engine.inspectParquet(id),
  );
  const keys = new Set(t.partitionKeys);
  return schema.columns.filter((c) => !keys.has(c.name));
}

/** The engine schema previews are attached in, apart from any catalog database. */
export const PREVIEW_DATABASE = '__decant_package_preview';

export interface TablePreview {
  /** The first rows of the table's first file, partition keys last, as Arrow IPC. */
  rows: Uint8Array;
}

/**
 * The first rows of a table: its first file (a zip slice, or read by range requests) served by
 * the engine as a Parquet table of its own, read, and dropped again.
 */
export async function previewTable(
  engine: PreviewEngine,
  pkg: OpenedPackage,
  t: PackageTable,
  limit = 20,
): Promise<TablePreview> {
  const first = t.files[0];
  if (!first) throw say(`resource ${quotedName(t.resource)} has no files`);
  const columns = await tableColumns(engine, pkg, t);
  const name = fileId();
  await engine.attachTable({
    database: PREVIEW_DATABASE,
    name,
    classification: 'parquet',
    columns,
    partitionKeys: t.partitionKeys.map((k) => ({
      name: k,
      type: duckTypeOfField(t.fields.find((f) => f.name === k)!),
    })),
    files: [
      {
        path: first.path,
        file: engineFileOf(await pkg.source.file(first.path), first),
        partitionValues: partitionValuesOf(first.path, t.partitionKeys),
      },
    ],
  });
  try {
    const result = await engine.runSql(
      sql`SELECT * FROM ${ident(PREVIEW_DATABASE, name)} LIMIT ${limit}`.text,
    );
    try {
      return { rows: await engine.page(result.resultId, 0, limit) };
    } finally {
      await engine.dropResult(result.resultId).catch(() => undefined);
    }
  } finally {
    await engine.detachTable(PREVIEW_DATABASE, name).catch(() => undefined);
  }
}
