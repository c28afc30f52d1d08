/**
 * Starting what a firing starts, in this tab: a workflow's start trigger makes a new workflow run;
 * each job or crawler action is started (its node RUNNING first) and, when it ends, reported to
 * `finished`. Runs started here are kept until they end, to cancel when their workflow run stops.
 */
import { DecantError } from '../core/errors';
import type {
  FiringReason,
  RunOutcome,
  StartedRun,
  Trigger,
  TriggerAction,
  WorkflowRun,
} from './model';
import type { SchedulerPorts, SchedulerRecords } from './ports';
import { crawlRunLock, outcomeOfCrawlerRun, outcomeOfJobRun } from './run-outcomes';
import { workflowGraph } from './workflow-graph';
import { newWorkflowRun, nodeIdOf, type WorkflowRunEvent } from './workflow-runs';

type LaunchPorts = Pick<
  SchedulerPorts,
  'store' | 'jobs' | 'crawlers' | 'locks' | 'clock' | 'newId'
>;

export interface LaunchHooks {
  records(): SchedulerRecords;
  /** Applies a transition to a stored workflow run (announced: the tabs read again); never throws. */
  apply(workflowRunId: string, event: WorkflowRunEvent, announce?: boolean): Promise<void>;
  /** A run started here has ended. */
  finished(outcome: RunOutcome, error?: string): Promise<void>;
}

export class ActionLauncher {
  readonly #launches = new Map<string, { cancel(): void; workflowRunId?: string }>();

  constructor(
    private readonly p: LaunchPorts,
    private readonly hooks: LaunchHooks,
  ) {}

  /** Whether the run was started here and is still going. */
  isLaunched(runId: string): boolean {
    return this.#launches.has(runId);
  }

  /** Cancels the runs started here for the workflow run. */
  cancelRuns(workflowRunId: string): void {
    for (const launch of this.#launches.values())
      if (launch.workflowRunId === workflowRunId) launch.cancel();
  }

  /** The Scheduler's `start`: a firing's actions, in a workflow run when its trigger is in one. */
  async start(
    trigger: Trigger,
    why: FiringReason,
    ctx: { key: string; workflowRunId?: string },
  ): Promise<StartedRun[]> {
    const args = why.kind === 'on-demand' ? why.arguments : {};
    let workflowRunId = ctx.workflowRunId;
    let properties: Record<string, string> = {};
    if (trigger.workflowName !== undefined) {
      if (workflowRunId === undefined) {
        const run = await this.#newWorkflowRun(trigger.workflowName, ctx.key, args);
        workflowRunId = run.id;
        properties = run.properties;
      } else {
        const run = await this.p.store.getWorkflowRun(workflowRunId);
        if (run?.state !== 'RUNNING')
          throw new DecantError(
            `scheduler: workflow run ${workflowRunId} is ${run ? run.state : 'gone'}: trigger "${trigger.name}" starts nothing`,
          );
        properties = run.properties;
      }
    }
    const started: StartedRun[] = [];
    try {
      for (const action of trigger.actions)
        started.push(await this.launch(action, properties, args, workflowRunId));
    } catch (e) {
      if (workflowRunId !== undefined && ctx.workflowRunId === undefined)
        await this.hooks.apply(workflowRunId, { kind: 'start-failed', error: messageOf(e) });
      throw e;
    }
    return started;
  }

  async #newWorkflowRun(
    name: string,
    key: string,
    args: Record<string, string>,
  ): Promise<WorkflowRun> {
    const workflow = await this.p.store.getWorkflow(name);
    if (!workflow) throw new DecantError(`scheduler: there is no workflow "${name}"`);
    const graph = workflowGraph(name, this.hooks.records().triggers);
    if (graph.problems.length > 0) throw new DecantError(`scheduler: ${graph.problems[0]}`);
    if (workflow.maxConcurrentRuns !== undefined) {
      const going = (await this.p.store.listWorkflowRuns(1000, name)).filter(
        (r) => r.state === 'RUNNING' || r.state === 'STOPPING',
      );
      if (going.length >= workflow.maxConcurrentRuns)
        throw new DecantError(
          `scheduler: workflow "${name}" already has ${going.length} run(s) going (at most ${workflow.maxConcurrentRuns})`,
        );
    }
    const run = newWorkflowRun({
      id: newId(this.p, 'wr'),
      workflowName: name,
      properties: { ...workflow.defaultRunProperties, ...args },
      startedAt: this.p.clock.now(),
      startedBy: key,
      nodeIds: graph.nodes.filter((n) => n.kind !== 'trigger').map((n) => n.id),
    });
    await this.p.store.putWorkflowRun(run);
    return run;
  }

  /**
   * Starts one action; a workflow's node shows RUNNING before it starts. A job's arguments are
   * the workflow run's properties, under the action's own, under the firing's.
   */
  async launch(
    action: TriggerAction,
    properties: Record<string, string>,
    args: Record<string, string>,
    workflowRunId?: string,
  ): Promise<StartedRun> {
    const nodeId = nodeIdOf(action);
    const inWorkflow = workflowRunId === undefined ? {} : { workflowRunId };
    if (action.kind === 'job') {
      const name = action.jobName;
      const launcher = this.p.jobs;
      if (!launcher)
        throw new DecantError(`scheduler: job "${name}" cannot be started: jobs are not loaded`);
      const runId = await launcher.start(name, { ...properties, ...action.arguments, ...args });
      this.#launches.set(runId, { cancel: () => void launcher.cancel(runId), ...inWorkflow });
      if (workflowRunId !== undefined)
        await this.hooks.apply(workflowRunId, { kind: 'node-started', nodeId, runId }, true);
      void launcher.ended(runId).then(async (run) => {
        this.#launches.delete(runId);
        const outcome = outcomeOfJobRun(run, this.p.clock.fromWall, workflowRunId);
        if (outcome) await this.hooks.finished(outcome, run.error?.message);
      });
      return { kind: 'job', name, runId };
    }
    const name = action.crawlerName;
    const runId = newId(this.p, 'cr');
    // Held while the crawl runs: if this tab closes first, the leader finds the lock free.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    void this.p.locks?.request(crawlRunLock(runId), {}, () => held).catch(() => undefined);
    const entry = { cancel: () => undefined, ...inWorkflow };
    this.#launches.set(runId, entry);
    let launch;
    try {
      if (workflowRunId !== undefined)
        await this.hooks.apply(workflowRunId, { kind: 'node-started', nodeId, runId }, true);
      launch = await this.p.crawlers.launch(name, runId);
    } catch (e) {
      this.#launches.delete(runId);
      release();
      if (workflowRunId !== undefined)
        await this.hooks.apply(
          workflowRunId,
          { kind: 'node-refused', nodeId, error: messageOf(e) },
          true,
        );
      throw e;
    }
    this.#launches.set(runId, { ...entry, cancel: launch.cancel });
    void launch.done.finally(release);
    void launch.done.then(async (run) => {
      this.#launches.delete(runId);
      const outcome = outcomeOfCrawlerRun(run, this.p.clock.fromWall, workflowRunId);
      if (outcome) await this.hooks.finished(outcome, run.error);
    });
    return { kind: 'crawler', name, runId };
  }
}

/** A fresh id: `<prefix>-<uuid>`, unless the ports choose. */
export function newId(p: Pick<SchedulerPorts, 'newId'>, prefix: string): string {
  return p.newId?.(prefix) ?? `${prefix}-${crypto.randomUUID()}`;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
