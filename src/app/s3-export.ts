/**
 * The export's S3 upload port: the finished file sent with the share domain's uploader (SigV4
 * signed in the tab, multipart for a large file, parts retried, aborted on cancel) from the
 * credentials the user pasted. Streams the file's bytes: at most one part in memory.
 */
import type { ExportUpload } from '../jobs';
import { S3Uploader, type S3Transport, type UploadOptions } from '../share';
import type { S3Access } from './s3-access';

/** An upload port signing with `access` (its region and endpoint; the bucket is the export's). */
export function s3ExportUpload(
  access: S3Access,
  transport?: S3Transport,
  opts: Pick<UploadOptions, 'partSize' | 'minPartSize' | 'retries'> = {},
): ExportUpload {
  return async ({ bucket, key }, file, onProgress, signal) => {
    const where = {
      bucket,
      region: access.region,
      ...(access.endpoint ? { endpoint: access.endpoint } : {}),
    };
    const uploader = new S3Uploader(access, where, transport);
    await uploader.upload(key, chunksOf(file), file.size, { ...opts, signal, onProgress });
  };
}

/** A blob's bytes as they are read (ReadableStream's own async iteration is not everywhere yet). */
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
