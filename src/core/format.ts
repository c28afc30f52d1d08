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
