/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import {
  BROWSER_RUNTIME,
  createDuckDB,
  DuckDBDataProtocol,
  VoidLogger,
} from '@duckdb/duckdb-wasm/blocking';
import ehWasm from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import mvpWasm from '@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm?url';
import parquetWasmUrl from 'parquet-wasm/esm/parquet_wasm_bg.wasm?url';
import type {
  AttachedTable,
  BatchMessage,
  CreditMessage,
  EngineApi,
  InspectOptions,
  JobStreamProgress,
  JobTargetSpec,
  JsonTable,
  ParquetTable,
  ScanPlan,
  ScanProgress,
  UrlFile,
} from '../src/engine/protocol';
import { DecantError } from '../src/core/errors';
import type { CsvClassifierSettings } from '../src/core/csv/custom-classifier';
import { SqlSession } from './engine/sql-session';
import { ReadTracker } from './engine/read-tracker';
import { inspectCsv } from './engine/inspect-csv';
import { scanCsv, type BatchSink } from './engine/scan-csv';
import { validateCsv } from './engine/validate-csv';
import { classifyCsvCustom, customCsvStep } from './engine/custom-csv';
import { toWireError } from './wire-error';
import { AttachedTables } from './engine/attached-tables';
import { SqlConsole } from './engine/sql-console';
import { columnStatistics } from './engine/column-statistics';
import { castFailures } from './engine/cast-failures';
import { inspectJson, jsonTooLarge, MAX_JSON_BYTES } from './engine/inspect-json';
import { inspectParquet } from './engine/inspect-parquet';
import { attachJsonTable, detachJsonTable } from './engine/json-tables';
import { blobFromRanges, ParquetTables, type ParquetWasmReader } from './engine/parquet-tables';
import { fileIo, readRange, RemoteFile, remoteFileFrom, RemoteReads } from './engine/remote-files';
import { crawlFiles, type CrawlItem } from './engine/crawl-files';
import { JobTarget } from './engine/job-target';

/**
 * The DuckDB host. DuckDB's blocking bundle runs right here, in this worker, so reads of dropped
 * files go through FileReaderSync lazily and the page's thread never waits on SQL.
 */
interface Registered {
  file: File | RemoteFile;
  path: string;
  gzip: boolean;
}

const files = new Map<string, Registered>();
const cancelled = new Set<string>();
interface Engine {
  s: SqlSession;
  tracker: ReadTracker;
  version: string;
  /**
   * A second connection for the catalog and the SQL console: a scan streams on `s` across
   * awaits, and a query on the same connection would end its stream. Temp tables (console
   * results, rejects) are per connection too.
   */
  q: SqlSession;
  tables: AttachedTables<File | UrlFile>;
  sql: SqlConsole;
  /** Reads registered remote files by range GETs (hooks the runtime, like the tracker). */
  remote: RemoteReads;
  /** Parquet tables, read on first use on a connection of their own. */
  parquet: ParquetTables;
}
let engine: Promise<Engine> | null = null;
/** Job targets between prepareJobTarget and endJobTarget, each on its own connection. */
const jobTargets = new Map<string, JobTarget>();

let parquetWasm: Promise<ParquetWasmReader> | null = null;

/** parquet-wasm, for reading Parquet tables: loaded with the first one, off the start-up path. */
function loadParquetWasm(): Promise<ParquetWasmReader> {
  parquetWasm ??= import('parquet-wasm').then(
    async (pw) => {
      await pw.default({ module_or_path: parquetWasmUrl });
      return pw;
    },
    (e) => {
      parquetWasm = null;
      throw e;
    },
  );
  return parquetWasm;
}

/** A trap in parquet-wasm's async reader is thrown from a microtask: it reaches `self` here. */
function watchTraps(onTrap: (error: unknown) => void): () => void {
  const listener = (ev: ErrorEvent) => {
    if (!(ev.error instanceof WebAssembly.RuntimeError)) return;
    ev.preventDefault();
    onTrap(ev.error);
  };
  self.addEventListener('error', listener);
  return () => self.removeEventListener('error', listener);
}

function start() {
  engine ??= (async () => {
    const db = await createDuckDB(
      { mvp: { mainModule: mvpWasm, mainWorker: '' }, eh: { mainModule: ehWasm, mainWorker: '' } },
      new VoidLogger(),
      BROWSER_RUNTIME,
    );
    await db.instantiate(() => {});
    db.open({});
    // Before the tracker, so that it counts remote reads too.
    const remote = new RemoteReads();
    const tracker = new ReadTracker();
    const s = new SqlSession(db);
    const q = new SqlSession(db);
    const tables = new AttachedTables<File | UrlFile>(q, {
      register: (name, file) =>
        file instanceof File
          ? db.registerFileHandle(name, file, DuckDBDataProtocol.BROWSER_FILEREADER, true)
          : remote.register(db, name, remoteFileFrom(file)),
      drop: (name) => (remote.has(name) ? remote.drop(db, name) : db.dropFile(name)),
    });
    const sql = new SqlConsole(q, tables.relabel);
    const parquet = new ParquetTables(new SqlSession(db), {
      parquetWasm: loadParquetWasm,
      watchTraps,
    });
    return { s, tracker, version: db.getVersion(), q, tables, sql, parquet, remote };
  })();
  return engine;
}

function registered(fileId: string): Registered {
  const r = files.get(fileId);
  if (!r) throw new DecantError(`engine: no file with id ${fileId} (was it removed?)`);
  return r;
}

/** Sends batches over the port, waiting for the Parquet worker's credit before each one. */
function portSink(port: MessagePort): BatchSink {
  let credit = 0;
  let wake: (() => void) | null = null;
  port.onmessage = (e: MessageEvent<CreditMessage>) => {
    credit += e.data.n;
    wake?.();
    wake = null;
  };
  return {
    send(msg: BatchMessage) {
      if (msg.t === 'batch') credit--;
      port.postMessage(msg, msg.t === 'batch' || msg.t === 'schema' ? [msg.bytes.buffer] : []);
    },
    async room() {
      // Yield even with credit in hand, so a cancel message gets its turn.
      await new Promise<void>((r) => {
        const ch = new MessageChannel();
        ch.port1.onmessage = () => r();
        ch.port2.postMessage(0);
      });
      while (credit <= 0) await new Promise<void>((r) => (wake = r));
    },
  };
}

async function guard<T>(f: () => Promise<T> | T): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw toWireError(e);
  }
}

const api: EngineApi = {
  init: () => guard(async () => (await start()).version),

  addFile: (fileId: string, file: File) =>
    guard(async () => {
      const { s } = await start();
      const gzip = /\.(gz|gzip)$/i.test(file.name);
      const path = `f${fileId}${gzip ? '.csv.gz' : '.csv'}`;
      s.db.registerFileHandle(path, file, DuckDBDataProtocol.BROWSER_FILEREADER, true);
      files.set(fileId, { file, path, gzip });
    }),

  addUrl: (fileId: string, file: UrlFile) =>
    guard(async () => {
      const { s, remote } = await start();
      const gzip = /\.(gz|gzip)$/i.test(file.name);
      const path = `f${fileId}${gzip ? '.csv.gz' : '.csv'}`;
      const rf = remoteFileFrom(file);
      remote.register(s.db, path, rf);
      files.set(fileId, { file: rf, path, gzip });
    }),

  removeFile: (fileId: string) =>
    guard(async () => {
      const r = files.get(fileId);
      if (!r) return;
      const { s, remote } = await start();
      if (r.file instanceof RemoteFile) remote.drop(s.db, r.path);
      else s.db.dropFile(r.path);
      files.delete(fileId);
    }),

  inspect: (fileId: string, opts?: InspectOptions) =>
    guard(async () => {
      const { s } = await start();
      const r = registered(fileId);
      const head = await fileIo(r.file, r.gzip).head();
      const result = inspectCsv(
        s,
        {
          fileId,
          path: r.path,
          name: r.file.name,
          size: r.file.size,
          head: head.bytes,
          headSpan: head.span,
          headIsWhole: head.whole,
          gzip: r.gzip,
        },
        opts,
      );
      return Comlink.transfer(result, [result.preview.buffer]);
    }),

  validateCsv: (fileId: string, plan: Pick<ScanPlan, 'dialect' | 'columns' | 'badRows'>) =>
    guard(async () => {
      const { s: main } = await start();
      const r = registered(fileId);
      // Its own connection, like a scan: a conversion may be streaming on another one.
      const s = new SqlSession(main.db);
      try {
        return validateCsv(s, { path: r.path, name: r.file.name }, plan);
      } finally {
        s.close();
      }
    }),

  scan: (
    taskId: string,
    plan: ScanPlan,
    port: MessagePort,
    onProgress: (p: ScanProgress) => void,
  ) =>
    guard(async () => {
      const { s: main, tracker } = await start();
      const r = registered(plan.fileId);
      // A connection of its own: a query on the connection a stream reads from ends that stream
      // early without an error, and inspections keep running on the main one meanwhile.
      const s = new SqlSession(main.db);
      let last = 0;
      try {
        return await scanCsv(
          s,
          tracker,
          { path: r.path, name: r.file.name, size: r.file.size },
          plan,
          portSink(port),
          {
            cancelled: () => cancelled.has(taskId),
            onProgress: (p) => {
              // Progress crosses to the page at most ~20 times a second.
              const now = performance.now();
              if (now - last > 50 || p.bytesRead >= p.bytesTotal) {
                last = now;
                onProgress(p);
              }
            },
          },
        );
      } finally {
        cancelled.delete(taskId);
        s.close();
      }
    }),

  cancel: async (taskId: string) => {
    cancelled.add(taskId);
  },

  attachTable: (t: AttachedTable) =>
    guard(async () => {
      const { tables, parquet } = await start();
      // Now a CSV table: a Parquet table of that name would stand in the view's way.
      parquet.detach(t.database, t.name);
      tables.attach(t);
    }),

  detachTable: (database: string, name: string) =>
    guard(async () => (await start()).tables.detach(database, name)),

  runSql: (sql: string) =>
    guard(async () => {
      const e = await start();
      await e.parquet.loadReferenced(sql);
      return e.sql.runSql(sql);
    }),

  page: (resultId: string, offset: number, limit: number) =>
    guard(async () => {
      const bytes = (await start()).sql.page(resultId, offset, limit);
      return Comlink.transfer(bytes, [bytes.buffer]);
    }),

  dropResult: (resultId: string) => guard(async () => (await start()).sql.dropResult(resultId)),

  columnStatistics: (database: string, name: string) =>
    guard(async () => {
      const { q, tables, parquet } = await start();
      await parquet.load(database, name);
      return columnStatistics(q, database, name, tables.relabel);
    }),

  castFailures: (database: string, name: string, column: string, type: string) =>
    guard(async () => {
      const { q, tables } = await start();
      return castFailures(q, tables.table(database, name), column, type, tables.relabel);
    }),

  inspectJson: (fileId: string) =>
    guard(async () => {
      const { s } = await start();
      const r = registered(fileId);
      const bytes = await fileIo(r.file, r.gzip).whole(MAX_JSON_BYTES);
      if (!bytes) throw jsonTooLarge(r.file.name, r.gzip ? null : r.file.size);
      return inspectJson(s, { name: r.file.name, bytes });
    }),

  inspectParquet: (fileId: string) =>
    guard(async () => {
      const { s } = await start();
      const r = registered(fileId);
      return inspectParquet(fileIo(r.file, false).buffer(), r.file.name, s);
    }),

  classifyCsvCustom: (fileId: string, classifier: CsvClassifierSettings) =>
    guard(async () => {
      const { s: main } = await start();
      const r = registered(fileId);
      const head = await fileIo(r.file, r.gzip).head();
      // Its own connection, like validateCsv: a conversion may be streaming on the main one.
      const s = new SqlSession(main.db);
      try {
        return classifyCsvCustom(
          s,
          {
            fileId,
            path: r.path,
            name: r.file.name,
            size: r.file.size,
            head: head.bytes,
            headSpan: head.span,
            headIsWhole: head.whole,
            gzip: r.gzip,
          },
          classifier,
        );
      } finally {
        s.close();
      }
    }),

  attachJsonTable: (t: JsonTable) =>
    guard(async () => {
      const { q } = await start();
      const files = [];
      for (const f of t.files) {
        const gzip = /\.(gz|gzip)$/i.test(f.path);
        const file = f.file instanceof File ? f.file : remoteFileFrom(f.file);
        const bytes = await fileIo(file, gzip).whole(MAX_JSON_BYTES);
        if (!bytes)
          throw jsonTooLarge(`${t.database}.${t.name}/${f.path}`, gzip ? null : f.file.size);
        files.push({ path: f.path, bytes });
      }
      attachJsonTable(q, { database: t.database, name: t.name, files });
      // The JSON table replaced any Parquet table of that name.
      (await start()).parquet.forget(t.database, t.name);
    }),

  detachJsonTable: (database: string, name: string) =>
    guard(async () => detachJsonTable((await start()).q, database, name)),

  attachParquetTable: (t: ParquetTable) =>
    guard(async () => {
      const { tables, parquet } = await start();
      // A URL is read by range GETs only (never a HEAD), each checked like DuckDB's own reads.
      const blobs = t.files.map(({ file, ...f }) => {
        if (file instanceof File) return { ...f, file };
        const remote = remoteFileFrom(file);
        return { ...f, file: blobFromRanges(remote.size, (a, b) => readRange(remote, a, b)) };
      });
      parquet.attach({ ...t, files: blobs });
      // Now a Parquet table: a CSV view of that name would stand in its way.
      tables.detach(t.database, t.name);
    }),

  detachParquetTable: (database: string, name: string) =>
    guard(async () => (await start()).parquet.detach(database, name)),

  crawlFiles: (taskId, requests, opts, onProgress) =>
    guard(async () => {
      const { s: main, remote } = await start();
      // Its own connection, like a scan: queries elsewhere must not end its reads.
      const s = new SqlSession(main.db);
      // Files are registered only while read (see CrawlItem); whatever is left, is dropped.
      const names = new Set<string>();
      const drop = (n: string) => {
        if (!names.delete(n)) return;
        if (remote.has(n)) remote.drop(s.db, n);
        else s.db.dropFile(n);
      };
      try {
        const items: CrawlItem[] = requests.map((r, i) => {
          const gzip = /\.(gz|gzip)$/i.test(r.path);
          const registered = `crawl-${taskId}-${i}${gzip ? '.csv.gz' : '.csv'}`;
          const file = r.file instanceof File ? r.file : remoteFileFrom(r.file);
          const register = (n: string, bytes?: Uint8Array) => {
            if (bytes) s.db.registerFileBuffer(n, bytes);
            else if (file instanceof RemoteFile) remote.register(s.db, n, file);
            else s.db.registerFileHandle(n, file, DuckDBDataProtocol.BROWSER_FILEREADER, true);
            names.add(n);
          };
          return { ...r, registered, gzip, io: fileIo(file, gzip), register, drop };
        });
        return await crawlFiles(s, items, {
          sampleSize: opts.sampleSize,
          customCsv: customCsvStep(s, opts.classifiers ?? []),
          cancelled: () => cancelled.has(taskId),
          onProgress: (p) => void onProgress(p),
        });
      } finally {
        for (const n of [...names]) drop(n);
        cancelled.delete(taskId);
        s.close();
      }
    }),

  tableScan: (database: string, name: string) =>
    guard(async () => {
      const { tables } = await start();
      const view = tables.table(database, name);
      return { dialect: view.dialect, registered: tables.registeredFiles(database, name) };
    }),

  prepareJobTarget: (taskId: string, spec: JobTargetSpec) =>
    guard(async () => {
      const e = await start();
      await e.parquet.loadReferenced(spec.sql);
      // Its own connection (see JobTarget): a stream must not be ended by other queries.
      const target = new JobTarget(e.s.db, taskId, spec);
      jobTargets.set(taskId, target);
      return target.prepare({ cancelled: () => cancelled.has(taskId) });
    }),

  streamJobPart: (
    taskId: string,
    part: number,
    port: MessagePort,
    onProgress: (p: JobStreamProgress) => void,
  ) =>
    guard(async () => {
      const { tracker } = await start();
      const t = jobTargets.get(taskId);
      if (!t) throw new DecantError(`job: target ${taskId} was not prepared`);
      let last = 0;
      return t.streamPart(part, portSink(port), {
        cancelled: () => cancelled.has(taskId),
        bytesRead: () => tracker.furthestByte(),
        onProgress: (p) => {
          const now = performance.now();
          if (now - last > 50) {
            last = now;
            onProgress(p);
          }
        },
      });
    }),

  endJobTarget: (taskId: string) =>
    guard(async () => {
      const t = jobTargets.get(taskId);
      jobTargets.delete(taskId);
      cancelled.delete(taskId);
      t?.end();
    }),
};

Comlink.expose(api);
