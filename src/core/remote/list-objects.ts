import { childrenNamed, childText, parseXml, XmlError, type XmlElement } from './xml';

/** One object of a listing (S3's `Contents`). */
export interface ListedObject {
  /** Decoded key, `sales/year=2024/part-0.csv`. */
  key: string;
  size: number;
  /** ms since epoch; 0 when the listing does not say. */
  lastModified: number;
  etag?: string;
}

/** One page of ListObjectsV2 (or V1) as S3 returns it. */
export interface ListPage {
  bucket: string;
  prefix: string;
  objects: ListedObject[];
  /** `CommonPrefixes` (with a `delimiter`), decoded. */
  folders: string[];
  /** The query parameter and value that ask for the next page; null on the last page. */
  next: { param: 'continuation-token' | 'marker'; value: string } | null;
}

/** S3's `<Error>` document. */
export interface S3ErrorBody {
  code: string;
  message: string;
  /** Other fields S3 adds (`Key`, `BucketName`, `Expires`, `ServerTime`…), as text. */
  fields: Record<string, string>;
}

/** Thrown for a document that is not a listing; the message says what it is instead. */
export class ListError extends Error {
  override name = 'ListError';
}

/**
 * Reads a ListObjectsV2 (`list-type=2`) or V1 answer. Keys are decoded from XML entities and,
 * with `EncodingType` url, from percent-escapes (`+` is a space there). Throws ListError for an
 * `<Error>` document (with S3's code and message), for other XML, or for text that is not XML.
 */
export function parseListPage(xml: string): ListPage {
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch (e) {
    const where = e instanceof XmlError ? ` at character ${e.offset + 1}` : '';
    throw new ListError(
      `the answer is not XML${where} (${e instanceof Error ? e.message : String(e)})`,
    );
  }
  if (root.name === 'Error') {
    const err = s3ErrorFrom(root);
    throw new ListError(`S3 answered ${err.code}: ${err.message}`);
  }
  if (root.name !== 'ListBucketResult')
    throw new ListError(`the answer is <${root.name}>, not an S3 listing (<ListBucketResult>)`);
  const urlEncoded = (childText(root, 'EncodingType') ?? '').toLowerCase() === 'url';
  const key = (text: string) => (urlEncoded ? decodeUrlEncoded(text) : text);
  const objects = childrenNamed(root, 'Contents').map((c): ListedObject => {
    const k = childText(c, 'Key');
    if (k === undefined) throw new ListError('an object in the listing has no <Key>');
    const size = Number(childText(c, 'Size') ?? NaN);
    if (!Number.isFinite(size) || size < 0)
      throw new ListError(`the object "${key(k)}" has no valid <Size>`);
    const modified = Date.parse(childText(c, 'LastModified') ?? '');
    const etag = childText(c, 'ETag');
    return {
      key: key(k),
      size,
      lastModified: Number.isNaN(modified) ? 0 : modified,
      ...(etag ? { etag } : {}),
    };
  });
  const folders = childrenNamed(root, 'CommonPrefixes')
    .map((c) => childText(c, 'Prefix'))
    .filter((p): p is string => p !== undefined)
    .map(key);
  const truncated = (childText(root, 'IsTruncated') ?? '').trim() === 'true';
  let next: ListPage['next'] = null;
  if (truncated) {
    const token = childText(root, 'NextContinuationToken');
    // V1: NextMarker only comes with a delimiter; otherwise the last key is the marker.
    const marker = childText(root, 'NextMarker') ?? objects[objects.length - 1]?.key;
    if (token) next = { param: 'continuation-token', value: token };
    else if (childText(root, 'KeyCount') === undefined && marker)
      next = { param: 'marker', value: marker };
    else throw new ListError('the listing says it is truncated but gives no way to the next page');
  }
  return {
    bucket: childText(root, 'Name') ?? '',
    prefix: key(childText(root, 'Prefix') ?? ''),
    objects,
    folders,
    next,
  };
}

/** S3's error document, or null when `xml` is not one (an empty body, HTML, other XML). */
export function parseS3Error(xml: string): S3ErrorBody | null {
  if (!xml.trim()) return null;
  try {
    const root = parseXml(xml);
    return root.name === 'Error' ? s3ErrorFrom(root) : null;
  } catch {
    return null;
  }
}

function s3ErrorFrom(root: XmlElement): S3ErrorBody {
  const fields: Record<string, string> = {};
  for (const c of root.children)
    if (c.name !== 'Code' && c.name !== 'Message') fields[c.name] = c.text;
  return {
    code: childText(root, 'Code') ?? 'UnknownError',
    message: childText(root, 'Message') ?? '',
    fields,
  };
}

function decodeUrlEncoded(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return text;
  }
}
