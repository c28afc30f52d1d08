import { readFileSync, statSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  classifyCsvCustom,
  customCsvStep,
  firstFittingClassifier,
} from '../../workers/engine/custom-csv';
import { crawlFiles, type CrawlItem } from '../../workers/engine/crawl-files';
import { HEAD_BYTES } from '../../workers/engine/read-head';
import { inspectCsv } from '../../workers/engine/inspect-csv';
import {
  defaultClassifier,
  type CsvClassifierSettings,
  type CustomCsvVerdict,
} from '../../src/core/csv/custom-classifier';
import type { CsvSource } from '../../workers/engine/inspect-csv';
import { readCsvSql } from '../../src/core/sql/read-csv';
import { quoteIdent } from '../../src/core/sql/quote';
import { startNodeEngine, type NodeEngine } from '../support/node-engine';
import { expected, fixturePath, sourceFor } from '../support/fixtures';
import { decantErrorFrom } from '../support/decant-error';
import { dialectFromParameters, parametersFromDialect } from '../../src/catalog/table-files';
import type { CatalogTable } from '../../src/catalog/model';
import { nodeTables } from './catalog-support';

let engine: NodeEngine;
beforeAll(async () => {
  engine = await startNodeEngine();
});

function classifier(settings: Partial<CsvClassifierSettings>): CsvClassifierSettings {
  return { ...defaultClassifier('test'), ...settings };
}

function classify(name: string, settings: Partial<CsvClassifierSettings>) {
  const src = sourceFor(engine, fixturePath(name));
  return { src, verdict: classifyCsvCustom(engine.s, src, classifier(settings)) };
}

function fits(v: CustomCsvVerdict): Extract<CustomCsvVerdict, { fits: true }> {
  if (!v.fits) throw new Error(`expected a fit, got: ${v.reason}`);
  return v;
}

function misfit(v: CustomCsvVerdict): Extract<CustomCsvVerdict, { fits: false }> {
  if (v.fits) throw new Error(`expected no fit, got columns ${JSON.stringify(v.columns)}`);
  return v;
}

/** The file's rows read back with the verdict's dialect and columns; dates as text. */
function rowsOf(src: CsvSource, v: Extract<CustomCsvVerdict, { fits: true }>): unknown[][] {
  const cols = v.columns.map((c) =>
    c.type === 'DATE' || c.type === 'TIMESTAMP'
      ? `CAST(${quoteIdent(c.name)} AS VARCHAR) AS ${quoteIdent(c.name)}`
      : quoteIdent(c.name),
  );
  const sql = `SELECT ${cols.join(', ')} FROM ${readCsvSql(src.path, v.dialect, v.columns)}`;
  return engine.s.rows(sql).map((r) => Object.values(r));
}

describe('classifyCsvCustom: files the classifier fits', () => {
  it('names the columns of a headerless file (no-header.csv, header ABSENT)', () => {
    const { verdict } = classify('no-header.csv', {
      header: 'ABSENT',
      columnNames: ['a', 'b', 'c'],
    });
    const v = fits(verdict);
    expect(v.columns).toEqual([
      { name: 'a', type: 'BIGINT' },
      { name: 'b', type: 'DOUBLE' },
      { name: 'c', type: 'BIGINT' },
    ]);
    expect(v.rowCount).toBe(expected('no-header.csv').rowCount);
    expect(v.dialect.header).toBe(false);
    expect(v.classifier).toBe('test');
  });

  it("gives a headerless file Glue's names col0, col1… when the classifier has none", () => {
    const v = fits(classify('no-header.csv', { header: 'ABSENT' }).verdict);
    expect(v.columns.map((c) => c.name)).toEqual(['col0', 'col1', 'col2']);
    expect(v.columns.map((c) => c.type)).toEqual(
      expected('no-header.csv').columns!.map((c) => c.type),
    );
  });

  it('reads semicolons, decimal commas and dd.mm.yyyy dates as numbers and dates', () => {
    const want = expected('semicolon-decimal-comma.csv');
    const { src, verdict } = classify('semicolon-decimal-comma.csv', {
      delimiter: ';',
      decimalSeparator: ',',
      dateFormat: '%d.%m.%Y',
      header: 'PRESENT',
    });
    const v = fits(verdict);
    expect(v.columns).toEqual(want.columns);
    expect(v.rowCount).toBe(3);
    expect(v.dialect).toMatchObject({ delimiter: ';', decimalSeparator: ',', header: true });
    expect(v.dialect.dateFormat).toBe('%d.%m.%Y');
    expect(rowsOf(src, v)).toEqual(want.rows);
    expect(v.notes).toContain('decimal comma (3,49 read as 3.49)');
    expect(v.notes).toContain('dates read with format %d.%m.%Y');
  });

  it("reads Hive's Ctrl-A layout with \\N as NULL and the classifier's names", () => {
    const want = expected('classifiers/ctrl-a.csv');
    const { src, verdict } = classify('classifiers/ctrl-a.csv', {
      delimiter: '\u0001',
      header: 'ABSENT',
      columnNames: ['id', 'name', 'score', 'day'],
      nullValues: ['\\N'],
    });
    const v = fits(verdict);
    expect(v.columns).toEqual(want.columns);
    expect(v.rowCount).toBe(want.rowCount);
    expect(v.dialect.delimiter).toBe('\u0001');
    expect(v.dialect.nullValues).toEqual(['', '\\N']);
    expect(rowsOf(src, v)).toEqual(want.rows);
  });

  it('reads NA as NULL, so the columns keep their types; without it they are text', () => {
    const want = expected('classifiers/na-nulls.csv');
    const { src, verdict } = classify('classifiers/na-nulls.csv', {
      header: 'PRESENT',
      nullValues: ['NA'],
    });
    const v = fits(verdict);
    expect(v.columns).toEqual(want.columns);
    expect(rowsOf(src, v)).toEqual(want.rows);
    expect(v.notes).toContain('"NA" read as NULL');
    const plain = fits(classify('classifiers/na-nulls.csv', { header: 'PRESENT' }).verdict);
    expect(plain.columns.map((c) => c.type)).toEqual(['VARCHAR', 'VARCHAR', 'VARCHAR', 'VARCHAR']);
  });

  it('restricts column types to the custom datatypes; others widen to VARCHAR', () => {
    const only = (customDatatypes: CsvClassifierSettings['customDatatypes']) =>
      fits(classify('events.tsv', { delimiter: '\t', header: 'PRESENT', customDatatypes }).verdict)
        .columns;
    // Built-in: ts TIMESTAMP, user_id BIGINT, active BOOLEAN, score DOUBLE.
    expect(only(['BIGINT'])).toEqual([
      { name: 'ts', type: 'VARCHAR' },
      { name: 'user_id', type: 'BIGINT' },
      { name: 'active', type: 'VARCHAR' },
      { name: 'score', type: 'VARCHAR' },
    ]);
    expect(only(['VARCHAR']).map((c) => c.type)).toEqual([
      'VARCHAR',
      'VARCHAR',
      'VARCHAR',
      'VARCHAR',
    ]);
    expect(only([]).map((c) => c.type)).toEqual(expected('events.tsv').columns!.map((c) => c.type));
  });

  it('lets the sniffer decide the header when it is UNKNOWN, and says what it decided', () => {
    const v = fits(classify('all-strings-header.csv', { header: 'UNKNOWN' }).verdict);
    expect(v.columns).toEqual(expected('all-strings-header.csv').columns);
    expect(v.notes).toContain('line 1 detected as the header');
    const n = fits(classify('no-header.csv', { header: 'UNKNOWN' }).verdict);
    expect(n.columns.map((c) => c.name)).toEqual(['col0', 'col1', 'col2']);
    expect(n.notes).toContain('no header detected: line 1 is data');
  });

  it('catches the late value (late-string.csv line 30002) exactly as the built-ins do', () => {
    const src = sourceFor(engine, fixturePath('late-string.csv'));
    const v = fits(classifyCsvCustom(engine.s, src, classifier({ header: 'PRESENT' })));
    expect(v.columns).toEqual(expected('late-string.csv').columns);
    expect(v.rowCount).toBe(30001);
    expect(v.warnings).toEqual([
      'column "code" written as text (VARCHAR): line 30002: column "code": "N/A" is not a BIGINT',
    ]);
  });

  it('warns when a date format the classifier gives matches no column', () => {
    const v = fits(classify('no-header.csv', { header: 'ABSENT', dateFormat: '%d.%m.%Y' }).verdict);
    expect(v.warnings).toEqual(['no column holds dates in the format %d.%m.%Y']);
  });

  it('accepts a one-column file only when the classifier allows single columns', () => {
    const v = fits(
      classify('all-strings-header.csv', { delimiter: ';', allowSingleColumn: true }).verdict,
    );
    expect(v.columns).toEqual([{ name: 'city,country,code', type: 'VARCHAR' }]);
    expect(v.rowCount).toBe(3);
  });

  it('reads Latin-1 when told to, or when the encoding is auto', () => {
    const want = expected('latin1.csv');
    for (const encoding of ['latin-1', 'auto'] as const) {
      const { src, verdict } = classify('latin1.csv', { encoding, header: 'PRESENT' });
      const v = fits(verdict);
      expect(v.dialect.encoding).toBe('latin-1');
      expect(rowsOf(src, v)).toEqual(want.rows);
    }
  });

  it('keeps quoted delimiters and line breaks inside fields', () => {
    const want = expected('quoted-multiline.csv');
    const { src, verdict } = classify('quoted-multiline.csv', { header: 'PRESENT' });
    const v = fits(verdict);
    expect(v.rowCount).toBe(3);
    expect(rowsOf(src, v)).toEqual(want.rows);
  });
});

describe('classifyCsvCustom: files the classifier does not fit, with the reason', () => {
  it('refuses a wrong delimiter: one column is not a table unless allowed', () => {
    const v = misfit(classify('no-header.csv', { delimiter: ';' }).verdict);
    expect(v.reason).toBe(
      'only one column when split on semicolon (;) (the classifier does not allow single-column files)',
    );
  });

  it('refuses a header PRESENT when line 1 is data', () => {
    const v = misfit(classify('no-header.csv', { header: 'PRESENT' }).verdict);
    expect(v.reason).toMatch(/^the header is PRESENT, but line 1 reads as data/);
    expect(v.line).toBe(1);
  });

  it('refuses a header ABSENT when line 1 is a header', () => {
    const v = misfit(
      classify('semicolon-decimal-comma.csv', {
        delimiter: ';',
        decimalSeparator: ',',
        header: 'ABSENT',
      }).verdict,
    );
    expect(v.reason).toMatch(/^the header is ABSENT, but line 1 looks like a header/);
    expect(v.reason).toContain('datum DATE');
  });

  it('refuses column names that do not match the column count', () => {
    const v = misfit(
      classify('no-header.csv', { header: 'ABSENT', columnNames: ['a', 'b'] }).verdict,
    );
    expect(v.reason).toBe(
      'the classifier names 2 column(s), but the file has 3 when split on comma (,)',
    );
  });

  it('names the first line whose field count differs (ragged.csv)', () => {
    const v = misfit(classify('ragged.csv', { header: 'PRESENT' }).verdict);
    expect(v.line).toBe(3);
    expect(v.reason).toBe('line 3: expected 3 fields, found 2');
  });

  it('refuses a file that is not in the classifier encoding', () => {
    const v = misfit(classify('latin1.csv', { encoding: 'utf-8' }).verdict);
    expect(v.reason).toMatch(/^the classifier reads UTF-8, but the file is Latin-1/);
    expect(v.reason).toContain('line 2, column 5');
    const u = misfit(classify('semicolon-decimal-comma.csv', { encoding: 'latin-1' }).verdict);
    expect(u.reason).toBe(
      'the classifier reads Latin-1, but the file is UTF-8 text (line 2, column 13)',
    );
  });

  it('refuses an empty file', () => {
    expect(misfit(classify('empty.csv', {}).verdict).reason).toBe('the file is empty');
  });

  it('throws on a classifier that is not valid, naming the field', () => {
    const src = sourceFor(engine, fixturePath('no-header.csv'));
    const err = decantErrorFrom(() =>
      classifyCsvCustom(engine.s, src, classifier({ delimiter: ',', quote: ',' })),
    );
    expect(err.message).toBe('classifier "test": quote: the quote cannot also be the delimiter');
  });
});

describe('firstFittingClassifier: classifiers in the order a crawler lists them', () => {
  const semicolons = classifier({ name: 'semicolons', delimiter: ';' });
  const named = classifier({ name: 'named', header: 'ABSENT', columnNames: ['x', 'y', 'z'] });

  it('takes the first that fits and says why the ones before it did not', () => {
    const src = sourceFor(engine, fixturePath('no-header.csv'));
    const { fit, misses } = firstFittingClassifier(engine.s, src, [semicolons, named]);
    expect(fit?.classifier).toBe('named');
    expect(fit?.columns.map((c) => c.name)).toEqual(['x', 'y', 'z']);
    expect(misses).toEqual([
      {
        classifier: 'semicolons',
        reason:
          'only one column when split on semicolon (;) (the classifier does not allow single-column files)',
      },
    ]);
  });

  it('returns null with every reason when none fits (the built-in classifier goes next)', () => {
    const src = sourceFor(engine, fixturePath('events.tsv'));
    const { fit, misses } = firstFittingClassifier(engine.s, src, [semicolons, named]);
    expect(fit).toBeNull();
    expect(misses.map((m) => m.classifier)).toEqual(['semicolons', 'named']);
    expect(firstFittingClassifier(engine.s, src, [])).toEqual({ fit: null, misses: [] });
  });
});

describe('a crawl tries the custom classifiers before the built-in one', () => {
  let n = 0;
  /** A fixture as the worker's crawl sees a dropped file: registered lazily, head on demand. */
  function item(fixture: string, path: string): CrawlItem {
    const disk = fixturePath(fixture);
    const registered = `custom-crawl-${++n}.csv`;
    const bytes = new Uint8Array(readFileSync(disk));
    const size = statSync(disk).size;
    return {
      path,
      size,
      lastModified: 0,
      kind: 'csv',
      registered,
      gzip: false,
      register: (name) => engine.register(name, disk),
      drop: (name) => engine.drop(name),
      io: {
        head: async () => {
          const head = bytes.slice(0, HEAD_BYTES);
          return { bytes: head, span: head.length, whole: size <= HEAD_BYTES };
        },
        whole: async () => bytes,
        buffer: () => {
          throw new Error('not a Parquet file');
        },
      },
    };
  }
  const crawl = (items: CrawlItem[], classifiers: CsvClassifierSettings[]) =>
    crawlFiles(engine.s, items, {
      customCsv: customCsvStep(engine.s, classifiers),
      cancelled: () => false,
      onProgress: () => undefined,
    });
  const hive = classifier({
    name: 'hive',
    delimiter: '\u0001',
    header: 'ABSENT',
    columnNames: ['id', 'name', 'score', 'day'],
    nullValues: ['\\N'],
  });
  const semicolons = classifier({ name: 'semicolons', delimiter: ';' });

  it('reads the files a classifier fits with it, the others with the built-in', async () => {
    const out = await crawl(
      [
        item('classifiers/ctrl-a.csv', 'people/part-0.txt'),
        item('classifiers/ctrl-a.csv', 'people/part-1.txt'),
        item('events.tsv', 'events/events.tsv'),
      ],
      [semicolons, hive],
    );
    expect(out.skipped).toEqual([]);
    const byPath = new Map(out.files.map((f) => [f.path, f]));
    for (const p of ['people/part-0.txt', 'people/part-1.txt']) {
      const f = byPath.get(p)!;
      expect(f.classifier).toBe('hive');
      expect(f.columns).toEqual(expected('classifiers/ctrl-a.csv').columns);
      expect(f.rowCount).toBe(3);
      expect(f.dialect?.nullValues).toEqual(['', '\\N']);
    }
    const events = byPath.get('events/events.tsv')!;
    expect(events.classifier).toBeUndefined();
    expect(events.columns).toEqual(expected('events.tsv').columns);
    expect(out.notes).toContainEqual(
      expect.stringMatching(
        /^events\/events\.tsv: no custom classifier fits \("semicolons": only one column .*; "hive": .*\); read by the built-in one$/,
      ),
    );
  });

  it('passes the null strings to files batched on a header the classifier read', async () => {
    const na = classifier({ name: 'na', header: 'PRESENT', nullValues: ['NA'] });
    const out = await crawl(
      [
        item('classifiers/na-nulls.csv', 'm/a.csv'),
        item('classifiers/na-nulls.csv', 'm/b.csv'),
        item('classifiers/na-nulls.csv', 'm/c.csv'),
      ],
      [na],
    );
    expect(out.skipped).toEqual([]);
    expect(out.files.map((f) => [f.path, f.classifier, f.rowCount])).toEqual([
      ['m/a.csv', 'na', 3],
      ['m/b.csv', 'na', 3],
      ['m/c.csv', 'na', 3],
    ]);
    for (const f of out.files)
      expect(f.columns).toEqual(expected('classifiers/na-nulls.csv').columns);
  });
});

describe('a table committed from a custom classifier', () => {
  it('keeps reading \\N as NULL after a reload (dialect through table parameters)', () => {
    const { verdict } = classify('classifiers/ctrl-a.csv', {
      delimiter: '\u0001',
      header: 'ABSENT',
      columnNames: ['id', 'name', 'score', 'day'],
      nullValues: ['\\N'],
    });
    const v = fits(verdict);
    // What a reload sees: the dialect stored as parameters in IndexedDB, read back.
    const stored = { parameters: parametersFromDialect(v.dialect) } as unknown as CatalogTable;
    const dialect = dialectFromParameters(stored);
    expect(dialect).toEqual({ ...v.dialect, timestampFormat: undefined });
    nodeTables(engine).attach({
      database: 'hive',
      name: 'people',
      classification: 'csv',
      dialect,
      columns: v.columns,
      partitionKeys: [],
      files: [
        { path: 'ctrl-a.csv', file: fixturePath('classifiers/ctrl-a.csv'), partitionValues: [] },
      ],
    });
    expect(
      engine.s.rows(
        'SELECT count(*) AS n, count(name) AS names, count(score) AS scores, count(day) AS days ' +
          'FROM hive.people',
      ),
    ).toEqual([{ n: 3, names: 2, scores: 2, days: 2 }]);
  });
});

describe('the built-in inspector is unchanged by the new hints', () => {
  it('still finds the decimal comma on its own', () => {
    const src = sourceFor(engine, fixturePath('semicolon-decimal-comma.csv'));
    const found = inspectCsv(engine.s, src);
    expect(found.dialect.nullValues).toBeUndefined();
    expect(found.columns).toEqual(expected('semicolon-decimal-comma.csv').columns);
  });
});
