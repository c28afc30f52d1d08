/**
 * Where an S3 upload goes, from what a user types: a bucket and a prefix, or one `s3://bucket/
 * prefix/` URL. Checked with S3's bucket naming rules, so a typo is caught before any request.
 */
import { DecantError } from '../core/errors';

export interface S3Destination {
  bucket: string;
  /** '' or a prefix ending in `/`, no leading slash. */
  prefix: string;
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * The destination `bucketOrUrl` (a bucket name, or an `s3://` URL that then carries the prefix)
 * and `prefix` name. Throws a `share:` DecantError saying what is wrong.
 */
export function s3DestinationFrom(bucketOrUrl: string, prefix = ''): S3Destination {
  let bucket = bucketOrUrl.trim();
  let folder = prefix.trim();
  const url = /^s3:\/\/([^/]*)\/?(.*)$/i.exec(bucket);
  if (url) {
    bucket = url[1]!;
    folder = url[2]! || folder;
  } else if (bucket.includes('/'))
    throw new DecantError(
      `"${bucket}" is not a bucket name: give the bucket alone, or an s3://bucket/prefix/ URL`,
      { domain: 'share' },
    );
  if (!BUCKET.test(bucket) || bucket.includes('..'))
    throw new DecantError(
      bucket
        ? `"${bucket}" is not an S3 bucket name (3–63 lower-case letters, digits, dots and dashes)`
        : 'give the bucket to upload to',
      { domain: 'share' },
    );
  folder = folder.replace(/^\/+|\/+$/g, '');
  return { bucket, prefix: folder ? `${folder}/` : '' };
}
