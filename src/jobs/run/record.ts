/**
 * A run's last stage: its final record. Pure: the runner stores what these return (a
 * SUCCEEDED record together with its bookmarks, in one transaction).
 */
import { formatDuration } from '../../core/format';
import type { DecantError } from '../../core/errors';
import { mergeBookmark } from '../bookmarks';
import type { BookmarkMode, NodeId } from '../model';
import {
  endStateOf,
  logLine,
  type FileStamp,
  type JobBookmark,
  type JobRun,
  type RunSource,
  type RunTarget,
} from '../run-model';

/**
 * The SUCCEEDED record, and with bookmarks enabled each source's bookmark after this run (what
 * it had seen plus what it read now), also kept on the record for a later rewind.
 */
export function succeededRun(
  run: JobRun,
  targets: readonly RunTarget[],
  sources: readonly RunSource[],
  mode: BookmarkMode,
  before: ReadonlyMap<NodeId, JobBookmark>,
  now = Date.now(),
): { run: JobRun; bookmarks?: Map<NodeId, FileStamp[]> } {
  let bookmarks: Map<NodeId, FileStamp[]> | undefined;
  let bookmarkAfter: JobRun['bookmarkAfter'];
  if (mode === 'enable') {
    bookmarks = new Map();
    for (const s of sources) {
      if (!s.files) continue;
      bookmarks.set(s.nodeId, mergeBookmark(before.get(s.nodeId)?.files ?? [], s.files));
    }
    bookmarkAfter = Object.fromEntries([...before].map(([k, b]) => [k, b.files]));
    for (const [k, files] of bookmarks) bookmarkAfter[k] = files;
  }
  const done: JobRun = {
    ...run,
    state: 'SUCCEEDED',
    endedAt: now,
    durationMs: now - run.startedAt,
    targets: [...targets],
    bytesWritten: targets.reduce((n, t) => n + t.bytesWritten, 0),
    progress: undefined,
    log: [...run.log, logLine('info', 'succeeded', now)],
    ...(bookmarkAfter ? { bookmarkAfter } : {}),
  };
  return bookmarks ? { run: done, bookmarks } : { run: done };
}

/**
 * The record of a run that did not succeed: TIMEOUT or STOPPED when that is why it ended (then
 * nothing was written), else FAILED with the error, on its node when it names one.
 */
export function endedRun(
  run: JobRun,
  err: DecantError & { nodeId?: NodeId },
  reason: 'cancel' | 'timeout' | null,
  timeoutMs: number,
  now = Date.now(),
): JobRun {
  const state = endStateOf(reason, err.code);
  const message =
    state === 'TIMEOUT'
      ? `timed out after ${formatDuration(timeoutMs)}; nothing was written`
      : state === 'STOPPED'
        ? 'stopped; nothing was written'
        : err.message;
  return {
    ...run,
    state,
    endedAt: now,
    durationMs: now - run.startedAt,
    progress: undefined,
    error: state === 'STOPPED' ? undefined : { nodeId: err.nodeId, message },
    log: [...run.log, logLine(state === 'STOPPED' ? 'warn' : 'error', message, now)],
  };
}
