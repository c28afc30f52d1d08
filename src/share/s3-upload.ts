/**
 * Uploads to S3 from the tab, signed with SigV4 (aws4fetch) from temporary credentials the user
 * pasted: one PutObject for a small file, a multipart upload for a large one (parts retried,
 * aborted on cancel or failure so no parts are left behind). Credentials stay in this object:
 * never in a message, a log or a URL.
 */
import { AwsClient } from 'aws4fetch';
import { DecantError } from '../core/errors';
import { childText, parseXml } from '../core/remote/xml';
import {
  hiddenEtagError,
  s3AnswerError,
  s3NetworkError,
  type S3Action,
  type S3Request,
} from './s3-errors';

export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** STS's session token; absent for long-term keys. */
  sessionToken?: string;
}

export interface S3Bucket {
  bucket: string;
  region: string;
  /** An S3-compatible endpoint, addressed path-style (`<endpoint>/<bucket>/<key>`). Default: AWS, virtual-hosted. */
  endpoint?: string;
}

export interface UploadOptions {
  signal?: AbortSignal;
  /** Bytes sent so far of this object. */
  onProgress?(bytes: number): void;
  /** Bytes per part; S3's minimum, 5 MiB, is the default. Objects this size or smaller go in one PUT. */
  partSize?: number;
  /** Tries per part after the first; default 3. */
  retries?: number;
  /**
   * The smallest part size allowed; default S3's 5 MiB (smaller parts fail CompleteMultipartUpload
   * there). Lower only for an S3-compatible server that takes them, as a test server does.
   */
  minPartSize?: number;
}

export const MIN_PART_SIZE = 5 * 1024 * 1024;

/** `fetch`, passed in so tests and the app choose; the page's own origin for CORS advice. */
export interface S3Transport {
  fetch(request: Request): Promise<Response>;
  origin: string | null;
}

const defaultTransport = (): S3Transport => ({
  fetch: (r) => globalThis.fetch(r),
  origin: typeof location === 'undefined' ? null : location.origin,
});

export class S3Uploader {
  private readonly client: AwsClient;

  constructor(
    credentials: TemporaryCredentials,
    private readonly target: S3Bucket,
    private readonly transport: S3Transport = defaultTransport(),
  ) {
    this.client = new AwsClient({
      ...credentials,
      service: 's3',
      region: target.region,
      retries: 0,
    });
  }

  /** The object's URL (no credentials in it). */
  objectUrl(key: string): URL {
    const path = key.split('/').map(encodeURIComponent).join('/');
    const { bucket, endpoint, region } = this.target;
    return endpoint
      ? new URL(`${endpoint.replace(/\/$/, '')}/${encodeURIComponent(bucket)}/${path}`)
      : new URL(`https://${bucket}.s3.${region}.amazonaws.com/${path}`);
  }

  /**
   * Uploads `size` bytes from `data` to `key`: one PUT when they fit in a part, else a multipart
   * upload with at most one part in memory. Throws `share:` DecantErrors (see s3-errors); on
   * cancel (code 'cancelled') or failure a multipart upload is aborted first.
   */
  async upload(
    key: string,
    data: AsyncIterable<Uint8Array> | Uint8Array,
    size: number,
    opts: UploadOptions = {},
  ): Promise<void> {
    try {
      await this.uploadObject(key, data, size, opts);
    } catch (e) {
      throw unwrap(e);
    }
  }

  /**
   * Uploads `blob` (a File on disk, such as a scratch file of the browser's storage) to `key`,
   * as upload does; each part is read as a slice of it only when it is sent, so at most one part
   * is in memory. Throws as upload does, and when the file cannot be read to its end.
   */
  async uploadBlob(key: string, blob: Blob, opts: UploadOptions = {}): Promise<void> {
    try {
      await this.uploadObject(key, blob, blob.size, opts);
    } catch (e) {
      throw unwrap(e);
    }
  }

  /**
   * Deletes `key` (an object a failed job run had uploaded). Throws a `share:` DecantError in
   * S3's words; a key that is not there is no error (S3 answers 204 either way).
   */
  async remove(key: string): Promise<void> {
    try {
      await this.send('DeleteObject', key, { method: 'DELETE' }, undefined);
    } catch (e) {
      throw unwrap(e);
    }
  }

  private async uploadObject(
    key: string,
    data: AsyncIterable<Uint8Array> | Uint8Array | Blob,
    size: number,
    opts: UploadOptions,
  ): Promise<void> {
    const partSize = Math.max(opts.partSize ?? MIN_PART_SIZE, opts.minPartSize ?? MIN_PART_SIZE, 1);
    const chunks =
      data instanceof Uint8Array
        ? once(data)
        : data instanceof Blob
          ? slices(data, partSize, opts.signal)
          : data;
    if (size <= partSize) {
      const body = await collect(chunks, size, opts.signal);
      await this.send('PutObject', key, { method: 'PUT', body }, opts.signal);
      opts.onProgress?.(body.length);
      return;
    }
    const created = await this.send('CreateMultipartUpload', key, { method: 'POST' }, opts.signal, {
      uploads: '',
    });
    const uploadId = childText(parseXml(await created.text()), 'UploadId');
    if (!uploadId)
      throw new DecantError(`S3 started no multipart upload of ${key}`, { domain: 'share' });
    try {
      const etags: string[] = [];
      let sent = 0;
      // A blob's slices are whole parts already.
      const each = data instanceof Blob ? chunks : parts(chunks, partSize, opts.signal);
      for await (const part of each) {
        const n = etags.length + 1;
        etags.push(await this.uploadPart(key, uploadId, n, part, opts));
        sent += part.length;
        opts.onProgress?.(sent);
      }
      if (sent !== size)
        throw new DecantError(`${key}: ${sent} bytes came, ${size} were announced`, {
          domain: 'share',
        });
      await this.send(
        'CompleteMultipartUpload',
        key,
        {
          method: 'POST',
          body: completeXml(etags),
          headers: { 'content-type': 'application/xml' },
        },
        opts.signal,
        { uploadId },
      );
    } catch (e) {
      // Never leave parts behind (S3 keeps, and bills, them until aborted); not cancellable.
      await this.send('AbortMultipartUpload', key, { method: 'DELETE' }, undefined, {
        uploadId,
      }).catch(() => {});
      throw e;
    }
  }

  private async uploadPart(
    key: string,
    uploadId: string,
    partNumber: number,
    body: Uint8Array,
    opts: UploadOptions,
  ): Promise<string> {
    const retries = opts.retries ?? 3;
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await this.send('UploadPart', key, { method: 'PUT', body }, opts.signal, {
          partNumber: String(partNumber),
          uploadId,
        });
        const etag = res.headers.get('etag');
        if (!etag) throw hiddenEtagError(this.request('UploadPart', key), this.transport.origin);
        return etag;
      } catch (e) {
        const retriable = e instanceof RetriableError;
        if (!retriable || attempt >= retries || opts.signal?.aborted) throw unwrap(e);
        await sleep(200 * 2 ** attempt, opts.signal);
      }
    }
  }

  /** Signs and sends one request; a 5xx or a network failure is a RetriableError. */
  private async send(
    action: S3Action,
    key: string,
    init: { method: string; body?: Uint8Array | string; headers?: Record<string, string> },
    signal: AbortSignal | undefined,
    query: Record<string, string> = {},
  ): Promise<Response> {
    if (signal?.aborted) throw cancelled();
    const req = this.request(action, key);
    for (const [k, v] of Object.entries(query)) req.url.searchParams.set(k, v);
    const signed = await this.client.sign(req.url.href, {
      method: init.method,
      headers: init.headers,
      body: init.body as BodyInit | undefined,
      signal,
    });
    let res: Response;
    try {
      res = await this.transport.fetch(signed);
    } catch (e) {
      if (signal?.aborted) throw cancelled();
      throw new RetriableError(s3NetworkError(req, this.transport.origin, e));
    }
    if (res.ok) return res;
    const err = await s3AnswerError(res, req);
    throw res.status >= 500 || res.status === 429 ? new RetriableError(err) : err;
  }

  private request(action: S3Action, key: string): S3Request {
    const { bucket, region } = this.target;
    return { action, bucket, key, url: this.objectUrl(key), region };
  }
}

/** Carries a DecantError a part upload may try again after. */
class RetriableError extends Error {
  constructor(readonly error: DecantError) {
    super(error.message);
  }
}

function unwrap(e: unknown): unknown {
  return e instanceof RetriableError ? e.error : e;
}

function cancelled(): DecantError {
  return new DecantError('the upload was cancelled', { domain: 'share', code: 'cancelled' });
}

function completeXml(etags: readonly string[]): string {
  const parts = etags
    .map(
      (etag, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${escapeXml(etag)}</ETag></Part>`,
    )
    .join('');
  return `<CompleteMultipartUpload>${parts}</CompleteMultipartUpload>`;
}

function escapeXml(s: string): string {
  return s
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

/** `blob` read `size` bytes at a time, each slice only when asked for. */
async function* slices(blob: Blob, size: number, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < blob.size; at += size) {
    if (signal?.aborted) throw cancelled();
    const bytes = new Uint8Array(await blob.slice(at, at + size).arrayBuffer());
    if (bytes.length !== Math.min(size, blob.size - at))
      throw new DecantError(`the file gave ${bytes.length} bytes at ${at}, not ${size}`, {
        domain: 'share',
      });
    yield bytes;
  }
}

/** The stream cut into parts of exactly `size` bytes (the last may be shorter). */
async function* parts(
  chunks: AsyncIterable<Uint8Array>,
  size: number,
  signal?: AbortSignal,
): AsyncGenerator<Uint8Array> {
  let part = new Uint8Array(size);
  let filled = 0;
  for await (const chunk of chunks) {
    if (signal?.aborted) throw cancelled();
    let offset = 0;
    while (offset < chunk.length) {
      const n = Math.min(size - filled, chunk.length - offset);
      part.set(chunk.subarray(offset, offset + n), filled);
      filled += n;
      offset += n;
      if (filled === size) {
        yield part;
        part = new Uint8Array(size);
        filled = 0;
      }
    }
  }
  if (filled > 0) yield part.subarray(0, filled);
}

async function collect(
  chunks: AsyncIterable<Uint8Array>,
  size: number,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const out = new Uint8Array(size);
  let filled = 0;
  for await (const chunk of chunks) {
    if (signal?.aborted) throw cancelled();
    if (filled + chunk.length > size)
      throw new DecantError(`more than the ${size} bytes announced came`, { domain: 'share' });
    out.set(chunk, filled);
    filled += chunk.length;
  }
  return filled === size ? out : out.subarray(0, filled);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), reject(cancelled())), { once: true });
  });
}
