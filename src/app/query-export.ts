/**
 * A query result as a CSV file, read from the engine a page at a time: only one page of rows is
 * decoded on the main thread at once, and the text goes into the Blob page by page.
 */
import { tableFromIPC } from 'apache-arrow';
import { DecantError } from '../core/errors';
import { cellText } from '../engine/preview';

/** Rows read from the engine per page. */
export const EXPORT_PAGE_ROWS = 10_000;

/** A CSV field (RFC 4180): quoted, quotes doubled, when it holds `,`, `"`, CR or LF, or is ''. */
export function csvField(s: string): string {
  return s === '' || /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** CSV lines for the rows of one Arrow IPC stream: values as the grid shows them, NULL empty. */
export function csvLinesFromIpc(bytes: Uint8Array): { text: string; rows: number } {
  const table = tableFromIPC(bytes);
  const fields = table.schema.fields;
  const cols = fields.map((_, i) => table.getChildAt(i));
  let text = '';
  for (let r = 0; r < table.numRows; r++) {
    text +=
      fields
        .map((f, i) => {
          const v = cellText(cols[i]?.get(r), f.type);
          return v === null ? '' : csvField(v);
        })
        .join(',') + '\r\n';
  }
  return { text, rows: table.numRows };
}

/**
 * The whole result as `text/csv` with a header line of `columns`. `page(offset, limit)` returns
 * Arrow IPC (EngineClient.page). Rejects with page's error, or when a page comes back short.
 */
export async function csvFromResult(
  columns: readonly string[],
  rowCount: number,
  page: (offset: number, limit: number) => Promise<Uint8Array>,
): Promise<Blob> {
  const parts: string[] = [columns.map(csvField).join(',') + '\r\n'];
  for (let offset = 0; offset < rowCount; offset += EXPORT_PAGE_ROWS) {
    const limit = Math.min(EXPORT_PAGE_ROWS, rowCount - offset);
    const { text, rows } = csvLinesFromIpc(await page(offset, limit));
    if (rows !== limit)
      throw new DecantError(
        `query: export read ${rows} rows at row ${offset + 1}, expected ${limit}`,
      );
    parts.push(text);
  }
  return new Blob(parts, { type: 'text/csv' });
}
