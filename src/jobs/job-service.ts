/**
 * Jobs as a service: saved jobs and their versions, runs (started, cancelled, listed) and
 * bookmarks, over the store and the runner. Runs execute in this tab; each holds a Web Lock,
 * so a run whose tab closed is found and marked interrupted (`sweepInterrupted`).
 */
import type { CatalogDb } from '../storage/schema';
import { DecantError } from '../core/errors';
import { quotedName } from '../core/quoted-name';
import type { BookmarkMode, Job, NodeId } from './model';
import { argumentsFromText, argumentsText } from './run-arguments';
import {
  isFinal,
  type JobBookmark,
  type JobRun,
  type JobVersion,
  type SavedJob,
} from './run-model';
import { JobStore } from './store';
import { jobLockName, JobRunner } from './run/job-runner';
import { S3_SCRATCH_FOLDER } from './run/s3-output';
import { removeStagedFiles } from './run/output';
import { pickTargetFolder, targetFolderName } from './run/target-folders';
import type { JobCatalog, JobEngine, OutputPlaces } from './run/ports';
import { nextFilesOf, type NextFiles } from './run/sources';
import { partFilePrefix } from './output-files';

export interface JobServiceDeps {
  db: CatalogDb;
  engine: JobEngine;
  catalog: JobCatalog;
  places: OutputPlaces;
  /** Web Locks; without them (Node) runs are not guarded across tabs and none is swept. */
  locks?: LockManager;
  /** Every change of a run started here: its latest record, and whether its state changed. */
  onRun?(run: JobRun, stateChanged: boolean): void;
}

export class JobService {
  readonly store: JobStore;
  private readonly runner: JobRunner;

  /**
   * `live` receives the latest record of every run started here (the UI passes a reactive map);
   * finished runs stay in it for their pages.
   */
  constructor(
    private readonly deps: JobServiceDeps,
    readonly live: Map<string, JobRun> = new Map(),
  ) {
    this.store = new JobStore(deps.db);
    this.runner = new JobRunner({
      store: this.store,
      engine: deps.engine,
      catalog: deps.catalog,
      places: deps.places,
      locks: deps.locks,
      onRun: (run) => {
        const before = live.get(run.id)?.state;
        live.set(run.id, run);
        deps.onRun?.(run, before !== run.state);
      },
    });
  }

  /** Saved jobs (current versions), by name. */
  async listJobs(): Promise<SavedJob[]> {
    return (await this.store.listJobs()).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The saved job; throws a `job:` DecantError when there is none. */
  async need(name: string): Promise<SavedJob> {
    const saved = await this.store.getJob(name);
    if (!saved) throw new DecantError(`job: no saved job ${quotedName(name)}`);
    return saved;
  }

  /** Saves a new version of `job` (its name is its key). Throws `job:` DecantErrors. */
  save(job: Job, note?: string): Promise<SavedJob> {
    return this.store.saveJob(job, note);
  }

  /** Every saved version, newest first. */
  versions(name: string): Promise<JobVersion[]> {
    return this.store.listVersions(name);
  }

  /** Makes an earlier version current again (as a new version; the history keeps the rest). */
  restore(name: string, version: number): Promise<SavedJob> {
    return this.store.restoreVersion(name, version);
  }

  /** Deletes a job with its history, runs and bookmarks; refused while it runs in any tab. */
  async remove(name: string): Promise<void> {
    const held = (await this.deps.locks?.query())?.held ?? [];
    if (
      [...this.live.values()].some((r) => r.job === name && !isFinal(r.state)) ||
      held.some((l) => l.name === jobLockName(name))
    )
      throw new DecantError(`job: "${name}" is running; stop it before deleting it`);
    await this.store.deleteJob(name);
  }

  /**
   * Starts a run of `saved` with `args` over its parameters (`{ region: 'eu' }` for
   * `--region eu`); resolves with the run id once the run is recorded, before it finishes.
   * Retries (the job's maxRetries) are new runs; `live` shows them as they start.
   */
  start(saved: SavedJob, args: Record<string, string> = {}): Promise<string> {
    return this.runner.start(saved, args);
  }

  /**
   * Starts a run with arguments typed as Glue's console takes them (`--region "eu west"`).
   * Throws a `job: arguments:` DecantError (with its column) for text that does not read.
   */
  startWith(saved: SavedJob, argumentText: string): Promise<string> {
    return this.start(saved, argumentsFromText(argumentText));
  }

  /** Asks a run to stop: STOPPING, then STOPPED once its output is discarded. */
  cancel(runId: string): void {
    this.runner.cancel(runId);
  }

  /** A job's runs, newest first (from storage, live ones with their latest state). */
  async runsOf(name: string): Promise<JobRun[]> {
    const runs = await this.store.listRuns(name);
    return runs.map((r) => this.live.get(r.id) ?? r);
  }

  /** One run: live when it runs in this tab, else as stored. */
  async run(runId: string): Promise<JobRun | undefined> {
    return this.live.get(runId) ?? (await this.store.getRun(runId));
  }

  /** The job's bookmarks by source node id. */
  bookmarks(name: string): Promise<Map<NodeId, JobBookmark>> {
    return this.store.bookmarks(name);
  }

  /** Per catalog source: the files the next run will process, given the job's bookmark mode. */
  async nextFiles(saved: SavedJob): Promise<NextFiles[]> {
    return nextFilesOf(saved.job, this.deps.catalog, await this.store.bookmarks(saved.name));
  }

  /** Forgets the files processed (by one source, or all): the next run reads everything. */
  resetBookmark(name: string, source?: NodeId): Promise<void> {
    return this.store.resetBookmark(name, source);
  }

  /** Sets the bookmarks back to what they were after `runId` succeeded. */
  rewindBookmark(name: string, runId: string): Promise<void> {
    return this.store.rewindBookmark(name, runId);
  }

  /** Saves the job with another bookmark mode (a new version). */
  setBookmarkMode(saved: SavedJob, mode: BookmarkMode): Promise<SavedJob> {
    return this.save({ ...saved.job, bookmarks: mode }, `bookmarks: ${mode}`);
  }

  /**
   * Asks the user for the folder a `folder` target writes to (call from a click) and keeps its
   * handle for later runs. Resolves with the folder's name.
   */
  pickFolder(name: string, nodeId: NodeId): Promise<string> {
    return pickTargetFolder(this.deps.db, name, nodeId);
  }

  /** The name of the folder picked for a `folder` target, or undefined when none was. */
  folderOf(name: string, nodeId: NodeId): Promise<string | undefined> {
    return targetFolderName(this.deps.db, name, nodeId);
  }

  /** The job's parameters as `--name value` text: the default arguments of a run. */
  static parametersText(saved: SavedJob | undefined): string {
    return argumentsText(
      Object.fromEntries((saved?.job.parameters ?? []).map((p) => [p.name, p.value])),
    );
  }

  /**
   * Marks FAILED every run recorded as running whose tab is gone (its Web Lock is free), and
   * removes what such runs staged in OPFS. Resolves with the runs it marked.
   */
  async sweepInterrupted(): Promise<JobRun[]> {
    const locks = this.deps.locks;
    if (!locks) return [];
    const q = await locks.query();
    const held = new Set(
      [...(q.held ?? []), ...(q.pending ?? [])].map((l) => l.name ?? '').filter(Boolean),
    );
    const marked = await this.store.markInterrupted(held);
    for (const run of marked) await this.removeStaged(run).catch(() => undefined);
    return marked;
  }

  /**
   * Files an interrupted run staged in OPFS (hidden, never renamed) are removed, and so are those
   * it renamed before its tab closed, unless the catalog already lists them: registration comes
   * only after every rename, so a registered output is whole.
   */
  private async removeStaged(run: JobRun): Promise<void> {
    const version = (await this.store.listVersions(run.job)).find(
      (v) => v.version === run.jobVersion,
    );
    for (const n of version?.snapshot.nodes ?? []) {
      // An S3 target's scratch files never had final names: only its hidden ones to remove.
      if (n.kind === 'target' && n.options.destination === 's3')
        await removeStagedFiles(await this.deps.places.opfsRoot(), S3_SCRATCH_FOLDER, run.id);
      if (n.kind === 'target' && n.options.destination === 'opfs')
        await removeStagedFiles(
          await this.deps.places.opfsRoot(),
          n.options.path ?? n.name,
          run.id,
          { published: !(await this.registered(run.id, n.options.catalog)) },
        );
    }
  }

  /** Whether the catalog table a target registers into lists a file of run `runId`. */
  private async registered(
    runId: string,
    into: { database: string; table: string } | undefined,
  ): Promise<boolean> {
    if (!into) return false;
    await this.deps.catalog.whenReady();
    const table = await this.deps.catalog.getTable(into.database, into.table);
    const prefix = partFilePrefix(runId);
    return (table?.sources ?? []).some((s) => s.path.split('/').pop()!.startsWith(prefix));
  }
}
