/**
 * S3's browser-based POST upload (a presigned POST policy), for the loopback stack: making a
 * policy as boto3's generate_presigned_post does, and judging a POST as S3 does — the SigV4
 * signature over the base64 policy, its expiry, and every condition (exact fields, `eq`,
 * `starts-with`, `content-length-range`), extra fields refused — before the file is stored.
 */
import { createHmac } from 'node:crypto';

export interface PostRefusal {
  status: number;
  code: string;
  message: string;
}

/** SigV4's signing key for a day, region and service. */
function signingKey(secret: string, day: string, region: string, service: string): Buffer {
  const k1 = createHmac('sha256', `AWS4${secret}`).update(day).digest();
  const k2 = createHmac('sha256', k1).update(region).digest();
  const k3 = createHmac('sha256', k2).update(service).digest();
  return createHmac('sha256', k3).update('aws4_request').digest();
}

export interface PresignPostOptions {
  endpoint: string;
  bucket: string;
  /** `prefix/${filename}`, as boto3 is given it. */
  key: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  region: string;
  /** Seconds the policy lasts; default 3600. */
  expiresIn?: number;
  /** When it was made; default now. */
  signedAt?: Date;
  /** More conditions, e.g. `['content-length-range', 0, 1048576]`. */
  conditions?: unknown[];
}

/**
 * `{ url, fields }` as boto3's `generate_presigned_post(Bucket, Key='prefix/${filename}',
 * Conditions=…)` returns them (path-style URL for the loopback endpoint): a `starts-with $key`
 * condition for the prefix, the SigV4 fields, and the signature over the base64 policy.
 */
export function presignPost(o: PresignPostOptions): {
  url: string;
  fields: Record<string, string>;
} {
  const at = o.signedAt ?? new Date();
  const amzDate = at.toISOString().replace(/[:-]|\.\d{3}/g, '');
  const day = amzDate.slice(0, 8);
  const credential = `${o.accessKeyId}/${day}/${o.region}/s3/aws4_request`;
  const fields: Record<string, string> = { key: o.key };
  const conditions: unknown[] = [{ bucket: o.bucket }, ...(o.conditions ?? [])];
  const prefix = o.key.endsWith('${filename}') ? o.key.slice(0, -'${filename}'.length) : null;
  conditions.push(prefix !== null ? ['starts-with', '$key', prefix] : { key: o.key });
  const amz: Record<string, string> = {
    'x-amz-algorithm': 'AWS4-HMAC-SHA256',
    'x-amz-credential': credential,
    'x-amz-date': amzDate,
    ...(o.sessionToken ? { 'x-amz-security-token': o.sessionToken } : {}),
  };
  for (const [k, v] of Object.entries(amz)) {
    fields[k] = v;
    conditions.push({ [k]: v });
  }
  const expiration = new Date(at.getTime() + (o.expiresIn ?? 3600) * 1000).toISOString();
  const policy = Buffer.from(JSON.stringify({ expiration, conditions })).toString('base64');
  fields.policy = policy;
  fields['x-amz-signature'] = createHmac(
    'sha256',
    signingKey(o.secretAccessKey, day, o.region, 's3'),
  )
    .update(policy)
    .digest('hex');
  return { url: `${o.endpoint}/${o.bucket}`, fields };
}

export interface PostSecrets {
  /** The secret and (temporary credentials) the session token and expiry of an access key. */
  secretOf(id: string): { secret: string; token?: string; expiresAt?: number } | undefined;
  /** The buckets' region (a policy signed for another is refused); default any. */
  region?: string;
}

const deny = (message: string): PostRefusal => ({ status: 403, code: 'AccessDenied', message });

/**
 * Why S3 would refuse this POST of `file` (`size` bytes) with form `fields` to `bucket`, or
 * null when it stores it. `fields` keeps the names as sent.
 */
export function postRefusal(
  bucket: string,
  fields: Map<string, string>,
  size: number,
  secrets: PostSecrets,
  now = Date.now(),
): PostRefusal | null {
  const f = new Map([...fields].map(([k, v]) => [k.toLowerCase(), v]));
  const policyText = f.get('policy');
  const signature = f.get('x-amz-signature');
  const credential = f.get('x-amz-credential') ?? '';
  if (!policyText || !signature || f.get('x-amz-algorithm') !== 'AWS4-HMAC-SHA256')
    return { status: 400, code: 'InvalidArgument', message: 'POST requires a SigV4 policy' };
  const [id, day, region, service] = credential.split('/');
  const known = id ? secrets.secretOf(id) : undefined;
  if (!known)
    return {
      status: 403,
      code: 'InvalidAccessKeyId',
      message: 'The AWS Access Key Id you provided does not exist in our records.',
    };
  if (secrets.region && region !== secrets.region)
    return {
      status: 400,
      code: 'AuthorizationQueryParametersError',
      message: `Error parsing the X-Amz-Credential parameter; the region '${region}' is wrong; expecting '${secrets.region}'`,
    };
  const expected = createHmac('sha256', signingKey(known.secret, day!, region!, service!))
    .update(policyText)
    .digest('hex');
  if (expected !== signature)
    return {
      status: 403,
      code: 'SignatureDoesNotMatch',
      message: 'The request signature we calculated does not match the signature you provided.',
    };
  if (known.token !== undefined) {
    if (f.get('x-amz-security-token') !== known.token)
      return {
        status: 403,
        code: 'InvalidToken',
        message: 'The provided token is malformed or otherwise invalid.',
      };
    if (known.expiresAt !== undefined && now > known.expiresAt)
      return { status: 400, code: 'ExpiredToken', message: 'The provided token has expired.' };
  }
  let policy: { expiration?: string; conditions?: unknown[] };
  try {
    policy = JSON.parse(Buffer.from(policyText, 'base64').toString('utf8')) as typeof policy;
  } catch {
    return { status: 400, code: 'InvalidPolicyDocument', message: 'Invalid Policy: Invalid JSON.' };
  }
  if (!policy.expiration || !(Date.parse(policy.expiration) > now))
    return deny('Invalid according to Policy: Policy expired.');
  const covered = new Set(['policy', 'x-amz-signature', 'file']);
  const values = new Map(f);
  values.set('bucket', bucket);
  for (const c of policy.conditions ?? []) {
    const failed = () =>
      deny(`Invalid according to Policy: Policy Condition failed: ${JSON.stringify(c)}`);
    if (Array.isArray(c)) {
      const [op, a, b] = c as [string, unknown, unknown];
      if (String(op).toLowerCase() === 'content-length-range') {
        if (size < Number(a) || size > Number(b)) return failed();
        continue;
      }
      const name = String(a).replace(/^\$/, '').toLowerCase();
      covered.add(name);
      const value = values.get(name) ?? '';
      if (op === 'eq' && value !== String(b)) return failed();
      if (op === 'starts-with' && !value.startsWith(String(b))) return failed();
      if (op !== 'eq' && op !== 'starts-with') return failed();
    } else if (c && typeof c === 'object') {
      for (const [k, v] of Object.entries(c as Record<string, unknown>)) {
        const name = k.toLowerCase();
        covered.add(name);
        if ((values.get(name) ?? '') !== String(v)) return failed();
      }
    }
  }
  const extra = [...f.keys()].filter((k) => !covered.has(k) && !k.startsWith('x-ignore-'));
  if (extra.length)
    return deny(`Invalid according to Policy: Extra input fields: ${extra.join(', ')}`);
  return null;
}
