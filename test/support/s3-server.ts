import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsV4Signer } from 'aws4fetch';

const require = createRequire(import.meta.url);

/** s3rver's programmatic face, as much of it as the tests use (it ships no types). */
interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
const S3rver = require('s3rver') as new (opts: Record<string, unknown>) => S3rverInstance;

/** s3rver's built-in account; its V4 query signatures are not checked (the proxy checks them). */
export const ACCESS_KEY_ID = 'S3RVER';
export const SECRET_ACCESS_KEY = 'S3RVER';
export const REGION = 'us-east-1';

export interface BucketSpec {
  name: string;
  /** A PutBucketCors XML body, or none for a bucket without CORS. */
  cors?: string;
}

export interface S3Server {
  /** `http://127.0.0.1:<port>`; buckets are addressed path-style, `/<bucket>/<key>`. */
  endpoint: string;
  close(): Promise<void>;
  /** Upload ids of multipart uploads begun and neither completed nor aborted: their parts are kept. */
  uploadsInProgress(bucket: string): string[];
  /**
   * AbortMultipartUpload, which s3rver lacks (405): drops the upload and its parts; false when
   * there is no such upload. The S3 proxy answers the request with it (ProxyRules.abortUpload).
   */
  abortUpload(bucket: string, uploadId: string): boolean;
}

/** A real S3-compatible server (s3rver) on loopback, in a fresh directory, with `buckets`. */
export async function startS3Server(buckets: BucketSpec[]): Promise<S3Server> {
  const directory = mkdtempSync(join(tmpdir(), 'decant-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    vhostBuckets: false,
    configureBuckets: buckets.map((b) => ({ name: b.name, configs: b.cors ? [b.cors] : [] })),
  });
  const { port } = await server.run();
  // Where s3rver's filesystem store keeps a bucket's unfinished multipart uploads.
  const uploads = (bucket: string) => join(directory, bucket, '._S3rver_uploads');
  return {
    endpoint: `http://127.0.0.1:${port}`,
    uploadsInProgress: (bucket) =>
      existsSync(uploads(bucket)) ? readdirSync(uploads(bucket)).sort() : [],
    abortUpload(bucket, uploadId) {
      const dir = join(uploads(bucket), uploadId);
      if (!/^[\w-]+$/.test(uploadId) || !existsSync(dir)) return false;
      rmSync(dir, { recursive: true, force: true });
      return true;
    },
    async close() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** `sales/year=2024/x.csv` → `sales/year%3D2024/x.csv`: each segment escaped, slashes kept. */
export function encodeKey(key: string): string {
  return key
    .split('/')
    .map((p) => encodeURIComponent(p))
    .join('/');
}

/** Stores an object (unsigned PUT: s3rver lets anonymous writes through). */
export async function putObject(
  endpoint: string,
  bucket: string,
  key: string,
  body: Uint8Array | string,
): Promise<void> {
  const res = await fetch(`${endpoint}/${bucket}/${encodeKey(key)}`, {
    method: 'PUT',
    body: typeof body === 'string' ? body : new Blob([body as Uint8Array<ArrayBuffer>]),
  });
  if (!res.ok) throw new Error(`PUT ${bucket}/${key}: ${res.status} ${await res.text()}`);
}

export interface PresignOptions {
  method?: 'GET' | 'HEAD' | 'PUT';
  /** Seconds the URL lasts (X-Amz-Expires); default 3600. */
  expiresIn?: number;
  /** When it was signed; default now. An hour ago with expiresIn 60 gives an expired URL. */
  signedAt?: Date;
  /** More query parameters to sign (`list-type=2`, `prefix`, `max-keys`, `continuation-token`). */
  query?: Record<string, string>;
}

/**
 * A SigV4 query-signed (presigned) URL for `bucket/key` at `endpoint`, as the AWS SDK's presigner
 * makes them (aws4fetch with signQuery). `key` '' presigns the bucket itself (a listing).
 */
export async function presign(
  endpoint: string,
  bucket: string,
  key: string,
  opts: PresignOptions = {},
): Promise<string> {
  const url = new URL(`${endpoint}/${bucket}${key ? '/' + encodeKey(key) : ''}`);
  for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, v);
  url.searchParams.set('X-Amz-Expires', String(opts.expiresIn ?? 3600));
  const signer = new AwsV4Signer({
    method: opts.method ?? 'GET',
    url: url.href,
    accessKeyId: ACCESS_KEY_ID,
    secretAccessKey: SECRET_ACCESS_KEY,
    service: 's3',
    region: REGION,
    signQuery: true,
    ...(opts.signedAt ? { datetime: amzDateOf(opts.signedAt) } : {}),
  });
  return (await signer.sign()).url.href;
}

/** `20240101T120000Z`. */
export function amzDateOf(d: Date): string {
  return d.toISOString().replace(/[:-]|\.\d{3}/g, '');
}
