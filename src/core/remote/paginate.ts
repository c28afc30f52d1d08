import { parseListPage, type ListPage } from './list-objects';

/** One page of a listing, with the URL that asked for it. */
export interface ListingStep {
  url: URL;
  /** 0 for the first page. */
  index: number;
  page: ListPage;
}

/** Thrown when a listing goes on past the pages a caller allows. */
export class ListingTooLong extends Error {
  override name = 'ListingTooLong';
  constructor(readonly maxPages: number) {
    super(`the listing goes on past ${maxPages} pages`);
  }
}

export interface PageOptions {
  maxPages: number;
  /** Read the first page only (a presigned URL's signature covers that exact query). */
  firstPageOnly?: boolean;
}

/**
 * The one ListObjectsV2 (and V1) paginator: asks `fetchPage` for each page's text, following
 * continuation tokens (or V1 markers) until the last page. `fetchPage` may return null to end
 * the listing early (e.g. S3 refused a next page). Throws ListError for a page that is not a
 * listing, ListingTooLong past `maxPages`, and whatever `fetchPage` throws.
 */
export async function* listingPages(
  first: URL,
  fetchPage: (url: URL, index: number) => Promise<string | null>,
  opts: PageOptions,
): AsyncGenerator<ListingStep> {
  let url = first;
  for (let index = 0; index < opts.maxPages; index++) {
    const text = await fetchPage(url, index);
    if (text === null) return;
    const page = parseListPage(text);
    yield { url, index, page };
    if (!page.next || opts.firstPageOnly) return;
    url = new URL(url);
    url.searchParams.set(page.next.param, page.next.value);
  }
  throw new ListingTooLong(opts.maxPages);
}
