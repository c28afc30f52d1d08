import { describe, expect, it } from 'vitest';
import { DecantError } from '../../src/core/errors';
import {
  CredentialVault,
  openSecret,
  PBKDF2_ITERATIONS,
  sealSecret,
  type SealedSecret,
  type VaultStore,
} from '../../src/platform/credential-vault';

const SECRET = {
  accessKeyId: 'ASIAVAULTTESTKEY',
  secretAccessKey: 'vault-secret-access-key-sentinel',
  sessionToken: 'vault-session-token-sentinel',
};

function memoryStore(): VaultStore & { records: Map<string, unknown> } {
  const records = new Map<string, unknown>();
  return {
    records,
    get: async (k) => records.get(k),
    put: async (k, v) => void records.set(k, structuredClone(v)),
    delete: async (k) => void records.delete(k),
  };
}

/** Whether `needle`'s UTF-8 (or UTF-16) bytes occur anywhere in `hay`. */
function holds(hay: Uint8Array, needle: string): boolean {
  const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');
  const utf8 = text(new TextEncoder().encode(needle));
  const utf16 = Buffer.from(needle, 'utf16le').toString('latin1');
  const h = text(hay);
  return h.includes(utf8) || h.includes(utf16);
}

describe('credential vault (WebCrypto PBKDF2-SHA256 → AES-GCM)', () => {
  it('keeps credentials sealed and opens them with the right passphrase', async () => {
    const store = memoryStore();
    const vault = new CredentialVault(store, 's3-credentials');
    expect(await vault.has()).toBe(false);
    await vault.keep(SECRET, 'correct horse battery staple');
    expect(await vault.has()).toBe(true);
    expect(await vault.unlock('correct horse battery staple')).toEqual(SECRET);
  });

  it('uses at least 600,000 PBKDF2 iterations and fresh salt and IV per seal', async () => {
    expect(PBKDF2_ITERATIONS).toBeGreaterThanOrEqual(600_000);
    const a = await sealSecret(SECRET, 'p');
    const b = await sealSecret(SECRET, 'p');
    expect(a.iterations).toBe(PBKDF2_ITERATIONS);
    expect(a.salt).toHaveLength(16);
    expect(a.iv).toHaveLength(12);
    expect(Buffer.from(a.salt).equals(Buffer.from(b.salt))).toBe(false);
    expect(Buffer.from(a.iv).equals(Buffer.from(b.iv))).toBe(false);
    expect(Buffer.from(a.ciphertext).equals(Buffer.from(b.ciphertext))).toBe(false);
  });

  it('stores no byte of the plaintext or the passphrase', async () => {
    const store = memoryStore();
    await new CredentialVault(store, 'k').keep(SECRET, 'passphrase-sentinel');
    const sealed = store.records.get('k') as SealedSecret;
    const all = new Uint8Array([...sealed.salt, ...sealed.iv, ...sealed.ciphertext]);
    for (const s of [...Object.values(SECRET), 'passphrase-sentinel', 'secretAccessKey'])
      expect(holds(all, s)).toBe(false);
    const json = JSON.stringify(sealed, (_k, v: unknown) =>
      v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v,
    );
    for (const s of [...Object.values(SECRET), 'passphrase-sentinel'])
      expect(json).not.toContain(s);
    // The check itself can see a plaintext when there is one.
    expect(holds(new TextEncoder().encode(JSON.stringify(SECRET)), SECRET.sessionToken)).toBe(true);
  });

  it('says plainly when the passphrase is wrong, and never shows the secret', async () => {
    const store = memoryStore();
    const vault = new CredentialVault(store, 'k', 1000);
    await vault.keep(SECRET, 'right');
    const e = await vault.unlock('wrong').then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(DecantError);
    expect((e as DecantError).message).toBe(
      'credentials: the passphrase is wrong: the kept credentials stay locked',
    );
    expect((e as DecantError).domain).toBe('credentials');
  });

  it('refuses a damaged record, an empty passphrase, and unlocking with nothing kept', async () => {
    const sealed = await sealSecret(SECRET, 'p', 1000);
    sealed.ciphertext[0]! ^= 1;
    await expect(openSecret(sealed, 'p')).rejects.toThrow(/passphrase is wrong/);
    await expect(openSecret({ v: 2 }, 'p')).rejects.toThrow(
      /^credentials: the kept credentials are damaged/,
    );
    await expect(sealSecret(SECRET, '')).rejects.toThrow(/choose a passphrase/);
    const vault = new CredentialVault(memoryStore(), 'k');
    await expect(vault.unlock('p')).rejects.toThrow('credentials: no credentials are kept');
  });

  it('forgets what it kept', async () => {
    const store = memoryStore();
    const vault = new CredentialVault(store, 'k', 1000);
    await vault.keep(SECRET, 'p');
    await vault.forget();
    expect(await vault.has()).toBe(false);
    expect(store.records.size).toBe(0);
  });
});
