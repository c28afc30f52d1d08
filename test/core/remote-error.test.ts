import { describe, expect, it } from 'vitest';
import {
  corsError,
  corsRuleFor,
  corsRuleJson,
  corsRuleXml,
  errorFromResponse,
  expiredError,
  hiddenHeadersError,
  noRangeError,
  RemoteError,
  signatureOf,
} from '../../src/core/remote';
import { parseXml } from '../../src/core/remote/xml';

const URL_SIGNED = new URL(
  'https://lake.s3.amazonaws.com/sales/year%3D2024/a.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256' +
    '&X-Amz-Credential=AKIA%2F20240101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20240101T120000Z' +
    '&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=deadbeef',
);
const SIG = signatureOf(URL_SIGNED);
const NOW = Date.UTC(2024, 0, 1, 13, 0, 0);
const xmlError = (code: string, message: string, extra = '') =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>${extra}</Error>`;

describe('remote errors say what happened, never the credential', () => {
  it('an expired URL, from its own fields', () => {
    const e = expiredError(URL_SIGNED, SIG!, NOW);
    expect(e).toBeInstanceOf(RemoteError);
    expect(e.reason).toBe('expired');
    expect(e.message).toBe(
      'remote: https://lake.s3.amazonaws.com/sales/year=2024/a.csv: the presigned URL expired at ' +
        '2024-01-01 12:01:00 UTC (59 min ago; it was signed at 2024-01-01 12:00:00 UTC to last 60 s); ' +
        'presign it again and paste the new URL',
    );
  });

  it('an expired URL, from S3 403 AccessDenied "Request has expired"', () => {
    const e = errorFromResponse(
      URL_SIGNED,
      {
        status: 403,
        body: xmlError(
          'AccessDenied',
          'Request has expired',
          '<X-Amz-Expires>60</X-Amz-Expires><Expires>2024-01-01T12:01:00Z</Expires>',
        ),
      },
      SIG,
      NOW,
    );
    expect(e.reason).toBe('expired');
    expect(e.message).toContain('the presigned URL expired at 2024-01-01 12:01:00 UTC (59 min ago');
  });

  it('expired temporary credentials (400 ExpiredToken)', () => {
    const e = errorFromResponse(
      URL_SIGNED,
      { status: 400, body: xmlError('ExpiredToken', 'The provided token has expired.') },
      SIG,
      NOW,
    );
    expect(e.reason).toBe('expired');
    expect(e.message).toMatch(
      /temporary credentials that signed the URL have expired \(400 ExpiredToken/,
    );
  });

  it('a signature mismatch, access denied, 404s and other statuses', () => {
    const answer = (status: number, body = '', range?: string) =>
      errorFromResponse(URL_SIGNED, { status, body, ...(range ? { range } : {}) }, SIG, NOW);
    const mismatch = answer(403, xmlError('SignatureDoesNotMatch', 'The request signature…'));
    expect(mismatch.reason).toBe('signature');
    expect(mismatch.message).toMatch(
      /S3 refuses the signature \(403 SignatureDoesNotMatch\): the URL was changed after it was signed/,
    );
    const denied = answer(403, xmlError('AccessDenied', 'Access Denied'));
    expect([denied.reason, denied.message]).toEqual([
      'forbidden',
      'remote: https://lake.s3.amazonaws.com/sales/year=2024/a.csv: access denied (403 AccessDenied: Access Denied): the credentials that signed the URL may not read this object',
    ]);
    expect(answer(403).message).toMatch(/: access denied \(403\): /);
    const key = answer(404, xmlError('NoSuchKey', 'The specified key does not exist.'));
    expect([key.reason, key.message.split(': ').slice(2).join(': ')]).toEqual([
      'not-found',
      'no such object (404 NoSuchKey: The specified key does not exist.): check the key, or whether the object was deleted',
    ]);
    expect(
      answer(404, xmlError('NoSuchBucket', 'x', '<BucketName>lake</BucketName>')).message,
    ).toMatch(/no such bucket "lake" \(404 NoSuchBucket\)$/);
    expect(answer(404, '<html>nope</html>').message).toMatch(/no such object \(404\)/);
    expect(answer(416, xmlError('InvalidRange', 'x'), 'bytes=9-9').message).toMatch(
      /the server refuses the range bytes=9-9 \(416 InvalidRange: x\)$/,
    );
    expect(answer(503, xmlError('SlowDown', 'Reduce your request rate.')).message).toMatch(
      /the server answered 503 SlowDown: Reduce your request rate\.$/,
    );
    for (const e of [mismatch, denied, key]) expect(e.message).not.toMatch(/deadbeef|X-Amz/);
  });

  it('missing CORS: the message names the origin and carries the rule that fixes it', () => {
    const e = corsError(URL_SIGNED, 'http://127.0.0.1:5173');
    expect(e.reason).toBe('cors');
    expect(e.message).toMatch(
      /the browser blocked the answer: the bucket's CORS configuration does not let this page \(http:\/\/127\.0\.0\.1:5173\) read it/,
    );
    expect(JSON.parse(e.corsRule!)).toEqual([
      {
        AllowedOrigins: ['http://127.0.0.1:5173'],
        AllowedMethods: ['GET', 'HEAD'],
        AllowedHeaders: ['Range'],
        ExposeHeaders: ['Content-Range', 'Content-Length', 'ETag', 'Last-Modified'],
        MaxAgeSeconds: 3000,
      },
    ]);
    expect(hiddenHeadersError(URL_SIGNED, 'https://app.example').corsRule).toBe(
      corsRuleJson('https://app.example'),
    );
    expect(noRangeError(URL_SIGNED).reason).toBe('no-range');
  });

  it('the same rule as a PutBucketCors XML body', () => {
    const xml = parseXml(corsRuleXml('https://a.example/?x=<&>'));
    const rule = xml.children[0]!;
    const values = (name: string) =>
      rule.children.filter((c) => c.name === name).map((c) => c.text);
    const json = corsRuleFor('https://a.example/?x=<&>');
    expect(values('AllowedOrigin')).toEqual(json.AllowedOrigins);
    expect(values('AllowedMethod')).toEqual(json.AllowedMethods);
    expect(values('AllowedHeader')).toEqual(json.AllowedHeaders);
    expect(values('ExposeHeader')).toEqual(json.ExposeHeaders);
    expect(values('MaxAgeSeconds')).toEqual(['3000']);
  });
});
