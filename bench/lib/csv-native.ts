// The benchmark's orders CSV for huge sizes, written by native DuckDB in a minute or two instead of
// the ~25 minutes bench/lib/csv.ts's row-by-row JS generator takes for 6 GB. Same columns, same
// formats and the same distributions as csv.ts (so figures per GB compare), but not the same bytes:
// each random draw here is a hash of (row, column), not mulberry32's sequence.
import { rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { GeneratedCsv } from './csv';

/** Bump when the rows change, so an old file is not reused by mistake. */
const GENERATOR_VERSION = 1;
/** 2023-01-01T00:00:00Z in µs, csv.ts's START_MS. */
const START_US = 1_672_531_200_000_000;

const list = (items: string[]) => `[${items.map((s) => `'${s}'`).join(', ')}]`;
const COUNTRIES = list('DE FR US GB NL ES IT PL SE JP BR IN CA AU'.split(' '));
const STATUSES = list(['pending', 'paid', 'shipped', 'delivered', 'returned', 'cancelled']);
const CHANNELS = list(['web', 'mobile', 'store', 'partner']);
const COUPONS = list(['SPRING', 'VIP10', 'WELCOME', 'BF24', 'FREESHIP', 'X5']);

/** Draw `k` of row `i`: uniform in [0, 1), deterministic for (i, k). */
const u = (k: number) => `(hash(i * 16 + ${k}) / 18446744073709551616.0)`;
/** One of `items` (a DuckDB list literal of n items), by draw `k`. */
const pick = (items: string, n: number, k: number) => `${items}[1 + floor(${u(k)} * ${n})::INT]`;
/** A whole-second TIMESTAMP from µs since the epoch: COPY writes it as "YYYY-MM-DD HH:MM:SS". */
const ts = (us: string) => `make_timestamp((${us}) // 1000000 * 1000000)`;

/**
 * The SELECT over range(rows) that yields csv.ts's columns. Typed values, not printf/strftime
 * text (several times slower): DECIMALs print with csv.ts's fixed decimals, timestamps as it does.
 */
function rowsQuery(rows: number): string {
  const created = `(${START_US} + i * 30000000 + floor(${u(5)} * 30000)::BIGINT * 1000)`;
  return `SELECT
    i + 1 AS order_id,
    1 + floor(${u(1)} * 50000)::BIGINT AS customer_id,
    round(${u(2)} * 2000, 2)::DECIMAL(6, 2) AS amount,
    CASE WHEN ${u(3)} < 0.05 THEN NULL ELSE round(${u(4)} * 0.3, 3)::DECIMAL(4, 3) END AS discount,
    ${ts(created)} AS created_at,
    CASE WHEN ${u(6)} < 0.15 THEN NULL
      ELSE ${ts(`${created} + floor(${u(7)} * 5 * 86400000)::BIGINT * 1000`)} END AS shipped_at,
    ${pick(COUNTRIES, 14, 8)} AS country,
    ${pick(STATUSES, 6, 9)} AS status,
    ${pick(CHANNELS, 4, 10)} AS channel,
    ${u(11)} < 0.4 AS is_member,
    CASE WHEN ${u(12)} < 0.03 THEN NULL ELSE 1 + floor(${u(13)} * 12)::BIGINT END AS quantity,
    CASE WHEN ${u(14)} < 0.7 THEN NULL ELSE ${pick(COUPONS, 6, 15)} END AS coupon
  FROM range(${rows}) r(i)`;
}

const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;

/**
 * Writes `rows` rows to `outDir` with native DuckDB (or reuses the file from an earlier run). Like
 * csv.ts, it is written under a temporary name and renamed at the end, so an interrupted run never
 * leaves a short file that a later run would reuse.
 */
export async function ensureCsvNative(
  conn: DuckDBConnection,
  outDir: string,
  rows: number,
): Promise<GeneratedCsv> {
  const path = join(outDir, `orders-native-v${GENERATOR_VERSION}-${rows}.csv`);
  const existing = await stat(path).catch(() => null);
  if (existing?.isFile()) return { path, rows, bytes: existing.size, reused: true };
  const partial = `${path}.partial`;
  try {
    // No value holds a comma or quote, so nothing is quoted; NULL is an empty field: csv.ts's format.
    await conn.run(`COPY (${rowsQuery(rows)}) TO ${literal(partial)} ` + '(FORMAT csv, HEADER)');
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
  await rename(partial, path);
  return { path, rows, bytes: (await stat(path)).size, reused: false };
}
