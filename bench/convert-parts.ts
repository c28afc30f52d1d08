// Where a conversion's CPU goes, part by part (`npx tsx bench/convert-parts.ts`; BENCH_RUNS,
// default 3): in Node, on DuckDB-WASM's Node bundle and parquet-wasm's Node build (the code the
// workers run), the scan alone (read_csv, every column counted, no Arrow out), the scan to raw
// Arrow IPC (nothing downstream), the scan of every column as VARCHAR, and the encode alone (the
// same batches, always ready), beside native DuckDB threads=1 (COPY to Parquet, and the scan
// alone) in the same run. Each figure is "wall ms/CPU ms": CPU time of this process, which other
// load on the machine disturbs far less than wall time. Node 20's V8 is older than Chromium's,
// so the tab's workers run the same wasm faster; compare parts with each other and with native.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as pw from 'parquet-wasm/node';
import { inspectCsv } from '../workers/engine/inspect-csv';
import { nextBatch } from '../workers/engine/sql-session';
import { readCsvSql } from '../src/core/sql/read-csv';
import { encodeBatches } from '../workers/parquet/encode-batches';
import { HEAD_BYTES } from '../workers/engine/read-head';
import type { BatchMessage } from '../src/engine/protocol';
import { startNodeEngine } from '../test/support/node-engine';
import { ensureCsv } from './lib/csv';
import { openNative } from './lib/native';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'bench', 'out');
const runs = Number(process.env.BENCH_RUNS ?? 3);

const csv = await ensureCsv(OUT, 1_000_000);
const engine = await startNodeEngine();
engine.register('in.csv', csv.path);
const head = new Uint8Array(readFileSync(csv.path).subarray(0, HEAD_BYTES));
const size = statSync(csv.path).size;
const found = inspectCsv(engine.s, {
  fileId: '1',
  path: 'in.csv',
  name: 'in.csv',
  size,
  head,
  headSpan: head.length,
  headIsWhole: false,
  gzip: false,
});
const sql = `SELECT * FROM ${readCsvSql('in.csv', found.dialect, found.columns)}`;

function scan(q = sql, rowsPerMessage?: number): { schema: Uint8Array; msgs: BatchMessage[] } {
  const stream = engine.s.stream(q);
  const msgs: BatchMessage[] = [];
  for (
    let b = nextBatch(stream, rowsPerMessage);
    b;
    b = b.done ? null : nextBatch(stream, rowsPerMessage)
  )
    msgs.push({ t: 'batch', parts: b.parts, rows: b.rows });
  return { schema: stream.schema, msgs };
}

async function encode(
  schema: Uint8Array,
  msgs: BatchMessage[],
  compression: 'zstd' | 'snappy' = 'zstd',
) {
  const all: BatchMessage[] = [
    { t: 'schema', bytes: schema },
    ...msgs,
    { t: 'end', rows: msgs.reduce((n, m) => n + (m.t === 'batch' ? m.rows : 0), 0) },
  ];
  let i = 0;
  const r = await encodeBatches(
    pw,
    { next: async () => all[i++]!, grant: () => {} },
    { compression },
    () => {},
  );
  return r;
}

// CPU time of this process (one busy thread here), less sensitive to other load than wall time.
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const t = async <T>(f: () => T | Promise<T>) => {
  const c = cpu();
  const s = performance.now();
  const v = await f();
  return { v, ms: performance.now() - s, cpu: cpu() - c };
};
const native = await openNative();
await native.run('SET threads = 1');
const report: Record<string, string[]> = {};
const add = (k: string, ms: number, c?: number) =>
  (report[k] ??= []).push(
    c === undefined ? `${Math.round(ms)}` : `${Math.round(ms)}/${Math.round(c)}`,
  );
const only = process.env.PARTS?.split(',');
for (let r = 0; r < runs; r++) {
  const n = await t(() =>
    native.run(
      `COPY (SELECT * FROM read_csv('${csv.path}')) TO '${OUT}/parts-native-${r}.parquet' (FORMAT parquet, COMPRESSION zstd)`,
    ),
  );
  add('native t1 COPY', n.ms, n.cpu);
  const counts = found.columns.map((c) => `count("${c.name}")`).join(', ');
  const ns = await t(() => native.run(`SELECT ${counts} FROM read_csv('${csv.path}')`));
  add('native t1 scan only (count each col)', ns.ms, ns.cpu);
  const s = await t(() => scan());
  add('wasm scan → IPC (65,536-row msgs)', s.ms, s.cpu);
  if (!only || only.includes('counts')) {
    const counts = found.columns.map((c) => `count("${c.name}")`).join(', ');
    const c = await t(() => engine.s.rows(`SELECT ${counts} FROM (${sql})`));
    add('wasm scan, no IPC (count each col)', c.ms, c.cpu);
  }
  if (!only || only.includes('varchar')) {
    const vsql = `SELECT * FROM ${readCsvSql(
      'in.csv',
      found.dialect,
      found.columns.map((c) => ({ ...c, type: 'VARCHAR' })),
    )}`;
    const v = await t(() => scan(vsql));
    add('wasm scan all-VARCHAR → IPC', v.ms, v.cpu);
  }
  const e = await t(() => encode(s.v.schema, s.v.msgs));
  add('encode alone ZSTD', e.ms, e.cpu);
  if (!only || only.includes('snappy')) {
    const e2 = await t(() => encode(s.v.schema, s.v.msgs, 'snappy'));
    add('encode alone SNAPPY', e2.ms, e2.cpu);
  }
  console.error(`run ${r + 1}`, JSON.stringify(report));
}
console.log(found.columns.map((c) => `${c.name} ${c.type}`).join(', '));
for (const [k, v] of Object.entries(report)) console.log(`${k.padEnd(40)} ${v.join(' ')}`);
