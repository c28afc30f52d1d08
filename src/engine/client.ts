import * as Comlink from 'comlink';
import { DecantError } from '../core/errors';
import type {
  CrawlOutcome,
  CrawlProgress,
  CrawlRequest,
  CrawlRequestOptions,
  EncodeOptions,
  EncodeProgress,
  EncodeResult,
  EngineApi,
  JobStreamProgress,
  JobTargetPlan,
  JobTargetSpec,
  ParquetApi,
  QualityProgress,
  QualityQueryResult,
  ScanPlan,
  ScanProgress,
  ScanResult,
  TextEncodeOptions,
} from './protocol';
import { registerErrorTransfer } from './error-transfer';

/** How a job target's files are encoded (src/jobs' TargetWriteFormat has this shape). */
export type JobOutputFormat =
  | { kind: 'parquet'; compression: ParquetCompressionName; rowGroupSize: number }
  | Extract<TextEncodeOptions, { kind: 'csv' }>
  | { kind: 'ndjson'; compression: 'none' | 'gzip' };
type ParquetCompressionName = EncodeOptions['compression'];
type CsvEncodeOptions = Extract<TextEncodeOptions, { kind: 'csv' }>;

export interface JobTargetProgress {
  /** Files finished, of `plan.parts.length`. */
  partsDone: number;
  parts: number;
  /** Rows streamed so far in all. */
  rows: number;
  bytesRead: number;
  bytesWritten: number;
}

/** A job target's files, encoded and held in memory until the caller writes them somewhere. */
export interface JobTargetOutput {
  plan: JobTargetPlan;
  files: { values: (string | null)[]; blob: Blob; rows: number }[];
}

export interface ConvertProgress extends ScanProgress, EncodeProgress {}

export interface ConvertOutcome {
  scan: ScanResult;
  encode: EncodeResult;
}

/** Calls of EngineApi that only the operations below make (they take a task id and ports). */
type InternalCall =
  | 'init'
  | 'scan'
  | 'cancel'
  | 'crawlFiles'
  | 'prepareJobTarget'
  | 'streamJobPart'
  | 'endJobTarget'
  | 'scanFileTable'
  | 'qualityQueries';
const INTERNAL = new Set<string>([
  'init',
  'scan',
  'cancel',
  'crawlFiles',
  'prepareJobTarget',
  'streamJobPart',
  'endJobTarget',
  'scanFileTable',
  'qualityQueries',
]);

/**
 * The page's handle on the engine: every EngineApi call straight through comlink (errors arrive
 * as DecantErrors with all their fields, see error-transfer.ts), plus the operations below that
 * span both workers or take an AbortSignal.
 */
export type EngineClient = Omit<Comlink.Remote<EngineApi>, InternalCall> & EngineOperations;

/**
 * The calls that are more than one message: batches flow from the engine worker to the encoder
 * worker over their own channel, and the page sees only progress and the result.
 */
class EngineOperations {
  readonly #engine: Comlink.Remote<EngineApi>;
  readonly #parquet: Comlink.Remote<ParquetApi>;
  readonly #terminate: () => void;
  #tasks = 0;
  /** Resolves with DuckDB's version once both workers started. */
  readonly ready: Promise<string>;

  constructor(
    engine: Comlink.Remote<EngineApi>,
    parquet: Comlink.Remote<ParquetApi>,
    terminate: () => void,
  ) {
    this.#engine = engine;
    this.#parquet = parquet;
    this.#terminate = terminate;
    // DuckDB first, off the first paint: its start is what a dropped file waits for, and on two
    // cores the encoder's wasm compiling beside it slowed it. The encoder starts once DuckDB is
    // up (a convert before then loads it itself; a failure to load surfaces on that convert).
    this.ready = engine.init().then((version) => {
      void parquet.init().catch(() => undefined);
      return version;
    });
  }

  #taskId(): string {
    return `t${++this.#tasks}`;
  }

  /**
   * Converts one registered file to Parquet. Fails loudly (code 'row-mismatch') unless rows read
   * by DuckDB, rows encoded and rows in the output's footer all agree. `signal` cancels.
   */
  async convert(
    plan: ScanPlan,
    opts: EncodeOptions,
    onProgress: (p: ConvertProgress) => void,
    signal?: AbortSignal,
  ): Promise<ConvertOutcome> {
    const taskId = this.#taskId();
    const channel = new MessageChannel();
    let scanP: ScanProgress = { bytesRead: 0, bytesTotal: 0, rowsRead: 0 };
    let encP: EncodeProgress = { rowsWritten: 0, bytesWritten: 0 };
    const report = () => onProgress({ ...scanP, ...encP });
    const onAbort = () => void this.#engine.cancel(taskId);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const encoding = this.#parquet.encode(
        Comlink.transfer(channel.port2, [channel.port2]),
        opts,
        Comlink.proxy((p: EncodeProgress) => ((encP = p), report())),
      );
      const scanning = this.#engine.scan(
        taskId,
        plan,
        Comlink.transfer(channel.port1, [channel.port1]),
        Comlink.proxy((p: ScanProgress) => ((scanP = p), report())),
      );
      // The scan's error is the cause; the encoder only echoes it, so report the scan's first.
      const [scan, encode] = await Promise.allSettled([scanning, encoding]);
      if (scan.status === 'rejected') throw scan.reason;
      if (encode.status === 'rejected') throw encode.reason;
      const s = scan.value;
      const e = encode.value;
      if (s.rowsRead !== e.rowsWritten || e.rowsInFooter !== s.rowsRead) {
        throw new DecantError(
          `parquet: rows read (${s.rowsRead}), encoded (${e.rowsWritten}) and in the file ` +
            `(${e.rowsInFooter}) disagree; the file was not saved`,
          { code: 'row-mismatch' },
        );
      }
      return { scan: s, encode: e };
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * Converts a file read by loadFileTable (JSON or Parquet) to Parquet or CSV, streamed from the
   * engine to the encoder like `convert`. Rows read and rows encoded must agree (code
   * 'row-mismatch'); `signal` cancels (code 'cancelled').
   */
  async convertFileTable(
    fileId: string,
    format: { kind: 'parquet'; compression: ParquetCompressionName } | CsvEncodeOptions,
    onProgress: (p: ConvertProgress) => void,
    signal?: AbortSignal,
  ): Promise<{ scan: ScanResult; blob: Blob; rowsWritten: number; rowGroups?: number }> {
    const taskId = this.#taskId();
    const channel = new MessageChannel();
    let scanP: ScanProgress = { bytesRead: 0, bytesTotal: 0, rowsRead: 0 };
    let encP: EncodeProgress = { rowsWritten: 0, bytesWritten: 0 };
    const report = () => onProgress({ ...scanP, ...encP });
    const onAbort = () => void this.#engine.cancel(taskId);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const port = Comlink.transfer(channel.port2, [channel.port2]);
      const onEncode = Comlink.proxy((p: EncodeProgress) => ((encP = p), report()));
      const encoding: Promise<{ blob: Blob; rowsWritten: number; rowGroups?: number }> =
        format.kind === 'parquet'
          ? this.#parquet.encode(port, { compression: format.compression }, onEncode)
          : this.#parquet.encodeText(port, format, onEncode);
      const scanning = this.#engine.scanFileTable(
        taskId,
        fileId,
        Comlink.transfer(channel.port1, [channel.port1]),
        Comlink.proxy((p: ScanProgress) => ((scanP = p), report())),
        format.kind === 'parquet' ? 'parquet' : 'text',
      );
      const [scan, encode] = await Promise.allSettled([scanning, encoding]);
      if (scan.status === 'rejected') throw scan.reason;
      if (encode.status === 'rejected') throw encode.reason;
      const e = encode.value;
      const inFooter = 'rowsInFooter' in e ? (e as EncodeResult).rowsInFooter : e.rowsWritten;
      if (scan.value.rowsRead !== e.rowsWritten || inFooter !== e.rowsWritten)
        throw new DecantError(
          `convert: rows read (${scan.value.rowsRead}) and written (${e.rowsWritten}) disagree; ` +
            'the file was not saved',
          { code: 'row-mismatch' },
        );
      return { scan: scan.value, blob: e.blob, rowsWritten: e.rowsWritten, rowGroups: e.rowGroups };
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** See EngineApi.crawlFiles; `signal` cancels between files (rejects with code 'cancelled'). */
  async crawlFiles(
    files: CrawlRequest[],
    opts: CrawlRequestOptions,
    onProgress: (p: CrawlProgress) => void,
    signal?: AbortSignal,
  ): Promise<CrawlOutcome> {
    const taskId = this.#taskId();
    const onAbort = () => void this.#engine.cancel(taskId);
    signal?.addEventListener('abort', onAbort);
    try {
      return await this.#engine.crawlFiles(taskId, files, opts, Comlink.proxy(onProgress));
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * Runs one compiled job target: the engine streams each output file's rows (one per partition)
   * to the encoder worker, which makes a Parquet, CSV or NDJSON Blob of it. Nothing is written
   * anywhere: the caller publishes the files once every target succeeded. Rows streamed and rows
   * encoded must agree (code 'row-mismatch'); `signal` cancels (code 'cancelled').
   */
  async runJobTarget(
    spec: JobTargetSpec,
    format: JobOutputFormat,
    onProgress: (p: JobTargetProgress) => void,
    signal?: AbortSignal,
  ): Promise<JobTargetOutput> {
    const taskId = this.#taskId();
    const onAbort = () => void this.#engine.cancel(taskId);
    if (signal?.aborted) throw new DecantError('job: cancelled', { code: 'cancelled' });
    signal?.addEventListener('abort', onAbort, { once: true });
    const progress: JobTargetProgress = {
      partsDone: 0,
      parts: 0,
      rows: 0,
      bytesRead: 0,
      bytesWritten: 0,
    };
    try {
      const plan = await this.#engine.prepareJobTarget(taskId, spec);
      progress.parts = plan.parts.length;
      onProgress({ ...progress });
      const files: JobTargetOutput['files'] = [];
      let rowsBefore = 0;
      let bytesBefore = 0;
      for (let i = 0; i < plan.parts.length; i++) {
        if (signal?.aborted) throw new DecantError('job: cancelled', { code: 'cancelled' });
        const channel = new MessageChannel();
        const port = Comlink.transfer(channel.port2, [channel.port2]);
        const onEncode = Comlink.proxy((p: EncodeProgress) => {
          progress.bytesWritten = bytesBefore + p.bytesWritten;
          onProgress({ ...progress });
        });
        const encoding: Promise<{ blob: Blob; rowsWritten: number }> =
          format.kind === 'parquet'
            ? this.#parquet.encode(
                port,
                { compression: format.compression, rowGroupSize: format.rowGroupSize },
                onEncode,
              )
            : this.#parquet.encodeText(
                port,
                format.kind === 'csv' ? format : { ...format, numericText: plan.numericText },
                onEncode,
              );
        const streaming = this.#engine.streamJobPart(
          taskId,
          i,
          Comlink.transfer(channel.port1, [channel.port1]),
          Comlink.proxy((p: JobStreamProgress) => {
            progress.rows = rowsBefore + p.rows;
            progress.bytesRead = Math.max(progress.bytesRead, p.bytesRead);
            onProgress({ ...progress });
          }),
        );
        // The engine's error is the cause; the encoder only echoes it.
        const [sent, encoded] = await Promise.allSettled([streaming, encoding]);
        if (sent.status === 'rejected') throw sent.reason;
        if (encoded.status === 'rejected') throw encoded.reason;
        if (sent.value.rows !== encoded.value.rowsWritten)
          throw new DecantError(
            `job: rows streamed (${sent.value.rows}) and encoded (${encoded.value.rowsWritten}) ` +
              'disagree; nothing was written',
            { code: 'row-mismatch' },
          );
        files.push({
          values: plan.parts[i]!.values,
          blob: encoded.value.blob,
          rows: sent.value.rows,
        });
        rowsBefore += sent.value.rows;
        bytesBefore += encoded.value.blob.size;
        progress.rows = rowsBefore;
        progress.bytesWritten = bytesBefore;
        progress.partsDone = i + 1;
        onProgress({ ...progress });
      }
      return { plan, files };
    } finally {
      signal?.removeEventListener('abort', onAbort);
      await this.#engine.endJobTarget(taskId).catch(() => undefined);
    }
  }

  /** See EngineApi.qualityQueries; `signal` cancels between queries (code 'cancelled'). */
  async qualityQueries(
    queries: string[],
    onProgress: (p: QualityProgress) => void,
    signal?: AbortSignal,
  ): Promise<QualityQueryResult[]> {
    if (signal?.aborted)
      throw new DecantError('quality: evaluation cancelled', { code: 'cancelled' });
    const taskId = this.#taskId();
    const onAbort = () => void this.#engine.cancel(taskId);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await this.#engine.qualityQueries(taskId, queries, Comlink.proxy(onProgress));
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Stops both workers; every call after this rejects or never settles. */
  terminate(): void {
    this.#terminate();
  }
}

/**
 * An EngineClient over two comlink endpoints: the engine host's and the encoder host's. Reads of
 * `then` give undefined, so the client is never mistaken for a promise.
 */
export function engineClientOf(
  engine: Comlink.Remote<EngineApi>,
  parquet: Comlink.Remote<ParquetApi>,
  terminate: () => void = () => undefined,
): EngineClient {
  registerErrorTransfer();
  const operations = new EngineOperations(engine, parquet, terminate);
  return new Proxy(operations, {
    get(target, prop) {
      if (prop in target) {
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      }
      if (typeof prop === 'symbol' || prop === 'then' || INTERNAL.has(prop)) return undefined;
      return (engine as unknown as Record<string, unknown>)[prop];
    },
  }) as unknown as EngineClient;
}

/** Starts the page's two workers (DuckDB, and parquet-wasm for encoding) and connects to them. */
export function connectEngine(): EngineClient {
  const engineWorker = new Worker(new URL('../../workers/engine.worker.ts', import.meta.url), {
    type: 'module',
    name: 'decant-engine',
  });
  const parquetWorker = new Worker(new URL('../../workers/parquet.worker.ts', import.meta.url), {
    type: 'module',
    name: 'decant-parquet',
  });
  return engineClientOf(
    Comlink.wrap<EngineApi>(engineWorker),
    Comlink.wrap<ParquetApi>(parquetWorker),
    () => {
      engineWorker.terminate();
      parquetWorker.terminate();
    },
  );
}
