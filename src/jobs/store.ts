/**
 * Saved jobs, their versions, runs and bookmarks in the catalog's IndexedDB (schema v4). Every
 * write that belongs together is one transaction: a save writes the job and its version; a
 * successful run's record and its bookmarks commit together or not at all.
 */
import type { CatalogDb } from '../storage/schema';
import { runWrite } from '../catalog';
import { DecantError } from '../core/errors';
import { quotedName } from '../core/quoted-name';
import { migrateJob, type Job, type NodeId } from './model';
import {
  INTERRUPTED_MESSAGE,
  isFinal,
  runLockName,
  type FileStamp,
  type JobBookmark,
  type JobRun,
  type JobVersion,
  type SavedJob,
} from './run-model';

const jobError = (message: string) => new DecantError(`job: ${message}`);

export class JobStore {
  constructor(
    readonly db: CatalogDb,
    private readonly now: () => number = Date.now,
  ) {}

  listJobs(): Promise<SavedJob[]> {
    return this.db.getAll('jobs') as Promise<SavedJob[]>;
  }

  async getJob(name: string): Promise<SavedJob | undefined> {
    return (await this.db.get('jobs', name)) as SavedJob | undefined;
  }

  /**
   * Saves `job` under `job.name` as a new version (1 for a new job), kept in the history with
   * `note`. Throws a `job:` DecantError for a job without a name.
   */
  async saveJob(job: Job, note = ''): Promise<SavedJob> {
    if (job.name.trim() === '') throw jobError('a job needs a name');
    const checked = migrateJob(structuredClone(job));
    const { result } = await runWrite(
      this.db,
      `saving job ${quotedName(job.name)}`,
      ['jobs', 'jobVersions'],
      async (tx) => {
        const current = (await tx.objectStore('jobs').get(job.name)) as SavedJob | undefined;
        const at = this.now();
        const saved: SavedJob = {
          name: job.name,
          version: (current?.version ?? 0) + 1,
          savedAt: at,
          createdAt: current?.createdAt ?? at,
          note,
          job: checked,
        };
        const version: JobVersion = {
          job: job.name,
          version: saved.version,
          savedAt: at,
          note,
          snapshot: checked,
        };
        await tx.objectStore('jobs').put(saved);
        await tx.objectStore('jobVersions').put(version);
        return saved;
      },
    );
    return result;
  }

  /** Every saved version, newest first (the current one included). */
  async listVersions(name: string): Promise<JobVersion[]> {
    const all = (await this.db.getAllFromIndex('jobVersions', 'by-job', name)) as JobVersion[];
    return all.sort((a, b) => b.version - a.version);
  }

  /**
   * Makes version `version` current again, as a new version (the current one stays in the
   * history). Throws a `job:` DecantError when the job or the version is not there.
   */
  async restoreVersion(name: string, version: number): Promise<SavedJob> {
    const v = (await this.db.get('jobVersions', [name, version])) as JobVersion | undefined;
    if (!v) throw jobError(`${quotedName(name)} has no version ${version}`);
    if (!(await this.getJob(name))) throw jobError(`no job ${quotedName(name)}`);
    return this.saveJob(v.snapshot, `restored version ${version}`);
  }

  /** Deletes the job, its versions, runs and bookmarks in one transaction. */
  async deleteJob(name: string): Promise<void> {
    await runWrite(
      this.db,
      `deleting job ${quotedName(name)}`,
      ['jobs', 'jobVersions', 'jobRuns', 'bookmarks'],
      async (tx) => {
        await tx.objectStore('jobs').delete(name);
        for (const k of await tx.objectStore('jobVersions').index('by-job').getAllKeys(name))
          await tx.objectStore('jobVersions').delete(k);
        for (const k of await tx.objectStore('jobRuns').index('by-job').getAllKeys(name))
          await tx.objectStore('jobRuns').delete(k);
        const range = IDBKeyRange.bound([name], [name, []]);
        await tx.objectStore('bookmarks').delete(range);
      },
    );
  }

  // ---- runs ----------------------------------------------------------------------------------

  /** Stores (or replaces) a run record. */
  async putRun(run: JobRun): Promise<void> {
    await runWrite(this.db, `recording job run ${run.id}`, ['jobRuns'], async (tx) => {
      await tx.objectStore('jobRuns').put(run);
    });
  }

  async getRun(id: string): Promise<JobRun | undefined> {
    return (await this.db.get('jobRuns', id)) as JobRun | undefined;
  }

  /** A job's runs, newest first. */
  async listRuns(job: string): Promise<JobRun[]> {
    const runs = (await this.db.getAllFromIndex('jobRuns', 'by-job', job)) as JobRun[];
    return runs.sort((a, b) => b.startedAt - a.startedAt || (a.id < b.id ? 1 : -1));
  }

  /** Every job's runs, newest first, at most `limit`. */
  async listAllRuns(limit = 200): Promise<JobRun[]> {
    const out: JobRun[] = [];
    let cursor = await this.db
      .transaction('jobRuns')
      .store.index('by-started')
      .openCursor(null, 'prev');
    while (cursor && out.length < limit) {
      out.push(cursor.value as JobRun);
      cursor = await cursor.continue();
    }
    return out;
  }

  /**
   * Records a finished run. A SUCCEEDED run with `bookmarks` commits them in the same
   * transaction, so a bookmark never moves without its successful run, nor the other way round.
   */
  async finishRun(run: JobRun, bookmarks?: ReadonlyMap<NodeId, FileStamp[]>): Promise<void> {
    if (bookmarks && run.state !== 'SUCCEEDED')
      throw jobError(`bookmarks are committed only by a successful run, not a ${run.state} one`);
    await runWrite(this.db, `recording job run ${run.id}`, ['jobRuns', 'bookmarks'], async (tx) => {
      await tx.objectStore('jobRuns').put(run);
      for (const [source, files] of bookmarks ?? []) {
        const b: JobBookmark = {
          job: run.job,
          source,
          files,
          runId: run.id,
          updatedAt: this.now(),
        };
        await tx.objectStore('bookmarks').put(b);
      }
    });
  }

  /**
   * Marks FAILED "interrupted (the tab was closed)" every run recorded as STARTING, RUNNING or
   * STOPPING whose Web Lock nobody holds (`held`: the names of locks held or waited for, by any
   * tab). Returns the runs it marked.
   */
  async markInterrupted(held: ReadonlySet<string>): Promise<JobRun[]> {
    const { result } = await runWrite(
      this.db,
      'marking interrupted job runs',
      ['jobRuns'],
      async (tx) => {
        const marked: JobRun[] = [];
        let cursor = await tx.objectStore('jobRuns').openCursor();
        while (cursor) {
          const run = cursor.value as JobRun;
          if (!isFinal(run.state) && !held.has(runLockName(run.id))) {
            const endedAt = Math.max(this.now(), run.startedAt);
            const next: JobRun = {
              ...run,
              state: 'FAILED',
              endedAt,
              durationMs: endedAt - run.startedAt,
              error: { message: INTERRUPTED_MESSAGE },
              progress: undefined,
              log: [...run.log, { at: endedAt, level: 'error', message: INTERRUPTED_MESSAGE }],
            };
            await cursor.update(next);
            marked.push(next);
          }
          cursor = await cursor.continue();
        }
        return marked;
      },
    );
    return result;
  }

  // ---- bookmarks -----------------------------------------------------------------------------

  /** The job's bookmarks, by source node id. */
  async bookmarks(job: string): Promise<Map<NodeId, JobBookmark>> {
    const all = (await this.db.getAll(
      'bookmarks',
      IDBKeyRange.bound([job], [job, []]),
    )) as JobBookmark[];
    return new Map(all.map((b) => [b.source, b]));
  }

  /** Forgets what the job (or one of its sources) processed: the next run reads everything. */
  async resetBookmark(job: string, source?: NodeId): Promise<void> {
    await runWrite(this.db, `resetting the bookmark of ${quotedName(job)}`, ['bookmarks'], (tx) =>
      tx
        .objectStore('bookmarks')
        .delete(source === undefined ? IDBKeyRange.bound([job], [job, []]) : [job, source]),
    );
  }

  /**
   * Sets every bookmark of the job to what it was after run `runId` committed (Glue's
   * `--job-bookmark-from`): files processed by later runs are processed again. Throws a `job:`
   * DecantError for a run that did not commit a bookmark.
   */
  async rewindBookmark(job: string, runId: string): Promise<void> {
    const run = await this.getRun(runId);
    if (!run || run.job !== job) throw jobError(`${quotedName(job)} has no run ${runId}`);
    if (run.state !== 'SUCCEEDED' || !run.bookmarkAfter)
      throw jobError(
        `run ${runId} did not commit a bookmark (only successful runs with bookmarks enabled do)`,
      );
    const after = run.bookmarkAfter;
    await runWrite(
      this.db,
      `rewinding the bookmark of ${quotedName(job)}`,
      ['bookmarks'],
      async (tx) => {
        const store = tx.objectStore('bookmarks');
        await store.delete(IDBKeyRange.bound([job], [job, []]));
        for (const [source, files] of Object.entries(after)) {
          const b: JobBookmark = { job, source, files, updatedAt: this.now() };
          await store.put(b);
        }
      },
    );
  }
}
