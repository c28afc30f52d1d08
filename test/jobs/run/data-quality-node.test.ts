import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileJob, validateJob } from '../../../src/jobs';
import type { DataQualityFailureAction, Job } from '../../../src/jobs/model';
import { JobRunner } from '../../../src/jobs/run/job-runner';
import { isFinal, type JobRun } from '../../../src/jobs/run-model';
import { JobStore } from '../../../src/jobs/store';
import { quoteLiteral } from '../../../src/core/sql/quote';
import { nativeRead } from '../../support/native-duckdb';
import { fixturePath } from '../../support/fixtures';
import type { NodeEngine } from '../../support/node-engine';
import { jobOf, node, SALES_COLUMNS, SALES_KEYS } from '../job-support';
import { Scheduler } from '../../../src/scheduler/scheduler';
import { outcomeOfJobRun } from '../../../src/scheduler/run-outcomes';
import type { RunOutcome, StartedRun } from '../../../src/scheduler/model';
import { conditional, FakeClock, MemoryFiringStore } from '../../scheduler/support';
import { filesUnder } from './disk-handles';
import { runWorld, startNodeEngine, type RunWorld } from './run-support';

let engine: NodeEngine;
beforeAll(async () => {
  engine = await startNodeEngine();
});

const PRICE_RULE = 'ColumnValues "price" > 3';
const RULES = `Rules = [\n  IsComplete "sku",\n  ${PRICE_RULE},\n  RowCount > 10\n]`;

const resultIs = (value: 'Passed' | 'Failed', id: string) =>
  node('filter', id, {
    filter: {
      combine: 'AND',
      clauses: [
        { column: 'DataQualityEvaluationResult', op: 'EQ', value: { kind: 'constant', value } },
      ],
    },
  });

const opfsTarget = (id: string) =>
  node('target', id, {
    format: { kind: 'parquet' },
    partitionKeys: [],
    destination: 'opfs',
    path: id,
  });

/** sales → Evaluate Data Quality → Filter Passed → `good`, Filter Failed → `bad`. */
function routedJob(
  onFailure: DataQualityFailureAction,
  rowLevelOutcomes = true,
  rules = RULES,
): Job {
  return jobOf(
    [
      node('catalog-source', 'sales', { database: 'shop', table: 'sales' }),
      node('evaluate-data-quality', 'dq', { ruleset: rules, rowLevelOutcomes, onFailure }),
      resultIs('Passed', 'passed'),
      resultIs('Failed', 'failed'),
      opfsTarget('good'),
      opfsTarget('bad'),
    ],
    [
      ['sales', 'dq'],
      ['dq', 'passed'],
      ['dq', 'failed'],
      ['passed', 'good'],
      ['failed', 'bad'],
    ],
    { name: 'dq-job' },
  );
}

/** The fixture's rows failing `price > 3`, counted by native DuckDB from the CSV files. */
async function failingInFixture(): Promise<{ failing: number; passing: number }> {
  const glob = quoteLiteral(`${fixturePath('sales')}/**/*.csv`);
  const read = await nativeRead(
    `(SELECT count(*) FILTER (WHERE NOT coalesce(price > 3, false)) AS failing, count(*) FILTER (WHERE price > 3) AS passing FROM read_csv(${glob}, hive_partitioning = true))`,
  );
  const row = read.rows[0]!;
  return { failing: Number(row.failing), passing: Number(row.passing) };
}

async function runOnce(job: Job): Promise<{ run: JobRun; world: RunWorld }> {
  const world = await runWorld(engine);
  const store = new JobStore(world.cat.db);
  const updates: JobRun[] = [];
  let wake = () => {};
  const runner = new JobRunner({
    store,
    engine: world.jobEngine,
    catalog: world.catalog,
    places: world.places,
    onRun: (r) => {
      updates.push(r);
      wake();
    },
  });
  const id = await runner.start(await store.saveJob(job), {});
  for (;;) {
    const r = updates.findLast((u) => u.id === id);
    if (r && isFinal(r.state)) {
      expect((await store.getRun(id))?.quality).toEqual(r.quality);
      return { run: r, world };
    }
    await new Promise<void>((w) => (wake = w));
  }
}

const parquetOf = async (world: RunWorld, target: string) => {
  const files = await filesUnder(join(world.dir, 'opfs', target));
  if (files.length === 0) return [];
  return (
    await nativeRead(
      `read_parquet(${quoteLiteral(join(world.dir, 'opfs', target, '**', '*.parquet'))})`,
    )
  ).rows;
};

const ctx = {
  tables: [
    {
      database: 'shop',
      name: 'sales',
      columns: SALES_COLUMNS,
      partitionKeys: SALES_KEYS,
      partitions: [],
    },
  ],
};

describe('Evaluate Data Quality: compile', () => {
  it('adds Glue’s four row-level columns after the input’s, and the run measures its input', () => {
    const c = compileJob(routedJob('continue'), ctx);
    expect(c.targets[0]!.columns?.map((x) => x.name)).toEqual([
      'id',
      'sku',
      'price',
      'year',
      'month',
      'DataQualityRulesPass',
      'DataQualityRulesFail',
      'DataQualityRulesSkip',
      'DataQualityEvaluationResult',
    ]);
    expect(c.qualityChecks).toEqual([
      expect.objectContaining({ nodeId: 'dq', ruleset: RULES, onFailure: 'continue' }),
    ]);
    expect(c.qualityChecks[0]!.sql).toMatch(/SELECT \* FROM "sales"$/);
  });

  it('without row-level outcomes, passes its input through unchanged', () => {
    const plain = jobOf(
      [
        node('catalog-source', 'sales', { database: 'shop', table: 'sales' }),
        node('evaluate-data-quality', 'dq', {
          ruleset: RULES,
          rowLevelOutcomes: false,
          onFailure: 'continue',
        }),
        opfsTarget('out'),
      ],
      [
        ['sales', 'dq'],
        ['dq', 'out'],
      ],
    );
    const c = compileJob(plain, ctx);
    expect(c.targets[0]!.columns?.map((x) => x.name)).toEqual([
      'id',
      'sku',
      'price',
      'year',
      'month',
    ]);
    expect(c.targets[0]!.sql).toContain('SELECT * FROM "sales"');
    expect(() => compileJob(routedJob('continue', false), ctx)).toThrow(
      /column "DataQualityEvaluationResult" is not in its input/,
    );
  });

  it('says where a ruleset does not parse, and refuses a second set of outcome columns', () => {
    const bad = routedJob('continue', true, 'Rules = [ IsComplete "sku" ');
    expect(validateJob(bad, ctx).map((i) => i.message)).toContainEqual(
      expect.stringMatching(
        /Evaluate Data Quality "dq": the ruleset does not parse: line 1, column \d+/,
      ),
    );
    const twice = jobOf(
      [
        node('catalog-source', 'sales', { database: 'shop', table: 'sales' }),
        node('evaluate-data-quality', 'dq1', {
          ruleset: RULES,
          rowLevelOutcomes: true,
          onFailure: 'continue',
        }),
        node('evaluate-data-quality', 'dq2', {
          ruleset: RULES,
          rowLevelOutcomes: true,
          onFailure: 'continue',
        }),
        opfsTarget('out'),
      ],
      [
        ['sales', 'dq1'],
        ['dq1', 'dq2'],
        ['dq2', 'out'],
      ],
    );
    expect(validateJob(twice, ctx).map((i) => i.message)).toContainEqual(
      expect.stringContaining('already has a column "DataQualityRulesPass"'),
    );
  });
});

describe('Evaluate Data Quality in a run (DuckDB-WASM in Node)', () => {
  it('routes failing rows to their own target, as many as SQL counts independently; outcomes on the run', async () => {
    const want = await failingInFixture();
    expect(want.failing).toBeGreaterThan(0);
    const { run, world } = await runOnce(routedJob('continue'));
    expect(run.state, run.error?.message).toBe('SUCCEEDED');
    const good = await parquetOf(world, 'good');
    const bad = await parquetOf(world, 'bad');
    expect(bad).toHaveLength(want.failing);
    expect(good).toHaveLength(want.passing);
    for (const r of bad) {
      expect(Number(r.price)).toBeLessThanOrEqual(3);
      expect(r.DataQualityRulesFail).toEqual([PRICE_RULE]);
      expect(r.DataQualityRulesPass).toEqual(['IsComplete "sku"']);
      expect(r.DataQualityRulesSkip).toEqual(['RowCount > 10']);
    }
    for (const r of good) expect(r.DataQualityRulesPass).toEqual(['IsComplete "sku"', PRICE_RULE]);

    const q = run.quality?.[0];
    expect(q).toMatchObject({ nodeId: 'dq', onFailure: 'continue' });
    const byRule = Object.fromEntries(q!.evaluation.results.map((r) => [r.rule, r]));
    expect(byRule['IsComplete "sku"']).toMatchObject({ outcome: 'PASS', value: 1 });
    expect(byRule[PRICE_RULE]).toMatchObject({ outcome: 'FAIL', failedRows: want.failing });
    expect(byRule['RowCount > 10']).toMatchObject({
      outcome: 'FAIL',
      value: want.failing + want.passing,
    });
    expect(run.log.map((l) => l.message)).toContainEqual(
      expect.stringContaining('data quality "dq": 1 of 3 rule(s) passed'),
    );
  });

  it('"fail before writing": FAILED naming the rules, and no file is left', async () => {
    const { run, world } = await runOnce(routedJob('fail-before-write'));
    expect(run.state).toBe('FAILED');
    expect(run.error?.nodeId).toBe('dq');
    expect(run.error?.message).toContain(`${PRICE_RULE} (FAIL)`);
    expect(run.error?.message).toContain('RowCount > 10 (FAIL)');
    expect(run.error?.message).toContain('nothing was written');
    expect(run.targets).toEqual([]);
    expect(await filesUnder(join(world.dir, 'opfs', 'good'))).toEqual([]);
    expect(await filesUnder(join(world.dir, 'opfs', 'bad'))).toEqual([]);
    expect(run.quality?.[0]?.evaluation.passed).toBe(1);
  });

  it('"fail after writing": the targets are written, then the run FAILED', async () => {
    const want = await failingInFixture();
    const { run, world } = await runOnce(routedJob('fail-after-write'));
    expect(run.state).toBe('FAILED');
    expect(run.error?.message).toContain('the output was written first');
    expect(run.targets.map((t) => t.rowsWritten).sort()).toEqual(
      [want.failing, want.passing].sort(),
    );
    expect(await parquetOf(world, 'bad')).toHaveLength(want.failing);
  });

  it('a ruleset that passes lets every mode succeed', async () => {
    const { run, world } = await runOnce(
      routedJob('fail-before-write', true, 'Rules = [ IsComplete "sku", RowCount = 5 ]'),
    );
    expect(run.state, run.error?.message).toBe('SUCCEEDED');
    expect(await parquetOf(world, 'bad')).toEqual([]);
    expect(await parquetOf(world, 'good')).toHaveLength(5);
  });
});

describe('a CONDITIONAL trigger on the job’s FAILED state', () => {
  /** The scheduler as the leader tab runs it, told of the DQ job's finished run. */
  async function firedBy(run: JobRun): Promise<string[]> {
    const started: string[] = [];
    const outcome = outcomeOfJobRun(run, (t) => t);
    expect(outcome).toBeDefined();
    const finished: RunOutcome[] = [outcome!];
    const clock = new FakeClock(run.startedAt - 60_000);
    const scheduler = new Scheduler({
      clock,
      store: new MemoryFiringStore(),
      recentRuns: async () => [...finished],
      start: async (trigger) =>
        trigger.actions.map((a): StartedRun => {
          const name = a.kind === 'job' ? a.jobName : a.crawlerName;
          started.push(name);
          return { kind: a.kind, name, runId: `${name}-1` };
        }),
    });
    const trigger = conditional(
      'quarantine-on-failure',
      { logical: 'ANY', conditions: [{ kind: 'job', jobName: 'dq-job', state: 'FAILED' }] },
      [{ kind: 'job', jobName: 'review-quarantine', arguments: {} }],
      { activatedAt: run.startedAt - 60_000 },
    );
    await scheduler.setTriggers([trigger]);
    await scheduler.resume();
    await scheduler.runFinished(outcome!, finished);
    await scheduler.idle();
    return started;
  }

  it('fires when a failed rule failed the run, and not when the rules passed', async () => {
    const failed = (await runOnce(routedJob('fail-before-write'))).run;
    expect(failed.state).toBe('FAILED');
    expect(await firedBy(failed)).toEqual(['review-quarantine']);
    const passed = (
      await runOnce(routedJob('fail-before-write', true, 'Rules = [ IsComplete "sku" ]'))
    ).run;
    expect(passed.state, passed.error?.message).toBe('SUCCEEDED');
    expect(await firedBy(passed)).toEqual([]);
  });
});
