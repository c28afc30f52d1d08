/** Rows of a large result, fetched in blocks as they scroll into view and forgotten when far away. */
export type Row = (string | null)[];

export const BLOCK_ROWS = 256;
/** Blocks kept: ~5k rows around the viewport; the rest is fetched again on demand. */
const KEEP_BLOCKS = 20;

export class RowWindow {
  private blocks = new Map<number, Row[]>();
  private pending = new Map<number, Promise<void>>();
  /** Blocks whose fetch failed, with the message: not asked again until `retry()`. */
  private failed = new Map<number, string>();
  private readonly fetchRows: (offset: number, limit: number) => Promise<Row[]>;
  private readonly onLoaded: (error?: string) => void;

  /**
   * `fetchRows` is the engine call; `onLoaded` tells the view to redraw, with the message when a
   * block could not be fetched. A failed block is not fetched again (a redraw would ask forever)
   * until `retry()`; meanwhile `failure(i)` says why its rows are missing.
   */
  constructor(
    fetchRows: (offset: number, limit: number) => Promise<Row[]>,
    onLoaded: (error?: string) => void,
  ) {
    this.fetchRows = fetchRows;
    this.onLoaded = onLoaded;
  }

  /** The row if its block is loaded; otherwise undefined, and the block is requested. */
  row(i: number): Row | undefined {
    const b = Math.floor(i / BLOCK_ROWS);
    const block = this.blocks.get(b);
    if (block) {
      // Re-insert to mark as recently used.
      this.blocks.delete(b);
      this.blocks.set(b, block);
      return block[i - b * BLOCK_ROWS];
    }
    this.request(b);
    return undefined;
  }

  /** Why row `i` could not be fetched, or undefined when it is loaded or still on its way. */
  failure(i: number): string | undefined {
    return this.failed.get(Math.floor(i / BLOCK_ROWS));
  }

  /** Forgets failures: their blocks are fetched again when next in view. */
  retry(): void {
    this.failed.clear();
    this.onLoaded();
  }

  private request(b: number): void {
    if (this.pending.has(b) || this.failed.has(b)) return;
    const p = this.fetchRows(b * BLOCK_ROWS, BLOCK_ROWS).then(
      (rows) => {
        this.blocks.set(b, rows);
        while (this.blocks.size > KEEP_BLOCKS) this.blocks.delete(this.blocks.keys().next().value!);
        this.onLoaded();
      },
      (e: unknown) => {
        const message = e instanceof Error ? e.message : String(e);
        this.failed.set(b, message);
        this.onLoaded(message);
      },
    );
    this.pending.set(
      b,
      p.finally(() => this.pending.delete(b)),
    );
  }
}
