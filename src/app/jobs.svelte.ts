/**
 * ETL jobs as the UI sees them: saved jobs with their history, runs (live and past) and
 * bookmarks. One instance per page, made in boot.ts. Runs execute in this tab (see job-runner.ts);
 * each holds a Web Lock, so a run whose tab closed is found and marked interrupted on load.
 */
import { SvelteMap } from 'svelte/reactivity';
import type { CatalogDb } from '../storage';
import type { EngineClient } from '../engine/client';
import type { CatalogState } from './catalog.svelte';
import { DecantError } from '../core/errors';
import type { BookmarkMode, Job, NodeId } from '../jobs/model';
import type { FileStamp, JobBookmark, JobRun, JobVersion, SavedJob } from '../jobs/run-model';
import { argumentsFromText, argumentsText } from '../jobs/run-arguments';
import { JobStore } from '../jobs/store';
import { jobLockName, JobRunner } from '../jobs/run/job-runner';
import { nextFilesOf, type NextFiles } from '../jobs/run/sources';
import { opfsRoot, removeStagedFiles } from '../jobs/run/output';

export type {
  BookmarkMode,
  FileStamp,
  Job,
  JobBookmark,
  JobRun,
  JobVersion,
  NextFiles,
  NodeId,
  SavedJob,
};
export type { JobRunState, RunLogLine, RunProgress, RunTarget, RunSource } from '../jobs/run-model';
export { isFinal } from '../jobs/run-model';

export class JobsState {
  /** Saved jobs (current versions), by name. */
  list = $state.raw<SavedJob[]>([]);
  ready = $state(false);
  loadError = $state.raw<DecantError | null>(null);
  /** Runs started in this tab that have not finished, and finished ones kept for their pages. */
  readonly live = new SvelteMap<string, JobRun>();
  /** +1 whenever a run record or bookmark is written here: panels re-read their history. */
  changes = $state(0);
  private store: JobStore | null = null;
  private loading: Promise<void> | null = null;
  private runner: JobRunner | null = null;
  private channel: BroadcastChannel | null = null;
  private readonly deps: { db: Promise<CatalogDb>; engine: EngineClient; catalog: CatalogState };

  /** `db` is the page's one connection (src/app/boot.ts). */
  constructor(deps: { db: Promise<CatalogDb>; engine: EngineClient; catalog: CatalogState }) {
    this.deps = deps;
  }

  /**
   * Opens the store, lists the jobs and marks runs interrupted whose tab is gone (their Web Lock
   * is free). Safe to call more than once.
   */
  load(): Promise<void> {
    this.loading ??= (async () => {
      try {
        const db = await this.deps.db;
        this.store = new JobStore(db);
        this.runner = new JobRunner({
          store: this.store,
          engine: this.deps.engine,
          catalog: this.deps.catalog,
          onRun: (run) => {
            const before = this.live.get(run.id)?.state;
            this.live.set(run.id, run);
            // History and bookmarks change with a run's state, not with its progress.
            if (before !== run.state) {
              this.changes++;
              this.channel?.postMessage({ runId: run.id, state: run.state });
            }
          },
        });
        // Other tabs' runs: their pages re-read a run when its state changes there.
        this.channel = new BroadcastChannel('decant-jobs');
        this.channel.onmessage = (e: MessageEvent<{ jobs?: true }>) => {
          this.changes++;
          if (e.data.jobs && this.store)
            void this.store.listJobs().then((l) => (this.list = sortByName(l)));
        };
        await this.sweepInterrupted();
        this.list = sortByName(await this.store.listJobs());
        this.ready = true;
      } catch (e) {
        this.loadError =
          e instanceof DecantError ? e : new DecantError(`job: cannot open the jobs: ${String(e)}`);
      }
    })();
    return this.loading;
  }

  private async need(): Promise<{ store: JobStore; runner: JobRunner }> {
    await this.load();
    if (!this.store || !this.runner)
      throw this.loadError ?? new DecantError('job: the jobs are not open');
    return { store: this.store, runner: this.runner };
  }

  private async sweepInterrupted(): Promise<void> {
    const locks = globalThis.navigator?.locks;
    if (!locks || !this.store) return;
    const q = await locks.query();
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local lookup, not state
    const held = new Set(
      [...(q.held ?? []), ...(q.pending ?? [])].map((l) => l.name ?? '').filter(Boolean),
    );
    const marked = await this.store.markInterrupted(held);
    if (marked.length > 0) this.changes++;
    for (const run of marked) await this.removeStaged(run).catch(() => undefined);
  }

  /** Files an interrupted run staged in OPFS (hidden, never renamed) are removed. */
  private async removeStaged(run: JobRun): Promise<void> {
    const version = (await this.store!.listVersions(run.job)).find(
      (v) => v.version === run.jobVersion,
    );
    for (const n of version?.snapshot.nodes ?? [])
      if (n.kind === 'target' && n.options.destination === 'opfs')
        await removeStagedFiles(await opfsRoot(), n.options.path ?? n.name, run.id);
  }

  get(name: string): SavedJob | undefined {
    return this.list.find((j) => j.name === name);
  }

  /** Saves a new version of `job` (its name is its key). Throws `job:` DecantErrors. */
  async save(job: Job, note?: string): Promise<SavedJob> {
    const { store } = await this.need();
    const saved = await store.saveJob($state.snapshot(job) as Job, note);
    this.list = sortByName([...this.list.filter((j) => j.name !== saved.name), saved]);
    this.channel?.postMessage({ jobs: true });
    return saved;
  }

  /** Every saved version, newest first. */
  async versions(name: string): Promise<JobVersion[]> {
    return (await this.need()).store.listVersions(name);
  }

  /** Makes an earlier version current again (as a new version; the history keeps the rest). */
  async restore(name: string, version: number): Promise<SavedJob> {
    const saved = await (await this.need()).store.restoreVersion(name, version);
    this.list = sortByName([...this.list.filter((j) => j.name !== name), saved]);
    this.channel?.postMessage({ jobs: true });
    return saved;
  }

  /** Deletes a job with its history, runs and bookmarks; refused while it runs. */
  async remove(name: string): Promise<void> {
    const { store } = await this.need();
    const held = (await globalThis.navigator?.locks?.query())?.held ?? [];
    if (
      [...this.live.values()].some((r) => r.job === name && !isFinalState(r)) ||
      held.some((l) => l.name === jobLockName(name))
    )
      throw new DecantError(`job: "${name}" is running; stop it before deleting it`);
    await store.deleteJob(name);
    this.list = this.list.filter((j) => j.name !== name);
    this.changes++;
    this.channel?.postMessage({ jobs: true });
  }

  /**
   * Starts a run of the saved job with `args` over its parameters (`{ region: 'eu' }` for
   * `--region eu`); resolves with the run id once the run is recorded, before it finishes.
   * Retries (the job's maxRetries) are new runs; `live` shows them as they start.
   */
  async start(name: string, args: Record<string, string> = {}): Promise<string> {
    const { runner } = await this.need();
    const saved = this.get(name) ?? (await this.store!.getJob(name));
    if (!saved) throw new DecantError(`job: no saved job "${name}"`);
    return runner.start(saved, args);
  }

  /**
   * Starts a run with arguments typed as Glue's console takes them (`--region "eu west"`).
   * Throws a `job: arguments:` DecantError (with its column) for text that does not read.
   */
  startWith(name: string, argumentText: string): Promise<string> {
    return this.start(name, argumentsFromText(argumentText));
  }

  /** The job's parameters as `--name value` text: the default arguments of a run. */
  parametersText(name: string): string {
    const saved = this.get(name);
    return argumentsText(
      Object.fromEntries((saved?.job.parameters ?? []).map((p) => [p.name, p.value])),
    );
  }

  /** Asks a run to stop: STOPPING, then STOPPED once its output is discarded. */
  async cancel(runId: string): Promise<void> {
    (await this.need()).runner.cancel(runId);
  }

  /** A job's runs, newest first (from storage, live ones with their latest state). */
  async runsOf(name: string): Promise<JobRun[]> {
    const runs = await (await this.need()).store.listRuns(name);
    return runs.map((r) => this.live.get(r.id) ?? r);
  }

  /** One run: live when it runs in this tab, else as stored. */
  async run(runId: string): Promise<JobRun | undefined> {
    return this.live.get(runId) ?? (await (await this.need()).store.getRun(runId));
  }

  /** The job's bookmarks by source node id. */
  async bookmarks(name: string): Promise<Map<NodeId, JobBookmark>> {
    return (await this.need()).store.bookmarks(name);
  }

  /** Per catalog source: the files the next run will process, given the job's bookmark mode. */
  async nextFiles(name: string): Promise<NextFiles[]> {
    const { store } = await this.need();
    const saved = this.get(name) ?? (await store.getJob(name));
    if (!saved) throw new DecantError(`job: no saved job "${name}"`);
    return nextFilesOf(saved.job, this.deps.catalog, await store.bookmarks(name));
  }

  /** Forgets the files processed (by one source, or all): the next run reads everything. */
  async resetBookmark(name: string, source?: NodeId): Promise<void> {
    await (await this.need()).store.resetBookmark(name, source);
    this.changes++;
  }

  /** Sets the bookmarks back to what they were after `runId` succeeded. */
  async rewindBookmark(name: string, runId: string): Promise<void> {
    await (await this.need()).store.rewindBookmark(name, runId);
    this.changes++;
  }

  /** Saves the job with another bookmark mode (a new version). */
  async setBookmarkMode(name: string, mode: BookmarkMode): Promise<SavedJob> {
    const saved = this.get(name);
    if (!saved) throw new DecantError(`job: no saved job "${name}"`);
    return this.save({ ...saved.job, bookmarks: mode }, `bookmarks: ${mode}`);
  }

  /**
   * Asks the user for the folder a `folder` target writes to (call from a click) and keeps its
   * handle for later runs. Resolves with the folder's name.
   */
  async pickFolder(name: string, nodeId: NodeId): Promise<string> {
    return (await this.need()).runner.pickFolder(name, nodeId);
  }

  /** The name of the folder picked for a `folder` target, or undefined when none was. */
  async folderOf(name: string, nodeId: NodeId): Promise<string | undefined> {
    return (await this.need()).runner.folderName(name, nodeId);
  }
}

function isFinalState(r: JobRun): boolean {
  return ['STOPPED', 'SUCCEEDED', 'FAILED', 'TIMEOUT'].includes(r.state);
}

function sortByName(list: SavedJob[]): SavedJob[] {
  return list.sort((a, b) => a.name.localeCompare(b.name));
}
