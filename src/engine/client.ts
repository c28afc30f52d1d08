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

/** A job target's files: held in memory, or (with OutputFileFor) the files written. */
export interface JobTargetOutput {
  plan: JobTargetPlan;
  files: { values: (string | null)[]; blob: Blob; rows: number }[];
}

/**
 * The file part `index` of a job target (partition `values`) is written into as it is encoded,
 * already under its temporary name; undefined: gather it in memory (a download).
 */
export type OutputFileFor = (
  values: (string | null)[],
  index: number,
) => Promise<FileSystemFileHandle | undefined>;

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
    sink?: FileSystemFileHandle,
  ): Promise<ConvertOutcome> {
    const taskId = this.#taskId();
    const channel = new MessageChannel();
    let scanP: ScanProgress = { bytesRead: 0, bytesTotal: 0, rowsRead: 0 };
    let encP: EncodeProgress = { rowsWritten: 0, bytesWritten: 0 };
    const report = () => onProgress({ ...scanP, ...encP });
    const onAbort = () => void this.#engine.cancel(taskId);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const encoding = this.#stopOnEncoderFailure(
        taskId,
        signal,
        this.#parquet.encode(
          Comlink.transfer(channel.port2, [channel.port2]),
          opts,
          Comlink.proxy((p: EncodeProgress) => ((encP = p), report())),
          sink,
        ),
      );
      const scanning = this.#engine.scan(
        taskId,
        plan,
        Comlink.transfer(channel.port1, [channel.port1]),
        Comlink.proxy((p: ScanProgress) => ((scanP = p), report())),
      );
      const [scan, encode] = await settleBoth(scanning, encoding);
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
    sink?: FileSystemFileHandle,
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
        this.#stopOnEncoderFailure(
          taskId,
          signal,
          format.kind === 'parquet'
            ? this.#parquet.encode(port, { compression: format.compression }, onEncode, sink)
            : this.#parquet.encodeText(port, format, onEncode, sink),
        );
      const scanning = this.#engine.scanFileTable(
        taskId,
        fileId,
        Comlink.transfer(channel.port1, [channel.port1]),
        Comlink.proxy((p: ScanProgress) => ((scanP = p), report())),
        format.kind === 'parquet' ? 'parquet' : 'text',
      );
      const [scan, encode] = await settleBoth(scanning, encoding);
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

  /**
   * When the encoder fails on its own (its file cannot be written), the engine is told to stop
   * scanning; the failure is marked as the cause. A cancel's echo is not such a failure.
   */
  #stopOnEncoderFailure<T>(
    taskId: string,
    signal: AbortSignal | undefined,
    encoding: Promise<T>,
  ): Promise<T> {
    return encoding.catch((e: unknown) => {
      if (!signal?.aborted) {
        if (isObject(e)) encoderFailures.add(e);
        void this.#engine.cancel(taskId);
      }
      throw e;
    });
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
    sinkFor?: OutputFileFor,
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
        const sink = await sinkFor?.(plan.parts[i]!.values, i);
        const encoding: Promise<{ blob: Blob; rowsWritten: number }> = this.#stopOnEncoderFailure(
          taskId,
          signal,
          format.kind === 'parquet'
            ? this.#parquet.encode(
                port,
                { compression: format.compression, rowGroupSize: format.rowGroupSize },
                onEncode,
                sink,
              )
            : this.#parquet.encodeText(
                port,
                format.kind === 'csv' ? format : { ...format, numericText: plan.numericText },
                onEncode,
                sink,
              ),
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
        const [sent, encoded] = await settleBoth(streaming, encoding);
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

/** Errors the encoder raised on its own, not echoing the engine (see #stopOnEncoderFailure). */
const encoderFailures = new WeakSet<object>();

/**
 * Both sides of a stream, settled. The engine's error is the cause (the encoder only echoes it)
 * unless the encoder failed first and the engine only stopped because it was told to.
 */
async function settleBoth<S, E>(
  sending: Promise<S>,
  encoding: Promise<E>,
): Promise<[PromiseFulfilledResult<S>, PromiseFulfilledResult<E>]> {
  const [sent, encoded] = await Promise.allSettled([sending, encoding]);
  // Only a stop the engine was told to make (code 'cancelled') gives way to the encoder's error.
  const engineStopped =
    sent.status === 'rejected' && (sent.reason as { code?: unknown } | null)?.code === 'cancelled';
  if (
    (sent.status === 'fulfilled' || engineStopped) &&
    encoded.status === 'rejected' &&
    isObject(encoded.reason) &&
    encoderFailures.has(encoded.reason)
  )
    throw encoded.reason;
  if (sent.status === 'rejected') throw sent.reason;
  if (encoded.status === 'rejected') throw encoded.reason;
  return [sent, encoded];
}

const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null;

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
