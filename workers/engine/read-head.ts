import { MAX_LINE_BYTES } from '../../src/core/csv/line-limits';

/** Bytes of content a sniff looks at: enough for DuckDB's sample and the encoding check. */
export const HEAD_BYTES = 256 * 1024;

export interface Head {
  bytes: Uint8Array;
  /** Bytes of the file that `bytes` stands for (compressed bytes, for gzip). */
  span: number;
  whole: boolean;
}

/** Reads the first bytes of a file's content; for gzip, inflates only as much as needed. */
export async function readHead(file: Blob, gzip: boolean, limit = HEAD_BYTES): Promise<Head> {
  if (!gzip) {
    // A small file is read whole, without a slice: one Blob less for the browser to track.
    const part = file.size <= limit ? file : file.slice(0, limit);
    const bytes = new Uint8Array(await part.arrayBuffer());
    return { bytes, span: bytes.length, whole: file.size <= limit };
  }
  const inflate = new DecompressionStream('gzip');
  const writer = inflate.writable.getWriter();
  const reader = inflate.readable.getReader();
  const out: Uint8Array[] = [];
  let produced = 0;
  let consumed = 0;
  let ended = false;
  const step = 16 * 1024;
  const pump = (async () => {
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done || !value) return;
      out.push(value);
      produced += value.length;
    }
  })();
  while (produced < limit && consumed < file.size) {
    const piece = new Uint8Array(await file.slice(consumed, consumed + step).arrayBuffer());
    consumed += piece.length;
    await writer.write(piece).catch(() => undefined);
    // Let the inflater run before deciding whether more input is needed.
    await new Promise((r) => setTimeout(r, 0));
  }
  if (consumed >= file.size) {
    ended = true;
    await writer.close().catch(() => undefined);
  } else await writer.abort().catch(() => undefined);
  await pump;
  const all = new Uint8Array(produced);
  let o = 0;
  for (const p of out) {
    all.set(p, o);
    o += p.length;
  }
  const bytes = all.length > limit ? all.subarray(0, limit) : all;
  return { bytes, span: consumed, whole: ended && all.length <= limit };
}

/**
 * The head, read again up to MAX_LINE_BYTES when its HEAD_BYTES hold no line break: so a first
 * line too long for DuckDB is named before DuckDB spends seconds failing on it. `read(limit)`
 * reads the first `limit` bytes of content.
 */
export async function headThroughFirstLine(read: (limit: number) => Promise<Head>): Promise<Head> {
  const head = await read(HEAD_BYTES);
  if (head.whole || head.bytes.includes(0x0a)) return head;
  return read(MAX_LINE_BYTES);
}
