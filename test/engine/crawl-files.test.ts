import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { crawlFiles, type CrawlItem } from '../../workers/engine/crawl-files';
import { HEAD_BYTES } from '../../workers/engine/read-head';
import { asyncBufferFromBlob } from '../../workers/engine/inspect-parquet';
import type { CrawlProgress } from '../../src/engine/protocol';
import { startNodeEngine, type NodeEngine } from '../support/node-engine';
import { fixturePath } from '../support/fixtures';

let engine: NodeEngine;
let n = 0;
/** Names registered right now: a crawl must leave none behind. */
const live = new Set<string>();
beforeAll(async () => {
  engine = await startNodeEngine();
});

/** A file on disk as the worker sees a dropped one: registered lazily, bytes read on demand. */
function item(disk: string, path: string): CrawlItem {
  const kind = /\.json$|\.ndjson$/.test(path)
    ? 'json'
    : /\.parquet$/.test(path)
      ? 'parquet'
      : 'csv';
  const registered = `crawl-test-${++n}.csv`;
  const size = statSync(disk).size;
  const blob = new Blob([readFileSync(disk)]);
  return {
    path,
    size,
    lastModified: 0,
    kind,
    registered,
    gzip: false,
    register: (name, bytes) => {
      if (bytes) engine.s.db.registerFileBuffer(name, bytes);
      else engine.register(name, disk);
      live.add(name);
    },
    drop: (name) => {
      engine.drop(name);
      live.delete(name);
    },
    io: {
      head: async () => {
        const bytes = new Uint8Array(await blob.slice(0, HEAD_BYTES).arrayBuffer());
        return { bytes, span: bytes.length, whole: size <= HEAD_BYTES };
      },
      whole: async (limit) => (size > limit ? null : new Uint8Array(await blob.arrayBuffer())),
      buffer: () => asyncBufferFromBlob(blob),
    },
  };
}

function folderOf(files: Record<string, string>): CrawlItem[] {
  const dir = mkdtempSync(join(tmpdir(), 'decant-crawl-'));
  return Object.entries(files).map(([path, text]) => {
    const disk = join(dir, path.replaceAll('/', '__'));
    writeFileSync(disk, text);
    return item(disk, path);
  });
}

const run = (items: CrawlItem[], sampleSize?: number, progress: CrawlProgress[] = []) =>
  crawlFiles(engine.s, items, {
    sampleSize,
    cancelled: () => false,
    onProgress: (p) => progress.push(p),
  });

describe('crawlFiles (the crawler’s classifier pass in the engine worker)', () => {
  it('classifies 300 files with one header by one sniff and batched reads, exact counts', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 300; i++)
      files[`events/day=${(i % 3) + 1}/part-${String(i).padStart(3, '0')}.csv`] =
        `id,name,score\n${i},user ${i},${i}.5\n${i + 1000},x,2\n`;
    const progress: CrawlProgress[] = [];
    const out = await run(folderOf(files), undefined, progress);
    expect(out.skipped).toEqual([]);
    expect(out.files).toHaveLength(300);
    expect(new Set(out.files.map((f) => f.formatKey)).size).toBe(1);
    for (const f of out.files) {
      expect(f.rowCount).toBe(2);
      expect(f.columns).toEqual([
        { name: 'id', type: 'BIGINT' },
        { name: 'name', type: 'VARCHAR' },
        { name: 'score', type: 'DOUBLE' },
      ]);
    }
    expect(progress.at(-1)).toMatchObject({ done: 300, total: 300 });
    expect(live.size).toBe(0);
    expect(out.bytesRead).toBe(out.files.reduce((s, f) => s + f.size, 0));
  });

  it('a file that breaks the shared types is redone alone: its own sniff, the others kept', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 10; i++) files[`t/a-${i}.csv`] = `id,v\n${i},${i}\n`;
    files['t/b-text.csv'] = 'id,v\n1,hello\n';
    files['t/c-ragged.csv'] = 'id,v\n1,2\n3,4\n5,6\n7,8,9\n10,11\n';
    const out = await run(folderOf(files));
    const byPath = new Map(out.files.map((f) => [f.path, f]));
    expect(byPath.get('t/a-3.csv')?.columns).toEqual([
      { name: 'id', type: 'BIGINT' },
      { name: 'v', type: 'BIGINT' },
    ]);
    expect(byPath.get('t/b-text.csv')?.columns).toEqual([
      { name: 'id', type: 'BIGINT' },
      { name: 'v', type: 'VARCHAR' },
    ]);
    expect(out.skipped.map((s) => s.path)).toEqual(['t/c-ragged.csv']);
    expect(out.skipped[0]!.reason).toMatch(/c-ragged\.csv.*line 5/);
  });

  it('catches a value past the sample (late-string.csv line 30002) and widens with a note', async () => {
    const out = await run([item(fixturePath('late-string.csv'), 'late/late-string.csv')]);
    expect(out.files[0]?.columns).toEqual([
      { name: 'id', type: 'BIGINT' },
      { name: 'code', type: 'VARCHAR' },
    ]);
    expect(out.files[0]?.rowCount).toBe(30001);
    expect(out.notes.join('\n')).toMatch(/late-string\.csv: column "code".*line 30002/);
  });

  it('reads the sales fixture, JSON and bad files each with its own verdict', async () => {
    const sales = [
      'sales/year=2024/month=01/part-0.csv',
      'sales/year=2024/month=02/part-0.csv',
      'sales/year=2025/month=01/part-0.csv',
    ].map((p) => item(fixturePath(p), p));
    const out = await run([
      ...sales,
      item(fixturePath('orders.ndjson'), 'orders.ndjson'),
      item(fixturePath('junk.csv'), 'junk.csv'),
      item(fixturePath('empty.csv'), 'empty.csv'),
    ]);
    expect(out.files.map((f) => [f.path, f.classification])).toEqual(
      expect.arrayContaining([
        ['sales/year=2024/month=01/part-0.csv', 'csv'],
        ['orders.ndjson', 'json'],
      ]),
    );
    expect(out.skipped.map((s) => s.path).sort()).toEqual(['empty.csv', 'junk.csv']);
    expect(out.skipped.find((s) => s.path === 'junk.csv')?.reason).toMatch(/not a text file/);
  });

  it('reads Hive-style Ctrl-A (\\u0001) delimited text with the built-in classifier', async () => {
    const out = await run(
      folderOf({
        'hive/part-0.csv': 'id\u0001name\u0001score\n1\u0001ann\u00012.5\n2\u0001bob\u00013\n',
      }),
    );
    expect(out.skipped).toEqual([]);
    expect(out.files[0]?.dialect?.delimiter).toBe('\u0001');
    expect(out.files[0]?.columns).toEqual([
      { name: 'id', type: 'BIGINT' },
      { name: 'name', type: 'VARCHAR' },
      { name: 'score', type: 'DOUBLE' },
    ]);
    expect(out.files[0]?.rowCount).toBe(2);
  });

  it('with a sample size, reads only the first files of each folder and says so', async () => {
    const files: Record<string, string> = {};
    for (let d = 0; d < 2; d++)
      for (let i = 0; i < 5; i++) files[`s/d${d}/f${i}.csv`] = `a,b\n${i},x\n`;
    const progress: CrawlProgress[] = [];
    const out = await run(folderOf(files), 2, progress);
    expect(out.files).toHaveLength(10);
    expect(out.unread).toBe(6);
    expect(out.files.filter((f) => f.rowCount === undefined)).toHaveLength(6);
    expect(progress.at(-1)).toMatchObject({ done: 4, total: 4 });
    expect(out.notes.join()).toMatch(/6 file\(s\) not read \(sample size 2 per folder\)/);
  });

  it('stops when cancelled', async () => {
    const items = folderOf({ 'x/a.csv': 'a\n1\n', 'x/b.csv': 'a\n2\n' });
    await expect(
      crawlFiles(engine.s, items, { cancelled: () => true, onProgress: () => undefined }),
    ).rejects.toMatchObject({ code: 'cancelled' });
  });
});
