import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as Blocking from '@duckdb/duckdb-wasm/blocking';
import { SqlSession } from '../../workers/engine/sql-session';
import { ReadTracker } from '../../workers/engine/runtime-hooks';

const require = createRequire(import.meta.url);
const duckdb = require('@duckdb/duckdb-wasm/dist/duckdb-node-blocking.cjs') as typeof Blocking & {
  NODE_RUNTIME: Blocking.DuckDBRuntime;
};
const dist = dirname(require.resolve('@duckdb/duckdb-wasm/dist/duckdb-eh.wasm'));

export interface NodeEngine {
  s: SqlSession;
  tracker: ReadTracker;
  /** Registers a file on disk under `name` the way the browser registers a dropped file: read lazily. */
  register(name: string, path: string): void;
  /** Unregisters a name; unknown names are ignored. */
  drop(name: string): void;
}

/**
 * DuckDB-WASM's Node bundle behind the same SqlSession the engine worker uses: the SQL tested
 * here is the SQL shipped. Extension autoloading is off (SqlSession does it), or a Parquet or
 * JSON statement would hang trying to reach the extension host.
 */
export async function startNodeEngine(): Promise<NodeEngine> {
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
  const tracker = new ReadTracker();
  const s = new SqlSession(db);
  return {
    s,
    tracker,
    register: (name, path) =>
      db.registerFileURL(name, path, duckdb.DuckDBDataProtocol.NODE_FS, true),
    drop: (name) => db.dropFile(name),
  };
}
