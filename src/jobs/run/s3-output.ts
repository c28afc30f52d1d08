/**
 * A run's Amazon S3 targets: refused at once when the tab holds no credentials (before any
 * engine work), encoded into scratch files in the browser's storage (never whole in memory),
 * then each file uploaded under the target's prefix with its partition folders kept
 * (`prefix/year=2024/part-….parquet`). The credentials stay behind the S3Output port.
 */
import type { TableSource } from '../../catalog';
import { DecantError } from '../../core/errors';
import { formatBytes } from '../../core/format';
import { quotedName } from '../../core/quoted-name';
import type { CompiledTarget } from '../compile';
import type { Job } from '../model';
import type { RunProgress } from '../run-model';
import { s3ObjectKey, s3TargetUri } from '../s3-target';
import type { OutputPlaces, S3Output, StagedFile } from './ports';

/**
 * The folder of the browser's storage where S3 targets' files wait to be uploaded (the same
 * scratch folder data packages use), under hidden per-run names.
 */
export const S3_SCRATCH_FOLDER = 'decant-scratch';

/**
 * Throws a `job:` DecantError when `job` has an S3 target and the run cannot sign: no S3
 * upload here, or no credentials held (locked, or never entered).
 */
export function checkS3Access(job: Job, places: OutputPlaces): void {
  const t = job.nodes.find((n) => n.kind === 'target' && n.options.destination === 's3');
  if (!t) return;
  const what = `job: target ${quotedName(t.name)} writes to Amazon S3`;
  if (!places.s3) throw new DecantError(`${what}, which cannot be uploaded to from here`);
  const why = places.s3.locked();
  if (why) throw new DecantError(`${what}, but ${why}`);
}

/** Deletes uploaded objects (best effort: a refusal leaves them, the run's error stands). */
export async function removeS3Files(
  s3: S3Output | undefined,
  files: readonly { source?: TableSource }[],
): Promise<void> {
  for (const { source: s } of files)
    if (s?.kind === 's3')
      await s3
        ?.remove({
          bucket: s.bucket,
          region: s.region,
          ...(s.endpoint ? { endpoint: s.endpoint } : {}),
          key: s.key,
        })
        .catch(() => undefined);
}

/** What a target's S3 run label says: `s3://bucket/prefix/`. */
export const s3Label = (t: CompiledTarget) => s3TargetUri(t.write.s3!);

/**
 * Uploads target `t`'s files (in order, one at a time) and resolves with each one's catalog
 * source. Rejects with the uploader's DecantError (code 'cancelled' once `signal` aborts, the
 * multipart upload in flight aborted first), after deleting the files it had uploaded.
 */
export async function uploadS3Files(
  t: CompiledTarget,
  files: readonly StagedFile[],
  s3: S3Output,
  signal: AbortSignal,
  onProgress: (p: Pick<RunProgress, 'phase' | 'fraction'>) => void,
): Promise<{ path: string; source: TableSource }[]> {
  const place = t.write.s3!;
  const out: { path: string; source: TableSource }[] = [];
  const what = `target ${quotedName(t.name)}`;
  for (const [i, f] of files.entries()) {
    if (signal.aborted) throw new DecantError('job: cancelled', { code: 'cancelled' });
    const blob = f.streamedAs ? await f.streamedAs.handle.getFile() : f.blob;
    const key = s3ObjectKey(place, f.path);
    const say = (sent: number) =>
      onProgress({
        phase:
          `${what}: uploading file ${i + 1} of ${files.length} to s3://${place.bucket}/${key} ` +
          `(${formatBytes(sent)} of ${formatBytes(blob.size)})`,
        fraction: (i + sent / Math.max(1, blob.size)) / files.length,
      });
    say(0);
    const where = {
      bucket: place.bucket,
      region: place.region,
      ...(place.endpoint ? { endpoint: place.endpoint } : {}),
      key,
    };
    try {
      await s3.upload(where, blob, say, signal);
    } catch (e) {
      // The objects this run already put go too: a failed or cancelled run leaves no output.
      await removeS3Files(s3, out);
      throw e;
    }
    out.push({
      path: f.path,
      source: {
        kind: 's3',
        path: f.path,
        bucket: place.bucket,
        key,
        region: place.region,
        ...(place.endpoint ? { endpoint: place.endpoint } : {}),
        size: blob.size,
        lastModified: Date.now(),
      },
    });
  }
  return out;
}
