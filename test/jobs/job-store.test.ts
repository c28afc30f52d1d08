import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { openCatalogDb } from '../../src/storage';
import { DecantError } from '../../src/core/errors';
import { mergeBookmark, processedPaths, unprocessedFiles } from '../../src/jobs/bookmarks';
import { newJob, type Job } from '../../src/jobs/model';
import {
  INTERRUPTED_MESSAGE,
  runLockName,
  type FileStamp,
  type JobRun,
} from '../../src/jobs/run-model';
import { JobStore } from '../../src/jobs/store';

async function freshStore(): Promise<JobStore> {
  let t = 1000;
  return new JobStore(await openCatalogDb('decant-jobs-test', new IDBFactory()), () => t++);
}

function job(name: string, description = ''): Job {
  return { ...newJob(name), description };
}

function run(id: string, over: Partial<JobRun> = {}): JobRun {
  return {
    id,
    job: 'daily',
    jobVersion: 1,
    attempt: 0,
    firstRunId: id,
    state: 'RUNNING',
    startedAt: 10,
    arguments: {},
    bookmarks: 'enable',
    timeoutMinutes: 60,
    nodes: {},
    sources: [],
    targets: [],
    bytesRead: 0,
    bytesWritten: 0,
    sql: 'SELECT 1',
    log: [],
    ...over,
  };
}

const f = (path: string, size = 10, lastModified = 1): FileStamp => ({ path, size, lastModified });

async function rejection(p: Promise<unknown>): Promise<DecantError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(DecantError);
    return e as DecantError;
  }
  throw new Error('was accepted');
}

describe('JobStore: jobs and versions', () => {
  it('saves versions 1, 2, 3 and lists them newest first', async () => {
    const s = await freshStore();
    expect((await s.saveJob(job('daily', 'a'))).version).toBe(1);
    expect((await s.saveJob(job('daily', 'b'), 'second')).version).toBe(2);
    const third = await s.saveJob(job('daily', 'c'));
    expect(third).toMatchObject({ name: 'daily', version: 3, createdAt: 1000 });
    const versions = await s.listVersions('daily');
    expect(versions.map((v) => [v.version, v.snapshot.description, v.note])).toEqual([
      [3, 'c', ''],
      [2, 'b', 'second'],
      [1, 'a', ''],
    ]);
    expect((await s.listJobs()).map((j) => j.name)).toEqual(['daily']);
  });

  it('restore makes an old version current as a new one, keeping the history', async () => {
    const s = await freshStore();
    await s.saveJob(job('daily', 'a'));
    await s.saveJob(job('daily', 'b'));
    const restored = await s.restoreVersion('daily', 1);
    expect(restored).toMatchObject({ version: 3, note: 'restored version 1' });
    expect(restored.job.description).toBe('a');
    expect((await s.getJob('daily'))!.job.description).toBe('a');
    expect((await s.listVersions('daily')).map((v) => v.snapshot.description)).toEqual([
      'a',
      'b',
      'a',
    ]);
    const e = await rejection(s.restoreVersion('daily', 9));
    expect(e.message).toBe('job: "daily" has no version 9');
  });

  it('refuses a job without a name or a saved thing that is not a job', async () => {
    const s = await freshStore();
    expect((await rejection(s.saveJob(job(' ')))).message).toBe('job: a job needs a name');
    const notJob = { name: 'x' } as unknown as Job;
    expect((await rejection(s.saveJob(notJob))).message).toMatch(/^job: this is not a saved job/);
    expect(await s.listJobs()).toEqual([]);
  });

  it('delete removes the job, its versions, runs and bookmarks, and nothing of other jobs', async () => {
    const s = await freshStore();
    await s.saveJob(job('daily'));
    await s.saveJob(job('daily'));
    await s.saveJob(job('daily2'));
    await s.putRun(run('r1', { state: 'SUCCEEDED' }));
    await s.putRun(run('r2', { job: 'daily2', state: 'SUCCEEDED' }));
    await s.finishRun(run('r3', { state: 'SUCCEEDED' }), new Map([['src', [f('a.csv')]]]));
    await s.finishRun(
      run('r4', { job: 'daily2', state: 'SUCCEEDED' }),
      new Map([['src', [f('b.csv')]]]),
    );
    await s.deleteJob('daily');
    expect(await s.getJob('daily')).toBeUndefined();
    expect(await s.listVersions('daily')).toEqual([]);
    expect(await s.listRuns('daily')).toEqual([]);
    expect((await s.bookmarks('daily')).size).toBe(0);
    expect((await s.listVersions('daily2')).length).toBe(1);
    expect((await s.listRuns('daily2')).map((r) => r.id).sort()).toEqual(['r2', 'r4']);
    expect([...(await s.bookmarks('daily2')).keys()]).toEqual(['src']);
  });
});

describe('JobStore: runs and bookmarks', () => {
  it('lists a job’s runs newest first', async () => {
    const s = await freshStore();
    await s.putRun(run('a', { startedAt: 1 }));
    await s.putRun(run('b', { startedAt: 3 }));
    await s.putRun(run('c', { startedAt: 2, job: 'other' }));
    expect((await s.listRuns('daily')).map((r) => r.id)).toEqual(['b', 'a']);
    expect((await s.listAllRuns()).map((r) => r.id)).toEqual(['b', 'c', 'a']);
  });

  it('commits bookmarks only with a SUCCEEDED run, in the same write', async () => {
    const s = await freshStore();
    const e = await rejection(
      s.finishRun(run('x', { state: 'FAILED' }), new Map([['src', [f('a.csv')]]])),
    );
    expect(e.message).toMatch(/only by a successful run/);
    expect(await s.getRun('x')).toBeUndefined();
    expect((await s.bookmarks('daily')).size).toBe(0);
    await s.finishRun(run('ok', { state: 'SUCCEEDED' }), new Map([['src', [f('a.csv')]]]));
    const b = (await s.bookmarks('daily')).get('src')!;
    expect(b).toMatchObject({ job: 'daily', source: 'src', runId: 'ok', files: [f('a.csv')] });
    expect((await s.getRun('ok'))!.state).toBe('SUCCEEDED');
  });

  it('reset forgets one source or all; rewind restores what a past run committed', async () => {
    const s = await freshStore();
    const after1 = { src: [f('a.csv')], other: [f('x.csv')] };
    await s.finishRun(
      run('r1', { state: 'SUCCEEDED', bookmarkAfter: after1 }),
      new Map(Object.entries(after1)),
    );
    const after2 = { src: [f('a.csv'), f('b.csv')], other: [f('x.csv')] };
    await s.finishRun(
      run('r2', { state: 'SUCCEEDED', bookmarkAfter: after2 }),
      new Map([['src', after2.src]]),
    );
    expect((await s.bookmarks('daily')).get('src')!.files).toEqual(after2.src);
    await s.rewindBookmark('daily', 'r1');
    const rewound = await s.bookmarks('daily');
    expect(rewound.get('src')!.files).toEqual([f('a.csv')]);
    expect(rewound.get('src')!.runId).toBeUndefined();
    expect(rewound.get('other')!.files).toEqual([f('x.csv')]);
    await s.resetBookmark('daily', 'src');
    expect([...(await s.bookmarks('daily')).keys()]).toEqual(['other']);
    await s.resetBookmark('daily');
    expect((await s.bookmarks('daily')).size).toBe(0);
    await s.putRun(run('failed', { state: 'FAILED' }));
    expect((await rejection(s.rewindBookmark('daily', 'failed'))).message).toMatch(
      /did not commit a bookmark/,
    );
    expect((await rejection(s.rewindBookmark('daily', 'nope'))).message).toBe(
      'job: "daily" has no run nope',
    );
  });

  it('marks runs whose lock nobody holds FAILED "interrupted", never SUCCEEDED', async () => {
    const s = await freshStore();
    await s.putRun(run('starting', { state: 'STARTING' }));
    await s.putRun(
      run('running', { state: 'RUNNING', progress: { fraction: 0.5, phase: 'x', rowsWritten: 3 } }),
    );
    await s.putRun(run('stopping', { state: 'STOPPING' }));
    await s.putRun(run('held', { state: 'RUNNING' }));
    await s.putRun(run('done', { state: 'SUCCEEDED', endedAt: 20 }));
    const marked = await s.markInterrupted(new Set([runLockName('held')]));
    expect(marked.map((r) => r.id).sort()).toEqual(['running', 'starting', 'stopping']);
    const r = (await s.getRun('running'))!;
    expect(r.state).toBe('FAILED');
    expect(r.error).toEqual({ message: INTERRUPTED_MESSAGE });
    expect(r.error!.message).toBe('interrupted (the tab was closed)');
    expect(r.progress).toBeUndefined();
    expect(r.log.at(-1)!.message).toBe(INTERRUPTED_MESSAGE);
    expect(r.durationMs).toBe(r.endedAt! - r.startedAt);
    expect((await s.getRun('held'))!.state).toBe('RUNNING');
    expect((await s.getRun('done'))!.state).toBe('SUCCEEDED');
    expect(await s.markInterrupted(new Set())).toHaveLength(1); // 'held', once its lock is gone
  });
});

describe('bookmark logic', () => {
  const all = [f('a.csv'), f('b.csv'), f('c.csv')];

  it('a file is processed only with the same path, size and time', () => {
    const processed = [f('a.csv'), f('b.csv', 11), f('c.csv', 10, 2)];
    expect(unprocessedFiles(all, processed).map((x) => x.path)).toEqual(['b.csv', 'c.csv']);
    expect(processedPaths(all, processed)).toEqual(['a.csv']);
    expect(unprocessedFiles(all, [])).toEqual(all);
  });

  it('merging replaces a path’s stamp and keeps the others, sorted', () => {
    expect(mergeBookmark([f('b.csv'), f('a.csv')], [f('b.csv', 99), f('0.csv')])).toEqual([
      f('0.csv'),
      f('a.csv'),
      f('b.csv', 99),
    ]);
  });
});
