/**
 * All of a file's content as bytes, inflated first when `gzip`; null when the content is longer
 * than `limit` bytes (a gzip file stops inflating there). The caller owns the bytes.
 */
export async function readWhole(
  file: Blob,
  gzip: boolean,
  limit: number,
): Promise<Uint8Array | null> {
  if (!gzip) return file.size > limit ? null : new Uint8Array(await file.arrayBuffer());
  const reader = file.stream().pipeThrough(new DecompressionStream('gzip')).getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    parts.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return all;
}
