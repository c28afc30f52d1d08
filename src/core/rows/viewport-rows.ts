/**
 * Which rows of a fixed-row-height grid are in view, and where to draw them.
 *
 * Browsers cap an element's height (Chromium near 16.7M px; 10M rows × 28 px is 280M px), so a
 * plain virtual list cannot reach the end of a big table. Past `maxContentPx` the scroll range is
 * compressed: the scrollbar maps linearly onto the rows, and the rows in view are drawn at normal
 * height around the scroll position. (Why not a library: the virtualizers we looked at,
 * @tanstack/virtual included, have no such compression.)
 */
export interface ViewportRows {
  /** First and one-past-last row index to draw (overscan included). */
  start: number;
  end: number;
  /** Height of the scrollable content. */
  contentPx: number;
  /** Where row `i` goes: top = `baseTop + (i - baseRow) * rowPx`. */
  baseRow: number;
  baseTop: number;
}

/** Default cap: well under every browser's limit. */
export const MAX_CONTENT_PX = 8_000_000;

export function viewportRows(
  rowCount: number,
  rowPx: number,
  viewportPx: number,
  scrollTop: number,
  maxContentPx = MAX_CONTENT_PX,
  overscan = 8,
): ViewportRows {
  const realPx = rowCount * rowPx;
  const contentPx = Math.min(realPx, maxContentPx);
  const scrollRange = Math.max(0, contentPx - viewportPx);
  const top = Math.min(Math.max(0, scrollTop), scrollRange);
  // How far into the real (uncompressed) rows the top of the viewport is.
  const ratio = scrollRange > 0 ? Math.max(0, realPx - viewportPx) / scrollRange : 1;
  const virtualTop = top * ratio;
  const baseRow = Math.min(Math.max(0, rowCount - 1), Math.floor(virtualTop / rowPx));
  const baseTop = top - (virtualTop - baseRow * rowPx);
  const visible = Math.ceil(viewportPx / rowPx) + 1;
  return {
    start: Math.max(0, baseRow - overscan),
    end: Math.min(rowCount, baseRow + visible + overscan),
    contentPx,
    baseRow,
    baseTop,
  };
}
