/**
 * Partitions read from folder names, Hive's way (`year=2024`) or Glue's (`2024` → `partition_0`).
 */

/** One folder level between a table root and a file. */
export interface PartitionLevel {
  /** The Hive key, unescaped; null for a plain folder. */
  key: string | null;
  /** The Hive value or the plain folder name, unescaped. `__HIVE_DEFAULT_PARTITION__` is NULL. */
  value: string;
}

export interface PartitionKey {
  name: string;
  /** BIGINT, DATE or VARCHAR; see `partitionKeyType`. */
  type: string;
  /** The Hive key every file agrees on at this level; null when the level is read as plain folders. */
  hiveKey: string | null;
}

/** Hive's spelling of a NULL partition value; kept as is for the engine to read as NULL. */
export const HIVE_NULL_PARTITION = '__HIVE_DEFAULT_PARTITION__';

/**
 * The folder levels of `path` below its first `rootDepth` segments (the table root), without the
 * file name: `partitionFromPath('sales/year=2024/a%2Fb/x.csv', 1)` →
 * `[{ key: 'year', value: '2024' }, { key: null, value: 'a/b' }]`. A segment splits at its first
 * '=' before unescaping, as in Hive, so an escaped `%3D` never separates a key.
 */
export function partitionFromPath(path: string, rootDepth: number): PartitionLevel[] {
  const folders = path.split('/').slice(rootDepth, -1);
  return folders.map((segment) => {
    const eq = segment.indexOf('=');
    if (eq <= 0) return { key: null, value: unescapePathName(segment) };
    return {
      key: unescapePathName(segment.slice(0, eq)),
      value: unescapePathName(segment.slice(eq + 1)),
    };
  });
}

/**
 * Partition keys for files whose levels are given (one array per file, all the same length).
 * A level is named after its Hive key when every file has that same key there; otherwise Glue's
 * `partition_<level>`. A name that is taken (by a data column in `reserved`, compared without
 * case, or by an earlier level) falls back to `partition_<level>`, then gets `_2`, `_3`….
 */
export function partitionKeysFor(
  levels: readonly (readonly PartitionLevel[])[],
  reserved: Iterable<string> = [],
): PartitionKey[] {
  const depth = levels[0]?.length ?? 0;
  const taken = new Set([...reserved].map((n) => n.toLowerCase()));
  const keys: PartitionKey[] = [];
  for (let level = 0; level < depth; level++) {
    const first = levels[0]![level]!.key;
    const hiveKey = first !== null && levels.every((ls) => ls[level]?.key === first) ? first : null;
    let name =
      hiveKey !== null && !taken.has(hiveKey.toLowerCase()) ? hiveKey : `partition_${level}`;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `partition_${level}_${n}`;
    taken.add(name.toLowerCase());
    const values = levels.map((ls) => partitionValue(ls[level]!, hiveKey));
    keys.push({ name, type: partitionKeyType(values), hiveKey });
  }
  return keys;
}

/** A level's value under its key: a plain level keeps a stray `k=v` folder name whole. */
export function partitionValue(level: PartitionLevel, hiveKey: string | null): string {
  if (hiveKey !== null || level.key === null) return level.value;
  return `${level.key}=${level.value}`;
}

/**
 * BIGINT when every value is an integer written without leading zeros, DATE when every value is
 * a `YYYY-MM-DD` date, else VARCHAR. NULLs (`__HIVE_DEFAULT_PARTITION__`) fit any type. A leading
 * zero makes VARCHAR on purpose: `month=01` read as BIGINT would come back as `1`, a value that
 * is not the folder's name, so a filter or a rewrite of the partition would miss `month=01`.
 */
export function partitionKeyType(values: readonly string[]): string {
  const known = values.filter((v) => v !== HIVE_NULL_PARTITION);
  if (known.length === 0) return 'VARCHAR';
  if (known.every(isPlainBigint)) return 'BIGINT';
  if (known.every(isIsoDate)) return 'DATE';
  return 'VARCHAR';
}

const BIGINT_MAX = 2n ** 63n - 1n;

function isPlainBigint(v: string): boolean {
  if (!/^-?(?:0|[1-9][0-9]{0,18})$/.test(v) || v === '-0') return false;
  const n = BigInt(v);
  return n <= BIGINT_MAX && n >= -BIGINT_MAX - 1n;
}

function isIsoDate(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * Hive's FileUtils.unescapePathName: `%XX` becomes the character; a malformed `%` stays. Runs of
 * escapes that spell UTF-8 (as URL encoders write non-ASCII) are decoded as UTF-8; Hive itself
 * never escapes non-ASCII, so that reading cannot clash with a name Hive wrote.
 */
export function unescapePathName(segment: string): string {
  if (!segment.includes('%')) return segment;
  return segment.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) =>
        String.fromCharCode(parseInt(hex, 16)),
      );
    }
  });
}
