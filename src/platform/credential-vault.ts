/**
 * Secrets kept encrypted with a passphrase: WebCrypto PBKDF2-SHA256 (600,000 iterations, OWASP's
 * 2023 figure) derives an AES-GCM key that seals the secret; only the sealed record is stored.
 * The passphrase and the plaintext never leave this module's call frames: nothing is logged,
 * and the stored record holds only salt, IV and ciphertext.
 */
import { DecantError } from '../core/errors';

/** PBKDF2 iterations for new records; a record keeps the count it was sealed with. */
export const PBKDF2_ITERATIONS = 600_000;

/** What is stored: everything needed to open it again, except the passphrase. */
export interface SealedSecret {
  v: 1;
  kdf: 'PBKDF2-SHA256';
  iterations: number;
  /** 16 random bytes. */
  salt: Uint8Array;
  /** AES-GCM's 12-byte nonce, random per seal. */
  iv: Uint8Array;
  /** AES-256-GCM of the secret's JSON, its 16-byte tag appended. */
  ciphertext: Uint8Array;
}

/** Where sealed records live: the app gives IndexedDB's `settings` store; tests a Map. */
export interface VaultStore {
  get(key: string): Promise<unknown>;
  put(key: string, value: SealedSecret): Promise<void>;
  delete(key: string): Promise<void>;
}

const say = (message: string, cause?: unknown) =>
  new DecantError(message, { domain: 'credentials', cause });

async function keyFrom(
  passphrase: string,
  salt: Uint8Array,
  iterations: number,
): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(passphrase),
    'PBKDF2',
    false,
    ['deriveKey'],
  );
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt: salt as Uint8Array<ArrayBuffer>, iterations },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

/** Seals `secret` (any JSON value) under `passphrase`; throws for an empty passphrase. */
export async function sealSecret(
  secret: unknown,
  passphrase: string,
  iterations = PBKDF2_ITERATIONS,
): Promise<SealedSecret> {
  if (passphrase.length === 0) throw say('choose a passphrase to keep the credentials with');
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await keyFrom(passphrase, salt, iterations);
  const plain = new TextEncoder().encode(JSON.stringify(secret));
  const ciphertext = new Uint8Array(
    await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, plain),
  );
  plain.fill(0);
  return { v: 1, kdf: 'PBKDF2-SHA256', iterations, salt, iv, ciphertext };
}

/**
 * The secret `sealed` holds. Throws a `credentials:` DecantError when
 * the passphrase is not the one it was sealed with — AES-GCM's tag fails, nothing is guessed —
 * and another when the record is not one this module wrote.
 */
export async function openSecret(sealed: unknown, passphrase: string): Promise<unknown> {
  if (!isSealed(sealed))
    throw say(
      'the kept credentials are damaged or from a newer Decant: forget them and paste them again',
    );
  const key = await keyFrom(passphrase, sealed.salt, sealed.iterations);
  let plain: ArrayBuffer;
  try {
    plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: sealed.iv as Uint8Array<ArrayBuffer> },
      key,
      sealed.ciphertext as Uint8Array<ArrayBuffer>,
    );
  } catch (e) {
    throw new DecantError(
      'credentials: the passphrase is wrong: the kept credentials stay locked',
      {
        cause: e,
      },
    );
  }
  return JSON.parse(new TextDecoder().decode(plain)) as unknown;
}

function isSealed(x: unknown): x is SealedSecret {
  const r = x as Partial<SealedSecret> | null;
  return (
    !!r &&
    r.v === 1 &&
    r.kdf === 'PBKDF2-SHA256' &&
    typeof r.iterations === 'number' &&
    r.iterations >= 1 &&
    r.salt instanceof Uint8Array &&
    r.iv instanceof Uint8Array &&
    r.ciphertext instanceof Uint8Array
  );
}

/** One secret kept under `key` in `store`, sealed with a passphrase. */
export class CredentialVault {
  constructor(
    private readonly store: VaultStore,
    private readonly key: string,
    private readonly iterations = PBKDF2_ITERATIONS,
  ) {}

  /** Whether a sealed secret is kept. */
  async has(): Promise<boolean> {
    return isSealed(await this.store.get(this.key));
  }

  /** Seals and keeps `secret`, replacing what was kept. */
  async keep(secret: unknown, passphrase: string): Promise<void> {
    await this.store.put(this.key, await sealSecret(secret, passphrase, this.iterations));
  }

  /** The kept secret; throws as openSecret does, or when nothing is kept. */
  async unlock(passphrase: string): Promise<unknown> {
    const sealed = await this.store.get(this.key);
    if (sealed === undefined) throw say('no credentials are kept in this browser');
    return openSecret(sealed, passphrase);
  }

  /** Removes the kept secret (nothing kept is fine). */
  forget(): Promise<void> {
    return this.store.delete(this.key);
  }
}
