import { describe, expect, it } from 'vitest';
import {
  amzDate,
  hasExpired,
  keyUnder,
  listingBase,
  objectUrlUnder,
  parseUrlList,
  pathOfObject,
  redactUrl,
  s3LocationOf,
  signatureOf,
  targetOf,
} from '../../src/core/remote';

const SIGNED =
  'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F20240101%2Fus-east-1%2Fs3%2Faws4_request' +
  '&X-Amz-Date=20240101T120000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=abc123';

describe('redactUrl', () => {
  it('keeps scheme, host and decoded path, never the query string', () => {
    const url = `https://lake.s3.eu-west-1.amazonaws.com/sales/year%3D2024/part-0.csv?${SIGNED}`;
    expect(redactUrl(url)).toBe(
      'https://lake.s3.eu-west-1.amazonaws.com/sales/year=2024/part-0.csv',
    );
    expect(redactUrl(url)).not.toContain('Signature');
  });

  it('drops a user:password part and cuts text that is not a URL at its query', () => {
    expect(redactUrl('https://me:secret@host.example/x.csv')).toBe('https://host.example/x.csv');
    expect(redactUrl('not a url?token=secret')).toBe('not a url');
  });
});

describe('signatureOf', () => {
  it('reads SigV4 signing time and lifetime before any request', () => {
    const sig = signatureOf(new URL(`https://b.s3.amazonaws.com/k.csv?${SIGNED}`));
    expect(sig).toEqual({
      scheme: 'sigv4',
      signedAt: Date.UTC(2024, 0, 1, 12, 0, 0),
      expiresAt: Date.UTC(2024, 0, 1, 12, 15, 0),
    });
    expect(hasExpired(sig, Date.UTC(2024, 0, 1, 12, 14, 59))).toBe(false);
    expect(hasExpired(sig, Date.UTC(2024, 0, 1, 12, 15, 0))).toBe(true);
  });

  it('reads SigV2 Expires (epoch seconds)', () => {
    const url = new URL(
      'https://b.s3.amazonaws.com/k.csv?AWSAccessKeyId=AKIA&Expires=1700000000&Signature=x%2By',
    );
    expect(signatureOf(url)).toEqual({ scheme: 'sigv2', expiresAt: 1700000000 * 1000 });
  });

  it('says null for unsigned URLs and an unknown expiry for malformed fields', () => {
    expect(signatureOf(new URL('https://example.com/data.csv?x=1'))).toBeNull();
    const odd = signatureOf(
      new URL('https://h/b/k?X-Amz-Signature=a&X-Amz-Date=yesterday&X-Amz-Expires=60'),
    );
    expect(odd).toEqual({ scheme: 'sigv4', expiresAt: null });
    expect(hasExpired(odd, Date.now())).toBe(false);
    expect(amzDate('20241301T000000Z')).toBeNull();
    expect(amzDate('20240229T235959Z')).toBe(Date.UTC(2024, 1, 29, 23, 59, 59));
    expect(amzDate('2024-01-01T00:00:00Z')).toBeNull();
  });
});

describe('s3LocationOf and targetOf', () => {
  it('reads virtual-hosted and path-style AWS URLs', () => {
    expect(
      s3LocationOf(new URL('https://my.bucket.s3.us-east-2.amazonaws.com/a/b%20c.csv')),
    ).toEqual({ bucket: 'my.bucket', key: 'a/b c.csv' });
    expect(s3LocationOf(new URL('https://s3.eu-west-1.amazonaws.com/lake/x/y.parquet'))).toEqual({
      bucket: 'lake',
      key: 'x/y.parquet',
    });
    expect(s3LocationOf(new URL('https://lake.s3.amazonaws.com/'))).toEqual({
      bucket: 'lake',
      key: '',
    });
  });

  it('takes other hosts as path-style only when the URL is S3-signed or a listing', () => {
    expect(s3LocationOf(new URL(`http://127.0.0.1:9000/lake/sales/x.csv?${SIGNED}`))).toEqual({
      bucket: 'lake',
      key: 'sales/x.csv',
    });
    expect(s3LocationOf(new URL('http://127.0.0.1:9000/lake?list-type=2'))).toEqual({
      bucket: 'lake',
      key: '',
    });
    expect(s3LocationOf(new URL('https://example.com/lake/sales/x.csv'))).toBeNull();
  });

  it('tells listings from objects', () => {
    const list = targetOf(new URL(`http://127.0.0.1:9000/lake?list-type=2&prefix=sales%2F`));
    expect(list).toMatchObject({ kind: 'list', s3: { bucket: 'lake' }, prefix: 'sales/' });
    expect(targetOf(new URL('https://lake.s3.amazonaws.com/?prefix=a/'))).toMatchObject({
      kind: 'list',
      prefix: 'a/',
    });
    expect(targetOf(new URL(`http://127.0.0.1:9000/lake/sales/x.csv?${SIGNED}`))).toMatchObject({
      kind: 'object',
      s3: { bucket: 'lake', key: 'sales/x.csv' },
      signature: { scheme: 'sigv4' },
    });
  });

  it('names an object by its key, or by the URL path for plain HTTP', () => {
    expect(pathOfObject(new URL(`http://127.0.0.1:9/lake/sales/year%3D2024/a.csv?${SIGNED}`))).toBe(
      'sales/year=2024/a.csv',
    );
    expect(pathOfObject(new URL('https://data.example.org/open/logs/2024/01/x.csv'))).toBe(
      'open/logs/2024/01/x.csv',
    );
    expect(pathOfObject(new URL('https://data.example.org/folder/'))).toBe('');
  });

  it('matches object URLs to a listing by key, whatever the escaping', () => {
    const base = listingBase(new URL('http://127.0.0.1:9/lake?list-type=2'));
    expect(base).toBe('http://127.0.0.1:9/lake/');
    expect(
      keyUnder(new URL(`http://127.0.0.1:9/lake/sales/year%3D2024/a.csv?${SIGNED}`), base),
    ).toBe('sales/year=2024/a.csv');
    expect(keyUnder(new URL('http://127.0.0.1:9/lake2/a.csv'), base)).toBeNull();
    expect(keyUnder(new URL('http://127.0.0.1:8/lake/a.csv'), base)).toBeNull();
    const virtual = listingBase(new URL('https://lake.s3.amazonaws.com/?list-type=2'));
    expect(keyUnder(new URL('https://lake.s3.amazonaws.com/a%20b/c.csv'), virtual)).toBe(
      'a b/c.csv',
    );
    expect(
      objectUrlUnder(new URL('https://lake.s3.amazonaws.com/?list-type=2'), 'a b/c=1.csv').href,
    ).toBe('https://lake.s3.amazonaws.com/a%20b/c%3D1.csv');
  });
});

describe('parseUrlList', () => {
  it('reads one URL per line, skipping blanks and # comments, with line numbers', () => {
    const { urls, problems } = parseUrlList(
      [
        '# sales, presigned',
        `  https://lake.s3.amazonaws.com/sales/a.csv?${SIGNED}  `,
        '',
        '"https://lake.s3.amazonaws.com/?list-type=2&prefix=sales/"',
        '<https://example.com/x.csv>',
      ].join('\r\n'),
    );
    expect(problems).toEqual([]);
    expect(urls.map((u) => [u.line, u.target.kind])).toEqual([
      [2, 'object'],
      [4, 'list'],
      [5, 'object'],
    ]);
  });

  it('says what is wrong with each bad line, without its query string', () => {
    const { urls, problems } = parseUrlList(
      [
        's3://lake/sales/a.csv',
        'ftp://host/x.csv',
        'sales/a.csv',
        `https://lake.s3.amazonaws.com/a.csv?${SIGNED}`,
        `https://lake.s3.amazonaws.com/a.csv?${SIGNED}`,
        'https://me:pw@host/x.csv',
      ].join('\n'),
    );
    expect(urls).toHaveLength(1);
    expect(problems.map((p) => [p.line, p.message])).toEqual([
      [
        1,
        'an s3:// path needs credentials a browser does not have; paste a presigned https:// URL instead (aws s3 presign s3://lake/sales/a.csv)',
      ],
      [2, 'a ftp: URL cannot be read; expected https:// or http://'],
      [3, 'not a URL (expected https://…)'],
      [5, 'the same URL as line 4'],
      [6, 'URLs with a user name or password are not sent; use a presigned URL'],
    ]);
    expect(problems[3]!.text).toBe('https://lake.s3.amazonaws.com/a.csv');
    expect(JSON.stringify(problems)).not.toMatch(/Signature|pw@/);
  });
});
