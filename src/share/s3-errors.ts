/**
 * S3's refusals of an upload, in words a user can act on: expired credentials, the permission
 * that is missing, the bucket's real region, and the CORS rule an upload from this page needs.
 * URLs in messages are redacted (no query string: it may be a credential).
 */
import { DecantError } from '../core/errors';
import { parseS3Error, redactUrl } from '../core/remote';

/** What the upload was doing, as S3's API names it. */
export type S3Action =
  | 'PutObject'
  | 'CreateMultipartUpload'
  | 'UploadPart'
  | 'CompleteMultipartUpload'
  | 'AbortMultipartUpload'
  | 'DeleteObject';

/** The IAM permission each action needs. */
const PERMISSION: Record<S3Action, string> = {
  PutObject: 's3:PutObject',
  CreateMultipartUpload: 's3:PutObject',
  UploadPart: 's3:PutObject',
  CompleteMultipartUpload: 's3:PutObject',
  AbortMultipartUpload: 's3:AbortMultipartUpload',
  DeleteObject: 's3:DeleteObject',
};

/** The bucket CORS rule a page at `origin` needs to upload: PUT/POST/DELETE, and ETag exposed. */
export function uploadCorsRule(origin: string) {
  return {
    AllowedOrigins: [origin],
    AllowedMethods: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'],
    AllowedHeaders: ['*'],
    ExposeHeaders: ['ETag', 'Content-Length', 'Content-Range'],
    MaxAgeSeconds: 3000,
  };
}

export interface S3Request {
  action: S3Action;
  bucket: string;
  key: string;
  url: URL;
  /** The region the request was signed for. */
  region: string;
}

/** A `share:` DecantError for S3's answer `res` (not ok) to `req`; reads the body. */
export async function s3AnswerError(res: Response, req: S3Request): Promise<DecantError> {
  const body = parseS3Error(await res.text().catch(() => ''));
  const code = body?.code ?? `HTTP ${res.status}`;
  const where = `${req.bucket}/${req.key}`;
  const say = (text: string) => new DecantError(text, { domain: 'share' });
  switch (code) {
    case 'ExpiredToken':
    case 'TokenRefreshRequired':
      return say(
        `the temporary credentials have expired (${code}): paste new ones ` +
          '(aws sts get-session-token or assume-role) and upload again',
      );
    case 'InvalidToken':
      return say('the session token does not belong to these credentials (InvalidToken)');
    case 'InvalidAccessKeyId':
      return say('S3 does not know this access key (InvalidAccessKeyId): check the access key id');
    case 'SignatureDoesNotMatch':
      return say('the secret access key does not match the access key id (SignatureDoesNotMatch)');
    case 'AccessDenied':
      return say(
        `S3 denied ${req.action} on ${where} (AccessDenied): the credentials need ` +
          `${PERMISSION[req.action]} on arn:aws:s3:::${req.bucket}/${req.key}`,
      );
    case 'AuthorizationHeaderMalformed':
    case 'PermanentRedirect':
    case 'IllegalLocationConstraintException': {
      const region = body?.fields.Region ?? res.headers.get('x-amz-bucket-region');
      return say(
        region
          ? `bucket ${req.bucket} is in region ${region}, not ${req.region}: choose ${region}`
          : `bucket ${req.bucket} is not in region ${req.region} (${code}): choose its region`,
      );
    }
    case 'NoSuchBucket':
      return say(`there is no bucket ${req.bucket} (NoSuchBucket)`);
    case 'NoSuchUpload':
      return say(`the multipart upload of ${where} is gone (NoSuchUpload): upload again`);
  }
  const message = body?.message ? `: ${body.message}` : '';
  return say(`S3 answered ${res.status} ${code} to ${req.action} on ${where}${message}`);
}

/**
 * A request that got no answer the page may read: offline, or (the usual case) a bucket without a
 * CORS rule for this page. Names the rule that fixes it.
 */
export function s3NetworkError(req: S3Request, origin: string | null, cause: unknown): DecantError {
  const rule = origin
    ? ` If you are online, the bucket most likely has no CORS rule for this page; add this one ` +
      `(S3 console → bucket → Permissions → CORS):\n${JSON.stringify([uploadCorsRule(origin)], null, 2)}`
    : '';
  return new DecantError(
    `${req.action} to ${redactUrl(req.url)} got no answer the page can read.${rule}`,
    { domain: 'share', cause },
  );
}

/** A part uploaded whose ETag the page cannot see: the bucket's CORS rule does not expose it. */
export function hiddenEtagError(req: S3Request, origin: string | null): DecantError {
  const rule = origin ? `:\n${JSON.stringify([uploadCorsRule(origin)], null, 2)}` : '';
  return new DecantError(
    `S3 took part of ${req.bucket}/${req.key} but its ETag header is hidden from the page: the ` +
      `bucket's CORS rule must expose ETag (ExposeHeaders: ETag) for a multipart upload${rule}`,
    { domain: 'share' },
  );
}
