/**
 * One Arrow IPC stream from the engine's schema message and a batch's parts, in one buffer (what
 * parquet-wasm and apache-arrow read): the one copy of a batch's bytes on the way to the encoder.
 */
export function ipcStreamOf(schema: Uint8Array, parts: readonly Uint8Array[]): Uint8Array {
  let length = schema.length;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  out.set(schema, 0);
  let at = schema.length;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
