/**
 * Which version of a table a profile describes: its catalog version, last update and every
 * file's path, size and modification time. Any change to the table record or its files gives
 * another stamp, so a stored profile can say "the table changed since".
 */

/** What the stamp reads of a catalog table (CatalogTable fits). */
export interface StampedTable {
  version: number;
  updatedAt: number;
  sources: readonly { path: string; size: number; lastModified: number }[];
}

export function profileStamp(t: StampedTable): string {
  const files = t.sources
    .map((s) => `${s.path}\u0000${s.size}\u0000${s.lastModified}`)
    .join('\u0001');
  return `v${t.version}-${t.updatedAt}-${fnv1a(files)}`;
}

/** FNV-1a, 32 bits, as hex: a short fingerprint, not a security measure. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
