/**
 * The export's S3 upload port: the finished file sent with the share domain's uploader (SigV4
 * signed in the tab, multipart for a large file, parts retried, aborted on cancel) from the
 * credentials the user pasted. Reads the file a part at a time as it sends it (slices of the
 * scratch file the export was encoded into): at most one part in memory.
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
    // Each part is read from the file (a scratch file on disk) as it is sent.
    await uploader.uploadBlob(key, file, { ...opts, signal, onProgress });
  };
}
