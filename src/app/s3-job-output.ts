/**
 * Job targets' S3 port: each file sent with the share domain's uploader (SigV4 signed in the
 * tab, multipart for a large file, parts retried, aborted on cancel) from the credentials the
 * tab holds at the moment of the run, so a scheduled run signs with them too. Streams the file:
 * at most one part in memory. Nothing here stores, logs or shows a secret.
 */
import { DecantError } from '../core/errors';
import type { S3Output } from '../jobs';
import { S3Uploader, type S3Transport, type UploadOptions } from '../share';
import type { S3Access } from './s3-access';
import { s3CredentialsOf } from './s3-crawl';
import { partSizeFromSearch } from './share.svelte';

/** What a run says when the tab holds no credentials. */
export const S3_TARGET_LOCKED =
  'no AWS credentials are held in this tab: enter them, or unlock the saved ones, on the ' +
  "target's panel (or in Share…), then run again";

/** The S3 port signing with whatever `held` gives at each upload. */
export function s3JobOutput(
  held: () => S3Access | null,
  transport?: S3Transport,
  opts: Pick<UploadOptions, 'partSize' | 'minPartSize' | 'retries'> = {},
): S3Output {
  return {
    locked: () => (s3CredentialsOf(held()) ? null : S3_TARGET_LOCKED),
    async upload(to, file, onProgress, signal) {
      const credentials = s3CredentialsOf(held());
      if (!credentials) throw new DecantError(`job: ${S3_TARGET_LOCKED}`);
      const where = {
        bucket: to.bucket,
        region: to.region,
        ...(to.endpoint ? { endpoint: to.endpoint } : {}),
      };
      const uploader = new S3Uploader(credentials, where, transport);
      await uploader.upload(to.key, chunksOf(file), file.size, { ...opts, signal, onProgress });
    },
    async remove(at) {
      const credentials = s3CredentialsOf(held());
      if (!credentials) throw new DecantError(`job: ${S3_TARGET_LOCKED}`);
      const where = {
        bucket: at.bucket,
        region: at.region,
        ...(at.endpoint ? { endpoint: at.endpoint } : {}),
      };
      await new S3Uploader(credentials, where, transport).remove(at.key);
    },
  };
}

/**
 * The port over the tab's credential state; the share dialog's test hook `?s3PartSize=`
 * applies here too (a test server takes small parts).
 */
export function s3JobOutputOf(credentials: { readonly access: S3Access | null }): S3Output {
  const part = typeof location === 'undefined' ? undefined : partSizeFromSearch(location.search);
  return s3JobOutput(
    () => credentials.access,
    undefined,
    part ? { partSize: part, minPartSize: part } : {},
  );
}

/** A blob's bytes as they are read from disk. */
async function* chunksOf(blob: Blob): AsyncGenerator<Uint8Array> {
  const reader = blob.stream().getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
