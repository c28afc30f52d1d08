import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { s3AccessFrom, settingsVaultStore, type S3AccessForm } from '../../src/app/s3-access';
import { CredentialVault } from '../../src/platform/credential-vault';
import { connectStorage } from '../../src/storage';

const FORM: S3AccessForm = {
  accessKeyId: ' ASIAEXAMPLEKEY000001 ',
  secretAccessKey: 'secret-never-shown',
  sessionToken: 'token-never-shown',
  region: 'eu-west-3',
  bucket: 'my-bucket',
  prefix: '/shares/sales',
  endpoint: '',
};

const problem = (over: Partial<S3AccessForm>) => {
  try {
    s3AccessFrom({ ...FORM, ...over });
    return '';
  } catch (e) {
    expect((e as Error).message).not.toMatch(/never-shown/);
    return (e as Error).message;
  }
};

describe('S3 access from the credentials form', () => {
  it('takes a bucket and a prefix, or one s3:// URL', () => {
    expect(s3AccessFrom(FORM)).toEqual({
      accessKeyId: 'ASIAEXAMPLEKEY000001',
      secretAccessKey: 'secret-never-shown',
      sessionToken: 'token-never-shown',
      region: 'eu-west-3',
      bucket: 'my-bucket',
      prefix: 'shares/sales/',
    });
    const url = s3AccessFrom({ ...FORM, bucket: 's3://data.example/p/q/', prefix: '' });
    expect([url.bucket, url.prefix]).toEqual(['data.example', 'p/q/']);
    const root = s3AccessFrom({
      ...FORM,
      prefix: '',
      sessionToken: '',
      endpoint: 'http://127.0.0.1:9000/',
    });
    expect(root).toMatchObject({ prefix: '', endpoint: 'http://127.0.0.1:9000' });
    expect(root.sessionToken).toBeUndefined();
  });

  it('says what is wrong, never echoing a secret', () => {
    expect(problem({ accessKeyId: 'abc' })).toMatch(
      /^credentials: the access key id is 16 or more/,
    );
    expect(problem({ secretAccessKey: ' ' })).toBe('credentials: give the secret access key');
    expect(problem({ region: 'Paris' })).toMatch(/region, e\.g\. "us-east-1"/);
    expect(problem({ bucket: 'My_Bucket' })).toMatch(/"My_Bucket" is not an S3 bucket name/);
    expect(problem({ bucket: 'bucket/prefix' })).toMatch(
      /give the bucket alone, or an s3:\/\/bucket\/prefix\/ URL/,
    );
    expect(problem({ bucket: '' })).toBe('credentials: give the bucket to upload to');
    expect(problem({ endpoint: 'ftp://x' })).toMatch(/the endpoint is an address/);
  });

  it("keeps the vault record in IndexedDB's settings store, sealed", async () => {
    const storage = connectStorage();
    const vault = new CredentialVault(settingsVaultStore(storage.db), 'vault:test', 1000);
    await vault.keep(s3AccessFrom(FORM), 'pass');
    const record = await (await storage.db).get('settings', 'vault:test');
    expect(record?.value).toMatchObject({ v: 1, kdf: 'PBKDF2-SHA256' });
    expect(
      JSON.stringify(record, (_k, v: unknown) => (v instanceof Uint8Array ? [...v] : v)),
    ).not.toMatch(/never-shown/);
    expect(await vault.unlock('pass')).toMatchObject({ bucket: 'my-bucket' });
    await vault.forget();
    expect(await (await storage.db).get('settings', 'vault:test')).toBeUndefined();
  });
});
