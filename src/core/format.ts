/** `1.2 MB` style sizes (powers of 1000, as file managers show). */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '—';
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = -1;
  do {
    v /= 1000;
    u++;
  } while (v >= 1000 && u < units.length - 1);
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

/**
 * Two sizes side by side ("at 1.0 GB … larger than the 1.0 GB"): where rounding makes them read
 * alike, both are given in bytes, so a comparison never contradicts itself.
 */
export function formatBytesApart(a: number, b: number): [string, string] {
  const [x, y] = [formatBytes(a), formatBytes(b)];
  if (x !== y || a === b) return [x, y];
  return [`${formatCount(a)} bytes`, `${formatCount(b)} bytes`];
}

/** `1,234,567` in the user's locale-independent grouping. */
export function formatCount(n: number): string {
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `0.8 s`, `12 s`, `3 min 05 s`. */
export function formatDuration(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/** `sales.csv.gz` → `sales.parquet`; keeps the name readable, drops only known extensions. */
export function parquetNameFromFileName(name: string): string {
  const base = name.replace(/\.(gz|gzip)$/i, '').replace(/\.(csv|tsv|txt|tab|psv|dat)$/i, '');
  return `${base || 'data'}.parquet`;
}

/** `Sales 2024.csv.gz` → `sales_2024`: a table name that needs no quoting in SQL (Glue's habit). */
export function tableNameFromFileName(name: string): string {
  const base = name.replace(/\.(gz|gzip)$/i, '').replace(/\.[^.]*$/, '');
  const clean = base
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return /^[a-z_]/.test(clean) ? clean : `t_${clean || 'data'}`;
}

/** The time zone this browser shows local times in, e.g. `Europe/Berlin`. */
export function localTimeZone(): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * The one way Decant shows a moment: `2 Dec 2026, 19:37:05` in the browser's time zone (pages
 * state that zone once, see localTimeZone). Another `timeZone` (a trigger's own) is named after
 * the time, so a time is never read in the wrong zone. Not a number: `—`.
 */
export function formatDateTime(t: number, timeZone?: string): string {
  if (!Number.isFinite(t)) return '—';
  const local = localTimeZone();
  const zone = timeZone ?? local;
  let format = dateTimeFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    dateTimeFormats.set(zone, format);
  }
  return format.format(t) + (zone === local ? '' : ` ${zone}`);
}

/** The time of day of `t` as formatDateTime shows it (`19:37:05`, local zone), for log lines. */
export function formatTimeOfDay(t: number): string {
  return formatDateTime(t).replace(/^.*, /, '');
}

/**
 * Words for the domains that start Decant's messages (`csv: …`). Only these are labelled: a
 * note that starts with a table or file name (`sales: added column…`) is left as it is.
 */
const DOMAIN_WORDS: Record<string, string> = {
  csv: 'CSV',
  json: 'JSON',
  sql: 'SQL',
  parquet: 'Parquet',
  job: 'Job',
  jobs: 'Job',
  crawler: 'Crawler',
  catalog: 'Catalog',
  engine: 'Engine',
  remote: 'Remote file',
  trigger: 'Trigger',
  workflow: 'Workflow',
  scheduler: 'Scheduler',
  runs: 'Runs',
  storage: 'Storage',
  share: 'Sharing',
  quality: 'Data quality',
  'data-quality': 'Data quality',
};

/**
 * A message as the user reads it: its leading `domain: ` (Decant's convention, see DecantError)
 * as a word to show as a small label, and the rest. Any other message has no label.
 */
export function messageParts(message: string): { label: string; text: string } {
  const m = /^([a-z][a-z-]*): /.exec(message);
  if (!m) return { label: '', text: message };
  const label = Object.hasOwn(DOMAIN_WORDS, m[1]!) ? DOMAIN_WORDS[m[1]!]! : '';
  return label ? { label, text: message.slice(m[0].length) } : { label: '', text: message };
}

const DAY_MS = 86_400_000;

/**
 * Labels for a time axis's ticks (`splits` in ms, `incrMs` apart): `14:30` within a day, with the
 * date (`2 Dec 14:30`) on the first tick and where the day changes; `2 Dec` for daily ticks;
 * `Dec 2026` for monthly ones. Times in the browser's zone, as formatDateTime shows them.
 */
export function timeTickLabels(splits: readonly number[], incrMs: number): string[] {
  const part = (t: number, o: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat('en-GB', { ...o, hourCycle: 'h23' }).format(t);
  const day = (t: number) => part(t, { day: 'numeric', month: 'short' });
  if (incrMs >= 28 * DAY_MS) return splits.map((t) => part(t, { month: 'short', year: 'numeric' }));
  if (incrMs >= DAY_MS) return splits.map(day);
  const clock: Intl.DateTimeFormatOptions =
    incrMs < 60_000
      ? { hour: '2-digit', minute: '2-digit', second: '2-digit' }
      : { hour: '2-digit', minute: '2-digit' };
  return splits.map((t, i) => {
    const time = part(t, clock);
    const prev = splits[i - 1];
    return prev === undefined || day(prev) !== day(t) ? `${day(t)} ${time}` : time;
  });
}

/** The widest label timeTickLabels makes, to space ticks so that no two labels overlap. */
export const WIDEST_TIME_TICK = '28 Sept 23:59:59';
