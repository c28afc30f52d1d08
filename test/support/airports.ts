import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { quoteLiteral } from '../../src/core/sql/quote';

/**
 * Writes `airports/state=…/data_0.csv` with native DuckDB, as the repro does with vega's
 * airports.csv (not available offline): one writer, five partitions. AK and TX have names with
 * a comma every tenth row (quoted), WA one name with quotes (quoted, quotes doubled), GA and SC
 * nothing the writer quotes. Row counts as in test/fixtures/airports.expected.json. Returns the
 * path of `airports/` in a fresh temporary folder.
 */
export async function writeAirports(): Promise<string> {
  const dir = join(mkdtempSync(join(tmpdir(), 'decant-airports-')), 'airports');
  const c = await (await DuckDBInstance.create(':memory:')).connect();
  await c.run(`
    COPY (
      WITH counts(state, n) AS (
        VALUES ('AK', 263), ('GA', 97), ('SC', 52), ('TX', 209), ('WA', 65)
      )
      SELECT
        state || lpad(i::VARCHAR, 3, '0') AS iata,
        CASE
          WHEN state IN ('AK', 'TX') AND i % 10 = 0 THEN 'Field ' || i || ', Municipal'
          WHEN state = 'WA' AND i = 7 THEN 'Boeing "King County" Field'
          ELSE 'Field ' || i
        END AS name,
        'City ' || i AS city,
        round(30 + i / 7, 4) AS latitude,
        round(-150 + i / 3, 4) AS longitude,
        state
      FROM counts, range(n) AS r(i)
      ORDER BY state, i
    ) TO ${quoteLiteral(dir)} (FORMAT csv, HEADER, PARTITION_BY (state))`);
  c.closeSync();
  return dir;
}

/** Every file under `dir`, as paths relative to its parent (`airports/state=AK/data_0.csv`). */
export function filesUnder(dir: string, name = dir.slice(dir.lastIndexOf('/') + 1)): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((p) => statSync(join(dir, p)).isFile())
    .map((p) => `${name}/${p.split('\\').join('/')}`)
    .sort();
}
