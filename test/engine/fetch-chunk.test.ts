import { describe, expect, it } from 'vitest';
import { fetchChunk } from '../../workers/engine/sql-session';

describe('fetchChunk: a streamed result read to its real end', () => {
  it('asks again on null (chunk not ready in time) and ends only on an empty chunk', () => {
    // DuckDB-WASM's answers on a busy machine: null is "not ready yet", an empty chunk the end.
    const answers: (Uint8Array | null)[] = [
      null,
      new Uint8Array([1]),
      null,
      null,
      new Uint8Array([2]),
      new Uint8Array(0),
    ];
    const db = {
      fetchQueryResults: () => (answers.length > 0 ? answers.shift()! : new Uint8Array(0)),
    };
    const chunks: number[] = [];
    for (let c = fetchChunk(db, 0); c.length > 0; c = fetchChunk(db, 0)) chunks.push(c[0]!);
    expect(chunks).toEqual([1, 2]);
    expect(answers).toEqual([]);
  });
});
