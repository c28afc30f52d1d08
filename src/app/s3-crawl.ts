/**
 * The tab's S3 credentials (CredentialsState, shared with the Share dialog) as the crawler and
 * the catalog use them: the keys alone for a signed listing, and the presigner that gives a
 * table's S3 objects their GET URLs. Nothing here stores, logs or shows a secret.
 */
import type { CrawlerSource, S3ObjectPresigner } from '../catalog';
import { DecantError } from '../core/errors';
import { parseS3Prefix, SignedS3Prefix, type S3Credentials } from '../crawler';
import type { S3Access } from './s3-access';

/**
 * How long a table's presigned GET URLs last: the engine keeps a served table's URLs, so they
 * must outlive a working session; temporary credentials end them sooner anyway (S3 refuses a
 * URL signed with an expired session token).
 */
export const TABLE_URL_SECONDS = 6 * 3600;

/** The signing keys of `access`, or null when none are held. */
export function s3CredentialsOf(access: S3Access | null): S3Credentials | null {
  if (!access) return null;
  return {
    accessKeyId: access.accessKeyId,
    secretAccessKey: access.secretAccessKey,
    ...(access.sessionToken ? { sessionToken: access.sessionToken } : {}),
  };
}

/** Presigns a table's S3 objects with whatever credentials `held` gives at that moment. */
export function tableObjectPresigner(held: () => S3Access | null): S3ObjectPresigner {
  return async (o) => {
    const credentials = s3CredentialsOf(held());
    if (!credentials) return null;
    const source = { bucket: o.bucket, prefix: '', region: o.region, endpoint: o.endpoint };
    if (!o.endpoint) delete source.endpoint;
    return (await new SignedS3Prefix(credentials, source).objectUrl(o.key, TABLE_URL_SECONDS)).href;
  };
}

/** An S3 prefix as the crawl form takes it. */
export interface S3PrefixForm {
  /** `s3://bucket/prefix/`. */
  uri: string;
  region: string;
  /** An S3-compatible endpoint, or '' for AWS. */
  endpoint: string;
}

/** The `crawler:` source `form` describes; throws a DecantError naming what is wrong. */
export function s3PrefixSourceFrom(
  form: S3PrefixForm,
): Extract<CrawlerSource, { kind: 's3-prefix' }> {
  const { bucket, prefix } = parseS3Prefix(form.uri);
  const region = form.region.trim();
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region))
    throw new DecantError('crawler: give the bucket\'s region, e.g. "us-east-1" or "eu-west-3"', {
      domain: 'crawler',
    });
  const endpoint = form.endpoint.trim().replace(/\/$/, '');
  if (endpoint && !/^https?:\/\/[^/?#\s]+$/.test(endpoint))
    throw new DecantError(
      'crawler: the endpoint is an address such as https://s3.example.com (or leave it empty for AWS)',
      { domain: 'crawler' },
    );
  return { kind: 's3-prefix', bucket, prefix, region, ...(endpoint ? { endpoint } : {}) };
}
