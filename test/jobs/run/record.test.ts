import { describe, expect, it } from 'vitest';
import { DecantError } from '../../../src/core/errors';
import { JobError } from '../../../src/jobs/errors';
import { endedRun, succeededRun } from '../../../src/jobs/run/record';
import {
  endStateOf,
  isFinal,
  type JobBookmark,
  type JobRun,
  type RunSource,
} from '../../../src/jobs/run-model';

const run: JobRun = {
  id: 'jr_1',
  job: 'daily',
  jobVersion: 3,
  attempt: 0,
  firstRunId: 'jr_1',
  state: 'RUNNING',
  startedAt: 1000,
  arguments: {},
  bookmarks: 'enable',
  timeoutMinutes: 60,
  nodes: {},
  sources: [],
  targets: [],
  bytesRead: 0,
  bytesWritten: 0,
  sql: '',
  log: [],
  progress: { fraction: 0.5, phase: 'target "out": running', rowsWritten: 2 },
};
const stamp = (path: string, size = 10) => ({ path, size, lastModified: 5 });
const sources: RunSource[] = [
  { nodeId: 'sales', label: 'shop.sales', files: [stamp('b.csv')], skipped: 1, bytes: 10 },
  { nodeId: 'drop', label: 'x.csv', files: null, skipped: 0, bytes: 4 },
];
const before = new Map<string, JobBookmark>([
  ['sales', { job: 'daily', source: 'sales', files: [stamp('a.csv')], updatedAt: 1 }],
  ['gone', { job: 'daily', source: 'gone', files: [stamp('z.csv')], updatedAt: 1 }],
]);
const target = {
  nodeId: 'out',
  name: 'out',
  destination: 'opfs:out/',
  sql: 'SELECT 1',
  rowsWritten: 2,
  bytesWritten: 300,
  files: [],
};

describe('the record stage', () => {
  it('a SUCCEEDED run: targets, bytes, duration, no progress; bookmarks merged with what it read', () => {
    const { run: done, bookmarks } = succeededRun(run, [target], sources, 'enable', before, 4000);
    expect(done).toMatchObject({ state: 'SUCCEEDED', endedAt: 4000, durationMs: 3000 });
    expect(done.bytesWritten).toBe(300);
    expect(done.progress).toBeUndefined();
    expect(done.log.at(-1)).toEqual({ at: 4000, level: 'info', message: 'succeeded' });
    expect([...bookmarks!.keys()]).toEqual(['sales']);
    expect(
      bookmarks!
        .get('sales')!
        .map((f) => f.path)
        .sort(),
    ).toEqual(['a.csv', 'b.csv']);
    // What a rewind to this run restores: every source's bookmark, the untouched ones too.
    expect(Object.keys(done.bookmarkAfter!).sort()).toEqual(['gone', 'sales']);
    expect(run.state).toBe('RUNNING');
  });

  it('bookmarks disabled or paused: none committed, none kept on the record', () => {
    for (const mode of ['disable', 'pause'] as const) {
      const r = succeededRun(run, [target], sources, mode, before, 4000);
      expect(r.bookmarks).toBeUndefined();
      expect(r.run.bookmarkAfter).toBeUndefined();
    }
  });

  it('an error is FAILED on its node; a timeout TIMEOUT; a stop or a cancel STOPPED, nothing written', () => {
    const err = new JobError('daily', [{ nodeId: 'cheap', message: 'Filter "cheap": boom' }]);
    const failed = endedRun(run, err, null, 60_000, 2000);
    expect(failed).toMatchObject({ state: 'FAILED', durationMs: 1000 });
    expect(failed.error).toEqual({ nodeId: 'cheap', message: err.message });
    expect(failed.progress).toBeUndefined();
    const timedOut = endedRun(run, new DecantError('job: cancelled'), 'timeout', 90_000, 2000);
    expect(timedOut.state).toBe('TIMEOUT');
    expect(timedOut.error?.message).toBe('timed out after 1 min 30 s; nothing was written');
    const stopped = endedRun(run, new DecantError('x', { code: 'cancelled' }), null, 1, 2000);
    expect(stopped.state).toBe('STOPPED');
    expect(stopped.error).toBeUndefined();
    expect(stopped.log.at(-1)).toMatchObject({
      level: 'warn',
      message: 'stopped; nothing was written',
    });
    expect(endedRun(run, err, 'cancel', 1, 2000).state).toBe('STOPPED');
  });

  it('one list of run states: final ones, and why a run that did not succeed ended', () => {
    expect(['STARTING', 'RUNNING', 'STOPPING'].map((s) => isFinal(s as JobRun['state']))).toEqual([
      false,
      false,
      false,
    ]);
    expect(['STOPPED', 'SUCCEEDED', 'FAILED', 'TIMEOUT'].every((s) => isFinal(s as never))).toBe(
      true,
    );
    expect(endStateOf('timeout', 'cancelled')).toBe('TIMEOUT');
    expect(endStateOf(null, 'cancelled')).toBe('STOPPED');
    expect(endStateOf(null, 'engine')).toBe('FAILED');
  });
});
