import { describe, expect, it } from 'vitest';
import {
  attachedTableFrom,
  dialectFromParameters,
  fileFromSource,
  grantAccess,
  SourceUnavailable,
} from '../../src/catalog/table-files';
import { droppedFiles } from '../../src/platform/dropped-files';
import type { CatalogTable } from '../../src/catalog/model';

/** A FileSystemFileHandle as Chromium behaves after a reload: read permission must be asked again. */
function handle(file: File, permission: PermissionState) {
  const h = {
    kind: 'file' as const,
    name: file.name,
    permission,
    queryPermission: async () => h.permission,
    requestPermission: async () => (h.permission = 'granted'),
    getFile: async () => {
      if (h.permission !== 'granted') throw new DOMException('not allowed', 'NotAllowedError');
      return file;
    },
  };
  return h;
}

function table(sources: CatalogTable['sources']): CatalogTable {
  return {
    database: 'd',
    name: 't',
    description: '',
    classification: 'csv',
    sources,
    columns: [{ name: 'a', type: 'BIGINT', comment: '' }],
    partitionKeys: [{ name: 'year', type: 'BIGINT', comment: '' }],
    parameters: { delimiter: ';', header: true, encoding: 'latin-1', compression: 'gzip' },
    updatedBy: { kind: 'user' },
    version: 1,
    createdAt: 0,
    updatedAt: 0,
  };
}

describe('table sources after a reload', () => {
  const file = new File(['a\n1\n'], 'x.csv');

  it('asks for a click (Reconnect) when a handle lost its permission, then reads the file', async () => {
    const h = handle(file, 'prompt');
    const t = table([
      {
        kind: 'file-handle',
        path: 'year=2024/x.csv',
        handle: h as unknown as FileSystemFileHandle,
        size: 4,
        lastModified: 0,
      },
    ]);
    const err = await fileFromSource(t.sources[0]!).catch((e) => e);
    expect(err).toBeInstanceOf(SourceUnavailable);
    expect(err.needsPermission).toBe(true);
    expect(err.message).toBe(
      'catalog: "year=2024/x.csv" needs your permission again after the reload',
    );

    expect(await grantAccess(t)).toBe(true);
    const attached = await attachedTableFrom(t, [
      {
        database: 'd',
        table: 't',
        values: ['2024'],
        location: 'year=2024',
        files: ['year=2024/x.csv'],
        sizeBytes: 4,
      },
    ]);
    expect(attached.files).toEqual([{ path: 'year=2024/x.csv', file, partitionValues: ['2024'] }]);
    expect(attached.dialect).toMatchObject({
      delimiter: ';',
      encoding: 'latin-1',
      compression: 'gzip',
    });
  });

  it('says a moved or deleted file cannot be read, without asking for permission', async () => {
    const h = {
      ...handle(file, 'granted'),
      getFile: async () => Promise.reject(new DOMException('gone', 'NotFoundError')),
    };
    const err = await fileFromSource({
      kind: 'file-handle',
      path: 'x.csv',
      handle: h as unknown as FileSystemFileHandle,
      size: 4,
      lastModified: 0,
    }).catch((e) => e);
    expect(err.needsPermission).toBe(false);
    expect(err.message).toContain('cannot be read (moved or deleted?)');
  });

  it('fills dialect defaults for parameters a Glue import did not carry', () => {
    expect(dialectFromParameters({ ...table([]), parameters: {} })).toEqual({
      delimiter: ',',
      quote: '"',
      escape: '"',
      header: true,
      encoding: 'utf-8',
      decimalSeparator: '.',
      dateFormat: undefined,
      timestampFormat: undefined,
      compression: 'none',
    });
  });
});

describe('droppedFiles', () => {
  it('keeps file handles where the browser gives them, and skips folders', async () => {
    const a = new File(['1'], 'a.csv');
    const b = new File(['2'], 'b.csv');
    const ha = handle(a, 'granted');
    const items = [
      { kind: 'file', getAsFile: () => a, getAsFileSystemHandle: async () => ha },
      { kind: 'file', getAsFile: () => b },
      {
        kind: 'file',
        getAsFile: () => null,
        getAsFileSystemHandle: async () => ({ kind: 'directory' }),
      },
      { kind: 'string', getAsFile: () => null },
    ];
    const got = await droppedFiles({ items } as unknown as DataTransfer);
    expect(got).toEqual([{ file: a, handle: ha }, { file: b }]);
  });
});
