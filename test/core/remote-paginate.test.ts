import { describe, expect, it } from 'vitest';
import { ListError, listingPages, ListingTooLong } from '../../src/core/remote';

/** A ListObjectsV2 page as S3 writes it, with `keys`, ending or pointing at `next`. */
const v2 = (keys: string[], next?: string) => `<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult><Name>lake</Name><Prefix></Prefix><KeyCount>${keys.length}</KeyCount>
<IsTruncated>${next ? 'true' : 'false'}</IsTruncated>${next ? `<NextContinuationToken>${next}</NextContinuationToken>` : ''}
${keys.map((k) => `<Contents><Key>${k}</Key><Size>1</Size></Contents>`).join('')}
</ListBucketResult>`;

/** V1: no KeyCount, no token: the last key is the marker. */
const v1 = (keys: string[], truncated: boolean) => `<ListBucketResult><Name>lake</Name>
<IsTruncated>${truncated}</IsTruncated>
${keys.map((k) => `<Contents><Key>${k}</Key><Size>1</Size></Contents>`).join('')}
</ListBucketResult>`;

async function all(gen: AsyncGenerator<{ url: URL; page: { objects: { key: string }[] } }>) {
  const urls: string[] = [];
  const keys: string[] = [];
  for await (const s of gen) {
    urls.push(s.url.search);
    keys.push(...s.page.objects.map((o) => o.key));
  }
  return { urls, keys };
}

const FIRST = new URL('https://lake.s3.amazonaws.com/?list-type=2&prefix=');

describe('listingPages (the one ListObjectsV2 paginator)', () => {
  it('follows continuation tokens to the last page, each page asked with its token', async () => {
    const pages: Record<string, string> = {
      '': v2(['a', 'b'], 'tok/1+='),
      'tok/1+=': v2(['c'], 't2'),
      t2: v2(['d']),
    };
    const asked: string[] = [];
    const out = await all(
      listingPages(
        FIRST,
        async (url) => {
          const token = url.searchParams.get('continuation-token') ?? '';
          asked.push(token);
          return pages[token]!;
        },
        { maxPages: 10 },
      ),
    );
    expect(asked).toEqual(['', 'tok/1+=', 't2']);
    expect(out.keys).toEqual(['a', 'b', 'c', 'd']);
    expect(out.urls[1]).toContain('continuation-token=tok%2F1%2B%3D');
  });

  it('follows V1 markers (the last key of a truncated page)', async () => {
    const out = await all(
      listingPages(
        new URL('https://lake.s3.amazonaws.com/'),
        async (url) =>
          url.searchParams.get('marker') === 'b' ? v1(['c'], false) : v1(['a', 'b'], true),
        { maxPages: 10 },
      ),
    );
    expect(out.keys).toEqual(['a', 'b', 'c']);
  });

  it('reads the first page only when asked (a presigned URL), and stops when fetchPage says null', async () => {
    let calls = 0;
    const first = await all(
      listingPages(FIRST, async () => (++calls, v2(['a'], 'more')), {
        maxPages: 10,
        firstPageOnly: true,
      }),
    );
    expect(first.keys).toEqual(['a']);
    expect(calls).toBe(1);
    const stopped = await all(
      listingPages(FIRST, async (_, i) => (i === 0 ? v2(['a'], 'more') : null), { maxPages: 10 }),
    );
    expect(stopped.keys).toEqual(['a']);
  });

  it('throws ListingTooLong past maxPages, ListError for a page that is not a listing', async () => {
    await expect(
      all(listingPages(FIRST, async (_, i) => v2([`k${i}`], `t${i}`), { maxPages: 3 })),
    ).rejects.toThrow(ListingTooLong);
    await expect(
      all(
        listingPages(
          FIRST,
          async () => '<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>',
          { maxPages: 3 },
        ),
      ),
    ).rejects.toThrow(new ListError('S3 answered AccessDenied: Access Denied'));
  });
});
