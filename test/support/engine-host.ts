import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import * as Comlink from 'comlink';
import type * as Blocking from '@duckdb/duckdb-wasm/blocking';
import { engineClientOf, type EngineClient } from '../../src/engine/client';
import { registerErrorTransfer } from '../../src/engine/error-transfer';
import type { EngineApi, ParquetApi } from '../../src/engine/protocol';
import { EngineHost, type EngineHostOptions } from '../../workers/engine/engine-host';
import { activeRuntime } from '../../workers/engine/runtime-hooks';
import type { ParquetWasmApi } from '../../workers/parquet/encode-batches';
import { ParquetHost } from '../../workers/parquet/parquet-host';
import { fixturePath } from './fixtures';
import { nodeSyncGet } from './sync-http';

const require = createRequire(import.meta.url);
const duckdb = require('@duckdb/duckdb-wasm/dist/duckdb-node-blocking.cjs') as typeof Blocking & {
  NODE_RUNTIME: Blocking.DuckDBRuntime;
};
const dist = dirname(require.resolve('@duckdb/duckdb-wasm/dist/duckdb-eh.wasm'));

/**
 * A File whose bytes are also on disk: the Node bundle cannot read a Blob synchronously as the
 * worker's FileReaderSync does, so the host registers it by its path (read lazily, like a drop).
 */
export class DiskFile extends File {
  constructor(
    readonly diskPath: string,
    name = basename(diskPath),
  ) {
    super([readFileSync(diskPath)], name, { lastModified: statSync(diskPath).mtimeMs });
  }
}

/** A fixture (`sales/year=2024/month=01/part-0.csv`) as a dropped file would be. */
export function fixtureFile(name: string): DiskFile {
  return new DiskFile(fixturePath(name));
}

/**
 * parquet-wasm's traps: the worker listens for them on `self`; here they are uncaught
 * exceptions, and vitest counts each as a failure of the run, so while a read is watched the
 * other listeners step aside and get anything that is not a trap.
 */
function watchTraps(onTrap: (error: unknown) => void): () => void {
  const others = process.listeners('uncaughtException');
  process.removeAllListeners('uncaughtException');
  const listener = (e: Error) => {
    if (e instanceof WebAssembly.RuntimeError) onTrap(e);
    else for (const o of others) o(e, 'uncaughtException');
  };
  process.on('uncaughtException', listener);
  return () => {
    process.off('uncaughtException', listener);
    for (const o of others) process.on('uncaughtException', o);
  };
}

/** The EngineHost's Node side: DuckDB-WASM's Node blocking bundle, files from disk. */
export const nodeEngine: EngineHostOptions = {
  async startDuckDB() {
    const db = await duckdb.createDuckDB(
      {
        mvp: { mainModule: join(dist, 'duckdb-mvp.wasm'), mainWorker: '' },
        eh: { mainModule: join(dist, 'duckdb-eh.wasm'), mainWorker: '' },
      },
      new duckdb.VoidLogger(),
      duckdb.NODE_RUNTIME,
    );
    await db.instantiate(() => {});
    db.open({});
    return { db, runtime: activeRuntime(), packageVersion: duckdb.PACKAGE_VERSION };
  },
  registerFile(db, name, file) {
    if (!(file instanceof DiskFile))
      throw new Error(`test: register "${file.name}" as a DiskFile (see fixtureFile)`);
    db.registerFileURL(name, file.diskPath, duckdb.DuckDBDataProtocol.NODE_FS, true);
  },
  syncGet: nodeSyncGet,
  parquetWasm: () => import('parquet-wasm/node'),
  watchTraps,
};

/**
 * The engine worker's host class, unchanged, on DuckDB-WASM's Node bundle: call it as the page
 * calls the worker. DuckDB starts on the first call (one engine per test file: the runtime hooks
 * patch the process-wide DuckDB runtime).
 */
export function createNodeEngineHost(over: Partial<EngineHostOptions> = {}): EngineHost {
  return new EngineHost({ ...nodeEngine, ...over });
}

/** The encoder worker's host class on parquet-wasm's Node build. */
export function createNodeParquetHost(): ParquetHost {
  return new ParquetHost(async () => (await import('parquet-wasm/node')) as ParquetWasmApi);
}

/**
 * The page's EngineClient over comlink, with both hosts behind MessageChannels in this thread:
 * the same calls, transfers and error transfer handler as between the page and its workers.
 * Files cross by structured clone, so pass URLs or run SQL (a DiskFile arrives as a plain File).
 */
export function createNodeEngineClient(engine = createNodeEngineHost()): EngineClient {
  registerErrorTransfer();
  const engineChannel = new MessageChannel();
  const parquetChannel = new MessageChannel();
  Comlink.expose(engine, engineChannel.port1 as unknown as Comlink.Endpoint);
  Comlink.expose(createNodeParquetHost(), parquetChannel.port1 as unknown as Comlink.Endpoint);
  return engineClientOf(
    Comlink.wrap<EngineApi>(engineChannel.port2 as unknown as Comlink.Endpoint),
    Comlink.wrap<ParquetApi>(parquetChannel.port2 as unknown as Comlink.Endpoint),
    () => {
      for (const p of [engineChannel, parquetChannel]) {
        p.port1.close();
        p.port2.close();
      }
    },
  );
}
