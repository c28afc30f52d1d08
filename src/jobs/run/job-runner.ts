/**
 * Runs saved jobs in this tab, in five stages: prepare the sources (sources.ts: the catalog
 * tables attached, only the files the partition predicate and the bookmark leave), measure the
 * Evaluate Data Quality nodes' rules (quality-checks.ts), run the targets in the engine (run-targets.ts), publish their files once every target succeeded and
 * register outputs (publish.ts), record the run with its bookmarks (record.ts). Each run holds a Web Lock named after it while it
 * runs (see JobStore.markInterrupted), keeps to its timeout and is retried as the job says.
 */
import { DecantError } from '../../core/errors';
import { formatDuration } from '../../core/format';
import { quotedName } from '../../core/quoted-name';
import { compileJob } from '../compile';
import type { CompileContext } from '../context';
import type { Job } from '../model';
import { logLine, runLockName, type JobRun, type RunLogLine, type SavedJob } from '../run-model';
import type { JobStore } from '../store';
import type { JobCatalog, JobEngine, OutputPlaces } from './ports';
import { publishOutputs } from './publish';
import { endedRun, succeededRun } from './record';
import { asDecantError, runTargets } from './run-targets';
import { prepareSources, runSourcesOf } from './sources';
import { checkS3Access } from './s3-output';
import { qualityFailure, runQualityChecks } from './quality-checks';

export interface RunnerDeps {
  store: Pick<JobStore, 'putRun' | 'finishRun' | 'bookmarks'>;
  engine: JobEngine;
  catalog: JobCatalog;
  places: OutputPlaces;
  /** Every change of a run: its latest record (written to the store at state changes only). */
  onRun(run: JobRun): void;
  /** Web Locks (one run of a job at a time, in any tab); none in Node, where runs still run. */
  locks?: LockManager;
}

interface Control {
  abort: AbortController;
  reason: 'cancel' | 'timeout' | null;
  run: JobRun;
}

let seq = 0;

/** Held by the tab that runs the job, for as long as one of its runs runs. */
export const jobLockName = (job: string) => `decant-job:${job}`;

/** `jr_<time>_<random>`: sortable, unique across tabs. */
function newRunId(): string {
  const rand = Math.random().toString(36).slice(2, 8);
  return `jr_${Date.now().toString(36)}${(seq++).toString(36)}_${rand}`;
}

export class JobRunner {
  private controls = new Map<string, Control>();

  constructor(private readonly deps: RunnerDeps) {}

  /** Records a STARTING run and runs it in the background; resolves with its id once recorded. */
  start(saved: SavedJob, args: Record<string, string>): Promise<string> {
    return this.startAttempt(saved, args, 0, null);
  }

  /** STOPPING now; the run ends STOPPED once its work is abandoned (nothing is written). */
  cancel(runId: string): void {
    const c = this.controls.get(runId);
    if (!c || c.abort.signal.aborted) return;
    c.reason = 'cancel';
    c.run = { ...c.run, state: 'STOPPING', log: [...c.run.log, logLine('warn', 'stop requested')] };
    this.deps.onRun(c.run);
    void this.deps.store.putRun(c.run);
    c.abort.abort();
  }

  private startAttempt(
    saved: SavedJob,
    args: Record<string, string>,
    attempt: number,
    firstRunId: string | null,
  ): Promise<string> {
    const id = newRunId();
    const job = saved.job;
    const now = Date.now();
    let run: JobRun = {
      id,
      job: saved.name,
      jobVersion: saved.version,
      attempt,
      firstRunId: firstRunId ?? id,
      state: 'STARTING',
      startedAt: now,
      arguments: { ...args },
      bookmarks: job.bookmarks,
      timeoutMinutes: job.timeoutMinutes,
      nodes: {},
      sources: [],
      targets: [],
      bytesRead: 0,
      bytesWritten: 0,
      sql: '',
      log: [
        logLine(
          'info',
          `${attempt > 0 ? `retry ${attempt} of ${retriesOf(job)}: ` : ''}running version ` +
            `${saved.version}${argumentsText(args)}; bookmarks ${job.bookmarks}`,
        ),
      ],
    };
    const control: Control = { abort: new AbortController(), reason: null, run };
    this.controls.set(id, control);
    return new Promise<string>((resolve, reject) => {
      const body = async () => {
        try {
          await this.deps.store.putRun(run);
        } catch (e) {
          this.controls.delete(id);
          reject(e instanceof Error ? e : new Error(String(e)));
          return;
        }
        this.deps.onRun(run);
        resolve(id);
        run = await this.execute(saved, control);
        this.controls.delete(id);
        this.deps.onRun(run);
      };
      const locks = this.deps.locks;
      // One run of a job at a time, in any tab (Glue's MaxConcurrentRuns 1): the job's lock,
      // then the run's own (which the interrupted-run sweep looks for).
      const running = locks
        ? locks.request(jobLockName(saved.name), { ifAvailable: true }, async (held) => {
            if (!held) {
              this.controls.delete(id);
              reject(
                new DecantError(
                  `job: ${quotedName(saved.name)} is already running; wait for that run or stop it`,
                ),
              );
              return;
            }
            await locks.request(runLockName(id), body);
          })
        : body();
      void Promise.resolve(running).then(() => {
        if (run.state === 'FAILED' && attempt < retriesOf(job))
          void this.startAttempt(saved, args, attempt + 1, firstRunId ?? id);
      });
    });
  }

  /** The run, from STARTING to a final state: the stages, then its record; never throws. */
  private async execute(saved: SavedJob, c: Control): Promise<JobRun> {
    const job = saved.job;
    const update = (patch: Partial<JobRun>, persist = false) => {
      c.run = { ...c.run, ...patch };
      this.deps.onRun(c.run);
      if (persist) void this.deps.store.putRun(c.run).catch(() => undefined);
    };
    const log = (level: RunLogLine['level'], message: string) =>
      update({ log: [...c.run.log, logLine(level, message)] });
    const timer = setTimeout(() => {
      if (c.abort.signal.aborted) return;
      c.reason = 'timeout';
      log('error', `timed out after ${formatDuration(timeoutMs(job))}`);
      c.abort.abort();
    }, timeoutMs(job));
    let release = () => Promise.resolve();
    try {
      // Before any engine work: an S3 target without credentials in the tab fails at once.
      checkS3Access(job, this.deps.places);
      const prepared = await prepareSources(job, this.deps, log);
      release = prepared.release;
      const ctx: CompileContext = {
        tables: prepared.tables,
        processedFiles: prepared.processed,
        arguments: c.run.arguments,
      };
      const compiled = compileJob(job, ctx);
      const { sources, nodes } = runSourcesOf(compiled, prepared);
      for (const s of sources)
        if (s.files)
          log(
            'info',
            `source ${quotedName(s.label)}: ${s.files.length} file(s) to read` +
              (s.skipped > 0 ? `, ${s.skipped} skipped (bookmark)` : ''),
          );
      update(
        {
          state: 'RUNNING',
          sql: compiled.script,
          nodes,
          sources,
          bytesRead: sources.reduce((n, s) => n + s.bytes, 0),
          progress: { fraction: 0, phase: 'starting', rowsWritten: 0 },
        },
        true,
      );

      // Data quality first: a failing "fail before writing" node stops the run before any target runs.
      const quality = await runQualityChecks({
        job: job.name,
        checks: compiled.qualityChecks,
        engine: this.deps.engine,
        tables: prepared.tables,
        signal: c.abort.signal,
        now: new Date(c.run.startedAt),
        onProgress: (done, total) =>
          update({
            progress: {
              ...c.run.progress!,
              phase: `data quality: ${Math.floor(done) + 1} of ${total}`,
            },
          }),
        log,
      });
      if (quality.length > 0) update({ quality }, true);
      const before = qualityFailure(quality, 'fail-before-write');
      if (before) throw before;

      const results = await runTargets({
        job,
        targets: compiled.targets,
        ctx,
        engine: this.deps.engine,
        signal: c.abort.signal,
        bytesToRead: c.run.bytesRead,
        onProgress: (progress) => update({ progress }),
        onTargetDone: (nodeId, rows) =>
          update({ nodes: { ...c.run.nodes, [nodeId]: { rowsIn: rows, rowsOut: rows } } }),
        log,
        stream: { runId: c.run.id, places: this.deps.places },
      });

      update({ progress: { ...c.run.progress!, phase: 'writing the output', fraction: 0.99 } });
      const targets = await publishOutputs({
        job,
        runId: c.run.id,
        results,
        places: this.deps.places,
        catalog: this.deps.catalog,
        signal: c.abort.signal,
        log,
        onProgress: (p) => update({ progress: { ...c.run.progress!, ...p } }),
      });

      const after = qualityFailure(quality, 'fail-after-write');
      if (after) {
        // Written, then failed (Glue Studio's "fail job after loading data"): bookmarks stay.
        const written = { ...c.run, targets: [...targets] };
        written.bytesWritten = targets.reduce((n, t) => n + t.bytesWritten, 0);
        const failed = endedRun(written, after, null, timeoutMs(job));
        await this.deps.store.finishRun(failed);
        c.run = failed;
        return failed;
      }

      // Bookmarks move only now, with the SUCCEEDED record, in one transaction.
      const done = succeededRun(c.run, targets, sources, job.bookmarks, prepared.bookmarks);
      await this.deps.store.finishRun(done.run, done.bookmarks);
      c.run = done.run;
      return done.run;
    } catch (e) {
      const failed = endedRun(c.run, asDecantError(e), c.reason, timeoutMs(job));
      await this.deps.store.finishRun(failed).catch(() => undefined);
      c.run = failed;
      return failed;
    } finally {
      clearTimeout(timer);
      // Bookmark subsets loaded for this run only.
      void release();
    }
  }
}

/** The job's timeout; one that is not a positive number is Glue's default, 60 minutes. */
function timeoutMs(job: Job): number {
  const m = job.timeoutMinutes;
  return (Number.isFinite(m) && m > 0 ? m : 60) * 60_000;
}

/** Retries after a FAILED run: a whole number from 0 to 10 (Glue's limit). */
function retriesOf(job: Job): number {
  const n = Math.floor(job.maxRetries);
  return Number.isFinite(n) ? Math.min(10, Math.max(0, n)) : 0;
}

function argumentsText(args: Record<string, string>): string {
  const names = Object.keys(args);
  if (names.length === 0) return '';
  return ` with ${names.map((n) => `--${n} ${JSON.stringify(args[n])}`).join(' ')}`;
}
