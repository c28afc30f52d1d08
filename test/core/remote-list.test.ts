import { describe, expect, it } from 'vitest';
import { ListError, parseListPage, parseS3Error } from '../../src/core/remote';
import { decodeEntities, parseXml, XmlError } from '../../src/core/remote/xml';

/** A page exactly as S3 sends it (from the ListObjectsV2 documentation, keys changed). */
const PAGE = `<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>lake</Name>
  <Prefix>sales/</Prefix>
  <KeyCount>3</KeyCount>
  <MaxKeys>3</MaxKeys>
  <IsTruncated>true</IsTruncated>
  <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
  <Contents>
    <Key>sales/</Key>
    <LastModified>2024-01-01T00:00:00.000Z</LastModified>
    <ETag>&quot;d41d8cd98f00b204e9800998ecf8427e&quot;</ETag>
    <Size>0</Size>
    <StorageClass>STANDARD</StorageClass>
  </Contents>
  <Contents>
    <Key>sales/year=2024/month=01/part-0.csv</Key>
    <LastModified>2024-02-03T04:05:06.000Z</LastModified>
    <ETag>"abc"</ETag>
    <Size>33</Size>
  </Contents>
  <Contents>
    <Key>sales/R&amp;D &lt;draft&gt; &#x263A;&#9731;.csv</Key>
    <LastModified>2024-02-03T04:05:06.000Z</LastModified>
    <Size>7</Size>
  </Contents>
</ListBucketResult>`;

describe('parseListPage', () => {
  it('reads keys, sizes, times and the continuation token, decoding entities', () => {
    const page = parseListPage(PAGE);
    expect(page.bucket).toBe('lake');
    expect(page.prefix).toBe('sales/');
    expect(page.objects).toEqual([
      {
        key: 'sales/',
        size: 0,
        lastModified: Date.UTC(2024, 0, 1),
        etag: '"d41d8cd98f00b204e9800998ecf8427e"',
      },
      {
        key: 'sales/year=2024/month=01/part-0.csv',
        size: 33,
        lastModified: Date.UTC(2024, 1, 3, 4, 5, 6),
        etag: '"abc"',
      },
      { key: 'sales/R&D <draft> ☺☃.csv', size: 7, lastModified: Date.UTC(2024, 1, 3, 4, 5, 6) },
    ]);
    expect(page.next).toEqual({
      param: 'continuation-token',
      value: '1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=',
    });
  });

  it('decodes url-encoded keys (EncodingType url: + is a space) and reads CommonPrefixes', () => {
    const page = parseListPage(
      `<ListBucketResult><Name>b</Name><Prefix>a%2F</Prefix><EncodingType>url</EncodingType>` +
        `<KeyCount>1</KeyCount><IsTruncated>false</IsTruncated>` +
        `<Contents><Key>a/year%3D2024/my+file%2B1.csv</Key><Size>1</Size></Contents>` +
        `<CommonPrefixes><Prefix>a/sub%20dir/</Prefix></CommonPrefixes></ListBucketResult>`,
    );
    expect(page.prefix).toBe('a/');
    expect(page.objects.map((o) => o.key)).toEqual(['a/year=2024/my file+1.csv']);
    expect(page.folders).toEqual(['a/sub dir/']);
    expect(page.next).toBeNull();
    expect(page.objects[0]!.lastModified).toBe(0);
  });

  it('follows a V1 listing by marker (NextMarker, else the last key)', () => {
    const v1 = (extra: string) =>
      parseListPage(
        `<ListBucketResult><Name>b</Name><IsTruncated>true</IsTruncated>${extra}` +
          `<Contents><Key>k1</Key><Size>1</Size></Contents></ListBucketResult>`,
      );
    expect(v1('').next).toEqual({ param: 'marker', value: 'k1' });
    expect(v1('<NextMarker>k0</NextMarker>').next).toEqual({ param: 'marker', value: 'k0' });
  });

  it('says what came instead of a listing', () => {
    const err = (xml: string) => {
      try {
        parseListPage(xml);
      } catch (e) {
        expect(e).toBeInstanceOf(ListError);
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    expect(
      err('<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>'),
    ).toBe('S3 answered AccessDenied: Request has expired');
    expect(err('<html><body>Sign in</body></html>')).toBe(
      'the answer is <html>, not an S3 listing (<ListBucketResult>)',
    );
    expect(err('{"Contents": []}')).toBe(
      'the answer is not XML at character 1 (text outside the root element)',
    );
    expect(err('<ListBucketResult><Contents><Size>1</Size></Contents></ListBucketResult>')).toBe(
      'an object in the listing has no <Key>',
    );
    expect(
      err(
        '<ListBucketResult><KeyCount>1</KeyCount><IsTruncated>true</IsTruncated></ListBucketResult>',
      ),
    ).toBe('the listing says it is truncated but gives no way to the next page');
  });
});

describe('parseS3Error', () => {
  it('reads code, message and the other fields', () => {
    expect(
      parseS3Error(
        '<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message>' +
          '<Expires>2026-11-25T14:53:16Z</Expires><RequestId>X</RequestId></Error>',
      ),
    ).toEqual({
      code: 'AccessDenied',
      message: 'Request has expired',
      fields: { Expires: '2026-11-25T14:53:16Z', RequestId: 'X' },
    });
  });

  it('is null for an empty body, HTML or broken XML', () => {
    expect(parseS3Error('')).toBeNull();
    expect(parseS3Error('<html></html>')).toBeNull();
    expect(parseS3Error('<Error><Code>X</Error>')).toBeNull();
  });
});

describe('the XML reader', () => {
  it('reads CDATA, comments, self-closing tags, prefixes and > inside attributes', () => {
    const root = parseXml(
      '<?xml version="1.0"?><!-- c --><s:A x="a>b"><B/><C><![CDATA[<raw> &amp;]]> &amp; t</C></s:A>',
    );
    expect(root.name).toBe('A');
    expect(root.children.map((c) => c.name)).toEqual(['B', 'C']);
    expect(root.children[1]!.text).toBe('<raw> &amp; & t');
  });

  it('refuses what it cannot read, with the offset', () => {
    const at = (xml: string) => {
      try {
        parseXml(xml);
      } catch (e) {
        expect(e).toBeInstanceOf(XmlError);
        return [(e as XmlError).message, (e as XmlError).offset];
      }
      throw new Error('accepted');
    };
    expect(at('<A><B></A>')).toEqual(['</A> closes <B>', 6]);
    expect(at('<A>')).toEqual(['<A> is never closed', 3]);
    expect(at('<A/><B/>')).toEqual(['a second root element', 4]);
    expect(at('<!DOCTYPE x><A/>')).toEqual(['DTDs are not read', 0]);
    expect(at('<A>&nbsp;</A>')).toEqual(['unknown entity "&nbsp;"', 3]);
    expect(at('<A>a & b</A>')).toEqual(['"&" not followed by an entity', 5]);
    expect(decodeEntities('&#128512;')).toBe('😀');
  });
});
