/**
 * Equal-width histogram bins, planned from a column's min and max (known after the first pass)
 * so the second pass counts every bin of every column in one aggregate.
 */
import type { HistogramBin } from './model';

/** Bins per histogram, at most (integers with a narrower range get one bin per value). */
export const MAX_BINS = 20;

/**
 * Bins over `[lo, hi]`: one per integer when `integral` and the range holds at most MAX_BINS
 * values (`from === to`: exactly that value), else MAX_BINS of equal width (the last holds `hi`),
 * or one bin when lo = hi. Counts start at 0.
 */
export function planBins(lo: number, hi: number, integral: boolean): HistogramBin[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (!(hi > lo)) return [{ from: lo, to: hi, count: 0 }];
  if (integral && Number.isInteger(lo) && Number.isInteger(hi) && hi - lo + 1 <= MAX_BINS)
    return Array.from({ length: hi - lo + 1 }, (_, k) => ({ from: lo + k, to: lo + k, count: 0 }));
  const width = (hi - lo) / MAX_BINS;
  return Array.from({ length: MAX_BINS }, (_, k) => ({
    from: lo + k * width,
    to: k === MAX_BINS - 1 ? hi : lo + (k + 1) * width,
    count: 0,
  }));
}
