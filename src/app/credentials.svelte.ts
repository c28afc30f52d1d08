/**
 * The S3 access the user pasted — temporary credentials, region, bucket and prefix, an optional
 * S3-compatible endpoint — held in this object's memory only, unless the user asks to keep it
 * encrypted with a passphrase (src/platform/credential-vault.ts, in IndexedDB's `settings`).
 * Nothing here logs, and no error message carries a secret. Shared by the share dialog and,
 * later, the crawler's S3 listing.
 */
import { DecantError } from '../core/errors';
import { CredentialVault, type VaultStore } from '../platform/credential-vault';
import { s3AccessFrom, type S3Access, type S3AccessForm } from './s3-access';

export { bucketOf, settingsVaultStore, type S3Access, type S3AccessForm } from './s3-access';

const VAULT_KEY = 'vault:s3-access';

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
