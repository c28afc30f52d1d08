/**
 * Share links: presigned GET URLs (SigV4 query signing, at most 7 days) for every file of an
 * uploaded package, carried compactly in a link's fragment — the fragment never reaches a
 * server. All URLs of one link share their query but the signature, so it is written once.
 */
import { AwsV4Signer } from 'aws4fetch';
import { DecantError } from '../core/errors';
import { quotedName } from '../core/quoted-name';
import type { S3Bucket, TemporaryCredentials } from './s3-upload';

/** S3's longest presigned URL: 7 days. */
export const MAX_LINK_SECONDS = 7 * 24 * 3600;

export interface PackageLink {
  v: 1;
  /** The package's folder URL, ending in `/`; file paths are relative to it. */
  base: string;
  /** The query every URL shares (algorithm, credential scope, date, expiry, token), no signature. */
  query: string;
  /** Path → its X-Amz-Signature. `datapackage.json` is one of them. */
  signatures: Record<string, string>;
  /** ISO time the URLs stop working (earlier if the credentials expire first). */
  expiresAt: string;
}

const say = (message: string) => new DecantError(message, { domain: 'share' });

/**
 * Presigns GET for `paths` (relative to `prefix`) and returns the link's content. Throws a
 * `share:` DecantError for an expiry over 7 days or under a second.
 */
export async function presignPackage(
  credentials: TemporaryCredentials,
  target: S3Bucket,
  prefix: string,
  paths: readonly string[],
  expiresIn: number,
  now = new Date(),
): Promise<PackageLink> {
  if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_LINK_SECONDS)
    throw say('a share link lasts from 1 second to 7 days (S3’s limit for presigned URLs)');
  const folder = prefix.replace(/^\/+|\/+$/g, '');
  const base = folderUrl(target, folder);
  const datetime = now.toISOString().replace(/[:-]|\.\d{3}/g, '');
  let query = '';
  const signatures: Record<string, string> = {};
  for (const path of paths) {
    const url = new URL(path.split('/').map(encodeURIComponent).join('/'), base);
    url.searchParams.set('X-Amz-Expires', String(expiresIn));
    const signed = await new AwsV4Signer({
      method: 'GET',
      url: url.href,
      ...credentials,
      service: 's3',
      region: target.region,
      datetime,
      signQuery: true,
    }).sign();
    const params = new URLSearchParams(signed.url.search);
    signatures[path] = params.get('X-Amz-Signature') ?? '';
    params.delete('X-Amz-Signature');
    query = params.toString();
  }
  return {
    v: 1,
    base: base.href,
    query,
    signatures,
    expiresAt: new Date(now.getTime() + expiresIn * 1000).toISOString(),
  };
}

/** The presigned URL of `path` in `link`; throws when the link does not carry it. */
export function fileUrl(link: PackageLink, path: string): string {
  const signature = link.signatures[path];
  if (!signature) throw say(`the share link carries no URL for ${quotedName(path)}`);
  const url = new URL(path.split('/').map(encodeURIComponent).join('/'), link.base);
  url.search = `${link.query}&X-Amz-Signature=${signature}`;
  return url.href;
}

/** `#package=<base64url JSON>`, to append to the app's URL. */
export function linkFragment(link: PackageLink): string {
  const bytes = new TextEncoder().encode(JSON.stringify(link));
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return `#package=${btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')}`;
}

/** The link in a `#package=…` fragment; throws a `share:` DecantError for one that is not. */
export function linkFromFragment(fragment: string): PackageLink {
  const m = /^#?package=([A-Za-z0-9_-]+)$/.exec(fragment);
  if (!m) throw say('this link holds no package (it should end in #package=…)');
  let link: PackageLink;
  try {
    const binary = atob(m[1]!.replaceAll('-', '+').replaceAll('_', '/'));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    link = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as PackageLink;
  } catch (e) {
    throw new DecantError('share: the link is cut or damaged: copy it again', { cause: e });
  }
  const base = typeof link?.base === 'string' ? urlOrNull(link.base) : null;
  if (
    link?.v !== 1 ||
    !base ||
    !/^https?:$/.test(base.protocol) ||
    typeof link.query !== 'string' ||
    typeof link.signatures !== 'object' ||
    !link.signatures?.['datapackage.json']
  )
    throw say('the link is not a Decant package link, or from a newer version of Decant');
  return link;
}

/** What copying the link means, in plain words, to show before it is copied. */
export function linkWarning(link: PackageLink): string {
  const when = link.expiresAt.replace('T', ' ').replace(/:\d\d\.\d{3}Z$/, ' UTC');
  return (
    `Anyone who has this link can download the shared data until ${when} ` +
    '(or until the credentials it was signed with expire, if sooner). It cannot be withdrawn ' +
    'before then, except by deleting the files or the credentials.'
  );
}

function folderUrl(target: S3Bucket, folder: string): URL {
  const path = folder ? `${folder.split('/').map(encodeURIComponent).join('/')}/` : '';
  return target.endpoint
    ? new URL(`${target.endpoint.replace(/\/$/, '')}/${encodeURIComponent(target.bucket)}/${path}`)
    : new URL(`https://${target.bucket}.s3.${target.region}.amazonaws.com/${path}`);
}

function urlOrNull(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}
