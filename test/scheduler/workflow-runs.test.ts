import { describe, expect, it } from 'vitest';
import {
  ENDED_BADLY,
  newWorkflowRun,
  nextWorkflowRun,
  nodeIdOf,
  resumedWorkflowRun,
} from '../../src/scheduler/workflow-runs';
import type { RunOutcome, WorkflowRun } from '../../src/scheduler';
import { conditional } from './support';

const run = (nodes: WorkflowRun['nodes'], more: Partial<WorkflowRun> = {}): WorkflowRun => ({
  id: 'wr-1',
  workflowName: 'wf',
  properties: { day: '1' },
  state: 'RUNNING',
  startedAt: 100,
  startedBy: 'go|on-demand|1',
  nodes,
  ...more,
});

const ended = (state: string, runId = 'r1', name = 'load'): RunOutcome => ({
  kind: 'job',
  name,
  runId,
  state,
  endedAt: 500,
  workflowRunId: 'wr-1',
});

describe('workflow run transitions', () => {
  it('starts a run with every node WAITING', () => {
    expect(
      newWorkflowRun({
        id: 'wr-9',
        workflowName: 'wf',
        properties: { a: 'b' },
        startedAt: 7,
        startedBy: 'k',
        nodeIds: ['crawler:c', 'job:j'],
      }),
    ).toEqual({
      id: 'wr-9',
      workflowName: 'wf',
      properties: { a: 'b' },
      state: 'RUNNING',
      startedAt: 7,
      startedBy: 'k',
      nodes: [
        { nodeId: 'crawler:c', state: 'WAITING' },
        { nodeId: 'job:j', state: 'WAITING' },
      ],
    });
  });

  it('a node that starts is RUNNING with its run, its old end cleared; an unknown node is added', () => {
    const before = run([{ nodeId: 'job:load', state: 'FAILED', endedAt: 50, runId: 'old' }]);
    const next = nextWorkflowRun(
      before,
      { kind: 'node-started', nodeId: 'job:load', runId: 'r1' },
      200,
    )!;
    expect(next.nodes).toEqual([
      { nodeId: 'job:load', state: 'RUNNING', runId: 'r1', startedAt: 200 },
    ]);
    expect(before.nodes[0]!.state).toBe('FAILED'); // the input is left as it was
    const added = nextWorkflowRun(
      before,
      { kind: 'node-started', nodeId: 'job:new', runId: 'r2' },
      300,
    )!;
    expect(added.nodes.map((n) => [n.nodeId, n.state])).toEqual([
      ['job:load', 'FAILED'],
      ['job:new', 'RUNNING'],
    ]);
  });

  it('a node that cannot start is FAILED with why', () => {
    const next = nextWorkflowRun(
      run([{ nodeId: 'crawler:c', state: 'RUNNING', runId: 'cr' }]),
      { kind: 'node-refused', nodeId: 'crawler:c', error: 'needs permission' },
      300,
    )!;
    expect(next.nodes[0]).toMatchObject({
      state: 'FAILED',
      error: 'needs permission',
      endedAt: 300,
    });
  });

  it('a run that ends moves its node only while the node still runs that very run', () => {
    const going = run([{ nodeId: 'job:load', state: 'RUNNING', runId: 'r1', startedAt: 200 }]);
    const next = nextWorkflowRun(
      going,
      { kind: 'run-ended', outcome: ended('FAILED'), error: 'boom' },
      600,
    )!;
    expect(next.nodes[0]).toEqual({
      nodeId: 'job:load',
      state: 'FAILED',
      runId: 'r1',
      startedAt: 200,
      endedAt: 500,
      error: 'boom',
    });
    // Another run of the same job, a node already ended, a node not in the run: no change.
    expect(
      nextWorkflowRun(going, { kind: 'run-ended', outcome: ended('FAILED', 'r2') }, 600),
    ).toBeUndefined();
    expect(
      nextWorkflowRun(next, { kind: 'run-ended', outcome: ended('SUCCEEDED') }, 600),
    ).toBeUndefined();
    expect(
      nextWorkflowRun(going, { kind: 'run-ended', outcome: ended('FAILED', 'r1', 'other') }, 600),
    ).toBeUndefined();
  });

  it('settles to COMPLETED once nothing runs, naming the nodes that ended badly', () => {
    const going = run([
      { nodeId: 'job:load', state: 'FAILED', runId: 'r1' },
      { nodeId: 'job:alert', state: 'RUNNING', runId: 'r2' },
      { nodeId: 'crawler:c', state: 'SUCCEEDED', runId: 'r3' },
    ]);
    expect(nextWorkflowRun(going, { kind: 'settle' }, 700)).toBeUndefined();
    const done = run([
      { nodeId: 'job:load', state: 'FAILED', runId: 'r1' },
      { nodeId: 'job:alert', state: 'SUCCEEDED', runId: 'r2' },
      { nodeId: 'crawler:c', state: 'TIMEOUT', runId: 'r3' },
    ]);
    expect(nextWorkflowRun(done, { kind: 'settle' }, 700)).toMatchObject({
      state: 'COMPLETED',
      endedAt: 700,
      error: 'job:load FAILED, crawler:c TIMEOUT',
    });
    const clean = nextWorkflowRun(
      run([{ nodeId: 'job:a', state: 'SUCCEEDED' }]),
      { kind: 'settle' },
      700,
    )!;
    expect(clean.state).toBe('COMPLETED');
    expect(clean.error).toBeUndefined();
    // An ended run stays as it ended.
    expect(nextWorkflowRun({ ...clean }, { kind: 'settle' }, 800)).toBeUndefined();
  });

  it('stop: STOPPING while a node runs, then STOPPED when it settles; STOPPED at once when idle', () => {
    const going = run([{ nodeId: 'job:load', state: 'RUNNING', runId: 'r1' }]);
    const stopping = nextWorkflowRun(going, { kind: 'stop' }, 400)!;
    expect(stopping.state).toBe('STOPPING');
    expect(stopping.endedAt).toBeUndefined();
    expect(nextWorkflowRun(stopping, { kind: 'stop' }, 410)).toBeUndefined();
    const nodeEnded = nextWorkflowRun(
      stopping,
      { kind: 'run-ended', outcome: ended('STOPPED') },
      450,
    )!;
    expect(nextWorkflowRun(nodeEnded, { kind: 'settle' }, 460)).toMatchObject({
      state: 'STOPPED',
      endedAt: 460,
      error: 'job:load STOPPED',
    });
    const idle = run([{ nodeId: 'job:load', state: 'WAITING' }]);
    expect(nextWorkflowRun(idle, { kind: 'stop' }, 400)).toMatchObject({
      state: 'STOPPED',
      endedAt: 400,
    });
  });

  it('a failed start ends the run in ERROR, unless a node already runs', () => {
    expect(
      nextWorkflowRun(
        run([{ nodeId: 'job:a', state: 'WAITING' }]),
        { kind: 'start-failed', error: 'no job' },
        300,
      ),
    ).toMatchObject({ state: 'ERROR', error: 'no job', endedAt: 300 });
    const partly = nextWorkflowRun(
      run([{ nodeId: 'job:a', state: 'RUNNING', runId: 'r' }]),
      { kind: 'start-failed', error: 'no job' },
      300,
    )!;
    expect(partly).toMatchObject({ state: 'RUNNING', error: 'no job' });
    expect(partly.endedAt).toBeUndefined();
  });

  it('resumes from the nodes that failed, with their actions as the triggers give them', () => {
    const old = run(
      [
        { nodeId: 'crawler:c', state: 'SUCCEEDED', runId: 'r0', endedAt: 150 },
        { nodeId: 'job:load', state: 'FAILED', runId: 'r1', error: 'x' },
        { nodeId: 'job:gone', state: 'CANCELLED', runId: 'r2' },
        { nodeId: 'job:later', state: 'WAITING' },
      ],
      { state: 'COMPLETED', endedAt: 300 },
    );
    const triggers = [
      conditional(
        'then',
        { logical: 'ALL', conditions: [{ kind: 'crawler', crawlerName: 'c', state: 'SUCCEEDED' }] },
        [{ kind: 'job', jobName: 'load', arguments: { day: '2' } }],
        { workflowName: 'wf' },
      ),
      conditional('elsewhere', { logical: 'ALL', conditions: [] }, [
        { kind: 'job', jobName: 'gone', arguments: { nope: '1' } },
      ]),
    ];
    const { run: next, start } = resumedWorkflowRun(old, triggers, 'wr-2', 900);
    expect(next).toEqual({
      id: 'wr-2',
      workflowName: 'wf',
      properties: { day: '1' },
      state: 'RUNNING',
      startedAt: 900,
      startedBy: 'resume:wr-1',
      nodes: [
        { nodeId: 'crawler:c', state: 'SUCCEEDED', runId: 'r0', endedAt: 150 },
        { nodeId: 'job:load', state: 'WAITING' },
        { nodeId: 'job:gone', state: 'WAITING' },
        { nodeId: 'job:later', state: 'WAITING' },
      ],
      resumedFrom: { runId: 'wr-1', nodeIds: ['job:load', 'job:gone'] },
    });
    // A trigger of another workflow does not lend its arguments.
    expect(start).toEqual([
      { kind: 'job', jobName: 'load', arguments: { day: '2' } },
      { kind: 'job', jobName: 'gone', arguments: {} },
    ]);
    expect(() =>
      resumedWorkflowRun(run([{ nodeId: 'job:a', state: 'SUCCEEDED' }]), [], 'wr-3', 1),
    ).toThrow('scheduler: workflow run wr-1 has no failed node to resume from');
  });

  it('names nodes by kind and name, and counts every bad end as bad', () => {
    expect(nodeIdOf({ kind: 'crawler', crawlerName: 'a:b' })).toBe('crawler:a:b');
    expect(nodeIdOf({ kind: 'job', jobName: 'j', arguments: {} })).toBe('job:j');
    expect([...ENDED_BADLY].sort()).toEqual(['CANCELLED', 'ERROR', 'FAILED', 'STOPPED', 'TIMEOUT']);
    const old = run([{ nodeId: 'crawler:a:b', state: 'FAILED' }]);
    expect(resumedWorkflowRun(old, [], 'wr-4', 1).start).toEqual([
      { kind: 'crawler', crawlerName: 'a:b' },
    ]);
  });
});
