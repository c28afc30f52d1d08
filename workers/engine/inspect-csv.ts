import type { BadRowPolicy, ColumnInfo, CsvDialect, RaggedLine } from '../../src/core/csv/dialect';
import { classifyHead } from '../../src/core/csv/head-bytes';
import { firstLineProblem } from '../../src/core/csv/line-limits';
import { estimateRows, suspectDelimiter } from '../../src/core/csv/delimiter-check';
import {
  CLEAR_REJECTS_SQL,
  readCsvSql,
  rejectedRowsSql,
  sniffCsvSql,
  type SniffHints,
} from '../../src/core/sql/read-csv';
import { DecantError } from '../../src/core/errors';
import type { CsvInspection, InspectOptions } from '../../src/engine/protocol';
import { explainScanError } from './explain-error';
import type { SqlSession } from './sql-session';

/** A file as the engine sees it: registered under `path`, with its first bytes already read. */
export interface CsvSource {
  fileId: string;
  /** Name registered with DuckDB. */
  path: string;
  /** The user's file name, for messages. */
  name: string;
  size: number;
  /** First bytes of the content (decompressed for gzip). */
  head: Uint8Array;
  /** How many bytes of the file `head` stands for (compressed bytes for gzip). */
  headSpan: number;
  /** True when `head` is the whole content. */
  headIsWhole: boolean;
  gzip: boolean;
}

interface SniffRow {
  Delimiter: string;
  Quote: string;
  Escape: string;
  HasHeader: boolean;
  Columns: ColumnInfo[];
  DateFormat: string | null;
  TimestampFormat: string | null;
}

const noneIfEmpty = (s: string) => (s === '(empty)' ? '' : s);

/**
 * Finds dialect, encoding, columns and types from a sample, checks the sample for ragged rows,
 * estimates the row count and reads the first rows. Throws DecantError with the file's name
 * and, where known, the line.
 */
export function inspectCsv(
  s: SqlSession,
  src: CsvSource,
  opts: InspectOptions = {},
): CsvInspection {
  const t0 = performance.now();
  const badRows: BadRowPolicy = opts.badRows ?? 'error';
  const verdict = classifyHead(src.head, src.headIsWhole);
  if (verdict.kind === 'empty')
    throw new DecantError(`csv: "${src.name}" is empty: there is nothing to convert`, {
      code: 'empty',
    });
  if (verdict.kind === 'binary')
    throw new DecantError(`csv: "${src.name}" is not a text file: ${verdict.reason}`, {
      code: 'binary',
    });
  const tooLong = firstLineProblem(verdict.text, src.headIsWhole, src.head.length);
  if (tooLong)
    throw new DecantError(`csv: "${src.name}": ${tooLong}`, { code: 'dialect', line: 1 });

  const notes: string[] = verdict.note ? [verdict.note] : [];
  const hints: SniffHints = { encoding: verdict.encoding };
  const sniff = (h: SniffHints): SniffRow => {
    const sql = sniffCsvSql(src.path, h);
    try {
      return s.rows(sql)[0] as unknown as SniffRow;
    } catch (e) {
      throw explainScanError(e, src.name, sql);
    }
  };

  let found = sniff(hints);
  const suspect = suspectDelimiter(verdict.text, found.Columns.length);
  let ragged: CsvInspection['ragged'];
  if (suspect !== null && suspect !== found.Delimiter) {
    // Rows disagree on their field count; sniff the header's shape and list the bad lines.
    hints.delimiter = suspect;
    found = sniffTolerant(s, src, hints);
    const lines = raggedLinesInSample(
      s,
      src,
      dialectFrom(found, verdict.encoding, src),
      found.Columns,
    );
    // No bad line: DuckDB's sniffer only missed the delimiter (it never tries Ctrl-A, \u0001).
    if (lines.length > 0) ragged = { lines, expected: found.Columns.length, policy: badRows };
    if (ragged && badRows === 'error') {
      const list = lines.slice(0, 5).map((l) => `line ${l.line} has ${l.found}`);
      throw new DecantError(
        `csv: "${src.name}": ${lines.length}${lines.length >= 50 ? '+' : ''} row(s) have the wrong number of ` +
          `fields (expected ${found.Columns.length}; ${list.join(', ')}${lines.length > 5 ? ', …' : ''})`,
        { code: 'ragged', line: lines[0]?.line },
      );
    }
  }

  // A ';'-separated file with numbers like 3,49 is European: try the decimal comma.
  if (found.Delimiter === ';' && found.Columns.some((c) => c.type === 'VARCHAR')) {
    const comma = sniff({ ...hints, delimiter: ';', decimalSeparator: ',' });
    const texts = (r: SniffRow) => r.Columns.filter((c) => c.type === 'VARCHAR').length;
    if (comma.Columns.length === found.Columns.length && texts(comma) < texts(found)) {
      found = comma;
      hints.decimalSeparator = ',';
      notes.push('decimal comma detected (3,49 read as 3.49)');
    }
  }

  const dialect = dialectFrom(found, verdict.encoding, src, hints.decimalSeparator);
  if (dialect.dateFormat) notes.push(`dates read with format ${dialect.dateFormat}`);
  if (dialect.timestampFormat) notes.push(`timestamps read with format ${dialect.timestampFormat}`);
  const columns = found.Columns;
  const scan = readCsvSql(src.path, dialect, columns, badRows);

  let preview: Uint8Array;
  const previewSql = `SELECT * FROM ${scan} LIMIT ${Math.max(0, Math.trunc(opts.previewRows ?? 100))}`;
  try {
    preview = s.queryIpc(previewSql);
  } catch (e) {
    throw explainScanError(e, src.name, previewSql);
  }

  let rowCount: number | null;
  const exact = src.headIsWhole;
  if (exact) {
    const countSql = `SELECT count(*) AS n FROM ${scan}`;
    try {
      rowCount = Number(s.rows(countSql)[0]?.n ?? 0);
    } catch (e) {
      throw explainScanError(e, src.name, countSql);
    }
  } else {
    rowCount = src.gzip ? null : estimateRows(verdict.text, src.headSpan, src.size, dialect.header);
  }

  return {
    fileId: src.fileId,
    fileName: src.name,
    sizeBytes: src.size,
    dialect,
    encodingLabel: verdict.encodingLabel,
    columns,
    rowCount,
    rowCountExact: exact,
    preview,
    notes,
    ragged,
    elapsedMs: performance.now() - t0,
  };
}

function dialectFrom(
  f: SniffRow,
  encoding: CsvDialect['encoding'],
  src: CsvSource,
  decimalSeparator: CsvDialect['decimalSeparator'] = '.',
): CsvDialect {
  return {
    delimiter: f.Delimiter,
    quote: noneIfEmpty(f.Quote),
    escape: noneIfEmpty(f.Escape),
    header: f.HasHeader,
    encoding,
    decimalSeparator,
    dateFormat: f.DateFormat ?? undefined,
    timestampFormat: f.TimestampFormat ?? undefined,
    compression: src.gzip ? 'gzip' : 'none',
  };
}

/** Sniff that tolerates bad rows (they are listed separately), so the header's shape wins. */
function sniffTolerant(s: SqlSession, src: CsvSource, h: SniffHints): SniffRow {
  const sql = sniffCsvSql(src.path, { ...h, ignoreErrors: true });
  try {
    return s.rows(sql)[0] as unknown as SniffRow;
  } catch (e) {
    throw explainScanError(e, src.name, sql);
  }
}

/** Lines of the sample whose field count is wrong (at most 50), via DuckDB's rejects table. */
function raggedLinesInSample(
  s: SqlSession,
  src: CsvSource,
  dialect: CsvDialect,
  columns: ColumnInfo[],
): RaggedLine[] {
  const samplePath = `${src.path}.sample`;
  let bytes = src.head;
  if (!src.headIsWhole) bytes = bytes.subarray(0, bytes.lastIndexOf(0x0a) + 1);
  s.db.registerFileBuffer(samplePath, bytes.slice());
  try {
    // Types as text: only the field count matters here, not casts.
    const asText = columns.map((c) => ({ name: c.name, type: 'VARCHAR' }));
    const [scan, list] = rejectedRowsSql(samplePath, { ...dialect, compression: 'none' }, asText);
    s.run(...CLEAR_REJECTS_SQL, scan);
    return s.rows(list).map((r) => {
      const m = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(String(r.error_message));
      return {
        line: Number(r.line),
        expected: Number(m?.[1] ?? columns.length),
        found: Number(m?.[2] ?? 0),
      };
    });
  } finally {
    s.db.dropFile(samplePath);
  }
}
