// Deterministic synthetic CSV: the same rows for the same (GENERATOR_VERSION, rows), so numbers from
// different runs and machines compare the same bytes.
import { mkdir, open, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Bump when the rows change, so an old file in bench/out/ is not reused by mistake. */
const GENERATOR_VERSION = 1;
const SEED = 0x5eed_d5ca;
const ROWS_PER_WRITE = 20_000;

export const CSV_HEADER = [
  'order_id',
  'customer_id',
  'amount',
  'discount',
  'created_at',
  'shipped_at',
  'country',
  'status',
  'channel',
  'is_member',
  'quantity',
  'coupon',
];

const COUNTRIES = [
  'DE',
  'FR',
  'US',
  'GB',
  'NL',
  'ES',
  'IT',
  'PL',
  'SE',
  'JP',
  'BR',
  'IN',
  'CA',
  'AU',
];
const STATUSES = ['pending', 'paid', 'shipped', 'delivered', 'returned', 'cancelled'];
const CHANNELS = ['web', 'mobile', 'store', 'partner'];
const COUPONS = ['SPRING', 'VIP10', 'WELCOME', 'BF24', 'FREESHIP', 'X5'];
const START_MS = Date.UTC(2023, 0, 1);

export interface GeneratedCsv {
  path: string;
  rows: number;
  bytes: number;
  reused: boolean;
}

/** Small, fast, seedable PRNG (mulberry32): Math.random would give different files every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** "YYYY-MM-DD HH:MM:SS": the plain form DuckDB's sniffer detects as TIMESTAMP. */
function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)] as T;
}

/** One CSV line for row `i` (0-based). Empty fields are NULLs once read. */
function makeRow(i: number, rand: () => number): string {
  // Orders arrive roughly every 30 s, so created_at rises with order_id like a real export.
  const created = START_MS + i * 30_000 + Math.floor(rand() * 30_000);
  const shipped =
    rand() < 0.15 ? '' : formatTimestamp(created + Math.floor(rand() * 5 * 86_400_000));
  return [
    i + 1,
    1 + Math.floor(rand() * 50_000),
    (rand() * 2_000).toFixed(2),
    rand() < 0.05 ? '' : (rand() * 0.3).toFixed(3),
    formatTimestamp(created),
    shipped,
    pick(rand, COUNTRIES),
    pick(rand, STATUSES),
    pick(rand, CHANNELS),
    rand() < 0.4 ? 'true' : 'false',
    rand() < 0.03 ? '' : 1 + Math.floor(rand() * 12),
    rand() < 0.7 ? '' : pick(rand, COUPONS),
  ].join(',');
}

async function existingSize(path: string): Promise<number | null> {
  const s = await stat(path).catch(() => null);
  return s?.isFile() ? s.size : null;
}

/**
 * Writes `rows` rows to bench/out (or reuses the file from an earlier run). The file name carries
 * the row count and generator version; it is written under a temporary name and renamed at the
 * end, so an interrupted run never leaves a short file that a later run would reuse.
 */
export async function ensureCsv(outDir: string, rows: number): Promise<GeneratedCsv> {
  const path = join(outDir, `orders-v${GENERATOR_VERSION}-${rows}.csv`);
  const size = await existingSize(path);
  if (size !== null) return { path, rows, bytes: size, reused: true };

  await mkdir(outDir, { recursive: true }); // a fresh clone has no bench/out yet
  const partial = `${path}.partial`;
  const file = await open(partial, 'w');
  try {
    const rand = mulberry32(SEED);
    await file.write(CSV_HEADER.join(',') + '\n');
    for (let start = 0; start < rows; start += ROWS_PER_WRITE) {
      const lines: string[] = [];
      for (let i = start; i < Math.min(rows, start + ROWS_PER_WRITE); i++)
        lines.push(makeRow(i, rand));
      await file.write(lines.join('\n') + '\n');
    }
  } finally {
    await file.close();
  }
  await rename(partial, path);
  return { path, rows, bytes: (await existingSize(path)) ?? 0, reused: false };
}
