import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { AwsV4Signer } from 'aws4fetch';
import { postRefusal } from './s3-post-policy';

/** One request the proxy saw, and what it answered. */
export interface ProxyEntry {
  method: string;
  /** Path without the query string (a presigned query is a credential, even in tests). */
  path: string;
  range?: string;
  status: number;
  /** Body bytes sent back. */
  bytes: number;
}

export interface S3Proxy {
  /** `http://127.0.0.1:<port>`: use it in place of the server's endpoint. */
  endpoint: string;
  /** Every request, in order. */
  log: ProxyEntry[];
  close(): Promise<void>;
}

/**
 * How the proxy judges header-signed (Authorization: AWS4-HMAC-SHA256) requests, beyond the
 * signature: temporary credentials and their expiry, the buckets' region, writes denied under
 * a prefix, and parts that fail once (a 500, as S3 sometimes answers) to test retries.
 * The object is read at each request, so a test may change it between calls.
 */
export interface ProxyRules {
  /** Access keys besides `secretFor`'s: their secret, STS session token and expiry (ms). */
  credentials?: Record<string, { secret: string; token?: string; expiresAt?: number }>;
  /** The buckets' region: a request signed for another gets AuthorizationHeaderMalformed. */
  region?: string;
  /** `bucket/prefix`es under which PUT and POST are refused with AccessDenied. */
  denyWrites?: string[];
  /** Buckets whose header-signed listings (GET on the bucket) are refused with AccessDenied. */
  denyLists?: string[];
  /** `bucket/prefix`es under which GETs of objects (header-signed or presigned) get AccessDenied. */
  denyReads?: string[];
  /** Keys per page of a header-signed ListObjectsV2 at most, as S3's 1,000, to force pages. */
  listPageSize?: number;
  /** Part numbers whose first UploadPart gets a 500 InternalError. */
  failPartsOnce?: number[];
  /**
   * Milliseconds each UploadPart waits before it reaches s3rver, so a test can cancel while one
   * is in flight; a part whose client went away meanwhile is dropped, never stored.
   */
  delayPartsMs?: number;
  /** Answers AbortMultipartUpload (s3rver has none): see S3Server.abortUpload. */
  abortUpload?: (bucket: string, uploadId: string) => boolean;
  /** Answers ListMultipartUploads (s3rver has none): see S3Server.uploadsInProgress. */
  listUploads?: (bucket: string) => string[];
}

/** The rules a test in another process may set (`POST /__proxy/rules`): the data ones. */
export type ProxyDataRules = Omit<ProxyRules, 'abortUpload' | 'listUploads'>;

interface Refusal {
  status: number;
  code: string;
  message: string;
  region?: string;
}

function errorXml(r: Refusal): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${r.code}</Code><Message>${r.message}</Message>` +
    (r.region ? `<Region>${r.region}</Region>` : '') +
    '</Error>'
  );
}

/** Why S3 would refuse this header-signed request (checked in S3's order), or null. */
async function headerRefusal(
  req: IncomingMessage,
  url: URL,
  secretFor: (id: string) => string | undefined,
  rules: ProxyRules,
): Promise<Refusal | null> {
  const auth = String(req.headers.authorization);
  const credential = /Credential=([^,]+)/.exec(auth)?.[1] ?? '';
  const signedHeaders = (/SignedHeaders=([^,]+)/.exec(auth)?.[1] ?? '').split(';');
  const given = /Signature=([0-9a-f]+)/.exec(auth)?.[1];
  const [id, , region, service] = credential.split('/');
  const temporary = id ? rules.credentials?.[id] : undefined;
  const secret = temporary?.secret ?? (id ? secretFor(id) : undefined);
  if (!secret)
    return {
      status: 403,
      code: 'InvalidAccessKeyId',
      message: 'The AWS Access Key Id you provided does not exist in our records.',
    };
  if (rules.region && region !== rules.region)
    return {
      status: 400,
      code: 'AuthorizationHeaderMalformed',
      message: `The authorization header is malformed; the region '${region}' is wrong; expecting '${rules.region}'`,
      region: rules.region,
    };
  const headers: Record<string, string> = {};
  for (const h of signedHeaders)
    if (h !== 'host' && req.headers[h] !== undefined) headers[h] = String(req.headers[h]);
  const signer = new AwsV4Signer({
    method: req.method ?? 'GET',
    url: url.href,
    headers,
    accessKeyId: id!,
    secretAccessKey: secret,
    region,
    service,
    datetime: String(req.headers['x-amz-date'] ?? ''),
  });
  const signed = (await signer.sign()).headers.get('authorization') ?? '';
  if (/Signature=([0-9a-f]+)/.exec(signed)?.[1] !== given)
    return {
      status: 403,
      code: 'SignatureDoesNotMatch',
      message: 'The request signature we calculated does not match the signature you provided.',
    };
  if (temporary?.token !== undefined) {
    if (req.headers['x-amz-security-token'] !== temporary.token)
      return {
        status: 403,
        code: 'InvalidToken',
        message: 'The provided token is malformed or otherwise invalid.',
      };
    if (temporary.expiresAt !== undefined && Date.now() > temporary.expiresAt)
      return { status: 400, code: 'ExpiredToken', message: 'The provided token has expired.' };
  }
  const path = decodeURIComponent(url.pathname).slice(1);
  if (
    (req.method === 'PUT' || req.method === 'POST') &&
    rules.denyWrites?.some((prefix) => path.startsWith(prefix))
  )
    return { status: 403, code: 'AccessDenied', message: 'Access Denied' };
  if (req.method === 'GET' && !path.includes('/') && rules.denyLists?.includes(path))
    return { status: 403, code: 'AccessDenied', message: 'Access Denied' };
  if (readDenied(req, path, rules))
    return { status: 403, code: 'AccessDenied', message: 'Access Denied' };
  return null;
}

function readDenied(req: IncomingMessage, path: string, rules: ProxyRules): boolean {
  return (
    (req.method === 'GET' || req.method === 'HEAD') &&
    path.includes('/') &&
    (rules.denyReads?.some((prefix) => path.startsWith(prefix)) ?? false)
  );
}

const SIGNATURE_MISMATCH =
  '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SignatureDoesNotMatch</Code>' +
  '<Message>The request signature we calculated does not match the signature you provided. ' +
  'Check your key and signing method.</Message></Error>';

/**
 * A loopback proxy in front of s3rver that holds requests to S3's rules where s3rver is lenient:
 * it checks SigV4 query signatures (method, path and every query parameter are signed), so a HEAD
 * on a URL presigned for GET gets S3's 403 with no body, and a listing URL with a parameter added
 * after signing (a continuation token) gets 403 SignatureDoesNotMatch; and it answers ranges as S3
 * does (see rangeFix). Header-signed requests (uploads) are checked as S3 would (see ProxyRules and
 * headerRefusal) and reach s3rver as anonymous ones. Everything else goes to s3rver unchanged
 * (expiry, CORS, listings). `GET /__proxy/log` answers the log as JSON and
 * `POST /__proxy/reset` clears it, for a test whose proxy runs in another process.
 */
export async function startS3Proxy(
  target: string,
  secretFor: (id: string) => string | undefined,
  rules: ProxyRules = {},
) {
  const failedParts = new Set<number>();
  const upstream = new URL(target);
  const log: ProxyEntry[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
      if (url.pathname === '/__proxy/log') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(log));
        return;
      }
      if (url.pathname === '/__proxy/reset') {
        log.length = 0;
        res.writeHead(204).end();
        return;
      }
      if (url.pathname === '/__proxy/rules' && req.method === 'POST') {
        const next = JSON.parse((await bodyOf(req)).toString() || '{}') as ProxyDataRules;
        for (const k of [
          'credentials',
          'region',
          'denyWrites',
          'denyLists',
          'denyReads',
          'listPageSize',
          'failPartsOnce',
          'delayPartsMs',
        ] as const)
          delete rules[k];
        Object.assign(rules, next);
        failedParts.clear();
        res.writeHead(204).end();
        return;
      }
      const entry: ProxyEntry = {
        method: req.method ?? 'GET',
        path: decodeURIComponent(url.pathname),
        status: 0,
        bytes: 0,
        ...(req.headers.range ? { range: String(req.headers.range) } : {}),
      };
      log.push(entry);
      const answer = async (status: number, body: string, headers: Record<string, string> = {}) => {
        const cors = await corsHeadersFor(upstream, url, req);
        res.writeHead(status, { ...headers, ...cors }).end(body);
        entry.status = status;
        entry.bytes = Buffer.byteLength(body);
      };
      if (isFormPost(req, url)) {
        await answerFormPost(req, url, upstream, secretFor, rules, answer);
        return;
      }
      const forwarded = { ...req.headers };
      let forwardPath = req.url;
      if (req.method !== 'OPTIONS' && /^AWS4-HMAC-SHA256 /.test(req.headers.authorization ?? '')) {
        const refusal = await headerRefusal(req, url, secretFor, rules).catch((): Refusal => ({
          status: 403,
          code: 'SignatureDoesNotMatch',
          message: 'bad signature',
        }));
        const part = Number(url.searchParams.get('partNumber'));
        const failing =
          !refusal &&
          req.method === 'PUT' &&
          rules.failPartsOnce?.includes(part) &&
          !failedParts.has(part);
        if (failing) failedParts.add(part);
        const refused =
          refusal ??
          (failing
            ? {
                status: 500,
                code: 'InternalError',
                message: 'We encountered an internal error. Please try again.',
              }
            : null);
        if (refused) {
          req.resume();
          await answer(refused.status, errorXml(refused), { 'content-type': 'application/xml' });
          return;
        }
        if (req.method === 'GET' && url.searchParams.has('uploads') && rules.listUploads) {
          const bucket = decodeURIComponent(url.pathname).split('/')[1] ?? '';
          const uploads = rules
            .listUploads(bucket)
            .map((id) => `<Upload><UploadId>${id}</UploadId></Upload>`)
            .join('');
          await answer(
            200,
            `<?xml version="1.0" encoding="UTF-8"?>\n<ListMultipartUploadsResult><Bucket>${bucket}</Bucket>${uploads}</ListMultipartUploadsResult>`,
            { 'content-type': 'application/xml' },
          );
          return;
        }
        const uploadId = url.searchParams.get('uploadId');
        if (req.method === 'DELETE' && uploadId && rules.abortUpload) {
          req.resume();
          const bucket = decodeURIComponent(url.pathname).split('/')[1] ?? '';
          const gone = rules.abortUpload(bucket, uploadId);
          const body = gone
            ? ''
            : errorXml({
                status: 404,
                code: 'NoSuchUpload',
                message: 'The specified upload does not exist.',
              });
          await answer(gone ? 204 : 404, body, gone ? {} : { 'content-type': 'application/xml' });
          return;
        }
        if (req.method === 'PUT' && url.searchParams.has('partNumber') && rules.delayPartsMs) {
          let gone = false;
          res.once('close', () => (gone = !res.writableFinished));
          await new Promise((r) => setTimeout(r, rules.delayPartsMs));
          if (gone) {
            req.resume();
            entry.status = 499; // the client closed the request: nothing stored
            return;
          }
        }
        if (
          req.method === 'GET' &&
          url.searchParams.get('list-type') === '2' &&
          rules.listPageSize
        ) {
          const asked = Number(url.searchParams.get('max-keys') ?? 1000);
          const capped = new URL(url);
          capped.searchParams.set('max-keys', String(Math.min(asked, rules.listPageSize)));
          forwardPath = `${capped.pathname}${capped.search}`;
        }
        // s3rver checks no header signature of ours: it gets the request as an anonymous one.
        for (const h of [
          'authorization',
          'x-amz-date',
          'x-amz-content-sha256',
          'x-amz-security-token',
        ])
          delete forwarded[h];
      }
      if (req.method !== 'OPTIONS' && url.searchParams.has('X-Amz-Signature')) {
        const secretOf = (id: string) => rules.credentials?.[id]?.secret ?? secretFor(id);
        const ok = await signatureHolds(req, url, secretOf).catch(() => false);
        const id = (url.searchParams.get('X-Amz-Credential') ?? '').split('/')[0] ?? '';
        if (ok && rules.credentials?.[id]) {
          // s3rver knows only its own account: a verified temporary key reaches it anonymously.
          const plain = new URL(url);
          for (const k of [...plain.searchParams.keys()])
            if (k.toLowerCase().startsWith('x-amz-')) plain.searchParams.delete(k);
          forwardPath = `${plain.pathname}${plain.search}`;
        }
        if (ok && readDenied(req, decodeURIComponent(url.pathname).slice(1), rules)) {
          req.resume();
          await answer(
            403,
            errorXml({ status: 403, code: 'AccessDenied', message: 'Access Denied' }),
            {
              'content-type': 'application/xml',
            },
          );
          return;
        }
        if (!ok) {
          const cors = await corsHeadersFor(upstream, url, req);
          const body = req.method === 'HEAD' ? '' : SIGNATURE_MISMATCH;
          res.writeHead(403, { 'content-type': 'application/xml', ...cors });
          res.end(body);
          entry.status = 403;
          entry.bytes = Buffer.byteLength(body);
          return;
        }
      }
      const headers = { ...forwarded, host: upstream.host };
      const up = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: forwardPath,
          headers,
        },
        (r) => {
          const fix = rangeFix(req, r);
          if (fix?.empty) {
            // S3 cannot serve byte 0 of an empty object: 416 (s3rver promises 1 byte and hangs).
            r.destroy();
            const cors = Object.fromEntries(
              Object.entries(r.headers).filter(([k]) => /^(access-control-|vary)/i.test(k)),
            );
            res.writeHead(416, {
              ...cors,
              'content-type': 'application/xml',
              'content-range': 'bytes */0',
            });
            res.end(INVALID_RANGE);
            entry.status = 416;
            entry.bytes = Buffer.byteLength(INVALID_RANGE);
            return;
          }
          entry.status = r.statusCode ?? 0;
          let left = fix ? fix.length : Infinity;
          res.writeHead(
            entry.status,
            fix
              ? {
                  ...r.headers,
                  'content-range': fix.contentRange,
                  'content-length': String(fix.length),
                }
              : r.headers,
          );
          r.on('data', (chunk: Buffer) => {
            const part = chunk.length > left ? chunk.subarray(0, left) : chunk;
            left -= part.length;
            entry.bytes += part.length;
            if (part.length) res.write(part);
            if (left <= 0) r.destroy();
          });
          r.on('close', () => res.end());
        },
      );
      up.on('error', (e) => res.writeHead(502).end(String(e)));
      req.pipe(up);
    })();
  });
  // Node closes a keep-alive socket idle for 5 s; on a busy machine that races a client reusing
  // it ("other side closed", ECONNRESET). Idle sockets stay open for the length of a test.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('s3 proxy: no port');
  return {
    endpoint: `http://127.0.0.1:${addr.port}`,
    log,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  } satisfies S3Proxy;
}

const INVALID_RANGE =
  '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InvalidRange</Code>' +
  '<Message>The requested range is not satisfiable</Message></Error>';

/**
 * Where s3rver answers a range unlike S3: `bytes=0-0` reads as "to the end" there (its `end || ∞`),
 * and an empty object gets a 206 promising a byte it never sends. S3 sends exactly the bytes asked
 * for, and 416 for an empty object.
 */
function rangeFix(
  req: IncomingMessage,
  r: IncomingMessage,
): { empty: true } | { empty?: false; length: number; contentRange: string } | null {
  const want = /^bytes=(\d+)-(\d+)$/.exec(String(req.headers.range ?? ''));
  const got = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(String(r.headers['content-range'] ?? ''));
  if (!want || !got || r.statusCode !== 206) return null;
  const [, start, end, total] = got.map(Number) as number[];
  if (total === 0) return { empty: true };
  const last = Math.min(Number(want[2]), end!);
  if (last === end) return null;
  return { length: last - start! + 1, contentRange: `bytes ${start}-${last}/${total}` };
}

/** Recomputes the SigV4 query signature for this method and URL, as S3 does. */
async function signatureHolds(
  req: IncomingMessage,
  url: URL,
  secretFor: (id: string) => string | undefined,
): Promise<boolean> {
  const q = url.searchParams;
  const [id, day, region, service] = (q.get('X-Amz-Credential') ?? '').split('/');
  const secret = id ? secretFor(id) : undefined;
  const datetime = q.get('X-Amz-Date') ?? '';
  if (!secret || !day || !datetime.startsWith(day)) return false;
  const given = q.get('X-Amz-Signature');
  const unsigned = new URL(url);
  unsigned.searchParams.delete('X-Amz-Signature');
  const signedHeaders = (q.get('X-Amz-SignedHeaders') ?? 'host').split(';');
  const headers: Record<string, string> = {};
  for (const h of signedHeaders)
    if (h !== 'host' && req.headers[h] !== undefined) headers[h] = String(req.headers[h]);
  const signer = new AwsV4Signer({
    method: req.method ?? 'GET',
    url: unsigned.href,
    headers,
    accessKeyId: id!,
    secretAccessKey: secret,
    region,
    service,
    datetime,
    signQuery: true,
  });
  return (await signer.sign()).url.searchParams.get('X-Amz-Signature') === given;
}

/**
 * The CORS headers S3 would put on an error for this request: those the bucket's rule gives
 * (asked of s3rver with a preflight), so the page can read the error as it could from S3.
 */
async function corsHeadersFor(
  upstream: URL,
  url: URL,
  req: IncomingMessage,
): Promise<Record<string, string>> {
  const origin = req.headers.origin;
  if (!origin) return {};
  const res = await fetch(`${upstream.origin}${url.pathname}`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': req.method ?? 'GET' },
  }).catch(() => null);
  const allow = res?.ok ? res.headers.get('access-control-allow-origin') : null;
  await res?.body?.cancel();
  return allow ? { 'access-control-allow-origin': allow, vary: 'Origin' } : {};
}

function bodyOf(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** A browser-based POST upload: to the bucket itself, a form, no Authorization header. */
function isFormPost(req: IncomingMessage, url: URL): boolean {
  return (
    req.method === 'POST' &&
    /^\/[^/]+\/?$/.test(url.pathname) &&
    url.search === '' &&
    /^multipart\/form-data/i.test(String(req.headers['content-type'] ?? '')) &&
    !req.headers.authorization
  );
}

/**
 * Judges a POST policy upload as S3 does (see postRefusal), then stores the file in s3rver
 * under its key (`${filename}` replaced by the file's name) and answers 204, or
 * success_action_status.
 */
async function answerFormPost(
  req: IncomingMessage,
  url: URL,
  upstream: URL,
  secretFor: (id: string) => string | undefined,
  rules: ProxyRules,
  answer: (status: number, body: string, headers?: Record<string, string>) => Promise<void>,
): Promise<void> {
  const bucket = decodeURIComponent(url.pathname).split('/')[1] ?? '';
  const form = await new Response(new Uint8Array(await bodyOf(req)), {
    headers: { 'content-type': String(req.headers['content-type']) },
  }).formData();
  const fields = new Map<string, string>();
  let file: File | null = null;
  for (const [k, v] of form) {
    if (k === 'file' && typeof v !== 'string') {
      file = v;
      break; // S3 ignores fields after the file
    }
    if (typeof v === 'string') fields.set(k, v);
  }
  const xml = { 'content-type': 'application/xml' };
  if (!file)
    return answer(
      400,
      errorXml({
        status: 400,
        code: 'InvalidArgument',
        message: 'POST requires exactly one file upload per request.',
      }),
      xml,
    );
  const refusal = postRefusal(bucket, fields, file.size, {
    region: rules.region,
    secretOf: (id) =>
      rules.credentials?.[id] ?? (secretFor(id) ? { secret: secretFor(id)! } : undefined),
  });
  const keyField = [...fields].find(([k]) => k.toLowerCase() === 'key')?.[1] ?? '';
  const key = keyField.replaceAll('${filename}', file.name);
  const denied =
    !refusal && rules.denyWrites?.some((prefix) => `${bucket}/${key}`.startsWith(prefix))
      ? { status: 403, code: 'AccessDenied', message: 'Access Denied' }
      : null;
  if (refusal ?? denied)
    return answer((refusal ?? denied)!.status, errorXml((refusal ?? denied)!), xml);
  const path = `/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
  const stored = await fetch(`${upstream.origin}${path}`, {
    method: 'PUT',
    body: new Uint8Array(await file.arrayBuffer()),
  });
  if (!stored.ok) return answer(stored.status, await stored.text(), xml);
  const status = Number(
    [...fields].find(([k]) => k.toLowerCase() === 'success_action_status')?.[1],
  );
  return answer(status === 200 || status === 201 ? status : 204, '');
}
