// `npx tsx bench/crawl-plan.ts`: grouping 10,000 classified files into tables (the target:
// crawling a folder of 10,000 small files in < 10 s; this is the planning part of it, without
// listing or classifying). It measures and prints; it never asserts a time.
//
// Three shapes: one Hive-partitioned dataset with Spark's leftovers beside it (the common case);
// 100 folders that each have their own schema (every folder split, the most merge failures);
// 10,000 loose files in 10 name groups (the loose-file grouping). Environment: BENCH_FILES.
import type { ClassifiedFile } from '../src/crawler/crawl-file';
import { groupTables } from '../src/crawler/group-tables';
import { median } from './lib/stats';

const FILES = Number(process.env.BENCH_FILES ?? 10_000);
const RUNS = 7;

const COLUMNS = [
  { name: 'event_id', type: 'BIGINT' },
  { name: 'user_id', type: 'BIGINT' },
  { name: 'ts', type: 'TIMESTAMP' },
  { name: 'kind', type: 'VARCHAR' },
  { name: 'amount', type: 'DOUBLE' },
];

function file(path: string, columns = COLUMNS, i = 0): ClassifiedFile {
  return {
    path,
    size: 4096 + i,
    lastModified: 1_700_000_000_000 + i,
    classification: 'csv',
    columns,
    formatKey: 'delimiter=,;quote=";header=true;encoding=utf-8',
    rowCount: 100,
  };
}

/** events/year=…/month=…/day=…/part-N.csv, a `_SUCCESS` per day, and an excluded `_tmp`. */
function partitionedDataset(): ClassifiedFile[] {
  const files: ClassifiedFile[] = [];
  for (let i = 0; i < FILES; i++) {
    const day = Math.floor(i / 4);
    const yyyy = 2000 + Math.floor(day / 336);
    const mm = String((Math.floor(day / 28) % 12) + 1).padStart(2, '0');
    const dd = String((day % 28) + 1).padStart(2, '0');
    const folder = `events/year=${yyyy}/month=${mm}/day=${dd}`;
    // Later years grew a column, and amount was an integer in some files: both merge.
    const columns = yyyy >= 2005 ? [...COLUMNS, { name: 'country', type: 'VARCHAR' }] : COLUMNS;
    files.push(
      file(`${folder}/part-${i % 4}.csv`, i % 7 === 0 ? widenedAmount(columns) : columns, i),
    );
    if (i % 4 === 3) files.push(file(`${folder}/_SUCCESS`, [], i));
  }
  return files;
}

function widenedAmount(columns: ClassifiedFile['columns']) {
  return columns.map((c) => (c.name === 'amount' ? { ...c, type: 'BIGINT' } : c));
}

/** 100 folders of 100 files; each folder has a column of its own type, so none merge. */
function splitFolders(): ClassifiedFile[] {
  return Array.from({ length: FILES }, (_, i) => {
    const folder = Math.floor(i / (FILES / 100));
    const columns = [...COLUMNS, { name: `only_in_${folder}`, type: 'VARCHAR' }];
    columns[4] = { name: 'amount', type: folder % 2 === 0 ? 'DOUBLE' : 'DATE' };
    return file(`lake/source_${folder}/batch=${i % 10}/part-${i}.csv`, columns, i);
  });
}

/** Loose files `<word>-<n>.csv` in ten name groups. */
function looseFiles(): ClassifiedFile[] {
  const words = [
    'orders',
    'customers',
    'items',
    'returns',
    'stock',
    'prices',
    'users',
    'logs',
    'clicks',
    'views',
  ];
  return Array.from({ length: FILES }, (_, i) => file(`${words[i % 10]}-${i}.csv`, COLUMNS, i));
}

function measure(label: string, files: ClassifiedFile[], exclusions: string[] = []) {
  const times: number[] = [];
  let tables = 0;
  let skipped = 0;
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    const plan = groupTables(files, { exclusions });
    times.push(performance.now() - start);
    tables = plan.tables.length;
    skipped = plan.skipped.length;
  }
  const ms = median(times);
  console.log(
    `${label.padEnd(34)} ${String(files.length).padStart(6)} files → ${String(tables).padStart(4)} tables, ` +
      `${String(skipped).padStart(5)} skipped: ${ms.toFixed(1)} ms median of ${RUNS} (first run ${times[0]!.toFixed(1)} ms)`,
  );
}

console.log(`groupTables, Node ${process.version}`);
measure('one partitioned dataset', partitionedDataset(), ['**/_tmp/**', '**/*.crc']);
measure('100 incompatible folders', splitFolders());
measure('loose files, 10 name groups', looseFiles());
