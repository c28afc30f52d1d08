import { describe, expect, it } from 'vitest';
import type { ColumnStatistics } from '../../src/catalog';
import type { PackagedTable } from '../../src/share/datapackage';
import {
  escapeMarkdown,
  packageReadme,
  shownStatistics,
  type ReadmeStatistics,
} from '../../src/share/package-readme';
import type { SharedColumn } from '../../src/share/share-rules';

const shared = (
  name: string,
  type: string,
  treatment: SharedColumn['treatment'] = 'kept',
  comment = '',
  partitionKey = false,
): SharedColumn => ({ name, type, treatment, comment, partitionKey });

const EVIL = ['| x', '<script>alert(1)</script>', 'a\nb', '`code`', '*bold* _it_', '# h', '1. one'];

const PEOPLE: PackagedTable = {
  database: 'hr',
  name: 'people',
  description: 'Staff, by region',
  columns: [
    shared('id', 'BIGINT', 'kept', 'employee number'),
    shared('email', 'VARCHAR', 'hashed'),
    shared('phone', 'VARCHAR', 'redacted'),
    ...EVIL.map((n) => shared(n, 'VARCHAR', 'kept', `comment of ${n}`)),
  ],
  withheld: { omitted: ['ssn'], hashed: ['email'], redacted: ['phone'], rowFilter: null },
  partitionKeys: [],
  files: [
    { path: 'data/hr.people/part-00000.parquet', bytes: 2048, sha256: 'a'.repeat(64), rows: 3 },
  ],
  sha256: 'a'.repeat(64),
};

const SALES: PackagedTable = {
  database: 'shop',
  name: 'sales',
  description: '',
  columns: [
    shared('id', 'BIGINT'),
    shared('price', 'DOUBLE'),
    shared('year', 'BIGINT', 'kept', '', true),
  ],
  withheld: { omitted: [], hashed: [], redacted: [], rowFilter: null },
  partitionKeys: ['year'],
  files: [
    {
      path: 'data/shop.sales/year=2024/part-00000.parquet',
      bytes: 1000,
      sha256: 'b'.repeat(64),
      rows: 1500,
    },
    {
      path: 'data/shop.sales/year=2025/part-00001.parquet',
      bytes: 1000,
      sha256: 'c'.repeat(64),
      rows: 500,
    },
  ],
  sha256: 'd'.repeat(64),
};

const stat = (column: string, min: string, max: string): ColumnStatistics => ({
  column,
  type: 'VARCHAR',
  nulls: 0,
  distinct: 3,
  min,
  max,
});
const CATALOG: ReadmeStatistics = {
  of: 'catalog',
  columns: [
    stat('id', '1', '4'),
    stat('email', 'ada@x', 'di@x'),
    stat('ssn', 'SENTINEL-1', 'SENTINEL-4'),
  ],
};

/** Unescaped pipes: the cell borders a Markdown table reader sees. */
const borders = (line: string) => line.replace(/\\./g, '').split('|').length - 1;
/** What a reader shows for escaped text. */
const shown = (text: string) =>
  text.replace(/\\(.)/g, '$1').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

describe('packageReadme', () => {
  const text = packageReadme({
    title: 'HR & Shop <Q4>',
    description: '=== not a heading\n- not a list',
    created: new Date('2026-12-02T18:00:00Z'),
    tables: [
      { ...PEOPLE, statistics: CATALOG },
      { ...SALES, recipe: 'recipes/shop.sales.json' },
    ],
    extras: [{ path: 'athena/shop.sales.sql', what: 'Athena DDL (CREATE EXTERNAL TABLE)' }],
  });
  const lines = text.split('\n');

  it('has one heading per table and section, and nothing else a reader would take for a block', () => {
    expect(lines.filter((l) => /^#/.test(l))).toEqual([
      '# HR &amp; Shop &lt;Q4&gt;',
      '## hr.people',
      '### Columns',
      '### Statistics',
      '### What was withheld',
      '## shop.sales',
      '### Columns',
      '### What was withheld',
      '## Other files',
    ]);
    expect(lines).toContain('\\=== not a heading - not a list');
    expect(text).not.toMatch(/<script|<Q4>/);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('keeps every column table row to its cells, whatever the names hold', () => {
    // Each Markdown table: every row has as many cell borders as its header.
    let header = 0;
    let rows = 0;
    for (const l of lines) {
      if (!l.startsWith('|')) header = 0;
      else if (header === 0) header = borders(l);
      else {
        expect(borders(l), l).toBe(header);
        rows++;
      }
    }
    expect(rows).toBeGreaterThan(PEOPLE.columns.length);
    const columnRows = lines.slice(lines.indexOf('| Column | Type | Description |') + 2);
    // The first cell, split at unescaped pipes only.
    const firstCell = (l: string) => l.split(/(?<!\\)\|/)[1]!.trim();
    const names = columnRows.slice(0, PEOPLE.columns.length).map((l) => shown(firstCell(l)));
    expect(names).toEqual(PEOPLE.columns.map((c) => c.name.replace('\n', ' ')));
  });

  it('says rows, files, sizes, partition folders, treatments and the recipe', () => {
    expect(text).toContain('A data package of 2 tables, made with Decant on 2026-12-02.');
    expect(lines).toContain('3 rows in 1 Parquet file (2.0 kB).');
    expect(lines).toContain(
      '2,000 rows in 2 Parquet files (2.0 kB), in folders by year (`key=value`).',
    );
    expect(lines).toContain('| id | BIGINT | employee number |');
    expect(lines).toContain('| email | VARCHAR | hashed (salted SHA-256) |');
    expect(lines).toContain('| phone | VARCHAR | redacted (always empty) |');
    expect(lines).toContain('| year | BIGINT | partition key (folder name) |');
    expect(lines).toContain('Made by the job in recipes/shop.sales.json.');
    expect(lines).toContain('- athena/shop.sales.sql: Athena DDL (CREATE EXTERNAL TABLE)');
    expect(lines).toContain('Nothing: every column and row of the table is shared as it is.');
    expect(lines).toContain('- Column "ssn" is left out: no value of it is in this package.');
  });

  it('shows catalog statistics only for columns shared as they are', () => {
    const from = lines.indexOf('### Statistics') + 4;
    const statsRows = lines.slice(from, lines.indexOf('', from));
    expect(statsRows).toEqual(['| id | 0 | 3 | 1 | 4 |']);
    expect(text).not.toMatch(/ada@x|SENTINEL/);
  });
});

describe('shownStatistics', () => {
  it('drops catalog statistics under a row filter, keeps statistics of the shared rows', () => {
    const filtered = { ...PEOPLE, withheld: { ...PEOPLE.withheld, rowFilter: '"id" is "3"' } };
    expect(shownStatistics(filtered, CATALOG)).toEqual([]);
    expect(shownStatistics(PEOPLE, CATALOG).map((s) => s.column)).toEqual(['id']);
    const own: ReadmeStatistics = { ...CATALOG, of: 'shared' };
    expect(shownStatistics(filtered, own).map((s) => s.column)).toEqual(['id', 'email']);
    expect(shownStatistics(PEOPLE, undefined)).toEqual([]);
  });
});

describe('escapeMarkdown', () => {
  it.each(EVIL)('%j reads back as itself (line breaks as spaces)', (name) => {
    const escaped = escapeMarkdown(name);
    expect(escaped).not.toMatch(/[<>\n]/);
    expect(borders(escaped)).toBe(0);
    expect(shown(escaped)).toBe(name.replace('\n', ' '));
  });
});
