/**
 * A crawl's classification in the engine: every file read (batched by header, checked whole)
 * into a ClassifiedFile. About 400 lines: the batching and its fall-back to one file at a time
 * are one piece of logic.
 */
import type { ColumnInfo, CsvDialect } from '../../src/core/csv/dialect';
import { classifyHead } from '../../src/core/csv/head-bytes';
import { widenOnCastError } from '../../src/core/csv/widen-column';
import { DecantError } from '../../src/core/errors';
import { ident, joinSql, raw, sql } from '../../src/core/sql/sql-template';
import { readCsvSql } from '../../src/core/sql/read-csv';
import { csvFormatKey } from '../../src/core/csv/format-key';
import { sampledFolders } from '../../src/core/paths/sample-files';
import type { CrawledFile, CrawlOutcome, CrawlProgress } from '../../src/engine/protocol';
import { absentChars, absentFromRow, hasLooseQuoting, presenceAggregates } from './absent-chars';
import { explainScanError } from './explain-error';
import { inspectCsv, type CsvSource } from './inspect-csv';
import { inspectJson, jsonTooLarge, MAX_JSON_BYTES } from './inspect-json';
import { inspectParquet, type CountingBuffer } from './inspect-parquet';
import type { Head } from './read-head';
import type { SqlSession } from './sql-session';
import { validateCsvWith } from './validate-csv';

/** How the crawl reaches one file's bytes; local files and URLs each provide their own. */
export interface CrawlIo {
  /** The first bytes of the content (inflated for gzip). */
  head(): Promise<Head>;
  /** The whole content, or null when it is longer than `limit`. */
  whole(limit: number): Promise<Uint8Array | null>;
  /** Random access for Parquet footers. */
  buffer(): CountingBuffer;
}

/**
 * A file to classify. CSV files are registered with DuckDB only while they are read: under
 * `registered` when read alone, under a batch name when read with others. DuckDB-WASM matches a
 * path against every registered file, so a registry of 10,000 files made each read slow.
 */
export interface CrawlItem {
  path: string;
  size: number;
  lastModified: number;
  kind: 'csv' | 'json' | 'parquet';
  /** The name it has in DuckDB while read alone (ends in `.csv`, or `.csv.gz`). */
  registered: string;
  gzip: boolean;
  io: CrawlIo;
  /** Registers the file under `name`; with `bytes` (its whole content), from memory. */
  register(name: string, bytes?: Uint8Array): void;
  drop(name: string): void;
}

/** Heads read ahead of the file being classified: small files cost a round trip each, not bytes. */
const READ_AHEAD = 128;

export interface CrawlRunOptions {
  /** Files read per leaf folder (Glue's SampleSize); the rest are assumed to match. */
  sampleSize?: number;
  cancelled(): boolean;
  onProgress(p: CrawlProgress): void;
  /**
   * Tried before the built-in sniffer for each CSV file (custom classifiers, see customCsvStep
   * in custom-csv.ts), given its first bytes; returns null when none fits, with the reasons
   * added to `notes`.
   */
  customCsv?: (item: CrawlItem, notes: string[], head: Head) => Promise<CsvVerdict | null>;
}

export interface CsvVerdict {
  dialect: CsvDialect;
  columns: ColumnInfo[];
  rowCount: number;
  /** The classifier that fitted, when not the built-in one. */
  classifier?: string;
  /** Quote and escape characters its file lacks (see absent-chars.ts), when it was checked. */
  absent?: string;
}

/** Files validated by one multi-file read: enough to amortize a query, few enough to retry. */
const BATCH = 200;
const FILE_COLUMN = '__decant_file';

/**
 * The crawler's classifier pass, in the engine worker. Every CSV file is sniffed and then read
 * whole with the sniffed types (a late value widens its column, with a note); JSON files are
 * parsed; Parquet files give their footers. Speed for folders of many small files: a file whose
 * header line and encoding match one already sniffed takes that file's dialect and types, and
 * such files are checked together by one multi-file `read_csv`; a batch that fails is redone
 * file by file, each with its own sniff, so an error still names its file and line.
 */
export async function crawlFiles(
  s: SqlSession,
  items: readonly CrawlItem[],
  opts: CrawlRunOptions,
): Promise<CrawlOutcome> {
  const out: CrawlOutcome = { files: [], skipped: [], notes: [], unread: 0, bytesRead: 0 };
  const { read, unread } = sampledFolders(items, opts.sampleSize);
  const templates = new Map<string, CsvVerdict>();
  const pending = new Map<CsvVerdict, Queued[]>();
  const heads = new Map<CrawlItem, Promise<Head>>();
  const csvItems = read.filter((i) => i.kind === 'csv');
  let ahead = 0;
  const headOf = (item: CrawlItem): Promise<Head> => {
    // Keep READ_AHEAD reads in flight, in file order.
    while (ahead < csvItems.length && heads.size < READ_AHEAD) {
      const next = csvItems[ahead++]!;
      const p = next.io.head();
      p.catch(() => undefined);
      heads.set(next, p);
    }
    const p = heads.get(item) ?? item.io.head();
    heads.delete(item);
    return p;
  };
  let done = 0;
  let lastReport = 0;
  const progress = (force = false) => {
    const now = performance.now();
    if (!force && now - lastReport < 100) return;
    lastReport = now;
    opts.onProgress({ done, total: read.length, bytes: out.bytesRead });
  };
  const checkCancel = () => {
    if (opts.cancelled())
      throw new DecantError('crawler: cancelled; nothing was written', { code: 'cancelled' });
  };
  const settle = (item: CrawlItem, f: () => Promise<CrawledFile>) =>
    f().then(
      (file) => {
        out.files.push(file);
        out.bytesRead += item.size;
      },
      (e: unknown) => {
        if (e instanceof DecantError && e.code === 'cancelled') throw e;
        out.skipped.push({ path: item.path, reason: e instanceof Error ? e.message : String(e) });
      },
    );

  const flush = async (template: CsvVerdict) => {
    const batch = pending.get(template) ?? [];
    pending.delete(template);
    for (let i = 0; i < batch.length; i += BATCH) {
      checkCancel();
      const chunk = batch.slice(i, i + BATCH);
      const counts = validateTogether(s, chunk, template);
      for (const { item } of chunk) {
        // A file without data rows is not in the counts: only its header can hold a character.
        const read = counts && (counts.get(item) ?? readOf({}, template));
        if (read && fitsTemplate(template, read.absent)) {
          out.files.push(csvFile(item, template, read.rows, read.absent));
          out.bytesRead += item.size;
        } else await settle(item, () => classifyCsvAlone(s, item, out.notes, opts));
        done++;
        progress();
      }
    }
  };

  /** Classifies a CSV file now, or queues it on a template; true when queued. */
  const csvOrQueue = async (item: CrawlItem): Promise<boolean> => {
    let head: Head;
    try {
      head = await headOf(item);
    } catch (e) {
      out.skipped.push({ path: item.path, reason: e instanceof Error ? e.message : String(e) });
      return false;
    }
    const key = templateKey(head, item.gzip);
    const template = key === null ? undefined : templates.get(key);
    if (template) {
      const list = pending.get(template) ?? [];
      // A small file's head is all of it: the batch reads it from memory, not again from disk.
      list.push({ item, bytes: head.whole && !item.gzip ? head.bytes : undefined });
      pending.set(template, list);
      if (list.length >= BATCH) await flush(template);
      return true;
    }
    await settle(item, async () => {
      const file = await classifyCsvAlone(s, item, out.notes, opts, head);
      // A file whose sample had data rows can stand for others with its header.
      if (key !== null && file.dialect?.header && (file.rowCount ?? 0) > 0)
        templates.set(key, {
          dialect: file.dialect,
          columns: file.columns,
          rowCount: 0,
          ...(file.classifier ? { classifier: file.classifier } : {}),
          ...(absentIn.has(file) ? { absent: absentIn.get(file) } : {}),
        });
      return file;
    });
    return false;
  };

  for (const item of read) {
    checkCancel();
    if (item.kind === 'csv' ? !(await csvOrQueue(item)) : true) {
      if (item.kind !== 'csv') await settle(item, () => classifyOther(s, item));
      done++;
      progress();
    }
  }
  for (const template of [...pending.keys()]) await flush(template);
  // Files the sample size left out take the classification of a file read in their folder.
  for (const u of unread) {
    const model = out.files.find((f) => f.folder === u.folder && f.kind === u.item.kind);
    if (!model) {
      out.skipped.push({
        path: u.item.path,
        reason: `not read (sample size ${opts.sampleSize}), and no sampled file of its folder could be read`,
      });
      continue;
    }
    out.unread++;
    out.files.push({
      ...model,
      path: u.item.path,
      size: u.item.size,
      lastModified: u.item.lastModified,
      rowCount: undefined,
    });
  }
  if (out.unread > 0)
    out.notes.push(
      `${out.unread} file(s) not read (sample size ${opts.sampleSize} per folder): each takes the ` +
        'schema of a file read in its folder, and row counts are unknown',
    );
  progress(true);
  return out;
}

/** Files with the same header line, encoding and compression are read the same way. */
function templateKey(head: Head, gzip: boolean): string | null {
  const verdict = classifyHead(head.bytes, head.whole);
  if (verdict.kind !== 'text') return null;
  const nl = verdict.text.indexOf('\n');
  if (nl < 0) return null;
  return JSON.stringify([gzip, verdict.encoding, verdict.text.slice(0, nl)]);
}

interface Queued {
  item: CrawlItem;
  bytes?: Uint8Array;
}

/** The characters DuckDB's sniffer tries as quotes. */
const QUOTE_CANDIDATES = ['"', "'"];

/** A file read with a template: its rows, and the quote and escape characters it lacks. */
interface TemplateRead {
  rows: number;
  absent: string;
}

/**
 * Whether a file read with a template is read as its own sniff would: a template without
 * quoting takes text with a quote character in it as plain, so a file holding one its template
 * lacked is sniffed by itself. Otherwise the result would depend on which file came first.
 */
function fitsTemplate(t: CsvVerdict, absent: string): boolean {
  if (t.dialect.quote !== '' || t.absent === undefined) return true;
  return QUOTE_CANDIDATES.every((c) => !t.absent!.includes(c) || absent.includes(c));
}

function readOf(row: Record<string, unknown>, t: CsvVerdict): TemplateRead {
  const absent = hasLooseQuoting(t.dialect) ? absentFromRow(row, t.columns) : '';
  return { rows: Number(row.n ?? 0), absent };
}

/**
 * One multi-file read of a batch with the template's dialect and types, converting every
 * column; each file's rows and lacking characters, or null if any file failed (the caller
 * redoes them one by one).
 */
function validateTogether(
  s: SqlSession,
  chunk: readonly Queued[],
  t: CsvVerdict,
): Map<CrawlItem, TemplateRead> | null {
  // One glob over the batch's names: a list of n paths costs n matches each in DuckDB-WASM.
  const ext = t.dialect.compression === 'gzip' ? '.csv.gz' : '.csv';
  const prefix = `crawl-batch-${++batches}-`;
  const names = new Map<string, CrawlItem>();
  const counts = t.columns.map((c, i) => sql`count(${ident(c.name)}) AS ${raw(`c${i}`)}`);
  if (hasLooseQuoting(t.dialect)) counts.push(...presenceAggregates(t.columns).map(raw));
  try {
    chunk.forEach(({ item, bytes }, i) => {
      const name = `${prefix}${String(i).padStart(4, '0')}${ext}`;
      item.register(name, bytes);
      names.set(name, item);
    });
    const scan = readCsvSql(`${prefix}*${ext}`, t.dialect, t.columns, 'error', false, {
      filename: FILE_COLUMN,
    });
    const select = joinSql([sql`${ident(FILE_COLUMN)} AS f`, raw('count(*) AS n'), ...counts]);
    const rows = s.rows(sql`SELECT ${select} FROM ${raw(scan)} GROUP BY 1`.text);
    return new Map(rows.map((r) => [names.get(String(r.f))!, readOf(r, t)]));
  } catch {
    return null;
  } finally {
    for (const [name, item] of names) item.drop(name);
  }
}

let batches = 0;

/** The characters a file classified by itself lacks, for a template made of it. */
const absentIn = new WeakMap<CrawledFile, string>();

function csvFile(item: CrawlItem, v: CsvVerdict, rowCount: number, absent = ''): CrawledFile {
  return {
    path: item.path,
    size: item.size,
    lastModified: item.lastModified,
    classification: 'csv',
    columns: v.columns,
    formatKey: csvFormatKey(v.dialect, absent),
    rowCount,
    dialect: v.dialect,
    kind: 'csv',
    folder: folderOf(item.path),
    ...(v.classifier ? { classifier: v.classifier } : {}),
  };
}

/**
 * One CSV file by itself: custom classifiers first, then the built-in sniffer; then the whole
 * file read with the types found, widening a column (with a note) when a late value breaks it.
 */
async function classifyCsvAlone(
  s: SqlSession,
  item: CrawlItem,
  notes: string[],
  opts: CrawlRunOptions,
  head?: Head,
): Promise<CrawledFile> {
  const h = head ?? (await item.io.head());
  item.register(item.registered);
  try {
    return await readCsvAlone(s, item, notes, opts, h);
  } finally {
    item.drop(item.registered);
  }
}

async function readCsvAlone(
  s: SqlSession,
  item: CrawlItem,
  notes: string[],
  opts: CrawlRunOptions,
  h: Head,
): Promise<CrawledFile> {
  const custom = await opts.customCsv?.(item, notes, h);
  if (custom) return csvFile(item, custom, custom.rowCount);
  const src: CsvSource = {
    fileId: item.registered,
    path: item.registered,
    name: item.path,
    size: item.size,
    head: h.bytes,
    headSpan: h.span,
    headIsWhole: h.whole,
    gzip: item.gzip,
  };
  const found = inspectCsv(s, src, { previewRows: 0 });
  let columns = found.columns;
  for (;;) {
    try {
      // The characters a loosely quoted file lacks come from the same scan: one read of the file.
      const loose = hasLooseQuoting(found.dialect);
      const presence = loose && !h.whole ? presenceAggregates(columns) : [];
      const plan = { dialect: found.dialect, columns, badRows: 'error' } as const;
      const { rowCount, row } = await validateCsvWith(s, src, plan, presence, {
        pause: macrotask,
        cancelled: opts.cancelled,
      });
      const absent = loose ? absentChars(h, row, columns) : '';
      const file = csvFile(item, { dialect: found.dialect, columns, rowCount }, rowCount, absent);
      if (hasLooseQuoting(found.dialect)) absentIn.set(file, absent);
      return file;
    } catch (e) {
      const widened = e instanceof DecantError ? widenOnCastError(columns, e) : null;
      if (!widened) throw e instanceof DecantError ? e : explainScanError(e, item.path, '');
      columns = widened.columns;
      notes.push(`${item.path}: ${widened.note}`);
    }
  }
}

/** A turn of the event loop (not a microtask): the collector's tasks run in it. */
const macrotask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

async function classifyOther(s: SqlSession, item: CrawlItem): Promise<CrawledFile> {
  let schema;
  if (item.kind === 'json') {
    const bytes = await item.io.whole(MAX_JSON_BYTES);
    if (!bytes) throw jsonTooLarge(item.path, item.gzip ? null : item.size);
    schema = inspectJson(s, { name: item.path, bytes });
  } else schema = await inspectParquet(item.io.buffer(), item.path, s);
  return {
    path: item.path,
    size: item.size,
    lastModified: item.lastModified,
    classification: schema.classification,
    columns: schema.columns,
    formatKey: schema.classification,
    rowCount: schema.rowCount,
    kind: item.kind,
    folder: folderOf(item.path),
  } satisfies CrawledFile;
}

function folderOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}
