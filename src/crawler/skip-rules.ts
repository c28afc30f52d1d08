/**
 * Which files a crawl leaves out, and why: the user's exclusion globs first, then what Hadoop,
 * Spark and operating systems leave beside data (`_SUCCESS`, `.crc`, `.DS_Store`, `_tmp/`).
 * Works on bare paths, so the I/O layer can skip a file before reading a byte of it.
 */
import { globToRegExp } from './glob';

export interface SkippedFile {
  path: string;
  reason: string;
}

/** Names that are not data whatever they start with. */
const SYSTEM_NAMES = new Set(['thumbs.db', 'desktop.ini']);

/**
 * Returns `path`'s skip reason, or undefined to keep it. Compile the globs once with
 * `skipRulesFor` when checking many paths; this throws for a malformed glob, as that does.
 */
export function skipReason(path: string, exclusions: readonly string[] = []): string | undefined {
  return skipRulesFor(exclusions)(path);
}

/** A checker for many paths; throws a DecantError now for a malformed glob. */
export function skipRulesFor(exclusions: readonly string[]): (path: string) => string | undefined {
  const globs = exclusions.map((glob) => ({ glob, re: globToRegExp(glob) }));
  return (path) => {
    for (const { glob, re } of globs)
      if (re.test(path)) return `excluded by ${JSON.stringify(glob)}`;
    return hiddenReason(path);
  };
}

/** Keeps the files no rule skips, in their order, and says why for the rest. */
export function filterCrawlFiles<F extends { path: string }>(
  files: readonly F[],
  exclusions: readonly string[] = [],
): { kept: F[]; skipped: SkippedFile[] } {
  const reasonFor = skipRulesFor(exclusions);
  const kept: F[] = [];
  const skipped: SkippedFile[] = [];
  const seen = new Set<string>();
  for (const file of files) {
    const reason = seen.has(file.path) ? 'listed more than once' : reasonFor(file.path);
    seen.add(file.path);
    if (reason) skipped.push({ path: file.path, reason });
    else kept.push(file);
  }
  return { kept, skipped };
}

function hiddenReason(path: string): string | undefined {
  const segments = path.split('/');
  if (segments.some((s) => s === '')) return 'not a relative file path';
  const name = segments.pop()!;
  // Hadoop's rule, which Hive, Spark and Glue follow: `_` and `.` mark metadata, at any level.
  const hiddenFolder = segments.find((s) => s.startsWith('_') || s.startsWith('.'));
  if (hiddenFolder) return `inside the hidden or system folder ${JSON.stringify(hiddenFolder)}`;
  if (name.startsWith('_') || name.startsWith('.')) return 'a hidden or system file';
  if (SYSTEM_NAMES.has(name.toLowerCase())) return 'an operating-system file';
  // Empty `dir_$folder$` objects stand for folders in S3 listings written by Hadoop.
  if (name.endsWith('_$folder$')) return 'an S3 folder marker';
  return undefined;
}
