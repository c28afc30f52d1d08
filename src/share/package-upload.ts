import type { PackageEntry } from './package-files';
import type { S3Uploader, UploadOptions } from './s3-upload';

/** `prefix/` with one trailing slash, or '' for the bucket's root. */
function folderOf(prefix: string): string {
  const p = prefix.replace(/^\/+|\/+$/g, '');
  return p ? `${p}/` : '';
}

/**
 * Uploads a package's files under `prefix`, one after another, each read once as it is sent (so
 * the hashes of datapackage.json are those of the bytes uploaded). Returns the keys written, in
 * order. Throws as S3Uploader.upload does; files already uploaded stay.
 */
export async function uploadPackage(
  entries: AsyncIterable<PackageEntry>,
  uploader: S3Uploader,
  prefix: string,
  opts: Omit<UploadOptions, 'onProgress'> & { onProgress?(path: string, bytes: number): void } = {},
): Promise<string[]> {
  const keys: string[] = [];
  const folder = folderOf(prefix);
  for await (const entry of entries) {
    const key = `${folder}${entry.path}`;
    await uploader.upload(key, entry.data, entry.size, {
      ...opts,
      onProgress: (bytes) => opts.onProgress?.(entry.path, bytes),
    });
    keys.push(key);
  }
  return keys;
}
