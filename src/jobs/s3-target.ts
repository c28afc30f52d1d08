/**
 * An Amazon S3 target's place as the user types it (`s3://bucket/prefix/`, a region, an optional
 * S3-compatible endpoint), checked with S3's naming rules so a typo shows on the node before any
 * run; and the object keys a run's files get under it. Pure: the upload itself is the app's.
 */
import { quotedName } from '../core/quoted-name';
import type { S3TargetPlace } from './model';

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const ENDPOINT = /^https?:\/\/[^/?#\s]+\/?$/;

/**
 * Bucket and prefix of `s3://bucket/prefix/` as typed (the prefix kept as it is); null when the
 * text is not an `s3://` URL at all.
 */
export function s3TargetUriParts(text: string): { bucket: string; prefix: string } | null {
  const m = /^s3:\/\/([^/]*)(?:\/(.*))?$/i.exec(text.trim());
  return m ? { bucket: m[1]!, prefix: m[2] ?? '' } : null;
}

/** `s3://bucket/prefix/` of a place (the prefix as stored). */
export function s3TargetUri(p: Pick<S3TargetPlace, 'bucket' | 'prefix'>): string {
  return `s3://${p.bucket}/${p.prefix}`;
}

/** The prefix as keys start with it: '' or ending in one `/`, no leading slash. */
export function s3KeyPrefix(prefix: string): string {
  const p = prefix.replace(/^\/+|\/+$/g, '');
  return p ? `${p}/` : '';
}

/** What is wrong with an S3 target's place, in words; empty when it is fine. */
export function s3TargetIssues(p: S3TargetPlace | undefined): string[] {
  if (!p) return ['give the S3 location to write to, e.g. s3://my-bucket/sales/'];
  const issues: string[] = [];
  const prefix = p.prefix ?? '';
  const region = p.region ?? '';
  if (!p.bucket) issues.push('give the bucket: s3://my-bucket/prefix/');
  else if (!BUCKET.test(p.bucket) || p.bucket.includes('..'))
    issues.push(
      `${quotedName(p.bucket)} is not an S3 bucket name (3–63 lower-case letters, digits, dots and dashes)`,
    );
  // eslint-disable-next-line no-control-regex -- control characters are what it refuses
  if (/[\u0000-\u001f\u007f\\]/.test(prefix))
    issues.push(`the prefix ${quotedName(prefix)} must not contain control characters or "\\"`);
  else if (prefix.startsWith('/') || prefix.includes('//'))
    issues.push(`the prefix ${quotedName(prefix)} has an empty folder ("//")`);
  else if (prefix.split('/').some((part) => part === '.' || part === '..'))
    issues.push(`the prefix ${quotedName(prefix)} must not hold "." or ".." folders`);
  if (!REGION.test(region))
    issues.push(
      region
        ? `${quotedName(region)} is not an AWS region such as "us-east-1" or "eu-west-3"`
        : 'give the bucket\'s region, e.g. "us-east-1" or "eu-west-3"',
    );
  if (p.endpoint !== undefined && p.endpoint !== '' && !ENDPOINT.test(p.endpoint))
    issues.push(
      'the endpoint is an address such as https://s3.example.com (or leave it empty for AWS)',
    );
  return issues;
}

/** The object key of a file at `path` (`year=2024/part-….parquet`) under the place's prefix. */
export function s3ObjectKey(p: Pick<S3TargetPlace, 'prefix'>, path: string): string {
  return `${s3KeyPrefix(p.prefix)}${path}`;
}
