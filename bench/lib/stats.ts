// Small numeric and formatting helpers shared by the benchmark phases.

/** A measured quantity: every run's value and their median (the number we compare). */
export interface Series {
  runs: number[];
  median: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function series(runs: number[]): Series {
  return { runs, median: median(runs) };
}

/** Runs `fn` and returns its result with the wall-clock time it took, in ms. */
export async function timed<T>(fn: () => Promise<T> | T): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start };
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

export function megabytes(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

export const count = (n: number): string => n.toLocaleString('en-US');

export function ratio(a: number, b: number): string {
  return b > 0 ? `${(a / b).toFixed(1)}×` : 'n/a';
}

/** Every run's time, e.g. "2.40 / 2.41 / 2.45". */
export const runList = (s: Series): string =>
  s.runs.map((ms) => (ms / 1000).toFixed(2)).join(' / ');
