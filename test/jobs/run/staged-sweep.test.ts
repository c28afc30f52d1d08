// What an interrupted run leaves in an OPFS target folder, and what the start-up sweep removes.
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeStagedFiles } from '../../../src/jobs/run/output';
import { diskDirectory, filesUnder } from './disk-handles';

/** An OPFS root holding `out/` with these files; returns the root's path. */
function rootWith(files: string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'decant-sweep-'));
  for (const f of files) {
    mkdirSync(dirname(join(root, 'out', f)), { recursive: true });
    writeFileSync(join(root, 'out', f), 'x');
  }
  return root;
}

// Run jr_b closed its tab midway through its renames: two files moved, one still staged.
const FILES = [
  'k=1/part-jr_a-00000.parquet',
  'k=1/part-jr_b-00000.parquet',
  'k=2/part-jr_b-00001.parquet',
  'k=3/.decant-tmp-jr_b-part-jr_b-00002.parquet',
];

describe('removeStagedFiles', () => {
  it('removes only the run’s staged files by default', async () => {
    const root = rootWith(FILES);
    expect(await removeStagedFiles(diskDirectory(root), 'out', 'jr_b')).toBe(1);
    expect(await filesUnder(join(root, 'out'))).toEqual(FILES.slice(0, 3));
  });

  it('with published, also the files it renamed, and the partition folders left empty', async () => {
    const root = rootWith(FILES);
    expect(await removeStagedFiles(diskDirectory(root), 'out', 'jr_b', { published: true })).toBe(
      3,
    );
    expect(await filesUnder(join(root, 'out'))).toEqual(['k=1/part-jr_a-00000.parquet']);
    expect(readdirSync(join(root, 'out')).sort()).toEqual(['k=1']);
  });

  it('removes the target folder when the run was all it held', async () => {
    const root = rootWith(FILES.slice(1));
    expect(await removeStagedFiles(diskDirectory(root), 'out', 'jr_b', { published: true })).toBe(
      3,
    );
    expect(readdirSync(root)).toEqual([]);
  });

  it('is fine with a folder that is not there', async () => {
    const root = mkdtempSync(join(tmpdir(), 'decant-sweep-'));
    expect(await removeStagedFiles(diskDirectory(root), 'out', 'jr_b', { published: true })).toBe(
      0,
    );
  });
});
