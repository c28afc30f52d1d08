/**
 * ETL jobs as the UI sees them: reactive state (the saved jobs, live runs, a change counter)
 * over src/jobs' JobService, which saves, runs, cancels and keeps the history. One instance per
 * page, made in boot.ts. Other tabs' changes arrive over a BroadcastChannel.
 */
import { SvelteMap } from 'svelte/reactivity';
import type { CatalogDb } from '../storage';
import type { EngineClient } from '../engine/client';
import type { CatalogState } from './catalog.svelte';
import { DecantError } from '../core/errors';
import {
  browserOutputPlaces,
  JobService,
  type BookmarkMode,
  type FileStamp,
  type Job,
  type JobBookmark,
  type JobRun,
  type JobVersion,
  type NextFiles,
  type NodeId,
  type SavedJob,
  type S3Output,
} from '../jobs';
import { jobCatalogOf } from './job-catalog';

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
export type { JobRunState, RunLogLine, RunProgress, RunTarget, RunSource } from '../jobs';
export { isFinal } from '../jobs';

interface JobsDeps {
  db: Promise<CatalogDb>;
  engine: EngineClient;
  catalog: CatalogState;
  s3?: S3Output;
}

export class JobsState {
  /** Saved jobs (current versions), by name. */
  list = $state.raw<SavedJob[]>([]);
  ready = $state(false);
  loadError = $state.raw<DecantError | null>(null);
  /** Runs started in this tab that have not finished, and finished ones kept for their pages. */
  readonly live = new SvelteMap<string, JobRun>();
  /** +1 whenever a run record or bookmark is written here: panels re-read their history. */
  changes = $state(0);
  private service: JobService | null = null;
  private loading: Promise<void> | null = null;
  private channel: BroadcastChannel | null = null;
  private readonly deps: JobsDeps;

  /** `db` is the page's one connection; `s3` uploads S3 targets' files. */
  constructor(deps: JobsDeps) {
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
        const service = new JobService(
          {
            db,
            engine: this.deps.engine,
            catalog: jobCatalogOf(this.deps.catalog, this.deps.engine),
            places: browserOutputPlaces(db, this.deps.s3),
            locks: globalThis.navigator?.locks,
            onRun: (run, stateChanged) => this.runChanged(run, stateChanged),
          },
          this.live,
        );
        this.service = service;
        // Other tabs' runs: their pages re-read a run when its state changes there.
        this.channel = new BroadcastChannel('decant-jobs');
        this.channel.onmessage = (e: MessageEvent<{ jobs?: true }>) => {
          this.changes++;
          if (e.data.jobs) void service.listJobs().then((l) => (this.list = l));
        };
        if ((await service.sweepInterrupted()).length > 0) this.changes++;
        this.list = await service.listJobs();
        this.ready = true;
      } catch (e) {
        this.loadError =
          e instanceof DecantError ? e : new DecantError(`job: cannot open the jobs: ${String(e)}`);
      }
    })();
    return this.loading;
  }

  /** `live` already holds `run`; history and bookmarks change with a state, not progress. */
  private runChanged(run: JobRun, stateChanged: boolean): void {
    if (!stateChanged) return;
    this.changes++;
    this.channel?.postMessage({ runId: run.id, state: run.state });
  }

  private async need(): Promise<JobService> {
    await this.load();
    if (!this.service) throw this.loadError ?? new DecantError('job: the jobs are not open');
    return this.service;
  }

  get(name: string): SavedJob | undefined {
    return this.list.find((j) => j.name === name);
  }

  private async saved(name: string): Promise<SavedJob> {
    return this.get(name) ?? (await this.need()).need(name);
  }

  private listed(saved: SavedJob): SavedJob {
    this.list = sortByName([...this.list.filter((j) => j.name !== saved.name), saved]);
    this.channel?.postMessage({ jobs: true });
    return saved;
  }

  /** Saves a new version of `job` (its name is its key). Throws `job:` DecantErrors. */
  async save(job: Job, note?: string): Promise<SavedJob> {
    return this.listed(await (await this.need()).save($state.snapshot(job) as Job, note));
  }

  /** Every saved version, newest first. */
  async versions(name: string): Promise<JobVersion[]> {
    return (await this.need()).versions(name);
  }

  /** Makes an earlier version current again (as a new version; the history keeps the rest). */
  async restore(name: string, version: number): Promise<SavedJob> {
    return this.listed(await (await this.need()).restore(name, version));
  }

  /** Deletes a job with its history, runs and bookmarks; refused while it runs. */
  async remove(name: string): Promise<void> {
    await (await this.need()).remove(name);
    this.list = this.list.filter((j) => j.name !== name);
    this.changes++;
    this.channel?.postMessage({ jobs: true });
  }

  /** See JobService.start: resolves with the run id once the run is recorded. */
  async start(name: string, args: Record<string, string> = {}): Promise<string> {
    const service = await this.need();
    return service.start(await this.saved(name), args);
  }

  /** See JobService.startWith: arguments as Glue's console takes them (`--region "eu west"`). */
  async startWith(name: string, argumentText: string): Promise<string> {
    const service = await this.need();
    return service.startWith(await this.saved(name), argumentText);
  }

  /** The job's parameters as `--name value` text: the default arguments of a run. */
  parametersText(name: string): string {
    return JobService.parametersText(this.get(name));
  }

  /** Asks a run to stop: STOPPING, then STOPPED once its output is discarded. */
  async cancel(runId: string): Promise<void> {
    (await this.need()).cancel(runId);
  }

  /** A job's runs, newest first (from storage, live ones with their latest state). */
  async runsOf(name: string): Promise<JobRun[]> {
    return (await this.need()).runsOf(name);
  }

  /** One run: live when it runs in this tab, else as stored. */
  async run(runId: string): Promise<JobRun | undefined> {
    return this.live.get(runId) ?? (await this.need()).run(runId);
  }

  /** The job's bookmarks by source node id. */
  async bookmarks(name: string): Promise<Map<NodeId, JobBookmark>> {
    return (await this.need()).bookmarks(name);
  }

  /** Per catalog source: the files the next run will process, given the job's bookmark mode. */
  async nextFiles(name: string): Promise<NextFiles[]> {
    const service = await this.need();
    return service.nextFiles(await this.saved(name));
  }

  /** Forgets the files processed (by one source, or all): the next run reads everything. */
  async resetBookmark(name: string, source?: NodeId): Promise<void> {
    await (await this.need()).resetBookmark(name, source);
    this.changes++;
  }

  /** Sets the bookmarks back to what they were after `runId` succeeded. */
  async rewindBookmark(name: string, runId: string): Promise<void> {
    await (await this.need()).rewindBookmark(name, runId);
    this.changes++;
  }

  /** Saves the job with another bookmark mode (a new version). */
  async setBookmarkMode(name: string, mode: BookmarkMode): Promise<SavedJob> {
    const saved = this.get(name);
    if (!saved) throw new DecantError(`job: no saved job "${name}"`);
    return this.save({ ...saved.job, bookmarks: mode }, `bookmarks: ${mode}`);
  }

  /** See JobService.pickFolder (call from a click). */
  async pickFolder(name: string, nodeId: NodeId): Promise<string> {
    return (await this.need()).pickFolder(name, nodeId);
  }

  /** The name of the folder picked for a `folder` target, or undefined when none was. */
  async folderOf(name: string, nodeId: NodeId): Promise<string | undefined> {
    return (await this.need()).folderOf(name, nodeId);
  }
}

function sortByName(list: SavedJob[]): SavedJob[] {
  return list.sort((a, b) => a.name.localeCompare(b.name));
}
