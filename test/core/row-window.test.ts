import { describe, expect, it } from 'vitest';
import { BLOCK_ROWS, RowWindow, type Row } from '../../src/core/rows/row-window';

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('RowWindow', () => {
  it('fetches a block once, serves its rows, and redraws', async () => {
    const asked: number[] = [];
    const redraws: (string | undefined)[] = [];
    const w = new RowWindow(
      async (offset, limit) => {
        asked.push(offset);
        return Array.from({ length: limit }, (_, k) => [String(offset + k)] as Row);
      },
      (e) => redraws.push(e),
    );
    expect(w.row(3)).toBeUndefined();
    expect(w.row(4)).toBeUndefined();
    await settle();
    expect(w.row(3)).toEqual(['3']);
    expect(w.row(BLOCK_ROWS + 1)).toBeUndefined();
    await settle();
    expect(w.row(BLOCK_ROWS + 1)).toEqual([String(BLOCK_ROWS + 1)]);
    expect(asked).toEqual([0, BLOCK_ROWS]);
    expect(redraws).toEqual([undefined, undefined]);
  });

  it('says why a block failed, does not ask again on every redraw, and retries on request', async () => {
    let fail = true;
    let calls = 0;
    const redraws: (string | undefined)[] = [];
    const w = new RowWindow(
      async (offset) => {
        calls++;
        if (fail) throw new Error('sql: result r3 can no longer be read: gone');
        return [[String(offset)]];
      },
      (e) => redraws.push(e),
    );
    expect(w.row(0)).toBeUndefined();
    await settle();
    expect(redraws).toEqual(['sql: result r3 can no longer be read: gone']);
    expect(w.failure(0)).toBe('sql: result r3 can no longer be read: gone');
    expect(w.failure(BLOCK_ROWS)).toBeUndefined();
    // A redraw asks for the row again: the failed block is not fetched again.
    expect(w.row(0)).toBeUndefined();
    await settle();
    expect(calls).toBe(1);
    fail = false;
    w.retry();
    expect(w.failure(0)).toBeUndefined();
    expect(w.row(0)).toBeUndefined();
    await settle();
    expect(w.row(0)).toEqual(['0']);
    expect(calls).toBe(2);
  });
});
