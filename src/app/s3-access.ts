/**
 * S3 access as the user types it (temporary credentials, region, bucket and prefix or an s3://
 * URL, an optional S3-compatible endpoint), checked into what an upload needs; and the vault's
 * records in IndexedDB's `settings` store. No message here ever carries a secret.
 */
import { DecantError } from '../core/errors';
import type { VaultStore } from '../platform/credential-vault';
import { s3DestinationFrom, type S3Bucket, type TemporaryCredentials } from '../share';
import type { CatalogDb } from '../storage/schema';

/** What an S3 upload needs: who signs, and where it goes. */
export interface S3Access extends TemporaryCredentials {
  region: string;
  bucket: string;
  /** '' or ending in `/`. */
  prefix: string;
  /** An S3-compatible endpoint (path-style); absent: AWS. */
  endpoint?: string;
}

/** The form's fields, as typed. */
export interface S3AccessForm {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  region: string;
  /** A bucket name, or an `s3://bucket/prefix/` URL. */
  bucket: string;
  prefix: string;
  endpoint: string;
}

/** The vault's records in IndexedDB's existing `settings` store. */
export function settingsVaultStore(db: Promise<CatalogDb>): VaultStore {
  return {
    get: async (key) => (await (await db).get('settings', key))?.value,
    put: async (key, value) => void (await (await db).put('settings', { key, value })),
    delete: async (key) => void (await (await db).delete('settings', key)),
  };
}

/** The S3 access `form` describes; throws a `credentials:` DecantError naming what is missing. */
export function s3AccessFrom(form: S3AccessForm): S3Access {
  const say = (m: string) => new DecantError(m, { domain: 'credentials' });
  const accessKeyId = form.accessKeyId.trim();
  const secretAccessKey = form.secretAccessKey.trim();
  const sessionToken = form.sessionToken.trim();
  const region = form.region.trim();
  if (!/^[A-Z0-9]{16,128}$/.test(accessKeyId))
    throw say('the access key id is 16 or more capital letters and digits (ASIA… or AKIA…)');
  if (!secretAccessKey) throw say('give the secret access key');
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region))
    throw say('give the bucket\'s region, e.g. "us-east-1" or "eu-west-3"');
  let destination;
  try {
    destination = s3DestinationFrom(form.bucket, form.prefix);
  } catch (e) {
    throw say((e as DecantError).detail);
  }
  const endpoint = form.endpoint.trim();
  if (endpoint && !/^https?:\/\/[^/?#\s]+\/?$/.test(endpoint))
    throw say(
      'the endpoint is an address such as https://s3.example.com (or leave it empty for AWS)',
    );
  return {
    accessKeyId,
    secretAccessKey,
    ...(sessionToken ? { sessionToken } : {}),
    region,
    ...destination,
    ...(endpoint ? { endpoint: endpoint.replace(/\/$/, '') } : {}),
  };
}

/** The bucket part of an access, for the uploader and share links. */
export function bucketOf(a: S3Access): S3Bucket {
  return { bucket: a.bucket, region: a.region, ...(a.endpoint ? { endpoint: a.endpoint } : {}) };
}
