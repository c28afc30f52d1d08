import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CatalogPartition, CatalogTable, TableDraft } from '../../src/catalog';
import { digestStream } from '../../src/core/hash/sha256-stream';
import { addPackage, databaseNameFor, type AddPackagePorts } from '../../src/share/add-package';
import {
  previewTable,
  readPackage,
  tableColumns,
  type OpenedPackage,
} from '../../src/share/open-package';
import { packageZip } from '../../src/share/package-files';
import {
  folderPackageSource,
  linkPackageSource,
  zipPackageSource,
  type FetchPort,
  type PackageFile,
} from '../../src/share/package-source';
import { compileShare, shareTargetSpec } from '../../src/share/share-rules';
import { createNodeEngineHost, DiskFile } from '../support/engine-host';
import { fixturePath } from '../support/fixtures';
import { startNodeEngine, type NodeEngine } from '../support/node-engine';
import { attachSalesFolder } from '../jobs/job-support';
import { SALES } from './share-fixtures';
import { scratchDir, tablesOf, writeParquet } from './share-support';
import type { EngineHost } from '../../workers/engine/engine-host';

const noFetch: FetchPort = {
  fetch: () => Promise.reject(new Error('test: no network')),
  origin: null,
  now: () => Date.parse('2026-12-03T08:00:00Z'),
};

let writer: NodeEngine;
let host: EngineHost;
let zipBytes: Uint8Array;
let totalRows = 0;

beforeAll(async () => {
  writer = await startNodeEngine();
  attachSalesFolder(tablesOf(writer), fixturePath('sales'), 'shop', 'sales');
  const share = compileShare(SALES, {});
  const parts = await writeParquet(writer, shareTargetSpec(share));
  totalRows = parts.reduce((n, p) => n + p.rows, 0);
  const table: CatalogTable = {
    ...SALES,
    columns: [...SALES.columns],
    partitionKeys: [...SALES.partitionKeys],
    description: 'Sales by month',
    classification: 'csv',
    sources: [],
    parameters: {},
    updatedBy: { kind: 'user' },
    version: 1,
    createdAt: 0,
    updatedAt: 0,
  };
  const { zip } = packageZip({
    title: 'Shop sales',
    created: new Date('2026-12-02T00:00:00Z'),
    tables: [
      {
        table,
        share,
        parts: parts.map((p) => ({
          values: p.values,
          rows: p.rows,
          data: new Blob([p.bytes as Uint8Array<ArrayBuffer>]),
        })),
      },
    ],
  });
  zipBytes = new Uint8Array(await new Response(zip).arrayBuffer());
  host = createNodeEngineHost();
}, 120_000);

const zipBlob = (bytes = zipBytes) => new Blob([bytes as Uint8Array<ArrayBuffer>]);

/** The package's files unpacked under a folder (as a user unzipping it would). */
async function unpacked(): Promise<{ root: string; files: { path: string; file: DiskFile }[] }> {
  const source = await zipPackageSource(zipBlob(), 'shop.zip');
  const pkg = await readPackage(source, noFetch);
  const root = scratchDir();
  const paths = [
    'datapackage.json',
    'README.md',
    ...pkg.tables.flatMap((t) => t.files.map((f) => f.path)),
  ];
  const files = [];
  for (const p of paths) {
    const f = (await source.file(p)) as Extract<PackageFile, { kind: 'blob' }>;
    const at = join(root, 'shop', p);
    mkdirSync(dirname(at), { recursive: true });
    writeFileSync(at, new Uint8Array(await f.blob.arrayBuffer()));
    files.push({ path: `shop/${p}`, file: new DiskFile(at) });
  }
  return { root, files };
}

let footer: Awaited<ReturnType<typeof tableColumns>> | undefined;
async function folderColumns() {
  if (!footer) {
    const { files } = await unpacked();
    const pkg = await readPackage(folderPackageSource(files, 'shop'), noFetch);
    footer = await tableColumns(host, pkg, pkg.tables[0]!);
  }
  return footer;
}

/** Ports that record what they would store, in memory; digests in process. */
function memoryPorts(_pkg: OpenedPackage) {
  const kept: string[] = [];
  const removed: string[] = [];
  const commits: {
    database: string;
    entries: { draft: TableDraft; partitions: CatalogPartition[] }[];
  }[] = [];
  const ports: AddPackagePorts = {
    fetch: noFetch,
    digest: (stream, onBytes) => digestStream(stream, onBytes),
    // Zip slices cannot reach the Node engine (it reads files from disk): the same package's
    // footer, read from its unpacked folder.
    columns: async () => (await folderColumns())!,
    keep: async (file, i) => {
      const name = `copy-${i}-${file.path.split('/').pop()}`;
      kept.push(name);
      return name;
    },
    removeCopy: async (name) => void removed.push(name),
    commit: async (database, entries) => {
      commits.push({ database, entries });
      return [];
    },
  };
  return { ports, kept, removed, commits };
}

describe('opening a package zip', () => {
  it('reads datapackage.json and the README from the zip and lists its table', async () => {
    const pkg = await readPackage(await zipPackageSource(zipBlob(), 'shop.zip'), noFetch);
    expect(pkg.title).toBe('Shop sales');
    expect(pkg.readme).toMatch(/^# Shop sales/);
    expect(pkg.tables.map((t) => [t.resource, t.name, t.fromDatabase, t.partitionKeys])).toEqual([
      ['shop.sales', 'sales', 'shop', ['year', 'month']],
    ]);
    expect(pkg.tables[0]!.rows).toBe(totalRows);
    expect(pkg.tables[0]!.files.length).toBeGreaterThan(1);
    expect(databaseNameFor(pkg, ['Shop_Sales'])).toBe('shop_sales_2');
  });

  it('gives each data file as the exact bytes of its zip entry (a slice, no inflating)', async () => {
    const source = await zipPackageSource(zipBlob(), 'shop.zip');
    const pkg = await readPackage(source, noFetch);
    for (const f of pkg.tables[0]!.files) {
      const file = (await source.file(f.path)) as Extract<PackageFile, { kind: 'blob' }>;
      const digest = await digestStream(file.blob.stream());
      expect(digest).toEqual({ bytes: f.bytes, sha256: f.sha256 });
    }
  });

  it('says when a file is not a zip, or a zip is not a package', async () => {
    await expect(zipPackageSource(new Blob(['hello']), 'notes.zip')).rejects.toThrow(
      /^share: "notes\.zip" is not a zip file/,
    );
    const { zip } = await import('client-zip').then((m) => ({
      zip: m.makeZip([{ name: 'a.txt', input: 'x' }]),
    }));
    const other = new Blob([await new Response(zip).arrayBuffer()]);
    await expect(zipPackageSource(other, 'other.zip')).rejects.toThrow(
      /^share: "other\.zip" is not a data package: it holds no datapackage\.json/,
    );
  });
});

describe('adding a package', () => {
  it('checks every hash, keeps a copy of each file and commits one database with partitions', async () => {
    const pkg = await readPackage(await zipPackageSource(zipBlob(), 'shop.zip'), noFetch);
    const { ports, kept, commits, removed } = memoryPorts(pkg);
    const phases = new Set<string>();
    await addPackage(pkg, ports, {
      database: 'shop_sales',
      onProgress: (p) => phases.add(p.phase),
    });
    expect([...phases]).toEqual(['checking', 'copying', 'saving']);
    const files = pkg.tables[0]!.files;
    expect(kept).toHaveLength(files.length);
    expect(removed).toEqual([]);
    expect(commits).toHaveLength(1);
    const { draft, partitions } = commits[0]!.entries[0]!;
    expect(commits[0]!.database).toBe('shop_sales');
    expect(draft.classification).toBe('parquet');
    expect(draft.partitionKeys.map((k) => [k.name, k.type])).toEqual([
      ['year', 'BIGINT'],
      ['month', 'BIGINT'],
    ]);
    expect(draft.columns.map((c) => c.name)).toEqual(SALES.columns.map((c) => c.name));
    expect(draft.sources.every((s) => s.kind === 'opfs')).toBe(true);
    expect(draft.sources[0]!.path).toMatch(/^year=2024\/month=\d+\/part-00000\.parquet$/);
    expect(partitions.map((p) => p.values)).toEqual(
      files.map((f) => f.path.match(/year=(\d+)\/month=(\d+)/)!.slice(1)),
    );
    expect(partitions.reduce((n, p) => n + (p.rowCount ?? 0), 0)).toBe(totalRows);
  });

  it('refuses a changed file, naming it, before anything is copied or committed', async () => {
    const pkg0 = await readPackage(await zipPackageSource(zipBlob(), 'shop.zip'), noFetch);
    const target = pkg0.tables[0]!.files[1]!;
    const source0 = await zipPackageSource(zipBlob(), 'shop.zip');
    const entry = (await source0.file(target.path)) as Extract<PackageFile, { kind: 'blob' }>;
    // Find the entry's bytes in the zip and flip one in the middle.
    const bytes = new Uint8Array(await entry.blob.arrayBuffer());
    const at = indexOf(zipBytes, bytes);
    expect(at).toBeGreaterThan(0);
    const tampered = Uint8Array.from(zipBytes);
    tampered[at + (bytes.length >> 1)]! ^= 0xff;
    const pkg = await readPackage(await zipPackageSource(zipBlob(tampered), 'shop.zip'), noFetch);
    const { ports, kept, commits } = memoryPorts(pkg);
    await expect(addPackage(pkg, ports, { database: 'x' })).rejects.toThrow(
      `share: "${target.path}" does not match datapackage.json`,
    );
    expect(kept).toEqual([]);
    expect(commits).toEqual([]);
  });

  it('removes the copies it made when the catalog write fails', async () => {
    const pkg = await readPackage(await zipPackageSource(zipBlob(), 'shop.zip'), noFetch);
    const { ports, kept, removed } = memoryPorts(pkg);
    ports.commit = () => Promise.reject(new Error('catalog: database "x" exists'));
    await expect(addPackage(pkg, ports, { database: 'x' })).rejects.toThrow(/exists/);
    expect(removed.sort()).toEqual(kept.sort());
  });
});

describe('reading a package folder with the engine', () => {
  it('previews a table’s first rows and reads its schema from the Parquet footer', async () => {
    const { files } = await unpacked();
    const pkg = await readPackage(folderPackageSource(files, 'shop'), noFetch);
    const t = pkg.tables[0]!;
    const cols = await tableColumns(host, pkg, t);
    expect(cols.map((c) => c.name)).toEqual(SALES.columns.map((c) => c.name));
    const preview = await previewTable(host, pkg, t);
    const rows = tableFromIPC(preview.rows);
    expect(rows.schema.fields.map((f) => f.name)).toEqual([
      ...SALES.columns.map((c) => c.name),
      'year',
      'month',
    ]);
    expect(rows.numRows).toBe(Math.min(20, t.files[0]!.rows ?? 0));
    const [year, month] = t.files[0]!.path.match(/year=(\d+)\/month=(\d+)/)!.slice(1);
    expect(String(rows.getChild('year')!.get(0))).toBe(year);
    expect(String(rows.getChild('month')!.get(0))).toBe(month);
  });

  it('says which listed file a folder lacks', async () => {
    const { files } = await unpacked();
    const missing = files.filter((f) => !f.path.endsWith('part-00001.parquet'));
    await expect(readPackage(folderPackageSource(missing, 'shop'), noFetch)).rejects.toThrow(
      /^share: "data\/shop\.sales\/year=2024\/month=\d+\/part-00001\.parquet", listed in datapackage\.json, is missing from the package$/,
    );
  });
});

describe('share links', () => {
  it('says when the link expired, with its date, before any request', async () => {
    const source = linkPackageSource({
      v: 1,
      base: 'https://bucket.s3.eu-west-1.amazonaws.com/pkg/',
      query: 'X-Amz-Expires=60',
      signatures: { 'datapackage.json': 'ab' },
      expiresAt: '2026-12-01T10:30:00.000Z',
    });
    await expect(readPackage(source, noFetch)).rejects.toThrow(
      'share: this link expired on 2026-12-01 10:30 UTC; ask the sender for a new one',
    );
  });
});

function indexOf(hay: Uint8Array, needle: Uint8Array): number {
  const first = needle[0];
  outer: for (let i = 0; i <= hay.length - needle.length; i++) {
    if (hay[i] !== first) continue;
    for (let j = 1; j < 64; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
