// A job run's ports in Node: the engine over the worker's own modules on DuckDB-WASM's Node
// bundle, the catalog over CatalogStore on fake-indexeddb, outputs into folders on disk.
import 'fake-indexeddb/auto';
import { cpSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pw from 'parquet-wasm/node';
import { DecantError } from '../../../src/core/errors';
import type { CatalogTable } from '../../../src/catalog/model';
import { parametersFromDialect, dialectFromParameters } from '../../../src/catalog/table-files';
import type { TableDraft } from '../../../src/catalog/table-writes';
import { downloadOf } from '../../../src/jobs/run/output';
import type {
  JobCatalog,
  JobEngine,
  OutputPlaces,
  TargetOutput,
  TargetProgress,
} from '../../../src/jobs/run/ports';
import type { BatchMessage, TextEncodeOptions } from '../../../src/engine/protocol';
import { AttachedTables } from '../../../workers/engine/attached-tables';
import { JobTarget } from '../../../workers/engine/job-target';
import { attachJsonTable, detachJsonTable } from '../../../workers/engine/json-tables';
import type { BatchSink } from '../../../workers/engine/scan-csv';
import { SqlConsole } from '../../../workers/engine/sql-console';
import { runQualityQueries } from '../../../workers/engine/quality-queries';
import {
  encodeBatches,
  PARQUET_TYPE,
  type BatchSource,
} from '../../../workers/parquet/encode-batches';
import { encodeText, textTypeOf } from '../../../workers/parquet/encode-text';
import { openSink } from '../../../workers/parquet/output-sink';
import { freshCatalog, type TestCatalog } from '../../catalog/catalog-fixtures';
import { CSV, folderFiles, hiveValues } from '../../engine/catalog-support';
import { fixturePath } from '../../support/fixtures';
import { startNodeEngine, type NodeEngine } from '../../support/node-engine';
import { SALES_COLUMNS, SALES_KEYS } from '../job-support';
import { diskDirectory } from './disk-handles';

let tasks = 0;

/**
 * The engine as the page's client drives the worker, with the worker's modules in this process:
 * each target prepared (JobTarget), each part streamed into the encoder (parquet-wasm or text),
 * rows streamed and encoded compared. `signal` is the worker's cancel set; each batch waits a
 * macrotask first, as the worker yields to its message queue, so timers and cancels get a turn.
 */
export function nodeJobEngine(engine: NodeEngine, tables: AttachedTables<string>): JobEngine {
  const sql = new SqlConsole(engine.s, tables.relabel);
  return {
    async runJobTarget(spec, format, onProgress, signal, sinkFor) {
      if (signal?.aborted) throw new DecantError('job: cancelled', { code: 'cancelled' });
      const target = new JobTarget(engine.s.db, `t${++tasks}`, spec);
      const cancelled = () => signal?.aborted === true;
      const progress: TargetProgress = {
        partsDone: 0,
        parts: 0,
        rows: 0,
        bytesRead: 0,
        bytesWritten: 0,
      };
      try {
        const plan = await target.prepare({ cancelled });
        progress.parts = plan.parts.length;
        onProgress({ ...progress });
        const files: TargetOutput['files'] = [];
        for (let i = 0; i < plan.parts.length; i++) {
          if (cancelled()) throw new DecantError('job: cancelled', { code: 'cancelled' });
          const pipe = yieldingPipe();
          const handle = await sinkFor?.(plan.parts[i]!.values, i);
          // The encoder writes into the file handle it is given, as the worker does.
          const encoding =
            format.kind === 'parquet'
              ? openSink(handle, PARQUET_TYPE).then((sink) =>
                  encodeBatches(pw, pipe.source, format, () => {}, sink),
                )
              : ((text: TextEncodeOptions) =>
                  openSink(handle, textTypeOf(text)).then((sink) =>
                    encodeText(pipe.source, text, () => {}, sink),
                  ))(format.kind === 'csv' ? format : { ...format, numericText: plan.numericText });
          const streaming = target.streamPart(i, pipe.sink, {
            cancelled,
            bytesRead: () => engine.tracker.furthestByte(),
            onProgress: (p) => onProgress({ ...progress, rows: progress.rows + p.rows }),
          });
          const [sent, encoded] = await Promise.allSettled([streaming, encoding]);
          if (sent.status === 'rejected') throw sent.reason;
          if (encoded.status === 'rejected') throw encoded.reason;
          if (sent.value.rows !== encoded.value.rowsWritten)
            throw new DecantError('job: rows streamed and encoded disagree', {
              code: 'row-mismatch',
            });
          files.push({
            values: plan.parts[i]!.values,
            blob: encoded.value.blob,
            rows: sent.value.rows,
          });
          progress.rows += sent.value.rows;
          progress.partsDone = i + 1;
          onProgress({ ...progress });
        }
        return { plan, files };
      } finally {
        target.end();
      }
    },
    runSql: async (text) => sql.runSql(text),
    qualityQueries: async (queries, onProgress, signal) => {
      const results = await runQualityQueries(engine.s, queries, {
        cancelled: () => signal?.aborted === true,
        onProgress,
        relabel: tables.relabel,
      });
      if (results.length < queries.length)
        throw new DecantError('quality: evaluation cancelled', { code: 'cancelled' });
      return results;
    },
    dropResult: async (id) => sql.dropResult(id),
    tableScan: async (database, name) => ({
      dialect: tables.table(database, name).dialect,
      registered: tables.registeredFiles(database, name),
    }),
  };
}

/** The engine→encoder channel in one process, yielding a macrotask before each batch. */
function yieldingPipe(): { sink: BatchSink; source: BatchSource } {
  const queue: BatchMessage[] = [];
  let credit = 0;
  let reader: ((m: BatchMessage) => void) | null = null;
  let writer: (() => void) | null = null;
  return {
    sink: {
      send(msg) {
        if (msg.t === 'batch') credit--;
        const r = reader;
        reader = null;
        if (r) r(msg);
        else queue.push(msg);
      },
      async room() {
        await new Promise<void>((r) => setImmediate(r));
        while (credit <= 0) await new Promise<void>((r) => (writer = r));
      },
    },
    source: {
      next: () => {
        const m = queue.shift();
        return m ? Promise.resolve(m) : new Promise((r) => (reader = r));
      },
      grant(n) {
        credit += n;
        const w = writer;
        writer = null;
        w?.();
      },
    },
  };
}

/**
 * The catalog over a CatalogStore on fake-indexeddb. Tables kept "in the browser" (`opfs`
 * sources) are read from `opfsDir` on disk, attached in the engine as the worker attaches them.
 */
export function storeCatalog(
  cat: TestCatalog,
  engine: NodeEngine,
  tables: AttachedTables<string>,
  opfsDir: string,
): JobCatalog {
  const diskPath = (t: CatalogTable, i: number) => {
    const s = t.sources[i]!;
    if (s.kind !== 'opfs') throw new DecantError(`test: ${s.path} is not kept in OPFS`);
    return join(opfsDir, s.opfsPath);
  };
  return {
    whenReady: async () => undefined,
    getTable: (database, table) => cat.store.getTable(database, table),
    listPartitions: (database, table) => cat.store.listPartitions(database, table),
    async attach(t) {
      if (t.classification !== 'csv')
        return { kind: 'unavailable', message: `the Node tests attach CSV tables only` };
      try {
        const partitions = await cat.store.listPartitions(t.database, t.name);
        const valuesOf = new Map(partitions.flatMap((p) => p.files.map((f) => [f, p.values])));
        tables.attach({
          database: t.database,
          name: t.name,
          classification: 'csv',
          dialect: dialectFromParameters(t),
          columns: t.columns,
          partitionKeys: t.partitionKeys,
          files: t.sources.map((s, i) => ({
            path: s.path,
            file: diskPath(t, i),
            partitionValues: valuesOf.get(s.path) ?? [],
          })),
        });
        return { kind: 'attached' };
      } catch (e) {
        return { kind: 'unavailable', message: e instanceof Error ? e.message : String(e) };
      }
    },
    async attachCopy(t, as) {
      if (t.classification !== 'json')
        throw new DecantError(
          `test: the Node tests load JSON subsets only, not ${t.classification}`,
        );
      const files = t.sources.map((s, i) => ({
        path: s.path,
        bytes: readFileSync(diskPath(t, i)),
      }));
      attachJsonTable(engine.s, { ...as, files });
      return async () => detachJsonTable(engine.s, as.database, as.name);
    },
    commitTables: (database, entries) => cat.store.commitTables(database, entries),
  };
}

/** OPFS and picked folders on disk; downloads saved into `downloads/` (zipped as the page does). */
export function diskPlaces(dir: string): OutputPlaces & { downloaded: string[] } {
  const downloaded: string[] = [];
  return {
    downloaded,
    opfsRoot: async () => diskDirectory(join(dir, 'opfs'), ''),
    pickedFolder: async (_job, _nodeId, target) => {
      if (target.startsWith('unpicked'))
        throw new DecantError(`job: target "${target}" writes to a folder, but none was picked`);
      return diskDirectory(join(dir, 'picked'), 'picked');
    },
    async download(name, files) {
      const d = await downloadOf(name, files);
      const { writeFile, mkdir } = await import('node:fs/promises');
      await mkdir(join(dir, 'downloads'), { recursive: true });
      await writeFile(join(dir, 'downloads', d.name), new Uint8Array(await d.blob.arrayBuffer()));
      downloaded.push(d.name);
      return d.name;
    },
  };
}

export interface RunWorld {
  dir: string;
  engine: NodeEngine;
  tables: AttachedTables<string>;
  cat: TestCatalog;
  jobEngine: JobEngine;
  catalog: JobCatalog;
  places: ReturnType<typeof diskPlaces>;
}

/**
 * A fresh world for runs: a temp folder whose `opfs/sales-in/` holds a copy of the `sales`
 * fixture, catalogued as `shop.sales` (CSV, partitioned by year and month), in a fresh catalog.
 * `engine` may be shared between worlds (one DuckDB start per file).
 */
export async function runWorld(engine: NodeEngine): Promise<RunWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'decant-run-'));
  cpSync(fixturePath('sales'), join(dir, 'opfs', 'sales-in'), { recursive: true });
  const cat = await freshCatalog();
  await cat.store.commitTables('shop', [salesEntry(dir)]);
  const tables = new AttachedTables<string>(engine.s, {
    register: (name, path) => engine.register(name, path),
    drop: (name) => engine.s.db.dropFile(name),
  });
  return {
    dir,
    engine,
    tables,
    cat,
    jobEngine: nodeJobEngine(engine, tables),
    catalog: storeCatalog(cat, engine, tables, join(dir, 'opfs')),
    places: diskPlaces(dir),
  };
}

/** `shop.sales` over `opfs/sales-in/` as a crawler would have written it. */
function salesEntry(dir: string) {
  const files = folderFiles(join(dir, 'opfs', 'sales-in'), hiveValues);
  const draft: TableDraft = {
    database: 'shop',
    name: 'sales',
    description: '',
    classification: 'csv',
    sources: files.map((f) => {
      const s = statSync(f.file);
      return {
        kind: 'opfs' as const,
        path: f.path,
        opfsPath: `sales-in/${f.path}`,
        size: s.size,
        lastModified: Math.floor(s.mtimeMs),
      };
    }),
    columns: SALES_COLUMNS.map((c) => ({ ...c, comment: '' })),
    partitionKeys: SALES_KEYS.map((c) => ({ ...c, comment: '' })),
    parameters: { ...parametersFromDialect(CSV), recordCount: undefined },
    updatedBy: { kind: 'crawler', name: 'test' },
  };
  const byLocation = new Map<string, { values: string[]; files: string[] }>();
  for (const f of files) {
    const location = f.path.split('/').slice(0, -1).join('/');
    const p = byLocation.get(location) ?? { values: f.partitionValues, files: [] };
    p.files.push(f.path);
    byLocation.set(location, p);
  }
  const partitions = [...byLocation].map(([location, p]) => ({
    database: 'shop',
    table: 'sales',
    values: p.values,
    location,
    files: p.files,
    sizeBytes: 0,
  }));
  return { draft, partitions };
}

/** Starts DuckDB-WASM's Node bundle once for a test file. */
export { startNodeEngine };
