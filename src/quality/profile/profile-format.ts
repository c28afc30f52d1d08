/**
 * How a profile's measured values read on the page: numbers with a few significant digits,
 * dates (epoch ms, UTC) as the day or the minute, text lengths as whole characters.
 */
import type { ColumnProfile, HistogramBin } from './model';

/** A measured value of the column (mean, quantile, bin edge) as text. */
export function formatMeasure(c: Pick<ColumnProfile, 'kind' | 'type'>, v: number): string {
  if (c.kind === 'date') {
    const iso = new Date(v).toISOString();
    return /^DATE$/i.test(c.type.trim()) ? iso.slice(0, 10) : iso.slice(0, 16).replace('T', ' ');
  }
  return formatNumber(v);
}

/** Up to 6 significant digits, integers whole; no exponent below a trillion. */
export function formatNumber(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  if (v !== 0 && (Math.abs(v) >= 1e12 || Math.abs(v) < 1e-4)) return v.toPrecision(4);
  return String(Number(v.toPrecision(6)));
}

/** A spread (stddev) in the column's unit: days for dates. */
export function formatSpread(c: Pick<ColumnProfile, 'kind'>, v: number): string {
  return c.kind === 'date' ? `${formatNumber(v / 86_400_000)} days` : formatNumber(v);
}

/** A bin's label: the value it holds, or its range. */
export function binLabel(
  c: Pick<ColumnProfile, 'kind' | 'type'>,
  b: HistogramBin,
  format: (v: number) => string = (v) => formatMeasure(c, v),
): string {
  return b.from === b.to ? format(b.from) : `${format(b.from)} – ${format(b.to)}`;
}
