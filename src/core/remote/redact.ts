/**
 * A URL as messages and logs may show it: scheme, host and decoded path, never the query string
 * (a presigned URL's query is a credential) nor a user:password part. Text, never HTML.
 * `https://b.s3.amazonaws.com/sales/x.csv?X-Amz-Signature=…` → `https://b.s3.amazonaws.com/sales/x.csv`.
 */
export function redactUrl(url: string | URL): string {
  let u: URL;
  try {
    u = typeof url === 'string' ? new URL(url) : url;
  } catch {
    // Not a URL: cut at the first `?` or `#`, and keep it short.
    const text = String(url).split(/[?#]/)[0] ?? '';
    return text.length > 80 ? `${text.slice(0, 79)}…` : text;
  }
  return `${u.protocol}//${u.host}${decodePath(u.pathname)}`;
}

/** A URL path with its percent-escapes decoded where they decode (`year%3D2024` → `year=2024`). */
export function decodePath(path: string): string {
  return path
    .split('/')
    .map((part) => {
      try {
        return decodeURIComponent(part);
      } catch {
        return part;
      }
    })
    .join('/');
}
