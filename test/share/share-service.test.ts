import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogTable } from '../../src/catalog';
import { DecantError } from '../../src/core/errors';
import type { EngineClient } from '../../src/engine/client';
import {
  createNode,
  jobWithoutSecrets,
  recipeFromText,
  type Job,
  type JobNode,
} from '../../src/jobs';
import type { DataPackage } from '../../src/share/datapackage';
import { packageEntries } from '../../src/share/package-files';
import { prepareShare, previewSql, type ShareDeps } from '../../src/share/share-service';
import { compileShare } from '../../src/share/share-rules';
import type { EngineHost } from '../../workers/engine/engine-host';
import { CSV } from '../engine/catalog-support';
import { chain, source } from '../jobs/job-support';
import { createNodeEngineClient, createNodeEngineHost, DiskFile } from '../support/engine-host';
import { nativeRead, parquetAt } from '../support/native-duckdb';
import { errorLines, officialValidator } from './datapackage-schema';
import { PEOPLE, PEOPLE_CSV } from './share-fixtures';

let host: EngineHost;
let client: EngineClient;
const dir = mkdtempSync(join(tmpdir(), 'decant-share-service-'));

const people = (over: Partial<CatalogTable> = {}): CatalogTable => ({
  database: PEOPLE.database,
  name: PEOPLE.name,
  description: 'Everyone on the payroll.',
  classification: 'csv',
  sources: [],
  columns: [...PEOPLE.columns],
  partitionKeys: [],
  parameters: { delimiter: ',', header: true },
  updatedBy: { kind: 'user' },
  version: 1,
  createdAt: 0,
  updatedAt: 0,
  ...over,
});

/** The saved job that made hr.people: it reads hr.people itself (as a re-run would). */
// Its Detect Sensitive Data salt is a secret: it must not reach the package.
const PII = {
  ...createNode('detect-sensitive-data', 'pii'),
  options: { scope: 'cell', rules: [], salt: 'SENTINEL-SALT-1' },
} as unknown as JobNode;
const JOB: Job = chain([source('src', 'hr', 'people'), PII], { name: 'clean people' });
const served: string[] = [];
const deps = (): ShareDeps => ({
  engine: client,
  serve: async (t) => void served.push(`${t.database}.${t.name}`),
  job: async (name) => (name === 'clean people' ? JOB : undefined),
  tableColumns: (database, table) =>
    database === 'hr' && table === 'people' ? PEOPLE.columns : null,
});

beforeAll(async () => {
  host = createNodeEngineHost();
  client = createNodeEngineClient(host);
  const csv = join(dir, 'people.csv');
  writeFileSync(csv, PEOPLE_CSV);
  // On the host itself: a DiskFile does not survive comlink's structured clone.
  await host.attachTable({
    database: 'hr',
    name: 'people',
    classification: 'csv',
    dialect: CSV,
    columns: PEOPLE.columns.map(({ name, type }) => ({ name, type })),
    partitionKeys: [],
    files: [{ path: 'people.csv', file: new DiskFile(csv), partitionValues: [] }],
  });
});
afterAll(() => client.terminate());

const northOnly = {
  combine: 'AND' as const,
  clauses: [
    { column: 'region', op: 'EQ' as const, value: { kind: 'constant' as const, value: 'north' } },
  ],
};

async function bytesOf(data: AsyncIterable<Uint8Array> | Uint8Array): Promise<Buffer> {
  if (data instanceof Uint8Array) return Buffer.from(data);
  const chunks: Buffer[] = [];
  for await (const c of data) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

describe('prepareShare: catalog tables + rules → Parquet parts, statistics, recipe', () => {
  it('writes only the shared rows and columns, withheld values nowhere in the package', async () => {
    served.length = 0;
    const progress: number[] = [];
    const input = await prepareShare(
      {
        title: 'People (north)',
        description: 'For the audit.',
        location: 's3://bucket/p/',
        tables: [
          {
            table: people({ updatedBy: { kind: 'job', name: 'clean people' } }),
            rules: {
              omit: ['ssn', 'x"; DROP'],
              hash: ['email'],
              redact: ['phone'],
              salt: 'pepper-salt-kept-home',
              rowFilter: northOnly,
            },
          },
        ],
      },
      deps(),
      { onProgress: (p) => progress.push(p.rows) },
    );
    expect(served).toEqual(['hr.people']);
    expect(progress.at(-1)).toBe(3);
    const t = input.tables[0]!;
    expect(t.parts).toHaveLength(1);
    expect(t.parts[0]!.rows).toBe(3);
    // The recipe: the job, and the columns its source expects (from the catalog port).
    expect(t.recipe?.job).toEqual(jobWithoutSecrets(JOB));
    expect(t.recipe?.sources).toEqual([
      {
        id: 'src',
        read: { kind: 'table', database: 'hr', table: 'people' },
        columns: PEOPLE.columns.map(({ name, type }) => ({ name, type })),
      },
    ]);
    expect(t.statistics?.of).toBe('shared');
    const amount = t.statistics!.columns.find((c) => c.column === 'amount')!;
    expect(amount).toMatchObject({ nulls: 0, min: '10.5', max: '40.0' });
    expect(t.statistics!.columns.find((c) => c.column === 'phone')).toMatchObject({ nulls: 3 });
    expect(t.statistics!.columns.map((c) => c.column)).not.toContain('ssn');

    const { entries, manifest } = packageEntries(input);
    const files = new Map<string, Buffer>();
    for await (const e of entries) files.set(e.path, await bytesOf(e.data));
    expect([...files.keys()]).toEqual([
      'data/hr.people/part-00000.parquet',
      'datapackage.json',
      'README.md',
      'glue/hr.people.table-input.json',
      'athena/hr.people.sql',
      'recipes/hr.people.json',
    ]);
    const all = Buffer.concat([...files.values()]).toString('latin1');
    for (const s of ['SENTINEL', 'pepper-salt-kept-home', 'ada@example.org', 'south'])
      expect(all).not.toContain(s);

    const parquet = join(dir, 'part.parquet');
    writeFileSync(parquet, files.get('data/hr.people/part-00000.parquet')!);
    const read = await nativeRead(parquetAt(parquet));
    expect(read.columns.map(([n]) => n)).toEqual([
      'id',
      'name',
      'email',
      'phone',
      'region',
      'amount',
    ]);
    expect(read.rows.map((r) => [r.id, r.name, r.phone, r.region])).toEqual([
      ['1', 'Ada', null, 'north'],
      ['3', 'Cy', null, 'north'],
      ['4', 'Di', null, 'north'],
    ]);
    const salted = (v: string) =>
      createHash('sha256').update(`pepper-salt-kept-home${v}`).digest('hex');
    expect(read.rows.map((r) => r.email)).toEqual([
      salted('ada@example.org'),
      salted('ada@example.org'),
      salted('di@example.org'),
    ]);

    const doc = JSON.parse(files.get('datapackage.json')!.toString()) as DataPackage;
    expect(doc).toEqual(JSON.parse(JSON.stringify(await manifest)));
    const validate = officialValidator('tabular-data-package');
    expect(validate(doc), errorLines(validate.errors).join('\n')).toBe(true);
    expect(doc.resources[0]!.files[0]!.hash).toBe(
      `sha256:${createHash('sha256').update(files.get('data/hr.people/part-00000.parquet')!).digest('hex')}`,
    );
    expect(doc.resources[0]!.withheld!.join(' ')).toMatch(/"ssn".*left out/);
    const readme = files.get('README.md')!.toString();
    expect(readme).toContain('### Statistics');
    expect(readme).toContain(
      'Made by the job "clean people"; its recipe is recipes/hr.people.json',
    );
    expect(recipeFromText(files.get('recipes/hr.people.json')!.toString())).toEqual(t.recipe);
    expect(doc.resources[0]!.recipe).toBe('recipes/hr.people.json');
  });

  it('leaves the recipe out when asked: no recipes/ file, no `recipe` field, the README says so', async () => {
    const input = await prepareShare(
      {
        title: 'People, no recipe',
        tables: [
          {
            table: people({ updatedBy: { kind: 'job', name: 'clean people' } }),
            rules: { omit: ['ssn'] },
            includeRecipe: false,
          },
        ],
      },
      deps(),
    );
    expect(input.tables[0]!.recipe).toBeUndefined();
    const files = new Map<string, Buffer>();
    for await (const e of packageEntries(input).entries) files.set(e.path, await bytesOf(e.data));
    expect([...files.keys()].filter((p) => p.startsWith('recipes/'))).toEqual([]);
    const doc = JSON.parse(files.get('datapackage.json')!.toString()) as DataPackage;
    expect(doc.resources[0]).not.toHaveProperty('recipe');
    const validate = officialValidator('tabular-data-package');
    expect(validate(doc), errorLines(validate.errors).join('\n')).toBe(true);
    const readme = files.get('README.md')!.toString();
    expect(readme).toContain('its recipe (the job, with its filter constants');
    expect(readme).toContain('was left out of this package');
    expect(readme).not.toContain('recipes/hr.people.json');
    // The job's name and its node names are nowhere in the package.
    const all = Buffer.concat([...files.values()]).toString('latin1');
    expect(all).not.toContain('clean people');
  });

  it('previews the first shared rows with the share SELECT', async () => {
    const share = compileShare(people(), { omit: ['ssn'], rowFilter: northOnly });
    const r = await client.runSql(previewSql(share, 2));
    expect(r.rowCount).toBe(2);
    expect(r.columns.map((c) => c.name)).not.toContain('ssn');
    await client.dropResult(r.resultId);
  });

  it('refuses rules that do not compile before writing anything, in words', async () => {
    served.length = 0;
    const e = await prepareShare(
      { title: 'x', tables: [{ table: people(), rules: { omit: ['nope'], hash: ['email'] } }] },
      deps(),
    ).then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(DecantError);
    expect((e as DecantError).message).toBe(
      'share: cannot share table "hr.people": column "nope" (left out) is not in table "hr.people"; hashed columns need a salt (a secret kept out of the package)',
    );
    expect(served).toEqual([]);
    await expect(
      prepareShare({ title: ' ', tables: [{ table: people(), rules: {} }] }, deps()),
    ).rejects.toThrow('share: give the package a title');
  });

  it('stops when cancelled', async () => {
    const cancel = new AbortController();
    cancel.abort();
    const e = await prepareShare({ title: 'x', tables: [{ table: people(), rules: {} }] }, deps(), {
      signal: cancel.signal,
    }).then(
      () => null,
      (x: unknown) => x as DecantError,
    );
    expect(e?.code).toBe('cancelled');
  });
});
