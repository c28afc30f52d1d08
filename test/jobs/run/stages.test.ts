import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DecantError } from '../../../src/core/errors';
import { compileJob } from '../../../src/jobs/compile';
import type { CompileContext } from '../../../src/jobs/context';
import { JobError } from '../../../src/jobs/errors';
import type { Job, JobNode } from '../../../src/jobs/model';
import { publishOutputs } from '../../../src/jobs/run/publish';
import { runTargets, type TargetResult } from '../../../src/jobs/run/run-targets';
import { prepareSources, runSourcesOf } from '../../../src/jobs/run/sources';
import type { RunLogLine, RunProgress } from '../../../src/jobs/run-model';
import { JobStore } from '../../../src/jobs/store';
import type { NodeEngine } from '../../support/node-engine';
import { jobOf, node } from '../job-support';
import { filesUnder } from './disk-handles';
import { runWorld, startNodeEngine, type RunWorld } from './run-support';

let engine: NodeEngine;
beforeAll(async () => {
  engine = await startNodeEngine();
});

/** sales → target `out` (CSV in OPFS `out/`, by month) with `target`'s options over these. */
function job(
  target: Partial<Extract<JobNode, { kind: 'target' }>['options']> = {},
  extra: Partial<Job> = {},
): Job {
  return jobOf(
    [
      node('catalog-source', 'sales', {
        database: 'shop',
        table: 'sales',
      }),
      node('target', 'out', {
        format: { kind: 'csv' },
        partitionKeys: ['month'],
        destination: 'opfs',
        path: 'out',
        ...target,
      }),
    ],
    [['sales', 'out']],
    { name: 'daily', ...extra },
  );
}

const logs = () => {
  const lines: string[] = [];
  return { lines, log: (_l: RunLogLine['level'], m: string) => void lines.push(m) };
};

async function prepared(w: RunWorld, j: Job) {
  const l = logs();
  const p = await prepareSources(
    j,
    { catalog: w.catalog, engine: w.jobEngine, store: new JobStore(w.cat.db) },
    l.log,
  );
  const ctx: CompileContext = { tables: p.tables, processedFiles: p.processed, arguments: {} };
  return { p, ctx, compiled: compileJob(j, ctx), lines: l.lines };
}

describe('prepare sources', () => {
  it('attaches each catalog source, stamps its files, and says what the run reads', async () => {
    const w = await runWorld(engine);
    const { p, compiled } = await prepared(w, job());
    expect(p.tables.map((t) => `${t.database}.${t.name}`)).toEqual(['shop.sales']);
    expect(p.tables[0]!.scan?.files.map((f) => f.path)).toEqual([
      'year=2024/month=01/part-0.csv',
      'year=2024/month=02/part-0.csv',
      'year=2025/month=01/part-0.csv',
    ]);
    expect([...p.stamps.get('sales')!.values()].every((s) => s.size > 0)).toBe(true);
    const { sources } = runSourcesOf(compiled, p);
    expect(sources).toHaveLength(1);
    expect(sources[0]).toMatchObject({ nodeId: 'sales', label: 'shop.sales', skipped: 0 });
    expect(sources[0]!.files).toHaveLength(3);
    expect(sources[0]!.bytes).toBe(
      [...p.stamps.get('sales')!.values()].reduce((n, s) => n + s.size, 0),
    );
  });

  it('with a bookmark, the files it saw are processed: the compiled job skips them', async () => {
    const w = await runWorld(engine);
    const store = new JobStore(w.cat.db);
    const j = job({}, { bookmarks: 'enable' });
    const first = await prepared(w, j);
    const seen = [...first.p.stamps.get('sales')!.values()].filter((s) =>
      s.path.startsWith('year=2024'),
    );
    await store.finishRun(
      {
        id: 'jr_x',
        job: 'daily',
        jobVersion: 1,
        attempt: 0,
        firstRunId: 'jr_x',
        state: 'SUCCEEDED',
        startedAt: 0,
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
      },
      new Map([['sales', seen]]),
    );
    const second = await prepared(w, j);
    expect(second.p.processed.get('sales')).toEqual(seen.map((s) => s.path));
    const { sources } = runSourcesOf(second.compiled, second.p);
    expect(sources[0]).toMatchObject({ skipped: 2 });
    expect(sources[0]!.files!.map((f) => f.path)).toEqual(['year=2025/month=01/part-0.csv']);
  });

  it('a table that is not in the catalog is left to the compiler, which says so on the node', async () => {
    const w = await runWorld(engine);
    const j = jobOf(
      [
        node('catalog-source', 'gone', { database: 'shop', table: 'gone' }),
        node('target', 'out', { format: { kind: 'csv' }, partitionKeys: [], destination: 'opfs' }),
      ],
      [['gone', 'out']],
    );
    const l = logs();
    const p = await prepareSources(
      j,
      { catalog: w.catalog, engine: w.jobEngine, store: new JobStore(w.cat.db) },
      l.log,
    );
    expect(p.tables).toEqual([]);
    expect(() => compileJob(j, { tables: p.tables })).toThrow(JobError);
  });
});

async function targets(w: RunWorld, j: Job, signal = new AbortController().signal) {
  const { ctx, compiled } = await prepared(w, j);
  const progress: RunProgress[] = [];
  const done: [string, number][] = [];
  const l = logs();
  const results = await runTargets({
    job: j,
    targets: compiled.targets,
    ctx,
    engine: w.jobEngine,
    signal,
    bytesToRead: 100,
    onProgress: (p) => progress.push(p),
    onTargetDone: (id, rows) => done.push([id, rows]),
    log: l.log,
  });
  return { results, progress, done, lines: l.lines };
}

describe('run targets', () => {
  it('runs each target into encoded files, one per partition, with progress', async () => {
    const w = await runWorld(engine);
    const r = await targets(w, job());
    expect(r.done).toEqual([['out', 5]]);
    const out = r.results[0]!.out;
    expect(out.files.map((f) => [f.values, f.rows])).toEqual([
      [['1'], 4],
      [['2'], 1],
    ]);
    const text = await out.files[1]!.blob.text();
    expect(text.trim().split('\n')).toEqual(['id,sku,price,year', '3,c,3.5,2024']);
    expect(r.progress.at(-1)!.fraction).toBe(1);
    expect(r.lines).toEqual(['target "out": running', 'target "out": 5 row(s) in 2 file(s)']);
  });

  it('streams an OPFS target into temporary files in its partition folders, published by rename', async () => {
    const w = await runWorld(engine);
    const j = job();
    const { ctx, compiled } = await prepared(w, j);
    const results = await runTargets({
      job: j,
      targets: compiled.targets,
      ctx,
      engine: w.jobEngine,
      signal: new AbortController().signal,
      bytesToRead: 100,
      onProgress: () => undefined,
      onTargetDone: () => undefined,
      log: () => undefined,
      stream: { runId: 'jr_s', places: w.places },
    });
    const out = results[0]!.out;
    // Written while encoded: on disk under hidden names before anything is published.
    expect(out.files.every((f) => f.streamedAs?.temp.startsWith('.decant-tmp-jr_s-'))).toBe(true);
    const onDisk = await filesUnder(join(w.dir, 'opfs', 'out'));
    expect(onDisk).toEqual([
      'month=1/.decant-tmp-jr_s-stream-0-0',
      'month=2/.decant-tmp-jr_s-stream-0-1',
    ]);
    expect((await out.files[1]!.blob.text()).trim()).toBe('id,sku,price,year\n3,c,3.5,2024');
    await publishOutputs({
      job: j,
      runId: 'jr_s',
      results,
      places: w.places,
      catalog: w.catalog,
      signal: new AbortController().signal,
      log: () => undefined,
    });
    const published = await filesUnder(join(w.dir, 'opfs', 'out'));
    expect(published).toHaveLength(2);
    expect(published.some((f) => f.includes('.decant-tmp'))).toBe(false);
  });

  it('a cancelled streamed target leaves no temporary file', async () => {
    const w = await runWorld(engine);
    const j = job();
    const { ctx, compiled } = await prepared(w, j);
    const abort = new AbortController();
    const e = await runTargets({
      job: j,
      targets: compiled.targets,
      ctx,
      engine: w.jobEngine,
      signal: abort.signal,
      bytesToRead: 100,
      // Cancelled once the first file is being written.
      onProgress: (p) => (p.rowsWritten > 0 ? abort.abort() : undefined),
      onTargetDone: () => undefined,
      log: () => undefined,
      stream: { runId: 'jr_c', places: w.places },
    }).catch((x: unknown) => x);
    expect((e as DecantError).code).toBe('cancelled');
    expect(await filesUnder(join(w.dir, 'opfs', 'out'))).toEqual([]);
  });

  it('an aborted signal rejects with code cancelled', async () => {
    const w = await runWorld(engine);
    const abort = new AbortController();
    abort.abort();
    const e = await targets(w, job(), abort.signal).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DecantError);
    expect((e as DecantError).code).toBe('cancelled');
  });
});

describe('publish outputs', () => {
  async function publish(w: RunWorld, j: Job, results: TargetResult[]) {
    const l = logs();
    const written = await publishOutputs({
      job: j,
      runId: 'jr_1',
      results,
      places: w.places,
      catalog: w.catalog,
      signal: new AbortController().signal,
      log: l.log,
    });
    return { written, lines: l.lines };
  }

  it('renames every file into place and registers the output in the catalog', async () => {
    const w = await runWorld(engine);
    const j = job({ catalog: { database: 'shop', table: 'by_month' } });
    const { results } = await targets(w, j);
    const { written, lines } = await publish(w, j, results);
    const files = await filesUnder(join(w.dir, 'opfs', 'out'));
    expect(files).toEqual(['month=1/part-jr_1-00000.csv', 'month=2/part-jr_1-00001.csv']);
    expect(written[0]).toMatchObject({
      destination: 'opfs:out/',
      rowsWritten: 5,
      registered: 'shop.by_month',
    });
    const t = await w.cat.store.getTable('shop', 'by_month');
    expect(t?.sources.map((s) => s.path).sort()).toEqual(files);
    expect((await w.cat.store.listPartitions('shop', 'by_month')).map((p) => p.values)).toEqual([
      ['1'],
      ['2'],
    ]);
    expect(lines).toContain('target "out": wrote opfs:out/');
  });

  it('a target whose folder cannot be had fails on that target and leaves no file of the others', async () => {
    const w = await runWorld(engine);
    const j = jobOf(
      [
        node('catalog-source', 'sales', { database: 'shop', table: 'sales' }),
        node('target', 'a', {
          format: { kind: 'csv' },
          partitionKeys: [],
          destination: 'opfs',
          path: 'a',
        }),
        node('target', 'unpicked', {
          format: { kind: 'csv' },
          partitionKeys: [],
          destination: 'folder',
        }),
      ],
      [
        ['sales', 'a'],
        ['sales', 'unpicked'],
      ],
    );
    const { results } = await targets(w, j);
    const e = await publish(w, j, results).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(JobError);
    expect((e as JobError).nodeId).toBe('unpicked');
    expect((e as JobError).message).toMatch(/none was picked/);
    expect(await filesUnder(join(w.dir, 'opfs', 'a'))).toEqual([]);
  });

  it('a download target goes through the download, zipped when partitioned', async () => {
    const w = await runWorld(engine);
    const j = job({ destination: 'download', path: 'monthly' });
    const { results } = await targets(w, j);
    const { written } = await publish(w, j, results);
    expect(written[0]!.destination).toBe('download:monthly.zip');
    expect(w.places.downloaded).toEqual(['monthly.zip']);
  });
});
