import { describe, expect, it } from 'vitest';
import type { Trigger } from '../../src/scheduler/model';
import { workflowGraph } from '../../src/scheduler/workflow-graph';
import { conditional, scheduled } from './support';

const job = (jobName: string) => ({ kind: 'job' as const, jobName, arguments: {} });
const whenJob = (jobName: string, state: 'SUCCEEDED' | 'FAILED' = 'SUCCEEDED') => ({
  kind: 'job' as const,
  jobName,
  state,
});

const nightly = (): Trigger[] => [
  {
    ...scheduled('start', 'cron(0 1 * * ? *)', 0),
    workflowName: 'nightly',
    actions: [{ kind: 'crawler', crawlerName: 'raw' }],
  },
  conditional(
    'after-crawl',
    { logical: 'ALL', conditions: [{ kind: 'crawler', crawlerName: 'raw', state: 'SUCCEEDED' }] },
    [job('clean'), job('audit')],
    { workflowName: 'nightly' },
  ),
  conditional(
    'after-both',
    { logical: 'ALL', conditions: [whenJob('clean'), whenJob('audit')] },
    [job('report')],
    {
      workflowName: 'nightly',
    },
  ),
  // Another workflow's and a standalone trigger are not part of it.
  conditional('elsewhere', { logical: 'ANY', conditions: [whenJob('clean')] }, [job('x')]),
];

describe('workflowGraph', () => {
  it('draws triggers, jobs and crawlers with their edges and depths', () => {
    const g = workflowGraph('nightly', nightly());
    expect(g.problems).toEqual([]);
    expect(g.start).toBe('trigger:start');
    expect(g.nodes.map((n) => `${n.depth} ${n.id}`).sort()).toEqual([
      '0 trigger:start',
      '1 crawler:raw',
      '2 trigger:after-crawl',
      '3 job:audit',
      '3 job:clean',
      '4 trigger:after-both',
      '5 job:report',
    ]);
    expect(g.edges).toContainEqual({ from: 'job:clean', to: 'trigger:after-both' });
    expect(g.edges).toContainEqual({ from: 'trigger:after-both', to: 'job:report' });
    expect(g.nodes.find((n) => n.id === 'trigger:after-crawl')?.name).toBe('after-crawl');
  });

  it('finds a cycle', () => {
    const triggers = [
      ...nightly(),
      conditional('loop', { logical: 'ANY', conditions: [whenJob('report')] }, [job('clean')], {
        workflowName: 'nightly',
      }),
    ];
    expect(workflowGraph('nightly', triggers).problems).toEqual([
      'workflow "nightly": has a cycle: job:clean → trigger:after-both → job:report → trigger:loop → job:clean',
    ]);
  });

  it('says what would never run', () => {
    const [start, , afterBoth] = nightly();
    expect(workflowGraph('nightly', [afterBoth!]).problems).toEqual([
      'workflow "nightly": trigger "after-both" watches job "clean", which nothing in the workflow starts',
      'workflow "nightly": trigger "after-both" watches job "audit", which nothing in the workflow starts',
      'workflow "nightly": has no start trigger (ON_DEMAND, SCHEDULED or EVENT)',
    ]);
    const second = { ...start!, id: 'start-2', name: 'start-2' };
    expect(workflowGraph('nightly', [...nightly(), second]).problems).toEqual([
      'workflow "nightly": has 2 start triggers ("start", "start-2"); keep one',
    ]);
    expect(workflowGraph('empty', nightly()).problems).toEqual([
      'workflow "empty": has no triggers',
    ]);
  });
});
