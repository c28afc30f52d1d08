/**
 * Glue's job bookmarks, as pure functions: which files a source still has to process, and what
 * the bookmark holds after a run. A file counts as processed only with the same path, size and
 * lastModified: a file rewritten in place is processed again.
 */
import type { FileStamp } from './run-model';

const stampKey = (f: FileStamp) => JSON.stringify([f.path, f.size, f.lastModified]);

/** The files of `all` a bookmark holding `processed` has not seen, in `all`'s order. */
export function unprocessedFiles(
  all: readonly FileStamp[],
  processed: readonly FileStamp[],
): FileStamp[] {
  const seen = new Set(processed.map(stampKey));
  return all.filter((f) => !seen.has(stampKey(f)));
}

/** Paths of `all` that `processed` holds unchanged: what a run may skip (the compiler's input). */
export function processedPaths(
  all: readonly FileStamp[],
  processed: readonly FileStamp[],
): string[] {
  const seen = new Set(processed.map(stampKey));
  return all.filter((f) => seen.has(stampKey(f))).map((f) => f.path);
}

/**
 * The bookmark after a run read `read`: the earlier stamps, with each path read now replaced
 * by its current stamp. Sorted by path, so equal bookmarks compare equal.
 */
export function mergeBookmark(
  before: readonly FileStamp[],
  read: readonly FileStamp[],
): FileStamp[] {
  const byPath = new Map(before.map((f) => [f.path, f]));
  for (const f of read)
    byPath.set(f.path, { path: f.path, size: f.size, lastModified: f.lastModified });
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
