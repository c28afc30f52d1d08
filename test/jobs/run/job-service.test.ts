import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DecantError } from '../../../src/core/errors';
import { JobService } from '../../../src/jobs/job-service';
import { isFinal, type JobRun } from '../../../src/jobs/run-model';
import type { NodeEngine } from '../../support/node-engine';
import { jobOf, node } from '../job-support';
import { filesUnder } from './disk-handles';
import { runWorld, startNodeEngine } from './run-support';

let engine: NodeEngine;
beforeAll(async () => {
  engine = await startNodeEngine();
});

const job = (over = {}) =>
  jobOf(
    [
      node('catalog-source', 'sales', { database: 'shop', table: 'sales' }),
      node('target', 'out', {
        format: { kind: 'csv' },
        partitionKeys: [],
        destination: 'opfs',
        path: 'out',
      }),
    ],
    [['sales', 'out']],
    { name: 'nightly', parameters: [{ name: 'region', value: 'eu west' }], ...over },
  );

async function service() {
  const w = await runWorld(engine);
  const changed: [string, boolean][] = [];
  const s = new JobService({
    db: w.cat.db,
    engine: w.jobEngine,
    catalog: w.catalog,
    places: w.places,
    onRun: (r, stateChanged) => changed.push([r.state, stateChanged]),
  });
  const final = async (id: string): Promise<JobRun> => {
    for (let i = 0; i < 600; i++) {
      const r = s.live.get(id);
      if (r && isFinal(r.state)) return r;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`run ${id} did not end`);
  };
  return { s, changed, final };
}

describe('JobService', () => {
  it('saves versions, restores one, and lists jobs by name', async () => {
    const { s } = await service();
    await s.save(job());
    await s.save(job({ description: 'second' }), 'why');
    await s.save({ ...job(), name: 'alpha' });
    expect((await s.listJobs()).map((j) => j.name)).toEqual(['alpha', 'nightly']);
    expect((await s.versions('nightly')).map((v) => [v.version, v.note])).toEqual([
      [2, 'why'],
      [1, ''],
    ]);
    const restored = await s.restore('nightly', 1);
    expect(restored).toMatchObject({ version: 3, note: 'restored version 1' });
    await expect(s.need('missing')).rejects.toThrow('job: no saved job "missing"');
  });

  it('runs with text arguments; live records merge into the history; deleting waits for the run', async () => {
    const { s, changed, final } = await service();
    const saved = await s.save(job());
    expect(JobService.parametersText(saved)).toBe('--region "eu west"');
    const id = await s.startWith(saved, '--region "north"');
    // Still running: refused.
    await expect(s.remove('nightly')).rejects.toThrow(DecantError);
    const run = await final(id);
    expect(run.state, run.error?.message).toBe('SUCCEEDED');
    expect(run.arguments).toEqual({ region: 'north' });
    expect(changed.filter(([, c]) => c).map(([st]) => st)).toEqual([
      'STARTING',
      'RUNNING',
      'SUCCEEDED',
    ]);
    expect((await s.runsOf('nightly')).map((r) => r.id)).toEqual([id]);
    expect(await s.run(id)).toBe(run);
    await s.remove('nightly');
    expect(await s.listJobs()).toEqual([]);
    expect(await s.store.listRuns('nightly')).toEqual([]);
  });

  it('bookmarks: the next files, a reset, and a new version with another mode', async () => {
    const { s, final } = await service();
    const saved = await s.setBookmarkMode(await s.save(job()), 'enable');
    expect(saved).toMatchObject({ version: 2, note: 'bookmarks: enable' });
    expect((await s.nextFiles(saved))[0]).toMatchObject({ total: 3, skipped: 0 });
    expect((await final(await s.start(saved))).state).toBe('SUCCEEDED');
    expect((await s.nextFiles(saved))[0]).toMatchObject({ total: 3, skipped: 3, files: [] });
    await s.resetBookmark('nightly');
    expect((await s.bookmarks('nightly')).size).toBe(0);
    expect((await s.nextFiles(saved))[0]).toMatchObject({ skipped: 0 });
  });
});

describe('JobService.sweepInterrupted', () => {
  /** A run that succeeded, recorded again as RUNNING: as if its tab closed after the renames. */
  async function interruptedAfterRenames(registered: boolean) {
    const w = await runWorld(engine);
    const s = new JobService({
      db: w.cat.db,
      engine: w.jobEngine,
      catalog: w.catalog,
      places: w.places,
    });
    const j = job({
      nodes: job().nodes.map((n) =>
        n.kind === 'target' && registered
          ? { ...n, options: { ...n.options, catalog: { database: 'out', table: 'copy' } } }
          : n,
      ),
    });
    const id = await s.start(await s.save(j));
    let run: JobRun | undefined;
    for (let i = 0; i < 600 && !(run && isFinal(run.state)); i++) {
      await new Promise((r) => setTimeout(r, 25));
      run = s.live.get(id);
    }
    expect(run!.state).toBe('SUCCEEDED');
    await s.store.putRun({ ...run!, state: 'RUNNING' });
    // Every lock free: the run's tab is gone.
    const locks = { query: async () => ({ held: [], pending: [] }) } as unknown as LockManager;
    const sweeper = new JobService({
      db: w.cat.db,
      engine: w.jobEngine,
      catalog: w.catalog,
      places: w.places,
      locks,
    });
    expect((await sweeper.sweepInterrupted()).map((r) => r.id)).toEqual([id]);
    return filesUnder(join(w.dir, 'opfs', 'out'));
  }

  it('removes the files an interrupted run renamed that the catalog does not list', async () => {
    expect(await interruptedAfterRenames(false)).toEqual([]);
  });

  it('keeps them once registered (registration follows the last rename: the output is whole)', async () => {
    expect(await interruptedAfterRenames(true)).toHaveLength(1);
  });

  it('removes the scratch files an interrupted S3 target run left, and only its own', async () => {
    const w = await runWorld(engine);
    const s = new JobService({
      db: w.cat.db,
      engine: w.jobEngine,
      catalog: w.catalog,
      places: w.places,
    });
    const j = job({
      nodes: job().nodes.map((n) =>
        n.kind === 'target'
          ? {
              ...n,
              options: {
                ...n.options,
                destination: 's3' as const,
                s3: { bucket: 'lake', prefix: 'out/', region: 'us-east-1' },
              },
            }
          : n,
      ),
    });
    // No S3 port here: the run fails at once, and its record is made RUNNING again below.
    const id = await s.start(await s.save(j));
    let run: JobRun | undefined;
    for (let i = 0; i < 600 && !(run && isFinal(run.state)); i++) {
      await new Promise((r) => setTimeout(r, 25));
      run = s.live.get(id);
    }
    expect(run!.error?.message).toMatch(/writes to Amazon S3, which cannot be uploaded to/);
    await s.store.putRun({ ...run!, state: 'RUNNING' });
    const scratch = join(w.dir, 'opfs', 'decant-scratch');
    mkdirSync(scratch, { recursive: true });
    writeFileSync(join(scratch, `.decant-tmp-${id}-stream-0-0`), 'x');
    writeFileSync(join(scratch, '.decant-tmp-jr_other-stream-0-0'), 'y');
    const locks = { query: async () => ({ held: [], pending: [] }) } as unknown as LockManager;
    const sweeper = new JobService({
      db: w.cat.db,
      engine: w.jobEngine,
      catalog: w.catalog,
      places: w.places,
      locks,
    });
    expect((await sweeper.sweepInterrupted()).map((r) => r.id)).toEqual([id]);
    expect(await filesUnder(scratch)).toEqual(['.decant-tmp-jr_other-stream-0-0']);
  });
});
