/**
 * The scheduler's record types for its stores in the one IndexedDB schema (src/storage/schema.ts
 * fixes keys and indexes only; each domain describes its own records here).
 */
import type { EventWatchState } from './event-batching';
import type { Trigger, TriggerFiring, Workflow, WorkflowRun } from './model';

declare module '../storage/schema' {
  interface StoredRecords {
    triggers: Trigger;
    triggerFirings: TriggerFiring;
    /** `id` is the trigger's id. */
    watchStates: EventWatchState & { id: string };
    workflows: Workflow;
    /** `workflow` (the run's workflowName) feeds the `by-workflow` index. */
    workflowRuns: WorkflowRun & { workflow: string };
  }
}
