/**
 * A workflow run's state machine as pure functions: a run and an event in, the next run out
 * (undefined: the event changes nothing). The service applies them inside one IndexedDB
 * transaction each (SchedulerStore.updateWorkflowRun), so two tabs ending nodes at once both count.
 * What starts next after a node ends is the CONDITIONAL triggers' business (see conditions.ts);
 * resuming a run says here which nodes start again.
 */
import { DecantError } from '../core/errors';
import type { RunOutcome, Trigger, TriggerAction, WorkflowNodeRun, WorkflowRun } from './model';

import { ENDED_BADLY } from '../core/run-states';

export { ENDED_BADLY };

export type WorkflowRunEvent =
  /** A node's job or crawler was started as run `runId`. */
  | { kind: 'node-started'; nodeId: string; runId: string }
  /** A node could not be started at all. */
  | { kind: 'node-refused'; nodeId: string; error: string }
  /** A run ended; it moves its node only if that node still runs that very run. */
  | { kind: 'run-ended'; outcome: RunOutcome; error?: string }
  /** The user stops the run: nothing more starts; it is STOPPED once nothing runs. */
  | { kind: 'stop' }
  /** Nothing more was started after a node ended: the run ends if nothing in it runs. */
  | { kind: 'settle' }
  /** Starting the run's first actions failed. */
  | { kind: 'start-failed'; error: string };

/** The run after `event` at `now`, or undefined when the event leaves it as it is. */
export function nextWorkflowRun(
  run: WorkflowRun,
  event: WorkflowRunEvent,
  now: number,
): WorkflowRun | undefined {
  const running = run.nodes.some((n) => n.state === 'RUNNING');
  switch (event.kind) {
    case 'node-started':
      return withNode(run, event.nodeId, {
        state: 'RUNNING',
        runId: event.runId,
        startedAt: now,
        endedAt: undefined,
      });
    case 'node-refused':
      return withNode(run, event.nodeId, { state: 'FAILED', error: event.error, endedAt: now });
    case 'run-ended': {
      const { outcome } = event;
      const nodeId = nodeIdOfRun(outcome.kind, outcome.name);
      const node = run.nodes.find((n) => n.nodeId === nodeId);
      if (!node || node.runId !== outcome.runId || node.state !== 'RUNNING') return undefined;
      return withNode(run, nodeId, {
        state: outcome.state as WorkflowNodeRun['state'],
        endedAt: outcome.endedAt,
        ...(event.error ? { error: event.error } : {}),
      });
    }
    case 'stop':
      if (run.state !== 'RUNNING') return undefined;
      return running ? { ...run, state: 'STOPPING' } : { ...run, state: 'STOPPED', endedAt: now };
    case 'settle': {
      if (run.state !== 'RUNNING' && run.state !== 'STOPPING') return undefined;
      if (running) return undefined;
      const bad = run.nodes.filter((n) => ENDED_BADLY.has(n.state));
      return {
        ...run,
        state: run.state === 'STOPPING' ? 'STOPPED' : 'COMPLETED',
        endedAt: now,
        ...(bad.length > 0 ? { error: bad.map((n) => `${n.nodeId} ${n.state}`).join(', ') } : {}),
      };
    }
    case 'start-failed':
      // A node already running keeps the run going; it ends by settling when that node ends.
      return running
        ? { ...run, error: event.error }
        : { ...run, state: 'ERROR', error: event.error, endedAt: now };
  }
}

/** A new run of a workflow whose graph holds `nodeIds`, every node WAITING. */
export function newWorkflowRun(fields: {
  id: string;
  workflowName: string;
  properties: Record<string, string>;
  startedAt: number;
  startedBy: string;
  nodeIds: readonly string[];
}): WorkflowRun {
  const { nodeIds, ...rest } = fields;
  return {
    ...rest,
    state: 'RUNNING',
    nodes: nodeIds.map((nodeId) => ({ nodeId, state: 'WAITING' })),
  };
}

/**
 * A new run that starts again from the nodes that failed in `old` (the nodes that succeeded
 * count as done), and the actions to start: each failed node's action as its workflow's
 * triggers give it (with their arguments), else a bare one. Throws when nothing failed.
 */
export function resumedWorkflowRun(
  old: WorkflowRun,
  triggers: readonly Trigger[],
  id: string,
  now: number,
): { run: WorkflowRun; start: TriggerAction[] } {
  const failed = old.nodes.filter((n) => ENDED_BADLY.has(n.state)).map((n) => n.nodeId);
  if (failed.length === 0)
    throw new DecantError(`scheduler: workflow run ${old.id} has no failed node to resume from`);
  const run: WorkflowRun = {
    id,
    workflowName: old.workflowName,
    properties: old.properties,
    state: 'RUNNING',
    startedAt: now,
    startedBy: `resume:${old.id}`,
    nodes: old.nodes.map((n) =>
      n.state === 'SUCCEEDED' ? n : { nodeId: n.nodeId, state: 'WAITING' },
    ),
    resumedFrom: { runId: old.id, nodeIds: failed },
  };
  const actions = triggers
    .filter((t) => t.workflowName === old.workflowName)
    .flatMap((t) => t.actions);
  const start = failed.map(
    (nodeId) => actions.find((a) => nodeIdOf(a) === nodeId) ?? actionOf(nodeId),
  );
  return { run, start };
}

/** The workflow node an action runs: `job:<name>` or `crawler:<name>`. */
export function nodeIdOf(action: TriggerAction): string {
  return action.kind === 'job'
    ? nodeIdOfRun('job', action.jobName)
    : nodeIdOfRun('crawler', action.crawlerName);
}

function nodeIdOfRun(kind: 'job' | 'crawler', name: string): string {
  return `${kind}:${name}`;
}

function actionOf(nodeId: string): TriggerAction {
  const [kind, ...rest] = nodeId.split(':');
  const name = rest.join(':');
  return kind === 'job'
    ? { kind: 'job', jobName: name, arguments: {} }
    : { kind: 'crawler', crawlerName: name };
}

function withNode(run: WorkflowRun, nodeId: string, change: Partial<WorkflowNodeRun>): WorkflowRun {
  const has = run.nodes.some((n) => n.nodeId === nodeId);
  const nodes = has
    ? run.nodes.map((n) => (n.nodeId === nodeId ? dropUndefined({ ...n, ...change }) : n))
    : [...run.nodes, dropUndefined({ nodeId, state: 'WAITING' as const, ...change })];
  return { ...run, nodes };
}

/** `endedAt: undefined` clears the field rather than storing it. */
function dropUndefined(node: WorkflowNodeRun): WorkflowNodeRun {
  const out = { ...node };
  for (const key of Object.keys(out) as (keyof WorkflowNodeRun)[])
    if (out[key] === undefined) delete out[key];
  return out;
}
