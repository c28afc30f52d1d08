/**
 * A run's third stage, once every target succeeded: all files staged under temporary names,
 * then renamed (every folder complete at once), then registered in the catalog, then handed
 * to downloads, which cannot be taken back. A failure before the renames leaves nothing.
 */
import { quotedName } from '../../core/quoted-name';
import { DecantError } from '../../core/errors';
import type { CompiledTarget } from '../compile';
import type { Job, NodeId } from '../model';
import { partFileName, partitionFolder } from '../output-files';
import type { RunLogLine, RunProgress, RunTarget } from '../run-model';
import { removeStreamedFile, stageFiles, type PublishedFile, type StagedFolder } from './output';
import type { JobCatalog, OutputPlaces, StagedFile, TargetOutput } from './ports';
import { registerOutput } from './register';
import { asDecantError, atNode, cancelled, rowsOf, type TargetResult } from './run-targets';
import { removeS3Files, s3Label, uploadS3Files } from './s3-output';

export interface PublishInput {
  job: Job;
  runId: string;
  results: readonly TargetResult[];
  places: OutputPlaces;
  catalog: Pick<JobCatalog, 'getTable' | 'listPartitions' | 'commitTables'>;
  signal: AbortSignal;
  log(level: RunLogLine['level'], message: string): void;
  /** Upload progress of S3 targets. */
  onProgress?(p: Pick<RunProgress, 'phase' | 'fraction'>): void;
}

interface Pending {
  result: TargetResult;
  files: StagedFile[];
  staged?: StagedFolder;
  /** An S3 target's objects, once uploaded, with their catalog sources. */
  uploaded?: PublishedFile[];
}

/**
 * Writes every target's files where it says and registers the outputs; resolves with what each
 * target wrote. Rejects with a JobError on the target that fails (or code 'cancelled'); files
 * not yet renamed are removed first.
 */
export async function publishOutputs(input: PublishInput): Promise<RunTarget[]> {
  const { job, runId } = input;
  const pending: Pending[] = [];
  try {
    for (const result of input.results) {
      const t = result.target;
      const files = stagedFiles(t, result.out, runId);
      const dest = t.write.destination;
      if (dest === 's3') {
        pending.push({ result, files });
        continue;
      }
      if (dest === 'download') {
        pending.push({ result, files });
        continue;
      }
      try {
        const root =
          dest === 'opfs'
            ? await input.places.opfsRoot()
            : await input.places.pickedFolder(job.name, t.nodeId, t.name);
        const label = `${dest === 'opfs' ? 'opfs' : `folder:${root.name}`}:${t.write.path}/`;
        pending.push({
          result,
          files,
          staged: await stageFiles(root, t.write.path, files, runId, label),
        });
      } catch (e) {
        throw atNode(e, job.name, t.nodeId, `target ${quotedName(t.name)}`);
      }
    }
    // Uploads before any rename: a refused upload leaves the local folders unwritten.
    for (const p of pending)
      if (p.result.target.write.destination === 's3') await uploadTarget(input, p);
    if (input.signal.aborted) throw cancelled();
  } catch (e) {
    for (const p of pending) await p.staged?.discard().catch(() => undefined);
    for (const p of pending) if (p.uploaded) await removeS3Files(input.places.s3, p.uploaded);
    for (const r of input.results)
      for (const f of r.out.files) if (f.streamedAs) await removeStreamedFile(f.streamedAs);
    throw e;
  }

  const written = new Map<NodeId, RunTarget>();
  const published = new Map<NodeId, PublishedFile[]>();
  try {
    await commitAndRegister(input, pending, written, published);
  } catch (e) {
    // The downloads will not happen: the scratch files they were encoded into go.
    for (const p of pending)
      if (!p.staged)
        for (const f of p.files) if (f.streamedAs) await removeStreamedFile(f.streamedAs);
    throw e;
  }
  for (const p of pending) {
    if (p.staged || p.uploaded || p.files.length === 0) continue;
    const t = p.result.target;
    const name = await input.places.download(t.write.path, p.files);
    written.get(t.nodeId)!.destination = `download:${name}`;
    input.log('info', `target ${quotedName(t.name)}: downloaded ${name}`);
  }
  return [...written.values()];
}

/** Renames every staged folder into place, then registers the outputs that ask to be. */
async function commitAndRegister(
  input: PublishInput,
  pending: readonly Pending[],
  written: Map<NodeId, RunTarget>,
  published: Map<NodeId, PublishedFile[]>,
): Promise<void> {
  for (const [i, p] of pending.entries()) {
    const t = p.result.target;
    written.set(t.nodeId, runTargetOf(p));
    if (p.uploaded) {
      published.set(t.nodeId, p.uploaded);
      continue;
    }
    if (!p.staged) continue;
    try {
      published.set(t.nodeId, await p.staged.commit());
    } catch (e) {
      // The folders not renamed yet are left as if the run never wrote them.
      for (const left of pending.slice(i)) await left.staged?.discard().catch(() => undefined);
      throw e;
    }
    input.log('info', `target ${quotedName(t.name)}: wrote ${p.staged.label}`);
  }
  for (const p of pending) await register(input, p, published.get(p.result.target.nodeId), written);
}

/** Registers a published target in the catalog when it asks to be. */
async function register(
  input: PublishInput,
  p: Pending,
  files: PublishedFile[] | undefined,
  written: Map<NodeId, RunTarget>,
): Promise<void> {
  const t = p.result.target;
  if (!t.write.catalog || p.files.length === 0) return;
  if (!files) {
    input.log(
      'warn',
      `target ${quotedName(t.name)}: a download cannot be registered in the catalog ` +
        '(write to a folder or to the browser to register it)',
    );
    return;
  }
  try {
    written.get(t.nodeId)!.registered = await registerOutput(
      input.catalog,
      input.job,
      input.runId,
      t,
      p.result.out,
      files,
      input.log,
    );
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw atNode(
      new DecantError(
        `the files were written to ${p.staged?.label ?? s3Label(t)} but not registered in the catalog: ${why}`,
      ),
      input.job.name,
      t.nodeId,
      `target ${quotedName(t.name)}`,
    );
  }
}

function runTargetOf(p: Pending): RunTarget {
  const t = p.result.target;
  return {
    nodeId: t.nodeId,
    name: t.name,
    destination: p.staged?.label ?? (p.uploaded ? s3Label(t) : ''),
    sql: t.sql,
    rowsWritten: rowsOf(p.result.out),
    bytesWritten: p.files.reduce((n, f) => n + f.blob.size, 0),
    files: p.files.map((f, i) => ({
      path: f.path,
      rows: p.result.out.files[i]!.rows,
      bytes: f.blob.size,
    })),
  };
}

/**
 * Uploads an S3 target's files through the places' S3 port, then removes their scratch copies.
 * Rejects with a JobError on the target (or code 'cancelled').
 */
async function uploadTarget(input: PublishInput, p: Pending): Promise<void> {
  const t = p.result.target;
  const what = `target ${quotedName(t.name)}`;
  try {
    if (!input.places.s3) throw new DecantError('job: S3 cannot be uploaded to from here');
    const done = await uploadS3Files(t, p.files, input.places.s3, input.signal, (pr) =>
      input.onProgress?.({ ...pr, fraction: 0.9 + 0.09 * pr.fraction }),
    );
    p.uploaded = done;
  } catch (e) {
    const err = asDecantError(e);
    if (err.code === 'cancelled' || input.signal.aborted) throw cancelled();
    // S3's words, as the job's: `target "x": S3 denied PutObject on …`.
    throw atNode(
      new DecantError(`job: ${err.detail}`, { cause: err }),
      input.job.name,
      t.nodeId,
      what,
    );
  }
  for (const f of p.files) if (f.streamedAs) await removeStreamedFile(f.streamedAs);
  input.log('info', `${what}: uploaded ${p.files.length} file(s) to ${s3Label(t)}`);
}

/** The files of one target, with their paths in its folder (`year=2024/part-….parquet`). */
function stagedFiles(t: CompiledTarget, out: TargetOutput, runId: string): StagedFile[] {
  const keys = t.write.partitionKeys;
  return out.files.map((f, i) => {
    const name = partFileName(runId, i, t.write.format);
    const folder = partitionFolder(keys, f.values);
    return { path: folder ? `${folder}/${name}` : name, blob: f.blob, streamedAs: f.streamedAs };
  });
}
