/**
 * The engine worker's host: every call the page makes of DuckDB (files, inspection, crawls, SQL,
 * tables, job targets), on connections kept apart. About 400 lines on purpose: it only routes
 * each call of EngineApi to the module that does the work, so the API reads in one place.
 */
import * as Comlink from 'comlink';
import type { DuckDBBindings, DuckDBRuntime } from '@duckdb/duckdb-wasm/blocking';
import type {
  ColumnStatistics,
  CrawlOutcome,
  CrawlProgress,
  CrawlRequest,
  CrawlRequestOptions,
  CsvInspection,
  EngineApi,
  FileSchema,
  FileTableInspection,
  InspectOptions,
  JobStreamProgress,
  JobTargetPlan,
  JobTargetSpec,
  JsonTable,
  ParquetTable,
  QualityProgress,
  QualityQueryResult,
  ScanPlan,
  ScanProgress,
  ScanResult,
  SqlResult,
  TableAttachment,
  UrlFile,
} from '../../src/engine/protocol';
import type { CsvDialect } from '../../src/core/csv/dialect';
import type { CsvClassifierSettings, CustomCsvVerdict } from '../../src/core/csv/custom-classifier';
import { DecantError } from '../../src/core/errors';
import { mayWrite } from '../../src/core/sql/statement-guard';
import { AttachedTables } from './attached-tables';
import { castFailures, typedCastFailures } from './cast-failures';
import { columnStatistics } from './column-statistics';
import { crawlRequests } from './crawl-requests';
import { classifyCsvCustom } from './custom-csv';
import { FileTables } from './file-tables';
import { inspectCsv, type CsvSource } from './inspect-csv';
import { inspectJson, jsonTooLarge, MAX_JSON_BYTES } from './inspect-json';
import { inspectParquet } from './inspect-parquet';
import { JobTarget } from './job-target';
import { attachJsonTable, detachJsonTable } from './json-tables';
import { ParquetTables, type ParquetReaderHost } from './parquet-tables';
import { blobFromSource } from '../../src/core/byte-source';
import { portSink, throttled } from './port-sink';
import { runQualityQueries } from './quality-queries';
import { fileIo, RemoteFile, remoteFileFrom, type SyncGet } from './remote-files';
import { installRuntimeHooks, type ReadTracker, type RemoteReads } from './runtime-hooks';
import { scanCsv } from './scan-csv';
import { SqlConsole } from './sql-console';
import { SqlSession } from './sql-session';
import { validateCsv } from './validate-csv';

/** DuckDB, instantiated and opened, with the runtime its wasm calls and its package version. */
export interface DuckDBStart {
  db: DuckDBBindings;
  /** globalThis.DUCKDB_RUNTIME after instantiate(): the object the hooks patch. */
  runtime: DuckDBRuntime;
  /** @duckdb/duckdb-wasm's PACKAGE_VERSION, checked against the hooks' version. */
  packageVersion: string;
}

/** What differs between the worker (browser bundle) and Node tests (Node blocking bundle). */
export interface EngineHostOptions extends ParquetReaderHost {
  /** Instantiates and opens DuckDB; called once, by the first call on the host. */
  startDuckDB(): Promise<DuckDBStart>;
  /** Registers a local file with DuckDB under `name`, read lazily (never copied). */
  registerFile(db: DuckDBBindings, name: string, file: File): void;
  /** One synchronous ranged GET (synchronous XHR in the worker). */
  syncGet?: SyncGet;
}

/** A file registered by addFile/addUrl. */
interface Registered {
  file: File | RemoteFile;
  /** Its name in DuckDB. */
  path: string;
  gzip: boolean;
}

/** The engine once DuckDB runs. */
interface Engine {
  db: DuckDBBindings;
  version: string;
  /** Inspections and registrations of dropped files (scans and crawls open their own). */
  inspectConnection: SqlSession;
  /**
   * The catalog's views and the SQL console: a scan streams on its own connection across
   * awaits, and a query on the same connection would end its stream. Temp tables (console
   * results, rejects) are per connection too.
   */
  catalogConnection: SqlSession;
  tracker: ReadTracker;
  /** Reads registered remote files by range GETs, and refuses every other URL. */
  remote: RemoteReads;
  csvTables: AttachedTables<File | UrlFile>;
  sqlConsole: SqlConsole;
  /** Parquet tables, read on first use on a connection of their own. */
  parquetTables: ParquetTables;
}

const isGzip = (name: string) => /\.(gz|gzip)$/i.test(name);

/**
 * The DuckDB engine behind the worker boundary (EngineApi). DuckDB's blocking bundle runs in the
 * same thread as this class, so reads of dropped files go through FileReaderSync lazily and the
 * page's thread never waits on SQL. The same class runs in Node tests on the Node bundle.
 * Errors are thrown as they are: the worker's comlink `throw` handler carries every field.
 */
export class EngineHost implements EngineApi {
  private engine: Promise<Engine> | null = null;
  private files = new Map<string, Registered>();
  private cancelled = new Set<string>();
  /** Job targets between prepareJobTarget and endJobTarget, each on its own connection. */
  private jobTargets = new Map<string, JobTarget>();
  /** Quick convert's JSON and Parquet files, read on a connection of their own when first used. */
  private fileTables: FileTables | null = null;

  constructor(private readonly options: EngineHostOptions) {}

  private start(): Promise<Engine> {
    this.engine ??= this.open();
    return this.engine;
  }

  private async open(): Promise<Engine> {
    const { db, runtime, packageVersion } = await this.options.startDuckDB();
    const { remote, tracker } = installRuntimeHooks(packageVersion, runtime, this.options.syncGet);
    const catalogConnection = new SqlSession(db);
    const csvTables = new AttachedTables<File | UrlFile>(catalogConnection, {
      register: (name, file) =>
        file instanceof File
          ? this.options.registerFile(db, name, file)
          : remote.register(db, name, remoteFileFrom(file)),
      drop: (name) => (remote.has(name) ? remote.drop(db, name) : db.dropFile(name)),
    });
    return {
      db,
      version: db.getVersion(),
      inspectConnection: new SqlSession(db),
      catalogConnection,
      tracker,
      remote,
      csvTables,
      sqlConsole: new SqlConsole(catalogConnection, csvTables.relabel),
      parquetTables: new ParquetTables(new SqlSession(db), this.options),
    };
  }

  private registered(fileId: string): Registered {
    const r = this.files.get(fileId);
    if (!r) throw new DecantError(`engine: no file with id ${fileId} (was it removed?)`);
    return r;
  }

  /** What the CSV readers need of a registered file, with its first bytes. */
  private async csvSource(fileId: string): Promise<CsvSource> {
    const r = this.registered(fileId);
    const head = await fileIo(r.file, r.gzip).head();
    return {
      fileId,
      path: r.path,
      name: r.file.name,
      size: r.file.size,
      head: head.bytes,
      headSpan: head.span,
      headIsWhole: head.whole,
      gzip: r.gzip,
    };
  }

  /** Runs `f` on a connection of its own, closed after: a stream elsewhere must not be ended. */
  private async ownConnection<T>(f: (s: SqlSession, e: Engine) => Promise<T> | T): Promise<T> {
    const e = await this.start();
    const s = new SqlSession(e.db);
    try {
      return await f(s, e);
    } finally {
      s.close();
    }
  }

  async init(): Promise<string> {
    return (await this.start()).version;
  }

  async addFile(fileId: string, file: File): Promise<void> {
    const { db } = await this.start();
    const gzip = isGzip(file.name);
    const path = `f${fileId}${gzip ? '.csv.gz' : '.csv'}`;
    this.options.registerFile(db, path, file);
    this.files.set(fileId, { file, path, gzip });
  }

  async addUrl(fileId: string, file: UrlFile): Promise<void> {
    const { db, remote } = await this.start();
    const gzip = isGzip(file.name);
    const path = `f${fileId}${gzip ? '.csv.gz' : '.csv'}`;
    const rf = remoteFileFrom(file);
    remote.register(db, path, rf);
    this.files.set(fileId, { file: rf, path, gzip });
  }

  async removeFile(fileId: string): Promise<void> {
    const r = this.files.get(fileId);
    if (!r) return;
    const { db, remote } = await this.start();
    if (r.file instanceof RemoteFile) remote.drop(db, r.path);
    else db.dropFile(r.path);
    this.files.delete(fileId);
  }

  async inspect(fileId: string, opts?: InspectOptions): Promise<CsvInspection> {
    const { inspectConnection } = await this.start();
    const result = inspectCsv(inspectConnection, await this.csvSource(fileId), opts);
    return Comlink.transfer(result, [result.preview.buffer]);
  }

  validateCsv(
    fileId: string,
    plan: Pick<ScanPlan, 'dialect' | 'columns' | 'badRows'>,
  ): Promise<number> {
    const r = this.registered(fileId);
    return this.ownConnection((s) => validateCsv(s, { path: r.path, name: r.file.name }, plan));
  }

  async scan(
    taskId: string,
    plan: ScanPlan,
    port: MessagePort,
    onProgress: (p: ScanProgress) => void,
  ): Promise<ScanResult> {
    try {
      return await this.ownConnection((s, { tracker }) => {
        const r = this.registered(plan.fileId);
        return scanCsv(
          s,
          tracker,
          { path: r.path, name: r.file.name, size: r.file.size },
          plan,
          portSink(port),
          {
            cancelled: () => this.cancelled.has(taskId),
            onProgress: throttled(onProgress, (p) => p.bytesRead >= p.bytesTotal),
          },
        );
      });
    } finally {
      this.cancelled.delete(taskId);
    }
  }

  async cancel(taskId: string): Promise<void> {
    this.cancelled.add(taskId);
  }

  async attachTable(t: TableAttachment): Promise<void> {
    const e = await this.start();
    switch (t.classification) {
      case 'csv':
        // A Parquet or JSON table of that name would stand in the view's way.
        e.parquetTables.detach(t.database, t.name);
        e.csvTables.attach(t);
        return;
      case 'json':
        await this.attachJson(e, t);
        // It replaced any Parquet table of that name.
        e.parquetTables.forget(t.database, t.name);
        return;
      case 'parquet':
        this.attachParquet(e, t);
        // A CSV view of that name would stand in its way.
        e.csvTables.detach(t.database, t.name);
        return;
    }
  }

  async detachTable(database: string, name: string): Promise<void> {
    const e = await this.start();
    e.csvTables.detach(database, name);
    e.parquetTables.detach(database, name);
    detachJsonTable(e.catalogConnection, database, name);
  }

  private async attachJson(e: Engine, t: JsonTable): Promise<void> {
    const files = [];
    for (const f of t.files) {
      const gzip = isGzip(f.path);
      const file = f.file instanceof File ? f.file : remoteFileFrom(f.file);
      const bytes = await fileIo(file, gzip).whole(MAX_JSON_BYTES);
      if (!bytes)
        throw jsonTooLarge(`${t.database}.${t.name}/${f.path}`, gzip ? null : f.file.size);
      files.push({ path: f.path, bytes });
    }
    attachJsonTable(e.catalogConnection, { database: t.database, name: t.name, files });
  }

  private attachParquet(e: Engine, t: ParquetTable): void {
    // A URL is read by range GETs only (never a HEAD), each checked like DuckDB's own reads.
    const blobs = t.files.map(({ file, ...f }) => {
      if (file instanceof File) return { ...f, file };
      return { ...f, file: blobFromSource(remoteFileFrom(file)) };
    });
    e.parquetTables.attach({ ...t, files: blobs });
  }

  async runSql(sql: string): Promise<SqlResult> {
    const e = await this.start();
    await e.parquetTables.loadReferenced(sql);
    // A loaded Parquet table the statement may change is read again at its next attach.
    if (mayWrite(sql)) e.parquetTables.markWritten();
    return e.sqlConsole.runSql(sql);
  }

  async page(resultId: string, offset: number, limit: number): Promise<Uint8Array> {
    const bytes = (await this.start()).sqlConsole.page(resultId, offset, limit);
    return Comlink.transfer(bytes, [bytes.buffer]);
  }

  async dropResult(resultId: string): Promise<void> {
    (await this.start()).sqlConsole.dropResult(resultId);
  }

  async columnStatistics(
    database: string,
    name: string,
  ): Promise<{ rowCount: number; columns: ColumnStatistics[] }> {
    const e = await this.start();
    await e.parquetTables.load(database, name);
    return columnStatistics(e.catalogConnection, database, name, e.csvTables.relabel);
  }

  async castFailures(
    database: string,
    name: string,
    column: string,
    type: string,
  ): Promise<{ failures: number; examples: string[] }> {
    const e = await this.start();
    // A Parquet table's values are typed in its files: cast as they are.
    const parquet = await e.parquetTables.load(database, name);
    if (parquet) {
      const now = parquet.columns.find((c) => c.name === column);
      if (!now)
        throw new DecantError(
          `catalog: ${JSON.stringify(database)}.${JSON.stringify(name)} has no column ${JSON.stringify(column)}`,
        );
      return typedCastFailures(
        e.catalogConnection,
        database,
        name,
        column,
        now.type,
        type,
        e.csvTables.relabel,
      );
    }
    const view = e.csvTables.table(database, name);
    return castFailures(e.catalogConnection, view, column, type, e.csvTables.relabel);
  }

  async inspectJson(fileId: string): Promise<FileSchema> {
    const { inspectConnection } = await this.start();
    const r = this.registered(fileId);
    const bytes = await fileIo(r.file, r.gzip).whole(MAX_JSON_BYTES);
    if (!bytes) throw jsonTooLarge(r.file.name, r.gzip ? null : r.file.size);
    return inspectJson(inspectConnection, { name: r.file.name, bytes });
  }

  async inspectParquet(fileId: string): Promise<FileSchema> {
    const { inspectConnection } = await this.start();
    const r = this.registered(fileId);
    return inspectParquet(fileIo(r.file, false).buffer(), r.file.name, inspectConnection);
  }

  async classifyCsvCustom(
    fileId: string,
    classifier: CsvClassifierSettings,
  ): Promise<CustomCsvVerdict> {
    const source = await this.csvSource(fileId);
    return this.ownConnection((s) => classifyCsvCustom(s, source, classifier));
  }

  async crawlFiles(
    taskId: string,
    requests: CrawlRequest[],
    opts: CrawlRequestOptions,
    onProgress: (p: CrawlProgress) => void,
  ): Promise<CrawlOutcome> {
    try {
      return await this.ownConnection((s, { db, remote }) =>
        crawlRequests(s, { db, remote, registerFile: this.options.registerFile }, requests, {
          taskId,
          ...opts,
          cancelled: () => this.cancelled.has(taskId),
          onProgress,
        }),
      );
    } finally {
      this.cancelled.delete(taskId);
    }
  }

  async tableScan(
    database: string,
    name: string,
  ): Promise<{ dialect: CsvDialect; registered: string[] }> {
    const { csvTables } = await this.start();
    const view = csvTables.table(database, name);
    return { dialect: view.dialect, registered: csvTables.registeredFiles(database, name) };
  }

  async prepareJobTarget(taskId: string, spec: JobTargetSpec): Promise<JobTargetPlan> {
    const e = await this.start();
    await e.parquetTables.loadReferenced(spec.sql);
    // Its own connection (see JobTarget): a stream must not be ended by other queries.
    const target = new JobTarget(e.db, taskId, spec);
    this.jobTargets.set(taskId, target);
    return target.prepare({ cancelled: () => this.cancelled.has(taskId) });
  }

  async streamJobPart(
    taskId: string,
    part: number,
    port: MessagePort,
    onProgress: (p: JobStreamProgress) => void,
  ): Promise<{ rows: number }> {
    const { tracker } = await this.start();
    const t = this.jobTargets.get(taskId);
    if (!t) throw new DecantError(`job: target ${taskId} was not prepared`);
    return t.streamPart(part, portSink(port), {
      cancelled: () => this.cancelled.has(taskId),
      bytesRead: () => tracker.furthestByte(),
      onProgress: throttled(onProgress),
    });
  }

  async endJobTarget(taskId: string): Promise<void> {
    const t = this.jobTargets.get(taskId);
    this.jobTargets.delete(taskId);
    this.cancelled.delete(taskId);
    t?.end();
  }

  async loadFileTable(fileId: string, kind: 'json' | 'parquet'): Promise<FileTableInspection> {
    const { db } = await this.start();
    const r = this.registered(fileId);
    this.fileTables ??= new FileTables(new SqlSession(db), this.options);
    const found = await this.fileTables.load(fileId, r.file, r.gzip, kind);
    return Comlink.transfer(found, [found.preview.buffer]);
  }

  async scanFileTable(
    taskId: string,
    fileId: string,
    port: MessagePort,
    onProgress: (p: ScanProgress) => void,
    as: 'parquet' | 'text' = 'parquet',
  ): Promise<ScanResult> {
    const r = this.registered(fileId);
    const tables = this.fileTables;
    try {
      if (!tables) throw new DecantError(`convert: "${r.file.name}" was not read yet`);
      return await this.ownConnection((s) =>
        tables.scan(
          s,
          fileId,
          r.file.name,
          r.file.size,
          portSink(port),
          {
            cancelled: () => this.cancelled.has(taskId),
            onProgress: throttled(onProgress),
          },
          as,
        ),
      );
    } finally {
      this.cancelled.delete(taskId);
    }
  }

  async dropFileTable(fileId: string): Promise<void> {
    this.fileTables?.drop(fileId);
  }

  async qualityQueries(
    taskId: string,
    queries: string[],
    onProgress: (p: QualityProgress) => void,
  ): Promise<QualityQueryResult[]> {
    const e = await this.start();
    try {
      const results = await runQualityQueries(e.catalogConnection, queries, {
        cancelled: () => this.cancelled.has(taskId),
        onProgress,
        beforeQuery: (sql) => e.parquetTables.loadReferenced(sql),
        relabel: e.csvTables.relabel,
      });
      if (results.length < queries.length)
        throw new DecantError('quality: evaluation cancelled', { code: 'cancelled' });
      return results;
    } finally {
      this.cancelled.delete(taskId);
    }
  }
}
