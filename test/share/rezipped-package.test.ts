/**
 * Packages re-zipped by other tools: `zip -r` (Debian's Info-ZIP), Python's zipfile stored and
 * ZIP_DEFLATED. Their entries are deflated (Parquet files too), and must open with the exact
 * bytes datapackage.json lists; an entry that inflates to more than it says is refused in words.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetMetadata } from 'hyparquet';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CatalogTable } from '../../src/catalog';
import { digestStream } from '../../src/core/hash/sha256-stream';
import { readPackage } from '../../src/share/open-package';
import { packageZip } from '../../src/share/package-files';
import { zipPackageSource, type FetchPort, type PackageFile } from '../../src/share/package-source';
import { compileShare, shareTargetSpec } from '../../src/share/share-rules';
import { attachSalesFolder } from '../jobs/job-support';
import { fixturePath } from '../support/fixtures';
import { startNodeEngine } from '../support/node-engine';
import { SALES } from './share-fixtures';
import { scratchDir, tablesOf, writeParquet } from './share-support';

const noFetch: FetchPort = {
  fetch: () => Promise.reject(new Error('test: no network')),
  origin: null,
  now: () => Date.parse('2026-12-03T08:00:00Z'),
};

/** The package's folder, as `unzip` leaves it. */
let folder = '';
let stored: Uint8Array;

beforeAll(async () => {
  const writer = await startNodeEngine();
  attachSalesFolder(tablesOf(writer), fixturePath('sales'), 'shop', 'sales');
  const share = compileShare(SALES, {});
  // Uncompressed Parquet, so deflate has something to shrink and the entries really are deflated.
  const parts = await writeParquet(writer, shareTargetSpec(share), 'none');
  const table: CatalogTable = {
    ...SALES,
    columns: [...SALES.columns],
    partitionKeys: [...SALES.partitionKeys],
    description: '',
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
  stored = new Uint8Array(await new Response(zip).arrayBuffer());
  const root = scratchDir();
  writeFileSync(join(root, 'stored.zip'), stored);
  folder = join(root, 'shop-sales');
  mkdirSync(folder);
  execFileSync('unzip', ['-q', join(root, 'stored.zip'), '-d', folder]);
}, 120_000);

/** `folder` zipped by `tool` into a new file; its bytes. */
function rezip(tool: 'zip' | 'python-stored' | 'python-deflated'): Uint8Array {
  const out = join(scratchDir(), 'package.zip');
  if (tool === 'zip') execFileSync('zip', ['-q', '-r', '-9', out, '.'], { cwd: folder });
  else
    execFileSync(
      'python3',
      [
        '-c',
        `import os, sys, zipfile
method = zipfile.ZIP_DEFLATED if sys.argv[3] == 'deflated' else zipfile.ZIP_STORED
with zipfile.ZipFile(sys.argv[1], 'w', method) as z:
    for d, _, files in os.walk(sys.argv[2]):
        for f in files:
            p = os.path.join(d, f)
            z.write(p, os.path.join('shop-sales', os.path.relpath(p, sys.argv[2])))`,
        out,
        folder,
        tool === 'python-deflated' ? 'deflated' : 'stored',
      ],
      { stdio: 'inherit' },
    );
  return new Uint8Array(readFileSync(out));
}

/** The compression method of each entry (central directory), by name. */
function methods(zip: Uint8Array): Map<string, number> {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const out = new Map<string, number>();
  for (let at = 0; at + 46 <= zip.length; at++) {
    if (view.getUint32(at, true) !== 0x02014b50) continue;
    const nameLength = view.getUint16(at + 28, true);
    const name = new TextDecoder().decode(zip.subarray(at + 46, at + 46 + nameLength));
    out.set(name, view.getUint16(at + 10, true));
  }
  return out;
}

const blobOf = (bytes: Uint8Array) => new Blob([bytes as Uint8Array<ArrayBuffer>]);

describe('opening a package re-zipped by another tool', () => {
  it.each(['zip', 'python-deflated', 'python-stored'] as const)(
    'opens one made by %s: every data file has the bytes and SHA-256 it lists',
    async (tool) => {
      const bytes = rezip(tool);
      const parquetMethods = [...methods(bytes)]
        .filter(([name]) => name.endsWith('.parquet'))
        .map(([, m]) => m);
      expect(parquetMethods.length).toBeGreaterThan(1);
      expect(new Set(parquetMethods)).toEqual(new Set([tool === 'python-stored' ? 0 : 8]));

      const source = await zipPackageSource(blobOf(bytes), 'package.zip');
      const pkg = await readPackage(source, noFetch);
      expect(pkg.title).toBe('Shop sales');
      expect(pkg.readme).toMatch(/^# Shop sales/);
      const t = pkg.tables[0]!;
      let rows = 0;
      for (const f of t.files) {
        const file = (await source.file(f.path)) as Extract<PackageFile, { kind: 'blob' }>;
        expect(await digestStream(file.blob.stream())).toEqual({
          bytes: f.bytes,
          sha256: f.sha256,
        });
        const buffer = await file.blob.arrayBuffer();
        rows += Number(parquetMetadata(buffer).num_rows);
      }
      expect(rows).toBe(t.rows);
    },
  );

  it('refuses an entry that inflates to more than the zip says, naming it', async () => {
    const bytes = rezip('zip');
    const name = 'datapackage.json';
    // Both of the entry's stated sizes (local header and central directory) made smaller.
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let at = 0; at + 46 <= bytes.length; at++) {
      const sig = view.getUint32(at, true);
      if (sig !== 0x02014b50 && sig !== 0x04034b50) continue;
      const central = sig === 0x02014b50;
      const nameAt = at + (central ? 46 : 30);
      const nameLength = view.getUint16(at + (central ? 28 : 26), true);
      if (new TextDecoder().decode(bytes.subarray(nameAt, nameAt + nameLength)) !== name) continue;
      view.setUint32(at + (central ? 24 : 22), 100, true);
    }
    const source = await zipPackageSource(blobOf(bytes), 'bomb.zip');
    await expect(readPackage(source, noFetch)).rejects.toThrow(
      /share: "datapackage.json" in "bomb.zip" inflates to more than the 100 bytes the zip says/,
    );
  });

  it('refuses an entry stating a size deflate cannot reach, before inflating it', async () => {
    const bytes = rezip('zip');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let patched = 0;
    for (let at = 0; at + 46 <= bytes.length; at++) {
      if (view.getUint32(at, true) !== 0x02014b50) continue;
      const nameLength = view.getUint16(at + 28, true);
      const entry = new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength));
      if (entry !== 'README.md') continue;
      view.setUint32(at + 24, 0xfff0_0000, true);
      patched++;
    }
    expect(patched).toBe(1);
    const source = await zipPackageSource(blobOf(bytes), 'huge.zip');
    await expect(source.file('README.md')).rejects.toThrow(
      /"README.md" in "huge.zip" says it inflates from \d+ to 4293918720 bytes, more than deflate can make/,
    );
  });
});

// The folder the packages are made from must exist (a failed unzip would make every test vacuous).
it('unpacks the package it re-zips', () => {
  expect(readFileSync(join(folder, 'datapackage.json'), 'utf8')).toMatch(/"resources"/);
});
