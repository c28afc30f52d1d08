/**
 * A package preview reads the first rows, not the file: the footer, then the first row group's
 * column chunks at most. Bytes are counted on the ByteSource the preview reads, so a large
 * package entry (a zip slice, a URL read by ranges) stays cheap to look at.
 */
import { openAsBlob, statSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parquetMetadata } from 'hyparquet';
import { beforeAll, describe, expect, it } from 'vitest';
import { byteSourceFromBlob, type ByteSource } from '../../src/core/byte-source';
import { quoteLiteral } from '../../src/core/sql/quote';
import { cellText, previewParquet } from '../../src/share/package-preview';
import { scratchDir } from './share-support';

const ROWS = 400_000;
const ROW_GROUP = 20_000;

let path = '';
let size = 0;
/** The footer's length and the first row group's compressed size, from the file's metadata. */
let footer = 0;
let firstGroup = 0;

beforeAll(async () => {
  path = join(scratchDir(), 'big.parquet');
  const native = await (await DuckDBInstance.create(':memory:')).connect();
  await native.run(
    `COPY (SELECT i AS id, md5(i::VARCHAR) AS h, (i * 0.5)::DOUBLE AS half, ` +
      `DATE '2024-01-01' + (i % 365)::INTEGER AS day, (i * 1.25)::DECIMAL(10, 2) AS price FROM range(${ROWS}) t(i)) ` +
      `TO ${quoteLiteral(path)} (FORMAT parquet, ROW_GROUP_SIZE ${ROW_GROUP}, COMPRESSION zstd)`,
  );
  native.closeSync();
  size = statSync(path).size;
  const bytes = new Uint8Array(await (await openAsBlob(path)).arrayBuffer());
  footer = new DataView(bytes.buffer).getUint32(size - 8, true) + 8;
  const meta = parquetMetadata(bytes.buffer);
  firstGroup = meta.row_groups[0]!.columns.reduce(
    (n, c) => n + Number(c.meta_data!.total_compressed_size),
    0,
  );
}, 120_000);

/** The file as a ByteSource that counts what is read. */
async function counted(): Promise<{ source: ByteSource; read: () => number; reads: () => number }> {
  const inner = byteSourceFromBlob(await openAsBlob(path), 'big.parquet');
  let bytes = 0;
  let reads = 0;
  return {
    source: {
      name: inner.name,
      size: inner.size,
      async read(start, end) {
        const got = await inner.read(start, end);
        bytes += got.length;
        reads++;
        return got;
      },
    },
    read: () => bytes,
    reads: () => reads,
  };
}

describe('previewing a Parquet entry', () => {
  it('reads the footer and the first row group at most, a twentieth of the file here', async () => {
    const { source, read, reads } = await counted();
    const preview = await previewParquet(source, 20, [{ name: 'year', value: '2024' }]);
    expect(preview.columns).toEqual(['id', 'h', 'half', 'day', 'price', 'year']);
    expect(preview.rows).toHaveLength(20);
    expect(preview.rows[0]).toEqual([
      '0',
      'cfcd208495d565ef66e7dff9f98764da',
      '0',
      '2024-01-01',
      '0.00',
      '2024',
    ]);
    expect(preview.rows[19]![0]).toBe('19');
    expect(preview.rows[19]![4]).toBe('23.75');
    expect(reads()).toBeGreaterThan(0);
    // hyparquet's first read of the end may take more than the footer itself: 512 KiB at most.
    expect(read()).toBeLessThanOrEqual(firstGroup + Math.max(footer, 512 * 1024) + 8);
    expect(read()).toBeLessThan(size / 8);
    expect(size).toBeGreaterThan(4 * 1024 * 1024);
  });

  it('says which file cannot be previewed', async () => {
    const junk = byteSourceFromBlob(new Blob(['not parquet at all, just text']), 'junk.parquet');
    await expect(previewParquet(junk, 20)).rejects.toThrow(
      /^share: "junk.parquet" cannot be previewed/,
    );
  });

  it('shows values as text', () => {
    expect(cellText(null)).toBeNull();
    expect(cellText(12n)).toBe('12');
    expect(cellText(new Date('2024-03-05T00:00:00Z'))).toBe('2024-03-05');
    expect(cellText(new Date('2024-03-05T10:20:30.250Z'))).toBe('2024-03-05 10:20:30.250');
    expect(cellText({ a: 1n, b: [1, 2] })).toBe('{"a":"1","b":[1,2]}');
    expect(cellText(new Uint8Array([1, 255]))).toBe('\\x01ff');
    expect(cellText(1.5, 2)).toBe('1.50');
  });
});
