import { describe, expect, it } from 'vitest';
import { blobFromSource, byteSourceFromBlob, type ByteSource } from '../../src/core/byte-source';

const text = (bytes: Uint8Array | ArrayBuffer) => new TextDecoder().decode(bytes);

/** A source over bytes in memory that records each read, as a URL's ranged GETs would be. */
function counted(content: string): ByteSource & { reads: [number, number][] } {
  const bytes = new TextEncoder().encode(content);
  const reads: [number, number][] = [];
  return {
    name: 'mem.csv',
    size: bytes.length,
    reads,
    async read(start, end) {
      reads.push([start, end]);
      return bytes.slice(start, Math.min(end, bytes.length));
    },
  };
}

describe('byteSourceFromBlob', () => {
  it("reads a File's ranges, with its name and time", async () => {
    const s = byteSourceFromBlob(new File(['id,sku\n1,a\n'], 'a.csv', { lastModified: 42 }));
    expect([s.name, s.size, s.lastModified]).toEqual(['a.csv', 11, 42]);
    expect(text(await s.read(0, 6))).toBe('id,sku');
    expect(text(await s.read(7, 100))).toBe('1,a\n');
    expect((await s.read(5, 5)).length).toBe(0);
  });
});

describe('blobFromSource', () => {
  it('reads only the slice asked for, one read each, with Blob.slice rules', async () => {
    const src = counted('0123456789');
    const blob = blobFromSource(src);
    expect(blob.size).toBe(10);
    expect(text(await blob.slice(-4).arrayBuffer())).toBe('6789');
    expect(text(await blob.slice(2, 5).slice(1).arrayBuffer())).toBe('34');
    expect(src.reads).toEqual([
      [6, 10],
      [3, 5],
    ]);
    expect((await blob.slice(8, 3).arrayBuffer()).byteLength).toBe(0);
    expect(src.reads).toHaveLength(2);
  });
});
