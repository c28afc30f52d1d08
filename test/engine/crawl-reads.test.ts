// What a crawl reads of a big CSV file: the sniffer's sample and then each byte once (the
// validation scan also finds the quote characters the file lacks), from the file registered to be
// read lazily — never a copy of the whole file handed to DuckDB. Counted at DuckDB's runtime.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { csvFormatKey } from '../../src/core/csv/format-key';
import { absentInBytes } from '../../workers/engine/absent-chars';
import { crawlFiles, type CrawlItem } from '../../workers/engine/crawl-files';
import { HEAD_BYTES } from '../../workers/engine/read-head';
import { activeRuntime } from '../../workers/engine/runtime-hooks';
import { startNodeEngine, type NodeEngine } from '../support/node-engine';

let engine: NodeEngine;
/** Bytes DuckDB read from files, and the largest one read. */
const reads = { bytes: 0, largest: 0 };
/** Files handed to DuckDB as bytes in memory, with their sizes. */
const buffers: number[] = [];

beforeAll(async () => {
  engine = await startNodeEngine();
  const rt = activeRuntime();
  const read = rt.readFile.bind(rt);
  rt.readFile = (mod, fileId, buffer, bytes, location) => {
    const n = read(mod, fileId, buffer, bytes, location);
    reads.bytes += n;
    reads.largest = Math.max(reads.largest, n);
    return n;
  };
});

/** Unquoted rows (so the crawl also looks for quote characters), a backslash in the last one. */
function bigCsv(rows: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'decant-crawl-reads-'));
  const path = join(dir, 'orders.csv');
  const lines = ['id,amount,country,note'];
  for (let i = 1; i <= rows; i++)
    lines.push(`${i},${(i % 1000) / 8},${['DE', 'FR', 'US'][i % 3]},note ${i % 77}`);
  lines.push(`${rows + 1},1.5,DE,back\\slash`);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

function item(disk: string): CrawlItem {
  const size = statSync(disk).size;
  const bytes = readFileSync(disk);
  return {
    path: 'orders/orders.csv',
    size,
    lastModified: 0,
    kind: 'csv',
    registered: 'crawl-reads-1.csv',
    gzip: false,
    register: (name, whole) => {
      if (whole) {
        buffers.push(whole.length);
        engine.s.db.registerFileBuffer(name, whole);
      } else engine.register(name, disk);
    },
    drop: (name) => engine.drop(name),
    io: {
      head: async () => {
        const head = new Uint8Array(bytes.subarray(0, HEAD_BYTES));
        return { bytes: head, span: head.length, whole: size <= HEAD_BYTES };
      },
      whole: () => Promise.reject(new Error('test: a CSV crawl must not read the whole file')),
      buffer: () => {
        throw new Error('test: not a Parquet file');
      },
    },
  };
}

describe('a crawl of one big CSV file', () => {
  it('reads the sniffer’s sample, then each byte once, from the file (never a copy)', async () => {
    const disk = bigCsv(120_000);
    const size = statSync(disk).size;
    expect(size).toBeGreaterThan(4 * HEAD_BYTES);
    reads.bytes = 0;
    const out = await crawlFiles(engine.s, [item(disk)], {
      cancelled: () => false,
      onProgress: () => undefined,
    });
    expect(out.skipped).toEqual([]);
    const file = out.files[0]!;
    expect(file.rowCount).toBe(120_001);
    // The sniffer reads at most its sample (here all of the file: under one 32 MB buffer), the
    // validation each byte once: a second scan (e.g. for quote characters) would be 3 × size.
    expect(reads.bytes).toBeLessThanOrEqual(2 * size);
    expect(reads.largest).toBeLessThanOrEqual(size);
    expect(buffers).toEqual([]);
    // The characters it lacks, found by that one scan, are those its bytes lack.
    expect(file.dialect).toBeDefined();
    const absent = absentInBytes(new Uint8Array(readFileSync(disk)));
    expect(absent).not.toContain('\\');
    expect(file.formatKey).toBe(csvFormatKey(file.dialect!, absent));
  });
});
