import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { DecantError } from '../../src/core/errors';
import type { EngineHost } from '../../workers/engine/engine-host';
import { createNodeEngineHost, DiskFile } from '../support/engine-host';

let host: EngineHost;
const dir = mkdtempSync(join(tmpdir(), 'decant-limits-'));
let n = 0;

/** Writes `bytes` to disk and drops it on the host, as a user would; returns its id. */
async function drop(name: string, bytes: string | Uint8Array): Promise<string> {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  const id = `f${++n}`;
  await host.addFile(id, new DiskFile(path));
  return id;
}

async function refusal(id: string): Promise<DecantError> {
  const e = await host.inspect(id).then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(DecantError);
  return e as DecantError;
}

beforeAll(async () => {
  host = createNodeEngineHost();
  await host.init();
});

describe('limits stated before DuckDB is asked (regressions: a bare "CSV Error on Line: 1")', () => {
  it('names a first line longer than DuckDB reads, without DuckDB', async () => {
    const id = await drop('one-line.csv', 'x'.repeat(3_000_000) + ',1\n');
    const e = await refusal(id);
    expect(e.message).toBe(
      'csv: "one-line.csv": line 1 is longer than 2,000,000 bytes with no line break ' +
        "(DuckDB's max_line_size): is it really a CSV file?",
    );
    expect(e.line).toBe(1);
  });

  it('states the column limit for a 100,000-column header instead of running out of memory', async () => {
    const header = Array.from({ length: 100_000 }, (_, i) => `c${i}`).join(',');
    const id = await drop('wide.csv', `${header}\n${header}\n`);
    const e = await refusal(id);
    expect(e.message).toBe(
      'csv: "wide.csv": line 1 has 100,000 fields; Decant reads at most 20,000 columns per file',
    );
  });

  it('still reads a file whose first line is long but within the limit', async () => {
    const long = 'y'.repeat(400_000);
    const id = await drop('long-ok.csv', `a,b\n1,${long}\n2,z\n`);
    const got = await host.inspect(id);
    expect(got.columns.map((c) => c.name)).toEqual(['a', 'b']);
    // The sample ends inside line 2: no whole row to scale from, so the count is not guessed.
    expect(got.rowCount).toBeNull();
  });

  it('says a large gzip file has an unknown row count rather than a wrong estimate', async () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => `${i},${i % 7 === 0 ? 'x' : 'same'}`);
    const id = await drop('big.csv.gz', gzipSync(`id,v\n${rows.join('\n')}\n`));
    const got = await host.inspect(id);
    expect(got.rowCountExact).toBe(false);
    expect(got.rowCount).toBeNull();
  });
});
