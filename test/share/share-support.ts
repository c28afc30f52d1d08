import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as pw from 'parquet-wasm/node';
import type { JobTargetSpec, ParquetCompression } from '../../src/engine/protocol';
import { JobTarget } from '../../workers/engine/job-target';
import { encodeBatches } from '../../workers/parquet/encode-batches';
import { batchPipe } from '../support/batch-pipe';
import { CSV, nodeTables } from '../engine/catalog-support';
import type { NodeEngine } from '../support/node-engine';
import type { AttachedTables } from '../../workers/engine/attached-tables';
import type { CatalogColumn } from '../../src/catalog';
import type { PackagedFile, PackagedTable } from '../../src/share/datapackage';
import { partPath, tableFolder } from '../../src/share/package-paths';
import {
  compileShare,
  shareTargetSpec,
  type ShareRules,
  type ShareSource,
} from '../../src/share/share-rules';

export interface WrittenPart {
  /** Partition values as DuckDB's text, in key order ([] unpartitioned). */
  values: (string | null)[];
  bytes: Uint8Array;
  rows: number;
}

let seq = 0;
/** One AttachedTables per engine: each numbers the names it registers from 1. */
const attached = new WeakMap<NodeEngine, AttachedTables<string>>();

/** The engine's catalog views, as the worker keeps them. */
export function tablesOf(engine: NodeEngine): AttachedTables<string> {
  let t = attached.get(engine);
  if (!t) attached.set(engine, (t = nodeTables(engine)));
  return t;
}

/**
 * Writes a target as the app's job runs do: the engine's JobTarget streams each part as Arrow IPC
 * into parquet-wasm's encoder (the parquet worker's code), one Parquet file per partition.
 */
export async function writeParquet(
  engine: NodeEngine,
  spec: JobTargetSpec,
  compression: ParquetCompression = 'zstd',
): Promise<WrittenPart[]> {
  const task = new JobTarget(engine.s.db, `share${++seq}`, spec);
  try {
    const plan = await task.prepare({ cancelled: () => false });
    const parts: WrittenPart[] = [];
    for (let i = 0; i < plan.parts.length; i++) {
      const pipe = batchPipe();
      const encoding = encodeBatches(
        pw,
        pipe.source,
        { compression, rowGroupSize: 1000 },
        () => {},
      );
      const streaming = task.streamPart(i, pipe.sink, {
        cancelled: () => false,
        bytesRead: () => 0,
        onProgress: () => {},
      });
      const [sent, encoded] = await Promise.all([streaming, encoding]);
      parts.push({
        values: plan.parts[i]!.values,
        bytes: new Uint8Array(await encoded.blob.arrayBuffer()),
        rows: sent.rows,
      });
    }
    return parts;
  } finally {
    task.end();
  }
}

/** Writes `text` as a CSV file and attaches it as the catalog view `database.name`. */
export function attachCsv(
  engine: NodeEngine,
  database: string,
  name: string,
  columns: CatalogColumn[],
  text: string,
): void {
  const dir = mkdtempSync(join(tmpdir(), 'decant-share-'));
  const file = join(dir, `${name}.csv`);
  writeFileSync(file, text);
  tablesOf(engine).attach({
    database,
    name,
    classification: 'csv',
    dialect: CSV,
    columns: columns.map(({ name, type }) => ({ name, type })),
    partitionKeys: [],
    files: [{ path: `${name}.csv`, file, partitionValues: [] }],
  });
}

/** A fresh temporary folder for files a test writes. */
export function scratchDir(): string {
  return mkdtempSync(join(tmpdir(), 'decant-share-out-'));
}

/** A shared table written to `root` as the package lays it out, hashed by Node's own SHA-256. */
export async function writePackagedTable(
  engine: NodeEngine,
  root: string,
  table: ShareSource & { description?: string; primaryKey?: string[] },
  rules: ShareRules,
  resourceName: string,
): Promise<PackagedTable> {
  const share = compileShare(table, rules);
  const parts = await writeParquet(engine, shareTargetSpec(share));
  const whole = createHash('sha256');
  const files: PackagedFile[] = parts.map((p, i) => {
    const path = partPath(tableFolder(resourceName), share.partitionKeys, p.values, i);
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), p.bytes);
    whole.update(p.bytes);
    const sha256 = createHash('sha256').update(p.bytes).digest('hex');
    return { path, bytes: p.bytes.length, sha256, rows: p.rows };
  });
  return {
    database: table.database,
    name: table.name,
    description: table.description ?? '',
    columns: share.columns,
    withheld: share.withheld,
    partitionKeys: share.partitionKeys,
    primaryKey: table.primaryKey,
    files,
    sha256: whole.digest('hex'),
  };
}
