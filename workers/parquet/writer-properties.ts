import type * as ParquetWasm from 'parquet-wasm';
import type { EncodeOptions } from '../../src/engine/protocol';
import type { ColumnEncoding } from './column-encodings';

/** DuckDB's row group size: the encoder flushes one while the engine scans the next. */
export const ROW_GROUP_ROWS = 122_880;

const CODECS = { zstd: 'ZSTD', snappy: 'SNAPPY', gzip: 'GZIP', none: 'UNCOMPRESSED' } as const;

type WriterApi = Pick<typeof ParquetWasm, 'WriterPropertiesBuilder' | 'Compression' | 'Encoding'>;

/**
 * parquet-wasm's writer settings: the codec asked for, DuckDB's row group size, and each
 * column's encoding (column-encodings.ts). Version 1 data pages and page statistics, as
 * parquet-mr (Glue, Spark) and native DuckDB write by default, so every reader of theirs reads
 * these files. Columns not listed keep the writer's defaults. The caller frees the result.
 */
export function writerPropertiesOf(
  pw: WriterApi,
  opts: EncodeOptions,
  columns: readonly ColumnEncoding[],
): ParquetWasm.WriterProperties {
  let b = new pw.WriterPropertiesBuilder()
    .setCompression(pw.Compression[CODECS[opts.compression]])
    .setMaxRowGroupSize(opts.rowGroupSize ?? ROW_GROUP_ROWS)
    .setCreatedBy('Decant (parquet-wasm)');
  for (const c of columns) {
    b = b.setColumnDictionaryEnabled(c.name, c.dictionary);
    // With a dictionary this is its fallback once the dictionary page is full.
    const encoding = c.fallback === 'delta' ? pw.Encoding.DELTA_BINARY_PACKED : pw.Encoding.PLAIN;
    b = b.setColumnEncoding(c.name, encoding);
  }
  return b.build();
}
