/**
 * The S3 access the user pasted — temporary credentials, region, bucket and prefix, an optional
 * S3-compatible endpoint — held in this object's memory only, unless the user asks to keep it
 * encrypted with a passphrase (src/platform/credential-vault.ts, in IndexedDB's `settings`).
 * Nothing here logs, and no error message carries a secret. Shared by the share dialog and,
 * later, the crawler's S3 listing.
 */
import { DecantError } from '../core/errors';
import { CredentialVault, type VaultStore } from '../platform/credential-vault';
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

const VAULT_KEY = 'vault:s3-access';

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

export class CredentialsState {
  /** The access in use, in memory only; null until pasted or unlocked. */
  access = $state.raw<S3Access | null>(null);
  /** Whether sealed credentials are kept in this browser. */
  kept = $state(false);
  /** The last problem, in words (never containing a secret). */
  error = $state.raw<DecantError | null>(null);
  busy = $state(false);
  private readonly vault: CredentialVault;

  constructor(store: VaultStore) {
    this.vault = new CredentialVault(store, VAULT_KEY);
    void this.vault.has().then(
      (k) => (this.kept = k),
      () => (this.kept = false),
    );
  }

  /**
   * Uses the access `form` describes; with `keepWith`, also seals it under that passphrase.
   * Resolves false (and sets `error`) when the form is incomplete or sealing fails.
   */
  async use(form: S3AccessForm, keepWith?: string): Promise<boolean> {
    return this.attempt(async () => {
      const access = s3AccessFrom(form);
      if (keepWith !== undefined) {
        await this.vault.keep(access, keepWith);
        this.kept = true;
      }
      this.access = access;
    });
  }

  /** Opens the kept access with `passphrase`; false (and `error`) when it is wrong. */
  async unlock(passphrase: string): Promise<boolean> {
    return this.attempt(async () => {
      this.access = s3AccessFromStored(await this.vault.unlock(passphrase));
    });
  }

  /** Forgets the kept access and the one in memory. */
  async forget(): Promise<void> {
    await this.attempt(async () => {
      await this.vault.forget();
      this.kept = false;
      this.access = null;
    });
  }

  /** Drops the access from memory (what is kept stays kept). */
  clear(): void {
    this.access = null;
    this.error = null;
  }

  private async attempt(work: () => Promise<void>): Promise<boolean> {
    this.busy = true;
    this.error = null;
    try {
      await work();
      return true;
    } catch (e) {
      this.error =
        e instanceof DecantError
          ? e
          : new DecantError(`credentials: ${e instanceof Error ? e.message : String(e)}`);
      return false;
    } finally {
      this.busy = false;
    }
  }
}

function s3AccessFromStored(x: unknown): S3Access {
  const a = x as Partial<S3Access> | null;
  return s3AccessFrom({
    accessKeyId: String(a?.accessKeyId ?? ''),
    secretAccessKey: String(a?.secretAccessKey ?? ''),
    sessionToken: String(a?.sessionToken ?? ''),
    region: String(a?.region ?? ''),
    bucket: String(a?.bucket ?? ''),
    prefix: String(a?.prefix ?? ''),
    endpoint: String(a?.endpoint ?? ''),
  });
}
