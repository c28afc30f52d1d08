/**
 * A run's second stage: each compiled target run in the engine, in order. A target written to
 * the browser's storage or a folder is encoded straight into files there under temporary names
 * (never whole in memory); a download's files go into scratch files of the browser's storage
 * when the places give them, else they are held in memory. Nothing is visible under a
 * final name until every target succeeded (publish), and a failure removes what was written. A
 * target that fails in the engine is blamed on the first upstream node whose own query fails,
 * where a runtime error (a value that does not convert…) comes from.
 */
import { DecantError } from '../../core/errors';
import { quotedName } from '../../core/quoted-name';
import { analyzeJob, nodeLabel } from '../analyze';
import { statementFor, type CompiledTarget } from '../compile';
import type { CompileContext } from '../context';
import { JobError } from '../errors';
import type { Job, JobNode, NodeId } from '../model';
import type { RunLogLine, RunProgress } from '../run-model';
import { partitionFolder } from '../output-files';
import { openStreamedFile, removeStreamedFile } from './output';
import { S3_SCRATCH_FOLDER } from './s3-output';
import type { JobEngine, OutputFileFor, OutputPlaces, StreamedFile, TargetOutput } from './ports';

/** One target's files; files without rows are left out (as Glue: no rows, no file). */
export interface TargetResult {
  target: CompiledTarget;
  out: TargetOutput;
}

export interface RunTargetsInput {
  job: Job;
  targets: readonly CompiledTarget[];
  /** The context the job was compiled with (to find a failing node). */
  ctx: CompileContext;
  engine: Pick<JobEngine, 'runJobTarget' | 'runSql' | 'dropResult'>;
  signal: AbortSignal;
  /** Bytes the sources hold: one file's progress is DuckDB's furthest byte against them. */
  bytesToRead: number;
  onProgress(p: RunProgress): void;
  /** A target finished with `rows` rows. */
  onTargetDone(nodeId: NodeId, rows: number): void;
  log(level: RunLogLine['level'], message: string): void;
  /** With these, targets written to OPFS or a folder are streamed into their place. */
  stream?: { runId: string; places: OutputPlaces };
}

/**
 * Runs every target; resolves with their files. Rejects with a JobError on the node that
 * fails, or a DecantError with code 'cancelled' once `signal` aborts.
 */
export async function runTargets(input: RunTargetsInput): Promise<TargetResult[]> {
  const streamed: StreamedFile[] = [];
  try {
    return await runEach(input, streamed);
  } catch (e) {
    // Nothing of a failed or cancelled run stays behind.
    for (const f of streamed) await removeStreamedFile(f);
    throw e;
  }
}

/**
 * Where target `t`'s files are encoded into: temporary files in its folder (partition folders
 * made as needed), each recorded in `streamed`; undefined for a download.
 */
async function streamedFilesFor(
  input: RunTargetsInput,
  t: CompiledTarget,
  ti: number,
  streamed: StreamedFile[],
  byPart: Map<number, StreamedFile>,
): Promise<OutputFileFor | undefined> {
  const dest = t.write.destination;
  if (!input.stream) return undefined;
  const { runId, places } = input.stream;
  if (dest === 'download') {
    const scratchFile = places.scratchFile;
    if (!scratchFile) return undefined;
    // A scratch file of the browser's storage per file, handed to the download at the end.
    return async (_values, index) => {
      const f = await scratchFile(`${t.write.path}-${ti}-${index}`);
      if (!f) return undefined;
      const s: StreamedFile = { dir: f.dir, temp: f.name, handle: f.handle };
      streamed.push(s);
      byPart.set(index, s);
      return s.handle;
    };
  }
  const root =
    dest === 'opfs' || dest === 's3'
      ? await places.opfsRoot()
      : await places.pickedFolder(input.job.name, t.nodeId, t.name);
  return async (values, index) => {
    const folder = partitionFolder(t.write.partitionKeys, values);
    // An S3 target's files wait in the scratch folder, flat: their keys come at upload.
    const f = await openStreamedFile(
      root,
      dest === 's3' ? S3_SCRATCH_FOLDER : t.write.path,
      folder && dest !== 's3' ? `${folder}/file` : 'file',
      runId,
      `stream-${ti}-${index}`,
    );
    streamed.push(f);
    byPart.set(index, f);
    return f.handle;
  };
}

async function runEach(input: RunTargetsInput, streamed: StreamedFile[]): Promise<TargetResult[]> {
  const { targets, signal } = input;
  const results: TargetResult[] = [];
  for (let ti = 0; ti < targets.length; ti++) {
    const t = targets[ti]!;
    const what = `target ${quotedName(t.name)}`;
    input.log('info', `${what}: running`);
    const rowsBefore = results.reduce((n, r) => n + rowsOf(r.out), 0);
    const byPart = new Map<number, StreamedFile>();
    try {
      const sinkFor = await streamedFilesFor(input, t, ti, streamed, byPart);
      const out = await input.engine.runJobTarget(
        { sql: t.sql, partitionKeys: t.write.partitionKeys, encoding: t.write.format.kind },
        t.write.format,
        (p) => {
          // One file: how far DuckDB has read (its furthest byte in any file, against the
          // sources' bytes); several: files done.
          const within =
            p.parts > 1
              ? p.partsDone / p.parts
              : Math.min(0.95, p.bytesRead / Math.max(1, input.bytesToRead));
          input.onProgress({
            fraction: (ti + within) / targets.length,
            phase:
              p.parts > 1
                ? `${what}: writing file ${Math.min(p.partsDone + 1, p.parts)} of ${p.parts}`
                : `${what}: running`,
            rowsWritten: rowsBefore + p.rows,
          });
        },
        signal,
        sinkFor,
      );
      const files = out.files.map((f, i) => ({ ...f, streamedAs: byPart.get(i) }));
      // A part without rows writes no file (its streamed one goes).
      for (const f of files)
        if (f.rows === 0 && f.streamedAs) await removeStreamedFile(f.streamedAs);
      const kept = { ...out, files: files.filter((f) => f.rows > 0) };
      results.push({ target: t, out: kept });
      const rows = rowsOf(kept);
      input.onTargetDone(t.nodeId, rows);
      input.log(
        'info',
        rows === 0
          ? `${what}: no rows, so no file is written`
          : `${what}: ${rows} row(s) in ${kept.files.length} file(s)`,
      );
    } catch (e) {
      const err = asDecantError(e);
      if (err.code === 'engine' && !signal.aborted) {
        input.log('info', `${what} failed: finding the node where it fails`);
        const culprit = await failingNode(input, t.nodeId);
        if (culprit) throw atNode(err, input.job.name, culprit.id, nodeLabel(culprit));
      }
      throw atNode(err, input.job.name, t.nodeId, what);
    }
  }
  if (signal.aborted) throw cancelled();
  return results;
}

/** Rows in a target's files. */
export function rowsOf(out: Pick<TargetOutput, 'files'>): number {
  return out.files.reduce((n, f) => n + f.rows, 0);
}

/**
 * The first node upstream of a failed target (in dependency order) whose own query fails when
 * run to its end. Undefined when every upstream node runs (the target's own step failed).
 */
async function failingNode(
  input: Pick<RunTargetsInput, 'job' | 'ctx' | 'engine'>,
  targetId: NodeId,
): Promise<JobNode | undefined> {
  const { job, engine } = input;
  const a = analyzeJob(job, input.ctx, [targetId]);
  for (const id of a.order) {
    const built = a.built.get(id);
    const node = a.nodes.get(id);
    if (id === targetId || !built || !node) continue;
    const sql = `SELECT count(*) FROM (${statementFor(job, a, id, built.sql)})`;
    try {
      const r = await engine.runSql(sql);
      if (r.resultId) await engine.dropResult(r.resultId);
    } catch {
      return node;
    }
  }
  return undefined;
}

export function cancelled(): DecantError {
  return new DecantError('job: cancelled', { code: 'cancelled' });
}

export function asDecantError(e: unknown): DecantError {
  return e instanceof DecantError ? e : new DecantError(String(e), { cause: e });
}

/** The error as a JobError on the node (unless it already names one, or is a cancel). */
export function atNode(e: unknown, job: string, nodeId: NodeId, what: string): DecantError {
  const err = asDecantError(e);
  if (err instanceof JobError || err.code === 'cancelled') return err;
  return new JobError(job, [{ nodeId, message: `${what}: ${err.message.replace(/^job: /, '')}` }]);
}
