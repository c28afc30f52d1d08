import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../../src/jobs/model';
import { JobRunner } from '../../../src/jobs/run/job-runner';
import type { JobEngine } from '../../../src/jobs/run/ports';
import type { JobRun, SavedJob } from '../../../src/jobs/run-model';
import { isFinal } from '../../../src/jobs/run-model';
import { JobStore } from '../../../src/jobs/store';
import { quoteLiteral } from '../../../src/core/sql/quote';
import { nativeRead } from '../../support/native-duckdb';
import { jobOf, node } from '../job-support';
import { filesUnder } from './disk-handles';
import { runWorld, startNodeEngine, type RunWorld } from './run-support';
import type { NodeEngine } from '../../support/node-engine';

let engine: NodeEngine;
beforeAll(async () => {
  engine = await startNodeEngine();
});

/**
 * sales → price > ${min} → Parquet in OPFS `sales-out/`, partitioned by year. With `castSku`,
 * sales → sku cast to BIGINT → sku > 0: a value ('a') that does not convert, at run time.
 */
function salesJob(over: Partial<Job> = {}, castSku = false): Job {
  const filter = (id: string, column: string, value: string) =>
    node('filter', id, {
      filter: {
        combine: 'AND',
        clauses: [{ column, op: 'GT', value: { kind: 'constant', value } }],
      },
    });
  const steps = castSku
    ? [
        node('change-schema', 'cast', {
          mappings: [{ from: 'sku', to: 'sku', type: 'BIGINT' }],
          unmapped: 'keep',
        }),
        filter('positive', 'sku', '0'),
      ]
    : [filter('cheap', 'price', '${min}')];
  const nodes = [
    node('catalog-source', 'sales', { database: 'shop', table: 'sales' }),
    ...steps,
    node('target', 'out', {
      format: { kind: 'parquet' },
      partitionKeys: ['year'],
      destination: 'opfs',
      path: 'sales-out',
    }),
  ];
  const edges = nodes.slice(1).map((n, i) => [nodes[i]!.id, n.id] as [string, string]);
  return jobOf(nodes, edges, {
    name: 'daily',
    parameters: [{ name: 'min', value: '2' }],
    ...over,
  });
}

interface Harness {
  world: RunWorld;
  store: JobStore;
  runner: JobRunner;
  saved(job: Job): Promise<SavedJob>;
  /** Every record of every run, in the order the runner reported them. */
  updates: JobRun[];
  /** Resolves with run `id` once it is final. */
  final(id: string): Promise<JobRun>;
  /** Resolves with the `n`th run (attempt order) once it is final. */
  nthFinal(n: number): Promise<JobRun>;
}

async function harness(
  onRun?: (r: JobRun, h: Harness) => void,
  wrapEngine: (e: JobEngine) => JobEngine = (e) => e,
): Promise<Harness> {
  const world = await runWorld(engine);
  const store = new JobStore(world.cat.db);
  const updates: JobRun[] = [];
  const waiting: (() => void)[] = [];
  const h: Harness = {
    world,
    store,
    updates,
    runner: new JobRunner({
      store,
      engine: wrapEngine(world.jobEngine),
      catalog: world.catalog,
      places: world.places,
      onRun: (r) => {
        updates.push(r);
        onRun?.(r, h);
        for (const w of waiting.splice(0)) w();
      },
    }),
    saved: (job) => store.saveJob(job),
    async final(id) {
      for (;;) {
        const r = updates.findLast((u) => u.id === id);
        if (r && isFinal(r.state)) return r;
        await new Promise<void>((w) => waiting.push(w));
      }
    },
    async nthFinal(n) {
      for (;;) {
        const ids = [...new Set(updates.map((u) => u.id))];
        if (ids[n]) return h.final(ids[n]);
        await new Promise<void>((w) => waiting.push(w));
      }
    },
  };
  return h;
}

const outDir = (h: Harness) => join(h.world.dir, 'opfs', 'sales-out');

describe('JobRunner on DuckDB-WASM (Node) and fake-indexeddb', () => {
  it('runs a job to SUCCEEDED: files renamed into place, record stored, rows as native DuckDB reads them', async () => {
    const h = await harness();
    const id = await h.runner.start(await h.saved(salesJob()), { min: '3' });
    const run = await h.final(id);
    expect(run.state, run.error?.message).toBe('SUCCEEDED');
    expect(h.updates.map((u) => u.state)).toContain('RUNNING');
    const files = await filesUnder(outDir(h));
    expect(files.every((f) => !f.split('/').pop()!.startsWith('.decant-tmp'))).toBe(true);
    expect(files.map((f) => f.split('/')[0])).toEqual(['year=2024', 'year=2025']);
    expect(run.targets[0]).toMatchObject({ destination: 'opfs:sales-out/', rowsWritten: 3 });
    expect(run.sql).toContain(`"price" > '3'`);
    const read = await nativeRead(
      `read_parquet(${quoteLiteral(`${outDir(h)}/**/*.parquet`)}, hive_partitioning = true)`,
    );
    const rows = read.rows.map((r) => [Number(r.id), Number(r.year)]).sort((a, b) => a[0]! - b[0]!);
    expect(rows).toEqual([
      [3, 2024],
      [4, 2025],
      [5, 2025],
    ]);
    expect((await h.store.getRun(id))?.state).toBe('SUCCEEDED');
  });

  it('sends the engine one statement per target: the source read once, no table in between, no extra count', async () => {
    // Every statement the run hands the engine (the target's, and any query or check besides).
    const sent: string[] = [];
    const h = await harness(undefined, (e) => ({
      ...e,
      runJobTarget: (spec, ...rest) => (sent.push(spec.sql), e.runJobTarget(spec, ...rest)),
      runSql: (sql) => (sent.push(sql), e.runSql(sql)),
      qualityQueries: (queries, ...rest) => (
        sent.push(...queries),
        e.qualityQueries(queries, ...rest)
      ),
    }));
    for (const bookmarks of ['disable', 'enable'] as const) {
      sent.length = 0;
      const saved = await h.saved(salesJob({ bookmarks }));
      const run = await h.final(await h.runner.start(saved, {}));
      expect(run.state, run.error?.message).toBe('SUCCEEDED');
      expect(sent, bookmarks).toHaveLength(1);
      // The catalog view, or (bookmarks on) a read_csv of the files not yet processed: once.
      const reads = sent[0]!.match(/"shop"\."sales"|read_csv\(/g) ?? [];
      expect(reads, sent[0]).toHaveLength(1);
      expect(sent[0]).not.toMatch(/\bCREATE\b|\bcount\(/i);
    }
  });

  it('with bookmarks enabled, commits them with the run, and the next run reads nothing new', async () => {
    const h = await harness();
    const saved = await h.saved(salesJob({ bookmarks: 'enable' }));
    const first = await h.final(await h.runner.start(saved, {}));
    expect(first.state, first.error?.message).toBe('SUCCEEDED');
    expect(first.sources[0]!.files).toHaveLength(3);
    expect(Object.values(first.bookmarkAfter ?? {})[0]).toHaveLength(3);
    expect((await h.store.bookmarks('daily')).get('sales')?.files).toHaveLength(3);
    const second = await h.final(await h.runner.start(saved, {}));
    expect(second.state, second.error?.message).toBe('SUCCEEDED');
    expect(second.sources[0]).toMatchObject({ skipped: 3, files: [] });
    expect(second.targets[0]!.rowsWritten).toBe(0);
  });

  it('a run that fails is FAILED on the node whose query fails, retried as maxRetries says, each a run of its own', async () => {
    const h = await harness();
    const saved = await h.saved(salesJob({ maxRetries: 2 }, true));
    const first = await h.runner.start(saved, {});
    const runs = [await h.nthFinal(0), await h.nthFinal(1), await h.nthFinal(2)];
    expect(runs.map((r) => [r.state, r.attempt, r.firstRunId])).toEqual([
      ['FAILED', 0, first],
      ['FAILED', 1, first],
      ['FAILED', 2, first],
    ]);
    // count(*) over the cast alone skips the column (DuckDB prunes it): the filter reading it fails.
    expect(runs[0]!.error?.nodeId).toBe('positive');
    expect(runs[0]!.error?.message).toMatch(/Filter .*Could not convert string 'a' to INT64/);
    expect(runs[1]!.log[0]!.message).toMatch(/^retry 1 of 2: /);
    // No fourth attempt, and nothing written by any.
    await new Promise((r) => setTimeout(r, 50));
    expect(new Set(h.updates.map((u) => u.id)).size).toBe(3);
    expect(await filesUnder(outDir(h))).toEqual([]);
    expect((await h.store.listRuns('daily')).map((r) => r.state)).toEqual([
      'FAILED',
      'FAILED',
      'FAILED',
    ]);
  });

  it('a run over its timeout ends TIMEOUT, writes nothing, moves no bookmark, and is not retried', async () => {
    const h = await harness();
    // 0.6 ms: the timer fires while the run reads its sources or runs its target.
    const saved = await h.saved(
      salesJob({ timeoutMinutes: 0.00001, maxRetries: 2, bookmarks: 'enable' }),
    );
    const run = await h.final(await h.runner.start(saved, {}));
    expect(run.state).toBe('TIMEOUT');
    expect(run.error?.message).toMatch(/^timed out after .*; nothing was written$/);
    expect(run.log.at(-1)).toMatchObject({ level: 'error' });
    await new Promise((r) => setTimeout(r, 50));
    expect(new Set(h.updates.map((u) => u.id)).size).toBe(1);
    expect(await filesUnder(outDir(h))).toEqual([]);
    expect((await h.store.bookmarks('daily')).size).toBe(0);
    expect((await h.store.getRun(run.id))?.state).toBe('TIMEOUT');
  });

  it('cancel: STOPPING at once, then STOPPED with nothing written and no retry', async () => {
    let asked = false;
    const h = await harness((r, h) => {
      // Stop as soon as the target reports progress: mid-run.
      if (!asked && r.progress && r.progress.phase.startsWith('target')) {
        asked = true;
        h.runner.cancel(r.id);
      }
    });
    const saved = await h.saved(salesJob({ maxRetries: 3 }));
    const id = await h.runner.start(saved, {});
    const run = await h.final(id);
    expect(asked).toBe(true);
    expect(h.updates.map((u) => u.state)).toContain('STOPPING');
    expect(run.state).toBe('STOPPED');
    expect(run.error).toBeUndefined();
    expect(run.log.map((l) => l.message)).toEqual(
      expect.arrayContaining(['stop requested', 'stopped; nothing was written']),
    );
    await new Promise((r) => setTimeout(r, 50));
    expect(new Set(h.updates.map((u) => u.id)).size).toBe(1);
    expect(await filesUnder(outDir(h))).toEqual([]);
    expect((await h.store.getRun(id))?.state).toBe('STOPPED');
  });

  it('a source the engine cannot attach fails the run on that source', async () => {
    const h = await harness();
    await h.world.cat.store.putTable({
      ...(await h.world.cat.store.getTable('shop', 'sales'))!,
      sources: [
        {
          kind: 'url',
          path: 'x.csv',
          url: 'https://example.invalid/x.csv',
          size: 1,
          lastModified: 0,
        },
      ],
    });
    const run = await h.final(await h.runner.start(await h.saved(salesJob()), {}));
    expect(run.state).toBe('FAILED');
    expect(run.error).toMatchObject({ nodeId: 'sales' });
    expect(run.error?.message).toMatch(/source "sales": .*not kept in OPFS/);
  });
});
