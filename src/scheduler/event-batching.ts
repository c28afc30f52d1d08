/**
 * EVENT triggers: successive listings of a watched folder or prefix become file events (new or
 * changed files), and events become batches by Glue's EventBatchingCondition — a batch fires when
 * `batchSize` files are waiting, or `windowSeconds` after the first waiting file was seen.
 *
 * The first listing is the baseline: files already there are not events (Glue's event triggers
 * react to what happens after they exist). A file removed from the listing is not an event. The
 * state is plain data, to be kept between polls and across reloads.
 */
import { DecantError } from '../core/errors';
import type { EventBatching, FileEvent, ListedFile } from './model';

export interface EventWatchState {
  /** The last listing by path; null before the first poll. */
  seen: Record<string, { size: number; lastModified: number }> | null;
  /** Events not fired yet, oldest first, at most one per path. */
  pending: FileEvent[];
}

export interface EventBatch {
  files: FileEvent[];
  reason: 'batch-size' | 'window';
  /** The same files always give the same key (for the firing's key). */
  key: string;
}

export const DEFAULT_BATCH_WINDOW_SECONDS = 900;

export function emptyWatchState(): EventWatchState {
  return { seen: null, pending: [] };
}

/** Throws a DecantError unless the condition is within Glue's limits. */
export function checkBatching(batching: EventBatching): void {
  const { batchSize, windowSeconds } = batching;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100) {
    throw new DecantError(`trigger: batch size ${batchSize} is not a whole number from 1 to 100`);
  }
  if (!Number.isInteger(windowSeconds) || windowSeconds < 1 || windowSeconds > 900) {
    throw new DecantError(
      `trigger: batch window ${windowSeconds} s is not a whole number from 1 to 900`,
    );
  }
}

/**
 * Compares `listing` with the last one: the new and changed files become events, then batches
 * fire as the condition says (full batches first; then the rest if their window has passed).
 */
export function applyPoll(
  state: EventWatchState,
  listing: readonly ListedFile[],
  now: number,
  batching: EventBatching,
): { state: EventWatchState; events: FileEvent[]; batches: EventBatch[] } {
  const seen: NonNullable<EventWatchState['seen']> = {};
  for (const file of listing)
    seen[file.path] = { size: file.size, lastModified: file.lastModified };
  if (state.seen === null)
    return { state: { seen, pending: [...state.pending] }, events: [], batches: [] };

  const events: FileEvent[] = [];
  const pending = [...state.pending];
  for (const [path, current] of Object.entries(seen)) {
    const before = state.seen[path];
    if (before && before.size === current.size && before.lastModified === current.lastModified)
      continue;
    const event: FileEvent = { path, ...current, change: before ? 'changed' : 'new', seenAt: now };
    events.push(event);
    const waiting = pending.findIndex((e) => e.path === path);
    // A waiting file that changes again is still one event, with its latest size and time.
    if (waiting >= 0)
      pending[waiting] = {
        ...pending[waiting]!,
        size: current.size,
        lastModified: current.lastModified,
      };
    else pending.push(event);
  }
  const due = dueBatches({ seen, pending }, now, batching);
  return { state: due.state, events, batches: due.batches };
}

/**
 * The batches due at `now` without a new listing: full ones, then the waiting files whose window
 * has passed.
 */
export function dueBatches(
  state: EventWatchState,
  now: number,
  batching: EventBatching,
): { state: EventWatchState; batches: EventBatch[] } {
  const batches: EventBatch[] = [];
  let pending = state.pending;
  while (pending.length >= batching.batchSize) {
    batches.push(batch(pending.slice(0, batching.batchSize), 'batch-size'));
    pending = pending.slice(batching.batchSize);
  }
  const deadline = batchDeadline({ ...state, pending }, batching);
  if (deadline !== undefined && now >= deadline) {
    batches.push(batch(pending, 'window'));
    pending = [];
  }
  return { state: { seen: state.seen, pending }, batches };
}

/** When the waiting files fire if no more arrive; undefined when none wait. */
export function batchDeadline(state: EventWatchState, batching: EventBatching): number | undefined {
  if (state.pending.length === 0) return undefined;
  return Math.min(...state.pending.map((e) => e.seenAt)) + batching.windowSeconds * 1000;
}

function batch(files: FileEvent[], reason: EventBatch['reason']): EventBatch {
  const text = files
    .map((f) => `${f.path}\u0000${f.size}\u0000${f.lastModified}`)
    .sort()
    .join('\u0001');
  return { files, reason, key: `${files.length}:${hash53(text)}` };
}

/** cyrb53: a 53-bit string hash, plenty to tell batches of files apart. */
function hash53(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}
