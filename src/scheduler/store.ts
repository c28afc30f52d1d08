/**
 * The scheduler's records in the catalog's IndexedDB (stores of schema v4): triggers, their
 * firings (added only if absent: the guard that keeps any occasion from firing twice across tabs),
 * EVENT triggers' watch states and watched sources, workflows and workflow runs. Each write is one
 * readwrite transaction. Errors are DecantErrors starting `scheduler: `. It also reads (never
 * writes) the job and crawler runs and names the scheduler and the Runs page look at.
 */
import type { IDBPTransaction } from 'idb';
import type { StoreNames } from 'idb';
import type { CatalogDb, CatalogDbSchema, WorkflowRunRecord } from '../storage/schema';
import type { CrawlerRun } from '../catalog';
import { DecantError } from '../core/errors';
import { triggerProblems } from './validate';
import type { EventWatchState } from './event-batching';
import type { FiringStore } from './scheduler';
import type { Trigger, TriggerFiring, Workflow, WorkflowRun } from './model';

/** Where an EVENT trigger looks: a folder handle (picked, or in OPFS) or a ListObjectsV2 URL. */
export type WatchedSourceRecord =
  | { id: string; kind: 'watched-folder'; handle: FileSystemDirectoryHandle; label: string }
  /** A presigned URL is a credential: it lives here, never in a trigger or a message. */
  | { id: string; kind: 'watched-list'; url: string; label: string };

export class SchedulerStore implements FiringStore {
  constructor(readonly db: CatalogDb) {}

  // Triggers

  async listTriggers(): Promise<Trigger[]> {
    const all = await this.db.getAll('triggers');
    return all.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  getTrigger(id: string): Promise<Trigger | undefined> {
    return this.db.get('triggers', id);
  }

  /** Saves a trigger; throws a DecantError listing what is wrong with it (see triggerProblems). */
  async putTrigger(trigger: Trigger): Promise<Trigger> {
    const problems = triggerProblems(trigger);
    if (problems.length > 0)
      throw new DecantError(
        `scheduler: cannot save trigger "${trigger.name}": ${problems.map((p) => p.message).join('; ')}`,
      );
    await this.#tx(`saving trigger "${trigger.name}"`, ['triggers'], (tx) =>
      tx.objectStore('triggers').put(trigger),
    );
    return trigger;
  }

  /** Deletes a trigger with its watch state (its firings stay, as history). */
  async deleteTrigger(id: string): Promise<void> {
    await this.#tx(`deleting trigger ${id}`, ['triggers', 'watchStates'], async (tx) => {
      await tx.objectStore('triggers').delete(id);
      await tx.objectStore('watchStates').delete(id);
    });
  }

  // Firings

  /**
   * Adds the firing unless its key is taken: IndexedDB's add() in its own readwrite transaction,
   * which the browser orders across tabs; a ConstraintError means another scheduler claimed it.
   */
  async putIfAbsent(firing: TriggerFiring): Promise<boolean> {
    const tx = this.db.transaction('triggerFirings', 'readwrite');
    try {
      await tx.store.add(firing);
    } catch (e) {
      tx.done.catch(() => undefined); // the failed add aborts the transaction
      if ((e as { name?: unknown } | null)?.name === 'ConstraintError') return false;
      throw storeError(`recording firing ${firing.key}`, e);
    }
    await tx.done;
    return true;
  }

  async put(firing: TriggerFiring): Promise<void> {
    await this.#tx(`recording firing ${firing.key}`, ['triggerFirings'], (tx) =>
      tx.objectStore('triggerFirings').put(firing),
    );
  }

  /**
   * The newest scheduled time fired or skipped: schedule keys are `<id>@<ISO time>`, which sort
   * as their times do, so this reads one record from the end of the key range.
   */
  async lastScheduledFor(triggerId: string): Promise<number | undefined> {
    const range = IDBKeyRange.bound(`${triggerId}@`, `${triggerId}@\uffff`);
    const cursor = await this.db.transaction('triggerFirings').store.openCursor(range, 'prev');
    return cursor?.value.scheduledFor;
  }

  /** The newest firings first, of one trigger or of all; at most `limit`. */
  async listFirings(limit = 200, triggerId?: string): Promise<TriggerFiring[]> {
    if (triggerId !== undefined) {
      const mine = await this.db.getAllFromIndex('triggerFirings', 'by-trigger', triggerId);
      return mine.sort((a, b) => b.recordedAt - a.recordedAt).slice(0, limit);
    }
    const out: TriggerFiring[] = [];
    let cursor = await this.db
      .transaction('triggerFirings')
      .store.index('by-recorded')
      .openCursor(null, 'prev');
    while (cursor && out.length < limit) {
      out.push(cursor.value);
      cursor = await cursor.continue();
    }
    return out;
  }

  // EVENT triggers: what they have seen, and where they look

  async loadWatch(triggerId: string): Promise<EventWatchState | undefined> {
    const record = await this.db.get('watchStates', triggerId);
    if (!record) return undefined;
    return { seen: record.seen, pending: record.pending };
  }

  async saveWatch(triggerId: string, state: EventWatchState): Promise<void> {
    await this.#tx(`saving what trigger ${triggerId} has seen`, ['watchStates'], (tx) =>
      tx.objectStore('watchStates').put({ id: triggerId, ...state }),
    );
  }

  async putSource(source: WatchedSourceRecord): Promise<void> {
    await this.#tx(`saving watched source ${source.label}`, ['sources'], (tx) =>
      tx.objectStore('sources').put(source),
    );
  }

  async getSource(id: string): Promise<WatchedSourceRecord | undefined> {
    const record = await this.db.get('sources', id);
    if (!record || (record.kind !== 'watched-folder' && record.kind !== 'watched-list'))
      return undefined;
    return record as unknown as WatchedSourceRecord;
  }

  // Workflows

  async listWorkflows(): Promise<Workflow[]> {
    return (await this.db.getAll('workflows')).sort((a, b) => a.name.localeCompare(b.name));
  }

  getWorkflow(name: string): Promise<Workflow | undefined> {
    return this.db.get('workflows', name);
  }

  async putWorkflow(workflow: Workflow): Promise<Workflow> {
    const name = workflow.name.trim();
    if (name === '') throw new DecantError('scheduler: give the workflow a name');
    const record = { ...workflow, name };
    await this.#tx(`saving workflow "${name}"`, ['workflows'], (tx) =>
      tx.objectStore('workflows').put(record),
    );
    return record;
  }

  /** Deletes the workflow; its triggers become standalone (and deactivated), its runs stay. */
  async deleteWorkflow(name: string, now: number): Promise<void> {
    await this.#tx(`deleting workflow "${name}"`, ['workflows', 'triggers'], async (tx) => {
      await tx.objectStore('workflows').delete(name);
      const triggers = tx.objectStore('triggers');
      for (const t of await triggers.getAll()) {
        if (t.workflowName !== name) continue;
        const rest = { ...t, activated: false, updatedAt: now };
        delete rest.workflowName;
        await triggers.put(rest);
      }
    });
  }

  async putWorkflowRun(run: WorkflowRun): Promise<void> {
    await this.#tx(`recording workflow run ${run.id}`, ['workflowRuns'], (tx) =>
      tx.objectStore('workflowRuns').put(recordOf(run)),
    );
  }

  async getWorkflowRun(id: string): Promise<WorkflowRun | undefined> {
    const record = await this.db.get('workflowRuns', id);
    return record && runOf(record);
  }

  /**
   * Reads, changes and writes one workflow run in one transaction (so two tabs finishing nodes
   * at once both count); `change` returns the new run, or undefined to leave it. Resolves with
   * the run as stored; throws when there is no such run.
   */
  async updateWorkflowRun(
    id: string,
    change: (run: WorkflowRun) => WorkflowRun | undefined,
  ): Promise<WorkflowRun> {
    return this.#tx(`updating workflow run ${id}`, ['workflowRuns'], async (tx) => {
      const store = tx.objectStore('workflowRuns');
      const record = await store.get(id);
      if (!record) throw new DecantError(`scheduler: no workflow run ${id}`);
      const next = change(runOf(record));
      if (!next) return runOf(record);
      await store.put(recordOf(next));
      return next;
    });
  }

  /** The newest runs first, of one workflow or of all; at most `limit`. */
  async listWorkflowRuns(limit = 100, workflowName?: string): Promise<WorkflowRun[]> {
    if (workflowName === undefined) return (await this.#newest('workflowRuns', limit)).map(runOf);
    const all = await this.db.getAllFromIndex('workflowRuns', 'by-workflow', workflowName);
    return all
      .sort((a, b) => b.startedAt - a.startedAt)
      .slice(0, limit)
      .map(runOf);
  }

  // What the scheduler reads of the other domains' records

  /** The names of the saved crawlers and jobs, sorted. */
  async actionNames(): Promise<{ crawlers: string[]; jobs: string[] }> {
    const [crawlers, jobs] = await Promise.all([
      this.db.getAllKeys('crawlers'),
      this.db.getAllKeys('jobs'),
    ]);
    return { crawlers: crawlers.map(String).sort(), jobs: jobs.map(String).sort() };
  }

  /** The newest job runs first, by the by-started index, reading no more than `limit`. */
  newestJobRuns(limit: number): Promise<CatalogDbSchema['jobRuns']['value'][]> {
    return this.#newest('jobRuns', limit);
  }

  /** The newest crawler runs first, reading no more than `limit`. */
  newestCrawlerRuns(limit: number): Promise<CrawlerRun[]> {
    return this.#newest('crawlerRuns', limit);
  }

  /** The newest crawler, job and workflow runs (at most `limit` of each), newest first. */
  async newestRuns(limit: number) {
    const [crawls, jobs, workflows] = await Promise.all([
      this.newestCrawlerRuns(limit),
      this.newestJobRuns(limit),
      this.listWorkflowRuns(limit),
    ]);
    return { crawls, jobs, workflows };
  }

  /** Whether a crawler run with this id is recorded. */
  /** Whether the crawler run has ended on record (a RUNNING record, written at its start, has not). */
  async hasCrawlerRun(id: string): Promise<boolean> {
    const run = await this.db.get('crawlerRuns', id);
    return run !== undefined && run.state !== 'RUNNING';
  }

  async #newest<S extends 'jobRuns' | 'crawlerRuns' | 'workflowRuns'>(
    store: S,
    limit: number,
  ): Promise<CatalogDbSchema[S]['value'][]> {
    const out: CatalogDbSchema[S]['value'][] = [];
    let cursor = await this.db
      .transaction(store as StoreNames<CatalogDbSchema>)
      .store.index('by-started' as never)
      .openCursor(null, 'prev');
    while (cursor && out.length < limit) {
      out.push(cursor.value as CatalogDbSchema[S]['value']);
      cursor = await cursor.continue();
    }
    return out;
  }

  async #tx<T>(action: string, stores: Store[], work: (tx: Tx) => Promise<T>): Promise<T> {
    try {
      const tx = this.db.transaction(stores, 'readwrite');
      const [result] = await Promise.all([work(tx), tx.done]);
      return result;
    } catch (e) {
      throw storeError(action, e);
    }
  }
}

type Store =
  'triggers' | 'triggerFirings' | 'watchStates' | 'workflows' | 'workflowRuns' | 'sources';
type Tx = IDBPTransaction<CatalogDbSchema, Store[], 'readwrite'>;

function recordOf(run: WorkflowRun): WorkflowRunRecord {
  return { ...run, workflow: run.workflowName };
}

function runOf(record: WorkflowRunRecord): WorkflowRun {
  const { workflow: _workflow, ...run } = record;
  return run;
}

function storeError(action: string, e: unknown): DecantError {
  if (e instanceof DecantError) return e;
  const why = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return new DecantError(`scheduler: ${action} failed (${why})`, { cause: e });
}
