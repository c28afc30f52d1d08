import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pw from 'parquet-wasm/node';
import { expect, it } from 'vitest';
import { quoteLiteral } from '../../src/core/sql/quote';
import { JobTarget } from '../../workers/engine/job-target';
import { encodeBatches } from '../../workers/parquet/encode-batches';
import { batchPipe } from '../support/batch-pipe';
import { nativeRead } from '../support/native-duckdb';
import { startNodeEngine } from '../support/node-engine';

// A target no row reaches (a Filter on 'Failed' when every row passed) still encodes: an empty
// Parquet file with the columns, not parquet-wasm's "Dyn casting error".
it('a result without rows encodes as a Parquet file with its columns and no rows', async () => {
  const engine = await startNodeEngine();
  const target = new JobTarget(engine.s.db, 'empty', {
    sql: "SELECT * FROM (VALUES (1, 'a', ['x'])) t(id, code, tags) WHERE id > 5",
    partitionKeys: [],
    encoding: 'parquet',
  });
  try {
    await target.prepare({ cancelled: () => false });
    const pipe = batchPipe();
    const encoding = encodeBatches(pw, pipe.source, { compression: 'zstd' }, () => {});
    const sent = await target.streamPart(0, pipe.sink, {
      cancelled: () => false,
      bytesRead: () => 0,
      onProgress: () => {},
    });
    const out = await encoding;
    expect(sent.rows).toBe(0);
    expect(out).toMatchObject({ rowsWritten: 0, rowsInFooter: 0 });
    const file = join(mkdtempSync(join(tmpdir(), 'decant-empty-')), 'empty.parquet');
    writeFileSync(file, new Uint8Array(await out.blob.arrayBuffer()));
    const read = await nativeRead(`read_parquet(${quoteLiteral(file)})`);
    expect(read.rows).toEqual([]);
    expect(read.columns).toEqual([
      ['id', 'INTEGER'],
      ['code', 'VARCHAR'],
      ['tags', 'VARCHAR[]'],
    ]);
  } finally {
    target.end();
  }
});
