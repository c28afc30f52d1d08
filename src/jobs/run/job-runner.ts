/**
 * Runs saved jobs in this tab: compiles the job against the catalog (only the files the
 * partition predicate and the bookmark leave), runs each target in the engine, writes the
 * files where the targets say once every target succeeded, registers outputs in the catalog,
 * and commits bookmarks with the run record. Each run holds a Web Lock named after it while it
 * runs (see JobStore.markInterrupted), keeps to its timeout and is retried as the job says.
 */
import type { CatalogDb } from '../../storage/schema';
import { DecantError } from '../../core/errors';
import { formatDuration } from '../../core/format';
import { quotedName } from '../../core/quoted-name';
import type { EngineClient, JobTargetOutput } from '../../engine/client';
import { mergeBookmark } from '../bookmarks';
import { analyzeJob, nodeLabel } from '../analyze';
import { compileJob, statementFor, type CompiledJob, type CompiledTarget } from '../compile';
import type { SourceTable } from '../context';
import { JobError } from '../errors';
import type { Job, JobNode, NodeId } from '../model';
import { partFileName, partitionFolder } from '../output-files';
import {
  runLockName,
  type FileStamp,
  type JobRun,
  type RunLogLine,
  type RunTarget,
  type SavedJob,
} from '../run-model';
import { rowsInFromCatalog } from '../run-metrics';
import type { JobStore } from '../store';
import type { CatalogState } from '../../app/catalog.svelte';
import { registerOutput } from './register';
import { prepareSources, skippedByBookmark } from './sources';
import {
  downloadFiles,
  opfsRoot,
  pickTargetFolder,
  stageFiles,
  targetFolder,
  targetFolderName,
  type PublishedFile,
  type StagedFile,
  type StagedFolder,
} from './output';

export interface RunnerDeps {
  store: JobStore;
  engine: EngineClient;
  catalog: CatalogState;
  /** Every change of a run: its latest record (written to the store at state changes only). */
  onRun(run: JobRun): void;
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
    c.run = { ...c.run, state: 'STOPPING', log: [...c.run.log, line('warn', 'stop requested')] };
    this.deps.onRun(c.run);
    void this.deps.store.putRun(c.run);
    c.abort.abort();
  }

  pickFolder(job: string, nodeId: NodeId): Promise<string> {
    return pickTargetFolder(this.db, job, nodeId);
  }

  folderName(job: string, nodeId: NodeId): Promise<string | undefined> {
    return targetFolderName(this.db, job, nodeId);
  }

  private get db(): CatalogDb {
    return this.deps.store.db;
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
        line(
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
      const locks = globalThis.navigator?.locks;
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

  /** The run, from STARTING to a final state; never throws. */
  private async execute(saved: SavedJob, c: Control): Promise<JobRun> {
    const job = saved.job;
    const update = (patch: Partial<JobRun>, persist = false) => {
      c.run = { ...c.run, ...patch };
      this.deps.onRun(c.run);
      if (persist) void this.deps.store.putRun(c.run).catch(() => undefined);
    };
    const log = (level: RunLogLine['level'], message: string) =>
      update({ log: [...c.run.log, line(level, message)] });
    const timer = setTimeout(() => {
      if (c.abort.signal.aborted) return;
      c.reason = 'timeout';
      log('error', `timed out after ${formatDuration(timeoutMs(job))}`);
      c.abort.abort();
    }, timeoutMs(job));
    const staged: StagedFolder[] = [];
    let release = () => Promise.resolve();
    try {
      const prepared = await prepareSources(job, this.deps, log);
      release = prepared.release;
      const compiled = compile(job, prepared, c.run.arguments);
      const sources = compiled.sources.map((s) => {
        const stamps = prepared.stamps.get(s.nodeId);
        const files = s.files && stamps ? s.files.map((p) => stamps.get(p)!).filter(Boolean) : null;
        return {
          nodeId: s.nodeId,
          label: s.table ? `${s.table.database}.${s.table.name}` : (s.file ?? s.nodeId),
          files,
          skipped: files ? skippedByBookmark(s, prepared) : 0,
          bytes: (files ?? [...(stamps?.values() ?? [])]).reduce((n, f) => n + f.size, 0),
        };
      });
      for (const s of sources)
        if (s.files)
          log(
            'info',
            `source ${quotedName(s.label)}: ${s.files.length} file(s) to read` +
              (s.skipped > 0 ? `, ${s.skipped} skipped (bookmark)` : ''),
          );
      const nodes: JobRun['nodes'] = {};
      for (const s of compiled.sources) {
        const t = prepared.tables.find(
          (x) => x.database === s.table?.database && x.name === s.table?.name,
        );
        const key = JSON.stringify([s.table?.database, s.table?.name]);
        const rows = t ? rowsInFromCatalog(s, t, prepared.recordCounts.get(key)) : undefined;
        if (rows !== undefined) nodes[s.nodeId] = { rowsIn: rows, rowsOut: rows };
      }
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

      const outputs: { target: CompiledTarget; out: JobTargetOutput }[] = [];
      const targets = compiled.targets;
      for (let ti = 0; ti < targets.length; ti++) {
        const t = targets[ti]!;
        const what = `target ${quotedName(t.name)}`;
        log('info', `${what}: running`);
        try {
          const out = await this.deps.engine.runJobTarget(
            { sql: t.sql, partitionKeys: t.write.partitionKeys, encoding: t.write.format.kind },
            t.write.format,
            (p) => {
              // One file: how far DuckDB has read (its furthest byte in any file, against the
              // sources' bytes); several: files done.
              const within =
                p.parts > 1
                  ? p.partsDone / p.parts
                  : Math.min(0.95, p.bytesRead / Math.max(1, c.run.bytesRead));
              const rowsBefore = outputs.reduce(
                (n, o) => n + o.out.files.reduce((m, f) => m + f.rows, 0),
                0,
              );
              update({
                progress: {
                  fraction: (ti + within) / targets.length,
                  phase:
                    p.parts > 1
                      ? `${what}: writing file ${Math.min(p.partsDone + 1, p.parts)} of ${p.parts}`
                      : `${what}: running`,
                  rowsWritten: rowsBefore + p.rows,
                },
              });
            },
            c.abort.signal,
          );
          // As Glue: no rows (nothing new since the bookmark…), no file.
          const kept = { ...out, files: out.files.filter((f) => f.rows > 0) };
          outputs.push({ target: t, out: kept });
          const rows = kept.files.reduce((n, f) => n + f.rows, 0);
          update({ nodes: { ...c.run.nodes, [t.nodeId]: { rowsIn: rows, rowsOut: rows } } });
          log(
            'info',
            rows === 0
              ? `${what}: no rows, so no file is written`
              : `${what}: ${rows} row(s) in ${kept.files.length} file(s)`,
          );
        } catch (e) {
          const err = e instanceof DecantError ? e : new DecantError(String(e), { cause: e });
          if (err.code === 'engine' && !c.abort.signal.aborted) {
            log('info', `${what} failed: finding the node where it fails`);
            const culprit = await this.failingNode(job, prepared, c.run.arguments, t.nodeId);
            if (culprit) throw atNode(err, job.name, culprit.id, nodeLabel(culprit));
          }
          throw atNode(err, job.name, t.nodeId, what);
        }
      }
      if (c.abort.signal.aborted) throw new DecantError('job: cancelled', { code: 'cancelled' });

      // Every target succeeded: stage all files under temporary names, then rename them all.
      update({ progress: { ...c.run.progress!, phase: 'writing the output', fraction: 0.99 } });
      const pending: { o: (typeof outputs)[number]; staged?: StagedFolder; files: StagedFile[] }[] =
        [];
      for (const o of outputs) {
        const files = stagedFiles(o.target, o.out, c.run.id);
        const dest = o.target.write.destination;
        if (dest === 'download') {
          pending.push({ o, files });
          continue;
        }
        const root =
          dest === 'opfs'
            ? await opfsRoot()
            : await targetFolder(this.db, job.name, o.target.nodeId, o.target.name);
        const label = `${dest === 'opfs' ? 'opfs' : `folder:${root.name}`}:${o.target.write.path}/`;
        try {
          const s = await stageFiles(root, o.target.write.path, files, c.run.id, label);
          staged.push(s);
          pending.push({ o, staged: s, files });
        } catch (e) {
          throw atNode(e, job.name, o.target.nodeId, `target ${quotedName(o.target.name)}`);
        }
      }
      if (c.abort.signal.aborted) throw new DecantError('job: cancelled', { code: 'cancelled' });
      // Renames first (every folder complete at once), then catalog entries, then downloads,
      // which cannot be taken back.
      const written = new Map<NodeId, RunTarget>();
      const published = new Map<NodeId, PublishedFile[]>();
      for (const p of pending) {
        const t = p.o.target;
        written.set(t.nodeId, {
          nodeId: t.nodeId,
          name: t.name,
          destination: p.staged?.label ?? '',
          sql: t.sql,
          rowsWritten: p.o.out.files.reduce((n, f) => n + f.rows, 0),
          bytesWritten: p.files.reduce((n, f) => n + f.blob.size, 0),
          files: p.files.map((f, i) => ({
            path: f.path,
            rows: p.o.out.files[i]!.rows,
            bytes: f.blob.size,
          })),
        });
        if (!p.staged) continue;
        published.set(t.nodeId, await p.staged.commit());
        staged.splice(staged.indexOf(p.staged), 1);
        log('info', `target ${quotedName(t.name)}: wrote ${p.staged.label}`);
      }
      for (const p of pending) {
        const t = p.o.target;
        const files = published.get(t.nodeId);
        if (!t.write.catalog || p.files.length === 0) continue;
        if (!files) {
          log(
            'warn',
            `target ${quotedName(t.name)}: a download cannot be registered in the catalog ` +
              '(write to a folder or to the browser to register it)',
          );
          continue;
        }
        try {
          written.get(t.nodeId)!.registered = await registerOutput(
            this.deps.catalog,
            job,
            c.run,
            t,
            p.o.out,
            files,
            log,
          );
        } catch (e) {
          const why = e instanceof Error ? e.message : String(e);
          throw atNode(
            new DecantError(
              `the files were written to ${p.staged!.label} but not registered in the catalog: ${why}`,
            ),
            job.name,
            t.nodeId,
            `target ${quotedName(t.name)}`,
          );
        }
      }
      for (const p of pending) {
        if (p.staged || p.files.length === 0) continue;
        const t = p.o.target;
        const name = await downloadFiles(t.write.path, p.files);
        written.get(t.nodeId)!.destination = `download:${name}`;
        log('info', `target ${quotedName(t.name)}: downloaded ${name}`);
      }

      // Bookmarks move only now, with the SUCCEEDED record, in one transaction.
      let bookmarks: Map<NodeId, FileStamp[]> | undefined;
      let bookmarkAfter: JobRun['bookmarkAfter'];
      if (job.bookmarks === 'enable') {
        bookmarks = new Map();
        for (const s of sources) {
          if (!s.files) continue;
          const before = prepared.bookmarks.get(s.nodeId)?.files ?? [];
          bookmarks.set(s.nodeId, mergeBookmark(before, s.files));
        }
        bookmarkAfter = Object.fromEntries(
          [...prepared.bookmarks].map(([k, b]) => [k, b.files] as [string, FileStamp[]]),
        );
        for (const [k, files] of bookmarks) bookmarkAfter[k] = files;
      }
      const end = Date.now();
      const done: JobRun = {
        ...c.run,
        state: 'SUCCEEDED',
        endedAt: end,
        durationMs: end - c.run.startedAt,
        targets: [...written.values()],
        bytesWritten: [...written.values()].reduce((n, t) => n + t.bytesWritten, 0),
        progress: undefined,
        log: [...c.run.log, line('info', 'succeeded')],
        ...(bookmarkAfter ? { bookmarkAfter } : {}),
      };
      await this.deps.store.finishRun(done, bookmarks);
      c.run = done;
      return done;
    } catch (e) {
      for (const s of staged) await s.discard().catch(() => undefined);
      const err = e instanceof DecantError ? e : new DecantError(String(e), { cause: e });
      const state =
        c.reason === 'timeout'
          ? 'TIMEOUT'
          : c.reason === 'cancel' || err.code === 'cancelled'
            ? 'STOPPED'
            : 'FAILED';
      const end = Date.now();
      const message =
        state === 'TIMEOUT'
          ? `timed out after ${formatDuration(timeoutMs(job))}; nothing was written`
          : state === 'STOPPED'
            ? 'stopped; nothing was written'
            : err.message;
      const nodeId = (e as { nodeId?: NodeId }).nodeId;
      const failed: JobRun = {
        ...c.run,
        state,
        endedAt: end,
        durationMs: end - c.run.startedAt,
        progress: undefined,
        error: state === 'FAILED' || state === 'TIMEOUT' ? { nodeId, message } : undefined,
        log: [...c.run.log, line(state === 'STOPPED' ? 'warn' : 'error', message)],
      };
      await this.deps.store.finishRun(failed).catch(() => undefined);
      c.run = failed;
      return failed;
    } finally {
      clearTimeout(timer);
      // Bookmark subsets loaded for this run only.
      void release();
    }
  }

  /**
   * The first node upstream of a failed target (in dependency order) whose own query fails when
   * run to its end: where a runtime error (a value that does not convert…) comes from.
   * Undefined when every upstream node runs (the target's own step failed).
   */
  private async failingNode(
    job: Job,
    p: { tables: SourceTable[]; processed: Map<NodeId, string[]> },
    args: Record<string, string>,
    targetId: NodeId,
  ): Promise<JobNode | undefined> {
    const ctx = { tables: p.tables, processedFiles: p.processed, arguments: args };
    const a = analyzeJob(job, ctx, [targetId]);
    for (const id of a.order) {
      const built = a.built.get(id);
      const node = a.nodes.get(id);
      if (id === targetId || !built || !node) continue;
      const sql = `SELECT count(*) FROM (${statementFor(job, a, id, built.sql)})`;
      try {
        const r = await this.deps.engine.runSql(sql);
        if (r.resultId) await this.deps.engine.dropResult(r.resultId);
      } catch {
        return node;
      }
    }
    return undefined;
  }
}

function compile(
  job: Job,
  p: { tables: SourceTable[]; processed: Map<NodeId, string[]> },
  args: Record<string, string>,
): CompiledJob {
  return compileJob(job, { tables: p.tables, processedFiles: p.processed, arguments: args });
}

/** The files of one target, with their paths in its folder (`year=2024/part-….parquet`). */
function stagedFiles(t: CompiledTarget, out: JobTargetOutput, runId: string): StagedFile[] {
  const keys = t.write.partitionKeys;
  return out.files.map((f, i) => {
    const name = partFileName(runId, i, t.write.format);
    const folder = partitionFolder(keys, f.values);
    return { path: folder ? `${folder}/${name}` : name, blob: f.blob };
  });
}

/** The error as a JobError on the node (unless it already names one, or is a cancel). */
function atNode(e: unknown, job: string, nodeId: NodeId, what: string): DecantError {
  const err = e instanceof DecantError ? e : new DecantError(String(e), { cause: e });
  if (err instanceof JobError || err.code === 'cancelled') return err;
  return new JobError(job, [{ nodeId, message: `${what}: ${err.message.replace(/^job: /, '')}` }]);
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

function line(level: RunLogLine['level'], message: string): RunLogLine {
  return { at: Date.now(), level, message };
}

function argumentsText(args: Record<string, string>): string {
  const names = Object.keys(args);
  if (names.length === 0) return '';
  return ` with ${names.map((n) => `--${n} ${JSON.stringify(args[n])}`).join(' ')}`;
}
