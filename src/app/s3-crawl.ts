/**
 * The tab's S3 credentials (CredentialsState, shared with the Share dialog) as the crawler and
 * the catalog use them: the keys alone for a signed listing, and the presigner that gives a
 * table's S3 objects their GET URLs. Nothing here stores, logs or shows a secret.
 */
import type { S3ObjectPresigner } from '../catalog';
import { SignedS3Prefix, type S3Credentials } from '../crawler';
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
